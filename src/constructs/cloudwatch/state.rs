//! The settings of alarm topics, metric filters and alarms that controls judge and plans
//! compare.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::construct::{Setting, State};
use crate::policy::PolicyDocument;

fn tag_settings(prefix: &str, tags: &BTreeMap<String, String>) -> Vec<Setting> {
    tags.iter()
        .map(|(key, value)| Setting::new(format!("{prefix}tags.{key}"), value))
        .collect()
}

/// An SNS topic's settings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopicState {
    /// The topic name.
    pub name: String,
    /// The topic ARN.
    pub arn: String,
    /// The KMS key encrypting messages at rest, if any.
    pub kms_key: Option<String>,
    /// `CUSTOMER` or `AWS` for the key, when it could be described (an AWS managed key named
    /// by its id or ARN is no customer key).
    pub key_manager: Option<String>,
    /// The topic's access policy.
    pub policy: Option<PolicyDocument>,
    /// The tags the library manages (others are ignored).
    pub tags: BTreeMap<String, String>,
}

impl TopicState {
    pub(crate) fn prefixed_settings(&self, prefix: &str) -> Vec<Setting> {
        let mut settings = vec![
            Setting::new(
                format!("{prefix}kms_key"),
                self.kms_key.as_deref().unwrap_or("(none)"),
            ),
            Setting::new(
                format!("{prefix}policy"),
                self.policy
                    .as_ref()
                    .map(|policy| policy.normalized().to_json())
                    .unwrap_or_else(|| "(none)".to_string()),
            ),
        ];
        settings.extend(tag_settings(prefix, &self.tags));
        settings
    }
}

impl State for TopicState {
    fn settings(&self) -> Vec<Setting> {
        self.prefixed_settings("")
    }
}

/// A CloudWatch Logs metric filter's settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MetricFilterState {
    /// The filter name.
    pub name: String,
    /// The log group it reads.
    pub log_group: String,
    /// The filter pattern.
    pub pattern: String,
    /// The metric it publishes.
    pub metric_name: String,
    /// The metric's namespace.
    pub metric_namespace: String,
    /// The value published per matching event.
    pub metric_value: String,
}

/// A CloudWatch metric alarm's settings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlarmState {
    /// The alarm name.
    pub name: String,
    /// The alarm ARN.
    pub arn: String,
    /// The metric it watches.
    pub metric_name: String,
    /// The metric's namespace.
    pub namespace: String,
    /// The statistic (`Sum`).
    pub statistic: String,
    /// The period, in seconds.
    pub period_secs: u32,
    /// Periods evaluated.
    pub evaluation_periods: u32,
    /// The threshold.
    pub threshold: f64,
    /// The comparison (`GreaterThanOrEqualToThreshold`).
    pub comparison: String,
    /// How missing data is treated.
    pub treat_missing_data: String,
    /// Actions run on state changes.
    pub actions_enabled: bool,
    /// Notified in ALARM.
    pub alarm_actions: Vec<String>,
    /// Notified in INSUFFICIENT_DATA.
    pub insufficient_data_actions: Vec<String>,
    /// Notified in OK.
    pub ok_actions: Vec<String>,
    /// The tags the library manages (others are ignored).
    pub tags: BTreeMap<String, String>,
}

/// The settings of [`SecurityAlarms`](super::SecurityAlarms): its own topic (when it makes one),
/// one metric filter and one alarm per security event (by event key). Missing parts are absent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SecurityAlarmsState {
    /// The topic the construct makes, if it makes one (`None` also when it does not exist yet).
    pub topic: Option<TopicState>,
    /// Metric filters by event key.
    pub filters: BTreeMap<String, MetricFilterState>,
    /// Alarms by event key.
    pub alarms: BTreeMap<String, AlarmState>,
}

impl State for SecurityAlarmsState {
    fn settings(&self) -> Vec<Setting> {
        let mut settings = Vec::new();
        if let Some(topic) = &self.topic {
            settings.extend(topic.prefixed_settings("topic."));
        }
        for (key, filter) in &self.filters {
            settings.push(Setting::new(
                format!("filter.{key}.pattern"),
                &filter.pattern,
            ));
            settings.push(Setting::new(
                format!("filter.{key}.metric"),
                format!(
                    "{}/{} = {}",
                    filter.metric_namespace, filter.metric_name, filter.metric_value
                ),
            ));
        }
        for (key, alarm) in &self.alarms {
            let prefix = format!("alarm.{key}.");
            settings.push(Setting::new(
                format!("{prefix}metric"),
                format!("{}/{}", alarm.namespace, alarm.metric_name),
            ));
            settings.push(Setting::new(
                format!("{prefix}condition"),
                format!(
                    "{} over {}s x{} {} {} (missing data: {})",
                    alarm.statistic,
                    alarm.period_secs,
                    alarm.evaluation_periods,
                    alarm.comparison,
                    alarm.threshold,
                    alarm.treat_missing_data
                ),
            ));
            settings.push(Setting::new(
                format!("{prefix}actions"),
                format!(
                    "enabled={} alarm={:?} insufficient_data={:?} ok={:?}",
                    alarm.actions_enabled,
                    alarm.alarm_actions,
                    alarm.insufficient_data_actions,
                    alarm.ok_actions
                ),
            ));
            settings.extend(tag_settings(&prefix, &alarm.tags));
        }
        settings
    }
}
