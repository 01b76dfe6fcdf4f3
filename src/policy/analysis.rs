//! Questions the controls ask of resource policies: does it deny plain-text transport, does it
//! deny old TLS, does it grant the public read or write access.

use super::document::{Effect, PolicyDocument, Statement};

/// Condition keys that, with fixed values, make an Allow to everyone non-public (as S3's own
/// public-policy evaluation treats them).
const RESTRICTING_KEYS: &[&str] = &[
    "aws:sourcearn",
    "aws:sourceaccount",
    "aws:sourceowner",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:principalorgid",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:userid",
    "aws:sourceip",
    "s3:dataaccesspointaccount",
    "s3:dataaccesspointarn",
];

fn covers_all_s3_actions(statement: &Statement) -> bool {
    statement
        .actions
        .iter()
        .any(|action| action == "*" || action.eq_ignore_ascii_case("s3:*"))
}

fn covers_bucket_and_objects(statement: &Statement, bucket_arn: &str) -> bool {
    let objects = format!("{bucket_arn}/*");
    let covers = |target: &str| {
        statement
            .resources
            .iter()
            .any(|resource| resource == "*" || resource == target)
    };
    covers(bucket_arn) && covers(&objects)
}

fn applies_to_everyone(statement: &Statement) -> bool {
    statement
        .principal
        .as_ref()
        .is_some_and(|principal| principal.is_everyone())
}

/// True when a Deny for everyone on every S3 action, bucket and objects, has the condition
/// `aws:SecureTransport = false` (what cdk-nag and AWS Config require).
pub fn denies_insecure_transport(policy: &PolicyDocument, bucket_arn: &str) -> bool {
    policy.statements.iter().any(|statement| {
        statement.effect == Effect::Deny
            && applies_to_everyone(statement)
            && covers_all_s3_actions(statement)
            && covers_bucket_and_objects(statement, bucket_arn)
            && condition_is(statement, "Bool", "aws:SecureTransport", "false")
    })
}

/// True when a Deny for everyone on every S3 action, bucket and objects, refuses TLS versions
/// below `minimum` (`NumericLessThan s3:TlsVersion`).
pub fn denies_tls_below(policy: &PolicyDocument, bucket_arn: &str, minimum: f64) -> bool {
    policy.statements.iter().any(|statement| {
        statement.effect == Effect::Deny
            && applies_to_everyone(statement)
            && covers_all_s3_actions(statement)
            && covers_bucket_and_objects(statement, bucket_arn)
            && statement
                .condition_values("NumericLessThan", "s3:TlsVersion")
                .is_some_and(|values| {
                    values
                        .iter()
                        .filter_map(|value| value.parse::<f64>().ok())
                        .any(|bound| bound >= minimum)
                })
    })
}

fn condition_is(statement: &Statement, operator: &str, key: &str, expected: &str) -> bool {
    statement.conditions.iter().any(|(op, keys)| {
        op.eq_ignore_ascii_case(operator)
            && keys.iter().any(|(k, values)| {
                k.eq_ignore_ascii_case(key)
                    && values.iter().any(|v| v.eq_ignore_ascii_case(expected))
            })
    })
}

/// Whether a policy grants anyone on the internet read or write access.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PublicAccess {
    /// Some Allow gives everyone a read action.
    pub read: bool,
    /// Some Allow gives everyone a write action.
    pub write: bool,
}

fn is_restricted(statement: &Statement) -> bool {
    statement.conditions.iter().any(|(operator, keys)| {
        !operator.to_ascii_lowercase().starts_with("null")
            && keys.iter().any(|(key, values)| {
                let key = key.to_ascii_lowercase();
                let wide_ip = key == "aws:sourceip" && values.iter().any(|v| v.ends_with("/0"));
                RESTRICTING_KEYS.contains(&key.as_str())
                    && !wide_ip
                    && !values.iter().any(|value| value == "*")
            })
    })
}

fn is_read_action(action: &str) -> bool {
    let action = action.to_ascii_lowercase();
    action == "*"
        || action == "s3:*"
        || action.starts_with("s3:get")
        || action.starts_with("s3:list")
}

fn is_write_action(action: &str) -> bool {
    let action = action.to_ascii_lowercase();
    action == "*"
        || action == "s3:*"
        || action.starts_with("s3:put")
        || action.starts_with("s3:delete")
        || action.starts_with("s3:restore")
        || action.starts_with("s3:abort")
        || action.starts_with("s3:replicate")
}

/// Judges every Allow statement whose principal is everyone and that no condition narrows.
pub fn public_access(policy: &PolicyDocument) -> PublicAccess {
    let mut access = PublicAccess::default();
    for statement in &policy.statements {
        if statement.effect != Effect::Allow
            || !applies_to_everyone(statement)
            || is_restricted(statement)
        {
            continue;
        }
        let all_but_listed = !statement.not_actions.is_empty();
        access.read |= all_but_listed || statement.actions.iter().any(|a| is_read_action(a));
        access.write |= all_but_listed || statement.actions.iter().any(|a| is_write_action(a));
    }
    access
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
}
