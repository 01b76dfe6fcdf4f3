//! The settings of the Config recorder and of the Config rules that controls judge and plans
//! compare.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::construct::{Setting, State};

/// The text of the `role` setting when the recorder uses the AWS Config service-linked role.
pub const SERVICE_LINKED_ROLE_SETTING: &str = "service-linked role of config.amazonaws.com";

/// The role the recorder assumes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecorderRole {
    /// The role ARN.
    pub arn: String,
    /// True when it is the AWS Config service-linked role (path
    /// `/aws-service-role/config.amazonaws.com/`).
    pub service_linked: bool,
    /// Whether the role exists (`None` when it could not be read).
    pub exists: Option<bool>,
}

/// What the recorder records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordingGroupState {
    /// Every supported resource type of the region.
    pub all_supported: bool,
    /// Global resource types (IAM) too.
    pub include_global_resource_types: bool,
    /// The recording strategy (`ALL_SUPPORTED_RESOURCE_TYPES`, `INCLUSION_BY_RESOURCE_TYPES`,
    /// `EXCLUSION_BY_RESOURCE_TYPES`), when reported.
    pub strategy: Option<String>,
    /// The resource types recorded, for an inclusion list.
    pub resource_types: Vec<String>,
    /// The resource types left out, for an exclusion list.
    pub excluded_resource_types: Vec<String>,
}

impl RecordingGroupState {
    /// Every supported resource type, global ones included, nothing excluded.
    pub fn everything() -> RecordingGroupState {
        RecordingGroupState {
            all_supported: true,
            include_global_resource_types: true,
            strategy: Some("ALL_SUPPORTED_RESOURCE_TYPES".to_string()),
            resource_types: Vec::new(),
            excluded_resource_types: Vec::new(),
        }
    }

    /// True when every supported resource type, global ones included, is recorded.
    pub fn records_everything(&self) -> bool {
        self.all_supported
            && self.include_global_resource_types
            && self.resource_types.is_empty()
            && self.excluded_resource_types.is_empty()
    }

    fn describe(&self) -> String {
        if self.records_everything() {
            return "all supported resource types, global resource types included".to_string();
        }
        format!(
            "all_supported={}, include_global={}, strategy={}, included={:?}, excluded={:?}",
            self.all_supported,
            self.include_global_resource_types,
            self.strategy.as_deref().unwrap_or("(none)"),
            self.resource_types,
            self.excluded_resource_types
        )
    }
}

/// Where the delivery channel sends configuration history and snapshots.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeliveryChannelState {
    /// The channel name.
    pub name: String,
    /// The S3 bucket.
    pub bucket: String,
    /// The key prefix under the bucket, if any.
    pub prefix: Option<String>,
    /// The KMS key the objects are encrypted with (`s3KmsKeyArn`), if any.
    pub kms_key_arn: Option<String>,
    /// How often snapshots are delivered (`One_Hour` … `TwentyFour_Hours`), if set.
    pub snapshot_frequency: Option<String>,
}

/// The region's Config recorder with its status, delivery channel and retention.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecorderState {
    /// The recorder name (the region has one customer-managed recorder).
    pub name: String,
    /// The recorder ARN, when AWS reports one (not compared).
    pub arn: Option<String>,
    /// The role it assumes, if set.
    pub role: Option<RecorderRole>,
    /// What it records.
    pub recording_group: RecordingGroupState,
    /// Recording is on.
    pub recording: bool,
    /// The last status (`PENDING`, `SUCCESS`, `FAILURE`), when reported.
    pub last_status: Option<String>,
    /// The last error, when the recorder failed.
    pub last_error: Option<String>,
    /// The delivery channel, if one exists.
    pub delivery_channel: Option<DeliveryChannelState>,
    /// Days AWS Config keeps configuration items (2557, seven years, when no retention
    /// configuration exists: the service default).
    pub retention_days: u32,
}

fn or_none(value: Option<&str>) -> String {
    value.unwrap_or("(none)").to_string()
}

impl State for RecorderState {
    fn settings(&self) -> Vec<Setting> {
        let channel = self.delivery_channel.as_ref();
        vec![
            Setting::new(
                "role",
                match &self.role {
                    None => "(none)".to_string(),
                    Some(role) if role.service_linked => SERVICE_LINKED_ROLE_SETTING.to_string(),
                    Some(role) => role.arn.clone(),
                },
            ),
            Setting::new("recording_group", self.recording_group.describe()),
            Setting::new("recording", self.recording),
            Setting::new(
                "delivery.bucket",
                or_none(channel.map(|c| c.bucket.as_str())),
            ),
            Setting::new(
                "delivery.prefix",
                or_none(channel.and_then(|c| c.prefix.as_deref())),
            ),
            Setting::new(
                "delivery.kms_key",
                or_none(channel.and_then(|c| c.kms_key_arn.as_deref())),
            ),
            Setting::new(
                "delivery.snapshot_frequency",
                or_none(channel.and_then(|c| c.snapshot_frequency.as_deref())),
            ),
            Setting::new("retention_days", self.retention_days),
        ]
    }
}

/// One Config rule as AWS Config reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConfigRuleState {
    /// The rule name.
    pub name: String,
    /// The rule ARN, when reported.
    pub arn: Option<String>,
    /// `AWS` for a managed rule, `CUSTOM_LAMBDA` or `CUSTOM_POLICY` otherwise.
    pub owner: String,
    /// The managed rule identifier (or the Lambda ARN of a custom rule).
    pub source_identifier: String,
    /// The input parameters, values as text.
    pub parameters: BTreeMap<String, String>,
    /// The scoped resource types, sorted.
    pub scope: Vec<String>,
    /// `ACTIVE`, `EVALUATING`, `DELETING`, …
    pub state: String,
    /// The description.
    pub description: Option<String>,
    /// The service that made it, for service-linked rules.
    pub created_by: Option<String>,
    /// The tags the library manages (others are ignored).
    pub tags: BTreeMap<String, String>,
}

impl ConfigRuleState {
    /// The definition as one line: what a plan compares.
    pub fn definition(&self) -> String {
        format!(
            "{} {} scope={:?} parameters={} state={} description={:?}",
            self.owner,
            self.source_identifier,
            self.scope,
            serde_json::to_string(&self.parameters).unwrap_or_default(),
            self.state,
            self.description.as_deref().unwrap_or("")
        )
    }
}

/// A set of Config rules, by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct ConfigRulesState {
    /// The rules, by name.
    pub rules: BTreeMap<String, ConfigRuleState>,
}

impl State for ConfigRulesState {
    fn settings(&self) -> Vec<Setting> {
        let mut settings = Vec::new();
        for (name, rule) in &self.rules {
            settings.push(Setting::new(format!("rule.{name}"), rule.definition()));
            settings.push(Setting::new(
                format!("rule.{name}.tags"),
                serde_json::to_string(&rule.tags).unwrap_or_default(),
            ));
        }
        settings
    }
}
