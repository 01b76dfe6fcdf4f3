//! Reading, creating, updating and deleting the region's GuardDuty detector through its API.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_guardduty::types::{
    DetectorFeature, DetectorFeatureConfiguration, FeatureStatus, FindingPublishingFrequency,
};

use crate::aws_error::{aws_error, error_code, AwsResultExt};
use crate::construct::{diff_states, Construct, Ctx, Live, ResourceOutputs, SettingChange};
use crate::env::{Environment, LOGICAL_ID_TAG, STACK_TAG};
use crate::error::{Error, Result};

use super::detector::ThreatDetection;
use super::state::{DetectorState, S3_DATA_EVENTS};

const SERVICE: &str = "guardduty";

/// Reads the region's detector (an account has at most one per region): `None` when there is
/// none. Works on any account.
pub async fn read_detector(env: &Environment) -> Result<Option<DetectorState>> {
    let guardduty = env.guardduty();
    let listed =
        guardduty
            .list_detectors()
            .send()
            .await
            .aws(SERVICE, "ListDetectors", "detectors")?;
    let Some(detector_id) = listed.detector_ids().first() else {
        return Ok(None);
    };
    let detector = guardduty
        .get_detector()
        .detector_id(detector_id)
        .send()
        .await
        .aws(SERVICE, "GetDetector", detector_id)?;
    let mut features = BTreeMap::new();
    for feature in detector.features() {
        if let (Some(name), Some(status)) = (feature.name(), feature.status()) {
            features.insert(name.as_str().to_string(), status.as_str().to_string());
        }
    }
    let s3_data_events = features
        .remove(S3_DATA_EVENTS)
        .or_else(|| s3_logs_data_source(&detector));
    Ok(Some(DetectorState {
        detector_id: detector_id.clone(),
        status: detector
            .status()
            .map(|status| status.as_str().to_string())
            .unwrap_or_else(|| "UNKNOWN".to_string()),
        finding_publishing_frequency: detector
            .finding_publishing_frequency()
            .map(|frequency| frequency.as_str().to_string())
            .unwrap_or_else(|| "UNKNOWN".to_string()),
        s3_data_events,
        features,
        tags: detector
            .tags()
            .map(|tags| {
                tags.iter()
                    .map(|(key, value)| (key.clone(), value.clone()))
                    .collect()
            })
            .unwrap_or_default(),
    }))
}

/// The status of the older `DataSources.S3Logs` setting, for detectors (or endpoints) that do not
/// report the `S3_DATA_EVENTS` feature.
#[allow(deprecated)] // DataSources is superseded by Features, but still what some report
fn s3_logs_data_source(
    detector: &aws_sdk_guardduty::operation::get_detector::GetDetectorOutput,
) -> Option<String> {
    detector
        .data_sources()
        .and_then(|sources| sources.s3_logs())
        .and_then(|s3| s3.status())
        .map(|status| status.as_str().to_string())
}

fn detector_arn(ctx: &Ctx<'_>, detector_id: &str) -> String {
    ctx.scope
        .arn("guardduty", &format!("detector/{detector_id}"))
}

/// Finds the region's detector for `detection`; one tagged by another stack is a conflict.
pub(super) async fn read_for_construct(
    ctx: &Ctx<'_>,
    detection: &ThreatDetection,
) -> Result<Option<Live<DetectorState>>> {
    let Some(mut state) = read_detector(ctx.env).await? else {
        return Ok(None);
    };
    let stack = state.tags.get(STACK_TAG).map(String::as_str);
    let logical_id = state.tags.get(LOGICAL_ID_TAG).map(String::as_str);
    if stack.is_some_and(|stack| stack != ctx.scope.stack)
        || logical_id.is_some_and(|id| id != detection.id().as_str())
    {
        return Err(Error::Conflict {
            resource: detection.resource_name(),
            reason: format!(
                "detector {} is managed by stack {:?} as {:?}; a region has one detector per account, so only one stack \
                 may declare it",
                state.detector_id,
                stack.unwrap_or("(none)"),
                logical_id.unwrap_or("(none)")
            ),
        });
    }
    let wanted = ctx.scope.tags_for(detection.id(), false);
    state.tags.retain(|key, _| wanted.contains_key(key));
    Ok(Some(Live {
        outputs: ResourceOutputs {
            arn: detector_arn(ctx, &state.detector_id),
            physical_id: state.detector_id.clone(),
        },
        state,
    }))
}

fn feature_configurations(desired: &DetectorState) -> Vec<DetectorFeatureConfiguration> {
    let mut configurations = vec![DetectorFeatureConfiguration::builder()
        .name(DetectorFeature::S3DataEvents)
        .status(FeatureStatus::Enabled)
        .build()];
    configurations.extend(desired.features.iter().map(|(name, status)| {
        DetectorFeatureConfiguration::builder()
            .name(DetectorFeature::from(name.as_str()))
            .status(FeatureStatus::from(status.as_str()))
            .build()
    }));
    configurations
}

fn hash_tags(tags: &BTreeMap<String, String>) -> HashMap<String, String> {
    tags.iter()
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect()
}

/// Makes the detector (enabled, 15 minutes, S3 Protection, tagged), or adopts one made
/// meanwhile, then converges it.
pub(super) async fn create_detector(
    ctx: &Ctx<'_>,
    detection: &ThreatDetection,
    desired: &DetectorState,
) -> Result<ResourceOutputs> {
    let created = ctx
        .env
        .guardduty()
        .create_detector()
        .enable(true)
        .finding_publishing_frequency(FindingPublishingFrequency::from(
            desired.finding_publishing_frequency.as_str(),
        ))
        .set_features(Some(feature_configurations(desired)))
        .set_tags(Some(hash_tags(&desired.tags)))
        .send()
        .await;
    if let Err(error) = created {
        // A detector made meanwhile (an interrupted apply) answers "already exists": adopt it.
        let exists = error_code(&error) == Some("BadRequestException")
            && read_detector(ctx.env).await?.is_some();
        if !exists {
            return Err(aws_error(
                SERVICE,
                "CreateDetector",
                Some("detector"),
                error,
            ));
        }
    }
    let live = read_for_construct(ctx, detection).await?.ok_or_else(|| {
        Error::unexpected(
            SERVICE,
            "ListDetectors",
            "the detector just made is not listed",
        )
    })?;
    let changes = diff_states(desired, &live.state);
    update_detector(ctx, detection, &live, desired, &changes).await?;
    Ok(live.outputs)
}

/// Re-enables the detector, restores the frequency and features, and tags it, as changed.
pub(super) async fn update_detector(
    ctx: &Ctx<'_>,
    _detection: &ThreatDetection,
    live: &Live<DetectorState>,
    desired: &DetectorState,
    changes: &[SettingChange],
) -> Result<()> {
    let guardduty = ctx.env.guardduty();
    let detector_id = live.state.detector_id.as_str();
    let changed = |prefix: &str| {
        changes.iter().any(|change| {
            change.setting == prefix || change.setting.starts_with(&format!("{prefix}."))
        })
    };
    if changed("status") || changed("finding_publishing_frequency") || changed("features") {
        guardduty
            .update_detector()
            .detector_id(detector_id)
            .enable(desired.status == "ENABLED")
            .finding_publishing_frequency(FindingPublishingFrequency::from(
                desired.finding_publishing_frequency.as_str(),
            ))
            .set_features(Some(feature_configurations(desired)))
            .send()
            .await
            .aws(SERVICE, "UpdateDetector", detector_id)?;
    }
    let changed_tags = crate::construct::changed_tags(&desired.tags, changes);
    if !changed_tags.is_empty() {
        let arn = live.outputs.arn.as_str();
        guardduty
            .tag_resource()
            .resource_arn(arn)
            .set_tags(Some(hash_tags(&changed_tags)))
            .send()
            .await
            .aws(SERVICE, "TagResource", arn)?;
    }
    Ok(())
}

/// Deletes the detector (GuardDuty deletes its findings).
pub(super) async fn delete_detector(
    ctx: &Ctx<'_>,
    _detection: &ThreatDetection,
    live: &Live<DetectorState>,
) -> Result<()> {
    let detector_id = live.state.detector_id.as_str();
    ctx.env
        .guardduty()
        .delete_detector()
        .detector_id(detector_id)
        .send()
        .await
        .aws_optional(
            SERVICE,
            "DeleteDetector",
            detector_id,
            &["BadRequestException"],
        )?;
    Ok(())
}
