//! AWS Security Hub: [`SecurityHub`], enabled with the AWS Foundational Security Best
//! Practices and the CIS AWS Foundations Benchmark standards.

mod checks;
mod hub;
mod live;
mod standards;
mod state;

use crate::construct::ResourceKind;

pub use checks::{evaluate_security_hub, security_hub_absent};
pub use hub::{SecurityHub, SecurityHubBuilder, SecurityHubProps};
pub use live::read_security_hub;
pub use standards::{standard_key, CisVersion, Standard};
pub use state::{SecurityHubState, StandardSubscription, StandardsView, SUBSCRIBED};

/// The Security Hub hub of an account and region.
pub const SECURITY_HUB: ResourceKind =
    ResourceKind::construct("AWS::SecurityHub::Hub", "security hub", "security-hub");

use crate::controls::coverage::Evaluator;

/// The evaluators of this module and the controls each judges (see
/// [`crate::controls::coverage`]).
pub(crate) const EVALUATORS: &[Evaluator] = &[
    Evaluator {
        name: "constructs::securityhub::security_hub_absent",
        covers: checks::SECURITY_HUB_ABSENT_COVERS,
    },
    Evaluator {
        name: "constructs::securityhub::evaluate_security_hub",
        covers: checks::EVALUATE_SECURITY_HUB_COVERS,
    },
];

/// The types of this module most programs need; re-exported at the crate root and in
/// [`crate::prelude`].
pub mod prelude {
    pub use super::{CisVersion, SecurityHub};
}
