//! The enhanced monitoring role: trusted by `monitoring.rds.amazonaws.com` only, with the AWS
//! managed `AmazonRDSEnhancedMonitoringRole` policy (which writes only to the RDS log groups).

use crate::aws_error::AwsResultExt;
use crate::construct::Ctx;
use crate::env::LIBRARY_PATH;
use crate::error::Result;

use super::database::EncryptedDatabase;

const IAM: &str = "iam";
/// The service that publishes enhanced monitoring metrics.
pub const MONITORING_SERVICE: &str = "monitoring.rds.amazonaws.com";

/// Trusted by the monitoring service for this account's databases only (`aws:SourceAccount`:
/// the confused-deputy guard every service trust of the library carries).
fn trust_policy(account_id: &str) -> String {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Service": MONITORING_SERVICE},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": account_id}}
        }]
    })
    .to_string()
}

/// The ARN of the AWS managed policy for enhanced monitoring.
pub fn monitoring_policy_arn(partition: &str) -> String {
    format!("arn:{partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole")
}

/// Makes the role if missing and attaches the managed policy (both idempotent).
pub(super) async fn ensure_role(ctx: &Ctx<'_>, db: &EncryptedDatabase) -> Result<()> {
    let name = db.monitoring_role_name();
    let iam = ctx.env.iam();
    let tags: Vec<aws_sdk_iam::types::Tag> = ctx
        .scope
        .tags_for(db.logical_id(), false)
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
        .description(format!(
            "Enhanced monitoring of RDS database {}",
            db.identifier()
        ))
        .set_tags(Some(tags))
        .send()
        .await
        .aws_optional(IAM, "CreateRole", &name, &["EntityAlreadyExists"])?;
    iam.attach_role_policy()
        .role_name(&name)
        .policy_arn(monitoring_policy_arn(ctx.scope.partition))
        .send()
        .await
        .aws(IAM, "AttachRolePolicy", &name)?;
    Ok(())
}

/// Detaches the policy and deletes the role (gone already is fine).
pub(super) async fn delete_role(ctx: &Ctx<'_>, db: &EncryptedDatabase) -> Result<()> {
    let name = db.monitoring_role_name();
    let iam = ctx.env.iam();
    iam.detach_role_policy()
        .role_name(&name)
        .policy_arn(monitoring_policy_arn(ctx.scope.partition))
        .send()
        .await
        .aws_optional(IAM, "DetachRolePolicy", &name, &["NoSuchEntity"])?;
    iam.delete_role()
        .role_name(&name)
        .send()
        .await
        .aws_optional(IAM, "DeleteRole", &name, &["NoSuchEntity"])?;
    Ok(())
}
