//! AWS IAM: policy documents as types, least-privilege roles and grants, the account password policy.

/// The types of this module most programs need; re-exported at the crate root and in
/// [`crate::prelude`].
pub mod prelude {}
