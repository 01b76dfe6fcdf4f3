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
        check_consent_names(
            stack,
            &self.consents,
            "destroy",
            "DestroyOptions::new().consent_to",
        )
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::constructs::kms::HipaaKey;
    use crate::constructs::logs::EncryptedLogGroup;
    use crate::constructs::s3::{EncryptedBucket, LogBucket};
    use crate::stack::ApplyOptions;

    fn shared_name_stack() -> Stack {
        let key = HipaaKey::builder().alias("phi").build().expect("key");
        let logs = LogBucket::builder()
            .name("acme-logs")
            .key(&key)
            .build()
            .expect("logs");
        let bucket = EncryptedBucket::builder()
            .name("acme")
            .key(&key)
            .access_logs(&logs)
            .build()
            .expect("bucket");
        let group = EncryptedLogGroup::builder()
            .name("acme")
            .key(&key)
            .build()
            .expect("group");
        Stack::builder("shared")
            .with(key)
            .with(logs)
            .with(bucket)
            .with(group)
            .build()
            .expect("stack")
    }

    #[test]
    fn a_name_two_resources_carry_is_refused_naming_their_kinds_and_ids() {
        let stack = shared_name_stack();
        let refused = DestroyOptions::new()
            .consent_to("acme")
            .check_names(&stack)
            .expect_err("ambiguous");
        let text = refused.to_string();
        assert!(text.contains("2 resources"), "{text}");
        assert!(
            text.contains("encrypted bucket") && text.contains("log group"),
            "{text}"
        );
        assert!(
            text.contains("s3-bucket/acme") && text.contains("log-group/acme"),
            "{text}"
        );
        assert!(text.contains("DestroyOptions::new().consent_to("), "{text}");
        let refused = ApplyOptions::new()
            .consent_to_replace("acme")
            .check_names(&stack)
            .expect_err("ambiguous");
        assert!(
            refused.to_string().contains("consent_to_replace("),
            "{refused}"
        );
    }

    #[test]
    fn a_logical_id_or_a_unique_name_is_exact_and_an_unknown_name_refused() {
        let stack = shared_name_stack();
        for exact in ["s3-bucket/acme", "log-group/acme", "acme-logs", "alias/phi"] {
            DestroyOptions::new()
                .consent_to(exact)
                .check_names(&stack)
                .unwrap_or_else(|error| panic!("{exact}: {error}"));
        }
        let unknown = DestroyOptions::new()
            .consent_to("acme-typo")
            .check_names(&stack)
            .expect_err("unknown");
        assert!(
            unknown.to_string().contains("not in the stack"),
            "{unknown}"
        );
        // Both problems at once are both reported.
        let both = DestroyOptions::new()
            .consent_to("acme")
            .consent_to("nope")
            .check_names(&stack)
            .expect_err("both");
        let text = both.to_string();
        assert!(
            text.contains("not in the stack") && text.contains("2 resources"),
            "{text}"
        );
    }
}
