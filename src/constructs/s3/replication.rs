//! Cross-region replication of a PHI bucket: the replica it names, the least-privilege role S3
//! assumes, the rule it wants, and the control that judges the rule.

use crate::construct::{LogicalId, Ref, Scope};
use crate::constructs::kms::HipaaKey;
use crate::controls::{Check, ControlId};
use crate::env::LIBRARY_PATH;

use super::bucket_policy::bucket_arn;
use super::checks::is_aws_managed_alias;
use super::state::{BucketState, ReplicationRule};

/// The id of the replication rule the library writes.
pub const REPLICATION_RULE_ID: &str = "hipaa-aws-replication";

/// The bucket a PHI bucket replicates to (`.replicate_to(&replica)`): another
/// [`EncryptedBucket`](super::EncryptedBucket), so the copy has the same guarantees, with its own
/// key and the region it is placed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplicaBucket {
    pub(crate) id: LogicalId,
    pub(crate) name: String,
    pub(crate) key: Ref<HipaaKey>,
    pub(crate) region: Option<String>,
}

impl ReplicaBucket {
    /// The replica bucket's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The region it is placed in (`None`: the environment's own).
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }
}

/// The name of the role S3 assumes to replicate `source` (IAM role names have at most 64
/// characters: a long bucket name is shortened and made unique by a hash of it).
pub fn replication_role_name(source: &str) -> String {
    const PREFIX: &str = "s3-replication-";
    if PREFIX.len() + source.len() <= 64 {
        return format!("{PREFIX}{source}");
    }
    // FNV-1a: stable across releases and platforms, unlike the standard library's hasher.
    let hash = source
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
        });
    let kept: String = source.chars().take(64 - PREFIX.len() - 9).collect();
    format!("{PREFIX}{kept}-{:08x}", hash as u32)
}

/// The ARN of that role (under the library's path).
pub(crate) fn replication_role_arn(scope: &Scope<'_>, source: &str) -> String {
    format!(
        "arn:{}:iam::{}:role{LIBRARY_PATH}{}",
        scope.partition,
        scope.account_id,
        replication_role_name(source)
    )
}

/// The rule a bucket named `source` in `scope` wants, encrypting its replicas with the
/// replica's key.
pub(crate) fn desired_rule(
    scope: &Scope<'_>,
    source: &str,
    replica: &ReplicaBucket,
) -> ReplicationRule {
    ReplicationRule {
        id: REPLICATION_RULE_ID.to_string(),
        enabled: true,
        role: replication_role_arn(scope, source),
        destination_bucket: bucket_arn(scope.partition, &replica.name),
        replica_kms_key: Some(scope.arn_of(&replica.key)),
        sse_kms_objects: true,
        source_region: scope.region.to_string(),
        destination_region: Some(
            scope
                .region_of_placement(replica.region.as_deref())
                .to_string(),
        ),
    }
}

/// The identity policy of the replication role: read the source's object versions, replicate
/// into the destination's objects, decrypt with the source's key and encrypt with the replica's,
/// each through S3 of its own region only. Nothing else, and no wildcard action.
#[cfg_attr(not(feature = "replication"), allow(dead_code))]
pub(crate) fn replication_role_policy(
    source: &BucketState,
    source_key: &str,
    rule: &ReplicationRule,
) -> serde_json::Value {
    let destination_region = rule.destination_region.as_deref().unwrap_or_default();
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ReadReplicationConfiguration",
                "Effect": "Allow",
                "Action": ["s3:GetReplicationConfiguration", "s3:ListBucket"],
                "Resource": source.arn,
            },
            {
                "Sid": "ReadSourceVersions",
                "Effect": "Allow",
                "Action": [
                    "s3:GetObjectVersionForReplication",
                    "s3:GetObjectVersionAcl",
                    "s3:GetObjectVersionTagging"
                ],
                "Resource": format!("{}/*", source.arn),
            },
            {
                "Sid": "WriteReplicas",
                "Effect": "Allow",
                "Action": ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
                "Resource": format!("{}/*", rule.destination_bucket),
            },
            {
                "Sid": "DecryptSource",
                "Effect": "Allow",
                "Action": "kms:Decrypt",
                "Resource": source_key,
                "Condition": {"StringEquals": {
                    "kms:ViaService": format!("s3.{}.amazonaws.com", rule.source_region)
                }},
            },
            {
                "Sid": "EncryptReplicas",
                "Effect": "Allow",
                "Action": ["kms:Encrypt", "kms:GenerateDataKey"],
                "Resource": rule.replica_kms_key.as_deref().unwrap_or_default(),
                "Condition": {"StringEquals": {
                    "kms:ViaService": format!("s3.{destination_region}.amazonaws.com")
                }},
            }
        ]
    })
}

/// The controls [`replication_rule_check`] judges (see `crate::controls::coverage`).
pub const REPLICATION_RULE_CHECK_COVERS: &[ControlId] = &[ControlId::S3ReplicationCrossRegion];

/// The region of an ARN (`arn:aws:kms:us-west-2:…` → `us-west-2`), if it has one.
fn region_of(arn: &str) -> Option<&str> {
    let mut parts = arn.split(':');
    (parts.next() == Some("arn"))
        .then(|| parts.nth(2))
        .flatten()
        .filter(|region| !region.is_empty())
}

/// What keeps `rule` from copying every PHI object to another region under a customer key of
/// that region, in words (empty when nothing does).
fn rule_problems(rule: &ReplicationRule) -> Vec<String> {
    let mut problems = Vec::new();
    if !rule.enabled {
        problems.push(format!("rule {} is disabled", rule.id));
    }
    if !rule.sse_kms_objects {
        problems.push(format!(
            "rule {} skips SSE-KMS objects (SourceSelectionCriteria.SseKmsEncryptedObjects is not Enabled): every PHI object is SSE-KMS, so none would be copied",
            rule.id
        ));
    }
    match rule.replica_kms_key.as_deref().map(str::trim) {
        None | Some("") => problems.push(format!(
            "rule {} names no ReplicaKmsKeyID: replicas would not be encrypted with a customer key",
            rule.id
        )),
        Some(key) if is_aws_managed_alias(key) => problems.push(format!(
            "rule {} encrypts replicas with {key}, an AWS managed key whose policy the account cannot restrict",
            rule.id
        )),
        Some(key) => {
            if let (Some(key_region), Some(destination)) =
                (region_of(key), rule.destination_region.as_deref())
                && key_region != destination
            {
                problems.push(format!(
                    "rule {} encrypts replicas with a key in {key_region}, not in the destination's region {destination}",
                    rule.id
                ));
            }
        }
    }
    match rule.destination_region.as_deref() {
        None => problems.push(format!(
            "the region of rule {}'s destination is unknown (its replica key is no key ARN)",
            rule.id
        )),
        Some(region) if region.eq_ignore_ascii_case(&rule.source_region) => {
            problems.push(format!(
                "rule {} replicates within {region}, the source's own region: one regional outage takes both copies",
                rule.id
            ))
        }
        Some(_) => {}
    }
    problems
}

/// Judges that the bucket replicates to `destination` (a bucket ARN) in another region, SSE-KMS
/// objects included, encrypting replicas with a customer key of the destination's region. Only a
/// bucket that asked for replication is judged: for it, no matching rule is a failure.
pub fn replication_rule_check(state: &BucketState, destination: &str) -> Check {
    let setting = "replication";
    let matching: Vec<&ReplicationRule> = state
        .replication_rules
        .iter()
        .filter(|rule| rule.destination_bucket == destination)
        .collect();
    if matching.is_empty() {
        let elsewhere: Vec<&str> = state
            .replication_rules
            .iter()
            .map(|rule| rule.destination_bucket.as_str())
            .collect();
        return Check::require(
            ControlId::S3ReplicationCrossRegion,
            setting,
            false,
            "",
            if elsewhere.is_empty() {
                format!("no replication rule copies objects to {destination}")
            } else {
                format!(
                    "no replication rule copies objects to {destination} (rules go to {})",
                    elsewhere.join(", ")
                )
            },
        );
    }
    let judged: Vec<(&ReplicationRule, Vec<String>)> = matching
        .into_iter()
        .map(|rule| (rule, rule_problems(rule)))
        .collect();
    match judged.iter().find(|(_, problems)| problems.is_empty()) {
        Some((rule, _)) => Check::require(
            ControlId::S3ReplicationCrossRegion,
            setting,
            true,
            format!(
                "rule {} copies every object, SSE-KMS ones included, to {destination} in {} under a customer key of that region",
                rule.id,
                rule.destination_region.as_deref().unwrap_or_default()
            ),
            "",
        ),
        None => Check::require(
            ControlId::S3ReplicationCrossRegion,
            setting,
            false,
            "",
            judged
                .iter()
                .flat_map(|(_, problems)| problems.iter().cloned())
                .collect::<Vec<_>>()
                .join("; "),
        ),
    }
}

/// The controls [`replication_rules_check`] judges (see `crate::controls::coverage`).
pub const REPLICATION_RULES_CHECK_COVERS: &[ControlId] = &[ControlId::S3ReplicationCrossRegion];

/// Judges a bucket found by an audit: one with replication rules asked for replication, so it
/// is judged as [`replication_rule_check`] judges the destination of its best rule (a pass when
/// some rule copies every object to another region under a customer key of that region).
/// `None` for a bucket without rules (or whose rules could not be read: the read's own
/// controls say so).
pub fn replication_rules_check(state: &BucketState) -> Option<Check> {
    let mut destinations: Vec<&str> = state
        .replication_rules
        .iter()
        .map(|rule| rule.destination_bucket.as_str())
        .collect();
    destinations.sort_unstable();
    destinations.dedup();
    let checks: Vec<Check> = destinations
        .into_iter()
        .map(|destination| replication_rule_check(state, destination))
        .collect();
    checks
        .iter()
        .find(|check| !check.failed())
        .or(checks.first())
        .cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_names_fit_iam_and_stay_unique_for_long_bucket_names() {
        assert_eq!(replication_role_name("acme-phi"), "s3-replication-acme-phi");
        let exact = "a".repeat(49);
        assert_eq!(replication_role_name(&exact).len(), 64);
        let long_a = format!("{}-one", "b".repeat(59));
        let long_b = format!("{}-two", "b".repeat(59));
        let (a, b) = (
            replication_role_name(&long_a),
            replication_role_name(&long_b),
        );
        assert!(a.len() <= 64 && b.len() <= 64, "{a} {b}");
        assert_ne!(a, b, "a shared prefix must not share a role");
    }

    #[test]
    fn region_of_reads_only_arns() {
        assert_eq!(
            region_of("arn:aws:kms:us-west-2:1:key/k"),
            Some("us-west-2")
        );
        assert_eq!(region_of("arn:aws:s3:::bucket"), None);
        assert_eq!(region_of("1234abcd"), None);
    }
}
