//! Reading, creating and updating a [`HipaaKey`] through the KMS API.

use std::collections::BTreeMap;

use aws_sdk_kms::types::{KeyMetadata, KeySpec, KeyUsageType, Tag};

use crate::aws_error::AwsResultExt;
use crate::construct::{diff_states, Construct, Ctx, Live, ResourceOutputs, SettingChange};
use crate::controls::ControlId;
use crate::env::{LOGICAL_ID_TAG, STACK_TAG};
use crate::error::{Error, Result};
use crate::policy::PolicyDocument;

use super::key::{HipaaKey, KeyState};

const SERVICE: &str = "kms";
const NOT_FOUND: &[&str] = &["NotFoundException"];

/// Finds the key by its alias; `None` when the alias does not exist. A key behind the alias that
/// another stack (or nobody) manages is a conflict, not something to take over.
pub(super) async fn read_key(ctx: &Ctx<'_>, key: &HipaaKey) -> Result<Option<Live<KeyState>>> {
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
async fn read_by_metadata(
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
    };
    Ok(Live {
        state,
        outputs: ResourceOutputs {
            arn,
            physical_id: key_id,
        },
    })
}

/// Reads every setting the controls judge of any key of the account (tags left empty).
#[cfg_attr(not(feature = "audit"), allow(dead_code))] // only audits read this
pub(crate) async fn read_key_state(
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
    };
    Ok((state, arn))
}

async fn list_tags(ctx: &Ctx<'_>, key_id: &str) -> Result<BTreeMap<String, String>> {
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

/// Keys this stack created for `key` whose alias was never made (an interrupted apply, or a
/// CreateKey the SDK retried after a lost response), found by tags; keys already scheduled for
/// deletion are left out.
async fn find_unaliased(ctx: &Ctx<'_>, key: &HipaaKey) -> Result<Vec<KeyMetadata>> {
    let kms = ctx.env.kms();
    let mut found = Vec::new();
    let mut pages = kms.list_keys().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.aws(SERVICE, "ListKeys", key.alias())?;
        for entry in page.keys() {
            let Some(key_id) = entry.key_id() else {
                continue;
            };
            let tags = match list_tags(ctx, key_id).await {
                Ok(tags) => tags,
                // Keys of other owners (or AWS managed keys) may refuse tag reads: not ours.
                Err(Error::Aws(error)) if error.is_access_denied() => continue,
                Err(error) => return Err(error),
            };
            let ours = tags.get(STACK_TAG).map(String::as_str) == Some(ctx.scope.stack)
                && tags.get(LOGICAL_ID_TAG).map(String::as_str) == Some(key.id().as_str());
            if !ours {
                continue;
            }
            let metadata = kms
                .describe_key()
                .key_id(key_id)
                .send()
                .await
                .aws(SERVICE, "DescribeKey", key.alias())?
                .key_metadata;
            if let Some(metadata) = metadata {
                let pending =
                    metadata.key_state().map(|state| state.as_str()) == Some("PendingDeletion");
                if !pending {
                    found.push(metadata);
                }
            }
        }
    }
    Ok(found)
}

/// Schedules twins for deletion: keys made by retried CreateKey calls that never received an
/// alias, so never held data.
async fn retire_twins(ctx: &Ctx<'_>, key: &HipaaKey, keep: &str) -> Result<()> {
    for twin in find_unaliased(ctx, key).await? {
        if twin.key_id() == keep {
            continue;
        }
        tracing::warn!(
            alias = key.alias(),
            twin = twin.key_id(),
            "scheduling deletion of a duplicate key a retried CreateKey made"
        );
        ctx.env
            .kms()
            .schedule_key_deletion()
            .key_id(twin.key_id())
            .pending_window_in_days(i32::try_from(key.deletion_window_days()).unwrap_or(30))
            .send()
            .await
            .aws(SERVICE, "ScheduleKeyDeletion", key.alias())?;
    }
    Ok(())
}

fn kms_tags(tags: &BTreeMap<String, String>) -> Result<Vec<Tag>> {
    tags.iter()
        .map(|(key, value)| {
            Tag::builder()
                .tag_key(key)
                .tag_value(value)
                .build()
                .map_err(Error::request(SERVICE, "TagResource"))
        })
        .collect()
}

/// Makes the key, or finishes one an interrupted apply left without its alias.
pub(super) async fn create_key(
    ctx: &Ctx<'_>,
    key: &HipaaKey,
    desired: &KeyState,
) -> Result<ResourceOutputs> {
    let kms = ctx.env.kms();
    let metadata = match find_unaliased(ctx, key).await?.into_iter().next() {
        Some(metadata) => {
            tracing::info!(
                alias = key.alias(),
                key_id = metadata.key_id(),
                "finishing a key an earlier apply left without its alias"
            );
            metadata
        }
        None => {
            let policy = desired
                .policy
                .as_ref()
                .map(PolicyDocument::to_json)
                .unwrap_or_default();
            kms.create_key()
                .description(&desired.description)
                .key_usage(KeyUsageType::EncryptDecrypt)
                .key_spec(KeySpec::SymmetricDefault)
                .policy(policy)
                .set_tags(Some(kms_tags(&desired.tags)?))
                .send()
                .await
                .aws(SERVICE, "CreateKey", key.alias())?
                .key_metadata
                .ok_or_else(|| Error::unexpected(SERVICE, "CreateKey", "no key metadata"))?
        }
    };
    retire_twins(ctx, key, metadata.key_id()).await?;
    let tags = list_tags(ctx, metadata.key_id()).await?;
    let live = read_by_metadata(ctx, key, metadata, tags, None).await?;
    let changes = diff_states(desired, &live.state);
    update_key(ctx, key, &live, desired, &changes).await?;
    Ok(live.outputs)
}

/// Brings each changed setting to its desired value, cancelling a scheduled deletion first.
pub(super) async fn update_key(
    ctx: &Ctx<'_>,
    key: &HipaaKey,
    live: &Live<KeyState>,
    desired: &KeyState,
    changes: &[SettingChange],
) -> Result<()> {
    let kms = ctx.env.kms();
    let key_id = live.outputs.physical_id.as_str();
    let changed = |name: &str| changes.iter().any(|change| change.setting == name);
    for immutable in ["key_spec", "key_usage", "key_manager"] {
        if changed(immutable) {
            return Err(Error::Refused {
                resource: format!("kms key {}", key.alias()),
                reason: format!(
                    "{immutable} is {:?} but must be {:?}; KMS cannot change it, so the key would have to be replaced. \
                     Point the alias at a new key deliberately, outside the library",
                    live.state.settings_value(immutable),
                    desired.settings_value(immutable)
                ),
                control: ControlId::KmsKeyUsable,
            });
        }
    }
    if changed("key_state") {
        if live.state.key_state == "PendingDeletion" {
            kms.cancel_key_deletion().key_id(key_id).send().await.aws(
                SERVICE,
                "CancelKeyDeletion",
                key.alias(),
            )?;
        }
        kms.enable_key()
            .key_id(key_id)
            .send()
            .await
            .aws(SERVICE, "EnableKey", key.alias())?;
    }
    if changed("description") {
        kms.update_key_description()
            .key_id(key_id)
            .description(&desired.description)
            .send()
            .await
            .aws(SERVICE, "UpdateKeyDescription", key.alias())?;
    }
    if changed("policy") {
        let policy = desired
            .policy
            .as_ref()
            .map(PolicyDocument::to_json)
            .unwrap_or_default();
        kms.put_key_policy()
            .key_id(key_id)
            .policy_name("default")
            .policy(policy)
            .send()
            .await
            .aws(SERVICE, "PutKeyPolicy", key.alias())?;
    }
    if changed("rotation.enabled") || changed("rotation.period_days") {
        let period = desired
            .rotation_period_days
            .and_then(|days| i32::try_from(days).ok());
        kms.enable_key_rotation()
            .key_id(key_id)
            .set_rotation_period_in_days(period)
            .send()
            .await
            .aws(SERVICE, "EnableKeyRotation", key.alias())?;
    }
    let changed_tags: BTreeMap<String, String> = desired
        .tags
        .iter()
        .filter(|(name, _)| changed(&format!("tags.{name}")))
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect();
    if !changed_tags.is_empty() {
        kms.tag_resource()
            .key_id(key_id)
            .set_tags(Some(kms_tags(&changed_tags)?))
            .send()
            .await
            .aws(SERVICE, "TagResource", key.alias())?;
    }
    if changed("alias")
        && let Some(alias) = &desired.alias
    {
        kms.create_alias()
            .alias_name(alias)
            .target_key_id(key_id)
            .send()
            .await
            .aws(SERVICE, "CreateAlias", key.alias())?;
    }
    Ok(())
}

/// Schedules the key for deletion with its full window. The alias stays, so a later apply
/// finds the key and cancels the deletion instead of making a twin.
pub(super) async fn schedule_key_deletion(
    ctx: &Ctx<'_>,
    key: &HipaaKey,
    live: &Live<KeyState>,
) -> Result<()> {
    if live.state.key_state == "PendingDeletion" {
        return Ok(());
    }
    let window = i32::try_from(key.deletion_window_days()).unwrap_or(30);
    ctx.env
        .kms()
        .schedule_key_deletion()
        .key_id(&live.outputs.physical_id)
        .pending_window_in_days(window)
        .send()
        .await
        .aws(SERVICE, "ScheduleKeyDeletion", key.alias())?;
    Ok(())
}

impl KeyState {
    fn settings_value(&self, name: &str) -> String {
        use crate::construct::State;
        self.settings()
            .into_iter()
            .find(|setting| setting.name == name)
            .map(|setting| setting.value)
            .unwrap_or_default()
    }
}
