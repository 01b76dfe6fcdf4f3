//! `hipaa-aws audit`: load the exceptions and the baseline (refusing before any AWS call),
//! audit, mark excepted and known findings, write the reports, and gate.

use std::path::Path;

use crate::audit::{
    import_to_security_hub, Audit, AuditReport, Baseline, ExceptionState, Exceptions, FailOn,
};
use crate::env::Environment;
use crate::error::{Error, Result};
use crate::report;

use super::args::{AuditArgs, Format};
use super::console::Console;
use super::progress;
use super::{EXIT_FAILED, EXIT_GATED, EXIT_OK};

fn read(path: &Path, what: &str) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| {
        Error::Configuration(format!("cannot read the {what} {}: {e}", path.display()))
    })
}

fn write(dir: &Path, name: &str, text: &str) -> Result<()> {
    let path = dir.join(name);
    std::fs::write(&path, text)
        .map_err(|e| Error::Configuration(format!("cannot write {}: {e}", path.display())))
}

/// Every error as lines a person can act on (a refused spec lists its violations).
fn report_error(console: &Console, error: &Error) {
    for line in error.to_string().lines() {
        console.err(&format!("error: {}", line.trim()));
    }
}

/// The exceptions of `--exceptions`, or the lines that say why the file is refused.
fn load_exceptions(args: &AuditArgs, console: &Console) -> Option<Option<Exceptions>> {
    let Some(path) = &args.exceptions else {
        return Some(None);
    };
    let text = match read(path, "exceptions file") {
        Ok(text) => text,
        Err(error) => {
            report_error(console, &error);
            return None;
        }
    };
    match Exceptions::from_toml(&path.display().to_string(), &text) {
        Ok(exceptions) => Some(Some(exceptions)),
        Err(error) => {
            for problem in &error.problems {
                console.err(&format!("error: {}: {problem}", error.origin));
            }
            None
        }
    }
}

fn load_baseline(args: &AuditArgs) -> Result<Option<Baseline>> {
    let Some(path) = &args.baseline else {
        return Ok(None);
    };
    let text = read(path, "baseline")?;
    Baseline::from_json(&path.display().to_string(), &text).map(Some)
}

/// Writes the chosen formats (all when none was chosen) into the output folder.
pub(crate) fn write_reports(
    report: &AuditReport,
    out: &Path,
    formats: &[Format],
) -> Result<Vec<String>> {
    std::fs::create_dir_all(out)
        .map_err(|e| Error::Configuration(format!("cannot create {}: {e}", out.display())))?;
    let chosen: &[Format] = if formats.is_empty() {
        &Format::ALL
    } else {
        formats
    };
    let mut written = Vec::new();
    for format in Format::ALL.iter().filter(|f| chosen.contains(f)) {
        let text = match format {
            Format::Json => report::to_json(report)?,
            Format::Md => report::evidence_markdown(report),
            Format::Html => report::audit_html(report),
            Format::Ocsf => report::to_json(&report::ocsf_findings(report))?,
            Format::Asff => report::to_json(&report::asff_findings(report))?,
        };
        write(out, format.file_name(), &text)?;
        written.push(format.file_name().to_string());
    }
    Ok(written)
}

/// The warnings about exceptions: expired ones, and stale ones.
fn exception_warnings(report: &AuditReport, console: &Console) {
    let Some(summary) = &report.exceptions else {
        return;
    };
    for entry in summary.in_state(ExceptionState::Expired) {
        console.err(&format!(
            "warning: exception entry {}{} ({}) expired on {}: it no longer applies ({} finding(s) count again)",
            entry.entry,
            entry.line.map(|l| format!(" (line {l})")).unwrap_or_default(),
            entry.control,
            entry.expires,
            entry.findings
        ));
    }
    for entry in summary.in_state(ExceptionState::Stale) {
        console.err(&format!(
            "warning: exception entry {}{} ({}) is stale: it matches no failing finding",
            entry.entry,
            entry
                .line
                .map(|l| format!(" (line {l})"))
                .unwrap_or_default(),
            entry.control
        ));
    }
}

/// The one summary line every run prints.
fn summary_line(report: &AuditReport, fail_on: FailOn) -> String {
    use crate::controls::Status;
    let counted = report.counted().count();
    format!(
        "{}: {} pass, {} fail, {} error, {} excepted, {} known; {} counted ({})",
        if report.gates(fail_on) { "GATED" } else { "OK" },
        report.count(Status::Pass),
        report.count(Status::Fail),
        report.count(Status::Error),
        report.excepted(),
        report.known(),
        counted,
        match fail_on {
            FailOn::Fail => "--fail-on fail",
            FailOn::Error => "--fail-on error",
            FailOn::Never => "--fail-on never",
        }
    )
}

async fn audit(args: &AuditArgs, env: &Environment, console: &Console) -> Result<AuditReport> {
    if !args.quiet {
        console.out(&format!(
            "Auditing account {} ({}){}",
            env.account_id(),
            env.endpoint_url().unwrap_or("AWS"),
            args.organization_role
                .as_deref()
                .map(|role| format!(" and its organization through role {role}"))
                .unwrap_or_default()
        ));
    }
    let mut builder = Audit::builder().regions(args.regions.clone());
    if !args.services.is_empty() {
        builder = builder.services(args.services.iter().copied());
    }
    if let Some(concurrency) = args.concurrency {
        builder = builder.concurrency(concurrency);
    }
    if let Some(role) = &args.organization_role {
        builder = builder.organization_role(role.clone());
    }
    let audit = builder.build()?;
    let bar = (!args.quiet).then(|| progress::show(&audit, console));
    let report = audit.run(env).await;
    if let Some(bar) = bar {
        let _ = bar.await;
    }
    report
}

/// Runs `audit`; returns the exit code.
pub(super) async fn run(args: &AuditArgs, env: Option<&Environment>, console: &Console) -> u8 {
    let Some(exceptions) = load_exceptions(args, console) else {
        return EXIT_FAILED;
    };
    let baseline = match load_baseline(args) {
        Ok(baseline) => baseline,
        Err(error) => {
            report_error(console, &error);
            return EXIT_FAILED;
        }
    };
    let loaded;
    let env = match env {
        Some(env) => env,
        None => match Environment::for_audit().await {
            Ok(env) => {
                loaded = env;
                &loaded
            }
            Err(error) => {
                report_error(console, &error);
                return EXIT_FAILED;
            }
        },
    };
    let mut report = match audit(args, env, console).await {
        Ok(report) => report,
        Err(error) => {
            report_error(console, &error);
            return EXIT_FAILED;
        }
    };
    if let Some(exceptions) = &exceptions {
        exceptions.apply(&mut report);
    }
    if let Some(baseline) = &baseline {
        baseline.apply(&mut report);
    }
    let written = match write_reports(&report, &args.out, &args.formats) {
        Ok(written) => written,
        Err(error) => {
            report_error(console, &error);
            return EXIT_FAILED;
        }
    };
    if !args.quiet {
        for line in report.to_string().lines() {
            console.out(line);
        }
    }
    exception_warnings(&report, console);
    if args.import_to_security_hub {
        match import_to_security_hub(env, &report).await {
            Ok(summary) => {
                console.out(&format!(
                    "Imported {} findings into Security Hub ({} refused)",
                    summary.imported,
                    summary.failed.len()
                ));
                for failure in &summary.failed {
                    console.err(&format!("error: Security Hub refused: {failure}"));
                }
            }
            Err(error) => {
                report_error(console, &error);
                return EXIT_FAILED;
            }
        }
    }
    if !args.quiet {
        console.out(&format!(
            "Reports written to {}: {}",
            args.out.display(),
            written.join(", ")
        ));
    }
    let fail_on = FailOn::from(args.fail_on);
    console.out(&summary_line(&report, fail_on));
    if report.gates(fail_on) {
        EXIT_GATED
    } else {
        EXIT_OK
    }
}
