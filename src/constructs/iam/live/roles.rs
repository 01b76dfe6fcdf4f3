//! IAM roles: read (any role of the account), create with their managed policies, update, delete.

use std::collections::BTreeMap;

use crate::aws_error::AwsResultExt;
use crate::construct::Ctx;
use crate::env::Environment;
use crate::error::Result;
use crate::policy::PolicyDocument;

use super::super::state::RoleState;
use super::iam_tags;
use super::parse_document;
use super::policies::read_policy_document_and_tags;
use super::tag_map;
use super::NO_SUCH_ENTITY;
use super::SERVICE;

/// Reads every setting of a role the controls judge, with all its tags; `None` when the role
/// does not exist. Works for any role of the account.
pub async fn read_role_state(
    env: &Environment,
    name: &str,
) -> Result<Option<(RoleState, BTreeMap<String, String>)>> {
    Ok(read_role_with_policy_tags(env, name)
        .await?
        .map(|role| (role.state, role.tags)))
}

/// A role as read: its state, its own tags and the tags of each attached managed policy.
pub(crate) struct RoleRead {
    pub state: RoleState,
    pub tags: BTreeMap<String, String>,
    pub policy_tags: BTreeMap<String, BTreeMap<String, String>>,
}

/// Reads a role as [`read_role_state`] does, with the tags of its attached policies (which the
/// same GetPolicy calls return), so a stack can tell its own grants apart without more calls.
pub(crate) async fn read_role_with_policy_tags(
    env: &Environment,
    name: &str,
) -> Result<Option<RoleRead>> {
    let iam = env.iam();
    let Some(role) = iam
        .get_role()
        .role_name(name)
        .send()
        .await
        .aws_optional(SERVICE, "GetRole", name, NO_SUCH_ENTITY)?
        .and_then(|output| output.role)
    else {
        return Ok(None);
    };
    let trust_policy = role
        .assume_role_policy_document()
        .map(|text| parse_document("GetRole", text))
        .transpose()?;
    let mut attached = Vec::new();
    let mut pages = iam
        .list_attached_role_policies()
        .role_name(name)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        for policy in page
            .aws(SERVICE, "ListAttachedRolePolicies", name)?
            .attached_policies()
        {
            if let Some(arn) = policy.policy_arn() {
                attached.push(arn.to_string());
            }
        }
    }
    attached.sort();
    let mut attached_documents = BTreeMap::new();
    let mut policy_tags = BTreeMap::new();
    for arn in &attached {
        let (document, tags) = read_policy_document_and_tags(env, arn).await?;
        attached_documents.insert(arn.clone(), document);
        policy_tags.insert(arn.clone(), tags);
    }
    let mut inline_names = Vec::new();
    let mut pages = iam
        .list_role_policies()
        .role_name(name)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        inline_names.extend(
            page.aws(SERVICE, "ListRolePolicies", name)?
                .policy_names()
                .iter()
                .cloned(),
        );
    }
    let mut inline_policies = BTreeMap::new();
    for policy_name in inline_names {
        let text = iam
            .get_role_policy()
            .role_name(name)
            .policy_name(&policy_name)
            .send()
            .await
            .aws(SERVICE, "GetRolePolicy", name)?
            .policy_document;
        inline_policies.insert(policy_name, parse_document("GetRolePolicy", &text)?);
    }
    // GetRole carries the role's tags, so no ListRoleTags.
    let tags = tag_map(role.tags());
    let state = RoleState {
        name: role.role_name().to_string(),
        arn: role.arn().to_string(),
        path: role.path().to_string(),
        description: role.description().unwrap_or_default().to_string(),
        trust_policy,
        max_session_duration_secs: role
            .max_session_duration()
            .and_then(|secs| u32::try_from(secs).ok())
            .unwrap_or(3_600),
        permissions_boundary: role
            .permissions_boundary()
            .and_then(|boundary| boundary.permissions_boundary_arn())
            .map(str::to_string),
        managed_policies: attached,
        attached_documents,
        inline_policies,
        tags: BTreeMap::new(),
    };
    Ok(Some(RoleRead {
        state,
        tags,
        policy_tags,
    }))
}

/// What creating a role needs.
pub(crate) struct NewRole<'a> {
    pub name: &'a str,
    pub path: &'a str,
    pub desired: &'a RoleState,
}

/// Creates a role (tagged) and attaches its managed policies.
pub(crate) async fn create_role(ctx: &Ctx<'_>, role: NewRole<'_>) -> Result<String> {
    let iam = ctx.env.iam();
    let desired = role.desired;
    let trust = desired
        .trust_policy
        .as_ref()
        .map(PolicyDocument::to_json)
        .unwrap_or_default();
    let created = iam
        .create_role()
        .role_name(role.name)
        .path(role.path)
        .assume_role_policy_document(trust)
        .description(&desired.description)
        .max_session_duration(i32::try_from(desired.max_session_duration_secs).unwrap_or(3_600))
        .set_permissions_boundary(desired.permissions_boundary.clone())
        .set_tags(Some(iam_tags("CreateRole", &desired.tags)?))
        .send()
        .await
        .aws(SERVICE, "CreateRole", role.name)?;
    let arn = created
        .role
        .map(|role| role.arn)
        .unwrap_or_else(|| desired.arn.clone());
    for policy in &desired.managed_policies {
        iam.attach_role_policy()
            .role_name(role.name)
            .policy_arn(policy)
            .send()
            .await
            .aws(SERVICE, "AttachRolePolicy", role.name)?;
    }
    Ok(arn)
}

/// Brings the changed settings of a role to their desired values.
pub(crate) async fn update_role(
    ctx: &Ctx<'_>,
    live: &RoleState,
    desired: &RoleState,
    changed: &(dyn Fn(&str) -> bool + Sync),
) -> Result<()> {
    let iam = ctx.env.iam();
    let name = live.name.as_str();
    if changed("trust_policy")
        && let Some(policy) = &desired.trust_policy
    {
        iam.update_assume_role_policy()
            .role_name(name)
            .policy_document(policy.to_json())
            .send()
            .await
            .aws(SERVICE, "UpdateAssumeRolePolicy", name)?;
    }
    if changed("description") || changed("max_session_duration_secs") {
        iam.update_role()
            .role_name(name)
            .description(&desired.description)
            .max_session_duration(i32::try_from(desired.max_session_duration_secs).unwrap_or(3_600))
            .send()
            .await
            .aws(SERVICE, "UpdateRole", name)?;
    }
    if changed("permissions_boundary") {
        match &desired.permissions_boundary {
            Some(boundary) => {
                iam.put_role_permissions_boundary()
                    .role_name(name)
                    .permissions_boundary(boundary)
                    .send()
                    .await
                    .aws(SERVICE, "PutRolePermissionsBoundary", name)?;
            }
            None => {
                iam.delete_role_permissions_boundary()
                    .role_name(name)
                    .send()
                    .await
                    .aws(SERVICE, "DeleteRolePermissionsBoundary", name)?;
            }
        }
    }
    if changed("managed_policies") {
        for policy in desired
            .managed_policies
            .iter()
            .filter(|policy| !live.managed_policies.contains(policy))
        {
            iam.attach_role_policy()
                .role_name(name)
                .policy_arn(policy)
                .send()
                .await
                .aws(SERVICE, "AttachRolePolicy", name)?;
        }
        for policy in live
            .managed_policies
            .iter()
            .filter(|policy| !desired.managed_policies.contains(policy))
        {
            tracing::warn!(
                role = name,
                policy = policy.as_str(),
                "detaching a policy the stack does not grant"
            );
            iam.detach_role_policy()
                .role_name(name)
                .policy_arn(policy)
                .send()
                .await
                .aws(SERVICE, "DetachRolePolicy", name)?;
        }
    }
    if changed("inline_policies") {
        for policy in live
            .inline_policies
            .keys()
            .filter(|policy| !desired.inline_policies.contains_key(*policy))
        {
            tracing::warn!(
                role = name,
                policy = policy.as_str(),
                "deleting an inline policy"
            );
            iam.delete_role_policy()
                .role_name(name)
                .policy_name(policy)
                .send()
                .await
                .aws(SERVICE, "DeleteRolePolicy", name)?;
        }
    }
    let changed_tags: BTreeMap<String, String> = desired
        .tags
        .iter()
        .filter(|(key, _)| changed(&format!("tags.{key}")))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    if !changed_tags.is_empty() {
        iam.tag_role()
            .role_name(name)
            .set_tags(Some(iam_tags("TagRole", &changed_tags)?))
            .send()
            .await
            .aws(SERVICE, "TagRole", name)?;
    }
    Ok(())
}

/// Detaches every policy, deletes every inline policy, then the role.
pub(crate) async fn delete_role(ctx: &Ctx<'_>, live: &RoleState) -> Result<()> {
    let iam = ctx.env.iam();
    let name = live.name.as_str();
    for policy in live.attached_documents.keys() {
        iam.detach_role_policy()
            .role_name(name)
            .policy_arn(policy)
            .send()
            .await
            .aws_optional(SERVICE, "DetachRolePolicy", name, NO_SUCH_ENTITY)?;
    }
    for policy in live.inline_policies.keys() {
        iam.delete_role_policy()
            .role_name(name)
            .policy_name(policy)
            .send()
            .await
            .aws_optional(SERVICE, "DeleteRolePolicy", name, NO_SUCH_ENTITY)?;
    }
    iam.delete_role()
        .role_name(name)
        .send()
        .await
        .aws_optional(SERVICE, "DeleteRole", name, NO_SUCH_ENTITY)?;
    Ok(())
}
