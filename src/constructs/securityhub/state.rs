//! The settings of a Security Hub hub that controls judge and plans compare.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::construct::{Setting, State};

/// The setting value of a standard that is subscribed (`READY`, or `PENDING` while its controls
/// are being enabled).
pub const SUBSCRIBED: &str = "subscribed";

/// One standards subscription as Security Hub reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StandardSubscription {
    /// The standards ARN.
    pub standards_arn: String,
    /// The subscription ARN.
    pub subscription_arn: Option<String>,
    /// `READY`, `PENDING`, `INCOMPLETE`, `DELETING` or `FAILED`.
    pub status: String,
    /// Why the status is not `READY`, when reported.
    pub status_reason: Option<String>,
}

impl StandardSubscription {
    /// True when the standard is subscribed (`READY`, or `PENDING` while being enabled).
    pub fn is_subscribed(&self) -> bool {
        matches!(self.status.as_str(), "READY" | "PENDING")
    }

    fn setting_value(&self) -> String {
        if self.is_subscribed() {
            SUBSCRIBED.to_string()
        } else {
            self.status.to_ascii_lowercase()
        }
    }
}

/// The standards subscriptions, or why they could not be read. A standard that could not be
/// read is never judged as subscribed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StandardsView {
    /// The subscriptions, by standard key (see
    /// [`Standard::key`](super::Standard::key)).
    Read(BTreeMap<String, StandardSubscription>),
    /// GetEnabledStandards failed with this error.
    Unreadable(String),
}

/// An enabled Security Hub hub.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SecurityHubState {
    /// The hub ARN.
    pub hub_arn: Option<String>,
    /// When the account subscribed to Security Hub.
    pub subscribed_at: Option<String>,
    /// The standards subscriptions.
    pub standards: StandardsView,
    /// The tags the library manages (others are ignored).
    pub tags: BTreeMap<String, String>,
}

impl State for SecurityHubState {
    fn settings(&self) -> Vec<Setting> {
        let mut settings = vec![Setting::new("enabled", true)];
        if let StandardsView::Read(standards) = &self.standards {
            settings.extend(standards.iter().map(|(key, subscription)| {
                Setting::new(format!("standards.{key}"), subscription.setting_value())
            }));
        }
        settings.extend(
            self.tags
                .iter()
                .map(|(key, value)| Setting::new(format!("tags.{key}"), value)),
        );
        settings
    }
}
