//! Which S3 read feeds which control of a bucket, and which setting: the one table that makes a
//! failed read an error for exactly its controls ([`crate::constructs::partial`]).

use crate::constructs::partial::Feeds;
use crate::controls::ControlId as C;

/// GetBucketEncryption.
pub const ENCRYPTION: &str = "GetBucketEncryption";
/// GetPublicAccessBlock.
pub const PUBLIC_ACCESS_BLOCK: &str = "GetPublicAccessBlock";
/// GetBucketOwnershipControls.
pub const OWNERSHIP: &str = "GetBucketOwnershipControls";
/// GetBucketVersioning.
pub const VERSIONING: &str = "GetBucketVersioning";
/// GetBucketPolicy.
pub const POLICY: &str = "GetBucketPolicy";
/// GetBucketLogging.
pub const LOGGING: &str = "GetBucketLogging";
/// GetBucketLifecycleConfiguration.
pub const LIFECYCLE: &str = "GetBucketLifecycleConfiguration";
/// GetObjectLockConfiguration.
pub const OBJECT_LOCK: &str = "GetObjectLockConfiguration";
/// GetBucketAcl.
pub const ACL: &str = "GetBucketAcl";
/// GetBucketReplication.
pub const REPLICATION: &str = "GetBucketReplication";
/// GetBucketNotificationConfiguration.
pub const NOTIFICATIONS: &str = "GetBucketNotificationConfiguration";

/// Each read of a bucket and the controls its answer feeds. A control judged on several
/// reads (public read: policy, ACL, Block Public Access, ownership) is listed under each.
pub const BUCKET_FEEDS: Feeds = &[
    (
        ENCRYPTION,
        &[
            C::S3DefaultEncryptionKms,
            C::S3BucketServerSideEncryptionEnabled,
            C::KmsDeclaredKeyInUse,
        ],
    ),
    (
        PUBLIC_ACCESS_BLOCK,
        &[
            C::S3BucketLevelPublicAccessProhibited,
            C::S3BucketPublicReadProhibited,
            C::S3BucketPublicWriteProhibited,
        ],
    ),
    (
        OWNERSHIP,
        &[
            C::S3BucketAclProhibited,
            C::S3BucketPublicReadProhibited,
            C::S3BucketPublicWriteProhibited,
        ],
    ),
    (
        VERSIONING,
        &[
            C::S3BucketVersioningEnabled,
            C::S3VersionLifecyclePolicyCheck,
        ],
    ),
    (
        POLICY,
        &[
            C::S3BucketPublicReadProhibited,
            C::S3BucketPublicWriteProhibited,
            C::S3BucketSslRequestsOnly,
            C::S3TlsMinimumVersion,
        ],
    ),
    (LOGGING, &[C::S3BucketLoggingEnabled]),
    (
        LIFECYCLE,
        &[C::S3VersionLifecyclePolicyCheck, C::LogRetentionSixYears],
    ),
    (OBJECT_LOCK, &[C::S3BucketDefaultLockEnabled]),
    (
        ACL,
        &[
            C::S3BucketPublicReadProhibited,
            C::S3BucketPublicWriteProhibited,
        ],
    ),
    (
        REPLICATION,
        &[C::S3BucketReplicationEnabled, C::S3ReplicationCrossRegion],
    ),
    (NOTIFICATIONS, &[C::S3EventNotificationsEnabled]),
];

/// The read behind each setting of a bucket's state, for plans: a setting whose read failed
/// shows that, and is written again by apply.
pub const SETTING_READS: &[(&str, &str)] = &[
    ("encryption", ENCRYPTION),
    ("public_access_block", PUBLIC_ACCESS_BLOCK),
    ("object_ownership", OWNERSHIP),
    ("versioning", VERSIONING),
    ("policy", POLICY),
    ("access_logging", LOGGING),
    ("lifecycle", LIFECYCLE),
    ("object_lock", OBJECT_LOCK),
    ("replication", REPLICATION),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::construct::{declared_key_checks, Construct, Scope};
    use crate::constructs::kms::HipaaKey;
    use crate::constructs::partial::fed_by;
    use crate::constructs::s3::{
        evaluate_bucket, BucketExpectations, BucketState, EncryptedBucket, LogBucket,
        PublicAccessBlock,
    };
    use crate::controls::{Check, ControlId, Status};
    use crate::error::Error;
    use crate::policy::PolicyDocument;

    /// A bucket that passes every control.
    fn compliant() -> BucketState {
        let key = HipaaKey::builder().alias("phi").build().expect("key");
        let logs = LogBucket::builder()
            .name("acme-logs")
            .key(&key)
            .build()
            .expect("logs");
        let bucket = EncryptedBucket::builder()
            .name("acme-phi")
            .key(&key)
            .access_logs(&logs)
            .build()
            .expect("bucket");
        let mut state = bucket.desired(&Scope::for_build());
        state.replication = Some(true);
        state.event_notifications = Some(true);
        state.object_lock = Some(crate::constructs::s3::ObjectLockState {
            enabled: true,
            mode: Some("COMPLIANCE".to_string()),
            days: Some(2192),
            years: None,
        });
        state
    }

    /// A bucket that fails every control it can.
    fn exposed() -> BucketState {
        let mut state = compliant();
        state.encryption = None;
        state.public_access_block = Some(PublicAccessBlock {
            block_public_acls: false,
            ignore_public_acls: false,
            block_public_policy: false,
            restrict_public_buckets: false,
        });
        state.object_ownership = Some("ObjectWriter".to_string());
        state.versioning = "Suspended".to_string();
        state.policy = Some(
            PolicyDocument::from_json(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::acme-phi/*"}]}"#,
            )
            .expect("policy"),
        );
        state.access_logging = None;
        state.lifecycle = Vec::new();
        state.object_lock = None;
        state.acl_grants_public = Some(true);
        state.replication = Some(false);
        state.event_notifications = Some(false);
        state
    }

    /// The state `read_bucket_state` leaves when `operation` fails.
    fn with_failed(state: &BucketState, operation: &str) -> BucketState {
        let mut state = state.clone();
        match operation {
            ENCRYPTION => state.encryption = None,
            PUBLIC_ACCESS_BLOCK => state.public_access_block = None,
            OWNERSHIP => state.object_ownership = None,
            VERSIONING => state.versioning = "Disabled".to_string(),
            POLICY => state.policy = None,
            LOGGING => state.access_logging = None,
            LIFECYCLE => state.lifecycle = Vec::new(),
            OBJECT_LOCK => state.object_lock = None,
            ACL => state.acl_grants_public = None,
            REPLICATION => {
                state.replication = None;
                state.replication_rules = Vec::new();
            }
            NOTIFICATIONS => state.event_notifications = None,
            other => panic!("no fallback for {other}"),
        }
        state
            .unread
            .record(operation, &Error::unexpected("s3", "test", "denied"));
        state
    }

    fn judge(state: &BucketState) -> Vec<Check> {
        let mut checks = evaluate_bucket(state, &BucketExpectations::AUDIT);
        let expect = BucketExpectations {
            retention_floor_days: Some(2192),
            ..BucketExpectations::AUDIT
        };
        checks.extend(
            evaluate_bucket(state, &expect)
                .into_iter()
                .filter(|check| check.control == ControlId::LogRetentionSixYears),
        );
        checks.extend(declared_key_checks(&compliant_declared(), state));
        checks
    }

    /// The spec's side of the declared-key check: a resolved key.
    fn compliant_declared() -> BucketState {
        let mut state = compliant();
        if let Some(encryption) = &mut state.encryption {
            encryption.kms_key = Some("arn:aws:kms:us-east-1:1:key/k".to_string());
        }
        state
    }

    #[test]
    fn a_failed_read_errors_exactly_the_controls_it_feeds_whatever_the_bucket_is() {
        for baseline in [compliant_declared(), exposed()] {
            let judged = judge(&baseline);
            for (operation, _) in BUCKET_FEEDS {
                let fed = fed_by(BUCKET_FEEDS, operation);
                let partial = judge(&with_failed(&baseline, operation));
                assert_eq!(partial.len(), judged.len(), "{operation}");
                for (before, after) in judged.iter().zip(&partial) {
                    if fed.contains(&after.control) {
                        assert_eq!(after.status, Status::Error, "{operation}: {after:?}");
                        assert!(after.reason.contains(operation), "{}", after.reason);
                    } else {
                        // A control the read does not feed is judged as if it had succeeded:
                        // the fallback value never decides it.
                        assert_eq!(after, before, "{operation} changed {}", after.control);
                    }
                }
            }
        }
    }

    #[test]
    fn every_control_judged_on_a_bucket_is_fed_by_a_read() {
        for check in judge(&compliant_declared()) {
            assert!(
                BUCKET_FEEDS
                    .iter()
                    .any(|(_, controls)| controls.contains(&check.control)),
                "{} is judged on a bucket but no read feeds it: add it to BUCKET_FEEDS",
                check.control
            );
        }
    }

    #[test]
    fn a_setting_whose_read_failed_is_shown_as_such_and_differs_from_any_value() {
        use crate::construct::State;
        let state = with_failed(&compliant(), VERSIONING);
        let versioning = state
            .settings()
            .into_iter()
            .find(|setting| setting.name == "versioning")
            .expect("versioning");
        assert!(
            versioning.value.contains("could not be read"),
            "{}",
            versioning.value
        );
        let changes = crate::construct::diff_states(&compliant(), &state);
        assert_eq!(
            changes
                .iter()
                .map(|c| c.setting.as_str())
                .collect::<Vec<_>>(),
            vec!["versioning"],
            "apply writes the unread setting again, and nothing else"
        );
    }
}
