//! Questions the controls ask of resource policies (S3 buckets, SNS topics): does it deny
//! plain-text transport, does it deny old TLS, does it grant the public read or write access.
//! Actions are judged as patterns ([`super::actions_covered`]), conditions by what they really
//! restrict ([`super::conditions_semantics`]) and principals by who they reach
//! ([`super::audience`]).

use super::actions_covered::{statement_applies_to_all, statement_may_apply_to};
use super::audience::{allow_is_for_everyone, deny_is_for_everyone};
use super::condition::{Comparison, ConditionOperator};
use super::conditions_semantics::statement_is_restricted;
use super::document::{PolicyDocument, Statement};
use super::glob::{glob_covers, globs_overlap};

/// True when the statement's resources include every resource `target` matches.
fn covers_resource(statement: &Statement, target: &str) -> bool {
    if !statement.not_resources.is_empty() {
        return !statement
            .not_resources
            .iter()
            .any(|excluded| globs_overlap(excluded.trim(), target));
    }
    statement
        .resources
        .iter()
        .any(|resource| glob_covers(resource.trim(), target))
}

/// True when the statement has exactly one condition, and it passes `wanted` (operator, key,
/// values): any other condition narrows a Deny, so requests outside it go through.
fn only_condition(
    statement: &Statement,
    wanted: impl Fn(ConditionOperator, &str, &[String]) -> bool,
) -> bool {
    let pairs: Vec<(&String, &String, &Vec<String>)> = statement
        .conditions
        .iter()
        .flat_map(|(operator, keys)| {
            keys.iter()
                .map(move |(key, values)| (operator, key, values))
        })
        .collect();
    match pairs.as_slice() {
        [(operator, key, values)] => ConditionOperator::parse(operator.trim())
            .is_ok_and(|operator| operator.set.is_none() && wanted(operator, key.trim(), values)),
        _ => false,
    }
}

/// True when a Deny applies to every caller, every action `action_target` matches and every
/// resource of `resources`, and its only condition passes `wanted`.
fn unconditional_deny(
    policy: &PolicyDocument,
    resources: &[&str],
    action_target: &str,
    wanted: impl Fn(ConditionOperator, &str, &[String]) -> bool,
) -> bool {
    policy.statements.iter().any(|statement| {
        deny_is_for_everyone(statement)
            && statement_applies_to_all(statement, action_target)
            && resources
                .iter()
                .all(|resource| covers_resource(statement, resource))
            && only_condition(statement, &wanted)
    })
}

/// `aws:SecureTransport` is `false` (`BoolIfExists` too: the key is always present, so in a
/// Deny the `IfExists` form only widens it).
fn insecure_transport(operator: ConditionOperator, key: &str, values: &[String]) -> bool {
    operator.comparison == Comparison::Bool
        && key.eq_ignore_ascii_case("aws:SecureTransport")
        && values
            .iter()
            .any(|value| value.trim().eq_ignore_ascii_case("false"))
}

/// True when a Deny for every caller on every action `action_target` matches, on every
/// resource of `resources`, has `aws:SecureTransport = false` as its only condition.
pub fn denies_insecure_transport_on(
    policy: &PolicyDocument,
    resources: &[&str],
    action_target: &str,
) -> bool {
    unconditional_deny(policy, resources, action_target, insecure_transport)
}

/// True when a Deny for everyone on every S3 action, bucket and objects, has the condition
/// `aws:SecureTransport = false` and nothing else (what cdk-nag and AWS Config require; an
/// extra condition on source address, principal or VPC lets plain HTTP through elsewhere).
pub fn denies_insecure_transport(policy: &PolicyDocument, bucket_arn: &str) -> bool {
    let objects = format!("{bucket_arn}/*");
    denies_insecure_transport_on(policy, &[bucket_arn, &objects], "s3:*")
}

/// True when a Deny for everyone on every S3 action, bucket and objects, refuses TLS versions
/// below `minimum` (`NumericLessThan s3:TlsVersion`, `IfExists` allowed) and nothing else.
pub fn denies_tls_below(policy: &PolicyDocument, bucket_arn: &str, minimum: f64) -> bool {
    let objects = format!("{bucket_arn}/*");
    unconditional_deny(
        policy,
        &[bucket_arn, &objects],
        "s3:*",
        |operator, key, values| {
            operator.comparison == Comparison::NumericLessThan
                && key.eq_ignore_ascii_case("s3:TlsVersion")
                && values
                    .iter()
                    .filter_map(|value| value.trim().parse::<f64>().ok())
                    .any(|bound| bound >= minimum)
        },
    )
}

/// Whether a policy grants anyone on the internet read or write access.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PublicAccess {
    /// Some Allow gives everyone a read action.
    pub read: bool,
    /// Some Allow gives everyone a write action.
    pub write: bool,
}

/// The S3 actions that read a bucket or its objects.
pub const S3_READ_ACTIONS: &[&str] = &["s3:Get*", "s3:List*"];
/// The S3 actions that change a bucket or its objects.
pub const S3_WRITE_ACTIONS: &[&str] = &[
    "s3:Put*",
    "s3:Delete*",
    "s3:Restore*",
    "s3:Abort*",
    "s3:Replicate*",
    "s3:Create*",
    "s3:Bypass*",
    "s3:Update*",
];

/// True when the statement is an Allow for everyone that no condition really narrows.
pub fn is_public_allow(statement: &Statement) -> bool {
    allow_is_for_everyone(statement) && !statement_is_restricted(statement)
}

/// Judges every Allow statement for everyone (principal `*`, a list holding `*`, or
/// `NotPrincipal`) that no condition really narrows, by every action its patterns can match.
pub fn public_access(policy: &PolicyDocument) -> PublicAccess {
    let mut access = PublicAccess::default();
    for statement in policy.statements.iter().filter(|s| is_public_allow(s)) {
        let reaches = |targets: &[&str]| {
            targets
                .iter()
                .any(|target| statement_may_apply_to(statement, target))
        };
        access.read |= reaches(S3_READ_ACTIONS);
        access.write |= reaches(S3_WRITE_ACTIONS);
    }
    access
}

/// Who a guarding Deny may leave out: nobody, exactly one named principal (the break-glass
/// role), or, when the caller does not know it (an account audit), any one role named in full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exempt<'a> {
    /// The Deny must have no condition at all.
    Nobody,
    /// Only `aws:PrincipalArn` not equal to this ARN may narrow the Deny.
    Principal(&'a str),
    /// Only `aws:PrincipalArn` not equal to one role ARN without wildcards may narrow it.
    AnyOneRole,
    /// Only `aws:PrincipalArn` not equal to this role in every account may narrow it: the
    /// exact pattern `arn:<partition>:iam::*:role/<path><name>` (a service control policy's
    /// break-glass role, which lives in each member account).
    RoleInEveryAccount(&'a str),
    /// As [`Exempt::RoleInEveryAccount`] for any one role, or one role ARN without wildcards
    /// (an audit of service control policies, which does not know the role).
    AnyOneRoleInEveryAccount,
}

/// True when `values` name only the exempt principal: one ARN, no wildcard (a pattern such as
/// `arn:aws:iam::111122223333:role/*` would exempt every role of the account).
fn names_only(values: &[String], exempt: Exempt<'_>) -> bool {
    let [value] = values else {
        return false;
    };
    let value = value.trim();
    match exempt {
        Exempt::RoleInEveryAccount(pattern) => return value == pattern,
        Exempt::AnyOneRoleInEveryAccount => return is_one_role_in_every_account(value),
        _ => {}
    }
    if value.contains(['*', '?']) {
        return false;
    }
    match exempt {
        Exempt::RoleInEveryAccount(_) | Exempt::AnyOneRoleInEveryAccount => false,
        Exempt::Nobody => false,
        Exempt::Principal(arn) => value == arn,
        Exempt::AnyOneRole => value.starts_with("arn:") && value.contains(":role/"),
    }
}

/// One role named in full, in one account or (`*` as the account, the only wildcard) in every
/// account: `arn:aws:iam::*:role/hipaa-aws/break-glass`.
fn is_one_role_in_every_account(value: &str) -> bool {
    let mut parts = value.splitn(6, ':');
    let fields: Vec<&str> = parts.by_ref().collect();
    let [arn, partition, service, region, account, resource] = fields.as_slice() else {
        return false;
    };
    let account_ok =
        *account == "*" || (account.len() == 12 && account.chars().all(|c| c.is_ascii_digit()));
    *arn == "arn"
        && !partition.contains(['*', '?'])
        && *service == "iam"
        && region.is_empty()
        && account_ok
        && resource.starts_with("role/")
        && resource.len() > "role/".len()
        && !resource.contains(['*', '?'])
}

/// `aws:PrincipalArn` is not the exempt principal (`ArnNotEquals`, `StringNotEquals`, or their
/// `Like` forms with no wildcard; `IfExists` only widens a Deny, since the key is always set).
fn exempts_only(exempt: Exempt<'_>) -> impl Fn(ConditionOperator, &str, &[String]) -> bool + '_ {
    move |operator, key, values| {
        matches!(
            operator.comparison,
            Comparison::ArnNotEquals
                | Comparison::StringNotEquals
                | Comparison::ArnNotLike
                | Comparison::StringNotLike
        ) && key.eq_ignore_ascii_case("aws:PrincipalArn")
            && names_only(values, exempt)
    }
}

/// The entries of `actions` that no Deny of `policy` refuses to every caller on every
/// resource (`"Resource": "*"`), with either no condition or, as its only condition, the
/// exemption `exempt` allows. An empty answer means every action is guarded. A Deny narrowed
/// by any other condition (a source address, a tag, a time, a second principal) or by
/// `NotPrincipal` guards nothing, since whoever it leaves out can act.
///
/// ```
/// use hipaa_aws::policy::{actions_not_denied, Condition, Exempt, PolicyDocument, Principal, Statement};
/// let role = "arn:aws:iam::111122223333:role/break-glass";
/// let policy = PolicyDocument::new(vec![Statement::deny()
///     .principal(Principal::any_aws())
///     .actions(["backup:DeleteRecoveryPoint"])
///     .resources(["*"])
///     .when(Condition::arn_not_equals("aws:PrincipalArn", [role]))]);
/// assert!(actions_not_denied(&policy, &["backup:DeleteRecoveryPoint"], Exempt::Principal(role)).is_empty());
/// assert_eq!(
///     actions_not_denied(&policy, &["backup:DeleteRecoveryPoint"], Exempt::Nobody),
///     ["backup:DeleteRecoveryPoint"]
/// );
/// ```
pub fn actions_not_denied<'a>(
    policy: &PolicyDocument,
    actions: &[&'a str],
    exempt: Exempt<'_>,
) -> Vec<&'a str> {
    actions
        .iter()
        .copied()
        .filter(|action| {
            !policy.statements.iter().any(|statement| {
                deny_is_for_everyone(statement)
                    && statement_applies_to_all(statement, action)
                    && covers_resource(statement, "*")
                    && (statement.conditions.is_empty()
                        || only_condition(statement, exempts_only(exempt)))
            })
        })
        .collect()
}

/// The `NotAction` entries that keep `policy` from denying, to every caller on every resource
/// (with no condition but the exemption `exempt` allows), every action of every service outside
/// `allowed` (service prefixes such as `s3`): `Ok` when some such Deny leaves out only whole
/// allowed services (`s3:*`, or some of their actions), or denies `*`. A `NotAction` entry whose
/// service is a pattern (`s*:*`, `*`) or is not allowed leaves that service open; it is named in
/// the `Err`, which is empty when no Deny of the shape exists at all.
///
/// ```
/// use hipaa_aws::policy::{denies_services_outside, Exempt, PolicyDocument, Principal, Statement};
/// let deny = |not: &[&str]| PolicyDocument::new(vec![Statement::deny()
///     .principal(Principal::Everyone).not_actions(not.iter().copied()).resources(["*"])]);
/// assert!(denies_services_outside(&deny(&["s3:*", "kms:*"]), &["s3", "kms"], Exempt::Nobody).is_ok());
/// assert_eq!(denies_services_outside(&deny(&["s3:*", "k*:*"]), &["s3", "kms"], Exempt::Nobody), Err(vec!["k*:*".to_string()]));
/// ```
pub fn denies_services_outside(
    policy: &PolicyDocument,
    allowed: &[&str],
    exempt: Exempt<'_>,
) -> Result<(), Vec<String>> {
    let mut best: Option<Vec<String>> = None;
    for statement in &policy.statements {
        let shaped = deny_is_for_everyone(statement)
            && covers_resource(statement, "*")
            && (statement.conditions.is_empty() || only_condition(statement, exempts_only(exempt)));
        if !shaped {
            continue;
        }
        if statement.not_actions.is_empty() {
            if statement.actions.iter().any(|action| action.trim() == "*") {
                return Ok(());
            }
            continue;
        }
        let open: Vec<String> = statement
            .not_actions
            .iter()
            .filter(|entry| {
                let service = entry.trim().split_once(':').map(|(service, _)| service);
                !service.is_some_and(|service| {
                    !service.contains(['*', '?'])
                        && allowed
                            .iter()
                            .any(|allowed| allowed.eq_ignore_ascii_case(service))
                })
            })
            .cloned()
            .collect();
        if open.is_empty() {
            return Ok(());
        }
        if best.as_ref().is_none_or(|best| open.len() < best.len()) {
            best = Some(open);
        }
    }
    Err(best.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{Principal, Statement};

    const BUCKET: &str = "arn:aws:s3:::acme";

    fn tls_only() -> PolicyDocument {
        PolicyDocument::new(vec![
            Statement::deny()
                .principal(Principal::any_aws())
                .actions(["s3:*"])
                .resources([BUCKET.to_string(), format!("{BUCKET}/*")])
                .condition("Bool", "aws:SecureTransport", ["false"]),
            Statement::deny()
                .principal(Principal::any_aws())
                .actions(["s3:*"])
                .resources([BUCKET.to_string(), format!("{BUCKET}/*")])
                .condition("NumericLessThan", "s3:TlsVersion", ["1.2"]),
        ])
    }

    #[test]
    fn recognises_tls_only_and_tls_minimum() {
        let policy = tls_only();
        assert!(denies_insecure_transport(&policy, BUCKET));
        assert!(denies_tls_below(&policy, BUCKET, 1.2));
        assert!(!denies_insecure_transport(&policy, "arn:aws:s3:::other"));
        let mut objects_only = tls_only();
        objects_only.statements[0].resources.truncate(1);
        assert!(!denies_insecure_transport(&objects_only, BUCKET));
    }

    #[test]
    fn public_reads_and_writes_are_found_unless_narrowed() {
        let public = PolicyDocument::new(vec![Statement::allow()
            .principal(Principal::Everyone)
            .actions(["s3:GetObject"])
            .resources([format!("{BUCKET}/*")])]);
        assert_eq!(
            public_access(&public),
            PublicAccess {
                read: true,
                write: false
            }
        );
        let narrowed = PolicyDocument::new(vec![Statement::allow()
            .principal(Principal::Everyone)
            .actions(["s3:PutObject"])
            .resources([format!("{BUCKET}/*")])
            .condition("StringEquals", "aws:SourceAccount", ["111122223333"])]);
        assert_eq!(public_access(&narrowed), PublicAccess::default());
        assert_eq!(public_access(&tls_only()), PublicAccess::default());
    }

    fn allow_everyone(actions: &[&str]) -> Statement {
        Statement::allow()
            .principal(Principal::Everyone)
            .actions(actions.iter().copied())
            .resources([format!("{BUCKET}/*")])
    }

    #[test]
    fn disguised_public_allows_are_public() {
        let read = PublicAccess {
            read: true,
            write: false,
        };
        let write = PublicAccess {
            read: false,
            write: true,
        };
        let both = PublicAccess {
            read: true,
            write: true,
        };
        let one = |statement: Statement| public_access(&PolicyDocument::new(vec![statement]));
        assert_eq!(one(allow_everyone(&["s3:*Object"])), both);
        assert_eq!(one(allow_everyone(&["s3:G*"])), read);
        assert_eq!(one(allow_everyone(&["s3:?utObject"])), write);
        assert_eq!(one(allow_everyone(&["s3:ListAllMyBuckets"])), read);
        assert_eq!(
            one(allow_everyone(&["s3:GetBucketTagging"]).condition(
                "StringNotEquals",
                "aws:SourceAccount",
                ["111122223333"]
            )),
            read
        );
        assert_eq!(
            one(allow_everyone(&["s3:GetObject"]).condition(
                "StringEqualsIfExists",
                "aws:SourceAccount",
                ["111122223333"]
            )),
            read
        );
        assert_eq!(
            one(allow_everyone(&["s3:GetObject"]).condition(
                "ForAnyValue:StringEquals",
                "aws:SourceAccount",
                ["111122223333"]
            )),
            read
        );
        assert_eq!(
            one(allow_everyone(&["s3:GetObject"]).condition(
                "Null",
                "aws:SourceAccount",
                ["false"]
            )),
            read
        );
        assert_eq!(
            one(allow_everyone(&["s3:GetObject"]).condition(
                "StringEquals",
                "aws:SourceAccount",
                ["111122223333"]
            )),
            PublicAccess::default()
        );
        let not_principal = Statement::allow()
            .not_principal(Principal::aws("arn:aws:iam::111122223333:root"))
            .actions(["s3:GetObject"])
            .resources([format!("{BUCKET}/*")]);
        assert_eq!(one(not_principal), read);
        let mut listed = std::collections::BTreeMap::new();
        listed.insert(
            "AWS".to_string(),
            vec![
                "arn:aws:iam::111122223333:root".to_string(),
                "*".to_string(),
            ],
        );
        let in_list = Statement::allow()
            .principal(Principal::Typed(listed))
            .actions(["s3:PutObject"])
            .resources([format!("{BUCKET}/*")]);
        assert_eq!(one(in_list), write);
        let not_action = Statement::allow()
            .principal(Principal::Everyone)
            .not_actions(["s3:Get*"])
            .resources([format!("{BUCKET}/*")]);
        assert_eq!(one(not_action), both);
        let not_reads = Statement::allow()
            .principal(Principal::Everyone)
            .not_actions(["s3:Get*", "s3:List*"])
            .resources([format!("{BUCKET}/*")]);
        assert_eq!(
            one(not_reads),
            write,
            "NotAction of every read still allows the writes"
        );
    }

    fn deny_http() -> Statement {
        Statement::deny()
            .principal(Principal::Everyone)
            .actions(["s3:*"])
            .resources([BUCKET.to_string(), format!("{BUCKET}/*")])
            .condition("Bool", "aws:SecureTransport", ["false"])
    }

    #[test]
    fn tls_deny_counts_only_when_nothing_narrows_it() {
        let judge = |statement: Statement| {
            denies_insecure_transport(&PolicyDocument::new(vec![statement]), BUCKET)
        };
        assert!(judge(deny_http()));
        assert!(
            judge(deny_http().actions(["s3:GetObject"])),
            "an extra action only widens"
        );
        let mut if_exists = deny_http();
        if_exists.conditions.clear();
        assert!(judge(if_exists.clone().condition(
            "BoolIfExists",
            "aws:SecureTransport",
            ["false"]
        )));
        assert!(!judge(if_exists.condition(
            "ForAnyValue:Bool",
            "aws:SecureTransport",
            ["false"]
        )));
        assert!(!judge(deny_http().condition(
            "IpAddress",
            "aws:SourceIp",
            ["203.0.113.0/24"]
        )));
        assert!(!judge(deny_http().condition(
            "StringEquals",
            "aws:SourceVpc",
            ["vpc-1"]
        )));
        let mut get_only = deny_http();
        get_only.actions = vec!["s3:Get*".to_string()];
        assert!(!judge(get_only));
        let mut star = deny_http();
        star.actions = vec!["*".to_string()];
        assert!(judge(star));
        let mut principal = deny_http();
        principal.principal = Some(Principal::aws("arn:aws:iam::111122223333:root"));
        assert!(!judge(principal));
        let mut wide = deny_http();
        wide.resources = vec!["*".to_string()];
        assert!(judge(wide));
        let mut other_bucket = deny_http();
        other_bucket.resources = vec![
            "arn:aws:s3:::acme-other".to_string(),
            "arn:aws:s3:::acme-other/*".to_string(),
        ];
        assert!(!judge(other_bucket));
        let mut prefix_only = deny_http();
        prefix_only.resources = vec![BUCKET.to_string(), format!("{BUCKET}/public/*")];
        assert!(!judge(prefix_only));
    }

    #[test]
    fn tls_version_deny_boundaries() {
        let deny = |op: &str, bound: &str| {
            PolicyDocument::new(vec![Statement::deny()
                .principal(Principal::Everyone)
                .actions(["s3:*"])
                .resources([BUCKET.to_string(), format!("{BUCKET}/*")])
                .condition(op, "s3:TlsVersion", [bound])])
        };
        assert!(denies_tls_below(
            &deny("NumericLessThan", "1.2"),
            BUCKET,
            1.2
        ));
        assert!(denies_tls_below(
            &deny("NumericLessThanIfExists", "1.2"),
            BUCKET,
            1.2
        ));
        assert!(!denies_tls_below(
            &deny("NumericLessThan", "1.1"),
            BUCKET,
            1.2
        ));
        assert!(!denies_tls_below(
            &deny("NumericGreaterThan", "1.2"),
            BUCKET,
            1.2
        ));
    }
}
