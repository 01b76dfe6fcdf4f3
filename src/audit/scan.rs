//! One region of one account: the context every service scan gets, and what a scan returns.

use std::collections::BTreeSet;
use std::time::Instant;

use crate::construct::{LogicalId, ResourceKind};
use crate::controls::{Check, ControlId, Service, Status};
use crate::env::Environment;
use crate::error::{Error, Result};
use crate::stack::{Event, EventSender, Operation, ResourceStatus};

use super::finding::Finding;
use super::{backup, cloudtrail, ebs, governance, guardrails, iam, kms, logs, network, s3};

/// What a scan of one region of one account needs.
#[derive(Debug, Clone)]
pub(crate) struct RegionScan {
    /// The account's environment in this region.
    pub env: Environment,
    pub account_id: String,
    pub region: String,
    /// True for the region that also scans global services (IAM, S3 buckets).
    pub global: bool,
    /// The services judged; every service when `None`.
    pub services: Option<BTreeSet<Service>>,
    pub concurrency: usize,
    pub events: EventSender,
}

/// What a scan found.
#[derive(Debug, Default)]
pub(crate) struct Judged {
    pub findings: Vec<Finding>,
    pub resources: usize,
}

impl Judged {
    pub fn extend(&mut self, other: Judged) {
        self.findings.extend(other.findings);
        self.resources += other.resources;
    }
}

impl RegionScan {
    /// Findings from the checks of one resource; sends its progress event.
    pub fn judge(&self, kind: ResourceKind, arn: &str, checks: &[Check], into: &mut Judged) {
        let failed = checks
            .iter()
            .filter(|check| matches!(check.status, Status::Fail | Status::Error))
            .count();
        self.events.send(Event::Resource {
            operation: Operation::Audit,
            id: LogicalId::new(&self.account_id, arn),
            kind,
            name: arn.to_string(),
            status: ResourceStatus::Verified {
                passed: checks.len() - failed,
                failed,
            },
            elapsed: Instant::now().elapsed(),
        });
        into.resources += 1;
        into.findings.extend(checks.iter().map(|check| {
            Finding::from_check(check, arn, kind.type_name, &self.account_id, &self.region)
        }));
    }

    /// Findings from more checks of a resource another scanner already counted (a database's
    /// backup plan, judged with the plans): no second count, no second progress event.
    pub fn judge_more(&self, kind: ResourceKind, arn: &str, checks: &[Check], into: &mut Judged) {
        into.findings.extend(checks.iter().map(|check| {
            Finding::from_check(check, arn, kind.type_name, &self.account_id, &self.region)
        }));
    }

    /// Error findings for `controls` on `arn`: the call that would have judged them failed
    /// (for instance, it was denied). Never a silent pass.
    pub fn unreadable(
        &self,
        kind: ResourceKind,
        arn: &str,
        controls: &[ControlId],
        error: &Error,
        into: &mut Judged,
    ) {
        into.resources += 1;
        let (reason, details) = unreadable_reason(error);
        into.findings.extend(controls.iter().map(|control| {
            let mut finding = Finding::error(
                *control,
                arn,
                kind.type_name,
                &self.account_id,
                &self.region,
                reason.clone(),
            );
            finding.details.clone_from(&details);
            finding
        }));
    }

    /// True when a scanner whose controls fall on any of `judges` has to run. Account-wide
    /// controls come from several scanners, so choosing them runs every scanner.
    pub fn wants(&self, judges: &[Service]) -> bool {
        match &self.services {
            None => true,
            Some(chosen) => {
                chosen.contains(&Service::Account)
                    || judges.iter().any(|service| chosen.contains(service))
            }
        }
    }

    /// The ARN that stands for the account in this region (for account-level findings).
    pub fn account_arn(&self) -> String {
        format!("arn:{}:::{}", self.env.partition(), self.account_id)
    }
}

/// The one-line reason of an error finding: the whole error when it fits
/// [`super::MAX_REASON_CHARS`], else the service, operation, code and request id, with the
/// whole error as the detail.
pub(crate) fn unreadable_reason(error: &Error) -> (String, Vec<String>) {
    let whole = format!("could not be read: {error}");
    if whole.chars().count() <= super::MAX_REASON_CHARS {
        return (whole, Vec::new());
    }
    let short = match error.aws() {
        Some(aws) => format!(
            "could not be read: AWS {} {} failed: {} (request id {})",
            aws.service,
            aws.operation,
            aws.code,
            aws.request_id
                .as_deref()
                .unwrap_or("none: AWS was not reached")
        ),
        None => whole.clone(),
    };
    let (short, _) = super::finding::split_reason(&short);
    (short, vec![whole])
}

/// The services of every control each scanner can emit: a scanner runs when any is chosen
/// (a log group's retention is an S3-service control, a database's security group an EC2
/// one, so these lists are wider than the scanner's name). A control missing here would be
/// dropped from a scoped audit; the suite compares each scoped audit with the full one.
mod judges {
    use crate::controls::Service;
    pub const S3: &[Service] = &[Service::S3, Service::Kms];
    pub const KMS: &[Service] = &[Service::Kms];
    pub const LOGGING: &[Service] = &[Service::CloudTrail, Service::CloudWatch, Service::S3];
    pub const GOVERNANCE: &[Service] = &[
        Service::Config,
        Service::SecurityHub,
        Service::GuardDuty,
        Service::S3,
    ];
    pub const RDS: &[Service] = &[
        Service::Rds,
        Service::Ec2,
        Service::CloudWatch,
        Service::S3,
        Service::Kms,
    ];
    pub const NETWORK: &[Service] = &[Service::Ec2, Service::Ebs];
    pub const EBS: &[Service] = &[Service::Ebs];
    pub const IAM: &[Service] = &[Service::Iam];
    /// Vaults and plans, and whether databases, volumes and instances are in a plan.
    pub const BACKUP: &[Service] = &[Service::Backup, Service::Rds, Service::Ebs, Service::Ec2];
    /// Service control policies (account-wide controls).
    pub const GUARDRAILS: &[Service] = &[Service::Account];
}

/// Runs `scanner` when the audit judges any of `judges` (and, for a global scanner, only in
/// the region that scans global services).
async fn scan_if<F>(scan: &RegionScan, judges: &[Service], global_only: bool, scanner: F) -> Judged
where
    F: std::future::Future<Output = Judged>,
{
    if scan.wants(judges) && (scan.global || !global_only) {
        scanner.await
    } else {
        Judged::default()
    }
}

/// Scans every chosen service of one region (and the global ones, once).
pub(crate) async fn scan_region(scan: &RegionScan) -> Result<Judged> {
    // One join: every scanner starts at once, so the audit lasts as long as its slowest
    // scanner, not as long as the slowest of one group plus the slowest of the next.
    let (
        buckets,
        keys,
        logging,
        governance,
        databases,
        network,
        volumes,
        identities,
        backups,
        guardrails,
    ) = tokio::join!(
        scan_if(scan, judges::S3, true, s3::scan(scan)),
        scan_if(scan, judges::KMS, false, kms::scan(scan)),
        // Log groups and security alarms are judged knowing which groups the trails feed.
        scan_if(scan, judges::LOGGING, false, async {
            let (mut judged, trails) = cloudtrail::scan(scan).await;
            judged.extend(logs::scan(scan, &trails).await);
            judged
        }),
        scan_if(scan, judges::GOVERNANCE, false, governance::scan(scan)),
        scan_if(scan, judges::RDS, false, super::rds::scan(scan)),
        scan_if(scan, judges::NETWORK, false, network::scan(scan)),
        scan_if(scan, judges::EBS, false, ebs::scan(scan)),
        scan_if(scan, judges::IAM, true, iam::scan(scan)),
        scan_if(scan, judges::BACKUP, false, backup::scan(scan)),
        scan_if(scan, judges::GUARDRAILS, true, guardrails::scan(scan)),
    );
    let mut judged = Judged::default();
    judged.extend(buckets);
    judged.extend(keys);
    judged.extend(logging);
    judged.extend(governance);
    judged.extend(databases);
    judged.extend(network);
    judged.extend(volumes);
    judged.extend(identities);
    judged.extend(backups);
    judged.extend(guardrails);
    Ok(judged)
}
