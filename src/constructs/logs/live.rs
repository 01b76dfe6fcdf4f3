//! Reading, creating, updating and deleting log groups through the CloudWatch Logs API.
//! [`read_log_group_state`] works on any log group of an account.

use std::collections::BTreeMap;

use aws_sdk_cloudwatchlogs::types::LogGroup;

use crate::aws_error::AwsResultExt;
use crate::construct::Ctx;
use crate::constructs::ownership;
use crate::env::Environment;
use crate::error::Result;

use super::checks::LogGroupState;

const SERVICE: &str = "logs";
const NOT_FOUND: &[&str] = &["ResourceNotFoundException"];

/// Reads a log group's settings and all its tags; `None` when it does not exist.
pub async fn read_log_group_state(
    env: &Environment,
    name: &str,
) -> Result<Option<(LogGroupState, BTreeMap<String, String>)>> {
    let logs = env.logs();
    let mut pages = logs
        .describe_log_groups()
        .log_group_name_prefix(name)
        .into_paginator()
        .send();
    let mut found = None;
    while let Some(page) = pages.next().await {
        let page = page.aws(SERVICE, "DescribeLogGroups", name)?;
        if let Some(group) = page
            .log_groups()
            .iter()
            .find(|group| group.log_group_name() == Some(name))
        {
            found = Some(group.clone());
            break;
        }
    }
    let Some(group) = found else {
        return Ok(None);
    };
    let state = log_group_state(env, &group);
    let arn = state.arn.clone();
    let tags = logs
        .list_tags_for_resource()
        .resource_arn(&arn)
        .send()
        .await
        .aws_optional(SERVICE, "ListTagsForResource", name, NOT_FOUND)?
        .and_then(|output| output.tags)
        .unwrap_or_default()
        .into_iter()
        .collect();
    Ok(Some((state, tags)))
}

/// A log group's settings from its DescribeLogGroups entry (tags left empty).
fn log_group_state(env: &Environment, group: &LogGroup) -> LogGroupState {
    let name = group.log_group_name().unwrap_or_default();
    let arn = group
        .log_group_arn()
        .map(str::to_string)
        .or_else(|| {
            group
                .arn()
                .map(|arn| arn.trim_end_matches(":*").to_string())
        })
        .unwrap_or_else(|| env.arn("logs", &format!("log-group:{name}")));
    LogGroupState {
        name: name.to_string(),
        arn,
        kms_key: group.kms_key_id().map(str::to_string),
        retention_days: group
            .retention_in_days()
            .and_then(|days| u32::try_from(days).ok()),
        tags: BTreeMap::new(),
    }
}

/// Every log group of the environment's region, page by page, with the settings controls judge
/// (one call per page, no tags: what an audit needs).
pub async fn list_log_groups(env: &Environment) -> Result<Vec<LogGroupState>> {
    let mut groups = Vec::new();
    let mut pages = env.logs().describe_log_groups().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.aws(SERVICE, "DescribeLogGroups", "log groups")?;
        groups.extend(
            page.log_groups()
                .iter()
                .map(|group| log_group_state(env, group)),
        );
    }
    Ok(groups)
}

/// Refuses a log group that exists without this stack's tags for this logical id.
pub(super) fn ensure_ours(
    ctx: &Ctx<'_>,
    resource: &str,
    logical_id: &str,
    tags: &BTreeMap<String, String>,
) -> Result<()> {
    ownership::ensure_ours(ctx, resource, logical_id, tags, "choose another name")
}

/// Makes a log group another construct owns as part of its resource (a database's exported
/// logs) match `desired`: created encrypted, tagged and with its retention when missing;
/// otherwise its key, retention and tags are brought to the desired values.
#[cfg(feature = "rds")]
pub(crate) async fn converge_log_group(ctx: &Ctx<'_>, desired: &LogGroupState) -> Result<()> {
    match read_log_group_state(ctx.env, &desired.name).await? {
        None => create_log_group(ctx, desired).await.map(|_| ()),
        Some((mut live, tags)) => {
            live.tags = tags
                .into_iter()
                .filter(|(key, _)| desired.tags.contains_key(key))
                .collect();
            let changes = crate::construct::diff_states(desired, &live);
            if changes.is_empty() {
                return Ok(());
            }
            let changed = |name: &str| changes.iter().any(|change| change.setting == name);
            update_log_group(ctx, &live, desired, &changed).await
        }
    }
}

/// Creates the log group, encrypted and tagged, and sets its retention. Returns false when a
/// log group of the same name already existed (left by an interrupted apply): the caller
/// reads it back and finishes it, since its settings are not known.
pub(super) async fn create_log_group(ctx: &Ctx<'_>, desired: &LogGroupState) -> Result<bool> {
    let logs = ctx.env.logs();
    let created = logs
        .create_log_group()
        .log_group_name(&desired.name)
        .set_kms_key_id(desired.kms_key.clone())
        .set_tags(Some(desired.tags.clone().into_iter().collect()))
        .send()
        .await
        .aws_optional(
            SERVICE,
            "CreateLogGroup",
            &desired.name,
            &["ResourceAlreadyExistsException"],
        )?
        .is_some();
    if let Some(days) = desired.retention_days {
        put_retention(ctx, &desired.name, days).await?;
    }
    Ok(created)
}

async fn put_retention(ctx: &Ctx<'_>, name: &str, days: u32) -> Result<()> {
    ctx.env
        .logs()
        .put_retention_policy()
        .log_group_name(name)
        .retention_in_days(i32::try_from(days).unwrap_or(i32::MAX))
        .send()
        .await
        .aws(SERVICE, "PutRetentionPolicy", name)?;
    Ok(())
}

/// Brings the changed settings to their desired values.
pub(super) async fn update_log_group(
    ctx: &Ctx<'_>,
    live: &LogGroupState,
    desired: &LogGroupState,
    changed: &(dyn Fn(&str) -> bool + Sync),
) -> Result<()> {
    let logs = ctx.env.logs();
    let name = live.name.as_str();
    if changed("kms_key")
        && let Some(key) = &desired.kms_key
    {
        logs.associate_kms_key()
            .log_group_name(name)
            .kms_key_id(key)
            .send()
            .await
            .aws(SERVICE, "AssociateKmsKey", name)?;
    }
    if changed("retention_days")
        && let Some(days) = desired.retention_days
    {
        put_retention(ctx, name, days).await?;
    }
    let changed_tags: std::collections::HashMap<String, String> = desired
        .tags
        .iter()
        .filter(|(key, _)| changed(&format!("tags.{key}")))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    if !changed_tags.is_empty() {
        logs.tag_resource()
            .resource_arn(&live.arn)
            .set_tags(Some(changed_tags))
            .send()
            .await
            .aws(SERVICE, "TagResource", name)?;
    }
    Ok(())
}

/// Deletes the log group.
pub(super) async fn delete_log_group(ctx: &Ctx<'_>, name: &str) -> Result<()> {
    ctx.env
        .logs()
        .delete_log_group()
        .log_group_name(name)
        .send()
        .await
        .aws_optional(SERVICE, "DeleteLogGroup", name, NOT_FOUND)?;
    Ok(())
}
