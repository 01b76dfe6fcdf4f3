//! Account live cases: the BAA attestation and the environment's tags, judged when the
//! environment is built.

use hipaa_aws::prelude::*;
use hipaa_aws::{ControlId as C, Status};

use super::Case;
use crate::support::account;

/// The BAA attestation and the environment's tags, judged before any call.
pub(super) async fn family() -> Vec<Case> {
    const F: &str = "account";
    let main = account().await;
    let mut cases = Vec::new();
    for (date, expected) in [
        ("2026-01-15", Status::Pass),
        ("2999-01-01", Status::Fail),
        ("2026-02-30", Status::Fail),
        ("15/01/2026", Status::Fail),
        ("", Status::Fail),
    ] {
        let result = Environment::builder(BaaAttestation::executed_on(date))
            .sdk_config(main.sdk_config.clone())
            .build()
            .await;
        cases.push(
            Case::build(
                F,
                format!("BAA executed on {date:?}"),
                C::BaaExecuted,
                expected,
                result,
            )
            .edge(),
        );
    }
    for (key, expected) in [
        ("team", Status::Pass),
        ("aws:owner", Status::Fail),
        ("hipaa-aws:stack", Status::Fail),
    ] {
        let result = Environment::builder(BaaAttestation::executed_on("2026-01-15"))
            .sdk_config(main.sdk_config.clone())
            .tag(key, "x")
            .build()
            .await;
        cases.push(Case::build(
            F,
            format!("environment tag {key:?}"),
            C::ManagedResourceTagged,
            expected,
            result,
        ));
    }
    cases
}
