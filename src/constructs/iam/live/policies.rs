//! Customer-managed policies and their attachments: read (AWS managed ones too), create,
//! new default versions, delete after detaching.

use std::collections::BTreeMap;

use crate::aws_error::AwsResultExt;
use crate::construct::Ctx;
use crate::env::Environment;
use crate::error::Result;
use crate::policy::PolicyDocument;

use super::super::state::ManagedPolicyState;
use super::iam_tags;
use super::parse_document;
use super::tag_map;
use super::NO_SUCH_ENTITY;
use super::SERVICE;

/// The default version's document of a managed policy (`None` when it cannot be found).
pub async fn read_policy_document(env: &Environment, arn: &str) -> Result<Option<PolicyDocument>> {
    Ok(read_policy_document_and_tags(env, arn).await?.0)
}

/// The default version's document of a managed policy with the policy's tags, from one
/// GetPolicy and one GetPolicyVersion (no document and no tags when it cannot be found).
pub(crate) async fn read_policy_document_and_tags(
    env: &Environment,
    arn: &str,
) -> Result<(Option<PolicyDocument>, BTreeMap<String, String>)> {
    let Some(policy) = get_policy(env, arn).await? else {
        return Ok((None, BTreeMap::new()));
    };
    let document = read_default_document(env, arn, &policy).await?;
    Ok((document, tag_map(policy.tags())))
}

/// A managed policy with its tags and default version id (`None` when it does not exist).
async fn get_policy(env: &Environment, arn: &str) -> Result<Option<aws_sdk_iam::types::Policy>> {
    Ok(env
        .iam()
        .get_policy()
        .policy_arn(arn)
        .send()
        .await
        .aws_optional(SERVICE, "GetPolicy", arn, NO_SUCH_ENTITY)?
        .and_then(|output| output.policy))
}

/// The document of a managed policy's default version, as GetPolicy named it (`None` when it
/// cannot be found).
async fn read_default_document(
    env: &Environment,
    arn: &str,
    policy: &aws_sdk_iam::types::Policy,
) -> Result<Option<PolicyDocument>> {
    let Some(version) = policy.default_version_id() else {
        return Ok(None);
    };
    let document = env
        .iam()
        .get_policy_version()
        .policy_arn(arn)
        .version_id(version)
        .send()
        .await
        .aws_optional(SERVICE, "GetPolicyVersion", arn, NO_SUCH_ENTITY)?
        .and_then(|output| output.policy_version)
        .and_then(|version| version.document);
    document
        .map(|text| parse_document("GetPolicyVersion", &text))
        .transpose()
}

/// Reads a managed policy with its default version's document and all its tags; `None` when
/// it does not exist. Works for any managed policy, AWS managed ones included.
pub async fn read_managed_policy_state(
    env: &Environment,
    arn: &str,
) -> Result<Option<(ManagedPolicyState, BTreeMap<String, String>)>> {
    let iam = env.iam();
    let Some(policy) = get_policy(env, arn).await? else {
        return Ok(None);
    };
    let default_version = policy.default_version_id().unwrap_or_default().to_string();
    let mut version_count = 0;
    let mut pages = iam
        .list_policy_versions()
        .policy_arn(arn)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        version_count += page
            .aws(SERVICE, "ListPolicyVersions", arn)?
            .versions()
            .len();
    }
    let document = read_default_document(env, arn, &policy).await?;
    // GetPolicy carries the policy's tags, so no ListPolicyTags.
    let tags = tag_map(policy.tags());
    Ok(Some((
        ManagedPolicyState {
            name: policy.policy_name().unwrap_or_default().to_string(),
            arn: policy.arn().unwrap_or(arn).to_string(),
            path: policy.path().unwrap_or("/").to_string(),
            document,
            default_version,
            version_count,
            tags: BTreeMap::new(),
        },
        tags,
    )))
}

/// Creates a customer-managed policy, tagged.
pub(crate) async fn create_managed_policy(
    ctx: &Ctx<'_>,
    desired: &ManagedPolicyState,
    description: &str,
) -> Result<String> {
    let document = desired
        .document
        .as_ref()
        .map(PolicyDocument::to_json)
        .unwrap_or_default();
    let created = ctx
        .env
        .iam()
        .create_policy()
        .policy_name(&desired.name)
        .path(&desired.path)
        .policy_document(document)
        .description(description)
        .set_tags(Some(iam_tags("CreatePolicy", &desired.tags)?))
        .send()
        .await
        .aws(SERVICE, "CreatePolicy", &desired.name)?;
    Ok(created
        .policy
        .and_then(|policy| policy.arn)
        .unwrap_or_else(|| desired.arn.clone()))
}

/// Makes the desired document the default version (removing the oldest non-default version
/// first when IAM's limit of five is reached) and sets changed tags.
pub(crate) async fn update_managed_policy(
    ctx: &Ctx<'_>,
    live: &ManagedPolicyState,
    desired: &ManagedPolicyState,
    changed: &(dyn Fn(&str) -> bool + Sync),
) -> Result<()> {
    let iam = ctx.env.iam();
    let arn = live.arn.as_str();
    if changed("document") {
        if live.version_count >= 5 {
            let versions = iam
                .list_policy_versions()
                .policy_arn(arn)
                .send()
                .await
                .aws(SERVICE, "ListPolicyVersions", arn)?;
            let mut old: Vec<_> = versions
                .versions()
                .iter()
                .filter(|version| !version.is_default_version())
                .collect();
            old.sort_by_key(|version| version.create_date().map(|date| date.secs()));
            if let Some(version_id) = old.first().and_then(|version| version.version_id()) {
                iam.delete_policy_version()
                    .policy_arn(arn)
                    .version_id(version_id)
                    .send()
                    .await
                    .aws(SERVICE, "DeletePolicyVersion", arn)?;
            }
        }
        let document = desired
            .document
            .as_ref()
            .map(PolicyDocument::to_json)
            .unwrap_or_default();
        iam.create_policy_version()
            .policy_arn(arn)
            .policy_document(document)
            .set_as_default(true)
            .send()
            .await
            .aws(SERVICE, "CreatePolicyVersion", arn)?;
    }
    let changed_tags: BTreeMap<String, String> = desired
        .tags
        .iter()
        .filter(|(key, _)| changed(&format!("tags.{key}")))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    if !changed_tags.is_empty() {
        iam.tag_policy()
            .policy_arn(arn)
            .set_tags(Some(iam_tags("TagPolicy", &changed_tags)?))
            .send()
            .await
            .aws(SERVICE, "TagPolicy", arn)?;
    }
    Ok(())
}

/// Detaches the policy from every role, user and group, deletes its non-default versions, then
/// the policy.
pub(crate) async fn delete_managed_policy(ctx: &Ctx<'_>, arn: &str) -> Result<()> {
    let iam = ctx.env.iam();
    let mut pages = iam
        .list_entities_for_policy()
        .policy_arn(arn)
        .into_paginator()
        .send();
    let (mut roles, mut users, mut groups) = (Vec::new(), Vec::new(), Vec::new());
    while let Some(page) = pages.next().await {
        let page = page.aws(SERVICE, "ListEntitiesForPolicy", arn)?;
        roles.extend(
            page.policy_roles()
                .iter()
                .filter_map(|r| r.role_name().map(str::to_string)),
        );
        users.extend(
            page.policy_users()
                .iter()
                .filter_map(|u| u.user_name().map(str::to_string)),
        );
        groups.extend(
            page.policy_groups()
                .iter()
                .filter_map(|g| g.group_name().map(str::to_string)),
        );
    }
    for role in roles {
        iam.detach_role_policy()
            .role_name(&role)
            .policy_arn(arn)
            .send()
            .await
            .aws(SERVICE, "DetachRolePolicy", arn)?;
    }
    for user in users {
        iam.detach_user_policy()
            .user_name(&user)
            .policy_arn(arn)
            .send()
            .await
            .aws(SERVICE, "DetachUserPolicy", arn)?;
    }
    for group in groups {
        iam.detach_group_policy()
            .group_name(&group)
            .policy_arn(arn)
            .send()
            .await
            .aws(SERVICE, "DetachGroupPolicy", arn)?;
    }
    let versions = iam
        .list_policy_versions()
        .policy_arn(arn)
        .send()
        .await
        .aws(SERVICE, "ListPolicyVersions", arn)?;
    for version in versions
        .versions()
        .iter()
        .filter(|v| !v.is_default_version())
    {
        if let Some(id) = version.version_id() {
            iam.delete_policy_version()
                .policy_arn(arn)
                .version_id(id)
                .send()
                .await
                .aws(SERVICE, "DeletePolicyVersion", arn)?;
        }
    }
    iam.delete_policy()
        .policy_arn(arn)
        .send()
        .await
        .aws_optional(SERVICE, "DeletePolicy", arn, NO_SUCH_ENTITY)?;
    Ok(())
}

/// True when `policy_arn` is attached to the role.
pub(crate) async fn is_attached(env: &Environment, role: &str, policy_arn: &str) -> Result<bool> {
    let mut pages = env
        .iam()
        .list_attached_role_policies()
        .role_name(role)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let Some(page) = page
            .map(Some)
            .aws_optional(SERVICE, "ListAttachedRolePolicies", role, NO_SUCH_ENTITY)?
            .flatten()
        else {
            return Ok(false);
        };
        if page
            .attached_policies()
            .iter()
            .any(|policy| policy.policy_arn() == Some(policy_arn))
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Attaches or detaches a policy.
pub(crate) async fn set_attached(
    ctx: &Ctx<'_>,
    role: &str,
    policy_arn: &str,
    attached: bool,
) -> Result<()> {
    let iam = ctx.env.iam();
    if attached {
        iam.attach_role_policy()
            .role_name(role)
            .policy_arn(policy_arn)
            .send()
            .await
            .aws(SERVICE, "AttachRolePolicy", role)?;
    } else {
        iam.detach_role_policy()
            .role_name(role)
            .policy_arn(policy_arn)
            .send()
            .await
            .aws_optional(SERVICE, "DetachRolePolicy", role, NO_SUCH_ENTITY)?;
    }
    Ok(())
}
