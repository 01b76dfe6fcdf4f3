//! `cargo bench --bench audit`: the account audit against the local endpoint.
//!
//! Seeds an account (not timed) with buckets, keys, VPCs with security groups, roles and
//! databases, then audits it with the default
//! concurrency and with concurrency 1 in the same run, at half and at full size, and prints the
//! times, their ratio, API calls per resource and the peak memory of each audit.
//!
//! `HIPAA_AWS_BENCH_SCALE` (default 1.0) scales the seeded counts (at 1.0: 500 buckets, 100
//! keys, 50 VPCs with two security groups each, 200 roles, 20 databases).
//!
//! Latency mode: the same two audits through a loopback proxy that holds every call 50 ms
//! (`HIPAA_AWS_BENCH_LATENCY_MS`), standing in for a region's round trip, which is what
//! concurrency overlaps against AWS. It runs on a fifth of the full size
//! (`HIPAA_AWS_BENCH_LATENCY_FRACTION`, default 0.2), because at concurrency 1 each scanner
//! reads one thing at a time. `HIPAA_AWS_BENCH_MODES` picks `local`, `latency` or both (the default).

use std::time::{Duration, Instant};

use std::collections::BTreeMap;

use hipaa_aws::audit::Audit;
use hipaa_aws::local::fault_proxy::FaultProxy;
use hipaa_aws::local::LocalEndpoint;
use hipaa_aws::stack::Event;
use hipaa_aws::Environment;
use tokio::sync::broadcast::error::RecvError;

mod support;
use support::seed::{self, account_env, Shape, Size};
use support::{latency_proxy, mode_wanted, peak_mib, reset_peak, setting};

fn scale() -> f64 {
    setting("HIPAA_AWS_BENCH_SCALE", 1.0)
}

struct Measured {
    elapsed: Duration,
    resources: usize,
    calls: u64,
    peak: Option<f64>,
    /// The kinds of resource judged last, each with when its last one was.
    last_judged: String,
}

async fn measure(env: &Environment, concurrency: usize) -> Measured {
    reset_peak();
    let audit = Audit::builder()
        .regions([env.region().to_string()])
        .concurrency(concurrency)
        .build()
        .unwrap_or_else(|error| panic!("audit options: {error}"));
    let mut events = audit.subscribe();
    let before = env.api_calls();
    let started = Instant::now();
    // When the last resource of each kind was judged: the kind judged last is the long pole.
    let finished = tokio::spawn(async move {
        let mut last: BTreeMap<&'static str, Duration> = BTreeMap::new();
        loop {
            match events.recv().await {
                Ok(Event::Resource { kind, .. }) => {
                    last.insert(kind.label, started.elapsed());
                }
                Ok(Event::Finished { .. }) | Err(RecvError::Closed) => return last,
                Ok(_) | Err(RecvError::Lagged(_)) => {}
            }
        }
    });
    let report = audit
        .run(env)
        .await
        .unwrap_or_else(|error| panic!("audit: {error}"));
    let elapsed = started.elapsed();
    let mut last: Vec<(&str, Duration)> = finished.await.unwrap_or_default().into_iter().collect();
    last.sort_by_key(|entry| std::cmp::Reverse(entry.1));
    Measured {
        elapsed,
        resources: report.accounts.iter().map(|a| a.resources).sum(),
        calls: env.api_calls().since(&before).total(),
        peak: peak_mib(),
        last_judged: last
            .iter()
            .take(4)
            .map(|(kind, at)| format!("{kind} {:.1}s", at.as_secs_f64()))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// Seeds one account at `fraction` of the full size, then audits it at the default concurrency
/// and at 1 through `proxy` (when given) and prints both and their ratio.
async fn run_size(
    endpoint: &LocalEndpoint,
    label: &str,
    fraction: f64,
    account: &str,
    proxy: Option<&FaultProxy>,
) {
    let size = Size::fraction_of_full(fraction * scale());
    // Seeded straight to the endpoint: only the audits pay the latency.
    let direct = account_env(endpoint, account, None).await;
    let seeding = Instant::now();
    seed::seed(&direct, &size, Shape::PLAIN, &format!("b{account}")).await;
    println!(
        "{label}: seeded {} in {:.1}s (not timed below)",
        size.describe(),
        seeding.elapsed().as_secs_f64()
    );
    let env = match proxy {
        Some(_) => account_env(endpoint, account, proxy).await,
        None => direct,
    };
    let parallel = measure(&env, hipaa_aws::audit::DEFAULT_AUDIT_CONCURRENCY).await;
    let serial = measure(&env, 1).await;
    for (name, m) in [
        ("default concurrency", &parallel),
        ("concurrency 1", &serial),
    ] {
        println!(
            "  {name:<20} {:>8.2}s  {:>5} resources  {:>6} API calls ({:.1} per resource)  peak {}",
            m.elapsed.as_secs_f64(),
            m.resources,
            m.calls,
            m.calls as f64 / m.resources.max(1) as f64,
            m.peak
                .map(|mib| format!("{mib:.0} MiB"))
                .unwrap_or_else(|| "n/a".to_string())
        );
        println!("    judged last: {}", m.last_judged);
    }
    println!(
        "  speed-up (concurrency 1 / default): {:.2}x",
        serial.elapsed.as_secs_f64() / parallel.elapsed.as_secs_f64()
    );
}

#[tokio::main]
async fn main() {
    let endpoint = LocalEndpoint::start()
        .await
        .unwrap_or_else(|error| panic!("local endpoint: {error}"));
    println!("audit benchmark (local endpoint, scale {})", scale());
    if mode_wanted("local") {
        for (label, fraction, account) in [
            ("half size", 0.5, "300000000001"),
            ("full size", 1.0, "300000000002"),
        ] {
            run_size(&endpoint, label, fraction, account, None).await;
        }
    }
    if mode_wanted("latency") {
        let (proxy, fraction, label) = latency_proxy(&endpoint);
        run_size(&endpoint, &label, fraction, "300000000003", Some(&proxy)).await;
    }
}
