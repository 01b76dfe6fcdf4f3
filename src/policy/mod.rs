//! IAM policy documents (identity and resource policies) as types, and the questions the
//! controls ask of them.

mod analysis;
mod document;

pub use analysis::{denies_insecure_transport, denies_tls_below, public_access, PublicAccess};
pub use document::{
    Conditions, Effect, PolicyDocument, PolicyParseError, Principal, Statement, POLICY_VERSION,
};
