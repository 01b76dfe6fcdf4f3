//! The local endpoint's own tests: the Python compatibility layer's unit tests (CBOR codec, answer
//! fixes, RPC v2 translation) run with the endpoint's own interpreter, so the README's test
//! command runs them too.

use std::path::Path;
use std::process::Command;

#[test]
fn the_compatibility_layer_unit_tests_pass() {
    let python = hipaa_aws::local::ensure_installed()
        .unwrap_or_else(|error| panic!("the local endpoint's Python is needed: {error}"));
    let modules = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/local/endpoint");
    let output = Command::new(&python)
        .args(["-m", "unittest", "discover", "-v", "-p", "test_*.py", "-s"])
        .arg(&modules)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .unwrap_or_else(|error| panic!("cannot run {}: {error}", python.display()));
    let report = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the compatibility layer's unit tests failed:\n{report}"
    );
    // unittest prints "Ran N tests"; none found would also exit 0 on old Pythons.
    let ran = report.lines().find_map(|line| {
        line.strip_prefix("Ran ")?
            .split(' ')
            .next()?
            .parse::<u32>()
            .ok()
    });
    assert!(
        ran.is_some_and(|count| count >= 10),
        "expected the compatibility layer's unit tests to run, got:\n{report}"
    );
}

#[test]
fn the_library_without_the_local_feature_holds_no_launcher() {
    // The launcher's modules are compiled in only through `include_str!` under `src/local`,
    // which `lib.rs` declares behind the `local` feature.
    let lib = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs"))
        .expect("src/lib.rs is readable");
    assert!(
        lib.contains("#[cfg(feature = \"local\")]\npub mod local;"),
        "`pub mod local` must stay behind the `local` feature"
    );
    let manifest =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
            .expect("Cargo.toml is readable");
    let full = manifest
        .lines()
        .find(|line| line.starts_with("full = "))
        .expect("Cargo.toml has a `full` feature");
    assert!(
        !full.contains("\"local\""),
        "`full` must not enable `local`: {full}"
    );
}

#[tokio::test]
async fn an_endpoint_that_stops_keeps_its_log_only_when_it_wrote_one() {
    let endpoint = hipaa_aws::local::LocalEndpoint::start()
        .await
        .expect("endpoint");
    let log = endpoint.log_path().to_path_buf();
    assert!(log.exists(), "the log exists while the endpoint runs");
    drop(endpoint);
    let kept = std::fs::metadata(&log).ok().map(|meta| meta.len());
    assert!(
        matches!(kept, None | Some(1..)),
        "an empty log is removed, one with content kept: {kept:?} at {}",
        log.display()
    );
}
