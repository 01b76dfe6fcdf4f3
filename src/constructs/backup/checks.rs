//! The controls that judge AWS Backup vaults and plans, on a spec or on any vault and plan of
//! an account.

use std::collections::BTreeMap;

use crate::controls::{Check, ControlId, Status};
use crate::policy::{actions_not_denied, glob_matches, Exempt};

use super::state::{PlanState, RuleState, SelectionCondition, SelectionState, VaultState};

/// The shortest retention of a recovery point: 35 days (the `requiredRetentionDays` default of
/// the AWS Config rules `BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK` and
/// `BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK`).
pub const MIN_RETENTION_DAYS: u32 = 35;

/// The longest retention AWS Backup accepts for a vault lock: 100 years.
pub const MAX_LOCK_RETENTION_DAYS: u32 = 36_500;

/// The longest a continuous backup (point-in-time restore) can be kept.
pub const MAX_CONTINUOUS_RETENTION_DAYS: u32 = 35;

/// The shortest cooling-off period of a compliance-mode lock.
pub const MIN_CHANGEABLE_FOR_DAYS: u32 = 3;

/// What the AWS Config rule requires a vault's policy to deny: deleting recovery points,
/// shortening their lifecycle, and replacing the policy that says so.
pub const DELETION_ACTIONS: &[&str] = &[
    "backup:DeleteRecoveryPoint",
    "backup:UpdateRecoveryPointLifecycle",
    "backup:PutBackupVaultAccessPolicy",
];

/// What else the vault's policy must deny, so nobody but the break-glass role can undo the
/// guard: removing the policy, changing or removing the lock or the notifications, deleting
/// the vault.
pub const GUARD_ACTIONS: &[&str] = &[
    "backup:DeleteBackupVaultAccessPolicy",
    "backup:PutBackupVaultLockConfiguration",
    "backup:DeleteBackupVaultLockConfiguration",
    "backup:PutBackupVaultNotifications",
    "backup:DeleteBackupVaultNotifications",
    "backup:DeleteBackupVault",
];

/// The vault events that carry failures (AWS Backup's current events; the older
/// `*_FAILED` job events are no longer sent): completed jobs (failed ones among them), failed
/// copies, completed restores, failed S3 objects, interrupted continuous backups.
pub const FAILURE_EVENTS: &[&str] = &[
    "BACKUP_JOB_COMPLETED",
    "COPY_JOB_FAILED",
    "RESTORE_JOB_COMPLETED",
    "S3_BACKUP_OBJECT_FAILED",
    "S3_RESTORE_OBJECT_FAILED",
];

/// What a vault is expected to be, beyond what every vault must be.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct VaultExpectations<'a> {
    /// The one role the guarding Denies may exempt (`None` in an audit: any one role named in
    /// full is accepted, and named in the reason).
    pub break_glass_role: Option<&'a str>,
    /// The topic the vault must notify (`None`: any topic).
    pub topic_arn: Option<&'a str>,
}

/// The controls [`evaluate_vault`] judges (see `crate::controls::coverage`).
pub const EVALUATE_VAULT_COVERS: &[ControlId] = &[
    ControlId::BackupRecoveryPointEncrypted,
    ControlId::BackupVaultLockCompliance,
    ControlId::BackupRecoveryPointMinimumRetentionCheck,
    ControlId::BackupRecoveryPointManualDeletionDisabled,
    ControlId::BackupVaultPolicyGuarded,
    ControlId::BackupFailuresNotified,
];

fn error(control: ControlId, setting: &str, reason: String) -> Check {
    Check {
        control,
        setting: setting.to_string(),
        status: Status::Error,
        reason,
    }
}

/// Judges a vault: encrypted with a customer-managed key; locked in compliance mode with a
/// minimum of at least 35 days and a maximum; a policy that denies everyone but the break-glass
/// role deleting recovery points or undoing the guard; failures published to a topic.
pub fn evaluate_vault(state: &VaultState, expectations: &VaultExpectations<'_>) -> Vec<Check> {
    let mut checks = vec![encryption_check(state)];
    checks.extend(lock_checks(state));
    checks.extend(policy_checks(state, expectations));
    checks.push(notification_check(state, expectations));
    checks
}

fn encryption_check(state: &VaultState) -> Check {
    let control = ControlId::BackupRecoveryPointEncrypted;
    let Some(key) = state.kms_key.as_deref().filter(|key| !key.is_empty()) else {
        return Check::require(
            control,
            "kms_key",
            false,
            "",
            "the vault names no KMS key: recovery points are encrypted only with the AWS managed key",
        );
    };
    if let Some(why) = state.unreadable.get("key_manager") {
        return error(
            control,
            "kms_key",
            format!("who manages key {key} could not be read ({why})"),
        );
    }
    match state.key_manager.as_deref() {
        None => error(
            control,
            "kms_key",
            format!("who manages key {key} is not known"),
        ),
        Some(manager) => Check::require(
            control,
            "kms_key",
            manager == "CUSTOMER",
            format!("recovery points are encrypted with the customer-managed key {key}"),
            format!(
                "recovery points are encrypted with {key}, a key managed by {manager}, not by the account"
            ),
        ),
    }
}

fn lock_checks(state: &VaultState) -> Vec<Check> {
    let lock = state.lock.as_ref();
    let compliance = match lock {
        None => Check::require(
            ControlId::BackupVaultLockCompliance,
            "lock.mode",
            false,
            "",
            "the vault has no lock: anyone allowed can delete recovery points before they expire",
        ),
        Some(lock) if !lock.compliance => Check::require(
            ControlId::BackupVaultLockCompliance,
            "lock.mode",
            false,
            "",
            "the vault is locked in governance mode: a principal with the right permissions can remove the lock",
        ),
        Some(lock) => match (lock.min_retention_days, lock.max_retention_days) {
            (Some(min), Some(max)) => Check::require(
                ControlId::BackupVaultLockCompliance,
                "lock.mode",
                min <= max,
                format!("locked in compliance mode, retention {min} to {max} days"),
                format!("the lock's minimum retention {min} exceeds its maximum {max}"),
            ),
            (None, _) => Check::require(
                ControlId::BackupVaultLockCompliance,
                "lock.min_retention_days",
                false,
                "",
                "the compliance lock sets no minimum retention",
            ),
            (_, None) => Check::require(
                ControlId::BackupVaultLockCompliance,
                "lock.max_retention_days",
                false,
                "",
                "the compliance lock sets no maximum retention: a job can keep recovery points forever, past any deletion duty",
            ),
        },
    };
    let minimum = lock.and_then(|lock| lock.min_retention_days);
    let retention = Check::require(
        ControlId::BackupRecoveryPointMinimumRetentionCheck,
        "lock.min_retention_days",
        minimum.is_some_and(|days| days >= MIN_RETENTION_DAYS),
        format!(
            "the lock keeps every recovery point at least {} days",
            minimum.unwrap_or_default()
        ),
        match minimum {
            None => format!(
                "no lock minimum: a recovery point may be kept fewer than {MIN_RETENTION_DAYS} days"
            ),
            Some(days) => format!(
                "the lock keeps recovery points only {days} days, fewer than {MIN_RETENTION_DAYS}"
            ),
        },
    );
    vec![compliance, retention]
}

fn policy_checks(state: &VaultState, expectations: &VaultExpectations<'_>) -> Vec<Check> {
    let judged = [
        (
            ControlId::BackupRecoveryPointManualDeletionDisabled,
            DELETION_ACTIONS,
        ),
        (ControlId::BackupVaultPolicyGuarded, GUARD_ACTIONS),
    ];
    if let Some(why) = state.unreadable.get("access_policy") {
        return judged
            .iter()
            .map(|(control, _)| {
                error(
                    *control,
                    "access_policy",
                    format!("the vault's access policy could not be read ({why})"),
                )
            })
            .collect();
    }
    let exempt = match expectations.break_glass_role {
        Some(role) => Exempt::Principal(role),
        None => Exempt::AnyOneRole,
    };
    let who = match expectations.break_glass_role {
        Some(role) => format!("everyone but {role}"),
        None => "everyone but one named role".to_string(),
    };
    judged
        .iter()
        .map(|(control, actions)| match &state.access_policy {
            None => Check::require(
                *control,
                "access_policy",
                false,
                "",
                format!(
                    "the vault has no access policy, so nothing denies {}",
                    actions.join(", ")
                ),
            ),
            Some(policy) => {
                let open = actions_not_denied(policy, actions, exempt);
                Check::require(
                    *control,
                    "access_policy",
                    open.is_empty(),
                    format!("denied to {who}: {}", actions.join(", ")),
                    format!(
                        "no Deny for {who} on every resource, without other conditions, covers {}",
                        open.join(", ")
                    ),
                )
            }
        })
        .collect()
}

fn notification_check(state: &VaultState, expectations: &VaultExpectations<'_>) -> Check {
    let control = ControlId::BackupFailuresNotified;
    if let Some(why) = state.unreadable.get("notifications") {
        return error(
            control,
            "notifications",
            format!("the vault's notifications could not be read ({why})"),
        );
    }
    let Some(notifications) = &state.notifications else {
        return Check::require(
            control,
            "notifications",
            false,
            "",
            "the vault publishes no events: a failed backup goes unnoticed",
        );
    };
    let missing: Vec<&str> = FAILURE_EVENTS
        .iter()
        .copied()
        .filter(|event| !notifications.events.contains(*event))
        .collect();
    if !missing.is_empty() {
        return Check::require(
            control,
            "notifications.events",
            false,
            "",
            format!(
                "the vault does not publish {} to {}",
                missing.join(", "),
                notifications.topic_arn
            ),
        );
    }
    match expectations.topic_arn {
        Some(topic) if topic != notifications.topic_arn => Check::require(
            control,
            "notifications.topic",
            false,
            "",
            format!(
                "the vault publishes to {}, not the declared topic {topic}",
                notifications.topic_arn
            ),
        ),
        _ => Check::require(
            control,
            "notifications",
            true,
            format!("failures are published to {}", notifications.topic_arn),
            "",
        ),
    }
}

/// The controls [`evaluate_plan`] judges (see `crate::controls::coverage`).
pub const EVALUATE_PLAN_COVERS: &[ControlId] = &[
    ControlId::BackupPlanMinFrequencyAndMinRetentionCheck,
    ControlId::BackupRecoveryPointMinimumRetentionCheck,
    ControlId::BackupCrossRegionCopy,
];

/// What a plan is expected to do, beyond what every plan must do.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PlanExpectations<'a> {
    /// The plan's region (copies must leave it).
    pub region: &'a str,
    /// Why the plan makes no cross-region copy, when its owner said so.
    pub no_copy_reason: Option<&'a str>,
}

/// Judges a plan: it has a rule; every rule runs at least daily and keeps recovery points at
/// least 35 days; every copy is kept at least 35 days; every rule copies to a vault in another
/// region (not applicable when the owner gave a reason).
pub fn evaluate_plan(state: &PlanState, expectations: &PlanExpectations<'_>) -> Vec<Check> {
    if state.rules.is_empty() {
        return vec![Check::require(
            ControlId::BackupPlanMinFrequencyAndMinRetentionCheck,
            "rules",
            false,
            "",
            "the plan has no rule: it backs nothing up",
        )];
    }
    let mut checks = Vec::new();
    for rule in &state.rules {
        checks.extend(rule_checks(rule, expectations));
    }
    checks
}

fn rule_checks(rule: &RuleState, expectations: &PlanExpectations<'_>) -> Vec<Check> {
    let prefix = format!("rules.{}", rule.name);
    let mut checks = vec![
        match schedule_gap(&rule.schedule) {
            None => Check::require(
                ControlId::BackupPlanMinFrequencyAndMinRetentionCheck,
                format!("{prefix}.schedule"),
                true,
                format!("runs at least daily ({})", rule.schedule),
                "",
            ),
            Some(problem) => Check::require(
                ControlId::BackupPlanMinFrequencyAndMinRetentionCheck,
                format!("{prefix}.schedule"),
                false,
                "",
                format!(
                    "{:?} {problem}: a backup must run at least once a day",
                    rule.schedule
                ),
            ),
        },
        retention_check(
            ControlId::BackupPlanMinFrequencyAndMinRetentionCheck,
            format!("{prefix}.delete_after_days"),
            rule.delete_after_days,
            "recovery points",
        ),
    ];
    for copy in &rule.copies {
        checks.push(retention_check(
            ControlId::BackupRecoveryPointMinimumRetentionCheck,
            format!("{prefix}.copies"),
            copy.delete_after_days,
            &format!("copies in {}", copy.destination_vault_arn),
        ));
    }
    let setting = format!("{prefix}.copies");
    let elsewhere = rule.copies.iter().find(|copy| {
        region_of(&copy.destination_vault_arn).is_some_and(|r| r != expectations.region)
    });
    checks.push(match (elsewhere, expectations.no_copy_reason) {
        (Some(copy), _) => Check::require(
            ControlId::BackupCrossRegionCopy,
            setting,
            true,
            format!("copied to {}", copy.destination_vault_arn),
            "",
        ),
        (None, Some(reason)) => Check::not_applicable(
            ControlId::BackupCrossRegionCopy,
            setting,
            format!("no cross-region copy, by the owner's decision: {reason}"),
        ),
        (None, None) => Check::require(
            ControlId::BackupCrossRegionCopy,
            setting,
            false,
            "",
            format!(
                "no copy leaves {}: a regional outage takes the backups with the data",
                expectations.region
            ),
        ),
    });
    checks
}

fn retention_check(control: ControlId, setting: String, days: Option<u32>, what: &str) -> Check {
    Check::require(
        control,
        setting,
        days.is_none_or(|days| days >= MIN_RETENTION_DAYS),
        match days {
            None => format!("{what} are kept until deleted by hand"),
            Some(days) => format!("{what} are kept {days} days"),
        },
        format!(
            "{what} are kept only {} days, fewer than {MIN_RETENTION_DAYS}",
            days.unwrap_or_default()
        ),
    )
}

/// The region of an ARN (`arn:partition:service:region:…`); `None` when it has none (an ARN not
/// yet known).
pub fn region_of(arn: &str) -> Option<&str> {
    let mut parts = arn.split(':');
    (parts.next() == Some("arn"))
        .then(|| parts.nth(2))
        .flatten()
        .filter(|region| !region.is_empty())
}

/// Why a schedule runs less often than daily, or `None` when it runs at least once a day.
/// Only AWS Backup's `cron(minutes hours day-of-month month day-of-week year)` form is read;
/// anything else (a `rate()`, `L`, `W`, `#`, a step over days) is judged not daily.
pub fn schedule_gap(schedule: &str) -> Option<String> {
    let Some(fields) = schedule
        .trim()
        .strip_prefix("cron(")
        .and_then(|rest| rest.strip_suffix(')'))
    else {
        return Some("is not a cron expression".to_string());
    };
    let fields: Vec<&str> = fields.split_whitespace().collect();
    let [minutes, hours, day_of_month, month, day_of_week, year] = fields.as_slice() else {
        return Some("does not have the six cron fields".to_string());
    };
    if minutes.is_empty() || hours.is_empty() {
        return Some("has no time of day".to_string());
    }
    if !every_value(month, 1, 12, MONTHS) {
        return Some("skips months".to_string());
    }
    if *year != "*" {
        return Some("runs only in some years".to_string());
    }
    let every_day_of_month = *day_of_month == "?" || every_value(day_of_month, 1, 31, &[]);
    let every_day_of_week = *day_of_week == "?" || every_value(day_of_week, 1, 7, WEEKDAYS);
    if *day_of_month == "?" && *day_of_week == "?" {
        return Some("names no day".to_string());
    }
    if every_day_of_month && every_day_of_week {
        None
    } else {
        Some("skips days".to_string())
    }
}

const MONTHS: &[&str] = &[
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];
const WEEKDAYS: &[&str] = &["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/// True when a cron field names every value from `low` to `high`: `*`, a full range, or a list
/// of values and ranges covering all of them. Steps (`*/2`) and special characters (`L`, `W`,
/// `#`) are not values, so they never do.
fn every_value(field: &str, low: u32, high: u32, names: &[&str]) -> bool {
    if field == "*" {
        return true;
    }
    let value = |text: &str| -> Option<u32> {
        let text = text.trim();
        names
            .iter()
            .position(|name| name.eq_ignore_ascii_case(text))
            .and_then(|index| u32::try_from(index).ok())
            .map(|index| index + low)
            .or_else(|| text.parse::<u32>().ok())
            .filter(|value| (low..=high).contains(value))
    };
    let mut covered = std::collections::BTreeSet::new();
    for part in field.split(',') {
        match part.split_once('-') {
            Some((from, to)) => match (value(from), value(to)) {
                (Some(from), Some(to)) if from <= to => covered.extend(from..=to),
                _ => return false,
            },
            None => match value(part) {
                Some(one) => {
                    covered.insert(one);
                }
                None => return false,
            },
        }
    }
    (low..=high).all(|value| covered.contains(&value))
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_schedule_is_daily_only_when_it_names_every_day_of_every_month() {
        for daily in [
            "cron(0 5 ? * * *)",
            "cron(0 5 * * ? *)",
            "cron(0 */6 ? * * *)",
            "cron(0 5 ? * SUN-SAT *)",
            "cron(0 5 ? * 1-7 *)",
            "cron(0 5 ? * MON-FRI,SAT,SUN *)",
            "cron(0 5 1-31 * ? *)",
            "cron(0 5 ? 1-12 * *)",
        ] {
            assert_eq!(schedule_gap(daily), None, "{daily}");
        }
        for sparse in [
            "cron(0 5 ? * MON-FRI *)",
            "cron(0 5 ? * 2-7 *)",
            "cron(0 5 1 * ? *)",
            "cron(0 5 */2 * ? *)",
            "cron(0 5 1-30 * ? *)",
            "cron(0 5 ? 1-11 * *)",
            "cron(0 5 L * ? *)",
            "cron(0 5 ? * 6#3 *)",
            "cron(0 5 ? * * 2027)",
            "cron(0 5 ? * ? *)",
            "cron(0 5 ? * *)",
            "rate(1 day)",
            "",
        ] {
            assert!(schedule_gap(sparse).is_some(), "{sparse}");
        }
    }

    #[test]
    fn the_region_of_an_arn_is_its_fourth_field() {
        assert_eq!(
            region_of("arn:aws:backup:us-west-2:111122223333:backup-vault:copy"),
            Some("us-west-2")
        );
        assert_eq!(region_of("(known after apply)"), None);
        assert_eq!(region_of("arn:aws:iam::111122223333:role/x"), None);
    }
}
