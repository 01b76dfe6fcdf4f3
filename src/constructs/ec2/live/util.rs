//! Small helpers shared by the EC2 readers and writers: filters, tags, part names.

use std::collections::BTreeMap;

use aws_sdk_ec2::types::{Filter, ResourceType, Tag, TagSpecification};

use crate::construct::LogicalId;
use crate::env::{LOGICAL_ID_TAG, STACK_TAG};
use crate::error::{Error, Result};

/// The service name in errors.
pub(crate) const SERVICE: &str = "ec2";

/// A filter with one or more values.
pub(crate) fn filter<I, S>(name: &str, values: I) -> Filter
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    Filter::builder()
        .name(name)
        .set_values(Some(values.into_iter().map(Into::into).collect()))
        .build()
}

/// Tags as a map.
pub(crate) fn tag_map(tags: &[Tag]) -> BTreeMap<String, String> {
    tags.iter()
        .filter_map(|tag| Some((tag.key()?.to_string(), tag.value()?.to_string())))
        .collect()
}

/// A map as EC2 tags.
pub(crate) fn ec2_tags(tags: &BTreeMap<String, String>) -> Vec<Tag> {
    tags.iter()
        .map(|(key, value)| Tag::builder().key(key).value(value).build())
        .collect()
}

/// Tags for a resource made by a create call.
pub(crate) fn tag_spec(
    resource_type: ResourceType,
    tags: &BTreeMap<String, String>,
) -> TagSpecification {
    TagSpecification::builder()
        .resource_type(resource_type)
        .set_tags(Some(ec2_tags(tags)))
        .build()
}

/// Which parts belong to a VPC of this library: those tagged with its stack and a logical id
/// under its own.
#[derive(Debug, Clone)]
pub(crate) struct Owner {
    pub stack: String,
    pub prefix: String,
}

impl Owner {
    pub fn new(stack: &str, vpc: &LogicalId) -> Owner {
        Owner {
            stack: stack.to_string(),
            prefix: vpc.to_string(),
        }
    }

    /// The part name of a resource of `kind`, when its tags say it is one of ours.
    pub fn part<'a>(&self, tags: &'a BTreeMap<String, String>, kind: &str) -> Option<&'a str> {
        if tags.get(STACK_TAG) != Some(&self.stack) {
            return None;
        }
        tags.get(LOGICAL_ID_TAG)?
            .strip_prefix(&self.prefix)?
            .strip_prefix('/')?
            .strip_prefix(kind)?
            .strip_prefix('/')
            .filter(|rest| !rest.is_empty())
    }
}

/// The part name of a resource: ours by tag, else its physical id.
pub(crate) fn part_name(
    owner: Option<&Owner>,
    tags: &BTreeMap<String, String>,
    kind: &str,
    id: &str,
) -> (String, bool) {
    match owner.and_then(|owner| owner.part(tags, kind)) {
        Some(name) => (name.to_string(), true),
        None => (id.to_string(), false),
    }
}

/// An id AWS must have returned.
pub(crate) fn required(value: Option<&str>, operation: &'static str, what: &str) -> Result<String> {
    value
        .filter(|value| !value.is_empty())
        .map(str::to_string)
        .ok_or_else(|| Error::unexpected(SERVICE, operation, format!("no {what} in the answer")))
}
