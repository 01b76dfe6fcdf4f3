//! Unit tests of what verify judges on a database beyond its settings: parameters pending a
//! reboot, and the declared key behind storage, Performance Insights, the master secret and
//! the log groups.

use crate::construct::{declared_key_checks, Construct, Scope};
use crate::constructs::ec2::HipaaVpc;
use crate::constructs::kms::HipaaKey;
use crate::constructs::s3::LogBucket;
use crate::controls::{Check, ControlId, Status};

use super::{EncryptedDatabase, Engine};

/// A valid database of `engine` in a VPC's data subnets.
pub(super) fn database(engine: Engine) -> EncryptedDatabase {
    let key = HipaaKey::builder().alias("phi").build().expect("key");
    let logs = LogBucket::builder()
        .name("acme-logs")
        .key(&key)
        .build()
        .expect("logs");
    let vpc = HipaaVpc::builder()
        .name("prod")
        .cidr("10.20.0.0/16")
        .flow_logs_to(&logs)
        .build()
        .expect("vpc");
    EncryptedDatabase::builder()
        .identifier("patients")
        .engine(engine)
        .key(&key)
        .subnets(vpc.data_subnets())
        .build()
        .expect("database")
}

fn statuses(checks: &[Check], control: ControlId) -> Vec<Status> {
    checks
        .iter()
        .filter(|check| check.control == control)
        .map(|check| check.status)
        .collect()
}

#[test]
fn parameters_pending_a_reboot_are_errors_until_applied() {
    for engine in [Engine::Postgres16, Engine::MySql80] {
        let db = database(engine);
        let mut state = db.desired(&Scope::for_build());
        assert_eq!(
            statuses(&db.evaluate(&state), ControlId::RdsTlsEnforced),
            vec![Status::Pass]
        );
        for pending in ["pending-reboot", "applying"] {
            state.parameter_apply_status = Some(pending.to_string());
            let checks = db.evaluate(&state);
            let tls: Vec<&Check> = checks
                .iter()
                .filter(|check| check.control == ControlId::RdsTlsEnforced)
                .collect();
            assert_eq!(tls.len(), 1);
            assert_eq!(tls[0].status, Status::Error, "{pending}");
            assert!(tls[0].reason.contains(pending), "{}", tls[0].reason);
            assert!(tls[0].reason.contains("reboot"), "{}", tls[0].reason);
            assert_eq!(
                statuses(&checks, ControlId::RdsParametersForEngine),
                vec![Status::Error]
            );
            // The other controls of the database are still judged.
            assert_eq!(
                statuses(&checks, ControlId::RdsStorageEncrypted),
                vec![Status::Pass]
            );
        }
        // In sync, and not reported at all, judge the group as it is.
        for status in [Some("in-sync"), None] {
            state.parameter_apply_status = status.map(str::to_string);
            assert_eq!(
                statuses(&db.evaluate(&state), ControlId::RdsTlsEnforced),
                vec![Status::Pass]
            );
        }
    }
}

fn resolved_scope<'a>(
    outputs: &'a std::collections::BTreeMap<
        crate::construct::LogicalId,
        crate::construct::ResourceOutputs,
    >,
    tags: &'a std::collections::BTreeMap<String, String>,
) -> Scope<'a> {
    Scope {
        account_id: "111122223333",
        partition: "aws",
        region: "us-east-1",
        stack: "acme",
        home_region: "us-east-1",
        user_tags: tags,
        outputs,
        contributions: &[],
    }
}

const DECLARED: &str =
    "arn:aws:kms:us-east-1:111122223333:key/11111111-1111-1111-1111-111111111111";
const OTHER: &str = "arn:aws:kms:us-east-1:111122223333:key/22222222-2222-2222-2222-222222222222";

/// Changes one key of a state.
type Swap = fn(&mut super::DatabaseState);

#[test]
fn every_key_of_a_database_must_be_the_declared_one() {
    let db = database(Engine::Postgres16);
    let mut outputs = std::collections::BTreeMap::new();
    outputs.insert(
        db.key().id().clone(),
        crate::construct::ResourceOutputs {
            arn: DECLARED.to_string(),
            physical_id: "11111111-1111-1111-1111-111111111111".to_string(),
        },
    );
    let tags = std::collections::BTreeMap::new();
    let scope = resolved_scope(&outputs, &tags);
    let desired = db.desired(&scope);
    let same = declared_key_checks(&desired, &desired);
    let log_count = Engine::Postgres16.log_exports().len();
    assert_eq!(same.len(), 3 + log_count);
    assert!(same.iter().all(|check| check.status == Status::Pass));

    // The key id alone (as RDS may report it) is the same key.
    let mut by_id = desired.clone();
    by_id.kms_key = Some("11111111-1111-1111-1111-111111111111".to_string());
    assert!(declared_key_checks(&desired, &by_id)
        .iter()
        .all(|check| check.status == Status::Pass));

    // Another customer-managed key in any one place fails, naming that place.
    let swaps: [(&str, Swap); 4] = [
        ("kms_key", |state| state.kms_key = Some(OTHER.to_string())),
        ("performance_insights_kms_key", |state| {
            state.performance_insights_kms_key = Some(OTHER.to_string())
        }),
        ("master_secret_kms_key", |state| {
            state.master_secret_kms_key = Some(OTHER.to_string())
        }),
        ("log_groups.postgresql.kms_key", |state| {
            if let Some(group) = state.log_groups.get_mut("postgresql") {
                group.kms_key = Some(OTHER.to_string());
            }
        }),
    ];
    for (setting, swap) in swaps {
        let mut live = desired.clone();
        swap(&mut live);
        let checks = declared_key_checks(&desired, &live);
        let failed: Vec<&Check> = checks.iter().filter(|check| check.failed()).collect();
        assert_eq!(failed.len(), 1, "{setting}: {checks:?}");
        assert_eq!(failed[0].setting, setting);
        assert_eq!(failed[0].control, ControlId::KmsDeclaredKeyInUse);
        assert!(failed[0].reason.contains(OTHER), "{}", failed[0].reason);
        // The customer-key controls alone would have passed this database.
        assert!(db
            .evaluate(&live)
            .iter()
            .filter(|check| check.control == ControlId::RdsStorageEncrypted)
            .all(|check| check.status == Status::Pass));
    }

    // A key named only by an alias is not proven to be the declared key.
    let mut aliased = desired.clone();
    aliased.kms_key = Some("alias/phi".to_string());
    assert!(declared_key_checks(&desired, &aliased)
        .iter()
        .any(|check| check.failed() && check.setting == "kms_key"));

    // No secret key at all fails too.
    let mut missing = desired.clone();
    missing.master_secret_kms_key = None;
    assert!(declared_key_checks(&desired, &missing)
        .iter()
        .any(|check| check.failed() && check.setting == "master_secret_kms_key"));
}

#[test]
fn an_unknown_declared_key_is_an_error_not_a_pass() {
    let db = database(Engine::Postgres16);
    let desired = db.desired(&Scope::for_build());
    let checks = declared_key_checks(&desired, &desired);
    assert!(!checks.is_empty());
    assert!(checks.iter().all(|check| check.status == Status::Error));
}

#[test]
fn a_failed_part_read_errors_only_the_checks_it_feeds() {
    use super::state::{PARAMETERS_READ, RULES_READ, SUBNETS_READ};
    let db = database(Engine::Postgres16);
    let desired = db.desired(&Scope::for_build());
    let judged = db.evaluate(&desired);
    let cases: [(&str, &[ControlId]); 3] = [
        (
            PARAMETERS_READ,
            &[ControlId::RdsTlsEnforced, ControlId::RdsParametersForEngine],
        ),
        (SUBNETS_READ, &[ControlId::RdsInDataSubnets]),
        (
            RULES_READ,
            &[ControlId::IncomingSshDisabled, ControlId::SgNoAllPortsRules],
        ),
    ];
    for (operation, fed) in cases {
        let mut state = desired.clone();
        match operation {
            PARAMETERS_READ => state.parameters.clear(),
            SUBNETS_READ => state.subnet_cidrs.clear(),
            _ => state.rules.clear(),
        }
        state.unread.record(
            operation,
            &crate::error::Error::unexpected("rds", operation, "denied"),
        );
        let partial = db.evaluate(&state);
        assert_eq!(partial.len(), judged.len(), "{operation}");
        for control in fed {
            assert!(
                statuses(&partial, *control).contains(&Status::Error),
                "{operation} feeds {control}: {partial:?}"
            );
        }
        for (before, after) in judged.iter().zip(&partial) {
            if after.status == Status::Error {
                assert!(after.reason.contains(operation), "{}", after.reason);
            } else {
                assert_eq!(after, before, "{operation} changed {}", after.control);
            }
        }
        assert_eq!(
            statuses(&partial, ControlId::RdsStorageEncrypted),
            vec![Status::Pass]
        );
    }
}
