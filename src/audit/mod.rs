//! The account audit: discovery of every resource in scope in the chosen regions of an account
//! (or of every account of an AWS Organization), and evaluation of every control of the catalog
//! on it, with the same control code the constructs use. Resources built by hand, by Terraform
//! or by the guide's CLI steps are judged exactly like the library's own.
//!
//! ```no_run
//! # async fn example() -> hipaa_aws::Result<()> {
//! use hipaa_aws::audit::Audit;
//! use hipaa_aws::Environment;
//! let env = Environment::for_audit().await?;
//! let report = Audit::builder().regions(["us-east-1", "us-west-2"]).build()?.run(&env).await?;
//! println!("{report}");
//! std::process::exit(if report.passed() { 0 } else { 1 });
//! # }
//! ```

mod backup;
mod baseline;
mod cloudtrail;
mod ebs;
pub mod exceptions;
mod finding;
mod governance;
mod guardrails;
mod iam;
mod import;
mod kms;
mod logs;
mod network;
mod organization;
mod rds;
mod remediation;
mod s3;
mod scan;

use std::collections::BTreeSet;
use std::time::Instant;

use crate::controls::Service;
use crate::env::Environment;
use crate::error::{Error, Result};
use crate::stack::{Event, EventSender, Operation};

pub use baseline::{Baseline, BaselineSummary};
pub use exceptions::{
    Date, Exception, ExceptionProblem, ExceptionSpec, ExceptionState, ExceptionUse, Exceptions,
    ExceptionsBuilder, ExceptionsError, ExceptionsSummary, NOT_EXCEPTABLE,
};
pub use finding::{
    AccountSection, AppliedException, AuditReport, FailOn, Finding, MAX_REASON_CHARS,
    SCHEMA_VERSION,
};
pub use import::{import_to_security_hub, ImportSummary};
pub use remediation::remediation;
use scan::RegionScan;

/// Seconds since the epoch now (credential and instance ages are measured from it).
pub(crate) fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// The types of this module most programs need; re-exported at the crate root and in
/// [`crate::prelude`].
pub mod prelude {
    pub use super::{Audit, AuditReport};
}

/// The evaluators only the audit runs (account-level judgements), and the controls each
/// judges (see [`crate::controls::coverage`]).
pub(crate) const EVALUATORS: &[crate::controls::coverage::Evaluator] = &[
    crate::controls::coverage::Evaluator {
        name: "audit::s3::judge_account_block",
        covers: s3::JUDGE_ACCOUNT_BLOCK_COVERS,
    },
    crate::controls::coverage::Evaluator {
        name: "audit::governance::scan_detector",
        covers: governance::SCAN_DETECTOR_COVERS,
    },
];

/// How many resources are read at once unless the builder says otherwise.
pub const DEFAULT_AUDIT_CONCURRENCY: usize = 16;

/// An audit: which regions, how many calls at once, and whether to cover an organization.
#[derive(Debug, Clone)]
pub struct Audit {
    regions: Vec<String>,
    /// The services judged; every service when `None`.
    services: Option<BTreeSet<Service>>,
    concurrency: usize,
    organization_role: Option<String>,
    events: EventSender,
}

/// Builds an [`Audit`].
#[derive(Debug, Clone, Default)]
pub struct AuditBuilder {
    regions: Vec<String>,
    services: Option<BTreeSet<Service>>,
    concurrency: Option<usize>,
    organization_role: Option<String>,
}

impl AuditBuilder {
    /// The regions to audit (the environment's region when none is given).
    pub fn regions<I, S>(mut self, regions: I) -> AuditBuilder
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.regions.extend(regions.into_iter().map(Into::into));
        self
    }

    /// Judge only the controls that fall on these services (every service when never
    /// called). Only the reads those controls need are made, so a scoped audit is faster; a
    /// finding of any other service never appears in its report.
    pub fn services<I>(mut self, services: I) -> AuditBuilder
    where
        I: IntoIterator<Item = Service>,
    {
        self.services
            .get_or_insert_with(BTreeSet::new)
            .extend(services);
        self
    }

    /// How many reads run at once, across accounts, regions and resources (1 to 256; 16 by
    /// default).
    pub fn concurrency(mut self, concurrency: usize) -> AuditBuilder {
        self.concurrency = Some(concurrency);
        self
    }

    /// Audit every active account of the organization by assuming the role of this name in
    /// each (the management account is audited with the caller's own credentials).
    pub fn organization_role(mut self, role_name: impl Into<String>) -> AuditBuilder {
        self.organization_role = Some(role_name.into());
        self
    }

    /// Checks the options.
    pub fn build(self) -> Result<Audit> {
        let concurrency = self.concurrency.unwrap_or(DEFAULT_AUDIT_CONCURRENCY);
        if !(1..=256).contains(&concurrency) {
            return Err(Error::Configuration(format!(
                "audit concurrency {concurrency} is outside 1 to 256"
            )));
        }
        for region in &self.regions {
            let valid = !region.is_empty()
                && region
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !valid {
                return Err(Error::Configuration(format!(
                    "{region:?} is not a region name"
                )));
            }
        }
        if let Some(role) = &self.organization_role {
            let valid = !role.is_empty()
                && role.len() <= 64
                && role
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c));
            if !valid {
                return Err(Error::Configuration(format!(
                    "{role:?} is not an IAM role name"
                )));
            }
        }
        if self.services.as_ref().is_some_and(BTreeSet::is_empty) {
            return Err(Error::Configuration(
                "audit services: the list is empty, so nothing would be judged; name at least one service or leave it out to judge all".to_string(),
            ));
        }
        let mut regions = self.regions;
        regions.sort();
        regions.dedup();
        Ok(Audit {
            regions,
            services: self.services,
            concurrency,
            organization_role: self.organization_role,
            events: EventSender::default(),
        })
    }
}

impl Audit {
    /// Starts a builder.
    pub fn builder() -> AuditBuilder {
        AuditBuilder::default()
    }

    /// Progress events of every later run (one `Resource` event per resource judged).
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<Event> {
        self.events.subscribe()
    }

    /// Audits the environment's account (or, with an organization role, every account of its
    /// organization) in the chosen regions.
    pub async fn run(&self, env: &Environment) -> Result<AuditReport> {
        let started = Instant::now();
        let regions = if self.regions.is_empty() {
            vec![env.region().to_string()]
        } else {
            self.regions.clone()
        };
        self.events.send(Event::Started {
            operation: Operation::Audit,
            target: env.account_id().to_string(),
            resources: 0,
        });
        let accounts = match &self.organization_role {
            None => vec![self.audit_account(env, &regions, None).await],
            Some(role) => organization::audit_organization(self, env, &regions, role).await?,
        };
        let report = AuditReport::new(accounts, started.elapsed());
        self.events.send(Event::Finished {
            operation: Operation::Audit,
            counts: vec![
                ("pass".to_string(), report.count(crate::Status::Pass)),
                ("fail".to_string(), report.count(crate::Status::Fail)),
                ("error".to_string(), report.count(crate::Status::Error)),
            ],
            succeeded: true,
            elapsed: started.elapsed(),
        });
        Ok(report)
    }

    /// Audits one account: global services once, regional services in every region, all at
    /// once within the concurrency bound.
    pub(crate) async fn audit_account(
        &self,
        env: &Environment,
        regions: &[String],
        name: Option<String>,
    ) -> AccountSection {
        let calls_before = env.api_calls();
        let scans: Vec<RegionScan> = regions
            .iter()
            .enumerate()
            .map(|(index, region)| RegionScan {
                env: env.in_region(region),
                account_id: env.account_id().to_string(),
                region: region.clone(),
                global: index == 0,
                services: self.services.clone(),
                concurrency: self.concurrency,
                events: self.events.clone(),
            })
            .collect();
        let mut findings = Vec::new();
        let mut resources = 0;
        let mut errors = Vec::new();
        let results = futures::future::join_all(scans.iter().map(scan::scan_region)).await;
        for (scan, result) in scans.iter().zip(results) {
            match result {
                Ok(judged) => {
                    resources += judged.resources;
                    findings.extend(judged.findings);
                }
                Err(error) => errors.push(format!("region {}: {error}", scan.region)),
            }
        }
        // A scanner judges every control of its resources; keep only the chosen services'.
        if let Some(services) = &self.services {
            findings.retain(|finding| services.contains(&finding.control.control().service));
        }
        findings.sort_by(|a, b| {
            (a.region.as_str(), a.resource_arn.as_str(), a.control).cmp(&(
                b.region.as_str(),
                b.resource_arn.as_str(),
                b.control,
            ))
        });
        AccountSection {
            account_id: env.account_id().to_string(),
            name,
            regions: regions.to_vec(),
            findings,
            errors,
            resources,
            api_calls: env.api_calls().since(&calls_before).total(),
        }
    }
}
