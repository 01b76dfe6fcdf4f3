//! Reading, creating, updating and deleting SNS alarm topics, metric filters and metric alarms.
//! The `read_*` functions work on any topic, log group or alarm of an account.

use std::collections::BTreeMap;

use aws_sdk_cloudwatch::types::{ComparisonOperator, MetricAlarm, Statistic};
use aws_sdk_cloudwatchlogs::types::MetricTransformation;

use crate::aws_error::AwsResultExt;
use crate::construct::Ctx;
use crate::env::Environment;
use crate::error::{Error, Result};
use crate::policy::PolicyDocument;

use super::state::{AlarmState, MetricFilterState, TopicState};

const SNS: &str = "sns";
const LOGS: &str = "logs";
const CLOUDWATCH: &str = "cloudwatch";

// ---------------------------------------------------------------- topics

/// Reads a topic's settings and all its tags; `None` when it does not exist.
pub async fn read_topic_state(
    env: &Environment,
    arn: &str,
) -> Result<Option<(TopicState, BTreeMap<String, String>)>> {
    let sns = env.sns();
    let Some(output) = sns
        .get_topic_attributes()
        .topic_arn(arn)
        .send()
        .await
        .aws_optional(
            SNS,
            "GetTopicAttributes",
            arn,
            &["NotFound", "NotFoundException"],
        )?
    else {
        return Ok(None);
    };
    let attributes = output.attributes().cloned().unwrap_or_default();
    let policy = attributes
        .get("Policy")
        .filter(|text| !text.is_empty())
        .map(|text| {
            PolicyDocument::from_json(text)
                .map_err(|error| Error::unexpected(SNS, "GetTopicAttributes", error.to_string()))
        })
        .transpose()?;
    let tags = sns
        .list_tags_for_resource()
        .resource_arn(arn)
        .send()
        .await
        .aws(SNS, "ListTagsForResource", arn)?
        .tags()
        .iter()
        .map(|tag| (tag.key().to_string(), tag.value().to_string()))
        .collect();
    let name = arn.rsplit(':').next().unwrap_or(arn).to_string();
    let kms_key = attributes
        .get("KmsMasterKeyId")
        .filter(|key| !key.is_empty())
        .cloned();
    let key_manager = match &kms_key {
        None => None,
        Some(key) => read_key_manager(env, key).await?,
    };
    Ok(Some((
        TopicState {
            name,
            arn: arn.to_string(),
            kms_key,
            key_manager,
            policy,
            tags: BTreeMap::new(),
        },
        tags,
    )))
}

/// Who manages the key (`CUSTOMER` or `AWS`); `None` when no such key exists. An AWS managed
/// key named by its alias is known without a call.
async fn read_key_manager(env: &Environment, key: &str) -> Result<Option<String>> {
    if key.contains("alias/aws/") {
        return Ok(Some("AWS".to_string()));
    }
    Ok(env
        .kms()
        .describe_key()
        .key_id(key)
        .send()
        .await
        .aws_optional("kms", "DescribeKey", key, &["NotFoundException"])?
        .and_then(|output| output.key_metadata)
        .and_then(|metadata| metadata.key_manager().map(|m| m.as_str().to_string())))
}

fn sns_tags(tags: &BTreeMap<String, String>) -> Result<Vec<aws_sdk_sns::types::Tag>> {
    tags.iter()
        .map(|(key, value)| {
            aws_sdk_sns::types::Tag::builder()
                .key(key)
                .value(value)
                .build()
                .map_err(Error::request(SNS, "TagResource"))
        })
        .collect()
}

/// Creates the topic, encrypted, with its policy and tags (CreateTopic is idempotent).
pub(super) async fn create_topic(ctx: &Ctx<'_>, desired: &TopicState) -> Result<String> {
    let mut request = ctx
        .env
        .sns()
        .create_topic()
        .name(&desired.name)
        .set_tags(Some(sns_tags(&desired.tags)?));
    if let Some(key) = &desired.kms_key {
        request = request.attributes("KmsMasterKeyId", key);
    }
    if let Some(policy) = &desired.policy {
        request = request.attributes("Policy", policy.to_json());
    }
    let output = request
        .send()
        .await
        .aws(SNS, "CreateTopic", &desired.name)?;
    Ok(output.topic_arn.unwrap_or_else(|| desired.arn.clone()))
}

/// Brings the changed settings of a topic to their desired values (`changed` names settings
/// without prefix).
pub(super) async fn update_topic(
    ctx: &Ctx<'_>,
    live: &TopicState,
    desired: &TopicState,
    changed: &(dyn Fn(&str) -> bool + Sync),
) -> Result<()> {
    let sns = ctx.env.sns();
    let arn = live.arn.as_str();
    if changed("kms_key") {
        sns.set_topic_attributes()
            .topic_arn(arn)
            .attribute_name("KmsMasterKeyId")
            .attribute_value(desired.kms_key.clone().unwrap_or_default())
            .send()
            .await
            .aws(SNS, "SetTopicAttributes", arn)?;
    }
    if changed("policy")
        && let Some(policy) = &desired.policy
    {
        sns.set_topic_attributes()
            .topic_arn(arn)
            .attribute_name("Policy")
            .attribute_value(policy.to_json())
            .send()
            .await
            .aws(SNS, "SetTopicAttributes", arn)?;
    }
    let changed_tags: BTreeMap<String, String> = desired
        .tags
        .iter()
        .filter(|(key, _)| changed(&format!("tags.{key}")))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    if !changed_tags.is_empty() {
        sns.tag_resource()
            .resource_arn(arn)
            .set_tags(Some(sns_tags(&changed_tags)?))
            .send()
            .await
            .aws(SNS, "TagResource", arn)?;
    }
    Ok(())
}

/// Deletes the topic.
pub(super) async fn delete_topic(ctx: &Ctx<'_>, arn: &str) -> Result<()> {
    ctx.env
        .sns()
        .delete_topic()
        .topic_arn(arn)
        .send()
        .await
        .aws_optional(SNS, "DeleteTopic", arn, &["NotFound", "NotFoundException"])?;
    Ok(())
}

// ---------------------------------------------------------------- metric filters

/// Reads the metric filters of a log group (optionally only those whose name starts with
/// `prefix`).
pub async fn read_metric_filters(
    env: &Environment,
    log_group: &str,
    prefix: Option<&str>,
) -> Result<Vec<MetricFilterState>> {
    let mut filters = Vec::new();
    let mut pages = env
        .logs()
        .describe_metric_filters()
        .log_group_name(log_group)
        .set_filter_name_prefix(prefix.map(str::to_string))
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let Some(page) = page
            .map(Some)
            .aws_optional(
                LOGS,
                "DescribeMetricFilters",
                log_group,
                &["ResourceNotFoundException"],
            )?
            .flatten()
        else {
            return Ok(Vec::new());
        };
        for filter in page.metric_filters() {
            let transformation = filter.metric_transformations().first();
            filters.push(MetricFilterState {
                name: filter.filter_name().unwrap_or_default().to_string(),
                log_group: filter.log_group_name().unwrap_or(log_group).to_string(),
                pattern: filter.filter_pattern().unwrap_or_default().to_string(),
                metric_name: transformation
                    .map(|t| t.metric_name().to_string())
                    .unwrap_or_default(),
                metric_namespace: transformation
                    .map(|t| t.metric_namespace().to_string())
                    .unwrap_or_default(),
                metric_value: transformation
                    .map(|t| t.metric_value().to_string())
                    .unwrap_or_default(),
            });
        }
    }
    Ok(filters)
}

/// Creates or replaces a metric filter.
pub(super) async fn put_metric_filter(ctx: &Ctx<'_>, filter: &MetricFilterState) -> Result<()> {
    let transformation = MetricTransformation::builder()
        .metric_name(&filter.metric_name)
        .metric_namespace(&filter.metric_namespace)
        .metric_value(&filter.metric_value)
        .build()
        .map_err(Error::request(LOGS, "PutMetricFilter"))?;
    ctx.env
        .logs()
        .put_metric_filter()
        .log_group_name(&filter.log_group)
        .filter_name(&filter.name)
        .filter_pattern(&filter.pattern)
        .metric_transformations(transformation)
        .send()
        .await
        .aws(LOGS, "PutMetricFilter", &filter.name)?;
    Ok(())
}

/// Deletes a metric filter.
pub(super) async fn delete_metric_filter(ctx: &Ctx<'_>, filter: &MetricFilterState) -> Result<()> {
    ctx.env
        .logs()
        .delete_metric_filter()
        .log_group_name(&filter.log_group)
        .filter_name(&filter.name)
        .send()
        .await
        .aws_optional(
            LOGS,
            "DeleteMetricFilter",
            &filter.name,
            &["ResourceNotFoundException"],
        )?;
    Ok(())
}

// ---------------------------------------------------------------- alarms

/// Reads the metric alarms whose names start with `prefix` (every alarm with `""`), each with
/// all its tags.
pub async fn read_alarms(
    env: &Environment,
    prefix: &str,
) -> Result<Vec<(AlarmState, BTreeMap<String, String>)>> {
    let cloudwatch = env.cloudwatch();
    let mut found = Vec::new();
    let mut pages = cloudwatch
        .describe_alarms()
        .set_alarm_name_prefix((!prefix.is_empty()).then(|| prefix.to_string()))
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.aws(CLOUDWATCH, "DescribeAlarms", prefix)?;
        for alarm in page.metric_alarms() {
            let arn = alarm.alarm_arn().unwrap_or_default().to_string();
            let tags = if arn.is_empty() {
                BTreeMap::new()
            } else {
                cloudwatch
                    .list_tags_for_resource()
                    .resource_arn(&arn)
                    .send()
                    .await
                    .aws(CLOUDWATCH, "ListTagsForResource", &arn)?
                    .tags()
                    .iter()
                    .map(|tag| {
                        (
                            tag.key().unwrap_or_default().to_string(),
                            tag.value().unwrap_or_default().to_string(),
                        )
                    })
                    .collect()
            };
            found.push((alarm_state(alarm), tags));
        }
    }
    Ok(found)
}

/// An alarm's settings from its DescribeAlarms entry (tags left empty).
fn alarm_state(alarm: &MetricAlarm) -> AlarmState {
    let sorted = |actions: &[String]| {
        let mut actions = actions.to_vec();
        actions.sort();
        actions
    };
    AlarmState {
        name: alarm.alarm_name().unwrap_or_default().to_string(),
        arn: alarm.alarm_arn().unwrap_or_default().to_string(),
        metric_name: alarm.metric_name().unwrap_or_default().to_string(),
        namespace: alarm.namespace().unwrap_or_default().to_string(),
        statistic: alarm
            .statistic()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        period_secs: alarm
            .period()
            .and_then(|p| u32::try_from(p).ok())
            .unwrap_or_default(),
        evaluation_periods: alarm
            .evaluation_periods()
            .and_then(|p| u32::try_from(p).ok())
            .unwrap_or_default(),
        threshold: alarm.threshold().unwrap_or_default(),
        comparison: alarm
            .comparison_operator()
            .map(|c| c.as_str().to_string())
            .unwrap_or_default(),
        treat_missing_data: alarm.treat_missing_data().unwrap_or("missing").to_string(),
        actions_enabled: alarm.actions_enabled().unwrap_or(false),
        alarm_actions: sorted(alarm.alarm_actions()),
        insufficient_data_actions: sorted(alarm.insufficient_data_actions()),
        ok_actions: sorted(alarm.ok_actions()),
        tags: BTreeMap::new(),
    }
}

/// Every metric alarm of the environment's region, page by page, without tags (one call per
/// page: what an audit needs).
pub async fn list_alarms(env: &Environment) -> Result<Vec<AlarmState>> {
    let mut found = Vec::new();
    let mut pages = env.cloudwatch().describe_alarms().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.aws(CLOUDWATCH, "DescribeAlarms", "alarms")?;
        found.extend(page.metric_alarms().iter().map(alarm_state));
    }
    Ok(found)
}

fn alarm_tags(tags: &BTreeMap<String, String>) -> Vec<aws_sdk_cloudwatch::types::Tag> {
    tags.iter()
        .map(|(key, value)| {
            aws_sdk_cloudwatch::types::Tag::builder()
                .key(key)
                .value(value)
                .build()
        })
        .collect()
}

/// Creates or replaces a metric alarm (tags are set with TagResource: PutMetricAlarm ignores
/// them on an existing alarm).
pub(super) async fn put_alarm(
    ctx: &Ctx<'_>,
    alarm: &AlarmState,
    description: &str,
    exists: bool,
) -> Result<()> {
    let cloudwatch = ctx.env.cloudwatch();
    cloudwatch
        .put_metric_alarm()
        .alarm_name(&alarm.name)
        .alarm_description(description)
        .metric_name(&alarm.metric_name)
        .namespace(&alarm.namespace)
        .statistic(Statistic::from(alarm.statistic.as_str()))
        .period(i32::try_from(alarm.period_secs).unwrap_or(300))
        .evaluation_periods(i32::try_from(alarm.evaluation_periods).unwrap_or(1))
        .threshold(alarm.threshold)
        .comparison_operator(ComparisonOperator::from(alarm.comparison.as_str()))
        .treat_missing_data(&alarm.treat_missing_data)
        .actions_enabled(alarm.actions_enabled)
        .set_alarm_actions(Some(alarm.alarm_actions.clone()))
        .set_insufficient_data_actions(Some(alarm.insufficient_data_actions.clone()))
        .set_ok_actions(Some(alarm.ok_actions.clone()))
        .set_tags((!exists).then(|| alarm_tags(&alarm.tags)))
        .send()
        .await
        .aws(CLOUDWATCH, "PutMetricAlarm", &alarm.name)?;
    if exists && !alarm.tags.is_empty() {
        cloudwatch
            .tag_resource()
            .resource_arn(&alarm.arn)
            .set_tags(Some(alarm_tags(&alarm.tags)))
            .send()
            .await
            .aws(CLOUDWATCH, "TagResource", &alarm.name)?;
    }
    Ok(())
}

/// Deletes alarms.
pub(super) async fn delete_alarms(ctx: &Ctx<'_>, names: &[String]) -> Result<()> {
    if names.is_empty() {
        return Ok(());
    }
    ctx.env
        .cloudwatch()
        .delete_alarms()
        .set_alarm_names(Some(names.to_vec()))
        .send()
        .await
        .aws(CLOUDWATCH, "DeleteAlarms", &names.join(","))?;
    Ok(())
}
