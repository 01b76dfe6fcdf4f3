//! The one way tests assert an audit finding.
//!
//! A resource passes a control only when every finding of that control on it passes (one
//! finding per setting judged); it fails, or errs, when any finding does. So an expected `Pass`
//! or `NotApplicable` must hold for every finding, an expected `Fail` or `Error` for at least
//! one; and there must be a finding at all (no finding is never a pass).

use hipaa_aws::audit::{AuditReport, Finding};
use hipaa_aws::{ControlId, Status};

/// The findings of `control` on exactly `arn` (any region).
pub fn findings<'a>(report: &'a AuditReport, control: ControlId, arn: &str) -> Vec<&'a Finding> {
    report
        .findings()
        .filter(|f| f.control == control && f.resource_arn == arn)
        .collect()
}

/// Asserts `control` on `arn` has `status` (see the module), and returns the findings'
/// statuses, reasons, settings and details (what did not fit the one-line reason) for further
/// checks.
pub fn expect_finding(
    report: &AuditReport,
    control: ControlId,
    arn: &str,
    status: Status,
) -> String {
    judge(
        findings(report, control, arn),
        &format!("{control} on {arn}"),
        status,
    )
}

/// [`expect_finding`] in one region.
pub fn expect_finding_in(
    report: &AuditReport,
    control: ControlId,
    arn: &str,
    region: &str,
    status: Status,
) -> String {
    let found = findings(report, control, arn)
        .into_iter()
        .filter(|f| f.region == region)
        .collect();
    judge(found, &format!("{control} on {arn} in {region}"), status)
}

/// [`expect_finding`] on the one resource whose ARN contains `part` (for resources whose ARN
/// the test does not know, such as those the guide's steps make); more than one is an error.
pub fn expect_finding_like(
    report: &AuditReport,
    control: ControlId,
    part: &str,
    status: Status,
) -> String {
    let found: Vec<&Finding> = report
        .findings()
        .filter(|f| f.control == control && f.resource_arn.contains(part))
        .collect();
    let mut arns: Vec<&str> = found.iter().map(|f| f.resource_arn.as_str()).collect();
    arns.sort_unstable();
    arns.dedup();
    assert!(
        arns.len() <= 1,
        "{control}: more than one resource is named like {part:?}: {arns:?}"
    );
    judge(
        found,
        &format!("{control} on a resource named like {part:?}"),
        status,
    )
}

fn judge(found: Vec<&Finding>, what: &str, status: Status) -> String {
    assert!(!found.is_empty(), "no finding of {what}");
    let described: Vec<String> = found
        .iter()
        .map(|f| {
            let details = if f.details.is_empty() {
                String::new()
            } else {
                format!(" [{}]", f.details.join("; "))
            };
            format!("{:?}: {} ({}){details}", f.status, f.reason, f.setting)
        })
        .collect();
    let holds = match status {
        Status::Pass | Status::NotApplicable => found.iter().all(|f| f.status == status),
        _ => found.iter().any(|f| f.status == status),
    };
    assert!(holds, "{what} should be {status:?}: {described:?}");
    described.join("; ")
}

/// The failed checks of a verify report, one line each (resource, control, setting, reason),
/// for assertion messages.
pub fn verify_failures(report: &hipaa_aws::VerifyReport) -> Vec<String> {
    report
        .failures()
        .into_iter()
        .map(|(resource, check)| {
            format!(
                "{} {}: {} {}",
                resource.name, check.control, check.setting, check.reason
            )
        })
        .collect()
}
