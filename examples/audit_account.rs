//! Audits an AWS account (or every account of an AWS Organization) against every HIPAA control
//! of the catalog: the `hipaa-aws audit` command of the `cli` feature, run in-process.
//!
//! ```text
//! cargo run --example audit_account -- --regions us-east-1,us-west-2 --out report/
//! cargo run --example audit_account -- --exceptions exceptions.toml --baseline old/report.json
//! cargo run --features cli --bin hipaa-aws -- audit --help     # the same, as the command
//! ```
//!
//! Every option of `hipaa-aws audit` works here (see `hipaa_aws::cli`). Exit codes: 0 when
//! nothing gates, 1 when a counted finding fails or could not be judged, 2 when the audit could
//! not run.

use std::process::ExitCode;

use hipaa_aws::cli::{run, Console};

#[tokio::main]
async fn main() -> ExitCode {
    let args = ["hipaa-aws".into(), "audit".into()]
        .into_iter()
        .chain(std::env::args_os().skip(1));
    ExitCode::from(run(args, &Console::stdio()).await)
}
