//! Amazon RDS: [`EncryptedDatabase`], an encrypted, private, TLS-only, backed-up, monitored
//! PostgreSQL or MySQL instance. The controls ([`evaluate_database`], [`evaluate_parameters`],
//! [`evaluate_snapshot`], [`evaluate_cluster`]) and readers ([`read_instance_state`],
//! [`read_parameter_group`]) work on any database of an account.

mod checks;
mod database;
mod engine;
mod live;
mod log_groups;
mod monitoring;
mod names;
mod network;
mod parameters;
#[cfg(test)]
mod safety_tests;
mod state;
mod validate;

pub use checks::{
    evaluate_cluster, evaluate_database, evaluate_parameters, evaluate_snapshot, ClusterState,
    DatabaseExpectations, MAX_BACKUP_RETENTION_DAYS, MIN_BACKUP_RETENTION_DAYS,
};
pub use database::{
    EncryptedDatabase, EncryptedDatabaseBuilder, EncryptedDatabaseProps, DATABASE_KIND,
    MONITORING_INTERVALS,
};
pub use engine::{
    is_mysql_kind, is_postgres_kind, parameter_engine, required_log_exports, Engine,
    MYSQL_LOG_EXPORTS, POSTGRES_LOG_EXPORTS,
};
pub use live::{describe_instance, read_instance_state};
pub use log_groups::{database_log_group_name, DATABASE_LOG_RETENTION};
pub use monitoring::{monitoring_policy_arn, MONITORING_SERVICE};
pub use names::{user_problem, MAX_IDENTIFIER, REPLACING_SETTINGS};
pub use parameters::read_parameter_group;
pub use state::DatabaseState;

use crate::controls::coverage::Evaluator;

/// The evaluators of this module and the controls each judges (see
/// [`crate::controls::coverage`]).
pub(crate) const EVALUATORS: &[Evaluator] = &[
    Evaluator {
        name: "constructs::rds::evaluate_cluster",
        covers: checks::EVALUATE_CLUSTER_COVERS,
    },
    Evaluator {
        name: "constructs::rds::evaluate_database",
        covers: checks::EVALUATE_DATABASE_COVERS,
    },
    Evaluator {
        name: "constructs::rds::evaluate_parameters",
        covers: checks::EVALUATE_PARAMETERS_COVERS,
    },
    Evaluator {
        name: "constructs::rds::evaluate_snapshot",
        covers: checks::EVALUATE_SNAPSHOT_COVERS,
    },
    Evaluator {
        name: "constructs::rds::EncryptedDatabase::build",
        covers: validate::SPEC_VIOLATIONS_COVERS,
    },
];

/// The types of this module most programs need; re-exported at the crate root and in
/// [`crate::prelude`].
pub mod prelude {
    pub use super::{EncryptedDatabase, Engine};
}
