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
        &[C::S3BucketVersioningEnabled, C::S3VersionLifecyclePolicyCheck],
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
        &[C::S3BucketPublicReadProhibited, C::S3BucketPublicWriteProhibited],
    ),
    (REPLICATION, &[C::S3BucketReplicationEnabled]),
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
];
