//! Cross-region replication of a PHI bucket against the local endpoint: the replica is an
//! `EncryptedBucket` placed in us-west-2 under its own key there, with its own log bucket.
//!
//! - apply makes the replica, its key and log bucket in us-west-2, the least-privilege role S3
//!   assumes, and the source's rule (read back with the SDK); verify and the account audit pass
//!   both replication controls; a second plan changes nothing;
//! - a rule rewritten behind the library's back (SSE-KMS objects skipped, no replica key) and a
//!   configuration deleted are failed by verify (and the rewritten rule by the audit) with the
//!   control id, and restored by apply;
//! - a replica in the source's region is refused at `build()`, and at plan when the
//!   environment's region turns out to be the replica's.
//!
//! moto stores the replication configuration but never copies an object, and its
//! GetBucketReplication drops each rule's SourceSelectionCriteria: the endpoint's compatibility
//! layer returns them as put (`src/local/endpoint/fixes.py`). Replication itself (objects
//! arriving in the replica) is not exercised.

use aws_sdk_s3::types::{
    Destination, EncryptionConfiguration, ReplicationConfiguration, ReplicationRule,
    ReplicationRuleFilter, ReplicationRuleStatus,
};
use hipaa_aws::audit::Audit;
use hipaa_aws::constructs::iam::decode_policy_text;
use hipaa_aws::constructs::s3::replication_role_name;
use hipaa_aws::controls::Service;
use hipaa_aws::prelude::*;
use hipaa_aws::VerifyReport;

use crate::support::findings::expect_finding;
use crate::support::findings::verify_failures;
use crate::support::refusals::assert_refused;
use crate::support::{account, TestAccount};

const WEST: &str = "us-west-2";

#[derive(Debug)]
struct Replicated {
    stack: Stack,
    source: String,
    replica: String,
}

/// The source in the environment's region, replicating to a replica placed in `replica_region`.
fn replicated(
    test: &TestAccount,
    stack: &str,
    replica_region: &str,
) -> hipaa_aws::Result<Replicated> {
    let key = HipaaKey::builder().alias(format!("{stack}-phi")).build()?;
    let logs = LogBucket::builder()
        .name(test.bucket(&format!("{stack}-logs")))
        .key(&key)
        .build()?;
    let replica_key = HipaaKey::builder()
        .alias(format!("{stack}-phi-replica"))
        .region(replica_region)
        .build()?;
    let replica_logs = LogBucket::builder()
        .name(test.bucket(&format!("{stack}-logs-west")))
        .key(&replica_key)
        .region(replica_region)
        .build()?;
    let replica_name = test.bucket(&format!("{stack}-replica"));
    let replica = EncryptedBucket::builder()
        .name(replica_name.clone())
        .key(&replica_key)
        .access_logs(&replica_logs)
        .region(replica_region)
        .build()?;
    let source_name = test.bucket(&format!("{stack}-phi"));
    let source = EncryptedBucket::builder()
        .name(source_name.clone())
        .key(&key)
        .access_logs(&logs)
        .replicate_to(&replica)
        .build()?;
    let stack = Stack::builder(stack)
        .with(key)
        .with(logs)
        .with(replica_key)
        .with(replica_logs)
        .with(replica)
        .with(source)
        .build()?;
    Ok(Replicated {
        stack,
        source: source_name,
        replica: replica_name,
    })
}

/// The account audit of S3, in the stack's region (each bucket is read in its own).
async fn audit_s3(test: &TestAccount) -> hipaa_aws::audit::AuditReport {
    Audit::builder()
        .regions(["us-east-1"])
        .services([Service::S3])
        .build()
        .expect("audit")
        .run(&test.env)
        .await
        .expect("audit")
}

fn failed_controls(report: &VerifyReport, resource: &str) -> Vec<ControlId> {
    report
        .failures()
        .into_iter()
        .filter(|(judged, _)| judged.name == resource)
        .map(|(_, check)| check.control)
        .collect()
}

#[tokio::test]
async fn a_phi_bucket_replicates_to_its_replica_in_another_region_under_the_replicas_key() {
    let test = account().await;
    let env = &test.env;
    let r = replicated(&test, "replication", WEST).expect("stack");
    r.stack.apply(env).await.expect("apply");

    let s3 = test.s3();
    let location = s3
        .get_bucket_location()
        .bucket(&r.replica)
        .send()
        .await
        .expect("replica location");
    assert_eq!(
        location.location_constraint().map(|c| c.as_str()),
        Some(WEST),
        "the replica is placed in us-west-2"
    );
    let configuration = s3
        .get_bucket_replication()
        .bucket(&r.source)
        .send()
        .await
        .expect("replication configuration")
        .replication_configuration
        .expect("configuration");
    let role_name = replication_role_name(&r.source);
    assert!(
        configuration
            .role()
            .ends_with(&format!(":role/hipaa-aws/{role_name}")),
        "{}",
        configuration.role()
    );
    let rule = &configuration.rules()[0];
    assert_eq!(rule.status(), &ReplicationRuleStatus::Enabled);
    let destination = rule.destination().expect("destination");
    assert_eq!(destination.bucket(), format!("arn:aws:s3:::{}", r.replica));
    let replica_key = destination
        .encryption_configuration()
        .and_then(|e| e.replica_kms_key_id())
        .expect("replicas encrypted with a named key");
    assert!(replica_key.contains(":us-west-2:"), "{replica_key}");
    assert_eq!(
        rule.source_selection_criteria()
            .and_then(|c| c.sse_kms_encrypted_objects())
            .map(|o| o.status().as_str()),
        Some("Enabled"),
        "SSE-KMS objects (every PHI object) are replicated"
    );

    // The role: trusted by S3, one inline policy with exactly the replication actions.
    let iam = test.env.iam();
    let role = iam
        .get_role()
        .role_name(&role_name)
        .send()
        .await
        .expect("role");
    let trust = decode_policy_text(
        role.role()
            .and_then(|role| role.assume_role_policy_document())
            .expect("trust policy"),
    );
    assert!(
        trust.contains("s3.amazonaws.com") && trust.contains("aws:SourceAccount"),
        "{trust}"
    );
    let policy = iam
        .get_role_policy()
        .role_name(&role_name)
        .policy_name("replicate")
        .send()
        .await
        .expect("role policy");
    let document: serde_json::Value =
        serde_json::from_str(&decode_policy_text(policy.policy_document())).expect("policy json");
    let mut actions: Vec<String> = document["Statement"]
        .as_array()
        .expect("statements")
        .iter()
        .flat_map(|statement| match &statement["Action"] {
            serde_json::Value::String(action) => vec![action.clone()],
            serde_json::Value::Array(actions) => actions
                .iter()
                .filter_map(|a| a.as_str().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        })
        .collect();
    actions.sort();
    assert_eq!(
        actions,
        [
            "kms:Decrypt",
            "kms:Encrypt",
            "kms:GenerateDataKey",
            "s3:GetObjectVersionAcl",
            "s3:GetObjectVersionForReplication",
            "s3:GetObjectVersionTagging",
            "s3:GetReplicationConfiguration",
            "s3:ListBucket",
            "s3:ReplicateDelete",
            "s3:ReplicateObject",
            "s3:ReplicateTags",
        ],
        "least privilege: nothing but replication"
    );
    for statement in document["Statement"].as_array().expect("statements") {
        assert_ne!(
            statement["Resource"], "*",
            "no statement on every resource: {statement}"
        );
    }

    let report = r.stack.verify(env).await.expect("verify");
    assert!(report.passed(), "{:#?}", verify_failures(&report));
    for control in [
        ControlId::S3BucketReplicationEnabled,
        ControlId::S3ReplicationCrossRegion,
    ] {
        assert!(
            report
                .checks()
                .any(|(resource, check)| resource.name == r.source
                    && check.control == control
                    && check.status == Status::Pass),
            "verify judged {control} on the source"
        );
    }
    let again = r.stack.plan(env).await.expect("plan");
    assert!(
        again.is_empty(),
        "a second plan changes nothing: {again:#?}"
    );
    let source_arn = format!("arn:aws:s3:::{}", r.source);
    let audit = audit_s3(&test).await;
    for control in [
        ControlId::S3BucketReplicationEnabled,
        ControlId::S3ReplicationCrossRegion,
    ] {
        expect_finding(&audit, control, &source_arn, Status::Pass);
    }

    // Rewritten behind the library's back: SSE-KMS objects skipped, replicas under no key.
    let weakened = ReplicationRule::builder()
        .id("hipaa-aws-replication")
        .priority(1)
        .status(ReplicationRuleStatus::Enabled)
        .filter(ReplicationRuleFilter::builder().prefix("").build())
        .delete_marker_replication(
            aws_sdk_s3::types::DeleteMarkerReplication::builder()
                .status(aws_sdk_s3::types::DeleteMarkerReplicationStatus::Disabled)
                .build(),
        )
        .destination(
            Destination::builder()
                .bucket(format!("arn:aws:s3:::{}", r.replica))
                .encryption_configuration(EncryptionConfiguration::builder().build())
                .build()
                .expect("destination"),
        )
        .build()
        .expect("rule");
    s3.put_bucket_replication()
        .bucket(&r.source)
        .replication_configuration(
            ReplicationConfiguration::builder()
                .role(configuration.role())
                .rules(weakened)
                .build()
                .expect("configuration"),
        )
        .send()
        .await
        .expect("weakened");
    let report = r.stack.verify(env).await.expect("verify");
    let failed = failed_controls(&report, &r.source);
    assert_eq!(
        failed,
        [ControlId::S3ReplicationCrossRegion],
        "{:#?}",
        verify_failures(&report)
    );
    let audit = audit_s3(&test).await;
    expect_finding(
        &audit,
        ControlId::S3BucketReplicationEnabled,
        &source_arn,
        Status::Pass,
    );
    let reason = expect_finding(
        &audit,
        ControlId::S3ReplicationCrossRegion,
        &source_arn,
        Status::Fail,
    );
    assert!(
        reason.contains("SSE-KMS") && reason.contains("ReplicaKmsKeyID"),
        "{reason}"
    );
    r.stack.apply(env).await.expect("restore the rule");
    let restored = r.stack.verify(env).await.expect("verify");
    assert!(restored.passed(), "{:#?}", verify_failures(&restored));

    // Deleted: both controls fail, apply puts the rule back.
    s3.delete_bucket_replication()
        .bucket(&r.source)
        .send()
        .await
        .expect("deleted");
    let report = r.stack.verify(env).await.expect("verify");
    let mut failed = failed_controls(&report, &r.source);
    failed.sort();
    assert_eq!(
        failed,
        [
            ControlId::S3BucketReplicationEnabled,
            ControlId::S3ReplicationCrossRegion
        ],
        "{:#?}",
        verify_failures(&report)
    );
    r.stack.apply(env).await.expect("restore the configuration");
    let restored = r.stack.verify(env).await.expect("verify");
    assert!(restored.passed(), "{:#?}", verify_failures(&restored));
}

#[tokio::test]
async fn a_replica_in_the_sources_region_is_refused_at_build_and_at_plan() {
    let test = account().await;
    // At build the environment's region is not known: a replica placed in the default region
    // (us-east-1 at build) beside an unplaced source is the same region.
    assert_refused(
        "replica in us-east-1",
        replicated(&test, "same-region", "us-east-1"),
        &[ControlId::S3ReplicationCrossRegion],
    );
    // The same spec is accepted for us-west-2 at build, and refused at plan in an environment
    // whose own region is us-west-2: the source is there too.
    let r = replicated(&test, "plan-refusal", WEST).expect("accepted at build");
    let west = test.env.in_region(WEST);
    let error = r.stack.plan(&west).await.expect_err("refused at plan");
    let text = error.to_string();
    assert!(
        text.contains("HIPAA_AWS_S3_REPLICATION_CROSS_REGION") && text.contains("us-west-2"),
        "{text}"
    );
}

#[test]
fn a_bucket_cannot_replicate_to_itself() {
    let key = HipaaKey::builder().alias("phi").build().expect("key");
    let logs = LogBucket::builder()
        .name("acme-logs")
        .key(&key)
        .build()
        .expect("logs");
    let west_key = HipaaKey::builder()
        .alias("phi-west")
        .region(WEST)
        .build()
        .expect("key");
    let itself = EncryptedBucket::builder()
        .name("acme-phi")
        .key(&west_key)
        .access_logs(&logs)
        .region(WEST)
        .build()
        .expect("bucket");
    assert_refused(
        "replicating to itself",
        EncryptedBucket::builder()
            .name("acme-phi")
            .key(&key)
            .access_logs(&logs)
            .replicate_to(&itself)
            .build(),
        &[ControlId::S3ReplicationCrossRegion],
    );
}
