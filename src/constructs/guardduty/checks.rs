//! The controls that judge a GuardDuty detector, on a spec or on what GuardDuty returns. They
//! work on any account's detector, not only one this library made.

use crate::controls::{Check, ControlId, Status};

use super::state::DetectorState;

/// The finding publishing frequency HIPAA incident response is held to here.
pub const FIFTEEN_MINUTES: &str = "FIFTEEN_MINUTES";

/// The controls [`evaluate_detector`] judges (see `crate::controls::coverage`).
pub const EVALUATE_DETECTOR_COVERS: &[ControlId] = &[
    ControlId::GuardDutyEnabledCentralized,
    ControlId::GuardDutyFindingsEvery15Minutes,
    ControlId::GuardDutyS3Protection,
];

/// Judges a detector: enabled, publishing findings every 15 minutes, S3 Protection on, and each
/// feature of `features` (GuardDuty feature names such as `RDS_LOGIN_EVENTS`) on.
pub fn evaluate_detector(state: &DetectorState, features: &[&str]) -> Vec<Check> {
    let mut checks = vec![
        Check::require(
            ControlId::GuardDutyEnabledCentralized,
            "status",
            state.status == "ENABLED",
            format!("detector {} is enabled", state.detector_id),
            format!("detector {} is {}", state.detector_id, state.status),
        ),
        Check::require(
            ControlId::GuardDutyFindingsEvery15Minutes,
            "finding_publishing_frequency",
            state.finding_publishing_frequency == FIFTEEN_MINUTES,
            "updated findings are published every 15 minutes",
            format!(
                "updated findings are published only every {}",
                state.finding_publishing_frequency
            ),
        ),
    ];
    checks.push(match state.s3_data_events.as_deref() {
        None => Check {
            control: ControlId::GuardDutyS3Protection,
            setting: "features.S3_DATA_EVENTS".to_string(),
            status: Status::Error,
            reason:
                "GuardDuty reported neither the S3_DATA_EVENTS feature nor the S3 logs data source"
                    .to_string(),
        },
        Some(status) => Check::require(
            ControlId::GuardDutyS3Protection,
            "features.S3_DATA_EVENTS",
            status == "ENABLED",
            "S3 Protection watches S3 data events",
            format!("S3 Protection is {status}"),
        ),
    });
    for feature in features {
        let status = state.features.get(*feature).map(String::as_str);
        checks.push(Check::require(
            ControlId::GuardDutyEnabledCentralized,
            format!("features.{feature}"),
            status == Some("ENABLED"),
            format!("{feature} protection is on"),
            format!(
                "{feature} protection is {}",
                status.unwrap_or("not reported")
            ),
        ));
    }
    checks
}

/// The controls [`detector_absent`] judges (see `crate::controls::coverage`).
pub const DETECTOR_ABSENT_COVERS: &[ControlId] = &[ControlId::GuardDutyEnabledCentralized];

/// The checks of a region without a GuardDuty detector.
pub fn detector_absent() -> Vec<Check> {
    vec![Check::require(
        ControlId::GuardDutyEnabledCentralized,
        "status",
        false,
        "",
        "the region has no GuardDuty detector",
    )]
}

/// One non-archived GuardDuty finding, as its age and severity matter to
/// [`evaluate_findings`].
#[derive(Debug, Clone, PartialEq)]
pub struct OpenFinding {
    /// The finding id.
    pub id: String,
    /// When it was created, in seconds since the epoch (`None`: not reported or unparsable).
    pub created_secs: Option<i64>,
    /// Its severity (GuardDuty: high 7.0 to 8.9, medium 4.0 to 6.9, low 1.0 to 3.9).
    pub severity: f64,
}

/// The days a non-archived finding of this severity may stay open (the 2021 pack's
/// `daysHighSev` = 1, `daysMediumSev` = 7, `daysLowSev` = 30).
pub fn allowed_days(severity: f64) -> i64 {
    if severity >= 7.0 {
        1
    } else if severity >= 4.0 {
        7
    } else {
        30
    }
}

/// The controls [`evaluate_findings`] judges (see `crate::controls::coverage`).
pub const EVALUATE_FINDINGS_COVERS: &[ControlId] = &[ControlId::GuardDutyNonArchivedFindings];

/// Judges the detector's non-archived findings at `now_secs`: none may be older than its
/// severity allows. A finding whose age is unknown is an error (it may be long past its
/// limit), unless another finding already fails.
pub fn evaluate_findings(findings: &[OpenFinding], now_secs: i64) -> Check {
    let mut stale = Vec::new();
    let mut unknown = Vec::new();
    for finding in findings {
        let limit = allowed_days(finding.severity).saturating_mul(86_400);
        match finding.created_secs {
            Some(created) if now_secs.saturating_sub(created) > limit => {
                stale.push(finding.id.clone())
            }
            Some(_) => {}
            None => unknown.push(finding.id.clone()),
        }
    }
    if stale.is_empty() && !unknown.is_empty() {
        return Check {
            control: ControlId::GuardDutyNonArchivedFindings,
            setting: "findings".to_string(),
            status: Status::Error,
            reason: format!(
                "the creation time of {} non-archived findings could not be read: {}",
                unknown.len(),
                unknown.join(", ")
            ),
        };
    }
    Check::require(
        ControlId::GuardDutyNonArchivedFindings,
        "findings",
        stale.is_empty(),
        "no non-archived finding is older than its severity's limit (high 1, medium 7, low 30 days)",
        format!(
            "{} non-archived findings past their limit: {}",
            stale.len(),
            stale.join(", ")
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn each_weakened_setting_fails_its_own_control() {
        let good = DetectorState {
            detector_id: "d".to_string(),
            status: "ENABLED".to_string(),
            finding_publishing_frequency: FIFTEEN_MINUTES.to_string(),
            s3_data_events: Some("ENABLED".to_string()),
            features: BTreeMap::from([("RDS_LOGIN_EVENTS".to_string(), "ENABLED".to_string())]),
            tags: BTreeMap::new(),
        };
        assert!(evaluate_detector(&good, &["RDS_LOGIN_EVENTS"])
            .iter()
            .all(|c| c.status == Status::Pass));
        let weak = DetectorState {
            status: "DISABLED".to_string(),
            finding_publishing_frequency: "SIX_HOURS".to_string(),
            s3_data_events: Some("DISABLED".to_string()),
            features: BTreeMap::new(),
            ..good.clone()
        };
        let failed: Vec<ControlId> = evaluate_detector(&weak, &["RDS_LOGIN_EVENTS"])
            .iter()
            .filter(|c| c.failed())
            .map(|c| c.control)
            .collect();
        assert_eq!(
            failed,
            vec![
                ControlId::GuardDutyEnabledCentralized,
                ControlId::GuardDutyFindingsEvery15Minutes,
                ControlId::GuardDutyS3Protection,
                ControlId::GuardDutyEnabledCentralized,
            ]
        );
        let unreported = DetectorState {
            s3_data_events: None,
            ..good
        };
        assert!(evaluate_detector(&unreported, &[])
            .iter()
            .any(|c| c.status == Status::Error));
    }
}
