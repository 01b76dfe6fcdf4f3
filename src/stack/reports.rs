//! What plan, apply and verify return: serializable reports that print as tables.

use std::fmt;
use std::time::Duration;

use serde::Serialize;

use crate::construct::{LogicalId, ResourceKind, SettingChange};
use crate::controls::{format_citations, Check, Status};
use crate::env::{ApiCallStats, Environment};
use crate::error::Result;

use super::node::{Node, NodeApplied, NodePlan, NodeVerified};
use super::Stack;

/// What apply will do (or did) to a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// It does not exist and will be made.
    Create,
    /// It exists and some settings differ.
    Update,
    /// It exists as specified.
    NoChange,
    /// A changed setting can only be changed by replacing it: apply refuses unless the caller
    /// consents, and then keeps the old resource (with a final snapshot).
    Replace,
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Action::Create => "+ create",
            Action::Update => "~ update",
            Action::NoChange => "= no change",
            Action::Replace => "-/+ replace",
        })
    }
}

/// One resource of a [`Plan`].
#[derive(Debug, Clone, Serialize)]
pub struct PlannedResource {
    /// Its logical id.
    pub id: LogicalId,
    /// What it is.
    pub kind: ResourceKind,
    /// Its physical name.
    pub name: String,
    /// What apply will do.
    pub action: Action,
    /// The settings that differ (for an update).
    pub changes: Vec<SettingChange>,
    /// Its ARN, when it exists.
    pub arn: Option<String>,
}

impl PlannedResource {
    pub(super) fn new(node: &dyn Node, plan: NodePlan) -> PlannedResource {
        let action = match (plan.exists, plan.changes.is_empty()) {
            (false, _) => Action::Create,
            (true, _) if plan.replaces => Action::Replace,
            (true, false) => Action::Update,
            (true, true) => Action::NoChange,
        };
        PlannedResource {
            id: node.id().clone(),
            kind: node.kind(),
            name: node.name().to_string(),
            action,
            changes: plan.changes,
            arn: plan.outputs.map(|outputs| outputs.arn),
        }
    }
}

/// What [`Stack::plan`] found: per resource, create / update (with the differing settings) /
/// no change. Printable as a table; serializable as JSON.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    #[serde(skip)]
    pub(super) stack: Stack,
    /// The stack's name.
    pub stack_name: String,
    /// The account planned against.
    pub account_id: String,
    /// The region planned against.
    pub region: String,
    /// Every resource, dependencies first.
    pub resources: Vec<PlannedResource>,
    /// How long planning took.
    #[serde(serialize_with = "seconds")]
    pub elapsed: Duration,
    /// The API calls planning made (all reads).
    pub api_calls: ApiCallStats,
}

impl Plan {
    /// True when apply would change nothing.
    pub fn is_empty(&self) -> bool {
        self.resources
            .iter()
            .all(|resource| resource.action == Action::NoChange)
    }

    /// How many resources get `action`.
    pub fn count(&self, action: Action) -> usize {
        self.resources
            .iter()
            .filter(|resource| resource.action == action)
            .count()
    }

    /// The planned resource with this logical id.
    pub fn resource(&self, id: &LogicalId) -> Option<&PlannedResource> {
        self.resources.iter().find(|resource| &resource.id == id)
    }

    /// Applies the stack this plan was made from. Each resource is read again just before it
    /// is changed, so a stale plan never overwrites newer state with older.
    pub async fn apply(&self, env: &Environment) -> Result<ApplyReport> {
        self.stack.apply(env).await
    }

    /// Applies the stack this plan was made from with `options` (replacement consents).
    pub async fn apply_with(
        &self,
        env: &Environment,
        options: &super::ApplyOptions,
    ) -> Result<ApplyReport> {
        self.stack.apply_with(env, options).await
    }
}

fn seconds<S: serde::Serializer>(
    duration: &Duration,
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    serializer.serialize_f64(duration.as_secs_f64())
}

fn shorten(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_string()
    } else {
        let kept: String = text.chars().take(width.saturating_sub(1)).collect();
        format!("{kept}…")
    }
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Plan for stack {} in account {} ({}): {} to create, {} to update, {} to replace, {} unchanged",
            self.stack_name,
            self.account_id,
            self.region,
            self.count(Action::Create),
            self.count(Action::Update),
            self.count(Action::Replace),
            self.count(Action::NoChange)
        )?;
        writeln!(
            f,
            "  {:<12} {:<18} {:<32} CHANGES",
            "ACTION", "KIND", "NAME"
        )?;
        for resource in &self.resources {
            let mut changes = resource.changes.iter();
            let first = changes.next().map(describe_change).unwrap_or_default();
            writeln!(
                f,
                "  {:<12} {:<18} {:<32} {}",
                resource.action.to_string(),
                resource.kind.to_string(),
                shorten(&resource.name, 32),
                first
            )?;
            for change in changes {
                writeln!(
                    f,
                    "  {:<12} {:<18} {:<32} {}",
                    "",
                    "",
                    "",
                    describe_change(change)
                )?;
            }
        }
        Ok(())
    }
}

fn describe_change(change: &SettingChange) -> String {
    format!(
        "{}: {} -> {}",
        change.setting,
        shorten(change.current.as_deref().unwrap_or("(absent)"), 40),
        shorten(&change.desired, 40)
    )
}

/// One resource of an [`ApplyReport`].
#[derive(Debug, Clone, Serialize)]
pub struct AppliedResource {
    /// Its logical id.
    pub id: LogicalId,
    /// What it is.
    pub kind: ResourceKind,
    /// Its physical name.
    pub name: String,
    /// What apply did.
    pub action: Action,
    /// The settings it restored (for an update).
    pub changes: Vec<SettingChange>,
    /// Its ARN.
    pub arn: String,
    /// How long it took.
    #[serde(serialize_with = "seconds")]
    pub elapsed: Duration,
}

impl AppliedResource {
    pub(super) fn new(node: &dyn Node, applied: NodeApplied, elapsed: Duration) -> AppliedResource {
        let action = match (applied.created, applied.changes.is_empty()) {
            (true, _) => Action::Create,
            (false, _) if applied.replaced => Action::Replace,
            (false, false) => Action::Update,
            (false, true) => Action::NoChange,
        };
        AppliedResource {
            id: node.id().clone(),
            kind: node.kind(),
            name: node.name().to_string(),
            action,
            changes: applied.changes,
            arn: applied.outputs.arn,
            elapsed,
        }
    }
}

/// What [`Stack::apply`] did.
#[derive(Debug, Clone, Serialize)]
pub struct ApplyReport {
    /// The stack's name.
    pub stack_name: String,
    /// The account applied to.
    pub account_id: String,
    /// The region applied to.
    pub region: String,
    /// Every resource, dependencies first.
    pub resources: Vec<AppliedResource>,
    /// How long apply took.
    #[serde(serialize_with = "seconds")]
    pub elapsed: Duration,
    /// The API calls apply made.
    pub api_calls: ApiCallStats,
}

impl ApplyReport {
    /// How many resources got `action`.
    pub fn count(&self, action: Action) -> usize {
        self.resources
            .iter()
            .filter(|resource| resource.action == action)
            .count()
    }

    /// The resource with this logical id.
    pub fn resource(&self, id: &LogicalId) -> Option<&AppliedResource> {
        self.resources.iter().find(|resource| &resource.id == id)
    }
}

impl fmt::Display for ApplyReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Applied stack {} in account {} ({}) in {:.1}s: {} created, {} updated, {} unchanged; {} API calls, {} mutating",
            self.stack_name,
            self.account_id,
            self.region,
            self.elapsed.as_secs_f64(),
            self.count(Action::Create),
            self.count(Action::Update),
            self.count(Action::NoChange),
            self.api_calls.total(),
            self.api_calls.mutating()
        )?;
        for resource in &self.resources {
            writeln!(
                f,
                "  {:<12} {:<18} {:<32} {:>6.2}s  {}",
                resource.action.to_string(),
                resource.kind.to_string(),
                shorten(&resource.name, 32),
                resource.elapsed.as_secs_f64(),
                resource.arn
            )?;
        }
        Ok(())
    }
}

/// One resource of a [`VerifyReport`].
#[derive(Debug, Clone, Serialize)]
pub struct VerifiedResource {
    /// Its logical id.
    pub id: LogicalId,
    /// What it is.
    pub kind: ResourceKind,
    /// Its physical name.
    pub name: String,
    /// Its ARN, when it exists.
    pub arn: Option<String>,
    /// Every control judged against its live state.
    pub checks: Vec<Check>,
}

impl VerifiedResource {
    pub(super) fn new(node: &dyn Node, verified: NodeVerified) -> VerifiedResource {
        VerifiedResource {
            id: node.id().clone(),
            kind: node.kind(),
            name: node.name().to_string(),
            arn: verified.outputs.map(|outputs| outputs.arn),
            checks: verified.checks,
        }
    }
}

/// What [`Stack::verify`] found: every control of every resource, judged on live state.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    /// The stack's name.
    pub stack_name: String,
    /// The account verified.
    pub account_id: String,
    /// The region verified.
    pub region: String,
    /// Every resource, dependencies first.
    pub resources: Vec<VerifiedResource>,
    /// How long verification took.
    #[serde(serialize_with = "seconds")]
    pub elapsed: Duration,
    /// The API calls verification made (all reads).
    pub api_calls: ApiCallStats,
}

impl VerifyReport {
    /// True when no check failed or could not be judged.
    pub fn passed(&self) -> bool {
        self.count(Status::Fail) == 0 && self.count(Status::Error) == 0
    }

    /// How many checks have `status`.
    pub fn count(&self, status: Status) -> usize {
        self.checks()
            .filter(|(_, check)| check.status == status)
            .count()
    }

    /// Every check with its resource.
    pub fn checks(&self) -> impl Iterator<Item = (&VerifiedResource, &Check)> {
        self.resources
            .iter()
            .flat_map(|resource| resource.checks.iter().map(move |check| (resource, check)))
    }

    /// The checks that failed or could not be judged.
    pub fn failures(&self) -> Vec<(&VerifiedResource, &Check)> {
        self.checks()
            .filter(|(_, check)| matches!(check.status, Status::Fail | Status::Error))
            .collect()
    }

    /// The resource with this logical id.
    pub fn resource(&self, id: &LogicalId) -> Option<&VerifiedResource> {
        self.resources.iter().find(|resource| &resource.id == id)
    }
}

impl fmt::Display for VerifyReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Verified stack {} in account {} ({}): {} pass, {} fail, {} error, {} not applicable",
            self.stack_name,
            self.account_id,
            self.region,
            self.count(Status::Pass),
            self.count(Status::Fail),
            self.count(Status::Error),
            self.count(Status::NotApplicable)
        )?;
        writeln!(
            f,
            "  {:<6} {:<42} {:<32} REASON",
            "STATUS", "CONTROL", "RESOURCE"
        )?;
        for (resource, check) in self.checks() {
            writeln!(
                f,
                "  {:<6} {:<42} {:<32} {}",
                check.status.to_string(),
                check.control.as_str(),
                shorten(&resource.name, 32),
                check.reason
            )?;
            if matches!(check.status, Status::Fail | Status::Error) {
                writeln!(
                    f,
                    "  {:<6} {:<42} {:<32} setting {}; {}",
                    "",
                    "",
                    "",
                    check.setting,
                    format_citations(check.control.citations())
                )?;
            }
        }
        Ok(())
    }
}
