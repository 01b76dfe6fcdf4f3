//! Amazon S3: [`EncryptedBucket`] for PHI and [`LogBucket`] for audit logs.

mod bucket_policy;
mod checks;
mod encrypted_bucket;
pub mod feeds;
pub(crate) mod live;
mod log_bucket;
mod name;
mod replication;
mod spec;
mod state;

pub use bucket_policy::{
    access_log_delivery, access_log_key_use, bucket_arn, transport_statements,
};
pub use checks::{
    access_log_prefix_problem, evaluate_bucket, log_delivery_service, retention_check,
    BucketExpectations, LOG_DELIVERY_SERVICES, LOG_RETENTION_FLOOR_DAYS,
};
pub use encrypted_bucket::{EncryptedBucket, EncryptedBucketBuilder, EncryptedBucketProps};
pub use live::{
    existing_bucket_region, read_bucket_extras, read_bucket_settings, read_bucket_state,
};
pub use log_bucket::{LogBucket, LogBucketBuilder, LogBucketProps, LogRetention};
pub use name::bucket_name_problems;
pub use replication::{
    replication_role_name, replication_rule_check, replication_rules_check, ReplicaBucket,
    REPLICATION_RULE_ID,
};
pub use spec::ObjectLockRetention;
pub use state::{
    AccessLogging, BucketEncryption, BucketState, LifecycleRule, ObjectLockState,
    PublicAccessBlock, ReplicationRule,
};

use crate::controls::coverage::Evaluator;

/// The evaluators of this module and the controls each judges (see
/// [`crate::controls::coverage`]).
pub(crate) const EVALUATORS: &[Evaluator] = &[
    Evaluator {
        name: "constructs::s3::evaluate_bucket",
        covers: checks::EVALUATE_BUCKET_COVERS,
    },
    Evaluator {
        name: "constructs::s3::replication_rule_check",
        covers: replication::REPLICATION_RULE_CHECK_COVERS,
    },
    Evaluator {
        name: "constructs::s3::replication_rules_check",
        covers: replication::REPLICATION_RULES_CHECK_COVERS,
    },
    Evaluator {
        name: "constructs::s3::bucket_name_problems",
        covers: name::BUCKET_NAME_PROBLEMS_COVERS,
    },
];

/// The types of this module most programs need; re-exported at the crate root and in
/// [`crate::prelude`].
pub mod prelude {
    pub use super::{EncryptedBucket, LogBucket, LogRetention, ObjectLockRetention};
}
