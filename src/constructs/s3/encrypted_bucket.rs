//! [`EncryptedBucket`]: an S3 bucket for PHI.

use typed_builder::TypedBuilder;

use crate::construct::{
    violations_of, BackedUpBy, Construct, Ctx, Lifecycle, Live, LogicalId, PolicyContribution, Ref,
    ResourceKind, ResourceOutputs, Scope, SettingChange,
};
use crate::constructs::kms::HipaaKey;
use crate::controls::Check;
use crate::error::{Error, Result, Violations};

use super::bucket_policy::{access_log_delivery, bucket_arn};
use super::checks::{evaluate_bucket, BucketExpectations};
use super::live;
use super::replication::{replication_rule_check, ReplicaBucket};
use super::spec::{BucketSpec, ObjectLockRetention, ABORT_INCOMPLETE_UPLOADS_DAYS};
use super::state::{BucketState, LifecycleRule};
use super::LogBucket;

/// The props of an [`EncryptedBucket`]; build them with [`EncryptedBucket::builder`].
///
/// `name`, `key` and `access_logs` are required: a bucket without a key or without an
/// access-log target does not compile. There is no setter for public access, ACLs, plain-text
/// transport or missing encryption.
#[derive(Debug, Clone, TypedBuilder)]
#[builder(
    doc,
    builder_type(
        name = EncryptedBucketBuilder,
        doc = "Builds an [`EncryptedBucket`]; `name`, `key` and `access_logs` are required."
    ),
    build_method(
        into = Result<EncryptedBucket>,
        doc = "Validates the props and returns the bucket, or every violation at once."
    )
)]
pub struct EncryptedBucketProps {
    #[builder(setter(into, doc = "The bucket name (S3 naming rules; no dots)."))]
    name: String,
    #[builder(setter(
        into,
        doc = "The key that encrypts every object (SSE-KMS, bucket keys on)."
    ))]
    key: Ref<HipaaKey>,
    #[builder(setter(
        into,
        doc = "The log bucket that receives this bucket's server access logs."
    ))]
    access_logs: Ref<LogBucket>,
    #[builder(
        default,
        setter(
            into,
            strip_option,
            doc = "The key prefix of the access logs in the log bucket; `<name>/` by default."
        )
    )]
    access_log_prefix: Option<String>,
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
            doc = "The `BackupPlan` that protects the bucket (`.backed_up_by(&plan)`): the bucket carries the plan's name, and the plan selects it. For a plan built before the bucket; one built after it uses `plan.protect(&bucket)`."
        )
    )]
    backed_up_by: Option<BackedUpBy>,
    #[builder(
        default,
        setter(
            into,
            strip_option,
            doc = "The region the bucket is placed in when it is not the environment's (a replica); its key and log bucket must be placed there too."
        )
    )]
    region: Option<String>,
    /// Replicates every object to `replica`, another `EncryptedBucket` placed in another region
    /// under its own key there (feature `replication`).
    #[cfg(feature = "replication")]
    #[builder(
        default,
        setter(
            into,
            strip_option,
            doc = "Replicates every object, SSE-KMS ones included, to another `EncryptedBucket` placed in another region (`.replicate_to(&replica)`), encrypting the replicas with the replica's own key, through a role S3 assumes that may do nothing else. Deletions are not replicated."
        )
    )]
    replicate_to: Option<ReplicaBucket>,
}

/// An S3 bucket for PHI: SSE-KMS with a [`HipaaKey`] and bucket keys, all four Block Public
/// Access flags, ACLs disabled, versioning, a policy that denies plain-text transport and TLS
/// older than 1.2, server access logs to a [`LogBucket`], and a lifecycle rule that aborts
/// abandoned uploads but never expires PHI.
///
/// ```
/// use hipaa_aws::{EncryptedBucket, HipaaKey, LogBucket};
/// let key = HipaaKey::builder().alias("phi").build()?;
/// let logs = LogBucket::builder().name("acme-phi-logs").key(&key).build()?;
/// let data = EncryptedBucket::builder()
///     .name("acme-phi")
///     .key(&key)
///     .access_logs(&logs)
///     .build()?;
/// assert_eq!(data.name(), "acme-phi");
/// # Ok::<(), hipaa_aws::Error>(())
/// ```
///
/// Leaving out the access-log target does not compile:
///
/// ```compile_fail
/// # use hipaa_aws::{EncryptedBucket, HipaaKey};
/// # let key = HipaaKey::builder().alias("phi").build().unwrap();
/// let data = EncryptedBucket::builder().name("acme-phi").key(&key).build();
/// ```
#[derive(Debug, Clone)]
pub struct EncryptedBucket {
    spec: BucketSpec,
}

impl EncryptedBucket {
    /// Starts a builder.
    pub fn builder() -> EncryptedBucketBuilder {
        EncryptedBucketProps::builder()
    }

    /// The bucket name.
    pub fn name(&self) -> &str {
        &self.spec.name
    }

    /// A typed reference for other constructs.
    pub fn reference(&self) -> Ref<EncryptedBucket> {
        Ref::new(self.spec.id.clone(), self.spec.name.clone())
    }

    /// The key that encrypts the bucket.
    pub fn key(&self) -> &Ref<HipaaKey> {
        &self.spec.key
    }

    /// The plan the bucket declared, if any.
    pub fn backed_up_by(&self) -> Option<&BackedUpBy> {
        self.spec.backed_up_by.as_ref()
    }

    /// The bucket it replicates to, if any.
    pub fn replica(&self) -> Option<&ReplicaBucket> {
        self.spec.replica.as_ref()
    }
}

impl From<&EncryptedBucket> for ReplicaBucket {
    fn from(bucket: &EncryptedBucket) -> Self {
        ReplicaBucket {
            id: bucket.spec.id.clone(),
            name: bucket.spec.name.clone(),
            key: bucket.spec.key.clone(),
            region: bucket.spec.region.clone(),
        }
    }
}

impl From<&EncryptedBucket> for Ref<EncryptedBucket> {
    fn from(bucket: &EncryptedBucket) -> Self {
        bucket.reference()
    }
}

impl From<EncryptedBucketProps> for Result<EncryptedBucket> {
    fn from(props: EncryptedBucketProps) -> Self {
        let name = props.name.trim().to_string();
        let prefix = props
            .access_log_prefix
            .unwrap_or_else(|| format!("{name}/"));
        #[cfg(feature = "replication")]
        let replica = props.replicate_to;
        #[cfg(not(feature = "replication"))]
        let replica = None;
        let bucket = EncryptedBucket {
            spec: BucketSpec {
                id: ResourceKind::ENCRYPTED_BUCKET.logical_id(&name),
                kind: ResourceKind::ENCRYPTED_BUCKET,
                name,
                key: props.key,
                access_logs: Some((props.access_logs, prefix)),
                lifecycle_rule: LifecycleRule {
                    id: "hipaa-aws-abort-incomplete-uploads".to_string(),
                    enabled: true,
                    expiration_days: None,
                    expiration_date: None,
                    noncurrent_expiration_days: None,
                    transition: None,
                    abort_incomplete_multipart_days: Some(ABORT_INCOMPLETE_UPLOADS_DAYS),
                    filter: None,
                },
                object_lock: props.object_lock,
                backed_up_by: props.backed_up_by,
                region: props.region,
                holds_phi: true,
                expectations: BucketExpectations {
                    log_target: false,
                    retention_floor_days: None,
                    object_lock: props.object_lock.is_some(),
                    replication: replica.is_some(),
                    event_notifications: false,
                },
                replica,
            },
        };
        let mut violations = bucket.spec.value_violations();
        let desired = bucket.desired(&Scope::for_build());
        violations.extend(violations_of(
            &bucket.spec.resource_name(),
            &bucket.evaluate(&desired),
        ));
        match Violations::from_vec(violations) {
            None => Ok(bucket),
            Some(violations) => Err(Error::Invalid(violations)),
        }
    }
}

impl Construct for EncryptedBucket {
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

    fn holds_phi(&self) -> bool {
        true
    }

    fn region(&self) -> Option<&str> {
        self.spec.region.as_deref()
    }

    fn desired(&self, scope: &Scope<'_>) -> BucketState {
        self.spec.desired(scope)
    }

    fn evaluate(&self, state: &BucketState) -> Vec<Check> {
        let mut checks = evaluate_bucket(state, &self.spec.expectations);
        if let Some(replica) = &self.spec.replica {
            // The partition of the bucket's own ARN (`arn:aws:s3:::name`).
            let partition = state
                .arn
                .split(':')
                .nth(1)
                .filter(|partition| !partition.is_empty())
                .unwrap_or("aws");
            let destination = bucket_arn(partition, &replica.name);
            checks.extend(crate::constructs::partial::judge_partial(
                vec![replication_rule_check(state, &destination)],
                &state.unread,
                super::feeds::BUCKET_FEEDS,
            ));
        }
        checks.push(crate::construct::tags_check(&state.tags));
        checks
    }
}

impl Lifecycle for EncryptedBucket {
    fn policy_contributions(&self, scope: &Scope<'_>) -> Vec<PolicyContribution> {
        self.spec
            .access_logs
            .iter()
            .map(|(target, prefix)| PolicyContribution {
                target: target.id().clone(),
                statement: access_log_delivery(
                    &bucket_arn(scope.partition, target.name()),
                    prefix,
                    &self.spec.arn(scope),
                    &self.spec.name,
                    scope.account_id,
                ),
            })
            .collect()
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
        ctx: &Ctx<'_>,
        _live: &Live<BucketState>,
    ) -> Result<Option<String>> {
        Ok(live::holds_objects(ctx, &self.spec.name).await?.then(|| {
            "holds PHI objects: with consent every object version is deleted, then the bucket"
                .to_string()
        }))
    }

    async fn delete(&self, ctx: &Ctx<'_>, _live: &Live<BucketState>) -> Result<()> {
        live::delete_bucket(ctx, &self.spec.name).await?;
        // The role outlives nothing it served: gone with the bucket, never before it.
        if self.spec.replica.is_some() {
            live::delete_replication_role(ctx, &self.spec.name).await?;
        }
        Ok(())
    }
}
