//! Rendering plans, verifications and audits for people (Markdown) and machines (JSON, OCSF,
//! AWS Security Finding Format).

#[cfg(feature = "audit")]
mod asff;
#[cfg(feature = "audit")]
mod evidence;
#[cfg(feature = "audit")]
mod html;
#[cfg(feature = "audit")]
mod ocsf;

use std::fmt::Write as _;

#[cfg(feature = "audit")]
pub use asff::{asff_findings, ASFF_SCHEMA_VERSION};
#[cfg(feature = "audit")]
pub(crate) use asff::{asff_id, asff_note, asff_resource_type, asff_status, asff_workflow};
#[cfg(feature = "audit")]
pub use evidence::evidence_markdown;
#[cfg(feature = "audit")]
pub use html::audit_html;
#[cfg(feature = "audit")]
pub use ocsf::{ocsf_findings, OCSF_VERSION};

use crate::controls::{format_citations, Status};
use crate::error::{Error, Result};
use crate::stack::{Action, Plan, VerifyReport};

/// Pretty JSON of any serializable report.
pub fn to_json<T: serde::Serialize>(report: &T) -> Result<String> {
    serde_json::to_string_pretty(report)
        .map_err(|error| Error::Configuration(format!("cannot serialize the report: {error}")))
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// A Markdown table of a plan.
pub fn plan_markdown(plan: &Plan) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Plan: stack `{}`\n", plan.stack_name);
    let _ = writeln!(
        out,
        "Account `{}`, region `{}`: {} to create, {} to update, {} unchanged.\n",
        plan.account_id,
        plan.region,
        plan.count(Action::Create),
        plan.count(Action::Update),
        plan.count(Action::NoChange)
    );
    let _ = writeln!(out, "| Action | Kind | Name | Changes |");
    let _ = writeln!(out, "|---|---|---|---|");
    for resource in &plan.resources {
        let changes: Vec<String> = resource
            .changes
            .iter()
            .map(|change| format!("`{}`", cell(&change.setting)))
            .collect();
        let _ = writeln!(
            out,
            "| {} | {} | `{}` | {} |",
            resource.action,
            resource.kind,
            cell(&resource.name),
            changes.join(", ")
        );
    }
    out
}

/// A Markdown report of a verification: a summary, then every check with its citations.
pub fn verify_markdown(report: &VerifyReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Verification: stack `{}`\n", report.stack_name);
    let _ = writeln!(
        out,
        "Account `{}`, region `{}`: **{}** pass, **{}** fail, **{}** error, {} not applicable.\n",
        report.account_id,
        report.region,
        report.count(Status::Pass),
        report.count(Status::Fail),
        report.count(Status::Error),
        report.count(Status::NotApplicable)
    );
    let _ = writeln!(
        out,
        "| Status | Control | Resource | Setting | Reason | HIPAA |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|");
    for (resource, check) in report.checks() {
        let _ = writeln!(
            out,
            "| {} | `{}` | `{}` | `{}` | {} | {} |",
            check.status,
            check.control,
            cell(&resource.name),
            cell(&check.setting),
            cell(&check.reason),
            format_citations(check.control.citations())
        );
    }
    out
}
