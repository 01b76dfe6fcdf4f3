//! The controls that judge Security Hub, on a spec or on what Security Hub returns. They work
//! on any account's hub, not only one this library enabled.

use crate::controls::{Check, ControlId, Status};

use super::standards::Standard;
use super::state::{SecurityHubState, StandardsView};

/// The controls [`evaluate_security_hub`] judges (see `crate::controls::coverage`).
pub const EVALUATE_SECURITY_HUB_COVERS: &[ControlId] = &[
    ControlId::SecurityHubEnabled,
    ControlId::SecurityHubStandardsSubscribed,
];

/// Judges an enabled hub: it is enabled, and each of `standards` is subscribed. A standard that
/// could not be read is an error, never a pass.
pub fn evaluate_security_hub(state: &SecurityHubState, standards: &[Standard]) -> Vec<Check> {
    let mut checks = vec![Check::require(
        ControlId::SecurityHubEnabled,
        "enabled",
        true,
        match &state.subscribed_at {
            Some(at) => format!("Security Hub is enabled (since {at})"),
            None => "Security Hub is enabled".to_string(),
        },
        "",
    )];
    for standard in standards {
        let setting = format!("standards.{}", standard.key());
        checks.push(match &state.standards {
            StandardsView::Unreadable(error) => Check {
                control: ControlId::SecurityHubStandardsSubscribed,
                setting,
                status: Status::Error,
                reason: format!("the subscription to {standard} could not be read: {error}"),
            },
            StandardsView::Read(subscriptions) => {
                let found = subscriptions
                    .values()
                    .find(|s| standard.matches(&s.standards_arn));
                Check::require(
                    ControlId::SecurityHubStandardsSubscribed,
                    setting,
                    found.is_some_and(|s| s.is_subscribed()),
                    match found.map(|s| s.status.as_str()) {
                        Some("PENDING") => {
                            format!("{standard} is subscribed (controls being enabled)")
                        }
                        _ => format!("{standard} is subscribed"),
                    },
                    match found {
                        None => format!("{standard} is not subscribed"),
                        Some(s) => format!(
                            "{standard} is {}{}",
                            s.status,
                            s.status_reason
                                .as_deref()
                                .map(|reason| format!(" ({reason})"))
                                .unwrap_or_default()
                        ),
                    },
                )
            }
        });
    }
    checks
}

/// The controls [`security_hub_absent`] judges (see `crate::controls::coverage`).
pub const SECURITY_HUB_ABSENT_COVERS: &[ControlId] = &[
    ControlId::SecurityHubEnabled,
    ControlId::SecurityHubStandardsSubscribed,
];

/// The checks of an account and region where Security Hub is not enabled.
pub fn security_hub_absent(standards: &[Standard]) -> Vec<Check> {
    let mut checks = vec![Check::require(
        ControlId::SecurityHubEnabled,
        "enabled",
        false,
        "",
        "Security Hub is not enabled",
    )];
    checks.extend(standards.iter().map(|standard| {
        Check::require(
            ControlId::SecurityHubStandardsSubscribed,
            format!("standards.{}", standard.key()),
            false,
            "",
            format!("{standard} is not subscribed: Security Hub is not enabled"),
        )
    }));
    checks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::constructs::securityhub::standards::CisVersion;
    use crate::constructs::securityhub::state::StandardSubscription;
    use std::collections::BTreeMap;

    fn hub(statuses: &[(Standard, &str)]) -> SecurityHubState {
        SecurityHubState {
            hub_arn: None,
            subscribed_at: None,
            standards: StandardsView::Read(
                statuses
                    .iter()
                    .map(|(standard, status)| {
                        (
                            standard.key(),
                            StandardSubscription {
                                standards_arn: standard.arn("aws", "us-east-1"),
                                subscription_arn: None,
                                status: status.to_string(),
                                status_reason: None,
                            },
                        )
                    })
                    .collect::<BTreeMap<_, _>>(),
            ),
            tags: BTreeMap::new(),
        }
    }

    #[test]
    fn ready_and_pending_pass_other_statuses_fail_unreadable_is_an_error() {
        let required = Standard::required(CisVersion::V3_0_0);
        let statuses = |state: &SecurityHubState| -> Vec<Status> {
            evaluate_security_hub(state, &required)
                .into_iter()
                .map(|c| c.status)
                .collect()
        };
        assert_eq!(
            statuses(&hub(&[(required[0], "READY"), (required[1], "PENDING")])),
            vec![Status::Pass, Status::Pass, Status::Pass]
        );
        assert_eq!(
            statuses(&hub(&[(required[0], "INCOMPLETE")])),
            vec![Status::Pass, Status::Fail, Status::Fail]
        );
        let mut unreadable = hub(&[]);
        unreadable.standards = StandardsView::Unreadable("404".to_string());
        assert_eq!(
            statuses(&unreadable),
            vec![Status::Pass, Status::Error, Status::Error]
        );
        // Another CIS version does not stand in for the one asked for.
        let older = Standard::CisAwsFoundations(CisVersion::V1_2_0);
        assert_eq!(
            statuses(&hub(&[(required[0], "READY"), (older, "READY")])),
            vec![Status::Pass, Status::Pass, Status::Fail]
        );
    }
}
