//! The controls that judge a CloudWatch Logs log group, on a spec or on any log group of an
//! account.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::construct::{KeyInUse, Setting, State};
use crate::controls::{Check, ControlId};

/// The retention periods CloudWatch Logs accepts, in days.
pub const RETENTION_DAYS_ALLOWED: &[u32] = &[
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
];

/// The shortest retention any log group may have: one year (the AWS Config
/// `CW_LOGGROUP_RETENTION_PERIOD_CHECK` parameter).
pub const ONE_YEAR_DAYS: u32 = 365;
/// The retention of audit logs: six years (45 CFR 164.316(b)(2)(i)).
pub const SIX_YEARS_DAYS: u32 = 2192;

/// A log group's settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogGroupState {
    /// The log group name.
    pub name: String,
    /// Its ARN (without the trailing `:*`).
    pub arn: String,
    /// The KMS key ARN that encrypts it, if any.
    pub kms_key: Option<String>,
    /// Days events are kept (`None`: forever, which no control accepts).
    pub retention_days: Option<u32>,
    /// The tags the library manages (others are ignored).
    pub tags: BTreeMap<String, String>,
}

impl State for LogGroupState {
    fn settings(&self) -> Vec<Setting> {
        let mut settings = vec![
            Setting::new("kms_key", self.kms_key.as_deref().unwrap_or("(none)")),
            Setting::new(
                "retention_days",
                self.retention_days
                    .map(|days| days.to_string())
                    .unwrap_or_else(|| "(never expire)".to_string()),
            ),
        ];
        settings.extend(
            self.tags
                .iter()
                .map(|(key, value)| Setting::new(format!("tags.{key}"), value)),
        );
        settings
    }

    fn keys_in_use(&self) -> Vec<KeyInUse> {
        vec![KeyInUse::new("kms_key", self.kms_key.as_deref())]
    }
}

/// What a log group is expected to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogGroupExpectations {
    /// The fewest days events must be kept: 365 for any log group, 2192 for audit logs.
    pub retention_floor_days: u32,
}

impl Default for LogGroupExpectations {
    fn default() -> Self {
        LogGroupExpectations {
            retention_floor_days: ONE_YEAR_DAYS,
        }
    }
}

/// The controls [`evaluate_log_group`] judges (see `crate::controls::coverage`).
pub const EVALUATE_LOG_GROUP_COVERS: &[ControlId] = &[
    ControlId::CloudWatchLogGroupEncrypted,
    ControlId::CwLogGroupRetentionPeriodCheck,
    ControlId::LogRetentionSixYears,
];

/// Judges a log group: encrypted with a KMS key, retention set and at least one year, and (for
/// audit logs) at least six years.
pub fn evaluate_log_group(
    state: &LogGroupState,
    expectations: &LogGroupExpectations,
) -> Vec<Check> {
    let mut checks = vec![Check::require(
        ControlId::CloudWatchLogGroupEncrypted,
        "kms_key",
        state.kms_key.as_deref().is_some_and(|key| !key.is_empty()),
        format!(
            "encrypted with {}",
            state.kms_key.as_deref().unwrap_or_default()
        ),
        "the log group has no KMS key: events are encrypted only with a key CloudWatch Logs owns",
    )];
    let days = state.retention_days;
    checks.push(Check::require(
        ControlId::CwLogGroupRetentionPeriodCheck,
        "retention_days",
        days.is_some_and(|days| days >= ONE_YEAR_DAYS),
        format!("events are kept {} days", days.unwrap_or_default()),
        match days {
            None => "no retention is set (events never expire): set one of at least 365 days"
                .to_string(),
            Some(days) => format!("events are kept only {days} days, fewer than {ONE_YEAR_DAYS}"),
        },
    ));
    if expectations.retention_floor_days > ONE_YEAR_DAYS {
        let floor = expectations.retention_floor_days;
        checks.push(Check::require(
            ControlId::LogRetentionSixYears,
            "retention_days",
            days.is_some_and(|days| days >= floor),
            format!("audit events are kept {} days", days.unwrap_or_default()),
            format!(
                "audit events are kept {} days, fewer than {floor}",
                days.map(|d| d.to_string())
                    .unwrap_or_else(|| "(no retention)".to_string())
            ),
        ));
    }
    checks
}

/// The controls [`log_group_name_problem`] judges (see `crate::controls::coverage`).
pub const LOG_GROUP_NAME_PROBLEM_COVERS: &[ControlId] = &[ControlId::CloudWatchNameValid];

/// The problem with a log group name, if any: 1 to 512 of letters, digits and `._-/#`.
pub fn log_group_name_problem(name: &str) -> Option<String> {
    if name.is_empty() || name.len() > 512 {
        return Some(format!(
            "the log group name {name:?} must have 1 to 512 characters"
        ));
    }
    if name.starts_with("aws/") {
        return Some(format!("{name:?}: the aws/ prefix is reserved for AWS"));
    }
    name.chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "._-/#".contains(*c)))
        .map(|bad| {
            format!("the log group name {name:?} contains {bad:?}: use letters, digits and ._-/#")
        })
}
