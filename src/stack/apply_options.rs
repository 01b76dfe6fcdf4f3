//! Apply options: the resources the caller consents to replace.

use std::collections::BTreeSet;

use crate::error::{Error, Result};

use super::node::Node;
use super::Stack;

/// Which resources apply may replace when a changed setting can only be changed that way (a
/// database's engine or storage key), each named by logical id (`rds-db/phi`) or physical name
/// (`phi`). Nothing is consented by default; a name that matches nothing in the stack is
/// refused, so a typo cannot silently consent to anything.
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
        let unknown: Vec<&String> = self
            .replacements
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
                reason: format!(
                    "replacement consent names resources not in the stack: {unknown:?}"
                ),
            })
        }
    }
}
