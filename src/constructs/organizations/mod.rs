//! AWS Organizations: [`OrganizationGuardrails`], one service control policy that keeps every
//! member account's audit and protection controls on (CloudTrail, Config, GuardDuty, Security
//! Hub, flow logs, EBS default encryption, S3 Block Public Access, membership), exempting one
//! break-glass role. The control ([`evaluate_guardrails`]) judges any set of policies in force.

mod checks;
mod guardrails;
mod live;

pub use checks::{
    evaluate_allow_list, evaluate_attachment, evaluate_guardrails, Guardrail, GuardrailsState,
    EVALUATE_ALLOW_LIST_COVERS, EVALUATE_ATTACHMENT_COVERS, EVALUATE_GUARDRAILS_COVERS,
    LIBRARY_SERVICES,
};
pub use guardrails::{
    OrganizationGuardrails, OrganizationGuardrailsBuilder, OrganizationGuardrailsProps,
    ALLOW_LIST_SID, GUARDRAILS_KIND, MAX_SCP_CHARS,
};
pub use live::{list_scps, read_guardrails, read_scp_document, read_scp_targets, PolicyEntry};

use crate::controls::coverage::Evaluator;

/// The evaluators of this module and the controls each judges (see
/// [`crate::controls::coverage`]).
pub(crate) const EVALUATORS: &[Evaluator] = &[
    Evaluator {
        name: "constructs::organizations::evaluate_guardrails",
        covers: checks::EVALUATE_GUARDRAILS_COVERS,
    },
    Evaluator {
        name: "constructs::organizations::evaluate_allow_list",
        covers: checks::EVALUATE_ALLOW_LIST_COVERS,
    },
    Evaluator {
        name: "constructs::organizations::evaluate_attachment",
        covers: checks::EVALUATE_ATTACHMENT_COVERS,
    },
];

/// The types of this module most programs need; re-exported at the crate root and in
/// [`crate::prelude`].
pub mod prelude {
    pub use super::{Guardrail, OrganizationGuardrails};
}
