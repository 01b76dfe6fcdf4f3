//! The `hipaa-aws` command (feature `cli`): `audit`, `controls` and `local`, callable
//! in-process ([`run`], [`run_with`]) so programs and tests get the same behaviour as the
//! binary.
//!
//! ```text
//! hipaa-aws audit --regions us-east-1,us-west-2 --out report/ --exceptions exceptions.toml
//! hipaa-aws audit --baseline last/report.json --format html --format json --fail-on fail
//! hipaa-aws controls --citation 164.312(b) --json
//! hipaa-aws local
//! ```
//!
//! Exit codes: 0 when nothing gates (see [`crate::audit::FailOn`]), 1 when something does, 2
//! when the command could not run (bad arguments, a refused exceptions file, no credentials).

mod args;
mod audit;
mod console;
mod controls;
mod local;
mod progress;

use std::ffi::OsString;

use clap::Parser as _;

use crate::env::Environment;

pub use args::{AuditArgs, Cli, Command, ControlsArgs, FailOnArg, Format, LocalArgs};
pub use console::{Captured, Console};

/// Exit code: nothing gates.
pub const EXIT_OK: u8 = 0;
/// Exit code: a counted finding gates (or an account could not be audited).
pub const EXIT_GATED: u8 = 1;
/// Exit code: the command could not run.
pub const EXIT_FAILED: u8 = 2;

/// Runs the command line `args` (the first item is the program name), writing to `console`;
/// returns the exit code. The audit uses the default AWS configuration chain.
pub async fn run<I, T>(args: I, console: &Console) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    run_with(args, None, console).await
}

/// Like [`run`], auditing `env` instead of loading the default configuration chain.
pub async fn run_with<I, T>(args: I, env: Option<&Environment>, console: &Console) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            let text = error.render().to_string();
            return if error.use_stderr() {
                console.err(text.trim_end());
                EXIT_FAILED
            } else {
                console.out(text.trim_end());
                EXIT_OK
            };
        }
    };
    match cli.command {
        Command::Audit(args) => audit::run(&args, env, console).await,
        Command::Controls(args) => controls::run(&args, console),
        Command::Local(args) => local::run(&args, console).await,
    }
}
