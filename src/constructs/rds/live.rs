//! Reading, creating, updating, replacing and deleting the DB instance and its parts.
//! [`read_instance_state`] works on any DB instance of an account (the audit uses it).

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_sdk_rds::client::Waiters;
use aws_sdk_rds::types::{CloudwatchLogsExportConfiguration, DbInstance, Tag};

use crate::aws_error::AwsResultExt;
use crate::construct::{diff_states, Ctx, Live, ResourceOutputs, SettingChange};
use crate::env::{Environment, LOGICAL_ID_TAG, STACK_TAG};
use crate::error::{Error, Result};

use super::database::EncryptedDatabase;
use super::state::{DatabaseState, PARAMETERS_READ, RULES_READ, SUBNETS_READ};
use super::{log_groups, monitoring, network, parameters};
use crate::constructs::partial::Unread;

const RDS: &str = "rds";
const NOT_FOUND: &[&str] = &["DBInstanceNotFound", "DBInstanceNotFoundFault"];
/// The longest wait for an instance to become available (creation of a Multi-AZ instance takes
/// tens of minutes on AWS).
const MAX_WAIT: Duration = Duration::from_secs(90 * 60);

/// RDS tags from a map.
pub(super) fn rds_tags(tags: &BTreeMap<String, String>) -> Vec<Tag> {
    tags.iter()
        .map(|(key, value)| Tag::builder().key(key).value(value).build())
        .collect()
}

fn tag_map(tags: &[Tag]) -> BTreeMap<String, String> {
    tags.iter()
        .filter_map(|tag| Some((tag.key()?.to_string(), tag.value()?.to_string())))
        .collect()
}

fn major(engine_version: &str, engine: &str) -> String {
    let mut parts = engine_version.split('.');
    let first = parts.next().unwrap_or_default();
    if super::engine::is_postgres_kind(engine) {
        first.to_string()
    } else {
        format!("{first}.{}", parts.next().unwrap_or_default())
    }
}

/// Describes one instance; `None` when it does not exist.
pub async fn describe_instance(env: &Environment, identifier: &str) -> Result<Option<DbInstance>> {
    Ok(env
        .rds()
        .describe_db_instances()
        .db_instance_identifier(identifier)
        .send()
        .await
        .aws_optional(RDS, "DescribeDBInstances", identifier, NOT_FOUND)?
        .and_then(|output| output.db_instances.unwrap_or_default().into_iter().next()))
}

/// The settings of a described instance, its parameter group and its security groups, with all
/// its tags. No secret is read: only whether RDS manages the master password, and its key.
pub async fn read_instance_state(
    env: &Environment,
    instance: &DbInstance,
) -> Result<DatabaseState> {
    let identifier = instance
        .db_instance_identifier()
        .unwrap_or_default()
        .to_string();
    let engine = instance.engine().unwrap_or_default().to_string();
    let subnet_group = instance.db_subnet_group();
    let subnet_ids: Vec<String> = subnet_group
        .map(|group| {
            group
                .subnets()
                .iter()
                .filter_map(|subnet| subnet.subnet_identifier().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let parameter_group = instance
        .db_parameter_groups()
        .first()
        .and_then(|group| group.db_parameter_group_name())
        .unwrap_or_default()
        .to_string();
    // Each part is its own read: one that fails errors only the checks it feeds.
    let mut unread = Unread::none();
    let (parameter_family, parameters) = if parameter_group.is_empty() {
        (String::new(), BTreeMap::new())
    } else {
        let read = parameters::read_parameter_group(env, &parameter_group)
            .await
            .map(Option::unwrap_or_default);
        unread.settle(PARAMETERS_READ, read, Default::default())
    };
    let security_group_ids: Vec<String> = instance
        .vpc_security_groups()
        .iter()
        .filter_map(|group| group.vpc_security_group_id().map(str::to_string))
        .collect();
    let rules = unread.settle(
        RULES_READ,
        network::rules_of(env, &security_group_ids).await,
        Vec::new(),
    );
    let subnet_cidrs = unread.settle(
        SUBNETS_READ,
        network::subnet_cidrs(env, &subnet_ids).await,
        Vec::new(),
    );
    let secret = instance.master_user_secret();
    Ok(DatabaseState {
        engine_major_version: major(instance.engine_version().unwrap_or_default(), &engine),
        engine,
        instance_class: instance.db_instance_class().unwrap_or_default().to_string(),
        allocated_storage: instance
            .allocated_storage()
            .and_then(|gib| u32::try_from(gib).ok())
            .unwrap_or(0),
        storage_encrypted: instance.storage_encrypted().unwrap_or(false),
        kms_key: instance.kms_key_id().map(str::to_string),
        publicly_accessible: instance.publicly_accessible(),
        port: instance
            .endpoint()
            .and_then(|endpoint| endpoint.port())
            .or(instance.db_instance_port())
            .and_then(|port| u16::try_from(port).ok())
            .unwrap_or(0),
        subnet_group: subnet_group
            .and_then(|group| group.db_subnet_group_name())
            .unwrap_or_default()
            .to_string(),
        subnet_cidrs,
        vpc_id: subnet_group
            .and_then(|group| group.vpc_id())
            .unwrap_or_default()
            .to_string(),
        security_group_ids,
        rules,
        parameter_group,
        parameter_family,
        parameters,
        backup_retention_days: instance
            .backup_retention_period()
            .and_then(|days| u32::try_from(days).ok())
            .unwrap_or(0),
        deletion_protection: instance.deletion_protection().unwrap_or(false),
        multi_az: instance.multi_az().unwrap_or(false),
        iam_auth: instance
            .iam_database_authentication_enabled()
            .unwrap_or(false),
        auto_minor_version_upgrade: instance.auto_minor_version_upgrade().unwrap_or(false),
        copy_tags_to_snapshot: instance.copy_tags_to_snapshot().unwrap_or(false),
        log_exports: instance
            .enabled_cloudwatch_logs_exports()
            .iter()
            .cloned()
            .collect::<BTreeSet<String>>(),
        monitoring_interval: instance
            .monitoring_interval()
            .and_then(|secs| u32::try_from(secs).ok())
            .unwrap_or(0),
        monitoring_role_arn: instance.monitoring_role_arn().map(str::to_string),
        performance_insights: instance.performance_insights_enabled().unwrap_or(false),
        performance_insights_kms_key: instance
            .performance_insights_kms_key_id()
            .map(str::to_string),
        master_password_managed: secret.and_then(|secret| secret.secret_arn()).is_some(),
        master_secret_kms_key: secret
            .and_then(|secret| secret.kms_key_id())
            .map(str::to_string),
        master_username: instance.master_username().unwrap_or_default().to_string(),
        tags: tag_map(instance.tag_list()),
        parameter_apply_status: instance
            .db_parameter_groups()
            .first()
            .and_then(|group| group.parameter_apply_status())
            .map(str::to_string),
        log_groups: BTreeMap::new(),
        unread,
        identifier,
    })
}

fn outputs(instance: &DbInstance) -> ResourceOutputs {
    ResourceOutputs {
        arn: instance.db_instance_arn().unwrap_or_default().to_string(),
        // The immutable resource id (db-...) is what rds-db:connect ARNs name.
        physical_id: instance.dbi_resource_id().unwrap_or_default().to_string(),
    }
}

/// Finds the database by identifier; a database of that name another stack manages is a
/// conflict.
pub(super) async fn read(
    ctx: &Ctx<'_>,
    db: &EncryptedDatabase,
) -> Result<Option<Live<DatabaseState>>> {
    let Some(instance) = describe_instance(ctx.env, db.identifier()).await? else {
        return Ok(None);
    };
    let tags = tag_map(instance.tag_list());
    let ours = tags.get(STACK_TAG).map(String::as_str) == Some(ctx.scope.stack)
        && tags.get(LOGICAL_ID_TAG).map(String::as_str) == Some(db.id_str());
    if !ours {
        return Err(Error::Conflict {
            resource: db.resource_name(),
            reason: format!(
                "it exists and is not managed by stack {:?} as {}; choose another identifier",
                ctx.scope.stack,
                db.id_str()
            ),
        });
    }
    let mut state = read_instance_state(ctx.env, &instance).await?;
    let wanted = ctx.scope.tags_for(db.logical_id(), true);
    state.tags.retain(|key, _| wanted.contains_key(key));
    state.log_groups = log_groups::read_log_groups(ctx, db, &state.log_exports).await?;
    Ok(Some(Live {
        outputs: outputs(&instance),
        state,
    }))
}

/// Waits (with the SDK waiter, bounded) until the instance is available.
async fn wait_available(env: &Environment, identifier: &str) -> Result<()> {
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

fn epoch() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .unwrap_or(0)
}

/// Makes every part, then the instance (or finishes a half-made one), waits for it, and
/// converges what differs.
pub(super) async fn create(
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
pub(super) async fn update(
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
        .any(|change| change.setting.starts_with(super::state::LOG_GROUPS))
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

/// Takes a manual snapshot of the instance and waits for it.
async fn snapshot(
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
pub(super) async fn replace(
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

/// Deletes the instance with a final snapshot (deletion protection lifted first), then its
/// parameter group, subnet group, security group and monitoring role. Its log groups stay:
/// they are audit evidence, kept six years.
pub(super) async fn delete(
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
