//! Whether a resource found by name is ours: written once for every service that finds its
//! resources by name and judges them by their `hipaa-aws:stack` and `hipaa-aws:logical-id`
//! tags, so a resource of another stack is a conflict and never a takeover.

use std::collections::BTreeMap;

use crate::construct::Ctx;
use crate::env::{LOGICAL_ID_TAG, STACK_TAG};
use crate::error::{Error, Result};

/// Refuses `resource` unless its tags name this stack and `logical_id`. The conflict names
/// the stack and id the tags do say, and ends with `advice` (what the user can do).
#[cfg_attr(not(any(feature = "iam", feature = "logs")), allow(dead_code))]
pub(crate) fn ensure_ours(
    ctx: &Ctx<'_>,
    resource: &str,
    logical_id: &str,
    tags: &BTreeMap<String, String>,
    advice: &str,
) -> Result<()> {
    let stack = tags.get(STACK_TAG).map(String::as_str);
    let id = tags.get(LOGICAL_ID_TAG).map(String::as_str);
    if stack == Some(ctx.scope.stack) && id == Some(logical_id) {
        return Ok(());
    }
    Err(Error::Conflict {
        resource: resource.to_string(),
        reason: format!(
            "it exists and is not managed by stack {:?} as {logical_id} (its tags say stack {:?}, id {:?}); {advice}",
            ctx.scope.stack,
            stack.unwrap_or("(none)"),
            id.unwrap_or("(none)")
        ),
    })
}
