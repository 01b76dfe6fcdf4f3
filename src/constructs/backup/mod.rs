//! AWS Backup: [`BackupVault`], encrypted with a [`HipaaKey`](crate::HipaaKey), locked in
//! compliance mode and guarded by a policy only a break-glass role escapes; and
//! [`BackupPlan`], daily backups kept at least 35 days, copied to a vault in another region,
//! of the databases and buckets it protects. The controls ([`evaluate_vault`],
//! [`evaluate_plan`]) and readers ([`read_vault_state`], [`list_plans`], …) work on any vault
//! and plan of an account.

mod checks;
mod live;
mod names;
mod plan;
mod protection;
mod schedule;
mod state;
mod vault;

pub use checks::{
    evaluate_plan, evaluate_vault, region_of, PlanExpectations, VaultExpectations,
    DELETION_ACTIONS, EVALUATE_PLAN_COVERS, EVALUATE_VAULT_COVERS, FAILURE_EVENTS, GUARD_ACTIONS,
    MAX_CONTINUOUS_RETENTION_DAYS, MAX_LOCK_RETENTION_DAYS, MIN_CHANGEABLE_FOR_DAYS,
    MIN_RETENTION_DAYS,
};
pub use live::{list_plans, list_vaults, read_plan_state, read_vault_state};
pub use names::backup_name_problem;
pub use plan::{
    BackupPlan, BackupPlanBuilder, BackupPlanProps, PlanVault, ProtectedResource, CONTINUOUS_RULE,
    DAILY_AT_FIVE_UTC, DAILY_RULE, PLAN_KIND, SELECTION,
};
pub use protection::{evaluate_protection, selects, EVALUATE_PROTECTION_COVERS};
pub use schedule::schedule_gap;
pub use state::{
    CopyState, PlanState, RuleState, SelectionCondition, SelectionState, VaultLock,
    VaultNotifications, VaultState,
};
pub use vault::{
    backup_topic_key_use, backup_topic_publish, vault_arn, vault_guard_policy, BackupVault,
    BackupVaultBuilder, BackupVaultProps, BreakGlassRole, FailureTopic, BACKUP_SERVICE,
    DEFAULT_MAX_RETENTION_DAYS, VAULT_KIND,
};

use crate::controls::coverage::Evaluator;

/// The evaluators of this module and the controls each judges (see
/// [`crate::controls::coverage`]).
pub(crate) const EVALUATORS: &[Evaluator] = &[
    Evaluator {
        name: "constructs::backup::evaluate_vault",
        covers: checks::EVALUATE_VAULT_COVERS,
    },
    Evaluator {
        name: "constructs::backup::evaluate_plan",
        covers: checks::EVALUATE_PLAN_COVERS,
    },
    Evaluator {
        name: "constructs::backup::evaluate_protection",
        covers: protection::EVALUATE_PROTECTION_COVERS,
    },
    Evaluator {
        name: "constructs::backup::backup_name_problem",
        covers: names::BACKUP_NAME_PROBLEM_COVERS,
    },
];

/// The types of this module most programs need; re-exported at the crate root and in
/// [`crate::prelude`].
pub mod prelude {
    pub use super::{BackupPlan, BackupVault};
}
