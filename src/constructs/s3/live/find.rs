//! Finding the bucket of a spec: ours, a half-made twin to finish, or a conflict.

use crate::aws_error::AwsResultExt;
use crate::construct::{Ctx, Live, ResourceOutputs};
use crate::env::{LOGICAL_ID_TAG, STACK_TAG};
use crate::error::{Error, Result};

use super::super::feeds;
use super::super::spec::BucketSpec;
use super::super::state::BucketState;
use super::read::read_bucket_state;
use super::SERVICE;

/// Finds the bucket of a spec. A bucket that another stack manages, or that holds data without
/// this stack's tags, is a conflict; an empty untagged bucket with no policy is one an earlier
/// apply was interrupted making, and is finished.
pub(crate) async fn read_bucket(
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
    if spec.replica.is_some() {
        // Only a bucket that asked for replication compares (and is judged on) its rules.
        let rules = super::replication::read_replication_rules(ctx.env, &spec.name).await;
        super::read::settle_replication(&mut state, rules);
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
pub(crate) async fn holds_objects(ctx: &Ctx<'_>, name: &str) -> Result<bool> {
    is_empty(ctx, name).await.map(|empty| !empty)
}

pub(super) async fn is_empty(ctx: &Ctx<'_>, name: &str) -> Result<bool> {
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
