//! Partial reads: a resource's state is read one call per sub-setting, and a call that fails
//! makes `error` checks only for the controls that call feeds. Every other control of the same
//! resource is still judged, so one denied GetBucketVersioning does not turn a bucket's
//! encryption and public-access findings into errors.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::controls::{Check, ControlId, Status};
use crate::error::Error;

/// The reads of one resource that failed: the operation (`GetBucketVersioning`) and the error
/// it returned.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Unread(BTreeMap<String, String>);

impl Unread {
    /// No read failed.
    pub fn none() -> Unread {
        Unread::default()
    }

    /// Records that `operation` failed with `error`.
    pub fn record(&mut self, operation: &str, error: &Error) {
        self.0.insert(operation.to_string(), error.to_string());
    }

    /// The value a read returned, or `fallback` (recording the failure) when it failed.
    pub fn settle<T>(&mut self, operation: &str, read: crate::error::Result<T>, fallback: T) -> T {
        match read {
            Ok(value) => value,
            Err(error) => {
                self.record(operation, &error);
                fallback
            }
        }
    }

    /// The error of `operation`, when it failed.
    pub fn failed(&self, operation: &str) -> Option<&str> {
        self.0.get(operation).map(String::as_str)
    }

    /// True when every read succeeded.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The failed operations with their errors.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0
            .iter()
            .map(|(op, error)| (op.as_str(), error.as_str()))
    }
}

/// Which controls each read of a resource feeds: the one table a resource type keeps, so a
/// failed read touches exactly its controls.
pub type Feeds = &'static [(&'static str, &'static [ControlId])];

/// The controls `operation` feeds according to `feeds`.
pub fn fed_by(feeds: Feeds, operation: &str) -> &'static [ControlId] {
    feeds
        .iter()
        .find(|(op, _)| *op == operation)
        .map(|(_, controls)| *controls)
        .unwrap_or(&[])
}

/// Turns each check whose control is fed by a failed read into an error that names the read;
/// every other check stands as judged.
pub fn judge_partial(checks: Vec<Check>, unread: &Unread, feeds: Feeds) -> Vec<Check> {
    if unread.is_empty() {
        return checks;
    }
    checks
        .into_iter()
        .map(|check| {
            let failed: Vec<String> = unread
                .iter()
                .filter(|(operation, _)| fed_by(feeds, operation).contains(&check.control))
                .map(|(operation, error)| format!("{operation} failed: {error}"))
                .collect();
            if failed.is_empty() {
                check
            } else {
                Check {
                    status: Status::Error,
                    reason: format!(
                        "{} could not be read ({})",
                        check.setting,
                        failed.join("; ")
                    ),
                    ..check
                }
            }
        })
        .collect()
}

/// Turns every check of one sub-evaluation (a database's parameter group, its security
/// group) into an error when the read behind it failed: judged per source, so a control that
/// evaluation adds later is covered too.
pub fn unread_source(checks: Vec<Check>, unread: &Unread, operation: &str) -> Vec<Check> {
    let Some(error) = unread.failed(operation) else {
        return checks;
    };
    checks
        .into_iter()
        .map(|check| Check {
            status: Status::Error,
            reason: format!(
                "{} could not be read ({operation} failed: {error})",
                check.setting
            ),
            ..check
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const FEEDS: Feeds = &[
        ("GetA", &[ControlId::S3BucketVersioningEnabled]),
        (
            "GetB",
            &[
                ControlId::S3DefaultEncryptionKms,
                ControlId::S3BucketVersioningEnabled,
            ],
        ),
    ];

    fn checks() -> Vec<Check> {
        vec![
            Check::require(
                ControlId::S3BucketVersioningEnabled,
                "versioning",
                true,
                "on",
                "",
            ),
            Check::require(
                ControlId::S3DefaultEncryptionKms,
                "encryption",
                false,
                "",
                "off",
            ),
            Check::require(
                ControlId::S3BucketLoggingEnabled,
                "access_logging",
                true,
                "on",
                "",
            ),
        ]
    }

    #[test]
    fn a_failed_read_errors_only_the_controls_it_feeds() {
        let mut unread = Unread::none();
        let value = unread.settle(
            "GetA",
            Err(Error::unexpected("s3", "GetA", "denied")),
            "fallback",
        );
        assert_eq!(value, "fallback");
        assert!(unread.failed("GetA").is_some_and(|e| e.contains("denied")));
        let judged = judge_partial(checks(), &unread, FEEDS);
        assert_eq!(judged[0].status, Status::Error);
        assert!(
            judged[0].reason.contains("GetA failed"),
            "{}",
            judged[0].reason
        );
        // Not fed by GetA: judged as read, pass or fail.
        assert_eq!(judged[1].status, Status::Fail);
        assert_eq!(judged[2].status, Status::Pass);
    }

    #[test]
    fn nothing_changes_when_every_read_succeeded() {
        let mut unread = Unread::none();
        assert_eq!(unread.settle("GetA", Ok(3), 0), 3);
        assert!(unread.is_empty());
        assert_eq!(judge_partial(checks(), &unread, FEEDS), checks());
    }

    #[test]
    fn a_failed_source_errors_all_its_checks_and_only_then() {
        let mut unread = Unread::none();
        assert_eq!(unread_source(checks(), &unread, "GetA"), checks());
        unread.record("GetA", &Error::unexpected("s3", "GetA", "denied"));
        assert!(unread_source(checks(), &unread, "GetA")
            .iter()
            .all(|check| check.status == Status::Error && check.reason.contains("GetA failed")));
        assert_eq!(unread_source(checks(), &unread, "GetB"), checks());
    }

    #[test]
    fn an_unknown_operation_feeds_nothing() {
        assert!(fed_by(FEEDS, "GetZ").is_empty());
    }
}
