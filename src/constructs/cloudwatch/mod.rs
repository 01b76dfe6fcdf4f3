//! Amazon CloudWatch: [`SecurityAlarms`] (a metric filter and an alarm per CIS security event on
//! the trail's log group) notifying an encrypted SNS [`AlarmTopic`]. The controls
//! ([`evaluate_security_alarms`], [`evaluate_alarm`], [`evaluate_topic`]) and readers
//! ([`read_alarms`], [`read_metric_filters`], [`read_topic_state`]) work on any alarm, filter and
//! topic of an account.
//!
//! `aws-sdk-cloudwatch` 1.96 and later speak the Smithy RPC v2 CBOR protocol; real CloudWatch
//! serves it, and the local endpoint translates it (see `src/local/endpoint/rpc_v2.py`).

mod alarms;
mod checks;
mod events;
mod live;
mod state;
mod topic;

pub use alarms::{
    AlarmNotification, SecurityAlarms, SecurityAlarmsBuilder, SecurityAlarmsProps, TrailEvents,
    METRIC_NAMESPACE, SECURITY_ALARMS_KIND,
};
pub use checks::{evaluate_alarm, evaluate_security_alarms, evaluate_topic, topic_policy_problems};
pub use events::SecurityEvent;
pub use live::{list_alarms, read_alarms, read_metric_filters, read_topic_state};
pub use state::{AlarmState, MetricFilterState, SecurityAlarmsState, TopicState};
pub use topic::{
    alarm_topic_key_use, alarm_topic_policy, topic_name_problem, AlarmTopic, AlarmTopicBuilder,
    AlarmTopicProps, CLOUDWATCH_SERVICE, TOPIC_KIND,
};

use crate::controls::coverage::Evaluator;

/// The evaluators of this module and the controls each judges (see
/// [`crate::controls::coverage`]).
pub(crate) const EVALUATORS: &[Evaluator] = &[
    Evaluator {
        name: "constructs::cloudwatch::evaluate_alarm",
        covers: checks::EVALUATE_ALARM_COVERS,
    },
    Evaluator {
        name: "constructs::cloudwatch::evaluate_security_alarms",
        covers: checks::EVALUATE_SECURITY_ALARMS_COVERS,
    },
    Evaluator {
        name: "constructs::cloudwatch::evaluate_topic",
        covers: checks::EVALUATE_TOPIC_COVERS,
    },
    Evaluator {
        name: "constructs::cloudwatch::topic_name_problem",
        covers: topic::TOPIC_NAME_PROBLEM_COVERS,
    },
];

/// The types of this module most programs need; re-exported at the crate root and in
/// [`crate::prelude`].
pub mod prelude {
    pub use super::{AlarmNotification, AlarmTopic, SecurityAlarms, SecurityEvent};
}
