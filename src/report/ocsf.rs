//! Findings as OCSF (Open Cybersecurity Schema Framework) Compliance Finding events
//! (class 2003).

use serde_json::{json, Value};

use crate::audit::{AuditReport, Finding};
use crate::controls::Status;

/// The OCSF schema version written.
pub const OCSF_VERSION: &str = "1.1.0";

fn status(status: Status) -> (&'static str, u8) {
    // OCSF compliance.status_id: 1 Pass, 2 Warning, 3 Fail, 99 Other.
    match status {
        Status::Pass => ("Pass", 1),
        Status::Fail => ("Fail", 3),
        Status::NotApplicable => ("Other", 99),
        Status::Error => ("Warning", 2),
    }
}

fn one(finding: &Finding, time_ms: u64) -> Value {
    let (status_name, status_id) = status(finding.status);
    let severity_id = match finding.status {
        Status::Fail => 4,  // High
        Status::Error => 3, // Medium
        _ => 1,             // Informational
    };
    let control = finding.control.control();
    json!({
        "class_uid": 2003,
        "class_name": "Compliance Finding",
        "category_uid": 2,
        "category_name": "Findings",
        "activity_id": 1,
        "activity_name": "Create",
        "type_uid": 200301,
        "time": time_ms,
        "severity_id": severity_id,
        // The finding's own status: 1 New, 3 Suppressed (an exception accepts the risk).
        "status": if finding.exception.is_some() { "Suppressed" } else { "New" },
        "status_id": if finding.exception.is_some() { 3 } else { 1 },
        "metadata": {
            "version": OCSF_VERSION,
            "product": { "name": "hipaa-aws", "vendor_name": "hipaa-aws", "version": env!("CARGO_PKG_VERSION") }
        },
        "finding_info": {
            "uid": format!("{}/{}/{}", finding.account_id, finding.control, finding.resource_arn),
            "title": control.title,
            "desc": finding.reason,
            "types": ["HIPAA Security Rule"]
        },
        "comment": finding.exception.as_ref().map(|e| format!(
            "Excepted by entry {} ({}) until {}: {}", e.entry, e.owner, e.expires, e.reason
        )),
        "compliance": {
            "standards": ["HIPAA Security Rule (45 CFR Part 164 Subpart C)"],
            "control": finding.control.as_str(),
            "requirements": finding.citations.iter().map(|c| c.to_string()).collect::<Vec<_>>(),
            "status": status_name,
            "status_id": status_id,
            "status_detail": finding.reason
        },
        "remediation": { "desc": finding.remediation },
        "resources": [{
            "uid": finding.resource_arn,
            "type": finding.resource_type,
            "region": finding.region,
            "cloud_partition": finding.resource_arn.split(':').nth(1).unwrap_or("aws"),
            "data": { "setting": finding.setting }
        }],
        "cloud": {
            "provider": "AWS",
            "region": finding.region,
            "account": { "uid": finding.account_id, "type": "AWS Account", "type_id": 10 }
        },
        "unmapped": {
            "cdk_nag_rule": finding.cdk_nag_rule,
            "aws_config_rule": finding.config_rule,
            "details": finding.details,
            "exception": finding.exception,
            "known_from_baseline": finding.known
        }
    })
}

/// Every finding as an OCSF Compliance Finding.
pub fn ocsf_findings(report: &AuditReport) -> Vec<Value> {
    let time_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0);
    report
        .findings()
        .map(|finding| one(finding, time_ms))
        .collect()
}
