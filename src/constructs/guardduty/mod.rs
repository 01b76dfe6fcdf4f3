//! Amazon GuardDuty: [`ThreatDetection`], the region's detector, enabled, publishing findings
//! every 15 minutes, with S3 Protection on.

mod checks;
mod detector;
mod live;
mod state;

use crate::construct::ResourceKind;

pub use checks::{
    allowed_days, detector_absent, evaluate_detector, evaluate_findings, OpenFinding,
    FIFTEEN_MINUTES,
};
pub use detector::{
    GuardDutyProtection, ThreatDetection, ThreatDetectionBuilder, ThreatDetectionProps,
};
pub use live::read_detector;
pub use state::{DetectorState, S3_DATA_EVENTS};

/// The GuardDuty detector of an account and region.
pub const GUARDDUTY_DETECTOR: ResourceKind = ResourceKind::construct(
    "AWS::GuardDuty::Detector",
    "guardduty detector",
    "guardduty-detector",
);

use crate::controls::coverage::Evaluator;

/// The evaluators of this module and the controls each judges (see
/// [`crate::controls::coverage`]).
pub(crate) const EVALUATORS: &[Evaluator] = &[
    Evaluator {
        name: "constructs::guardduty::detector_absent",
        covers: checks::DETECTOR_ABSENT_COVERS,
    },
    Evaluator {
        name: "constructs::guardduty::evaluate_detector",
        covers: checks::EVALUATE_DETECTOR_COVERS,
    },
    Evaluator {
        name: "constructs::guardduty::evaluate_findings",
        covers: checks::EVALUATE_FINDINGS_COVERS,
    },
];

/// The types of this module most programs need; re-exported at the crate root and in
/// [`crate::prelude`].
pub mod prelude {
    pub use super::{GuardDutyProtection, ThreatDetection};
}
