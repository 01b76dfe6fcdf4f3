//! `cargo bench --bench race`: this library's account audit against Prowler's HIPAA scan, on
//! one seeded account of the local endpoint, in one run.
//!
//! Seeds one account (not timed): 500 buckets (a third hardened: KMS default encryption,
//! versioning, Block Public Access, a TLS-only policy, access logging), 100 keys (half
//! rotating), 50 VPCs with two internet-facing groups each (443 and 22), 200 roles each with a
//! customer managed policy of its own (every fifth granting `*` on `*`) and 20 databases (half
//! unencrypted); and the careless extras (every 25th bucket public by its policy, inline `*` and
//! `aws-marketplace:*` role policies, EBS volumes and a public snapshot, log groups, a careless
//! trail, console users without MFA, a public database snapshot; see `seed::Shape`).
//! `HIPAA_AWS_BENCH_SCALE` scales the counts.
//!
//! Then it audits the account with this library (default concurrency, one region) and runs
//! `prowler aws --compliance hipaa_aws` on the same region through the same endpoint, and prints
//! both wall times, their ratio, both peak memories, and for every check both cover the
//! resources each failed, with the resources Prowler failed and this library did not.
//!
//! Latency mode: the same race on a fifth of the size (`HIPAA_AWS_BENCH_LATENCY_FRACTION`),
//! both scanners through a loopback proxy that holds every call 50 ms
//! (`HIPAA_AWS_BENCH_LATENCY_MS`), standing in for a region's round trip: against the local
//! endpoint alone both scanners mostly wait for the same CPU-bound moto process.
//! `HIPAA_AWS_BENCH_MODES` picks `local`, `latency` or both (the default).
//!
//! `HIPAA_AWS_RACE_SKIP_PROWLER=1` runs only this library's half (to profile it).
//!
//! Prowler is the pinned PyPI package [`PROWLER_VERSION`], installed on first use of this
//! benchmark into `~/.cache/hipaa-aws/prowler-<version>` (about 2.3 GB, a few minutes). Only
//! this benchmark installs it; CI never runs it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use aws_sdk_sts::config::ProvideCredentials;
use hipaa_aws::audit::{Audit, AuditReport};
use hipaa_aws::controls::Status;
use hipaa_aws::local::fault_proxy::FaultProxy;
use hipaa_aws::local::LocalEndpoint;

mod support;
use support::seed::{self, account_env, Shape, Size};
use support::{busiest, cpu_seconds, latency_proxy, mode_wanted, peak_mib, reset_peak, setting};

/// CPU seconds of (this process, the endpoint) between two readings.
fn cpu_use(
    before: (Option<f64>, Option<f64>),
    after: (Option<f64>, Option<f64>),
) -> (Option<f64>, Option<f64>) {
    let spent = |a: Option<f64>, b: Option<f64>| a.zip(b).map(|(a, b)| a - b);
    (spent(after.0, before.0), spent(after.1, before.1))
}

fn seconds(value: Option<f64>) -> String {
    value
        .map(|s| format!("{s:.1}s"))
        .unwrap_or_else(|| "n/a".to_string())
}

/// The Prowler release raced (PyPI).
const PROWLER_VERSION: &str = "5.46.0";
const ACCOUNT: &str = "400000000001";
const LATENCY_ACCOUNT: &str = "400000000002";
const REGION: &str = "us-east-1";

/// Whether a check judges resources one by one or the account (and region) as a whole; the two
/// scanners name an account-level finding differently (the password policy, "trail",
/// "recorder", the account), so those compare as failed or not.
#[derive(Clone, Copy, PartialEq)]
enum Scope {
    Resource,
    Account,
}
use Scope::{Account, Resource};

/// Prowler's checks of its HIPAA framework that this library's audit also judges, each with the
/// controls that judge the same requirement (a resource fails here when any of them fails).
const SHARED_CHECKS: &[(&str, &[&str], Scope)] = &[
    (
        "s3_bucket_default_encryption",
        &["S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED"],
        Resource,
    ),
    (
        "s3_bucket_object_versioning",
        &["S3_BUCKET_VERSIONING_ENABLED"],
        Resource,
    ),
    (
        "s3_bucket_secure_transport_policy",
        &["S3_BUCKET_SSL_REQUESTS_ONLY"],
        Resource,
    ),
    (
        "s3_bucket_server_access_logging_enabled",
        &["S3_BUCKET_LOGGING_ENABLED"],
        Resource,
    ),
    (
        "s3_bucket_public_access",
        &[
            "S3_BUCKET_PUBLIC_READ_PROHIBITED",
            "S3_BUCKET_PUBLIC_WRITE_PROHIBITED",
        ],
        Resource,
    ),
    (
        "s3_bucket_policy_public_write_access",
        &["S3_BUCKET_PUBLIC_WRITE_PROHIBITED"],
        Resource,
    ),
    (
        "s3_account_level_public_access_blocks",
        &["S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS_PERIODIC"],
        Account,
    ),
    (
        "kms_cmk_rotation_enabled",
        &["HIPAA_AWS_KMS_KEY_ROTATION_ENABLED"],
        Resource,
    ),
    (
        "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22",
        &["INCOMING_SSH_DISABLED"],
        Resource,
    ),
    (
        "ec2_networkacl_allow_ingress_any_port",
        &["HIPAA_AWS_NACL_NO_UNRESTRICTED_INGRESS"],
        Resource,
    ),
    (
        "vpc_flow_logs_enabled",
        &["VPC_FLOW_LOGS_ENABLED"],
        Resource,
    ),
    (
        "ec2_ebs_default_encryption",
        &["EC2_EBS_ENCRYPTION_BY_DEFAULT"],
        Account,
    ),
    (
        "ec2_ebs_volume_encryption",
        &["ENCRYPTED_VOLUMES"],
        Resource,
    ),
    (
        "ec2_ebs_public_snapshot",
        &["EBS_SNAPSHOT_PUBLIC_RESTORABLE_CHECK"],
        Resource,
    ),
    (
        "ec2_instance_public_ip",
        &["EC2_INSTANCE_NO_PUBLIC_IP"],
        Resource,
    ),
    (
        "ec2_instance_managed_by_ssm",
        &["EC2_INSTANCE_MANAGED_BY_SSM"],
        Resource,
    ),
    (
        "iam_customer_attached_policy_no_administrative_privileges",
        &["IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS"],
        Resource,
    ),
    (
        "iam_aws_attached_policy_no_administrative_privileges",
        &["IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS"],
        Resource,
    ),
    (
        "iam_inline_policy_no_administrative_privileges",
        &["IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS"],
        Resource,
    ),
    (
        "iam_policy_no_wildcard_marketplace_subscribe",
        &["HIPAA_AWS_IAM_NO_WILDCARD_MARKETPLACE_SUBSCRIBE"],
        Resource,
    ),
    (
        "iam_inline_policy_no_wildcard_marketplace_subscribe",
        &["HIPAA_AWS_IAM_NO_WILDCARD_MARKETPLACE_SUBSCRIBE"],
        Resource,
    ),
    (
        "iam_no_root_access_key",
        &["IAM_ROOT_ACCESS_KEY_CHECK"],
        Account,
    ),
    (
        "iam_root_mfa_enabled",
        &["ROOT_ACCOUNT_MFA_ENABLED"],
        Account,
    ),
    (
        "iam_root_hardware_mfa_enabled",
        &["ROOT_ACCOUNT_HARDWARE_MFA_ENABLED"],
        Account,
    ),
    (
        "iam_password_policy_minimum_length_14",
        &["IAM_PASSWORD_POLICY"],
        Account,
    ),
    (
        "iam_password_policy_reuse_24",
        &["IAM_PASSWORD_POLICY"],
        Account,
    ),
    (
        "iam_password_policy_lowercase",
        &["IAM_PASSWORD_POLICY"],
        Account,
    ),
    (
        "iam_password_policy_uppercase",
        &["IAM_PASSWORD_POLICY"],
        Account,
    ),
    (
        "iam_password_policy_number",
        &["IAM_PASSWORD_POLICY"],
        Account,
    ),
    (
        "iam_password_policy_symbol",
        &["IAM_PASSWORD_POLICY"],
        Account,
    ),
    (
        "iam_rotate_access_key_90_days",
        &["ACCESS_KEYS_ROTATED"],
        Resource,
    ),
    (
        "iam_user_accesskey_unused",
        &["IAM_USER_UNUSED_CREDENTIALS_CHECK"],
        Resource,
    ),
    (
        "iam_user_console_access_unused",
        &["IAM_USER_UNUSED_CREDENTIALS_CHECK"],
        Resource,
    ),
    (
        "iam_user_mfa_enabled_console_access",
        &["MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS"],
        Resource,
    ),
    (
        "rds_instance_storage_encrypted",
        &["RDS_STORAGE_ENCRYPTED"],
        Resource,
    ),
    (
        "rds_instance_backup_enabled",
        &["DB_INSTANCE_BACKUP_ENABLED"],
        Resource,
    ),
    ("rds_instance_multi_az", &["RDS_MULTI_AZ_SUPPORT"], Resource),
    (
        "rds_instance_no_public_access",
        &["RDS_INSTANCE_PUBLIC_ACCESS_CHECK"],
        Resource,
    ),
    (
        "rds_instance_integration_cloudwatch_logs",
        &["RDS_LOGGING_ENABLED"],
        Resource,
    ),
    (
        "rds_snapshots_public_access",
        &["RDS_SNAPSHOTS_PUBLIC_PROHIBITED"],
        Resource,
    ),
    (
        "cloudtrail_multi_region_enabled",
        &["MULTI_REGION_CLOUD_TRAIL_ENABLED"],
        Account,
    ),
    (
        "cloudtrail_cloudwatch_logging_enabled",
        &["CLOUD_TRAIL_CLOUD_WATCH_LOGS_ENABLED"],
        Account,
    ),
    (
        "cloudtrail_kms_encryption_enabled",
        &["CLOUD_TRAIL_ENCRYPTION_ENABLED"],
        Account,
    ),
    (
        "cloudtrail_log_file_validation_enabled",
        &["CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED"],
        Account,
    ),
    (
        "cloudtrail_s3_dataevents_read_enabled",
        &["CLOUDTRAIL_S3_DATAEVENTS_ENABLED"],
        Account,
    ),
    (
        "cloudtrail_s3_dataevents_write_enabled",
        &["CLOUDTRAIL_S3_DATAEVENTS_ENABLED"],
        Account,
    ),
    (
        "cloudtrail_bedrock_logging_enabled",
        &["HIPAA_AWS_CLOUDTRAIL_BEDROCK_LOGGED"],
        Account,
    ),
    (
        "cloudwatch_log_group_kms_encryption_enabled",
        &["CLOUDWATCH_LOG_GROUP_ENCRYPTED"],
        Resource,
    ),
    (
        "cloudwatch_log_group_retention_policy_specific_days_enabled",
        &["CW_LOGGROUP_RETENTION_PERIOD_CHECK"],
        Resource,
    ),
    (
        "cloudwatch_log_metric_filter_authentication_failures",
        &["HIPAA_AWS_ALARM_CONSOLE_SIGNIN_FAILURES"],
        Account,
    ),
    (
        "cloudwatch_log_metric_filter_root_usage",
        &["HIPAA_AWS_ALARM_ROOT_USAGE"],
        Account,
    ),
    (
        "cloudwatch_changes_to_network_acls_alarm_configured",
        &["HIPAA_AWS_ALARM_NETWORK_CHANGES"],
        Account,
    ),
    (
        "cloudwatch_changes_to_network_gateways_alarm_configured",
        &["HIPAA_AWS_ALARM_NETWORK_CHANGES"],
        Account,
    ),
    (
        "cloudwatch_changes_to_network_route_tables_alarm_configured",
        &["HIPAA_AWS_ALARM_NETWORK_CHANGES"],
        Account,
    ),
    (
        "cloudwatch_changes_to_vpcs_alarm_configured",
        &["HIPAA_AWS_ALARM_NETWORK_CHANGES"],
        Account,
    ),
    (
        "config_recorder_all_regions_enabled",
        &["HIPAA_AWS_CONFIG_RECORDER_ENABLED"],
        Account,
    ),
    (
        "guardduty_is_enabled",
        &["GUARDDUTY_ENABLED_CENTRALIZED"],
        Account,
    ),
    (
        "guardduty_no_high_severity_findings",
        &["GUARDDUTY_NON_ARCHIVED_FINDINGS"],
        Resource,
    ),
    ("securityhub_enabled", &["SECURITYHUB_ENABLED"], Account),
];

/// What one finding is about, comparable between both scanners: the last part of its ARN
/// (a bucket's name, a key's id, a group's id, a role's or database's name), or `account`.
fn resource_key(uid: &str, account: &str) -> String {
    // A log group's ARN may end in `:*` (Prowler writes it so).
    let uid = uid.strip_suffix(":*").unwrap_or(uid);
    let tail = uid.rsplit(':').next().unwrap_or(uid);
    let tail = tail.rsplit('/').next().unwrap_or(tail);
    if tail.is_empty() || tail == account || tail == "root" {
        return "account".to_string();
    }
    tail.to_string()
}

/// Resources failed per Prowler check, from its OCSF JSON output.
fn prowler_failures(ocsf: &Path, account: &str) -> BTreeMap<String, BTreeSet<String>> {
    let text = std::fs::read_to_string(ocsf)
        .unwrap_or_else(|error| panic!("prowler output {}: {error}", ocsf.display()));
    let findings: Vec<serde_json::Value> =
        serde_json::from_str(&text).unwrap_or_else(|error| panic!("prowler output: {error}"));
    let mut failed: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for finding in findings {
        let check = finding["metadata"]["event_code"]
            .as_str()
            .unwrap_or_default();
        let entry = failed.entry(check.to_string()).or_default();
        if finding["status_code"] != "FAIL" {
            continue;
        }
        for resource in finding["resources"].as_array().into_iter().flatten() {
            entry.insert(resource_key(
                resource["uid"].as_str().unwrap_or_default(),
                account,
            ));
        }
    }
    failed
}

/// Resources this library failed per control.
fn library_failures(report: &AuditReport, account: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut failed: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for finding in report.findings().filter(|f| f.status == Status::Fail) {
        failed
            .entry(finding.control.to_string())
            .or_default()
            .insert(resource_key(&finding.resource_arn, account));
    }
    failed
}

fn cache_dir() -> PathBuf {
    let home = std::env::var_os("HOME").unwrap_or_else(|| ".".into());
    PathBuf::from(home).join(".cache/hipaa-aws")
}

fn run(command: &mut std::process::Command, what: &str) {
    let status = command
        .status()
        .unwrap_or_else(|error| panic!("{what}: {error}"));
    assert!(status.success(), "{what} failed: {status}");
}

/// The pinned Prowler, installed into the cache folder when missing.
fn prowler() -> PathBuf {
    let venv = cache_dir().join(format!("prowler-{PROWLER_VERSION}"));
    let program = venv.join("bin/prowler");
    if program.exists() {
        return venv;
    }
    println!(
        "installing prowler {PROWLER_VERSION} into {} (first run only)",
        venv.display()
    );
    let started = Instant::now();
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_string());
    run(
        std::process::Command::new(python)
            .args(["-m", "venv"])
            .arg(&venv),
        "python3 -m venv",
    );
    run(
        std::process::Command::new(venv.join("bin/pip")).args([
            "install",
            "--quiet",
            &format!("prowler=={PROWLER_VERSION}"),
        ]),
        "pip install prowler",
    );
    println!("  installed in {:.0}s", started.elapsed().as_secs_f64());
    venv
}

/// Runs Prowler's HIPAA scan of `REGION` against the endpoint with `credentials`; returns its
/// wall time, its peak memory in MiB, its CPU seconds and its OCSF output file.
fn run_prowler(
    venv: &Path,
    endpoint: &str,
    credentials: &aws_sdk_sts::config::Credentials,
) -> (Duration, Option<f64>, Option<f64>, PathBuf) {
    let output = std::env::temp_dir().join(format!("hipaa-aws-race-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&output);
    let log = output.with_extension("log");
    // A Python parent that reports its child's peak resident set (RUSAGE_CHILDREN) after it
    // exits: Prowler's own process, whatever threads it runs.
    let peak_file = output.with_extension("peak");
    let wrapper = "import resource, subprocess, sys\n\
        code = subprocess.call(sys.argv[2:])\n\
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n\
        open(sys.argv[1], 'w').write(f'{usage.ru_maxrss} {usage.ru_utime + usage.ru_stime}')\n\
        sys.exit(code)\n";
    let started = Instant::now();
    let status = std::process::Command::new(venv.join("bin/python"))
        .args(["-c", wrapper])
        .arg(&peak_file)
        .arg(venv.join("bin/prowler"))
        .args([
            "aws",
            "--compliance",
            "hipaa_aws",
            "--filter-region",
            REGION,
        ])
        // Prowler skips resources it deems unused (a group on no interface, a VPC without
        // instances); this library judges them all, so Prowler is asked to as well.
        .arg("--scan-unused-services")
        .args([
            "--output-formats",
            "json-ocsf",
            "--no-banner",
            "--output-directory",
        ])
        .arg(&output)
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_ACCESS_KEY_ID", credentials.access_key_id())
        .env("AWS_SECRET_ACCESS_KEY", credentials.secret_access_key())
        .env(
            "AWS_SESSION_TOKEN",
            credentials.session_token().unwrap_or_default(),
        )
        .env("AWS_DEFAULT_REGION", REGION)
        .env_remove("AWS_PROFILE")
        .stdout(std::fs::File::create(&log).unwrap_or_else(|error| panic!("log: {error}")))
        .stderr(std::process::Stdio::inherit())
        .status()
        .unwrap_or_else(|error| panic!("prowler: {error}"));
    let elapsed = started.elapsed();
    // Prowler exits 3 when it found failures; anything else but 0 is a broken run.
    assert!(
        matches!(status.code(), Some(0 | 3)),
        "prowler failed ({status}); its log: {}",
        log.display()
    );
    let usage = std::fs::read_to_string(&peak_file).unwrap_or_default();
    let mut usage = usage.split_whitespace().map(|v| v.parse::<f64>().ok());
    let peak = usage.next().flatten().map(|kib| kib / 1024.0);
    let cpu = usage.next().flatten();
    let ocsf = std::fs::read_dir(&output)
        .unwrap_or_else(|error| panic!("prowler output {}: {error}", output.display()))
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .find(|path| path.to_string_lossy().ends_with(".ocsf.json"))
        .unwrap_or_else(|| {
            panic!(
                "no OCSF file in {}; log: {}",
                output.display(),
                log.display()
            )
        });
    (elapsed, peak, cpu, ocsf)
}

fn mib(peak: Option<f64>) -> String {
    peak.map(|mib| format!("{mib:.0} MiB"))
        .unwrap_or_else(|| "n/a".to_string())
}

/// Prints, for every shared check, how many resources each scanner failed and which resources
/// Prowler failed that this library did not; returns the checks with any such resource (each
/// one a candidate false PASS to look into).
fn compare(
    prowler: &BTreeMap<String, BTreeSet<String>>,
    library: &BTreeMap<String, BTreeSet<String>>,
) -> Vec<&'static str> {
    let mut fewer = Vec::new();
    println!(
        "\n{:<62} {:>8} {:>8}  resources only Prowler failed",
        "Prowler check (this library's controls)", "Prowler", "library"
    );
    let account = "account".to_string();
    for (check, controls, scope) in SHARED_CHECKS {
        let Some(theirs) = prowler.get(*check) else {
            println!(
                "{check:<62} {:>8} (no finding: nothing of its kind in the account)",
                "-"
            );
            continue;
        };
        let mut ours: BTreeSet<&String> = controls
            .iter()
            .filter_map(|control| library.get(*control))
            .flatten()
            .collect();
        let single;
        let theirs = match scope {
            Resource => theirs,
            Account => {
                ours = match ours.is_empty() {
                    true => BTreeSet::new(),
                    false => BTreeSet::from([&account]),
                };
                single = match theirs.is_empty() {
                    true => BTreeSet::new(),
                    false => BTreeSet::from([account.clone()]),
                };
                &single
            }
        };
        let missed: Vec<&String> = theirs.iter().filter(|key| !ours.contains(key)).collect();
        if !missed.is_empty() {
            fewer.push(*check);
        }
        let shown: Vec<&str> = missed.iter().take(4).map(|key| key.as_str()).collect();
        let more = missed.len().saturating_sub(shown.len());
        println!(
            "{:<62} {:>8} {:>8}  {}{}",
            format!("{check} ({})", controls.join(", ")),
            theirs.len(),
            ours.len(),
            shown.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        );
    }
    fewer
}

#[tokio::main]
async fn main() {
    let scale = setting("HIPAA_AWS_BENCH_SCALE", 1.0);
    let endpoint = LocalEndpoint::start()
        .await
        .unwrap_or_else(|error| panic!("local endpoint: {error}"));
    if mode_wanted("local") {
        let size = Size::fraction_of_full(scale);
        race(&endpoint, "local endpoint", ACCOUNT, &size, None).await;
    }
    if mode_wanted("latency") {
        let (proxy, fraction, label) = latency_proxy(&endpoint);
        let size = Size::fraction_of_full(scale * fraction);
        race(&endpoint, &label, LATENCY_ACCOUNT, &size, Some(&proxy)).await;
    }
}

/// Seeds `account`, then audits it with this library and with Prowler, both through `proxy`
/// when given, and prints the comparison.
async fn race(
    endpoint: &LocalEndpoint,
    label: &str,
    account: &str,
    size: &Size,
    proxy: Option<&FaultProxy>,
) {
    // Seeded straight to the endpoint: only the scanners pay the latency.
    let direct = account_env(endpoint, account, None).await;
    let seeding = Instant::now();
    seed::seed(&direct, size, Shape::RACE, "race").await;
    println!(
        "\nrace ({label}, {REGION}): seeded {} in {:.1}s (not timed)",
        size.describe(),
        seeding.elapsed().as_secs_f64()
    );
    let env = match proxy {
        Some(_) => account_env(endpoint, account, proxy).await,
        None => direct,
    };
    let url = proxy.map(FaultProxy::url).unwrap_or_else(|| endpoint.url());
    reset_peak();
    let audit = Audit::builder()
        .regions([REGION.to_string()])
        .build()
        .unwrap_or_else(|error| panic!("audit options: {error}"));
    let endpoint_pid = endpoint.pid().map(|pid| pid.to_string());
    let endpoint_cpu = || endpoint_pid.as_deref().and_then(cpu_seconds);
    let cpu_before = (cpu_seconds("self"), endpoint_cpu());
    let before = env.api_calls();
    let started = Instant::now();
    let report = audit
        .run(&env)
        .await
        .unwrap_or_else(|error| panic!("audit: {error}"));
    let ours = started.elapsed();
    let our_peak = peak_mib();
    let our_cpu = cpu_use(cpu_before, (cpu_seconds("self"), endpoint_cpu()));
    let calls = env.api_calls().since(&before);
    println!(
        "  hipaa-aws audit made {} API calls; busiest: {}",
        calls.total(),
        busiest(&calls, 10)
    );
    if std::env::var("HIPAA_AWS_RACE_SKIP_PROWLER").is_ok_and(|value| value == "1") {
        println!(
            "  hipaa-aws audit {:.2}s, CPU {} (endpoint {})",
            ours.as_secs_f64(),
            seconds(our_cpu.0),
            seconds(our_cpu.1)
        );
        println!("  (HIPAA_AWS_RACE_SKIP_PROWLER=1: Prowler not run)");
        return;
    }

    let credentials = env
        .sdk_config()
        .credentials_provider()
        .unwrap_or_else(|| panic!("the account's environment has no credentials"))
        .provide_credentials()
        .await
        .unwrap_or_else(|error| panic!("credentials: {error}"));
    let venv = prowler();
    let endpoint_before = endpoint_cpu();
    let (theirs, their_peak, their_cpu, ocsf) = run_prowler(&venv, &url, &credentials);
    let their_endpoint_cpu = endpoint_cpu()
        .zip(endpoint_before)
        .map(|(after, before)| after - before);

    let resources: usize = report.accounts.iter().map(|a| a.resources).sum();
    println!(
        "  hipaa-aws audit        {:>8.2}s  {resources} resources judged, {} findings, {} failed  peak {}  CPU {} (endpoint {})",
        ours.as_secs_f64(),
        report.findings().count(),
        report.findings().filter(|f| f.status == Status::Fail).count(),
        mib(our_peak),
        seconds(our_cpu.0),
        seconds(our_cpu.1)
    );
    let prowler_failed = prowler_failures(&ocsf, account);
    println!(
        "  prowler {PROWLER_VERSION} hipaa    {:>8.2}s  {} checks ran, {} failed findings  peak {}  CPU {} (endpoint {})",
        theirs.as_secs_f64(),
        prowler_failed.len(),
        prowler_failed.values().map(BTreeSet::len).sum::<usize>(),
        mib(their_peak),
        seconds(their_cpu),
        seconds(their_endpoint_cpu)
    );
    println!(
        "  ratio (Prowler / hipaa-aws): {:.2}x",
        theirs.as_secs_f64() / ours.as_secs_f64()
    );
    let fewer = compare(&prowler_failed, &library_failures(&report, account));
    match fewer.as_slice() {
        [] => {
            println!("\nOn every shared check this library failed every resource Prowler failed.")
        }
        checks => println!(
            "\nResources Prowler failed and this library did not, on: {}",
            checks.join(", ")
        ),
    }
}
