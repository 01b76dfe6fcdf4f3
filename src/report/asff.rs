//! Findings in the AWS Security Finding Format (ASFF), as Security Hub's BatchImportFindings
//! takes them.

use serde_json::{json, Value};

use crate::audit::{AppliedException, AuditReport, Finding};
use crate::controls::Status;

/// The ASFF schema version written.
pub const ASFF_SCHEMA_VERSION: &str = "2018-10-08";

/// The ASFF resource type of a CloudFormation-style type (`AWS::S3::Bucket` → `AwsS3Bucket`).
pub(crate) fn asff_resource_type(type_name: &str) -> String {
    let known = matches!(
        type_name,
        "AWS::S3::Bucket"
            | "AWS::KMS::Key"
            | "AWS::EC2::VPC"
            | "AWS::EC2::Subnet"
            | "AWS::EC2::SecurityGroup"
            | "AWS::EC2::NetworkAcl"
            | "AWS::EC2::Volume"
            | "AWS::EC2::Instance"
            | "AWS::IAM::Role"
            | "AWS::IAM::User"
            | "AWS::IAM::Policy"
            | "AWS::RDS::DBInstance"
            | "AWS::RDS::DBSnapshot"
            | "AWS::CloudTrail::Trail"
    );
    if known {
        type_name.split("::").collect::<String>()
    } else {
        "Other".to_string()
    }
}

/// The ASFF compliance status and severity of a finding.
pub(crate) fn asff_status(status: Status) -> (&'static str, &'static str) {
    match status {
        Status::Pass => ("PASSED", "INFORMATIONAL"),
        Status::Fail => ("FAILED", "HIGH"),
        Status::Error => ("WARNING", "MEDIUM"),
        Status::NotApplicable => ("NOT_AVAILABLE", "INFORMATIONAL"),
    }
}

/// The finding's id: stable across audits, so re-importing updates rather than duplicates.
pub(crate) fn asff_id(finding: &Finding) -> String {
    finding.stable_id()
}

fn one(finding: &Finding, now: &str) -> Value {
    let (compliance, severity) = asff_status(finding.status);
    let partition = finding.resource_arn.split(':').nth(1).unwrap_or("aws");
    let mut value = json!({
        "SchemaVersion": ASFF_SCHEMA_VERSION,
        "Id": asff_id(finding),
        "ProductArn": format!("arn:{partition}:securityhub:{}:{}:product/{}/default", finding.region, finding.account_id, finding.account_id),
        "GeneratorId": format!("hipaa-aws/{}", finding.control),
        "AwsAccountId": finding.account_id,
        "Types": ["Software and Configuration Checks/Industry and Regulatory Standards/HIPAA Controls"],
        "CreatedAt": now,
        "UpdatedAt": now,
        "Severity": { "Label": severity },
        "Title": format!("{}: {}", finding.control, finding.control.control().title),
        "Description": finding.reason,
        "Remediation": { "Recommendation": { "Text": finding.remediation } },
        "Resources": [{
            "Type": asff_resource_type(&finding.resource_type),
            "Id": finding.resource_arn,
            "Partition": partition,
            "Region": finding.region
        }],
        "Compliance": {
            "Status": compliance,
            "RelatedRequirements": finding.citations.iter().map(|c| format!("HIPAA {}", c.paragraph())).collect::<Vec<_>>()
        },
        "RecordState": "ACTIVE",
        "Workflow": { "Status": asff_workflow(finding) }
    });
    if let (Some(exception), Some(object)) = (&finding.exception, value.as_object_mut()) {
        object.insert(
            "Note".to_string(),
            json!({
                "Text": asff_note(exception),
                "UpdatedBy": exception.owner,
                "UpdatedAt": now
            }),
        );
    }
    if let (false, Some(object)) = (finding.details.is_empty(), value.as_object_mut()) {
        object.insert(
            "ProductFields".to_string(),
            json!({ "hipaa-aws/details": finding.details.join("; ") }),
        );
    }
    value
}

/// The workflow status: `SUPPRESSED` for an excepted finding, else `NEW`.
pub(crate) fn asff_workflow(finding: &Finding) -> &'static str {
    if finding.exception.is_some() {
        "SUPPRESSED"
    } else {
        "NEW"
    }
}

/// The note an excepted finding carries (Security Hub keeps at most 512 characters).
pub(crate) fn asff_note(exception: &AppliedException) -> String {
    let text = format!(
        "Excepted by entry {} until {}: {}",
        exception.entry, exception.expires, exception.reason
    );
    text.chars().take(512).collect()
}

/// Every finding in ASFF.
pub fn asff_findings(report: &AuditReport) -> Vec<Value> {
    let now = report.generated_at.clone();
    report
        .findings()
        .map(|finding| one(finding, &now))
        .collect()
}
