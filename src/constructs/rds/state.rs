//! The settings of a database that controls judge and plans compare.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::construct::{KeyInUse, Setting, State};
use crate::constructs::ec2::SgRule;
use crate::constructs::logs::LogGroupState;
use crate::constructs::partial::Unread;

/// A DB instance with its subnet group, parameter group and security group. The master user
/// secret is known only by its existence and key: no password is ever read or held.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DatabaseState {
    /// The DB instance identifier.
    pub identifier: String,
    /// The engine name (`postgres`, `mysql`).
    pub engine: String,
    /// The major engine version (`16`, `8.0`).
    pub engine_major_version: String,
    /// The instance class.
    pub instance_class: String,
    /// Allocated storage in GiB.
    pub allocated_storage: u32,
    /// Storage encryption on.
    pub storage_encrypted: bool,
    /// The KMS key ARN of the storage.
    pub kms_key: Option<String>,
    /// `None` when AWS did not say (cdk-nag requires it explicitly false).
    pub publicly_accessible: Option<bool>,
    /// The port.
    pub port: u16,
    /// The DB subnet group name.
    pub subnet_group: String,
    /// The blocks of the subnet group's subnets, sorted.
    pub subnet_cidrs: Vec<String>,
    /// The VPC of the subnet group.
    pub vpc_id: String,
    /// The security groups of the instance.
    pub security_group_ids: Vec<String>,
    /// The rules of the database's own security group.
    pub rules: Vec<SgRule>,
    /// The DB parameter group name.
    pub parameter_group: String,
    /// Its family (`postgres16`).
    pub parameter_family: String,
    /// Its parameters that carry a value set by a user (or this library).
    pub parameters: BTreeMap<String, String>,
    /// Days automated backups are kept (0: no backups).
    pub backup_retention_days: u32,
    /// Deletion protection.
    pub deletion_protection: bool,
    /// Multi-AZ.
    pub multi_az: bool,
    /// IAM database authentication.
    pub iam_auth: bool,
    /// Automatic minor version upgrade.
    pub auto_minor_version_upgrade: bool,
    /// Tags copied to snapshots.
    pub copy_tags_to_snapshot: bool,
    /// Log types exported to CloudWatch Logs.
    pub log_exports: BTreeSet<String>,
    /// Enhanced monitoring interval in seconds (0: off).
    pub monitoring_interval: u32,
    /// The enhanced monitoring role.
    pub monitoring_role_arn: Option<String>,
    /// Performance Insights on.
    pub performance_insights: bool,
    /// The key of Performance Insights.
    pub performance_insights_kms_key: Option<String>,
    /// The master password is managed by RDS in Secrets Manager.
    pub master_password_managed: bool,
    /// The key of the master user secret.
    pub master_secret_kms_key: Option<String>,
    /// The master user name.
    pub master_username: String,
    /// The tags the library manages.
    pub tags: BTreeMap<String, String>,
    /// Whether the parameter group's values are in effect: `in-sync`, `applying` or
    /// `pending-reboot` (the instance's ParameterApplyStatus; `None` when AWS did not say).
    /// Not a setting: apply never reboots a database on its own.
    pub parameter_apply_status: Option<String>,
    /// The CloudWatch Logs log groups of the exported logs, by log type (`postgresql`), as the
    /// database construct makes them: encrypted with the database key, kept six years. Empty
    /// when not read (the audit judges every log group on its own).
    pub log_groups: BTreeMap<String, LogGroupState>,
    /// The reads that failed (parameter group, security group rules, subnets): the checks
    /// they feed are errors, every other control is still judged.
    pub unread: Unread,
}

/// DescribeDBParameters (and DescribeDBParameterGroups): feeds the parameter checks.
pub const PARAMETERS_READ: &str = "DescribeDBParameters";
/// DescribeSecurityGroups: feeds the security group checks.
pub const RULES_READ: &str = "DescribeSecurityGroups";
/// DescribeSubnets: feeds the data-subnet check.
pub const SUBNETS_READ: &str = "DescribeSubnets";

impl DatabaseState {
    /// The parameter group has values that take effect only after the instance reboots (or
    /// are still being applied): judging the group would judge settings the database does not
    /// run with.
    pub fn parameters_pending(&self) -> bool {
        matches!(
            self.parameter_apply_status.as_deref(),
            Some("pending-reboot") | Some("applying")
        )
    }
}

fn on(value: bool) -> &'static str {
    if value {
        "on"
    } else {
        "off"
    }
}

fn or_none(value: &Option<String>) -> String {
    value.clone().unwrap_or_else(|| "(none)".to_string())
}

impl State for DatabaseState {
    fn settings(&self) -> Vec<Setting> {
        let mut settings = vec![
            Setting::new("engine", &self.engine),
            Setting::new("engine_major_version", &self.engine_major_version),
            Setting::new("kms_key", or_none(&self.kms_key)),
            Setting::new("storage_encrypted", on(self.storage_encrypted)),
            Setting::new("instance_class", &self.instance_class),
            Setting::new("allocated_storage", self.allocated_storage),
            Setting::new(
                "publicly_accessible",
                self.publicly_accessible
                    .map(|public| on(public).to_string())
                    .unwrap_or_else(|| "(unset)".to_string()),
            ),
            Setting::new("port", self.port),
            Setting::new("subnet_group", &self.subnet_group),
            Setting::new("subnet_group.cidrs", self.subnet_cidrs.join(",")),
            Setting::new("security_group.ingress", render(&self.rules, false)),
            Setting::new("security_group.egress", render(&self.rules, true)),
            Setting::new("parameter_group", &self.parameter_group),
            Setting::new("backup_retention_days", self.backup_retention_days),
            Setting::new("deletion_protection", on(self.deletion_protection)),
            Setting::new("multi_az", on(self.multi_az)),
            Setting::new("iam_auth", on(self.iam_auth)),
            Setting::new(
                "auto_minor_version_upgrade",
                on(self.auto_minor_version_upgrade),
            ),
            Setting::new("copy_tags_to_snapshot", on(self.copy_tags_to_snapshot)),
            Setting::new(
                "log_exports",
                self.log_exports
                    .iter()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(","),
            ),
            Setting::new("monitoring_interval", self.monitoring_interval),
            Setting::new("monitoring_role", or_none(&self.monitoring_role_arn)),
            Setting::new("performance_insights", on(self.performance_insights)),
            Setting::new(
                "performance_insights_kms_key",
                or_none(&self.performance_insights_kms_key),
            ),
            Setting::new("master_password_managed", on(self.master_password_managed)),
            Setting::new("master_username", &self.master_username),
        ];
        settings.extend(
            self.parameters
                .iter()
                .map(|(name, value)| Setting::new(format!("parameters.{name}"), value)),
        );
        settings.extend(
            self.tags
                .iter()
                .map(|(key, value)| Setting::new(format!("tags.{key}"), value)),
        );
        // A setting whose read failed is not its fallback: plans say so, and apply writes the
        // desired value again.
        for (setting, operation) in [
            ("subnet_group.cidrs", SUBNETS_READ),
            ("security_group.ingress", RULES_READ),
            ("security_group.egress", RULES_READ),
        ] {
            if let Some(error) = self.unread.failed(operation)
                && let Some(found) = settings.iter_mut().find(|s| s.name == setting)
            {
                found.value = format!("(could not be read: {operation} failed: {error})");
            }
        }
        for (log, group) in &self.log_groups {
            settings.extend(group.settings().into_iter().map(|setting| Setting {
                name: format!("{LOG_GROUPS}{log}.{}", setting.name),
                value: setting.value,
            }));
        }
        settings
    }

    fn keys_in_use(&self) -> Vec<KeyInUse> {
        let mut keys = vec![
            KeyInUse::new("kms_key", self.kms_key.as_deref()),
            KeyInUse::new(
                "performance_insights_kms_key",
                self.performance_insights_kms_key.as_deref(),
            ),
            KeyInUse::new(
                "master_secret_kms_key",
                self.master_secret_kms_key.as_deref(),
            ),
        ];
        keys.extend(self.log_groups.iter().map(|(log, group)| {
            KeyInUse::new(
                format!("{LOG_GROUPS}{log}.kms_key"),
                group.kms_key.as_deref(),
            )
        }));
        keys
    }
}

/// The prefix of the settings of the database's log groups.
pub(crate) const LOG_GROUPS: &str = "log_groups.";

fn render(rules: &[SgRule], egress: bool) -> String {
    let mut rendered: Vec<String> = rules
        .iter()
        .filter(|rule| rule.egress == egress)
        .map(SgRule::render)
        .collect();
    rendered.sort();
    rendered.dedup();
    rendered.join("; ")
}
