//! `cargo bench --bench stack`: the reference architecture (`examples/common/architecture.rs`)
//! against the local endpoint, in one run:
//! - `build()` of the whole architecture (its specs checked, its graph ordered), per stack;
//! - plan in an empty account;
//! - apply with the default concurrency and with concurrency 1, each into a fresh account of
//!   the same endpoint, and their ratio: once straight to the endpoint, and once through a
//!   loopback proxy that holds every call 50 ms, standing in for the round trip to a region
//!   (the local endpoint answers in a few milliseconds on the same two cores as the client, so
//!   on its own it shows what concurrency costs, not what it saves against AWS);
//! - API calls of each apply (total and mutating);
//! - plan and re-apply with no change (the re-apply must make no mutating call), and verify.

use std::time::{Duration, Instant};

use hipaa_aws::env::ApiCallStats;
use hipaa_aws::local::LocalEndpoint;
use hipaa_aws::prelude::*;

mod support;

#[path = "../examples/common/architecture.rs"]
mod architecture;
use architecture::architecture;

use hipaa_aws::local::fault_proxy::{FaultPlan, FaultProxy};

const REGION: &str = "us-east-1";
const ROUND_TRIP: Duration = Duration::from_millis(50);

/// Resources of the reference architecture, for calls per resource.
static RESOURCES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();

fn line(what: &str, elapsed: Duration, calls: &ApiCallStats) {
    let resources = RESOURCES.get().copied().unwrap_or(1).max(1);
    println!(
        "{what:<44} {:>9.1} ms  {:>5} API calls  {:>4} mutating  {:>5.2} calls per resource",
        elapsed.as_secs_f64() * 1000.0,
        calls.total(),
        calls.mutating(),
        calls.total() as f64 / resources as f64
    );
}

/// The operations that made most of the calls of one step.
fn busiest(what: &str, calls: &ApiCallStats) {
    println!(
        "  busiest operations of {what}: {}",
        support::busiest(calls, 8)
    );
}

/// An environment for a fresh account of the endpoint, optionally through a proxy.
async fn environment(
    endpoint: &LocalEndpoint,
    account: &str,
    proxy: Option<&FaultProxy>,
) -> Result<Environment> {
    let mut config = endpoint.sdk_config_for_account(account, REGION).await?;
    if let Some(proxy) = proxy {
        config = config.into_builder().endpoint_url(proxy.url()).build();
    }
    Environment::builder(BaaAttestation::executed_on("2026-01-15").by("benchmark"))
        .sdk_config(config)
        .build()
        .await
}

/// Applies the architecture into two fresh accounts, at the default concurrency and at 1.
async fn compare_concurrency(
    endpoint: &LocalEndpoint,
    label: &str,
    accounts: [&str; 2],
    proxy: Option<&FaultProxy>,
) -> Result<Environment> {
    let env = environment(endpoint, accounts[0], proxy).await?;
    let stack = architecture("bench", env.account_id())?;
    let parallel = stack.apply(&env).await?;
    line(
        &format!("apply, {label}, concurrency {}", stack.concurrency()),
        parallel.elapsed,
        &parallel.api_calls,
    );
    if proxy.is_none() {
        busiest("apply", &parallel.api_calls);
    }
    let serial_env = environment(endpoint, accounts[1], proxy).await?;
    let serial = architecture("bench", serial_env.account_id())?
        .with_concurrency(1)?
        .apply(&serial_env)
        .await?;
    line(
        &format!("apply, {label}, concurrency 1"),
        serial.elapsed,
        &serial.api_calls,
    );
    println!(
        "apply speed-up, {label} (concurrency 1 time / concurrency {} time): {:.2}x",
        stack.concurrency(),
        serial.elapsed.as_secs_f64() / parallel.elapsed.as_secs_f64()
    );
    Ok(env)
}

#[tokio::main]
async fn main() -> Result<()> {
    let rounds = 200;
    let started = Instant::now();
    let mut resources = 0;
    for round in 0..rounds {
        resources = architecture(&format!("bench-{round}"), "123456789012")?
            .logical_ids()
            .len();
    }
    let per_stack = started.elapsed() / rounds;
    RESOURCES.get_or_init(|| resources);
    println!(
        "build() of the reference architecture ({resources} resources): {:.1} µs each ({rounds} rounds)",
        per_stack.as_secs_f64() * 1e6
    );

    let endpoint = LocalEndpoint::start().await?;
    // The endpoint loads each service's code on its first call: warm it in an account of its
    // own so that neither measured apply pays for that.
    let warm = environment(&endpoint, "100000000000", None).await?;
    architecture("warm", warm.account_id())?
        .apply(&warm)
        .await?;

    let env = environment(&endpoint, "111111111111", None).await?;
    let plan = architecture("bench", env.account_id())?.plan(&env).await?;
    line("plan (empty account)", plan.elapsed, &plan.api_calls);

    let env = compare_concurrency(
        &endpoint,
        "local endpoint",
        ["111111111111", "222222222222"],
        None,
    )
    .await?;
    let proxy =
        FaultProxy::start(&endpoint.url(), FaultPlan::latency(ROUND_TRIP)).expect("fault proxy");
    compare_concurrency(
        &endpoint,
        "50 ms per call",
        ["333333333333", "444444444444"],
        Some(&proxy),
    )
    .await?;

    let stack = architecture("bench", env.account_id())?;
    let again = stack.plan(&env).await?;
    line("plan (no change)", again.elapsed, &again.api_calls);
    busiest("plan (no change)", &again.api_calls);
    let reapplied = stack.apply(&env).await?;
    line(
        "re-apply (no change)",
        reapplied.elapsed,
        &reapplied.api_calls,
    );
    let verified = stack.verify(&env).await?;
    line("verify", verified.elapsed, &verified.api_calls);
    busiest("verify", &verified.api_calls);
    let (_, reused) = stack.apply_and_verify(&env, &ApplyOptions::new()).await?;
    line(
        "verify of apply_and_verify (no change)",
        reused.elapsed,
        &reused.api_calls,
    );
    if reapplied.api_calls.mutating() != 0 {
        return Err(Error::Configuration(format!(
            "a no-change apply made {} mutating calls",
            reapplied.api_calls.mutating()
        )));
    }
    Ok(())
}
