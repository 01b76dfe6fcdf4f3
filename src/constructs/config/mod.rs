//! AWS Config: the recorder, its delivery channel and the HIPAA managed rules.

/// The types of this module most programs need; re-exported at the crate root and in
/// [`crate::prelude`].
pub mod prelude {}
