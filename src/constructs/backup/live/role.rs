//! The plan's service role: trusted by AWS Backup for this account only, with the AWS managed
//! policies AWS Backup documents for backing up and restoring (and their S3 forms when the plan
//! protects a bucket). AWS owns those policies, so no hand-written one can grant too much.

use crate::aws_error::AwsResultExt;
use crate::construct::Ctx;
use crate::env::LIBRARY_PATH;
use crate::error::Result;

use super::super::plan::BackupPlan;
use super::super::vault::BACKUP_SERVICE;

const IAM: &str = "iam";

/// The AWS managed policies of the role, by path and name (the S3 ones are not under
/// `service-role/`).
fn policy_names(plan: &BackupPlan) -> Vec<&'static str> {
    let mut names = vec![
        "service-role/AWSBackupServiceRolePolicyForBackup",
        "service-role/AWSBackupServiceRolePolicyForRestores",
    ];
    if plan.protects_buckets() {
        names.extend([
            "AWSBackupServiceRolePolicyForS3Backup",
            "AWSBackupServiceRolePolicyForS3Restore",
        ]);
    }
    names
}

fn policy_arn(partition: &str, name: &str) -> String {
    format!("arn:{partition}:iam::aws:policy/{name}")
}

/// Trusted by AWS Backup for this account's plans only (`aws:SourceAccount`).
fn trust_policy(account_id: &str) -> String {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Service": BACKUP_SERVICE},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": account_id}}
        }]
    })
    .to_string()
}

/// Makes the role if missing and attaches its policies (both idempotent).
pub(crate) async fn ensure_service_role(ctx: &Ctx<'_>, plan: &BackupPlan) -> Result<()> {
    let name = plan.role_name();
    let iam = ctx.env.iam();
    let tags: Vec<aws_sdk_iam::types::Tag> = ctx
        .scope
        .tags_for(plan.logical_id(), false)
        .into_iter()
        .filter_map(|(key, value)| {
            aws_sdk_iam::types::Tag::builder()
                .key(key)
                .value(value)
                .build()
                .ok()
        })
        .collect();
    iam.create_role()
        .role_name(&name)
        .path(LIBRARY_PATH)
        .assume_role_policy_document(trust_policy(ctx.scope.account_id))
        .description(format!("AWS Backup for plan {}", plan.name()))
        .set_tags(Some(tags))
        .send()
        .await
        .aws_optional(IAM, "CreateRole", &name, &["EntityAlreadyExists"])?;
    for policy in policy_names(plan) {
        iam.attach_role_policy()
            .role_name(&name)
            .policy_arn(policy_arn(ctx.scope.partition, policy))
            .send()
            .await
            .aws(IAM, "AttachRolePolicy", &name)?;
    }
    Ok(())
}

/// Detaches the policies and deletes the role (gone already is fine).
pub(crate) async fn delete_service_role(ctx: &Ctx<'_>, plan: &BackupPlan) -> Result<()> {
    let name = plan.role_name();
    let iam = ctx.env.iam();
    for policy in policy_names(plan) {
        iam.detach_role_policy()
            .role_name(&name)
            .policy_arn(policy_arn(ctx.scope.partition, policy))
            .send()
            .await
            .aws_optional(IAM, "DetachRolePolicy", &name, &["NoSuchEntity"])?;
    }
    iam.delete_role()
        .role_name(&name)
        .send()
        .await
        .aws_optional(IAM, "DeleteRole", &name, &["NoSuchEntity"])?;
    Ok(())
}
