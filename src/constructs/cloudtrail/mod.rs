//! AWS CloudTrail: [`AuditTrail`], the multi-region, validated, encrypted trail delivered to a
//! [`LogBucket`](crate::LogBucket) and an [`EncryptedLogGroup`](crate::EncryptedLogGroup). The
//! controls ([`evaluate_trail`], [`evaluate_delivery_role`]) and the reader
//! ([`read_trail_state`]) work on any trail of an account.

mod checks;
mod live;
mod policies;
mod selectors;
mod state;
mod trail;

pub use checks::{
    evaluate_account_trails, evaluate_delivery_role, evaluate_trail, trail_name_problem,
    TrailExpectations,
};
pub use live::{all_buckets_value, describe_trails, read_trail_state};
pub use policies::{trail_bucket_statements, trail_key_statements, CLOUDTRAIL_SERVICE};
pub use selectors::{
    covers_all_buckets, covers_bucket, management_events_recorded, selector_coverage,
    SelectorCoverage,
};
pub use state::{
    AdvancedEventSelector, AuditTrailState, BasicEventSelector, DataResourceSelector,
    EventSelectors, FieldSelector, TrailState,
};
pub use trail::{AuditTrail, AuditTrailBuilder, AuditTrailProps, S3DataEvents, TRAIL_KIND};

use crate::controls::coverage::Evaluator;

/// The evaluators of this module and the controls each judges (see
/// [`crate::controls::coverage`]).
pub(crate) const EVALUATORS: &[Evaluator] = &[
    Evaluator {
        name: "constructs::cloudtrail::evaluate_account_trails",
        covers: checks::EVALUATE_ACCOUNT_TRAILS_COVERS,
    },
    Evaluator {
        name: "constructs::cloudtrail::evaluate_trail",
        covers: checks::EVALUATE_TRAIL_COVERS,
    },
    Evaluator {
        name: "constructs::cloudtrail::evaluate_delivery_role",
        covers: checks::EVALUATE_DELIVERY_ROLE_COVERS,
    },
    Evaluator {
        name: "constructs::cloudtrail::trail_name_problem",
        covers: checks::TRAIL_NAME_PROBLEM_COVERS,
    },
];

/// The types of this module most programs need; re-exported at the crate root and in
/// [`crate::prelude`].
pub mod prelude {
    pub use super::{AuditTrail, S3DataEvents};
}
