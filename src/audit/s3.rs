//! S3 in an audit: every bucket of the account (each read in its own region), judged with the
//! same checks as `EncryptedBucket`, plus replication (and, for a bucket with rules, where its
//! copies go) and event notifications.

use futures::stream::{self, StreamExt};

use crate::aws_error::AwsResultExt;
use crate::construct::ResourceKind;
use crate::constructs::s3::live::{
    existing_bucket_region, read_bucket_extras, read_bucket_settings,
};
use crate::constructs::s3::{
    bucket_arn, evaluate_bucket, replication_rules_check, BucketExpectations,
};
use crate::controls::{Check, ControlId, Service};
use crate::error::Result;

use super::scan::{Judged, RegionScan};

const BUCKET: ResourceKind = ResourceKind::new("AWS::S3::Bucket", "bucket");

/// Every S3 control the audit judges on a bucket.
fn bucket_controls() -> Vec<ControlId> {
    ControlId::for_service(Service::S3)
        .filter(|control| {
            !matches!(
                control,
                ControlId::S3AccountLevelPublicAccessBlocks
                    | ControlId::S3BucketPolicyGranteeCheck
                    | ControlId::LogRetentionSixYears
                    | ControlId::S3BucketNameValid
            )
        })
        .collect()
}

const ACCOUNT: ResourceKind =
    ResourceKind::new("AWS::S3::AccountPublicAccessBlock", "s3 account settings");

/// The account-level Block Public Access settings (S3 Control).
async fn account_block(scan: &RegionScan) -> Result<Option<[bool; 4]>> {
    let output = scan
        .env
        .s3control()
        .get_public_access_block()
        .account_id(&scan.account_id)
        .send()
        .await
        .aws_optional(
            "s3control",
            "GetPublicAccessBlock",
            &scan.account_id,
            &["NoSuchPublicAccessBlockConfiguration"],
        )?;
    Ok(output
        .and_then(|output| output.public_access_block_configuration)
        .map(|c| {
            [
                c.block_public_acls().unwrap_or(false),
                c.ignore_public_acls().unwrap_or(false),
                c.block_public_policy().unwrap_or(false),
                c.restrict_public_buckets().unwrap_or(false),
            ]
        }))
}

/// The controls [`judge_account_block`] judges (see `crate::controls::coverage`).
pub const JUDGE_ACCOUNT_BLOCK_COVERS: &[ControlId] = &[ControlId::S3AccountLevelPublicAccessBlocks];

fn judge_account_block(scan: &RegionScan, block: Option<[bool; 4]>, judged: &mut Judged) {
    let check = Check::require(
        ControlId::S3AccountLevelPublicAccessBlocks,
        "account.public_access_block",
        block == Some([true; 4]),
        "all four account-level Block Public Access settings are on",
        match block {
            None => "account-level Block Public Access is not configured".to_string(),
            Some(flags) => format!(
                "account-level Block Public Access is partly off (BlockPublicAcls={}, IgnorePublicAcls={}, BlockPublicPolicy={}, RestrictPublicBuckets={})",
                flags[0], flags[1], flags[2], flags[3]
            ),
        },
    );
    scan.judge(ACCOUNT, &scan.account_arn(), &[check], judged);
}

pub(super) async fn scan(scan: &RegionScan) -> Judged {
    let mut judged = Judged::default();
    match account_block(scan).await {
        Ok(block) => judge_account_block(scan, block, &mut judged),
        Err(error) => scan.unreadable(
            ACCOUNT,
            &scan.account_arn(),
            &[ControlId::S3AccountLevelPublicAccessBlocks],
            &error,
            &mut judged,
        ),
    }
    let names = match list_buckets(scan).await {
        Ok(names) => names,
        Err(error) => {
            scan.unreadable(
                BUCKET,
                &format!("arn:{}:s3:::*", scan.env.partition()),
                &bucket_controls(),
                &error,
                &mut judged,
            );
            return judged;
        }
    };
    let results: Vec<(String, Result<Vec<crate::controls::Check>>)> = stream::iter(names)
        .map(|name| async move {
            let checks = judge_bucket(scan, &name).await;
            (name, checks)
        })
        .buffer_unordered(scan.concurrency)
        .collect()
        .await;
    for (name, checks) in results {
        let arn = bucket_arn(scan.env.partition(), &name);
        match checks {
            Ok(checks) => scan.judge(BUCKET, &arn, &checks, &mut judged),
            Err(error) => scan.unreadable(BUCKET, &arn, &bucket_controls(), &error, &mut judged),
        }
    }
    judged
}

async fn list_buckets(scan: &RegionScan) -> Result<Vec<String>> {
    let mut names = Vec::new();
    let mut pages = scan.env.s3().list_buckets().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.aws("s3", "ListBuckets", "account")?;
        names.extend(
            page.buckets()
                .iter()
                .filter_map(|b| b.name().map(str::to_string)),
        );
    }
    Ok(names)
}

async fn judge_bucket(scan: &RegionScan, name: &str) -> Result<Vec<crate::controls::Check>> {
    // GetBucketLocation also proves the bucket still exists (one deleted since the listing is
    // skipped), so no HeadBucket; the audit judges no tags, so no GetBucketTagging.
    let Some(region) = existing_bucket_region(&scan.env, name).await? else {
        return Ok(Vec::new());
    };
    let env = if region == scan.env.region() {
        scan.env.clone()
    } else {
        scan.env.in_region(&region)
    };
    let arn = bucket_arn(env.partition(), name);
    // Each setting is read on its own: a failed read errors only the controls it feeds.
    let mut state = read_bucket_settings(&env, name, arn).await;
    read_bucket_extras(&env, name, &mut state).await;
    let mut checks = evaluate_bucket(&state, &BucketExpectations::audit_of(&state));
    // A bucket that replicates is judged on where its copies go, not only on having a rule.
    checks.extend(replication_rules_check(&state));
    Ok(checks)
}
