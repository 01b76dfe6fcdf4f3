//! `cargo bench --bench stack`: the foundation stack (two keys, a log bucket, a PHI bucket)
//! against the local endpoint: build() throughput, then plan, apply, no-change re-apply and
//! verify, each with its time and API calls (total and mutating).

use std::time::{Duration, Instant};

use hipaa_aws::local::LocalEndpoint;
use hipaa_aws::prelude::*;

fn architecture(tag: &str) -> Result<Stack> {
    let phi_key = HipaaKey::builder().alias(format!("{tag}-phi")).build()?;
    let log_key = HipaaKey::builder().alias(format!("{tag}-logs")).build()?;
    let logs = LogBucket::builder()
        .name(format!("{tag}-logs"))
        .key(&log_key)
        .build()?;
    let phi = EncryptedBucket::builder()
        .name(format!("{tag}-phi"))
        .key(&phi_key)
        .access_logs(&logs)
        .build()?;
    Stack::builder(tag)
        .with(phi_key)
        .with(log_key)
        .with(logs)
        .with(phi)
        .build()
}

fn line(what: &str, elapsed: Duration, calls: &hipaa_aws::env::ApiCallStats) {
    println!(
        "{what:<28} {:>9.1} ms  {:>4} API calls  {:>3} mutating",
        elapsed.as_secs_f64() * 1000.0,
        calls.total(),
        calls.mutating()
    );
}

#[tokio::main]
async fn main() -> Result<()> {
    let rounds = 2_000;
    let started = Instant::now();
    for round in 0..rounds {
        architecture(&format!("bench-{round}"))?;
    }
    let per_stack = started.elapsed() / rounds;
    println!(
        "build() of a 4-construct stack   {:>9.1} µs each ({rounds} rounds)",
        per_stack.as_secs_f64() * 1e6
    );

    let endpoint = LocalEndpoint::start().await?;
    let env = Environment::builder(BaaAttestation::executed_on("2026-01-15"))
        .sdk_config(endpoint.sdk_config("us-east-1").await)
        .build()
        .await?;
    let stack = architecture("bench-stack")?;

    let plan = stack.plan(&env).await?;
    line("plan (empty account)", plan.elapsed, &plan.api_calls);
    let applied = stack.apply(&env).await?;
    line("apply (create 4)", applied.elapsed, &applied.api_calls);
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
    assert_eq!(
        reapplied.api_calls.mutating(),
        0,
        "a no-change apply must not mutate"
    );
    Ok(())
}
