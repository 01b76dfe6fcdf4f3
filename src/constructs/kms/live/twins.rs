//! Twins: keys of this stack an interrupted apply (or a retried CreateKey) left without the
//! alias. One is finished; the others are retired only when they provably never held data.

use aws_sdk_kms::types::KeyMetadata;

use crate::aws_error::AwsResultExt;
use crate::construct::{Construct, Ctx};
use crate::env::{LOGICAL_ID_TAG, STACK_TAG};
use crate::error::{Error, Result};

use super::super::key::HipaaKey;
use super::read::list_tags;
use super::write::deletion_window;
use super::SERVICE;

/// Keys this stack created for `key` (found by tags) that the alias does not point at: an
/// interrupted apply, or a CreateKey the SDK retried after a lost response. Keys already
/// scheduled for deletion are left out.
pub(super) async fn find_unaliased(ctx: &Ctx<'_>, key: &HipaaKey) -> Result<Vec<KeyMetadata>> {
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
pub(super) async fn twin_evidence(
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
pub(super) fn choose_kept(candidates: &[(KeyMetadata, TwinEvidence)]) -> Option<usize> {
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
pub(super) async fn retire_twins(ctx: &Ctx<'_>, key: &HipaaKey, keep: &KeyMetadata) -> Result<()> {
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
