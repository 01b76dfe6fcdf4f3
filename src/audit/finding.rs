//! Findings: one control judged on one resource, with everything an auditor needs; and the
//! audit report that gathers them per account.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::controls::{Check, Citation, ControlId, Status};

use super::remediation::remediation;

/// The version of the JSON report schema. It changes only when a field changes meaning or is
/// removed; new fields may appear without a change.
pub const SCHEMA_VERSION: &str = "1.0";

/// One control judged on one resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Pass, fail, not applicable, or error (the resource or setting could not be read).
    pub status: Status,
    /// The control.
    pub control: ControlId,
    /// The matching cdk-nag `HIPAA.Security` rule, if any.
    pub cdk_nag_rule: Option<String>,
    /// The matching AWS Config rule identifier, if any.
    pub config_rule: Option<String>,
    /// The HIPAA Security Rule citations.
    pub citations: Vec<Citation>,
    /// The resource's ARN (or, for an account-level setting, the account's ARN).
    pub resource_arn: String,
    /// The resource type, e.g. `AWS::S3::Bucket`.
    pub resource_type: String,
    /// The account.
    pub account_id: String,
    /// The region (`global` for global resources such as IAM).
    pub region: String,
    /// The setting judged.
    pub setting: String,
    /// Why, in one line.
    pub reason: String,
    /// Which construct and setting of this library fixes it.
    pub remediation: String,
}

impl Finding {
    /// A finding from a check on a resource.
    pub fn from_check(
        check: &Check,
        resource_arn: impl Into<String>,
        resource_type: &str,
        account_id: &str,
        region: &str,
    ) -> Finding {
        let control = check.control.control();
        Finding {
            status: check.status,
            control: check.control,
            cdk_nag_rule: control.cdk_nag_rule.map(str::to_string),
            config_rule: control.config_rule.map(str::to_string),
            citations: control.citations.to_vec(),
            resource_arn: resource_arn.into(),
            resource_type: resource_type.to_string(),
            account_id: account_id.to_string(),
            region: region.to_string(),
            setting: check.setting.clone(),
            reason: check.reason.clone(),
            remediation: remediation(check.control).to_string(),
        }
    }

    /// An error finding: the control could not be judged because a call failed (never a
    /// silent pass).
    pub fn error(
        control: ControlId,
        resource_arn: impl Into<String>,
        resource_type: &str,
        account_id: &str,
        region: &str,
        reason: impl Into<String>,
    ) -> Finding {
        let check = Check {
            control,
            setting: "(unread)".to_string(),
            status: Status::Error,
            reason: reason.into(),
        };
        Finding::from_check(&check, resource_arn, resource_type, account_id, region)
    }
}

/// The findings of one account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountSection {
    /// The account id.
    pub account_id: String,
    /// The account's name (from Organizations), when known.
    pub name: Option<String>,
    /// The regions audited.
    pub regions: Vec<String>,
    /// Every finding.
    pub findings: Vec<Finding>,
    /// Why the account (or a region of it) could not be audited, if so: never an abort.
    pub errors: Vec<String>,
    /// How many resources were judged.
    pub resources: usize,
    /// How many API calls the audit of this account made.
    pub api_calls: u64,
}

impl AccountSection {
    /// How many findings have `status`.
    pub fn count(&self, status: Status) -> usize {
        self.findings.iter().filter(|f| f.status == status).count()
    }
}

/// What an audit found, account by account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditReport {
    /// The schema version, [`SCHEMA_VERSION`].
    pub schema_version: String,
    /// When the audit ran (RFC 3339, UTC).
    pub generated_at: String,
    /// The library version that ran it.
    pub generator: String,
    /// One section per account.
    pub accounts: Vec<AccountSection>,
    /// How long the audit took, in seconds.
    pub elapsed_seconds: f64,
}

impl AuditReport {
    pub(crate) fn new(accounts: Vec<AccountSection>, elapsed: Duration) -> AuditReport {
        AuditReport {
            schema_version: SCHEMA_VERSION.to_string(),
            generated_at: rfc3339_now(),
            generator: format!("hipaa-aws {}", env!("CARGO_PKG_VERSION")),
            accounts,
            elapsed_seconds: elapsed.as_secs_f64(),
        }
    }

    /// Every finding of every account.
    pub fn findings(&self) -> impl Iterator<Item = &Finding> {
        self.accounts
            .iter()
            .flat_map(|account| account.findings.iter())
    }

    /// How many findings have `status`.
    pub fn count(&self, status: Status) -> usize {
        self.findings().filter(|f| f.status == status).count()
    }

    /// True when no control failed, no control could not be judged, and every account could be
    /// audited.
    pub fn passed(&self) -> bool {
        self.count(Status::Fail) == 0
            && self.count(Status::Error) == 0
            && self
                .accounts
                .iter()
                .all(|account| account.errors.is_empty())
    }

    /// The failing findings of one control.
    pub fn failures_of(&self, control: ControlId) -> Vec<&Finding> {
        self.findings()
            .filter(|f| f.control == control && f.status == Status::Fail)
            .collect()
    }

    /// The finding of `control` on the resource whose ARN is `arn`, if any.
    pub fn finding(&self, control: ControlId, arn: &str) -> Option<&Finding> {
        self.findings()
            .find(|f| f.control == control && f.resource_arn == arn)
    }

    /// Counts per status, per control.
    pub fn by_control(&self) -> BTreeMap<ControlId, BTreeMap<Status, usize>> {
        let mut table: BTreeMap<ControlId, BTreeMap<Status, usize>> = BTreeMap::new();
        for finding in self.findings() {
            *table
                .entry(finding.control)
                .or_default()
                .entry(finding.status)
                .or_default() += 1;
        }
        table
    }
}

impl fmt::Display for AuditReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Audit of {} account(s): {} pass, {} fail, {} error, {} not applicable ({:.1}s)",
            self.accounts.len(),
            self.count(Status::Pass),
            self.count(Status::Fail),
            self.count(Status::Error),
            self.count(Status::NotApplicable),
            self.elapsed_seconds
        )?;
        for account in &self.accounts {
            writeln!(
                f,
                "  account {}{}: {} resources, {} pass, {} fail, {} error",
                account.account_id,
                account
                    .name
                    .as_deref()
                    .map(|n| format!(" ({n})"))
                    .unwrap_or_default(),
                account.resources,
                account.count(Status::Pass),
                account.count(Status::Fail),
                account.count(Status::Error)
            )?;
            for error in &account.errors {
                writeln!(f, "    ERROR {error}")?;
            }
            for finding in account
                .findings
                .iter()
                .filter(|finding| matches!(finding.status, Status::Fail | Status::Error))
            {
                writeln!(
                    f,
                    "    {:<5} {:<44} {} — {}",
                    finding.status.to_string(),
                    finding.control.as_str(),
                    finding.resource_arn,
                    finding.reason
                )?;
            }
        }
        Ok(())
    }
}

/// Now, as `YYYY-MM-DDTHH:MM:SSZ`.
pub(crate) fn rfc3339_now() -> String {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .unwrap_or(0);
    rfc3339(seconds)
}

/// A Unix time as `YYYY-MM-DDTHH:MM:SSZ` (civil-from-days, Howard Hinnant).
pub(crate) fn rfc3339(seconds: u64) -> String {
    let days = i64::try_from(seconds / 86_400).unwrap_or(0);
    let rest = seconds % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        (rest % 3600) / 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use super::rfc3339;

    #[test]
    fn formats_unix_times() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_798_761_599), "2026-12-31T23:59:59Z");
    }
}
