//! The controls that judge alarms, their topics, and the security-event filters of a log group,
//! on a spec or on any alarm, topic and filter of an account.

use crate::controls::{Check, ControlId};
use crate::policy::{Effect, PolicyDocument, Statement};

use super::events::SecurityEvent;
use super::state::{AlarmState, MetricFilterState, TopicState};

/// The controls [`evaluate_alarm`] judges (see `crate::controls::coverage`).
pub const EVALUATE_ALARM_COVERS: &[ControlId] = &[ControlId::CloudWatchAlarmActionCheck];

/// Judges an alarm: actions enabled, with an alarm action and an insufficient-data action (the
/// AWS Config HIPAA pack's `CLOUDWATCH_ALARM_ACTION_CHECK` parameters).
pub fn evaluate_alarm(alarm: &AlarmState) -> Check {
    let mut problems = Vec::new();
    if !alarm.actions_enabled {
        problems.push("actions are disabled");
    }
    if alarm.alarm_actions.is_empty() {
        problems.push("no alarm action");
    }
    if alarm.insufficient_data_actions.is_empty() {
        problems.push("no insufficient-data action");
    }
    Check::require(
        ControlId::CloudWatchAlarmActionCheck,
        format!("alarm.{}.actions", alarm.name),
        problems.is_empty(),
        format!("{} notifies {}", alarm.name, alarm.alarm_actions.join(", ")),
        format!("{}: {}", alarm.name, problems.join(", ")),
    )
}

fn restricted_to_account(statement: &Statement) -> bool {
    const KEYS: [&str; 5] = [
        "aws:SourceAccount",
        "aws:SourceOwner",
        "aws:SourceArn",
        "aws:PrincipalAccount",
        "aws:PrincipalOrgID",
    ];
    // Only a positive match narrows: StringNotEquals, IfExists and ForAnyValue forms let
    // everyone else (or requests without the key) through.
    statement.conditions.iter().any(|(operator, keys)| {
        let positive = ["StringEquals", "StringLike", "ArnEquals", "ArnLike"]
            .iter()
            .any(|wanted| operator.eq_ignore_ascii_case(wanted));
        positive
            && keys.iter().any(|(key, values)| {
                KEYS.iter().any(|wanted| key.eq_ignore_ascii_case(wanted))
                    && !values.is_empty()
                    && values
                        .iter()
                        .all(|value| !value.trim().is_empty() && value != "*")
            })
    })
}

/// The problems of a topic policy, if any: an Allow to everyone (or `{"AWS": "*"}`) without an
/// account condition, and no Deny of publishing without TLS.
pub fn topic_policy_problems(policy: &PolicyDocument) -> Vec<String> {
    let mut problems = Vec::new();
    for statement in &policy.statements {
        let everyone = statement
            .principal
            .as_ref()
            .is_some_and(|principal| principal.is_everyone());
        if statement.effect == Effect::Allow && everyone && !restricted_to_account(statement) {
            problems.push(format!(
                "{} lets everyone {}",
                statement.sid.as_deref().unwrap_or("a statement"),
                statement.actions.join(", ")
            ));
        }
    }
    let denies_plain_text = policy.statements.iter().any(|statement| {
        statement.effect == Effect::Deny
            && statement
                .principal
                .as_ref()
                .is_some_and(|principal| principal.is_everyone())
            && statement.actions.iter().any(|action| {
                action.eq_ignore_ascii_case("sns:Publish")
                    || action == "*"
                    || action.eq_ignore_ascii_case("sns:*")
            })
            && statement
                .condition_values("Bool", "aws:SecureTransport")
                .is_some_and(|values| values.iter().any(|v| v == "false"))
    });
    if !denies_plain_text {
        problems.push("publishing without TLS is not denied".to_string());
    }
    problems
}

/// The controls [`evaluate_topic`] judges (see `crate::controls::coverage`).
pub const EVALUATE_TOPIC_COVERS: &[ControlId] = &[
    ControlId::AlarmTopicEncrypted,
    ControlId::AlarmTopicPolicyLeastPrivilege,
];

/// Judges an alarm topic: encrypted with a customer-managed key, and a policy that lets only the
/// account's alarms publish, over TLS.
pub fn evaluate_topic(topic: &TopicState) -> Vec<Check> {
    let key = topic.kms_key.as_deref().unwrap_or_default();
    let customer_key = !key.is_empty() && !key.contains("alias/aws/");
    let policy_problems = topic
        .policy
        .as_ref()
        .map(topic_policy_problems)
        .unwrap_or_default();
    vec![
        Check::require(
            ControlId::AlarmTopicEncrypted,
            "topic.kms_key",
            customer_key,
            format!("messages are encrypted with {key}"),
            if key.is_empty() {
                "the topic is not encrypted".to_string()
            } else {
                format!("the topic is encrypted with the AWS managed key {key}")
            },
        ),
        match &topic.policy {
            // Unread is an error, never a verdict: the policy may let anyone publish.
            None => Check {
                control: ControlId::AlarmTopicPolicyLeastPrivilege,
                setting: "topic.policy".to_string(),
                status: crate::controls::Status::Error,
                reason: "the topic policy could not be read".to_string(),
            },
            Some(_) => Check::require(
                ControlId::AlarmTopicPolicyLeastPrivilege,
                "topic.policy",
                policy_problems.is_empty(),
                "only the account's alarms may publish, over TLS",
                policy_problems.join("; "),
            ),
        },
    ]
}

/// The controls [`evaluate_security_alarms`] judges (see `crate::controls::coverage`).
pub const EVALUATE_SECURITY_ALARMS_COVERS: &[ControlId] = &[
    ControlId::AlarmConsoleSigninFailures,
    ControlId::AlarmRootUsage,
    ControlId::AlarmNetworkChanges,
    ControlId::AlarmUnauthorizedApiCalls,
    ControlId::AlarmConsoleSigninWithoutMfa,
    ControlId::AlarmIamPolicyChanges,
    ControlId::AlarmCloudTrailChanges,
    ControlId::AlarmKmsKeyDisabledOrDeleted,
    ControlId::AlarmS3BucketPolicyChanges,
    ControlId::AlarmConfigChanges,
    ControlId::AlarmSecurityGroupChanges,
];

/// Judges the security-event coverage of filters and alarms (of one log group, or of an
/// account): for each event, a metric filter whose pattern watches it and an alarm on that
/// filter's metric with actions. One check per event, naming its control.
pub fn evaluate_security_alarms(
    filters: &[MetricFilterState],
    alarms: &[AlarmState],
) -> Vec<Check> {
    SecurityEvent::ALL
        .iter()
        .map(|event| {
            let watching: Vec<&MetricFilterState> = filters
                .iter()
                .filter(|filter| event.matched_by(&filter.pattern))
                .collect();
            let alarmed = watching.iter().any(|filter| {
                alarms.iter().any(|alarm| {
                    alarm.metric_name == filter.metric_name
                        && alarm.namespace == filter.metric_namespace
                        && alarm.actions_enabled
                        && !alarm.alarm_actions.is_empty()
                })
            });
            let setting = format!("filter.{}", event.key());
            let reason = if watching.is_empty() {
                format!("no metric filter watches {}", event.title())
            } else {
                format!(
                    "a metric filter watches {} but no alarm with actions is set on its metric",
                    event.title()
                )
            };
            Check::require(
                event.control(),
                setting,
                alarmed,
                format!("an alarm with actions watches {}", event.title()),
                reason,
            )
        })
        .collect()
}
