//! [`LogBucket`]: an S3 bucket that receives audit logs and keeps them six years.

use serde::Serialize;
use typed_builder::TypedBuilder;

use crate::construct::{
    violations_of, Construct, Ctx, Lifecycle, Live, LogicalId, PolicyContribution, Ref,
    ResourceKind, ResourceOutputs, Scope, SettingChange,
};
use crate::constructs::kms::HipaaKey;
use crate::controls::{Check, ControlId};
use crate::error::{Error, Result, Violation, Violations};

use super::bucket_policy::{access_log_delivery, access_log_key_use, bucket_arn};
use super::checks::{evaluate_bucket, BucketExpectations, LOG_RETENTION_FLOOR_DAYS};
use super::live;
use super::spec::{BucketSpec, ObjectLockRetention, ABORT_INCOMPLETE_UPLOADS_DAYS};
use super::state::{BucketState, LifecycleRule};

/// How long a log bucket keeps its logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum LogRetention {
    /// Logs (current and noncurrent versions) expire after this many days; at least 2192.
    Days(u32),
    /// Logs never expire.
    Forever,
}

impl LogRetention {
    /// Six years (2192 days), the default: HIPAA documentation is kept six years
    /// (45 CFR 164.316(b)(2)(i)).
    pub const SIX_YEARS: LogRetention = LogRetention::Days(LOG_RETENTION_FLOOR_DAYS);

    /// Expire logs after `days` days (refused below 2192 at build).
    pub fn days(days: u32) -> LogRetention {
        LogRetention::Days(days)
    }

    fn days_or_none(self) -> Option<u32> {
        match self {
            LogRetention::Days(days) => Some(days),
            LogRetention::Forever => None,
        }
    }
}

impl Default for LogRetention {
    fn default() -> Self {
        Self::SIX_YEARS
    }
}

/// The props of a [`LogBucket`]; build them with [`LogBucket::builder`].
#[derive(Debug, Clone, TypedBuilder)]
#[builder(
    doc,
    builder_type(
        name = LogBucketBuilder,
        doc = "Builds a [`LogBucket`]; `name` and `key` are required."
    ),
    build_method(
        into = Result<LogBucket>,
        doc = "Validates the props and returns the bucket, or every violation at once."
    )
)]
pub struct LogBucketProps {
    #[builder(setter(into, doc = "The bucket name (S3 naming rules; no dots)."))]
    name: String,
    #[builder(setter(
        into,
        doc = "The key that encrypts the logs (SSE-KMS, bucket keys on)."
    ))]
    key: Ref<HipaaKey>,
    #[builder(
        default,
        setter(
            doc = "How long logs are kept: at least 2192 days (six years, the default), or forever."
        )
    )]
    retention: LogRetention,
    #[builder(
        default,
        setter(
            strip_option,
            doc = "Move logs to S3 Glacier Flexible Retrieval after this many days (they are kept, not deleted)."
        )
    )]
    archive_after_days: Option<u32>,
    #[builder(
        default,
        setter(
            into,
            strip_option,
            doc = "Another log bucket that receives this bucket's own access logs."
        )
    )]
    access_logs: Option<Ref<LogBucket>>,
    #[builder(
        default,
        setter(
            strip_option,
            doc = "Object Lock in compliance mode, set when the bucket is made."
        )
    )]
    object_lock: Option<ObjectLockRetention>,
    #[builder(
        default,
        setter(
            into,
            strip_option,
            doc = "The region the log bucket is placed in when it is not the environment's (the access logs of a replica, which S3 delivers only within a region)."
        )
    )]
    region: Option<String>,
}

/// An S3 bucket for audit logs (server access logs, and in later modules CloudTrail, VPC flow
/// logs and AWS Config): encrypted like an [`EncryptedBucket`](super::EncryptedBucket), with a
/// lifecycle that never expires a log before six years, and a policy that lets only the
/// stack's log sources write, each under its own prefix.
///
/// ```
/// use hipaa_aws::{HipaaKey, LogBucket, LogRetention};
/// let key = HipaaKey::builder().alias("logs").build()?;
/// let logs = LogBucket::builder()
///     .name("acme-logs")
///     .key(&key)
///     .retention(LogRetention::days(2555))
///     .build()?;
/// assert_eq!(logs.retention(), LogRetention::Days(2555));
/// # Ok::<(), hipaa_aws::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct LogBucket {
    spec: BucketSpec,
    retention: LogRetention,
}

impl LogBucket {
    /// Starts a builder.
    pub fn builder() -> LogBucketBuilder {
        LogBucketProps::builder()
    }

    /// The bucket name.
    pub fn name(&self) -> &str {
        &self.spec.name
    }

    /// How long logs are kept.
    pub fn retention(&self) -> LogRetention {
        self.retention
    }

    /// A typed reference for other constructs.
    pub fn reference(&self) -> Ref<LogBucket> {
        Ref::new(self.spec.id.clone(), self.spec.name.clone())
    }

    /// The key that encrypts the logs.
    pub fn key(&self) -> &Ref<HipaaKey> {
        &self.spec.key
    }
}

impl From<&LogBucket> for Ref<LogBucket> {
    fn from(bucket: &LogBucket) -> Self {
        bucket.reference()
    }
}

impl From<LogBucketProps> for Result<LogBucket> {
    fn from(props: LogBucketProps) -> Self {
        let name = props.name.trim().to_string();
        let retention_days = props.retention.days_or_none();
        let access_logs = props.access_logs.map(|target| {
            let prefix = format!("{name}/");
            (target, prefix)
        });
        let bucket = LogBucket {
            spec: BucketSpec {
                id: ResourceKind::LOG_BUCKET.logical_id(&name),
                kind: ResourceKind::LOG_BUCKET,
                name,
                key: props.key,
                access_logs,
                lifecycle_rule: LifecycleRule {
                    id: "hipaa-aws-log-retention".to_string(),
                    enabled: true,
                    expiration_days: retention_days,
                    expiration_date: None,
                    noncurrent_expiration_days: retention_days,
                    transition: props
                        .archive_after_days
                        .map(|days| (days, "GLACIER".to_string())),
                    abort_incomplete_multipart_days: Some(ABORT_INCOMPLETE_UPLOADS_DAYS),
                    filter: None,
                },
                object_lock: props.object_lock,
                backed_up_by: None,
                region: props.region,
                replica: None,
                holds_phi: false,
                expectations: BucketExpectations {
                    log_target: true,
                    retention_floor_days: Some(LOG_RETENTION_FLOOR_DAYS),
                    object_lock: props.object_lock.is_some(),
                    replication: false,
                    event_notifications: false,
                },
            },
            retention: props.retention,
        };
        let resource = bucket.spec.resource_name();
        let mut violations = bucket.spec.value_violations();
        if let Some(days) = props.archive_after_days {
            let too_late = retention_days.is_some_and(|retention| days >= retention);
            if days == 0 || too_late {
                violations.push(Violation::new(
                    &resource,
                    "archive_after_days",
                    ControlId::S3VersionLifecyclePolicyCheck,
                    format!("archiving after {days} days must be at least 1 day and before the logs expire"),
                ));
            }
        }
        let desired = bucket.desired(&Scope::for_build());
        violations.extend(violations_of(&resource, &bucket.evaluate(&desired)));
        match Violations::from_vec(violations) {
            None => Ok(bucket),
            Some(violations) => Err(Error::Invalid(violations)),
        }
    }
}

impl Construct for LogBucket {
    type State = BucketState;

    fn id(&self) -> &LogicalId {
        &self.spec.id
    }

    fn kind(&self) -> ResourceKind {
        self.spec.kind
    }

    fn name(&self) -> &str {
        &self.spec.name
    }

    fn dependencies(&self) -> Vec<LogicalId> {
        self.spec.dependencies()
    }

    fn region(&self) -> Option<&str> {
        self.spec.region.as_deref()
    }

    fn desired(&self, scope: &Scope<'_>) -> BucketState {
        self.spec.desired(scope)
    }

    fn evaluate(&self, state: &BucketState) -> Vec<Check> {
        let mut checks = evaluate_bucket(state, &self.spec.expectations);
        checks.push(crate::construct::tags_check(&state.tags));
        checks
    }
}

impl Lifecycle for LogBucket {
    fn policy_contributions(&self, scope: &Scope<'_>) -> Vec<PolicyContribution> {
        let arn = self.spec.arn(scope);
        let mut contributions = vec![PolicyContribution {
            target: self.spec.key.id().clone(),
            statement: access_log_key_use(&arn, &self.spec.name, scope.account_id),
        }];
        if let Some((target, prefix)) = &self.spec.access_logs {
            contributions.push(PolicyContribution {
                target: target.id().clone(),
                statement: access_log_delivery(
                    &bucket_arn(scope.partition, target.name()),
                    prefix,
                    &arn,
                    &self.spec.name,
                    scope.account_id,
                ),
            });
        }
        contributions
    }

    async fn read(&self, ctx: &Ctx<'_>) -> Result<Option<Live<BucketState>>> {
        live::read_bucket(ctx, &self.spec).await
    }

    async fn create(&self, ctx: &Ctx<'_>, desired: &BucketState) -> Result<ResourceOutputs> {
        live::create_bucket(ctx, &self.spec, desired).await
    }

    async fn update(
        &self,
        ctx: &Ctx<'_>,
        live: &Live<BucketState>,
        desired: &BucketState,
        changes: &[SettingChange],
    ) -> Result<()> {
        live::update_bucket(ctx, &self.spec, live, desired, changes).await
    }

    async fn deletion_guard(
        &self,
        _ctx: &Ctx<'_>,
        _live: &Live<BucketState>,
    ) -> Result<Option<String>> {
        Ok(Some(
            "holds audit logs that HIPAA requires to be kept six years: deleted (every version) only with consent"
                .to_string(),
        ))
    }

    async fn delete(&self, ctx: &Ctx<'_>, _live: &Live<BucketState>) -> Result<()> {
        live::delete_bucket(ctx, &self.spec.name).await
    }
}
