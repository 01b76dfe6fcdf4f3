//! Reading, creating, updating and deleting a trail through the CloudTrail API.
//! [`read_trail_state`] works on any trail of an account.

use std::collections::BTreeMap;
use std::time::Duration;

use aws_sdk_cloudtrail::types::{DataResource, EventSelector, ReadWriteType, Tag};

use crate::aws_error::AwsResultExt;
use crate::construct::Ctx;
use crate::env::Environment;
use crate::error::{Error, Result};

use super::selectors::selector_coverage;
use super::state::{
    AdvancedEventSelector, BasicEventSelector, DataResourceSelector, EventSelectors, FieldSelector,
    TrailState,
};

const SERVICE: &str = "cloudtrail";
const NOT_FOUND: &[&str] = &["TrailNotFoundException"];
/// Errors CloudTrail gives while a new role, key policy or bucket policy is not yet visible to
/// it (IAM is eventually consistent); the call is retried a bounded number of times.
const NOT_YET_VISIBLE: &[&str] = &[
    "InvalidCloudWatchLogsRoleArnException",
    "InvalidCloudWatchLogsLogGroupArnException",
    "InsufficientEncryptionPolicyException",
    "InsufficientS3BucketPolicyException",
];
const ATTEMPTS: u32 = 6;

/// The S3 data-resource value that means every bucket.
pub fn all_buckets_value(partition: &str) -> String {
    format!("arn:{partition}:s3")
}

/// The trails that record this region (its own, and multi-region trails of other home regions),
/// as `(ARN, home region)`.
pub async fn describe_trails(env: &Environment) -> Result<Vec<(String, String)>> {
    let output = env
        .cloudtrail()
        .describe_trails()
        .include_shadow_trails(true)
        .send()
        .await
        .aws(SERVICE, "DescribeTrails", "trails")?;
    Ok(output
        .trail_list()
        .iter()
        .filter_map(|trail| {
            let arn = trail.trail_arn().or(trail.name())?;
            let home = trail.home_region().unwrap_or(env.region());
            Some((arn.to_string(), home.to_string()))
        })
        .collect())
}

/// Reads a trail's settings and all its tags; `None` when it does not exist. Works for any
/// trail of the account (by name or ARN).
pub async fn read_trail_state(
    env: &Environment,
    name: &str,
) -> Result<Option<(TrailState, BTreeMap<String, String>)>> {
    let cloudtrail = env.cloudtrail();
    let Some(trail) = cloudtrail
        .get_trail()
        .name(name)
        .send()
        .await
        .aws_optional(SERVICE, "GetTrail", name, NOT_FOUND)?
        .and_then(|output| output.trail)
    else {
        return Ok(None);
    };
    let arn = trail
        .trail_arn()
        .map(str::to_string)
        .unwrap_or_else(|| env.arn("cloudtrail", &format!("trail/{name}")));
    let status = cloudtrail.get_trail_status().name(&arn).send().await.aws(
        SERVICE,
        "GetTrailStatus",
        name,
    )?;
    let selectors = cloudtrail
        .get_event_selectors()
        .trail_name(&arn)
        .send()
        .await
        .aws(SERVICE, "GetEventSelectors", name)?;
    // The settings plans compare are the strict summary the controls judge.
    let event_selectors = read_selectors(&selectors);
    let coverage = selector_coverage(&event_selectors, env.partition());
    let management_events = coverage.management_events();
    let s3_data_events = coverage.s3_data_events;
    let tags = cloudtrail
        .list_tags()
        .resource_id_list(&arn)
        .send()
        .await
        .aws(SERVICE, "ListTags", name)?
        .resource_tag_list()
        .iter()
        .flat_map(|resource| resource.tags_list())
        .map(|tag| {
            (
                tag.key().to_string(),
                tag.value().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let text = |value: Option<&str>| value.filter(|v| !v.is_empty()).map(str::to_string);
    Ok(Some((
        TrailState {
            name: trail.name().unwrap_or(name).to_string(),
            arn,
            s3_bucket: trail.s3_bucket_name().unwrap_or_default().to_string(),
            s3_key_prefix: text(trail.s3_key_prefix()),
            kms_key: text(trail.kms_key_id()),
            multi_region: trail.is_multi_region_trail().unwrap_or(false),
            global_service_events: trail.include_global_service_events().unwrap_or(false),
            log_file_validation: trail.log_file_validation_enabled().unwrap_or(false),
            cloudwatch_log_group: text(trail.cloud_watch_logs_log_group_arn()),
            cloudwatch_role: text(trail.cloud_watch_logs_role_arn()),
            logging: status.is_logging().unwrap_or(false),
            management_events,
            s3_data_events,
            tags: BTreeMap::new(),
            event_selectors: Some(event_selectors),
        },
        tags,
    )))
}

/// The event selectors of a trail, basic or advanced, as CloudTrail reports them.
fn read_selectors(
    output: &aws_sdk_cloudtrail::operation::get_event_selectors::GetEventSelectorsOutput,
) -> EventSelectors {
    let advanced = output.advanced_event_selectors();
    if advanced.is_empty() {
        return EventSelectors::Basic(
            output
                .event_selectors()
                .iter()
                .map(|selector| BasicEventSelector {
                    read_write_type: selector
                        .read_write_type()
                        .map(|rw| rw.as_str().to_string())
                        .unwrap_or_else(|| "All".to_string()),
                    include_management_events: selector.include_management_events().unwrap_or(true),
                    exclude_management_event_sources: selector
                        .exclude_management_event_sources()
                        .to_vec(),
                    data_resources: selector
                        .data_resources()
                        .iter()
                        .map(|resource| DataResourceSelector {
                            resource_type: resource.r#type().unwrap_or_default().to_string(),
                            values: resource.values().to_vec(),
                        })
                        .collect(),
                })
                .collect(),
        );
    }
    EventSelectors::Advanced(
        advanced
            .iter()
            .map(|selector| AdvancedEventSelector {
                name: selector.name().map(str::to_string),
                field_selectors: selector
                    .field_selectors()
                    .iter()
                    .map(|field| FieldSelector {
                        field: field.field().to_string(),
                        equals: field.equals().to_vec(),
                        starts_with: field.starts_with().to_vec(),
                        ends_with: field.ends_with().to_vec(),
                        not_equals: field.not_equals().to_vec(),
                        not_starts_with: field.not_starts_with().to_vec(),
                        not_ends_with: field.not_ends_with().to_vec(),
                    })
                    .collect(),
            })
            .collect(),
    )
}

fn trail_tags(tags: &BTreeMap<String, String>) -> Result<Vec<Tag>> {
    tags.iter()
        .map(|(key, value)| {
            Tag::builder()
                .key(key)
                .value(value)
                .build()
                .map_err(Error::request(SERVICE, "AddTags"))
        })
        .collect()
}

/// Retries a call that fails while what it names is not yet visible to CloudTrail, with a
/// bounded exponential back-off.
async fn retry_until_visible<T, F, Fut>(mut call: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T>>,
{
    let mut pause = Duration::from_millis(500);
    let mut attempt = 1;
    loop {
        match call().await {
            Err(Error::Aws(error))
                if attempt < ATTEMPTS && NOT_YET_VISIBLE.contains(&error.code.as_str()) =>
            {
                tracing::info!(
                    code = error.code.as_str(),
                    attempt,
                    "waiting for CloudTrail to see a new role or policy"
                );
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(Duration::from_secs(8));
                attempt += 1;
            }
            other => return other,
        }
    }
}

/// Creates the trail with every setting, then its event selectors, then starts logging.
/// Returns its ARN and whether it was made new (false: a trail of that name already existed,
/// whose settings are not known).
pub(super) async fn create_trail(ctx: &Ctx<'_>, desired: &TrailState) -> Result<(String, bool)> {
    let cloudtrail = ctx.env.cloudtrail();
    let name = desired.name.as_str();
    let tags = trail_tags(&desired.tags)?;
    let created = retry_until_visible(|| {
        let request = cloudtrail
            .create_trail()
            .name(name)
            .s3_bucket_name(&desired.s3_bucket)
            .set_s3_key_prefix(desired.s3_key_prefix.clone())
            .include_global_service_events(desired.global_service_events)
            .is_multi_region_trail(desired.multi_region)
            .enable_log_file_validation(desired.log_file_validation)
            .set_kms_key_id(desired.kms_key.clone())
            .set_cloud_watch_logs_log_group_arn(desired.cloudwatch_log_group.clone())
            .set_cloud_watch_logs_role_arn(desired.cloudwatch_role.clone())
            .set_tags_list(Some(tags.clone()));
        async move {
            request.send().await.aws_optional(
                SERVICE,
                "CreateTrail",
                name,
                &["TrailAlreadyExistsException"],
            )
        }
    })
    .await?;
    let made_new = created.is_some();
    let arn = created
        .and_then(|output| output.trail_arn)
        .unwrap_or_else(|| desired.arn.clone());
    put_event_selectors(ctx, desired).await?;
    set_logging(ctx, name, true).await?;
    Ok((arn, made_new))
}

async fn put_event_selectors(ctx: &Ctx<'_>, desired: &TrailState) -> Result<()> {
    let mut selector = EventSelector::builder()
        .read_write_type(ReadWriteType::All)
        .include_management_events(desired.management_events != "None");
    if !desired.s3_data_events.is_empty() {
        selector = selector.data_resources(
            DataResource::builder()
                .r#type("AWS::S3::Object")
                .set_values(Some(desired.s3_data_events.clone()))
                .build(),
        );
    }
    ctx.env
        .cloudtrail()
        .put_event_selectors()
        .trail_name(&desired.name)
        .event_selectors(selector.build())
        .send()
        .await
        .aws(SERVICE, "PutEventSelectors", &desired.name)?;
    Ok(())
}

async fn set_logging(ctx: &Ctx<'_>, name: &str, logging: bool) -> Result<()> {
    let cloudtrail = ctx.env.cloudtrail();
    if logging {
        cloudtrail
            .start_logging()
            .name(name)
            .send()
            .await
            .aws(SERVICE, "StartLogging", name)?;
    } else {
        cloudtrail
            .stop_logging()
            .name(name)
            .send()
            .await
            .aws(SERVICE, "StopLogging", name)?;
    }
    Ok(())
}

/// Brings the changed settings of a trail to their desired values.
pub(super) async fn update_trail(
    ctx: &Ctx<'_>,
    live: &TrailState,
    desired: &TrailState,
    changed: &(dyn Fn(&str) -> bool + Sync),
) -> Result<()> {
    let cloudtrail = ctx.env.cloudtrail();
    let name = live.name.as_str();
    let trail_settings = [
        "s3_bucket",
        "s3_key_prefix",
        "kms_key",
        "multi_region",
        "global_service_events",
        "log_file_validation",
        "cloudwatch_log_group",
        "cloudwatch_role",
    ];
    if trail_settings.iter().any(|setting| changed(setting)) {
        retry_until_visible(|| {
            let request = cloudtrail
                .update_trail()
                .name(name)
                .s3_bucket_name(&desired.s3_bucket)
                .s3_key_prefix(desired.s3_key_prefix.clone().unwrap_or_default())
                .include_global_service_events(desired.global_service_events)
                .is_multi_region_trail(desired.multi_region)
                .enable_log_file_validation(desired.log_file_validation)
                .set_kms_key_id(desired.kms_key.clone())
                .set_cloud_watch_logs_log_group_arn(desired.cloudwatch_log_group.clone())
                .set_cloud_watch_logs_role_arn(desired.cloudwatch_role.clone());
            async move { request.send().await.aws(SERVICE, "UpdateTrail", name) }
        })
        .await?;
    }
    if changed("management_events") || changed("s3_data_events") {
        put_event_selectors(ctx, desired).await?;
    }
    if changed("logging") {
        set_logging(ctx, name, desired.logging).await?;
    }
    let changed_tags: BTreeMap<String, String> = desired
        .tags
        .iter()
        .filter(|(key, _)| changed(&format!("tags.{key}")))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    if !changed_tags.is_empty() {
        cloudtrail
            .add_tags()
            .resource_id(&live.arn)
            .set_tags_list(Some(trail_tags(&changed_tags)?))
            .send()
            .await
            .aws(SERVICE, "AddTags", name)?;
    }
    Ok(())
}

/// Deletes the trail.
pub(super) async fn delete_trail(ctx: &Ctx<'_>, name: &str) -> Result<()> {
    ctx.env
        .cloudtrail()
        .delete_trail()
        .name(name)
        .send()
        .await
        .aws_optional(SERVICE, "DeleteTrail", name, NOT_FOUND)?;
    Ok(())
}
