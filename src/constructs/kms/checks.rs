//! The controls that judge a KMS key, on a spec or on what KMS returns.

use crate::controls::Status;
use crate::controls::{Check, ControlId};
use crate::policy::{key_policy_problems, PolicyDocument};

use super::key::KeyState;

/// Shortest automatic rotation period KMS accepts, in days.
pub const MIN_ROTATION_DAYS: u32 = 90;
/// Longest automatic rotation period KMS accepts, in days.
pub const MAX_ROTATION_DAYS: u32 = 2560;

/// The controls [`evaluate_key`] judges (see `crate::controls::coverage`).
pub const EVALUATE_KEY_COVERS: &[ControlId] = &[
    ControlId::KmsAliasValid,
    ControlId::KmsCmkNotScheduledForDeletion,
    ControlId::KmsKeyPolicyLeastPrivilege,
    ControlId::KmsKeyRotationEnabled,
    ControlId::KmsKeyUsable,
];

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
    checks.push(deletion_check(state));
    checks.push(key_policy_check(state));
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

/// The controls [`evaluate_key_for_audit`] judges (see `crate::controls::coverage`).
pub const EVALUATE_KEY_FOR_AUDIT_COVERS: &[ControlId] = &[
    ControlId::KmsCmkNotScheduledForDeletion,
    ControlId::KmsKeyRotationEnabled,
    ControlId::KmsKeyPolicyLeastPrivilege,
];

/// The KMS controls of the catalog (`CONTROLS.md`) on any key of an account: automatic rotation
/// for enabled customer-managed symmetric keys, no scheduled deletion, and, on every
/// customer-managed key, a least-privilege key policy (`policy: None` there means the policy
/// could not be read: an `ERROR`, never a pass). (Library-only controls such as the alias are
/// judged on the library's own keys.)
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
    checks.push(deletion_check(state));
    if state.key_manager == "CUSTOMER" {
        checks.push(key_policy_check(state));
    }
    checks
}

/// The key policy judged, in verify and in the audit alike: a policy that could not be read
/// (`None`) is an `ERROR`, never a pass, and not a failure of a policy nobody has seen.
fn key_policy_check(state: &KeyState) -> Check {
    match &state.policy {
        Some(policy) => policy_check(policy, &state.account_id),
        None => Check {
            control: ControlId::KmsKeyPolicyLeastPrivilege,
            setting: "policy".to_string(),
            status: Status::Error,
            reason: "the key policy could not be read".to_string(),
        },
    }
}

/// The key states in which KMS deletes the key when a waiting period ends: a key scheduled for
/// deletion, and a multi-Region primary waiting for its replicas to be deleted first (it is
/// deleted right after them).
pub const DELETION_STATES: [&str; 2] = ["PendingDeletion", "PendingReplicaDeletion"];

fn deletion_check(state: &KeyState) -> Check {
    let scheduled = DELETION_STATES.contains(&state.key_state.as_str());
    Check::require(
        ControlId::KmsCmkNotScheduledForDeletion,
        "key_state",
        !scheduled,
        "not scheduled for deletion",
        format!(
            "the key is {}: it is scheduled for deletion, and data encrypted under it becomes unreadable when the window ends",
            state.key_state
        ),
    )
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

/// Judges a key policy with the shared key-policy analysis, for a key of `account_id`.
pub(crate) fn policy_check(policy: &PolicyDocument, account_id: &str) -> Check {
    let problems = key_policy_problems(policy, account_id);
    Check::require(
        ControlId::KmsKeyPolicyLeastPrivilege,
        "policy",
        problems.is_empty(),
        "no principal outside the account; services only for this account and under their encryption context; grants only for AWS resources",
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
    use crate::policy::{Principal, Statement};

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
            with("ArnEquals", "aws:SourceArn", &arn_in(ACCOUNT)),
            Status::Pass
        );
        // Only StringEquals / ArnEquals scope a service to the account (issue 10): a pattern
        // operator does not, even when its value names this account.
        assert_eq!(
            with("ArnLike", "aws:SourceArn", &arn_in(ACCOUNT)),
            Status::Fail
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
