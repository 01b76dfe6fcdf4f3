//! The controls that judge a database, its parameters and its snapshots: on a spec at
//! `build()`, on the live database at verify, and on any instance, cluster, snapshot or
//! parameter group of an account in the audit.

use std::collections::BTreeMap;

use crate::construct::KNOWN_AFTER_APPLY;
use crate::constructs::ec2::{evaluate_security_group_rules, Ipv4Cidr, SecurityGroupExpectations};
use crate::controls::{Check, ControlId, Status};

use super::engine::{is_mysql_kind, is_postgres_kind, required_log_exports};
use super::state::{DatabaseState, PARAMETERS_READ, RULES_READ, SUBNETS_READ};
use crate::constructs::partial::unread_source;

/// The shortest backup retention this library accepts, in days.
pub const MIN_BACKUP_RETENTION_DAYS: u32 = 7;
/// The longest backup retention RDS accepts, in days.
pub const MAX_BACKUP_RETENTION_DAYS: u32 = 35;

/// What a database is judged against beyond its own settings.
#[derive(Debug, Clone, Default)]
pub struct DatabaseExpectations {
    /// The key storage, Performance Insights and the master secret must use (`None`: any
    /// customer key; the audit does not know which).
    pub kms_key: Option<String>,
    /// The data-tier blocks the subnet group must hold exactly (`None`: not judged).
    pub data_subnet_cidrs: Option<Vec<String>>,
    /// The VPC's blocks, and whether the database's own security group is judged.
    pub security_group: Option<Vec<Ipv4Cidr>>,
}

fn key_matches(actual: &Option<String>, expected: &Option<String>) -> bool {
    match (actual, expected) {
        (None, _) => false,
        (Some(_), None) => true,
        (Some(_), Some(expected)) if expected == KNOWN_AFTER_APPLY => true,
        (Some(actual), Some(expected)) => {
            actual == KNOWN_AFTER_APPLY
                || actual == expected
                // RDS may report a key by id; compare the id part of an ARN.
                || expected.rsplit('/').next() == Some(actual.as_str())
                || actual.rsplit('/').next() == expected.rsplit('/').next()
        }
    }
}

/// The controls [`evaluate_database`] judges (see `crate::controls::coverage`).
pub const EVALUATE_DATABASE_COVERS: &[ControlId] = &[
    ControlId::DbInstanceBackupEnabled,
    ControlId::IncomingSshDisabled,
    ControlId::RdsAutomaticMinorVersionUpgradeEnabled,
    ControlId::RdsBackupRetention,
    ControlId::RdsCopyTagsToSnapshot,
    ControlId::RdsEnhancedMonitoringEnabled,
    ControlId::RdsIamAuthentication,
    ControlId::RdsInDataSubnets,
    ControlId::RdsInstanceDeletionProtectionEnabled,
    ControlId::RdsInstancePublicAccessCheck,
    ControlId::RdsLoggingEnabled,
    ControlId::RdsMasterPasswordManaged,
    ControlId::RdsMultiAzSupport,
    ControlId::RdsParametersForEngine,
    ControlId::RdsPerformanceInsightsEncrypted,
    ControlId::RdsStorageEncrypted,
    ControlId::RdsTlsEnforced,
    ControlId::RestrictedIncomingTraffic,
    ControlId::SgAdminAndDatabasePortsInternal,
    ControlId::SgNoAllPortsRules,
    ControlId::VpcSgOpenOnlyToAuthorizedPorts,
];

/// Judges a DB instance with every control of the RDS section.
pub fn evaluate_database(state: &DatabaseState, expect: &DatabaseExpectations) -> Vec<Check> {
    let retention = state.backup_retention_days;
    let mut checks = vec![
        Check::require(
            ControlId::RdsStorageEncrypted,
            "kms_key",
            state.storage_encrypted && key_matches(&state.kms_key, &expect.kms_key),
            "storage encrypted with the database's customer key",
            match (state.storage_encrypted, &state.kms_key) {
                (false, _) => "storage is not encrypted".to_string(),
                (true, key) => format!(
                    "storage is encrypted with {} instead of {}",
                    key.as_deref().unwrap_or("(no key)"),
                    expect.kms_key.as_deref().unwrap_or("a customer key")
                ),
            },
        ),
        Check::require(
            ControlId::RdsInstancePublicAccessCheck,
            "publicly_accessible",
            state.publicly_accessible == Some(false),
            "not publicly accessible",
            "publicly accessible (or not explicitly false): the endpoint resolves to a public address",
        ),
        Check::require(
            ControlId::DbInstanceBackupEnabled,
            "backup_retention_days",
            retention > 0,
            format!("automated backups kept {retention} days"),
            "automated backups are off (retention 0)",
        ),
        Check::require(
            ControlId::RdsBackupRetention,
            "backup_retention_days",
            (MIN_BACKUP_RETENTION_DAYS..=MAX_BACKUP_RETENTION_DAYS).contains(&retention),
            format!("automated backups kept {retention} days"),
            format!(
                "backups kept {retention} days: keep {MIN_BACKUP_RETENTION_DAYS} to {MAX_BACKUP_RETENTION_DAYS}"
            ),
        ),
        Check::require(
            ControlId::RdsMultiAzSupport,
            "multi_az",
            state.multi_az,
            "runs Multi-AZ",
            "runs in a single availability zone",
        ),
        Check::require(
            ControlId::RdsInstanceDeletionProtectionEnabled,
            "deletion_protection",
            state.deletion_protection,
            "deletion protection on",
            "deletion protection off",
        ),
        Check::require(
            ControlId::RdsEnhancedMonitoringEnabled,
            "monitoring_interval",
            state.monitoring_interval > 0 && state.monitoring_role_arn.is_some(),
            format!("enhanced monitoring every {}s", state.monitoring_interval),
            "enhanced monitoring is off (interval 0 or no monitoring role)",
        ),
        Check::require(
            ControlId::RdsAutomaticMinorVersionUpgradeEnabled,
            "auto_minor_version_upgrade",
            state.auto_minor_version_upgrade,
            "minor versions upgraded automatically",
            "automatic minor version upgrade is off",
        ),
        Check::require(
            ControlId::RdsIamAuthentication,
            "iam_auth",
            state.iam_auth,
            "IAM database authentication on",
            "IAM database authentication off: users connect with long-lived passwords",
        ),
        Check::require(
            ControlId::RdsMasterPasswordManaged,
            "master_password_managed",
            state.master_password_managed
                && (expect.kms_key.is_none() || key_matches(&state.master_secret_kms_key, &expect.kms_key)),
            "master password managed by RDS in Secrets Manager",
            "the master password is not managed by RDS (ManageMasterUserPassword) with the database key",
        ),
        Check::require(
            ControlId::RdsPerformanceInsightsEncrypted,
            "performance_insights",
            state.performance_insights
                && key_matches(
                    &state.performance_insights_kms_key,
                    &expect.kms_key.clone().or_else(|| state.kms_key.clone()),
                ),
            "Performance Insights on, encrypted with the database key",
            format!(
                "Performance Insights {} (key {})",
                if state.performance_insights { "on" } else { "off" },
                state
                    .performance_insights_kms_key
                    .as_deref()
                    .unwrap_or("(none)")
            ),
        ),
        Check::require(
            ControlId::RdsCopyTagsToSnapshot,
            "copy_tags_to_snapshot",
            state.copy_tags_to_snapshot,
            "snapshots inherit the tags",
            "tags are not copied to snapshots",
        ),
    ];
    checks.push(match required_log_exports(&state.engine) {
        Some(required) => {
            let missing: Vec<&str> = required
                .iter()
                .copied()
                .filter(|log| !state.log_exports.contains(*log))
                .collect();
            Check::require(
                ControlId::RdsLoggingEnabled,
                "log_exports",
                missing.is_empty(),
                format!("exports {} to CloudWatch Logs", required.join(", ")),
                format!("does not export {} to CloudWatch Logs", missing.join(", ")),
            )
        }
        None => Check::not_applicable(
            ControlId::RdsLoggingEnabled,
            "log_exports",
            format!("engine {} is not judged by this library", state.engine),
        ),
    });
    checks.extend(unread_source(
        pending_parameters_unjudged(
            state,
            evaluate_parameters(&state.parameter_family_or_engine(), &state.parameters),
        ),
        &state.unread,
        PARAMETERS_READ,
    ));
    if let Some(cidrs) = &expect.data_subnet_cidrs {
        let mut wanted = cidrs.clone();
        wanted.sort();
        checks.extend(unread_source(
            vec![Check::require(
                ControlId::RdsInDataSubnets,
                "subnet_group.cidrs",
                !wanted.is_empty() && state.subnet_cidrs == wanted,
                format!("in the data subnets {}", wanted.join(", ")),
                format!(
                    "the subnet group holds {} instead of exactly the data subnets {}",
                    if state.subnet_cidrs.is_empty() {
                        "nothing".to_string()
                    } else {
                        state.subnet_cidrs.join(", ")
                    },
                    wanted.join(", ")
                ),
            )],
            &state.unread,
            SUBNETS_READ,
        ));
    }
    if let Some(vpc_cidrs) = &expect.security_group {
        checks.extend(unread_source(
            evaluate_security_group_rules(
                &state.rules,
                &SecurityGroupExpectations {
                    vpc_cidrs: vpc_cidrs.clone(),
                    ingress_tier: false,
                    judge_egress: true,
                },
            ),
            &state.unread,
            RULES_READ,
        ));
    }
    checks
}

/// While the parameter group has values pending a reboot (or still being applied), the group
/// is not what the database runs with: its checks are errors until the values are in effect,
/// never a pass judged on values the database does not use.
fn pending_parameters_unjudged(state: &DatabaseState, checks: Vec<Check>) -> Vec<Check> {
    if !state.parameters_pending() {
        return checks;
    }
    let status = state.parameter_apply_status.as_deref().unwrap_or_default();
    checks
        .into_iter()
        .map(|check| Check {
            status: Status::Error,
            reason: format!(
                "parameter group {} is {status}: its values are not in effect until the instance reboots \
                 (reboot it in a maintenance window, then verify again); judged on the group, {}",
                state.parameter_group, check.reason
            ),
            ..check
        })
        .collect()
}

impl DatabaseState {
    fn parameter_family_or_engine(&self) -> String {
        if self.parameter_family.is_empty() {
            self.engine.clone()
        } else {
            self.parameter_family.clone()
        }
    }
}

/// The controls [`evaluate_parameters`] judges (see `crate::controls::coverage`).
pub const EVALUATE_PARAMETERS_COVERS: &[ControlId] =
    &[ControlId::RdsParametersForEngine, ControlId::RdsTlsEnforced];

/// Judges the parameters of a parameter group (of `family`, or an engine name): TLS forced and
/// at least TLS 1.2, and every parameter of the family's engine.
pub fn evaluate_parameters(family: &str, parameters: &BTreeMap<String, String>) -> Vec<Check> {
    let get = |name: &str| parameters.get(name).map(|value| value.trim().to_string());
    if is_postgres_kind(family) {
        let forced = get("rds.force_ssl").as_deref() == Some("1");
        let weak_min = get("ssl_min_protocol_version")
            .filter(|v| !matches!(v.as_str(), "TLSv1.2" | "TLSv1.3"));
        let foreign = foreign_parameters(parameters, true);
        vec![
            Check::require(
                ControlId::RdsTlsEnforced,
                "parameters.rds.force_ssl",
                forced && weak_min.is_none(),
                "rds.force_ssl=1: connections without TLS are refused",
                match weak_min {
                    Some(min) if forced => {
                        format!("ssl_min_protocol_version={min} allows TLS below 1.2")
                    }
                    _ => format!(
                        "rds.force_ssl is {}: clients may connect without TLS",
                        get("rds.force_ssl").unwrap_or_else(|| "unset".to_string())
                    ),
                },
            ),
            Check::require(
                ControlId::RdsParametersForEngine,
                "parameters",
                foreign.is_empty(),
                "every parameter belongs to PostgreSQL",
                format!(
                    "MySQL parameters on a PostgreSQL group: {}",
                    foreign.join(", ")
                ),
            ),
        ]
    } else if is_mysql_kind(family) {
        let secure = get("require_secure_transport")
            .is_some_and(|v| v.eq_ignore_ascii_case("ON") || v == "1");
        let weak: Vec<String> = get("tls_version")
            .map(|versions| {
                versions
                    .split(',')
                    .map(|v| v.trim().to_string())
                    .filter(|v| v == "TLSv1" || v == "TLSv1.1")
                    .collect()
            })
            .unwrap_or_default();
        let foreign = foreign_parameters(parameters, false);
        vec![
            Check::require(
                ControlId::RdsTlsEnforced,
                "parameters.require_secure_transport",
                secure && weak.is_empty(),
                "require_secure_transport=ON: connections without TLS are refused",
                if secure {
                    format!("tls_version allows {}", weak.join(", "))
                } else {
                    format!(
                        "require_secure_transport is {}: clients may connect without TLS",
                        get("require_secure_transport").unwrap_or_else(|| "unset".to_string())
                    )
                },
            ),
            Check::require(
                ControlId::RdsParametersForEngine,
                "parameters",
                foreign.is_empty(),
                "every parameter belongs to MySQL",
                format!(
                    "PostgreSQL parameters on a MySQL group: {}",
                    foreign.join(", ")
                ),
            ),
        ]
    } else {
        vec![Check::not_applicable(
            ControlId::RdsTlsEnforced,
            "parameters",
            format!("family {family} is not judged by this library"),
        )]
    }
}

fn foreign_parameters(parameters: &BTreeMap<String, String>, postgres: bool) -> Vec<String> {
    parameters
        .keys()
        .filter(|name| super::engine::parameter_engine(name) == Some(!postgres))
        .cloned()
        .collect()
}

/// The controls [`evaluate_snapshot`] judges (see `crate::controls::coverage`).
pub const EVALUATE_SNAPSHOT_COVERS: &[ControlId] = &[
    ControlId::RdsSnapshotEncrypted,
    ControlId::RdsSnapshotsPublicProhibited,
];

/// Judges a DB or cluster snapshot: encrypted, and not restorable by everyone.
pub fn evaluate_snapshot(encrypted: bool, public: bool) -> Vec<Check> {
    vec![
        Check::require(
            ControlId::RdsSnapshotEncrypted,
            "encrypted",
            encrypted,
            "encrypted",
            "not encrypted",
        ),
        Check::require(
            ControlId::RdsSnapshotsPublicProhibited,
            "restore",
            !public,
            "not shared publicly",
            "restorable by every AWS account (restore attribute 'all')",
        ),
    ]
}

/// What the audit reads of a DB cluster.
#[derive(Debug, Clone, Default)]
pub struct ClusterState {
    /// Storage encrypted.
    pub storage_encrypted: bool,
    /// Deletion protection.
    pub deletion_protection: bool,
    /// Multi-AZ.
    pub multi_az: bool,
    /// Days automated backups are kept.
    pub backup_retention_days: u32,
}

/// The controls [`evaluate_cluster`] judges (see `crate::controls::coverage`).
pub const EVALUATE_CLUSTER_COVERS: &[ControlId] = &[
    ControlId::RdsBackupRetention,
    ControlId::RdsClusterDeletionProtectionEnabled,
    ControlId::RdsClusterMultiAzEnabled,
    ControlId::RdsStorageEncrypted,
];

/// Judges a DB cluster: encrypted, deletion protection, Multi-AZ, backups.
pub fn evaluate_cluster(state: &ClusterState) -> Vec<Check> {
    vec![
        Check::require(
            ControlId::RdsStorageEncrypted,
            "storage_encrypted",
            state.storage_encrypted,
            "storage encrypted",
            "storage not encrypted",
        ),
        Check::require(
            ControlId::RdsClusterDeletionProtectionEnabled,
            "deletion_protection",
            state.deletion_protection,
            "deletion protection on",
            "deletion protection off",
        ),
        Check::require(
            ControlId::RdsClusterMultiAzEnabled,
            "multi_az",
            state.multi_az,
            "Multi-AZ",
            "single availability zone",
        ),
        Check::require(
            ControlId::RdsBackupRetention,
            "backup_retention_days",
            (MIN_BACKUP_RETENTION_DAYS..=MAX_BACKUP_RETENTION_DAYS)
                .contains(&state.backup_retention_days),
            format!("backups kept {} days", state.backup_retention_days),
            format!(
                "backups kept {} days: keep {MIN_BACKUP_RETENTION_DAYS} to {MAX_BACKUP_RETENTION_DAYS}",
                state.backup_retention_days
            ),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::Status;

    fn params(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn status(checks: &[Check], control: ControlId) -> Status {
        checks
            .iter()
            .find(|check| check.control == control)
            .map(|check| check.status)
            .unwrap_or(Status::Error)
    }

    #[test]
    fn postgres_tls_is_judged_on_force_ssl_and_the_minimum_version() {
        let ok = evaluate_parameters("postgres16", &params(&[("rds.force_ssl", "1")]));
        assert_eq!(status(&ok, ControlId::RdsTlsEnforced), Status::Pass);
        let off = evaluate_parameters("postgres16", &params(&[("rds.force_ssl", "0")]));
        assert_eq!(status(&off, ControlId::RdsTlsEnforced), Status::Fail);
        let unset = evaluate_parameters("postgres16", &params(&[]));
        assert_eq!(status(&unset, ControlId::RdsTlsEnforced), Status::Fail);
        let old = evaluate_parameters(
            "postgres17",
            &params(&[
                ("rds.force_ssl", "1"),
                ("ssl_min_protocol_version", "TLSv1.1"),
            ]),
        );
        assert_eq!(status(&old, ControlId::RdsTlsEnforced), Status::Fail);
        let foreign = evaluate_parameters(
            "postgres16",
            &params(&[("rds.force_ssl", "1"), ("general_log", "1")]),
        );
        assert_eq!(
            status(&foreign, ControlId::RdsParametersForEngine),
            Status::Fail
        );
    }

    #[test]
    fn mysql_tls_is_judged_on_secure_transport_and_versions() {
        let ok = evaluate_parameters("mysql8.0", &params(&[("require_secure_transport", "ON")]));
        assert_eq!(status(&ok, ControlId::RdsTlsEnforced), Status::Pass);
        let numeric =
            evaluate_parameters("mysql8.0", &params(&[("require_secure_transport", "1")]));
        assert_eq!(status(&numeric, ControlId::RdsTlsEnforced), Status::Pass);
        let off = evaluate_parameters("mysql8.0", &params(&[("require_secure_transport", "OFF")]));
        assert_eq!(status(&off, ControlId::RdsTlsEnforced), Status::Fail);
        let old = evaluate_parameters(
            "mysql8.0",
            &params(&[
                ("require_secure_transport", "ON"),
                ("tls_version", "TLSv1,TLSv1.2"),
            ]),
        );
        assert_eq!(status(&old, ControlId::RdsTlsEnforced), Status::Fail);
        let unknown = evaluate_parameters("oracle-ee-19", &params(&[]));
        assert_eq!(
            status(&unknown, ControlId::RdsTlsEnforced),
            Status::NotApplicable
        );
    }

    #[test]
    fn snapshots_and_clusters_are_judged() {
        let checks = evaluate_snapshot(false, true);
        assert_eq!(
            status(&checks, ControlId::RdsSnapshotEncrypted),
            Status::Fail
        );
        assert_eq!(
            status(&checks, ControlId::RdsSnapshotsPublicProhibited),
            Status::Fail
        );
        let checks = evaluate_snapshot(true, false);
        assert!(checks.iter().all(|check| check.status == Status::Pass));
        let cluster = evaluate_cluster(&ClusterState {
            storage_encrypted: true,
            deletion_protection: false,
            multi_az: true,
            backup_retention_days: 7,
        });
        assert_eq!(
            status(&cluster, ControlId::RdsClusterDeletionProtectionEnabled),
            Status::Fail
        );
        assert_eq!(
            status(&cluster, ControlId::RdsStorageEncrypted),
            Status::Pass
        );
    }

    #[test]
    fn keys_match_by_arn_or_id() {
        let arn = Some("arn:aws:kms:us-east-1:1:key/abc".to_string());
        assert!(key_matches(&Some("abc".to_string()), &arn));
        assert!(key_matches(&arn, &arn));
        assert!(!key_matches(
            &Some("arn:aws:kms:us-east-1:1:key/other".to_string()),
            &arn
        ));
        assert!(!key_matches(&None, &arn));
        assert!(key_matches(&arn, &None));
    }
}
