//! Security Hub: enabled, and the required standards subscribed (read, pending, failed,
//! missing, unreadable).

use std::collections::BTreeMap;

use hipaa_aws::constructs::securityhub::{
    evaluate_security_hub, security_hub_absent, CisVersion, SecurityHubState, Standard,
    StandardSubscription, StandardsView,
};
use hipaa_aws::{ControlId as C, Status};

use super::Case;

const F: &str = "securityhub";

fn hub(statuses: &[(Standard, &str)]) -> SecurityHubState {
    let standards = statuses
        .iter()
        .map(|(standard, status)| {
            let arn = standard.arn("aws", "us-east-1");
            (
                arn.clone(),
                StandardSubscription {
                    standards_arn: arn,
                    subscription_arn: Some(
                        "arn:aws:securityhub:us-east-1:111122223333:subscription/x".into(),
                    ),
                    status: status.to_string(),
                    status_reason: None,
                },
            )
        })
        .collect::<BTreeMap<_, _>>();
    SecurityHubState {
        hub_arn: Some("arn:aws:securityhub:us-east-1:111122223333:hub/default".into()),
        subscribed_at: Some("2026-01-01T00:00:00Z".into()),
        standards: StandardsView::Read(standards),
        tags: BTreeMap::new(),
    }
}

fn judge(name: &str, control: C, expected: Status, state: SecurityHubState) -> Case {
    let required = Standard::required(CisVersion::V3_0_0);
    Case::eval(
        F,
        "constructs::securityhub::evaluate_security_hub",
        name,
        control,
        expected,
        evaluate_security_hub(&state, &required),
    )
}

pub fn cases() -> Vec<Case> {
    use Status::*;
    let [fsbp, cis] = Standard::required(CisVersion::V3_0_0);
    let old_cis = Standard::CisAwsFoundations(CisVersion::V1_2_0);
    vec![
        judge("hub enabled", C::SecurityHubEnabled, Pass, hub(&[])),
        Case::eval(
            F,
            "constructs::securityhub::security_hub_absent",
            "hub not enabled",
            C::SecurityHubEnabled,
            Fail,
            security_hub_absent(&Standard::required(CisVersion::V3_0_0)),
        ),
        Case::eval(
            F,
            "constructs::securityhub::security_hub_absent",
            "hub not enabled: no standard",
            C::SecurityHubStandardsSubscribed,
            Fail,
            security_hub_absent(&Standard::required(CisVersion::V3_0_0)),
        ),
        judge(
            "both standards READY",
            C::SecurityHubStandardsSubscribed,
            Pass,
            hub(&[(fsbp, "READY"), (cis, "READY")]),
        ),
        judge(
            "a standard PENDING",
            C::SecurityHubStandardsSubscribed,
            Pass,
            hub(&[(fsbp, "PENDING"), (cis, "READY")]),
        ),
        judge(
            "CIS missing",
            C::SecurityHubStandardsSubscribed,
            Fail,
            hub(&[(fsbp, "READY")]),
        ),
        judge(
            "an older CIS version only",
            C::SecurityHubStandardsSubscribed,
            Fail,
            hub(&[(fsbp, "READY"), (old_cis, "READY")]),
        )
        .edge(),
        judge(
            "a standard FAILED",
            C::SecurityHubStandardsSubscribed,
            Fail,
            hub(&[(fsbp, "FAILED"), (cis, "READY")]),
        ),
        judge(
            "a standard being deleted",
            C::SecurityHubStandardsSubscribed,
            Fail,
            hub(&[(fsbp, "DELETING"), (cis, "READY")]),
        ),
        judge(
            "no standard",
            C::SecurityHubStandardsSubscribed,
            Fail,
            hub(&[]),
        ),
        judge(
            "subscriptions unreadable",
            C::SecurityHubStandardsSubscribed,
            Error,
            SecurityHubState {
                standards: StandardsView::Unreadable("AccessDenied".into()),
                ..hub(&[])
            },
        ),
    ]
}
