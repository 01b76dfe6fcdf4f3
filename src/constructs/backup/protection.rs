//! Whether a resource (a database, an Aurora cluster, a volume, an instance) is selected by some
//! backup plan, as AWS Backup selects: by ARN pattern or tag, minus `NotResources`, every
//! condition met.

use std::collections::BTreeMap;

use crate::controls::{Check, ControlId};
use crate::policy::glob_matches;

use super::state::{PlanState, SelectionCondition, SelectionState};

/// The controls [`evaluate_protection`] judges (see `crate::controls::coverage`).
pub const EVALUATE_PROTECTION_COVERS: &[ControlId] = &[
    ControlId::RdsInBackupPlan,
    ControlId::AuroraResourcesProtectedByBackupPlan,
    ControlId::EbsInBackupPlan,
    ControlId::Ec2ResourcesProtectedByBackupPlan,
];

/// Judges whether a resource (a database, an Aurora cluster, a volume, an instance) is selected
/// by some plan's selection: `control` names which of the four rules asks.
pub fn evaluate_protection(
    control: ControlId,
    arn: &str,
    tags: &BTreeMap<String, String>,
    plans: &[PlanState],
) -> Check {
    let by = plans.iter().find_map(|plan| {
        plan.selections
            .iter()
            .find(|selection| selects(selection, arn, tags))
            .map(|selection| format!("{} (selection {})", plan.name, selection.name))
    });
    Check::require(
        control,
        "backup_plan",
        by.is_some(),
        format!("backed up by plan {}", by.as_deref().unwrap_or_default()),
        "no backup plan selects it (by ARN, by tag, or by a selection of everything)",
    )
}

/// True when a selection picks the resource, as AWS Backup does: its `Resources` or any of its
/// `ListOfTags` (OR; neither given selects every resource), and every one of its `Conditions`
/// (AND), unless `NotResources` excludes it.
pub fn selects(selection: &SelectionState, arn: &str, tags: &BTreeMap<String, String>) -> bool {
    let everything = selection.resources.is_empty() && selection.tags.is_empty();
    let by_resource = selection
        .resources
        .iter()
        .any(|pattern| glob_matches(pattern.trim(), arn));
    let by_tag = selection
        .tags
        .iter()
        .any(|(key, value)| tags.get(tag_key(key)) == Some(value));
    let excluded = selection
        .not_resources
        .iter()
        .any(|pattern| glob_matches(pattern.trim(), arn));
    (everything || by_resource || by_tag)
        && !excluded
        && selection
            .conditions
            .iter()
            .all(|condition| condition_holds(condition, tags))
}

/// A tag key as a selection may write it: bare or as `aws:ResourceTag/<key>`.
fn tag_key(key: &str) -> &str {
    key.trim()
        .strip_prefix("aws:ResourceTag/")
        .unwrap_or(key.trim())
}

/// One condition on a resource's tags; an operator this library does not know never holds
/// (the resource is then judged unprotected, never protected by mistake).
fn condition_holds(condition: &SelectionCondition, tags: &BTreeMap<String, String>) -> bool {
    let value = tags.get(tag_key(&condition.key));
    let like = |text: &str| glob_matches(&condition.value, text);
    match condition.operator.as_str() {
        "StringEquals" => value == Some(&condition.value),
        "StringNotEquals" => value != Some(&condition.value),
        "StringLike" => value.is_some_and(|text| like(text)),
        "StringNotLike" => !value.is_some_and(|text| like(text)),
        _ => false,
    }
}
