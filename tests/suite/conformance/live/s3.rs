//! S3 live cases: buckets made by hand (encryption, versioning, public access blocks,
//! ownership, TLS policy, logging) and account-level blocks in two accounts, judged by their
//! audits, and the library's bucket changed behind its back, judged by verify.

use aws_sdk_s3::types::{
    BucketVersioningStatus, ObjectOwnership, OwnershipControls, OwnershipControlsRule,
    PublicAccessBlockConfiguration, ServerSideEncryption, ServerSideEncryptionByDefault,
    ServerSideEncryptionConfiguration, ServerSideEncryptionRule,
};
use hipaa_aws::controls::Service;
use hipaa_aws::prelude::*;
use hipaa_aws::{Check, ControlId as C, Status};

use super::{audit, found, verified, Case, Path};
use crate::support::{account, TestAccount};

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
pub(super) async fn family() -> Vec<Case> {
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

    let (report, other_report, after) = tokio::join!(
        audit(&main.env, &[Service::S3]),
        audit(&other.env, &[Service::S3]),
        stack.verify(&main.env)
    );
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
