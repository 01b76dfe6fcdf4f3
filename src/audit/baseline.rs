//! Baselines: an earlier `report.json` whose failures are already known, so that only new
//! failures gate a pipeline.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::controls::Status;
use crate::error::{Error, Result};

use super::finding::AuditReport;

/// The failing (or unjudged) findings of an earlier report, by stable id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Baseline {
    generated_at: String,
    known: BTreeMap<String, Status>,
}

/// What a baseline did to a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaselineSummary {
    /// When the baseline report was made.
    pub generated_at: String,
    /// Failing or unjudged findings already in the baseline with the same status.
    pub known: usize,
    /// Failing or unjudged findings the baseline did not have (or had with another status).
    pub new: usize,
}

impl Baseline {
    /// Reads an earlier JSON report (schema 1.x, as [`crate::report::to_json`] writes it).
    pub fn from_json(origin: &str, text: &str) -> Result<Baseline> {
        let report: AuditReport = serde_json::from_str(text).map_err(|error| {
            Error::Configuration(format!(
                "baseline {origin} is not an audit report.json: {error}"
            ))
        })?;
        if !report.schema_version.starts_with("1.") {
            return Err(Error::Configuration(format!(
                "baseline {origin} has report schema {}, this version reads 1.x",
                report.schema_version
            )));
        }
        Ok(Baseline::from_report(&report))
    }

    /// The failing and unjudged findings of a report.
    pub fn from_report(report: &AuditReport) -> Baseline {
        Baseline {
            generated_at: report.generated_at.clone(),
            known: report
                .findings()
                .filter(|f| matches!(f.status, Status::Fail | Status::Error))
                .map(|f| (f.stable_id(), f.status))
                .collect(),
        }
    }

    /// Marks as known every failing or unjudged finding the baseline had with the same status
    /// (a finding that passed in the baseline and fails now is new), and records the counts in
    /// [`AuditReport::baseline`].
    pub fn apply(&self, report: &mut AuditReport) {
        let (mut known, mut new) = (0, 0);
        for account in &mut report.accounts {
            for finding in &mut account.findings {
                if !matches!(finding.status, Status::Fail | Status::Error) {
                    continue;
                }
                finding.known = self.known.get(&finding.stable_id()) == Some(&finding.status);
                if finding.known {
                    known += 1;
                } else {
                    new += 1;
                }
            }
        }
        report.baseline = Some(BaselineSummary {
            generated_at: self.generated_at.clone(),
            known,
            new,
        });
    }
}
