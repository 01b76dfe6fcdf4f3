//! Amazon CloudWatch Logs: encrypted log groups with long retention.

/// The types of this module most programs need; re-exported at the crate root and in
/// [`crate::prelude`].
pub mod prelude {}
