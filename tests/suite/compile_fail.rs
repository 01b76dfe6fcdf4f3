//! The insecure shapes do not compile: each case under `tests/ui` is compiled as a crate outside
//! the library that depends on it as a user's would, and must fail with the diagnostics recorded
//! beside it (`*.stderr`). Bless new or changed cases with `HIPAA_AWS_BLESS_UI=1 cargo test
//! --test suite compile_fail` and read the diff.
//!
//! Each case is type-checked by the rustc that built this test binary, against this binary's own
//! already-built dependencies (`rustc_invocation!` captures that rustc's `--extern` and `-L`
//! arguments), so no second copy of the AWS SDK is built for it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// The rustc that compiled this test binary and where it found the dependencies.
const INVOCATION: (&str, &[&str]) = rustc_invocation::rustc_invocation!();

const BLESS: &str = "HIPAA_AWS_BLESS_UI";

#[test]
fn insecure_shapes_do_not_compile() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (cases, orphans) = ui_cases(&root.join("tests/ui"));
    assert!(
        orphans.is_empty(),
        "expected diagnostics without a case: {orphans:?}"
    );
    assert!(!cases.is_empty(), "no case under tests/ui");
    assert!(
        INVOCATION.1.iter().any(|a| a.starts_with("hipaa_aws=")),
        "the test binary was compiled without `--extern hipaa_aws`: {:?}",
        INVOCATION.1
    );

    let bless = std::env::var_os(BLESS).is_some();
    let next = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::new());
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                while let Some(case) = cases.get(next.fetch_add(1, Ordering::Relaxed)) {
                    if let Err(failure) = judge(root, case, bless) {
                        failures
                            .lock()
                            .unwrap_or_else(|poisoned| poisoned.into_inner())
                            .push(failure);
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap_or_else(|p| p.into_inner());
    assert!(
        failures.is_empty(),
        "{} of {} compile-fail cases wrong (bless with {BLESS}=1 after reading the diagnostics):\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

/// The harness itself can fail: a case that compiles, and a case whose diagnostics are not the
/// recorded ones, are both reported.
#[test]
fn the_harness_reports_a_case_that_compiles_and_changed_diagnostics() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("ui-harness");
    std::fs::create_dir_all(&dir).expect("scratch folder");

    let compiles = dir.join("harness_compiles.rs");
    std::fs::write(
        &compiles,
        "fn main() { let _ = hipaa_aws::HipaaKey::builder().alias(\"phi\").build(); }\n",
    )
    .expect("case written");
    let verdict = judge(root, &compiles, false);
    assert!(
        verdict
            .as_ref()
            .is_err_and(|e| e.contains("compiled, but must not")),
        "{verdict:?}"
    );

    let fails = dir.join("harness_fails.rs");
    std::fs::write(&fails, "fn main() { let x: u8 = \"not a number\"; }\n").expect("case written");
    std::fs::write(
        fails.with_extension("stderr"),
        "error[E0599]: something else\n",
    )
    .expect("expected written");
    let verdict = judge(root, &fails, false);
    assert!(
        verdict
            .as_ref()
            .is_err_and(|e| e.contains("diagnostics differ")
                && e.contains("error[E0308]: mismatched types")),
        "{verdict:?}"
    );
}

/// The case files (`*.rs`), sorted, and the `*.stderr` files that have no case.
fn ui_cases(dir: &Path) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let mut cases = Vec::new();
    let mut expected = Vec::new();
    for entry in std::fs::read_dir(dir).expect("tests/ui is readable") {
        let path = entry.expect("a tests/ui entry").path();
        match path.extension().and_then(|e| e.to_str()) {
            Some("rs") => cases.push(path),
            Some("stderr") => expected.push(path),
            _ => {}
        }
    }
    cases.sort();
    let orphans = expected
        .into_iter()
        .filter(|e| !e.with_extension("rs").exists())
        .collect();
    (cases, orphans)
}

/// Compiles one case and compares its diagnostics with the recorded ones.
fn judge(root: &Path, case: &Path, bless: bool) -> Result<(), String> {
    let name = case
        .file_stem()
        .and_then(|s| s.to_str())
        .ok_or_else(|| format!("{}: not a UTF-8 file name", case.display()))?;
    let relative = case.strip_prefix(root).unwrap_or(case);
    let out_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("ui").join(name);
    let (rustc, dependency_args) = INVOCATION;
    let output = Command::new(rustc)
        .current_dir(root)
        .args(dependency_args)
        .args([
            "--crate-type",
            "bin",
            "--emit=metadata",
            "--crate-name",
            name,
        ])
        .args(["--color", "never", "--error-format", "human"])
        .arg("--out-dir")
        .arg(&out_dir)
        .arg(relative)
        .output()
        .map_err(|e| format!("{name}: could not run {rustc}: {e}"))?;
    let actual = normalize(&String::from_utf8_lossy(&output.stderr), root);
    if output.status.success() {
        return Err(format!("{name}: compiled, but must not:\n{actual}"));
    }
    let expected_path = case.with_extension("stderr");
    if bless {
        std::fs::write(&expected_path, &actual)
            .map_err(|e| format!("{name}: could not write {}: {e}", expected_path.display()))?;
        return Ok(());
    }
    let expected = std::fs::read_to_string(&expected_path).map_err(|_| {
        format!(
            "{name}: no {} recorded; it fails with:\n{actual}",
            expected_path.display()
        )
    })?;
    if expected == actual {
        Ok(())
    } else {
        Err(format!(
            "{name}: diagnostics differ from {}\n--- expected\n{expected}\n--- actual\n{actual}",
            expected_path.display()
        ))
    }
}

/// Diagnostics made stable across machines and library edits: paths relative to the crate
/// (`$CARGO/` for registry crates, `$RUST/` for the standard library), no random file names,
/// line numbers only in the case file itself (a library edit must not break every case), one
/// gutter width (rustc widens it with the largest line number shown), no closing summary lines,
/// and no list of the library's implementors of a trait (it grows with every new construct; the
/// line saying such a list exists stays).
fn normalize(stderr: &str, root: &Path) -> String {
    let root = format!("{}/", root.display());
    let mut out = Vec::new();
    let mut in_case_file = true;
    let mut in_implementor_list = false;
    for line in stderr.lines() {
        if is_summary(line) {
            continue;
        }
        if in_implementor_list {
            if is_implementor_line(line) {
                continue;
            }
            in_implementor_list = false;
        }
        let line = long_type_file(&builder_state(&dependency_paths(&line.replace(&root, ""))));
        if starts_message(&line) {
            // A new message's snippets are in the case file until a location says otherwise.
            in_case_file = true;
        }
        let Some((number, rest)) = gutter(&line) else {
            out.push(line);
            continue;
        };
        let location = rest
            .strip_prefix("--> ")
            .or_else(|| rest.strip_prefix("::: "));
        let rest = match location {
            Some(location) => {
                in_case_file = location.starts_with("tests/ui/");
                if in_case_file {
                    rest.to_string()
                } else {
                    without_line_numbers(rest)
                }
            }
            None => rest.to_string(),
        };
        let number = if in_case_file { number } else { "" };
        out.push(format!("{number:>4} {rest}").trim_end().to_string());
        if rest.contains("the following other types implement trait") {
            in_implementor_list = true;
            out.push("              …".to_string());
        }
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    let mut text = out.join("\n");
    text.push('\n');
    text
}

/// A line of rustc's implementor list: an indented type name, or `and N others`.
fn is_implementor_line(line: &str) -> bool {
    let trimmed = line.trim_start();
    let indent = line.len() - trimmed.len();
    indent >= 8
        && !trimmed.starts_with(['=', '|', '-', ':'])
        && (trimmed.starts_with("and ") && trimmed.ends_with(" others") || !trimmed.contains(' '))
}

fn is_summary(line: &str) -> bool {
    line.starts_with("error: aborting due to")
        || line.starts_with("For more information about")
        || line.starts_with("Some errors have detailed explanations")
        || (line.starts_with("warning: ") && line.ends_with(" emitted"))
}

/// `error…`, `warning…`, `note:` or `help:` at the start of a line.
fn starts_message(line: &str) -> bool {
    ["error", "warning", "note:", "help:"]
        .iter()
        .any(|level| line.starts_with(level))
}

/// A snippet line split into its line number (empty when it has none) and what follows the
/// gutter: `| code`, `+ suggested code`, `--> file`, `::: file` or `= note`.
fn gutter(line: &str) -> Option<(&str, &str)> {
    if !line.starts_with(' ') && !line.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let trimmed = line.trim_start();
    let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
    let rest = trimmed[digits..].trim_start();
    let marker = rest.starts_with('|')
        || (digits > 0 && rest.starts_with(['+', '-', '~']))
        || (digits == 0 && ["--> ", "::: ", "= "].iter().any(|m| rest.starts_with(m)));
    marker.then(|| (&trimmed[..digits], rest))
}

/// `/…/registry/src/<index>/` becomes `$CARGO/`, the toolchain's `…/library/` `$RUST/`.
fn dependency_paths(line: &str) -> String {
    let mut line = line.to_string();
    for (marker, segments_after) in [
        ("/registry/src/", 1),
        ("/lib/rustlib/src/rust/library/", 0),
        ("/rustc/", 2),
    ] {
        let Some(at) = line.find(marker) else {
            continue;
        };
        let start = line[..at].rfind(' ').map_or(0, |s| s + 1);
        let mut end = at + marker.len();
        for _ in 0..segments_after {
            end += line[end..].find('/').map_or(0, |s| s + 1);
        }
        let placeholder = if marker == "/registry/src/" {
            "$CARGO/"
        } else {
            "$RUST/"
        };
        line.replace_range(start..end, placeholder);
    }
    line
}

/// A typed builder's state type holds one tuple per field (`XBuilder<((String,), (), …)>`), so
/// it changes whenever a builder gains an optional setter: only the builder's name is kept.
fn builder_state(line: &str) -> String {
    const MARKER: &str = "Builder<(";
    let mut line = line.to_string();
    let mut from = 0;
    while let Some(found) = line[from..].find(MARKER) {
        let start = from + found + "Builder<".len();
        let Some(end) = line[start..].find('`').map(|close| start + close) else {
            break;
        };
        let Some(last) = line[start..end].rfind('>') else {
            break;
        };
        line.replace_range(start..start + last, "…");
        from = start + "…".len();
    }
    line
}

/// rustc writes long type names to `….long-type-<random>.txt`: the number changes every run.
fn long_type_file(line: &str) -> String {
    const MARKER: &str = ".long-type-";
    let Some(at) = line.find(MARKER) else {
        return line.to_string();
    };
    let digits_start = at + MARKER.len();
    let digits = line[digits_start..]
        .bytes()
        .take_while(u8::is_ascii_digit)
        .count();
    format!(
        "{}N{}",
        &line[..digits_start],
        &line[digits_start + digits..]
    )
}

/// `--> src/x.rs:12:5` becomes `--> src/x.rs`.
fn without_line_numbers(location: &str) -> String {
    let mut location = location.to_string();
    for _ in 0..2 {
        if let Some(colon) = location.rfind(':') {
            let tail = &location[colon + 1..];
            if !tail.is_empty() && tail.bytes().all(|b| b.is_ascii_digit()) {
                location.truncate(colon);
            }
        }
    }
    location
}
