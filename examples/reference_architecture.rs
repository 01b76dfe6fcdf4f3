//! The reference architecture: the HIPAA guide's AWS architecture done right, as a template to
//! copy.
//!
//! ```text
//! cargo run --example reference_architecture                 # local endpoint (started for you)
//! cargo run --example reference_architecture -- --out DIR    # where reports are written
//! cargo run --example reference_architecture -- --live       # the account of your credentials
//! cargo run --example reference_architecture -- --destroy    # tear down (PHI and evidence kept)
//! cargo run --example reference_architecture -- --destroy --consent NAME ...  # ... unless named
//! ```
//!
//! By default it starts a local AWS endpoint (moto on loopback; or uses `AWS_ENDPOINT_URL` when
//! that names a loopback address), prints the plan, applies it, verifies every control against
//! what the endpoint returns, and writes the plan and the verification as JSON and Markdown. The
//! endpoint keeps running afterwards so what was made can be inspected; a second run finds
//! everything in place and changes nothing. A real AWS account is touched only with `--live`,
//! after the plan is shown and the account id is typed back.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use hipaa_aws::construct::Construct;
use hipaa_aws::local::{LocalEndpoint, LocalEndpointOptions};
use hipaa_aws::prelude::*;
use hipaa_aws::report;
use hipaa_aws::stack::{Event, ResourceStatus};
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};

const REGION: &str = "us-east-1";

struct Options {
    live: bool,
    destroy: bool,
    consents: Vec<String>,
    out: PathBuf,
    stack: String,
}

fn parse_args() -> std::result::Result<Options, String> {
    let mut options = Options {
        live: false,
        destroy: false,
        consents: Vec::new(),
        out: PathBuf::from("hipaa-aws-output"),
        stack: "hipaa-reference".to_string(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--live" => options.live = true,
            "--destroy" => options.destroy = true,
            "--consent" => options
                .consents
                .push(args.next().ok_or("--consent needs a resource name")?),
            "--out" => {
                options.out = args
                    .next()
                    .map(PathBuf::from)
                    .ok_or("--out needs a folder")?
            }
            "--stack" => options.stack = args.next().ok_or("--stack needs a name")?,
            "-h" | "--help" => {
                return Err(
                    "usage: reference_architecture [--live] [--out DIR] [--stack NAME]".to_string(),
                )
            }
            other => return Err(format!("unknown argument {other:?} (try --help)")),
        }
    }
    Ok(options)
}

/// The BAA attestation: for a live account it must be stated explicitly.
fn baa(live: bool) -> std::result::Result<BaaAttestation, String> {
    match (std::env::var("HIPAA_AWS_BAA_DATE"), live) {
        (Ok(date), _) => {
            let signatory = std::env::var("HIPAA_AWS_BAA_SIGNATORY").unwrap_or_else(|_| "unnamed signatory".into());
            Ok(BaaAttestation::executed_on(date).by(signatory))
        }
        (Err(_), true) => Err(
            "--live stores PHI in a real account: set HIPAA_AWS_BAA_DATE (YYYY-MM-DD) and HIPAA_AWS_BAA_SIGNATORY \
             to the date and signatory of your executed AWS Business Associate Agreement"
                .to_string(),
        ),
        (Err(_), false) => Ok(BaaAttestation::executed_on("2026-01-15").by("local endpoint example")),
    }
}

/// The endpoint to use when not live: `AWS_ENDPOINT_URL` (loopback only), else the one an
/// earlier run left running, else a new one that outlives this run.
async fn local_endpoint(out: &Path) -> Result<LocalEndpoint> {
    if let Ok(url) = std::env::var("AWS_ENDPOINT_URL") {
        println!("Using AWS_ENDPOINT_URL={url}");
        return LocalEndpoint::existing(&url);
    }
    let marker = out.join("local-endpoint.url");
    if let Ok(url) = std::fs::read_to_string(&marker) {
        if let Ok(endpoint) = LocalEndpoint::existing(url.trim()) {
            println!(
                "Reusing the local endpoint an earlier run left at {}",
                endpoint.url()
            );
            return Ok(endpoint);
        }
    }
    println!(
        "Starting the local AWS endpoint (the first run installs moto into a cache folder)..."
    );
    let endpoint = LocalEndpoint::start_with(LocalEndpointOptions {
        detached: true,
        ..LocalEndpointOptions::default()
    })
    .await?;
    std::fs::create_dir_all(out)
        .map_err(|e| Error::Configuration(format!("cannot create {}: {e}", out.display())))?;
    std::fs::write(&marker, endpoint.url())
        .map_err(|e| Error::Configuration(format!("cannot write {}: {e}", marker.display())))?;
    Ok(endpoint)
}

/// The architecture: one key per data class, a log bucket that keeps audit logs six years, the
/// PHI bucket, the VPC (data, app and ingress tiers over two zones, flow logs to the log
/// bucket, private endpoints), the load balancer, app and database security groups, EBS
/// encryption by default with the PHI key; identity and audit: least-privilege roles with
/// grants, the account password policy, the trail (every region, validated, encrypted) delivered
/// to the log bucket and to an encrypted log group, and the CIS security alarms notifying an
/// encrypted topic; and continuous compliance: the AWS Config recorder delivering to the log
/// bucket with the HIPAA conformance-pack rules, Security Hub with the foundational and CIS
/// standards, and GuardDuty.
fn architecture(stack_name: &str, account_id: &str) -> Result<Stack> {
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
    let phi = EncryptedBucket::builder()
        .name(format!("{stack_name}-phi-{account_id}"))
        .key(&phi_key)
        .access_logs(&logs)
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

    let recorder = ConfigRecorder::builder().delivery_bucket(&logs).build()?;
    let rules = HipaaConfigRules::builder()
        .recorder(&recorder)
        .covering([phi.kind(), logs.kind(), phi_key.kind(), log_key.kind()])
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
        .build()
}

/// Draws the stack's progress events as one bar per operation.
fn show_progress(stack: &Stack) -> tokio::task::JoinHandle<()> {
    let mut events = stack.subscribe();
    tokio::spawn(async move {
        let bars = MultiProgress::new();
        let style = ProgressStyle::with_template("{prefix:>8} [{bar:30}] {pos}/{len} {wide_msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
        let mut bar = ProgressBar::hidden();
        while let Ok(event) = events.recv().await {
            match event {
                Event::Started {
                    operation,
                    resources,
                    ..
                } => {
                    bar = bars.add(ProgressBar::new(resources as u64));
                    bar.set_style(style.clone());
                    bar.set_prefix(format!("{operation:?}").to_lowercase());
                }
                Event::Resource { name, status, .. } if status.is_final() => {
                    bar.inc(1);
                    let word = match &status {
                        ResourceStatus::Failed { .. } => "failed",
                        ResourceStatus::Kept { .. } => "kept",
                        other => match other {
                            ResourceStatus::Created => "created",
                            ResourceStatus::Updated { .. } => "updated",
                            ResourceStatus::Deleted => "deleted",
                            _ => "done",
                        },
                    };
                    bar.set_message(format!("{word} {name}"));
                }
                Event::Finished {
                    succeeded, elapsed, ..
                } => {
                    let outcome = if succeeded { "done" } else { "FAILED" };
                    bar.finish_with_message(format!("{outcome} in {:.1}s", elapsed.as_secs_f64()));
                }
                Event::Resource { .. } => {}
            }
        }
    })
}

fn confirm_live(plan: &Plan) -> bool {
    print!(
        "\nThis applies the plan above to AWS account {} in {}. Type the account id to continue: ",
        plan.account_id, plan.region
    );
    let _ = std::io::stdout().flush();
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer).is_ok() && answer.trim() == plan.account_id
}

fn write(out: &Path, name: &str, text: &str) -> Result<()> {
    let path = out.join(name);
    std::fs::write(&path, text)
        .map_err(|e| Error::Configuration(format!("cannot write {}: {e}", path.display())))
}

async fn run(options: Options) -> Result<bool> {
    let started = Instant::now();
    let baa = baa(options.live).map_err(Error::Configuration)?;
    let mut endpoint = None;
    let env = if options.live {
        Environment::from_env(baa).await?
    } else {
        let local = local_endpoint(&options.out).await?;
        let config = local.sdk_config(REGION).await;
        endpoint = Some(local);
        Environment::builder(baa)
            .sdk_config(config)
            .tag("example", "reference-architecture")
            .build()
            .await?
    };
    let stack = architecture(&options.stack, env.account_id())?;
    let progress = show_progress(&stack);

    if options.destroy {
        let mut consent = DestroyOptions::new();
        for name in &options.consents {
            consent = consent.consent_to(name.clone());
        }
        let destroyed = stack.destroy(&env, &consent).await?;
        drop(stack);
        let _ = progress.await;
        println!("{destroyed}");
        if !destroyed.kept().is_empty() {
            println!(
                "Kept resources hold PHI or evidence. To delete one, name it: --destroy --consent <name>"
            );
        }
        return Ok(true);
    }

    let plan = stack.plan(&env).await?;
    println!("\n{plan}");
    if options.live && !plan.is_empty() && !confirm_live(&plan) {
        println!("Not applied.");
        return Ok(true);
    }
    let applied = plan.apply(&env).await?;
    let verified = stack.verify(&env).await?;
    let resources = stack.len();

    std::fs::create_dir_all(&options.out).map_err(|e| {
        Error::Configuration(format!("cannot create {}: {e}", options.out.display()))
    })?;
    write(&options.out, "plan.json", &report::to_json(&plan)?)?;
    write(&options.out, "plan.md", &report::plan_markdown(&plan))?;
    write(&options.out, "apply.json", &report::to_json(&applied)?)?;
    write(&options.out, "verify.json", &report::to_json(&verified)?)?;
    write(
        &options.out,
        "verify.md",
        &report::verify_markdown(&verified),
    )?;

    // The progress task ends when the last handle on the stack (the plan holds one) is gone.
    drop(plan);
    drop(stack);
    let _ = progress.await;
    println!("\n{applied}");
    println!("{verified}");

    println!("Summary");
    println!("  resources          {resources}");
    println!(
        "  controls passing   {} of {} judged ({} not applicable)",
        verified.count(Status::Pass),
        verified.count(Status::Pass) + verified.count(Status::Fail) + verified.count(Status::Error),
        verified.count(Status::NotApplicable)
    );
    println!(
        "  API calls          {} ({} mutating)",
        env.api_calls().total(),
        env.api_calls().mutating()
    );
    println!(
        "  time               {:.1}s",
        started.elapsed().as_secs_f64()
    );
    println!("  reports            {}", options.out.display());
    if let Some(endpoint) = endpoint {
        let url = endpoint.url();
        let stop = match endpoint.detach() {
            Some(pid) => format!("stop it with `kill {pid}`"),
            None => "it was already running before this run".to_string(),
        };
        println!(
            "\nThe local endpoint keeps running at {url} so you can inspect what was made, e.g.\n  \
             AWS_ENDPOINT_URL={url} AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing aws s3api list-buckets\n\
             Run this example again to see a plan with no changes; {stop}."
        );
    }
    Ok(verified.passed())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let options = match parse_args() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            return std::process::ExitCode::from(2);
        }
    };
    match run(options).await {
        Ok(true) => std::process::ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!("Some controls failed: see the verification above.");
            std::process::ExitCode::FAILURE
        }
        Err(error) => {
            eprintln!("error: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
