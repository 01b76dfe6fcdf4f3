//! Exceptions: every refusal at its boundary, matching, expiry and staleness.

use super::*;
use crate::audit::finding::AccountSection;
use crate::controls::Check;

fn today() -> Date {
    Date::new(2026, 12, 2).unwrap_or_else(Date::today)
}

const GOOD: &str = r#"
[[exception]]
control = "S3_BUCKET_LOGGING_ENABLED"
resource = "arn:aws:s3:::acme-terminal-logs"
account = "123456789012"
regions = ["us-east-1"]
reason = "The terminal log bucket cannot log to itself; reviewed by security 2026-11-20"
owner = "security@acme.example"
expires = "2027-06-30"
"#;

fn refused(text: &str) -> Vec<String> {
    match Exceptions::from_toml_on("x.toml", text, today()) {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(error) => error.problems.iter().map(ToString::to_string).collect(),
    }
}

fn entry(fields: &str) -> String {
    format!("# header\n\n[[exception]]\n{fields}\n")
}

const REST: &str = "reason = \"Accepted after review by the security team\"\nowner = \"sec@acme.example\"\nexpires = \"2027-06-30\"";

fn finding(control: ControlId, status: Status, arn: &str) -> Finding {
    let check = Check {
        control,
        setting: "s".to_string(),
        status,
        reason: "r".to_string(),
    };
    Finding::from_check(&check, arn, "AWS::S3::Bucket", "123456789012", "us-east-1")
}

fn report(findings: Vec<Finding>) -> AuditReport {
    AuditReport::new(
        vec![AccountSection {
            account_id: "123456789012".to_string(),
            name: None,
            regions: vec!["us-east-1".to_string()],
            findings,
            errors: Vec::new(),
            resources: 1,
            api_calls: 0,
        }],
        std::time::Duration::ZERO,
    )
}

#[test]
fn the_issue_example_loads() {
    let exceptions = Exceptions::from_toml_on("x.toml", GOOD, today());
    let exceptions = exceptions.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(exceptions.entries().len(), 1);
    assert_eq!(exceptions.entries().first().and_then(|e| e.line), Some(2));
}

#[test]
fn reason_under_ten_characters_is_refused_and_ten_is_accepted() {
    let short = entry("control = \"S3_BUCKET_LOGGING_ENABLED\"\nreason = \"123456789\"\nowner = \"o\"\nexpires = \"2027-01-01\"");
    let messages = refused(&short);
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(
        messages[0].starts_with("entry 1 (line 3): reason: \"123456789\" is under 10 characters"),
        "{messages:?}"
    );
    assert!(
        messages[0].contains("[S3_BUCKET_LOGGING_ENABLED; 45 CFR"),
        "{messages:?}"
    );
    // Ten characters, and padding does not count.
    let ten = entry("control = \"S3_BUCKET_LOGGING_ENABLED\"\nreason = \"1234567890\"\nowner = \"o\"\nexpires = \"2027-01-01\"");
    assert!(Exceptions::from_toml_on("x", &ten, today()).is_ok());
    let padded = entry("control = \"S3_BUCKET_LOGGING_ENABLED\"\nreason = \"  12345678  \"\nowner = \"o\"\nexpires = \"2027-01-01\"");
    assert!(refused(&padded)[0].contains("under 10 characters"));
}

#[test]
fn expiry_366_days_away_is_accepted_and_367_refused() {
    let at = |date: Date| {
        entry(&format!("control = \"S3_BUCKET_LOGGING_ENABLED\"\nreason = \"Accepted after review\"\nowner = \"o\"\nexpires = \"{date}\""))
    };
    assert!(Exceptions::from_toml_on("x", &at(today().plus_days(366)), today()).is_ok());
    let messages = refused(&at(today().plus_days(367)));
    assert!(
        messages[0]
            .contains("expires: 2027-12-04 is 367 days away, more than 366 (latest 2027-12-03)"),
        "{messages:?}"
    );
}

#[test]
fn every_bad_entry_is_refused_with_its_message() {
    let cases: Vec<(String, &str)> = vec![
        (entry("control = \"S3_BUCKET_LOGGING_ENABLED\"\nreason = \"Accepted after review\"\nexpires = \"2027-06-30\""), "owner: missing"),
        (entry("control = \"S3_BUCKET_LOGGING_ENABLED\"\nreason = \"Accepted after review\"\nowner = \"  \"\nexpires = \"2027-06-30\""), "owner: missing"),
        (entry("control = \"S3_BUCKET_LOGGING_ENABLED\"\nowner = \"o\"\nexpires = \"2027-06-30\""), "reason: missing"),
        (entry("control = \"S3_BUCKET_LOGGING_ENABLED\"\nreason = \"Accepted after review\"\nowner = \"o\""), "expires: missing"),
        (entry(&format!("control = \"S3_BUCKET_LOGGING_ENABLED\"\n{}", REST.replace("2027-06-30", "2027-02-29"))), "expires: \"2027-02-29\" is not a date"),
        (entry(&format!("control = \"S3_BUCKET_LOGGING_ENABLED\"\n{}", REST.replace("2027-06-30", "30/06/2027"))), "is not a date of the form YYYY-MM-DD"),
        (entry(REST), "control: missing"),
        (entry(&format!("control = \"NOT_A_CONTROL\"\n{REST}")), "control: \"NOT_A_CONTROL\" is not a control id of the catalog"),
        (entry(&format!("control = \"NOPE_*\"\n{REST}")), "the glob \"NOPE_*\" matches no control"),
        (entry(&format!("control = \"S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED\"\n{REST}")), "S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED cannot be excepted"),
        (entry(&format!("control = \"CLOUD_TRAIL_ENABLED\"\n{REST}")), "CLOUD_TRAIL_ENABLED cannot be excepted"),
        (entry(&format!("control = \"RDS_INSTANCE_PUBLIC_ACCESS_CHECK\"\n{REST}")), "RDS_INSTANCE_PUBLIC_ACCESS_CHECK cannot be excepted"),
        (entry(&format!("control = \"S3_*\"\n{REST}")), "the glob \"S3_*\" covers S3_DEFAULT_ENCRYPTION_KMS"),
        (entry(&format!("control = \"*\"\n{REST}")), "cannot be excepted"),
        (entry(&format!("control = \"S3_BUCKET_LOGGING_ENABLED\"\naccount = \"12345678901\"\n{REST}")), "account: \"12345678901\" is not a 12-digit account id"),
        (entry(&format!("control = \"S3_BUCKET_LOGGING_ENABLED\"\nregions = []\n{REST}")), "regions: an empty list matches nothing"),
        (entry(&format!("control = \"S3_BUCKET_LOGGING_ENABLED\"\nregions = [\"US East\"]\n{REST}")), "regions: \"US East\" is not a region name"),
        (entry(&format!("control = \"S3_BUCKET_LOGGING_ENABLED\"\nresource = \"\"\n{REST}")), "resource: \"\" is not an ARN"),
        (entry(&format!("control = \"S3_BUCKET_LOGGING_ENABLED\"\nresources = \"arn:aws:s3:::x\"\n{REST}")), "unknown field `resources`"),
        (entry(&format!("control = \"S3_BUCKET_LOGGING_ENABLED\"\n{REST}\nexpires = \"2027-01-01\"")), "duplicate key"),
        ("[[exceptions]]\ncontrol = \"S3_BUCKET_LOGGING_ENABLED\"\n".to_string(), "unknown field `exceptions`"),
        (entry("control = \"S3_BUCKET_LOGGING_ENABLED\"\nreason = 42\nowner = \"o\"\nexpires = \"2027-06-30\""), "invalid type"),
        (entry("control = \"S3_BUCKET_LOGGING_ENABLED\"\nreason = \"unterminated"), "toml:"),
    ];
    assert!(cases.len() >= 12);
    for (text, expected) in &cases {
        let messages = refused(text);
        assert!(
            messages.iter().any(|m| m.contains(expected)),
            "expected {expected:?} in {messages:?} for\n{text}"
        );
        assert!(
            messages.iter().all(|m| m.contains("line ")),
            "no line in {messages:?}"
        );
    }
}

#[test]
fn refusals_name_the_entry_and_its_header_line() {
    let text = format!("{GOOD}\n[[exception]]\ncontrol = \"KMS_CMK_NOT_SCHEDULED_FOR_DELETION\"\nreason = \"short\"\nowner = \"o\"\nexpires = \"2027-01-01\"\n");
    let messages = refused(&text);
    assert_eq!(messages.len(), 1);
    assert!(
        messages[0].starts_with("entry 2 (line 11): reason:"),
        "{messages:?}"
    );
    // A parse error deep in the second entry names the second entry too.
    let text = format!(
        "{GOOD}\n[[exception]]\ncontrol = \"KMS_CMK_NOT_SCHEDULED_FOR_DELETION\"\nowner = 7\n"
    );
    let messages = refused(&text);
    assert!(
        messages[0].starts_with("entry 2 (line 13): toml:"),
        "{messages:?}"
    );
}

#[test]
fn a_toml_date_is_accepted_like_a_quoted_one() {
    let text = entry("control = \"S3_BUCKET_LOGGING_ENABLED\"\nreason = \"Accepted after review\"\nowner = \"o\"\nexpires = 2027-06-30");
    assert!(Exceptions::from_toml_on("x", &text, today()).is_ok());
}

#[test]
fn the_builder_refuses_like_the_file() {
    let refused = Exceptions::builder()
        .today(today())
        .exception(ExceptionSpec::new(
            "CLOUD_TRAIL_ENABLED",
            "Accepted after review",
            "o",
            "2027-01-01",
        ))
        .build();
    match refused {
        Err(error) => assert!(
            error
                .to_string()
                .contains("entry 1: control: CLOUD_TRAIL_ENABLED cannot be excepted"),
            "{error}"
        ),
        Ok(_) => panic!("accepted a non-exceptable control"),
    }
}

#[test]
fn matching_needs_every_condition() {
    let exceptions = Exceptions::builder()
        .today(today())
        .exception(
            ExceptionSpec::new(
                "S3_BUCKET_LOGGING_ENABLED",
                "Accepted after review",
                "o",
                "2027-01-01",
            )
            .resource("arn:aws:s3:::acme-*")
            .account("123456789012")
            .regions(["us-east-1"]),
        )
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let exception = exceptions
        .entries()
        .first()
        .cloned()
        .unwrap_or_else(|| panic!("no entry"));
    let hit = finding(
        ControlId::S3BucketLoggingEnabled,
        Status::Fail,
        "arn:aws:s3:::acme-logs",
    );
    assert!(exception.matches(&hit));
    let other_control = finding(
        ControlId::S3BucketVersioningEnabled,
        Status::Fail,
        "arn:aws:s3:::acme-logs",
    );
    assert!(!exception.matches(&other_control));
    let other_resource = finding(
        ControlId::S3BucketLoggingEnabled,
        Status::Fail,
        "arn:aws:s3:::acmelogs",
    );
    assert!(!exception.matches(&other_resource));
    let mut other_account = hit.clone();
    other_account.account_id = "123456789013".to_string();
    assert!(!exception.matches(&other_account));
    let mut other_region = hit.clone();
    other_region.region = "us-west-2".to_string();
    assert!(!exception.matches(&other_region));
}

#[test]
fn tags_must_all_match_the_resource_tags() {
    let exceptions = Exceptions::builder()
        .today(today())
        .exception(
            ExceptionSpec::new(
                "S3_BUCKET_LOGGING_ENABLED",
                "Accepted after review",
                "o",
                "2027-01-01",
            )
            .tag("team", "platform")
            .tag("env", "dev"),
        )
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let exception = exceptions
        .entries()
        .first()
        .cloned()
        .unwrap_or_else(|| panic!("no entry"));
    let mut tagged = finding(
        ControlId::S3BucketLoggingEnabled,
        Status::Fail,
        "arn:aws:s3:::a",
    );
    assert!(!exception.matches(&tagged), "untagged finding matched");
    tagged.tags.insert("team".into(), "platform".into());
    assert!(!exception.matches(&tagged), "one of two tags matched");
    tagged.tags.insert("env".into(), "prod".into());
    assert!(!exception.matches(&tagged), "a wrong value matched");
    tagged.tags.insert("env".into(), "dev".into());
    assert!(exception.matches(&tagged));
}

#[test]
fn applies_to_failures_only_keeps_the_status_and_reports_expired_and_stale() {
    let spec = |control: &str, expires: &str| {
        ExceptionSpec::new(control, "Accepted after review", "owner@acme", expires)
    };
    let exceptions = Exceptions::builder()
        .today(today())
        .exception(spec("S3_BUCKET_LOGGING_ENABLED", "2026-12-02")) // last day today: applies
        .exception(spec("S3_BUCKET_VERSIONING_ENABLED", "2026-12-01")) // expired yesterday
        .exception(spec("KMS_CMK_NOT_SCHEDULED_FOR_DELETION", "2027-01-01")) // matches nothing
        .exception(spec("S3_EVENT_NOTIFICATIONS_ENABLED", "2027-01-01")) // matches an error only
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let mut audit = report(vec![
        finding(
            ControlId::S3BucketLoggingEnabled,
            Status::Fail,
            "arn:aws:s3:::a",
        ),
        finding(
            ControlId::S3BucketLoggingEnabled,
            Status::Pass,
            "arn:aws:s3:::b",
        ),
        finding(
            ControlId::S3BucketVersioningEnabled,
            Status::Fail,
            "arn:aws:s3:::a",
        ),
        finding(
            ControlId::S3EventNotificationsEnabled,
            Status::Error,
            "arn:aws:s3:::a",
        ),
    ]);
    exceptions.apply(&mut audit);
    let statuses: Vec<(Status, bool)> = audit
        .findings()
        .map(|f| (f.status, f.exception.is_some()))
        .collect();
    assert_eq!(
        statuses,
        vec![
            (Status::Fail, true),
            (Status::Pass, false),
            (Status::Fail, false),
            (Status::Error, false)
        ]
    );
    let summary = audit
        .exceptions
        .clone()
        .unwrap_or_else(|| panic!("no summary"));
    let states: Vec<(ExceptionState, usize)> = summary
        .entries
        .iter()
        .map(|e| (e.state, e.findings))
        .collect();
    assert_eq!(
        states,
        vec![
            (ExceptionState::Applied, 1),
            (ExceptionState::Expired, 1),
            (ExceptionState::Stale, 0),
            (ExceptionState::Stale, 0)
        ]
    );
    assert_eq!(
        audit.counted().count(),
        2,
        "the expired one and the error still count"
    );
    assert!(audit.gates(crate::audit::FailOn::Fail));
    assert!(audit.gates(crate::audit::FailOn::Error));
    assert!(!audit.gates(crate::audit::FailOn::Never));
}
