//! # hipaa-aws
//!
//! Typed builders for the AWS architecture that holds protected health information (ePHI),
//! over the official AWS SDK for Rust. The insecure shape cannot be written: a bucket without a
//! key or an access-log target does not compile, there is no method that turns off rotation,
//! Block Public Access or TLS, and every value that a HIPAA rule would flag is refused by
//! `build()` with the control id and the HIPAA citation. A [`Stack`] then plans, applies and
//! verifies the architecture against a live account, judging every control against what AWS
//! returns.
//!
//! ```no_run
//! use hipaa_aws::prelude::*;
//!
//! # async fn example() -> hipaa_aws::Result<()> {
//! let env = Environment::from_env(BaaAttestation::executed_on("2026-01-15")).await?;
//!
//! let key = HipaaKey::builder().alias("phi").build()?;
//! let logs = LogBucket::builder().name("acme-phi-logs").key(&key).build()?;
//! let data = EncryptedBucket::builder()
//!     .name("acme-phi")
//!     .key(&key)
//!     .access_logs(&logs)
//!     .build()?;
//!
//! let stack = Stack::builder("acme-prod").with(key).with(logs).with(data).build()?;
//! let plan = stack.plan(&env).await?;
//! println!("{plan}");
//! plan.apply(&env).await?;
//! let report = stack.verify(&env).await?;
//! assert!(report.passed(), "{report}");
//! # Ok(()) }
//! ```
//!
//! ## Features
//!
//! One cargo feature per AWS service (`kms`, `s3`, `ec2`, `iam`, `logs`, `cloudtrail`,
//! `cloudwatch`, `rds`, `config`, `securityhub`, `guardduty`, `backup`, `organizations`) plus `audit`, and `full` for all
//! (the default). A build with `--no-default-features --features kms` compiles only the KMS and
//! STS SDK crates.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(feature = "audit")]
pub mod audit;
mod aws_error;
#[cfg(feature = "cli")]
pub mod cli;
pub mod construct;
pub mod constructs;
pub mod controls;
pub mod env;
mod error;
#[cfg(feature = "local")]
pub mod local;
pub mod policy;
pub mod report;
pub mod stack;

#[cfg(feature = "audit")]
pub use audit::prelude::*;
pub use construct::{Construct, LogicalId, Ref};
#[cfg(feature = "backup")]
pub use constructs::backup::prelude::*;
#[cfg(feature = "cloudtrail")]
#[allow(unused_imports)] // a module's prelude may still be empty
pub use constructs::cloudtrail::prelude::*;
#[cfg(feature = "cloudwatch")]
#[allow(unused_imports)] // a module's prelude may still be empty
pub use constructs::cloudwatch::prelude::*;
#[cfg(feature = "config")]
#[allow(unused_imports)] // a module's prelude may still be empty
pub use constructs::config::prelude::*;
#[cfg(feature = "ec2")]
#[allow(unused_imports)] // a module's prelude may still be empty
pub use constructs::ec2::prelude::*;
#[cfg(feature = "guardduty")]
#[allow(unused_imports)] // a module's prelude may still be empty
pub use constructs::guardduty::prelude::*;
#[cfg(feature = "iam")]
#[allow(unused_imports)] // a module's prelude may still be empty
pub use constructs::iam::prelude::*;
#[cfg(feature = "kms")]
#[allow(unused_imports)] // a module's prelude may still be empty
pub use constructs::kms::prelude::*;
#[cfg(feature = "logs")]
#[allow(unused_imports)] // a module's prelude may still be empty
pub use constructs::logs::prelude::*;
#[cfg(feature = "organizations")]
pub use constructs::organizations::prelude::*;
#[cfg(feature = "rds")]
#[allow(unused_imports)] // a module's prelude may still be empty
pub use constructs::rds::prelude::*;
#[cfg(feature = "s3")]
#[allow(unused_imports)] // a module's prelude may still be empty
pub use constructs::s3::prelude::*;
#[cfg(feature = "securityhub")]
#[allow(unused_imports)] // a module's prelude may still be empty
pub use constructs::securityhub::prelude::*;
pub use controls::{Check, Citation, Control, ControlId, Status};
pub use env::{BaaAttestation, Environment};
pub use error::{AwsError, Error, Result, Violation, Violations};
pub use stack::{
    Action, ApplyOptions, ApplyReport, CustomConstruct, CustomContext, DestroyOptions,
    DestroyReport, DriftReport, Event, Operation, Plan, Stack, VerifyReport,
};

/// The README's examples, compiled as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

/// The types most programs need, in one import.
pub mod prelude {
    #[cfg(feature = "audit")]
    pub use crate::audit::prelude::*;
    #[cfg(feature = "backup")]
    pub use crate::constructs::backup::prelude::*;
    #[cfg(feature = "cloudtrail")]
    #[allow(unused_imports)]
    pub use crate::constructs::cloudtrail::prelude::*;
    #[cfg(feature = "cloudwatch")]
    #[allow(unused_imports)]
    pub use crate::constructs::cloudwatch::prelude::*;
    #[cfg(feature = "config")]
    #[allow(unused_imports)]
    pub use crate::constructs::config::prelude::*;
    #[cfg(feature = "ec2")]
    #[allow(unused_imports)]
    pub use crate::constructs::ec2::prelude::*;
    #[cfg(feature = "guardduty")]
    #[allow(unused_imports)]
    pub use crate::constructs::guardduty::prelude::*;
    #[cfg(feature = "iam")]
    #[allow(unused_imports)]
    pub use crate::constructs::iam::prelude::*;
    #[cfg(feature = "kms")]
    #[allow(unused_imports)]
    pub use crate::constructs::kms::prelude::*;
    #[cfg(feature = "logs")]
    #[allow(unused_imports)]
    pub use crate::constructs::logs::prelude::*;
    #[cfg(feature = "organizations")]
    pub use crate::constructs::organizations::prelude::*;
    #[cfg(feature = "rds")]
    #[allow(unused_imports)]
    pub use crate::constructs::rds::prelude::*;
    #[cfg(feature = "s3")]
    #[allow(unused_imports)]
    pub use crate::constructs::s3::prelude::*;
    #[cfg(feature = "securityhub")]
    #[allow(unused_imports)]
    pub use crate::constructs::securityhub::prelude::*;
    pub use crate::controls::{Check, ControlId, Status};
    pub use crate::env::{BaaAttestation, Environment};
    pub use crate::error::{Error, Result};
    pub use crate::stack::{Action, ApplyOptions, DestroyOptions, Plan, Stack};
}
