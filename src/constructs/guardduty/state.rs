//! The settings of a GuardDuty detector that controls judge and plans compare.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::construct::{Setting, State, NOT_REPORTED};

/// The GuardDuty feature name of S3 Protection.
pub const S3_DATA_EVENTS: &str = "S3_DATA_EVENTS";

/// The region's GuardDuty detector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DetectorState {
    /// The detector id.
    pub detector_id: String,
    /// `ENABLED` or `DISABLED`.
    pub status: String,
    /// `FIFTEEN_MINUTES`, `ONE_HOUR` or `SIX_HOURS`.
    pub finding_publishing_frequency: String,
    /// The status of S3 Protection (`ENABLED`/`DISABLED`), from the `S3_DATA_EVENTS` feature or
    /// else the older `DataSources.S3Logs`; `None` when neither is reported.
    pub s3_data_events: Option<String>,
    /// The status of every other feature reported, by name.
    pub features: BTreeMap<String, String>,
    /// The tags the library manages (others are ignored).
    pub tags: BTreeMap<String, String>,
}

impl State for DetectorState {
    fn settings(&self) -> Vec<Setting> {
        let mut settings = vec![
            Setting::new("status", &self.status),
            Setting::new(
                "finding_publishing_frequency",
                &self.finding_publishing_frequency,
            ),
            Setting::new(
                format!("features.{S3_DATA_EVENTS}"),
                self.s3_data_events.as_deref().unwrap_or(NOT_REPORTED),
            ),
        ];
        settings.extend(
            self.features
                .iter()
                .map(|(name, status)| Setting::new(format!("features.{name}"), status)),
        );
        settings.extend(
            self.tags
                .iter()
                .map(|(key, value)| Setting::new(format!("tags.{key}"), value)),
        );
        settings
    }
}
