//! GuardDuty: the detector (enabled, publishing every 15 minutes, S3 Protection, features)
//! and the age of non-archived findings at each severity's limit.

use std::collections::BTreeMap;

use hipaa_aws::constructs::guardduty::{
    detector_absent, evaluate_detector, evaluate_findings, DetectorState, OpenFinding,
};
use hipaa_aws::{ControlId as C, Status};

use super::Case;

const F: &str = "guardduty";
const NOW: i64 = 1_800_000_000;
const DAY: i64 = 86_400;

fn detector() -> DetectorState {
    DetectorState {
        detector_id: "d1".into(),
        status: "ENABLED".into(),
        finding_publishing_frequency: "FIFTEEN_MINUTES".into(),
        s3_data_events: Some("ENABLED".into()),
        features: BTreeMap::from([("EKS_AUDIT_LOGS".to_string(), "ENABLED".to_string())]),
        tags: BTreeMap::new(),
    }
}

fn judge(
    name: &str,
    control: C,
    expected: Status,
    features: &[&str],
    change: impl FnOnce(&mut DetectorState),
) -> Case {
    let mut state = detector();
    change(&mut state);
    Case::eval(
        F,
        "constructs::guardduty::evaluate_detector",
        name,
        control,
        expected,
        evaluate_detector(&state, features),
    )
}

fn findings(name: &str, expected: Status, open: Vec<OpenFinding>) -> Case {
    Case::eval(
        F,
        "constructs::guardduty::evaluate_findings",
        name,
        C::GuardDutyNonArchivedFindings,
        expected,
        vec![evaluate_findings(&open, NOW)],
    )
}

fn finding(severity: f64, age: Option<i64>) -> OpenFinding {
    OpenFinding {
        id: format!("f-{severity}-{age:?}"),
        created_secs: age.map(|age| NOW - age),
        severity,
    }
}

pub fn cases() -> Vec<Case> {
    use Status::*;
    let mut cases = vec![
        judge(
            "detector enabled",
            C::GuardDutyEnabledCentralized,
            Pass,
            &[],
            |_| {},
        ),
        judge(
            "detector suspended",
            C::GuardDutyEnabledCentralized,
            Fail,
            &[],
            |s| s.status = "DISABLED".into(),
        ),
        judge(
            "a required feature on",
            C::GuardDutyEnabledCentralized,
            Pass,
            &["EKS_AUDIT_LOGS"],
            |_| {},
        ),
        judge(
            "a required feature off",
            C::GuardDutyEnabledCentralized,
            Fail,
            &["EKS_AUDIT_LOGS"],
            |s| {
                s.features
                    .insert("EKS_AUDIT_LOGS".into(), "DISABLED".into());
            },
        ),
        judge(
            "a required feature not reported",
            C::GuardDutyEnabledCentralized,
            Fail,
            &["RDS_LOGIN_EVENTS"],
            |_| {},
        ),
        Case::eval(
            F,
            "constructs::guardduty::detector_absent",
            "no detector",
            C::GuardDutyEnabledCentralized,
            Fail,
            detector_absent(),
        ),
        judge(
            "publishes every 15 minutes",
            C::GuardDutyFindingsEvery15Minutes,
            Pass,
            &[],
            |_| {},
        ),
        judge(
            "publishes every hour",
            C::GuardDutyFindingsEvery15Minutes,
            Fail,
            &[],
            |s| s.finding_publishing_frequency = "ONE_HOUR".into(),
        )
        .edge(),
        judge(
            "publishes every 6 hours",
            C::GuardDutyFindingsEvery15Minutes,
            Fail,
            &[],
            |s| s.finding_publishing_frequency = "SIX_HOURS".into(),
        ),
        judge(
            "S3 Protection on",
            C::GuardDutyS3Protection,
            Pass,
            &[],
            |_| {},
        ),
        judge(
            "S3 Protection off",
            C::GuardDutyS3Protection,
            Fail,
            &[],
            |s| s.s3_data_events = Some("DISABLED".into()),
        ),
        judge(
            "S3 Protection not reported",
            C::GuardDutyS3Protection,
            Error,
            &[],
            |s| s.s3_data_events = None,
        ),
        findings("no open finding", Pass, vec![]),
        findings("finding age unknown", Error, vec![finding(8.0, None)]),
        findings(
            "age unknown beside a stale one",
            Fail,
            vec![finding(8.0, None), finding(2.0, Some(31 * DAY))],
        ),
    ];
    for (severity, limit_days) in [(8.0, 1), (7.0, 1), (5.0, 7), (4.0, 7), (2.0, 30), (3.9, 30)] {
        let limit = limit_days * DAY;
        cases.push(
            findings(
                &format!("severity {severity} open exactly {limit_days} days"),
                Pass,
                vec![finding(severity, Some(limit))],
            )
            .edge(),
        );
        cases.push(
            findings(
                &format!("severity {severity} open {limit_days} days and a second"),
                Fail,
                vec![finding(severity, Some(limit + 1))],
            )
            .edge(),
        );
    }
    cases
}
