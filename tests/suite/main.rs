//! The one integration-test binary: every module shares the local endpoint that `support`
//! starts on first use.

mod support;

mod audit;
mod audit_guide;
mod audit_logging;
mod audit_network;
mod backup;
#[cfg(feature = "browser-test")]
mod browser;
mod build_refusals;
mod cli;
mod compile_fail;
mod conformance;
mod database;
mod doors;
mod edge_boundaries;
mod engine;
mod foundation;
mod governance;
mod guardrails;
mod identity;
mod local_endpoint;
mod policy_boundaries;
mod replication;
mod safety;
mod vpc;
