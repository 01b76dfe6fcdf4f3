//! The controls on IAM users, groups and the root user.

use crate::controls::{Check, ControlId};

use super::super::checks::{evaluate_attached_policies, inline_policy_checks};
use super::CredentialRequirements;
use super::GroupState;
use super::RootState;
use super::UserState;
use super::DAY_SECS;

/// The controls [`evaluate_user`] judges (see `crate::controls::coverage`).
pub const EVALUATE_USER_COVERS: &[ControlId] = &[
    ControlId::AccessKeysRotated,
    ControlId::IamCustomerPolicyBlockedKmsActions,
    ControlId::IamInlinePolicyBlockedKmsActions,
    ControlId::IamNoInlinePolicyCheck,
    ControlId::IamNoPrivilegeEscalation,
    ControlId::IamNoWildcardMarketplaceSubscribe,
    ControlId::IamNoWildcardResourceOnDataActions,
    ControlId::IamPolicyNoStatementsWithAdminAccess,
    ControlId::IamPolicyNoStatementsWithFullAccess,
    ControlId::IamUserGroupMembershipCheck,
    ControlId::IamUserMfaEnabled,
    ControlId::IamUserNoPoliciesCheck,
    ControlId::IamUserUnusedCredentialsCheck,
    ControlId::MfaEnabledForIamConsoleAccess,
];

/// Judges an IAM user at `now_secs`: no policies of its own (attached or inline), in a group,
/// with MFA (and MFA when it has a console password), access keys rotated and credentials used.
pub fn evaluate_user(
    user: &UserState,
    now_secs: i64,
    requirements: &CredentialRequirements,
) -> Vec<Check> {
    let mut checks = Vec::new();
    let own_policies = user.attached_documents.len() + user.inline_policies.len();
    checks.push(Check::require(
        ControlId::IamUserNoPoliciesCheck,
        "policies",
        own_policies == 0,
        "permissions come from groups or roles",
        format!("{own_policies} policies are attached to the user directly"),
    ));
    checks.push(Check::require(
        ControlId::IamUserGroupMembershipCheck,
        "groups",
        !user.groups.is_empty(),
        format!("member of {}", user.groups.join(", ")),
        "the user is in no group",
    ));
    checks.push(Check::require(
        ControlId::IamUserMfaEnabled,
        "mfa",
        user.mfa_devices > 0,
        "has an MFA device",
        "the user has no MFA device",
    ));
    checks.push(Check::require(
        ControlId::MfaEnabledForIamConsoleAccess,
        "mfa",
        !user.console_password || user.mfa_devices > 0,
        if user.console_password {
            "console sign-in requires MFA"
        } else {
            "no console password"
        },
        "the user can sign in to the console without MFA",
    ));
    // Saturating: dates come from AWS and limits from the caller; neither may overflow.
    let age_limit = requirements
        .max_access_key_age_days
        .saturating_mul(DAY_SECS);
    let old: Vec<&str> = user
        .access_keys
        .iter()
        .filter(|key| {
            key.active
                && key
                    .created_secs
                    .is_some_and(|made| now_secs.saturating_sub(made) > age_limit)
        })
        .map(|key| key.id.as_str())
        .collect();
    checks.push(Check::require(
        ControlId::AccessKeysRotated,
        "access_keys",
        old.is_empty(),
        format!(
            "active access keys are younger than {} days",
            requirements.max_access_key_age_days
        ),
        format!(
            "access keys older than {} days: {}",
            requirements.max_access_key_age_days,
            old.join(", ")
        ),
    ));
    let unused_limit = requirements.max_unused_days.saturating_mul(DAY_SECS);
    let stale = |last_used: Option<i64>| {
        let since = last_used.or(user.created_secs);
        since.is_some_and(|since| now_secs.saturating_sub(since) > unused_limit)
    };
    let mut unused: Vec<String> = user
        .access_keys
        .iter()
        .filter(|key| key.active && stale(key.last_used_secs.or(key.created_secs)))
        .map(|key| format!("access key {}", key.id))
        .collect();
    if user.console_password && stale(user.password_last_used_secs) {
        unused.push("the console password".to_string());
    }
    checks.push(Check::require(
        ControlId::IamUserUnusedCredentialsCheck,
        "credentials",
        unused.is_empty(),
        format!(
            "every credential was used within {} days",
            requirements.max_unused_days
        ),
        format!(
            "unused for more than {} days: {}",
            requirements.max_unused_days,
            unused.join(", ")
        ),
    ));
    checks.extend(inline_policy_checks(&user.inline_policies, "user"));
    checks.extend(evaluate_attached_policies(
        &user.attached_documents,
        "attached_policies",
    ));
    checks
}

/// The controls [`evaluate_group`] judges (see `crate::controls::coverage`).
pub const EVALUATE_GROUP_COVERS: &[ControlId] = &[
    ControlId::IamCustomerPolicyBlockedKmsActions,
    ControlId::IamGroupHasUsersCheck,
    ControlId::IamInlinePolicyBlockedKmsActions,
    ControlId::IamNoInlinePolicyCheck,
    ControlId::IamNoPrivilegeEscalation,
    ControlId::IamNoWildcardMarketplaceSubscribe,
    ControlId::IamNoWildcardResourceOnDataActions,
    ControlId::IamPolicyNoStatementsWithAdminAccess,
    ControlId::IamPolicyNoStatementsWithFullAccess,
];

/// Judges an IAM group: it has users, no inline policies, and attached policies that pass every
/// identity-policy control.
pub fn evaluate_group(group: &GroupState) -> Vec<Check> {
    let mut checks = vec![Check::require(
        ControlId::IamGroupHasUsersCheck,
        "users",
        !group.users.is_empty(),
        format!("{} users", group.users.len()),
        "the group has no users",
    )];
    checks.extend(inline_policy_checks(&group.inline_policies, "group"));
    checks.extend(evaluate_attached_policies(
        &group.attached_documents,
        "attached_policies",
    ));
    checks
}

/// The controls [`evaluate_root`] judges (see `crate::controls::coverage`).
pub const EVALUATE_ROOT_COVERS: &[ControlId] = &[
    ControlId::IamRootAccessKeyCheck,
    ControlId::RootAccountHardwareMfaEnabled,
    ControlId::RootAccountMfaEnabled,
];

/// Judges the root user: no access keys, MFA, and a hardware MFA device.
pub fn evaluate_root(root: &RootState) -> Vec<Check> {
    vec![
        Check::require(
            ControlId::IamRootAccessKeyCheck,
            "root.access_keys",
            !root.access_keys_present,
            "the root user has no access keys",
            "the root user has access keys: delete them",
        ),
        Check::require(
            ControlId::RootAccountMfaEnabled,
            "root.mfa",
            root.mfa_enabled,
            "the root user has MFA",
            "the root user has no MFA",
        ),
        match root.virtual_mfa {
            // Without MFA there is no hardware device, whatever the device list said.
            None if !root.mfa_enabled => Check::require(
                ControlId::RootAccountHardwareMfaEnabled,
                "root.mfa",
                false,
                "",
                "the root user has no MFA",
            ),
            // Unread is never a pass and never "does not apply": the device may be virtual.
            None => Check {
                control: ControlId::RootAccountHardwareMfaEnabled,
                setting: "root.mfa".to_string(),
                status: crate::controls::Status::Error,
                reason: "the root user has MFA, but the kind of its device could not be read (ListVirtualMFADevices failed)".to_string(),
            },
            Some(virtual_device) => Check::require(
                ControlId::RootAccountHardwareMfaEnabled,
                "root.mfa",
                root.mfa_enabled && !virtual_device,
                "the root user has a hardware MFA device",
                if root.mfa_enabled {
                    "the root user's MFA is a virtual device"
                } else {
                    "the root user has no MFA"
                },
            ),
        },
    ]
}

#[cfg(test)]
mod overflow_tests {
    use std::collections::BTreeMap;

    use super::super::AccessKeyState;
    use super::*;
    use crate::controls::Status;

    fn user_with_key(created: Option<i64>, last_used: Option<i64>) -> UserState {
        UserState {
            name: "u".to_string(),
            arn: "arn:aws:iam::111122223333:user/u".to_string(),
            groups: vec!["g".to_string()],
            attached_documents: BTreeMap::new(),
            inline_policies: BTreeMap::new(),
            console_password: false,
            password_last_used_secs: None,
            created_secs: created,
            mfa_devices: 1,
            access_keys: vec![AccessKeyState {
                id: "AKIA".to_string(),
                active: true,
                created_secs: created,
                last_used_secs: last_used,
            }],
        }
    }

    fn status(checks: &[Check], control: ControlId) -> Option<Status> {
        checks
            .iter()
            .find(|check| check.control == control)
            .map(|check| check.status)
    }

    #[test]
    fn extreme_dates_and_limits_judge_without_overflow() {
        let limits = CredentialRequirements {
            max_access_key_age_days: i64::MAX,
            max_unused_days: i64::MAX,
        };
        // A key made at the earliest representable time is older than any limit short of the
        // saturated one; nothing panics.
        let ancient = user_with_key(Some(i64::MIN), Some(i64::MIN));
        let checks = evaluate_user(&ancient, i64::MAX, &CredentialRequirements::default());
        assert_eq!(
            status(&checks, ControlId::AccessKeysRotated),
            Some(Status::Fail)
        );
        assert_eq!(
            status(&checks, ControlId::IamUserUnusedCredentialsCheck),
            Some(Status::Fail)
        );
        let checks = evaluate_user(&ancient, i64::MAX, &limits);
        assert!(status(&checks, ControlId::AccessKeysRotated).is_some());
        // A date in the far future is not old.
        let future = user_with_key(Some(i64::MAX), Some(i64::MAX));
        let checks = evaluate_user(&future, i64::MIN, &CredentialRequirements::default());
        assert_eq!(
            status(&checks, ControlId::AccessKeysRotated),
            Some(Status::Pass)
        );
    }
}
