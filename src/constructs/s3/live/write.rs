//! Making a bucket and bringing each changed setting to its desired value.

use std::collections::BTreeMap;

use aws_sdk_s3::types::{
    AbortIncompleteMultipartUpload, BucketLifecycleConfiguration, BucketLocationConstraint,
    BucketLoggingStatus, BucketVersioningStatus, CreateBucketConfiguration, DefaultRetention,
    ExpirationStatus, LifecycleExpiration, LifecycleRuleFilter, LoggingEnabled,
    NoncurrentVersionExpiration, ObjectLockConfiguration, ObjectLockEnabled,
    ObjectLockRetentionMode, ObjectLockRule, ObjectOwnership, OwnershipControls,
    OwnershipControlsRule, PublicAccessBlockConfiguration, ServerSideEncryption,
    ServerSideEncryptionByDefault, ServerSideEncryptionConfiguration, ServerSideEncryptionRule,
    Tag, Tagging, Transition, TransitionStorageClass,
};

use crate::aws_error::AwsResultExt;
use crate::construct::{diff_states, Ctx, Live, ResourceOutputs, SettingChange};
use crate::error::{Error, Result};

use super::super::spec::BucketSpec;
use super::super::state::BucketState;
use super::find::read_bucket;
use super::read::read_tags;
use super::SERVICE;

fn s3_tags(tags: &BTreeMap<String, String>) -> Result<Vec<Tag>> {
    tags.iter()
        .map(|(key, value)| {
            Tag::builder()
                .key(key)
                .value(value)
                .build()
                .map_err(Error::request(SERVICE, "PutBucketTagging"))
        })
        .collect()
}

/// Makes the bucket (tagged, ACLs disabled, Object Lock if asked), then brings every setting to
/// its desired value. A bucket this account already owns under the name is finished instead.
pub(crate) async fn create_bucket(
    ctx: &Ctx<'_>,
    spec: &BucketSpec,
    desired: &BucketState,
) -> Result<ResourceOutputs> {
    let s3 = ctx.env.s3();
    let region = ctx.scope.region;
    let mut configuration =
        CreateBucketConfiguration::builder().set_tags(Some(s3_tags(&desired.tags)?));
    if region != "us-east-1" {
        configuration = configuration.location_constraint(BucketLocationConstraint::from(region));
    }
    let created = s3
        .create_bucket()
        .bucket(&spec.name)
        .create_bucket_configuration(configuration.build())
        .object_ownership(ObjectOwnership::BucketOwnerEnforced)
        .set_object_lock_enabled_for_bucket(desired.object_lock.as_ref().map(|_| true))
        .send()
        .await
        .aws_optional(
            SERVICE,
            "CreateBucket",
            &spec.name,
            &["BucketAlreadyOwnedByYou"],
        )?;
    if created.is_some() {
        tracing::info!(bucket = spec.name.as_str(), "bucket created");
    }
    // Some endpoints ignore tags at creation: tag before anything else, so an interrupted
    // apply finds the bucket again as this stack's.
    put_tags(ctx, spec, &desired.tags).await?;
    let live = read_bucket(ctx, spec).await?.ok_or_else(|| {
        Error::unexpected(
            SERVICE,
            "CreateBucket",
            "the bucket is not visible after creation",
        )
    })?;
    let changes = diff_states(desired, &live.state);
    update_bucket(ctx, spec, &live, desired, &changes).await?;
    Ok(live.outputs)
}

async fn put_tags(
    ctx: &Ctx<'_>,
    spec: &BucketSpec,
    wanted: &BTreeMap<String, String>,
) -> Result<()> {
    // PutBucketTagging replaces the whole set: keep tags others added.
    let mut tags = read_tags(ctx.env, &spec.name).await?;
    if wanted
        .iter()
        .all(|(key, value)| tags.get(key) == Some(value))
    {
        return Ok(());
    }
    tags.extend(
        wanted
            .iter()
            .map(|(key, value)| (key.clone(), value.clone())),
    );
    let tagging = Tagging::builder()
        .set_tag_set(Some(s3_tags(&tags)?))
        .build()
        .map_err(Error::request(SERVICE, "PutBucketTagging"))?;
    ctx.env
        .s3()
        .put_bucket_tagging()
        .bucket(&spec.name)
        .tagging(tagging)
        .send()
        .await
        .aws(SERVICE, "PutBucketTagging", &spec.name)?;
    Ok(())
}

/// Brings each changed setting to its desired value.
pub(crate) async fn update_bucket(
    ctx: &Ctx<'_>,
    spec: &BucketSpec,
    _live: &Live<BucketState>,
    desired: &BucketState,
    changes: &[SettingChange],
) -> Result<()> {
    let s3 = ctx.env.s3();
    let name = spec.name.as_str();
    let changed = |setting: &str| changes.iter().any(|change| change.setting == setting);
    if changes
        .iter()
        .any(|change| change.setting.starts_with("tags."))
    {
        put_tags(ctx, spec, &desired.tags).await?;
    }
    if changed("public_access_block") {
        let block = PublicAccessBlockConfiguration::builder()
            .block_public_acls(true)
            .ignore_public_acls(true)
            .block_public_policy(true)
            .restrict_public_buckets(true)
            .build();
        s3.put_public_access_block()
            .bucket(name)
            .public_access_block_configuration(block)
            .send()
            .await
            .aws(SERVICE, "PutPublicAccessBlock", name)?;
    }
    if changed("object_ownership") {
        let rule = OwnershipControlsRule::builder()
            .object_ownership(ObjectOwnership::BucketOwnerEnforced)
            .build()
            .map_err(Error::request(SERVICE, "PutBucketOwnershipControls"))?;
        let controls = OwnershipControls::builder()
            .rules(rule)
            .build()
            .map_err(Error::request(SERVICE, "PutBucketOwnershipControls"))?;
        s3.put_bucket_ownership_controls()
            .bucket(name)
            .ownership_controls(controls)
            .send()
            .await
            .aws(SERVICE, "PutBucketOwnershipControls", name)?;
    }
    if changed("encryption") {
        put_encryption(ctx, spec, desired).await?;
    }
    if changed("versioning") {
        let versioning = aws_sdk_s3::types::VersioningConfiguration::builder()
            .status(BucketVersioningStatus::Enabled)
            .build();
        s3.put_bucket_versioning()
            .bucket(name)
            .versioning_configuration(versioning)
            .send()
            .await
            .aws(SERVICE, "PutBucketVersioning", name)?;
    }
    if changed("policy")
        && let Some(policy) = &desired.policy
    {
        s3.put_bucket_policy()
            .bucket(name)
            .policy(policy.to_json())
            .send()
            .await
            .aws(SERVICE, "PutBucketPolicy", name)?;
    }
    if changed("access_logging") {
        put_logging(ctx, spec, desired).await?;
    }
    if changed("lifecycle") {
        put_lifecycle(ctx, spec, desired).await?;
    }
    if changed("object_lock") {
        put_object_lock(ctx, spec, desired).await?;
    }
    // Last: S3 refuses replication before versioning is on.
    if changed("replication") {
        super::replication::put_replication(ctx, name, desired).await?;
    }
    Ok(())
}

async fn put_encryption(ctx: &Ctx<'_>, spec: &BucketSpec, desired: &BucketState) -> Result<()> {
    let Some(encryption) = &desired.encryption else {
        return Ok(());
    };
    let default = ServerSideEncryptionByDefault::builder()
        .sse_algorithm(ServerSideEncryption::AwsKms)
        .set_kms_master_key_id(encryption.kms_key.clone())
        .build()
        .map_err(Error::request(SERVICE, "PutBucketEncryption"))?;
    let rule = ServerSideEncryptionRule::builder()
        .apply_server_side_encryption_by_default(default)
        .bucket_key_enabled(encryption.bucket_key)
        .build();
    let configuration = ServerSideEncryptionConfiguration::builder()
        .rules(rule)
        .build()
        .map_err(Error::request(SERVICE, "PutBucketEncryption"))?;
    ctx.env
        .s3()
        .put_bucket_encryption()
        .bucket(&spec.name)
        .server_side_encryption_configuration(configuration)
        .send()
        .await
        .aws(SERVICE, "PutBucketEncryption", &spec.name)?;
    Ok(())
}

async fn put_logging(ctx: &Ctx<'_>, spec: &BucketSpec, desired: &BucketState) -> Result<()> {
    let mut status = BucketLoggingStatus::builder();
    if let Some(logging) = &desired.access_logging {
        let enabled = LoggingEnabled::builder()
            .target_bucket(&logging.target_bucket)
            .target_prefix(&logging.target_prefix)
            .build()
            .map_err(Error::request(SERVICE, "PutBucketLogging"))?;
        status = status.logging_enabled(enabled);
    }
    ctx.env
        .s3()
        .put_bucket_logging()
        .bucket(&spec.name)
        .bucket_logging_status(status.build())
        .send()
        .await
        .aws(SERVICE, "PutBucketLogging", &spec.name)?;
    Ok(())
}

async fn put_lifecycle(ctx: &Ctx<'_>, spec: &BucketSpec, desired: &BucketState) -> Result<()> {
    let to_i32 = |days: u32| i32::try_from(days).unwrap_or(i32::MAX);
    let mut rules = Vec::new();
    for rule in &desired.lifecycle {
        let mut builder = aws_sdk_s3::types::LifecycleRule::builder()
            .id(&rule.id)
            .status(if rule.enabled {
                ExpirationStatus::Enabled
            } else {
                ExpirationStatus::Disabled
            })
            .filter(LifecycleRuleFilter::builder().prefix("").build());
        if let Some(days) = rule.expiration_days {
            builder = builder.expiration(LifecycleExpiration::builder().days(to_i32(days)).build());
        }
        if let Some(days) = rule.noncurrent_expiration_days {
            builder = builder.noncurrent_version_expiration(
                NoncurrentVersionExpiration::builder()
                    .noncurrent_days(to_i32(days))
                    .build(),
            );
        }
        if let Some((days, class)) = &rule.transition {
            builder = builder.transitions(
                Transition::builder()
                    .days(to_i32(*days))
                    .storage_class(TransitionStorageClass::from(class.as_str()))
                    .build(),
            );
        }
        if let Some(days) = rule.abort_incomplete_multipart_days {
            builder = builder.abort_incomplete_multipart_upload(
                AbortIncompleteMultipartUpload::builder()
                    .days_after_initiation(to_i32(days))
                    .build(),
            );
        }
        rules.push(
            builder
                .build()
                .map_err(Error::request(SERVICE, "PutBucketLifecycleConfiguration"))?,
        );
    }
    let configuration = BucketLifecycleConfiguration::builder()
        .set_rules(Some(rules))
        .build()
        .map_err(Error::request(SERVICE, "PutBucketLifecycleConfiguration"))?;
    ctx.env
        .s3()
        .put_bucket_lifecycle_configuration()
        .bucket(&spec.name)
        .lifecycle_configuration(configuration)
        .send()
        .await
        .aws(SERVICE, "PutBucketLifecycleConfiguration", &spec.name)?;
    Ok(())
}

async fn put_object_lock(ctx: &Ctx<'_>, spec: &BucketSpec, desired: &BucketState) -> Result<()> {
    let Some(lock) = &desired.object_lock else {
        // Object Lock cannot be turned off once on; a spec without it leaves it alone.
        return Ok(());
    };
    let to_i32 = |value: Option<u32>| value.and_then(|v| i32::try_from(v).ok());
    let retention = DefaultRetention::builder()
        .mode(ObjectLockRetentionMode::Compliance)
        .set_days(to_i32(lock.days))
        .set_years(to_i32(lock.years))
        .build();
    let configuration = ObjectLockConfiguration::builder()
        .object_lock_enabled(ObjectLockEnabled::Enabled)
        .rule(
            ObjectLockRule::builder()
                .default_retention(retention)
                .build(),
        )
        .build();
    ctx.env
        .s3()
        .put_object_lock_configuration()
        .bucket(&spec.name)
        .object_lock_configuration(configuration)
        .send()
        .await
        .aws(SERVICE, "PutObjectLockConfiguration", &spec.name)?;
    Ok(())
}
