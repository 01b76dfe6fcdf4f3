//! CloudWatch: alarm actions, the alarm topic (customer key, publish policy), the security
//! alarms (for every security event: watched and alarmed, unwatched, alarmed without
//! actions, and a pattern that misses a required fragment), and topic names.

use std::collections::BTreeMap;

use hipaa_aws::construct::Scope;
use hipaa_aws::constructs::cloudwatch::{
    alarm_topic_policy, evaluate_alarm, evaluate_security_alarms, evaluate_topic,
    topic_name_problem, AlarmState, MetricFilterState, SecurityEvent, TopicState,
};
use hipaa_aws::policy::PolicyDocument;
use hipaa_aws::{Check, ControlId as C, Status};

use super::Case;

const F: &str = "cloudwatch";
const TOPIC: &str = "arn:aws:sns:us-east-1:111122223333:acme-alarms";
const NAMESPACE: &str = "HipaaAws/Security";

fn alarm(metric: &str) -> AlarmState {
    AlarmState {
        name: format!("{metric}-alarm"),
        arn: format!("arn:aws:cloudwatch:us-east-1:111122223333:alarm:{metric}"),
        metric_name: metric.into(),
        namespace: NAMESPACE.into(),
        statistic: "Sum".into(),
        period_secs: 300,
        evaluation_periods: 1,
        threshold: 1.0,
        comparison: "GreaterThanOrEqualToThreshold".into(),
        treat_missing_data: "notBreaching".into(),
        actions_enabled: true,
        alarm_actions: vec![TOPIC.into()],
        insufficient_data_actions: vec![TOPIC.into()],
        ok_actions: vec![],
        tags: BTreeMap::new(),
    }
}

fn judge_alarm(name: &str, expected: Status, change: impl FnOnce(&mut AlarmState)) -> Case {
    let mut state = alarm("m");
    change(&mut state);
    Case::eval(
        F,
        "constructs::cloudwatch::evaluate_alarm",
        name,
        C::CloudWatchAlarmActionCheck,
        expected,
        vec![evaluate_alarm(&state)],
    )
}

fn topic() -> TopicState {
    TopicState {
        name: "acme-alarms".into(),
        arn: TOPIC.into(),
        kms_key: Some("arn:aws:kms:us-east-1:111122223333:key/1234".into()),
        key_manager: Some("CUSTOMER".into()),
        policy: Some(alarm_topic_policy(&Scope::for_build(), TOPIC)),
        tags: BTreeMap::new(),
    }
}

fn judge_topic(
    name: &str,
    control: C,
    expected: Status,
    change: impl FnOnce(&mut TopicState),
) -> Case {
    let mut state = topic();
    change(&mut state);
    Case::eval(
        F,
        "constructs::cloudwatch::evaluate_topic",
        name,
        control,
        expected,
        evaluate_topic(&state),
    )
}

/// Filters and alarms for every security event; `change` then breaks one.
fn coverage(
    event: SecurityEvent,
    what: &str,
    expected: Status,
    change: impl FnOnce(&mut Vec<MetricFilterState>, &mut Vec<AlarmState>),
) -> Case {
    let mut filters: Vec<MetricFilterState> = SecurityEvent::ALL
        .iter()
        .map(|e| MetricFilterState {
            name: e.key().into(),
            log_group: "/acme/trail".into(),
            pattern: e.pattern(),
            metric_name: e.key().into(),
            metric_namespace: NAMESPACE.into(),
            metric_value: "1".into(),
        })
        .collect();
    let mut alarms: Vec<AlarmState> = SecurityEvent::ALL.iter().map(|e| alarm(e.key())).collect();
    change(&mut filters, &mut alarms);
    Case::eval(
        F,
        "constructs::cloudwatch::evaluate_security_alarms",
        format!("{}: {what}", event.key()),
        event.control(),
        expected,
        evaluate_security_alarms(&filters, &alarms),
    )
}

fn name_case(name: &str, expected: Status) -> Case {
    let problem = topic_name_problem(name);
    let checks = vec![Check::require(
        C::CloudWatchNameValid,
        "name",
        problem.is_none(),
        "valid topic name",
        problem.unwrap_or_default(),
    )];
    Case::eval(
        F,
        "constructs::cloudwatch::topic_name_problem",
        format!("topic name {name:?}"),
        C::CloudWatchNameValid,
        expected,
        checks,
    )
    .edge()
}

fn doc(json: &str) -> Option<PolicyDocument> {
    Some(PolicyDocument::from_json(json).expect("valid policy"))
}

pub fn cases() -> Vec<Case> {
    use Status::*;
    let tls_deny = r#"{"Effect":"Deny","Principal":"*","Action":"sns:Publish","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}"#;
    let mut cases = vec![
        judge_alarm("actions on both states", Pass, |_| {}),
        judge_alarm("actions disabled", Fail, |s| s.actions_enabled = false),
        judge_alarm("no alarm action", Fail, |s| s.alarm_actions.clear()),
        judge_alarm("no insufficient-data action", Fail, |s| s.insufficient_data_actions.clear()).edge(),
        judge_topic("encrypted with a customer key", C::AlarmTopicEncrypted, Pass, |_| {}),
        judge_topic("not encrypted", C::AlarmTopicEncrypted, Fail, |s| s.kms_key = None),
        judge_topic("alias/aws/sns", C::AlarmTopicEncrypted, Fail, |s| s.kms_key = Some("alias/aws/sns".into())).edge(),
        judge_topic("the AWS managed key by its ARN", C::AlarmTopicEncrypted, Fail, |s| s.key_manager = Some("AWS".into())).edge(),
        judge_topic("a key that does not exist", C::AlarmTopicEncrypted, Fail, |s| s.key_manager = None).edge(),
        judge_topic("the library's publish policy", C::AlarmTopicPolicyLeastPrivilege, Pass, |_| {}),
        judge_topic("policy unreadable", C::AlarmTopicPolicyLeastPrivilege, Error, |s| s.policy = None),
        judge_topic("everyone may publish", C::AlarmTopicPolicyLeastPrivilege, Fail, |s| {
            s.policy = doc(&format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":"*","Action":"sns:Publish","Resource":"{TOPIC}"}},{tls_deny}]}}"#
            ))
        }),
        judge_topic("everyone in this account may publish", C::AlarmTopicPolicyLeastPrivilege, Pass, |s| {
            s.policy = doc(&format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":"*","Action":"sns:Publish","Resource":"{TOPIC}","Condition":{{"StringEquals":{{"aws:SourceAccount":"111122223333"}}}}}},{tls_deny}]}}"#
            ))
        })
        .edge(),
        judge_topic("everyone but this account may publish (StringNotEquals)", C::AlarmTopicPolicyLeastPrivilege, Fail, |s| {
            s.policy = doc(&format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":"*","Action":"sns:Publish","Resource":"{TOPIC}","Condition":{{"StringNotEquals":{{"aws:SourceAccount":"111122223333"}}}}}},{tls_deny}]}}"#
            ))
        })
        .edge(),
        judge_topic("plain-text publishing not denied", C::AlarmTopicPolicyLeastPrivilege, Fail, |s| {
            s.policy = doc(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"cloudwatch.amazonaws.com"},"Action":"sns:Publish","Resource":"*"}]}"#,
            )
        }),
    ];
    for event in SecurityEvent::ALL {
        let key = event.key();
        cases.push(coverage(*event, "watched and alarmed", Pass, |_, _| {}));
        cases.push(coverage(*event, "no filter", Fail, |filters, _| {
            filters.retain(|f| f.name != key)
        }));
        cases.push(coverage(
            *event,
            "alarm without actions",
            Fail,
            |_, alarms| {
                for alarm in alarms.iter_mut().filter(|a| a.metric_name == key) {
                    alarm.actions_enabled = false;
                }
            },
        ));
        cases.push(
            coverage(
                *event,
                "filter missing a required fragment",
                Fail,
                |filters, _| {
                    let fragments = event.required_fragments();
                    for filter in filters.iter_mut().filter(|f| f.name == key) {
                        // Fragments are compared without spaces and quotes: drop one that way.
                        let compact: String = filter
                            .pattern
                            .chars()
                            .filter(|c| !c.is_whitespace() && *c != '"')
                            .collect();
                        if let Some(first) = fragments.first() {
                            filter.pattern = compact.replace(first.as_str(), "");
                        }
                    }
                },
            )
            .edge(),
        );
    }
    for (name, expected) in [
        ("acme-alarms", Pass),
        ("", Fail),
        (&"t".repeat(256)[..], Pass),
        (&"t".repeat(257)[..], Fail),
        ("acme.alarms", Fail),
        ("acme_alarms-1", Pass),
    ] {
        cases.push(name_case(name, expected));
    }
    cases
}
