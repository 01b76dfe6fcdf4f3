//! `cargo bench --bench audit`: the account audit against the local endpoint.
//!
//! Seeds an account (not timed) with buckets, keys, VPCs with security groups, roles and
//! databases, then audits it with the default
//! concurrency and with concurrency 1 in the same run, at half and at full size, and prints the
//! times, their ratio, API calls per resource and the peak memory of each audit.
//!
//! `HIPAA_AWS_BENCH_SCALE` (default 1.0) scales the seeded counts (at 1.0: 500 buckets, 100
//! keys, 50 VPCs with two security groups each, 200 roles, 20 databases).
//!
//! Latency mode: the same two audits through a loopback proxy that holds every call 50 ms
//! (`HIPAA_AWS_BENCH_LATENCY_MS`), standing in for a region's round trip, which is what
//! concurrency overlaps against AWS. It runs on a fifth of the full size
//! (`HIPAA_AWS_BENCH_LATENCY_FRACTION`, default 0.2), because at concurrency 1 each scanner
//! reads one thing at a time. `HIPAA_AWS_BENCH_MODES` picks `local`, `latency` or both (the default).

use std::time::{Duration, Instant};

use futures::stream::{self, StreamExt};
use hipaa_aws::audit::Audit;
use hipaa_aws::local::fault_proxy::{FaultPlan, FaultProxy};
use hipaa_aws::local::LocalEndpoint;
use hipaa_aws::{BaaAttestation, Environment};

struct Size {
    buckets: usize,
    keys: usize,
    vpcs: usize,
    roles: usize,
    databases: usize,
}

fn setting(name: &str, default: f64) -> f64 {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

fn scale() -> f64 {
    setting("HIPAA_AWS_BENCH_SCALE", 1.0)
}

fn mode_wanted(mode: &str) -> bool {
    std::env::var("HIPAA_AWS_BENCH_MODES")
        .map(|modes| modes.split(',').any(|m| m.trim() == mode))
        .unwrap_or(true)
}

fn counts(fraction: f64) -> Size {
    let at = |full: f64| ((full * fraction * scale()).round() as usize).max(1);
    Size {
        buckets: at(500.0),
        keys: at(100.0),
        vpcs: at(50.0),
        roles: at(200.0),
        databases: at(20.0),
    }
}

/// Peak resident memory since the last reset, in MiB (Linux), and a reset of the peak.
fn peak_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

async fn seed(env: &Environment, size: &Size, prefix: &str) {
    let s3 = env.s3().clone();
    stream::iter(0..size.buckets)
        .for_each_concurrent(16, |index| {
            let s3 = s3.clone();
            async move {
                let name = format!("{prefix}-bucket-{index:04}");
                let _ = s3.create_bucket().bucket(&name).send().await;
                if index % 2 == 0 {
                    let _ = s3
                        .put_bucket_versioning()
                        .bucket(&name)
                        .versioning_configuration(
                            aws_sdk_s3::types::VersioningConfiguration::builder()
                                .status(aws_sdk_s3::types::BucketVersioningStatus::Enabled)
                                .build(),
                        )
                        .send()
                        .await;
                }
            }
        })
        .await;
    let kms = env.kms().clone();
    stream::iter(0..size.keys)
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

/// VPCs, each with an open and a closed security group; roles with a managed policy attached;
/// databases, half of them unencrypted. Errors are ignored: the seed only has to be big.
async fn seed_network_identity_databases(env: &Environment, size: &Size, prefix: &str) {
    let ec2 = env.ec2().clone();
    stream::iter(0..size.vpcs)
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
    let iam = env.iam().clone();
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    // The local endpoint does not load AWS managed policies: one customer policy stands in.
    let policy = iam
        .create_policy()
        .policy_name(format!("{prefix}-read-logs"))
        .policy_document(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:GetLogEvents","logs:FilterLogEvents"],"Resource":"*"}]}"#,
        )
        .send()
        .await
        .ok()
        .and_then(|created| created.policy)
        .and_then(|policy| policy.arn)
        .unwrap_or_default();
    let policy = policy.as_str();
    stream::iter(0..size.roles)
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
                    .is_ok()
                {
                    let _ = iam
                        .attach_role_policy()
                        .role_name(&name)
                        .policy_arn(policy)
                        .send()
                        .await;
                }
            }
        })
        .await;
    let rds = env.rds().clone();
    stream::iter(0..size.databases)
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

struct Measured {
    elapsed: Duration,
    resources: usize,
    calls: u64,
    peak: Option<f64>,
}

async fn measure(env: &Environment, concurrency: usize) -> Measured {
    reset_peak();
    let audit = Audit::builder()
        .regions([env.region().to_string()])
        .concurrency(concurrency)
        .build()
        .unwrap_or_else(|error| panic!("audit options: {error}"));
    let before = env.api_calls();
    let started = Instant::now();
    let report = audit
        .run(env)
        .await
        .unwrap_or_else(|error| panic!("audit: {error}"));
    let elapsed = started.elapsed();
    Measured {
        elapsed,
        resources: report.accounts.iter().map(|a| a.resources).sum(),
        calls: env.api_calls().since(&before).total(),
        peak: peak_mib(),
    }
}

async fn account_env(
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

/// Seeds one account at `fraction` of the full size, then audits it at the default concurrency
/// and at 1 through `proxy` (when given) and prints both and their ratio.
async fn run_size(
    endpoint: &LocalEndpoint,
    label: &str,
    fraction: f64,
    account: &str,
    proxy: Option<&FaultProxy>,
) {
    let size = counts(fraction);
    // Seeded straight to the endpoint: only the audits pay the latency.
    let direct = account_env(endpoint, account, None).await;
    let seeding = Instant::now();
    seed(&direct, &size, &format!("b{account}")).await;
    seed_network_identity_databases(&direct, &size, &format!("b{account}")).await;
    println!(
        "{label}: seeded {} buckets, {} keys, {} VPCs (2 groups each), {} roles, {} databases in {:.1}s (not timed below)",
        size.buckets,
        size.keys,
        size.vpcs,
        size.roles,
        size.databases,
        seeding.elapsed().as_secs_f64()
    );
    let env = match proxy {
        Some(_) => account_env(endpoint, account, proxy).await,
        None => direct,
    };
    let parallel = measure(&env, hipaa_aws::audit::DEFAULT_AUDIT_CONCURRENCY).await;
    let serial = measure(&env, 1).await;
    for (name, m) in [
        ("default concurrency", &parallel),
        ("concurrency 1", &serial),
    ] {
        println!(
            "  {name:<20} {:>8.2}s  {:>5} resources  {:>6} API calls ({:.1} per resource)  peak {}",
            m.elapsed.as_secs_f64(),
            m.resources,
            m.calls,
            m.calls as f64 / m.resources.max(1) as f64,
            m.peak
                .map(|mib| format!("{mib:.0} MiB"))
                .unwrap_or_else(|| "n/a".to_string())
        );
    }
    println!(
        "  speed-up (concurrency 1 / default): {:.2}x",
        serial.elapsed.as_secs_f64() / parallel.elapsed.as_secs_f64()
    );
}

#[tokio::main]
async fn main() {
    let endpoint = LocalEndpoint::start()
        .await
        .unwrap_or_else(|error| panic!("local endpoint: {error}"));
    println!("audit benchmark (local endpoint, scale {})", scale());
    if mode_wanted("local") {
        for (label, fraction, account) in [
            ("half size", 0.5, "300000000001"),
            ("full size", 1.0, "300000000002"),
        ] {
            run_size(&endpoint, label, fraction, account, None).await;
        }
    }
    if mode_wanted("latency") {
        let latency = Duration::from_millis(setting("HIPAA_AWS_BENCH_LATENCY_MS", 50.0) as u64);
        let fraction = setting("HIPAA_AWS_BENCH_LATENCY_FRACTION", 0.2);
        let proxy = FaultProxy::start(&endpoint.url(), FaultPlan::latency(latency))
            .unwrap_or_else(|error| panic!("latency proxy: {error}"));
        let label = format!(
            "{} ms per call, {fraction} of full size",
            latency.as_millis()
        );
        run_size(&endpoint, &label, fraction, "300000000003", Some(&proxy)).await;
    }
}
