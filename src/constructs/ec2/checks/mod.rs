//! The controls that judge a VPC and its parts, a security group and the account's EBS
//! default, on a spec or on what EC2 returns. Every function works on state read from any
//! resource (the audit reuses them); what only a spec of this library can say (the declared
//! layout) comes in the expectations and is optional.

mod ebs;
mod network_acls;
mod security_groups;
mod subnets_routes;
mod vpc;

pub use ebs::*;
pub use network_acls::*;
pub use security_groups::*;
pub use subnets_routes::*;
pub use vpc::*;

#[cfg(test)]
mod tests;
