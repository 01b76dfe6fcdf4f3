//! Service control policies: each guardrail denied with only the break-glass role exempt, at
//! its boundaries and in disguise (a pattern exemption, a second condition, an Allow, one
//! action missing, a pattern action, a guardrail split across inherited policies), where the
//! policy is attached, and `build()` of the construct.

use std::collections::BTreeSet;

use hipaa_aws::constructs::organizations::{evaluate_attachment, evaluate_guardrails, Guardrail};
use hipaa_aws::policy::{
    Comparison, Condition, ConditionOperator, Exempt, PolicyDocument, Statement,
};
use hipaa_aws::prelude::*;
use hipaa_aws::{ControlId as C, Status};

use super::Case;

const F: &str = "organizations";
const ROLE: &str = "arn:aws:iam::*:role/hipaa-aws/break-glass";

fn library() -> PolicyDocument {
    OrganizationGuardrails::builder()
        .name("guardrails")
        .break_glass_role("/hipaa-aws/break-glass")
        .attach_to("ou-abcd-12345678")
        .build()
        .expect("guardrails")
        .document("aws")
}

fn exempt(values: &[&str]) -> Condition {
    Condition::new(
        ConditionOperator::plain(Comparison::ArnNotLike),
        "aws:PrincipalArn",
        values.iter().copied(),
    )
}

/// The library's document with the CloudTrail guardrail's statement replaced by `statement`.
fn with_cloudtrail(statements: Vec<Statement>) -> PolicyDocument {
    let mut document = library();
    let sid = Guardrail::CloudTrail.sid();
    document
        .statements
        .retain(|s| s.sid.as_deref() != Some(sid.as_str()));
    document.statements.extend(statements);
    document
}

fn judge(name: &str, expected: Status, policies: Vec<PolicyDocument>, exempt: Exempt<'_>) -> Case {
    let checks = evaluate_guardrails(&policies, exempt)
        .into_iter()
        .filter(|check| check.setting == "guardrails.cloudtrail")
        .collect();
    Case::eval(
        F,
        "constructs::organizations::evaluate_guardrails",
        name,
        C::ScpGuardrailsInForce,
        expected,
        checks,
    )
}

fn deny(actions: &[&str]) -> Statement {
    Statement::deny()
        .actions(actions.iter().copied())
        .resources(["*"])
}

pub fn cases() -> Vec<Case> {
    use Status::*;
    let trail = Guardrail::CloudTrail.actions();
    let known = Exempt::RoleInEveryAccount(ROLE);
    let mut cases = vec![
        judge("the library's document", Pass, vec![library()], known),
        judge(
            "the library's document, audited",
            Pass,
            vec![library()],
            Exempt::AnyOneRoleInEveryAccount,
        ),
        judge("no policy in force", Fail, vec![], known),
        judge(
            "guardrail removed",
            Fail,
            vec![with_cloudtrail(vec![])],
            known,
        ),
        judge(
            "one action of four missing",
            Fail,
            vec![with_cloudtrail(vec![
                deny(&trail[..3]).when(exempt(&[ROLE]))
            ])],
            known,
        )
        .edge(),
        judge(
            "cloudtrail:* denied",
            Pass,
            vec![with_cloudtrail(vec![
                deny(&["cloudtrail:*"]).when(exempt(&[ROLE]))
            ])],
            known,
        ),
        judge(
            "cloudtrail:Stop* and the rest by name",
            Pass,
            vec![with_cloudtrail(vec![deny(&[
                "cloudtrail:Stop*",
                "cloudtrail:DeleteTrail",
                "cloudtrail:UpdateTrail",
                "cloudtrail:PutEventSelectors",
            ])
            .when(exempt(&[ROLE]))])],
            known,
        ),
        judge(
            "no exemption at all",
            Pass,
            vec![with_cloudtrail(vec![deny(trail)])],
            known,
        ),
        judge(
            "exempting every role of the path",
            Fail,
            vec![with_cloudtrail(vec![
                deny(trail).when(exempt(&["arn:aws:iam::*:role/hipaa-aws/*"]))
            ])],
            known,
        )
        .edge(),
        judge(
            "exempting every role of the path, audited",
            Fail,
            vec![with_cloudtrail(vec![
                deny(trail).when(exempt(&["arn:aws:iam::*:role/hipaa-aws/*"]))
            ])],
            Exempt::AnyOneRoleInEveryAccount,
        )
        .edge(),
        judge(
            "exempting a second role",
            Fail,
            vec![with_cloudtrail(vec![
                deny(trail).when(exempt(&[ROLE, "arn:aws:iam::*:role/admin"]))
            ])],
            known,
        )
        .edge(),
        judge(
            "exempting another role",
            Fail,
            vec![with_cloudtrail(vec![
                deny(trail).when(exempt(&["arn:aws:iam::*:role/hipaa-aws/other"]))
            ])],
            known,
        ),
        judge(
            "exempting another role, audited",
            Pass,
            vec![with_cloudtrail(vec![
                deny(trail).when(exempt(&["arn:aws:iam::*:role/hipaa-aws/other"]))
            ])],
            Exempt::AnyOneRoleInEveryAccount,
        ),
        judge(
            "exempting the role in one account, audited",
            Pass,
            vec![with_cloudtrail(vec![deny(trail).when(exempt(&[
                "arn:aws:iam::111122223333:role/break-glass",
            ]))])],
            Exempt::AnyOneRoleInEveryAccount,
        )
        .edge(),
        judge(
            "exempting every account's roles, audited",
            Fail,
            vec![with_cloudtrail(vec![
                deny(trail).when(exempt(&["arn:aws:iam::*:role/*"]))
            ])],
            Exempt::AnyOneRoleInEveryAccount,
        )
        .edge(),
        judge(
            "narrowed to one region",
            Fail,
            vec![with_cloudtrail(vec![deny(trail)
                .when(exempt(&[ROLE]))
                .condition(
                    "StringEquals",
                    "aws:RequestedRegion",
                    ["us-east-1"],
                )])],
            known,
        )
        .edge(),
        judge(
            "an Allow, not a Deny",
            Fail,
            vec![with_cloudtrail(vec![Statement::allow()
                .actions(trail.iter().copied())
                .resources(["*"])])],
            known,
        ),
        judge(
            "denied on one trail only",
            Fail,
            vec![with_cloudtrail(vec![Statement::deny()
                .actions(trail.iter().copied())
                .resources(["arn:aws:cloudtrail:*:*:trail/org"])
                .when(exempt(&[ROLE]))])],
            known,
        )
        .edge(),
        judge(
            "split across the OU's and the root's policies",
            Pass,
            vec![
                with_cloudtrail(vec![deny(&trail[..2]).when(exempt(&[ROLE]))]),
                PolicyDocument::new(vec![deny(&trail[2..]).when(exempt(&[ROLE]))]),
            ],
            known,
        )
        .edge(),
    ];
    let declared: BTreeSet<String> =
        ["ou-abcd-12345678".to_string(), "111122223333".to_string()].into();
    let attachment =
        |name: &str, expected: Status, attached: &[&str], declared: &BTreeSet<String>| {
            let attached = attached.iter().map(|t| t.to_string()).collect();
            Case::eval(
                F,
                "constructs::organizations::evaluate_attachment",
                name,
                C::ScpGuardrailsAttached,
                expected,
                vec![evaluate_attachment(&attached, declared)],
            )
        };
    cases.extend([
        attachment(
            "attached to every target",
            Pass,
            &["ou-abcd-12345678", "111122223333", "r-abcd"],
            &declared,
        ),
        attachment("one target missing", Fail, &["ou-abcd-12345678"], &declared).edge(),
        attachment("no target declared", Fail, &[], &BTreeSet::new()),
    ]);
    let build = |name: &str, control: C, expected: Status, role: &str, targets: &[&str]| {
        let mut builder = OrganizationGuardrails::builder()
            .name("guardrails")
            .break_glass_role(role);
        for target in targets {
            builder = builder.attach_to(*target);
        }
        Case::build(F, name, control, expected, builder.build()).edge()
    };
    cases.extend([
        build(
            "one role by path and name",
            C::ScpGuardrailsInForce,
            Pass,
            "/hipaa-aws/break-glass",
            &["ou-abcd-12345678"],
        ),
        build(
            "a role pattern",
            C::ScpGuardrailsInForce,
            Fail,
            "/hipaa-aws/*",
            &["ou-abcd-12345678"],
        ),
        build(
            "a path without a name",
            C::ScpGuardrailsInForce,
            Fail,
            "/hipaa-aws/",
            &["ou-abcd-12345678"],
        ),
        build(
            "no target",
            C::ScpGuardrailsAttached,
            Fail,
            "/hipaa-aws/break-glass",
            &[],
        ),
        build(
            "an account of 11 digits",
            C::ScpGuardrailsAttached,
            Fail,
            "/hipaa-aws/break-glass",
            &["11112222333"],
        ),
        build(
            "an account of 12 digits",
            C::ScpGuardrailsAttached,
            Pass,
            "/hipaa-aws/break-glass",
            &["111122223333"],
        ),
        build(
            "a root",
            C::ScpGuardrailsAttached,
            Pass,
            "/hipaa-aws/break-glass",
            &["r-ab12"],
        ),
    ]);
    cases
}
