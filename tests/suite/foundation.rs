//! The foundation against the local endpoint: a key, a log bucket and a data bucket are
//! applied, every setting is read back with the SDK, a second apply changes nothing, verify
//! passes every control, and changes made behind the library's back are reported.

use aws_sdk_s3::types::{BucketVersioningStatus, VersioningConfiguration};
use hipaa_aws::construct::LogicalId;
use hipaa_aws::policy::{PolicyDocument, Principal, Statement};
use hipaa_aws::prelude::*;

use crate::support::{account, TestAccount};

struct Foundation {
    stack: Stack,
    key_alias: String,
    logs: String,
    data: String,
}

fn foundation(account: &TestAccount, stack_name: &str) -> Foundation {
    let key = HipaaKey::builder()
        .alias(format!("phi-{}", account.suffix))
        .rotation_period_days(180)
        .build()
        .expect("valid key");
    let logs = LogBucket::builder()
        .name(account.bucket("logs"))
        .key(&key)
        .build()
        .expect("valid log bucket");
    let data = EncryptedBucket::builder()
        .name(account.bucket("phi"))
        .key(&key)
        .access_logs(&logs)
        .build()
        .expect("valid data bucket");

    Foundation {
        key_alias: key.alias().to_string(),
        logs: logs.name().to_string(),
        data: data.name().to_string(),
        stack: Stack::builder(stack_name)
            .with(data)
            .with(logs)
            .with(key)
            .build()
            .expect("valid stack"),
    }
}

#[tokio::test]
async fn applies_reads_back_every_setting_reapplies_nothing_and_verifies() {
    let account = account().await;
    let env = &account.env;
    let f = foundation(&account, "foundation");

    let plan = f.stack.plan(env).await.expect("plan");
    assert_eq!(plan.count(Action::Create), 3, "{plan}");
    assert_eq!(
        plan.api_calls.mutating(),
        0,
        "plan changed something: {:?}",
        plan.api_calls
    );

    let applied = f.stack.apply(env).await.expect("apply");
    assert_eq!(applied.count(Action::Create), 3, "{applied}");

    // The key, read back with the SDK.
    let kms = account.kms();
    let key = kms
        .describe_key()
        .key_id(&f.key_alias)
        .send()
        .await
        .expect("describe key")
        .key_metadata
        .expect("metadata");
    assert_eq!(
        key.key_spec().map(|s| s.as_str()),
        Some("SYMMETRIC_DEFAULT")
    );
    assert_eq!(key.key_usage().map(|s| s.as_str()), Some("ENCRYPT_DECRYPT"));
    assert_eq!(key.key_state().map(|s| s.as_str()), Some("Enabled"));
    let rotation = kms
        .get_key_rotation_status()
        .key_id(key.key_id())
        .send()
        .await
        .expect("rotation");
    assert!(rotation.key_rotation_enabled());
    let policy_text = kms
        .get_key_policy()
        .key_id(key.key_id())
        .policy_name("default")
        .send()
        .await
        .expect("key policy")
        .policy
        .expect("policy text");
    let policy = PolicyDocument::from_json(&policy_text).expect("key policy parses");
    let log_delivery = policy
        .statements
        .iter()
        .find(|s| {
            s.principal.as_ref().is_some_and(|p| {
                p.values("Service")
                    .contains(&"logging.s3.amazonaws.com".to_string())
            })
        })
        .expect("the log bucket's key lets S3 log delivery use it");
    assert_eq!(
        log_delivery.condition_values("StringEquals", "kms:EncryptionContext:aws:s3:arn"),
        Some(&[format!("arn:aws:s3:::{}", f.logs)][..])
    );
    assert!(policy.statement("DenyDisablingKeyRotation").is_some());
    let key_tags = kms
        .list_resource_tags()
        .key_id(key.key_id())
        .send()
        .await
        .expect("tags");
    assert!(key_tags
        .tags()
        .iter()
        .any(|t| t.tag_key() == "hipaa-aws:stack" && t.tag_value() == "foundation"));

    // Both buckets, read back with the SDK.
    let s3 = account.s3();
    for bucket in [&f.logs, &f.data] {
        let encryption = s3
            .get_bucket_encryption()
            .bucket(bucket)
            .send()
            .await
            .expect("encryption")
            .server_side_encryption_configuration
            .expect("configuration");
        let rule = &encryption.rules()[0];
        let default = rule
            .apply_server_side_encryption_by_default()
            .expect("default");
        assert_eq!(default.sse_algorithm().as_str(), "aws:kms");
        assert_eq!(default.kms_master_key_id(), key.arn());
        assert_eq!(rule.bucket_key_enabled(), Some(true));
        let block = s3
            .get_public_access_block()
            .bucket(bucket)
            .send()
            .await
            .expect("public access block")
            .public_access_block_configuration
            .expect("configuration");
        assert_eq!(block.block_public_acls(), Some(true));
        assert_eq!(block.ignore_public_acls(), Some(true));
        assert_eq!(block.block_public_policy(), Some(true));
        assert_eq!(block.restrict_public_buckets(), Some(true));
        let ownership = s3
            .get_bucket_ownership_controls()
            .bucket(bucket)
            .send()
            .await
            .expect("ownership")
            .ownership_controls
            .expect("controls");
        assert_eq!(
            ownership.rules()[0].object_ownership().as_str(),
            "BucketOwnerEnforced"
        );
        let versioning = s3
            .get_bucket_versioning()
            .bucket(bucket)
            .send()
            .await
            .expect("versioning");
        assert_eq!(versioning.status(), Some(&BucketVersioningStatus::Enabled));
        let policy = s3
            .get_bucket_policy()
            .bucket(bucket)
            .send()
            .await
            .expect("policy");
        let policy = PolicyDocument::from_json(policy.policy().expect("text")).expect("parses");
        let arn = format!("arn:aws:s3:::{bucket}");
        assert!(hipaa_aws::policy::denies_insecure_transport(&policy, &arn));
        assert!(hipaa_aws::policy::denies_tls_below(&policy, &arn, 1.2));
        let tags = s3
            .get_bucket_tagging()
            .bucket(bucket)
            .send()
            .await
            .expect("tags");
        assert!(tags
            .tag_set()
            .iter()
            .any(|t| t.key() == "team" && t.value() == "tests"));
    }
    let lifecycle = s3
        .get_bucket_lifecycle_configuration()
        .bucket(&f.logs)
        .send()
        .await
        .expect("lifecycle");
    let rule = &lifecycle.rules()[0];
    assert_eq!(rule.expiration().and_then(|e| e.days()), Some(2192));
    assert_eq!(
        rule.noncurrent_version_expiration()
            .and_then(|e| e.noncurrent_days()),
        Some(2192)
    );
    let data_lifecycle = s3
        .get_bucket_lifecycle_configuration()
        .bucket(&f.data)
        .send()
        .await
        .expect("lifecycle");
    assert!(
        data_lifecycle
            .rules()
            .iter()
            .all(|r| r.expiration().is_none()),
        "PHI must never expire by lifecycle"
    );
    let logging = s3
        .get_bucket_logging()
        .bucket(&f.data)
        .send()
        .await
        .expect("logging");
    let target = logging.logging_enabled().expect("access logging on");
    assert_eq!(target.target_bucket(), f.logs);
    assert_eq!(target.target_prefix(), format!("{}/", f.data));
    let log_policy = s3
        .get_bucket_policy()
        .bucket(&f.logs)
        .send()
        .await
        .expect("log policy");
    let log_policy = PolicyDocument::from_json(log_policy.policy().expect("text")).expect("parses");
    let delivery = log_policy
        .statements
        .iter()
        .find(|s| s.actions == ["s3:PutObject"])
        .expect("the log bucket lets S3 deliver the data bucket's access logs");
    assert_eq!(
        delivery.resources,
        [format!("arn:aws:s3:::{}/{}/*", f.logs, f.data)]
    );
    assert_eq!(
        delivery.condition_values("ArnLike", "aws:SourceArn"),
        Some(&[format!("arn:aws:s3:::{}", f.data)][..])
    );

    // A second plan is empty and a second apply makes no mutating call.
    let again = f.stack.plan(env).await.expect("second plan");
    assert!(again.is_empty(), "second plan is not empty:\n{again}");
    let reapplied = f.stack.apply(env).await.expect("second apply");
    assert_eq!(
        reapplied.api_calls.mutating(),
        0,
        "second apply mutated: {:?}",
        reapplied.api_calls.mutating_operations()
    );
    assert_eq!(reapplied.count(Action::NoChange), 3);

    // Verify passes every control it judges.
    let report = f.stack.verify(env).await.expect("verify");
    assert!(report.passed(), "{report}");
    assert_eq!(report.api_calls.mutating(), 0);
    let judged: Vec<ControlId> = report.checks().map(|(_, check)| check.control).collect();
    for control in [
        ControlId::KmsKeyRotationEnabled,
        ControlId::KmsCmkNotScheduledForDeletion,
        ControlId::KmsKeyPolicyLeastPrivilege,
        ControlId::S3DefaultEncryptionKms,
        ControlId::S3BucketSslRequestsOnly,
        ControlId::S3TlsMinimumVersion,
        ControlId::S3BucketLevelPublicAccessProhibited,
        ControlId::S3BucketPublicReadProhibited,
        ControlId::S3BucketPublicWriteProhibited,
        ControlId::S3BucketAclProhibited,
        ControlId::S3BucketLoggingEnabled,
        ControlId::S3BucketVersioningEnabled,
        ControlId::S3VersionLifecyclePolicyCheck,
        ControlId::LogRetentionSixYears,
        ControlId::ManagedResourceTagged,
    ] {
        let passed = report
            .checks()
            .any(|(_, check)| check.control == control && check.status == Status::Pass);
        assert!(passed, "{control} was not judged passing: {judged:?}");
    }
}

#[tokio::test]
async fn verify_reports_changes_made_behind_the_librarys_back_and_apply_restores_them() {
    let account = account().await;
    let env = &account.env;
    let f = foundation(&account, "tamper");
    f.stack.apply(env).await.expect("apply");
    assert!(f.stack.verify(env).await.expect("verify").passed());

    let s3 = account.s3();
    s3.delete_bucket_encryption()
        .bucket(&f.data)
        .send()
        .await
        .expect("delete encryption");
    s3.delete_public_access_block()
        .bucket(&f.data)
        .send()
        .await
        .expect("delete block");
    let public = PolicyDocument::new(vec![Statement::allow()
        .principal(Principal::Everyone)
        .actions(["s3:GetObject"])
        .resources([format!("arn:aws:s3:::{}/*", f.data)])]);
    s3.put_bucket_policy()
        .bucket(&f.data)
        .policy(public.to_json())
        .send()
        .await
        .expect("public policy");
    s3.put_bucket_versioning()
        .bucket(&f.data)
        .versioning_configuration(
            VersioningConfiguration::builder()
                .status(BucketVersioningStatus::Suspended)
                .build(),
        )
        .send()
        .await
        .expect("suspend versioning");

    let report = f.stack.verify(env).await.expect("verify");
    assert!(!report.passed());
    let data_id = LogicalId::new("s3-bucket", &f.data);
    let failed: Vec<(ControlId, String)> = report
        .resource(&data_id)
        .expect("data bucket in report")
        .checks
        .iter()
        .filter(|check| check.status == Status::Fail)
        .map(|check| (check.control, check.setting.clone()))
        .collect();
    for (control, setting) in [
        (ControlId::S3DefaultEncryptionKms, "encryption.algorithm"),
        (
            ControlId::S3BucketLevelPublicAccessProhibited,
            "public_access_block",
        ),
        (ControlId::S3BucketPublicReadProhibited, "policy"),
        (ControlId::S3BucketSslRequestsOnly, "policy"),
        (ControlId::S3TlsMinimumVersion, "policy"),
        (ControlId::S3BucketVersioningEnabled, "versioning"),
    ] {
        assert!(
            failed.contains(&(control, setting.to_string())),
            "{control} on {setting} not reported; failures: {failed:?}\n{report}"
        );
    }
    // Each failure carries its citation in the printed report.
    let printed = report.to_string();
    assert!(printed.contains("S3_BUCKET_SSL_REQUESTS_ONLY"), "{printed}");
    assert!(printed.contains("45 CFR 164.312(e)(1)"), "{printed}");
    // The log bucket was not touched and still passes.
    let logs_id = LogicalId::new("s3-bucket", &f.logs);
    assert!(report
        .resource(&logs_id)
        .expect("log bucket in report")
        .checks
        .iter()
        .all(|check| check.status != Status::Fail));

    // Plan shows the restoration; apply restores; verify passes again.
    let plan = f.stack.plan(env).await.expect("plan");
    let planned = plan.resource(&data_id).expect("planned data bucket");
    assert_eq!(planned.action, Action::Update);
    let changed: Vec<&str> = planned.changes.iter().map(|c| c.setting.as_str()).collect();
    for setting in ["encryption", "public_access_block", "policy", "versioning"] {
        assert!(
            changed.contains(&setting),
            "{setting} not planned: {changed:?}"
        );
    }
    f.stack.apply(env).await.expect("restore");
    let restored = f.stack.verify(env).await.expect("verify");
    assert!(restored.passed(), "{restored}");
}

#[tokio::test]
async fn a_bucket_owned_by_another_stack_is_a_conflict_not_a_takeover() {
    let account = account().await;
    let env = &account.env;
    let f = foundation(&account, "owner");
    f.stack.apply(env).await.expect("apply");
    let other = foundation(&account, "intruder");
    let error = other
        .stack
        .plan(env)
        .await
        .expect_err("a second stack must not adopt the resources");
    assert!(matches!(error, Error::Conflict { .. }), "{error}");
    assert!(
        error
            .to_string()
            .contains("not managed by stack \"intruder\""),
        "{error}"
    );
}

#[tokio::test]
async fn phi_cannot_be_planned_without_a_baa_attestation() {
    let account = account().await;
    let audit_only = Environment::audit_builder()
        .sdk_config(account.sdk_config.clone())
        .build()
        .await
        .expect("audit environment");
    let f = foundation(&account, "nobaa");
    let error = f.stack.plan(&audit_only).await.expect_err("refused");
    match error {
        Error::Refused { control, .. } => assert_eq!(control, ControlId::BaaExecuted),
        other => panic!("expected a refusal, got {other}"),
    }
}
