//! Audits an AWS account (or every account of an AWS Organization) against every HIPAA control
//! of the catalog, whoever built the resources, and writes the evidence.
//!
//! ```text
//! cargo run --example audit_account -- --regions us-east-1,us-west-2 --out report/
//! cargo run --example audit_account -- --organization-role OrganizationAccountAccessRole --out report/
//! cargo run --example audit_account -- --import-to-security-hub
//! ```
//!
//! It uses the default credential chain (or `AWS_ENDPOINT_URL`, for a local endpoint), reads
//! only, and writes into the output folder: `report.json` (the stable schema), `evidence.md`
//! (for auditors, grouped by HIPAA citation), `findings.ocsf.json` and `findings.asff.json`. With
//! `--import-to-security-hub` it also imports the findings into Security Hub. Exit codes: 0 when
//! every control passes, 1 when any fails or could not be judged (so it can gate a CI
//! pipeline), 2 when the audit could not run.

use std::path::PathBuf;
use std::process::ExitCode;

use hipaa_aws::audit::{import_to_security_hub, Audit};
use hipaa_aws::prelude::*;
use hipaa_aws::report;
use hipaa_aws::stack::{Event, ResourceStatus};
use indicatif::{ProgressBar, ProgressStyle};

struct Options {
    regions: Vec<String>,
    out: PathBuf,
    organization_role: Option<String>,
    concurrency: Option<usize>,
    import: bool,
}

const USAGE: &str =
    "usage: audit_account [--regions R1,R2] [--out DIR] [--organization-role NAME] \
                     [--concurrency N] [--import-to-security-hub]";

fn parse_args() -> Result<Options, String> {
    let mut options = Options {
        regions: Vec::new(),
        out: PathBuf::from("audit-report"),
        organization_role: None,
        concurrency: None,
        import: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--regions" => {
                let list = args
                    .next()
                    .ok_or("--regions needs a comma-separated list")?;
                options.regions = list
                    .split(',')
                    .map(|r| r.trim().to_string())
                    .filter(|r| !r.is_empty())
                    .collect();
            }
            "--out" => {
                options.out = args
                    .next()
                    .map(PathBuf::from)
                    .ok_or("--out needs a folder")?
            }
            "--organization-role" => {
                options.organization_role =
                    Some(args.next().ok_or("--organization-role needs a role name")?)
            }
            "--concurrency" => {
                let value = args.next().ok_or("--concurrency needs a number")?;
                options.concurrency = Some(
                    value
                        .parse()
                        .map_err(|_| format!("--concurrency: {value:?} is not a number"))?,
                );
            }
            "--import-to-security-hub" => options.import = true,
            "-h" | "--help" => return Err(USAGE.to_string()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    Ok(options)
}

fn progress(audit: &Audit) -> tokio::task::JoinHandle<()> {
    let mut events = audit.subscribe();
    tokio::spawn(async move {
        let bar = ProgressBar::new_spinner();
        bar.set_style(
            ProgressStyle::with_template("{spinner} {pos} resources judged, {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        let mut failing = 0_usize;
        while let Ok(event) = events.recv().await {
            match event {
                Event::Resource {
                    status: ResourceStatus::Verified { failed, .. },
                    ..
                } => {
                    failing += usize::from(failed > 0);
                    bar.inc(1);
                    bar.set_message(format!("{failing} with failures"));
                }
                Event::Finished { elapsed, .. } => {
                    bar.finish_with_message(format!(
                        "{failing} with failures, in {:.1}s",
                        elapsed.as_secs_f64()
                    ));
                    return;
                }
                _ => {}
            }
        }
    })
}

fn write(dir: &std::path::Path, name: &str, text: &str) -> Result<()> {
    let path = dir.join(name);
    std::fs::write(&path, text)
        .map_err(|e| Error::Configuration(format!("cannot write {}: {e}", path.display())))
}

async fn run(options: Options) -> Result<bool> {
    let env = Environment::for_audit().await?;
    println!(
        "Auditing account {} ({}){}",
        env.account_id(),
        env.endpoint_url().unwrap_or("AWS"),
        options
            .organization_role
            .as_deref()
            .map(|role| format!(" and its organization through role {role}"))
            .unwrap_or_default()
    );
    let mut builder = Audit::builder().regions(options.regions.clone());
    if let Some(concurrency) = options.concurrency {
        builder = builder.concurrency(concurrency);
    }
    if let Some(role) = &options.organization_role {
        builder = builder.organization_role(role.clone());
    }
    let audit = builder.build()?;
    let bar = progress(&audit);
    let report = audit.run(&env).await?;
    let _ = bar.await;

    std::fs::create_dir_all(&options.out).map_err(|e| {
        Error::Configuration(format!("cannot create {}: {e}", options.out.display()))
    })?;
    write(&options.out, "report.json", &report::to_json(&report)?)?;
    write(
        &options.out,
        "evidence.md",
        &report::evidence_markdown(&report),
    )?;
    write(
        &options.out,
        "findings.ocsf.json",
        &report::to_json(&report::ocsf_findings(&report))?,
    )?;
    write(
        &options.out,
        "findings.asff.json",
        &report::to_json(&report::asff_findings(&report))?,
    )?;
    println!("{report}");
    if options.import {
        let summary = import_to_security_hub(&env, &report).await?;
        println!(
            "Imported {} findings into Security Hub ({} refused)",
            summary.imported,
            summary.failed.len()
        );
        for failure in &summary.failed {
            println!("  refused: {failure}");
        }
    }
    println!("Reports written to {}", options.out.display());
    Ok(report.passed())
}

#[tokio::main]
async fn main() -> ExitCode {
    let options = match parse_args() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    match run(options).await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(2)
        }
    }
}
