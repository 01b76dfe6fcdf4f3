//! The IAM users, groups and the root user of an account: the library makes none of them (only
//! roles), but the audit judges every one with these readers and controls.

use std::collections::BTreeMap;

use aws_sdk_iam::types::{StatusType, SummaryKeyType};
use serde::Serialize;

use crate::aws_error::AwsResultExt;
use crate::controls::{Check, ControlId};
use crate::env::Environment;
use crate::error::{Error, Result};
use crate::policy::{identity_policy_findings, PolicyDocument, PolicyFinding, PolicyKind};

use super::checks::evaluate_attached_policies;
use super::live::read_policy_document;
use super::names::decode_policy_text;

const SERVICE: &str = "iam";
const NO_SUCH_ENTITY: &[&str] = &["NoSuchEntity"];
const DAY_SECS: i64 = 86_400;

/// One access key of a user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessKeyState {
    /// The key id.
    pub id: String,
    /// Active (not Inactive).
    pub active: bool,
    /// When it was made, in epoch seconds.
    pub created_secs: Option<i64>,
    /// When it was last used, in epoch seconds (`None`: never).
    pub last_used_secs: Option<i64>,
}

/// An IAM user's settings the controls judge.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UserState {
    /// The user name.
    pub name: String,
    /// The user ARN.
    pub arn: String,
    /// The groups it belongs to.
    pub groups: Vec<String>,
    /// Managed policies attached directly, with their documents.
    pub attached_documents: BTreeMap<String, Option<PolicyDocument>>,
    /// Inline policies by name.
    pub inline_policies: BTreeMap<String, PolicyDocument>,
    /// The user can sign in to the console.
    pub console_password: bool,
    /// When the password was last used, in epoch seconds.
    pub password_last_used_secs: Option<i64>,
    /// When the user was made, in epoch seconds.
    pub created_secs: Option<i64>,
    /// How many MFA devices it has.
    pub mfa_devices: usize,
    /// Its access keys.
    pub access_keys: Vec<AccessKeyState>,
}

/// An IAM group's settings the controls judge.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupState {
    /// The group name.
    pub name: String,
    /// The group ARN.
    pub arn: String,
    /// Its users.
    pub users: Vec<String>,
    /// Attached managed policies, with their documents.
    pub attached_documents: BTreeMap<String, Option<PolicyDocument>>,
    /// Inline policies by name.
    pub inline_policies: BTreeMap<String, PolicyDocument>,
}

/// The root user's credentials, from the account summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RootState {
    /// The root user has MFA.
    pub mfa_enabled: bool,
    /// The root user has (any) access keys.
    pub access_keys_present: bool,
    /// The root user's MFA is a virtual device (`None`: not known).
    pub virtual_mfa: Option<bool>,
}

/// How old credentials may be, in days. The defaults are the AWS Config HIPAA pack's (90).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CredentialRequirements {
    /// Most days an active access key may live (`ACCESS_KEYS_ROTATED`).
    pub max_access_key_age_days: i64,
    /// Most days a password or active key may go unused (`IAM_USER_UNUSED_CREDENTIALS_CHECK`).
    pub max_unused_days: i64,
}

impl Default for CredentialRequirements {
    fn default() -> Self {
        CredentialRequirements {
            max_access_key_age_days: 90,
            max_unused_days: 90,
        }
    }
}

fn inline_checks(inline: &BTreeMap<String, PolicyDocument>, what: &str) -> Vec<Check> {
    let names: Vec<String> = inline.keys().map(|name| format!("{name:?}")).collect();
    let findings: Vec<PolicyFinding> = inline
        .iter()
        .flat_map(|(name, document)| {
            identity_policy_findings(document, PolicyKind::Inline)
                .into_iter()
                .map(move |finding| PolicyFinding {
                    reason: format!("inline {name}: {}", finding.reason),
                    ..finding
                })
        })
        .collect();
    let mut checks = vec![Check::require(
        ControlId::IamNoInlinePolicyCheck,
        "inline_policies",
        names.is_empty(),
        "no inline policies",
        format!("the {what} carries inline policies {}", names.join(", ")),
    )];
    checks.extend(crate::policy::checks_from_findings(
        &findings,
        &[
            ControlId::IamInlinePolicyBlockedKmsActions,
            ControlId::IamPolicyNoStatementsWithAdminAccess,
            ControlId::IamPolicyNoStatementsWithFullAccess,
            ControlId::IamNoPrivilegeEscalation,
        ],
        "inline_policies",
    ));
    checks
}

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
    checks.extend(inline_checks(&user.inline_policies, "user"));
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
    checks.extend(inline_checks(&group.inline_policies, "group"));
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

fn secs(date: Option<&aws_smithy_types::DateTime>) -> Option<i64> {
    date.map(|date| date.secs())
}

async fn attached(
    env: &Environment,
    arns: Vec<String>,
) -> Result<BTreeMap<String, Option<PolicyDocument>>> {
    let mut documents = BTreeMap::new();
    for arn in arns {
        let document = read_policy_document(env, &arn).await?;
        documents.insert(arn, document);
    }
    Ok(documents)
}

fn parse(operation: &'static str, text: &str) -> Result<PolicyDocument> {
    PolicyDocument::from_json(&decode_policy_text(text))
        .map_err(|error| Error::unexpected(SERVICE, operation, error.to_string()))
}

/// Reads a user's settings; `None` when it does not exist.
pub async fn read_user_state(env: &Environment, name: &str) -> Result<Option<UserState>> {
    let iam = env.iam();
    let Some(user) = iam
        .get_user()
        .user_name(name)
        .send()
        .await
        .aws_optional(SERVICE, "GetUser", name, NO_SUCH_ENTITY)?
        .and_then(|output| output.user)
    else {
        return Ok(None);
    };
    let mut groups = Vec::new();
    let mut pages = iam
        .list_groups_for_user()
        .user_name(name)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        groups.extend(
            page.aws(SERVICE, "ListGroupsForUser", name)?
                .groups()
                .iter()
                .map(|group| group.group_name().to_string()),
        );
    }
    let mut arns = Vec::new();
    let mut pages = iam
        .list_attached_user_policies()
        .user_name(name)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        arns.extend(
            page.aws(SERVICE, "ListAttachedUserPolicies", name)?
                .attached_policies()
                .iter()
                .filter_map(|policy| policy.policy_arn().map(str::to_string)),
        );
    }
    let mut inline_policies = BTreeMap::new();
    let names = iam
        .list_user_policies()
        .user_name(name)
        .send()
        .await
        .aws(SERVICE, "ListUserPolicies", name)?
        .policy_names;
    for policy in names {
        let text = iam
            .get_user_policy()
            .user_name(name)
            .policy_name(&policy)
            .send()
            .await
            .aws(SERVICE, "GetUserPolicy", name)?
            .policy_document;
        inline_policies.insert(policy, parse("GetUserPolicy", &text)?);
    }
    let console_password = iam
        .get_login_profile()
        .user_name(name)
        .send()
        .await
        .aws_optional(SERVICE, "GetLoginProfile", name, NO_SUCH_ENTITY)?
        .is_some();
    let mfa_devices = iam
        .list_mfa_devices()
        .user_name(name)
        .send()
        .await
        .aws(SERVICE, "ListMFADevices", name)?
        .mfa_devices()
        .len();
    let mut access_keys = Vec::new();
    let keys =
        iam.list_access_keys()
            .user_name(name)
            .send()
            .await
            .aws(SERVICE, "ListAccessKeys", name)?;
    for key in keys.access_key_metadata() {
        let Some(id) = key.access_key_id() else {
            continue;
        };
        let last_used = iam
            .get_access_key_last_used()
            .access_key_id(id)
            .send()
            .await
            .aws(SERVICE, "GetAccessKeyLastUsed", name)?
            .access_key_last_used
            .and_then(|used| used.last_used_date.map(|date| date.secs()));
        access_keys.push(AccessKeyState {
            id: id.to_string(),
            active: key.status() == Some(&StatusType::Active),
            created_secs: secs(key.create_date()),
            last_used_secs: last_used,
        });
    }
    Ok(Some(UserState {
        name: user.user_name().to_string(),
        arn: user.arn().to_string(),
        groups,
        attached_documents: attached(env, arns).await?,
        inline_policies,
        console_password,
        password_last_used_secs: secs(user.password_last_used()),
        created_secs: Some(user.create_date().secs()),
        mfa_devices,
        access_keys,
    }))
}

/// Reads a group's settings; `None` when it does not exist.
pub async fn read_group_state(env: &Environment, name: &str) -> Result<Option<GroupState>> {
    let iam = env.iam();
    let Some(output) = iam.get_group().group_name(name).send().await.aws_optional(
        SERVICE,
        "GetGroup",
        name,
        NO_SUCH_ENTITY,
    )?
    else {
        return Ok(None);
    };
    let arn = output
        .group()
        .map(|group| group.arn().to_string())
        .unwrap_or_default();
    let users = output
        .users()
        .iter()
        .map(|user| user.user_name().to_string())
        .collect();
    let arns = iam
        .list_attached_group_policies()
        .group_name(name)
        .send()
        .await
        .aws(SERVICE, "ListAttachedGroupPolicies", name)?
        .attached_policies()
        .iter()
        .filter_map(|policy| policy.policy_arn().map(str::to_string))
        .collect();
    let mut inline_policies = BTreeMap::new();
    let names = iam
        .list_group_policies()
        .group_name(name)
        .send()
        .await
        .aws(SERVICE, "ListGroupPolicies", name)?
        .policy_names;
    for policy in names {
        let text = iam
            .get_group_policy()
            .group_name(name)
            .policy_name(&policy)
            .send()
            .await
            .aws(SERVICE, "GetGroupPolicy", name)?
            .policy_document;
        inline_policies.insert(policy, parse("GetGroupPolicy", &text)?);
    }
    Ok(Some(GroupState {
        name: name.to_string(),
        arn,
        users,
        attached_documents: attached(env, arns).await?,
        inline_policies,
    }))
}

/// Reads the root user's credentials from the account summary and the virtual MFA devices.
pub async fn read_root_state(env: &Environment) -> Result<RootState> {
    let iam = env.iam();
    let summary =
        iam.get_account_summary()
            .send()
            .await
            .aws(SERVICE, "GetAccountSummary", "account")?;
    let map = summary.summary_map().cloned().unwrap_or_default();
    let flag = |key: SummaryKeyType| map.get(&key).is_some_and(|value| *value > 0);
    let root_arn = format!("arn:{}:iam::{}:root", env.partition(), env.account_id());
    let virtual_mfa = iam
        .list_virtual_mfa_devices()
        .send()
        .await
        .aws(SERVICE, "ListVirtualMFADevices", "account")
        .map(|output| {
            output.virtual_mfa_devices().iter().any(|device| {
                device.user().is_some_and(|user| user.arn() == root_arn)
                    || device
                        .serial_number()
                        .ends_with(":mfa/root-account-mfa-device")
            })
        })
        .ok();
    Ok(RootState {
        mfa_enabled: flag(SummaryKeyType::AccountMfaEnabled),
        access_keys_present: flag(SummaryKeyType::AccountAccessKeysPresent),
        virtual_mfa,
    })
}

#[cfg(test)]
mod overflow_tests {
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
