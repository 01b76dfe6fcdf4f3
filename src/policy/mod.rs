//! IAM policy documents (identity and resource policies) as types, and the one analysis every
//! control that judges a policy uses (S3 bucket, KMS key and SNS topic policies, IAM identity
//! and trust policies; in build, verify and the audit): statements, actions, resources (ARNs)
//! and conditions serialize to exact IAM JSON and parse back; `glob` matches wildcard
//! patterns, [`actions_covered`] says which actions a statement reaches, [`conditions_semantics`]
//! whether a condition really restricts, [`audience`] who a statement applies to; on top of them
//! [`validate_identity_policy`], [`validate_trust_policy`], [`key_policy_problems`] and the
//! resource-policy questions judge each kind of policy.

mod action;
pub mod actions_covered;
mod analysis;
mod arn;
pub mod audience;
mod condition;
pub mod conditions_semantics;
mod document;
pub mod escalation;
mod glob;
#[cfg_attr(not(feature = "backup"), allow(unused_imports))]
// backup selections match ARN patterns
pub(crate) use glob::glob_matches;
mod key_policy;
mod trust;
mod validate;

pub use action::Action;
pub use actions_covered::{statement_applies_to_all, statement_may_apply_to};
pub use analysis::{
    actions_not_denied, denies_insecure_transport, denies_insecure_transport_on,
    denies_services_outside, denies_tls_below, is_public_allow, public_access, Exempt,
    PublicAccess, S3_READ_ACTIONS, S3_WRITE_ACTIONS,
};
pub use arn::{is_unscoped_resource, Arn};
pub use condition::{Comparison, Condition, ConditionOperator, SetQualifier};
pub use document::{
    Conditions, Effect, PolicyDocument, PolicyParseError, Principal, Statement, POLICY_VERSION,
};
pub use escalation::ESCALATION_ACTIONS;
pub use key_policy::key_policy_problems;
pub use trust::{validate_trust_policy, TRUST_ACTIONS};
pub use validate::{
    checks_from_findings, identity_policy_checks, identity_policy_controls,
    identity_policy_findings, is_data_action, validate_identity_policy, PolicyFinding, PolicyKind,
    BLOCKED_KMS_ACTIONS, DATA_ACTIONS,
};
