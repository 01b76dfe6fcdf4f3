//! Destroy: what a caller consents to delete, and what was deleted, kept or absent.

use std::collections::BTreeSet;
use std::fmt;
use std::time::Duration;

use serde::Serialize;

use crate::construct::{LogicalId, ResourceKind};
use crate::env::ApiCallStats;
use crate::error::{Error, Result};

use super::node::{Node, NodeRemoval};
use super::Stack;

/// Which guarded resources the caller consents to delete, each named by logical id
/// (`s3-bucket/acme-phi`) or physical name (`acme-phi`, `alias/phi`). Nothing is consented by
/// default; a name that matches nothing in the stack is refused, so a typo cannot silently
/// protect (or expose) anything.
#[derive(Debug, Clone, Default)]
pub struct DestroyOptions {
    consents: BTreeSet<String>,
}

impl DestroyOptions {
    /// No consent: every guarded resource is kept.
    pub fn new() -> DestroyOptions {
        DestroyOptions::default()
    }

    /// Consents to deleting the resource named `name` (logical id or physical name).
    pub fn consent_to(mut self, name: impl Into<String>) -> DestroyOptions {
        self.consents.insert(name.into());
        self
    }

    pub(super) fn consents_to(&self, node: &dyn Node) -> bool {
        self.consents.contains(node.id().as_str()) || self.consents.contains(node.name())
    }

    pub(super) fn check_names(&self, stack: &Stack) -> Result<()> {
        let unknown: Vec<&String> = self
            .consents
            .iter()
            .filter(|name| {
                !stack
                    .nodes()
                    .any(|node| node.id().as_str() == name.as_str() || node.name() == name.as_str())
            })
            .collect();
        if unknown.is_empty() {
            Ok(())
        } else {
            Err(Error::Stack {
                stack: stack.name().to_string(),
                reason: format!("destroy consent names resources not in the stack: {unknown:?}"),
            })
        }
    }
}

/// What destroy did to a resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "outcome", content = "reason")]
pub enum Removal {
    /// Deleted (a key: scheduled for deletion with its full window).
    Deleted,
    /// Kept, for this reason.
    Kept(String),
    /// It did not exist.
    Absent,
}

/// One resource of a [`DestroyReport`].
#[derive(Debug, Clone, Serialize)]
pub struct DestroyedResource {
    /// Its logical id.
    pub id: LogicalId,
    /// What it is.
    pub kind: ResourceKind,
    /// Its physical name.
    pub name: String,
    /// What happened.
    pub removal: Removal,
}

impl DestroyedResource {
    pub(super) fn new(node: &dyn Node, removal: NodeRemoval) -> DestroyedResource {
        DestroyedResource {
            id: node.id().clone(),
            kind: node.kind(),
            name: node.name().to_string(),
            removal: match removal {
                NodeRemoval::Absent => Removal::Absent,
                NodeRemoval::Deleted => Removal::Deleted,
                NodeRemoval::Kept(reason) => Removal::Kept(reason),
            },
        }
    }
}

/// What [`Stack::destroy`] did, dependents first.
#[derive(Debug, Clone, Serialize)]
pub struct DestroyReport {
    /// The stack's name.
    pub stack_name: String,
    /// The account.
    pub account_id: String,
    /// The region.
    pub region: String,
    /// Every resource, in the order destroy went through them.
    pub resources: Vec<DestroyedResource>,
    /// How long it took.
    #[serde(serialize_with = "seconds")]
    pub elapsed: Duration,
    /// The API calls it made.
    pub api_calls: ApiCallStats,
}

fn seconds<S: serde::Serializer>(
    duration: &Duration,
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    serializer.serialize_f64(duration.as_secs_f64())
}

impl DestroyReport {
    /// The resources kept, with the reasons.
    pub fn kept(&self) -> Vec<&DestroyedResource> {
        self.resources
            .iter()
            .filter(|resource| matches!(resource.removal, Removal::Kept(_)))
            .collect()
    }

    /// The resources deleted.
    pub fn deleted(&self) -> Vec<&DestroyedResource> {
        self.resources
            .iter()
            .filter(|resource| resource.removal == Removal::Deleted)
            .collect()
    }

    /// The resource with this logical id.
    pub fn resource(&self, id: &LogicalId) -> Option<&DestroyedResource> {
        self.resources.iter().find(|resource| &resource.id == id)
    }
}

impl fmt::Display for DestroyReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Destroyed stack {} in account {} ({}): {} deleted, {} kept",
            self.stack_name,
            self.account_id,
            self.region,
            self.deleted().len(),
            self.kept().len()
        )?;
        for resource in &self.resources {
            let what = match &resource.removal {
                Removal::Deleted => "deleted".to_string(),
                Removal::Absent => "absent".to_string(),
                Removal::Kept(reason) => format!("KEPT: {reason}"),
            };
            writeln!(
                f,
                "  {:<18} {:<34} {what}",
                resource.kind.to_string(),
                resource.name
            )?;
        }
        Ok(())
    }
}
