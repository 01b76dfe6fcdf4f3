//! The controls that judge a GuardDuty detector, on a spec or on what GuardDuty returns. They
//! work on any account's detector, not only one this library made.

use crate::controls::{Check, ControlId, Status};

use super::state::DetectorState;

/// The finding publishing frequency HIPAA incident response is held to here.
pub const FIFTEEN_MINUTES: &str = "FIFTEEN_MINUTES";

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
