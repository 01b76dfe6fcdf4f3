//! What the benchmarks share: settings from the environment, the latency proxy, measurements
//! of this process and the endpoint, the busiest operations of a step, and seeding.
//!
//! Each benchmark uses a part of it, so unused items are not warnings here.
#![allow(dead_code)]

pub mod seed;

use std::time::Duration;

use hipaa_aws::env::ApiCallStats;
use hipaa_aws::local::fault_proxy::{FaultPlan, FaultProxy};
use hipaa_aws::local::LocalEndpoint;

/// A number from the environment variable `name`, else `default`.
pub fn setting(name: &str, default: f64) -> f64 {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

/// Whether `HIPAA_AWS_BENCH_MODES` (a comma-separated list; all modes when unset) names `mode`.
pub fn mode_wanted(mode: &str) -> bool {
    std::env::var("HIPAA_AWS_BENCH_MODES")
        .map(|modes| modes.split(',').any(|m| m.trim() == mode))
        .unwrap_or(true)
}

/// Latency mode: a loopback proxy holding every call `HIPAA_AWS_BENCH_LATENCY_MS` (50), the
/// fraction of the full size to run at (`HIPAA_AWS_BENCH_LATENCY_FRACTION`, 0.2) and a label.
pub fn latency_proxy(endpoint: &LocalEndpoint) -> (FaultProxy, f64, String) {
    let latency = Duration::from_millis(setting("HIPAA_AWS_BENCH_LATENCY_MS", 50.0) as u64);
    let fraction = setting("HIPAA_AWS_BENCH_LATENCY_FRACTION", 0.2);
    let proxy = FaultProxy::start(&endpoint.url(), FaultPlan::latency(latency))
        .unwrap_or_else(|error| panic!("latency proxy: {error}"));
    let label = format!(
        "{} ms per call, {fraction} of full size",
        latency.as_millis()
    );
    (proxy, fraction, label)
}

/// The `count` operations that made most of `calls`, as `operation count` joined by commas, so
/// a regression names its cause.
pub fn busiest(calls: &ApiCallStats, count: usize) -> String {
    let mut operations: Vec<(&String, &u64)> = calls.calls.iter().collect();
    operations.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    operations
        .iter()
        .take(count)
        .map(|(operation, count)| format!("{operation} {count}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Peak resident memory since the last [`reset_peak`], in MiB (Linux).
pub fn peak_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// CPU seconds (user and system) a process has used so far, from `/proc/<pid>/stat` (Linux,
/// at 100 clock ticks per second); `"self"` for this one.
pub fn cpu_seconds(pid: &str) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces; the fields after it are plain.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks = |index: usize| fields.get(index)?.parse::<f64>().ok();
    Some((ticks(11)? + ticks(12)?) / 100.0)
}

pub fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}
