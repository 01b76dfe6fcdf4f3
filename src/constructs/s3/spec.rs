//! What both bucket constructs share: the validated spec, its desired state, and the options
//! types of the builders.

use serde::Serialize;

use crate::construct::{LogicalId, Ref, ResourceKind, Scope};
use crate::constructs::kms::HipaaKey;
use crate::controls::ControlId;
use crate::error::Violation;

use super::bucket_policy::{bucket_arn, transport_statements};
use super::checks::BucketExpectations;
use super::name::bucket_name_problems;
use super::replication::{desired_rule, ReplicaBucket};
use super::state::{
    AccessLogging, BucketEncryption, BucketState, LifecycleRule, ObjectLockState, PublicAccessBlock,
};
use super::LogBucket;
use crate::policy::PolicyDocument;

/// Days after which incomplete multipart uploads are aborted on every bucket.
pub const ABORT_INCOMPLETE_UPLOADS_DAYS: u32 = 7;

/// Default Object Lock retention, in compliance mode: nobody, root included, can delete or
/// overwrite a locked object version before it ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ObjectLockRetention {
    /// Compliance mode for this many days (1 to 36500).
    ComplianceDays(u32),
    /// Compliance mode for this many years (1 to 100).
    ComplianceYears(u32),
}

impl ObjectLockRetention {
    /// Compliance mode for `days` days.
    pub fn compliance_days(days: u32) -> ObjectLockRetention {
        ObjectLockRetention::ComplianceDays(days)
    }

    /// Compliance mode for `years` years.
    pub fn compliance_years(years: u32) -> ObjectLockRetention {
        ObjectLockRetention::ComplianceYears(years)
    }

    fn problem(&self) -> Option<String> {
        match *self {
            ObjectLockRetention::ComplianceDays(days) if !(1..=36_500).contains(&days) => {
                Some(format!("{days} days is outside 1 to 36500"))
            }
            ObjectLockRetention::ComplianceYears(years) if !(1..=100).contains(&years) => {
                Some(format!("{years} years is outside 1 to 100"))
            }
            _ => None,
        }
    }

    fn state(&self) -> ObjectLockState {
        let (days, years) = match *self {
            ObjectLockRetention::ComplianceDays(days) => (Some(days), None),
            ObjectLockRetention::ComplianceYears(years) => (None, Some(years)),
        };
        ObjectLockState {
            enabled: true,
            mode: Some("COMPLIANCE".to_string()),
            days,
            years,
        }
    }
}

/// The validated spec behind [`EncryptedBucket`](super::EncryptedBucket) and
/// [`LogBucket`](super::LogBucket).
#[derive(Debug, Clone)]
pub(crate) struct BucketSpec {
    pub id: LogicalId,
    pub kind: ResourceKind,
    pub name: String,
    pub key: Ref<HipaaKey>,
    pub access_logs: Option<(Ref<LogBucket>, String)>,
    pub lifecycle_rule: LifecycleRule,
    pub object_lock: Option<ObjectLockRetention>,
    /// The backup plan the bucket declared: its name is one of the bucket's tags.
    pub backed_up_by: Option<crate::construct::BackedUpBy>,
    /// The region it is placed in (`None`: the environment's).
    pub region: Option<String>,
    /// The bucket it replicates to, in another region.
    pub replica: Option<ReplicaBucket>,
    pub holds_phi: bool,
    pub expectations: BucketExpectations,
}

impl BucketSpec {
    pub fn resource_name(&self) -> String {
        format!("{} {:?}", self.kind, self.name)
    }

    pub fn arn(&self, scope: &Scope<'_>) -> String {
        bucket_arn(scope.partition, &self.name)
    }

    /// The violations only the spec's values can show (the desired-state checks add the rest).
    pub fn value_violations(&self) -> Vec<Violation> {
        let resource = self.resource_name();
        let mut violations: Vec<Violation> = bucket_name_problems(&self.name)
            .into_iter()
            .map(|problem| {
                Violation::new(
                    &resource,
                    "name",
                    ControlId::S3BucketNameValid,
                    format!("{:?} {problem}", self.name),
                )
            })
            .collect();
        if let Some(problem) = self
            .object_lock
            .as_ref()
            .and_then(ObjectLockRetention::problem)
        {
            violations.push(Violation::new(
                &resource,
                "object_lock",
                ControlId::S3BucketDefaultLockEnabled,
                format!("Object Lock retention of {problem}"),
            ));
        }
        if self
            .replica
            .as_ref()
            .is_some_and(|replica| replica.name == self.name)
        {
            violations.push(Violation::new(
                &resource,
                "replicate_to",
                ControlId::S3ReplicationCrossRegion,
                "a bucket cannot replicate to itself",
            ));
        }
        if let Some((target, prefix)) = &self.access_logs {
            if target.name() == self.name {
                violations.push(Violation::new(
                    &resource,
                    "access_logs",
                    ControlId::S3BucketLoggingEnabled,
                    "a bucket must not log to itself: every log write would be logged again",
                ));
            }
            if prefix.len() > 512 || prefix.starts_with('/') {
                violations.push(Violation::new(
                    &resource,
                    "access_log_prefix",
                    ControlId::S3BucketLoggingEnabled,
                    format!("{prefix:?} must not start with '/' and has at most 512 characters"),
                ));
            }
        }
        violations
    }

    pub fn desired(&self, scope: &Scope<'_>) -> BucketState {
        let arn = self.arn(scope);
        let mut statements = transport_statements(&arn);
        statements.extend(scope.contributions_for(&self.id));
        BucketState {
            name: self.name.clone(),
            arn,
            encryption: Some(BucketEncryption {
                algorithm: "aws:kms".to_string(),
                kms_key: Some(scope.arn_of(&self.key)),
                bucket_key: true,
            }),
            public_access_block: Some(PublicAccessBlock::ALL_ON),
            object_ownership: Some("BucketOwnerEnforced".to_string()),
            versioning: "Enabled".to_string(),
            policy: Some(PolicyDocument::new(statements)),
            access_logging: self
                .access_logs
                .as_ref()
                .map(|(target, prefix)| AccessLogging {
                    target_bucket: target.name().to_string(),
                    target_prefix: prefix.clone(),
                }),
            lifecycle: vec![self.lifecycle_rule.clone()],
            object_lock: self.object_lock.as_ref().map(ObjectLockRetention::state),
            acl_grants_public: Some(false),
            tags: {
                let mut tags = scope.tags_for(&self.id, self.holds_phi);
                if let Some(plan) = &self.backed_up_by {
                    plan.tag(&mut tags);
                }
                tags
            },
            replication: self.replica.as_ref().map(|_| true),
            replication_rules: self
                .replica
                .iter()
                .map(|replica| desired_rule(scope, &self.name, replica))
                .collect(),
            event_notifications: None,
            unread: crate::constructs::partial::Unread::none(),
        }
    }

    pub fn dependencies(&self) -> Vec<LogicalId> {
        let mut dependencies = vec![self.key.id().clone()];
        if let Some((target, _)) = &self.access_logs {
            dependencies.push(target.id().clone());
        }
        if let Some(replica) = &self.replica {
            dependencies.extend([replica.id.clone(), replica.key.id().clone()]);
        }
        dependencies
    }
}
