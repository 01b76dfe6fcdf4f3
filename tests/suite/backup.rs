//! AWS Backup against the local endpoint: a locked, guarded vault in the stack's region and a
//! copy vault (with its own key and topic) in a second region, and a plan protecting a bucket.
//!
//! - apply makes every resource, in its region, with every setting (read back with the SDK);
//!   verify passes every control; a second apply changes nothing;
//! - tampering behind the library's back (the guard removed, a rule shortened to 7 days, the
//!   notifications removed) is failed by verify with the control id, and restored by apply;
//! - destroy keeps the vaults without consent (they hold PHI backups).
//!
//! moto does not serve vault policies, notifications, selections or plan updates: the
//! endpoint's compatibility layer emulates them (`src/local/endpoint/backup.py`). No backup
//! job ever runs there, so recovery points, copies and the lock's cooling-off are not
//! exercised; the lock's settings are.

use hipaa_aws::constructs::backup::{CONTINUOUS_RULE, DAILY_RULE, FAILURE_EVENTS};
use hipaa_aws::prelude::*;
use hipaa_aws::stack::Removal;
use hipaa_aws::LogicalId;

use crate::support::findings::verify_failures;
use crate::support::{account, TestAccount};

const WEST: &str = "us-west-2";

struct Backups {
    stack: Stack,
    bucket: String,
}

fn backups(test: &TestAccount) -> Backups {
    let key = HipaaKey::builder().alias("backup").build().expect("key");
    let topic = AlarmTopic::builder()
        .name("backup-failures")
        .key(&key)
        .build()
        .expect("topic");
    let west_key = HipaaKey::builder()
        .alias("backup-west")
        .region(WEST)
        .build()
        .expect("west key");
    let west_topic = AlarmTopic::builder()
        .name("backup-failures-west")
        .key(&west_key)
        .region(WEST)
        .build()
        .expect("west topic");
    let break_glass = HipaaRole::builder()
        .name("break-glass")
        .trust(Trust::this_account().with_mfa())
        .build()
        .expect("role");
    let vault = BackupVault::builder()
        .name("phi-backups")
        .key(&key)
        .break_glass_role(&break_glass)
        .failures_to(&topic)
        .build()
        .expect("vault");
    let copies = BackupVault::builder()
        .name("phi-backups-west")
        .key(&west_key)
        .break_glass_role(&break_glass)
        .failures_to(&west_topic)
        .region(WEST)
        .build()
        .expect("copy vault");
    let data_key = HipaaKey::builder().alias("phi").build().expect("key");
    let logs = LogBucket::builder()
        .name(test.bucket("logs"))
        .key(&data_key)
        .build()
        .expect("logs");
    let bucket = test.bucket("phi");
    let data = EncryptedBucket::builder()
        .name(bucket.clone())
        .key(&data_key)
        .access_logs(&logs)
        .build()
        .expect("bucket");
    let plan = BackupPlan::builder()
        .name("phi-daily")
        .vault(&vault)
        .copy_to(&copies)
        .protect(&data)
        .protect_tagged("hipaa-aws:backup", "daily")
        .build()
        .expect("plan");
    // A bucket built after the plan declares it: the plan selects it by the plan's tag.
    let declared = EncryptedBucket::builder()
        .name(test.bucket("declared"))
        .key(&data_key)
        .access_logs(&logs)
        .backed_up_by(&plan)
        .build()
        .expect("declaring bucket");
    let stack = Stack::builder("backups")
        .with(key)
        .with(topic)
        .with(west_key)
        .with(west_topic)
        .with(break_glass)
        .with(vault)
        .with(copies)
        .with(data_key)
        .with(logs)
        .with(data)
        .with(declared)
        .with(plan)
        .build()
        .expect("stack");
    Backups { stack, bucket }
}

fn backup_client(test: &TestAccount, region: &str) -> aws_sdk_backup::Client {
    let config = aws_sdk_backup::config::Builder::from(&test.sdk_config)
        .region(aws_sdk_backup::config::Region::new(region.to_string()))
        .build();
    aws_sdk_backup::Client::from_conf(config)
}

#[tokio::test]
async fn backup_vaults_in_two_regions_and_a_plan_are_made_verified_and_kept() {
    let test = account().await;
    let env = &test.env;
    let b = backups(&test);
    b.stack.apply(env).await.expect("apply");

    // Read back with the SDK, each vault in its own region.
    let east = backup_client(&test, "us-east-1");
    let west = backup_client(&test, WEST);
    let vault = east
        .describe_backup_vault()
        .backup_vault_name("phi-backups")
        .send()
        .await
        .expect("vault in us-east-1");
    assert_eq!(vault.locked(), Some(true));
    assert_eq!(vault.min_retention_days(), Some(35));
    assert_eq!(vault.max_retention_days(), Some(3653));
    assert!(
        vault.lock_date().is_some(),
        "compliance mode sets a lock date"
    );
    assert!(
        vault
            .encryption_key_arn()
            .is_some_and(|key| key.contains(":us-east-1:")),
        "{:?}",
        vault.encryption_key_arn()
    );
    let copy = west
        .describe_backup_vault()
        .backup_vault_name("phi-backups-west")
        .send()
        .await
        .expect("copy vault in us-west-2");
    assert!(copy
        .encryption_key_arn()
        .is_some_and(|key| key.contains(":us-west-2:")));
    assert!(
        east.describe_backup_vault()
            .backup_vault_name("phi-backups-west")
            .send()
            .await
            .is_err(),
        "the copy vault is not in the stack's region"
    );
    let policy = east
        .get_backup_vault_access_policy()
        .backup_vault_name("phi-backups")
        .send()
        .await
        .expect("policy");
    assert!(policy
        .policy()
        .is_some_and(|p| p.contains("DeleteRecoveryPoint") && p.contains("break-glass")));
    let notifications = west
        .get_backup_vault_notifications()
        .backup_vault_name("phi-backups-west")
        .send()
        .await
        .expect("notifications");
    assert!(notifications
        .sns_topic_arn()
        .is_some_and(|t| t.contains(":us-west-2:") && t.ends_with(":backup-failures-west")));
    assert_eq!(
        notifications.backup_vault_events().len(),
        FAILURE_EVENTS.len()
    );

    let plans = east.list_backup_plans().send().await.expect("plans");
    let plan = plans
        .backup_plans_list()
        .iter()
        .find(|p| p.backup_plan_name() == Some("phi-daily"))
        .expect("plan listed");
    let plan_id = plan.backup_plan_id().expect("id").to_string();
    let document = east
        .get_backup_plan()
        .backup_plan_id(&plan_id)
        .send()
        .await
        .expect("plan");
    let rules = document.backup_plan().expect("document").rules();
    let names: Vec<&str> = rules.iter().map(|r| r.rule_name()).collect();
    assert_eq!(names, [DAILY_RULE, CONTINUOUS_RULE]);
    for rule in rules {
        assert_eq!(
            rule.lifecycle().and_then(|l| l.delete_after_days()),
            Some(35)
        );
        let copies = rule.copy_actions();
        assert_eq!(copies.len(), 1);
        assert!(copies[0]
            .destination_backup_vault_arn()
            .contains(":us-west-2:"));
    }
    assert_eq!(rules[1].enable_continuous_backup(), Some(true));
    let selections = east
        .list_backup_selections()
        .backup_plan_id(&plan_id)
        .send()
        .await
        .expect("selections");
    let selection_id = selections.backup_selections_list()[0]
        .selection_id()
        .expect("id")
        .to_string();
    let selection = east
        .get_backup_selection()
        .backup_plan_id(&plan_id)
        .selection_id(&selection_id)
        .send()
        .await
        .expect("selection");
    let selection = selection.backup_selection().expect("selection");
    assert_eq!(
        selection.resources(),
        [format!("arn:aws:s3:::{}", b.bucket)]
    );
    assert!(selection
        .iam_role_arn()
        .ends_with(":role/hipaa-aws/phi-daily-backup"));
    let mut selected_tags: Vec<(&str, &str)> = selection
        .list_of_tags()
        .iter()
        .map(|condition| (condition.condition_key(), condition.condition_value()))
        .collect();
    selected_tags.sort();
    assert_eq!(
        selected_tags,
        [
            ("hipaa-aws:backup", "daily"),
            (hipaa_aws::env::BACKUP_PLAN_TAG, "phi-daily")
        ],
        "the plan selects its own tag beside the ones it was given"
    );
    let declared_tags = test
        .env
        .s3()
        .get_bucket_tagging()
        .bucket(test.bucket("declared"))
        .send()
        .await
        .expect("tags of the declaring bucket");
    assert!(
        declared_tags
            .tag_set()
            .iter()
            .any(|tag| tag.key() == hipaa_aws::env::BACKUP_PLAN_TAG && tag.value() == "phi-daily"),
        "{:?}",
        declared_tags.tag_set()
    );
    let attached = test
        .env
        .iam()
        .list_attached_role_policies()
        .role_name("phi-daily-backup")
        .send()
        .await
        .expect("role policies");
    assert_eq!(
        attached.attached_policies().len(),
        4,
        "backup, restore and their S3 forms"
    );

    let report = b.stack.verify(env).await.expect("verify");
    assert!(report.passed(), "{:#?}", verify_failures(&report));
    for control in [
        ControlId::BackupRecoveryPointEncrypted,
        ControlId::BackupVaultLockCompliance,
        ControlId::BackupRecoveryPointManualDeletionDisabled,
        ControlId::BackupVaultPolicyGuarded,
        ControlId::BackupFailuresNotified,
        ControlId::BackupPlanMinFrequencyAndMinRetentionCheck,
        ControlId::BackupCrossRegionCopy,
    ] {
        assert!(
            report
                .checks()
                .any(|(_, check)| check.control == control && check.status == Status::Pass),
            "verify judged {control}"
        );
    }
    let again = b.stack.plan(env).await.expect("plan");
    assert!(
        again.is_empty(),
        "a second plan changes nothing: {again:#?}"
    );

    // Tampering behind the library's back.
    east.delete_backup_vault_access_policy()
        .backup_vault_name("phi-backups")
        .send()
        .await
        .expect("policy removed");
    west.delete_backup_vault_notifications()
        .backup_vault_name("phi-backups-west")
        .send()
        .await
        .expect("notifications removed");
    let mut shortened =
        aws_sdk_backup::types::BackupPlanInput::builder().backup_plan_name("phi-daily");
    for rule in rules {
        shortened = shortened.rules(
            aws_sdk_backup::types::BackupRuleInput::builder()
                .rule_name(rule.rule_name())
                .target_backup_vault_name(rule.target_backup_vault_name())
                .schedule_expression("cron(0 5 ? * MON-FRI *)")
                .lifecycle(
                    aws_sdk_backup::types::Lifecycle::builder()
                        .delete_after_days(7)
                        .build(),
                )
                .build()
                .expect("rule"),
        );
    }
    east.update_backup_plan()
        .backup_plan_id(&plan_id)
        .backup_plan(shortened.build().expect("plan input"))
        .send()
        .await
        .expect("plan shortened");
    let report = b.stack.verify(env).await.expect("verify");
    let failed: Vec<(String, ControlId)> = report
        .failures()
        .into_iter()
        .map(|(resource, check)| (resource.name.clone(), check.control))
        .collect();
    for expected in [
        (
            "phi-backups",
            ControlId::BackupRecoveryPointManualDeletionDisabled,
        ),
        ("phi-backups", ControlId::BackupVaultPolicyGuarded),
        ("phi-backups-west", ControlId::BackupFailuresNotified),
        (
            "phi-daily",
            ControlId::BackupPlanMinFrequencyAndMinRetentionCheck,
        ),
        ("phi-daily", ControlId::BackupCrossRegionCopy),
    ] {
        assert!(
            failed
                .iter()
                .any(|(name, control)| name == expected.0 && *control == expected.1),
            "verify fails {expected:?}: {failed:#?}"
        );
    }
    b.stack.apply(env).await.expect("restore");
    let restored = b.stack.verify(env).await.expect("verify");
    assert!(restored.passed(), "{:#?}", verify_failures(&restored));

    // Destroy without consent keeps the vaults (and the bucket): they hold PHI.
    let removed = b
        .stack
        .destroy(env, &DestroyOptions::new())
        .await
        .expect("destroy");
    for kept in ["phi-backups", "phi-backups-west"] {
        let id = LogicalId::new("backup-vault", kept);
        assert!(
            matches!(
                removed.resource(&id).map(|resource| &resource.removal),
                Some(Removal::Kept(_))
            ),
            "{kept} kept: {removed}"
        );
    }
    assert!(
        east.describe_backup_vault()
            .backup_vault_name("phi-backups")
            .send()
            .await
            .is_ok(),
        "the vault still exists"
    );
}
