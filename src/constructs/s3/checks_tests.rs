//! The lifecycle and access-logging controls at their edges: 2191 against 2192 days, fixed
//! expiration dates, filtered and disabled rules, and access-log prefixes that are empty, hold
//! a wildcard or lie under `AWSLogs/`.

use std::collections::BTreeMap;

use super::*;
use crate::constructs::s3::state::AccessLogging;
use crate::controls::Status;

fn rule(id: &str) -> LifecycleRule {
    LifecycleRule {
        id: id.to_string(),
        enabled: true,
        expiration_days: None,
        expiration_date: None,
        noncurrent_expiration_days: None,
        transition: None,
        abort_incomplete_multipart_days: Some(7),
        filter: None,
    }
}

fn bucket(lifecycle: Vec<LifecycleRule>, prefix: Option<&str>) -> BucketState {
    BucketState {
        name: "acme-logs".to_string(),
        arn: "arn:aws:s3:::acme-logs".to_string(),
        encryption: None,
        public_access_block: None,
        object_ownership: None,
        versioning: "Enabled".to_string(),
        policy: None,
        access_logging: prefix.map(|prefix| AccessLogging {
            target_bucket: "acme-audit".to_string(),
            target_prefix: prefix.to_string(),
        }),
        lifecycle,
        object_lock: None,
        acl_grants_public: Some(false),
        tags: BTreeMap::new(),
        replication: None,
        replication_rules: Vec::new(),
        event_notifications: None,
        unread: Default::default(),
    }
}

fn retention(rules: Vec<LifecycleRule>) -> Check {
    retention_check(&bucket(rules, None), LOG_RETENTION_FLOOR_DAYS)
}

#[test]
fn days_at_the_six_year_boundary() {
    for (days, expected) in [
        (2191, Status::Fail),
        (2192, Status::Pass),
        (2193, Status::Pass),
        (1, Status::Fail),
        (0, Status::Fail),
    ] {
        let current = LifecycleRule {
            expiration_days: Some(days),
            ..rule("current")
        };
        assert_eq!(
            retention(vec![current]).status,
            expected,
            "Expiration.Days {days}"
        );
        let noncurrent = LifecycleRule {
            noncurrent_expiration_days: Some(days),
            ..rule("noncurrent")
        };
        assert_eq!(
            retention(vec![noncurrent]).status,
            expected,
            "NoncurrentDays {days}"
        );
    }
    assert_eq!(retention(vec![rule("keep")]).status, Status::Pass);
    assert_eq!(retention(Vec::new()).status, Status::Pass);
}

#[test]
fn any_fixed_expiration_date_fails() {
    // Even a date far in the future deletes the logs written in the six years before it.
    for date in [
        "2020-01-01T00:00:00Z",
        "2032-06-01T00:00:00Z",
        "2999-12-31T00:00:00Z",
    ] {
        let dated = LifecycleRule {
            expiration_date: Some(date.to_string()),
            ..rule("dated")
        };
        let check = retention(vec![dated]);
        assert_eq!(check.status, Status::Fail, "{date}");
        assert!(check.reason.contains("Expiration.Date"), "{}", check.reason);
        assert!(check.reason.contains(date), "{}", check.reason);
    }
}

#[test]
fn filtered_rules_count_and_disabled_rules_do_not() {
    let filtered = LifecycleRule {
        expiration_days: Some(30),
        filter: Some("prefix AWSLogs/".to_string()),
        ..rule("filtered")
    };
    let check = retention(vec![filtered]);
    assert_eq!(check.status, Status::Fail);
    assert!(check.reason.contains("prefix AWSLogs/"), "{}", check.reason);
    let tagged = LifecycleRule {
        expiration_date: Some("2030-01-01T00:00:00Z".to_string()),
        filter: Some("tag retention=short".to_string()),
        ..rule("tagged")
    };
    assert_eq!(retention(vec![tagged]).status, Status::Fail);
    let disabled = LifecycleRule {
        enabled: false,
        expiration_days: Some(30),
        expiration_date: Some("2030-01-01T00:00:00Z".to_string()),
        noncurrent_expiration_days: Some(1),
        ..rule("disabled")
    };
    assert_eq!(retention(vec![disabled.clone()]).status, Status::Pass);
    // One short rule among long ones is enough.
    let long = LifecycleRule {
        expiration_days: Some(2555),
        noncurrent_expiration_days: Some(2555),
        ..rule("long")
    };
    let short = LifecycleRule {
        noncurrent_expiration_days: Some(2191),
        ..rule("short")
    };
    assert_eq!(retention(vec![long.clone(), disabled]).status, Status::Pass);
    assert_eq!(retention(vec![long, short]).status, Status::Fail);
}

#[test]
fn access_log_prefixes_at_the_boundary() {
    for bad in [
        "",
        " ",
        "logs*/",
        "logs?/",
        "*",
        "AWSLogs/",
        "AWSLogs",
        "awslogs/",
        "AwsLogs/access/",
        "/AWSLogs/",
        "AWSLogs/123456789012/",
    ] {
        assert!(access_log_prefix_problem(bad).is_some(), "{bad:?}");
        let check = logging_check(&bucket(Vec::new(), Some(bad)), &BucketExpectations::AUDIT);
        assert_eq!(check.control, ControlId::S3BucketLoggingEnabled);
        assert_eq!(check.status, Status::Fail, "{bad:?}");
    }
    for good in [
        "access/",
        "acme-phi/",
        "awslogs-archive/",
        "logs/AWSLogs/",
        "s3-access-logs/",
    ] {
        assert_eq!(access_log_prefix_problem(good), None, "{good:?}");
        let check = logging_check(&bucket(Vec::new(), Some(good)), &BucketExpectations::AUDIT);
        assert_eq!(check.status, Status::Pass, "{good:?}");
    }
    // No logging at all stays a failure of its own.
    let off = logging_check(&bucket(Vec::new(), None), &BucketExpectations::AUDIT);
    assert_eq!(off.status, Status::Fail);
    assert!(off.reason.contains("off"), "{}", off.reason);
}
