//! Amazon CloudWatch: metric filters and security alarms that notify an encrypted SNS topic.

/// The types of this module most programs need; re-exported at the crate root and in
/// [`crate::prelude`].
pub mod prelude {}
