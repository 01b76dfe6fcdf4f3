//! Service control policies: each guardrail denied with only the break-glass role exempt, at
//! its boundaries and in disguise (a pattern exemption, a second condition, an Allow, one
//! action missing, a pattern action, a guardrail split across inherited policies), where the
//! policy is attached, and `build()` of the construct.

use std::collections::BTreeSet;

use hipaa_aws::constructs::organizations::{
    evaluate_allow_list, evaluate_attachment, evaluate_guardrails, Guardrail, ALLOW_LIST_SID,
    LIBRARY_SERVICES,
};
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

/// The library's document with an allow-list of [`LIBRARY_SERVICES`], its allow-list Deny
/// changed by `change` (removed when it returns `None`).
fn allow_listed(change: impl FnOnce(Statement) -> Option<Statement>) -> PolicyDocument {
    let mut document = OrganizationGuardrails::builder()
        .name("guardrails")
        .break_glass_role("/hipaa-aws/break-glass")
        .attach_to("ou-abcd-12345678")
        .allow_only_services(LIBRARY_SERVICES)
        .build()
        .expect("guardrails")
        .document("aws");
    let at = document
        .statements
        .iter()
        .position(|s| s.sid.as_deref() == Some(ALLOW_LIST_SID))
        .expect("the allow-list statement");
    let statement = document.statements.remove(at);
    document.statements.extend(change(statement));
    document
}

fn judge_allow_list(name: &str, expected: Status, policies: Vec<PolicyDocument>) -> Case {
    Case::eval(
        F,
        "constructs::organizations::evaluate_allow_list",
        name,
        C::ScpGuardrailsInForce,
        expected,
        vec![evaluate_allow_list(
            &policies,
            LIBRARY_SERVICES,
            Exempt::RoleInEveryAccount(ROLE),
        )],
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
    // The allow-list of services, and the NotAction forms that leave a service open.
    let with_not_actions = |entries: &[&str]| {
        let entries: Vec<String> = entries.iter().map(|e| e.to_string()).collect();
        allow_listed(move |mut s| {
            s.not_actions = entries;
            Some(s)
        })
    };
    let mut library_entries: Vec<String> =
        LIBRARY_SERVICES.iter().map(|s| format!("{s}:*")).collect();
    library_entries.push("gamelift:*".into());
    let one_more: Vec<&str> = library_entries.iter().map(String::as_str).collect();
    cases.extend([
        judge_allow_list("the library's allow-list", Pass, vec![allow_listed(Some)]),
        judge_allow_list(
            "no allow-list statement",
            Fail,
            vec![allow_listed(|_| None)],
        ),
        judge_allow_list(
            "one service outside the list left open",
            Fail,
            vec![with_not_actions(&one_more)],
        )
        .edge(),
        judge_allow_list(
            "a service pattern in NotAction",
            Fail,
            vec![with_not_actions(&["s*:*", "iam:*", "sts:*"])],
        )
        .edge(),
        judge_allow_list(
            "every action in NotAction",
            Fail,
            vec![with_not_actions(&["*"])],
        )
        .edge(),
        judge_allow_list(
            "an entry without a service",
            Fail,
            vec![with_not_actions(&["s3:*", "Get*"])],
        )
        .edge(),
        judge_allow_list(
            "fewer services than allowed",
            Pass,
            vec![with_not_actions(&["s3:*", "iam:*"])],
        )
        .edge(),
        judge_allow_list(
            "part of an allowed service",
            Pass,
            vec![with_not_actions(&["s3:Get*", "iam:*"])],
        )
        .edge(),
        judge_allow_list(
            "allowed services in capitals",
            Pass,
            vec![with_not_actions(&["S3:*", "IAM:*"])],
        )
        .edge(),
        judge_allow_list(
            "narrowed by a second condition",
            Fail,
            vec![allow_listed(|s| {
                Some(s.condition("StringEquals", "aws:RequestedRegion", ["us-east-1"]))
            })],
        )
        .edge(),
        judge_allow_list(
            "exempting a role pattern",
            Fail,
            vec![allow_listed(|mut s| {
                s.conditions = Default::default();
                Some(s.when(exempt(&["arn:aws:iam::*:role/hipaa-aws/*"])))
            })],
        )
        .edge(),
        judge_allow_list(
            "on part of the resources",
            Fail,
            vec![allow_listed(|mut s| {
                s.resources = vec!["arn:aws:s3:::*".into()];
                Some(s)
            })],
        )
        .edge(),
        judge_allow_list(
            "an Allow with the same NotAction",
            Fail,
            vec![allow_listed(|mut s| {
                s.effect = hipaa_aws::policy::Effect::Allow;
                Some(s)
            })],
        )
        .edge(),
        judge_allow_list(
            "inherited: the allow-list in a policy above",
            Pass,
            vec![allow_listed(|_| None), allow_listed(Some)],
        ),
        judge_allow_list(
            "a Deny of every action",
            Pass,
            vec![PolicyDocument::new(vec![deny(&["*"])])],
        )
        .edge(),
    ]);
    cases.extend([
        Case::build(
            F,
            "an allow-list without sts",
            C::ScpGuardrailsInForce,
            Fail,
            OrganizationGuardrails::builder()
                .name("g")
                .break_glass_role("/hipaa-aws/break-glass")
                .attach_to("ou-abcd-12345678")
                .allow_only_services(&["iam", "s3"])
                .build(),
        )
        .edge(),
        Case::build(
            F,
            "an allow-list with a wildcard service",
            C::ScpGuardrailsInForce,
            Fail,
            OrganizationGuardrails::builder()
                .name("g")
                .break_glass_role("/hipaa-aws/break-glass")
                .attach_to("ou-abcd-12345678")
                .allow_only_services(&["iam", "sts", "s*"])
                .build(),
        )
        .edge(),
        Case::build(
            F,
            "an allow-list of iam and sts",
            C::ScpGuardrailsInForce,
            Pass,
            OrganizationGuardrails::builder()
                .name("g")
                .break_glass_role("/hipaa-aws/break-glass")
                .attach_to("ou-abcd-12345678")
                .allow_only_services(&["iam", "sts"])
                .build(),
        )
        .edge(),
    ]);
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
