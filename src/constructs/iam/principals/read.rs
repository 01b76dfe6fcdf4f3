//! Reading an IAM user, group or the root user's credentials.

use std::collections::BTreeMap;

use aws_sdk_iam::types::{StatusType, SummaryKeyType};

use crate::aws_error::AwsResultExt;
use crate::env::Environment;
use crate::error::{Error, Result};
use crate::policy::PolicyDocument;

use super::super::live::read_policy_document;
use super::super::names::decode_policy_text;
use super::AccessKeyState;
use super::GroupState;
use super::RootState;
use super::UserState;
use super::NO_SUCH_ENTITY;
use super::SERVICE;

fn secs(date: Option<&aws_smithy_types::DateTime>) -> Option<i64> {
    date.map(|date| date.secs())
}

pub(super) async fn attached(
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
