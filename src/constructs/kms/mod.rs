//! AWS KMS: [`HipaaKey`], a customer-managed symmetric key that always rotates.

mod checks;
mod key;
mod key_policy;
pub(crate) mod live;

pub use checks::{evaluate_key, evaluate_key_for_audit};
pub use key::{HipaaKey, HipaaKeyBuilder, HipaaKeyProps, KeyState};
pub use key_policy::{base_key_policy, ADMIN_ACTIONS, IAM_DELEGATED_USE_ACTIONS};
pub use live::{read_key_policy, read_key_state};

use crate::controls::coverage::Evaluator;

/// The evaluators of this module and the controls each judges (see
/// [`crate::controls::coverage`]).
pub(crate) const EVALUATORS: &[Evaluator] = &[
    Evaluator {
        name: "constructs::kms::evaluate_key",
        covers: checks::EVALUATE_KEY_COVERS,
    },
    Evaluator {
        name: "constructs::kms::evaluate_key_for_audit",
        covers: checks::EVALUATE_KEY_FOR_AUDIT_COVERS,
    },
    Evaluator {
        name: "constructs::kms::HipaaKey::build",
        covers: key::KEY_PROPS_COVERS,
    },
];

/// The types of this module most programs need; re-exported at the crate root and in
/// [`crate::prelude`].
pub mod prelude {
    pub use super::HipaaKey;
}
