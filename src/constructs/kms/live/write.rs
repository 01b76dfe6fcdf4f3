//! Making a key (or finishing a twin), converging its settings, and scheduling its deletion.

use std::collections::BTreeMap;

use aws_sdk_kms::types::{KeySpec, KeyUsageType, Tag};

use crate::aws_error::AwsResultExt;
use crate::construct::{diff_states, Ctx, Live, ResourceOutputs, SettingChange};
use crate::controls::ControlId;
use crate::error::{Error, Result};
use crate::policy::PolicyDocument;

use super::super::key::{HipaaKey, KeyState};
use super::read::list_tags;
use super::read::read_by_metadata;
use super::twins::choose_kept;
use super::twins::find_unaliased;
use super::twins::retire_twins;
use super::twins::twin_evidence;
use super::SERVICE;

/// The key's deletion window as KMS takes it.
pub(super) fn deletion_window(key: &HipaaKey) -> Result<i32> {
    i32::try_from(key.deletion_window_days()).map_err(|_| Error::Refused {
        resource: format!("kms key {}", key.alias()),
        reason: format!(
            "a deletion window of {} days cannot be sent to KMS",
            key.deletion_window_days()
        ),
        control: ControlId::KmsDeletionWindow,
    })
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
pub(crate) async fn create_key(
    ctx: &Ctx<'_>,
    key: &HipaaKey,
    desired: &KeyState,
) -> Result<ResourceOutputs> {
    let kms = ctx.env.kms();
    let mut candidates = Vec::new();
    for metadata in find_unaliased(ctx, key).await? {
        let evidence = twin_evidence(ctx, &metadata, None).await?;
        candidates.push((metadata, evidence));
    }
    let metadata = match choose_kept(&candidates).and_then(|index| candidates.get(index)) {
        Some((metadata, _)) => {
            tracing::info!(
                alias = key.alias(),
                key_id = metadata.key_id(),
                "finishing a key an earlier apply left without its alias"
            );
            metadata.clone()
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
    retire_twins(ctx, key, &metadata).await?;
    let tags = list_tags(ctx, metadata.key_id()).await?;
    let live = read_by_metadata(ctx, key, metadata, tags, None).await?;
    let changes = diff_states(desired, &live.state);
    update_key(ctx, key, &live, desired, &changes).await?;
    Ok(live.outputs)
}

/// Brings each changed setting to its desired value, cancelling a scheduled deletion first.
pub(crate) async fn update_key(
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
pub(crate) async fn schedule_key_deletion(
    ctx: &Ctx<'_>,
    key: &HipaaKey,
    live: &Live<KeyState>,
) -> Result<()> {
    if live.state.key_state == "PendingDeletion" {
        return Ok(());
    }
    ctx.env
        .kms()
        .schedule_key_deletion()
        .key_id(&live.outputs.physical_id)
        .pending_window_in_days(deletion_window(key)?)
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
