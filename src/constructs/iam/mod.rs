//! AWS IAM: least-privilege roles ([`HipaaRole`]), customer-managed policies
//! ([`ManagedPolicy`]), grants in the CDK manner ([`Grant`], from `bucket.grant_read(&role)` and
//! friends), and the account password policy ([`AccountPasswordPolicy`]). The controls
//! (`evaluate_*`) and readers (`read_*`) work on any role, policy, user, group and root user of
//! an account (the library makes no users or groups; the audit judges them).

mod checks;
// What each evaluation judges, for the audit's "could not be read" findings.
#[cfg(feature = "audit")]
pub(crate) use checks::{EVALUATE_MANAGED_POLICY_COVERS, EVALUATE_ROLE_COVERS};
#[cfg(feature = "audit")]
pub(crate) use principals::{EVALUATE_GROUP_COVERS, EVALUATE_USER_COVERS};
mod credential_report;
mod grant;
mod live;
mod managed_policy;
mod names;
mod password_policy;
mod principals;
mod role;
// The roles other constructs make for a service (only their features use it).
#[cfg(any(feature = "rds", feature = "backup", feature = "replication"))]
pub(crate) mod service_role;
mod state;
mod trust;

pub use checks::{
    evaluate_attached_policies, evaluate_managed_policy, evaluate_password_policy, evaluate_role,
    managed_policy_kind, PasswordRequirements, MAX_SESSION_SECS, MIN_SESSION_SECS,
};
pub use credential_report::{
    parse_report, read_credential_report, CredentialReportRow, ROOT_USER_ROW,
};
pub use grant::{Grant, GRANT_KIND};
pub use live::{
    read_managed_policy_state, read_password_policy, read_policy_document, read_role_state,
};
pub use managed_policy::{
    ManagedPolicy, ManagedPolicyBuilder, ManagedPolicyProps, MANAGED_POLICY_KIND, MAX_POLICY_CHARS,
};
pub use names::{
    decode_policy_text, iam_name_problem, iam_path_problem, policy_arn, role_arn, GRANTS_PATH,
    LIBRARY_PATH, MAX_POLICY_NAME, MAX_ROLE_NAME,
};
pub use password_policy::{
    AccountPasswordPolicy, AccountPasswordPolicyBuilder, AccountPasswordPolicyProps,
    MAX_MINIMUM_LENGTH, MAX_REUSE_PREVENTION, PASSWORD_POLICY_KIND,
};
pub use principals::{
    evaluate_group, evaluate_root, evaluate_user, read_group_state, read_root_state,
    read_user_state, AccessKeyState, CredentialRequirements, GroupState, RootState, UserState,
};
pub use role::{HipaaRole, HipaaRoleBuilder, HipaaRoleProps, ROLE_KIND};
pub use state::{GrantState, ManagedPolicyState, PasswordPolicyState, RoleState};
pub use trust::Trust;

#[cfg(feature = "cloudtrail")]
pub(crate) use live::ensure_ours as ensure_owned;
#[cfg(feature = "cloudtrail")]
pub(crate) use names::fit_name;

use crate::controls::coverage::Evaluator;

/// The evaluators of this module and the controls each judges (see
/// [`crate::controls::coverage`]).
pub(crate) const EVALUATORS: &[Evaluator] = &[
    Evaluator {
        name: "constructs::iam::evaluate_attached_policies",
        covers: checks::EVALUATE_ATTACHED_POLICIES_COVERS,
    },
    Evaluator {
        name: "constructs::iam::evaluate_managed_policy",
        covers: checks::EVALUATE_MANAGED_POLICY_COVERS,
    },
    Evaluator {
        name: "constructs::iam::evaluate_password_policy",
        covers: checks::EVALUATE_PASSWORD_POLICY_COVERS,
    },
    Evaluator {
        name: "constructs::iam::evaluate_role",
        covers: checks::EVALUATE_ROLE_COVERS,
    },
    Evaluator {
        name: "constructs::iam::evaluate_group",
        covers: principals::EVALUATE_GROUP_COVERS,
    },
    Evaluator {
        name: "constructs::iam::evaluate_root",
        covers: principals::EVALUATE_ROOT_COVERS,
    },
    Evaluator {
        name: "constructs::iam::evaluate_user",
        covers: principals::EVALUATE_USER_COVERS,
    },
    Evaluator {
        name: "constructs::iam::iam_name_problem",
        covers: names::IAM_NAME_PROBLEM_COVERS,
    },
    Evaluator {
        name: "constructs::iam::HipaaRole::policies_as_declared",
        covers: role::POLICIES_AS_DECLARED_COVERS,
    },
];

/// The types of this module most programs need; re-exported at the crate root and in
/// [`crate::prelude`].
pub mod prelude {
    pub use super::{AccountPasswordPolicy, Grant, HipaaRole, ManagedPolicy, Trust};
}
