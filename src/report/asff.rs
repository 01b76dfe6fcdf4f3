//! Findings in the AWS Security Finding Format (ASFF), as Security Hub's BatchImportFindings
//! takes them.

use serde_json::{json, Value};

use crate::audit::{AuditReport, Finding};
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
    // One finding per account, region, control, resource and setting: a control may judge
    // several settings of one resource, and account-level findings repeat in every region.
    format!(
        "hipaa-aws/{}/{}/{}/{}/{}",
        finding.account_id, finding.region, finding.control, finding.resource_arn, finding.setting
    )
}

fn one(finding: &Finding, now: &str) -> Value {
    let (compliance, severity) = asff_status(finding.status);
    let partition = finding.resource_arn.split(':').nth(1).unwrap_or("aws");
    json!({
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
        "Workflow": { "Status": "NEW" }
    })
}

/// Every finding in ASFF.
pub fn asff_findings(report: &AuditReport) -> Vec<Value> {
    let now = report.generated_at.clone();
    report
        .findings()
        .map(|finding| one(finding, &now))
        .collect()
}
