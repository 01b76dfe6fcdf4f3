//! Making the database (its parts first, or finishing a half-made one) and converging what
//! differs.

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use aws_sdk_rds::client::Waiters;
use aws_sdk_rds::types::CloudwatchLogsExportConfiguration;

use crate::aws_error::AwsResultExt;
use crate::construct::{diff_states, Ctx, Live, ResourceOutputs, SettingChange};
use crate::env::Environment;
use crate::error::{Error, Result};

use super::super::database::EncryptedDatabase;
use super::super::state::DatabaseState;
use super::super::{log_groups, monitoring, network, parameters};
use super::read::rds_tags;
use super::read::read;
use super::MAX_WAIT;
use super::RDS;

/// Waits (with the SDK waiter, bounded) until the instance is available.
pub(super) async fn wait_available(env: &Environment, identifier: &str) -> Result<()> {
    env.rds()
        .wait_until_db_instance_available()
        .db_instance_identifier(identifier)
        .wait(MAX_WAIT)
        .await
        .map_err(|error| {
            Error::unexpected(
                RDS,
                "DescribeDBInstances",
                format!("{identifier} did not become available: {error}"),
            )
        })?;
    Ok(())
}

pub(super) fn epoch() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .unwrap_or(0)
}

/// Makes every part, then the instance (or finishes a half-made one), waits for it, and
/// converges what differs.
pub(crate) async fn create(
    ctx: &Ctx<'_>,
    db: &EncryptedDatabase,
    desired: &DatabaseState,
) -> Result<ResourceOutputs> {
    let group_id = network::ensure_group(ctx, db, &desired.rules).await?;
    network::ensure_subnet_group(ctx, db).await?;
    parameters::ensure_parameter_group(ctx, db, &desired.parameters).await?;
    monitoring::ensure_role(ctx, db).await?;
    // Before the instance: RDS would otherwise make them unencrypted on its first export.
    log_groups::ensure_log_groups(ctx, desired).await?;
    let key = desired.kms_key.clone().unwrap_or_default();
    let resource = db.resource_name();
    ctx.env
        .rds()
        .create_db_instance()
        .db_instance_identifier(db.identifier())
        .engine(db.engine().name())
        .engine_version(db.engine().version())
        .db_instance_class(&desired.instance_class)
        .allocated_storage(i32::try_from(desired.allocated_storage).unwrap_or(20))
        .master_username(&desired.master_username)
        .manage_master_user_password(true)
        .master_user_secret_kms_key_id(&key)
        .set_db_name(db.database_name().map(str::to_string))
        .storage_encrypted(true)
        .kms_key_id(&key)
        .publicly_accessible(false)
        .db_subnet_group_name(&desired.subnet_group)
        .vpc_security_group_ids(group_id)
        .db_parameter_group_name(&desired.parameter_group)
        .port(i32::from(desired.port))
        .backup_retention_period(i32::try_from(desired.backup_retention_days).unwrap_or(7))
        .deletion_protection(true)
        .multi_az(true)
        .enable_iam_database_authentication(true)
        .auto_minor_version_upgrade(true)
        .copy_tags_to_snapshot(true)
        .set_enable_cloudwatch_logs_exports(Some(desired.log_exports.iter().cloned().collect()))
        .monitoring_interval(i32::try_from(desired.monitoring_interval).unwrap_or(60))
        .set_monitoring_role_arn(desired.monitoring_role_arn.clone())
        .enable_performance_insights(true)
        .performance_insights_kms_key_id(&key)
        .set_tags(Some(rds_tags(&desired.tags)))
        .send()
        .await
        .aws_optional(
            RDS,
            "CreateDBInstance",
            &resource,
            &["DBInstanceAlreadyExists", "DBInstanceAlreadyExistsFault"],
        )?;
    wait_available(ctx.env, db.identifier()).await?;
    let found = read(ctx, db).await?.ok_or_else(|| {
        Error::unexpected(
            RDS,
            "CreateDBInstance",
            "the instance is not visible after creation",
        )
    })?;
    let changes = diff_states(desired, &found.state);
    if !changes.is_empty() {
        update(ctx, db, &found, desired, &changes).await?;
    }
    Ok(found.outputs)
}

/// Brings the changed settings to their desired values, waiting for the instance first.
pub(crate) async fn update(
    ctx: &Ctx<'_>,
    db: &EncryptedDatabase,
    live: &Live<DatabaseState>,
    desired: &DatabaseState,
    changes: &[SettingChange],
) -> Result<()> {
    let changed = |name: &str| changes.iter().any(|change| change.setting == name);
    let resource = db.resource_name();
    if changed("engine_major_version") {
        return Err(Error::Refused {
            resource,
            reason: format!(
                "the engine major version is {} and the spec asks for {}: apply does not upgrade major versions (upgrade with a snapshot and a test restore first)",
                live.state.engine_major_version, desired.engine_major_version
            ),
            control: crate::controls::ControlId::NoSilentReplacement,
        });
    }
    wait_available(ctx.env, db.identifier()).await?;
    let rules_changed = changed("security_group.ingress") || changed("security_group.egress");
    let group_id = if rules_changed {
        Some(network::ensure_group(ctx, db, &desired.rules).await?)
    } else {
        None
    };
    if changed("subnet_group.cidrs") || changed("subnet_group") {
        network::ensure_subnet_group(ctx, db).await?;
    }
    let parameters: BTreeMap<String, String> = desired
        .parameters
        .iter()
        .filter(|(name, _)| changed(&format!("parameters.{name}")))
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect();
    if changed("parameter_group") {
        parameters::ensure_parameter_group(ctx, db, &desired.parameters).await?;
    } else if !parameters.is_empty() {
        parameters::set_parameters(ctx.env, &desired.parameter_group, &parameters).await?;
    }
    if changed("monitoring_role") || changed("monitoring_interval") {
        monitoring::ensure_role(ctx, db).await?;
    }
    if changes
        .iter()
        .any(|change| change.setting.starts_with(super::super::state::LOG_GROUPS))
        || changed("log_exports")
    {
        log_groups::ensure_log_groups(ctx, desired).await?;
    }
    let key = desired.kms_key.clone().unwrap_or_default();
    let mut modify = ctx
        .env
        .rds()
        .modify_db_instance()
        .db_instance_identifier(db.identifier())
        .apply_immediately(true);
    let mut any = false;
    let mut set = |yes: bool| {
        any |= yes;
        yes
    };
    if set(changed("instance_class")) {
        modify = modify.db_instance_class(&desired.instance_class);
    }
    if set(changed("allocated_storage")) {
        modify = modify.allocated_storage(i32::try_from(desired.allocated_storage).unwrap_or(20));
    }
    if set(changed("publicly_accessible")) {
        modify = modify.publicly_accessible(false);
    }
    if set(changed("port")) {
        modify = modify.db_port_number(i32::from(desired.port));
    }
    if set(changed("subnet_group")) {
        modify = modify.db_subnet_group_name(&desired.subnet_group);
    }
    if set(changed("parameter_group")) {
        modify = modify.db_parameter_group_name(&desired.parameter_group);
    }
    if let Some(group_id) = group_id.filter(|_| set(true)) {
        modify = modify.vpc_security_group_ids(group_id);
    }
    if set(changed("backup_retention_days")) {
        modify = modify
            .backup_retention_period(i32::try_from(desired.backup_retention_days).unwrap_or(7));
    }
    if set(changed("deletion_protection")) {
        modify = modify.deletion_protection(true);
    }
    if set(changed("multi_az")) {
        modify = modify.multi_az(true);
    }
    if set(changed("iam_auth")) {
        modify = modify.enable_iam_database_authentication(true);
    }
    if set(changed("auto_minor_version_upgrade")) {
        modify = modify.auto_minor_version_upgrade(true);
    }
    if set(changed("copy_tags_to_snapshot")) {
        modify = modify.copy_tags_to_snapshot(true);
    }
    if set(changed("log_exports")) {
        let enable: Vec<String> = desired
            .log_exports
            .difference(&live.state.log_exports)
            .cloned()
            .collect();
        let disable: Vec<String> = live
            .state
            .log_exports
            .difference(&desired.log_exports)
            .cloned()
            .collect();
        modify = modify.cloudwatch_logs_export_configuration(
            CloudwatchLogsExportConfiguration::builder()
                .set_enable_log_types(Some(enable))
                .set_disable_log_types(Some(disable))
                .build(),
        );
    }
    if set(changed("monitoring_interval") || changed("monitoring_role")) {
        modify = modify
            .monitoring_interval(i32::try_from(desired.monitoring_interval).unwrap_or(60))
            .set_monitoring_role_arn(desired.monitoring_role_arn.clone());
    }
    if set(changed("performance_insights") || changed("performance_insights_kms_key")) {
        modify = modify
            .enable_performance_insights(true)
            .performance_insights_kms_key_id(&key);
    }
    if set(changed("master_password_managed")) {
        modify = modify
            .manage_master_user_password(true)
            .master_user_secret_kms_key_id(&key);
    }
    if any {
        modify
            .send()
            .await
            .aws(RDS, "ModifyDBInstance", &resource)?;
        wait_available(ctx.env, db.identifier()).await?;
    }
    let changed_tags: BTreeMap<String, String> = desired
        .tags
        .iter()
        .filter(|(key, _)| changed(&format!("tags.{key}")))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    if !changed_tags.is_empty() {
        ctx.env
            .rds()
            .add_tags_to_resource()
            .resource_name(&live.outputs.arn)
            .set_tags(Some(rds_tags(&changed_tags)))
            .send()
            .await
            .aws(RDS, "AddTagsToResource", &resource)?;
    }
    Ok(())
}
