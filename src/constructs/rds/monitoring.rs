//! The enhanced monitoring role: trusted by `monitoring.rds.amazonaws.com` only, with the AWS
//! managed `AmazonRDSEnhancedMonitoringRole` policy (which writes only to the RDS log groups).

use crate::construct::Ctx;
use crate::constructs::iam::service_role::{
    attach_policy, delete_service_role, ensure_service_role, ServiceRole,
};
use crate::error::Result;

use super::database::EncryptedDatabase;

/// The service that publishes enhanced monitoring metrics.
pub const MONITORING_SERVICE: &str = "monitoring.rds.amazonaws.com";

/// The ARN of the AWS managed policy for enhanced monitoring.
pub fn monitoring_policy_arn(partition: &str) -> String {
    format!("arn:{partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole")
}

/// Makes the role if missing and attaches the managed policy (both idempotent).
pub(super) async fn ensure_role(ctx: &Ctx<'_>, db: &EncryptedDatabase) -> Result<()> {
    let name = db.monitoring_role_name();
    let tags = ctx.scope.tags_for(db.logical_id(), false);
    ensure_service_role(
        ctx,
        &ServiceRole {
            name: &name,
            service: MONITORING_SERVICE,
            description: format!("Enhanced monitoring of RDS database {}", db.identifier()),
            tags: &tags,
        },
    )
    .await?;
    attach_policy(ctx, &name, &monitoring_policy_arn(ctx.scope.partition)).await
}

/// Detaches the policy and deletes the role (gone already is fine).
pub(super) async fn delete_role(ctx: &Ctx<'_>, db: &EncryptedDatabase) -> Result<()> {
    delete_service_role(
        ctx,
        &db.monitoring_role_name(),
        &[monitoring_policy_arn(ctx.scope.partition)],
        &[],
    )
    .await
}
