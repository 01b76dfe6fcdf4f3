//! The checks of a database spec that only its props can show: names, ranges, peers, the
//! subnet tier and parameters. The controls of the desired state are judged after these.

use crate::constructs::ec2::{Peer, Tier};
use crate::controls::ControlId;
use crate::error::Violation;

use super::checks::MAX_BACKUP_RETENTION_DAYS;
use super::database::{violation, EncryptedDatabase, MONITORING_INTERVALS};
use super::engine::parameter_engine;
use super::names::{identifier_problem, user_problem};

/// The controls [`spec_violations`] judges (see `crate::controls::coverage`).
pub const SPEC_VIOLATIONS_COVERS: &[ControlId] = &[
    ControlId::RdsEnhancedMonitoringEnabled,
    ControlId::RdsInDataSubnets,
    ControlId::RdsMultiAzSupport,
    ControlId::RdsNameValid,
    ControlId::RdsParametersForEngine,
    ControlId::SgAdminAndDatabasePortsInternal,
];

/// Every problem of the spec's values.
pub(super) fn spec_violations(db: &EncryptedDatabase, resource: &str) -> Vec<Violation> {
    let spec = db.view();
    let mut out = Vec::new();
    let mut push = |setting: &str, control: ControlId, reason: String| {
        out.push(violation(resource, setting, control, reason));
    };
    if let Some(problem) = identifier_problem(spec.identifier) {
        push("identifier", ControlId::RdsNameValid, problem);
    }
    if spec.tier != Tier::Data {
        push(
            "subnets",
            ControlId::RdsInDataSubnets,
            format!("the {} subnets were given: a database goes only into the VPC's data subnets (vpc.data_subnets())", spec.tier),
        );
    }
    if spec.subnet_count < 2 {
        push(
            "subnets",
            ControlId::RdsMultiAzSupport,
            format!(
                "{} data subnet(s): a Multi-AZ subnet group needs at least two zones",
                spec.subnet_count
            ),
        );
    }
    if !spec.instance_class.starts_with("db.") || spec.instance_class.len() < 6 {
        push(
            "instance_class",
            ControlId::RdsNameValid,
            format!(
                "{:?} is not an RDS instance class (db.…)",
                spec.instance_class
            ),
        );
    }
    if !(20..=65536).contains(&spec.allocated_storage_gib) {
        push(
            "allocated_storage_gib",
            ControlId::RdsNameValid,
            format!(
                "{} GiB: RDS accepts 20 to 65536",
                spec.allocated_storage_gib
            ),
        );
    }
    if let Some(problem) = user_problem(spec.master_username, spec.engine) {
        push("master_username", ControlId::RdsNameValid, problem);
    }
    if let Some(name) = spec.database_name {
        let ok = !name.is_empty()
            && name.len() <= 63
            && name.starts_with(|c: char| c.is_ascii_alphabetic())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !ok {
            push(
                "database_name",
                ControlId::RdsNameValid,
                format!("{name:?} must be 1 to 63 letters, digits and '_', starting with a letter"),
            );
        }
    }
    if db.backup_retention_days() > MAX_BACKUP_RETENTION_DAYS {
        // Also judged by the control; said here in RDS's own terms.
        push(
            "backup_retention_days",
            ControlId::RdsNameValid,
            format!(
                "{} days: RDS keeps automated backups at most {MAX_BACKUP_RETENTION_DAYS} days",
                db.backup_retention_days()
            ),
        );
    }
    if !MONITORING_INTERVALS.contains(&spec.monitoring_interval_secs) {
        push(
            "monitoring_interval_secs",
            ControlId::RdsEnhancedMonitoringEnabled,
            format!(
                "{}s: use one of 1, 5, 10, 15, 30, 60 (enhanced monitoring cannot be off)",
                spec.monitoring_interval_secs
            ),
        );
    }
    for peer in spec.allow_from {
        if !matches!(peer, Peer::Group(_)) {
            push(
                "allow_from",
                ControlId::SgAdminAndDatabasePortsInternal,
                format!("{peer:?}: the database port accepts only the app security groups, never a block, prefix list or anywhere"),
            );
        }
    }
    for (name, value) in spec.parameters {
        let valid_name = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
        if !valid_name || value.is_empty() {
            push(
                &format!("parameters.{name}"),
                ControlId::RdsNameValid,
                format!("{name:?} = {value:?} is not a parameter name and value"),
            );
        }
        if parameter_engine(name) == Some(!spec.engine.is_postgres()) {
            push(
                &format!("parameters.{name}"),
                ControlId::RdsParametersForEngine,
                format!(
                    "{name} is a {} parameter and the engine is {}",
                    if spec.engine.is_postgres() {
                        "MySQL"
                    } else {
                        "PostgreSQL"
                    },
                    spec.engine
                ),
            );
        }
    }
    out
}
