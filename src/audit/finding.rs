//! Findings: one control judged on one resource, with everything an auditor needs; and the
//! audit report that gathers them per account.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::controls::{Check, Citation, ControlId, Status};

use super::baseline::BaselineSummary;
use super::exceptions::ExceptionsSummary;
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
    /// Why, in one line of at most [`MAX_REASON_CHARS`] characters.
    pub reason: String,
    /// What did not fit the one-line reason (for instance each missing Config rule), one item
    /// per entry; empty when the reason says it all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<String>,
    /// Which construct and setting of this library fixes it.
    pub remediation: String,
    /// The resource's tags, when the audit read them (exceptions may match on them).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
    /// The exception that accepts this finding's risk, if one applies. The status is unchanged:
    /// an excepted failure is still a failure, shown as accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exception: Option<AppliedException>,
    /// True when a baseline report already held this finding (same stable id, same status).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub known: bool,
}

/// The longest reason a finding carries; the rest goes into [`Finding::details`].
pub const MAX_REASON_CHARS: usize = 200;

/// A one-line reason of at most [`MAX_REASON_CHARS`] characters, and the details that did not
/// fit: a long `prefix: item; item; …` list keeps its prefix and lists the items as details;
/// any other long text is cut and kept whole as the one detail.
pub(crate) fn split_reason(reason: &str) -> (String, Vec<String>) {
    let one_line = reason.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= MAX_REASON_CHARS {
        return (one_line, Vec::new());
    }
    if let Some((prefix, list)) = one_line.split_once(": ") {
        let items: Vec<String> = list
            .split("; ")
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(str::to_string)
            .collect();
        let short = format!("{prefix} ({} listed in the details)", items.len());
        if items.len() > 1 && short.chars().count() <= MAX_REASON_CHARS {
            return (short, items);
        }
    }
    let cut: String = one_line.chars().take(MAX_REASON_CHARS - 1).collect();
    (format!("{cut}…"), vec![one_line])
}

/// The exception applied to a finding, as every report shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppliedException {
    /// The entry's position in its file or builder (1-based).
    pub entry: usize,
    /// The control pattern of the entry (an id or a glob).
    pub control: String,
    /// The resource pattern of the entry, if it has one.
    pub resource: Option<String>,
    /// Why the risk is accepted.
    pub reason: String,
    /// Who accepted it.
    pub owner: String,
    /// The last day it applies (`YYYY-MM-DD`).
    pub expires: String,
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
        let (reason, details) = split_reason(&check.reason);
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
            reason,
            details,
            remediation: remediation(check.control).to_string(),
            tags: BTreeMap::new(),
            exception: None,
            known: false,
        }
    }

    /// The finding's stable id: the same account, region, control, resource and setting give
    /// the same id in every audit (baselines and Security Hub imports match on it).
    pub fn stable_id(&self) -> String {
        // One finding per account, region, control, resource and setting: a control may judge
        // several settings of one resource, and account-level findings repeat in every region.
        format!(
            "hipaa-aws/{}/{}/{}/{}/{}",
            self.account_id, self.region, self.control, self.resource_arn, self.setting
        )
    }

    /// True when this finding fails or could not be judged, is not excepted and is not known
    /// from a baseline: it is what gates a pipeline.
    pub fn counts(&self) -> bool {
        matches!(self.status, Status::Fail | Status::Error)
            && self.exception.is_none()
            && !self.known
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
    /// The exceptions applied, when any were given: each entry and what became of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exceptions: Option<ExceptionsSummary>,
    /// The baseline compared with, when one was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineSummary>,
}

/// Which findings make an audit gate (exit 1 in the command).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailOn {
    /// Any counted failure or unjudged control, or an account that could not be audited.
    #[default]
    Fail,
    /// Only an unjudged control or an account that could not be audited.
    Error,
    /// Nothing: the audit only reports.
    Never,
}

impl AuditReport {
    pub(crate) fn new(accounts: Vec<AccountSection>, elapsed: Duration) -> AuditReport {
        AuditReport {
            schema_version: SCHEMA_VERSION.to_string(),
            generated_at: rfc3339_now(),
            generator: format!("hipaa-aws {}", env!("CARGO_PKG_VERSION")),
            accounts,
            elapsed_seconds: elapsed.as_secs_f64(),
            exceptions: None,
            baseline: None,
        }
    }

    /// The findings that gate: failing or unjudged, not excepted, not known from a baseline.
    pub fn counted(&self) -> impl Iterator<Item = &Finding> {
        self.findings().filter(|f| f.counts())
    }

    /// How many failing findings an exception accepted.
    pub fn excepted(&self) -> usize {
        self.findings().filter(|f| f.exception.is_some()).count()
    }

    /// How many failing or unjudged findings a baseline already had.
    pub fn known(&self) -> usize {
        self.findings().filter(|f| f.known).count()
    }

    /// True when the report gates under `fail_on`: counted findings (see
    /// [`AuditReport::counted`]) of the statuses it names, or an account that could not be
    /// audited (never excepted).
    pub fn gates(&self, fail_on: FailOn) -> bool {
        let account_errors = self.accounts.iter().any(|a| !a.errors.is_empty());
        match fail_on {
            FailOn::Never => false,
            FailOn::Error => account_errors || self.counted().any(|f| f.status == Status::Error),
            FailOn::Fail => account_errors || self.counted().next().is_some(),
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
        if self.exceptions.is_some() || self.baseline.is_some() {
            writeln!(
                f,
                "  {} excepted, {} known from the baseline, {} counted",
                self.excepted(),
                self.known(),
                self.counted().count()
            )?;
        }
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
            for finding in account.findings.iter().filter(|finding| finding.counts()) {
                let details = if finding.details.is_empty() {
                    String::new()
                } else {
                    format!(" (+{} details in the reports)", finding.details.len())
                };
                writeln!(
                    f,
                    "    {:<5} {:<44} {} — {}{details}",
                    finding.status.to_string(),
                    finding.control.as_str(),
                    finding.resource_arn,
                    finding.reason
                )?;
            }
        }
        if let Some(summary) = &self.exceptions {
            for entry in &summary.entries {
                match entry.state {
                    super::ExceptionState::Expired => writeln!(
                        f,
                        "  WARNING exception {} ({}) expired on {}: {} finding(s) count again",
                        entry.entry, entry.control, entry.expires, entry.findings
                    )?,
                    super::ExceptionState::Stale => writeln!(
                        f,
                        "  stale exception {} ({}) matches no failing finding: remove it",
                        entry.entry, entry.control
                    )?,
                    super::ExceptionState::Applied => {}
                }
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
    use super::{rfc3339, split_reason, AuditReport, MAX_REASON_CHARS};

    #[test]
    fn a_report_read_back_holds_the_same_elapsed_time_to_the_last_bit() {
        // 1.062222216 s as `as_secs_f64` gives it: the shortest form the writer prints has
        // 17 digits, which serde_json's default parser reads back one ULP off.
        let elapsed = std::time::Duration::from_nanos(1_062_222_216);
        let report = AuditReport::new(Vec::new(), elapsed);
        let json = serde_json::to_string(&report).expect("json");
        let back: AuditReport = serde_json::from_str(&json).expect("parses");
        assert_eq!(
            back.elapsed_seconds.to_bits(),
            report.elapsed_seconds.to_bits()
        );
        assert_eq!(back, report);
    }

    #[test]
    fn a_reason_of_200_characters_is_kept_and_201_is_split() {
        let exact = "r".repeat(MAX_REASON_CHARS);
        assert_eq!(split_reason(&exact), (exact.clone(), Vec::new()));
        let over = "r".repeat(MAX_REASON_CHARS + 1);
        let (reason, details) = split_reason(&over);
        assert_eq!(reason.chars().count(), MAX_REASON_CHARS);
        assert!(reason.ends_with('…'));
        assert_eq!(details, vec![over]);
        assert_eq!(split_reason("two\nlines").0, "two lines");
    }

    #[test]
    fn a_long_list_keeps_its_prefix_and_moves_the_items_to_details() {
        let items: Vec<String> = (0..70).map(|i| format!("rule-{i} missing")).collect();
        let reason = format!("70 of 70 rules missing or changed: {}", items.join("; "));
        let (short, details) = split_reason(&reason);
        assert_eq!(
            short,
            "70 of 70 rules missing or changed (70 listed in the details)"
        );
        assert_eq!(details, items);
    }

    #[test]
    fn formats_unix_times() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_798_761_599), "2026-12-31T23:59:59Z");
    }
}
