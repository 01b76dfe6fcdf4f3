//! The constructs, one folder per AWS service: props and validation, desired state, the
//! controls that judge it, and how to read, create, update and delete it.

#[cfg(feature = "cloudtrail")]
pub mod cloudtrail;
#[cfg(feature = "cloudwatch")]
pub mod cloudwatch;
#[cfg(feature = "config")]
pub mod config;
#[cfg(feature = "ec2")]
pub mod ec2;
#[cfg(feature = "guardduty")]
pub mod guardduty;
#[cfg(feature = "iam")]
pub mod iam;
#[cfg(feature = "kms")]
pub mod kms;
#[cfg(feature = "logs")]
pub mod logs;
#[cfg(feature = "rds")]
pub mod rds;
#[cfg(feature = "s3")]
pub mod s3;
#[cfg(feature = "securityhub")]
pub mod securityhub;

pub mod partial;
