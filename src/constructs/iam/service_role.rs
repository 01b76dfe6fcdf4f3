//! The roles the library makes for an AWS service on a construct's behalf (RDS enhanced
//! monitoring, AWS Backup, S3 replication): trusted by that service for this account only
//! (`aws:SourceAccount`, the confused-deputy guard), under the library's path, tagged as the
//! construct, and deleted with it. Written once so every such role carries the same guard.

use std::collections::BTreeMap;

use crate::aws_error::AwsResultExt;
use crate::construct::Ctx;
use crate::env::LIBRARY_PATH;
use crate::error::Result;

const IAM: &str = "iam";

/// A role for `service` (e.g. `s3.amazonaws.com`) named `name`.
pub(crate) struct ServiceRole<'a> {
    /// The role name (the path is the library's).
    pub name: &'a str,
    /// The service principal that assumes it.
    pub service: &'a str,
    /// What it is for.
    pub description: String,
    /// The construct's tags.
    pub tags: &'a BTreeMap<String, String>,
}

/// Trusted by `service` for this account's resources only.
fn trust_policy(service: &str, account_id: &str) -> String {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Service": service},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": account_id}}
        }]
    })
    .to_string()
}

/// Makes the role if it is missing (idempotent: one already there is kept as it is).
pub(crate) async fn ensure_service_role(ctx: &Ctx<'_>, role: &ServiceRole<'_>) -> Result<()> {
    let tags: Vec<aws_sdk_iam::types::Tag> = role
        .tags
        .iter()
        .filter_map(|(key, value)| {
            aws_sdk_iam::types::Tag::builder()
                .key(key)
                .value(value)
                .build()
                .ok()
        })
        .collect();
    ctx.env
        .iam()
        .create_role()
        .role_name(role.name)
        .path(LIBRARY_PATH)
        .assume_role_policy_document(trust_policy(role.service, ctx.scope.account_id))
        .description(role.description.clone())
        .set_tags(Some(tags))
        .send()
        .await
        .aws_optional(IAM, "CreateRole", role.name, &["EntityAlreadyExists"])?;
    Ok(())
}

/// Attaches a managed policy to the role (idempotent).
#[cfg(any(feature = "rds", feature = "backup"))]
pub(crate) async fn attach_policy(ctx: &Ctx<'_>, name: &str, policy_arn: &str) -> Result<()> {
    ctx.env
        .iam()
        .attach_role_policy()
        .role_name(name)
        .policy_arn(policy_arn)
        .send()
        .await
        .aws(IAM, "AttachRolePolicy", name)?;
    Ok(())
}

/// Detaches `attached` and deletes `inline` policies, then the role (gone already is fine).
pub(crate) async fn delete_service_role(
    ctx: &Ctx<'_>,
    name: &str,
    attached: &[String],
    inline: &[&str],
) -> Result<()> {
    let iam = ctx.env.iam();
    for policy in attached {
        iam.detach_role_policy()
            .role_name(name)
            .policy_arn(policy)
            .send()
            .await
            .aws_optional(IAM, "DetachRolePolicy", name, &["NoSuchEntity"])?;
    }
    for policy in inline {
        iam.delete_role_policy()
            .role_name(name)
            .policy_name(*policy)
            .send()
            .await
            .aws_optional(IAM, "DeleteRolePolicy", name, &["NoSuchEntity"])?;
    }
    iam.delete_role()
        .role_name(name)
        .send()
        .await
        .aws_optional(IAM, "DeleteRole", name, &["NoSuchEntity"])?;
    Ok(())
}
