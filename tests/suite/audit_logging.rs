//! The account audit of CloudTrail, CloudWatch Logs, CloudWatch alarms, AWS Config, Security Hub
//! and GuardDuty against the local endpoint. Each control gets a resource (or account) made
//! compliant and one made non-compliant by direct SDK calls, never by the library's constructs;
//! the audit must return pass and fail with the right control id.

use aws_sdk_cloudtrail::types::{DataResource, EventSelector, ReadWriteType};
use aws_sdk_cloudwatch::types::{ComparisonOperator, Statistic};
use aws_sdk_cloudwatchlogs::types::MetricTransformation;
use aws_sdk_config::types::{
    ConfigRule, ConfigurationRecorder, DeliveryChannel, Owner, RecordingGroup, ResourceType, Scope,
    Source,
};
use aws_sdk_guardduty::types::{
    DetectorFeature, DetectorFeatureConfiguration, FeatureStatus, FindingPublishingFrequency,
};
use hipaa_aws::audit::{Audit, AuditReport};
use hipaa_aws::constructs::cloudwatch::SecurityEvent;
use hipaa_aws::constructs::config::hipaa_pack_rules;
use hipaa_aws::controls::Service;
use hipaa_aws::prelude::*;

use crate::support::findings::{expect_finding, expect_finding_in};
use crate::support::{account, TestAccount, REGION};
use hipaa_aws::local::fault_proxy::{FaultPlan, FaultProxy};

const OTHER_REGION: &str = "us-west-2";

/// The services of the trail, log group and alarm controls (a log group's six-year retention is
/// an S3-service control).
const LOGGING: &[Service] = &[Service::CloudTrail, Service::CloudWatch, Service::S3];
const GOVERNANCE: &[Service] = &[Service::Config, Service::SecurityHub, Service::GuardDuty];

/// An audit scoped to the services a test judges: the same verdicts on them as a full audit
/// (audit_guide checks that), without reading every other service.
async fn audit(env: &Environment, regions: &[&str], services: &[Service]) -> AuditReport {
    Audit::builder()
        .regions(regions.iter().copied())
        .services(services.iter().copied())
        .build()
        .expect("audit options")
        .run(env)
        .await
        .expect("audit")
}

fn account_arn(account: &TestAccount) -> String {
    format!("arn:aws:::{}", account.env.account_id())
}

/// The one finding of `control` whose resource ARN contains `part`.
fn arn_containing(report: &AuditReport, control: ControlId, part: &str) -> String {
    report
        .findings()
        .find(|f| f.control == control && f.resource_arn.contains(part))
        .map(|f| f.resource_arn.clone())
        .unwrap_or_else(|| panic!("no {control} finding on a resource named like {part}"))
}

async fn bucket(account: &TestAccount, stem: &str) -> String {
    let name = account.bucket(stem);
    account
        .s3()
        .create_bucket()
        .bucket(&name)
        .send()
        .await
        .expect("bucket");
    name
}

async fn key_arn(account: &TestAccount) -> String {
    account
        .kms()
        .create_key()
        .description("by hand")
        .send()
        .await
        .expect("key")
        .key_metadata
        .and_then(|m| m.arn)
        .expect("key arn")
}

async fn log_group(account: &TestAccount, name: &str, key: Option<&str>, days: Option<i32>) {
    let logs = account.env.logs();
    logs.create_log_group()
        .log_group_name(name)
        .set_kms_key_id(key.map(str::to_string))
        .send()
        .await
        .expect("log group");
    if let Some(days) = days {
        logs.put_retention_policy()
            .log_group_name(name)
            .retention_in_days(days)
            .send()
            .await
            .expect("retention");
    }
}

fn group_arn(account: &TestAccount, name: &str) -> String {
    format!(
        "arn:aws:logs:{REGION}:{}:log-group:{name}",
        account.env.account_id()
    )
}

struct TrailSpec<'a> {
    name: &'a str,
    multi_region: bool,
    validation: bool,
    key: Option<&'a str>,
    log_group: Option<&'a str>,
    logging: bool,
    management_events: bool,
    all_bucket_data_events: bool,
}

async fn trail(account: &TestAccount, bucket: &str, spec: TrailSpec<'_>) -> String {
    let cloudtrail = account.env.cloudtrail();
    let role = format!(
        "arn:aws:iam::{}:role/trail-to-logs",
        account.env.account_id()
    );
    let created = cloudtrail
        .create_trail()
        .name(spec.name)
        .s3_bucket_name(bucket)
        .is_multi_region_trail(spec.multi_region)
        .include_global_service_events(true)
        .enable_log_file_validation(spec.validation)
        .set_kms_key_id(spec.key.map(str::to_string))
        .set_cloud_watch_logs_log_group_arn(
            spec.log_group
                .map(|name| format!("{}:*", group_arn(account, name))),
        )
        .set_cloud_watch_logs_role_arn(spec.log_group.map(|_| role.clone()))
        .send()
        .await
        .expect("trail");
    let mut selector = EventSelector::builder()
        .read_write_type(ReadWriteType::All)
        .include_management_events(spec.management_events);
    if spec.all_bucket_data_events {
        selector = selector.data_resources(
            DataResource::builder()
                .r#type("AWS::S3::Object")
                .values("arn:aws:s3")
                .build(),
        );
    }
    cloudtrail
        .put_event_selectors()
        .trail_name(spec.name)
        .event_selectors(selector.build())
        .send()
        .await
        .expect("event selectors");
    if spec.logging {
        cloudtrail
            .start_logging()
            .name(spec.name)
            .send()
            .await
            .expect("start logging");
    }
    created.trail_arn.expect("trail arn")
}

/// A metric filter on `group` and an alarm notifying `topic` for each CIS event.
async fn security_alarms(account: &TestAccount, group: &str, topic: &str) {
    let logs = account.env.logs();
    let cloudwatch = account.env.cloudwatch();
    for event in SecurityEvent::ALL {
        logs.put_metric_filter()
            .log_group_name(group)
            .filter_name(format!("cis-{}", event.key()))
            .filter_pattern(event.pattern())
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
        cloudwatch
            .put_metric_alarm()
            .alarm_name(format!("cis-{}", event.key()))
            .metric_name(event.key())
            .namespace("CISBenchmark")
            .statistic(Statistic::Sum)
            .period(300)
            .evaluation_periods(1)
            .threshold(1.0)
            .comparison_operator(ComparisonOperator::GreaterThanOrEqualToThreshold)
            .alarm_actions(topic)
            .insufficient_data_actions(topic)
            .send()
            .await
            .expect("alarm");
    }
}

#[tokio::test]
async fn audit_logging_trails_log_groups_and_alarms_pass_when_configured_and_fail_when_not() {
    let (good, bare) = tokio::join!(account(), account());

    // The configured account: a multi-region, validated, encrypted trail to CloudWatch Logs
    // with data events of every bucket and the CIS alarms; beside it a weaker regional trail,
    // unencrypted and short-lived log groups, and an alarm without actions.
    let logs_bucket = bucket(&good, "trail-logs").await;
    let key = key_arn(&good).await;
    log_group(&good, "/audit/trail", Some(&key), Some(2192)).await;
    log_group(&good, "/audit/side", Some(&key), Some(365)).await;
    log_group(&good, "/app/plain", None, None).await;
    log_group(&good, "/app/short", Some(&key), Some(30)).await;
    let main_trail = trail(
        &good,
        &logs_bucket,
        TrailSpec {
            name: "org-trail",
            multi_region: true,
            validation: true,
            key: Some(&key),
            log_group: Some("/audit/trail"),
            logging: true,
            management_events: true,
            all_bucket_data_events: true,
        },
    )
    .await;
    let side_trail = trail(
        &good,
        &logs_bucket,
        TrailSpec {
            name: "side-trail",
            multi_region: false,
            validation: false,
            key: None,
            log_group: Some("/audit/side"),
            logging: true,
            management_events: true,
            all_bucket_data_events: false,
        },
    )
    .await;
    let topic = good
        .env
        .sns()
        .create_topic()
        .name("security-alarms")
        .send()
        .await
        .expect("topic")
        .topic_arn
        .expect("topic arn");
    security_alarms(&good, "/audit/trail", &topic).await;
    good.env
        .cloudwatch()
        .put_metric_alarm()
        .alarm_name("cpu-silent")
        .metric_name("CPUUtilization")
        .namespace("AWS/EC2")
        .statistic(Statistic::Average)
        .period(300)
        .evaluation_periods(1)
        .threshold(90.0)
        .comparison_operator(ComparisonOperator::GreaterThanThreshold)
        .send()
        .await
        .expect("alarm without actions");

    // The bare account: one stopped regional trail with nothing on, no log group, no alarm.
    let bare_bucket = bucket(&bare, "bare-trail-logs").await;
    let stopped_trail = trail(
        &bare,
        &bare_bucket,
        TrailSpec {
            name: "stopped",
            multi_region: false,
            validation: false,
            key: None,
            log_group: None,
            logging: false,
            management_events: false,
            all_bucket_data_events: false,
        },
    )
    .await;

    let (report, bare_report) = tokio::join!(
        audit(&good.env, &[REGION], LOGGING),
        audit(&bare.env, &[REGION], LOGGING)
    );

    // Per trail.
    for control in [
        ControlId::CloudTrailEnabled,
        ControlId::CloudTrailCloudWatchLogsEnabled,
        ControlId::CloudTrailEncryptionEnabled,
        ControlId::CloudTrailLogFileValidationEnabled,
        ControlId::CloudTrailManagementEvents,
    ] {
        expect_finding(&report, control, &main_trail, Status::Pass);
        expect_finding(&bare_report, control, &stopped_trail, Status::Fail);
    }
    expect_finding(
        &report,
        ControlId::CloudTrailEncryptionEnabled,
        &side_trail,
        Status::Fail,
    );
    expect_finding(
        &report,
        ControlId::CloudTrailLogFileValidationEnabled,
        &side_trail,
        Status::Fail,
    );

    // Per account: any one trail may satisfy these; the single-region trail is no failure.
    let mut account_controls = vec![
        ControlId::CloudTrailEnabled,
        ControlId::MultiRegionCloudTrailEnabled,
        ControlId::CloudTrailS3DataEventsEnabled,
        ControlId::CloudTrailBedrockLogged,
    ];
    account_controls.extend(SecurityEvent::ALL.iter().map(|event| event.control()));
    account_controls.dedup();
    for control in account_controls {
        expect_finding(&report, control, &account_arn(&good), Status::Pass);
        expect_finding(&bare_report, control, &account_arn(&bare), Status::Fail);
    }
    assert!(report
        .findings()
        .all(|f| f.control != ControlId::MultiRegionCloudTrailEnabled
            || f.resource_arn != side_trail));

    // Log groups: key, retention of a year, and six years for the groups trails feed.
    let trail_group = group_arn(&good, "/audit/trail");
    let side_group = group_arn(&good, "/audit/side");
    let plain = group_arn(&good, "/app/plain");
    let short = group_arn(&good, "/app/short");
    expect_finding(
        &report,
        ControlId::CloudWatchLogGroupEncrypted,
        &trail_group,
        Status::Pass,
    );
    expect_finding(
        &report,
        ControlId::CloudWatchLogGroupEncrypted,
        &plain,
        Status::Fail,
    );
    expect_finding(
        &report,
        ControlId::CwLogGroupRetentionPeriodCheck,
        &trail_group,
        Status::Pass,
    );
    expect_finding(
        &report,
        ControlId::CwLogGroupRetentionPeriodCheck,
        &side_group,
        Status::Pass,
    );
    expect_finding(
        &report,
        ControlId::CwLogGroupRetentionPeriodCheck,
        &short,
        Status::Fail,
    );
    expect_finding(
        &report,
        ControlId::CwLogGroupRetentionPeriodCheck,
        &plain,
        Status::Fail,
    );
    expect_finding(
        &report,
        ControlId::LogRetentionSixYears,
        &trail_group,
        Status::Pass,
    );
    expect_finding(
        &report,
        ControlId::LogRetentionSixYears,
        &side_group,
        Status::Fail,
    );

    // Alarms: actions enabled with an alarm and an insufficient-data action.
    let alarmed = arn_containing(
        &report,
        ControlId::CloudWatchAlarmActionCheck,
        "cis-RootAccountUsage",
    );
    let silent = arn_containing(&report, ControlId::CloudWatchAlarmActionCheck, "cpu-silent");
    expect_finding(
        &report,
        ControlId::CloudWatchAlarmActionCheck,
        &alarmed,
        Status::Pass,
    );
    expect_finding(
        &report,
        ControlId::CloudWatchAlarmActionCheck,
        &silent,
        Status::Fail,
    );

    let finding = report
        .finding(ControlId::CloudTrailEncryptionEnabled, &side_trail)
        .expect("finding");
    assert_eq!(
        finding.config_rule.as_deref(),
        Some("CLOUD_TRAIL_ENCRYPTION_ENABLED")
    );
    assert_eq!(
        finding.cdk_nag_rule.as_deref(),
        Some("HIPAA.Security-CloudTrailEncryptionEnabled")
    );
    assert!(finding.remediation.contains("AuditTrail"));
}

async fn config_role(account: &TestAccount) -> String {
    account
        .env
        .iam()
        .create_role()
        .role_name("config-recorder")
        .assume_role_policy_document(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"config.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
        )
        .send()
        .await
        .expect("role")
        .role
        .map(|role| role.arn)
        .expect("role arn")
}

async fn put_rule(
    config: &aws_sdk_config::Client,
    name: &str,
    identifier: &str,
    parameters: Option<String>,
    scope: &[String],
) {
    let mut rule = ConfigRule::builder().config_rule_name(name).source(
        Source::builder()
            .owner(Owner::Aws)
            .source_identifier(identifier)
            .build()
            .expect("source"),
    );
    if let Some(parameters) = parameters {
        rule = rule.input_parameters(parameters);
    }
    if !scope.is_empty() {
        rule = rule.scope(
            Scope::builder()
                .set_compliance_resource_types(Some(scope.to_vec()))
                .build(),
        );
    }
    config
        .put_config_rule()
        .config_rule(rule.build())
        .send()
        .await
        .unwrap_or_else(|error| panic!("rule {name}: {error:?}"));
}

#[tokio::test]
async fn audit_logging_config_security_hub_and_guardduty_pass_when_on_and_fail_when_off() {
    let (good, bare) = tokio::join!(account(), account());

    // The configured account: a recorder of everything through a role, delivering encrypted;
    // every rule of the HIPAA pack; Security Hub with its default standards; a detector
    // publishing every 15 minutes with S3 Protection.
    let config = aws_sdk_config::Client::new(&good.sdk_config);
    let role = config_role(&good).await;
    let config_bucket = bucket(&good, "config-history").await;
    let key = key_arn(&good).await;
    config
        .put_configuration_recorder()
        .configuration_recorder(
            ConfigurationRecorder::builder()
                .name("default")
                .role_arn(&role)
                .recording_group(
                    RecordingGroup::builder()
                        .all_supported(true)
                        .include_global_resource_types(true)
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .expect("recorder");
    config
        .put_delivery_channel()
        .delivery_channel(
            DeliveryChannel::builder()
                .name("default")
                .s3_bucket_name(&config_bucket)
                .s3_kms_key_arn(&key)
                .build(),
        )
        .send()
        .await
        .expect("channel");
    config
        .start_configuration_recorder()
        .configuration_recorder_name("default")
        .send()
        .await
        .expect("start recorder");
    for rule in hipaa_pack_rules() {
        let parameters = (!rule.parameters.is_empty())
            .then(|| serde_json::to_string(&rule.parameters).expect("parameters"));
        put_rule(
            &config,
            &rule.name,
            &rule.identifier,
            parameters,
            &rule.scope,
        )
        .await;
    }
    aws_sdk_securityhub::Client::new(&good.sdk_config)
        .enable_security_hub()
        .send()
        .await
        .expect("hub with the default standards (foundational, CIS 1.2)");
    aws_sdk_guardduty::Client::new(&good.sdk_config)
        .create_detector()
        .enable(true)
        .finding_publishing_frequency(FindingPublishingFrequency::FifteenMinutes)
        .features(
            DetectorFeatureConfiguration::builder()
                .name(DetectorFeature::S3DataEvents)
                .status(FeatureStatus::Enabled)
                .build(),
        )
        .send()
        .await
        .expect("detector");

    // The bare account, in us-east-1: a recorder of buckets only, never started, without a
    // channel; one rule of the pack; a hub without standards; a slow detector without S3
    // Protection. In us-west-2: nothing at all.
    let bare_config = aws_sdk_config::Client::new(&bare.sdk_config);
    let bare_role = config_role(&bare).await;
    bare_config
        .put_configuration_recorder()
        .configuration_recorder(
            ConfigurationRecorder::builder()
                .name("default")
                .role_arn(&bare_role)
                .recording_group(
                    RecordingGroup::builder()
                        .all_supported(false)
                        .resource_types(ResourceType::from("AWS::S3::Bucket"))
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .expect("partial recorder");
    put_rule(
        &bare_config,
        "restricted-ssh",
        "INCOMING_SSH_DISABLED",
        None,
        &[],
    )
    .await;
    aws_sdk_securityhub::Client::new(&bare.sdk_config)
        .enable_security_hub()
        .enable_default_standards(false)
        .send()
        .await
        .expect("hub without standards");
    let bare_detector = aws_sdk_guardduty::Client::new(&bare.sdk_config)
        .create_detector()
        .enable(true)
        .finding_publishing_frequency(FindingPublishingFrequency::SixHours)
        .features(
            DetectorFeatureConfiguration::builder()
                .name(DetectorFeature::S3DataEvents)
                .status(FeatureStatus::Disabled)
                .build(),
        )
        .send()
        .await
        .expect("slow detector")
        .detector_id
        .expect("detector id");

    let (report, bare_report) = tokio::join!(
        audit(&good.env, &[REGION], GOVERNANCE),
        audit(&bare.env, &[REGION, OTHER_REGION], GOVERNANCE)
    );

    let recorder = arn_containing(
        &report,
        ControlId::ConfigRecorderEnabled,
        "configuration-recorder",
    );
    let bare_recorder = arn_containing(
        &bare_report,
        ControlId::ConfigRecorderEnabled,
        "configuration-recorder",
    );
    expect_finding(
        &report,
        ControlId::ConfigRecorderEnabled,
        &recorder,
        Status::Pass,
    );
    expect_finding(
        &report,
        ControlId::ConfigDeliveryEncrypted,
        &recorder,
        Status::Pass,
    );
    expect_finding(
        &bare_report,
        ControlId::ConfigRecorderEnabled,
        &bare_recorder,
        Status::Fail,
    );
    expect_finding(
        &bare_report,
        ControlId::ConfigDeliveryEncrypted,
        &bare_recorder,
        Status::Fail,
    );
    expect_finding(
        &report,
        ControlId::ConfigHipaaRulesDeployed,
        &account_arn(&good),
        Status::Pass,
    );
    expect_finding(
        &bare_report,
        ControlId::ConfigHipaaRulesDeployed,
        &account_arn(&bare),
        Status::Fail,
    );

    let hub = arn_containing(&report, ControlId::SecurityHubEnabled, ":hub/");
    let bare_hub = arn_containing(&bare_report, ControlId::SecurityHubEnabled, ":hub/");
    expect_finding(&report, ControlId::SecurityHubEnabled, &hub, Status::Pass);
    expect_finding(
        &report,
        ControlId::SecurityHubStandardsSubscribed,
        &hub,
        Status::Pass,
    );
    expect_finding(
        &bare_report,
        ControlId::SecurityHubStandardsSubscribed,
        &bare_hub,
        Status::Fail,
    );

    let detector = arn_containing(
        &report,
        ControlId::GuardDutyEnabledCentralized,
        ":detector/",
    );
    let bare_detector = format!(
        "arn:aws:guardduty:{REGION}:{}:detector/{bare_detector}",
        bare.env.account_id()
    );
    expect_finding(
        &report,
        ControlId::GuardDutyEnabledCentralized,
        &detector,
        Status::Pass,
    );
    expect_finding(
        &report,
        ControlId::GuardDutyFindingsEvery15Minutes,
        &detector,
        Status::Pass,
    );
    expect_finding(
        &report,
        ControlId::GuardDutyS3Protection,
        &detector,
        Status::Pass,
    );
    expect_finding(
        &bare_report,
        ControlId::GuardDutyFindingsEvery15Minutes,
        &bare_detector,
        Status::Fail,
    );
    expect_finding(
        &bare_report,
        ControlId::GuardDutyS3Protection,
        &bare_detector,
        Status::Fail,
    );

    // A region with no recorder, hub or detector fails on the account.
    let bare_account = account_arn(&bare);
    for control in [
        ControlId::ConfigRecorderEnabled,
        ControlId::SecurityHubEnabled,
        ControlId::GuardDutyEnabledCentralized,
    ] {
        expect_finding_in(
            &bare_report,
            control,
            &bare_account,
            OTHER_REGION,
            Status::Fail,
        );
    }
}

#[tokio::test]
async fn audit_logging_a_denied_call_is_an_error_finding_never_a_pass() {
    let account = account().await;
    let logs_bucket = bucket(&account, "denied-trail-logs").await;
    trail(
        &account,
        &logs_bucket,
        TrailSpec {
            name: "denied-trail",
            multi_region: true,
            validation: true,
            key: None,
            log_group: None,
            logging: true,
            management_events: true,
            all_bucket_data_events: true,
        },
    )
    .await;
    // DescribeTrails is the only request whose body names shadow trails.
    let proxy = FaultProxy::start(
        &crate::support::endpoint().await.url(),
        FaultPlan::deny("includeShadowTrails"),
    )
    .expect("fault proxy");
    let config = account
        .sdk_config
        .clone()
        .into_builder()
        .endpoint_url(proxy.url())
        .build();
    let env = Environment::audit_builder()
        .sdk_config(config)
        .build()
        .await
        .expect("environment");
    let report = audit(&env, &[REGION], &[Service::CloudTrail, Service::CloudWatch]).await;
    // Without the trails, neither the trail controls nor the security alarms (which log groups?)
    // can be judged.
    let mut controls = vec![
        ControlId::CloudTrailEnabled,
        ControlId::MultiRegionCloudTrailEnabled,
        ControlId::CloudTrailS3DataEventsEnabled,
        ControlId::CloudTrailBedrockLogged,
    ];
    controls.extend(SecurityEvent::ALL.iter().map(|event| event.control()));
    for control in controls {
        expect_finding(&report, control, &account_arn(&account), Status::Error);
    }
    assert!(!report.passed());
}
