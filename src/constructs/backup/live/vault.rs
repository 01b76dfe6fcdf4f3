//! Reading, creating, updating and deleting backup vaults through the AWS Backup API.
//! [`read_vault_state`] and [`list_vaults`] work on any vault of an account.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use aws_sdk_backup::types::BackupVaultEvent;

use crate::aws_error::AwsResultExt;
use crate::construct::Ctx;
use crate::env::Environment;
use crate::error::Result;
use crate::policy::PolicyDocument;

use super::super::state::{VaultLock, VaultNotifications, VaultState};
use super::{read_tags, SERVICE};

const NOT_FOUND: &[&str] = &["ResourceNotFoundException"];

/// What DescribeBackupVault and ListBackupVaults both report of a vault.
struct VaultSummary {
    name: String,
    arn: String,
    kms_key: Option<String>,
    lock: Option<VaultLock>,
}

fn lock_of(
    locked: Option<bool>,
    min: Option<i64>,
    max: Option<i64>,
    lock_date: bool,
) -> Option<VaultLock> {
    let days = |value: Option<i64>| value.and_then(|days| u32::try_from(days).ok());
    (locked == Some(true) || min.is_some() || max.is_some()).then(|| VaultLock {
        min_retention_days: days(min),
        max_retention_days: days(max),
        compliance: lock_date,
    })
}

/// Reads a vault's settings and all its tags; `None` when it does not exist.
pub async fn read_vault_state(
    env: &Environment,
    name: &str,
) -> Result<Option<(VaultState, BTreeMap<String, String>)>> {
    let Some(found) = env
        .backup()
        .describe_backup_vault()
        .backup_vault_name(name)
        .send()
        .await
        .aws_optional(SERVICE, "DescribeBackupVault", name, NOT_FOUND)?
    else {
        return Ok(None);
    };
    let summary = VaultSummary {
        name: found.backup_vault_name().unwrap_or(name).to_string(),
        arn: found
            .backup_vault_arn()
            .map(str::to_string)
            .unwrap_or_else(|| env.arn("backup", &format!("backup-vault:{name}"))),
        kms_key: found.encryption_key_arn().map(str::to_string),
        lock: lock_of(
            found.locked(),
            found.min_retention_days(),
            found.max_retention_days(),
            found.lock_date().is_some(),
        ),
    };
    let arn = summary.arn.clone();
    let (state, tags) = tokio::join!(vault_state(env, summary), read_tags(env, &arn, name));
    Ok(Some((state?, tags?)))
}

/// Every vault of the environment's region with the settings controls judge (no tags).
pub async fn list_vaults(env: &Environment) -> Result<Vec<VaultState>> {
    let mut summaries = Vec::new();
    let mut pages = env.backup().list_backup_vaults().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.aws(SERVICE, "ListBackupVaults", "backup vaults")?;
        for vault in page.backup_vault_list() {
            let name = vault.backup_vault_name().unwrap_or_default().to_string();
            summaries.push(VaultSummary {
                arn: vault
                    .backup_vault_arn()
                    .map(str::to_string)
                    .unwrap_or_else(|| env.arn("backup", &format!("backup-vault:{name}"))),
                kms_key: vault.encryption_key_arn().map(str::to_string),
                lock: lock_of(
                    vault.locked(),
                    vault.min_retention_days(),
                    vault.max_retention_days(),
                    vault.lock_date().is_some(),
                ),
                name,
            });
        }
    }
    let states = futures::future::join_all(
        summaries
            .into_iter()
            .map(|summary| vault_state(env, summary)),
    )
    .await;
    states.into_iter().collect()
}

/// A vault's full state: its summary with its policy, notifications and key manager, read in
/// one round trip. A read refused or failing is recorded as unreadable, never as absent.
async fn vault_state(env: &Environment, summary: VaultSummary) -> Result<VaultState> {
    let backup = env.backup();
    let name = summary.name.as_str();
    let (policy, notifications, key_manager) = tokio::join!(
        backup
            .get_backup_vault_access_policy()
            .backup_vault_name(name)
            .send(),
        backup
            .get_backup_vault_notifications()
            .backup_vault_name(name)
            .send(),
        key_manager(env, summary.kms_key.as_deref()),
    );
    let mut unreadable = BTreeMap::new();
    let access_policy =
        match policy.aws_optional(SERVICE, "GetBackupVaultAccessPolicy", name, NOT_FOUND) {
            Ok(None) => None,
            Ok(Some(found)) => match found.policy().map(PolicyDocument::from_json) {
                None => None,
                Some(Ok(policy)) => Some(policy),
                Some(Err(error)) => {
                    unreadable.insert(
                        "access_policy".to_string(),
                        format!("the policy is not valid JSON: {error}"),
                    );
                    None
                }
            },
            Err(error) => {
                unreadable.insert("access_policy".to_string(), error.to_string());
                None
            }
        };
    let notifications =
        match notifications.aws_optional(SERVICE, "GetBackupVaultNotifications", name, NOT_FOUND) {
            Ok(found) => found.and_then(|found| {
                Some(VaultNotifications {
                    topic_arn: found.sns_topic_arn()?.to_string(),
                    events: found
                        .backup_vault_events()
                        .iter()
                        .map(|event| event.as_str().to_string())
                        .collect::<BTreeSet<_>>(),
                })
            }),
            Err(error) => {
                unreadable.insert("notifications".to_string(), error.to_string());
                None
            }
        };
    let key_manager = match key_manager {
        Ok(manager) => manager,
        Err(error) => {
            unreadable.insert("key_manager".to_string(), error.to_string());
            None
        }
    };
    Ok(VaultState {
        name: summary.name,
        arn: summary.arn,
        kms_key: summary.kms_key,
        key_manager,
        lock: summary.lock,
        access_policy,
        notifications,
        unreadable,
        tags: BTreeMap::new(),
    })
}

/// Who manages a key (`CUSTOMER` or `AWS`), from KMS DescribeKey; `None` without a key.
async fn key_manager(env: &Environment, key: Option<&str>) -> Result<Option<String>> {
    let Some(key) = key else {
        return Ok(None);
    };
    let described =
        env.kms()
            .describe_key()
            .key_id(key)
            .send()
            .await
            .aws("kms", "DescribeKey", key)?;
    Ok(described
        .key_metadata()
        .and_then(|metadata| metadata.key_manager())
        .map(|manager| manager.as_str().to_string()))
}

/// Creates the vault, encrypted and tagged (an existing vault of the name is left for the
/// caller to read back and finish), and returns its ARN.
pub(crate) async fn create_vault(ctx: &Ctx<'_>, desired: &VaultState) -> Result<String> {
    let tags: HashMap<String, String> = desired.tags.clone().into_iter().collect();
    let created = ctx
        .env
        .backup()
        .create_backup_vault()
        .backup_vault_name(&desired.name)
        .set_encryption_key_arn(desired.kms_key.clone())
        .set_backup_vault_tags(Some(tags))
        .creator_request_id(format!("{}-{}", ctx.scope.stack, desired.name))
        .send()
        .await
        .aws_optional(
            SERVICE,
            "CreateBackupVault",
            &desired.name,
            &["AlreadyExistsException"],
        )?;
    Ok(created
        .and_then(|created| created.backup_vault_arn().map(str::to_string))
        .unwrap_or_else(|| desired.arn.clone()))
}

/// Brings the changed settings to their desired values: tags, lock and notifications first,
/// the guarding policy last (once it is in place only the break-glass role may change the
/// others).
pub(crate) async fn update_vault(
    ctx: &Ctx<'_>,
    live: &VaultState,
    desired: &VaultState,
    changeable_for_days: u32,
    changed: &(dyn Fn(&str) -> bool + Sync),
) -> Result<()> {
    let backup = ctx.env.backup();
    let name = live.name.as_str();
    if changed("tags.") {
        let tags: HashMap<String, String> = desired
            .tags
            .iter()
            .filter(|(key, _)| changed(&format!("tags.{key}")))
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect();
        backup
            .tag_resource()
            .resource_arn(&live.arn)
            .set_tags(Some(tags))
            .send()
            .await
            .aws(SERVICE, "TagResource", name)?;
    }
    if changed("lock.")
        && let Some(lock) = &desired.lock
    {
        let days = |value: Option<u32>| value.map(i64::from);
        backup
            .put_backup_vault_lock_configuration()
            .backup_vault_name(name)
            .set_min_retention_days(days(lock.min_retention_days))
            .set_max_retention_days(days(lock.max_retention_days))
            .changeable_for_days(i64::from(changeable_for_days))
            .send()
            .await
            .aws(SERVICE, "PutBackupVaultLockConfiguration", name)?;
    }
    if changed("notifications.")
        && let Some(notifications) = &desired.notifications
    {
        backup
            .put_backup_vault_notifications()
            .backup_vault_name(name)
            .sns_topic_arn(&notifications.topic_arn)
            .set_backup_vault_events(Some(
                notifications
                    .events
                    .iter()
                    .map(|event| BackupVaultEvent::from(event.as_str()))
                    .collect(),
            ))
            .send()
            .await
            .aws(SERVICE, "PutBackupVaultNotifications", name)?;
    }
    if changed("access_policy")
        && let Some(policy) = &desired.access_policy
    {
        backup
            .put_backup_vault_access_policy()
            .backup_vault_name(name)
            .policy(policy.to_json())
            .send()
            .await
            .aws(SERVICE, "PutBackupVaultAccessPolicy", name)?;
    }
    Ok(())
}

/// Deletes the vault (gone already is fine). AWS refuses while it holds recovery points or
/// once its compliance lock is fixed; that refusal is returned as is.
pub(crate) async fn delete_vault(ctx: &Ctx<'_>, name: &str) -> Result<()> {
    ctx.env
        .backup()
        .delete_backup_vault()
        .backup_vault_name(name)
        .send()
        .await
        .aws_optional(SERVICE, "DeleteBackupVault", name, NOT_FOUND)?;
    Ok(())
}
