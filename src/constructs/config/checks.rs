//! The controls that judge the Config recorder and the Config rules of a region, on a spec or on
//! what AWS Config returns. They work on any account's state, not only what this library made.

use crate::constructs::s3::LOG_RETENTION_FLOOR_DAYS;
use crate::controls::{Check, ControlId, Status};

use super::managed_rules::ManagedRuleSpec;
use super::state::{ConfigRulesState, RecorderState};

/// The controls [`evaluate_recorder`] judges (see `crate::controls::coverage`).
pub const EVALUATE_RECORDER_COVERS: &[ControlId] = &[
    ControlId::ConfigDeliveryEncrypted,
    ControlId::ConfigRecorderEnabled,
    ControlId::LogRetentionSixYears,
];

/// Judges the region's recorder, its delivery channel and its retention.
pub fn evaluate_recorder(state: &RecorderState) -> Vec<Check> {
    let mut checks = Vec::new();
    let failing = state.last_status.as_deref() == Some("FAILURE");
    checks.push(Check::require(
        ControlId::ConfigRecorderEnabled,
        "recording",
        state.recording && !failing,
        format!("recorder {} is recording", state.name),
        if !state.recording {
            format!("recorder {} is not recording", state.name)
        } else {
            format!(
                "recorder {} is failing: {}",
                state.name,
                state.last_error.as_deref().unwrap_or("no error reported")
            )
        },
    ));
    checks.push(Check::require(
        ControlId::ConfigRecorderEnabled,
        "recording_group",
        state.recording_group.records_everything(),
        "records every supported resource type, global ones included",
        format!(
            "records only part of the account (all_supported={}, include_global={}, {} included, {} excluded)",
            state.recording_group.all_supported,
            state.recording_group.include_global_resource_types,
            state.recording_group.resource_types.len(),
            state.recording_group.excluded_resource_types.len()
        ),
    ));
    checks.push(match &state.role {
        None => Check::require(
            ControlId::ConfigRecorderEnabled,
            "role",
            false,
            "",
            "the recorder has no role to read the account's configuration with",
        ),
        Some(role) => match role.exists {
            Some(exists) => Check::require(
                ControlId::ConfigRecorderEnabled,
                "role",
                exists,
                format!("assumes {}", role.arn),
                format!(
                    "its role {} does not exist, so the recorder cannot read anything",
                    role.arn
                ),
            ),
            None => Check {
                control: ControlId::ConfigRecorderEnabled,
                setting: "role".to_string(),
                status: Status::Error,
                reason: format!("whether its role {} exists could not be read", role.arn),
            },
        },
    });
    let channel = state.delivery_channel.as_ref();
    checks.push(Check::require(
        ControlId::ConfigRecorderEnabled,
        "delivery.bucket",
        channel.is_some_and(|c| !c.bucket.is_empty()),
        format!(
            "delivers to s3://{}",
            channel.map(|c| c.bucket.as_str()).unwrap_or_default()
        ),
        "no delivery channel: configuration history and snapshots are not delivered",
    ));
    let key = channel.and_then(|c| c.kms_key_arn.as_deref());
    checks.push(Check::require(
        ControlId::ConfigDeliveryEncrypted,
        "delivery.kms_key",
        key.is_some_and(|key| !key.is_empty()),
        format!(
            "delivered objects are encrypted with {}",
            key.unwrap_or_default()
        ),
        match channel {
            None => "no delivery channel".to_string(),
            Some(c) => format!(
                "the delivery channel to {} names no KMS key (s3KmsKeyArn)",
                c.bucket
            ),
        },
    ));
    checks.push(Check::require(
        ControlId::LogRetentionSixYears,
        "retention_days",
        state.retention_days >= LOG_RETENTION_FLOOR_DAYS,
        format!(
            "configuration items are kept {} days",
            state.retention_days
        ),
        format!(
            "configuration items are kept {} days, less than six years ({LOG_RETENTION_FLOOR_DAYS})",
            state.retention_days
        ),
    ));
    checks
}

/// The controls [`recorder_absent`] judges (see `crate::controls::coverage`).
pub const RECORDER_ABSENT_COVERS: &[ControlId] = &[ControlId::ConfigRecorderEnabled];

/// The checks of a region without a recorder.
pub fn recorder_absent() -> Vec<Check> {
    vec![Check::require(
        ControlId::ConfigRecorderEnabled,
        "recorder",
        false,
        "",
        "the region has no AWS Config recorder",
    )]
}

fn same_value(wanted: &str, found: &str) -> bool {
    wanted.trim().eq_ignore_ascii_case(found.trim())
}

/// The controls [`evaluate_rules`] judges (see `crate::controls::coverage`).
pub const EVALUATE_RULES_COVERS: &[ControlId] = &[ControlId::ConfigHipaaRulesDeployed];

/// Judges the Config rules of a region against the rules expected (for instance
/// [`hipaa_pack_rules`](super::hipaa_pack_rules)): each must be deployed (under any name) as the
/// same AWS managed rule, active, with at least the expected parameter values.
pub fn evaluate_rules(state: &ConfigRulesState, expected: &[ManagedRuleSpec]) -> Vec<Check> {
    let mut problems = Vec::new();
    for wanted in expected {
        let candidates: Vec<_> = state
            .rules
            .values()
            .filter(|rule| rule.owner == "AWS" && rule.source_identifier == wanted.identifier)
            .collect();
        let exact = candidates.iter().find(|rule| {
            rule.state == "ACTIVE"
                && wanted.parameters.iter().all(|(name, value)| {
                    rule.parameters
                        .get(name)
                        .is_some_and(|found| same_value(value, found))
                })
        });
        if exact.is_some() {
            continue;
        }
        problems.push(match candidates.first() {
            None => format!("{} ({}) is not deployed", wanted.name, wanted.identifier),
            Some(rule) if rule.state != "ACTIVE" => {
                format!("{} is {}, not ACTIVE", rule.name, rule.state)
            }
            Some(rule) => format!(
                "{} runs with parameters {} instead of {}",
                rule.name,
                serde_json::to_string(&rule.parameters).unwrap_or_default(),
                serde_json::to_string(&wanted.parameters).unwrap_or_default()
            ),
        });
    }
    vec![Check::require(
        ControlId::ConfigHipaaRulesDeployed,
        "rules",
        problems.is_empty(),
        format!(
            "all {} HIPAA conformance-pack rules are deployed and active",
            expected.len()
        ),
        format!(
            "{} of {} rules missing or changed: {}",
            problems.len(),
            expected.len(),
            problems.join("; ")
        ),
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::constructs::config::managed_rules::hipaa_pack_rules;
    use crate::constructs::config::state::{
        ConfigRuleState, DeliveryChannelState, RecorderRole, RecordingGroupState,
    };

    fn recorder() -> RecorderState {
        RecorderState {
            name: "default".to_string(),
            arn: None,
            role: Some(RecorderRole {
                arn: "arn:aws:iam::1:role/aws-service-role/config.amazonaws.com/X".to_string(),
                service_linked: true,
                exists: Some(true),
            }),
            recording_group: RecordingGroupState::everything(),
            recording: true,
            last_status: Some("SUCCESS".to_string()),
            last_error: None,
            delivery_channel: Some(DeliveryChannelState {
                name: "default".to_string(),
                bucket: "logs".to_string(),
                prefix: None,
                kms_key_arn: Some("arn:aws:kms:us-east-1:1:key/k".to_string()),
                snapshot_frequency: Some("TwentyFour_Hours".to_string()),
            }),
            retention_days: 2557,
        }
    }

    fn failed(checks: &[Check]) -> Vec<(ControlId, String)> {
        checks
            .iter()
            .filter(|c| c.status != Status::Pass)
            .map(|c| (c.control, c.setting.clone()))
            .collect()
    }

    #[test]
    fn a_complete_recorder_passes_and_each_gap_is_named() {
        assert!(failed(&evaluate_recorder(&recorder())).is_empty());
        let mut broken = recorder();
        broken.recording = false;
        broken.recording_group.include_global_resource_types = false;
        broken.delivery_channel = None;
        broken.retention_days = 365;
        assert_eq!(
            failed(&evaluate_recorder(&broken)),
            vec![
                (ControlId::ConfigRecorderEnabled, "recording".to_string()),
                (
                    ControlId::ConfigRecorderEnabled,
                    "recording_group".to_string()
                ),
                (
                    ControlId::ConfigRecorderEnabled,
                    "delivery.bucket".to_string()
                ),
                (
                    ControlId::ConfigDeliveryEncrypted,
                    "delivery.kms_key".to_string()
                ),
                (
                    ControlId::LogRetentionSixYears,
                    "retention_days".to_string()
                ),
            ]
        );
        let mut unknown_role = recorder();
        if let Some(role) = unknown_role.role.as_mut() {
            role.exists = None;
        }
        let checks = evaluate_recorder(&unknown_role);
        assert!(checks
            .iter()
            .any(|c| c.setting == "role" && c.status == Status::Error));
    }

    #[test]
    fn rules_are_matched_by_identifier_and_parameters_under_any_name() {
        let expected = hipaa_pack_rules();
        let mut state = ConfigRulesState::default();
        for (index, rule) in expected.iter().enumerate() {
            state.rules.insert(
                format!("{}-conformance-pack-{index}", rule.name),
                ConfigRuleState {
                    name: format!("{}-conformance-pack-{index}", rule.name),
                    arn: None,
                    owner: "AWS".to_string(),
                    source_identifier: rule.identifier.clone(),
                    parameters: rule
                        .parameters
                        .iter()
                        .map(|(k, v)| (k.clone(), v.to_uppercase()))
                        .collect(),
                    scope: rule.scope.clone(),
                    state: "ACTIVE".to_string(),
                    description: None,
                    created_by: None,
                    tags: Default::default(),
                },
            );
        }
        assert!(failed(&evaluate_rules(&state, &expected)).is_empty());
        let weakened = state
            .rules
            .values_mut()
            .find(|rule| rule.source_identifier == "ACCESS_KEYS_ROTATED");
        if let Some(rule) = weakened {
            rule.parameters
                .insert("maxAccessKeyAge".to_string(), "365".to_string());
        }
        state
            .rules
            .retain(|_, rule| rule.source_identifier != "S3_BUCKET_SSL_REQUESTS_ONLY");
        let checks = evaluate_rules(&state, &expected);
        assert_eq!(checks[0].status, Status::Fail);
        assert!(checks[0].reason.contains("s3-bucket-ssl-requests-only"));
        assert!(checks[0].reason.contains("365"));
    }
}
