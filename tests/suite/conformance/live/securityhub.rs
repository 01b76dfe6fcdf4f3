//! Security Hub live cases: a hub enabled by hand with its default standards (the
//! foundational practices and CIS 1.2) judged by its account's audit, and the library's hub in
//! a second account with CIS unsubscribed behind its back (one of the two standards left),
//! judged by one verify and by that account's audit.
//!
//! What the local endpoint cannot represent: moto serves no standards calls (the endpoint's
//! compatibility layer emulates them, `src/local/endpoint/emulations.py`), and a standard
//! never stays `INCOMPLETE` or `FAILED` there, so those states are the pure cases' and the
//! recorded responses' of `governance::recorded`.

use hipaa_aws::construct::LogicalId;
use hipaa_aws::controls::Service;
use hipaa_aws::prelude::*;
use hipaa_aws::{Check, ControlId as C, Status};

use super::{audit, found, of_id, Case, Path};
use crate::support::{account, TestAccount};

const F: &str = "securityhub";

async fn by_hand(account: &TestAccount) {
    aws_sdk_securityhub::Client::new(&account.sdk_config)
        .enable_security_hub()
        .send()
        .await
        .expect("hub with the default standards");
}

/// The library's hub, verified, CIS unsubscribed by hand, verified again.
async fn library(account: &TestAccount) -> (Vec<Check>, Vec<Check>) {
    let env = &account.env;
    let stack = Stack::builder("conformance-securityhub")
        .with(SecurityHub::builder().build().expect("hub"))
        .build()
        .expect("stack");
    stack.apply(env).await.expect("apply");
    let before = stack.verify(env).await.expect("verify");
    let hub = aws_sdk_securityhub::Client::new(&account.sdk_config);
    let cis = hub
        .get_enabled_standards()
        .send()
        .await
        .expect("standards")
        .standards_subscriptions()
        .iter()
        .find(|s| {
            s.standards_arn()
                .is_some_and(|arn| arn.contains("cis-aws-foundations-benchmark"))
        })
        .and_then(|s| s.standards_subscription_arn())
        .map(str::to_string)
        .expect("the CIS subscription");
    hub.batch_disable_standards()
        .standards_subscription_arns(cis)
        .send()
        .await
        .expect("unsubscribe CIS (emulated)");
    let after = stack.verify(env).await.expect("verify");
    let id = LogicalId::new("security-hub", "default");
    (of_id(&before, &id), of_id(&after, &id))
}

/// The findings on the region's hub (its ARN holds `:hub/`).
fn hub_findings(report: &hipaa_aws::audit::AuditReport) -> Vec<Check> {
    let arn = report
        .findings()
        .find(|f| f.control == C::SecurityHubEnabled && f.resource_arn.contains(":hub/"))
        .map(|f| f.resource_arn.clone())
        .unwrap_or_default();
    found(report, &arn)
}

pub(super) async fn family() -> Vec<Case> {
    let (hand, lib) = tokio::join!(account(), account());
    let ((), (before, after)) = tokio::join!(by_hand(&hand), library(&lib));
    let (hand_report, lib_report) = tokio::join!(
        audit(&hand.env, &[Service::SecurityHub]),
        audit(&lib.env, &[Service::SecurityHub])
    );
    let (on, half) = (hub_findings(&hand_report), hub_findings(&lib_report));
    let audit_case = |name: &str, control, expected, checks: &Vec<Check>| {
        Case::live(F, Path::Audit, name, control, expected, checks.clone())
    };
    let verify_case = |name: &str, control, expected, checks: &Vec<Check>| {
        Case::live(F, Path::Verify, name, control, expected, checks.clone())
    };
    use Status::{Fail, Pass};
    vec![
        audit_case("audit: hub enabled", C::SecurityHubEnabled, Pass, &on),
        audit_case(
            "audit: foundational practices and CIS 1.2",
            C::SecurityHubStandardsSubscribed,
            Pass,
            &on,
        ),
        audit_case(
            "audit: foundational practices without CIS",
            C::SecurityHubStandardsSubscribed,
            Fail,
            &half,
        )
        .edge(),
        audit_case(
            "audit: hub kept enabled",
            C::SecurityHubEnabled,
            Pass,
            &half,
        ),
        verify_case(
            "verify: both standards as applied",
            C::SecurityHubStandardsSubscribed,
            Pass,
            &before,
        ),
        verify_case(
            "verify: CIS unsubscribed behind the library",
            C::SecurityHubStandardsSubscribed,
            Fail,
            &after,
        )
        .edge(),
        verify_case(
            "verify: hub enabled as applied",
            C::SecurityHubEnabled,
            Pass,
            &before,
        ),
    ]
}
