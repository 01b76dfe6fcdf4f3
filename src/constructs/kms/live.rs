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
        account_id: ctx.scope.account_id.to_string(),
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
        account_id: env.account_id().to_string(),
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

/// Keys this stack created for `key` (found by tags) that the alias does not point at: an
/// interrupted apply, or a CreateKey the SDK retried after a lost response. Keys already
/// scheduled for deletion are left out.
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
    // Oldest first: the key an earlier apply made is the one most likely to hold data.
    found.sort_by_key(|metadata| {
        metadata
            .creation_date()
            .map(|date| (date.secs(), date.subsec_nanos()))
    });
    Ok(found)
}

/// How far apart (in seconds) a twin's creation may be from the key kept: a CreateKey the SDK
/// retried makes its twin within seconds. A key made long before or after is no such twin,
/// and may have encrypted data under a default that was since changed.
pub(super) const TWIN_WINDOW_SECS: i64 = 15 * 60;

/// What is known of a candidate twin before it may be scheduled for deletion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct TwinEvidence {
    /// The aliases that point at it.
    pub aliases: Vec<String>,
    /// Whether a resource of the stack names it.
    pub usage: TwinUsage,
    /// Seconds between its creation and the kept key's (`None`: unknown).
    pub created_apart_secs: Option<i64>,
}

/// Whether a resource of the stack names a candidate twin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum TwinUsage {
    /// No resource of the stack names it.
    Unused,
    /// This resource of the stack names it (bucket default encryption, log group, trail,
    /// database, …).
    UsedBy(String),
    /// The question could not be answered (a read failed, or the operation offers no view of
    /// the stack).
    Unknown(String),
}

/// The rule for twins: a key is scheduled for deletion only when it provably never held
/// data, that is when no alias points at it, no resource of the stack names it, and it was
/// made within [`TWIN_WINDOW_SECS`] of the key kept (as a retried CreateKey makes it).
/// Anything else, including not knowing, keeps it (`Err` says why).
pub(super) fn may_retire(evidence: &TwinEvidence) -> std::result::Result<(), String> {
    if !evidence.aliases.is_empty() {
        return Err(format!(
            "alias {} points at it",
            evidence.aliases.join(", ")
        ));
    }
    match evidence.created_apart_secs {
        Some(apart) if apart <= TWIN_WINDOW_SECS => {}
        Some(apart) => {
            return Err(format!(
                "it was made {apart} seconds apart from the key kept, not by a retried CreateKey"
            ))
        }
        None => return Err("its creation date is unknown".to_string()),
    }
    match &evidence.usage {
        TwinUsage::Unused => Ok(()),
        TwinUsage::UsedBy(id) => Err(format!("{id} of the stack uses it")),
        TwinUsage::Unknown(why) => Err(format!("its use by the stack is unknown ({why})")),
    }
}

/// The aliases that point at a key.
async fn aliases_of(ctx: &Ctx<'_>, key_id: &str) -> Result<Vec<String>> {
    let mut aliases = Vec::new();
    let mut pages = ctx
        .env
        .kms()
        .list_aliases()
        .key_id(key_id)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.aws(SERVICE, "ListAliases", key_id)?;
        aliases.extend(
            page.aliases()
                .iter()
                // Some endpoints ignore the KeyId filter: keep only this key's aliases.
                .filter(|alias| alias.target_key_id().is_none_or(|target| target == key_id))
                .filter_map(|alias| alias.alias_name().map(str::to_string)),
        );
    }
    Ok(aliases)
}

/// Seconds since the epoch of a key's creation.
fn created_secs(metadata: &KeyMetadata) -> Option<i64> {
    metadata.creation_date().map(|date| date.secs())
}

/// Gathers the evidence about one candidate: its aliases, which resource of the stack (if any)
/// names its id or ARN, and how far its creation is from `kept`'s.
async fn twin_evidence(
    ctx: &Ctx<'_>,
    metadata: &KeyMetadata,
    kept: Option<&KeyMetadata>,
) -> Result<TwinEvidence> {
    let key_id = metadata.key_id().to_string();
    let aliases = aliases_of(ctx, &key_id).await?;
    let mut names = vec![key_id];
    if let Some(arn) = metadata.arn() {
        names.push(arn.to_string());
    }
    let usage = match ctx.usage() {
        None => TwinUsage::Unknown("no view of the stack's resources".to_string()),
        Some(stack) => match stack.used_by(&names).await {
            Ok(None) => TwinUsage::Unused,
            Ok(Some(id)) => TwinUsage::UsedBy(id.to_string()),
            Err(error) => TwinUsage::Unknown(error.to_string()),
        },
    };
    let created_apart_secs = match (created_secs(metadata), kept.and_then(created_secs)) {
        // Checked: both dates come from KMS.
        (Some(twin), Some(kept)) => twin.checked_sub(kept).and_then(i64::checked_abs),
        _ => None,
    };
    Ok(TwinEvidence {
        aliases,
        usage,
        created_apart_secs,
    })
}

/// The key to finish among this stack's unaliased keys: the first one a resource of the stack
/// uses, else the first with an alias, else the oldest.
fn choose_kept(candidates: &[(KeyMetadata, TwinEvidence)]) -> Option<usize> {
    candidates
        .iter()
        .position(|(_, evidence)| matches!(evidence.usage, TwinUsage::UsedBy(_)))
        .or_else(|| {
            candidates
                .iter()
                .position(|(_, evidence)| !evidence.aliases.is_empty())
        })
        .or(if candidates.is_empty() { None } else { Some(0) })
}

/// Schedules twins for deletion: keys of this stack's `key` other than `keep` (found again,
/// so the twins of a CreateKey retried just now are among them) that pass [`may_retire`].
/// Every other one is kept and logged with the reason.
async fn retire_twins(ctx: &Ctx<'_>, key: &HipaaKey, keep: &KeyMetadata) -> Result<()> {
    for twin in find_unaliased(ctx, key).await? {
        if twin.key_id() == keep.key_id() {
            continue;
        }
        let evidence = twin_evidence(ctx, &twin, Some(keep)).await?;
        if let Err(reason) = may_retire(&evidence) {
            tracing::warn!(
                alias = key.alias(),
                twin = twin.key_id(),
                reason = reason.as_str(),
                "keeping a second key of this stack instead of scheduling its deletion"
            );
            continue;
        }
        tracing::warn!(
            alias = key.alias(),
            twin = twin.key_id(),
            "scheduling deletion of a duplicate key a retried CreateKey made (no alias, used by nothing of the stack)"
        );
        ctx.env
            .kms()
            .schedule_key_deletion()
            .key_id(twin.key_id())
            .pending_window_in_days(deletion_window(key)?)
            .send()
            .await
            .aws(SERVICE, "ScheduleKeyDeletion", key.alias())?;
    }
    Ok(())
}

/// The key's deletion window as KMS takes it.
fn deletion_window(key: &HipaaKey) -> Result<i32> {
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
pub(super) async fn create_key(
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

#[cfg(test)]
mod tests {
    use super::*;

    fn evidence(aliases: &[&str], usage: TwinUsage) -> TwinEvidence {
        TwinEvidence {
            aliases: aliases.iter().map(|alias| alias.to_string()).collect(),
            usage,
            created_apart_secs: Some(2),
        }
    }

    #[test]
    fn only_a_key_without_alias_used_by_nothing_may_be_retired() {
        assert_eq!(may_retire(&evidence(&[], TwinUsage::Unused)), Ok(()));
        let aliased = may_retire(&evidence(&["alias/phi-old"], TwinUsage::Unused));
        assert!(aliased.is_err_and(|why| why.contains("alias/phi-old")));
        let used = may_retire(&evidence(
            &[],
            TwinUsage::UsedBy("s3-bucket/acme-phi".to_string()),
        ));
        assert!(used.is_err_and(|why| why.contains("s3-bucket/acme-phi")));
        // Not knowing is never a licence to delete.
        let unknown = may_retire(&evidence(
            &[],
            TwinUsage::Unknown("GetBucketEncryption was denied".to_string()),
        ));
        assert!(unknown.is_err_and(|why| why.contains("unknown")));
        assert!(may_retire(&evidence(
            &["alias/a"],
            TwinUsage::UsedBy("log-group/x".to_string())
        ))
        .is_err());
    }

    #[test]
    fn only_a_key_made_with_the_kept_one_is_a_twin() {
        let at = |apart: Option<i64>| TwinEvidence {
            created_apart_secs: apart,
            ..evidence(&[], TwinUsage::Unused)
        };
        assert_eq!(may_retire(&at(Some(0))), Ok(()));
        assert_eq!(may_retire(&at(Some(TWIN_WINDOW_SECS))), Ok(()));
        assert!(may_retire(&at(Some(TWIN_WINDOW_SECS + 1))).is_err());
        assert!(may_retire(&at(Some(i64::MAX))).is_err());
        assert!(may_retire(&at(None)).is_err());
    }

    fn metadata(id: &str) -> KeyMetadata {
        KeyMetadata::builder().key_id(id).build().expect("metadata")
    }

    #[test]
    fn the_key_finished_is_the_used_one_then_the_aliased_one_then_the_oldest() {
        let oldest = (metadata("a"), evidence(&[], TwinUsage::Unused));
        let aliased = (metadata("b"), evidence(&["alias/x"], TwinUsage::Unused));
        let used = (
            metadata("c"),
            evidence(&[], TwinUsage::UsedBy("rds-db/patients".to_string())),
        );
        assert_eq!(
            choose_kept(&[oldest.clone(), aliased.clone(), used.clone()]),
            Some(2)
        );
        assert_eq!(choose_kept(&[oldest.clone(), aliased.clone()]), Some(1));
        assert_eq!(choose_kept(std::slice::from_ref(&oldest)), Some(0));
        assert_eq!(choose_kept(&[]), None);
    }
}
