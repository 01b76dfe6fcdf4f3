//! Reading, creating, updating and deleting IAM roles, customer-managed policies, grants and the
//! account password policy through the IAM API, one file each. The `read_*` functions work on
//! any role or policy of an account, not only those the library made.

mod password_policy;
mod policies;
mod roles;

use std::collections::BTreeMap;

use aws_sdk_iam::types::Tag;

use crate::construct::Ctx;
use crate::constructs::ownership;
use crate::error::{Error, Result};
use crate::policy::PolicyDocument;

use super::names::decode_policy_text;

pub use password_policy::read_password_policy;
pub(crate) use password_policy::{delete_password_policy, put_password_policy};
pub(crate) use policies::{
    create_managed_policy, delete_managed_policy, is_attached, set_attached, update_managed_policy,
};
pub use policies::{read_managed_policy_state, read_policy_document};
pub use roles::read_role_state;
pub(crate) use roles::{
    create_role, delete_role, read_role_with_policy_tags, update_role, NewRole, RoleRead,
};

const SERVICE: &str = "iam";
const NO_SUCH_ENTITY: &[&str] = &["NoSuchEntity", "NoSuchEntityException"];

fn parse_document(operation: &'static str, text: &str) -> Result<PolicyDocument> {
    PolicyDocument::from_json(&decode_policy_text(text))
        .map_err(|error| Error::unexpected(SERVICE, operation, error.to_string()))
}

pub(super) fn iam_tags(
    operation: &'static str,
    tags: &BTreeMap<String, String>,
) -> Result<Vec<Tag>> {
    tags.iter()
        .map(|(key, value)| {
            Tag::builder()
                .key(key)
                .value(value)
                .build()
                .map_err(Error::request(SERVICE, operation))
        })
        .collect()
}

/// Tags as IAM returns them with a role or policy (at most 50 per resource, so all of them).
fn tag_map(tags: &[Tag]) -> BTreeMap<String, String> {
    tags.iter()
        .map(|tag| (tag.key().to_string(), tag.value().to_string()))
        .collect()
}

/// Refuses a resource that exists without this stack's tags for this logical id.
pub(crate) fn ensure_ours(
    ctx: &Ctx<'_>,
    what: &str,
    logical_id: &str,
    tags: &BTreeMap<String, String>,
) -> Result<()> {
    ownership::ensure_ours(
        ctx,
        what,
        logical_id,
        tags,
        "choose another name or remove the old one",
    )
}

/// The tags of `all` that the library manages (those `wanted` names).
pub(super) fn managed_tags(
    all: BTreeMap<String, String>,
    wanted: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    all.into_iter()
        .filter(|(key, _)| wanted.contains_key(key))
        .collect()
}
