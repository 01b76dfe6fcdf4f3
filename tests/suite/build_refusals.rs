//! Bad specs refused by `build()`, each with every violation at once and the control id,
//! setting and HIPAA citation of each. No AWS endpoint is needed: nothing here leaves the
//! process.

use crate::support::refusals::assert_refused;
use hipaa_aws::prelude::*;

fn key() -> HipaaKey {
    HipaaKey::builder().alias("phi").build().expect("valid key")
}

fn logs(key: &HipaaKey) -> LogBucket {
    LogBucket::builder()
        .name("acme-logs")
        .key(key)
        .build()
        .expect("valid log bucket")
}

fn data_named(name: &str) -> Result<EncryptedBucket> {
    let key = key();
    EncryptedBucket::builder()
        .name(name)
        .key(&key)
        .access_logs(&logs(&key))
        .build()
}

fn log_bucket(retention: LogRetention) -> Result<LogBucket> {
    LogBucket::builder()
        .name("acme-logs")
        .key(&key())
        .retention(retention)
        .build()
}

#[test]
fn bucket_names_breaking_the_s3_rules_are_refused() {
    for name in [
        "ab",
        "Acme-PHI",
        "acme_phi",
        "192.168.10.20",
        "acme.phi",
        "xn--acme",
        "sthree-phi",
        "acme-phi-s3alias",
        "acme--ol-s3",
        "-acme",
        "acme-",
        &"a".repeat(64),
    ] {
        let violations = assert_refused(name, data_named(name), &[ControlId::S3BucketNameValid]);
        assert!(violations.iter().all(|v| v.setting == "name"));
    }
}

#[test]
fn a_log_retention_below_six_years_is_refused() {
    for days in [0, 30, 365, 2191] {
        let violations = assert_refused(
            &format!("retention {days}"),
            log_bucket(LogRetention::days(days)),
            &[ControlId::LogRetentionSixYears],
        );
        assert!(violations.iter().all(|v| v.setting == "lifecycle"));
    }
    assert!(log_bucket(LogRetention::days(2192)).is_ok());
    assert!(log_bucket(LogRetention::Forever).is_ok());
}

#[test]
fn key_deletion_windows_outside_7_to_30_days_are_refused() {
    for days in [0, 3, 6, 31, 365] {
        let violations = assert_refused(
            &format!("deletion window {days}"),
            HipaaKey::builder()
                .alias("phi")
                .deletion_window_days(days)
                .build(),
            &[ControlId::KmsDeletionWindow],
        );
        assert_eq!(violations.as_slice()[0].setting, "deletion_window_days");
    }
}

#[test]
fn rotation_periods_outside_90_to_2560_days_are_refused() {
    for days in [0, 30, 89, 2561] {
        assert_refused(
            &format!("rotation {days}"),
            HipaaKey::builder()
                .alias("phi")
                .rotation_period_days(days)
                .build(),
            &[ControlId::KmsKeyRotationEnabled],
        );
    }
}

#[test]
fn aliases_breaking_the_kms_rules_are_refused() {
    for alias in [
        "aws/s3",
        "alias/aws/custom",
        "has space",
        "",
        "phi*",
        &"k".repeat(251),
    ] {
        assert_refused(
            &format!("alias {alias:?}"),
            HipaaKey::builder().alias(alias).build(),
            &[ControlId::KmsAliasValid],
        );
    }
}

#[test]
fn object_lock_retention_outside_its_range_is_refused() {
    let key = key();
    for lock in [
        ObjectLockRetention::compliance_days(0),
        ObjectLockRetention::compliance_days(36_501),
        ObjectLockRetention::compliance_years(0),
        ObjectLockRetention::compliance_years(101),
    ] {
        assert_refused(
            &format!("{lock:?}"),
            EncryptedBucket::builder()
                .name("acme-phi")
                .key(&key)
                .access_logs(&logs(&key))
                .object_lock(lock)
                .build(),
            &[ControlId::S3BucketDefaultLockEnabled],
        );
    }
}

#[test]
fn archiving_that_is_immediate_or_after_expiry_is_refused() {
    for (archive, retention) in [
        (0, LogRetention::SIX_YEARS),
        (2192, LogRetention::SIX_YEARS),
        (5000, LogRetention::days(3000)),
    ] {
        assert_refused(
            &format!("archive after {archive}"),
            LogBucket::builder()
                .name("acme-logs")
                .key(&key())
                .retention(retention)
                .archive_after_days(archive)
                .build(),
            &[ControlId::S3VersionLifecyclePolicyCheck],
        );
    }
}

#[test]
fn a_bucket_logging_to_itself_or_to_a_bad_prefix_is_refused() {
    let key = key();
    let same_name_logs = LogBucket::builder()
        .name("acme-phi")
        .key(&key)
        .build()
        .expect("valid");
    assert_refused(
        "self logging",
        EncryptedBucket::builder()
            .name("acme-phi")
            .key(&key)
            .access_logs(&same_name_logs)
            .build(),
        &[ControlId::S3BucketLoggingEnabled],
    );
    assert_refused(
        "absolute prefix",
        EncryptedBucket::builder()
            .name("acme-phi")
            .key(&key)
            .access_logs(&logs(&key))
            .access_log_prefix("/phi/")
            .build(),
        &[ControlId::S3BucketLoggingEnabled],
    );
}

#[test]
fn every_violation_of_a_spec_is_reported_at_once() {
    let violations = assert_refused(
        "many at once",
        LogBucket::builder()
            .name("Bad_Name")
            .key(&key())
            .retention(LogRetention::days(90))
            .object_lock(ObjectLockRetention::compliance_days(0))
            .build(),
        &[
            ControlId::S3BucketNameValid,
            ControlId::LogRetentionSixYears,
            ControlId::S3BucketDefaultLockEnabled,
        ],
    );
    assert!(violations.len() >= 4, "{violations}");
    let key_violations = assert_refused(
        "key with everything wrong",
        HipaaKey::builder()
            .alias("aws/x")
            .rotation_period_days(10)
            .deletion_window_days(1)
            .build(),
        &[
            ControlId::KmsAliasValid,
            ControlId::KmsKeyRotationEnabled,
            ControlId::KmsDeletionWindow,
        ],
    );
    assert_eq!(key_violations.len(), 3);
}

#[tokio::test]
async fn a_baa_executed_in_the_future_or_undated_is_refused_before_any_call() {
    for (date, count) in [("2999-01-01", 1), ("15/01/2026", 1), ("2026-02-30", 1)] {
        let result = Environment::builder(BaaAttestation::executed_on(date))
            .build()
            .await;
        let violations = assert_refused(date, result, &[ControlId::BaaExecuted]);
        assert_eq!(violations.len(), count);
    }
}

#[tokio::test]
async fn reserved_tag_keys_are_refused_before_any_call() {
    let result = Environment::builder(BaaAttestation::executed_on("2026-01-15"))
        .tag("aws:owner", "x")
        .tag("hipaa-aws:stack", "y")
        .build()
        .await;
    let violations = assert_refused("reserved tags", result, &[ControlId::ManagedResourceTagged]);
    assert_eq!(violations.len(), 2);
}

#[test]
fn stacks_with_missing_dependencies_duplicates_or_bad_names_are_refused() {
    let key = key();
    let logs = logs(&key);
    let data = EncryptedBucket::builder()
        .name("acme-phi")
        .key(&key)
        .access_logs(&logs)
        .build()
        .expect("valid");
    let missing = Stack::builder("acme").with(data.clone()).build();
    let message = missing
        .map(|_| ())
        .expect_err("missing key and logs")
        .to_string();
    assert!(
        message.contains("needs kms-key/phi, which is not in the stack"),
        "{message}"
    );
    assert!(message.contains("needs s3-bucket/acme-logs"), "{message}");

    let twice = Stack::builder("acme")
        .with(key.clone())
        .with(key.clone())
        .build();
    let message = twice.map(|_| ()).expect_err("duplicate").to_string();
    assert!(message.contains("kms-key/phi is added twice"), "{message}");

    let badly_named = Stack::builder("Acme Prod").with(key).build();
    let message = badly_named.map(|_| ()).expect_err("bad name").to_string();
    assert!(message.contains("stack name"), "{message}");
}
