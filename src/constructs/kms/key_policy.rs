//! The key policy of a [`HipaaKey`](super::HipaaKey).
//!
//! - The account administers the key (no cryptographic use through this statement).
//! - Principals of the account may use the key for cryptography only where an IAM policy grants
//!   it (the grants of this library write such policies, scoped to the key's ARN).
//! - Principals of the account may create grants only for AWS resources
//!   (`kms:GrantIsForAWSResource`), as RDS and EBS do.
//! - Nobody may turn rotation off or schedule deletion with a shorter window than the key's.
//! - AWS services (S3 log delivery, CloudTrail, CloudWatch Logs) get statements only when a
//!   construct of the stack uses the key for them, each limited to its encryption context and
//!   the account.

use crate::construct::Scope;
use crate::policy::{PolicyDocument, Principal, Statement};

/// Statement id of the administration statement.
pub const SID_ADMINISTRATION: &str = "KeyAdministrationByAccount";
/// Statement id of the IAM-delegated use statement.
pub const SID_IAM_USE: &str = "KeyUseThroughIamPoliciesOfAccount";
/// Statement id of the grants statement (grants only for AWS resources, such as RDS or EBS).
pub const SID_GRANTS_FOR_AWS_RESOURCES: &str = "GrantsForAwsResourcesOfAccount";
/// Statement id of the rotation guard.
pub const SID_DENY_DISABLE_ROTATION: &str = "DenyDisablingKeyRotation";
/// Statement id of the deletion-window guard.
pub const SID_DENY_SHORT_DELETION: &str = "DenyDeletionWindowShorterThanConfigured";

/// The administrative actions the account keeps: everything but using the key for
/// cryptography.
pub const ADMIN_ACTIONS: &[&str] = &[
    "kms:CancelKeyDeletion",
    // Not `kms:Create*`: that would include kms:CreateGrant, which the grants statement allows
    // only for AWS resources.
    "kms:CreateAlias",
    "kms:Delete*",
    "kms:Describe*",
    "kms:Disable*",
    "kms:Enable*",
    "kms:Get*",
    "kms:List*",
    "kms:Put*",
    "kms:Revoke*",
    "kms:RotateKeyOnDemand",
    "kms:ScheduleKeyDeletion",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:Update*",
];

/// The cryptographic actions principals of the account may be granted by IAM policies.
pub const IAM_DELEGATED_USE_ACTIONS: &[&str] = &[
    "kms:Decrypt",
    "kms:DescribeKey",
    "kms:Encrypt",
    "kms:GenerateDataKey*",
    "kms:ReEncrypt*",
];

/// The policy of a key, before other constructs add their service statements.
pub fn base_key_policy(scope: &Scope<'_>, deletion_window_days: u32) -> Vec<Statement> {
    let root = scope.account_root_arn();
    vec![
        Statement::allow()
            .sid(SID_ADMINISTRATION)
            .principal(Principal::aws(root.clone()))
            .actions(ADMIN_ACTIONS.iter().copied())
            .resources(["*"]),
        Statement::allow()
            .sid(SID_IAM_USE)
            .principal(Principal::aws(root))
            .actions(IAM_DELEGATED_USE_ACTIONS.iter().copied())
            .resources(["*"])
            .condition("StringEquals", "kms:CallerAccount", [scope.account_id]),
        Statement::allow()
            .sid(SID_GRANTS_FOR_AWS_RESOURCES)
            .principal(Principal::aws(scope.account_root_arn()))
            .actions(["kms:CreateGrant"])
            .resources(["*"])
            .condition("Bool", "kms:GrantIsForAWSResource", ["true"])
            .condition("StringEquals", "kms:CallerAccount", [scope.account_id]),
        Statement::deny()
            .sid(SID_DENY_DISABLE_ROTATION)
            .principal(Principal::any_aws())
            .actions(["kms:DisableKeyRotation"])
            .resources(["*"]),
        Statement::deny()
            .sid(SID_DENY_SHORT_DELETION)
            .principal(Principal::any_aws())
            .actions(["kms:ScheduleKeyDeletion"])
            .resources(["*"])
            .condition(
                "NumericLessThan",
                "kms:ScheduleKeyDeletionPendingWindowInDays",
                [deletion_window_days.to_string()],
            ),
    ]
}

/// The whole desired policy: the base statements and what the stack's constructs add.
pub(crate) fn key_policy(
    scope: &Scope<'_>,
    deletion_window_days: u32,
    contributions: Vec<Statement>,
) -> PolicyDocument {
    let mut statements = base_key_policy(scope, deletion_window_days);
    statements.extend(contributions);
    PolicyDocument::new(statements)
}
