//! Amazon GuardDuty: [`ThreatDetection`], the region's detector, enabled, publishing findings
//! every 15 minutes, with S3 Protection on.

mod checks;
mod detector;
mod live;
mod state;

use crate::construct::ResourceKind;

pub use checks::{detector_absent, evaluate_detector, FIFTEEN_MINUTES};
pub use detector::{
    GuardDutyProtection, ThreatDetection, ThreatDetectionBuilder, ThreatDetectionProps,
};
pub use live::read_detector;
pub use state::{DetectorState, S3_DATA_EVENTS};

/// The GuardDuty detector of an account and region.
pub const GUARDDUTY_DETECTOR: ResourceKind =
    ResourceKind::new("AWS::GuardDuty::Detector", "guardduty detector");

/// The types of this module most programs need; re-exported at the crate root and in
/// [`crate::prelude`].
pub mod prelude {
    pub use super::{GuardDutyProtection, ThreatDetection};
}
