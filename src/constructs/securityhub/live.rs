//! Reading, enabling, updating and disabling Security Hub through its API.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_securityhub::types::StandardsSubscriptionRequest;

use crate::aws_error::{error_code, AwsResultExt};
use crate::construct::{diff_states, Ctx, Live, ResourceOutputs, SettingChange};
use crate::env::{Environment, LOGICAL_ID_TAG, STACK_TAG};
use crate::error::{Error, Result};

use super::hub::SecurityHub;
use super::standards::standard_key;
use super::state::{SecurityHubState, StandardSubscription, StandardsView, SUBSCRIBED};

const SERVICE: &str = "securityhub";
const NOT_ENABLED: &[&str] = &["InvalidAccessException", "ResourceNotFoundException"];

async fn read_standards(env: &Environment) -> Result<BTreeMap<String, StandardSubscription>> {
    let mut standards = BTreeMap::new();
    let mut pages = env
        .securityhub()
        .get_enabled_standards()
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.aws(SERVICE, "GetEnabledStandards", "standards")?;
        for subscription in page.standards_subscriptions() {
            let Some(arn) = subscription.standards_arn() else {
                continue;
            };
            let key = standard_key(arn).unwrap_or(arn).to_string();
            standards.insert(
                key,
                StandardSubscription {
                    standards_arn: arn.to_string(),
                    subscription_arn: subscription
                        .standards_subscription_arn()
                        .map(str::to_string),
                    status: subscription
                        .standards_status()
                        .map(|status| status.as_str().to_string())
                        .unwrap_or_else(|| "UNKNOWN".to_string()),
                    status_reason: subscription
                        .standards_status_reason()
                        .and_then(|reason| reason.status_reason_code())
                        .map(|code| code.as_str().to_string()),
                },
            );
        }
    }
    Ok(standards)
}

async fn read_tags(env: &Environment, hub_arn: &str) -> Result<BTreeMap<String, String>> {
    let output = env
        .securityhub()
        .list_tags_for_resource()
        .resource_arn(hub_arn)
        .send()
        .await
        .aws(SERVICE, "ListTagsForResource", hub_arn)?;
    Ok(output
        .tags()
        .map(|tags| {
            tags.iter()
                .map(|(key, value)| (key.clone(), value.clone()))
                .collect()
        })
        .unwrap_or_default())
}

/// Reads the hub: `None` when Security Hub is not enabled. With `strict`, a failure to read the
/// standards or the tags is an error; without, the standards are reported
/// [`Unreadable`](StandardsView::Unreadable) and the tags empty.
async fn read_hub(env: &Environment, strict: bool) -> Result<Option<SecurityHubState>> {
    let described = env.securityhub().describe_hub().send().await.aws_optional(
        SERVICE,
        "DescribeHub",
        "hub",
        NOT_ENABLED,
    )?;
    let Some(described) = described else {
        return Ok(None);
    };
    let hub_arn = described
        .hub_arn()
        .map(str::to_string)
        .unwrap_or_else(|| env.arn("securityhub", "hub/default"));
    let standards = match read_standards(env).await {
        Ok(standards) => StandardsView::Read(standards),
        Err(error) if !strict => StandardsView::Unreadable(error.to_string()),
        Err(error) => return Err(error),
    };
    let tags = match read_tags(env, &hub_arn).await {
        Ok(tags) => tags,
        Err(_) if !strict => BTreeMap::new(),
        Err(error) => return Err(error),
    };
    Ok(Some(SecurityHubState {
        hub_arn: Some(hub_arn),
        subscribed_at: described.subscribed_at().map(str::to_string),
        standards,
        tags,
    }))
}

/// Reads Security Hub in the environment's account and region: `None` when it is not enabled.
/// Works on any account; standards that cannot be read are reported as such (and judged as
/// errors), tags that cannot be read as none.
pub async fn read_security_hub(env: &Environment) -> Result<Option<SecurityHubState>> {
    read_hub(env, false).await
}

/// Finds the hub for `hub`; one tagged by another stack is a conflict.
pub(super) async fn read_for_construct(
    ctx: &Ctx<'_>,
    hub: &SecurityHub,
) -> Result<Option<Live<SecurityHubState>>> {
    let Some(mut state) = read_hub(ctx.env, true).await? else {
        return Ok(None);
    };
    let stack = state.tags.get(STACK_TAG).map(String::as_str);
    let logical_id = state.tags.get(LOGICAL_ID_TAG).map(String::as_str);
    if stack.is_some_and(|stack| stack != ctx.scope.stack)
        || logical_id.is_some_and(|id| id != hub.id_str())
    {
        return Err(Error::Conflict {
            resource: hub.resource_name(),
            reason: format!(
                "Security Hub in this account and region is managed by stack {:?} as {:?}; an account has one hub per region, \
                 so only one stack may declare it",
                stack.unwrap_or("(none)"),
                logical_id.unwrap_or("(none)")
            ),
        });
    }
    let wanted = hub.desired_tags(ctx);
    state.tags.retain(|key, _| wanted.contains_key(key));
    let arn = state
        .hub_arn
        .clone()
        .unwrap_or_else(|| ctx.scope.arn("securityhub", "hub/default"));
    Ok(Some(Live {
        outputs: ResourceOutputs {
            arn,
            physical_id: "default".to_string(),
        },
        state,
    }))
}

fn hash_tags(tags: &BTreeMap<String, String>) -> HashMap<String, String> {
    tags.iter()
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect()
}

/// Enables Security Hub without the default standards, tagged, then subscribes the standards.
pub(super) async fn enable(
    ctx: &Ctx<'_>,
    hub: &SecurityHub,
    desired: &SecurityHubState,
) -> Result<ResourceOutputs> {
    let enabled = ctx
        .env
        .securityhub()
        .enable_security_hub()
        .enable_default_standards(false)
        .set_tags(Some(hash_tags(&desired.tags)))
        .send()
        .await;
    if let Err(error) = enabled {
        // Enabled meanwhile (an earlier, interrupted apply): converge it like any adopted hub.
        if error_code(&error) != Some("ResourceConflictException") {
            return Err(crate::aws_error::aws_error(
                SERVICE,
                "EnableSecurityHub",
                Some("hub"),
                error,
            ));
        }
    }
    let live = read_for_construct(ctx, hub).await?.ok_or_else(|| {
        Error::unexpected(
            SERVICE,
            "DescribeHub",
            "Security Hub is not enabled after EnableSecurityHub",
        )
    })?;
    let changes = diff_states(desired, &live.state);
    update(ctx, hub, &live, desired, &changes).await?;
    Ok(live.outputs)
}

/// Subscribes the standards that are not subscribed and tags the hub.
pub(super) async fn update(
    ctx: &Ctx<'_>,
    _hub: &SecurityHub,
    live: &Live<SecurityHubState>,
    desired: &SecurityHubState,
    changes: &[SettingChange],
) -> Result<()> {
    let securityhub = ctx.env.securityhub();
    if let StandardsView::Read(wanted) = &desired.standards {
        let requests: Vec<StandardsSubscriptionRequest> = wanted
            .iter()
            .filter(|(key, _)| {
                changes.iter().any(|change| {
                    change.setting == format!("standards.{key}") && change.desired == SUBSCRIBED
                })
            })
            .map(|(_, subscription)| {
                StandardsSubscriptionRequest::builder()
                    .standards_arn(&subscription.standards_arn)
                    .build()
            })
            .collect();
        if !requests.is_empty() {
            securityhub
                .batch_enable_standards()
                .set_standards_subscription_requests(Some(requests))
                .send()
                .await
                .aws(SERVICE, "BatchEnableStandards", "standards")?;
        }
    }
    let changed_tags = crate::construct::changed_tags(&desired.tags, changes);
    if !changed_tags.is_empty() {
        let arn = live.outputs.arn.as_str();
        securityhub
            .tag_resource()
            .resource_arn(arn)
            .set_tags(Some(hash_tags(&changed_tags)))
            .send()
            .await
            .aws(SERVICE, "TagResource", arn)?;
    }
    Ok(())
}

/// Disables Security Hub (its findings are deleted by AWS).
pub(super) async fn disable(
    ctx: &Ctx<'_>,
    _hub: &SecurityHub,
    _live: &Live<SecurityHubState>,
) -> Result<()> {
    ctx.env
        .securityhub()
        .disable_security_hub()
        .send()
        .await
        .aws_optional(SERVICE, "DisableSecurityHub", "hub", NOT_ENABLED)?;
    Ok(())
}
