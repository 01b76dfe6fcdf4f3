//! IAM policy documents (identity and resource policies) as types, and the questions the
//! controls ask of them: statements, actions, resources (ARNs) and conditions serialize to exact
//! IAM JSON and parse back, and [`validate_identity_policy`] / [`validate_trust_policy`] judge
//! identity and trust policies for every module (and the audit).

mod action;
mod analysis;
mod arn;
mod condition;
mod document;
mod validate;

pub use action::Action;
pub use analysis::{denies_insecure_transport, denies_tls_below, public_access, PublicAccess};
pub use arn::{is_unscoped_resource, Arn};
pub use condition::{Comparison, Condition, ConditionOperator, SetQualifier};
pub use document::{
    Conditions, Effect, PolicyDocument, PolicyParseError, Principal, Statement, POLICY_VERSION,
};
pub use validate::{
    checks_from_findings, identity_policy_checks, identity_policy_controls,
    identity_policy_findings, is_data_action, validate_identity_policy, validate_trust_policy,
    PolicyFinding, PolicyKind, BLOCKED_KMS_ACTIONS, DATA_ACTIONS, TRUST_ACTIONS,
};
