//! The account audit against the local endpoint: for every control, one resource made compliant
//! and one made non-compliant by direct SDK calls (not by the library's constructs), and the
//! audit must return pass and fail with the right control id; plus the report formats.

use aws_sdk_s3::types::{
    AbortIncompleteMultipartUpload, BucketLifecycleConfiguration, BucketLoggingStatus,
    BucketVersioningStatus, DefaultRetention, DeleteMarkerReplication,
    DeleteMarkerReplicationStatus, Destination, Event, ExpirationStatus, LifecycleRule,
    LifecycleRuleFilter, LoggingEnabled, NotificationConfiguration, ObjectLockConfiguration,
    ObjectLockEnabled, ObjectLockRetentionMode, ObjectLockRule, ObjectOwnership, OwnershipControls,
    OwnershipControlsRule, PublicAccessBlockConfiguration, ReplicationConfiguration,
    ReplicationRule, ReplicationRuleFilter, ReplicationRuleStatus, ServerSideEncryption,
    ServerSideEncryptionByDefault, ServerSideEncryptionConfiguration, ServerSideEncryptionRule,
    TopicConfiguration, VersioningConfiguration,
};
use hipaa_aws::audit::{Audit, AuditReport};
use hipaa_aws::controls::Service;
use hipaa_aws::policy::{PolicyDocument, Principal, Statement};
use hipaa_aws::prelude::*;

use crate::support::findings::expect_finding;
use crate::support::{account, TestAccount};

/// An audit of `services` only (every service with `Service::ALL`): a scoped audit gives the
/// same verdicts on them as a full one (audit_guide checks that) for a fraction of the reads.
async fn audit(account: &TestAccount, services: &[Service]) -> AuditReport {
    Audit::builder()
        .regions(["us-east-1"])
        .services(services.iter().copied())
        .build()
        .expect("audit options")
        .run(&account.env)
        .await
        .expect("audit")
}

/// A KMS key made by hand, rotation on or off.
async fn key(account: &TestAccount, rotate: bool) -> (String, String) {
    let kms = account.kms();
    let key = kms
        .create_key()
        .description("by hand")
        .send()
        .await
        .expect("create key");
    let metadata = key.key_metadata.expect("metadata");
    if rotate {
        kms.enable_key_rotation()
            .key_id(metadata.key_id())
            .send()
            .await
            .expect("rotation");
    }
    (
        metadata.key_id().to_string(),
        metadata.arn().unwrap_or_default().to_string(),
    )
}

fn tls_only_policy(bucket: &str) -> String {
    let arn = format!("arn:aws:s3:::{bucket}");
    PolicyDocument::new(vec![
        Statement::deny()
            .principal(Principal::any_aws())
            .actions(["s3:*"])
            .resources([arn.clone(), format!("{arn}/*")])
            .condition("Bool", "aws:SecureTransport", ["false"]),
        Statement::allow()
            .principal(Principal::service("logging.s3.amazonaws.com"))
            .actions(["s3:PutObject"])
            .resources([format!("{arn}/*")]),
    ])
    .to_json()
}

/// A bucket made by hand the way the HIPAA rule sets want it, every setting by a direct call.
async fn compliant_bucket(account: &TestAccount, name: &str, key_arn: &str, replica: &str) {
    let s3 = account.s3();
    s3.create_bucket()
        .bucket(name)
        .object_lock_enabled_for_bucket(true)
        .send()
        .await
        .expect("create");
    s3.put_bucket_versioning()
        .bucket(name)
        .versioning_configuration(
            VersioningConfiguration::builder()
                .status(BucketVersioningStatus::Enabled)
                .build(),
        )
        .send()
        .await
        .expect("versioning");
    s3.put_bucket_encryption()
        .bucket(name)
        .server_side_encryption_configuration(
            ServerSideEncryptionConfiguration::builder()
                .rules(
                    ServerSideEncryptionRule::builder()
                        .apply_server_side_encryption_by_default(
                            ServerSideEncryptionByDefault::builder()
                                .sse_algorithm(ServerSideEncryption::AwsKms)
                                .kms_master_key_id(key_arn)
                                .build()
                                .expect("default"),
                        )
                        .build(),
                )
                .build()
                .expect("configuration"),
        )
        .send()
        .await
        .expect("encryption");
    s3.put_public_access_block()
        .bucket(name)
        .public_access_block_configuration(
            PublicAccessBlockConfiguration::builder()
                .block_public_acls(true)
                .ignore_public_acls(true)
                .block_public_policy(true)
                .restrict_public_buckets(true)
                .build(),
        )
        .send()
        .await
        .expect("block");
    s3.put_bucket_ownership_controls()
        .bucket(name)
        .ownership_controls(
            OwnershipControls::builder()
                .rules(
                    OwnershipControlsRule::builder()
                        .object_ownership(ObjectOwnership::BucketOwnerEnforced)
                        .build()
                        .expect("rule"),
                )
                .build()
                .expect("controls"),
        )
        .send()
        .await
        .expect("ownership");
    s3.put_bucket_policy()
        .bucket(name)
        .policy(tls_only_policy(name))
        .send()
        .await
        .expect("policy");
    s3.put_object_lock_configuration()
        .bucket(name)
        .object_lock_configuration(
            ObjectLockConfiguration::builder()
                .object_lock_enabled(ObjectLockEnabled::Enabled)
                .rule(
                    ObjectLockRule::builder()
                        .default_retention(
                            DefaultRetention::builder()
                                .mode(ObjectLockRetentionMode::Compliance)
                                .days(1)
                                .build(),
                        )
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .expect("lock");
    s3.put_bucket_logging()
        .bucket(name)
        .bucket_logging_status(
            BucketLoggingStatus::builder()
                .logging_enabled(
                    LoggingEnabled::builder()
                        .target_bucket(name)
                        .target_prefix("self/")
                        .build()
                        .expect("logging"),
                )
                .build(),
        )
        .send()
        .await
        .expect("logging");
    s3.put_bucket_lifecycle_configuration()
        .bucket(name)
        .lifecycle_configuration(
            BucketLifecycleConfiguration::builder()
                .rules(
                    LifecycleRule::builder()
                        .id("abort")
                        .status(ExpirationStatus::Enabled)
                        .filter(LifecycleRuleFilter::builder().prefix("").build())
                        .abort_incomplete_multipart_upload(
                            AbortIncompleteMultipartUpload::builder()
                                .days_after_initiation(7)
                                .build(),
                        )
                        .build()
                        .expect("rule"),
                )
                .build()
                .expect("lifecycle"),
        )
        .send()
        .await
        .expect("lifecycle");
    s3.put_bucket_replication()
        .bucket(name)
        .replication_configuration(
            ReplicationConfiguration::builder()
                .role(format!(
                    "arn:aws:iam::{}:role/replication",
                    account.env.account_id()
                ))
                .rules(
                    ReplicationRule::builder()
                        .id("dr")
                        .status(ReplicationRuleStatus::Enabled)
                        .priority(1)
                        .filter(ReplicationRuleFilter::builder().prefix("").build())
                        .delete_marker_replication(
                            DeleteMarkerReplication::builder()
                                .status(DeleteMarkerReplicationStatus::Disabled)
                                .build(),
                        )
                        .destination(
                            Destination::builder()
                                .bucket(format!("arn:aws:s3:::{replica}"))
                                .build()
                                .expect("destination"),
                        )
                        .build()
                        .expect("replication rule"),
                )
                .build()
                .expect("replication"),
        )
        .send()
        .await
        .expect("replication");
    s3.put_bucket_notification_configuration()
        .bucket(name)
        .notification_configuration(
            NotificationConfiguration::builder()
                .topic_configurations(
                    TopicConfiguration::builder()
                        .topic_arn(format!(
                            "arn:aws:sns:us-east-1:{}:phi-events",
                            account.env.account_id()
                        ))
                        .events(Event::from("s3:ObjectCreated:*"))
                        .build()
                        .expect("topic"),
                )
                .build(),
        )
        .send()
        .await
        .expect("notifications");
}

#[tokio::test]
async fn every_s3_and_kms_control_passes_on_a_compliant_resource_and_fails_on_a_bare_one() {
    let account = account().await;
    let (good_key, good_key_arn) = key(&account, true).await;
    let (_, bare_key_arn) = key(&account, false).await;
    let (doomed_key, doomed_key_arn) = key(&account, true).await;
    account
        .kms()
        .schedule_key_deletion()
        .key_id(&doomed_key)
        .pending_window_in_days(7)
        .send()
        .await
        .expect("schedule deletion");
    let _ = good_key;

    let good = account.bucket("audit-good");
    let replica = account.bucket("audit-replica");
    let bare = account.bucket("audit-bare");
    let public = account.bucket("audit-public");
    let s3 = account.s3();
    s3.create_bucket()
        .bucket(&replica)
        .send()
        .await
        .expect("replica");
    compliant_bucket(&account, &good, &good_key_arn, &replica).await;
    s3.create_bucket().bucket(&bare).send().await.expect("bare");
    s3.create_bucket()
        .bucket(&public)
        .send()
        .await
        .expect("public");
    s3.put_bucket_ownership_controls()
        .bucket(&public)
        .ownership_controls(
            OwnershipControls::builder()
                .rules(
                    OwnershipControlsRule::builder()
                        .object_ownership(ObjectOwnership::ObjectWriter)
                        .build()
                        .expect("rule"),
                )
                .build()
                .expect("controls"),
        )
        .send()
        .await
        .expect("ownership");
    let public_policy = PolicyDocument::new(vec![Statement::allow()
        .principal(Principal::Everyone)
        .actions(["s3:GetObject", "s3:PutObject"])
        .resources([format!("arn:aws:s3:::{public}/*")])]);
    s3.put_bucket_policy()
        .bucket(&public)
        .policy(public_policy.to_json())
        .send()
        .await
        .expect("public policy");
    s3.put_bucket_versioning()
        .bucket(&public)
        .versioning_configuration(
            VersioningConfiguration::builder()
                .status(BucketVersioningStatus::Suspended)
                .build(),
        )
        .send()
        .await
        .expect("suspended");

    let before = account.env.api_calls();
    let report = audit(&account, &[Service::S3, Service::Kms]).await;
    // GetBucketLocation proves a listed bucket still exists and the audit judges no tags, so
    // a bucket costs neither HeadBucket nor GetBucketTagging.
    let calls = account.env.api_calls().since(&before);
    for operation in ["s3:HeadBucket", "s3:GetBucketTagging"] {
        assert_eq!(
            calls.calls.get(operation),
            None,
            "{operation}: {:?}",
            calls.calls
        );
    }
    assert!(
        calls
            .calls
            .get("s3:GetBucketLocation")
            .copied()
            .unwrap_or(0)
            >= 4,
        "each bucket's region is read: {:?}",
        calls.calls
    );
    let good_arn = format!("arn:aws:s3:::{good}");
    let bare_arn = format!("arn:aws:s3:::{bare}");
    let public_arn = format!("arn:aws:s3:::{public}");
    for control in [
        ControlId::S3BucketSslRequestsOnly,
        ControlId::S3DefaultEncryptionKms,
        ControlId::S3BucketServerSideEncryptionEnabled,
        ControlId::S3BucketLevelPublicAccessProhibited,
        ControlId::S3BucketPublicReadProhibited,
        ControlId::S3BucketPublicWriteProhibited,
        ControlId::S3BucketAclProhibited,
        ControlId::S3BucketLoggingEnabled,
        ControlId::S3BucketVersioningEnabled,
        ControlId::S3BucketReplicationEnabled,
        ControlId::S3BucketDefaultLockEnabled,
        ControlId::S3EventNotificationsEnabled,
        ControlId::S3VersionLifecyclePolicyCheck,
    ] {
        expect_finding(&report, control, &good_arn, Status::Pass);
    }
    for control in [
        ControlId::S3BucketSslRequestsOnly,
        ControlId::S3DefaultEncryptionKms,
        ControlId::S3BucketLevelPublicAccessProhibited,
        ControlId::S3BucketAclProhibited,
        ControlId::S3BucketLoggingEnabled,
        ControlId::S3BucketVersioningEnabled,
        ControlId::S3BucketReplicationEnabled,
        ControlId::S3BucketDefaultLockEnabled,
        ControlId::S3EventNotificationsEnabled,
    ] {
        expect_finding(&report, control, &bare_arn, Status::Fail);
    }
    expect_finding(
        &report,
        ControlId::S3BucketPublicReadProhibited,
        &public_arn,
        Status::Fail,
    );
    expect_finding(
        &report,
        ControlId::S3BucketPublicWriteProhibited,
        &public_arn,
        Status::Fail,
    );
    expect_finding(
        &report,
        ControlId::S3BucketVersioningEnabled,
        &public_arn,
        Status::Fail,
    );
    expect_finding(
        &report,
        ControlId::S3VersionLifecyclePolicyCheck,
        &bare_arn,
        Status::NotApplicable,
    );

    expect_finding(
        &report,
        ControlId::KmsKeyRotationEnabled,
        &good_key_arn,
        Status::Pass,
    );
    expect_finding(
        &report,
        ControlId::KmsKeyRotationEnabled,
        &bare_key_arn,
        Status::Fail,
    );
    expect_finding(
        &report,
        ControlId::KmsCmkNotScheduledForDeletion,
        &good_key_arn,
        Status::Pass,
    );
    expect_finding(
        &report,
        ControlId::KmsCmkNotScheduledForDeletion,
        &doomed_key_arn,
        Status::Fail,
    );

    let finding = report
        .finding(ControlId::S3BucketSslRequestsOnly, &bare_arn)
        .expect("finding");
    assert_eq!(
        finding.config_rule.as_deref(),
        Some("S3_BUCKET_SSL_REQUESTS_ONLY")
    );
    assert_eq!(
        finding.cdk_nag_rule.as_deref(),
        Some("HIPAA.Security-S3BucketSSLRequestsOnly")
    );
    assert!(finding.remediation.contains("EncryptedBucket"));
    assert_eq!(finding.account_id, account.env.account_id());
    assert_eq!(finding.region, "us-east-1");
    assert!(!report.passed());
}

/// The audit's existence proof: a listed bucket deleted before it is read is skipped (`None`),
/// never judged from failed reads.
#[tokio::test]
async fn a_bucket_region_is_read_and_a_deleted_bucket_has_none() {
    use hipaa_aws::constructs::s3::existing_bucket_region;
    let account = account().await;
    let name = account.bucket("region-probe");
    account
        .env
        .s3()
        .create_bucket()
        .bucket(&name)
        .send()
        .await
        .expect("create bucket");
    assert_eq!(
        existing_bucket_region(&account.env, &name)
            .await
            .expect("region"),
        Some("us-east-1".to_string())
    );
    account
        .env
        .s3()
        .delete_bucket()
        .bucket(&name)
        .send()
        .await
        .expect("delete bucket");
    assert_eq!(
        existing_bucket_region(&account.env, &name)
            .await
            .expect("a missing bucket is not an error"),
        None
    );
}

#[tokio::test]
async fn the_account_level_public_access_block_is_judged() {
    let account = account().await;
    let before = audit(&account, &[Service::S3]).await;
    let account_arn = format!("arn:aws:::{}", account.env.account_id());
    expect_finding(
        &before,
        ControlId::S3AccountLevelPublicAccessBlocks,
        &account_arn,
        Status::Fail,
    );
    account
        .env
        .s3control()
        .put_public_access_block()
        .account_id(account.env.account_id())
        .public_access_block_configuration(
            aws_sdk_s3control::types::PublicAccessBlockConfiguration::builder()
                .block_public_acls(true)
                .ignore_public_acls(true)
                .block_public_policy(true)
                .restrict_public_buckets(true)
                .build(),
        )
        .send()
        .await
        .expect("account block");
    let after = audit(&account, &[Service::S3]).await;
    expect_finding(
        &after,
        ControlId::S3AccountLevelPublicAccessBlocks,
        &account_arn,
        Status::Pass,
    );
}

#[tokio::test]
async fn reports_round_trip_show_every_citation_and_import_into_security_hub() {
    let account = account().await;
    let (_, _) = key(&account, false).await;
    account
        .s3()
        .create_bucket()
        .bucket(account.bucket("report-bare"))
        .send()
        .await
        .expect("bucket");
    let report = audit(&account, Service::ALL).await;
    assert!(report.findings().count() > 10);

    // JSON: a stable schema with a version, that parses back to the same report.
    let json = hipaa_aws::report::to_json(&report).expect("json");
    let value: serde_json::Value = serde_json::from_str(&json).expect("valid json");
    assert_eq!(value["schema_version"], hipaa_aws::audit::SCHEMA_VERSION);
    let back: AuditReport = serde_json::from_str(&json).expect("parses back");
    assert_eq!(back, report);

    // Markdown: every citation of every finding has its section, with the date and account.
    let markdown = hipaa_aws::report::evidence_markdown(&report);
    let cited: std::collections::BTreeSet<_> = report
        .findings()
        .flat_map(|f| f.citations.iter().copied())
        .collect();
    for citation in &cited {
        assert!(
            markdown.contains(&format!("## {citation} — {}", citation.title())),
            "{citation} missing"
        );
    }
    assert!(markdown.contains(&report.generated_at));
    assert!(markdown.contains(account.env.account_id()));

    // OCSF and ASFF: one per finding, with the control and status.
    let ocsf = hipaa_aws::report::ocsf_findings(&report);
    assert_eq!(ocsf.len(), report.findings().count());
    assert!(ocsf.iter().all(|f| f["class_uid"] == 2003));
    assert!(ocsf.iter().any(|f| f["compliance"]["status"] == "Fail"));
    let asff = hipaa_aws::report::asff_findings(&report);
    assert!(asff.iter().any(|f| f["Compliance"]["Status"] == "FAILED"));

    // Security Hub import: every finding of the account arrives; importing again updates them.
    account
        .env
        .securityhub()
        .enable_security_hub()
        .send()
        .await
        .expect("enable hub");
    let imported = hipaa_aws::audit::import_to_security_hub(&account.env, &report)
        .await
        .expect("import");
    assert_eq!(imported.imported, report.findings().count());
    assert!(imported.failed.is_empty(), "{:?}", imported.failed);
    let again = hipaa_aws::audit::import_to_security_hub(&account.env, &report)
        .await
        .expect("import");
    assert_eq!(again.imported, report.findings().count());
    let stored = account
        .env
        .securityhub()
        .get_findings()
        .max_results(100)
        .into_paginator()
        .items()
        .send()
        .collect::<Vec<_>>()
        .await;
    assert_eq!(
        stored.len(),
        report.findings().count(),
        "re-import must not duplicate"
    );
}

#[tokio::test]
async fn an_organization_is_audited_account_by_account_and_an_unreachable_one_is_an_error_line() {
    let management = account().await;
    let organizations = management.env.organizations();
    organizations
        .create_organization()
        .feature_set(aws_sdk_organizations::types::OrganizationFeatureSet::All)
        .send()
        .await
        .expect("organization");
    let mut members = Vec::new();
    for name in ["clinic", "billing"] {
        let created = organizations
            .create_account()
            .account_name(name)
            .email(format!("{name}@example.com"))
            .send()
            .await
            .expect("member account");
        let status = created.create_account_status.expect("status");
        members.push(status.account_id().expect("account id").to_string());
    }
    // The billing account refuses the audit role.
    let proxy = hipaa_aws::local::fault_proxy::FaultProxy::start(
        &crate::support::endpoint().await.url(),
        hipaa_aws::local::fault_proxy::FaultPlan::deny(Box::leak(
            members[1].clone().into_boxed_str(),
        )),
    )
    .expect("fault proxy");
    let config = management
        .sdk_config
        .clone()
        .into_builder()
        .endpoint_url(proxy.url())
        .build();
    let env = Environment::audit_builder()
        .sdk_config(config)
        .build()
        .await
        .expect("environment");
    // Scoped to IAM: every reachable account has IAM findings (its root, its password policy),
    // and the test is about which accounts are reached, not what they hold.
    let report = Audit::builder()
        .regions(["us-east-1"])
        .services([hipaa_aws::controls::Service::Iam])
        .organization_role("HipaaAudit")
        .build()
        .expect("options")
        .run(&env)
        .await
        .expect("an unreachable account is not an abort");
    let ids: Vec<&str> = report
        .accounts
        .iter()
        .map(|a| a.account_id.as_str())
        .collect();
    assert_eq!(report.accounts.len(), 3, "{ids:?}");
    let reached = report
        .accounts
        .iter()
        .find(|a| a.account_id == members[0])
        .expect("clinic");
    assert!(reached.errors.is_empty(), "{:?}", reached.errors);
    assert!(
        reached.findings.iter().any(|f| f.account_id == members[0]),
        "the member was audited as itself"
    );
    let refused = report
        .accounts
        .iter()
        .find(|a| a.account_id == members[1])
        .expect("billing");
    assert!(refused.findings.is_empty());
    assert!(
        refused.errors[0].contains("could not assume"),
        "{:?}",
        refused.errors
    );
    assert!(report.to_string().contains("ERROR could not assume"));
    assert!(!report.passed());
}
