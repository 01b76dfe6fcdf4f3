//! Reading every setting of a bucket the controls judge, each with its own call.

use std::collections::BTreeMap;

use aws_sdk_s3::types::{ExpirationStatus, ObjectLockEnabled, Type};

use crate::aws_error::AwsResultExt;
use crate::env::Environment;
use crate::error::{Error, Result};
use crate::policy::PolicyDocument;

use super::super::feeds;
use super::super::state::{
    AccessLogging, BucketEncryption, BucketState, LifecycleRule, ObjectLockState, PublicAccessBlock,
};
use super::SERVICE;
use crate::constructs::partial::Unread;

const PUBLIC_GROUPS: [&str; 2] = [
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
];

/// Reads every setting of a bucket the controls judge, `None` when the bucket does not exist.
/// Works for any bucket of the account, not only those the library made. Each setting is its
/// own call: one that fails is recorded in [`BucketState::unread`] (its controls become errors)
/// and the others are still read and judged. Only HeadBucket failing fails the read. The tags
/// come back as their own result: whoever needs them to know the owner decides what a failure
/// means.
pub async fn read_bucket_state(
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
    let (tags, state) = tokio::join!(read_tags(env, name), read_bucket_settings(env, name, arn));
    Ok(Some((state, tags)))
}

/// Reads every setting of a bucket known to exist (the audit has just found it with
/// [`existing_bucket_region`]), without its tags: what [`read_bucket_state`] reads, less the
/// HeadBucket and GetBucketTagging calls that only an owner needs. Failed reads are recorded in
/// [`BucketState::unread`], never judged.
pub async fn read_bucket_settings(env: &Environment, name: &str, arn: String) -> BucketState {
    // One round trip: every read at once (a bucket's reads are independent).
    let (
        encryption,
        block,
        ownership,
        versioning,
        policy,
        access_logging,
        lifecycle,
        object_lock,
        acl_grants_public,
    ) = tokio::join!(
        read_encryption(env, name),
        read_public_access_block(env, name),
        read_ownership(env, name),
        read_versioning(env, name),
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
    BucketState {
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
        replication_rules: Vec::new(),
        event_notifications: None,
        unread,
    }
}

pub(super) async fn read_tags(env: &Environment, name: &str) -> Result<BTreeMap<String, String>> {
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
pub async fn read_bucket_extras(env: &Environment, name: &str, state: &mut BucketState) {
    let (replication, notifications) = tokio::join!(
        super::replication::read_replication_rules(env, name),
        read_notifications(env, name)
    );
    settle_replication(state, replication);
    match notifications {
        Ok(on) => state.event_notifications = Some(on),
        Err(error) => state.unread.record(feeds::NOTIFICATIONS, &error),
    }
}

/// Puts the replication rules read into `state` (and whether any is enabled), or records the
/// failed read.
pub(super) fn settle_replication(
    state: &mut BucketState,
    rules: Result<Vec<super::super::state::ReplicationRule>>,
) {
    match rules {
        Ok(rules) => {
            state.replication = Some(rules.iter().any(|rule| rule.enabled));
            state.replication_rules = rules;
        }
        Err(error) => state.unread.record(feeds::REPLICATION, &error),
    }
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

/// The region of a bucket (GetBucketLocation; an empty answer means us-east-1), `None` when
/// the bucket does not exist (it was deleted since it was listed).
pub async fn existing_bucket_region(env: &Environment, name: &str) -> Result<Option<String>> {
    let location = env
        .s3()
        .get_bucket_location()
        .bucket(name)
        .send()
        .await
        .aws_optional(
            SERVICE,
            "GetBucketLocation",
            name,
            &["NoSuchBucket", "NotFound"],
        )?;
    Ok(location.map(|location| region_of_constraint(location.location_constraint())))
}

/// The region a LocationConstraint names: none or empty is us-east-1, `EU` is eu-west-1.
fn region_of_constraint(
    constraint: Option<&aws_sdk_s3::types::BucketLocationConstraint>,
) -> String {
    constraint
        .map(|constraint| constraint.as_str().to_string())
        .filter(|region| !region.is_empty())
        .map(|region| {
            if region == "EU" {
                "eu-west-1".to_string()
            } else {
                region
            }
        })
        .unwrap_or_else(|| "us-east-1".to_string())
}
