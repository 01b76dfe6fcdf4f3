//! Deleting the instance with a final snapshot, then its parts; its log groups stay.

use aws_sdk_rds::client::Waiters;

use crate::aws_error::AwsResultExt;
use crate::construct::{Ctx, Live};
use crate::error::{Error, Result};

use super::super::database::EncryptedDatabase;
use super::super::state::DatabaseState;
use super::super::{monitoring, network, parameters};
use super::write::epoch;
use super::write::wait_available;
use super::MAX_WAIT;
use super::NOT_FOUND;
use super::RDS;

/// Deletes the instance with a final snapshot (deletion protection lifted first), then its
/// parameter group, subnet group, security group and monitoring role. Its log groups stay:
/// they are audit evidence, kept six years.
pub(crate) async fn delete(
    ctx: &Ctx<'_>,
    db: &EncryptedDatabase,
    live: &Live<DatabaseState>,
) -> Result<()> {
    let identifier = db.identifier();
    let resource = db.resource_name();
    wait_available(ctx.env, identifier).await?;
    if live.state.deletion_protection {
        ctx.env
            .rds()
            .modify_db_instance()
            .db_instance_identifier(identifier)
            .deletion_protection(false)
            .apply_immediately(true)
            .send()
            .await
            .aws(RDS, "ModifyDBInstance", &resource)?;
        wait_available(ctx.env, identifier).await?;
    }
    ctx.env
        .rds()
        .delete_db_instance()
        .db_instance_identifier(identifier)
        .skip_final_snapshot(false)
        .final_db_snapshot_identifier(format!("{identifier}-final-{}", epoch()))
        .delete_automated_backups(false)
        .send()
        .await
        .aws_optional(RDS, "DeleteDBInstance", &resource, NOT_FOUND)?;
    ctx.env
        .rds()
        .wait_until_db_instance_deleted()
        .db_instance_identifier(identifier)
        .wait(MAX_WAIT)
        .await
        .map_err(|error| {
            Error::unexpected(
                RDS,
                "DescribeDBInstances",
                format!("{identifier} was not deleted: {error}"),
            )
        })?;
    parameters::delete_parameter_group(ctx.env, &db.parameter_group_name()).await?;
    ctx.env
        .rds()
        .delete_db_subnet_group()
        .db_subnet_group_name(db.subnet_group_name())
        .send()
        .await
        .aws_optional(
            RDS,
            "DeleteDBSubnetGroup",
            &resource,
            &["DBSubnetGroupNotFoundFault", "DBSubnetGroupNotFound"],
        )?;
    // Destroy runs in reverse order: the VPC's outputs are not known here, the instance's
    // groups are.
    for group_id in &live.state.security_group_ids {
        if network::is_own_group(ctx, db, group_id).await? {
            ctx.env
                .ec2()
                .delete_security_group()
                .group_id(group_id)
                .send()
                .await
                .aws("ec2", "DeleteSecurityGroup", &resource)?;
        }
    }
    monitoring::delete_role(ctx, db).await
}
