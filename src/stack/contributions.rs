//! The statements constructs add to each other's resource policies, kept with who added them,
//! and the judgement that no such statement weakens the resource it lands on: the desired
//! state of every resource, after every contribution is merged, is judged by its controls
//! before plan or apply touches anything.

use std::collections::BTreeSet;
use std::sync::Arc;

use crate::construct::{LogicalId, PolicyContribution, Scope};
use crate::controls::{Check, Status};
use crate::error::{Error, Result, Violation, Violations};

use super::node::Node;
use super::placement::placed;

/// Every contribution of a stack, each with the construct that made it.
#[derive(Debug, Default)]
pub(crate) struct Contributions {
    /// The statements, in the order the constructs made them (what a [`Scope`] holds).
    pub all: Vec<PolicyContribution>,
    /// `sources[i]` made `all[i]`.
    sources: Vec<LogicalId>,
}

impl Contributions {
    /// What every node contributes, computed in `scope` (outputs unresolved).
    pub fn collect(nodes: &[Arc<dyn Node>], scope: &Scope<'_>) -> Contributions {
        let mut contributions = Contributions::default();
        for node in nodes {
            for contribution in node.policy_contributions(&placed(scope, node.region())) {
                contributions.all.push(contribution);
                contributions.sources.push(node.id().clone());
            }
        }
        contributions
    }

    /// The contributions made by `source` alone.
    fn of(&self, source: &LogicalId) -> Vec<PolicyContribution> {
        self.all
            .iter()
            .zip(&self.sources)
            .filter(|(_, by)| *by == source)
            .map(|(contribution, _)| contribution.clone())
            .collect()
    }

    /// The constructs that contribute to `target`'s policies.
    fn sources_for(&self, target: &LogicalId) -> BTreeSet<&LogicalId> {
        self.all
            .iter()
            .zip(&self.sources)
            .filter(|(contribution, _)| &contribution.target == target)
            .map(|(_, source)| source)
            .collect()
    }

    fn all_sources(&self) -> BTreeSet<&LogicalId> {
        self.sources.iter().collect()
    }
}

/// The same check (control and setting), failing in both.
fn same_check(a: &Check, b: &Check) -> bool {
    a.control == b.control && a.setting == b.setting
}

/// Refuses the stack when the merged desired state of any resource fails a control, naming the
/// control, the resource and the construct(s) whose statements make it fail. `scope` is the
/// one plan and apply use (this account, every contribution); nothing is resolved yet.
pub(crate) fn refuse_weakened(
    nodes: &[Arc<dyn Node>],
    contributions: &Contributions,
    scope: &Scope<'_>,
) -> Result<()> {
    let bare = Scope {
        contributions: &[],
        ..*scope
    };
    let mut violations = Vec::new();
    for node in nodes {
        let scope = &placed(scope, node.region());
        let failing = node.failing_desired(scope);
        if failing.is_empty() {
            continue;
        }
        let own = node.failing_desired(&placed(&bare, node.region()));
        let resource = format!("{} {:?}", node.kind(), node.name());
        for check in failing {
            let its_own = own.iter().any(|own| same_check(own, &check));
            // A check that cannot be judged before apply (an ARN not yet known) is not refused
            // here unless a contribution is what makes it so.
            if its_own && check.status != Status::Fail {
                continue;
            }
            let reason = if its_own {
                format!(
                    "{} (its own settings, before any contribution)",
                    check.reason
                )
            } else {
                let blamed = blame(node.as_ref(), contributions, scope, &check);
                format!(
                    "{}: the failing statement was added by {}; a statement one construct adds to \
                     another's policy may not weaken it, and nothing was changed",
                    check.reason,
                    blamed.join(", ")
                )
            };
            violations.push(Violation::new(
                &resource,
                check.setting.clone(),
                check.control,
                reason,
            ));
        }
    }
    match Violations::from_vec(violations) {
        None => Ok(()),
        Some(violations) => Err(Error::Invalid(violations)),
    }
}

/// The contributors that alone make `check` fail on `node`; when only their combination does,
/// every construct contributing to it (or, if its policy is another's, every contributor).
fn blame(
    node: &dyn Node,
    contributions: &Contributions,
    scope: &Scope<'_>,
    check: &Check,
) -> Vec<String> {
    let alone: Vec<String> = contributions
        .all_sources()
        .into_iter()
        .filter(|source| {
            let only = contributions.of(source);
            let scope = Scope {
                contributions: &only,
                ..*scope
            };
            node.failing_desired(&scope)
                .iter()
                .any(|failing| same_check(failing, check))
        })
        .map(LogicalId::to_string)
        .collect();
    if !alone.is_empty() {
        return alone;
    }
    let direct = contributions.sources_for(node.id());
    let named = if direct.is_empty() {
        contributions.all_sources()
    } else {
        direct
    };
    named.into_iter().map(LogicalId::to_string).collect()
}
