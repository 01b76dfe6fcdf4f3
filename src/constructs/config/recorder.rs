//! [`ConfigRecorder`]: the region's AWS Config recorder, its encrypted delivery channel and its
//! service-linked role.

use serde::Serialize;
use typed_builder::TypedBuilder;

use crate::construct::{
    violations_of, Construct, Ctx, Lifecycle, Live, LogicalId, PolicyContribution, Ref,
    ResourceKind, ResourceOutputs, Scope, SettingChange,
};
use crate::constructs::kms::HipaaKey;
use crate::constructs::s3::LogBucket;
use crate::controls::{Check, ControlId};
use crate::error::{Error, Result, Violation, Violations};

use super::checks::evaluate_recorder;
use super::delivery_policy::{config_bucket_statements, config_key_statement};
use super::live::recorder;
use super::service_role::service_linked_role_arn;
use super::state::{DeliveryChannelState, RecorderRole, RecorderState, RecordingGroupState};
use super::CONFIG_RECORDER;

/// The longest retention AWS Config accepts (and its default), in days: seven years.
pub const MAX_CONFIG_RETENTION_DAYS: u32 = 2557;

/// How often the delivery channel delivers a configuration snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum SnapshotFrequency {
    /// Every hour.
    OneHour,
    /// Every three hours.
    ThreeHours,
    /// Every six hours.
    SixHours,
    /// Every twelve hours.
    TwelveHours,
    /// Every day (the default).
    #[default]
    TwentyFourHours,
}

impl SnapshotFrequency {
    /// The API value, e.g. `TwentyFour_Hours`.
    pub fn as_str(self) -> &'static str {
        match self {
            SnapshotFrequency::OneHour => "One_Hour",
            SnapshotFrequency::ThreeHours => "Three_Hours",
            SnapshotFrequency::SixHours => "Six_Hours",
            SnapshotFrequency::TwelveHours => "Twelve_Hours",
            SnapshotFrequency::TwentyFourHours => "TwentyFour_Hours",
        }
    }
}

/// Where the recorder delivers: a [`LogBucket`] and the key that encrypts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryTarget {
    bucket: Ref<LogBucket>,
    key: Ref<HipaaKey>,
}

impl DeliveryTarget {
    /// The log bucket and its key.
    pub fn of(bucket: &LogBucket) -> DeliveryTarget {
        DeliveryTarget {
            bucket: bucket.reference(),
            key: bucket.key().clone(),
        }
    }

    /// The bucket.
    pub fn bucket(&self) -> &Ref<LogBucket> {
        &self.bucket
    }

    /// The bucket's key, which encrypts the delivered objects.
    pub fn key(&self) -> &Ref<HipaaKey> {
        &self.key
    }
}

impl From<&LogBucket> for DeliveryTarget {
    fn from(bucket: &LogBucket) -> Self {
        DeliveryTarget::of(bucket)
    }
}

/// The props of a [`ConfigRecorder`]; build them with [`ConfigRecorder::builder`].
///
/// There is no setter that stops recording, narrows what is recorded, leaves out global
/// resource types or delivers unencrypted: those shapes cannot be written.
#[derive(Debug, Clone, TypedBuilder)]
#[builder(
    doc,
    builder_type(
        name = ConfigRecorderBuilder,
        doc = "Builds a [`ConfigRecorder`]; `delivery_bucket` is required."
    ),
    build_method(
        into = Result<ConfigRecorder>,
        doc = "Validates the props and returns the recorder, or every violation at once."
    )
)]
pub struct ConfigRecorderProps {
    #[builder(setter(
        transform = |bucket: &LogBucket| DeliveryTarget::of(bucket),
        doc = "The log bucket that receives configuration history and snapshots, encrypted with its key."
    ))]
    delivery_bucket: DeliveryTarget,
    #[builder(
        default = "default".to_string(),
        setter(
            into,
            doc = "The recorder name when one is made (`default`); an existing recorder keeps its name."
        )
    )]
    name: String,
    #[builder(
        default = "default".to_string(),
        setter(
            into,
            doc = "The delivery channel name when one is made (`default`); an existing channel keeps its name."
        )
    )]
    channel_name: String,
    #[builder(
        default,
        setter(
            into,
            strip_option,
            doc = "A key prefix in the bucket; Config writes under `<prefix>/AWSLogs/<account>/Config/`."
        )
    )]
    key_prefix: Option<String>,
    #[builder(
        default,
        setter(doc = "How often a configuration snapshot is delivered (daily by default).")
    )]
    snapshot_frequency: SnapshotFrequency,
    #[builder(
        default = MAX_CONFIG_RETENTION_DAYS,
        setter(doc = "Days configuration items are kept: 2192 (six years) to 2557 (seven, the default).")
    )]
    retention_days: u32,
}

/// The region's AWS Config recorder: every supported resource type recorded, global ones
/// included, through the AWS Config service-linked role, delivered to a [`LogBucket`] encrypted
/// with its [`HipaaKey`], kept at least six years, and recording.
///
/// A region has one recorder and one delivery channel. When the account already has them, the
/// recorder **adopts** them (whatever their names) and brings them to these settings, instead of
/// failing or making a second one; when their delivery bucket belongs to another stack of this
/// library, that is a conflict.
///
/// ```
/// use hipaa_aws::{ConfigRecorder, HipaaKey, LogBucket};
/// let key = HipaaKey::builder().alias("logs").build()?;
/// let logs = LogBucket::builder().name("acme-logs").key(&key).build()?;
/// let recorder = ConfigRecorder::builder().delivery_bucket(&logs).build()?;
/// assert_eq!(recorder.retention_days(), 2557);
/// # Ok::<(), hipaa_aws::Error>(())
/// ```
///
/// Recording cannot be narrowed, because no method does it:
///
/// ```compile_fail
/// # use hipaa_aws::{ConfigRecorder, HipaaKey, LogBucket};
/// # let key = HipaaKey::builder().alias("logs").build().unwrap();
/// # let logs = LogBucket::builder().name("acme-logs").key(&key).build().unwrap();
/// let recorder = ConfigRecorder::builder().delivery_bucket(&logs).include_global_resources(false).build();
/// ```
#[derive(Debug, Clone)]
pub struct ConfigRecorder {
    id: LogicalId,
    name: String,
    channel_name: String,
    delivery: DeliveryTarget,
    key_prefix: Option<String>,
    snapshot_frequency: SnapshotFrequency,
    retention_days: u32,
}

impl ConfigRecorder {
    /// Starts a builder.
    pub fn builder() -> ConfigRecorderBuilder {
        ConfigRecorderProps::builder()
    }

    /// The recorder name used when one is made.
    pub fn recorder_name(&self) -> &str {
        &self.name
    }

    /// The delivery channel name used when one is made.
    pub fn channel_name(&self) -> &str {
        &self.channel_name
    }

    /// Where it delivers.
    pub fn delivery(&self) -> &DeliveryTarget {
        &self.delivery
    }

    /// The key prefix in the bucket, if any.
    pub fn key_prefix(&self) -> Option<&str> {
        self.key_prefix.as_deref()
    }

    /// Days configuration items are kept.
    pub fn retention_days(&self) -> u32 {
        self.retention_days
    }

    /// How often a snapshot is delivered.
    pub fn snapshot_frequency(&self) -> SnapshotFrequency {
        self.snapshot_frequency
    }

    /// A typed reference for other constructs.
    pub fn reference(&self) -> Ref<ConfigRecorder> {
        Ref::new(self.id.clone(), self.name.clone())
    }

    pub(super) fn resource_name(&self) -> String {
        format!("config recorder {:?}", self.name)
    }
}

impl From<&ConfigRecorder> for Ref<ConfigRecorder> {
    fn from(recorder: &ConfigRecorder) -> Self {
        recorder.reference()
    }
}

/// The problem with a recorder or channel name, if any: 1 to 256 characters, no whitespace
/// or control characters.
fn name_problem(name: &str) -> Option<String> {
    if name.is_empty() || name.chars().count() > 256 {
        return Some(format!("{name:?} must have 1 to 256 characters"));
    }
    if name.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some(format!(
            "{name:?} contains whitespace or control characters"
        ));
    }
    None
}

/// The problem with a delivery key prefix, if any.
fn prefix_problem(prefix: &str) -> Option<String> {
    if prefix.is_empty() || prefix.len() > 256 {
        return Some(format!("{prefix:?} must have 1 to 256 characters"));
    }
    if prefix.starts_with('/') || prefix.ends_with('/') || prefix.contains("//") {
        return Some(format!(
            "{prefix:?} must not start or end with '/' or contain '//': Config appends /AWSLogs/ itself"
        ));
    }
    if prefix.split('/').any(|part| part == "AWSLogs") {
        return Some(format!(
            "{prefix:?} contains AWSLogs, which Config adds itself; the objects would land where the bucket policy does not allow them"
        ));
    }
    if prefix.chars().any(|c| c.is_control()) {
        return Some(format!("{prefix:?} contains control characters"));
    }
    None
}

impl From<ConfigRecorderProps> for Result<ConfigRecorder> {
    fn from(props: ConfigRecorderProps) -> Self {
        let name = props.name.trim().to_string();
        let recorder = ConfigRecorder {
            id: CONFIG_RECORDER.logical_id(&name),
            channel_name: props.channel_name.trim().to_string(),
            name,
            delivery: props.delivery_bucket,
            key_prefix: props.key_prefix.map(|prefix| prefix.trim().to_string()),
            snapshot_frequency: props.snapshot_frequency,
            retention_days: props.retention_days,
        };
        let resource = recorder.resource_name();
        let mut violations = Vec::new();
        for (setting, value) in [
            ("name", recorder.name.as_str()),
            ("channel_name", recorder.channel_name.as_str()),
        ] {
            if let Some(problem) = name_problem(value) {
                violations.push(Violation::new(
                    &resource,
                    setting,
                    ControlId::ConfigRecorderEnabled,
                    problem,
                ));
            }
        }
        if let Some(problem) = recorder.key_prefix.as_deref().and_then(prefix_problem) {
            violations.push(Violation::new(
                &resource,
                "key_prefix",
                ControlId::ConfigRecorderEnabled,
                problem,
            ));
        }
        if recorder.retention_days > MAX_CONFIG_RETENTION_DAYS {
            violations.push(Violation::new(
                &resource,
                "retention_days",
                ControlId::ConfigRecorderEnabled,
                format!(
                    "AWS Config keeps configuration items at most {MAX_CONFIG_RETENTION_DAYS} days; {} would be refused",
                    recorder.retention_days
                ),
            ));
        }
        let desired = recorder.desired(&Scope::for_build());
        violations.extend(violations_of(&resource, &recorder.evaluate(&desired)));
        match Violations::from_vec(violations) {
            None => Ok(recorder),
            Some(violations) => Err(Error::Invalid(violations)),
        }
    }
}

impl Construct for ConfigRecorder {
    type State = RecorderState;

    fn id(&self) -> &LogicalId {
        &self.id
    }

    fn kind(&self) -> ResourceKind {
        CONFIG_RECORDER
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn dependencies(&self) -> Vec<LogicalId> {
        vec![
            self.delivery.bucket.id().clone(),
            self.delivery.key.id().clone(),
        ]
    }

    fn desired(&self, scope: &Scope<'_>) -> RecorderState {
        RecorderState {
            name: self.name.clone(),
            arn: None,
            role: Some(RecorderRole {
                arn: service_linked_role_arn(scope.partition, scope.account_id),
                service_linked: true,
                exists: Some(true),
            }),
            recording_group: RecordingGroupState::everything(),
            recording: true,
            last_status: None,
            last_error: None,
            delivery_channel: Some(DeliveryChannelState {
                name: self.channel_name.clone(),
                bucket: self.delivery.bucket.name().to_string(),
                prefix: self.key_prefix.clone(),
                kms_key_arn: Some(scope.arn_of(&self.delivery.key)),
                snapshot_frequency: Some(self.snapshot_frequency.as_str().to_string()),
            }),
            retention_days: self.retention_days,
        }
    }

    fn evaluate(&self, state: &RecorderState) -> Vec<Check> {
        let mut checks = evaluate_recorder(state);
        checks.push(Check::not_applicable(
            ControlId::ManagedResourceTagged,
            "tags",
            "the region's one Config recorder is found as such, not by tags; its delivery bucket's tags tell which stack manages it",
        ));
        checks
    }
}

impl Lifecycle for ConfigRecorder {
    fn policy_contributions(&self, scope: &Scope<'_>) -> Vec<PolicyContribution> {
        let bucket = self.delivery.bucket.name();
        let prefix = self.key_prefix.as_deref();
        let mut contributions: Vec<PolicyContribution> =
            config_bucket_statements(scope.partition, bucket, prefix, scope.account_id)
                .into_iter()
                .map(|statement| PolicyContribution {
                    target: self.delivery.bucket.id().clone(),
                    statement,
                })
                .collect();
        contributions.push(PolicyContribution {
            target: self.delivery.key.id().clone(),
            statement: config_key_statement(scope.partition, bucket, prefix, scope.account_id),
        });
        contributions
    }

    async fn read(&self, ctx: &Ctx<'_>) -> Result<Option<Live<RecorderState>>> {
        recorder::read_for_construct(ctx, self).await
    }

    async fn create(&self, ctx: &Ctx<'_>, desired: &RecorderState) -> Result<ResourceOutputs> {
        recorder::create_recorder(ctx, self, desired).await
    }

    async fn update(
        &self,
        ctx: &Ctx<'_>,
        live: &Live<RecorderState>,
        desired: &RecorderState,
        changes: &[SettingChange],
    ) -> Result<()> {
        recorder::update_recorder(ctx, self, live, desired, changes).await
    }

    async fn deletion_guard(
        &self,
        _ctx: &Ctx<'_>,
        _live: &Live<RecorderState>,
    ) -> Result<Option<String>> {
        Ok(Some(
            "the region's AWS Config recorder: without it the account's configuration history, which HIPAA audits rely on, \
             stops (45 CFR 164.312(b)); it may also predate this stack, which adopted it. Stopped and deleted only with consent; \
             the history already delivered stays in the log bucket"
                .to_string(),
        ))
    }

    async fn delete(&self, ctx: &Ctx<'_>, live: &Live<RecorderState>) -> Result<()> {
        recorder::delete_recorder(ctx, self, live).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_and_names_follow_the_config_rules() {
        assert_eq!(prefix_problem("config/prod"), None);
        assert!(prefix_problem("/config").is_some());
        assert!(prefix_problem("config/").is_some());
        assert!(prefix_problem("a//b").is_some());
        assert!(prefix_problem("x/AWSLogs").is_some());
        assert!(prefix_problem("").is_some());
        assert_eq!(name_problem("default"), None);
        assert!(name_problem("has space").is_some());
        assert!(name_problem(&"n".repeat(257)).is_some());
    }
}
