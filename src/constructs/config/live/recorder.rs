//! Reading, creating, updating and deleting the region's Config recorder, delivery channel and
//! retention configuration through the AWS Config API.

use std::time::Duration;

use aws_sdk_config::types::{
    ConfigSnapshotDeliveryProperties, ConfigurationRecorder, DeliveryChannel,
    MaximumExecutionFrequency, RecordingGroup, RecordingStrategy, RecordingStrategyType,
};

use crate::aws_error::{aws_error, error_code, AwsResultExt};
use crate::construct::{
    diff_states, Construct, Ctx, Live, ResourceOutputs, SettingChange, KNOWN_AFTER_APPLY,
};
use crate::env::{Environment, STACK_TAG};
use crate::error::{Error, Result};

use super::super::recorder::{ConfigRecorder, MAX_CONFIG_RETENTION_DAYS};
use super::super::service_role::{ensure_service_linked_role, is_service_linked_role, role_exists};
use super::super::state::{DeliveryChannelState, RecorderRole, RecorderState, RecordingGroupState};

const SERVICE: &str = "config";

/// How many times PutConfigurationRecorder is tried while a new service-linked role propagates
/// through IAM.
const ROLE_PROPAGATION_ATTEMPTS: u32 = 6;

/// Reads the region's recorder (the customer-managed one; service-linked recorders of other
/// services are left out), its status, the delivery channel and the retention configuration.
/// Works on any account. `None` when the region has no recorder.
pub async fn read_recorder(env: &Environment) -> Result<Option<RecorderState>> {
    let config = env.config();
    let recorders = config.describe_configuration_recorders().send().await.aws(
        SERVICE,
        "DescribeConfigurationRecorders",
        "recorders",
    )?;
    let Some(recorder) = recorders
        .configuration_recorders()
        .iter()
        .find(|recorder| recorder.service_principal().is_none())
    else {
        return Ok(None);
    };
    let name = recorder.name().unwrap_or("default").to_string();
    let statuses = config
        .describe_configuration_recorder_status()
        .configuration_recorder_names(&name)
        .send()
        .await
        .aws(SERVICE, "DescribeConfigurationRecorderStatus", &name)?;
    let status = statuses.configuration_recorders_status().first();
    let channels = config.describe_delivery_channels().send().await.aws(
        SERVICE,
        "DescribeDeliveryChannels",
        &name,
    )?;
    let delivery_channel =
        channels
            .delivery_channels()
            .first()
            .map(|channel| DeliveryChannelState {
                name: channel.name().unwrap_or("default").to_string(),
                bucket: channel.s3_bucket_name().unwrap_or_default().to_string(),
                prefix: channel
                    .s3_key_prefix()
                    .filter(|prefix| !prefix.is_empty())
                    .map(str::to_string),
                kms_key_arn: channel
                    .s3_kms_key_arn()
                    .filter(|key| !key.is_empty())
                    .map(str::to_string),
                snapshot_frequency: channel
                    .config_snapshot_delivery_properties()
                    .and_then(|properties| properties.delivery_frequency())
                    .map(|frequency| frequency.as_str().to_string()),
            });
    let retention = config
        .describe_retention_configurations()
        .send()
        .await
        .aws(SERVICE, "DescribeRetentionConfigurations", &name)?;
    let retention_days = retention
        .retention_configurations()
        .first()
        .and_then(|configuration| u32::try_from(configuration.retention_period_in_days()).ok())
        .unwrap_or(MAX_CONFIG_RETENTION_DAYS);
    let role = match recorder.role_arn().filter(|arn| !arn.is_empty()) {
        None => None,
        Some(arn) => Some(RecorderRole {
            arn: arn.to_string(),
            service_linked: is_service_linked_role(arn),
            exists: role_exists(env, arn).await?,
        }),
    };
    let group = recorder.recording_group();
    let recording_group = RecordingGroupState {
        all_supported: group.is_some_and(|g| g.all_supported()),
        include_global_resource_types: group.is_some_and(|g| g.include_global_resource_types()),
        strategy: group
            .and_then(|g| g.recording_strategy())
            .and_then(|strategy| strategy.use_only())
            .map(|strategy| strategy.as_str().to_string()),
        resource_types: group
            .map(|g| {
                g.resource_types()
                    .iter()
                    .map(|t| t.as_str().to_string())
                    .collect()
            })
            .unwrap_or_default(),
        excluded_resource_types: group
            .and_then(|g| g.exclusion_by_resource_types())
            .map(|exclusion| {
                exclusion
                    .resource_types()
                    .iter()
                    .map(|t| t.as_str().to_string())
                    .collect()
            })
            .unwrap_or_default(),
    };
    Ok(Some(RecorderState {
        arn: recorder.arn().map(str::to_string),
        name,
        role,
        recording_group,
        recording: status.is_some_and(|s| s.recording()),
        last_status: status
            .and_then(|s| s.last_status())
            .map(|s| s.as_str().to_string()),
        last_error: status.and_then(|s| {
            s.last_error_message()
                .or(s.last_error_code())
                .map(str::to_string)
        }),
        delivery_channel,
        retention_days,
    }))
}

/// The stack named by a bucket's tags, if it has that tag and it can be read.
async fn bucket_stack(env: &Environment, bucket: &str) -> Result<Option<String>> {
    let tagging = env
        .s3()
        .get_bucket_tagging()
        .bucket(bucket)
        .send()
        .await
        .aws_optional(
            "s3",
            "GetBucketTagging",
            bucket,
            &["NoSuchTagSet", "NoSuchBucket", "AccessDenied", "404"],
        )?;
    Ok(tagging.and_then(|tagging| {
        tagging
            .tag_set()
            .iter()
            .find(|tag| tag.key() == STACK_TAG)
            .map(|tag| tag.value().to_string())
    }))
}

fn outputs(ctx: &Ctx<'_>, state: &RecorderState) -> ResourceOutputs {
    ResourceOutputs {
        arn: state.arn.clone().unwrap_or_else(|| {
            ctx.scope
                .arn("config", &format!("configuration-recorder/{}", state.name))
        }),
        physical_id: state.name.clone(),
    }
}

/// Finds the region's recorder for `recorder`. An existing recorder is adopted, unless its
/// delivery bucket is managed by another stack of this library.
pub(crate) async fn read_for_construct(
    ctx: &Ctx<'_>,
    recorder: &ConfigRecorder,
) -> Result<Option<Live<RecorderState>>> {
    let Some(state) = read_recorder(ctx.env).await? else {
        return Ok(None);
    };
    if let Some(channel) = &state.delivery_channel
        && channel.bucket != recorder.delivery().bucket().name()
        && let Some(stack) = bucket_stack(ctx.env, &channel.bucket).await?
        && stack != ctx.scope.stack
    {
        return Err(Error::Conflict {
                        resource: recorder.resource_name(),
                        reason: format!(
                            "the region's Config recorder {} delivers to bucket {}, which stack {stack:?} manages; \
                             a region has one recorder, so only one stack may declare it",
                            state.name, channel.bucket
                        ),
                    });
    }
    Ok(Some(Live {
        outputs: outputs(ctx, &state),
        state,
    }))
}

/// Puts the recorder (every supported resource type, global ones included) with the role,
/// retrying while a just-made role propagates.
async fn put_recorder(env: &Environment, name: &str, role_arn: &str) -> Result<()> {
    let recorder = ConfigurationRecorder::builder()
        .name(name)
        .role_arn(role_arn)
        .recording_group(
            RecordingGroup::builder()
                .all_supported(true)
                .include_global_resource_types(true)
                .recording_strategy(
                    RecordingStrategy::builder()
                        .use_only(RecordingStrategyType::AllSupportedResourceTypes)
                        .build(),
                )
                .build(),
        )
        .build();
    let mut delay = Duration::from_secs(1);
    let mut attempt = 1;
    loop {
        let result = env
            .config()
            .put_configuration_recorder()
            .configuration_recorder(recorder.clone())
            .send()
            .await;
        match result {
            Ok(_) => return Ok(()),
            Err(error)
                if attempt < ROLE_PROPAGATION_ATTEMPTS
                    && matches!(
                        error_code(&error),
                        Some("InsufficientPermissionsException" | "InvalidRoleException")
                    ) =>
            {
                tracing::info!(
                    attempt,
                    "the Config role is not usable yet (IAM propagation); trying again"
                );
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(16));
                attempt += 1;
            }
            Err(error) => {
                return Err(aws_error(
                    SERVICE,
                    "PutConfigurationRecorder",
                    Some(name),
                    error,
                ))
            }
        }
    }
}

/// Makes the recorder (with the service-linked role, created if missing), then converges the
/// delivery channel, the retention and recording.
pub(crate) async fn create_recorder(
    ctx: &Ctx<'_>,
    recorder: &ConfigRecorder,
    desired: &RecorderState,
) -> Result<ResourceOutputs> {
    let role = ensure_service_linked_role(ctx.env).await?;
    put_recorder(ctx.env, &desired.name, &role).await?;
    let live = read_for_construct(ctx, recorder).await?.ok_or_else(|| {
        Error::unexpected(
            SERVICE,
            "DescribeConfigurationRecorders",
            "the recorder just put is not listed",
        )
    })?;
    let changes = diff_states(desired, &live.state);
    update_recorder(ctx, recorder, &live, desired, &changes).await?;
    Ok(live.outputs)
}

/// Brings the changed settings to the desired state: recorder (role, recording group),
/// delivery channel, retention, then recording.
pub(crate) async fn update_recorder(
    ctx: &Ctx<'_>,
    recorder: &ConfigRecorder,
    live: &Live<RecorderState>,
    desired: &RecorderState,
    changes: &[SettingChange],
) -> Result<()> {
    let config = ctx.env.config();
    let changed = |name: &str| {
        changes
            .iter()
            .any(|change| change.setting == name || change.setting.starts_with(&format!("{name}.")))
    };
    let name = live.state.name.as_str();
    if changed("role") || changed("recording_group") {
        let role = ensure_service_linked_role(ctx.env).await?;
        put_recorder(ctx.env, name, &role).await?;
    }
    if changed("delivery") {
        let wanted = desired.delivery_channel.as_ref().ok_or_else(|| {
            Error::unexpected(SERVICE, "PutDeliveryChannel", "no desired delivery channel")
        })?;
        let key = wanted
            .kms_key_arn
            .as_deref()
            .filter(|key| *key != KNOWN_AFTER_APPLY)
            .ok_or_else(|| Error::Stack {
                stack: ctx.scope.stack.to_string(),
                reason: format!(
                    "{}: the key of bucket {} is not made yet; apply the stack so the key comes first",
                    recorder.resource_name(),
                    wanted.bucket
                ),
            })?;
        let channel_name = live
            .state
            .delivery_channel
            .as_ref()
            .map(|channel| channel.name.clone())
            .unwrap_or_else(|| wanted.name.clone());
        let frequency = wanted
            .snapshot_frequency
            .as_deref()
            .map(MaximumExecutionFrequency::from);
        let channel = DeliveryChannel::builder()
            .name(&channel_name)
            .s3_bucket_name(&wanted.bucket)
            .set_s3_key_prefix(wanted.prefix.clone())
            .s3_kms_key_arn(key)
            .config_snapshot_delivery_properties(
                ConfigSnapshotDeliveryProperties::builder()
                    .set_delivery_frequency(frequency)
                    .build(),
            )
            .build();
        config
            .put_delivery_channel()
            .delivery_channel(channel)
            .send()
            .await
            .aws(SERVICE, "PutDeliveryChannel", &channel_name)?;
    }
    if changed("retention_days") {
        config
            .put_retention_configuration()
            .retention_period_in_days(i32::try_from(desired.retention_days).unwrap_or(2557))
            .send()
            .await
            .aws(SERVICE, "PutRetentionConfiguration", name)?;
    }
    if changed("recording") && desired.recording {
        config
            .start_configuration_recorder()
            .configuration_recorder_name(name)
            .send()
            .await
            .aws(SERVICE, "StartConfigurationRecorder", name)?;
    }
    Ok(())
}

/// Stops the recorder, then deletes the delivery channel and the recorder. The service-linked
/// role stays (AWS removes it when no recorder uses it); delivered history stays in the bucket.
pub(crate) async fn delete_recorder(
    ctx: &Ctx<'_>,
    recorder: &ConfigRecorder,
    live: &Live<RecorderState>,
) -> Result<()> {
    let config = ctx.env.config();
    let name = live.state.name.as_str();
    tracing::warn!(recorder = name, id = %recorder.id(), "stopping and deleting the region's Config recorder");
    if live.state.recording {
        config
            .stop_configuration_recorder()
            .configuration_recorder_name(name)
            .send()
            .await
            .aws(SERVICE, "StopConfigurationRecorder", name)?;
    }
    if let Some(channel) = &live.state.delivery_channel {
        config
            .delete_delivery_channel()
            .delivery_channel_name(&channel.name)
            .send()
            .await
            .aws_optional(
                SERVICE,
                "DeleteDeliveryChannel",
                &channel.name,
                &["NoSuchDeliveryChannelException"],
            )?;
    }
    config
        .delete_configuration_recorder()
        .configuration_recorder_name(name)
        .send()
        .await
        .aws_optional(
            SERVICE,
            "DeleteConfigurationRecorder",
            name,
            &["NoSuchConfigurationRecorderException"],
        )?;
    Ok(())
}
