//! Replacing the database: a snapshot, the old one renamed out of the way, the new one made.

use std::collections::BTreeMap;

use aws_sdk_rds::client::Waiters;

use crate::aws_error::AwsResultExt;
use crate::construct::{Ctx, Live, ResourceOutputs};
use crate::env::{Environment, LOGICAL_ID_TAG};
use crate::error::{Error, Result};

use super::super::database::EncryptedDatabase;
use super::super::state::DatabaseState;
use super::read::rds_tags;
use super::write::create;
use super::write::epoch;
use super::write::wait_available;
use super::MAX_WAIT;
use super::RDS;

/// Takes a manual snapshot of the instance and waits for it.
pub(super) async fn snapshot(
    env: &Environment,
    identifier: &str,
    snapshot: &str,
    tags: &BTreeMap<String, String>,
) -> Result<()> {
    env.rds()
        .create_db_snapshot()
        .db_instance_identifier(identifier)
        .db_snapshot_identifier(snapshot)
        .set_tags(Some(rds_tags(tags)))
        .send()
        .await
        .aws(RDS, "CreateDBSnapshot", identifier)?;
    env.rds()
        .wait_until_db_snapshot_available()
        .db_snapshot_identifier(snapshot)
        .wait(MAX_WAIT)
        .await
        .map_err(|error| {
            Error::unexpected(
                RDS,
                "DescribeDBSnapshots",
                format!("{snapshot} did not become available: {error}"),
            )
        })?;
    Ok(())
}

/// Replaces the database: snapshots the old one, renames it out of the way (it stays, with its
/// deletion protection), then makes the new one under the identifier.
pub(crate) async fn replace(
    ctx: &Ctx<'_>,
    db: &EncryptedDatabase,
    live: &Live<DatabaseState>,
    desired: &DatabaseState,
) -> Result<ResourceOutputs> {
    let identifier = db.identifier();
    wait_available(ctx.env, identifier).await?;
    let stamp = epoch();
    let kept = format!("{identifier}-replaced-{stamp}");
    let mut tags = live.state.tags.clone();
    tags.insert("hipaa-aws:replaced-at".to_string(), stamp.to_string());
    snapshot(
        ctx.env,
        identifier,
        &format!("{identifier}-before-replace-{stamp}"),
        &tags,
    )
    .await?;
    ctx.env
        .rds()
        .modify_db_instance()
        .db_instance_identifier(identifier)
        .new_db_instance_identifier(&kept)
        .apply_immediately(true)
        .send()
        .await
        .aws(RDS, "ModifyDBInstance", &db.resource_name())?;
    wait_available(ctx.env, &kept).await?;
    // The kept database is no longer this logical id: mark it so it is never taken back.
    let kept_arn = live
        .outputs
        .arn
        .replace(&format!(":db:{identifier}"), &format!(":db:{kept}"));
    tags.insert(
        LOGICAL_ID_TAG.to_string(),
        format!("{}/replaced-{stamp}", db.id_str()),
    );
    ctx.env
        .rds()
        .add_tags_to_resource()
        .resource_name(&kept_arn)
        .set_tags(Some(rds_tags(&tags)))
        .send()
        .await
        .aws(RDS, "AddTagsToResource", &kept)?;
    create(ctx, db, desired).await
}
