//! Reading, creating, updating and deleting service control policies and their attachments
//! through the AWS Organizations API (in the management account).

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_organizations::types::{PolicyType, Tag};

use crate::aws_error::AwsResultExt;
use crate::construct::{Ctx, SettingChange};
use crate::env::Environment;
use crate::error::{Error, Result};
use crate::policy::PolicyDocument;

use super::checks::GuardrailsState;

const SERVICE: &str = "organizations";
const NOT_FOUND: &[&str] = &["PolicyNotFoundException"];

/// A service control policy as ListPolicies names it.
#[derive(Debug, Clone)]
pub struct PolicyEntry {
    /// Its id.
    pub id: String,
    /// Its ARN.
    pub arn: String,
    /// Its name.
    pub name: String,
}

/// Every service control policy of the organization (AWS managed ones included).
pub async fn list_scps(env: &Environment) -> Result<Vec<PolicyEntry>> {
    let mut found = Vec::new();
    let mut pages = env
        .organizations()
        .list_policies()
        .filter(PolicyType::ServiceControlPolicy)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.aws(SERVICE, "ListPolicies", "service control policies")?;
        found.extend(page.policies().iter().filter_map(|policy| {
            Some(PolicyEntry {
                id: policy.id()?.to_string(),
                arn: policy.arn()?.to_string(),
                name: policy.name()?.to_string(),
            })
        }));
    }
    Ok(found)
}

/// A policy's document; `None` when it no longer exists. A document that is not valid JSON is
/// `Some(None)`: judged as unreadable, never as compliant.
pub async fn read_scp_document(
    env: &Environment,
    id: &str,
) -> Result<Option<Option<PolicyDocument>>> {
    let Some(found) = env
        .organizations()
        .describe_policy()
        .policy_id(id)
        .send()
        .await
        .aws_optional(SERVICE, "DescribePolicy", id, NOT_FOUND)?
    else {
        return Ok(None);
    };
    Ok(Some(
        found
            .policy()
            .and_then(|policy| policy.content())
            .and_then(|content| PolicyDocument::from_json(content).ok()),
    ))
}

/// The roots, organizational units and accounts a policy is attached to.
pub async fn read_scp_targets(env: &Environment, id: &str) -> Result<BTreeSet<String>> {
    let mut targets = BTreeSet::new();
    let mut pages = env
        .organizations()
        .list_targets_for_policy()
        .policy_id(id)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.aws(SERVICE, "ListTargetsForPolicy", id)?;
        targets.extend(
            page.targets()
                .iter()
                .filter_map(|target| target.target_id().map(str::to_string)),
        );
    }
    Ok(targets)
}

async fn read_tags(env: &Environment, id: &str) -> Result<BTreeMap<String, String>> {
    let mut tags = BTreeMap::new();
    let mut pages = env
        .organizations()
        .list_tags_for_resource()
        .resource_id(id)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.aws(SERVICE, "ListTagsForResource", id)?;
        tags.extend(
            page.tags()
                .iter()
                .map(|tag| (tag.key().to_string(), tag.value().to_string())),
        );
    }
    Ok(tags)
}

/// Reads the policy named `name`, its targets and all its tags; `None` when none has the name.
pub async fn read_guardrails(
    env: &Environment,
    name: &str,
) -> Result<Option<(GuardrailsState, BTreeMap<String, String>)>> {
    let Some(entry) = list_scps(env)
        .await?
        .into_iter()
        .find(|entry| entry.name == name)
    else {
        return Ok(None);
    };
    let (document, targets, tags) = tokio::join!(
        read_scp_document(env, &entry.id),
        read_scp_targets(env, &entry.id),
        read_tags(env, &entry.id)
    );
    let Some(document) = document? else {
        return Ok(None);
    };
    Ok(Some((
        GuardrailsState {
            name: entry.name,
            id: entry.id,
            arn: entry.arn,
            document,
            targets: targets?,
            tags: BTreeMap::new(),
        },
        tags?,
    )))
}

fn tags_of(state: &GuardrailsState, operation: &'static str) -> Result<Vec<Tag>> {
    state
        .tags
        .iter()
        .map(|(key, value)| {
            Tag::builder()
                .key(key)
                .value(value)
                .build()
                .map_err(|error| Error::unexpected(SERVICE, operation, error.to_string()))
        })
        .collect()
}

fn content(state: &GuardrailsState) -> String {
    state
        .document
        .as_ref()
        .map(PolicyDocument::to_json)
        .unwrap_or_default()
}

/// Creates the policy, tagged, and returns its id and ARN.
pub(crate) async fn create_guardrails(
    ctx: &Ctx<'_>,
    desired: &GuardrailsState,
) -> Result<(String, String)> {
    let created = ctx
        .env
        .organizations()
        .create_policy()
        .name(&desired.name)
        .description(
            "hipaa-aws guardrails: keeps every member account's audit and protection controls on",
        )
        .content(content(desired))
        .r#type(PolicyType::ServiceControlPolicy)
        .set_tags(Some(tags_of(desired, "CreatePolicy")?))
        .send()
        .await
        .aws(SERVICE, "CreatePolicy", &desired.name)?;
    let summary = created.policy().and_then(|policy| policy.policy_summary());
    match (
        summary.and_then(|summary| summary.id()),
        summary.and_then(|summary| summary.arn()),
    ) {
        (Some(id), Some(arn)) => Ok((id.to_string(), arn.to_string())),
        _ => Err(Error::unexpected(
            SERVICE,
            "CreatePolicy",
            "the answer names no policy id or ARN",
        )),
    }
}

/// Attaches the policy to a target (already attached is fine).
pub(crate) async fn attach(ctx: &Ctx<'_>, id: &str, target: &str) -> Result<()> {
    ctx.env
        .organizations()
        .attach_policy()
        .policy_id(id)
        .target_id(target)
        .send()
        .await
        .aws_optional(
            SERVICE,
            "AttachPolicy",
            target,
            &["DuplicatePolicyAttachmentException"],
        )?;
    Ok(())
}

async fn detach(ctx: &Ctx<'_>, id: &str, target: &str) -> Result<()> {
    ctx.env
        .organizations()
        .detach_policy()
        .policy_id(id)
        .target_id(target)
        .send()
        .await
        .aws_optional(
            SERVICE,
            "DetachPolicy",
            target,
            &["PolicyNotAttachedException"],
        )?;
    Ok(())
}

/// Brings the changed settings to their desired values: the document, the targets (attached
/// where declared, detached where not), the tags.
pub(crate) async fn update_guardrails(
    ctx: &Ctx<'_>,
    live: &GuardrailsState,
    desired: &GuardrailsState,
    changes: &[SettingChange],
) -> Result<()> {
    let changed = |name: &str| {
        changes
            .iter()
            .any(|change| change.setting.starts_with(name))
    };
    let organizations = ctx.env.organizations();
    if changed("document") {
        organizations
            .update_policy()
            .policy_id(&live.id)
            .content(content(desired))
            .send()
            .await
            .aws(SERVICE, "UpdatePolicy", &live.name)?;
    }
    if changed("targets") {
        for target in desired.targets.difference(&live.targets) {
            attach(ctx, &live.id, target).await?;
        }
        for target in live.targets.difference(&desired.targets) {
            detach(ctx, &live.id, target).await?;
        }
    }
    if changed("tags.") {
        let tags: Vec<Tag> = tags_of(desired, "TagResource")?
            .into_iter()
            .filter(|tag| changed(&format!("tags.{}", tag.key())))
            .collect();
        organizations
            .tag_resource()
            .resource_id(&live.id)
            .set_tags(Some(tags))
            .send()
            .await
            .aws(SERVICE, "TagResource", &live.name)?;
    }
    Ok(())
}

/// Detaches the policy everywhere and deletes it (gone already is fine).
pub(crate) async fn delete_guardrails(ctx: &Ctx<'_>, live: &GuardrailsState) -> Result<()> {
    for target in &live.targets {
        detach(ctx, &live.id, target).await?;
    }
    ctx.env
        .organizations()
        .delete_policy()
        .policy_id(&live.id)
        .send()
        .await
        .aws_optional(SERVICE, "DeletePolicy", &live.name, NOT_FOUND)?;
    Ok(())
}
