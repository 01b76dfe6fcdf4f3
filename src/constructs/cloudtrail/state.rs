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
    /// The event selectors as CloudTrail reports them. `None` in a desired state, whose one
    /// basic selector `management_events` and `s3_data_events` describe; when present, the
    /// controls judge these (exclusions, negated operators and narrowing fields included) and
    /// `management_events` / `s3_data_events` are their strict summary.
    pub event_selectors: Option<EventSelectors>,
}

/// A trail's event selectors: basic or advanced (a trail has one kind or the other).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventSelectors {
    /// Basic event selectors (`EventSelectors`).
    Basic(Vec<BasicEventSelector>),
    /// Advanced event selectors (`AdvancedEventSelectors`).
    Advanced(Vec<AdvancedEventSelector>),
}

/// One basic event selector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BasicEventSelector {
    /// `All`, `ReadOnly` or `WriteOnly`.
    pub read_write_type: String,
    /// Management events are recorded by this selector.
    pub include_management_events: bool,
    /// Event sources whose management events are left out (`kms.amazonaws.com`,
    /// `rdsdata.amazonaws.com`).
    pub exclude_management_event_sources: Vec<String>,
    /// The data resources whose data events are recorded.
    pub data_resources: Vec<DataResourceSelector>,
}

/// The data resources of one type a basic selector records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DataResourceSelector {
    /// The resource type, e.g. `AWS::S3::Object`.
    pub resource_type: String,
    /// ARN prefixes (`arn:aws:s3:::bucket/`, or `arn:aws:s3` for every bucket).
    pub values: Vec<String>,
}

/// One advanced event selector: CloudTrail records the events that meet every one of its
/// field conditions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AdvancedEventSelector {
    /// The selector's name, if any.
    pub name: Option<String>,
    /// Its field conditions.
    pub field_selectors: Vec<FieldSelector>,
}

/// One field condition of an advanced event selector.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct FieldSelector {
    /// The field: `eventCategory`, `resources.type`, `resources.ARN`, `readOnly`,
    /// `eventSource`, `eventName`, …
    pub field: String,
    /// `Equals` values.
    pub equals: Vec<String>,
    /// `StartsWith` values.
    pub starts_with: Vec<String>,
    /// `EndsWith` values.
    pub ends_with: Vec<String>,
    /// `NotEquals` values.
    pub not_equals: Vec<String>,
    /// `NotStartsWith` values.
    pub not_starts_with: Vec<String>,
    /// `NotEndsWith` values.
    pub not_ends_with: Vec<String>,
}

impl FieldSelector {
    /// A condition on `field` with no operator yet.
    pub fn new(field: impl Into<String>) -> FieldSelector {
        FieldSelector {
            field: field.into(),
            ..FieldSelector::default()
        }
    }

    /// The condition with `Equals` values.
    pub fn equals<I, S>(mut self, values: I) -> FieldSelector
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.equals.extend(values.into_iter().map(Into::into));
        self
    }

    /// The condition with `StartsWith` values.
    pub fn starts_with<I, S>(mut self, values: I) -> FieldSelector
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.starts_with.extend(values.into_iter().map(Into::into));
        self
    }

    /// The condition with `NotEquals` values.
    pub fn not_equals<I, S>(mut self, values: I) -> FieldSelector
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.not_equals.extend(values.into_iter().map(Into::into));
        self
    }

    /// The condition with `NotStartsWith` values.
    pub fn not_starts_with<I, S>(mut self, values: I) -> FieldSelector
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.not_starts_with
            .extend(values.into_iter().map(Into::into));
        self
    }

    /// The condition with `EndsWith` values.
    pub fn ends_with<I, S>(mut self, values: I) -> FieldSelector
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.ends_with.extend(values.into_iter().map(Into::into));
        self
    }

    /// The condition with `NotEndsWith` values.
    pub fn not_ends_with<I, S>(mut self, values: I) -> FieldSelector
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.not_ends_with
            .extend(values.into_iter().map(Into::into));
        self
    }

    /// True when a negated operator (`NotEquals`, `NotStartsWith`, `NotEndsWith`) is used.
    pub fn is_negated(&self) -> bool {
        !(self.not_equals.is_empty()
            && self.not_starts_with.is_empty()
            && self.not_ends_with.is_empty())
    }

    /// The condition as text, e.g. `eventSource NotEquals [kms.amazonaws.com]`.
    pub fn render(&self) -> String {
        let operators = [
            ("Equals", &self.equals),
            ("StartsWith", &self.starts_with),
            ("EndsWith", &self.ends_with),
            ("NotEquals", &self.not_equals),
            ("NotStartsWith", &self.not_starts_with),
            ("NotEndsWith", &self.not_ends_with),
        ];
        let parts: Vec<String> = operators
            .iter()
            .filter(|(_, values)| !values.is_empty())
            .map(|(operator, values)| format!("{operator} [{}]", values.join(", ")))
            .collect();
        format!("{} {}", self.field, parts.join(" "))
    }
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
