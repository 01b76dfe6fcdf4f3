//! Importing findings into AWS Security Hub (BatchImportFindings, 100 at a time), in the AWS
//! Security Finding Format. Ids are stable per account, control and resource, so importing a
//! later audit updates the earlier findings instead of piling up duplicates.

use aws_sdk_securityhub::types::{
    AwsSecurityFinding, Compliance, ComplianceStatus, Note, Partition, Recommendation, RecordState,
    Remediation, Resource, Severity, SeverityLabel, Workflow, WorkflowStatus,
};
use serde::Serialize;

use crate::aws_error::AwsResultExt;
use crate::env::Environment;
use crate::error::Result;
use crate::report::{
    asff_id, asff_note, asff_resource_type, asff_status, asff_workflow, ASFF_SCHEMA_VERSION,
};

use super::{AuditReport, Finding};

/// Security Hub takes at most this many findings per call.
const BATCH: usize = 100;

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    /// Findings Security Hub accepted.
    pub imported: usize,
    /// Findings it refused, with the reasons it gave.
    pub failed: Vec<String>,
}

fn to_asff(finding: &Finding, now: &str) -> AwsSecurityFinding {
    let (status, severity) = asff_status(finding.status);
    let partition = finding.resource_arn.split(':').nth(1).unwrap_or("aws");
    AwsSecurityFinding::builder()
        .schema_version(ASFF_SCHEMA_VERSION)
        .id(asff_id(finding))
        .product_arn(format!(
            "arn:{partition}:securityhub:{}:{}:product/{}/default",
            finding.region, finding.account_id, finding.account_id
        ))
        .generator_id(format!("hipaa-aws/{}", finding.control))
        .aws_account_id(&finding.account_id)
        .types("Software and Configuration Checks/Industry and Regulatory Standards/HIPAA Controls")
        .created_at(now)
        .updated_at(now)
        .severity(
            Severity::builder()
                .label(SeverityLabel::from(severity))
                .build(),
        )
        .title(format!(
            "{}: {}",
            finding.control,
            finding.control.control().title
        ))
        .description(&finding.reason)
        .remediation(
            Remediation::builder()
                .recommendation(Recommendation::builder().text(&finding.remediation).build())
                .build(),
        )
        .resources(
            Resource::builder()
                .r#type(asff_resource_type(&finding.resource_type))
                .id(&finding.resource_arn)
                .partition(Partition::from(partition))
                .region(&finding.region)
                .build(),
        )
        .compliance(
            Compliance::builder()
                .status(ComplianceStatus::from(status))
                .set_related_requirements(Some(
                    finding
                        .citations
                        .iter()
                        .map(|c| format!("HIPAA {}", c.paragraph()))
                        .collect(),
                ))
                .build(),
        )
        .record_state(RecordState::Active)
        .workflow(
            Workflow::builder()
                .status(WorkflowStatus::from(asff_workflow(finding)))
                .build(),
        )
        .set_note(finding.exception.as_ref().map(|exception| {
            Note::builder()
                .text(asff_note(exception))
                .updated_by(&exception.owner)
                .updated_at(now)
                .build()
        }))
        .build()
}

/// Imports every finding of `report` for `env`'s account into Security Hub in `env`'s region.
pub async fn import_to_security_hub(
    env: &Environment,
    report: &AuditReport,
) -> Result<ImportSummary> {
    let findings: Vec<AwsSecurityFinding> = report
        .findings()
        .filter(|finding| finding.account_id == env.account_id())
        .map(|finding| to_asff(finding, &report.generated_at))
        .collect();
    let mut summary = ImportSummary::default();
    for batch in findings.chunks(BATCH) {
        let output = env
            .securityhub()
            .batch_import_findings()
            .set_findings(Some(batch.to_vec()))
            .send()
            .await
            .aws("securityhub", "BatchImportFindings", env.account_id())?;
        summary.imported += usize::try_from(output.success_count().unwrap_or(0)).unwrap_or(0);
        summary
            .failed
            .extend(output.failed_findings().iter().map(|failed| {
                format!(
                    "{}: {} {}",
                    failed.id().unwrap_or_default(),
                    failed.error_code().unwrap_or_default(),
                    failed.error_message().unwrap_or_default()
                )
            }));
    }
    Ok(summary)
}
