//! `cargo bench --bench stack`: the reference architecture (`examples/common/architecture.rs`)
//! against the local endpoint, in one run:
//! - `build()` of the whole architecture (its specs checked, its graph ordered), per stack;
//! - plan in an empty account;
//! - apply with the default concurrency and with concurrency 1, each into a fresh account of
//!   the same endpoint, and their ratio;
//! - API calls of each apply (total and mutating);
//! - plan and re-apply with no change (the re-apply must make no mutating call), and verify.

use std::time::{Duration, Instant};

use hipaa_aws::env::ApiCallStats;
use hipaa_aws::local::LocalEndpoint;
use hipaa_aws::prelude::*;

#[path = "../examples/common/architecture.rs"]
mod architecture;
use architecture::architecture;

const REGION: &str = "us-east-1";

fn line(what: &str, elapsed: Duration, calls: &ApiCallStats) {
    println!(
        "{what:<36} {:>9.1} ms  {:>5} API calls  {:>4} mutating",
        elapsed.as_secs_f64() * 1000.0,
        calls.total(),
        calls.mutating()
    );
}

async fn environment(endpoint: &LocalEndpoint, account: &str) -> Result<Environment> {
    Environment::builder(BaaAttestation::executed_on("2026-01-15").by("benchmark"))
        .sdk_config(endpoint.sdk_config_for_account(account, REGION).await?)
        .build()
        .await
}

#[tokio::main]
async fn main() -> Result<()> {
    let rounds = 500;
    let started = Instant::now();
    let mut resources = 0;
    for round in 0..rounds {
        resources = architecture(&format!("bench-{round}"), "123456789012")?
            .logical_ids()
            .len();
    }
    let per_stack = started.elapsed() / rounds;
    println!(
        "build() of the reference architecture ({resources} resources): {:.1} µs each ({rounds} rounds)",
        per_stack.as_secs_f64() * 1e6
    );

    let endpoint = LocalEndpoint::start().await?;

    // Default concurrency, in one fresh account.
    let env = environment(&endpoint, "111111111111").await?;
    let stack = architecture("bench", env.account_id())?;
    let plan = stack.plan(&env).await?;
    line("plan (empty account)", plan.elapsed, &plan.api_calls);
    let parallel = stack.apply(&env).await?;
    line(
        &format!("apply, concurrency {}", stack.concurrency()),
        parallel.elapsed,
        &parallel.api_calls,
    );

    // Concurrency 1, in another fresh account of the same endpoint.
    let serial_env = environment(&endpoint, "222222222222").await?;
    let serial_stack = architecture("bench", serial_env.account_id())?.with_concurrency(1)?;
    let serial = serial_stack.apply(&serial_env).await?;
    line("apply, concurrency 1", serial.elapsed, &serial.api_calls);
    println!(
        "apply speed-up (concurrency {} vs 1): {:.2}x",
        stack.concurrency(),
        serial.elapsed.as_secs_f64() / parallel.elapsed.as_secs_f64()
    );

    let again = stack.plan(&env).await?;
    line("plan (no change)", again.elapsed, &again.api_calls);
    let reapplied = stack.apply(&env).await?;
    line(
        "re-apply (no change)",
        reapplied.elapsed,
        &reapplied.api_calls,
    );
    let verified = stack.verify(&env).await?;
    line("verify", verified.elapsed, &verified.api_calls);
    if reapplied.api_calls.mutating() != 0 {
        return Err(Error::Configuration(format!(
            "a no-change apply made {} mutating calls",
            reapplied.api_calls.mutating()
        )));
    }
    Ok(())
}
