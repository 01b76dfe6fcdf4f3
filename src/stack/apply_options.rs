//! Apply options: the resources the caller consents to replace.

use std::collections::BTreeSet;

use crate::error::Result;

use super::node::Node;
use super::Stack;

/// Which resources apply may replace when a changed setting can only be changed that way (a
/// database's engine or storage key), each named by logical id (`rds-db/phi`) or physical name
/// (`phi`). Nothing is consented by default; a name that matches nothing in the stack is
/// refused, so a typo cannot silently consent to anything, and so is a name that more than one
/// resource carries (name that one by its logical id).
#[derive(Debug, Clone, Default)]
pub struct ApplyOptions {
    replacements: BTreeSet<String>,
}

impl ApplyOptions {
    /// No consent: every replacement is refused.
    pub fn new() -> ApplyOptions {
        ApplyOptions::default()
    }

    /// Consents to replacing the resource named `name` (logical id or physical name). The old
    /// resource is kept (renamed, with a final snapshot), never deleted.
    pub fn consent_to_replace(mut self, name: impl Into<String>) -> ApplyOptions {
        self.replacements.insert(name.into());
        self
    }

    pub(super) fn consents_to(&self, node: &dyn Node) -> bool {
        self.replacements.contains(node.id().as_str()) || self.replacements.contains(node.name())
    }

    pub(super) fn check_names(&self, stack: &Stack) -> Result<()> {
        super::destroy::check_consent_names(
            stack,
            &self.replacements,
            "replacement",
            "ApplyOptions::new().consent_to_replace",
        )
    }
}
