//! The controls that judge alarms, their topics, and the security-event filters of a log group,
//! on a spec or on any alarm, topic and filter of an account.

use crate::controls::{Check, ControlId};
use crate::policy::actions_covered::describe_actions;
use crate::policy::{denies_insecure_transport_on, is_public_allow, PolicyDocument};

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

/// The problems of a topic policy, if any: an Allow to everyone (principal `*`, a list holding
/// `*`, or `NotPrincipal`) that no condition really narrows (see
/// [`crate::policy::conditions_semantics`]), and no Deny of publishing without TLS that nothing
/// else narrows, for every caller, on the topic.
pub fn topic_policy_problems(policy: &PolicyDocument, topic_arn: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for statement in policy.statements.iter().filter(|s| is_public_allow(s)) {
        problems.push(format!(
            "{} lets everyone {}",
            statement.sid.as_deref().unwrap_or("a statement"),
            describe_actions(statement)
        ));
    }
    if !denies_insecure_transport_on(policy, &[topic_arn], "sns:Publish") {
        problems.push(
            "publishing without TLS is not denied (for every caller, on the topic, with no other condition)"
                .to_string(),
        );
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
    // An AWS managed key passes by no name: `alias/aws/sns`, its key id and its ARN all fail.
    let aws_managed = key.contains("alias/aws/") || topic.key_manager.as_deref() == Some("AWS");
    let customer_key = !key.is_empty() && !aws_managed && topic.key_manager.is_some();
    let policy_problems = match &topic.policy {
        Some(policy) => topic_policy_problems(policy, &topic.arn),
        None => vec!["the topic policy could not be read".to_string()],
    };
    vec![
        Check::require(
            ControlId::AlarmTopicEncrypted,
            "topic.kms_key",
            customer_key,
            format!("messages are encrypted with the customer managed key {key}"),
            if key.is_empty() {
                "the topic is not encrypted".to_string()
            } else if aws_managed {
                format!("the topic is encrypted with the AWS managed key {key}")
            } else {
                format!(
                    "the topic's key {key} does not exist, so messages cannot be encrypted with it"
                )
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{Principal, Statement};

    const TOPIC: &str = "arn:aws:sns:us-east-1:111122223333:alarms";

    fn deny_http() -> Statement {
        Statement::deny()
            .principal(Principal::any_aws())
            .actions(["sns:Publish"])
            .resources([TOPIC])
            .condition("Bool", "aws:SecureTransport", ["false"])
    }

    fn everyone(condition: Option<(&str, &str)>) -> Statement {
        let statement = Statement::allow()
            .principal(Principal::Everyone)
            .actions(["sns:Pub*"])
            .resources([TOPIC]);
        match condition {
            Some((operator, value)) => statement.condition(operator, "aws:SourceAccount", [value]),
            None => statement,
        }
    }

    fn problems(statements: Vec<Statement>) -> Vec<String> {
        topic_policy_problems(&PolicyDocument::new(statements), TOPIC)
    }

    fn topic_key(kms_key: Option<&str>, key_manager: Option<&str>) -> crate::controls::Status {
        let topic = TopicState {
            name: "alarms".to_string(),
            arn: TOPIC.to_string(),
            kms_key: kms_key.map(str::to_string),
            key_manager: key_manager.map(str::to_string),
            policy: Some(PolicyDocument::new(vec![deny_http()])),
            tags: std::collections::BTreeMap::new(),
        };
        let checks = evaluate_topic(&topic);
        checks
            .iter()
            .find(|check| check.control == ControlId::AlarmTopicEncrypted)
            .map(|check| check.status)
            .expect("the encryption check")
    }

    #[test]
    fn an_aws_managed_topic_key_fails_by_alias_id_or_arn() {
        use crate::controls::Status::{Fail, Pass};
        let key_arn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        assert_eq!(topic_key(Some(key_arn), Some("CUSTOMER")), Pass);
        assert_eq!(topic_key(Some("alias/app-alarms"), Some("CUSTOMER")), Pass);
        // The AWS managed key, by alias (no call needed), key id or ARN.
        assert_eq!(topic_key(Some("alias/aws/sns"), None), Fail);
        assert_eq!(topic_key(Some("alias/aws/sns"), Some("CUSTOMER")), Fail);
        assert_eq!(topic_key(Some(key_arn), Some("AWS")), Fail);
        assert_eq!(
            topic_key(Some("1234abcd-12ab-34cd-56ef-1234567890ab"), Some("AWS")),
            Fail
        );
        // A key that does not exist encrypts nothing; no key at all is unencrypted.
        assert_eq!(topic_key(Some(key_arn), None), Fail);
        assert_eq!(topic_key(None, None), Fail);
    }

    #[test]
    fn topic_policies_see_disguised_forms() {
        assert!(problems(vec![deny_http()]).is_empty());
        assert!(problems(vec![
            deny_http(),
            everyone(Some(("StringEquals", "111122223333")))
        ])
        .is_empty());
        assert_eq!(problems(vec![deny_http(), everyone(None)]).len(), 1);
        assert_eq!(
            problems(vec![
                deny_http(),
                everyone(Some(("StringNotEquals", "444455556666")))
            ])
            .len(),
            1
        );
        assert_eq!(
            problems(vec![
                deny_http(),
                everyone(Some(("StringEqualsIfExists", "111122223333")))
            ])
            .len(),
            1
        );
        let not_principal = Statement::allow()
            .not_principal(Principal::aws("arn:aws:iam::111122223333:root"))
            .actions(["sns:Publish"])
            .resources([TOPIC]);
        assert_eq!(problems(vec![deny_http(), not_principal]).len(), 1);
        // A TLS deny narrowed by another condition, or on another topic, does not count.
        assert_eq!(
            problems(vec![deny_http().condition(
                "IpAddress",
                "aws:SourceIp",
                ["203.0.113.0/24"]
            )])
            .len(),
            1
        );
        let mut elsewhere = deny_http();
        elsewhere.resources = vec!["arn:aws:sns:us-east-1:111122223333:other".to_string()];
        assert_eq!(problems(vec![elsewhere]).len(), 1);
        let mut every_action = deny_http();
        every_action.actions = vec!["sns:*".to_string()];
        assert!(problems(vec![every_action]).is_empty());
    }
}
