//! The `hipaa-aws` command against the local endpoint: exit codes with and without exceptions
//! and a baseline, every refusal of a bad exceptions file, the report formats' round trips
//! (the HTML checked with a parser), and the `controls` listing.

use std::path::{Path, PathBuf};

use aws_sdk_s3::types::{BucketVersioningStatus, VersioningConfiguration};
use hipaa_aws::audit::{AuditReport, Date, ExceptionState, NOT_EXCEPTABLE};
use hipaa_aws::cli::{run_with, Captured, Console};
use hipaa_aws::prelude::*;
use hipaa_aws::Citation;

use crate::support::{account, TestAccount};

/// A fresh folder under the system's temporary folder.
fn folder(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hipaa-aws-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temporary folder");
    dir
}

async fn cli(args: &[&str], env: Option<&Environment>) -> (u8, Captured) {
    let (console, captured) = Console::memory();
    let argv = std::iter::once("hipaa-aws").chain(args.iter().copied());
    let code = run_with(argv, env, &console).await;
    (code, captured)
}

fn read_report(dir: &Path) -> AuditReport {
    let text = std::fs::read_to_string(dir.join("report.json")).expect("report.json");
    serde_json::from_str(&text).expect("report.json parses as an AuditReport")
}

async fn versioning(account: &TestAccount, bucket: &str, status: BucketVersioningStatus) {
    account
        .s3()
        .put_bucket_versioning()
        .bucket(bucket)
        .versioning_configuration(VersioningConfiguration::builder().status(status).build())
        .send()
        .await
        .expect("versioning");
}

fn exceptions_file(dir: &Path, name: &str, body: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, body).expect("write exceptions");
    path.display().to_string()
}

fn entry(control: &str, resource: &str, expires: Date) -> String {
    format!(
        "[[exception]]\ncontrol = \"{control}\"\nresource = \"{resource}\"\nreason = \"Accepted while the bucket is migrated; reviewed by security\"\nowner = \"security@acme.example\"\nexpires = \"{expires}\"\n\n"
    )
}

#[tokio::test]
async fn exit_codes_follow_exceptions_baselines_and_fail_on() {
    let account = account().await;
    let bucket = account.bucket("cli-gate");
    let arn = format!("arn:aws:s3:::{bucket}");
    account
        .s3()
        .create_bucket()
        .bucket(&bucket)
        .send()
        .await
        .expect("create bucket");
    versioning(&account, &bucket, BucketVersioningStatus::Enabled).await;
    let dir = folder("gate");
    let out = |name: &str| dir.join(name).display().to_string();
    // Scoped to the two services the gate's verdicts fall on (the bucket's versioning, the
    // missing trail): the same exit-code logic, a seventh of a full audit's reads.
    let regions = ["--regions", "us-east-1", "--services", "s3,cloudtrail"];

    // No exceptions: the bare account fails (no trail, the bucket's logging, …).
    let first = out("first");
    let (code, captured) = cli(
        &[
            "audit", regions[0], regions[1], regions[2], regions[3], "--out", &first,
        ],
        Some(&account.env),
    )
    .await;
    assert_eq!(code, 1, "{}{}", captured.stdout(), captured.stderr());
    let baseline_report = read_report(Path::new(&first));
    use hipaa_aws::controls::Service;
    let services: std::collections::BTreeSet<Service> = baseline_report
        .findings()
        .map(|f| f.control.control().service)
        .collect();
    assert_eq!(
        services,
        [Service::S3, Service::CloudTrail].into_iter().collect(),
        "--services s3,cloudtrail reports exactly those services"
    );
    assert!(baseline_report.count(Status::Fail) > 0);
    assert!(
        baseline_report
            .findings()
            .all(|f| f.reason.chars().count() <= 200),
        "a reason over 200 characters"
    );
    assert!(
        captured
            .stdout()
            .lines()
            .last()
            .unwrap_or_default()
            .starts_with("GATED: "),
        "{}",
        captured.stdout()
    );
    assert!(
        captured.stderr().contains("progress: "),
        "no plain progress lines off a terminal"
    );
    for name in [
        "report.json",
        "evidence.md",
        "report.html",
        "findings.ocsf.json",
        "findings.asff.json",
    ] {
        assert!(Path::new(&first).join(name).is_file(), "{name} not written");
    }
    let versioning_passed = baseline_report
        .finding(ControlId::S3BucketVersioningEnabled, &arn)
        .map(|f| f.status);
    assert_eq!(versioning_passed, Some(Status::Pass));

    // `--fail-on never` reports only; `--fail-on error` gates exactly on unjudged findings.
    let (code, captured) = cli(
        &[
            "audit",
            regions[0],
            regions[1],
            regions[2],
            regions[3],
            "--out",
            &out("never"),
            "--fail-on",
            "never",
            "-q",
        ],
        Some(&account.env),
    )
    .await;
    assert_eq!(code, 0);
    // Quiet: the summary line only, no progress and no list of findings.
    let stdout = captured.stdout();
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(
        stdout.starts_with("OK: ") && stdout.contains("(--fail-on never)"),
        "{stdout}"
    );
    assert!(
        !captured.stderr().contains("progress: "),
        "{}",
        captured.stderr()
    );
    let (code, _) = cli(
        &[
            "audit",
            regions[0],
            regions[1],
            regions[2],
            regions[3],
            "--out",
            &out("error"),
            "--fail-on",
            "error",
            "-q",
        ],
        Some(&account.env),
    )
    .await;
    let errors = read_report(&dir.join("error"));
    let unjudged =
        errors.count(Status::Error) > 0 || errors.accounts.iter().any(|a| !a.errors.is_empty());
    assert_eq!(code, u8::from(unjudged));

    // The same account against its own baseline: every failure is known, nothing counts.
    let baseline = Path::new(&first).join("report.json").display().to_string();
    let (code, captured) = cli(
        &[
            "audit",
            regions[0],
            regions[1],
            regions[2],
            regions[3],
            "--out",
            &out("same"),
            "--baseline",
            &baseline,
        ],
        Some(&account.env),
    )
    .await;
    assert_eq!(code, 0, "{}{}", captured.stdout(), captured.stderr());
    let same = read_report(&dir.join("same"));
    assert_eq!(same.baseline.as_ref().map(|b| b.new), Some(0));
    assert!(same.known() > 0);

    // A regression (versioning suspended: it passed in the baseline) is new and gates.
    versioning(&account, &bucket, BucketVersioningStatus::Suspended).await;
    let (code, captured) = cli(
        &[
            "audit",
            regions[0],
            regions[1],
            regions[2],
            regions[3],
            "--out",
            &out("regressed"),
            "--baseline",
            &baseline,
        ],
        Some(&account.env),
    )
    .await;
    assert_eq!(code, 1, "{}", captured.stdout());
    let regressed = read_report(&dir.join("regressed"));
    let new: Vec<ControlId> = regressed.counted().map(|f| f.control).collect();
    assert_eq!(
        new,
        vec![ControlId::S3BucketVersioningEnabled],
        "only the regression counts"
    );

    // An exception for it (last day today) lifts the gate; a stale entry is listed.
    let today = Date::today();
    let file = exceptions_file(
        &dir,
        "exceptions.toml",
        &format!(
            "{}{}",
            entry("S3_BUCKET_VERSIONING_ENABLED", &arn, today),
            entry(
                "KMS_CMK_NOT_SCHEDULED_FOR_DELETION",
                "arn:aws:kms:*",
                today.plus_days(30)
            )
        ),
    );
    let excepted_dir = out("excepted");
    let (code, captured) = cli(
        &[
            "audit",
            regions[0],
            regions[1],
            regions[2],
            regions[3],
            "--out",
            &excepted_dir,
            "--baseline",
            &baseline,
            "--exceptions",
            &file,
        ],
        Some(&account.env),
    )
    .await;
    assert_eq!(code, 0, "{}{}", captured.stdout(), captured.stderr());
    assert!(
        captured.stderr().contains(
            "warning: exception entry 2 (line 8) (KMS_CMK_NOT_SCHEDULED_FOR_DELETION) is stale"
        ),
        "{}",
        captured.stderr()
    );
    let excepted = read_report(Path::new(&excepted_dir));
    let finding = excepted
        .finding(ControlId::S3BucketVersioningEnabled, &arn)
        .expect("versioning finding");
    assert_eq!(
        finding.status,
        Status::Fail,
        "an excepted finding keeps its status"
    );
    assert_eq!(
        finding.exception.as_ref().map(|e| e.owner.as_str()),
        Some("security@acme.example")
    );
    let states: Vec<ExceptionState> = excepted
        .exceptions
        .iter()
        .flat_map(|s| s.entries.iter().map(|e| e.state))
        .collect();
    assert_eq!(states, vec![ExceptionState::Applied, ExceptionState::Stale]);
    formats_round_trip(Path::new(&excepted_dir), &excepted, &arn);

    // Expired yesterday: it no longer applies, the report warns, the gate is back.
    let file = exceptions_file(
        &dir,
        "expired.toml",
        &entry("S3_BUCKET_VERSIONING_ENABLED", &arn, today.plus_days(-1)),
    );
    let (code, captured) = cli(
        &[
            "audit",
            regions[0],
            regions[1],
            regions[2],
            regions[3],
            "--out",
            &out("expired"),
            "--baseline",
            &baseline,
            "--exceptions",
            &file,
        ],
        Some(&account.env),
    )
    .await;
    assert_eq!(code, 1);
    assert!(
        captured.stderr().contains(
            "warning: exception entry 1 (line 1) (S3_BUCKET_VERSIONING_ENABLED) expired on"
        ),
        "{}",
        captured.stderr()
    );

    // Exceptions without the baseline: the other failures (no trail: never exceptable) gate.
    let file = exceptions_file(
        &dir,
        "only.toml",
        &entry("S3_BUCKET_VERSIONING_ENABLED", &arn, today),
    );
    let (code, _) = cli(
        &[
            "audit",
            regions[0],
            regions[1],
            regions[2],
            regions[3],
            "--out",
            &out("only"),
            "--exceptions",
            &file,
            "--format",
            "json",
        ],
        Some(&account.env),
    )
    .await;
    assert_eq!(code, 1);
    let only = read_report(&dir.join("only"));
    assert!(only
        .counted()
        .any(|f| f.control == ControlId::CloudTrailEnabled));
    assert!(
        !dir.join("only").join("report.html").exists(),
        "--format json wrote other formats"
    );
}

/// Every format shows the exception: JSON (read above), Markdown's own section, OCSF
/// `Suppressed`, ASFF `SUPPRESSED`, and the HTML page.
fn formats_round_trip(dir: &Path, report: &AuditReport, arn: &str) {
    let markdown = std::fs::read_to_string(dir.join("evidence.md")).expect("evidence.md");
    let section = markdown
        .split("## Accepted risks (exceptions)")
        .nth(1)
        .expect("accepted risks section");
    assert!(
        section.contains(arn)
            && section.contains("security@acme.example")
            && section.contains("reviewed by security")
    );
    assert!(section.contains("> **Stale:** entry 2"));

    let ocsf: Vec<serde_json::Value> = serde_json::from_str(
        &std::fs::read_to_string(dir.join("findings.ocsf.json")).expect("ocsf"),
    )
    .expect("ocsf json");
    assert_eq!(ocsf.len(), report.findings().count());
    let suppressed: Vec<&serde_json::Value> = ocsf
        .iter()
        .filter(|f| f["status"] == "Suppressed")
        .collect();
    assert_eq!(suppressed.len(), report.excepted());
    assert!(suppressed
        .iter()
        .all(|f| f["status_id"] == 3 && f["compliance"]["status"] == "Fail"));

    let asff: Vec<serde_json::Value> = serde_json::from_str(
        &std::fs::read_to_string(dir.join("findings.asff.json")).expect("asff"),
    )
    .expect("asff json");
    let workflow: Vec<&serde_json::Value> = asff
        .iter()
        .filter(|f| f["Workflow"]["Status"] == "SUPPRESSED")
        .collect();
    assert_eq!(workflow.len(), report.excepted());
    assert!(workflow
        .iter()
        .all(|f| f["Compliance"]["Status"] == "FAILED"
            && f["Note"]["UpdatedBy"] == "security@acme.example"));

    let html = std::fs::read_to_string(dir.join("report.html")).expect("report.html");
    check_html(&html, report);
}

/// The HTML page's static content, parsed: counts, charts, one row per finding with the
/// filter attributes, the exceptions, and nothing loaded from anywhere.
fn check_html(html: &str, report: &AuditReport) {
    let dom = tl::parse(html, tl::ParserOptions::default()).expect("HTML parses");
    let parser = dom.parser();
    let text_of = |id: &str| -> String {
        dom.get_element_by_id(id)
            .and_then(|h| h.get(parser))
            .map(|node| node.inner_text(parser).to_string())
            .unwrap_or_else(|| panic!("no element #{id}"))
    };
    assert_eq!(
        text_of("count-pass"),
        report.count(Status::Pass).to_string()
    );
    assert_eq!(
        text_of("count-fail"),
        report.count(Status::Fail).to_string()
    );
    assert_eq!(
        text_of("count-error"),
        report.count(Status::Error).to_string()
    );
    assert_eq!(text_of("count-excepted"), report.excepted().to_string());
    assert_eq!(
        text_of("count-counted"),
        report.counted().count().to_string()
    );
    for chart in ["chart-citations", "chart-services"] {
        assert!(dom.get_element_by_id(chart).is_some(), "no {chart}");
    }
    let rows: Vec<&tl::HTMLTag> = dom
        .query_selector("tr[data-status]")
        .expect("selector")
        .filter_map(|h| h.get(parser).and_then(|n| n.as_tag()))
        .collect();
    assert_eq!(rows.len(), report.findings().count());
    let attribute = |tag: &tl::HTMLTag, name: &str| -> String {
        tag.attributes()
            .get(name)
            .flatten()
            .map(|v| v.as_utf8_str().to_string())
            .unwrap_or_default()
    };
    for (row, finding) in rows.iter().zip(report.findings()) {
        assert_eq!(attribute(row, "data-control"), finding.control.as_str());
        assert_eq!(
            attribute(row, "data-excepted"),
            finding.exception.is_some().to_string()
        );
        assert_eq!(
            attribute(row, "data-service"),
            finding.control.control().service.to_string()
        );
    }
    let failing_rows = rows
        .iter()
        .filter(|r| attribute(r, "data-status") == "fail")
        .count();
    assert_eq!(failing_rows, report.count(Status::Fail));
    for id in [
        "filter-status",
        "filter-control",
        "filter-service",
        "exceptions",
        "exception-entries",
    ] {
        assert!(dom.get_element_by_id(id).is_some(), "no #{id}");
    }
    let entries = dom
        .query_selector("tr[data-state]")
        .expect("selector")
        .count();
    assert_eq!(
        entries,
        report.exceptions.as_ref().map_or(0, |s| s.entries.len())
    );
    // Self-contained: no external stylesheet, script, image or frame.
    for selector in ["link", "img", "iframe"] {
        assert_eq!(
            dom.query_selector(selector).expect("selector").count(),
            0,
            "{selector} in the page"
        );
    }
    let scripts: Vec<&tl::HTMLTag> = dom
        .query_selector("script")
        .expect("selector")
        .filter_map(|h| h.get(parser).and_then(|n| n.as_tag()))
        .collect();
    assert_eq!(scripts.len(), 1, "the one inline filter script");
    assert!(
        scripts.iter().all(|s| s.attributes().get("src").is_none()),
        "a script loaded from elsewhere"
    );
    assert!(
        !html.contains("http://")
            || html.matches("http://").count()
                == html.matches("http://www.w3.org/2000/svg").count(),
        "a URL other than the SVG namespace"
    );
    assert!(!html.contains("https://"));
}

#[tokio::test]
async fn bad_exceptions_files_are_refused_before_any_aws_call() {
    let dir = folder("bad-exceptions");
    let ok_rest = "reason = \"Accepted after review by security\"\nowner = \"sec@acme.example\"\nexpires = \"2026-12-31\"";
    let too_far = Date::today().plus_days(367);
    let cases: Vec<(String, String)> = vec![
        ("[[exception]]\ncontrol = \"S3_BUCKET_LOGGING_ENABLED\"\nreason = \"short\"\nowner = \"o\"\nexpires = \"2026-12-31\"".to_string(), "entry 1 (line 1): reason: \"short\" is under 10 characters".into()),
        ("[[exception]]\ncontrol = \"S3_BUCKET_LOGGING_ENABLED\"\nreason = \"Accepted after review\"\nexpires = \"2026-12-31\"".to_string(), "entry 1 (line 1): owner: missing".into()),
        (format!("[[exception]]\ncontrol = \"S3_BUCKET_LOGGING_ENABLED\"\nreason = \"Accepted after review\"\nowner = \"o\"\nexpires = \"{too_far}\""), format!("entry 1 (line 1): expires: {too_far} is 367 days away, more than 366")),
        ("[[exception]]\ncontrol = \"S3_BUCKET_LOGGING_ENABLED\"\nreason = \"Accepted after review\"\nowner = \"o\"".to_string(), "expires: missing".into()),
        ("[[exception]]\ncontrol = \"S3_BUCKET_LOGGING_ENABLED\"\nreason = \"Accepted after review\"\nowner = \"o\"\nexpires = \"2026-02-30\"".to_string(), "expires: \"2026-02-30\" is not a date".into()),
        (format!("[[exception]]\n{ok_rest}"), "control: missing".into()),
        (format!("[[exception]]\ncontrol = \"S3_LOGGING\"\n{ok_rest}"), "control: \"S3_LOGGING\" is not a control id of the catalog".into()),
        (format!("[[exception]]\ncontrol = \"RDS_STORAGE_ENCRYPTED\"\n{ok_rest}"), "control: RDS_STORAGE_ENCRYPTED cannot be excepted (see NOT_EXCEPTABLE) [RDS_STORAGE_ENCRYPTED; 45 CFR".into()),
        (format!("[[exception]]\ncontrol = \"S3_BUCKET_PUBLIC_*\"\n{ok_rest}"), "the glob \"S3_BUCKET_PUBLIC_*\" covers S3_BUCKET_PUBLIC_READ_PROHIBITED, S3_BUCKET_PUBLIC_WRITE_PROHIBITED".into()),
        (format!("[[exception]]\ncontrol = \"CLOUD_TRAIL_ENABLED\"\n{ok_rest}"), "CLOUD_TRAIL_ENABLED cannot be excepted".into()),
        (format!("[[exception]]\ncontrol = \"S3_BUCKET_LOGGING_ENABLED\"\naccount = \"acme\"\n{ok_rest}"), "account: \"acme\" is not a 12-digit account id".into()),
        (format!("[[exception]]\ncontrol = \"S3_BUCKET_LOGGING_ENABLED\"\nregion = \"us-east-1\"\n{ok_rest}"), "entry 1 (line 3): toml: unknown field `region`".into()),
        (format!("[[exception]]\ncontrol = \"S3_BUCKET_LOGGING_ENABLED\"\nregions = [\"\"]\n{ok_rest}"), "regions: \"\" is not a region name".into()),
        (format!("[[exception]]\ncontrol = \"S3_BUCKET_LOGGING_ENABLED\"\ntags = {{ \"\" = \"x\" }}\n{ok_rest}"), "tags: a tag key is empty".into()),
        ("[[exception]]\ncontrol = \"S3_BUCKET_LOGGING_ENABLED\"\nreason = \"no closing quote\n".to_string(), "entry 1 (line 3): toml:".into()),
        (format!("[[exception]]\ncontrol = \"S3_BUCKET_LOGGING_ENABLED\"\n{ok_rest}\n\n[[exception]]\ncontrol = \"S3_BUCKET_LOGGING_ENABLED\"\nreason = \"Accepted after review\"\nowner = \"\"\nexpires = \"2026-12-31\""), "entry 2 (line 7): owner: missing".into()),
    ];
    assert!(cases.len() >= 12);
    for (index, (body, expected)) in cases.iter().enumerate() {
        let file = exceptions_file(&dir, &format!("bad{index}.toml"), body);
        // No environment: a refused file must stop the command before it looks for AWS.
        let (code, captured) = cli(
            &[
                "audit",
                "--exceptions",
                &file,
                "--out",
                &dir.join("out").display().to_string(),
            ],
            None,
        )
        .await;
        assert_eq!(code, 2, "case {index} was not refused:\n{body}");
        let stderr = captured.stderr();
        assert!(
            stderr.starts_with(&format!("error: {file}: entry ")),
            "case {index}: {stderr}"
        );
        assert!(
            stderr.contains(expected.as_str()),
            "case {index}: expected {expected:?} in\n{stderr}"
        );
        assert!(
            stderr.lines().all(|line| line.starts_with("error: ")),
            "case {index}: {stderr}"
        );
        assert!(!dir.join("out").exists(), "case {index} wrote reports");
    }
    let (code, captured) = cli(
        &[
            "audit",
            "--exceptions",
            &dir.join("missing.toml").display().to_string(),
        ],
        None,
    )
    .await;
    assert_eq!(code, 2);
    assert!(
        captured
            .stderr()
            .starts_with("error: AWS configuration: cannot read the exceptions file"),
        "{}",
        captured.stderr()
    );
    let (code, captured) = cli(
        &[
            "audit",
            "--baseline",
            &exceptions_file(&dir, "not-a-report.json", "{}"),
        ],
        None,
    )
    .await;
    assert_eq!(code, 2);
    assert!(
        captured.stderr().contains("is not an audit report.json"),
        "{}",
        captured.stderr()
    );
    let (code, _) = cli(&["audit", "--format", "pdf"], None).await;
    assert_eq!(code, 2);
}

#[tokio::test]
async fn the_controls_listing_filters_by_citation_and_service() {
    let (code, captured) = cli(&["controls", "--json"], None).await;
    assert_eq!(code, 0);
    let all: Vec<serde_json::Value> =
        serde_json::from_str(&captured.stdout()).expect("controls json");
    assert_eq!(all.len(), ControlId::ALL.len());
    let not_exceptable = all.iter().filter(|c| c["exceptable"] == false).count();
    assert_eq!(not_exceptable, NOT_EXCEPTABLE.len());
    assert!(all
        .iter()
        .all(|c| c["enforced"].as_str().is_some_and(|e| !e.is_empty())));

    let (code, captured) = cli(&["controls", "--json", "--service", "s3"], None).await;
    assert_eq!(code, 0);
    let s3: Vec<serde_json::Value> = serde_json::from_str(&captured.stdout()).expect("json");
    assert!(!s3.is_empty() && s3.iter().all(|c| c["service"] == "S3"));
    assert_eq!(
        s3.len(),
        ControlId::for_service(hipaa_aws::controls::Service::S3).count()
    );

    let (code, captured) = cli(&["controls", "--json", "--citation", "164.312(b)"], None).await;
    assert_eq!(code, 0);
    let audit_controls: Vec<serde_json::Value> =
        serde_json::from_str(&captured.stdout()).expect("json");
    let expected = ControlId::ALL
        .iter()
        .filter(|id| id.citations().contains(&Citation::AUDIT_CONTROLS))
        .count();
    assert_eq!(audit_controls.len(), expected);
    // A prefix selects every paragraph under it, and never one outside.
    let (_, captured) = cli(&["controls", "--json", "--citation", "164.316"], None).await;
    let retention: Vec<serde_json::Value> = serde_json::from_str(&captured.stdout()).expect("json");
    assert!(!retention.is_empty());
    assert!(retention
        .iter()
        .all(|c| c["citations"].as_array().is_some_and(|list| list
            .iter()
            .any(|p| p.as_str().is_some_and(|p| p.starts_with("164.316"))))));

    let (code, captured) = cli(&["controls", "--service", "cloudtrail"], None).await;
    assert_eq!(code, 0);
    let stdout = captured.stdout();
    assert!(
        stdout
            .lines()
            .next()
            .is_some_and(|l| l.starts_with("ID ") && l.contains("CITATIONS")),
        "{stdout}"
    );
    assert!(stdout.contains("CLOUD_TRAIL_ENABLED") && stdout.contains("enforced: "));
    assert!(!stdout.contains("S3_BUCKET_LOGGING_ENABLED"));

    let (code, captured) = cli(&["controls", "--service", "dynamodb"], None).await;
    assert_eq!(code, 2);
    assert!(captured
        .stderr()
        .starts_with("error: no control matches service \"dynamodb\""));
}

#[test]
fn the_installed_binary_runs_the_same_command() {
    let binary = env!("CARGO_BIN_EXE_hipaa-aws");
    let output = std::process::Command::new(binary)
        .args(["controls", "--citation", "164.312(b)"])
        .output()
        .expect("run hipaa-aws");
    assert_eq!(output.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&output.stdout).contains("CLOUD_TRAIL_ENABLED"));
    let output = std::process::Command::new(binary)
        .args(["audit", "--exceptions", "/nonexistent/exceptions.toml"])
        .output()
        .expect("run hipaa-aws");
    assert_eq!(output.status.code(), Some(2));
    let output = std::process::Command::new(binary)
        .arg("--help")
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0));
    let help = String::from_utf8_lossy(&output.stdout).to_string();
    assert!(
        help.contains("audit") && help.contains("controls") && help.contains("local"),
        "{help}"
    );
}

#[tokio::test]
async fn local_starts_a_detached_endpoint_and_says_how_to_stop_it() {
    let (code, captured) = cli(&["local"], None).await;
    let stdout = captured.stdout();
    assert_eq!(code, 0, "{stdout}{}", captured.stderr());
    let url = stdout
        .lines()
        .next()
        .and_then(|line| line.strip_prefix("Local AWS endpoint running at "))
        .unwrap_or_else(|| panic!("no URL line in {stdout}"))
        .to_string();
    assert!(
        stdout.contains(&format!("AWS_ENDPOINT_URL={url} ")),
        "{stdout}"
    );
    let pid = stdout
        .lines()
        .find_map(|line| line.strip_prefix("Stop it: kill "))
        .unwrap_or_else(|| panic!("no stop line in {stdout}"))
        .to_string();
    let reachable = hipaa_aws::local::LocalEndpoint::existing(&url);
    // Stop the process this test started, by its id, before asserting anything else.
    let killed = std::process::Command::new("kill").arg(&pid).status();
    assert!(
        reachable.is_ok(),
        "the printed URL is not an endpoint: {url}"
    );
    assert!(
        killed.is_ok_and(|status| status.success()),
        "kill {pid} failed"
    );
}
