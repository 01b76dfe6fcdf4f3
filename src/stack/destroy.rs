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
/// protect (or expose) anything, and so is a name that more than one resource carries (a bucket
/// and a log group both named `acme`): name that one by its logical id.
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
        check_consent_names(stack, &self.consents, "destroy", "DestroyOptions::new().consent_to")
    }
}

/// Refuses consent names that match nothing in the stack (a typo would silently protect, or
/// expose, something) and names that match more than one resource (a bucket and a log group
/// both called `acme`): a consent must name exactly one resource, by logical id when its
/// physical name is shared.
pub(super) fn check_consent_names(
    stack: &Stack,
    names: &BTreeSet<String>,
    what: &str,
    method: &str,
) -> Result<()> {
    let mut unknown = Vec::new();
    let mut ambiguous = Vec::new();
    for name in names {
        let matches: Vec<&dyn Node> = stack
            .nodes()
            .filter(|node| node.id().as_str() == name.as_str() || node.name() == name.as_str())
            .collect();
        match matches.as_slice() {
            [] => unknown.push(name.clone()),
            [_] => {}
            several => ambiguous.push(ambiguity(name, several, method)),
        }
    }
    let mut problems = Vec::new();
    if !unknown.is_empty() {
        problems.push(format!(
            "{what} consent names resources not in the stack: {unknown:?}"
        ));
    }
    problems.extend(ambiguous);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Stack {
            stack: stack.name().to_string(),
            reason: problems.join("; "),
        })
    }
}

fn ambiguity(name: &str, matches: &[&dyn Node], method: &str) -> String {
    let listed: Vec<String> = matches
        .iter()
        .map(|node| format!("{} {} ({})", node.kind(), node.name(), node.id()))
        .collect();
    let example = matches
        .first()
        .map(|node| node.id().as_str().to_string())
        .unwrap_or_default();
    format!(
        "consent {name:?} matches {} resources of kinds {}; name the one meant by its logical id, e.g. {method}({example:?})",
        matches.len(),
        listed.join(", ")
    )
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
