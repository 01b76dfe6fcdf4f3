//! AWS Backup: a vault's key, lock and retention, the Denies of its access policy and who they
//! exempt (disguised as patterns, narrowed by conditions, exempting a wildcard or a second
//! principal), its notifications; a plan's schedule, retention, copies and cross-region copy;
//! names; and `build()` of both constructs at their boundaries.

use std::collections::{BTreeMap, BTreeSet};

use hipaa_aws::constructs::backup::{
    backup_name_problem, evaluate_plan, evaluate_protection, evaluate_vault, vault_guard_policy,
    CopyState, PlanExpectations, PlanState, RuleState, SelectionCondition, SelectionState,
    VaultExpectations, VaultLock, VaultNotifications, VaultState, FAILURE_EVENTS,
};
use hipaa_aws::policy::{Condition, PolicyDocument, Principal, Statement};
use hipaa_aws::prelude::*;
use hipaa_aws::{ControlId as C, Status};

use super::Case;

const F: &str = "backup";
const ROLE: &str = "arn:aws:iam::111122223333:role/hipaa-aws/break-glass";
const TOPIC: &str = "arn:aws:sns:us-east-1:111122223333:backup-failures";
const WEST_VAULT: &str = "arn:aws:backup:us-west-2:111122223333:backup-vault:copies";
const EAST_VAULT: &str = "arn:aws:backup:us-east-1:111122223333:backup-vault:other";

fn vault() -> VaultState {
    VaultState {
        name: "phi".into(),
        arn: "arn:aws:backup:us-east-1:111122223333:backup-vault:phi".into(),
        kms_key: Some("arn:aws:kms:us-east-1:111122223333:key/k".into()),
        key_manager: Some("CUSTOMER".into()),
        lock: Some(VaultLock {
            min_retention_days: Some(35),
            max_retention_days: Some(3653),
            compliance: true,
        }),
        access_policy: Some(vault_guard_policy(ROLE)),
        notifications: Some(VaultNotifications {
            topic_arn: TOPIC.into(),
            events: FAILURE_EVENTS.iter().map(|e| e.to_string()).collect(),
        }),
        unreadable: BTreeMap::new(),
        tags: BTreeMap::new(),
    }
}

fn expect() -> VaultExpectations<'static> {
    VaultExpectations {
        break_glass_role: Some(ROLE),
        topic_arn: Some(TOPIC),
    }
}

fn judge_vault(
    name: &str,
    control: C,
    expected: Status,
    expectations: VaultExpectations<'_>,
    change: impl FnOnce(&mut VaultState),
) -> Case {
    let mut state = vault();
    change(&mut state);
    Case::eval(
        F,
        "constructs::backup::evaluate_vault",
        name,
        control,
        expected,
        evaluate_vault(&state, &expectations),
    )
}

/// A vault whose policy is one Deny of every guarded action for everyone, shaped by `shape`.
fn deny_policy(shape: impl FnOnce(Statement) -> Statement) -> PolicyDocument {
    let mut actions: Vec<&str> = hipaa_aws::constructs::backup::DELETION_ACTIONS.to_vec();
    actions.extend(hipaa_aws::constructs::backup::GUARD_ACTIONS);
    PolicyDocument::new(vec![shape(
        Statement::deny()
            .sid("Guard")
            .principal(Principal::any_aws())
            .actions(actions)
            .resources(["*"]),
    )])
}

fn exempting(values: &[&str]) -> impl FnOnce(Statement) -> Statement {
    let values: Vec<String> = values.iter().map(|v| v.to_string()).collect();
    move |statement| statement.when(Condition::arn_not_equals("aws:PrincipalArn", values))
}

fn policy_case(name: &str, expected: Status, policy: PolicyDocument) -> Vec<Case> {
    [
        C::BackupRecoveryPointManualDeletionDisabled,
        C::BackupVaultPolicyGuarded,
    ]
    .into_iter()
    .map(|control| {
        let policy = policy.clone();
        judge_vault(name, control, expected, expect(), move |s| {
            s.access_policy = Some(policy)
        })
        .edge()
    })
    .collect()
}

fn plan() -> PlanState {
    PlanState {
        name: "daily".into(),
        id: "p".into(),
        arn: "arn:aws:backup:us-east-1:111122223333:backup-plan:p".into(),
        region: "us-east-1".into(),
        rules: vec![RuleState {
            name: "daily".into(),
            vault_name: "phi".into(),
            schedule: "cron(0 5 ? * * *)".into(),
            delete_after_days: Some(35),
            continuous: false,
            copies: vec![CopyState {
                destination_vault_arn: WEST_VAULT.into(),
                delete_after_days: Some(35),
            }],
        }],
        selections: Vec::new(),
        tags: BTreeMap::new(),
    }
}

fn judge_plan(
    name: &str,
    control: C,
    expected: Status,
    reason: Option<&str>,
    change: impl FnOnce(&mut PlanState),
) -> Case {
    let mut state = plan();
    change(&mut state);
    Case::eval(
        F,
        "constructs::backup::evaluate_plan",
        name,
        control,
        expected,
        evaluate_plan(
            &state,
            &PlanExpectations {
                region: "us-east-1",
                no_copy_reason: reason,
            },
        ),
    )
}

fn rule(state: &mut PlanState) -> &mut RuleState {
    &mut state.rules[0]
}

fn name_case(name: &str, what: &str, value: &str, expected: Status) -> Case {
    let problem = backup_name_problem(what, value);
    Case::eval(
        F,
        "constructs::backup::backup_name_problem",
        name,
        C::BackupNameValid,
        expected,
        vec![hipaa_aws::Check::require(
            C::BackupNameValid,
            "name",
            problem.is_none(),
            "a valid name",
            problem.unwrap_or_default(),
        )],
    )
    .edge()
}

struct Parts {
    key: HipaaKey,
    topic: AlarmTopic,
    role: HipaaRole,
    west_key: HipaaKey,
    west_topic: AlarmTopic,
}

fn parts() -> Parts {
    let key = HipaaKey::builder().alias("backup").build().expect("key");
    let topic = AlarmTopic::builder()
        .name("backup-failures")
        .key(&key)
        .build()
        .expect("topic");
    let role = HipaaRole::builder()
        .name("break-glass")
        .trust(Trust::this_account().with_mfa())
        .build()
        .expect("role");
    let west_key = HipaaKey::builder()
        .alias("backup-west")
        .region("us-west-2")
        .build()
        .expect("key");
    let west_topic = AlarmTopic::builder()
        .name("backup-failures-west")
        .key(&west_key)
        .region("us-west-2")
        .build()
        .expect("topic");
    Parts {
        key,
        topic,
        role,
        west_key,
        west_topic,
    }
}

fn vault_build(
    parts: &Parts,
    name: &str,
    min: u32,
    max: u32,
    changeable: u32,
) -> hipaa_aws::Result<BackupVault> {
    BackupVault::builder()
        .name(name)
        .key(&parts.key)
        .break_glass_role(&parts.role)
        .failures_to(&parts.topic)
        .min_retention_days(min)
        .max_retention_days(max)
        .changeable_for_days(changeable)
        .build()
}

fn west_vault(parts: &Parts, min: u32) -> BackupVault {
    BackupVault::builder()
        .name("copies")
        .key(&parts.west_key)
        .break_glass_role(&parts.role)
        .failures_to(&parts.west_topic)
        .region("us-west-2")
        .min_retention_days(min)
        .build()
        .expect("west vault")
}

fn build_cases() -> Vec<Case> {
    use Status::*;
    let parts = parts();
    let phi = vault_build(&parts, "phi", 35, 3653, 3).expect("vault");
    let west = west_vault(&parts, 35);
    let same_region = BackupVault::builder()
        .name("same-region")
        .key(&parts.key)
        .break_glass_role(&parts.role)
        .failures_to(&parts.topic)
        .build()
        .expect("vault");
    let plan = |retention: u32, schedule: &str| {
        BackupPlan::builder()
            .name("daily")
            .vault(&phi)
            .copy_to(&west)
            .schedule(schedule)
            .retention_days(retention)
            .build()
    };
    vec![
        Case::build(
            F,
            "vault lock minimum 35 days",
            C::BackupRecoveryPointMinimumRetentionCheck,
            Pass,
            vault_build(&parts, "phi", 35, 3653, 3),
        )
        .edge(),
        Case::build(
            F,
            "vault lock minimum 34 days",
            C::BackupRecoveryPointMinimumRetentionCheck,
            Fail,
            vault_build(&parts, "phi", 34, 3653, 3),
        )
        .edge(),
        Case::build(
            F,
            "vault lock maximum 36500 days",
            C::BackupVaultLockCompliance,
            Pass,
            vault_build(&parts, "phi", 35, 36_500, 3),
        )
        .edge(),
        Case::build(
            F,
            "vault lock maximum 36501 days",
            C::BackupVaultLockCompliance,
            Fail,
            vault_build(&parts, "phi", 35, 36_501, 3),
        )
        .edge(),
        Case::build(
            F,
            "vault lock maximum below its minimum",
            C::BackupVaultLockCompliance,
            Fail,
            vault_build(&parts, "phi", 40, 39, 3),
        )
        .edge(),
        Case::build(
            F,
            "vault lock maximum equal to its minimum",
            C::BackupVaultLockCompliance,
            Pass,
            vault_build(&parts, "phi", 40, 40, 3),
        )
        .edge(),
        Case::build(
            F,
            "vault cooling-off 3 days",
            C::BackupVaultLockCompliance,
            Pass,
            vault_build(&parts, "phi", 35, 3653, 3),
        )
        .edge(),
        Case::build(
            F,
            "vault cooling-off 2 days",
            C::BackupVaultLockCompliance,
            Fail,
            vault_build(&parts, "phi", 35, 3653, 2),
        )
        .edge(),
        Case::build(
            F,
            "vault name of 51 characters",
            C::BackupNameValid,
            Fail,
            vault_build(&parts, &"v".repeat(51), 35, 3653, 3),
        )
        .edge(),
        Case::build(
            F,
            "plan retention 35 days",
            C::BackupRecoveryPointMinimumRetentionCheck,
            Pass,
            plan(35, "cron(0 5 ? * * *)"),
        )
        .edge(),
        Case::build(
            F,
            "plan retention 34 days",
            C::BackupPlanMinFrequencyAndMinRetentionCheck,
            Fail,
            plan(34, "cron(0 5 ? * * *)"),
        )
        .edge(),
        Case::build(
            F,
            "plan retention above the vault's lock maximum",
            C::BackupRecoveryPointMinimumRetentionCheck,
            Fail,
            plan(3654, "cron(0 5 ? * * *)"),
        )
        .edge(),
        Case::build(
            F,
            "plan runs on weekdays only",
            C::BackupPlanMinFrequencyAndMinRetentionCheck,
            Fail,
            plan(35, "cron(0 5 ? * MON-FRI *)"),
        )
        .edge(),
        Case::build(
            F,
            "plan runs every day",
            C::BackupPlanMinFrequencyAndMinRetentionCheck,
            Pass,
            plan(35, "cron(0 5 ? * SUN-SAT *)"),
        )
        .edge(),
        Case::build(
            F,
            "plan copies to another region",
            C::BackupCrossRegionCopy,
            Pass,
            plan(35, "cron(0 5 ? * * *)"),
        ),
        Case::build(
            F,
            "plan without a copy or a reason",
            C::BackupCrossRegionCopy,
            Fail,
            BackupPlan::builder().name("daily").vault(&phi).build(),
        ),
        Case::build(
            F,
            "plan copies within its own region",
            C::BackupCrossRegionCopy,
            Fail,
            BackupPlan::builder()
                .name("daily")
                .vault(&phi)
                .copy_to(&same_region)
                .build(),
        ),
        Case::build(
            F,
            "plan without a copy, reason of 9 characters",
            C::BackupCrossRegionCopy,
            Fail,
            BackupPlan::builder()
                .name("daily")
                .vault(&phi)
                .without_cross_region_copy("too short")
                .build(),
        )
        .edge(),
        Case::build(
            F,
            "plan without a copy, reason of 10 characters",
            C::BackupCrossRegionCopy,
            Pass,
            BackupPlan::builder()
                .name("daily")
                .vault(&phi)
                .without_cross_region_copy("sandbox db")
                .build(),
        )
        .edge(),
        Case::build(
            F,
            "continuous backup into a 36-day-minimum vault",
            C::BackupRecoveryPointMinimumRetentionCheck,
            Fail,
            BackupPlan::builder()
                .name("daily")
                .vault(&vault_build(&parts, "phi", 36, 3653, 3).expect("vault"))
                .copy_to(&west)
                .retention_days(36)
                .build(),
        )
        .edge(),
        Case::build(
            F,
            "no continuous backup into a 36-day-minimum vault",
            C::BackupRecoveryPointMinimumRetentionCheck,
            Pass,
            BackupPlan::builder()
                .name("daily")
                .vault(&vault_build(&parts, "phi", 36, 3653, 3).expect("vault"))
                .copy_to(&west_vault(&parts, 36))
                .retention_days(36)
                .continuous_backup(false)
                .build(),
        )
        .edge(),
    ]
}

fn selection() -> SelectionState {
    SelectionState {
        id: "s".into(),
        name: "protected".into(),
        role_arn: "arn:aws:iam::111122223333:role/hipaa-aws/daily-backup".into(),
        resources: vec!["arn:aws:ec2:us-east-1:111122223333:instance/*".into()],
        tags: Vec::new(),
        not_resources: Vec::new(),
        conditions: Vec::new(),
    }
}

const INSTANCE: &str = "arn:aws:ec2:us-east-1:111122223333:instance/i-1";

fn protection(
    name: &str,
    expected: Status,
    tags: &[(&str, &str)],
    change: impl FnOnce(&mut SelectionState),
) -> Case {
    let mut chosen = selection();
    change(&mut chosen);
    let mut state = plan();
    state.selections = vec![chosen];
    let tags = tags
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Case::eval(
        F,
        "constructs::backup::evaluate_protection",
        name,
        C::Ec2ResourcesProtectedByBackupPlan,
        expected,
        vec![evaluate_protection(
            C::Ec2ResourcesProtectedByBackupPlan,
            INSTANCE,
            &tags,
            &[state],
        )],
    )
}

fn protection_cases() -> Vec<Case> {
    use Status::*;
    let condition = |operator: &str, key: &str, value: &str| SelectionCondition {
        operator: operator.into(),
        key: key.into(),
        value: value.into(),
    };
    let mut cases = vec![
        protection("selected by an ARN pattern", Pass, &[], |_| {}),
        protection("pattern of another resource type", Fail, &[], |s| {
            s.resources = vec!["arn:aws:ec2:us-east-1:111122223333:volume/*".into()]
        })
        .edge(),
        protection("pattern of another account", Fail, &[], |s| {
            s.resources = vec!["arn:aws:ec2:us-east-1:444455556666:instance/*".into()]
        })
        .edge(),
        protection("selected by a tag", Pass, &[("backup", "daily")], |s| {
            s.resources.clear();
            s.tags = vec![("backup".into(), "daily".into())];
        }),
        protection(
            "selected by a tag written as aws:ResourceTag",
            Pass,
            &[("backup", "daily")],
            |s| {
                s.resources.clear();
                s.tags = vec![("aws:ResourceTag/backup".into(), "daily".into())];
            },
        ),
        protection("tag value differs", Fail, &[("backup", "weekly")], |s| {
            s.resources.clear();
            s.tags = vec![("backup".into(), "daily".into())];
        })
        .edge(),
        protection(
            "tag value differs only in case",
            Fail,
            &[("backup", "Daily")],
            |s| {
                s.resources.clear();
                s.tags = vec![("backup".into(), "daily".into())];
            },
        )
        .edge(),
        protection("ARN or tag: matched by the ARN", Pass, &[], |s| {
            s.tags = vec![("backup".into(), "daily".into())]
        }),
        protection("excluded by NotResources", Fail, &[], |s| {
            s.not_resources = vec![INSTANCE.into()]
        })
        .edge(),
        protection("excluded by a NotResources pattern", Fail, &[], |s| {
            s.not_resources = vec!["arn:aws:ec2:*:*:instance/i-*".into()]
        })
        .edge(),
        protection("condition met", Pass, &[("phi", "true")], |s| {
            s.conditions = vec![condition("StringEquals", "aws:ResourceTag/phi", "true")]
        }),
        protection("condition not met", Fail, &[("phi", "false")], |s| {
            s.conditions = vec![condition("StringEquals", "aws:ResourceTag/phi", "true")]
        })
        .edge(),
        protection(
            "one of two conditions not met",
            Fail,
            &[("phi", "true")],
            |s| {
                s.conditions = vec![
                    condition("StringEquals", "aws:ResourceTag/phi", "true"),
                    condition("StringLike", "aws:ResourceTag/team", "data-*"),
                ]
            },
        )
        .edge(),
        protection("StringNotLike met by a missing tag", Pass, &[], |s| {
            s.conditions = vec![condition(
                "StringNotLike",
                "aws:ResourceTag/tier",
                "scratch*",
            )]
        }),
        protection(
            "an operator the library does not know",
            Fail,
            &[("phi", "true")],
            |s| {
                s.conditions = vec![condition(
                    "StringEqualsIgnoreCase",
                    "aws:ResourceTag/phi",
                    "TRUE",
                )]
            },
        ),
        protection("a selection of everything", Pass, &[], |s| {
            s.resources.clear()
        }),
    ];
    let mut none = plan();
    none.selections.clear();
    cases.push(Case::eval(
        F,
        "constructs::backup::evaluate_protection",
        "no plan has a selection",
        C::RdsInBackupPlan,
        Fail,
        vec![evaluate_protection(
            C::RdsInBackupPlan,
            "arn:aws:rds:us-east-1:111122223333:db:x",
            &Default::default(),
            &[none],
        )],
    ));
    let mut by_db = plan();
    by_db.selections = vec![SelectionState {
        resources: vec!["arn:aws:rds:us-east-1:111122223333:db:x".into()],
        ..selection()
    }];
    cases.push(Case::eval(
        F,
        "constructs::backup::evaluate_protection",
        "a database selected by its ARN",
        C::RdsInBackupPlan,
        Pass,
        vec![evaluate_protection(
            C::RdsInBackupPlan,
            "arn:aws:rds:us-east-1:111122223333:db:x",
            &Default::default(),
            std::slice::from_ref(&by_db),
        )],
    ));
    cases.push(Case::eval(
        F,
        "constructs::backup::evaluate_protection",
        "a volume the database's selection does not name",
        C::EbsInBackupPlan,
        Fail,
        vec![evaluate_protection(
            C::EbsInBackupPlan,
            "arn:aws:ec2:us-east-1:111122223333:volume/vol-1",
            &Default::default(),
            std::slice::from_ref(&by_db),
        )],
    ));
    cases.push(Case::eval(
        F,
        "constructs::backup::evaluate_protection",
        "a volume selected by a pattern",
        C::EbsInBackupPlan,
        Pass,
        vec![evaluate_protection(
            C::EbsInBackupPlan,
            "arn:aws:ec2:us-east-1:111122223333:volume/vol-1",
            &Default::default(),
            &[PlanState {
                selections: vec![SelectionState {
                    resources: vec!["arn:aws:ec2:*:*:volume/*".into()],
                    ..selection()
                }],
                ..plan()
            }],
        )],
    ));
    const CLUSTER: &str = "arn:aws:rds:us-east-1:111122223333:cluster:records";
    cases.push(
        Case::eval(
            F,
            "constructs::backup::evaluate_protection",
            "an Aurora cluster beside a selection of one database",
            C::AuroraResourcesProtectedByBackupPlan,
            Fail,
            vec![evaluate_protection(
                C::AuroraResourcesProtectedByBackupPlan,
                CLUSTER,
                &Default::default(),
                std::slice::from_ref(&by_db),
            )],
        )
        .edge(),
    );
    cases.push(Case::eval(
        F,
        "constructs::backup::evaluate_protection",
        "an Aurora cluster selected by a cluster pattern",
        C::AuroraResourcesProtectedByBackupPlan,
        Pass,
        vec![evaluate_protection(
            C::AuroraResourcesProtectedByBackupPlan,
            CLUSTER,
            &Default::default(),
            &[PlanState {
                selections: vec![SelectionState {
                    resources: vec!["arn:aws:rds:*:*:cluster:*".into()],
                    ..selection()
                }],
                ..plan()
            }],
        )],
    ));
    cases.push(
        Case::eval(
            F,
            "constructs::backup::evaluate_protection",
            "an Aurora cluster against a database pattern",
            C::AuroraResourcesProtectedByBackupPlan,
            Fail,
            vec![evaluate_protection(
                C::AuroraResourcesProtectedByBackupPlan,
                CLUSTER,
                &Default::default(),
                &[PlanState {
                    selections: vec![SelectionState {
                        resources: vec!["arn:aws:rds:*:*:db:*".into()],
                        ..selection()
                    }],
                    ..plan()
                }],
            )],
        )
        .edge(),
    );
    cases
}

pub fn cases() -> Vec<Case> {
    use Status::*;
    let aws_managed_key = |s: &mut VaultState| s.key_manager = Some("AWS".into());
    let mut cases = vec![
        judge_vault(
            "customer key",
            C::BackupRecoveryPointEncrypted,
            Pass,
            expect(),
            |_| {},
        ),
        judge_vault(
            "AWS managed key",
            C::BackupRecoveryPointEncrypted,
            Fail,
            expect(),
            aws_managed_key,
        ),
        judge_vault(
            "no key",
            C::BackupRecoveryPointEncrypted,
            Fail,
            expect(),
            |s| s.kms_key = None,
        ),
        judge_vault(
            "key manager unread",
            C::BackupRecoveryPointEncrypted,
            Error,
            expect(),
            |s| {
                s.unreadable
                    .insert("key_manager".into(), "AccessDenied".into());
            },
        ),
        judge_vault(
            "compliance lock",
            C::BackupVaultLockCompliance,
            Pass,
            expect(),
            |_| {},
        ),
        judge_vault(
            "no lock",
            C::BackupVaultLockCompliance,
            Fail,
            expect(),
            |s| s.lock = None,
        ),
        judge_vault(
            "governance lock",
            C::BackupVaultLockCompliance,
            Fail,
            expect(),
            |s| {
                if let Some(lock) = &mut s.lock {
                    lock.compliance = false;
                }
            },
        ),
        judge_vault(
            "lock without a maximum",
            C::BackupVaultLockCompliance,
            Fail,
            expect(),
            |s| {
                if let Some(lock) = &mut s.lock {
                    lock.max_retention_days = None;
                }
            },
        ),
        judge_vault(
            "lock minimum 35",
            C::BackupRecoveryPointMinimumRetentionCheck,
            Pass,
            expect(),
            |_| {},
        )
        .edge(),
        judge_vault(
            "lock minimum 34",
            C::BackupRecoveryPointMinimumRetentionCheck,
            Fail,
            expect(),
            |s| {
                if let Some(lock) = &mut s.lock {
                    lock.min_retention_days = Some(34);
                }
            },
        )
        .edge(),
        judge_vault(
            "lock without a minimum",
            C::BackupRecoveryPointMinimumRetentionCheck,
            Fail,
            expect(),
            |s| {
                if let Some(lock) = &mut s.lock {
                    lock.min_retention_days = None;
                }
            },
        ),
        judge_vault(
            "no access policy",
            C::BackupRecoveryPointManualDeletionDisabled,
            Fail,
            expect(),
            |s| s.access_policy = None,
        ),
        judge_vault(
            "access policy unread",
            C::BackupVaultPolicyGuarded,
            Error,
            expect(),
            |s| {
                s.unreadable
                    .insert("access_policy".into(), "AccessDenied".into());
            },
        ),
        judge_vault(
            "access policy unread (deletion)",
            C::BackupRecoveryPointManualDeletionDisabled,
            Error,
            expect(),
            |s| {
                s.unreadable
                    .insert("access_policy".into(), "AccessDenied".into());
            },
        ),
        judge_vault(
            "audit: one named role exempt",
            C::BackupRecoveryPointManualDeletionDisabled,
            Pass,
            VaultExpectations::default(),
            |_| {},
        ),
        judge_vault(
            "audit: a role pattern exempt",
            C::BackupRecoveryPointManualDeletionDisabled,
            Fail,
            VaultExpectations::default(),
            |s| {
                s.access_policy = Some(deny_policy(exempting(&[
                    "arn:aws:iam::111122223333:role/*",
                ])));
            },
        )
        .edge(),
        judge_vault(
            "audit: a user exempt, not a role",
            C::BackupVaultPolicyGuarded,
            Fail,
            VaultExpectations::default(),
            |s| {
                s.access_policy = Some(deny_policy(exempting(&[
                    "arn:aws:iam::111122223333:user/admin",
                ])));
            },
        )
        .edge(),
        judge_vault(
            "failures notified",
            C::BackupFailuresNotified,
            Pass,
            expect(),
            |_| {},
        ),
        judge_vault(
            "no notifications",
            C::BackupFailuresNotified,
            Fail,
            expect(),
            |s| s.notifications = None,
        ),
        judge_vault(
            "notifications unread",
            C::BackupFailuresNotified,
            Error,
            expect(),
            |s| {
                s.unreadable
                    .insert("notifications".into(), "AccessDenied".into());
            },
        ),
        judge_vault(
            "copy failures not notified",
            C::BackupFailuresNotified,
            Fail,
            expect(),
            |s| {
                if let Some(n) = &mut s.notifications {
                    n.events.remove("COPY_JOB_FAILED");
                }
            },
        )
        .edge(),
        judge_vault(
            "only deprecated failure events",
            C::BackupFailuresNotified,
            Fail,
            expect(),
            |s| {
                if let Some(n) = &mut s.notifications {
                    n.events = BTreeSet::from([
                        "BACKUP_JOB_FAILED".to_string(),
                        "RESTORE_JOB_FAILED".to_string(),
                    ]);
                }
            },
        )
        .edge(),
        judge_vault(
            "notifies another topic",
            C::BackupFailuresNotified,
            Fail,
            expect(),
            |s| {
                if let Some(n) = &mut s.notifications {
                    n.topic_arn = "arn:aws:sns:us-east-1:111122223333:elsewhere".into();
                }
            },
        ),
    ];
    cases.extend(policy_case(
        "Deny for everyone but the break-glass role",
        Pass,
        deny_policy(exempting(&[ROLE])),
    ));
    cases.extend(policy_case(
        "Deny for everyone, no exemption",
        Pass,
        deny_policy(|s| s),
    ));
    cases.extend(policy_case(
        "Deny of backup:* for everyone but the role",
        Pass,
        PolicyDocument::new(vec![Statement::deny()
            .principal(Principal::any_aws())
            .actions(["backup:*"])
            .resources(["*"])
            .when(Condition::arn_not_equals("aws:PrincipalArn", [ROLE]))]),
    ));
    cases.extend(policy_case(
        "Deny with ArnNotEqualsIfExists",
        Pass,
        deny_policy(|s| s.condition("ArnNotEqualsIfExists", "aws:PrincipalArn", [ROLE])),
    ));
    cases.extend(policy_case(
        "Deny exempting another role",
        Fail,
        deny_policy(exempting(&["arn:aws:iam::111122223333:role/other"])),
    ));
    cases.extend(policy_case(
        "Deny exempting the role and a second one",
        Fail,
        deny_policy(exempting(&[ROLE, "arn:aws:iam::111122223333:role/other"])),
    ));
    cases.extend(policy_case(
        "Deny exempting a role pattern",
        Fail,
        deny_policy(|s| {
            s.condition(
                "ArnNotLike",
                "aws:PrincipalArn",
                ["arn:aws:iam::111122223333:role/hipaa-aws/*"],
            )
        }),
    ));
    cases.extend(policy_case(
        "Deny narrowed by a source address",
        Fail,
        deny_policy(|s| {
            exempting(&[ROLE])(s).condition("NotIpAddress", "aws:SourceIp", ["10.0.0.0/8"])
        }),
    ));
    cases.extend(policy_case(
        "Deny by NotPrincipal",
        Fail,
        deny_policy(|mut s| {
            s.principal = None;
            s.not_principal(Principal::aws(ROLE))
        }),
    ));
    cases.extend(policy_case(
        "Deny on the vault's ARN only",
        Fail,
        deny_policy(|mut s| {
            s.resources = vec!["arn:aws:backup:us-east-1:111122223333:backup-vault:phi".into()];
            s
        }),
    ));
    cases.extend(policy_case(
        "Deny of backup:Delete* only",
        Fail,
        PolicyDocument::new(vec![Statement::deny()
            .principal(Principal::any_aws())
            .actions(["backup:Delete*"])
            .resources(["*"])]),
    ));
    cases.extend(policy_case(
        "Allow only, no Deny",
        Fail,
        PolicyDocument::new(vec![Statement::allow()
            .principal(Principal::aws(ROLE))
            .actions(["backup:*"])
            .resources(["*"])]),
    ));
    cases.extend(policy_case(
        "Deny for one account, not everyone",
        Fail,
        deny_policy(|mut s| {
            s.principal = Some(Principal::aws("arn:aws:iam::444455556666:root"));
            s
        }),
    ));
    cases.extend([
        judge_plan(
            "daily, 35 days",
            C::BackupPlanMinFrequencyAndMinRetentionCheck,
            Pass,
            None,
            |_| {},
        )
        .edge(),
        judge_plan(
            "daily, 34 days",
            C::BackupPlanMinFrequencyAndMinRetentionCheck,
            Fail,
            None,
            |s| rule(s).delete_after_days = Some(34),
        )
        .edge(),
        judge_plan(
            "daily, kept until deleted",
            C::BackupPlanMinFrequencyAndMinRetentionCheck,
            Pass,
            None,
            |s| rule(s).delete_after_days = None,
        ),
        judge_plan(
            "every other day",
            C::BackupPlanMinFrequencyAndMinRetentionCheck,
            Fail,
            None,
            |s| rule(s).schedule = "cron(0 5 */2 * ? *)".into(),
        )
        .edge(),
        judge_plan(
            "weekdays only",
            C::BackupPlanMinFrequencyAndMinRetentionCheck,
            Fail,
            None,
            |s| rule(s).schedule = "cron(0 5 ? * MON-FRI *)".into(),
        )
        .edge(),
        judge_plan(
            "every six hours",
            C::BackupPlanMinFrequencyAndMinRetentionCheck,
            Pass,
            None,
            |s| rule(s).schedule = "cron(0 */6 ? * * *)".into(),
        ),
        judge_plan(
            "no rule",
            C::BackupPlanMinFrequencyAndMinRetentionCheck,
            Fail,
            None,
            |s| s.rules.clear(),
        ),
        judge_plan(
            "copy kept 35 days",
            C::BackupRecoveryPointMinimumRetentionCheck,
            Pass,
            None,
            |_| {},
        )
        .edge(),
        judge_plan(
            "copy kept 34 days",
            C::BackupRecoveryPointMinimumRetentionCheck,
            Fail,
            None,
            |s| rule(s).copies[0].delete_after_days = Some(34),
        )
        .edge(),
        judge_plan(
            "copy to us-west-2",
            C::BackupCrossRegionCopy,
            Pass,
            None,
            |_| {},
        ),
        judge_plan(
            "copy within us-east-1",
            C::BackupCrossRegionCopy,
            Fail,
            None,
            |s| rule(s).copies[0].destination_vault_arn = EAST_VAULT.into(),
        )
        .edge(),
        judge_plan("no copy", C::BackupCrossRegionCopy, Fail, None, |s| {
            rule(s).copies.clear()
        }),
        judge_plan(
            "copy ARN not yet known",
            C::BackupCrossRegionCopy,
            Fail,
            None,
            |s| rule(s).copies[0].destination_vault_arn = "(known after apply)".into(),
        ),
        judge_plan(
            "no copy, with the owner's reason",
            C::BackupCrossRegionCopy,
            NotApplicable,
            Some("sandbox without PHI"),
            |s| rule(s).copies.clear(),
        ),
        name_case("vault name of 2 characters", "vault", "ab", Pass),
        name_case("vault name of 1 character", "vault", "a", Fail),
        name_case("plan name with a dot", "plan", "phi.daily", Pass),
        name_case("vault name with a dot", "vault", "phi.daily", Fail),
    ]);
    cases.extend(build_cases());
    cases.extend(protection_cases());
    cases
}
