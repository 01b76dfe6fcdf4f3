//! The plan's service role: trusted by AWS Backup for this account only, with the AWS managed
//! policies AWS Backup documents for backing up and restoring (and their S3 forms when the plan
//! protects a bucket). AWS owns those policies, so no hand-written one can grant too much.

use crate::construct::Ctx;
use crate::constructs::iam::service_role::{
    attach_policy, delete_service_role, ensure_service_role, ServiceRole,
};
use crate::error::Result;

use super::super::plan::BackupPlan;
use super::super::vault::BACKUP_SERVICE;

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

/// Makes the role if missing and attaches its policies (both idempotent).
pub(crate) async fn ensure_service_role_of(ctx: &Ctx<'_>, plan: &BackupPlan) -> Result<()> {
    let name = plan.role_name();
    let tags = ctx.scope.tags_for(plan.logical_id(), false);
    ensure_service_role(
        ctx,
        &ServiceRole {
            name: &name,
            service: BACKUP_SERVICE,
            description: format!("AWS Backup for plan {}", plan.name()),
            tags: &tags,
        },
    )
    .await?;
    for policy in policy_names(plan) {
        attach_policy(ctx, &name, &policy_arn(ctx.scope.partition, policy)).await?;
    }
    Ok(())
}

/// Detaches the policies and deletes the role (gone already is fine).
pub(crate) async fn delete_service_role_of(ctx: &Ctx<'_>, plan: &BackupPlan) -> Result<()> {
    let attached: Vec<String> = policy_names(plan)
        .into_iter()
        .map(|policy| policy_arn(ctx.scope.partition, policy))
        .collect();
    delete_service_role(ctx, &plan.role_name(), &attached, &[]).await
}
