//! The live paths: per service family, resources made by direct SDK calls in one account and
//! judged by one audit run, and library resources changed behind the library's back and
//! judged by one verify; then the table's cases, one per (resource, control) asserted.
//!
//! The families run concurrently, each in its own account(s). What the local endpoint cannot
//! represent is said where the family is built. The s3, kms, logs, account, rds and iam
//! families live here; the others each in their own file.

mod cloudtrail;
mod cloudwatch;
mod config;
mod ec2;
mod guardduty;
mod securityhub;

use aws_sdk_s3::types::{
    BucketVersioningStatus, ObjectOwnership, OwnershipControls, OwnershipControlsRule,
    PublicAccessBlockConfiguration, ServerSideEncryption, ServerSideEncryptionByDefault,
    ServerSideEncryptionConfiguration, ServerSideEncryptionRule,
};
use hipaa_aws::audit::{Audit, AuditReport};
use hipaa_aws::prelude::*;
use hipaa_aws::{Check, ControlId as C, Status, VerifyReport};

use super::{Case, Path};
use crate::support::{account, TestAccount, REGION};

async fn audit(env: &Environment) -> AuditReport {
    Audit::builder()
        .regions([REGION])
        .build()
        .expect("audit options")
        .run(env)
        .await
        .expect("audit")
}

/// The findings of one resource as checks.
fn found(report: &AuditReport, arn: &str) -> Vec<Check> {
    report
        .findings()
        .filter(|f| f.resource_arn == arn)
        .map(|f| Check {
            control: f.control,
            setting: f.setting.clone(),
            status: f.status,
            reason: f.reason.clone(),
        })
        .collect()
}

/// The checks verify made on one resource (by name).
fn verified(report: &VerifyReport, name: &str) -> Vec<Check> {
    report
        .checks()
        .filter(|(resource, _)| resource.name == name)
        .map(|(_, check)| check.clone())
        .collect()
}

/// The checks verify made on one resource (by logical id).
fn of_id(report: &VerifyReport, id: &hipaa_aws::construct::LogicalId) -> Vec<Check> {
    report
        .checks()
        .filter(|(resource, _)| resource.id == *id)
        .map(|(_, check)| check.clone())
        .collect()
}

type Family = std::pin::Pin<Box<dyn std::future::Future<Output = Vec<Case>> + Send>>;

/// Every family's live cases. Each family runs as its own task (its future on the heap: the
/// families together are too deep for a test thread's stack in a debug build).
pub async fn cases() -> Vec<Case> {
    let families: Vec<(&str, Family)> = vec![
        ("s3", Box::pin(s3_family())),
        ("iam", Box::pin(iam_family())),
        ("kms", Box::pin(kms_family())),
        ("rds", Box::pin(rds_family())),
        ("logs", Box::pin(logs_family())),
        ("account", Box::pin(account_family())),
        ("ec2", Box::pin(ec2::family())),
        ("cloudtrail", Box::pin(cloudtrail::family())),
        ("cloudwatch", Box::pin(cloudwatch::family())),
        ("config", Box::pin(config::family())),
        ("securityhub", Box::pin(securityhub::family())),
        ("guardduty", Box::pin(guardduty::family())),
    ];
    let tasks: Vec<_> = families
        .into_iter()
        .map(|(name, family)| {
            tokio::spawn(async move {
                let started = std::time::Instant::now();
                let cases = family.await;
                println!(
                    "  live {name:<12} {:>6.1}s",
                    started.elapsed().as_secs_f64()
                );
                cases
            })
        })
        .collect();
    let mut cases = Vec::new();
    for task in tasks {
        match task.await {
            Ok(family) => cases.extend(family),
            // A family's setup failed: its panic is the test's failure, with its message.
            Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
            Err(error) => panic!("a family's task did not finish: {error}"),
        }
    }
    cases
}

// ------------------------------------------------------------------------------ S3

async fn encrypt(
    account: &TestAccount,
    bucket: &str,
    algorithm: ServerSideEncryption,
    key: Option<&str>,
) {
    let mut default = ServerSideEncryptionByDefault::builder().sse_algorithm(algorithm);
    if let Some(key) = key {
        default = default.kms_master_key_id(key);
    }
    account
        .s3()
        .put_bucket_encryption()
        .bucket(bucket)
        .server_side_encryption_configuration(
            ServerSideEncryptionConfiguration::builder()
                .rules(
                    ServerSideEncryptionRule::builder()
                        .apply_server_side_encryption_by_default(default.build().expect("default"))
                        .build(),
                )
                .build()
                .expect("configuration"),
        )
        .send()
        .await
        .expect("encryption");
}

fn block(flags: [bool; 4]) -> PublicAccessBlockConfiguration {
    PublicAccessBlockConfiguration::builder()
        .block_public_acls(flags[0])
        .ignore_public_acls(flags[1])
        .block_public_policy(flags[2])
        .restrict_public_buckets(flags[3])
        .build()
}

async fn put_account_block(account: &TestAccount, flags: [bool; 4]) {
    // The environment's client: the local endpoint takes the account id out of the host.
    account
        .env
        .s3control()
        .put_public_access_block()
        .account_id(account.env.account_id())
        .public_access_block_configuration(
            aws_sdk_s3control::types::PublicAccessBlockConfiguration::builder()
                .block_public_acls(flags[0])
                .ignore_public_acls(flags[1])
                .block_public_policy(flags[2])
                .restrict_public_buckets(flags[3])
                .build(),
        )
        .send()
        .await
        .expect("account block");
}

/// Buckets made by hand in one account (one audit), and the library's bucket changed behind
/// its back (one verify); a second account holds the partly-off account-level block.
async fn s3_family() -> Vec<Case> {
    const F: &str = "s3";
    let (main, other) = tokio::join!(account(), account());
    let s3 = main.s3();
    let key = main
        .kms()
        .create_key()
        .send()
        .await
        .expect("key")
        .key_metadata
        .map(|m| m.arn.unwrap_or_default())
        .unwrap_or_default();
    let [good, plain, managed, partial] =
        ["good", "plain", "managed", "partial"].map(|stem| main.bucket(&format!("conf-{stem}")));
    for bucket in [&good, &plain, &managed, &partial] {
        s3.create_bucket()
            .bucket(bucket)
            .send()
            .await
            .expect("bucket");
    }
    encrypt(&main, &good, ServerSideEncryption::AwsKms, Some(&key)).await;
    encrypt(
        &main,
        &managed,
        ServerSideEncryption::AwsKms,
        Some("alias/aws/s3"),
    )
    .await;
    encrypt(&main, &partial, ServerSideEncryption::AwsKms, Some(&key)).await;
    s3.put_bucket_versioning()
        .bucket(&good)
        .versioning_configuration(
            aws_sdk_s3::types::VersioningConfiguration::builder()
                .status(BucketVersioningStatus::Enabled)
                .build(),
        )
        .send()
        .await
        .expect("versioning");
    for (bucket, flags) in [(&good, [true; 4]), (&partial, [true, true, true, false])] {
        s3.put_public_access_block()
            .bucket(bucket)
            .public_access_block_configuration(block(flags))
            .send()
            .await
            .expect("block");
    }
    s3.put_bucket_ownership_controls()
        .bucket(&good)
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
    put_account_block(&main, [true; 4]).await;
    put_account_block(&other, [true, true, true, false]).await;

    // The library's bucket, then versioning suspended and encryption switched to SSE-S3.
    let hipaa_key = HipaaKey::builder()
        .alias(format!("conf-{}", main.suffix))
        .build()
        .expect("key");
    let logs = LogBucket::builder()
        .name(main.bucket("conf-logs"))
        .key(&hipaa_key)
        .build()
        .expect("logs");
    let data = EncryptedBucket::builder()
        .name(main.bucket("conf-phi"))
        .key(&hipaa_key)
        .access_logs(&logs)
        .build()
        .expect("data");
    let data_name = data.name().to_string();
    let stack = Stack::builder("conformance-s3")
        .with(data)
        .with(logs)
        .with(hipaa_key)
        .build()
        .expect("stack");
    stack.apply(&main.env).await.expect("apply");
    let before = stack.verify(&main.env).await.expect("verify");
    s3.put_bucket_versioning()
        .bucket(&data_name)
        .versioning_configuration(
            aws_sdk_s3::types::VersioningConfiguration::builder()
                .status(BucketVersioningStatus::Suspended)
                .build(),
        )
        .send()
        .await
        .expect("suspend");
    encrypt(&main, &data_name, ServerSideEncryption::Aes256, None).await;

    let (report, other_report, after) =
        tokio::join!(audit(&main.env), audit(&other.env), stack.verify(&main.env));
    let after = after.expect("verify");
    let arn = |b: &str| format!("arn:aws:s3:::{b}");
    let (g, p, m, q) = (
        found(&report, &arn(&good)),
        found(&report, &arn(&plain)),
        found(&report, &arn(&managed)),
        found(&report, &arn(&partial)),
    );
    let account_arn = |a: &TestAccount| format!("arn:aws:::{}", a.env.account_id());
    let live = |name: &str, control, expected, checks: &Vec<Check>| {
        Case::live(F, Path::Audit, name, control, expected, checks.clone())
    };
    let mut cases = vec![
        live(
            "audit: SSE-KMS with a customer key",
            C::S3DefaultEncryptionKms,
            Status::Pass,
            &g,
        ),
        live(
            "audit: SSE-KMS naming alias/aws/s3",
            C::S3DefaultEncryptionKms,
            Status::Fail,
            &m,
        )
        .edge(),
        live(
            "audit: no KMS default encryption",
            C::S3DefaultEncryptionKms,
            Status::Fail,
            &p,
        ),
        live(
            "audit: versioning enabled",
            C::S3BucketVersioningEnabled,
            Status::Pass,
            &g,
        ),
        live(
            "audit: versioning never enabled",
            C::S3BucketVersioningEnabled,
            Status::Fail,
            &p,
        ),
        live(
            "audit: all four BPA flags",
            C::S3BucketLevelPublicAccessProhibited,
            Status::Pass,
            &g,
        ),
        live(
            "audit: RestrictPublicBuckets off",
            C::S3BucketLevelPublicAccessProhibited,
            Status::Fail,
            &q,
        )
        .edge(),
        live(
            "audit: BucketOwnerEnforced",
            C::S3BucketAclProhibited,
            Status::Pass,
            &g,
        ),
        live(
            "audit: no TLS-only policy",
            C::S3BucketSslRequestsOnly,
            Status::Fail,
            &g,
        ),
        live(
            "audit: no access logging",
            C::S3BucketLoggingEnabled,
            Status::Fail,
            &g,
        ),
        Case::live(
            F,
            Path::Audit,
            "audit: account-level BPA all on",
            C::S3AccountLevelPublicAccessBlocks,
            Status::Pass,
            found(&report, &account_arn(&main)),
        ),
        Case::live(
            F,
            Path::Audit,
            "audit: account-level RestrictPublicBuckets off",
            C::S3AccountLevelPublicAccessBlocks,
            Status::Fail,
            found(&other_report, &account_arn(&other)),
        )
        .edge(),
    ];
    let before = verified(&before, &data_name);
    let after = verified(&after, &data_name);
    cases.extend([
        Case::live(
            F,
            Path::Verify,
            "verify: versioning as applied",
            C::S3BucketVersioningEnabled,
            Status::Pass,
            before.clone(),
        ),
        Case::live(
            F,
            Path::Verify,
            "verify: versioning suspended behind the library",
            C::S3BucketVersioningEnabled,
            Status::Fail,
            after.clone(),
        ),
        Case::live(
            F,
            Path::Verify,
            "verify: SSE-KMS as applied",
            C::S3DefaultEncryptionKms,
            Status::Pass,
            before.clone(),
        ),
        Case::live(
            F,
            Path::Verify,
            "verify: switched to SSE-S3 behind the library",
            C::S3DefaultEncryptionKms,
            Status::Fail,
            after.clone(),
        ),
        Case::live(
            F,
            Path::Verify,
            "verify: the declared key as applied",
            C::KmsDeclaredKeyInUse,
            Status::Pass,
            before,
        ),
        Case::live(
            F,
            Path::Verify,
            "verify: the declared key gone behind the library",
            C::KmsDeclaredKeyInUse,
            Status::Fail,
            after,
        ),
    ]);
    cases
}

// ------------------------------------------------------------------------------ KMS

async fn kms_family() -> Vec<Case> {
    const F: &str = "kms";
    let main = account().await;
    let kms = main.kms();
    let make = || async {
        kms.create_key()
            .send()
            .await
            .expect("key")
            .key_metadata
            .map(|m| (m.key_id, m.arn.unwrap_or_default()))
            .expect("metadata")
    };
    let (rotated_id, rotated) = make().await;
    let (_, unrotated) = make().await;
    let (doomed_id, doomed) = make().await;
    kms.enable_key_rotation()
        .key_id(&rotated_id)
        .send()
        .await
        .expect("rotation");
    kms.schedule_key_deletion()
        .key_id(&doomed_id)
        .pending_window_in_days(7)
        .send()
        .await
        .expect("schedule");
    let key = HipaaKey::builder()
        .alias(format!("conf-kms-{}", main.suffix))
        .build()
        .expect("key");
    let stack = Stack::builder("conformance-kms")
        .with(key)
        .build()
        .expect("stack");
    stack.apply(&main.env).await.expect("apply");
    let before = stack.verify(&main.env).await.expect("verify");
    let alias = format!("alias/conf-kms-{}", main.suffix);
    let library_key = kms
        .describe_key()
        .key_id(&alias)
        .send()
        .await
        .expect("describe")
        .key_metadata
        .map(|m| m.key_id)
        .expect("metadata");
    kms.disable_key_rotation()
        .key_id(&library_key)
        .send()
        .await
        .expect("disable rotation");
    let (report, after) = tokio::join!(audit(&main.env), stack.verify(&main.env));
    let after = after.expect("verify");
    // The stack holds the key alone: every check verify made is the key's.
    let all = |report: &VerifyReport| {
        report
            .checks()
            .map(|(_, check)| check.clone())
            .collect::<Vec<_>>()
    };
    let (before, after) = (all(&before), all(&after));
    vec![
        Case::live(
            F,
            Path::Audit,
            "audit: rotation on",
            C::KmsKeyRotationEnabled,
            Status::Pass,
            found(&report, &rotated),
        ),
        Case::live(
            F,
            Path::Audit,
            "audit: rotation off",
            C::KmsKeyRotationEnabled,
            Status::Fail,
            found(&report, &unrotated),
        ),
        Case::live(
            F,
            Path::Audit,
            "audit: not scheduled",
            C::KmsCmkNotScheduledForDeletion,
            Status::Pass,
            found(&report, &rotated),
        ),
        Case::live(
            F,
            Path::Audit,
            "audit: scheduled for deletion",
            C::KmsCmkNotScheduledForDeletion,
            Status::Fail,
            found(&report, &doomed),
        ),
        Case::live(
            F,
            Path::Verify,
            "verify: rotation as applied",
            C::KmsKeyRotationEnabled,
            Status::Pass,
            before,
        ),
        Case::live(
            F,
            Path::Verify,
            "verify: rotation disabled behind the library",
            C::KmsKeyRotationEnabled,
            Status::Fail,
            after,
        ),
    ]
}

// ------------------------------------------------------------------------------ Logs

async fn logs_family() -> Vec<Case> {
    const F: &str = "logs";
    let main = account().await;
    let logs = aws_sdk_cloudwatchlogs::Client::new(&main.sdk_config);
    let key = main
        .kms()
        .create_key()
        .send()
        .await
        .expect("key")
        .key_metadata
        .map(|m| m.arn.unwrap_or_default())
        .unwrap_or_default();
    let groups = [
        ("/conf/kept-365", Some(365), true),
        ("/conf/kept-180", Some(180), true),
        ("/conf/forever", None, true),
        ("/conf/plain", Some(400), false),
    ];
    for (name, days, encrypted) in groups {
        let mut create = logs.create_log_group().log_group_name(name);
        if encrypted {
            create = create.kms_key_id(&key);
        }
        create.send().await.expect("log group");
        if let Some(days) = days {
            logs.put_retention_policy()
                .log_group_name(name)
                .retention_in_days(days)
                .send()
                .await
                .expect("retention");
        }
    }
    let hipaa_key = HipaaKey::builder()
        .alias(format!("conf-logs-{}", main.suffix))
        .build()
        .expect("key");
    let group = EncryptedLogGroup::builder()
        .name(format!("/conf/{}/audit", main.suffix))
        .key(&hipaa_key)
        .build()
        .expect("group");
    let group_name = group.name().to_string();
    let stack = Stack::builder("conformance-logs")
        .with(group)
        .with(hipaa_key)
        .build()
        .expect("stack");
    stack.apply(&main.env).await.expect("apply");
    let before = stack.verify(&main.env).await.expect("verify");
    logs.put_retention_policy()
        .log_group_name(&group_name)
        .retention_in_days(1827)
        .send()
        .await
        .expect("shorten");
    let (report, after) = tokio::join!(audit(&main.env), stack.verify(&main.env));
    let after = after.expect("verify");
    let arn = |name: &str| {
        format!(
            "arn:aws:logs:{REGION}:{}:log-group:{name}",
            main.env.account_id()
        )
    };
    let (before, after) = (
        verified(&before, &group_name),
        verified(&after, &group_name),
    );
    vec![
        Case::live(
            F,
            Path::Audit,
            "audit: kept 365 days",
            C::CwLogGroupRetentionPeriodCheck,
            Status::Pass,
            found(&report, &arn("/conf/kept-365")),
        )
        .edge(),
        Case::live(
            F,
            Path::Audit,
            "audit: kept 180 days",
            C::CwLogGroupRetentionPeriodCheck,
            Status::Fail,
            found(&report, &arn("/conf/kept-180")),
        )
        .edge(),
        Case::live(
            F,
            Path::Audit,
            "audit: never expires",
            C::CwLogGroupRetentionPeriodCheck,
            Status::Fail,
            found(&report, &arn("/conf/forever")),
        ),
        Case::live(
            F,
            Path::Audit,
            "audit: encrypted",
            C::CloudWatchLogGroupEncrypted,
            Status::Pass,
            found(&report, &arn("/conf/kept-365")),
        ),
        Case::live(
            F,
            Path::Audit,
            "audit: not encrypted",
            C::CloudWatchLogGroupEncrypted,
            Status::Fail,
            found(&report, &arn("/conf/plain")),
        ),
        Case::live(
            F,
            Path::Verify,
            "verify: six years as applied",
            C::LogRetentionSixYears,
            Status::Pass,
            before,
        ),
        Case::live(
            F,
            Path::Verify,
            "verify: cut to five years behind the library",
            C::LogRetentionSixYears,
            Status::Fail,
            after,
        )
        .edge(),
    ]
}

// ------------------------------------------------------------------------------ Account

/// The BAA attestation and the environment's tags, judged before any call.
async fn account_family() -> Vec<Case> {
    const F: &str = "account";
    let main = account().await;
    let mut cases = Vec::new();
    for (date, expected) in [
        ("2026-01-15", Status::Pass),
        ("2999-01-01", Status::Fail),
        ("2026-02-30", Status::Fail),
        ("15/01/2026", Status::Fail),
        ("", Status::Fail),
    ] {
        let result = Environment::builder(BaaAttestation::executed_on(date))
            .sdk_config(main.sdk_config.clone())
            .build()
            .await;
        cases.push(
            Case::build(
                F,
                format!("BAA executed on {date:?}"),
                C::BaaExecuted,
                expected,
                result,
            )
            .edge(),
        );
    }
    for (key, expected) in [
        ("team", Status::Pass),
        ("aws:owner", Status::Fail),
        ("hipaa-aws:stack", Status::Fail),
    ] {
        let result = Environment::builder(BaaAttestation::executed_on("2026-01-15"))
            .sdk_config(main.sdk_config.clone())
            .tag(key, "x")
            .build()
            .await;
        cases.push(Case::build(
            F,
            format!("environment tag {key:?}"),
            C::ManagedResourceTagged,
            expected,
            result,
        ));
    }
    cases
}

// ------------------------------------------------------------------------------ RDS

/// What apply did with a changed stack, as a check of `control`.
fn applied<T>(control: C, result: hipaa_aws::Result<T>) -> Vec<Check> {
    match result {
        Ok(_) => vec![super::pass(control, "applied")],
        Err(hipaa_aws::Error::Refused {
            control: refused,
            reason,
            ..
        }) => vec![Check {
            control: refused,
            setting: "apply".into(),
            status: Status::Fail,
            reason,
        }],
        Err(error) => vec![Check {
            control,
            setting: "apply".into(),
            status: Status::Error,
            reason: error.to_string(),
        }],
    }
}

/// The library's database: a change apply may make in place, one that needs a replacement
/// (refused without consent), and deletion protection switched off behind its back (verify).
async fn rds_family() -> Vec<Case> {
    const F: &str = "rds";
    let main = account().await;
    let key = HipaaKey::builder()
        .alias(format!("conf-db-{}", main.suffix))
        .build()
        .expect("key");
    let other_key = HipaaKey::builder()
        .alias(format!("conf-db2-{}", main.suffix))
        .build()
        .expect("key");
    let logs = LogBucket::builder()
        .name(main.bucket("conf-db-flow"))
        .key(&key)
        .build()
        .expect("logs");
    let vpc = HipaaVpc::builder()
        .name("conf")
        .cidr("10.61.0.0/16")
        .flow_logs_to(&logs)
        .data_ports([5432])
        .build()
        .expect("vpc");
    let app = vpc.security_group("app").expect("app");
    let app_rules = SecurityGroupRules::builder()
        .group(&app)
        .build()
        .expect("rules");
    let database = |key: &HipaaKey, retention: u32| {
        EncryptedDatabase::builder()
            .identifier("conf-patients")
            .engine(hipaa_aws::constructs::rds::Engine::Postgres16)
            .key(key)
            .subnets(vpc.data_subnets())
            .allow_from(&app)
            .backup_retention_days(retention)
            .build()
            .expect("database")
    };
    let stack = |db: EncryptedDatabase| {
        Stack::builder("conformance-rds")
            .with(key.clone())
            .with(other_key.clone())
            .with(logs.clone())
            .with(vpc.clone())
            .with(app.clone())
            .with(app_rules.clone())
            .with(db)
            .build()
            .expect("stack")
    };
    let first = stack(database(&key, 7));
    first.apply(&main.env).await.expect("apply");
    let in_place = stack(database(&key, 14)).apply(&main.env).await;
    let rekeyed = stack(database(&other_key, 14)).apply(&main.env).await;
    let current = stack(database(&key, 14));
    let before = current.verify(&main.env).await.expect("verify");
    aws_sdk_rds::Client::new(&main.sdk_config)
        .modify_db_instance()
        .db_instance_identifier("conf-patients")
        .deletion_protection(false)
        .apply_immediately(true)
        .send()
        .await
        .expect("modify");
    let after = current.verify(&main.env).await.expect("verify");
    let (before, after) = (
        verified(&before, "conf-patients"),
        verified(&after, "conf-patients"),
    );
    vec![
        Case::live(
            F,
            Path::Apply,
            "apply: backup retention changed in place",
            C::NoSilentReplacement,
            Status::Pass,
            applied(C::NoSilentReplacement, in_place),
        ),
        Case::live(
            F,
            Path::Apply,
            "apply: storage key changed without consent",
            C::NoSilentReplacement,
            Status::Fail,
            applied(C::NoSilentReplacement, rekeyed),
        ),
        Case::live(
            F,
            Path::Verify,
            "verify: deletion protection as applied",
            C::RdsInstanceDeletionProtectionEnabled,
            Status::Pass,
            before.clone(),
        ),
        Case::live(
            F,
            Path::Verify,
            "verify: deletion protection off behind the library",
            C::RdsInstanceDeletionProtectionEnabled,
            Status::Fail,
            after.clone(),
        ),
        Case::live(
            F,
            Path::Verify,
            "verify: storage under the declared key",
            C::RdsStorageEncrypted,
            Status::Pass,
            before,
        ),
    ]
}

// ------------------------------------------------------------------------------ IAM

/// Every finding of `control` in the report, whatever the resource (account-level controls).
fn of_control(report: &AuditReport, control: C) -> Vec<Check> {
    report
        .findings()
        .filter(|f| f.control == control)
        .map(|f| Check {
            control: f.control,
            setting: f.setting.clone(),
            status: f.status,
            reason: f.reason.clone(),
        })
        .collect()
}

async fn password_policy(account: &TestAccount, length: i32) {
    aws_sdk_iam::Client::new(&account.sdk_config)
        .update_account_password_policy()
        .minimum_password_length(length)
        .require_symbols(true)
        .require_numbers(true)
        .require_uppercase_characters(true)
        .require_lowercase_characters(true)
        .allow_users_to_change_password(true)
        .max_password_age(90)
        .password_reuse_prevention(24)
        .send()
        .await
        .expect("password policy");
}

/// Users, groups and roles made by hand, and the password policy at its length boundary
/// (14 in one account, 13 in another): one audit per account.
async fn iam_family() -> Vec<Case> {
    const F: &str = "iam";
    let (main, other) = tokio::join!(account(), account());
    let iam = aws_sdk_iam::Client::new(&main.sdk_config);
    for user in ["conf-loner", "conf-member"] {
        iam.create_user()
            .user_name(user)
            .send()
            .await
            .expect("user");
    }
    for group in ["conf-empty", "conf-staff"] {
        iam.create_group()
            .group_name(group)
            .send()
            .await
            .expect("group");
    }
    iam.add_user_to_group()
        .group_name("conf-staff")
        .user_name("conf-member")
        .send()
        .await
        .expect("membership");
    let id = main.env.account_id().to_string();
    let trusts = [
        ("conf-open", r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}"#.to_string()),
        (
            "conf-service",
            format!(r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":"ec2.amazonaws.com"}},"Action":"sts:AssumeRole","Condition":{{"StringEquals":{{"aws:SourceAccount":"{id}"}}}}}}]}}"#),
        ),
    ];
    for (role, trust) in &trusts {
        iam.create_role()
            .role_name(*role)
            .assume_role_policy_document(trust)
            .send()
            .await
            .expect("role");
    }
    tokio::join!(password_policy(&main, 14), password_policy(&other, 13));
    let (report, other_report) = tokio::join!(audit(&main.env), audit(&other.env));
    let arn = |kind: &str, name: &str| format!("arn:aws:iam::{id}:{kind}/{name}");
    let live = |name: &str, control, expected, checks: Vec<Check>| {
        Case::live(F, Path::Audit, name, control, expected, checks)
    };
    vec![
        live(
            "audit: a user in a group",
            C::IamUserGroupMembershipCheck,
            Status::Pass,
            found(&report, &arn("user", "conf-member")),
        ),
        live(
            "audit: a user in no group",
            C::IamUserGroupMembershipCheck,
            Status::Fail,
            found(&report, &arn("user", "conf-loner")),
        ),
        live(
            "audit: a user without MFA",
            C::IamUserMfaEnabled,
            Status::Fail,
            found(&report, &arn("user", "conf-loner")),
        ),
        live(
            "audit: a group with a user",
            C::IamGroupHasUsersCheck,
            Status::Pass,
            found(&report, &arn("group", "conf-staff")),
        ),
        live(
            "audit: an empty group",
            C::IamGroupHasUsersCheck,
            Status::Fail,
            found(&report, &arn("group", "conf-empty")),
        ),
        live(
            "audit: a role trusting every AWS principal",
            C::IamRoleTrustRestricted,
            Status::Fail,
            found(&report, &arn("role", "conf-open")),
        ),
        live(
            "audit: a role trusting one service of the account",
            C::IamRoleTrustRestricted,
            Status::Pass,
            found(&report, &arn("role", "conf-service")),
        ),
        live(
            "audit: password policy of 14 characters",
            C::IamPasswordPolicy,
            Status::Pass,
            of_control(&report, C::IamPasswordPolicy),
        )
        .edge(),
        live(
            "audit: password policy of 13 characters",
            C::IamPasswordPolicy,
            Status::Fail,
            of_control(&other_report, C::IamPasswordPolicy),
        )
        .edge(),
        live(
            "audit: root without MFA",
            C::RootAccountMfaEnabled,
            Status::Fail,
            of_control(&report, C::RootAccountMfaEnabled),
        ),
        live(
            "audit: root without access keys",
            C::IamRootAccessKeyCheck,
            Status::Pass,
            of_control(&report, C::IamRootAccessKeyCheck),
        ),
    ]
}
