//! The account audit: discovery of every resource in scope, in any account, and evaluation of
//! every control of the catalog against it.

/// The types of this module most programs need; re-exported at the crate root and in
/// [`crate::prelude`].
pub mod prelude {}
