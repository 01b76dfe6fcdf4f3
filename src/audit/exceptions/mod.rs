//! Exceptions: accepted risks, each with a reason, an owner and an expiry, loaded from a TOML
//! file ([`Exceptions::from_toml`]) or built in code ([`Exceptions::builder`]).
//!
//! ```toml
//! [[exception]]
//! control = "S3_BUCKET_LOGGING_ENABLED"          # exact id or a glob: "KMS_*"
//! resource = "arn:aws:s3:::acme-terminal-logs"   # ARN or a glob over ARNs; optional
//! account = "123456789012"                       # optional
//! regions = ["us-east-1"]                        # optional
//! tags = { team = "platform" }                   # optional; all must match
//! reason = "The terminal log bucket cannot log to itself; reviewed by security 2026-11-20"
//! owner = "security@acme.example"
//! expires = "2027-06-30"
//! ```
//!
//! An exception applies to **failing** findings only: a control that could not be judged
//! (`error`) is an unknown, not an accepted risk, and still counts. An excepted finding keeps
//! its status and carries the exception in every report. Entries are refused when they load if
//! the reason is shorter than [`MIN_REASON_CHARS`], the owner is missing, the expiry is missing
//! or more than [`MAX_EXPIRY_DAYS`] days away, a field is unknown, or the control (or any
//! control a glob covers) is in [`NOT_EXCEPTABLE`]. An expired entry loads but no longer
//! applies (the report warns); an entry that matches no failing finding is listed as stale.
//!
//! Tags match the resource tags a finding carries ([`super::Finding::tags`]); a finding whose
//! tags the audit did not read matches no entry that names tags.

mod date;
mod glob;
mod load;

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::controls::{format_citations, ControlId, Status};

use super::finding::{AppliedException, AuditReport, Finding};
pub use date::{Date, InvalidDate};
pub(crate) use glob::glob_match;
use glob::is_glob;

/// The shortest reason an entry may give.
pub const MIN_REASON_CHARS: usize = 10;

/// The furthest an expiry may be from the day the file loads.
pub const MAX_EXPIRY_DAYS: i64 = 366;

/// Controls no exception can accept: storage encryption of PHI stores, public access to PHI
/// buckets, databases and snapshots, and CloudTrail itself. A file cannot widen this set; an
/// entry naming one of them (or a glob covering one) is refused.
pub const NOT_EXCEPTABLE: &[ControlId] = &[
    ControlId::S3DefaultEncryptionKms,
    ControlId::S3BucketServerSideEncryptionEnabled,
    ControlId::RdsStorageEncrypted,
    ControlId::RdsSnapshotEncrypted,
    ControlId::EncryptedVolumes,
    ControlId::S3BucketLevelPublicAccessProhibited,
    ControlId::S3BucketPublicReadProhibited,
    ControlId::S3BucketPublicWriteProhibited,
    ControlId::S3AccountLevelPublicAccessBlocks,
    ControlId::RdsInstancePublicAccessCheck,
    ControlId::RdsSnapshotsPublicProhibited,
    ControlId::EbsSnapshotPublicRestorableCheck,
    ControlId::CloudTrailEnabled,
];

/// One exception as written: what it matches and why the risk is accepted. Checked by
/// [`ExceptionsBuilder::build`] (or [`Exceptions::from_toml`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ExceptionSpec {
    /// A control id (canonical, cdk-nag or Config form) or a glob over canonical ids.
    pub control: String,
    /// An ARN or a glob over ARNs; every resource when `None`.
    pub resource: Option<String>,
    /// A 12-digit account id; every account when `None`.
    pub account: Option<String>,
    /// Regions (as findings name them: `global` for IAM); every region when `None`.
    pub regions: Option<Vec<String>>,
    /// Tags that must all be on the resource.
    pub tags: BTreeMap<String, String>,
    /// Why the risk is accepted (at least [`MIN_REASON_CHARS`] characters).
    pub reason: String,
    /// Who accepted it.
    pub owner: String,
    /// The last day it applies, `YYYY-MM-DD`.
    pub expires: String,
}

impl ExceptionSpec {
    /// An entry for `control` with its reason, owner and expiry; every resource, account and
    /// region until narrowed.
    pub fn new(
        control: impl Into<String>,
        reason: impl Into<String>,
        owner: impl Into<String>,
        expires: impl Into<String>,
    ) -> ExceptionSpec {
        ExceptionSpec {
            control: control.into(),
            reason: reason.into(),
            owner: owner.into(),
            expires: expires.into(),
            ..ExceptionSpec::default()
        }
    }

    /// Only this resource (an ARN or a glob over ARNs).
    pub fn resource(mut self, resource: impl Into<String>) -> ExceptionSpec {
        self.resource = Some(resource.into());
        self
    }

    /// Only this account.
    pub fn account(mut self, account: impl Into<String>) -> ExceptionSpec {
        self.account = Some(account.into());
        self
    }

    /// Only these regions.
    pub fn regions<I: IntoIterator<Item = S>, S: Into<String>>(
        mut self,
        regions: I,
    ) -> ExceptionSpec {
        self.regions = Some(regions.into_iter().map(Into::into).collect());
        self
    }

    /// Only resources with this tag (all tags given must match).
    pub fn tag(mut self, key: impl Into<String>, value: impl Into<String>) -> ExceptionSpec {
        self.tags.insert(key.into(), value.into());
        self
    }
}

/// One checked exception.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exception {
    /// The entry's position (1-based).
    pub entry: usize,
    /// The line of its `[[exception]]` header, when it came from a file.
    pub line: Option<usize>,
    /// The entry as written.
    pub spec: ExceptionSpec,
    /// The controls it covers (never one of [`NOT_EXCEPTABLE`]).
    pub controls: Vec<ControlId>,
    /// The last day it applies.
    pub expires: Date,
}

impl Exception {
    /// True when it matches the finding's control, resource, account, region and tags (expiry
    /// and status aside).
    pub fn matches(&self, finding: &Finding) -> bool {
        let spec = &self.spec;
        self.controls.contains(&finding.control)
            && spec
                .resource
                .as_deref()
                .is_none_or(|pattern| glob_match(pattern, &finding.resource_arn))
            && spec
                .account
                .as_deref()
                .is_none_or(|account| account == finding.account_id)
            && spec
                .regions
                .as_ref()
                .is_none_or(|regions| regions.contains(&finding.region))
            && spec
                .tags
                .iter()
                .all(|(key, value)| finding.tags.get(key) == Some(value))
    }

    /// True when its last day is before `today`.
    pub fn expired_on(&self, today: Date) -> bool {
        self.expires < today
    }

    fn applied(&self) -> AppliedException {
        AppliedException {
            entry: self.entry,
            control: self.spec.control.clone(),
            resource: self.spec.resource.clone(),
            reason: self.spec.reason.clone(),
            owner: self.spec.owner.clone(),
            expires: self.expires.to_string(),
        }
    }
}

/// One reason an exceptions file (or builder) was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExceptionProblem {
    /// The entry (1-based), when the problem is in one.
    pub entry: Option<usize>,
    /// The line in the file, when known.
    pub line: Option<usize>,
    /// The field, e.g. `reason`.
    pub field: String,
    /// The entry's control, when it names a known one (for its citation).
    pub control: Option<ControlId>,
    /// What is wrong, in one line.
    pub message: String,
}

impl fmt::Display for ExceptionProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.entry, self.line) {
            (Some(entry), Some(line)) => write!(f, "entry {entry} (line {line}): ")?,
            (Some(entry), None) => write!(f, "entry {entry}: ")?,
            (None, Some(line)) => write!(f, "line {line}: ")?,
            (None, None) => {}
        }
        write!(f, "{}: {}", self.field, self.message)?;
        if let Some(control) = self.control {
            write!(f, " [{control}; {}]", format_citations(control.citations()))?;
        }
        Ok(())
    }
}

/// An exceptions file (or builder) was refused: every problem found, none applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ExceptionsError {
    /// Where the entries came from (a file name, or `builder`).
    pub origin: String,
    /// Every problem, in file order.
    pub problems: Vec<ExceptionProblem>,
}

impl fmt::Display for ExceptionsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "exceptions refused ({}):", self.origin)?;
        for problem in &self.problems {
            write!(f, "\n  - {problem}")?;
        }
        Ok(())
    }
}

/// What became of one exception in an audit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExceptionState {
    /// It accepted at least one failing finding.
    Applied,
    /// Its expiry has passed: it accepted nothing, and the findings it would cover count.
    Expired,
    /// It matched no failing finding: the risk is gone or the entry is wrong; remove it.
    Stale,
}

/// One exception in a report: the entry, its state and how many failing findings it matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExceptionUse {
    /// The entry (1-based).
    pub entry: usize,
    /// The line of its header, when it came from a file.
    pub line: Option<usize>,
    /// The control pattern.
    pub control: String,
    /// The resource pattern, if any.
    pub resource: Option<String>,
    /// The account, if any.
    pub account: Option<String>,
    /// The regions, if any.
    pub regions: Option<Vec<String>>,
    /// The tags, if any.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
    /// Why the risk is accepted.
    pub reason: String,
    /// Who accepted it.
    pub owner: String,
    /// The last day it applies.
    pub expires: String,
    /// Applied, expired or stale.
    pub state: ExceptionState,
    /// How many failing findings it matched (for an expired entry: would have matched).
    pub findings: usize,
}

/// Every exception of an audit and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExceptionsSummary {
    /// Where the entries came from.
    pub origin: String,
    /// The day expiries were judged against.
    pub judged_on: String,
    /// One per entry, in order.
    pub entries: Vec<ExceptionUse>,
}

impl ExceptionsSummary {
    /// The entries in `state`.
    pub fn in_state(&self, state: ExceptionState) -> impl Iterator<Item = &ExceptionUse> {
        self.entries.iter().filter(move |e| e.state == state)
    }
}

/// A checked set of exceptions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exceptions {
    origin: String,
    today: Date,
    entries: Vec<Exception>,
}

/// Builds [`Exceptions`] in code, with the same checks as a file.
#[derive(Debug, Clone, Default)]
pub struct ExceptionsBuilder {
    today: Option<Date>,
    specs: Vec<ExceptionSpec>,
}

impl ExceptionsBuilder {
    /// Adds an entry.
    pub fn exception(mut self, spec: ExceptionSpec) -> ExceptionsBuilder {
        self.specs.push(spec);
        self
    }

    /// The day expiries are judged against (today, UTC, by default).
    pub fn today(mut self, today: Date) -> ExceptionsBuilder {
        self.today = Some(today);
        self
    }

    /// Checks every entry; refuses them all if any is wrong.
    pub fn build(self) -> Result<Exceptions, ExceptionsError> {
        let today = self.today.unwrap_or_else(Date::today);
        let entries = self
            .specs
            .into_iter()
            .enumerate()
            .map(|(index, spec)| (index + 1, None, spec))
            .collect();
        Exceptions::checked("builder".to_string(), today, entries)
    }
}

impl Exceptions {
    /// Starts a builder.
    pub fn builder() -> ExceptionsBuilder {
        ExceptionsBuilder::default()
    }

    /// No exceptions.
    pub fn none() -> Exceptions {
        Exceptions {
            origin: "none".to_string(),
            today: Date::today(),
            entries: Vec::new(),
        }
    }

    /// Loads a TOML exceptions file's text (`origin` names it in messages), judging expiries
    /// against today (UTC).
    pub fn from_toml(origin: &str, text: &str) -> Result<Exceptions, ExceptionsError> {
        Exceptions::from_toml_on(origin, text, Date::today())
    }

    /// Like [`Exceptions::from_toml`], judging expiries against `today`.
    pub fn from_toml_on(
        origin: &str,
        text: &str,
        today: Date,
    ) -> Result<Exceptions, ExceptionsError> {
        let entries = load::parse(origin, text)?;
        Exceptions::checked(origin.to_string(), today, entries)
    }

    fn checked(
        origin: String,
        today: Date,
        entries: Vec<(usize, Option<usize>, ExceptionSpec)>,
    ) -> Result<Exceptions, ExceptionsError> {
        let mut problems = Vec::new();
        let mut checked = Vec::new();
        for (entry, line, spec) in entries {
            match load::check(entry, line, spec, today) {
                Ok(exception) => checked.push(exception),
                Err(mut found) => problems.append(&mut found),
            }
        }
        if problems.is_empty() {
            Ok(Exceptions {
                origin,
                today,
                entries: checked,
            })
        } else {
            Err(ExceptionsError { origin, problems })
        }
    }

    /// The entries.
    pub fn entries(&self) -> &[Exception] {
        &self.entries
    }

    /// Marks every failing finding of the report that an unexpired entry matches (the first
    /// such entry wins) and records what became of each entry in
    /// [`AuditReport::exceptions`].
    pub fn apply(&self, report: &mut AuditReport) {
        let mut matched = vec![0_usize; self.entries.len()];
        for account in &mut report.accounts {
            for finding in &mut account.findings {
                if finding.status != Status::Fail {
                    continue;
                }
                let mut taken = false;
                for (index, exception) in self.entries.iter().enumerate() {
                    if !exception.matches(finding) {
                        continue;
                    }
                    if let Some(count) = matched.get_mut(index) {
                        *count += 1;
                    }
                    if !taken && !exception.expired_on(self.today) {
                        finding.exception = Some(exception.applied());
                        taken = true;
                    }
                }
            }
        }
        let entries = self
            .entries
            .iter()
            .zip(matched)
            .map(|(exception, findings)| {
                let state = if exception.expired_on(self.today) {
                    ExceptionState::Expired
                } else if findings == 0 {
                    ExceptionState::Stale
                } else {
                    ExceptionState::Applied
                };
                let spec = &exception.spec;
                ExceptionUse {
                    entry: exception.entry,
                    line: exception.line,
                    control: spec.control.clone(),
                    resource: spec.resource.clone(),
                    account: spec.account.clone(),
                    regions: spec.regions.clone(),
                    tags: spec.tags.clone(),
                    reason: spec.reason.clone(),
                    owner: spec.owner.clone(),
                    expires: exception.expires.to_string(),
                    state,
                    findings,
                }
            })
            .collect();
        report.exceptions = Some(ExceptionsSummary {
            origin: self.origin.clone(),
            judged_on: self.today.to_string(),
            entries,
        });
    }
}

#[cfg(test)]
mod tests;
