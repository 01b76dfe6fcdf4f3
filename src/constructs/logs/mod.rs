//! Amazon CloudWatch Logs: [`EncryptedLogGroup`], encrypted with a
//! [`HipaaKey`](crate::HipaaKey) and kept six years by default. The control
//! ([`evaluate_log_group`]) and reader ([`read_log_group_state`]) work on any log group.

mod checks;
mod live;
mod log_group;

pub use checks::{
    evaluate_log_group, log_group_name_problem, LogGroupExpectations, LogGroupState, ONE_YEAR_DAYS,
    RETENTION_DAYS_ALLOWED, SIX_YEARS_DAYS,
};
// Only RDS makes log groups as part of its own resource.
#[cfg(feature = "rds")]
pub(crate) use live::converge_log_group;
pub use live::{list_log_groups, read_log_group_state};
pub use log_group::{
    log_group_arn, log_group_key_use, EncryptedLogGroup, EncryptedLogGroupBuilder,
    EncryptedLogGroupProps, RetentionFloor, LOG_GROUP_KIND,
};

use crate::controls::coverage::Evaluator;

/// The evaluators of this module and the controls each judges (see
/// [`crate::controls::coverage`]).
pub(crate) const EVALUATORS: &[Evaluator] = &[
    Evaluator {
        name: "constructs::logs::evaluate_log_group",
        covers: checks::EVALUATE_LOG_GROUP_COVERS,
    },
    Evaluator {
        name: "constructs::logs::log_group_name_problem",
        covers: checks::LOG_GROUP_NAME_PROBLEM_COVERS,
    },
];

/// The types of this module most programs need; re-exported at the crate root and in
/// [`crate::prelude`].
pub mod prelude {
    pub use super::{EncryptedLogGroup, RetentionFloor};
}
