//! Drift: settings that differ between a stack and the live account, with the controls each
//! difference breaks.

use std::fmt;
use std::time::Duration;

use serde::Serialize;

use crate::construct::{LogicalId, ResourceKind};
use crate::controls::{format_citations, Check, ControlId};
use crate::env::Environment;

use super::node::{Node, NodeDrift};

/// One setting that differs from the stack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Drift {
    /// The resource's logical id.
    pub id: LogicalId,
    /// What it is.
    pub kind: ResourceKind,
    /// Its physical name.
    pub name: String,
    /// The setting, e.g. `versioning`; `(resource)` when the whole resource is missing.
    pub setting: String,
    /// What the stack specifies.
    pub expected: String,
    /// What the account has (`None` when the resource is missing).
    pub actual: Option<String>,
    /// The controls the difference breaks (empty when it breaks none, e.g. a description).
    pub controls: Vec<ControlId>,
}

/// Every drift of a stack.
#[derive(Debug, Clone, Serialize)]
pub struct DriftReport {
    /// The stack's name.
    pub stack_name: String,
    /// The account read.
    pub account_id: String,
    /// The region read.
    pub region: String,
    /// Every differing setting, dependencies first.
    pub drifts: Vec<Drift>,
    /// How long reading took.
    #[serde(serialize_with = "seconds")]
    pub elapsed: Duration,
}

fn seconds<S: serde::Serializer>(duration: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_f64(duration.as_secs_f64())
}

/// True when one dotted setting name is the other or contains it (`encryption` and
/// `encryption.algorithm`).
fn related(a: &str, b: &str) -> bool {
    let within = |long: &str, short: &str| {
        long == short
            || (long.starts_with(short) && long.as_bytes().get(short.len()) == Some(&b'.'))
    };
    within(a, b) || within(b, a)
}

fn controls_broken(setting: &str, failing: &[Check]) -> Vec<ControlId> {
    let mut controls: Vec<ControlId> = failing
        .iter()
        .filter(|check| related(&check.setting, setting))
        .map(|check| check.control)
        .collect();
    controls.sort();
    controls.dedup();
    controls
}

impl DriftReport {
    pub(super) fn new(
        stack: &str,
        env: &Environment,
        nodes: Vec<(&dyn Node, NodeDrift)>,
        elapsed: Duration,
    ) -> DriftReport {
        let mut drifts = Vec::new();
        for (node, drift) in nodes {
            if !drift.exists {
                let mut controls: Vec<ControlId> =
                    drift.failing.iter().map(|check| check.control).collect();
                controls.sort();
                controls.dedup();
                drifts.push(Drift {
                    id: node.id().clone(),
                    kind: node.kind(),
                    name: node.name().to_string(),
                    setting: "(resource)".to_string(),
                    expected: "exists".to_string(),
                    actual: None,
                    controls,
                });
                continue;
            }
            for change in drift.changes {
                drifts.push(Drift {
                    id: node.id().clone(),
                    kind: node.kind(),
                    name: node.name().to_string(),
                    controls: controls_broken(&change.setting, &drift.failing),
                    setting: change.setting,
                    expected: change.desired,
                    actual: change.current,
                });
            }
        }
        DriftReport {
            stack_name: stack.to_string(),
            account_id: env.account_id().to_string(),
            region: env.region().to_string(),
            drifts,
            elapsed,
        }
    }

    /// True when the account matches the stack.
    pub fn is_empty(&self) -> bool {
        self.drifts.is_empty()
    }

    /// The drifts of one resource.
    pub fn of(&self, id: &LogicalId) -> Vec<&Drift> {
        self.drifts.iter().filter(|drift| &drift.id == id).collect()
    }
}

impl fmt::Display for DriftReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Drift of stack {} in account {} ({}): {} setting{} differ",
            self.stack_name,
            self.account_id,
            self.region,
            self.drifts.len(),
            if self.drifts.len() == 1 { "" } else { "s" }
        )?;
        for drift in &self.drifts {
            let controls = if drift.controls.is_empty() {
                "breaks no control".to_string()
            } else {
                drift
                    .controls
                    .iter()
                    .map(|control| format!("{control} ({})", format_citations(control.citations())))
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            writeln!(
                f,
                "  {} {:?} {}: {} (expected {}) — {controls}",
                drift.kind,
                drift.name,
                drift.setting,
                drift.actual.as_deref().unwrap_or("(missing)"),
                drift.expected
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::related;

    #[test]
    fn settings_relate_by_dotted_prefix() {
        assert!(related("encryption", "encryption.algorithm"));
        assert!(related("rotation.enabled", "rotation"));
        assert!(related("policy", "policy"));
        assert!(!related("policy", "policy_version"));
        assert!(!related("tags.a", "tags.b"));
    }
}
