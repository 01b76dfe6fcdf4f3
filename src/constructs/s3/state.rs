//! The settings of a bucket that controls judge and plans compare.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::construct::{KeyInUse, Setting, State};
use crate::constructs::partial::Unread;
use crate::policy::PolicyDocument;

/// Default encryption of a bucket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BucketEncryption {
    /// `aws:kms`, `aws:kms:dsse` or `AES256`.
    pub algorithm: String,
    /// The KMS key ARN (or id), for SSE-KMS.
    pub kms_key: Option<String>,
    /// S3 Bucket Keys on (fewer KMS calls, same protection).
    pub bucket_key: bool,
}

/// The four Block Public Access flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PublicAccessBlock {
    /// Refuse requests that set public ACLs.
    pub block_public_acls: bool,
    /// Ignore public ACLs already present.
    pub ignore_public_acls: bool,
    /// Refuse bucket policies that grant public access.
    pub block_public_policy: bool,
    /// Limit access through public policies to AWS principals of the account.
    pub restrict_public_buckets: bool,
}

impl PublicAccessBlock {
    /// All four flags on.
    pub const ALL_ON: PublicAccessBlock = PublicAccessBlock {
        block_public_acls: true,
        ignore_public_acls: true,
        block_public_policy: true,
        restrict_public_buckets: true,
    };

    /// True when all four flags are on.
    pub fn all_on(&self) -> bool {
        *self == Self::ALL_ON
    }
}

/// Where a bucket's server access logs go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessLogging {
    /// The target bucket's name.
    pub target_bucket: String,
    /// The key prefix of the log objects.
    pub target_prefix: String,
}

/// One lifecycle rule, reduced to what the controls and plans need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LifecycleRule {
    /// The rule id.
    pub id: String,
    /// Enabled (true) or Disabled.
    pub enabled: bool,
    /// Current versions expire this many days after creation.
    pub expiration_days: Option<u32>,
    /// Current versions expire on this date (ISO 8601), whatever their age.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiration_date: Option<String>,
    /// Noncurrent versions expire this many days after becoming noncurrent.
    pub noncurrent_expiration_days: Option<u32>,
    /// Current versions move to this storage class after this many days.
    pub transition: Option<(u32, String)>,
    /// Incomplete multipart uploads are aborted after this many days.
    pub abort_incomplete_multipart_days: Option<u32>,
    /// The objects the rule applies to when it does not apply to every object, e.g.
    /// `prefix logs/` or `tag retention=short`; `None` for the whole bucket. A filtered rule
    /// still deletes what it matches, so the retention control judges it like any other.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,
}

/// Object Lock on a bucket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObjectLockState {
    /// Object Lock is enabled on the bucket.
    pub enabled: bool,
    /// The default retention mode (`COMPLIANCE` or `GOVERNANCE`), if a default rule exists.
    pub mode: Option<String>,
    /// The default retention in days, if set in days.
    pub days: Option<u32>,
    /// The default retention in years, if set in years.
    pub years: Option<u32>,
}

/// One replication rule of a bucket, reduced to what the controls and plans need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReplicationRule {
    /// The rule id.
    pub id: String,
    /// Enabled (true) or Disabled.
    pub enabled: bool,
    /// The role S3 assumes to replicate.
    pub role: String,
    /// The destination bucket's ARN.
    pub destination_bucket: String,
    /// The key replicas are encrypted with (`EncryptionConfiguration.ReplicaKmsKeyID`).
    pub replica_kms_key: Option<String>,
    /// SSE-KMS objects are replicated (`SourceSelectionCriteria.SseKmsEncryptedObjects`):
    /// without it S3 skips every object a customer key encrypts, which is every PHI object.
    pub sse_kms_objects: bool,
    /// The source bucket's region.
    pub source_region: String,
    /// The destination's region: as placed (desired) or the replica key's (read: S3 only
    /// encrypts replicas with a key of the destination's region). `None` when unknown.
    pub destination_region: Option<String>,
}

/// Every setting of a bucket the library manages or the controls judge.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BucketState {
    /// The bucket name.
    pub name: String,
    /// The bucket ARN (`arn:aws:s3:::name`), which the policy checks look for.
    pub arn: String,
    /// Default encryption, if any.
    pub encryption: Option<BucketEncryption>,
    /// Bucket-level Block Public Access, if configured.
    pub public_access_block: Option<PublicAccessBlock>,
    /// Object ownership (`BucketOwnerEnforced` disables ACLs), if configured.
    pub object_ownership: Option<String>,
    /// `Enabled`, `Suspended` or `Disabled` (never enabled).
    pub versioning: String,
    /// The bucket policy, if any.
    pub policy: Option<PolicyDocument>,
    /// Server access logging, if on.
    pub access_logging: Option<AccessLogging>,
    /// Lifecycle rules, sorted by id.
    pub lifecycle: Vec<LifecycleRule>,
    /// Object Lock, if enabled.
    pub object_lock: Option<ObjectLockState>,
    /// True when the bucket ACL grants anything to AllUsers or AuthenticatedUsers (`None` when
    /// not read).
    pub acl_grants_public: Option<bool>,
    /// The tags the library manages (others are ignored).
    pub tags: BTreeMap<String, String>,
    /// At least one replication rule is enabled (`None` when not read).
    pub replication: Option<bool>,
    /// The replication rules, when read (a bucket that asked for replication, or an audit);
    /// empty otherwise.
    pub replication_rules: Vec<ReplicationRule>,
    /// Event notifications are configured (`None` when not read).
    pub event_notifications: Option<bool>,
    /// The reads that failed: the controls they feed are errors, every other control is still
    /// judged ([`feeds::BUCKET_FEEDS`](super::feeds::BUCKET_FEEDS)).
    pub unread: Unread,
}

fn describe<T: Serialize>(value: &Option<T>) -> String {
    match value {
        None => "(none)".to_string(),
        Some(value) => serde_json::to_string(value).unwrap_or_else(|_| "(unprintable)".to_string()),
    }
}

impl State for BucketState {
    fn settings(&self) -> Vec<Setting> {
        let mut settings = vec![
            Setting::new("encryption", describe(&self.encryption)),
            Setting::new("public_access_block", describe(&self.public_access_block)),
            Setting::new("object_ownership", describe(&self.object_ownership)),
            Setting::new("versioning", &self.versioning),
            Setting::new(
                "policy",
                self.policy
                    .as_ref()
                    .map(|policy| policy.normalized().to_json())
                    .unwrap_or_else(|| "(none)".to_string()),
            ),
            Setting::new("access_logging", describe(&self.access_logging)),
            Setting::new(
                "lifecycle",
                serde_json::to_string(&self.lifecycle).unwrap_or_default(),
            ),
            Setting::new("object_lock", describe(&self.object_lock)),
        ];
        // Only a bucket that asked for replication compares its rules (the others never read
        // them for a plan).
        if !self.replication_rules.is_empty() || self.replication == Some(true) {
            settings.push(Setting::new(
                "replication",
                serde_json::to_string(&self.replication_rules).unwrap_or_default(),
            ));
        }
        settings.extend(
            self.tags
                .iter()
                .map(|(key, value)| Setting::new(format!("tags.{key}"), value)),
        );
        // A setting whose read failed is not its fallback value: plans show the failure, and
        // apply writes the desired value again rather than trusting a guess.
        for setting in &mut settings {
            if let Some(error) = super::feeds::SETTING_READS
                .iter()
                .find(|(name, _)| *name == setting.name)
                .and_then(|(_, operation)| self.unread.failed(operation).map(|e| (operation, e)))
            {
                setting.value = format!("(could not be read: {} failed: {})", error.0, error.1);
            }
        }
        settings
    }

    fn keys_in_use(&self) -> Vec<KeyInUse> {
        let setting = "encryption.kms_key";
        if let Some(error) = self.unread.failed(super::feeds::ENCRYPTION) {
            return vec![KeyInUse::unreadable(
                setting,
                format!("{} failed: {error}", super::feeds::ENCRYPTION),
            )];
        }
        vec![KeyInUse::new(
            setting,
            self.encryption
                .as_ref()
                .and_then(|encryption| encryption.kms_key.as_deref()),
        )]
    }
}
