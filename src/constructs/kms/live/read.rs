//! Reading a key: by its alias (ours, or a conflict), or any key of the account for the audit.

use std::collections::BTreeMap;

use aws_sdk_kms::types::KeyMetadata;

use crate::aws_error::AwsResultExt;
use crate::construct::{Construct, Ctx, Live, ResourceOutputs};
use crate::env::{LOGICAL_ID_TAG, STACK_TAG};
use crate::error::{Error, Result};
use crate::policy::PolicyDocument;

use super::super::key::{HipaaKey, KeyState};
use super::NOT_FOUND;
use super::SERVICE;

/// Finds the key by its alias; `None` when the alias does not exist. A key behind the alias that
/// another stack (or nobody) manages is a conflict, not something to take over.
pub(crate) async fn read_key(ctx: &Ctx<'_>, key: &HipaaKey) -> Result<Option<Live<KeyState>>> {
    let kms = ctx.env.kms();
    let described = kms
        .describe_key()
        .key_id(key.alias())
        .send()
        .await
        .aws_optional(SERVICE, "DescribeKey", key.alias(), NOT_FOUND)?;
    let Some(metadata) = described.and_then(|output| output.key_metadata) else {
        return Ok(None);
    };
    let tags = list_tags(ctx, metadata.key_id()).await?;
    ensure_ours(ctx, key, &metadata, &tags)?;
    read_by_metadata(ctx, key, metadata, tags, Some(key.alias().to_string()))
        .await
        .map(Some)
}

/// Reads every setting of the key with this metadata.
pub(super) async fn read_by_metadata(
    ctx: &Ctx<'_>,
    key: &HipaaKey,
    metadata: KeyMetadata,
    tags: BTreeMap<String, String>,
    alias: Option<String>,
) -> Result<Live<KeyState>> {
    let kms = ctx.env.kms();
    let key_id = metadata.key_id().to_string();
    let arn = metadata
        .arn()
        .map(str::to_string)
        .unwrap_or_else(|| ctx.env.arn("kms", &format!("key/{key_id}")));
    let rotation = kms
        .get_key_rotation_status()
        .key_id(&key_id)
        .send()
        .await
        .aws(SERVICE, "GetKeyRotationStatus", key.alias())?;
    let policy_text = kms
        .get_key_policy()
        .key_id(&key_id)
        .policy_name("default")
        .send()
        .await
        .aws(SERVICE, "GetKeyPolicy", key.alias())?
        .policy
        .unwrap_or_default();
    let policy = PolicyDocument::from_json(&policy_text)
        .map_err(|error| Error::unexpected(SERVICE, "GetKeyPolicy", error.to_string()))?;
    let wanted_tags = key.desired(&ctx.scope).tags;
    let state = KeyState {
        alias,
        description: metadata.description().unwrap_or_default().to_string(),
        key_spec: metadata
            .key_spec()
            .map(|spec| spec.as_str().to_string())
            .unwrap_or_default(),
        key_usage: metadata
            .key_usage()
            .map(|usage| usage.as_str().to_string())
            .unwrap_or_default(),
        key_manager: metadata
            .key_manager()
            .map(|manager| manager.as_str().to_string())
            .unwrap_or_default(),
        key_state: metadata
            .key_state()
            .map(|state| state.as_str().to_string())
            .unwrap_or_default(),
        rotation_enabled: rotation.key_rotation_enabled(),
        rotation_period_days: rotation
            .rotation_period_in_days()
            .and_then(|days| u32::try_from(days).ok()),
        policy: Some(policy),
        tags: tags
            .into_iter()
            .filter(|(name, _)| wanted_tags.contains_key(name))
            .collect(),
        account_id: account_of_arn(&arn),
    };
    Ok(Live {
        state,
        outputs: ResourceOutputs {
            arn,
            physical_id: key_id,
        },
    })
}

/// The account field of a key ARN (empty when it is not an ARN: the key policy then fails).
fn account_of_arn(arn: &str) -> String {
    crate::policy::Arn::parse(arn)
        .map(|arn| arn.account)
        .unwrap_or_default()
}

/// The key policy of any key of the account (the audit judges it for customer-managed keys).
pub async fn read_key_policy(
    env: &crate::env::Environment,
    key_id: &str,
) -> Result<PolicyDocument> {
    let text = env
        .kms()
        .get_key_policy()
        .key_id(key_id)
        .policy_name("default")
        .send()
        .await
        .aws(SERVICE, "GetKeyPolicy", key_id)?
        .policy
        .unwrap_or_default();
    PolicyDocument::from_json(&text)
        .map_err(|error| Error::unexpected(SERVICE, "GetKeyPolicy", error.to_string()))
}

/// Reads every setting the controls judge of any key of the account (tags left empty).
pub async fn read_key_state(
    env: &crate::env::Environment,
    key_id: &str,
    aliases: &[String],
) -> Result<(KeyState, String)> {
    let kms = env.kms();
    let metadata = kms
        .describe_key()
        .key_id(key_id)
        .send()
        .await
        .aws(SERVICE, "DescribeKey", key_id)?
        .key_metadata
        .ok_or_else(|| Error::unexpected(SERVICE, "DescribeKey", "no key metadata"))?;
    let arn = metadata.arn().unwrap_or(key_id).to_string();
    let symmetric = metadata.key_spec().map(|spec| spec.as_str()) == Some("SYMMETRIC_DEFAULT");
    let customer = metadata.key_manager().map(|m| m.as_str()) == Some("CUSTOMER");
    let (rotation_enabled, rotation_period_days) = if symmetric && customer {
        let rotation = kms
            .get_key_rotation_status()
            .key_id(key_id)
            .send()
            .await
            .aws(SERVICE, "GetKeyRotationStatus", key_id)?;
        (
            rotation.key_rotation_enabled(),
            rotation
                .rotation_period_in_days()
                .and_then(|days| u32::try_from(days).ok()),
        )
    } else {
        (false, None)
    };
    let text = |value: Option<&str>| value.unwrap_or_default().to_string();
    let state = KeyState {
        alias: aliases.first().cloned(),
        description: text(metadata.description()),
        key_spec: text(metadata.key_spec().map(|v| v.as_str())),
        // ENCRYPT_DECRYPT is what KMS uses when CreateKey names no usage.
        key_usage: metadata
            .key_usage()
            .map(|v| v.as_str())
            .unwrap_or("ENCRYPT_DECRYPT")
            .to_string(),
        key_manager: text(metadata.key_manager().map(|v| v.as_str())),
        key_state: text(metadata.key_state().map(|v| v.as_str())),
        rotation_enabled,
        rotation_period_days,
        policy: None,
        tags: BTreeMap::new(),
        account_id: account_of_arn(&arn),
    };
    Ok((state, arn))
}

pub(super) async fn list_tags(ctx: &Ctx<'_>, key_id: &str) -> Result<BTreeMap<String, String>> {
    let mut tags = BTreeMap::new();
    let mut pages = ctx
        .env
        .kms()
        .list_resource_tags()
        .key_id(key_id)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.aws(SERVICE, "ListResourceTags", key_id)?;
        for tag in page.tags() {
            tags.insert(tag.tag_key().to_string(), tag.tag_value().to_string());
        }
    }
    Ok(tags)
}

fn ensure_ours(
    ctx: &Ctx<'_>,
    key: &HipaaKey,
    metadata: &KeyMetadata,
    tags: &BTreeMap<String, String>,
) -> Result<()> {
    let stack = tags.get(STACK_TAG).map(String::as_str);
    let logical_id = tags.get(LOGICAL_ID_TAG).map(String::as_str);
    if stack == Some(ctx.scope.stack) && logical_id == Some(key.id().as_str()) {
        return Ok(());
    }
    Err(Error::Conflict {
        resource: format!("kms key {}", key.alias()),
        reason: format!(
            "the alias points to key {} which is not managed by stack {:?} as {} (its tags say stack {:?}, id {:?}); \
             choose another alias or remove the old one",
            metadata.key_id(),
            ctx.scope.stack,
            key.id(),
            stack.unwrap_or("(none)"),
            logical_id.unwrap_or("(none)")
        ),
    })
}
