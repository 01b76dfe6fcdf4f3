//! The settings of AWS Backup vaults and plans that controls judge and plans compare, for a
//! spec or for any vault and plan of an account.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::construct::{KeyInUse, Setting, State, NOT_REPORTED};
use crate::policy::PolicyDocument;

/// A vault's lock, as DescribeBackupVault reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VaultLock {
    /// The shortest retention a recovery point may be given.
    pub min_retention_days: Option<u32>,
    /// The longest retention a recovery point may be given.
    pub max_retention_days: Option<u32>,
    /// Compliance mode: a cooling-off period was set, after which the lock cannot be removed
    /// (AWS reports its end as the lock date; governance mode has none).
    pub compliance: bool,
}

/// Where a vault publishes its job events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VaultNotifications {
    /// The SNS topic's ARN.
    pub topic_arn: String,
    /// The events published, e.g. `BACKUP_JOB_FAILED`.
    pub events: BTreeSet<String>,
}

/// A backup vault's settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VaultState {
    /// The vault name.
    pub name: String,
    /// Its ARN.
    pub arn: String,
    /// The KMS key ARN that encrypts its recovery points.
    pub kms_key: Option<String>,
    /// Who manages that key (`CUSTOMER` or `AWS`); `None` when not known.
    pub key_manager: Option<String>,
    /// The lock, when the vault has one.
    pub lock: Option<VaultLock>,
    /// The access policy, when the vault has one.
    pub access_policy: Option<PolicyDocument>,
    /// The notifications, when the vault has them.
    pub notifications: Option<VaultNotifications>,
    /// The settings whose read failed (`access_policy`, `notifications`, `key_manager`), each
    /// with the reason: the controls that judge them answer ERROR, never PASS.
    pub unreadable: BTreeMap<String, String>,
    /// The tags the library manages (others are ignored).
    pub tags: BTreeMap<String, String>,
}

impl State for VaultState {
    fn settings(&self) -> Vec<Setting> {
        let lock = self.lock.as_ref();
        let number = |value: Option<u32>| {
            value
                .map(|days| days.to_string())
                .unwrap_or_else(|| "(none)".to_string())
        };
        let mut settings = vec![
            Setting::new("kms_key", self.kms_key.as_deref().unwrap_or("(none)")),
            Setting::new(
                "lock.min_retention_days",
                number(lock.and_then(|lock| lock.min_retention_days)),
            ),
            Setting::new(
                "lock.max_retention_days",
                number(lock.and_then(|lock| lock.max_retention_days)),
            ),
            Setting::new(
                "lock.mode",
                match lock {
                    None => "(unlocked)",
                    Some(lock) if lock.compliance => "compliance",
                    Some(_) => "governance",
                },
            ),
            Setting::new(
                "access_policy",
                self.readable("access_policy", || {
                    self.access_policy
                        .as_ref()
                        .map(|policy| policy.normalized().to_json())
                        .unwrap_or_else(|| "(none)".to_string())
                }),
            ),
            Setting::new(
                "notifications.topic",
                self.readable("notifications", || {
                    self.notifications
                        .as_ref()
                        .map(|n| n.topic_arn.clone())
                        .unwrap_or_else(|| "(none)".to_string())
                }),
            ),
            Setting::new(
                "notifications.events",
                self.readable("notifications", || {
                    self.notifications
                        .as_ref()
                        .map(|n| n.events.iter().cloned().collect::<Vec<_>>().join(","))
                        .unwrap_or_else(|| "(none)".to_string())
                }),
            ),
        ];
        settings.extend(
            self.tags
                .iter()
                .map(|(key, value)| Setting::new(format!("tags.{key}"), value)),
        );
        settings
    }

    fn keys_in_use(&self) -> Vec<KeyInUse> {
        vec![KeyInUse::new("kms_key", self.kms_key.as_deref())]
    }
}

impl VaultState {
    /// The value of a setting, or [`NOT_REPORTED`] when its read failed (diffs skip it).
    fn readable(&self, setting: &str, value: impl FnOnce() -> String) -> String {
        if self.unreadable.contains_key(setting) {
            NOT_REPORTED.to_string()
        } else {
            value()
        }
    }
}

/// A copy of a rule's recovery points to another vault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CopyState {
    /// The destination vault's ARN.
    pub destination_vault_arn: String,
    /// Days the copy is kept (`None`: forever).
    pub delete_after_days: Option<u32>,
}

/// One rule of a backup plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleState {
    /// The rule name.
    pub name: String,
    /// The vault it writes to.
    pub vault_name: String,
    /// Its schedule, e.g. `cron(0 5 ? * * *)`.
    pub schedule: String,
    /// Days a recovery point is kept (`None`: forever).
    pub delete_after_days: Option<u32>,
    /// Continuous backup (point-in-time restore) for the resources that support it.
    pub continuous: bool,
    /// Its copies to other vaults.
    pub copies: Vec<CopyState>,
}

/// One selection of a backup plan: the resources it protects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SelectionState {
    /// Its id (known after apply). Not a setting: a replaced selection gets a new one.
    pub id: String,
    /// The selection name.
    pub name: String,
    /// The role AWS Backup assumes for it.
    pub role_arn: String,
    /// The resource ARNs selected (`*` patterns included as written).
    pub resources: Vec<String>,
    /// Tags that select resources (`key=value`, any of them).
    pub tags: Vec<(String, String)>,
    /// Resource ARNs (or patterns) excluded.
    pub not_resources: Vec<String>,
    /// Conditions every selected resource must meet (all of them).
    pub conditions: Vec<SelectionCondition>,
}

/// A condition of a selection on a resource's tag: `aws:ResourceTag/<key>` compared with a
/// value by `StringEquals`, `StringNotEquals`, `StringLike` or `StringNotLike`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SelectionCondition {
    /// The operator, e.g. `StringEquals`.
    pub operator: String,
    /// The condition key, e.g. `aws:ResourceTag/phi`.
    pub key: String,
    /// The value (`*` and `?` are wildcards in the `Like` operators).
    pub value: String,
}

/// A backup plan's settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanState {
    /// The plan name.
    pub name: String,
    /// Its id (known after apply).
    pub id: String,
    /// Its ARN (known after apply).
    pub arn: String,
    /// The region it runs in (its copies must leave it). Not a setting: it never drifts.
    pub region: String,
    /// Its rules, by name.
    pub rules: Vec<RuleState>,
    /// Its selections, by name.
    pub selections: Vec<SelectionState>,
    /// The tags the library manages (others are ignored).
    pub tags: BTreeMap<String, String>,
}

impl State for PlanState {
    fn settings(&self) -> Vec<Setting> {
        let days = |value: Option<u32>| {
            value
                .map(|days| days.to_string())
                .unwrap_or_else(|| "(forever)".to_string())
        };
        let mut settings = Vec::new();
        for rule in &self.rules {
            let prefix = format!("rules.{}", rule.name);
            settings.push(Setting::new(format!("{prefix}.vault"), &rule.vault_name));
            settings.push(Setting::new(format!("{prefix}.schedule"), &rule.schedule));
            settings.push(Setting::new(
                format!("{prefix}.delete_after_days"),
                days(rule.delete_after_days),
            ));
            settings.push(Setting::new(
                format!("{prefix}.continuous"),
                rule.continuous,
            ));
            let copies: Vec<String> = rule
                .copies
                .iter()
                .map(|copy| {
                    format!(
                        "{} ({} days)",
                        copy.destination_vault_arn,
                        days(copy.delete_after_days)
                    )
                })
                .collect();
            settings.push(Setting::new(format!("{prefix}.copies"), copies.join(", ")));
        }
        for selection in &self.selections {
            let prefix = format!("selections.{}", selection.name);
            settings.push(Setting::new(format!("{prefix}.role"), &selection.role_arn));
            settings.push(Setting::new(
                format!("{prefix}.resources"),
                selection.resources.join(", "),
            ));
            let tags: Vec<String> = selection
                .tags
                .iter()
                .map(|(key, value)| format!("{key}={value}"))
                .collect();
            settings.push(Setting::new(format!("{prefix}.tags"), tags.join(", ")));
            settings.push(Setting::new(
                format!("{prefix}.not_resources"),
                selection.not_resources.join(", "),
            ));
            let conditions: Vec<String> = selection
                .conditions
                .iter()
                .map(|c| format!("{} {}={}", c.operator, c.key, c.value))
                .collect();
            settings.push(Setting::new(
                format!("{prefix}.conditions"),
                conditions.join(", "),
            ));
        }
        settings.extend(
            self.tags
                .iter()
                .map(|(key, value)| Setting::new(format!("tags.{key}"), value)),
        );
        settings
    }
}
