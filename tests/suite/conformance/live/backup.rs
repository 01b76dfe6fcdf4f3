//! AWS Backup live cases: vaults and plans made by hand (guarded and locked, open, governance
//! lock at 34 days, a guard exempting every role; a daily plan copying to us-west-2, a
//! weekday plan of 34 days copying within its region) and databases, volumes and instances
//! selected by ARN, by tag, excluded by `NotResources` or by a condition, judged by one audit.
//!
//! The endpoint runs no backup job, so recovery points (and their encryption) are judged on
//! the vault that would hold them.

use aws_sdk_backup::types::{
    BackupPlanInput, BackupRuleInput, BackupSelection, BackupVaultEvent, Condition as TagCondition,
    ConditionParameter, ConditionType, Conditions, CopyAction, Lifecycle,
};
use hipaa_aws::constructs::backup::{vault_guard_policy, FAILURE_EVENTS};
use hipaa_aws::controls::Service;
use hipaa_aws::policy::{Condition, PolicyDocument, Principal, Statement};
use hipaa_aws::{ControlId as C, Status};

use super::{audit, found, Case, Path};
use crate::support::{account, REGION};

const F: &str = "backup";

fn days(value: i64) -> Lifecycle {
    Lifecycle::builder().delete_after_days(value).build()
}

fn rule(name: &str, vault: &str, schedule: &str, keep: i64, copy_to: &str) -> BackupRuleInput {
    BackupRuleInput::builder()
        .rule_name(name)
        .target_backup_vault_name(vault)
        .schedule_expression(schedule)
        .lifecycle(days(keep))
        .copy_actions(
            CopyAction::builder()
                .destination_backup_vault_arn(copy_to)
                .lifecycle(days(keep))
                .build()
                .expect("copy"),
        )
        .build()
        .expect("rule")
}

pub(super) async fn family() -> Vec<Case> {
    let main = account().await;
    let account_id = main.env.account_id().to_string();
    let backup = aws_sdk_backup::Client::new(&main.sdk_config);
    let ec2 = aws_sdk_ec2::Client::new(&main.sdk_config);
    let rds = aws_sdk_rds::Client::new(&main.sdk_config);
    let key = main
        .kms()
        .create_key()
        .send()
        .await
        .expect("key")
        .key_metadata
        .and_then(|m| m.arn)
        .expect("key arn");
    let role = format!("arn:aws:iam::{account_id}:role/break-glass");
    let topic = format!("arn:aws:sns:{REGION}:{account_id}:backup-failures");
    let vault_arn =
        |name: &str| format!("arn:aws:backup:{REGION}:{account_id}:backup-vault:{name}");

    // Vaults.
    for (name, encrypted) in [
        ("guarded", true),
        ("open", false),
        ("governance", true),
        ("pattern", true),
    ] {
        let mut create = backup.create_backup_vault().backup_vault_name(name);
        if encrypted {
            create = create.encryption_key_arn(&key);
        }
        create.send().await.expect("vault");
    }
    backup
        .put_backup_vault_lock_configuration()
        .backup_vault_name("guarded")
        .min_retention_days(35)
        .max_retention_days(3653)
        .changeable_for_days(3)
        .send()
        .await
        .expect("lock");
    backup
        .put_backup_vault_lock_configuration()
        .backup_vault_name("governance")
        .min_retention_days(34)
        .max_retention_days(3653)
        .send()
        .await
        .expect("governance lock");
    backup
        .put_backup_vault_access_policy()
        .backup_vault_name("guarded")
        .policy(vault_guard_policy(&role).to_json())
        .send()
        .await
        .expect("guard");
    let every_role = PolicyDocument::new(vec![Statement::deny()
        .principal(Principal::any_aws())
        .actions(["backup:*"])
        .resources(["*"])
        .when(Condition::arn_like(
            "aws:PrincipalArn",
            [format!("arn:aws:iam::{account_id}:role/*")],
        ))]);
    backup
        .put_backup_vault_access_policy()
        .backup_vault_name("pattern")
        .policy(every_role.to_json())
        .send()
        .await
        .expect("pattern guard");
    backup
        .put_backup_vault_notifications()
        .backup_vault_name("guarded")
        .sns_topic_arn(&topic)
        .set_backup_vault_events(Some(
            FAILURE_EVENTS
                .iter()
                .map(|e| BackupVaultEvent::from(*e))
                .collect(),
        ))
        .send()
        .await
        .expect("notifications");
    backup
        .put_backup_vault_notifications()
        .backup_vault_name("governance")
        .sns_topic_arn(&topic)
        .backup_vault_events(BackupVaultEvent::BackupJobCompleted)
        .send()
        .await
        .expect("some notifications");

    // Plans.
    let west = format!("arn:aws:backup:us-west-2:{account_id}:backup-vault:copies");
    let daily = backup
        .create_backup_plan()
        .backup_plan(
            BackupPlanInput::builder()
                .backup_plan_name("daily")
                .rules(rule("daily", "guarded", "cron(0 5 ? * * *)", 35, &west))
                .build()
                .expect("plan"),
        )
        .send()
        .await
        .expect("daily plan");
    let weekdays = backup
        .create_backup_plan()
        .backup_plan(
            BackupPlanInput::builder()
                .backup_plan_name("weekdays")
                .rules(rule(
                    "weekdays",
                    "guarded",
                    "cron(0 5 ? * MON-FRI *)",
                    34,
                    &vault_arn("open"),
                ))
                .build()
                .expect("plan"),
        )
        .send()
        .await
        .expect("weekday plan");
    let daily_arn = daily.backup_plan_arn().expect("arn").to_string();
    let weekdays_arn = weekdays.backup_plan_arn().expect("arn").to_string();

    // What the plans select.
    let db = |name: &str| format!("arn:aws:rds:{REGION}:{account_id}:db:{name}");
    for name in ["in-plan", "not-in-plan"] {
        rds.create_db_instance()
            .db_instance_identifier(name)
            .engine("postgres")
            .db_instance_class("db.t3.micro")
            .allocated_storage(20)
            .master_username("conformance")
            .manage_master_user_password(true)
            .storage_encrypted(true)
            .send()
            .await
            .expect("database");
    }
    // Aurora clusters: one carrying the tag the daily plan selects, one in no plan.
    let cluster = |name: &str| format!("arn:aws:rds:{REGION}:{account_id}:cluster:{name}");
    for (name, tagged) in [("aurora-in-plan", true), ("aurora-not-in-plan", false)] {
        let mut create = rds
            .create_db_cluster()
            .db_cluster_identifier(name)
            .engine("aurora-postgresql")
            .master_username("conformance")
            .master_user_password("conformance-password-1")
            .storage_encrypted(true);
        if tagged {
            create = create.tags(
                aws_sdk_rds::types::Tag::builder()
                    .key("backup")
                    .value("daily")
                    .build(),
            );
        }
        create.send().await.expect("aurora cluster");
    }
    let volume = |tag: Option<(&str, &str)>| {
        let ec2 = ec2.clone();
        let account_id = account_id.clone();
        let tag = tag.map(|(k, v)| (k.to_string(), v.to_string()));
        async move {
            let mut create = ec2
                .create_volume()
                .availability_zone(format!("{REGION}a"))
                .size(8)
                .encrypted(true);
            if let Some((key, value)) = tag {
                create = create.tag_specifications(
                    aws_sdk_ec2::types::TagSpecification::builder()
                        .resource_type(aws_sdk_ec2::types::ResourceType::Volume)
                        .tags(
                            aws_sdk_ec2::types::Tag::builder()
                                .key(key)
                                .value(value)
                                .build(),
                        )
                        .build(),
                );
            }
            let id = create.send().await.expect("volume").volume_id.expect("id");
            format!("arn:aws:ec2:{REGION}:{account_id}:volume/{id}")
        }
    };
    let tagged = volume(Some(("backup", "daily"))).await;
    let untagged = volume(None).await;
    let excluded = volume(Some(("tier", "scratch"))).await;
    let unconditioned = volume(Some(("phi", "false"))).await;
    let selection = |name: &str| {
        BackupSelection::builder()
            .selection_name(name)
            .iam_role_arn(format!("arn:aws:iam::{account_id}:role/backup"))
    };
    let daily_id = daily.backup_plan_id().expect("id").to_string();
    let weekdays_id = weekdays.backup_plan_id().expect("id").to_string();
    backup
        .create_backup_selection()
        .backup_plan_id(&daily_id)
        .backup_selection(
            selection("by-arn-and-tag")
                .resources(db("in-plan"))
                .list_of_tags(
                    TagCondition::builder()
                        .condition_type(ConditionType::Stringequals)
                        .condition_key("backup")
                        .condition_value("daily")
                        .build()
                        .expect("tag"),
                )
                .build()
                .expect("selection"),
        )
        .send()
        .await
        .expect("selection");
    backup
        .create_backup_selection()
        .backup_plan_id(&weekdays_id)
        .backup_selection(
            selection("volumes-but-scratch")
                .resources(format!("arn:aws:ec2:{REGION}:{account_id}:volume/*"))
                .not_resources(excluded.clone())
                .conditions(
                    Conditions::builder()
                        .string_not_equals(
                            ConditionParameter::builder()
                                .condition_key("aws:ResourceTag/phi")
                                .condition_value("false")
                                .build(),
                        )
                        .build(),
                )
                .build()
                .expect("selection"),
        )
        .send()
        .await
        .expect("selection");

    let ami = ec2
        .describe_images()
        .owners("amazon")
        .send()
        .await
        .expect("images")
        .images
        .unwrap_or_default()
        .into_iter()
        .find_map(|i| i.image_id)
        .expect("an image");
    let instance = ec2
        .run_instances()
        .image_id(&ami)
        .min_count(1)
        .max_count(1)
        .send()
        .await
        .expect("instance")
        .instances
        .unwrap_or_default()
        .into_iter()
        .find_map(|i| i.instance_id)
        .expect("instance id");
    let instance = format!("arn:aws:ec2:{REGION}:{account_id}:instance/{instance}");

    let report = audit(
        &main.env,
        &[Service::Backup, Service::Rds, Service::Ebs, Service::Ec2],
    )
    .await;
    let on = |arn: &str| found(&report, arn);
    let case = |name: &str, control: C, expected: Status, arn: &str| {
        Case::live(
            F,
            Path::Audit,
            format!("audit: {name}"),
            control,
            expected,
            on(arn),
        )
    };
    vec![
        case(
            "vault with a customer key",
            C::BackupRecoveryPointEncrypted,
            Status::Pass,
            &vault_arn("guarded"),
        ),
        case(
            "vault without a key",
            C::BackupRecoveryPointEncrypted,
            Status::Fail,
            &vault_arn("open"),
        ),
        case(
            "compliance lock",
            C::BackupVaultLockCompliance,
            Status::Pass,
            &vault_arn("guarded"),
        ),
        case(
            "governance lock",
            C::BackupVaultLockCompliance,
            Status::Fail,
            &vault_arn("governance"),
        ),
        case(
            "no lock",
            C::BackupVaultLockCompliance,
            Status::Fail,
            &vault_arn("open"),
        ),
        case(
            "lock minimum 35",
            C::BackupRecoveryPointMinimumRetentionCheck,
            Status::Pass,
            &vault_arn("guarded"),
        )
        .edge(),
        case(
            "lock minimum 34",
            C::BackupRecoveryPointMinimumRetentionCheck,
            Status::Fail,
            &vault_arn("governance"),
        )
        .edge(),
        case(
            "guard exempting one role",
            C::BackupRecoveryPointManualDeletionDisabled,
            Status::Pass,
            &vault_arn("guarded"),
        ),
        case(
            "guard exempting one role (policy)",
            C::BackupVaultPolicyGuarded,
            Status::Pass,
            &vault_arn("guarded"),
        ),
        case(
            "no access policy",
            C::BackupRecoveryPointManualDeletionDisabled,
            Status::Fail,
            &vault_arn("open"),
        ),
        case(
            "guard exempting every role",
            C::BackupRecoveryPointManualDeletionDisabled,
            Status::Fail,
            &vault_arn("pattern"),
        )
        .edge(),
        case(
            "guard exempting every role (policy)",
            C::BackupVaultPolicyGuarded,
            Status::Fail,
            &vault_arn("pattern"),
        )
        .edge(),
        case(
            "failures notified",
            C::BackupFailuresNotified,
            Status::Pass,
            &vault_arn("guarded"),
        ),
        case(
            "only completed jobs notified",
            C::BackupFailuresNotified,
            Status::Fail,
            &vault_arn("governance"),
        )
        .edge(),
        case(
            "no notifications",
            C::BackupFailuresNotified,
            Status::Fail,
            &vault_arn("open"),
        ),
        case(
            "daily plan of 35 days",
            C::BackupPlanMinFrequencyAndMinRetentionCheck,
            Status::Pass,
            &daily_arn,
        )
        .edge(),
        case(
            "weekday plan of 34 days",
            C::BackupPlanMinFrequencyAndMinRetentionCheck,
            Status::Fail,
            &weekdays_arn,
        )
        .edge(),
        case(
            "copies kept 34 days",
            C::BackupRecoveryPointMinimumRetentionCheck,
            Status::Fail,
            &weekdays_arn,
        )
        .edge(),
        case(
            "copy to us-west-2",
            C::BackupCrossRegionCopy,
            Status::Pass,
            &daily_arn,
        ),
        case(
            "copy within us-east-1",
            C::BackupCrossRegionCopy,
            Status::Fail,
            &weekdays_arn,
        ),
        case(
            "database selected by ARN",
            C::RdsInBackupPlan,
            Status::Pass,
            &db("in-plan"),
        ),
        case(
            "database in no plan",
            C::RdsInBackupPlan,
            Status::Fail,
            &db("not-in-plan"),
        ),
        case(
            "Aurora cluster selected by tag",
            C::AuroraResourcesProtectedByBackupPlan,
            Status::Pass,
            &cluster("aurora-in-plan"),
        ),
        case(
            "Aurora cluster in no plan",
            C::AuroraResourcesProtectedByBackupPlan,
            Status::Fail,
            &cluster("aurora-not-in-plan"),
        ),
        case(
            "volume selected by tag",
            C::EbsInBackupPlan,
            Status::Pass,
            &tagged,
        ),
        case(
            "volume selected by a pattern",
            C::EbsInBackupPlan,
            Status::Pass,
            &untagged,
        ),
        case(
            "volume excluded by NotResources",
            C::EbsInBackupPlan,
            Status::Fail,
            &excluded,
        )
        .edge(),
        case(
            "volume failing the selection's condition",
            C::EbsInBackupPlan,
            Status::Fail,
            &unconditioned,
        )
        .edge(),
        case(
            "instance in no plan",
            C::Ec2ResourcesProtectedByBackupPlan,
            Status::Fail,
            &instance,
        ),
    ]
}
