//! The command line, declared with clap.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::audit::FailOn;

/// Builds, judges and audits HIPAA-ready AWS resources.
#[derive(Debug, Parser)]
#[command(name = "hipaa-aws", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Audit an account (or an organization) against every control of the catalog.
    Audit(AuditArgs),
    /// List the controls of the catalog.
    Controls(ControlsArgs),
    /// Start the local AWS endpoint (moto on loopback) and print how to use and stop it.
    Local(LocalArgs),
}

/// A report format of `audit --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// `report.json`, the stable schema (baselines read it).
    Json,
    /// `evidence.md`, for auditors, by HIPAA citation, with the accepted risks.
    Md,
    /// `report.html`, one self-contained page with charts and filters.
    Html,
    /// `findings.ocsf.json`, OCSF Compliance Findings.
    Ocsf,
    /// `findings.asff.json`, the AWS Security Finding Format.
    Asff,
}

impl Format {
    /// Every format, in the order they are written.
    pub const ALL: [Format; 5] = [
        Format::Json,
        Format::Md,
        Format::Html,
        Format::Ocsf,
        Format::Asff,
    ];

    /// The file it is written to.
    pub fn file_name(self) -> &'static str {
        match self {
            Format::Json => "report.json",
            Format::Md => "evidence.md",
            Format::Html => "report.html",
            Format::Ocsf => "findings.ocsf.json",
            Format::Asff => "findings.asff.json",
        }
    }
}

/// `--fail-on`: which findings make the audit exit 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOnArg {
    /// Any failing or unjudged finding that is not excepted nor known (the default).
    Fail,
    /// Only an unjudged finding (or an account that could not be audited).
    Error,
    /// Never: report only (exit 2 still says the audit could not run).
    Never,
}

impl From<FailOnArg> for FailOn {
    fn from(arg: FailOnArg) -> FailOn {
        match arg {
            FailOnArg::Fail => FailOn::Fail,
            FailOnArg::Error => FailOn::Error,
            FailOnArg::Never => FailOn::Never,
        }
    }
}

/// `hipaa-aws audit`.
#[derive(Debug, Clone, Args)]
pub struct AuditArgs {
    /// The regions to audit, comma-separated (the configured region when none).
    #[arg(long, value_delimiter = ',')]
    pub regions: Vec<String>,
    /// The folder the reports are written to.
    #[arg(long, default_value = "audit-report")]
    pub out: PathBuf,
    /// Audit every account of the organization through this role.
    #[arg(long, value_name = "ROLE_NAME")]
    pub organization_role: Option<String>,
    /// Judge only these services, comma-separated (e.g. `s3,kms,iam`; every service when
    /// none). Only their reads are made.
    #[arg(long, value_delimiter = ',', value_parser = parse_service)]
    pub services: Vec<crate::controls::Service>,
    /// How many reads run at once (1 to 256).
    #[arg(long)]
    pub concurrency: Option<usize>,
    /// Also import the findings into Security Hub.
    #[arg(long)]
    pub import_to_security_hub: bool,
    /// An exceptions file (TOML): accepted risks with a reason, an owner and an expiry.
    #[arg(long, value_name = "FILE")]
    pub exceptions: Option<PathBuf>,
    /// An earlier report.json: its failures are known, only new ones count.
    #[arg(long, value_name = "REPORT_JSON")]
    pub baseline: Option<PathBuf>,
    /// The reports to write (repeat or comma-separate; all of them when none).
    #[arg(long = "format", value_enum, value_delimiter = ',')]
    pub formats: Vec<Format>,
    /// Which findings make the audit exit 1.
    #[arg(long, value_enum, default_value_t = FailOnArg::Fail)]
    pub fail_on: FailOnArg,
    /// No progress and no list of findings: only errors, warnings and the summary line.
    #[arg(long, short)]
    pub quiet: bool,
}

/// One `--services` entry.
fn parse_service(text: &str) -> Result<crate::controls::Service, String> {
    text.parse()
        .map_err(|error: crate::Error| error.to_string())
}

/// `hipaa-aws controls`.
#[derive(Debug, Clone, Args)]
pub struct ControlsArgs {
    /// JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Only controls citing this HIPAA paragraph, e.g. `164.312(b)` (a prefix such as
    /// `164.312` selects every paragraph under it).
    #[arg(long)]
    pub citation: Option<String>,
    /// Only controls on this service, e.g. `s3`, `rds`, `cloudtrail`.
    #[arg(long)]
    pub service: Option<String>,
}

/// `hipaa-aws local`.
#[derive(Debug, Clone, Args)]
pub struct LocalArgs {
    /// Load the AWS managed IAM policies (slower start).
    #[arg(long)]
    pub iam_managed_policies: bool,
}
