//! The database issue: `EncryptedDatabase` refused at `build()` for every unsafe spec (each
//! with its control id); against the local endpoint, read back in full with the RDS SDK,
//! re-applied with no mutating call, tampered with and verified, replaced only with consent
//! (the old database kept with a snapshot), destroyed only with consent and a final snapshot;
//! the master password never read by the library; and the RDS audit.

use std::collections::BTreeMap;

use aws_sdk_rds::types::Parameter;
use hipaa_aws::construct::Construct;
use hipaa_aws::constructs::rds::{Engine, MYSQL_LOG_EXPORTS, POSTGRES_LOG_EXPORTS};
use hipaa_aws::prelude::*;
use hipaa_aws::{ApplyOptions, Grant, HipaaRole, Trust};

use crate::support::{account, TestAccount};

fn rds(account: &TestAccount) -> aws_sdk_rds::Client {
    aws_sdk_rds::Client::new(&account.sdk_config)
}

struct Parts {
    key: HipaaKey,
    logs: LogBucket,
    vpc: HipaaVpc,
    app: SecurityGroup,
    app_rules: SecurityGroupRules,
}

fn parts(suffix: &str) -> Parts {
    let key = HipaaKey::builder()
        .alias(format!("db-{suffix}"))
        .build()
        .expect("valid key");
    let logs = LogBucket::builder()
        .name(format!("db-flow-{suffix}"))
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
    let app_rules = SecurityGroupRules::builder()
        .group(&app)
        .build()
        .expect("valid app rules");
    Parts {
        key,
        logs,
        vpc,
        app,
        app_rules,
    }
}

macro_rules! postgres {
    ($parts:expr) => {
        postgres!($parts, "patients")
    };
    ($parts:expr, $identifier:expr) => {
        EncryptedDatabase::builder()
            .identifier($identifier)
            .engine(Engine::Postgres16)
            .key(&$parts.key)
            .subnets($parts.vpc.data_subnets())
            .allow_from(&$parts.app)
    };
}

macro_rules! mysql {
    ($parts:expr) => {
        EncryptedDatabase::builder()
            .identifier("billing")
            .engine(Engine::MySql80)
            .key(&$parts.key)
            .subnets($parts.vpc.data_subnets())
            .allow_from(&$parts.app)
    };
}

#[test]
fn a_safe_database_builds_with_every_control_on_by_default() {
    let p = parts("build");
    let db = postgres!(p).build().expect("the default spec is valid");
    assert_eq!(db.port(), 5432);
    assert_eq!(db.backup_retention_days(), 7);
    let state = db.desired(&hipaa_aws::construct::Scope::for_build());
    assert!(state.storage_encrypted && state.multi_az && state.deletion_protection);
    assert!(state.iam_auth && state.auto_minor_version_upgrade && state.copy_tags_to_snapshot);
    assert!(state.performance_insights && state.master_password_managed);
    assert_eq!(state.publicly_accessible, Some(false));
    assert_eq!(state.monitoring_interval, 60);
    assert_eq!(state.parameters["rds.force_ssl"], "1");
    assert_eq!(
        state
            .log_exports
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
        POSTGRES_LOG_EXPORTS
    );
    let mysql = mysql!(p).build().expect("the default MySQL spec is valid");
    let state = mysql.desired(&hipaa_aws::construct::Scope::for_build());
    assert_eq!(state.parameters["require_secure_transport"], "ON");
    assert_eq!(
        state
            .log_exports
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
        MYSQL_LOG_EXPORTS
    );
    assert_eq!(mysql.port(), 3306);
}

#[test]
fn unsafe_database_specs_are_refused_with_their_control_ids() {
    let p = parts("refusals");
    let cases: Vec<(&str, hipaa_aws::Result<EncryptedDatabase>, ControlId)> = vec![
        (
            "no backups",
            postgres!(p).backup_retention_days(0).build(),
            ControlId::DbInstanceBackupEnabled,
        ),
        (
            "retention 40",
            postgres!(p).backup_retention_days(40).build(),
            ControlId::RdsBackupRetention,
        ),
        (
            "retention 3",
            postgres!(p).backup_retention_days(3).build(),
            ControlId::RdsBackupRetention,
        ),
        (
            "retention 36",
            postgres!(p).backup_retention_days(36).build(),
            ControlId::RdsBackupRetention,
        ),
        (
            "the public (ingress) subnets",
            EncryptedDatabase::builder()
                .identifier("patients")
                .engine(Engine::Postgres16)
                .key(&p.key)
                .subnets(p.vpc.subnets(Tier::Ingress))
                .build(),
            ControlId::RdsInDataSubnets,
        ),
        (
            "the app subnets",
            EncryptedDatabase::builder()
                .identifier("patients")
                .engine(Engine::Postgres16)
                .key(&p.key)
                .subnets(p.vpc.app_subnets())
                .build(),
            ControlId::RdsInDataSubnets,
        ),
        (
            "open to 0.0.0.0/0",
            postgres!(p).allow_from(Peer::anywhere()).build(),
            ControlId::SgAdminAndDatabasePortsInternal,
        ),
        (
            "open to ::/0",
            postgres!(p).allow_from(Peer::anywhere_ipv6()).build(),
            ControlId::SgAdminAndDatabasePortsInternal,
        ),
        (
            "a block instead of a group",
            postgres!(p).allow_from(Peer::cidr("10.60.0.0/16")).build(),
            ControlId::SgAdminAndDatabasePortsInternal,
        ),
        (
            "a prefix list instead of a group",
            postgres!(p)
                .allow_from(Peer::prefix_list("pl-12345678"))
                .build(),
            ControlId::SgAdminAndDatabasePortsInternal,
        ),
        (
            "a MySQL parameter on PostgreSQL",
            postgres!(p)
                .parameter("require_secure_transport", "ON")
                .build(),
            ControlId::RdsParametersForEngine,
        ),
        (
            "an InnoDB parameter on PostgreSQL",
            postgres!(p)
                .parameter("innodb_buffer_pool_size", "134217728")
                .build(),
            ControlId::RdsParametersForEngine,
        ),
        (
            "a PostgreSQL parameter on MySQL",
            mysql!(p).parameter("rds.force_ssl", "1").build(),
            ControlId::RdsParametersForEngine,
        ),
        (
            "rds.force_ssl=0",
            postgres!(p).parameter("rds.force_ssl", "0").build(),
            ControlId::RdsTlsEnforced,
        ),
        (
            "TLS 1.0 allowed on PostgreSQL",
            postgres!(p)
                .parameter("ssl_min_protocol_version", "TLSv1")
                .build(),
            ControlId::RdsTlsEnforced,
        ),
        (
            "require_secure_transport=OFF",
            mysql!(p)
                .parameter("require_secure_transport", "OFF")
                .build(),
            ControlId::RdsTlsEnforced,
        ),
        (
            "TLS 1.1 allowed on MySQL",
            mysql!(p)
                .parameter("tls_version", "TLSv1.1,TLSv1.2")
                .build(),
            ControlId::RdsTlsEnforced,
        ),
        (
            "enhanced monitoring off",
            postgres!(p).monitoring_interval_secs(0).build(),
            ControlId::RdsEnhancedMonitoringEnabled,
        ),
        (
            "a monitoring interval RDS does not accept",
            postgres!(p).monitoring_interval_secs(7).build(),
            ControlId::RdsEnhancedMonitoringEnabled,
        ),
        (
            "an uppercase identifier",
            postgres!(p, "Patients").build(),
            ControlId::RdsNameValid,
        ),
        (
            "an identifier starting with a digit",
            postgres!(p, "1patients").build(),
            ControlId::RdsNameValid,
        ),
        (
            "an identifier with a double hyphen",
            postgres!(p, "pat--ients").build(),
            ControlId::RdsNameValid,
        ),
        (
            "an identifier too long to rename on replacement",
            postgres!(p, "a".repeat(41)).build(),
            ControlId::RdsNameValid,
        ),
        (
            "a reserved master user",
            postgres!(p).master_username("rdsadmin").build(),
            ControlId::RdsNameValid,
        ),
        (
            "a master user starting with a digit",
            postgres!(p).master_username("1admin").build(),
            ControlId::RdsNameValid,
        ),
        (
            "a MySQL master user over 16 characters",
            mysql!(p).master_username("a".repeat(17)).build(),
            ControlId::RdsNameValid,
        ),
        (
            "storage below 20 GiB",
            postgres!(p).allocated_storage_gib(10).build(),
            ControlId::RdsNameValid,
        ),
        (
            "not an instance class",
            postgres!(p).instance_class("t3.micro").build(),
            ControlId::RdsNameValid,
        ),
        (
            "a database name with a hyphen",
            postgres!(p).database_name("my-db").build(),
            ControlId::RdsNameValid,
        ),
        (
            "an empty parameter value",
            postgres!(p).parameter("work_mem", "").build(),
            ControlId::RdsNameValid,
        ),
    ];
    assert!(cases.len() >= 25);
    for (name, result, control) in cases {
        let error = match result {
            Ok(_) => panic!("{name}: accepted"),
            Err(error) => error,
        };
        let violations = error
            .violations()
            .unwrap_or_else(|| panic!("{name}: not a refusal: {error}"));
        assert!(
            violations.contains(control),
            "{name}: {control} missing from {violations}"
        );
        for violation in violations.iter() {
            assert!(
                !violation.citations().is_empty(),
                "{name}: no citation: {violation}"
            );
            assert!(
                violation.to_string().contains("164.3"),
                "{name}: the refusal does not cite HIPAA: {violation}"
            );
        }
    }
}

#[test]
fn every_violation_of_a_spec_is_reported_at_once() {
    let p = parts("all");
    let error = postgres!(p, "Bad--Name")
        .backup_retention_days(0)
        .allow_from(Peer::anywhere())
        .parameter("rds.force_ssl", "0")
        .parameter("general_log", "1")
        .monitoring_interval_secs(0)
        .build()
        .expect_err("refused");
    let violations = error.violations().expect("violations");
    for control in [
        ControlId::RdsNameValid,
        ControlId::DbInstanceBackupEnabled,
        ControlId::RdsBackupRetention,
        ControlId::SgAdminAndDatabasePortsInternal,
        ControlId::RdsTlsEnforced,
        ControlId::RdsParametersForEngine,
        ControlId::RdsEnhancedMonitoringEnabled,
    ] {
        assert!(
            violations.contains(control),
            "{control} missing: {violations}"
        );
    }
}

#[test]
fn grant_connect_names_exactly_one_database_user() {
    let p = parts("grant");
    let db = postgres!(p).build().expect("valid");
    let role = HipaaRole::builder()
        .name("app")
        .trust(Trust::service("ecs-tasks.amazonaws.com"))
        .build()
        .expect("valid role");
    let grant = db.grant_connect(&role, "app_user").expect("valid user");
    let statements = grant.statements(&hipaa_aws::construct::Scope::for_build());
    assert_eq!(statements.len(), 1);
    let text = format!("{:?}", statements[0]);
    assert!(text.contains("rds-db:connect"), "{text}");
    assert!(
        text.contains(":dbuser:(known after apply)/app_user"),
        "{text}"
    );
    assert!(!text.contains('*'), "a wildcard in {text}");
    let refused = db
        .grant_connect(&role, "app user; drop")
        .expect_err("refused");
    assert!(refused
        .violations()
        .is_some_and(|v| v.contains(ControlId::RdsNameValid)));
}

/// The stack of the integration tests: key, log bucket, VPC, app group and its rules, the
/// database, a role allowed to connect as `app_user`.
fn stack(parts: &Parts, name: &str, db: &EncryptedDatabase) -> (Stack, Grant) {
    let role = HipaaRole::builder()
        .name(format!("{name}-app"))
        .trust(Trust::service("ecs-tasks.amazonaws.com"))
        .build()
        .expect("valid role");
    let grant = db.grant_connect(&role, "app_user").expect("valid grant");
    let stack = Stack::builder(name)
        .with(parts.key.clone())
        .with(parts.logs.clone())
        .with(parts.vpc.clone())
        .with(parts.app.clone())
        .with(parts.app_rules.clone())
        .with(db.clone())
        .with(role)
        .with(grant.clone())
        .build()
        .expect("valid stack");
    (stack, grant)
}

async fn parameters(rds: &aws_sdk_rds::Client, group: &str) -> BTreeMap<String, String> {
    let output = rds
        .describe_db_parameters()
        .db_parameter_group_name(group)
        .send()
        .await
        .expect("describe parameters");
    output
        .parameters()
        .iter()
        .filter_map(|p: &Parameter| {
            Some((
                p.parameter_name()?.to_string(),
                p.parameter_value()?.to_string(),
            ))
        })
        .collect()
}

#[tokio::test]
async fn database_reads_back_in_full_reapplies_nothing_and_never_reads_the_password() {
    let account = account().await;
    let env = &account.env;
    let p = parts(&account.suffix);
    let db = postgres!(p)
        .parameter("log_min_duration_statement", "1000")
        .build()
        .expect("valid");
    let (stack, grant) = stack(&p, "db-readback", &db);
    let plan = stack.plan(env).await.expect("plan");
    assert_eq!(plan.api_calls.mutating(), 0);
    let applied = stack.apply(env).await.expect("apply");
    let rds = rds(&account);

    let instance = rds
        .describe_db_instances()
        .db_instance_identifier("patients")
        .send()
        .await
        .expect("describe")
        .db_instances
        .unwrap_or_default()
        .into_iter()
        .next()
        .expect("the instance exists");
    let key_arn = p_key_arn(&account, &p).await;
    assert_eq!(instance.engine(), Some("postgres"));
    assert_eq!(instance.storage_encrypted(), Some(true));
    assert_eq!(instance.kms_key_id(), Some(key_arn.as_str()));
    assert_eq!(instance.publicly_accessible(), Some(false));
    assert_eq!(instance.backup_retention_period(), Some(7));
    assert_eq!(instance.deletion_protection(), Some(true));
    assert_eq!(instance.multi_az(), Some(true));
    assert_eq!(instance.iam_database_authentication_enabled(), Some(true));
    assert_eq!(instance.auto_minor_version_upgrade(), Some(true));
    assert_eq!(instance.copy_tags_to_snapshot(), Some(true));
    let mut exports = instance.enabled_cloudwatch_logs_exports().to_vec();
    exports.sort();
    assert_eq!(exports, ["postgresql", "upgrade"]);
    // Served by the endpoint's compatibility layer (moto accepts but never returns them).
    assert_eq!(instance.monitoring_interval(), Some(60));
    assert!(instance
        .monitoring_role_arn()
        .is_some_and(|arn| arn.ends_with("role/hipaa-aws/patients-rds-monitoring")));
    assert_eq!(instance.performance_insights_enabled(), Some(true));
    assert_eq!(
        instance.performance_insights_kms_key_id(),
        Some(key_arn.as_str())
    );
    // The master password is RDS's, in Secrets Manager, under the database key.
    let secret = instance.master_user_secret().expect("a managed secret");
    assert!(secret.secret_arn().is_some());
    assert_eq!(secret.kms_key_id(), Some(key_arn.as_str()));
    let tags: BTreeMap<&str, &str> = instance
        .tag_list()
        .iter()
        .filter_map(|tag| Some((tag.key()?, tag.value()?)))
        .collect();
    assert_eq!(tags.get("hipaa-aws:stack"), Some(&"db-readback"));
    assert_eq!(tags.get("hipaa-aws:logical-id"), Some(&"rds-db/patients"));

    // The subnet group holds exactly the two data subnets.
    let subnet_group = rds
        .describe_db_subnet_groups()
        .db_subnet_group_name("patients-data")
        .send()
        .await
        .expect("subnet group")
        .db_subnet_groups
        .unwrap_or_default()
        .into_iter()
        .next()
        .expect("the subnet group exists");
    assert_eq!(subnet_group.subnets().len(), 2);
    let ec2 = aws_sdk_ec2::Client::new(&account.sdk_config);
    let ids: Vec<String> = subnet_group
        .subnets()
        .iter()
        .filter_map(|s| s.subnet_identifier().map(str::to_string))
        .collect();
    let subnets = ec2
        .describe_subnets()
        .set_subnet_ids(Some(ids))
        .send()
        .await
        .expect("subnets");
    let mut cidrs: Vec<String> = subnets
        .subnets()
        .iter()
        .filter_map(|s| s.cidr_block().map(str::to_string))
        .collect();
    cidrs.sort();
    let mut data: Vec<String> = p
        .vpc
        .data_subnets()
        .cidrs()
        .iter()
        .map(ToString::to_string)
        .collect();
    data.sort();
    assert_eq!(cidrs, data);

    // The parameter group forces TLS 1.2+ and keeps the caller's parameter.
    let group = instance.db_parameter_groups()[0]
        .db_parameter_group_name()
        .expect("group name")
        .to_string();
    assert_eq!(group, "patients-postgres16");
    let params = parameters(&rds, &group).await;
    assert_eq!(params.get("rds.force_ssl").map(String::as_str), Some("1"));
    assert_eq!(
        params.get("ssl_min_protocol_version").map(String::as_str),
        Some("TLSv1.2")
    );
    assert_eq!(
        params.get("log_min_duration_statement").map(String::as_str),
        Some("1000")
    );

    // The security group accepts 5432 only from the app group, and nothing goes out.
    let group_id = instance.vpc_security_groups()[0]
        .vpc_security_group_id()
        .expect("group id")
        .to_string();
    let rules = ec2
        .describe_security_group_rules()
        .filters(
            aws_sdk_ec2::types::Filter::builder()
                .name("group-id")
                .values(&group_id)
                .build(),
        )
        .send()
        .await
        .expect("rules");
    let rules = rules.security_group_rules();
    assert_eq!(rules.len(), 1, "{rules:?}");
    assert_eq!(rules[0].is_egress(), Some(false));
    assert_eq!(rules[0].from_port(), Some(5432));
    let app_id = applied
        .resource(Construct::id(&p.app))
        .expect("app applied")
        .arn
        .rsplit('/')
        .next()
        .expect("group id")
        .to_string();
    assert_eq!(
        rules[0].referenced_group_info().and_then(|g| g.group_id()),
        Some(app_id.as_str())
    );

    // The grant names exactly app_user of this database.
    let iam = aws_sdk_iam::Client::new(&account.sdk_config);
    let policy_arn = applied
        .resource(Construct::id(&grant))
        .expect("grant applied")
        .arn
        .clone();
    let version = iam
        .get_policy()
        .policy_arn(&policy_arn)
        .send()
        .await
        .expect("policy")
        .policy
        .and_then(|p| p.default_version_id)
        .expect("version");
    let document = iam
        .get_policy_version()
        .policy_arn(&policy_arn)
        .version_id(version)
        .send()
        .await
        .expect("version")
        .policy_version
        .and_then(|v| v.document)
        .expect("document");
    let document = urlencoding_decode(&document);
    let resource_id = instance.dbi_resource_id().expect("resource id");
    assert!(
        document.contains(&format!(
            "arn:aws:rds-db:us-east-1:{}:dbuser:{resource_id}/app_user",
            account.env.account_id()
        )),
        "{document}"
    );

    // A second plan is empty and a second apply makes no mutating call.
    let again = stack.plan(env).await.expect("second plan");
    assert!(again.is_empty(), "second plan is not empty:\n{again}");
    let reapplied = stack.apply(env).await.expect("second apply");
    assert_eq!(
        reapplied.api_calls.mutating(),
        0,
        "second apply mutated: {:?}",
        reapplied.api_calls.mutating_operations()
    );
    let report = stack.verify(env).await.expect("verify");
    assert!(report.passed(), "{report}");
    for control in [
        ControlId::RdsStorageEncrypted,
        ControlId::RdsInstancePublicAccessCheck,
        ControlId::DbInstanceBackupEnabled,
        ControlId::RdsMultiAzSupport,
        ControlId::RdsInstanceDeletionProtectionEnabled,
        ControlId::RdsLoggingEnabled,
        ControlId::RdsEnhancedMonitoringEnabled,
        ControlId::RdsAutomaticMinorVersionUpgradeEnabled,
        ControlId::RdsTlsEnforced,
        ControlId::RdsIamAuthentication,
        ControlId::RdsMasterPasswordManaged,
        ControlId::RdsPerformanceInsightsEncrypted,
        ControlId::RdsCopyTagsToSnapshot,
        ControlId::RdsInDataSubnets,
    ] {
        assert!(
            report
                .checks()
                .any(|(_, check)| check.control == control && check.status == Status::Pass),
            "{control} was not judged and passed"
        );
    }

    // The library never asked for the password: no Secrets Manager call at all in plan,
    // apply, re-apply or verify, so no Debug, log line, plan, report or error can hold it.
    for calls in [
        &plan.api_calls,
        &applied.api_calls,
        &reapplied.api_calls,
        &report.api_calls,
    ] {
        assert!(
            calls
                .calls
                .keys()
                .all(|op| !op.to_ascii_lowercase().contains("secret")),
            "a Secrets Manager call: {:?}",
            calls.calls.keys()
        );
    }
    let texts = [
        format!("{db:?}"),
        format!("{plan}"),
        format!("{applied}"),
        format!("{report}"),
        serde_json::to_string(&report).expect("json"),
    ];
    for text in texts {
        assert!(!text.to_ascii_lowercase().contains("masteruserpassword"));
    }
}

/// Percent-decoding of the IAM policy document (the query API returns it URL-encoded).
fn urlencoding_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(byte) = u8::from_str_radix(&text[i + 1..i + 3], 16)
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

async fn p_key_arn(account: &TestAccount, p: &Parts) -> String {
    account
        .kms()
        .describe_key()
        .key_id(p.key.alias())
        .send()
        .await
        .expect("key")
        .key_metadata
        .map(|m| m.arn.unwrap_or_default())
        .expect("metadata")
}

#[tokio::test]
async fn database_tampering_is_reported_with_control_ids_and_restored() {
    let account = account().await;
    let env = &account.env;
    let p = parts(&account.suffix);
    let db = postgres!(p).build().expect("valid");
    let (stack, _) = stack(&p, "db-tamper", &db);
    stack.apply(env).await.expect("apply");
    let rds = rds(&account);

    // Behind the library's back: backups shortened, made public, monitoring off, TLS off.
    rds.modify_db_instance()
        .db_instance_identifier("patients")
        .backup_retention_period(1)
        .publicly_accessible(true)
        .monitoring_interval(0)
        .deletion_protection(false)
        .apply_immediately(true)
        .send()
        .await
        .expect("tamper instance");
    rds.modify_db_parameter_group()
        .db_parameter_group_name("patients-postgres16")
        .parameters(
            Parameter::builder()
                .parameter_name("rds.force_ssl")
                .parameter_value("0")
                .apply_method(aws_sdk_rds::types::ApplyMethod::Immediate)
                .build(),
        )
        .send()
        .await
        .expect("tamper parameters");

    let report = stack.verify(env).await.expect("verify");
    assert!(!report.passed());
    let failed: Vec<ControlId> = report
        .failures()
        .iter()
        .map(|(_, check)| check.control)
        .collect();
    for control in [
        ControlId::RdsBackupRetention,
        ControlId::RdsInstancePublicAccessCheck,
        ControlId::RdsEnhancedMonitoringEnabled,
        ControlId::RdsInstanceDeletionProtectionEnabled,
        ControlId::RdsTlsEnforced,
    ] {
        assert!(
            failed.contains(&control),
            "{control} not reported: {report}"
        );
    }
    let plan = stack.plan(env).await.expect("plan");
    let planned = plan.resource(Construct::id(&db)).expect("planned");
    assert_eq!(planned.action, Action::Update, "{plan}");

    stack.apply(env).await.expect("restore");
    let report = stack.verify(env).await.expect("verify again");
    assert!(report.passed(), "{report}");
    assert!(stack.plan(env).await.expect("plan").is_empty());
}

#[tokio::test]
async fn changing_the_key_is_a_replacement_refused_without_consent_and_keeps_the_old_database() {
    let account = account().await;
    let env = &account.env;
    let p = parts(&account.suffix);
    let db = postgres!(p).build().expect("valid");
    let (stack, _) = stack(&p, "db-replace", &db);
    stack.apply(env).await.expect("apply");

    let other_key = HipaaKey::builder()
        .alias(format!("db-other-{}", account.suffix))
        .build()
        .expect("valid key");
    let rekeyed = EncryptedDatabase::builder()
        .identifier("patients")
        .engine(Engine::Postgres16)
        .key(&other_key)
        .subnets(p.vpc.data_subnets())
        .allow_from(&p.app)
        .build()
        .expect("valid");
    let (changed, _) = stack_with(&p, "db-replace", &rekeyed, &other_key);

    let plan = changed.plan(env).await.expect("plan");
    let planned = plan.resource(Construct::id(&rekeyed)).expect("planned");
    assert_eq!(planned.action, Action::Replace, "{plan}");
    assert!(plan.to_string().contains("-/+ replace"), "{plan}");

    let refused = changed
        .apply(env)
        .await
        .expect_err("refused without consent");
    match &refused {
        hipaa_aws::Error::Refused {
            control, reason, ..
        } => {
            assert_eq!(*control, ControlId::NoSilentReplacement);
            assert!(reason.contains("consent_to_replace"), "{reason}");
        }
        other => panic!("not a refusal: {other}"),
    }
    let rds = rds(&account);
    let key_arn = p_key_arn(&account, &p).await;
    let still = rds
        .describe_db_instances()
        .db_instance_identifier("patients")
        .send()
        .await
        .expect("describe");
    assert_eq!(
        still.db_instances()[0].kms_key_id(),
        Some(key_arn.as_str()),
        "the refused apply changed the database"
    );

    // A consent naming nothing in the stack is refused too.
    assert!(changed
        .apply_with(env, &ApplyOptions::new().consent_to_replace("nope"))
        .await
        .is_err());

    let replaced = changed
        .apply_with(env, &ApplyOptions::new().consent_to_replace("patients"))
        .await
        .expect("replace with consent");
    assert_eq!(
        replaced
            .resource(Construct::id(&rekeyed))
            .expect("applied")
            .action,
        Action::Replace
    );
    let all = rds.describe_db_instances().send().await.expect("describe");
    let kept = all
        .db_instances()
        .iter()
        .find(|i| {
            i.db_instance_identifier()
                .is_some_and(|id| id.starts_with("patients-replaced-"))
        })
        .expect("the old database is kept under another name");
    assert_eq!(kept.kms_key_id(), Some(key_arn.as_str()));
    assert_eq!(kept.deletion_protection(), Some(true));
    let snapshots = rds.describe_db_snapshots().send().await.expect("snapshots");
    assert!(
        snapshots.db_snapshots().iter().any(|s| s
            .db_snapshot_identifier()
            .is_some_and(|id| id.starts_with("patients-before-replace-"))),
        "no snapshot of the old database"
    );
    let new_key = other_key_arn(&account, &other_key).await;
    let new = rds
        .describe_db_instances()
        .db_instance_identifier("patients")
        .send()
        .await
        .expect("describe new");
    assert_eq!(new.db_instances()[0].kms_key_id(), Some(new_key.as_str()));
    assert!(changed.plan(env).await.expect("plan").is_empty());
}

fn stack_with(parts: &Parts, name: &str, db: &EncryptedDatabase, key: &HipaaKey) -> (Stack, Grant) {
    let role = HipaaRole::builder()
        .name(format!("{name}-app"))
        .trust(Trust::service("ecs-tasks.amazonaws.com"))
        .build()
        .expect("valid role");
    let grant = db.grant_connect(&role, "app_user").expect("valid grant");
    let stack = Stack::builder(name)
        .with(parts.key.clone())
        .with(key.clone())
        .with(parts.logs.clone())
        .with(parts.vpc.clone())
        .with(parts.app.clone())
        .with(parts.app_rules.clone())
        .with(db.clone())
        .with(role)
        .with(grant.clone())
        .build()
        .expect("valid stack");
    (stack, grant)
}

async fn other_key_arn(account: &TestAccount, key: &HipaaKey) -> String {
    account
        .kms()
        .describe_key()
        .key_id(key.alias())
        .send()
        .await
        .expect("key")
        .key_metadata
        .and_then(|m| m.arn)
        .expect("arn")
}

#[tokio::test]
async fn destroy_keeps_the_database_without_consent_and_deletes_it_only_with_a_final_snapshot() {
    let account = account().await;
    let env = &account.env;
    let p = parts(&account.suffix);
    let db = postgres!(p).build().expect("valid");
    let (stack, _) = stack(&p, "db-destroy", &db);
    stack.apply(env).await.expect("apply");
    let rds = rds(&account);

    let kept = stack
        .destroy(env, &DestroyOptions::new())
        .await
        .expect("destroy without consent");
    assert!(kept
        .kept()
        .iter()
        .any(|resource| &resource.id == Construct::id(&db)));
    assert!(!rds
        .describe_db_instances()
        .db_instance_identifier("patients")
        .send()
        .await
        .expect("still there")
        .db_instances()
        .is_empty());

    stack
        .destroy(env, &DestroyOptions::new().consent_to("patients"))
        .await
        .expect("destroy with consent");
    assert!(rds
        .describe_db_instances()
        .db_instance_identifier("patients")
        .send()
        .await
        .is_err());
    let snapshots = rds.describe_db_snapshots().send().await.expect("snapshots");
    assert!(
        snapshots.db_snapshots().iter().any(|s| s
            .db_snapshot_identifier()
            .is_some_and(|id| id.starts_with("patients-final-"))),
        "no final snapshot"
    );
}

#[tokio::test]
async fn the_audit_judges_instances_snapshots_and_parameter_groups_made_by_hand() {
    let account = account().await;
    let rds = rds(&account);
    let key_arn = {
        let key = account
            .kms()
            .create_key()
            .send()
            .await
            .expect("key")
            .key_metadata
            .expect("metadata");
        key.arn.expect("arn")
    };
    rds.create_db_parameter_group()
        .db_parameter_group_name("tls")
        .db_parameter_group_family("postgres16")
        .description("tls")
        .send()
        .await
        .expect("group");
    rds.modify_db_parameter_group()
        .db_parameter_group_name("tls")
        .parameters(
            Parameter::builder()
                .parameter_name("rds.force_ssl")
                .parameter_value("1")
                .apply_method(aws_sdk_rds::types::ApplyMethod::Immediate)
                .build(),
        )
        .send()
        .await
        .expect("tls on");
    rds.create_db_parameter_group()
        .db_parameter_group_name("plain")
        .db_parameter_group_family("postgres16")
        .description("plain")
        .send()
        .await
        .expect("group");
    let good = rds
        .create_db_instance()
        .db_instance_identifier("good")
        .db_instance_class("db.t3.medium")
        .engine("postgres")
        .engine_version("16.4")
        .master_username("dbadmin")
        .manage_master_user_password(true)
        .storage_encrypted(true)
        .kms_key_id(&key_arn)
        .publicly_accessible(false)
        .multi_az(true)
        .deletion_protection(true)
        .backup_retention_period(7)
        .enable_iam_database_authentication(true)
        .copy_tags_to_snapshot(true)
        .db_parameter_group_name("tls")
        .enable_cloudwatch_logs_exports("postgresql")
        .enable_cloudwatch_logs_exports("upgrade")
        .monitoring_interval(60)
        .monitoring_role_arn(format!(
            "arn:aws:iam::{}:role/monitoring",
            account.env.account_id()
        ))
        .enable_performance_insights(true)
        .performance_insights_kms_key_id(&key_arn)
        .send()
        .await
        .expect("good instance")
        .db_instance
        .and_then(|i| i.db_instance_arn)
        .expect("arn");
    let bad = rds
        .create_db_instance()
        .db_instance_identifier("bad")
        .db_instance_class("db.t3.medium")
        .engine("mysql")
        .master_username("admin")
        .master_user_password("not-a-real-password-1")
        .publicly_accessible(true)
        .backup_retention_period(0)
        .auto_minor_version_upgrade(false)
        .send()
        .await
        .expect("bad instance")
        .db_instance
        .and_then(|i| i.db_instance_arn)
        .expect("arn");
    let unencrypted_snapshot = rds
        .create_db_snapshot()
        .db_instance_identifier("bad")
        .db_snapshot_identifier("bad-snap")
        .send()
        .await
        .expect("snapshot")
        .db_snapshot
        .and_then(|s| s.db_snapshot_arn)
        .expect("arn");
    rds.modify_db_snapshot_attribute()
        .db_snapshot_identifier("bad-snap")
        .attribute_name("restore")
        .values_to_add("all")
        .send()
        .await
        .expect("make public");
    let encrypted_snapshot = rds
        .create_db_snapshot()
        .db_instance_identifier("good")
        .db_snapshot_identifier("good-snap")
        .send()
        .await
        .expect("snapshot")
        .db_snapshot
        .and_then(|s| s.db_snapshot_arn)
        .expect("arn");

    let report = hipaa_aws::audit::Audit::builder()
        .regions(["us-east-1"])
        .build()
        .expect("audit options")
        .run(&account.env)
        .await
        .expect("audit");
    let expect = |control: ControlId, arn: &str, status: Status| match report.finding(control, arn)
    {
        Some(finding) => assert_eq!(
            finding.status, status,
            "{control} on {arn}: {}",
            finding.reason
        ),
        None => panic!("no {control} finding on {arn}"),
    };
    for control in [
        ControlId::RdsStorageEncrypted,
        ControlId::RdsInstancePublicAccessCheck,
        ControlId::DbInstanceBackupEnabled,
        ControlId::RdsMultiAzSupport,
        ControlId::RdsInstanceDeletionProtectionEnabled,
        ControlId::RdsLoggingEnabled,
        ControlId::RdsEnhancedMonitoringEnabled,
        ControlId::RdsAutomaticMinorVersionUpgradeEnabled,
        ControlId::RdsTlsEnforced,
    ] {
        expect(control, &good, Status::Pass);
        expect(control, &bad, Status::Fail);
    }
    expect(
        ControlId::RdsSnapshotEncrypted,
        &encrypted_snapshot,
        Status::Pass,
    );
    expect(
        ControlId::RdsSnapshotsPublicProhibited,
        &encrypted_snapshot,
        Status::Pass,
    );
    expect(
        ControlId::RdsSnapshotEncrypted,
        &unencrypted_snapshot,
        Status::Fail,
    );
    expect(
        ControlId::RdsSnapshotsPublicProhibited,
        &unencrypted_snapshot,
        Status::Fail,
    );
    let group_arn = |name: &str| {
        format!(
            "arn:aws:rds:us-east-1:{}:pg:{name}",
            account.env.account_id()
        )
    };
    expect(ControlId::RdsTlsEnforced, &group_arn("tls"), Status::Pass);
    expect(ControlId::RdsTlsEnforced, &group_arn("plain"), Status::Fail);
}
