//! The controls that judge AWS Backup vaults and plans, on a spec or on any vault and plan of
//! an account.

use crate::controls::{Check, ControlId, Status};
use crate::policy::{actions_not_denied, Exempt};

use super::schedule::schedule_gap;
use super::state::{PlanState, RuleState, VaultState};

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

#[cfg(test)]
mod tests {
    use super::*;

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
