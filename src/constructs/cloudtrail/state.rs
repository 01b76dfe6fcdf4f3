//! The settings of a trail that controls judge and plans compare.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::construct::{KeyInUse, Setting, State};
use crate::constructs::iam::{GrantState, RoleState};

/// A trail's settings, as GetTrail, GetTrailStatus, GetEventSelectors and ListTags report them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrailState {
    /// The trail name.
    pub name: String,
    /// The trail ARN.
    pub arn: String,
    /// The bucket receiving the log files.
    pub s3_bucket: String,
    /// The key prefix in the bucket, if any.
    pub s3_key_prefix: Option<String>,
    /// The KMS key encrypting the log files, if any.
    pub kms_key: Option<String>,
    /// Records events of every region.
    pub multi_region: bool,
    /// Records events of global services (IAM, STS, CloudFront).
    pub global_service_events: bool,
    /// Writes signed digest files so log files can be validated.
    pub log_file_validation: bool,
    /// The CloudWatch Logs log group ARN, if any.
    pub cloudwatch_log_group: Option<String>,
    /// The role CloudTrail uses to write to the log group, if any.
    pub cloudwatch_role: Option<String>,
    /// True when the trail is logging.
    pub logging: bool,
    /// Which management events are recorded: `All`, `ReadOnly`, `WriteOnly` or `None`.
    pub management_events: String,
    /// The S3 object ARN prefixes whose read and write data events are recorded (sorted);
    /// `arn:<partition>:s3` means every bucket.
    pub s3_data_events: Vec<String>,
    /// The tags the library manages (others are ignored).
    pub tags: BTreeMap<String, String>,
}

fn optional(value: &Option<String>) -> String {
    value.clone().unwrap_or_else(|| "(none)".to_string())
}

impl State for TrailState {
    fn settings(&self) -> Vec<Setting> {
        let mut settings = vec![
            Setting::new("s3_bucket", &self.s3_bucket),
            Setting::new("s3_key_prefix", optional(&self.s3_key_prefix)),
            Setting::new("kms_key", optional(&self.kms_key)),
            Setting::new("multi_region", self.multi_region),
            Setting::new("global_service_events", self.global_service_events),
            Setting::new("log_file_validation", self.log_file_validation),
            Setting::new("cloudwatch_log_group", optional(&self.cloudwatch_log_group)),
            Setting::new("cloudwatch_role", optional(&self.cloudwatch_role)),
            Setting::new("logging", self.logging),
            Setting::new("management_events", &self.management_events),
            Setting::new(
                "s3_data_events",
                serde_json::to_string(&self.s3_data_events).unwrap_or_default(),
            ),
        ];
        settings.extend(
            self.tags
                .iter()
                .map(|(key, value)| Setting::new(format!("tags.{key}"), value)),
        );
        settings
    }
}

/// An [`AuditTrail`](super::AuditTrail)'s settings: the trail, the role CloudTrail assumes to
/// write to CloudWatch Logs, and that role's one grant. A part that does not exist (yet) is
/// `None`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditTrailState {
    /// The trail.
    pub trail: TrailState,
    /// The delivery role.
    pub delivery_role: Option<RoleState>,
    /// The delivery role's grant on the log group.
    pub delivery_grant: Option<GrantState>,
}

/// Prefixes of the parts' settings.
pub(crate) const TRAIL: &str = "trail.";
pub(crate) const ROLE: &str = "delivery_role.";
pub(crate) const GRANT: &str = "delivery_policy.";

fn part<S: State>(prefix: &str, state: &Option<S>) -> Vec<Setting> {
    let presence = Setting::new(
        prefix.trim_end_matches('.'),
        if state.is_some() {
            "present"
        } else {
            "missing"
        },
    );
    let mut settings = vec![presence];
    if let Some(state) = state {
        settings.extend(state.settings().into_iter().map(|setting| Setting {
            name: format!("{prefix}{}", setting.name),
            value: setting.value,
        }));
    }
    settings
}

impl State for AuditTrailState {
    fn settings(&self) -> Vec<Setting> {
        let mut settings: Vec<Setting> = self
            .trail
            .settings()
            .into_iter()
            .map(|setting| Setting {
                name: format!("{TRAIL}{}", setting.name),
                value: setting.value,
            })
            .collect();
        settings.extend(part(ROLE, &self.delivery_role));
        settings.extend(part(GRANT, &self.delivery_grant));
        settings
    }

    fn keys_in_use(&self) -> Vec<KeyInUse> {
        vec![KeyInUse::new(
            format!("{TRAIL}kms_key"),
            self.trail.kms_key.as_deref(),
        )]
    }
}
