//! The reference architecture itself: every construct of the guide's architecture, done right.
//! Shared by `examples/reference_architecture.rs` and `benches/reference.rs`; this is the file
//! to copy when starting a new stack.

use hipaa_aws::construct::Construct;
use hipaa_aws::prelude::*;

/// The region of the backup copies: far enough from the stack's that one outage takes neither.
pub const COPY_REGION: &str = "us-west-2";

/// The architecture: one key per data class, a log bucket that keeps audit logs six years, the
/// PHI bucket, the VPC (data, app and ingress tiers over two zones, flow logs to the log
/// bucket, private endpoints), the load balancer, app and database security groups, EBS
/// encryption by default with the PHI key; identity and audit: least-privilege roles with
/// grants, the account password policy, the trail (every region, validated, encrypted) delivered
/// to the log bucket and to an encrypted log group, and the CIS security alarms notifying an
/// encrypted topic; the PHI database (PostgreSQL, encrypted with the PHI key, in the data
/// subnets, TLS only, reachable from the app group alone); and continuous compliance: the AWS Config recorder delivering to the log
/// bucket with the HIPAA conformance-pack rules, Security Hub with the foundational and CIS
/// standards, and GuardDuty; contingency: the database and the PHI bucket backed up daily into
/// a locked vault that only a break-glass role can empty, copied to a second vault in
/// us-west-2 with its own key; and the PHI bucket replicated to a replica bucket there, under
/// the same copy key, logging to a log bucket of that region.
pub fn architecture(stack_name: &str, account_id: &str) -> Result<Stack> {
    let phi_key = HipaaKey::builder()
        .alias(format!("{stack_name}-phi"))
        .description("Encrypts protected health information")
        .build()?;
    let log_key = HipaaKey::builder()
        .alias(format!("{stack_name}-audit-logs"))
        .description("Encrypts audit logs")
        .build()?;
    let logs = LogBucket::builder()
        .name(format!("{stack_name}-logs-{account_id}"))
        .key(&log_key)
        .retention(LogRetention::SIX_YEARS)
        .archive_after_days(90)
        .build()?;
    // The second region's keys: one for PHI copies (backups and replicas), one for its logs.
    let copy_key = HipaaKey::builder()
        .alias(format!("{stack_name}-phi-copies"))
        .description("Encrypts the cross-region copies of PHI: backups and replicas")
        .region(COPY_REGION)
        .build()?;
    let copy_log_key = HipaaKey::builder()
        .alias(format!("{stack_name}-audit-logs-{COPY_REGION}"))
        .description("Encrypts the audit logs of the second region")
        .region(COPY_REGION)
        .build()?;
    // S3 delivers access logs only within a region: the replica logs to a bucket beside it.
    let copy_logs = LogBucket::builder()
        .name(format!("{stack_name}-logs-{COPY_REGION}-{account_id}"))
        .key(&copy_log_key)
        .retention(LogRetention::SIX_YEARS)
        .archive_after_days(90)
        .region(COPY_REGION)
        .build()?;
    let replica = EncryptedBucket::builder()
        .name(format!("{stack_name}-phi-{COPY_REGION}-{account_id}"))
        .key(&copy_key)
        .access_logs(&copy_logs)
        .region(COPY_REGION)
        .build()?;
    let phi = EncryptedBucket::builder()
        .name(format!("{stack_name}-phi-{account_id}"))
        .key(&phi_key)
        .access_logs(&logs)
        .replicate_to(&replica)
        .build()?;
    let vpc = HipaaVpc::builder()
        .name(format!("{stack_name}-vpc"))
        .cidr("10.20.0.0/16")
        .azs(2)
        .flow_logs_to(&logs)
        .ingress_tier()
        .data_ports([5432])
        .interface_endpoints([
            InterfaceEndpoint::Kms,
            InterfaceEndpoint::Logs,
            InterfaceEndpoint::Sts,
        ])
        .build()?;
    let ingress_tier = vpc.ingress_tier().ok_or_else(|| {
        Error::Configuration("the VPC was built without its ingress tier".to_string())
    })?;
    let lb = SecurityGroup::builder()
        .name("load-balancer")
        .vpc(&vpc)
        .ingress_tier(ingress_tier)
        .build()?;
    let app = vpc.security_group("app")?;
    let lb_rules = SecurityGroupRules::builder()
        .group(&lb)
        .ingress([Rule::tcp(443, Peer::anywhere()).described("HTTPS from clients")])
        .egress([Rule::tcp(8443, &app)])
        .build()?;
    let app_rules = SecurityGroupRules::builder()
        .group(&app)
        .ingress([Rule::tcp(8443, &lb)])
        .egress(
            vpc.data_subnets()
                .cidrs()
                .iter()
                .map(|cidr| Rule::tcp(5432, Peer::cidr(cidr.to_string())).described("PostgreSQL"))
                .chain([Rule::tcp(443, Peer::cidr("10.20.0.0/16")).described("VPC endpoints")]),
        )
        .build()?;
    // The PHI database: encrypted with the PHI key, in the data subnets, TLS only, reachable on
    // 5432 from the app group alone; the app connects as `app_user` with IAM tokens.
    let database = EncryptedDatabase::builder()
        .identifier("phi-records")
        .engine(Engine::Postgres16)
        .key(&phi_key)
        .subnets(vpc.data_subnets())
        .allow_from(&app)
        .build()?;
    let ebs = EbsEncryptionByDefault::builder().key(&phi_key).build()?;

    // Identity: the application reads and writes PHI; auditors (with MFA) read the logs.
    let app_role = HipaaRole::builder()
        .name(format!("{stack_name}-app"))
        .trust(Trust::service("ecs-tasks.amazonaws.com"))
        .description("The PHI application's tasks")
        .build()?;
    let auditor = HipaaRole::builder()
        .name(format!("{stack_name}-auditor"))
        .trust(Trust::this_account().with_mfa())
        .description("Auditors reading the audit logs, signed in with MFA")
        .build()?;
    let passwords = AccountPasswordPolicy::builder().build()?;
    let app_logs = EncryptedLogGroup::builder()
        .name(format!("/{stack_name}/app"))
        .key(&log_key)
        .retention_days(365)
        .retention_floor(RetentionFloor::OneYear)
        .build()?;

    // Audit: the trail, its log group, and the security alarms.
    let trail_events = EncryptedLogGroup::builder()
        .name(format!("/{stack_name}/cloudtrail"))
        .key(&log_key)
        .build()?;
    let trail = AuditTrail::builder()
        .name(format!("{stack_name}-trail"))
        .bucket(&logs)
        .key(&log_key)
        .log_group(&trail_events)
        .data_events(S3DataEvents::AllBuckets)
        .build()?;
    let alarms = SecurityAlarms::builder()
        .prefix(stack_name)
        .trail_events(&trail)
        .notify(AlarmNotification::encrypted_topic(&log_key))
        .build()?;

    // Contingency (45 CFR 164.308(a)(7)): daily backups of the database and the PHI bucket into
    // a vault locked in compliance mode, copied to a vault in a second region with its own key;
    // failed jobs are published to encrypted topics; only the break-glass role (MFA) may delete
    // a recovery point or loosen a vault.
    let break_glass = HipaaRole::builder()
        .name(format!("{stack_name}-break-glass"))
        .trust(Trust::this_account().with_mfa())
        .description(
            "Emergency access: the only role that may delete backups or change a vault's guard",
        )
        .build()?;
    let backup_failures = AlarmTopic::builder()
        .name(format!("{stack_name}-backup-failures"))
        .key(&log_key)
        .build()?;
    let copy_failures = AlarmTopic::builder()
        .name(format!("{stack_name}-backup-failures-{COPY_REGION}"))
        .key(&copy_key)
        .region(COPY_REGION)
        .build()?;
    let vault = BackupVault::builder()
        .name(format!("{stack_name}-phi-backups"))
        .key(&phi_key)
        .break_glass_role(&break_glass)
        .failures_to(&backup_failures)
        .build()?;
    let copies = BackupVault::builder()
        .name(format!("{stack_name}-phi-backups-{COPY_REGION}"))
        .key(&copy_key)
        .break_glass_role(&break_glass)
        .failures_to(&copy_failures)
        .region(COPY_REGION)
        .build()?;
    let backups = BackupPlan::builder()
        .name(format!("{stack_name}-phi-daily"))
        .vault(&vault)
        .copy_to(&copies)
        .protect(&database)
        .protect(&phi)
        .build()?;

    let recorder = ConfigRecorder::builder().delivery_bucket(&logs).build()?;
    let rules = HipaaConfigRules::builder()
        .recorder(&recorder)
        .covering([
            phi.kind(),
            logs.kind(),
            phi_key.kind(),
            log_key.kind(),
            vault.kind(),
            backups.kind(),
        ])
        .build()?;
    let security_hub = SecurityHub::builder().build()?;
    let threat_detection = ThreatDetection::builder()
        .protections([GuardDutyProtection::RdsLoginEvents])
        .build()?;
    Stack::builder(stack_name)
        .with(phi.grant_read(&app_role))
        .with(phi.grant_write(&app_role))
        .with(logs.grant_read(&auditor))
        .with(app_logs.grant_write(&app_role))
        .with(phi_key)
        .with(log_key)
        .with(logs)
        .with(copy_key)
        .with(copy_log_key)
        .with(copy_logs)
        .with(replica)
        .with(phi)
        .with(vpc)
        .with(lb)
        .with(app)
        .with(database.grant_connect(&app_role, "app_user")?)
        .with(database)
        .with(lb_rules)
        .with(app_rules)
        .with(ebs)
        .with(app_role)
        .with(auditor)
        .with(passwords)
        .with(app_logs)
        .with(trail_events)
        .with(trail)
        .with(alarms)
        .with(recorder)
        .with(rules)
        .with(security_hub)
        .with(threat_detection)
        .with(break_glass)
        .with(backup_failures)
        .with(copy_failures)
        .with(vault)
        .with(copies)
        .with(backups)
        .build()
}
