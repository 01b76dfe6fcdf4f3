//! RDS live cases: the library's database changed in place and rekeyed (apply), and its
//! deletion protection switched off behind its back (verify).

use hipaa_aws::prelude::*;
use hipaa_aws::{Check, ControlId as C, Status};

use super::{verified, Case, Path};
use crate::support::account;

/// What apply did with a changed stack, as a check of `control`.
fn applied<T>(control: C, result: hipaa_aws::Result<T>) -> Vec<Check> {
    match result {
        Ok(_) => vec![super::super::pass(control, "applied")],
        Err(hipaa_aws::Error::Refused {
            control: refused,
            reason,
            ..
        }) => vec![Check {
            control: refused,
            setting: "apply".into(),
            status: Status::Fail,
            reason,
        }],
        Err(error) => vec![Check {
            control,
            setting: "apply".into(),
            status: Status::Error,
            reason: error.to_string(),
        }],
    }
}

/// The library's database: a change apply may make in place, one that needs a replacement
/// (refused without consent), and deletion protection switched off behind its back (verify).
pub(super) async fn family() -> Vec<Case> {
    const F: &str = "rds";
    let main = account().await;
    let key = HipaaKey::builder()
        .alias(format!("conf-db-{}", main.suffix))
        .build()
        .expect("key");
    let other_key = HipaaKey::builder()
        .alias(format!("conf-db2-{}", main.suffix))
        .build()
        .expect("key");
    let logs = LogBucket::builder()
        .name(main.bucket("conf-db-flow"))
        .key(&key)
        .build()
        .expect("logs");
    let vpc = HipaaVpc::builder()
        .name("conf")
        .cidr("10.61.0.0/16")
        .flow_logs_to(&logs)
        .data_ports([5432])
        .build()
        .expect("vpc");
    let app = vpc.security_group("app").expect("app");
    let app_rules = SecurityGroupRules::builder()
        .group(&app)
        .build()
        .expect("rules");
    let database = |key: &HipaaKey, retention: u32| {
        EncryptedDatabase::builder()
            .identifier("conf-patients")
            .engine(hipaa_aws::constructs::rds::Engine::Postgres16)
            .key(key)
            .subnets(vpc.data_subnets())
            .allow_from(&app)
            .backup_retention_days(retention)
            .build()
            .expect("database")
    };
    let stack = |db: EncryptedDatabase| {
        Stack::builder("conformance-rds")
            .with(key.clone())
            .with(other_key.clone())
            .with(logs.clone())
            .with(vpc.clone())
            .with(app.clone())
            .with(app_rules.clone())
            .with(db)
            .build()
            .expect("stack")
    };
    let first = stack(database(&key, 7));
    first.apply(&main.env).await.expect("apply");
    let in_place = stack(database(&key, 14)).apply(&main.env).await;
    let rekeyed = stack(database(&other_key, 14)).apply(&main.env).await;
    let current = stack(database(&key, 14));
    let before = current.verify(&main.env).await.expect("verify");
    aws_sdk_rds::Client::new(&main.sdk_config)
        .modify_db_instance()
        .db_instance_identifier("conf-patients")
        .deletion_protection(false)
        .apply_immediately(true)
        .send()
        .await
        .expect("modify");
    let after = current.verify(&main.env).await.expect("verify");
    let (before, after) = (
        verified(&before, "conf-patients"),
        verified(&after, "conf-patients"),
    );
    vec![
        Case::live(
            F,
            Path::Apply,
            "apply: backup retention changed in place",
            C::NoSilentReplacement,
            Status::Pass,
            applied(C::NoSilentReplacement, in_place),
        ),
        Case::live(
            F,
            Path::Apply,
            "apply: storage key changed without consent",
            C::NoSilentReplacement,
            Status::Fail,
            applied(C::NoSilentReplacement, rekeyed),
        ),
        Case::live(
            F,
            Path::Verify,
            "verify: deletion protection as applied",
            C::RdsInstanceDeletionProtectionEnabled,
            Status::Pass,
            before.clone(),
        ),
        Case::live(
            F,
            Path::Verify,
            "verify: deletion protection off behind the library",
            C::RdsInstanceDeletionProtectionEnabled,
            Status::Fail,
            after.clone(),
        ),
        Case::live(
            F,
            Path::Verify,
            "verify: storage under the declared key",
            C::RdsStorageEncrypted,
            Status::Pass,
            before,
        ),
    ]
}
