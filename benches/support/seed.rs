//! Seeding a benchmark account on the local endpoint, shared by the audit benchmark and the
//! race against Prowler. Errors are ignored: a seed only has to be big.

use futures::stream::{self, StreamExt};
use hipaa_aws::local::fault_proxy::FaultProxy;
use hipaa_aws::local::LocalEndpoint;
use hipaa_aws::{BaaAttestation, Environment};

/// How many of each resource to seed.
pub struct Size {
    pub buckets: usize,
    pub keys: usize,
    pub vpcs: usize,
    pub roles: usize,
    pub databases: usize,
}

impl Size {
    /// `fraction` of the full size (500 buckets, 100 keys, 50 VPCs, 200 roles, 20 databases),
    /// at least one of each.
    pub fn fraction_of_full(fraction: f64) -> Size {
        let at = |full: f64| ((full * fraction).round() as usize).max(1);
        Size {
            buckets: at(500.0),
            keys: at(100.0),
            vpcs: at(50.0),
            roles: at(200.0),
            databases: at(20.0),
        }
    }

    pub fn describe(&self) -> String {
        format!(
            "{} buckets, {} keys, {} VPCs (2 groups each), {} roles, {} databases",
            self.buckets, self.keys, self.vpcs, self.roles, self.databases
        )
    }
}

/// What the seeded resources look like beyond their number.
#[derive(Clone, Copy)]
pub struct Shape {
    /// Every n-th bucket is hardened as a HIPAA scanner expects (KMS default encryption,
    /// versioning, Block Public Access, a TLS-only policy, access logging); the others get
    /// versioning on every second one and nothing else.
    pub hardened_bucket_every: Option<usize>,
    /// Each role gets a customer managed policy of its own (every fifth one granting `*` on
    /// `*`), instead of all roles sharing one read-only policy.
    pub policy_per_role: bool,
    /// The disguises a careless account holds beside the plain cases: every 25th bucket public
    /// by its policy, every 10th role with an inline `*` policy and every 7th with an inline
    /// `aws-marketplace:*` one, ten EBS volumes (half unencrypted) and one public snapshot, ten
    /// log groups (half without a key, half without retention), a single-region trail without
    /// validation or a key, five console users without MFA (one with an access key), and a
    /// database snapshot anyone may restore.
    pub careless_extras: bool,
}

impl Shape {
    /// The audit benchmark's account.
    pub const PLAIN: Shape = Shape {
        hardened_bucket_every: None,
        policy_per_role: false,
        careless_extras: false,
    };
    /// The race's account: a third of the buckets compliant, roles with policies of their own.
    pub const RACE: Shape = Shape {
        hardened_bucket_every: Some(3),
        policy_per_role: true,
        careless_extras: true,
    };
}

/// An environment for `account` of the endpoint, through `proxy` when given.
pub async fn account_env(
    endpoint: &LocalEndpoint,
    account: &str,
    proxy: Option<&FaultProxy>,
) -> Environment {
    let mut config = endpoint
        .sdk_config_for_account(account, "us-east-1")
        .await
        .unwrap_or_else(|error| panic!("account {account}: {error}"));
    if let Some(proxy) = proxy {
        config = config.into_builder().endpoint_url(proxy.url()).build();
    }
    Environment::builder(BaaAttestation::executed_on("2026-01-15"))
        .sdk_config(config)
        .build()
        .await
        .unwrap_or_else(|error| panic!("environment: {error}"))
}

/// Seeds every kind of resource of `size` in the environment's account.
pub async fn seed(env: &Environment, size: &Size, shape: Shape, prefix: &str) {
    buckets(env, size.buckets, shape, prefix).await;
    keys(env, size.keys).await;
    vpcs(env, size.vpcs, prefix).await;
    roles(env, size.roles, shape, prefix).await;
    databases(env, size.databases, prefix).await;
    if shape.careless_extras {
        volumes(env, 10).await;
        log_groups_and_trail(env, 10, prefix).await;
        users(env, 5, prefix).await;
        public_database_snapshot(env, prefix).await;
    }
}

async fn buckets(env: &Environment, count: usize, shape: Shape, prefix: &str) {
    use aws_sdk_s3::types::{
        BucketVersioningStatus, LoggingEnabled, PublicAccessBlockConfiguration,
        ServerSideEncryption, ServerSideEncryptionByDefault, ServerSideEncryptionConfiguration,
        ServerSideEncryptionRule, VersioningConfiguration,
    };
    let s3 = env.s3().clone();
    let log_bucket = format!("{prefix}-access-logs");
    let key_arn = match shape.hardened_bucket_every {
        Some(_) => {
            let _ = s3.create_bucket().bucket(&log_bucket).send().await;
            env.kms()
                .create_key()
                .description("bench bucket key")
                .send()
                .await
                .ok()
                .and_then(|key| key.key_metadata)
                .map(|metadata| metadata.arn.unwrap_or_default())
        }
        None => None,
    };
    let (log_bucket, key_arn) = (log_bucket.as_str(), key_arn.as_deref());
    stream::iter(0..count)
        .for_each_concurrent(16, |index| {
            let s3 = s3.clone();
            async move {
                let name = format!("{prefix}-bucket-{index:04}");
                let _ = s3.create_bucket().bucket(&name).send().await;
                let hardened = shape
                    .hardened_bucket_every
                    .is_some_and(|every| index % every == 0);
                if index % 2 == 0 || hardened {
                    let _ = s3
                        .put_bucket_versioning()
                        .bucket(&name)
                        .versioning_configuration(
                            VersioningConfiguration::builder()
                                .status(BucketVersioningStatus::Enabled)
                                .build(),
                        )
                        .send()
                        .await;
                }
                if !hardened {
                    if shape.careless_extras && index % 25 == 1 {
                        let policy = format!(
                            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::{name}/*"}}]}}"#
                        );
                        let _ = s3.put_bucket_policy().bucket(&name).policy(policy).send().await;
                    }
                    return;
                }
                if let Ok(by_default) = ServerSideEncryptionByDefault::builder()
                    .sse_algorithm(ServerSideEncryption::AwsKms)
                    .set_kms_master_key_id(key_arn.map(str::to_string))
                    .build()
                    && let Ok(configuration) = ServerSideEncryptionConfiguration::builder()
                        .rules(
                            ServerSideEncryptionRule::builder()
                                .apply_server_side_encryption_by_default(by_default)
                                .bucket_key_enabled(true)
                                .build(),
                        )
                        .build()
                {
                    let _ = s3
                        .put_bucket_encryption()
                        .bucket(&name)
                        .server_side_encryption_configuration(configuration)
                        .send()
                        .await;
                }
                let _ = s3
                    .put_public_access_block()
                    .bucket(&name)
                    .public_access_block_configuration(
                        PublicAccessBlockConfiguration::builder()
                            .block_public_acls(true)
                            .ignore_public_acls(true)
                            .block_public_policy(true)
                            .restrict_public_buckets(true)
                            .build(),
                    )
                    .send()
                    .await;
                let policy = format!(
                    r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::{name}","arn:aws:s3:::{name}/*"],"Condition":{{"Bool":{{"aws:SecureTransport":"false"}}}}}}]}}"#
                );
                let _ = s3.put_bucket_policy().bucket(&name).policy(policy).send().await;
                if let Ok(logging) = LoggingEnabled::builder()
                    .target_bucket(log_bucket)
                    .target_prefix(format!("{name}/"))
                    .build()
                {
                    let _ = s3
                        .put_bucket_logging()
                        .bucket(&name)
                        .bucket_logging_status(
                            aws_sdk_s3::types::BucketLoggingStatus::builder()
                                .logging_enabled(logging)
                                .build(),
                        )
                        .send()
                        .await;
                }
            }
        })
        .await;
}

/// Keys, rotation on every second one.
async fn keys(env: &Environment, count: usize) {
    let kms = env.kms().clone();
    stream::iter(0..count)
        .for_each_concurrent(16, |index| {
            let kms = kms.clone();
            async move {
                if let Ok(key) = kms
                    .create_key()
                    .description(format!("bench key {index}"))
                    .send()
                    .await
                    && let (0, Some(metadata)) = (index % 2, key.key_metadata)
                {
                    let _ = kms
                        .enable_key_rotation()
                        .key_id(metadata.key_id())
                        .send()
                        .await;
                }
            }
        })
        .await;
}

/// VPCs, each with a group open to the internet on 443 and one open on 22.
async fn vpcs(env: &Environment, count: usize, prefix: &str) {
    let ec2 = env.ec2().clone();
    stream::iter(0..count)
        .for_each_concurrent(8, |index| {
            let ec2 = ec2.clone();
            async move {
                let cidr = format!("10.{}.0.0/16", index % 250);
                let Ok(vpc) = ec2.create_vpc().cidr_block(cidr).send().await else {
                    return;
                };
                let Some(vpc_id) = vpc.vpc.and_then(|vpc| vpc.vpc_id) else {
                    return;
                };
                for (name, port) in [("web", 443), ("admin", 22)] {
                    if let Ok(group) = ec2
                        .create_security_group()
                        .group_name(format!("{prefix}-{name}-{index}"))
                        .description("benchmark")
                        .vpc_id(&vpc_id)
                        .send()
                        .await
                        && let Some(group_id) = group.group_id
                    {
                        let _ = ec2
                            .authorize_security_group_ingress()
                            .group_id(group_id)
                            .ip_protocol("tcp")
                            .from_port(port)
                            .to_port(port)
                            .cidr_ip("0.0.0.0/0")
                            .send()
                            .await;
                    }
                }
            }
        })
        .await;
}

const READ_LOGS: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:GetLogEvents","logs:FilterLogEvents"],"Resource":"*"}]}"#;
const ADMIN: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

const MARKETPLACE: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"aws-marketplace:*","Resource":"*"}]}"#;

async fn create_policy(iam: &aws_sdk_iam::Client, name: &str, document: &str) -> Option<String> {
    iam.create_policy()
        .policy_name(name)
        .policy_document(document)
        .send()
        .await
        .ok()
        .and_then(|created| created.policy)
        .and_then(|policy| policy.arn)
}

/// Roles with a customer managed policy attached (shared or their own, by `shape`).
async fn roles(env: &Environment, count: usize, shape: Shape, prefix: &str) {
    let iam = env.iam().clone();
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    // The local endpoint does not load AWS managed policies: customer policies stand in.
    let shared = match shape.policy_per_role {
        true => None,
        false => create_policy(&iam, &format!("{prefix}-read-logs"), READ_LOGS).await,
    };
    let shared = shared.as_deref();
    stream::iter(0..count)
        .for_each_concurrent(16, |index| {
            let iam = iam.clone();
            async move {
                let name = format!("{prefix}-role-{index:04}");
                if iam
                    .create_role()
                    .role_name(&name)
                    .assume_role_policy_document(trust)
                    .send()
                    .await
                    .is_err()
                {
                    return;
                }
                let policy = match shared {
                    Some(arn) => Some(arn.to_string()),
                    None => {
                        let document = if index % 5 == 0 { ADMIN } else { READ_LOGS };
                        create_policy(&iam, &format!("{name}-policy"), document).await
                    }
                };
                if let Some(policy) = policy {
                    let _ = iam
                        .attach_role_policy()
                        .role_name(&name)
                        .policy_arn(policy)
                        .send()
                        .await;
                }
                let inline = match (shape.careless_extras, index % 10, index % 7) {
                    (false, _, _) => None,
                    (true, 3, _) => Some(ADMIN),
                    (true, _, 4) => Some(MARKETPLACE),
                    _ => None,
                };
                if let Some(document) = inline {
                    let _ = iam
                        .put_role_policy()
                        .role_name(&name)
                        .policy_name("inline")
                        .policy_document(document)
                        .send()
                        .await;
                }
            }
        })
        .await;
}

/// Databases, half of them unencrypted.
async fn databases(env: &Environment, count: usize, prefix: &str) {
    let rds = env.rds().clone();
    stream::iter(0..count)
        .for_each_concurrent(4, |index| {
            let rds = rds.clone();
            async move {
                let _ = rds
                    .create_db_instance()
                    .db_instance_identifier(format!("{prefix}-db-{index:03}"))
                    .engine("postgres")
                    .db_instance_class("db.t3.micro")
                    .allocated_storage(20)
                    .master_username("bench")
                    .manage_master_user_password(true)
                    .storage_encrypted(index % 2 == 0)
                    .send()
                    .await;
            }
        })
        .await;
}

/// EBS volumes, every second one unencrypted; a snapshot of the first, restorable by anyone.
async fn volumes(env: &Environment, count: usize) {
    let ec2 = env.ec2().clone();
    let zone = format!("{}a", env.region());
    for index in 0..count {
        let Ok(volume) = ec2
            .create_volume()
            .availability_zone(&zone)
            .size(8)
            .encrypted(index % 2 == 0)
            .send()
            .await
        else {
            continue;
        };
        if index != 1 {
            continue;
        }
        if let Some(snapshot) = ec2
            .create_snapshot()
            .set_volume_id(volume.volume_id)
            .send()
            .await
            .ok()
            .and_then(|snapshot| snapshot.snapshot_id)
        {
            let _ = ec2
                .modify_snapshot_attribute()
                .snapshot_id(snapshot)
                .attribute(aws_sdk_ec2::types::SnapshotAttributeName::CreateVolumePermission)
                .group_names("all")
                .operation_type(aws_sdk_ec2::types::OperationType::Add)
                .send()
                .await;
        }
    }
}

/// Log groups (every second one with a key, every third with retention) and a trail into a
/// bucket of its own: single-region, no log file validation, no key, no CloudWatch Logs.
async fn log_groups_and_trail(env: &Environment, count: usize, prefix: &str) {
    let logs = env.logs();
    let key = env
        .kms()
        .create_key()
        .description("bench log key")
        .send()
        .await
        .ok()
        .and_then(|key| key.key_metadata)
        .and_then(|metadata| metadata.arn);
    for index in 0..count {
        let name = format!("/{prefix}/group-{index:02}");
        let mut create = logs.create_log_group().log_group_name(&name);
        if index % 2 == 0 {
            create = create.set_kms_key_id(key.clone());
        }
        let _ = create.send().await;
        if index % 3 == 0 {
            let _ = logs
                .put_retention_policy()
                .log_group_name(&name)
                .retention_in_days(2192)
                .send()
                .await;
        }
    }
    let bucket = format!("{prefix}-trail-logs");
    let _ = env.s3().create_bucket().bucket(&bucket).send().await;
    let trail = format!("{prefix}-trail");
    if env
        .cloudtrail()
        .create_trail()
        .name(&trail)
        .s3_bucket_name(&bucket)
        .send()
        .await
        .is_ok()
    {
        let _ = env.cloudtrail().start_logging().name(&trail).send().await;
    }
}

/// Console users without MFA; the first also has an access key.
async fn users(env: &Environment, count: usize, prefix: &str) {
    let iam = env.iam();
    for index in 0..count {
        let name = format!("{prefix}-user-{index}");
        if iam.create_user().user_name(&name).send().await.is_err() {
            continue;
        }
        let _ = iam
            .create_login_profile()
            .user_name(&name)
            .password("Bench-Password-1234!")
            .send()
            .await;
        if index == 0 {
            let _ = iam.create_access_key().user_name(&name).send().await;
        }
    }
}

/// A manual snapshot of the first database, restorable by any account.
async fn public_database_snapshot(env: &Environment, prefix: &str) {
    let snapshot = format!("{prefix}-public-snapshot");
    if env
        .rds()
        .create_db_snapshot()
        .db_instance_identifier(format!("{prefix}-db-000"))
        .db_snapshot_identifier(&snapshot)
        .send()
        .await
        .is_ok()
    {
        let _ = env
            .rds()
            .modify_db_snapshot_attribute()
            .db_snapshot_identifier(&snapshot)
            .attribute_name("restore")
            .values_to_add("all")
            .send()
            .await;
    }
}
