//! The HTML report in a real browser (feature `browser-test`): headless Chromium loads the
//! `report.html` the command wrote, its script runs, and the rendered DOM must show what
//! `report.json` holds: the counts, and for every filter (each status, service and control)
//! exactly the findings the JSON says, with the right "shown" count. The filters are driven
//! through the page's fragment (`#status=fail&service=S3`), which the page's own script reads
//! into the same selects a person uses. Chromium comes from Debian (`apt-get install chromium`,
//! which `.ci/run` does when it is missing) or `HIPAA_AWS_CHROMIUM`; without it this test fails
//! and says so, it never skips.

use std::path::{Path, PathBuf};
use std::process::Command;

use hipaa_aws::audit::{AuditReport, Date, Finding};
use hipaa_aws::cli::{run_with, Console};
use hipaa_aws::prelude::*;

use crate::support::account;

fn chromium() -> PathBuf {
    let path = std::env::var_os("HIPAA_AWS_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    assert!(
        path.is_file(),
        "no Chromium at {}: install Debian's chromium (apt-get install chromium) or set HIPAA_AWS_CHROMIUM",
        path.display()
    );
    path
}

/// Chromium started the way this machine allows: headless, as root without its sandbox, and
/// with every background connection off (the network here is closed).
fn chromium_command(profile: &Path) -> Command {
    let mut command = Command::new(chromium());
    command.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
    ]);
    command.arg(format!("--user-data-dir={}", profile.display()));
    command
}

/// The page's DOM after its script ran, opened at `fragment`.
fn rendered(page: &Path, profile: &Path, fragment: &str) -> String {
    let url = format!("file://{}#{fragment}", page.display());
    let output = chromium_command(profile)
        .arg("--dump-dom")
        .arg(&url)
        .output()
        .expect("Chromium starts");
    assert!(
        output.status.success(),
        "Chromium failed on {url}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("the DOM is UTF-8")
}

/// What the rendered page shows: the counts by id, the "shown" figure, and the rows a
/// person sees (those the script did not hide), as (status, control, service, excepted).
struct Shown {
    counts: Vec<(String, String)>,
    shown_count: String,
    visible: Vec<(String, String, String, String)>,
}

fn shown(dom_text: &str) -> Shown {
    let dom = tl::parse(dom_text, tl::ParserOptions::default()).expect("the DOM parses");
    let parser = dom.parser();
    let text_of = |id: &str| -> String {
        dom.get_element_by_id(id)
            .and_then(|h| h.get(parser))
            .map(|node| node.inner_text(parser).to_string())
            .unwrap_or_else(|| panic!("no element #{id} in the rendered page"))
    };
    let counts = ["pass", "fail", "error", "excepted", "counted"]
        .iter()
        .map(|name| (name.to_string(), text_of(&format!("count-{name}"))))
        .collect();
    let attribute = |tag: &tl::HTMLTag, name: &str| -> String {
        tag.attributes()
            .get(name)
            .flatten()
            .map(|v| v.as_utf8_str().to_string())
            .unwrap_or_default()
    };
    let visible = dom
        .query_selector("tr[data-status]")
        .expect("selector")
        .filter_map(|h| h.get(parser).and_then(|n| n.as_tag()))
        .filter(|row| !row.attributes().contains("hidden"))
        .map(|row| {
            (
                attribute(row, "data-status"),
                attribute(row, "data-control"),
                attribute(row, "data-service"),
                attribute(row, "data-excepted"),
            )
        })
        .collect();
    Shown {
        counts,
        shown_count: text_of("shown-count"),
        visible,
    }
}

fn status_key(status: Status) -> &'static str {
    match status {
        Status::Pass => "pass",
        Status::Fail => "fail",
        Status::Error => "error",
        Status::NotApplicable => "not_applicable",
    }
}

fn row_of(finding: &Finding) -> (String, String, String, String) {
    (
        status_key(finding.status).to_string(),
        finding.control.as_str().to_string(),
        finding.control.control().service.to_string(),
        finding.exception.is_some().to_string(),
    )
}

/// The rows the JSON report says a filter keeps, in report order.
fn expected(
    report: &AuditReport,
    status: Option<&str>,
    control: Option<&str>,
    service: Option<&str>,
) -> Vec<(String, String, String, String)> {
    report
        .findings()
        .map(row_of)
        .filter(|(row_status, row_control, row_service, excepted)| {
            let status_ok = match status {
                None => true,
                Some("excepted") => excepted == "true",
                Some(wanted) => row_status == wanted,
            };
            status_ok
                && control.is_none_or(|c| row_control == c)
                && service.is_none_or(|s| row_service == s)
        })
        .collect()
}

fn fragment_value(value: &str) -> String {
    value.replace(' ', "%20").replace('/', "%2F")
}

#[tokio::test]
async fn the_report_renders_in_chromium_and_every_filter_shows_what_the_json_holds() {
    let account = account().await;
    let bucket = account.bucket("browser");
    account
        .s3()
        .create_bucket()
        .bucket(&bucket)
        .send()
        .await
        .expect("create bucket");
    let dir = std::env::temp_dir().join(format!("hipaa-aws-browser-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temporary folder");
    let exceptions = dir.join("exceptions.toml");
    std::fs::write(
        &exceptions,
        format!(
            "[[exception]]\ncontrol = \"S3_BUCKET_LOGGING_ENABLED\"\nresource = \"arn:aws:s3:::{bucket}\"\nreason = \"Accepted while the bucket is migrated; reviewed by security\"\nowner = \"security@acme.example\"\nexpires = \"{}\"\n",
            Date::today().plus_days(30)
        ),
    )
    .expect("exceptions file");
    let out = dir.join("report");
    let (console, captured) = Console::memory();
    let argv = [
        "hipaa-aws",
        "audit",
        "--regions",
        "us-east-1",
        "--services",
        "s3,cloudtrail",
        "--format",
        "json,html",
        "--exceptions",
        exceptions.to_str().expect("UTF-8 path"),
        "--out",
        out.to_str().expect("UTF-8 path"),
    ];
    let code = run_with(argv, Some(&account.env), &console).await;
    assert_eq!(code, 1, "{}{}", captured.stdout(), captured.stderr());
    let report: AuditReport = serde_json::from_str(
        &std::fs::read_to_string(out.join("report.json")).expect("report.json"),
    )
    .expect("report.json parses");
    assert!(report.excepted() > 0, "the exception applied to no finding");
    assert!(report.count(Status::Pass) > 0 && report.count(Status::Fail) > 0);
    let page = out.join("report.html");
    let profile = dir.join("chromium-profile");

    let all = shown(&rendered(&page, &profile, ""));
    assert_eq!(
        all.counts,
        vec![
            ("pass".to_string(), report.count(Status::Pass).to_string()),
            ("fail".to_string(), report.count(Status::Fail).to_string()),
            ("error".to_string(), report.count(Status::Error).to_string()),
            ("excepted".to_string(), report.excepted().to_string()),
            ("counted".to_string(), report.counted().count().to_string()),
        ]
    );
    assert_eq!(all.visible, expected(&report, None, None, None));
    assert_eq!(all.shown_count, report.findings().count().to_string());

    let mut cases: Vec<(Option<String>, Option<String>, Option<String>)> = Vec::new();
    for status in ["pass", "fail", "error", "not_applicable", "excepted"] {
        cases.push((Some(status.to_string()), None, None));
    }
    let services: std::collections::BTreeSet<String> =
        report.findings().map(|f| row_of(f).2).collect();
    let controls: std::collections::BTreeSet<String> =
        report.findings().map(|f| row_of(f).1).collect();
    assert!(services.len() >= 2, "one service cannot test the filter");
    for service in &services {
        cases.push((None, None, Some(service.clone())));
        cases.push((Some("fail".to_string()), None, Some(service.clone())));
    }
    for control in &controls {
        cases.push((None, Some(control.clone()), None));
    }
    for (status, control, service) in cases {
        let mut parts = Vec::new();
        if let Some(value) = &status {
            parts.push(format!("status={}", fragment_value(value)));
        }
        if let Some(value) = &control {
            parts.push(format!("control={}", fragment_value(value)));
        }
        if let Some(value) = &service {
            parts.push(format!("service={}", fragment_value(value)));
        }
        let fragment = parts.join("&");
        let seen = shown(&rendered(&page, &profile, &fragment));
        let wanted = expected(
            &report,
            status.as_deref(),
            control.as_deref(),
            service.as_deref(),
        );
        assert_eq!(seen.visible, wanted, "rows shown at #{fragment}");
        assert_eq!(
            seen.shown_count,
            wanted.len().to_string(),
            "the shown count at #{fragment}"
        );
    }

    // The picture a person sees: Chromium draws the page (the README's screenshot is made so).
    let picture = dir.join("report.png");
    let output = chromium_command(&profile)
        .arg(format!("--screenshot={}", picture.display()))
        .arg("--window-size=1400,2300")
        .arg(format!("file://{}#status=fail", page.display()))
        .output()
        .expect("Chromium starts");
    assert!(
        output.status.success(),
        "the screenshot failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let png = std::fs::read(&picture).expect("the screenshot was written");
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 10_000);
}
