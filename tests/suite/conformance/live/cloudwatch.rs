//! CloudWatch live cases: alarms made by hand (actions, disabled actions, no
//! insufficient-data action) and the CIS security events watched on a hand-made trail's log
//! group (one pattern missing a required fragment, one alarm silenced), judged by one audit;
//! the library's security alarms and two alarm topics changed behind its back (key removed or
//! swapped for the AWS key, a TLS deny narrowed by an address, a public allow disguised in a
//! principal list under a negated condition), judged by one verify.
//!
//! What the local endpoint cannot represent: the audit reads no SNS topic, so the topic
//! controls are judged by verify (and the pure cases) only; moto evaluates no alarm and
//! delivers no notification, so the cases prove the reading and judging of settings.

use aws_sdk_cloudwatch::types::{ComparisonOperator, Statistic};
use aws_sdk_cloudwatchlogs::types::MetricTransformation;
use hipaa_aws::constructs::cloudwatch::SecurityEvent;
use hipaa_aws::controls::Service;
use hipaa_aws::prelude::*;
use hipaa_aws::{Check, ControlId as C, Status};

use super::{audit, found, verified, Case, Path};
use crate::support::{account, TestAccount, REGION};

const F: &str = "cloudwatch";
const ROOT_WITHOUT_INVOKED_BY: &str =
    r#"{ $.userIdentity.type = "Root" && $.eventType != "AwsServiceEvent" }"#;

/// How a hand-made alarm notifies.
struct Notify<'a> {
    enabled: bool,
    alarm: Option<&'a str>,
    insufficient: Option<&'a str>,
}

async fn alarm(
    account: &TestAccount,
    name: &str,
    metric: &str,
    namespace: &str,
    notify: Notify<'_>,
) {
    account
        .env
        .cloudwatch()
        .put_metric_alarm()
        .alarm_name(name)
        .metric_name(metric)
        .namespace(namespace)
        .statistic(Statistic::Sum)
        .period(300)
        .evaluation_periods(1)
        .threshold(1.0)
        .comparison_operator(ComparisonOperator::GreaterThanOrEqualToThreshold)
        .actions_enabled(notify.enabled)
        .set_alarm_actions(notify.alarm.map(|t| vec![t.to_string()]))
        .set_insufficient_data_actions(notify.insufficient.map(|t| vec![t.to_string()]))
        .send()
        .await
        .expect("alarm");
}

/// A logging multi-region trail to a log group, and for each CIS event a filter and an alarm
/// on it. `flawed`: the root-use pattern misses `invokedBy NOT EXISTS` and the VPC-changes
/// alarm has actions disabled. `excluded`: the trail's selector excludes that management
/// event source (every filter and alarm being right).
async fn watched_trail(account: &TestAccount, topic: &str, flawed: bool, excluded: Option<&str>) {
    let logs = account.env.logs();
    let group = "/conf/cw-trail";
    logs.create_log_group()
        .log_group_name(group)
        .send()
        .await
        .expect("log group");
    let bucket = account.bucket("conf-cw-trail");
    account
        .s3()
        .create_bucket()
        .bucket(&bucket)
        .send()
        .await
        .expect("bucket");
    let cloudtrail = account.env.cloudtrail();
    cloudtrail
        .create_trail()
        .name("conf-cw")
        .s3_bucket_name(&bucket)
        .is_multi_region_trail(true)
        .cloud_watch_logs_log_group_arn(format!(
            "arn:aws:logs:{REGION}:{}:log-group:{group}:*",
            account.env.account_id()
        ))
        .cloud_watch_logs_role_arn(format!(
            "arn:aws:iam::{}:role/trail-to-logs",
            account.env.account_id()
        ))
        .send()
        .await
        .expect("trail");
    // Selectors put explicitly: AWS gives a new trail every management event, moto none.
    let mut selector = aws_sdk_cloudtrail::types::EventSelector::builder()
        .read_write_type(aws_sdk_cloudtrail::types::ReadWriteType::All)
        .include_management_events(true);
    if let Some(source) = excluded {
        selector = selector.exclude_management_event_sources(source);
    }
    cloudtrail
        .put_event_selectors()
        .trail_name("conf-cw")
        .event_selectors(selector.build())
        .send()
        .await
        .expect("event selectors");
    cloudtrail
        .start_logging()
        .name("conf-cw")
        .send()
        .await
        .expect("start logging");
    for event in SecurityEvent::ALL {
        let pattern = match event {
            SecurityEvent::RootAccountUsage if flawed => ROOT_WITHOUT_INVOKED_BY.to_string(),
            _ => event.pattern(),
        };
        logs.put_metric_filter()
            .log_group_name(group)
            .filter_name(format!("cis-{}", event.key()))
            .filter_pattern(pattern)
            .metric_transformations(
                MetricTransformation::builder()
                    .metric_name(event.key())
                    .metric_namespace("CISBenchmark")
                    .metric_value("1")
                    .build()
                    .expect("transformation"),
            )
            .send()
            .await
            .expect("metric filter");
        let enabled = !(flawed && matches!(event, SecurityEvent::VpcChanges));
        alarm(
            account,
            &format!("cis-{}", event.key()),
            event.key(),
            "CISBenchmark",
            Notify {
                enabled,
                alarm: Some(topic),
                insufficient: Some(topic),
            },
        )
        .await;
    }
}

fn topic_arn(account: &TestAccount, name: &str) -> String {
    format!("arn:aws:sns:{REGION}:{}:{name}", account.env.account_id())
}

async fn set_topic(account: &TestAccount, topic: &str, attribute: &str, value: &str) {
    account
        .env
        .sns()
        .set_topic_attributes()
        .topic_arn(topic)
        .attribute_name(attribute)
        .attribute_value(value)
        .send()
        .await
        .unwrap_or_else(|error| panic!("{attribute} of {topic}: {error:?}"));
}

/// The verify checks of the family's stack, before and after the changes: (alarms, topic
/// one, topic two, topic three).
type Verified = [(Vec<Check>, Vec<Check>); 4];

/// The library's security alarms on a log group, notifying one alarm topic, and a second
/// topic; then by hand: the VPC-changes alarm silenced, the root-use filter weakened, topic
/// one switched to the AWS key with its TLS deny narrowed to an address range, topic two's
/// key removed and its policy opened through a principal list under `StringNotEquals`, topic
/// three switched to a key ARN that names no key.
async fn verify_cases(main: &TestAccount) -> Verified {
    let env = &main.env;
    let key = HipaaKey::builder()
        .alias(format!("conf-cw-{}", main.suffix))
        .build()
        .expect("key");
    let group = EncryptedLogGroup::builder()
        .name(format!("/conf/{}/events", main.suffix))
        .key(&key)
        .build()
        .expect("log group");
    let (one_name, two_name, three_name) = (
        format!("conf-one-{}", main.suffix),
        format!("conf-two-{}", main.suffix),
        format!("conf-three-{}", main.suffix),
    );
    let one = AlarmTopic::builder()
        .name(one_name.clone())
        .key(&key)
        .build()
        .expect("topic");
    let two = AlarmTopic::builder()
        .name(two_name.clone())
        .key(&key)
        .build()
        .expect("topic");
    let three = AlarmTopic::builder()
        .name(three_name.clone())
        .key(&key)
        .build()
        .expect("topic");
    let prefix = format!("conf-{}", main.suffix);
    let alarms = SecurityAlarms::builder()
        .prefix(prefix.clone())
        .trail_events(&group)
        .notify(AlarmNotification::topic(&one))
        .build()
        .expect("alarms");
    let group_name = group.name().to_string();
    let stack = Stack::builder("conformance-cloudwatch")
        .with(alarms)
        .with(one)
        .with(two)
        .with(three)
        .with(group)
        .with(key)
        .build()
        .expect("stack");
    stack.apply(env).await.expect("apply");
    let before = stack.verify(env).await.expect("verify");

    let vpc = format!("{prefix}-VpcChanges");
    let live_alarm = env
        .cloudwatch()
        .describe_alarms()
        .alarm_names(&vpc)
        .send()
        .await
        .expect("alarms")
        .metric_alarms()
        .first()
        .cloned()
        .expect("the VPC-changes alarm");
    alarm(
        main,
        &vpc,
        live_alarm.metric_name().unwrap_or_default(),
        live_alarm.namespace().unwrap_or_default(),
        Notify {
            enabled: false,
            alarm: live_alarm.alarm_actions().first().map(String::as_str),
            insufficient: live_alarm
                .insufficient_data_actions()
                .first()
                .map(String::as_str),
        },
    )
    .await;
    let root = format!("{prefix}-RootAccountUsage");
    let filter = env
        .logs()
        .describe_metric_filters()
        .log_group_name(&group_name)
        .filter_name_prefix(&root)
        .send()
        .await
        .expect("filters")
        .metric_filters()
        .first()
        .cloned()
        .expect("the root-use filter");
    env.logs()
        .put_metric_filter()
        .log_group_name(&group_name)
        .filter_name(&root)
        .filter_pattern(ROOT_WITHOUT_INVOKED_BY)
        .set_metric_transformations(Some(filter.metric_transformations().to_vec()))
        .send()
        .await
        .expect("weakened filter");
    let (one_arn, two_arn) = (topic_arn(main, &one_name), topic_arn(main, &two_name));
    set_topic(main, &one_arn, "KmsMasterKeyId", "alias/aws/sns").await;
    let narrowed_deny = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "AllowAccountAlarmsToPublish", "Effect": "Allow",
             "Principal": {"Service": "cloudwatch.amazonaws.com"}, "Action": "sns:Publish",
             "Resource": one_arn,
             "Condition": {"StringEquals": {"aws:SourceAccount": main.env.account_id()}}},
            {"Sid": "DenyPublishWithoutTls", "Effect": "Deny", "Principal": {"AWS": "*"},
             "Action": "sns:Publish", "Resource": one_arn,
             "Condition": {"Bool": {"aws:SecureTransport": "false"},
                           "IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}
        ]
    });
    set_topic(main, &one_arn, "Policy", &narrowed_deny.to_string()).await;
    set_topic(main, &two_arn, "KmsMasterKeyId", "").await;
    let listed_everyone = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "PartnersPublish", "Effect": "Allow",
             "Principal": {"AWS": ["arn:aws:iam::111122223333:root", "*"]},
             "Action": "sns:Publish", "Resource": two_arn,
             "Condition": {"StringNotEquals": {"aws:SourceAccount": "444455556666"}}},
            {"Sid": "DenyPublishWithoutTls", "Effect": "Deny", "Principal": {"AWS": "*"},
             "Action": "sns:Publish", "Resource": two_arn,
             "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
        ]
    });
    set_topic(main, &two_arn, "Policy", &listed_everyone.to_string()).await;
    // A key ARN that names no key: the reader's DescribeKey finds nothing, so no customer key
    // encrypts the topic. (The local endpoint serves no AWS managed `aws/sns` key, so that
    // key by its ARN is judged on the evaluator's path only.)
    let missing_key = format!(
        "arn:aws:kms:{REGION}:{}:key/00000000-0000-4000-8000-000000000000",
        main.env.account_id()
    );
    let three_arn = topic_arn(main, &three_name);
    set_topic(main, &three_arn, "KmsMasterKeyId", &missing_key).await;
    let after = stack.verify(env).await.expect("verify");
    [
        (verified(&before, &prefix), verified(&after, &prefix)),
        (verified(&before, &one_name), verified(&after, &one_name)),
        (verified(&before, &two_name), verified(&after, &two_name)),
        (
            verified(&before, &three_name),
            verified(&after, &three_name),
        ),
    ]
}

async fn topic(account: &TestAccount) -> String {
    account
        .env
        .sns()
        .create_topic()
        .name("conf-by-hand")
        .send()
        .await
        .expect("topic")
        .topic_arn
        .expect("topic arn")
}

pub(super) async fn family() -> Vec<Case> {
    // `blind`: every filter and alarm right, on the log group of a trail that excludes KMS's
    // management events (so the KMS alarm can never fire).
    let (main, blind) = tokio::join!(account(), account());
    let (topic, blind_topic) = tokio::join!(topic(&main), topic(&blind));
    let made = async {
        watched_trail(&main, &topic, true, None).await;
        let none = Notify {
            enabled: true,
            alarm: None,
            insufficient: None,
        };
        alarm(&main, "conf-silent", "CPUUtilization", "AWS/EC2", none).await;
        let disabled = Notify {
            enabled: false,
            alarm: Some(&topic),
            insufficient: Some(&topic),
        };
        alarm(
            &main,
            "conf-disabled",
            "CPUUtilization",
            "AWS/EC2",
            disabled,
        )
        .await;
        let alarm_only = Notify {
            enabled: true,
            alarm: Some(&topic),
            insufficient: None,
        };
        alarm(
            &main,
            "conf-alarm-only",
            "CPUUtilization",
            "AWS/EC2",
            alarm_only,
        )
        .await;
    };
    let (
        (),
        [(alarms_before, alarms_after), (one_before, one_after), (two_before, two_after), (_, three_after)],
        (),
    ) = tokio::join!(
        made,
        verify_cases(&main),
        watched_trail(&blind, &blind_topic, false, Some("kms.amazonaws.com"))
    );
    let (report, blind_report) = tokio::join!(
        audit(&main.env, &[Service::CloudWatch]),
        audit(&blind.env, &[Service::CloudWatch])
    );
    let on_blind = found(
        &blind_report,
        &format!("arn:aws:::{}", blind.env.account_id()),
    );
    let alarm_arn = |name: &str| {
        format!(
            "arn:aws:cloudwatch:{REGION}:{}:alarm:{name}",
            main.env.account_id()
        )
    };
    let on_alarm = |name: &str| found(&report, &alarm_arn(name));
    let on_account = found(&report, &format!("arn:aws:::{}", main.env.account_id()));
    let audit_case = |name: &str, control, expected, checks: Vec<Check>| {
        Case::live(F, Path::Audit, name, control, expected, checks)
    };
    use Status::{Fail, Pass};
    let mut cases = vec![
        audit_case(
            "audit: alarm and insufficient-data actions",
            C::CloudWatchAlarmActionCheck,
            Pass,
            on_alarm("cis-IamPolicyChanges"),
        ),
        audit_case(
            "audit: no action at all",
            C::CloudWatchAlarmActionCheck,
            Fail,
            on_alarm("conf-silent"),
        ),
        audit_case(
            "audit: actions set but disabled",
            C::CloudWatchAlarmActionCheck,
            Fail,
            on_alarm("conf-disabled"),
        )
        .edge(),
        audit_case(
            "audit: alarm action without insufficient-data action",
            C::CloudWatchAlarmActionCheck,
            Fail,
            on_alarm("conf-alarm-only"),
        )
        .edge(),
        audit_case(
            "audit: root use pattern without invokedBy NOT EXISTS",
            C::AlarmRootUsage,
            Fail,
            on_account.clone(),
        )
        .edge(),
        audit_case(
            "audit: VPC changes alarmed with actions disabled",
            C::AlarmNetworkChanges,
            Fail,
            on_account.clone(),
        )
        .edge(),
        audit_case(
            "audit: IAM policy changes watched and alarmed",
            C::AlarmIamPolicyChanges,
            Pass,
            on_account.clone(),
        ),
        audit_case(
            "audit: unauthorized API calls watched and alarmed",
            C::AlarmUnauthorizedApiCalls,
            Pass,
            on_account.clone(),
        ),
        audit_case(
            "audit: CloudTrail changes watched and alarmed",
            C::AlarmCloudTrailChanges,
            Pass,
            on_account,
        ),
        audit_case(
            "audit: KMS key deletion watched on a trail excluding kms.amazonaws.com",
            C::AlarmKmsKeyDisabledOrDeleted,
            Fail,
            on_blind.clone(),
        )
        .edge(),
        audit_case(
            "audit: root use watched on a trail that records not every management event",
            C::AlarmRootUsage,
            Fail,
            on_blind,
        )
        .edge(),
    ];
    let verify_case = |name: &str, control, expected, checks: &Vec<Check>| {
        Case::live(F, Path::Verify, name, control, expected, checks.clone())
    };
    cases.extend([
        verify_case(
            "verify: root use watched as applied",
            C::AlarmRootUsage,
            Pass,
            &alarms_before,
        ),
        verify_case(
            "verify: root use pattern weakened behind the library",
            C::AlarmRootUsage,
            Fail,
            &alarms_after,
        )
        .edge(),
        verify_case(
            "verify: alarm actions as applied",
            C::CloudWatchAlarmActionCheck,
            Pass,
            &alarms_before,
        ),
        verify_case(
            "verify: VPC-changes alarm actions disabled",
            C::CloudWatchAlarmActionCheck,
            Fail,
            &alarms_after,
        ),
        verify_case(
            "verify: topic under the declared key",
            C::AlarmTopicEncrypted,
            Pass,
            &one_before,
        ),
        verify_case(
            "verify: topic switched to alias/aws/sns",
            C::AlarmTopicEncrypted,
            Fail,
            &one_after,
        )
        .edge(),
        verify_case(
            "verify: topic switched to a key ARN that names no key",
            C::AlarmTopicEncrypted,
            Fail,
            &three_after,
        )
        .edge(),
        verify_case(
            "verify: topic key removed",
            C::AlarmTopicEncrypted,
            Fail,
            &two_after,
        ),
        verify_case(
            "verify: topic policy as applied",
            C::AlarmTopicPolicyLeastPrivilege,
            Pass,
            &one_before,
        ),
        verify_case(
            "verify: second topic policy as applied",
            C::AlarmTopicPolicyLeastPrivilege,
            Pass,
            &two_before,
        ),
        verify_case(
            "verify: TLS deny narrowed by aws:SourceIp",
            C::AlarmTopicPolicyLeastPrivilege,
            Fail,
            &one_after,
        )
        .edge(),
        verify_case(
            "verify: Allow to a principal list holding * under StringNotEquals",
            C::AlarmTopicPolicyLeastPrivilege,
            Fail,
            &two_after,
        )
        .edge(),
    ]);
    cases
}
