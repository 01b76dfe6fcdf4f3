//! Reading, creating and updating a bucket through the S3 API.

use std::collections::BTreeMap;

use aws_sdk_s3::types::{
    AbortIncompleteMultipartUpload, BucketLifecycleConfiguration, BucketLocationConstraint,
    BucketLoggingStatus, BucketVersioningStatus, CreateBucketConfiguration, DefaultRetention,
    ExpirationStatus, LifecycleExpiration, LifecycleRuleFilter, LoggingEnabled,
    NoncurrentVersionExpiration, ObjectLockConfiguration, ObjectLockEnabled,
    ObjectLockRetentionMode, ObjectLockRule, ObjectOwnership, OwnershipControls,
    OwnershipControlsRule, PublicAccessBlockConfiguration, ServerSideEncryption,
    ServerSideEncryptionByDefault, ServerSideEncryptionConfiguration, ServerSideEncryptionRule,
    Tag, Tagging, Transition, TransitionStorageClass, Type,
};

use crate::aws_error::AwsResultExt;
use crate::construct::{diff_states, Ctx, Live, ResourceOutputs, SettingChange};
use crate::env::{Environment, LOGICAL_ID_TAG, STACK_TAG};
use crate::error::{Error, Result};
use crate::policy::PolicyDocument;

use super::feeds;
use super::spec::BucketSpec;
use super::state::{
    AccessLogging, BucketEncryption, BucketState, LifecycleRule, ObjectLockState, PublicAccessBlock,
};
use crate::constructs::partial::Unread;

const SERVICE: &str = "s3";
const PUBLIC_GROUPS: [&str; 2] = [
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
];

/// Reads every setting of a bucket the controls judge. Works for any bucket of the account,
/// not only those the library made. Each setting is its own call: one that fails is recorded
/// in [`BucketState::unread`] (its controls become errors) and the others are still read and
/// judged. Only HeadBucket failing fails the read. The tags come back as their own result:
/// whoever needs them to know the owner decides what a failure means.
pub(crate) async fn read_bucket_state(
    env: &Environment,
    name: &str,
    arn: String,
) -> Result<Option<(BucketState, Result<BTreeMap<String, String>>)>> {
    let s3 = env.s3();
    let exists = s3.head_bucket().bucket(name).send().await.aws_optional(
        SERVICE,
        "HeadBucket",
        name,
        &["NotFound", "NoSuchBucket", "404"],
    )?;
    if exists.is_none() {
        return Ok(None);
    }
    let (tags, encryption, block, ownership, versioning) = tokio::join!(
        read_tags(env, name),
        read_encryption(env, name),
        read_public_access_block(env, name),
        read_ownership(env, name),
        read_versioning(env, name),
    );
    let (policy, access_logging, lifecycle, object_lock, acl_grants_public) = tokio::join!(
        read_policy(env, name),
        read_logging(env, name),
        read_lifecycle(env, name),
        read_object_lock(env, name),
        read_acl_public(env, name),
    );
    // The fallbacks are never judged: the controls a failed read feeds become errors.
    let mut unread = Unread::none();
    let encryption = unread.settle(feeds::ENCRYPTION, encryption, None);
    let block = unread.settle(feeds::PUBLIC_ACCESS_BLOCK, block, None);
    let ownership = unread.settle(feeds::OWNERSHIP, ownership, None);
    let versioning = unread.settle(feeds::VERSIONING, versioning, "Disabled".to_string());
    let policy = unread.settle(feeds::POLICY, policy, None);
    let access_logging = unread.settle(feeds::LOGGING, access_logging, None);
    let lifecycle = unread.settle(feeds::LIFECYCLE, lifecycle, Vec::new());
    let object_lock = unread.settle(feeds::OBJECT_LOCK, object_lock, None);
    let acl_grants_public = match acl_grants_public {
        Ok(public) => Some(public),
        Err(error) => {
            unread.record(feeds::ACL, &error);
            None
        }
    };
    let state = BucketState {
        name: name.to_string(),
        arn,
        encryption,
        public_access_block: block,
        object_ownership: ownership,
        versioning,
        policy,
        access_logging,
        lifecycle,
        object_lock,
        acl_grants_public,
        tags: BTreeMap::new(),
        replication: None,
        event_notifications: None,
        unread,
    };
    Ok(Some((state, tags)))
}

/// Finds the bucket of a spec. A bucket that another stack manages, or that holds data without
/// this stack's tags, is a conflict; an empty untagged bucket with no policy is one an earlier
/// apply was interrupted making, and is finished.
pub(super) async fn read_bucket(
    ctx: &Ctx<'_>,
    spec: &BucketSpec,
) -> Result<Option<Live<BucketState>>> {
    let Some((mut state, tags)) =
        read_bucket_state(ctx.env, &spec.name, spec.arn(&ctx.scope)).await?
    else {
        return Ok(None);
    };
    // The tags say whose bucket it is: without them nothing may be judged or changed.
    let tags = tags?;
    let stack = tags.get(STACK_TAG).map(String::as_str);
    let logical_id = tags.get(LOGICAL_ID_TAG).map(String::as_str);
    let ours = stack == Some(ctx.scope.stack) && logical_id == Some(spec.id.as_str());
    if !ours {
        let half_made = tags.is_empty()
            && state.unread.failed(feeds::POLICY).is_none()
            && state.policy.is_none()
            && is_empty(ctx, &spec.name).await?;
        if !half_made {
            return Err(Error::Conflict {
                resource: spec.resource_name(),
                reason: format!(
                    "the bucket exists and is not managed by stack {:?} as {} (its tags say stack {:?}, id {:?}); \
                     choose another name or move it into this stack's tags deliberately",
                    ctx.scope.stack,
                    spec.id,
                    stack.unwrap_or("(none)"),
                    logical_id.unwrap_or("(none)")
                ),
            });
        }
        tracing::info!(
            bucket = spec.name.as_str(),
            "finishing an empty untagged bucket an earlier apply left half-made"
        );
    }
    if spec.object_lock.is_none() {
        // Object Lock cannot be turned off once on, and is stricter than asked: a spec that
        // does not ask for it does not treat it as drift.
        state.object_lock = None;
    }
    let wanted = spec.desired(&ctx.scope).tags;
    state.tags = tags
        .into_iter()
        .filter(|(key, _)| wanted.contains_key(key))
        .collect();
    Ok(Some(Live {
        outputs: ResourceOutputs {
            arn: state.arn.clone(),
            physical_id: spec.name.clone(),
        },
        state,
    }))
}

/// True when the bucket holds any object version or delete marker.
pub(super) async fn holds_objects(ctx: &Ctx<'_>, name: &str) -> Result<bool> {
    is_empty(ctx, name).await.map(|empty| !empty)
}

/// Deletes the bucket. Only with the caller's consent are its object versions and delete
/// markers deleted first; without it the bucket gets DeleteBucket alone, which S3 refuses
/// (BucketNotEmpty) for a bucket that came to hold anything, and destroy then keeps it.
pub(super) async fn delete_bucket(ctx: &Ctx<'_>, name: &str) -> Result<()> {
    if ctx.deletion_consented() {
        empty_bucket(ctx, name).await?;
    }
    ctx.env
        .s3()
        .delete_bucket()
        .bucket(name)
        .send()
        .await
        .aws(SERVICE, "DeleteBucket", name)?;
    Ok(())
}

/// Deletes every object version and delete marker (destroy with consent only).
async fn empty_bucket(ctx: &Ctx<'_>, name: &str) -> Result<()> {
    let s3 = ctx.env.s3();
    loop {
        let listing = s3
            .list_object_versions()
            .bucket(name)
            .max_keys(1000)
            .send()
            .await
            .aws(SERVICE, "ListObjectVersions", name)?;
        let mut objects = Vec::new();
        for (key, version) in listing
            .versions()
            .iter()
            .map(|v| (v.key(), v.version_id()))
            .chain(
                listing
                    .delete_markers()
                    .iter()
                    .map(|m| (m.key(), m.version_id())),
            )
        {
            let Some(key) = key else { continue };
            objects.push(
                aws_sdk_s3::types::ObjectIdentifier::builder()
                    .key(key)
                    .set_version_id(version.map(str::to_string))
                    .build()
                    .map_err(Error::request(SERVICE, "DeleteObjects"))?,
            );
        }
        if objects.is_empty() {
            break;
        }
        let delete = aws_sdk_s3::types::Delete::builder()
            .set_objects(Some(objects))
            .quiet(true)
            .build()
            .map_err(Error::request(SERVICE, "DeleteObjects"))?;
        let deleted = s3
            .delete_objects()
            .bucket(name)
            .delete(delete)
            .send()
            .await
            .aws(SERVICE, "DeleteObjects", name)?;
        // Without this, objects S3 refuses to delete would be listed again forever.
        if let Some(refused) = deleted.errors().first() {
            return Err(Error::Conflict {
                resource: format!("s3 bucket {name:?}"),
                reason: format!(
                    "{} object version(s) could not be deleted, e.g. {:?}: {} {}",
                    deleted.errors().len(),
                    refused.key().unwrap_or_default(),
                    refused.code().unwrap_or_default(),
                    refused.message().unwrap_or_default()
                ),
            });
        }
    }
    Ok(())
}

async fn is_empty(ctx: &Ctx<'_>, name: &str) -> Result<bool> {
    let listing = ctx
        .env
        .s3()
        .list_object_versions()
        .bucket(name)
        .max_keys(1)
        .send()
        .await
        .aws(SERVICE, "ListObjectVersions", name)?;
    Ok(listing.versions().is_empty() && listing.delete_markers().is_empty())
}

async fn read_tags(env: &Environment, name: &str) -> Result<BTreeMap<String, String>> {
    let output = env
        .s3()
        .get_bucket_tagging()
        .bucket(name)
        .send()
        .await
        .aws_optional(
            SERVICE,
            "GetBucketTagging",
            name,
            &["NoSuchTagSet", "NoSuchTagSetError"],
        )?;
    Ok(output
        .map(|output| {
            output
                .tag_set()
                .iter()
                .map(|tag| (tag.key().to_string(), tag.value().to_string()))
                .collect()
        })
        .unwrap_or_default())
}

async fn read_encryption(env: &Environment, name: &str) -> Result<Option<BucketEncryption>> {
    let output = env
        .s3()
        .get_bucket_encryption()
        .bucket(name)
        .send()
        .await
        .aws_optional(
            SERVICE,
            "GetBucketEncryption",
            name,
            &["ServerSideEncryptionConfigurationNotFoundError"],
        )?;
    let rule = output
        .and_then(|output| output.server_side_encryption_configuration)
        .and_then(|config| config.rules.into_iter().next());
    Ok(rule.and_then(|rule| {
        let bucket_key = rule.bucket_key_enabled.unwrap_or(false);
        rule.apply_server_side_encryption_by_default
            .map(|default| BucketEncryption {
                algorithm: default.sse_algorithm.as_str().to_string(),
                kms_key: default.kms_master_key_id,
                bucket_key,
            })
    }))
}

async fn read_public_access_block(
    env: &Environment,
    name: &str,
) -> Result<Option<PublicAccessBlock>> {
    let output = env
        .s3()
        .get_public_access_block()
        .bucket(name)
        .send()
        .await
        .aws_optional(
            SERVICE,
            "GetPublicAccessBlock",
            name,
            &["NoSuchPublicAccessBlockConfiguration"],
        )?;
    Ok(output
        .and_then(|output| output.public_access_block_configuration)
        .map(|config| PublicAccessBlock {
            block_public_acls: config.block_public_acls.unwrap_or(false),
            ignore_public_acls: config.ignore_public_acls.unwrap_or(false),
            block_public_policy: config.block_public_policy.unwrap_or(false),
            restrict_public_buckets: config.restrict_public_buckets.unwrap_or(false),
        }))
}

async fn read_ownership(env: &Environment, name: &str) -> Result<Option<String>> {
    let output = env
        .s3()
        .get_bucket_ownership_controls()
        .bucket(name)
        .send()
        .await
        .aws_optional(
            SERVICE,
            "GetBucketOwnershipControls",
            name,
            &["OwnershipControlsNotFoundError"],
        )?;
    Ok(output
        .and_then(|output| output.ownership_controls)
        .and_then(|controls| controls.rules.into_iter().next())
        .map(|rule| rule.object_ownership.as_str().to_string()))
}

async fn read_versioning(env: &Environment, name: &str) -> Result<String> {
    let output = env
        .s3()
        .get_bucket_versioning()
        .bucket(name)
        .send()
        .await
        .aws(SERVICE, "GetBucketVersioning", name)?;
    Ok(output
        .status
        .map(|status| status.as_str().to_string())
        .unwrap_or_else(|| "Disabled".to_string()))
}

async fn read_policy(env: &Environment, name: &str) -> Result<Option<PolicyDocument>> {
    let output = env
        .s3()
        .get_bucket_policy()
        .bucket(name)
        .send()
        .await
        .aws_optional(SERVICE, "GetBucketPolicy", name, &["NoSuchBucketPolicy"])?;
    match output.and_then(|output| output.policy) {
        None => Ok(None),
        Some(text) => PolicyDocument::from_json(&text)
            .map(Some)
            .map_err(|error| Error::unexpected(SERVICE, "GetBucketPolicy", error.to_string())),
    }
}

async fn read_logging(env: &Environment, name: &str) -> Result<Option<AccessLogging>> {
    let output = env
        .s3()
        .get_bucket_logging()
        .bucket(name)
        .send()
        .await
        .aws(SERVICE, "GetBucketLogging", name)?;
    Ok(output.logging_enabled.map(|logging| AccessLogging {
        target_bucket: logging.target_bucket,
        target_prefix: logging.target_prefix,
    }))
}

async fn read_lifecycle(env: &Environment, name: &str) -> Result<Vec<LifecycleRule>> {
    let output = env
        .s3()
        .get_bucket_lifecycle_configuration()
        .bucket(name)
        .send()
        .await
        .aws_optional(
            SERVICE,
            "GetBucketLifecycleConfiguration",
            name,
            &["NoSuchLifecycleConfiguration"],
        )?;
    let days = |value: Option<i32>| value.and_then(|days| u32::try_from(days).ok());
    let mut rules: Vec<LifecycleRule> = output
        .map(|output| output.rules.unwrap_or_default())
        .unwrap_or_default()
        .into_iter()
        .map(|rule| LifecycleRule {
            id: rule.id.clone().unwrap_or_default(),
            enabled: rule.status == ExpirationStatus::Enabled,
            expiration_days: days(rule.expiration.as_ref().and_then(|e| e.days)),
            expiration_date: rule.expiration.as_ref().and_then(|e| e.date()).map(|date| {
                date.fmt(aws_smithy_types::date_time::Format::DateTime)
                    .unwrap_or_else(|_| date.secs().to_string())
            }),
            filter: lifecycle_filter(&rule),
            noncurrent_expiration_days: days(
                rule.noncurrent_version_expiration
                    .as_ref()
                    .and_then(|e| e.noncurrent_days),
            ),
            transition: rule.transitions().first().and_then(|transition| {
                let class = transition.storage_class.as_ref()?.as_str().to_string();
                Some((days(transition.days)?, class))
            }),
            abort_incomplete_multipart_days: days(
                rule.abort_incomplete_multipart_upload
                    .as_ref()
                    .and_then(|abort| abort.days_after_initiation),
            ),
        })
        .collect();
    rules.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(rules)
}

/// The part of the bucket a lifecycle rule applies to, in words; `None` for every object (no
/// filter, or an empty prefix).
fn lifecycle_filter(rule: &aws_sdk_s3::types::LifecycleRule) -> Option<String> {
    let tag = |tag: &aws_sdk_s3::types::Tag| format!("tag {}={}", tag.key(), tag.value());
    let prefix = |prefix: Option<&str>| {
        prefix
            .filter(|prefix| !prefix.is_empty())
            .map(|prefix| format!("prefix {prefix}"))
    };
    let size = |greater: Option<i64>, less: Option<i64>| {
        [
            greater.map(|bytes| format!("size > {bytes}")),
            less.map(|bytes| format!("size < {bytes}")),
        ]
    };
    #[allow(deprecated)]
    let legacy_prefix = prefix(rule.prefix());
    let mut parts: Vec<String> = legacy_prefix.into_iter().collect();
    if let Some(filter) = &rule.filter {
        parts.extend(prefix(filter.prefix()));
        parts.extend(filter.tag().map(tag));
        parts.extend(
            size(
                filter.object_size_greater_than(),
                filter.object_size_less_than(),
            )
            .into_iter()
            .flatten(),
        );
        if let Some(and) = filter.and() {
            parts.extend(prefix(and.prefix()));
            parts.extend(and.tags().iter().map(tag));
            parts.extend(
                size(and.object_size_greater_than(), and.object_size_less_than())
                    .into_iter()
                    .flatten(),
            );
        }
    }
    (!parts.is_empty()).then(|| parts.join(" and "))
}

async fn read_object_lock(env: &Environment, name: &str) -> Result<Option<ObjectLockState>> {
    let output = env
        .s3()
        .get_object_lock_configuration()
        .bucket(name)
        .send()
        .await
        .aws_optional(
            SERVICE,
            "GetObjectLockConfiguration",
            name,
            &["ObjectLockConfigurationNotFoundError"],
        )?;
    let Some(config) = output.and_then(|output| output.object_lock_configuration) else {
        return Ok(None);
    };
    let enabled = config.object_lock_enabled == Some(ObjectLockEnabled::Enabled);
    if !enabled {
        return Ok(None);
    }
    let retention = config.rule.and_then(|rule| rule.default_retention);
    Ok(Some(ObjectLockState {
        enabled,
        mode: retention
            .as_ref()
            .and_then(|r| r.mode.as_ref())
            .map(|mode| mode.as_str().to_string()),
        days: retention
            .as_ref()
            .and_then(|r| r.days)
            .and_then(|days| u32::try_from(days).ok()),
        years: retention
            .as_ref()
            .and_then(|r| r.years)
            .and_then(|years| u32::try_from(years).ok()),
    }))
}

async fn read_acl_public(env: &Environment, name: &str) -> Result<bool> {
    let output =
        env.s3()
            .get_bucket_acl()
            .bucket(name)
            .send()
            .await
            .aws(SERVICE, "GetBucketAcl", name)?;
    Ok(output.grants().iter().any(|grant| {
        grant.grantee().is_some_and(|grantee| {
            grantee.r#type() == &Type::Group
                && grantee
                    .uri()
                    .is_some_and(|uri| PUBLIC_GROUPS.contains(&uri))
        })
    }))
}

/// Reads what only audits judge, replication and event notifications, into `state`; a read
/// that fails is recorded in `state.unread` and leaves its setting unknown.
#[cfg_attr(not(feature = "audit"), allow(dead_code))] // only audits read this
pub(crate) async fn read_bucket_extras(env: &Environment, name: &str, state: &mut BucketState) {
    let (replication, notifications) =
        tokio::join!(read_replication(env, name), read_notifications(env, name));
    match replication {
        Ok(on) => state.replication = Some(on),
        Err(error) => state.unread.record(feeds::REPLICATION, &error),
    }
    match notifications {
        Ok(on) => state.event_notifications = Some(on),
        Err(error) => state.unread.record(feeds::NOTIFICATIONS, &error),
    }
}

async fn read_replication(env: &Environment, name: &str) -> Result<bool> {
    let replication = env
        .s3()
        .get_bucket_replication()
        .bucket(name)
        .send()
        .await
        .aws_optional(
            SERVICE,
            "GetBucketReplication",
            name,
            &["ReplicationConfigurationNotFoundError"],
        )?
        .and_then(|output| output.replication_configuration)
        .is_some_and(|config| {
            config
                .rules()
                .iter()
                .any(|rule| rule.status() == &aws_sdk_s3::types::ReplicationRuleStatus::Enabled)
        });
    Ok(replication)
}

async fn read_notifications(env: &Environment, name: &str) -> Result<bool> {
    let notifications = env
        .s3()
        .get_bucket_notification_configuration()
        .bucket(name)
        .send()
        .await
        .aws(SERVICE, "GetBucketNotificationConfiguration", name)?;
    let notified = !notifications.topic_configurations().is_empty()
        || !notifications.queue_configurations().is_empty()
        || !notifications.lambda_function_configurations().is_empty()
        || notifications.event_bridge_configuration().is_some();
    Ok(notified)
}

/// The region of a bucket (GetBucketLocation; an empty answer means us-east-1).
#[cfg_attr(not(feature = "audit"), allow(dead_code))] // only audits read this
pub(crate) async fn bucket_region(env: &Environment, name: &str) -> Result<String> {
    let location = env
        .s3()
        .get_bucket_location()
        .bucket(name)
        .send()
        .await
        .aws(SERVICE, "GetBucketLocation", name)?;
    Ok(location
        .location_constraint()
        .map(|constraint| constraint.as_str().to_string())
        .filter(|region| !region.is_empty())
        .map(|region| {
            if region == "EU" {
                "eu-west-1".to_string()
            } else {
                region
            }
        })
        .unwrap_or_else(|| "us-east-1".to_string()))
}

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
pub(super) async fn create_bucket(
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
pub(super) async fn update_bucket(
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
