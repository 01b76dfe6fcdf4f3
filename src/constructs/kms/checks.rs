//! The controls that judge a KMS key, on a spec or on what KMS returns.

use crate::controls::{Check, ControlId};
use crate::policy::{Effect, PolicyDocument, Statement};

use super::key::KeyState;

/// Shortest automatic rotation period KMS accepts, in days.
pub const MIN_ROTATION_DAYS: u32 = 90;
/// Longest automatic rotation period KMS accepts, in days.
pub const MAX_ROTATION_DAYS: u32 = 2560;

/// Judges a key's state against the KMS controls.
pub fn evaluate_key(state: &KeyState) -> Vec<Check> {
    let mut checks = Vec::new();
    let usable = state.key_spec == "SYMMETRIC_DEFAULT"
        && state.key_usage == "ENCRYPT_DECRYPT"
        && state.key_manager == "CUSTOMER"
        && state.key_state == "Enabled";
    checks.push(Check::require(
        ControlId::KmsKeyUsable,
        "key_state",
        usable,
        "enabled customer-managed symmetric encryption key",
        format!(
            "key is {} {} {} managed by {}: a PHI key must be an enabled customer-managed SYMMETRIC_DEFAULT ENCRYPT_DECRYPT key",
            state.key_state, state.key_spec, state.key_usage, state.key_manager
        ),
    ));
    checks.push(rotation_check(state));
    checks.push(Check::require(
        ControlId::KmsCmkNotScheduledForDeletion,
        "key_state",
        state.key_state != "PendingDeletion",
        "not scheduled for deletion",
        "the key is scheduled for deletion: data encrypted under it becomes unreadable when the window ends",
    ));
    checks.push(match &state.policy {
        Some(policy) => policy_check(policy, &state.account_id),
        None => Check::require(
            ControlId::KmsKeyPolicyLeastPrivilege,
            "policy",
            false,
            "",
            "the key has no readable key policy",
        ),
    });
    let alias_problem = state
        .alias
        .as_deref()
        .map(alias_problem)
        .unwrap_or_else(|| {
            Some("the key has no alias, so it cannot be found again by name".to_string())
        });
    checks.push(Check::require(
        ControlId::KmsAliasValid,
        "alias",
        alias_problem.is_none(),
        "valid alias",
        alias_problem.unwrap_or_default(),
    ));
    checks
}

/// The KMS controls of the catalog (`CONTROLS.md`) on any key of an account: automatic rotation
/// for enabled customer-managed symmetric keys, and no scheduled deletion. (Library-only
/// controls such as the alias or key-policy shape are judged on the library's own keys.)
pub fn evaluate_key_for_audit(state: &KeyState) -> Vec<Check> {
    let mut checks = Vec::new();
    let rotatable = state.key_manager == "CUSTOMER"
        && state.key_spec == "SYMMETRIC_DEFAULT"
        && state.key_usage == "ENCRYPT_DECRYPT"
        && state.key_state == "Enabled";
    checks.push(if rotatable {
        rotation_check(state)
    } else {
        Check::not_applicable(
            ControlId::KmsKeyRotationEnabled,
            "rotation",
            format!(
                "automatic rotation applies to enabled customer-managed symmetric keys; this key is {} {} managed by {}",
                state.key_state, state.key_spec, state.key_manager
            ),
        )
    });
    checks.push(Check::require(
        ControlId::KmsCmkNotScheduledForDeletion,
        "key_state",
        state.key_state != "PendingDeletion",
        "not scheduled for deletion",
        "the key is scheduled for deletion: data encrypted under it becomes unreadable when the window ends",
    ));
    checks
}

fn rotation_check(state: &KeyState) -> Check {
    let setting = "rotation";
    if !state.rotation_enabled {
        return Check::require(
            ControlId::KmsKeyRotationEnabled,
            setting,
            false,
            "",
            "automatic rotation is off",
        );
    }
    match state.rotation_period_days {
        None => Check::require(
            ControlId::KmsKeyRotationEnabled,
            setting,
            true,
            "automatic rotation is on (the endpoint did not report the period)",
            "",
        ),
        Some(days) => Check::require(
            ControlId::KmsKeyRotationEnabled,
            format!("{setting}.period_days"),
            (MIN_ROTATION_DAYS..=MAX_ROTATION_DAYS).contains(&days),
            format!("rotates every {days} days"),
            format!(
                "a rotation period of {days} days is outside {MIN_ROTATION_DAYS} to {MAX_ROTATION_DAYS}, the range KMS accepts"
            ),
        ),
    }
}

/// The problem with an alias, if any: `alias/` then 1 to 250 of `A-Za-z0-9/_-`, not `alias/aws/`.
pub(crate) fn alias_problem(alias: &str) -> Option<String> {
    let Some(name) = alias.strip_prefix("alias/") else {
        return Some(format!("{alias:?} does not start with alias/"));
    };
    if name.is_empty() || alias.len() > 256 {
        return Some(format!(
            "{alias:?} must have 1 to 250 characters after alias/"
        ));
    }
    if name.starts_with("aws/") || name == "aws" {
        return Some(format!(
            "{alias:?}: the alias/aws/ prefix is reserved for AWS managed keys"
        ));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '-')))
    {
        return Some(format!(
            "{alias:?} contains {bad:?}: aliases use only letters, digits, '/', '_' and '-'"
        ));
    }
    None
}

fn has_condition_key(statement: &Statement, wanted: impl Fn(&str) -> bool) -> bool {
    statement
        .conditions
        .values()
        .any(|keys| keys.keys().any(|key| wanted(&key.to_ascii_lowercase())))
}

/// True when an encryption-context condition pins every value to a resource ARN of one named
/// account (as CloudWatch Logs' `kms:EncryptionContext:aws:logs:arn` does): that scopes the
/// statement to the account as a source-account condition would.
fn context_names_an_account(statement: &Statement) -> bool {
    statement.conditions.iter().any(|(operator, keys)| {
        !operator.to_ascii_lowercase().contains("not")
            && keys.iter().any(|(key, values)| {
                key.to_ascii_lowercase()
                    .starts_with("kms:encryptioncontext:")
                    && !values.is_empty()
                    && values.iter().all(|value| {
                        value.split(':').nth(4).is_some_and(|account| {
                            account.len() == 12 && account.chars().all(|c| c.is_ascii_digit())
                        })
                    })
            })
    })
}

/// The problem with one Allow statement of a key policy, if any.
fn statement_problem(statement: &Statement) -> Option<String> {
    if statement.effect != Effect::Allow {
        return None;
    }
    let name = statement
        .sid
        .clone()
        .unwrap_or_else(|| "(no sid)".to_string());
    if statement
        .actions
        .iter()
        .any(|a| a == "*" || a.eq_ignore_ascii_case("kms:*"))
    {
        return Some(format!(
            "statement {name} allows kms:*, which joins cryptographic use and administration"
        ));
    }
    if !statement.not_actions.is_empty() {
        return Some(format!("statement {name} allows by NotAction"));
    }
    let scoped_to_account = has_condition_key(statement, |key| {
        matches!(
            key,
            "aws:sourceaccount" | "aws:sourcearn" | "kms:calleraccount" | "aws:principalorgid"
        )
    }) || context_names_an_account(statement);
    let principal = statement.principal.as_ref();
    if principal.is_some_and(|p| p.is_everyone()) && !scoped_to_account {
        return Some(format!(
            "statement {name} allows everyone without an account condition"
        ));
    }
    let is_service = principal.is_some_and(|p| !p.values("Service").is_empty());
    // DescribeKey reveals metadata only and carries no encryption context.
    let cryptographic = statement
        .actions
        .iter()
        .any(|action| !action.eq_ignore_ascii_case("kms:DescribeKey"));
    if is_service {
        let scoped_to_context = !cryptographic
            || has_condition_key(statement, |key| {
                key.starts_with("kms:encryptioncontext:") || key == "kms:viaservice"
            });
        if !scoped_to_account || !scoped_to_context {
            return Some(format!(
                "statement {name} lets a service use the key without both a source-account and an encryption-context condition"
            ));
        }
    }
    None
}

/// The condition keys whose values name the account a request comes from or acts for.
const ACCOUNT_KEYS: &[&str] = &[
    "aws:sourceaccount",
    "aws:sourceowner",
    "kms:calleraccount",
    "aws:principalaccount",
];

/// The account field of an ARN (`arn:partition:service:region:account:…`), or a bare account id.
fn account_of(value: &str) -> Option<&str> {
    if value.starts_with("arn:") {
        value.split(':').nth(4)
    } else {
        Some(value)
    }
}

/// How an Allow statement of a key policy lets in someone outside `account`, if it does: an
/// AWS principal of another account (or any principal named by another kind or by
/// NotPrincipal), or an account condition (`aws:SourceAccount`, `kms:CallerAccount`, …, or
/// the account of an `aws:SourceArn`) that names another account, is negated or applies only
/// if present. A service principal passes when its account conditions name this account only.
/// (Everyone without an account condition is judged by [`statement_problem`].)
fn cross_account_problem(statement: &Statement, account: &str) -> Option<String> {
    if statement.effect != Effect::Allow {
        return None;
    }
    let name = statement.sid.as_deref().unwrap_or("(no sid)");
    if statement.not_principal.is_some() {
        return Some(format!(
            "statement {name} allows by NotPrincipal, which lets in every other account"
        ));
    }
    if let Some(crate::policy::Principal::Typed(kinds)) = &statement.principal {
        for (kind, values) in kinds {
            for value in values {
                let foreign = match kind.as_str() {
                    "AWS" => value != "*" && account_of(value) != Some(account),
                    "Service" => false,
                    _ => true,
                };
                if foreign {
                    return Some(format!(
                        "statement {name} allows the principal {kind}:{value}, which is not of account {account}"
                    ));
                }
            }
        }
    }
    for (operator, keys) in &statement.conditions {
        let operator_lower = operator.to_ascii_lowercase();
        for (key, values) in keys {
            let key_lower = key.to_ascii_lowercase();
            let names_account = ACCOUNT_KEYS.contains(&key_lower.as_str());
            let names_source_arn = key_lower == "aws:sourcearn";
            if !names_account && !names_source_arn {
                continue;
            }
            if operator_lower.contains("not") || operator_lower.ends_with("ifexists") {
                return Some(format!(
                    "statement {name} conditions {key} with {operator}, which does not hold it to account {account}"
                ));
            }
            let other = values.iter().find(|value| {
                if names_account {
                    value.as_str() != account
                } else {
                    // A source ARN without an account (an S3 bucket) names none.
                    account_of(value).is_some_and(|of| !of.is_empty() && of != account)
                }
            });
            if let Some(other) = other {
                return Some(format!(
                    "statement {name} lets in {key} {other}, which is not account {account}"
                ));
            }
        }
    }
    None
}

fn policy_check(policy: &PolicyDocument, account: &str) -> Check {
    let problems: Vec<String> = policy
        .statements
        .iter()
        .filter_map(|statement| {
            statement_problem(statement).or_else(|| cross_account_problem(statement, account))
        })
        .collect();
    Check::require(
        ControlId::KmsKeyPolicyLeastPrivilege,
        "policy",
        problems.is_empty(),
        "services may use the key only under their encryption context and account; no other account is let in",
        problems.join("; "),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_follow_the_kms_rules() {
        assert_eq!(alias_problem("alias/phi-data_1/x"), None);
        assert!(alias_problem("phi").is_some());
        assert!(alias_problem("alias/").is_some());
        assert!(alias_problem("alias/aws/s3").is_some());
        assert!(alias_problem("alias/has space").is_some());
        assert!(alias_problem(&format!("alias/{}", "a".repeat(251))).is_some());
    }

    const ACCOUNT: &str = "111122223333";
    const OTHER: &str = "444455556666";

    fn decrypt_by(principal: crate::policy::Principal) -> Statement {
        Statement::allow()
            .sid("Contributed")
            .principal(principal)
            .actions(["kms:Decrypt"])
            .resources(["*"])
    }

    fn judged(statement: Statement) -> crate::controls::Status {
        policy_check(&PolicyDocument::new(vec![statement]), ACCOUNT).status
    }

    use crate::controls::Status;
    use crate::policy::Principal;

    #[test]
    fn a_principal_of_this_account_passes_and_one_of_another_account_fails_in_every_form() {
        let root = |account: &str| format!("arn:aws:iam::{account}:root");
        assert_eq!(
            judged(decrypt_by(Principal::aws(root(ACCOUNT)))),
            Status::Pass
        );
        assert_eq!(judged(decrypt_by(Principal::aws(ACCOUNT))), Status::Pass);
        for foreign in [
            root(OTHER),
            OTHER.to_string(),
            format!("arn:aws:iam::{OTHER}:role/reader"),
            format!("arn:aws:sts::{OTHER}:assumed-role/reader/session"),
            "arn:aws:iam::*:root".to_string(),
            "AIDAEXAMPLEUSERID".to_string(),
            format!("arn:aws:iam::{ACCOUNT}1:root"),
        ] {
            assert_eq!(
                judged(decrypt_by(Principal::aws(&foreign))),
                Status::Fail,
                "{foreign}"
            );
        }
        let mut federated = std::collections::BTreeMap::new();
        federated.insert(
            "Federated".to_string(),
            vec!["cognito-identity.amazonaws.com".to_string()],
        );
        assert_eq!(
            judged(decrypt_by(Principal::Typed(federated))),
            Status::Fail
        );
        let mut not_principal = decrypt_by(Principal::aws(root(ACCOUNT)));
        not_principal.not_principal = not_principal.principal.take();
        assert_eq!(judged(not_principal), Status::Fail);
        // A Deny naming another account lets nobody in.
        let deny = Statement::deny()
            .sid("D")
            .principal(Principal::aws(root(OTHER)))
            .actions(["kms:Decrypt"])
            .resources(["*"]);
        assert_eq!(judged(deny), Status::Pass);
    }

    #[test]
    fn a_service_passes_only_when_its_account_conditions_name_this_account() {
        let service = || {
            decrypt_by(Principal::service("logging.s3.amazonaws.com")).condition(
                "StringLike",
                "kms:EncryptionContext:aws:s3:arn",
                ["arn:aws:s3:::b/*"],
            )
        };
        let with = |operator: &str, key: &str, value: &str| {
            judged(service().condition(operator, key, [value]))
        };
        assert_eq!(
            with("StringEquals", "aws:SourceAccount", ACCOUNT),
            Status::Pass
        );
        assert_eq!(
            with("StringEquals", "aws:SourceAccount", OTHER),
            Status::Fail
        );
        assert_eq!(with("StringLike", "aws:SourceAccount", "*"), Status::Fail);
        assert_eq!(
            with("StringNotEquals", "aws:SourceAccount", ACCOUNT),
            Status::Fail
        );
        assert_eq!(
            with("StringEqualsIfExists", "aws:SourceAccount", ACCOUNT),
            Status::Fail
        );
        assert_eq!(
            with("StringEquals", "kms:CallerAccount", OTHER),
            Status::Fail
        );
        assert_eq!(
            with("StringEquals", "AWS:SOURCEACCOUNT", OTHER),
            Status::Fail
        );
        let arn_in = |account: &str| format!("arn:aws:logs:us-east-1:{account}:log-group:x");
        assert_eq!(
            with("ArnLike", "aws:SourceArn", &arn_in(ACCOUNT)),
            Status::Pass
        );
        assert_eq!(
            with("ArnLike", "aws:SourceArn", &arn_in(OTHER)),
            Status::Fail
        );
        // Two values, one of them foreign, let the foreign one in.
        let both = service().condition("StringEquals", "aws:SourceAccount", [ACCOUNT, OTHER]);
        assert_eq!(judged(both), Status::Fail);
        // Everyone, held to another account, is another account.
        let everyone = decrypt_by(Principal::any_aws()).condition(
            "StringEquals",
            "kms:CallerAccount",
            [OTHER],
        );
        assert_eq!(judged(everyone), Status::Fail);
    }
}
