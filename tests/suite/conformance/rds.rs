//! RDS: the database controls on the library's desired database and its mutations
//! (evaluator path) with backup retention, monitoring and TLS parameters at their
//! boundaries; clusters and snapshots; identifiers and specs refused at `build()`.

use std::collections::BTreeMap;

use hipaa_aws::construct::{Construct, Scope};
use hipaa_aws::constructs::ec2::Ipv4Cidr;
use hipaa_aws::constructs::rds::{
    evaluate_cluster, evaluate_database, evaluate_parameters, evaluate_snapshot, ClusterState,
    DatabaseExpectations, DatabaseState, Engine,
};
use hipaa_aws::prelude::*;
use hipaa_aws::{ControlId as C, Status};

use super::Case;

const F: &str = "rds";
const KEY: &str = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const OTHER: &str = "arn:aws:kms:us-east-1:111122223333:key/99999999-12ab-34cd-56ef-1234567890ab";

pub struct Parts {
    pub key: HipaaKey,
    pub vpc: HipaaVpc,
    pub app: SecurityGroup,
}

pub fn parts() -> Parts {
    let key = HipaaKey::builder().alias("db").build().expect("valid key");
    let logs = LogBucket::builder()
        .name("db-flow")
        .key(&key)
        .build()
        .expect("valid log bucket");
    let vpc = HipaaVpc::builder()
        .name("prod")
        .cidr("10.60.0.0/16")
        .flow_logs_to(&logs)
        .ingress_tier()
        .data_ports([5432, 3306])
        .build()
        .expect("valid vpc");
    let app = vpc.security_group("app").expect("valid app group");
    Parts { key, vpc, app }
}

fn database(
    identifier: &str,
    engine: Engine,
    retention: u32,
    monitoring: u32,
) -> hipaa_aws::Result<EncryptedDatabase> {
    let p = parts();
    EncryptedDatabase::builder()
        .identifier(identifier)
        .engine(engine)
        .key(&p.key)
        .subnets(p.vpc.data_subnets())
        .allow_from(&p.app)
        .backup_retention_days(retention)
        .monitoring_interval_secs(monitoring)
        .build()
}

fn base() -> DatabaseState {
    let db = database("patients", Engine::Postgres16, 7, 60).expect("valid database");
    let mut state = db.desired(&Scope::for_build());
    state.kms_key = Some(KEY.into());
    state.performance_insights_kms_key = Some(KEY.into());
    state.master_secret_kms_key = Some(KEY.into());
    state.monitoring_role_arn = Some("arn:aws:iam::111122223333:role/rds-monitoring".into());
    state.subnet_cidrs = vec!["10.60.8.0/24".into(), "10.60.9.0/24".into()];
    state
}

fn judge(
    name: &str,
    control: C,
    expected: Status,
    change: impl FnOnce(&mut DatabaseState),
) -> Case {
    let mut state = base();
    let expect = DatabaseExpectations {
        kms_key: Some(KEY.into()),
        data_subnet_cidrs: Some(state.subnet_cidrs.clone()),
        security_group: Some(vec!["10.60.0.0/16".parse::<Ipv4Cidr>().expect("cidr")]),
    };
    change(&mut state);
    Case::eval(
        F,
        "constructs::rds::evaluate_database",
        name,
        control,
        expected,
        evaluate_database(&state, &expect),
    )
}

fn params(family: &str, name: &str, expected: Status, pairs: &[(&str, &str)]) -> Case {
    let parameters: BTreeMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Case::eval(
        F,
        "constructs::rds::evaluate_parameters",
        format!("{family}: {name}"),
        C::RdsTlsEnforced,
        expected,
        evaluate_parameters(family, &parameters),
    )
}

fn cluster(
    name: &str,
    control: C,
    expected: Status,
    change: impl FnOnce(&mut ClusterState),
) -> Case {
    let mut state = ClusterState {
        storage_encrypted: true,
        deletion_protection: true,
        multi_az: true,
        backup_retention_days: 7,
    };
    change(&mut state);
    Case::eval(
        F,
        "constructs::rds::evaluate_cluster",
        name,
        control,
        expected,
        evaluate_cluster(&state),
    )
}

pub fn cases() -> Vec<Case> {
    use Status::*;
    let mut cases = vec![
        judge(
            "storage encrypted with the declared key",
            C::RdsStorageEncrypted,
            Pass,
            |_| {},
        ),
        judge("storage not encrypted", C::RdsStorageEncrypted, Fail, |s| {
            s.storage_encrypted = false
        }),
        judge(
            "storage encrypted with another key",
            C::RdsStorageEncrypted,
            Fail,
            |s| s.kms_key = Some(OTHER.into()),
        )
        .edge(),
        judge(
            "not publicly accessible",
            C::RdsInstancePublicAccessCheck,
            Pass,
            |_| {},
        ),
        judge(
            "publicly accessible",
            C::RdsInstancePublicAccessCheck,
            Fail,
            |s| s.publicly_accessible = Some(true),
        ),
        judge(
            "public access unreported",
            C::RdsInstancePublicAccessCheck,
            Fail,
            |s| s.publicly_accessible = None,
        ),
        judge("backups on", C::DbInstanceBackupEnabled, Pass, |_| {}),
        judge(
            "backups off (0 days)",
            C::DbInstanceBackupEnabled,
            Fail,
            |s| s.backup_retention_days = 0,
        )
        .edge(),
        judge("Multi-AZ", C::RdsMultiAzSupport, Pass, |_| {}),
        judge("single-AZ", C::RdsMultiAzSupport, Fail, |s| {
            s.multi_az = false
        }),
        judge(
            "deletion protection",
            C::RdsInstanceDeletionProtectionEnabled,
            Pass,
            |_| {},
        ),
        judge(
            "no deletion protection",
            C::RdsInstanceDeletionProtectionEnabled,
            Fail,
            |s| s.deletion_protection = false,
        ),
        judge(
            "enhanced monitoring every 60 s",
            C::RdsEnhancedMonitoringEnabled,
            Pass,
            |_| {},
        ),
        judge(
            "enhanced monitoring off",
            C::RdsEnhancedMonitoringEnabled,
            Fail,
            |s| s.monitoring_interval = 0,
        ),
        judge(
            "monitoring without a role",
            C::RdsEnhancedMonitoringEnabled,
            Fail,
            |s| s.monitoring_role_arn = None,
        )
        .edge(),
        judge(
            "minor upgrades on",
            C::RdsAutomaticMinorVersionUpgradeEnabled,
            Pass,
            |_| {},
        ),
        judge(
            "minor upgrades off",
            C::RdsAutomaticMinorVersionUpgradeEnabled,
            Fail,
            |s| s.auto_minor_version_upgrade = false,
        ),
        judge("IAM authentication", C::RdsIamAuthentication, Pass, |_| {}),
        judge(
            "no IAM authentication",
            C::RdsIamAuthentication,
            Fail,
            |s| s.iam_auth = false,
        ),
        judge(
            "master password in Secrets Manager",
            C::RdsMasterPasswordManaged,
            Pass,
            |_| {},
        ),
        judge(
            "master password set by hand",
            C::RdsMasterPasswordManaged,
            Fail,
            |s| s.master_password_managed = false,
        ),
        judge(
            "master secret under another key",
            C::RdsMasterPasswordManaged,
            Fail,
            |s| s.master_secret_kms_key = Some(OTHER.into()),
        )
        .edge(),
        judge(
            "Performance Insights under the key",
            C::RdsPerformanceInsightsEncrypted,
            Pass,
            |_| {},
        ),
        judge(
            "Performance Insights under another key",
            C::RdsPerformanceInsightsEncrypted,
            Fail,
            |s| {
                s.performance_insights = true;
                s.performance_insights_kms_key = Some(OTHER.into());
            },
        )
        .edge(),
        judge(
            "copy tags to snapshots",
            C::RdsCopyTagsToSnapshot,
            Pass,
            |_| {},
        ),
        judge("tags not copied", C::RdsCopyTagsToSnapshot, Fail, |s| {
            s.copy_tags_to_snapshot = false
        }),
        judge("every log exported", C::RdsLoggingEnabled, Pass, |_| {}),
        judge("no log exported", C::RdsLoggingEnabled, Fail, |s| {
            s.log_exports.clear()
        }),
        judge("one log missing", C::RdsLoggingEnabled, Fail, |s| {
            let first = s.log_exports.iter().next().cloned().unwrap_or_default();
            s.log_exports.remove(&first);
        })
        .edge(),
        judge("in the data subnets", C::RdsInDataSubnets, Pass, |_| {}),
        judge("in other subnets", C::RdsInDataSubnets, Fail, |s| {
            s.subnet_cidrs = vec!["10.60.0.0/24".into(), "10.60.1.0/24".into()]
        }),
        judge("in one extra subnet", C::RdsInDataSubnets, Fail, |s| {
            s.subnet_cidrs.push("10.60.0.0/24".into())
        })
        .edge(),
        judge("TLS forced", C::RdsTlsEnforced, Pass, |_| {}),
        judge("TLS not forced", C::RdsTlsEnforced, Fail, |s| {
            s.parameters.insert("rds.force_ssl".into(), "0".into());
        }),
        judge(
            "parameters of the engine",
            C::RdsParametersForEngine,
            Pass,
            |_| {},
        ),
        judge(
            "a MySQL parameter on PostgreSQL",
            C::RdsParametersForEngine,
            Fail,
            |s| {
                s.parameters.insert("general_log".into(), "1".into());
            },
        ),
        judge(
            "group rules internal",
            C::SgAdminAndDatabasePortsInternal,
            Pass,
            |_| {},
        ),
        judge(
            "its group opened to 0.0.0.0/0 on 5432",
            C::SgAdminAndDatabasePortsInternal,
            Fail,
            |s| {
                s.rules.push(hipaa_aws::constructs::ec2::SgRule {
                    egress: false,
                    protocol: "tcp".into(),
                    from_port: 5432,
                    to_port: 5432,
                    peer: hipaa_aws::constructs::ec2::RulePeer::Cidr("0.0.0.0/0".into()),
                    id: None,
                    description: None,
                    prefix_list: None,
                })
            },
        ),
    ];
    for (days, expected) in [(6, Fail), (7, Pass), (35, Pass), (1, Fail)] {
        cases.push(
            judge(
                &format!("backups kept {days} days"),
                C::RdsBackupRetention,
                expected,
                |s| s.backup_retention_days = days,
            )
            .edge(),
        );
    }
    for (days, expected) in [(6, Fail), (7, Pass), (35, Pass), (36, Fail)] {
        cases.push(
            Case::build(
                F,
                format!("build: backups kept {days} days"),
                C::RdsBackupRetention,
                expected,
                database("patients", Engine::Postgres16, days, 60),
            )
            .edge(),
        );
    }
    for (secs, expected) in [(0, Fail), (1, Pass), (60, Pass), (61, Fail), (45, Fail)] {
        cases.push(
            Case::build(
                F,
                format!("build: monitoring every {secs} s"),
                C::RdsEnhancedMonitoringEnabled,
                expected,
                database("patients", Engine::Postgres16, 7, secs),
            )
            .edge(),
        );
    }
    for (identifier, expected) in [
        ("patients", Pass),
        ("a", Pass),
        // The library's limit is 40 (RDS allows 63): the derived role and group names must fit.
        (&format!("a{}", "b".repeat(39))[..], Pass),
        (&format!("a{}", "b".repeat(40))[..], Fail),
        ("1patients", Fail),
        ("patients-", Fail),
        ("pat--ients", Fail),
        ("pat_ients", Fail),
    ] {
        cases.push(
            Case::build(
                F,
                format!("build: identifier {identifier:?}"),
                C::RdsNameValid,
                expected,
                database(identifier, Engine::Postgres16, 7, 60),
            )
            .edge(),
        );
    }
    cases.extend([
        params(
            "postgres16",
            "rds.force_ssl=1",
            Pass,
            &[("rds.force_ssl", "1")],
        ),
        params(
            "postgres16",
            "rds.force_ssl=0",
            Fail,
            &[("rds.force_ssl", "0")],
        ),
        params("postgres16", "rds.force_ssl unset", Fail, &[]),
        params(
            "postgres17",
            "minimum TLSv1.2",
            Pass,
            &[
                ("rds.force_ssl", "1"),
                ("ssl_min_protocol_version", "TLSv1.2"),
            ],
        )
        .edge(),
        params(
            "postgres17",
            "minimum TLSv1.1",
            Fail,
            &[
                ("rds.force_ssl", "1"),
                ("ssl_min_protocol_version", "TLSv1.1"),
            ],
        )
        .edge(),
        params(
            "mysql8.0",
            "require_secure_transport=ON",
            Pass,
            &[("require_secure_transport", "ON")],
        ),
        params(
            "mysql8.0",
            "require_secure_transport=1",
            Pass,
            &[("require_secure_transport", "1")],
        ),
        params(
            "mysql8.0",
            "require_secure_transport=OFF",
            Fail,
            &[("require_secure_transport", "OFF")],
        ),
        params(
            "mysql8.0",
            "tls_version TLSv1.2,TLSv1.3",
            Pass,
            &[
                ("require_secure_transport", "ON"),
                ("tls_version", "TLSv1.2,TLSv1.3"),
            ],
        )
        .edge(),
        params(
            "mysql8.0",
            "tls_version TLSv1.1,TLSv1.2",
            Fail,
            &[
                ("require_secure_transport", "ON"),
                ("tls_version", "TLSv1.1,TLSv1.2"),
            ],
        )
        .edge(),
        Case::eval(
            F,
            "constructs::rds::evaluate_snapshot",
            "encrypted snapshot",
            C::RdsSnapshotEncrypted,
            Pass,
            evaluate_snapshot(true, false),
        ),
        Case::eval(
            F,
            "constructs::rds::evaluate_snapshot",
            "unencrypted snapshot",
            C::RdsSnapshotEncrypted,
            Fail,
            evaluate_snapshot(false, false),
        ),
        Case::eval(
            F,
            "constructs::rds::evaluate_snapshot",
            "private snapshot",
            C::RdsSnapshotsPublicProhibited,
            Pass,
            evaluate_snapshot(true, false),
        ),
        Case::eval(
            F,
            "constructs::rds::evaluate_snapshot",
            "public snapshot",
            C::RdsSnapshotsPublicProhibited,
            Fail,
            evaluate_snapshot(true, true),
        ),
        cluster(
            "cluster Multi-AZ",
            C::RdsClusterMultiAzEnabled,
            Pass,
            |_| {},
        ),
        cluster(
            "cluster in one zone",
            C::RdsClusterMultiAzEnabled,
            Fail,
            |s| s.multi_az = false,
        ),
        cluster(
            "cluster deletion protection",
            C::RdsClusterDeletionProtectionEnabled,
            Pass,
            |_| {},
        ),
        cluster(
            "cluster without deletion protection",
            C::RdsClusterDeletionProtectionEnabled,
            Fail,
            |s| s.deletion_protection = false,
        ),
        cluster("cluster encrypted", C::RdsStorageEncrypted, Pass, |_| {}),
        cluster("cluster not encrypted", C::RdsStorageEncrypted, Fail, |s| {
            s.storage_encrypted = false
        }),
        cluster(
            "cluster backups 7 days",
            C::RdsBackupRetention,
            Pass,
            |_| {},
        )
        .edge(),
        cluster("cluster backups 6 days", C::RdsBackupRetention, Fail, |s| {
            s.backup_retention_days = 6
        })
        .edge(),
        Case::build(F, "build: the app subnets", C::RdsInDataSubnets, Fail, {
            let p = parts();
            EncryptedDatabase::builder()
                .identifier("patients")
                .engine(Engine::Postgres16)
                .key(&p.key)
                .subnets(p.vpc.subnets(Tier::App))
                .build()
        }),
        Case::build(
            F,
            "build: the data subnets",
            C::RdsInDataSubnets,
            Pass,
            database("patients", Engine::Postgres16, 7, 60),
        ),
    ]);
    cases
}
