//! Reading, creating, updating and deleting IAM roles, customer-managed policies, grants and the
//! account password policy through the IAM API. The `read_*` functions work on any role or
//! policy of an account, not only those the library made.

use std::collections::BTreeMap;

use aws_sdk_iam::types::Tag;

use crate::aws_error::AwsResultExt;
use crate::construct::Ctx;
use crate::env::{Environment, LOGICAL_ID_TAG, STACK_TAG};
use crate::error::{Error, Result};
use crate::policy::PolicyDocument;

use super::names::decode_policy_text;
use super::state::{ManagedPolicyState, PasswordPolicyState, RoleState};

const SERVICE: &str = "iam";
const NO_SUCH_ENTITY: &[&str] = &["NoSuchEntity", "NoSuchEntityException"];

fn parse_document(operation: &'static str, text: &str) -> Result<PolicyDocument> {
    PolicyDocument::from_json(&decode_policy_text(text))
        .map_err(|error| Error::unexpected(SERVICE, operation, error.to_string()))
}

pub(super) fn iam_tags(
    operation: &'static str,
    tags: &BTreeMap<String, String>,
) -> Result<Vec<Tag>> {
    tags.iter()
        .map(|(key, value)| {
            Tag::builder()
                .key(key)
                .value(value)
                .build()
                .map_err(Error::request(SERVICE, operation))
        })
        .collect()
}

/// Refuses a resource that exists without this stack's tags for this logical id.
pub(crate) fn ensure_ours(
    ctx: &Ctx<'_>,
    what: &str,
    logical_id: &str,
    tags: &BTreeMap<String, String>,
) -> Result<()> {
    let stack = tags.get(STACK_TAG).map(String::as_str);
    let id = tags.get(LOGICAL_ID_TAG).map(String::as_str);
    if stack == Some(ctx.scope.stack) && id == Some(logical_id) {
        return Ok(());
    }
    Err(Error::Conflict {
        resource: what.to_string(),
        reason: format!(
            "it exists and is not managed by stack {:?} as {logical_id} (its tags say stack {:?}, id {:?}); \
             choose another name or remove the old one",
            ctx.scope.stack,
            stack.unwrap_or("(none)"),
            id.unwrap_or("(none)")
        ),
    })
}

/// The tags of `all` that the library manages (those `wanted` names).
pub(super) fn managed_tags(
    all: BTreeMap<String, String>,
    wanted: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    all.into_iter()
        .filter(|(key, _)| wanted.contains_key(key))
        .collect()
}

// ---------------------------------------------------------------- roles

async fn role_tags(env: &Environment, name: &str) -> Result<BTreeMap<String, String>> {
    let mut tags = BTreeMap::new();
    let mut pages = env
        .iam()
        .list_role_tags()
        .role_name(name)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        for tag in page.aws(SERVICE, "ListRoleTags", name)?.tags() {
            tags.insert(tag.key().to_string(), tag.value().to_string());
        }
    }
    Ok(tags)
}

/// The default version's document of a managed policy (`None` when it cannot be found).
pub async fn read_policy_document(env: &Environment, arn: &str) -> Result<Option<PolicyDocument>> {
    let Some(policy) = env
        .iam()
        .get_policy()
        .policy_arn(arn)
        .send()
        .await
        .aws_optional(SERVICE, "GetPolicy", arn, NO_SUCH_ENTITY)?
        .and_then(|output| output.policy)
    else {
        return Ok(None);
    };
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

/// Reads every setting of a role the controls judge, with all its tags; `None` when the role
/// does not exist. Works for any role of the account.
pub async fn read_role_state(
    env: &Environment,
    name: &str,
) -> Result<Option<(RoleState, BTreeMap<String, String>)>> {
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
    for arn in &attached {
        attached_documents.insert(arn.clone(), read_policy_document(env, arn).await?);
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
    let tags = role_tags(env, name).await?;
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
    Ok(Some((state, tags)))
}

/// What creating a role needs.
pub(super) struct NewRole<'a> {
    pub name: &'a str,
    pub path: &'a str,
    pub desired: &'a RoleState,
}

/// Creates a role (tagged) and attaches its managed policies.
pub(super) async fn create_role(ctx: &Ctx<'_>, role: NewRole<'_>) -> Result<String> {
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
pub(super) async fn update_role(
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
pub(super) async fn delete_role(ctx: &Ctx<'_>, live: &RoleState) -> Result<()> {
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

// ---------------------------------------------------------------- managed policies

pub(super) async fn policy_tags(env: &Environment, arn: &str) -> Result<BTreeMap<String, String>> {
    let mut tags = BTreeMap::new();
    let mut pages = env
        .iam()
        .list_policy_tags()
        .policy_arn(arn)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        for tag in page.aws(SERVICE, "ListPolicyTags", arn)?.tags() {
            tags.insert(tag.key().to_string(), tag.value().to_string());
        }
    }
    Ok(tags)
}

/// Reads a managed policy with its default version's document and all its tags; `None` when
/// it does not exist. Works for any managed policy, AWS managed ones included.
pub async fn read_managed_policy_state(
    env: &Environment,
    arn: &str,
) -> Result<Option<(ManagedPolicyState, BTreeMap<String, String>)>> {
    let iam = env.iam();
    let Some(policy) = iam
        .get_policy()
        .policy_arn(arn)
        .send()
        .await
        .aws_optional(SERVICE, "GetPolicy", arn, NO_SUCH_ENTITY)?
        .and_then(|output| output.policy)
    else {
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
    let document = read_policy_document(env, arn).await?;
    let tags = if arn.contains(":iam::aws:") {
        BTreeMap::new()
    } else {
        policy_tags(env, arn).await?
    };
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
pub(super) async fn create_managed_policy(
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
pub(super) async fn update_managed_policy(
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
pub(super) async fn delete_managed_policy(ctx: &Ctx<'_>, arn: &str) -> Result<()> {
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
pub(super) async fn is_attached(env: &Environment, role: &str, policy_arn: &str) -> Result<bool> {
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
pub(super) async fn set_attached(
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

// ---------------------------------------------------------------- the account password policy

/// The account password policy, or `None` when the account has none.
pub async fn read_password_policy(env: &Environment) -> Result<Option<PasswordPolicyState>> {
    let policy = env
        .iam()
        .get_account_password_policy()
        .send()
        .await
        .aws_optional(
            SERVICE,
            "GetAccountPasswordPolicy",
            "account",
            NO_SUCH_ENTITY,
        )?
        .and_then(|output| output.password_policy);
    let positive =
        |value: Option<i32>| value.and_then(|v| u32::try_from(v).ok()).filter(|v| *v > 0);
    Ok(policy.map(|policy| PasswordPolicyState {
        minimum_length: positive(policy.minimum_password_length()).unwrap_or(6),
        require_symbols: policy.require_symbols(),
        require_numbers: policy.require_numbers(),
        require_uppercase: policy.require_uppercase_characters(),
        require_lowercase: policy.require_lowercase_characters(),
        allow_users_to_change: policy.allow_users_to_change_password(),
        max_age_days: positive(policy.max_password_age()),
        reuse_prevention: positive(policy.password_reuse_prevention()),
        hard_expiry: policy.hard_expiry().unwrap_or(false),
    }))
}

/// Sets the whole account password policy.
pub(super) async fn put_password_policy(
    ctx: &Ctx<'_>,
    desired: &PasswordPolicyState,
) -> Result<()> {
    let to_i32 = |value: u32| i32::try_from(value).unwrap_or(i32::MAX);
    ctx.env
        .iam()
        .update_account_password_policy()
        .minimum_password_length(to_i32(desired.minimum_length))
        .require_symbols(desired.require_symbols)
        .require_numbers(desired.require_numbers)
        .require_uppercase_characters(desired.require_uppercase)
        .require_lowercase_characters(desired.require_lowercase)
        .allow_users_to_change_password(desired.allow_users_to_change)
        .set_max_password_age(desired.max_age_days.map(to_i32))
        .set_password_reuse_prevention(desired.reuse_prevention.map(to_i32))
        .hard_expiry(desired.hard_expiry)
        .send()
        .await
        .aws(SERVICE, "UpdateAccountPasswordPolicy", "account")?;
    Ok(())
}

/// Removes the account password policy.
pub(super) async fn delete_password_policy(ctx: &Ctx<'_>) -> Result<()> {
    ctx.env
        .iam()
        .delete_account_password_policy()
        .send()
        .await
        .aws_optional(
            SERVICE,
            "DeleteAccountPasswordPolicy",
            "account",
            NO_SUCH_ENTITY,
        )?;
    Ok(())
}
