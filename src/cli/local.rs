//! `hipaa-aws local`: starts the local AWS endpoint, detached, and says how to use and stop it.

use crate::local::{LocalEndpoint, LocalEndpointOptions, LOCAL_ACCESS_KEY};

use super::args::LocalArgs;
use super::console::Console;
use super::{EXIT_FAILED, EXIT_OK};

/// Runs `local`; returns the exit code.
pub(super) async fn run(args: &LocalArgs, console: &Console) -> u8 {
    let started = LocalEndpoint::start_with(LocalEndpointOptions {
        iam_managed_policies: args.iam_managed_policies,
        detached: true,
    })
    .await;
    let endpoint = match started {
        Ok(endpoint) => endpoint,
        Err(error) => {
            console.err(&format!("error: {error}"));
            return EXIT_FAILED;
        }
    };
    let url = endpoint.url();
    console.out(&format!("Local AWS endpoint running at {url}"));
    console.out(&format!(
        "Use it: AWS_ENDPOINT_URL={url} AWS_ACCESS_KEY_ID={LOCAL_ACCESS_KEY} AWS_SECRET_ACCESS_KEY={LOCAL_ACCESS_KEY} AWS_REGION=us-east-1 hipaa-aws audit"
    ));
    match endpoint.detach() {
        Some(pid) => console.out(&format!("Stop it: kill {pid}")),
        None => console.out("It was already running; stop it the way it was started."),
    }
    EXIT_OK
}
