//! The constructs, one folder per AWS service: props and validation, desired state, the
//! controls that judge it, and how to read, create and update it.

#[cfg(feature = "kms")]
pub mod kms;
#[cfg(feature = "s3")]
pub mod s3;
