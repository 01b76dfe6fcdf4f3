//! Amazon RDS: encrypted, private, TLS-only databases.

/// The types of this module most programs need; re-exported at the crate root and in
/// [`crate::prelude`].
pub mod prelude {}
