//! The live paths: per service family, resources made by direct SDK calls in one account and
//! judged by one audit run, and library resources changed behind the library's back and
//! judged by one verify; then the table's cases, one per (resource, control) asserted.
//!
//! The families run concurrently, each in its own account(s), one file per family. What the
//! local endpoint cannot represent is said where the family is built.

mod account;
mod backup;
mod cloudtrail;
mod cloudwatch;
mod config;
mod ec2;
mod guardduty;
mod iam;
mod kms;
mod logs;
mod rds;
mod s3;
mod securityhub;

use hipaa_aws::audit::{Audit, AuditReport};
use hipaa_aws::controls::Service;
use hipaa_aws::prelude::*;
use hipaa_aws::{Check, VerifyReport};

use super::{Case, Path};
use crate::support::REGION;

/// An audit of the services a family judges (a scoped audit reads only what they need; a
/// case whose control falls outside them finds no verdict and fails, never passes).
async fn audit(env: &Environment, services: &[Service]) -> AuditReport {
    Audit::builder()
        .regions([REGION])
        .services(services.iter().copied())
        .build()
        .expect("audit options")
        .run(env)
        .await
        .expect("audit")
}

/// The findings of one resource as checks.
fn found(report: &AuditReport, arn: &str) -> Vec<Check> {
    report
        .findings()
        .filter(|f| f.resource_arn == arn)
        .map(|f| Check {
            control: f.control,
            setting: f.setting.clone(),
            status: f.status,
            reason: f.reason.clone(),
        })
        .collect()
}

/// The checks verify made on one resource (by name).
fn verified(report: &VerifyReport, name: &str) -> Vec<Check> {
    report
        .checks()
        .filter(|(resource, _)| resource.name == name)
        .map(|(_, check)| check.clone())
        .collect()
}

/// The checks verify made on one resource (by logical id).
fn of_id(report: &VerifyReport, id: &hipaa_aws::construct::LogicalId) -> Vec<Check> {
    report
        .checks()
        .filter(|(resource, _)| resource.id == *id)
        .map(|(_, check)| check.clone())
        .collect()
}

type Family = std::pin::Pin<Box<dyn std::future::Future<Output = Vec<Case>> + Send>>;

/// Every family's live cases. Each family runs as its own task (its future on the heap: the
/// families together are too deep for a test thread's stack in a debug build).
pub async fn cases() -> Vec<Case> {
    let families: Vec<(&str, Family)> = vec![
        ("s3", Box::pin(s3::family())),
        ("iam", Box::pin(iam::family())),
        ("kms", Box::pin(kms::family())),
        ("rds", Box::pin(rds::family())),
        ("logs", Box::pin(logs::family())),
        ("account", Box::pin(account::family())),
        ("ec2", Box::pin(ec2::family())),
        ("cloudtrail", Box::pin(cloudtrail::family())),
        ("cloudwatch", Box::pin(cloudwatch::family())),
        ("config", Box::pin(config::family())),
        ("securityhub", Box::pin(securityhub::family())),
        ("guardduty", Box::pin(guardduty::family())),
        ("backup", Box::pin(backup::family())),
    ];
    let tasks: Vec<_> = families
        .into_iter()
        .map(|(name, family)| {
            tokio::spawn(async move {
                let started = std::time::Instant::now();
                let cases = family.await;
                println!(
                    "  live {name:<12} {:>6.1}s",
                    started.elapsed().as_secs_f64()
                );
                cases
            })
        })
        .collect();
    let mut cases = Vec::new();
    for task in tasks {
        match task.await {
            Ok(family) => cases.extend(family),
            // A family's setup failed: its panic is the test's failure, with its message.
            Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
            Err(error) => panic!("a family's task did not finish: {error}"),
        }
    }
    cases
}
