//! Continuous compliance: the AWS Config recorder and the HIPAA Config rules, Security Hub and
//! GuardDuty.
//!
//! - Bad specs are refused at `build()`, each with its control id and citation.
//! - Against the local endpoint: the recorder, its channel, its role and the rules are read back
//!   with the SDK, so are the GuardDuty detector and Security Hub; a second apply changes
//!   nothing; tampering is reported by verify and restored by apply; existing singletons are
//!   adopted; another stack's singletons are conflicts; destroy keeps them without consent.
//! - The Security Hub standards calls, which moto does not serve (the endpoint's compatibility
//!   layer emulates them, see `src/local/endpoint/emulations.py`), are also tested against recorded AWS
//!   responses (see the `recorded` module below).

use std::collections::BTreeMap;

use aws_sdk_config::types::{
    ConfigRule, ConfigurationRecorder, DeliveryChannel, Owner, RecordingGroup, ResourceType,
    Source, Tag,
};
use aws_sdk_guardduty::types::{
    DetectorFeature, DetectorFeatureConfiguration, FeatureStatus, FindingPublishingFrequency,
};
use hipaa_aws::construct::{Construct, LogicalId, ResourceKind};
use hipaa_aws::constructs::config::{
    evaluate_rules, hipaa_pack_rules, read_config_rules, read_recorder,
};
use hipaa_aws::constructs::guardduty::read_detector;
use hipaa_aws::constructs::securityhub::{read_security_hub, Standard};
use hipaa_aws::controls::Service;
use hipaa_aws::policy::PolicyDocument;
use hipaa_aws::prelude::*;
use hipaa_aws::stack::Removal;
use hipaa_aws::VerifyReport;

use crate::support::refusals::assert_refused;
use crate::support::{account, TestAccount};

// ------------------------------------------------------------------------------------------
// Specs refused at build()

fn log_bucket() -> LogBucket {
    let key = HipaaKey::builder().alias("logs").build().expect("key");
    LogBucket::builder()
        .name("acme-logs")
        .key(&key)
        .build()
        .expect("log bucket")
}

fn recorder() -> ConfigRecorder {
    ConfigRecorder::builder()
        .delivery_bucket(&log_bucket())
        .build()
        .expect("recorder")
}

#[test]
fn governance_recorder_retention_below_six_years_is_refused() {
    for days in [0, 30, 365, 2191] {
        let violations = assert_refused(
            &format!("retention {days}"),
            ConfigRecorder::builder()
                .delivery_bucket(&log_bucket())
                .retention_days(days)
                .build(),
            &[ControlId::LogRetentionSixYears],
        );
        assert!(violations.iter().all(|v| v.setting == "retention_days"));
    }
    let six_years = ConfigRecorder::builder()
        .delivery_bucket(&log_bucket())
        .retention_days(2192)
        .build()
        .expect("six years is accepted");
    assert_eq!(six_years.retention_days(), 2192);
}

#[test]
fn governance_recorder_retention_beyond_what_config_accepts_is_refused() {
    let violations = assert_refused(
        "retention 3650",
        ConfigRecorder::builder()
            .delivery_bucket(&log_bucket())
            .retention_days(3650)
            .build(),
        &[ControlId::ConfigRecorderEnabled],
    );
    assert!(violations.iter().all(|v| v.reason.contains("2557")));
}

#[test]
fn governance_delivery_prefixes_config_cannot_deliver_under_are_refused() {
    for prefix in [
        "/config",
        "config/",
        "a//b",
        "logs/AWSLogs",
        "",
        &"p".repeat(257),
    ] {
        let violations = assert_refused(
            &format!("prefix {prefix:?}"),
            ConfigRecorder::builder()
                .delivery_bucket(&log_bucket())
                .key_prefix(prefix)
                .build(),
            &[ControlId::ConfigRecorderEnabled],
        );
        assert!(violations.iter().all(|v| v.setting == "key_prefix"));
    }
    let fine = ConfigRecorder::builder()
        .delivery_bucket(&log_bucket())
        .key_prefix("config/prod")
        .build()
        .expect("a plain prefix is accepted");
    assert_eq!(fine.key_prefix(), Some("config/prod"));
}

#[test]
fn governance_recorder_and_channel_names_config_refuses_are_refused() {
    let violations = assert_refused(
        "names",
        ConfigRecorder::builder()
            .delivery_bucket(&log_bucket())
            .name("my recorder")
            .channel_name("c".repeat(300))
            .build(),
        &[ControlId::ConfigRecorderEnabled],
    );
    let settings: Vec<&str> = violations.iter().map(|v| v.setting.as_str()).collect();
    assert_eq!(settings, ["name", "channel_name"]);
}

#[test]
fn governance_every_recorder_violation_is_reported_at_once() {
    let violations = assert_refused(
        "three problems",
        ConfigRecorder::builder()
            .delivery_bucket(&log_bucket())
            .name("")
            .key_prefix("/x/")
            .retention_days(90)
            .build(),
        &[
            ControlId::ConfigRecorderEnabled,
            ControlId::LogRetentionSixYears,
        ],
    );
    assert_eq!(violations.len(), 3, "{violations}");
}

#[test]
fn governance_rules_cannot_drop_the_services_every_stack_needs() {
    for dropped in [
        Service::S3,
        Service::Kms,
        Service::Iam,
        Service::CloudTrail,
        Service::SecurityHub,
        Service::GuardDuty,
    ] {
        let kept: Vec<Service> = hipaa_aws::constructs::config::REQUIRED_SERVICES
            .iter()
            .copied()
            .filter(|service| *service != dropped)
            .collect();
        let violations = assert_refused(
            &format!("without {dropped}"),
            HipaaConfigRules::builder()
                .recorder(&recorder())
                .services(kept)
                .build(),
            &[ControlId::ConfigHipaaRulesDeployed],
        );
        assert!(violations
            .iter()
            .all(|v| v.setting == "services" && v.reason.contains(&dropped.to_string())));
    }
    assert_refused(
        "no services",
        HipaaConfigRules::builder()
            .recorder(&recorder())
            .services([])
            .build(),
        &[ControlId::ConfigHipaaRulesDeployed],
    );
}

#[test]
fn governance_rules_cannot_drop_the_services_of_the_stacks_resources() {
    let required = hipaa_aws::constructs::config::REQUIRED_SERVICES.to_vec();
    let database = ResourceKind::new("AWS::RDS::DBInstance", "encrypted database");
    let vpc = ResourceKind::new("AWS::EC2::VPC", "vpc");
    let violations = assert_refused(
        "a database and a vpc without their rules",
        HipaaConfigRules::builder()
            .recorder(&recorder())
            .services(required.clone())
            .covering([database, vpc, log_bucket().kind()])
            .build(),
        &[ControlId::ConfigHipaaRulesDeployed],
    );
    let reason = &violations.as_slice()[0].reason;
    assert!(reason.contains("AWS::RDS::DBInstance (RDS)"), "{reason}");
    assert!(reason.contains("AWS::EC2::VPC (EC2/VPC)"), "{reason}");
    // Narrowed to exactly what the stack holds: accepted, and smaller than the whole pack.
    let mut with_rds = required;
    with_rds.push(Service::Rds);
    let narrowed = HipaaConfigRules::builder()
        .recorder(&recorder())
        .services(with_rds)
        .covering([database, log_bucket().kind()])
        .build()
        .expect("narrowed to the stack");
    assert!(narrowed.rules().len() < hipaa_pack_rules().len());
    assert!(narrowed
        .rules()
        .iter()
        .any(|rule| rule.name == "rds-storage-encrypted"));
    assert!(!narrowed
        .rules()
        .iter()
        .any(|rule| rule.name == "restricted-ssh"));
}

#[test]
fn governance_rule_parameters_weaker_than_the_pack_are_refused() {
    let build = |age: u32, unused: u32, length: u32, password_age: u32| {
        HipaaConfigRules::builder()
            .recorder(&recorder())
            .max_access_key_age_days(age)
            .max_credential_unused_days(unused)
            .minimum_password_length(length)
            .max_password_age_days(password_age)
            .build()
    };
    assert_refused(
        "access keys a year old",
        build(365, 90, 14, 90),
        &[ControlId::AccessKeysRotated],
    );
    assert_refused(
        "access keys 0 days old",
        build(0, 90, 14, 90),
        &[ControlId::AccessKeysRotated],
    );
    assert_refused(
        "credentials unused half a year",
        build(90, 180, 14, 90),
        &[ControlId::IamUserUnusedCredentialsCheck],
    );
    assert_refused(
        "8-character passwords",
        build(90, 90, 8, 90),
        &[ControlId::IamPasswordPolicy],
    );
    let violations = assert_refused(
        "passwords a year old and 200 long",
        build(90, 90, 200, 365),
        &[ControlId::IamPasswordPolicy],
    );
    assert_eq!(violations.len(), 2);
    // Stricter values are accepted and deployed as the rule parameters.
    let strict = build(45, 30, 16, 60).expect("stricter than the pack");
    let parameters = |name: &str| {
        strict
            .rules()
            .iter()
            .find(|rule| rule.name == name)
            .map(|rule| rule.parameters.clone())
            .unwrap_or_default()
    };
    assert_eq!(parameters("access-keys-rotated")["maxAccessKeyAge"], "45");
    assert_eq!(
        parameters("iam-user-unused-credentials-check")["maxCredentialUsageAge"],
        "30"
    );
    assert_eq!(
        parameters("iam-password-policy")["MinimumPasswordLength"],
        "16"
    );
    assert_eq!(parameters("iam-password-policy")["MaxPasswordAge"], "60");
    assert_eq!(
        parameters("iam-password-policy")["PasswordReusePrevention"],
        "24"
    );
}

#[test]
fn governance_authorized_vpc_ids_that_are_not_vpc_ids_are_refused() {
    let violations = assert_refused(
        "bad vpc ids",
        HipaaConfigRules::builder()
            .recorder(&recorder())
            .authorized_vpc_ids(["vpc-0a1b2c3d", "subnet-0a1b2c3d", "vpc-zz"])
            .build(),
        &[ControlId::InternetGatewayAuthorizedVpcOnly],
    );
    assert!(violations.as_slice()[0].reason.contains("subnet-0a1b2c3d"));
    let allowed = HipaaConfigRules::builder()
        .recorder(&recorder())
        .authorized_vpc_ids(["vpc-0a1b2c3d", "vpc-0a1b2c3d4e5f60718"])
        .build()
        .expect("vpc ids");
    let rule = allowed
        .rules()
        .iter()
        .find(|rule| rule.name == "internet-gateway-authorized-vpc-only")
        .expect("rule");
    assert_eq!(
        rule.parameters["AuthorizedVpcIds"],
        "vpc-0a1b2c3d,vpc-0a1b2c3d4e5f60718"
    );
}

#[test]
fn governance_the_whole_pack_is_deployed_with_its_parameters_by_default() {
    let rules = HipaaConfigRules::builder()
        .recorder(&recorder())
        .build()
        .expect("rules");
    assert_eq!(rules.rules().len(), 74);
    let restricted = rules
        .rules()
        .iter()
        .find(|rule| rule.name == "restricted-common-ports")
        .expect("restricted-common-ports");
    assert_eq!(restricted.identifier, "RESTRICTED_INCOMING_TRAFFIC");
    assert_eq!(restricted.scope, ["AWS::EC2::SecurityGroup"]);
    let ports: Vec<&str> = restricted.parameters.values().map(String::as_str).collect();
    assert_eq!(ports, ["20", "21", "3389", "3306", "4333"]);
    // Rules the pack dropped are not deployed.
    assert!(!rules
        .rules()
        .iter()
        .any(|rule| rule.identifier == "GUARDDUTY_NON_ARCHIVED_FINDINGS"));
}

// ------------------------------------------------------------------------------------------
// Against the local endpoint

struct Governance {
    stack: Stack,
    logs: String,
    key_alias: String,
}

const RECORDER_ID: &str = "config-recorder/default";
const RULES_ID: &str = "config-rules/hipaa-security";
const HUB_ID: &str = "security-hub/default";
const DETECTOR_ID: &str = "guardduty-detector/default";

fn id(text: &str) -> LogicalId {
    let (kind, name) = text.split_once('/').unwrap_or((text, ""));
    LogicalId::new(kind, name)
}

fn governance(account: &TestAccount, stack_name: &str, logs_stem: &str) -> Governance {
    let key = HipaaKey::builder()
        .alias(format!("{logs_stem}-{}", account.suffix))
        .build()
        .expect("key");
    let logs = LogBucket::builder()
        .name(account.bucket(logs_stem))
        .key(&key)
        .build()
        .expect("log bucket");
    let recorder = ConfigRecorder::builder()
        .delivery_bucket(&logs)
        .snapshot_frequency(SnapshotFrequency::SixHours)
        .build()
        .expect("recorder");
    let rules = HipaaConfigRules::builder()
        .recorder(&recorder)
        .covering([logs.kind(), key.kind()])
        .build()
        .expect("rules");

    Governance {
        logs: logs.name().to_string(),
        key_alias: key.alias().to_string(),
        stack: Stack::builder(stack_name)
            .with(key)
            .with(logs)
            .with(recorder)
            .with(rules)
            .with(SecurityHub::builder().build().expect("hub"))
            .with(
                ThreatDetection::builder()
                    .protections([GuardDutyProtection::RdsLoginEvents])
                    .build()
                    .expect("detector"),
            )
            .build()
            .expect("stack"),
    }
}

fn config_client(account: &TestAccount) -> aws_sdk_config::Client {
    aws_sdk_config::Client::new(&account.sdk_config)
}

fn guardduty_client(account: &TestAccount) -> aws_sdk_guardduty::Client {
    aws_sdk_guardduty::Client::new(&account.sdk_config)
}

fn securityhub_client(account: &TestAccount) -> aws_sdk_securityhub::Client {
    aws_sdk_securityhub::Client::new(&account.sdk_config)
}

async fn key_arn(account: &TestAccount, alias: &str) -> String {
    account
        .kms()
        .describe_key()
        .key_id(alias)
        .send()
        .await
        .expect("describe key")
        .key_metadata
        .expect("metadata")
        .arn
        .expect("arn")
}

fn failures(report: &VerifyReport, resource: &str) -> Vec<(ControlId, String)> {
    report
        .resource(&id(resource))
        .unwrap_or_else(|| panic!("{resource} not in the report"))
        .checks
        .iter()
        .filter(|check| matches!(check.status, Status::Fail | Status::Error))
        .map(|check| (check.control, check.setting.clone()))
        .collect()
}

#[tokio::test]
async fn governance_applies_reads_back_every_setting_reapplies_nothing_and_verifies() {
    let account = account().await;
    let env = &account.env;
    let g = governance(&account, "governance", "gov-logs");

    let plan = g.stack.plan(env).await.expect("plan");
    assert_eq!(plan.count(Action::Create), 6, "{plan}");
    assert_eq!(plan.api_calls.mutating(), 0, "{:?}", plan.api_calls);
    let applied = g.stack.apply(env).await.expect("apply");
    assert_eq!(applied.count(Action::Create), 6, "{applied}");
    // Rules are put with their tags and not read back one by one; IAM tags come with GetRole
    // and GetPolicy.
    for operation in [
        "config service:ListTagsForResource",
        "iam:ListRoleTags",
        "iam:ListPolicyTags",
    ] {
        assert_eq!(
            applied.api_calls.calls.get(operation),
            None,
            "{operation} in a first apply: {:?}",
            applied.api_calls.calls
        );
    }
    assert!(
        applied
            .api_calls
            .calls
            .get("config service:PutConfigRule")
            .is_some_and(|puts| *puts > 0),
        "{:?}",
        applied.api_calls.calls
    );
    let key = key_arn(&account, &g.key_alias).await;

    // The recorder, read back with the SDK.
    let config = config_client(&account);
    let recorders = config
        .describe_configuration_recorders()
        .send()
        .await
        .expect("recorders");
    let [recorder] = recorders.configuration_recorders() else {
        panic!("one recorder expected: {recorders:?}");
    };
    assert_eq!(recorder.name(), Some("default"));
    let role = recorder.role_arn().expect("role");
    assert!(
        role.contains(":role/aws-service-role/config.amazonaws.com/"),
        "{role}"
    );
    let group = recorder.recording_group().expect("group");
    assert!(group.all_supported());
    assert!(group.include_global_resource_types());
    let status = config
        .describe_configuration_recorder_status()
        .send()
        .await
        .expect("status");
    assert!(status.configuration_recorders_status()[0].recording());
    let roles = account_iam(&account)
        .list_roles()
        .path_prefix("/aws-service-role/config.amazonaws.com/")
        .send()
        .await
        .expect("roles");
    assert_eq!(
        roles.roles().len(),
        1,
        "the service-linked role exists once"
    );
    assert_eq!(roles.roles()[0].arn(), role);

    // The delivery channel: the log bucket, encrypted with its key.
    let channels = config
        .describe_delivery_channels()
        .send()
        .await
        .expect("channels");
    let [channel] = channels.delivery_channels() else {
        panic!("one channel expected");
    };
    assert_eq!(channel.s3_bucket_name(), Some(g.logs.as_str()));
    assert_eq!(channel.s3_kms_key_arn(), Some(key.as_str()));
    assert_eq!(
        channel
            .config_snapshot_delivery_properties()
            .and_then(|p| p.delivery_frequency())
            .map(|f| f.as_str()),
        Some("Six_Hours")
    );
    let retention = config
        .describe_retention_configurations()
        .send()
        .await
        .expect("retention");
    // Seven years is the service default: no retention configuration is needed for it.
    assert!(retention
        .retention_configurations()
        .iter()
        .all(|r| r.retention_period_in_days() == 2557));

    // The log bucket and its key let Config deliver, for this account only.
    let policy = account
        .s3()
        .get_bucket_policy()
        .bucket(&g.logs)
        .send()
        .await
        .expect("bucket policy");
    let policy = PolicyDocument::from_json(policy.policy().expect("text")).expect("parses");
    let delivery = policy.statement("AllowConfigDelivery").expect("delivery");
    assert_eq!(
        delivery.resources,
        [format!(
            "arn:aws:s3:::{}/AWSLogs/{}/Config/*",
            g.logs,
            env.account_id()
        )]
    );
    assert_eq!(
        delivery.condition_values("StringEquals", "aws:SourceAccount"),
        Some(&[env.account_id().to_string()][..])
    );
    assert!(policy.statement("AllowConfigBucketAclCheck").is_some());
    assert!(policy
        .statement("AllowConfigBucketExistenceCheck")
        .is_some());
    let key_policy = account
        .kms()
        .get_key_policy()
        .key_id(&key)
        .policy_name("default")
        .send()
        .await
        .expect("key policy");
    let key_policy = PolicyDocument::from_json(key_policy.policy().expect("text")).expect("parses");
    let key_use = key_policy
        .statement("AllowConfigDeliveryEncryption")
        .expect("config may use the key");
    assert_eq!(
        key_use
            .principal
            .as_ref()
            .map(|p| p.values("Service").to_vec()),
        Some(vec!["config.amazonaws.com".to_string()])
    );

    // The rules: the whole pack, with its parameters, tagged.
    let rules = read_config_rules(env).await.expect("rules");
    assert_eq!(rules.rules.len(), 74);
    let password = &rules.rules["iam-password-policy"];
    assert_eq!(password.owner, "AWS");
    assert_eq!(password.source_identifier, "IAM_PASSWORD_POLICY");
    assert_eq!(password.parameters["MinimumPasswordLength"], "14");
    assert_eq!(password.parameters["PasswordReusePrevention"], "24");
    assert_eq!(
        rules.rules["restricted-ssh"].scope,
        ["AWS::EC2::SecurityGroup"]
    );
    let tags = config
        .list_tags_for_resource()
        .resource_arn(password.arn.as_deref().expect("arn"))
        .send()
        .await
        .expect("rule tags");
    assert!(tags
        .tags()
        .iter()
        .any(|t| t.key() == Some("hipaa-aws:stack") && t.value() == Some("governance")));
    assert!(evaluate_rules(&rules, &hipaa_pack_rules())
        .iter()
        .all(|check| check.status == Status::Pass));

    // The detector: enabled, 15 minutes, S3 Protection and RDS login events, tagged.
    let guardduty = guardduty_client(&account);
    let detectors = guardduty.list_detectors().send().await.expect("detectors");
    let [detector_id] = detectors.detector_ids() else {
        panic!("one detector expected");
    };
    let detector = guardduty
        .get_detector()
        .detector_id(detector_id)
        .send()
        .await
        .expect("detector");
    assert_eq!(detector.status().map(|s| s.as_str()), Some("ENABLED"));
    assert_eq!(
        detector.finding_publishing_frequency().map(|f| f.as_str()),
        Some("FIFTEEN_MINUTES")
    );
    let features: BTreeMap<String, String> = detector
        .features()
        .iter()
        .filter_map(|f| {
            Some((
                f.name()?.as_str().to_string(),
                f.status()?.as_str().to_string(),
            ))
        })
        .collect();
    assert_eq!(features["S3_DATA_EVENTS"], "ENABLED");
    assert_eq!(features["RDS_LOGIN_EVENTS"], "ENABLED");
    assert_eq!(
        detector
            .tags()
            .and_then(|t| t.get("hipaa-aws:logical-id"))
            .map(String::as_str),
        Some(DETECTOR_ID)
    );

    // Security Hub: enabled (served by moto) with both standards (emulated by the endpoint's
    // compatibility layer: moto does not serve the standards calls).
    let securityhub = securityhub_client(&account);
    let hub = securityhub.describe_hub().send().await.expect("hub");
    assert!(hub.hub_arn().is_some());
    let standards = securityhub
        .get_enabled_standards()
        .send()
        .await
        .expect("standards (emulated)");
    let arns: Vec<&str> = standards
        .standards_subscriptions()
        .iter()
        .filter_map(|s| s.standards_arn())
        .collect();
    assert_eq!(
        arns,
        [
            "arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0",
            "arn:aws:securityhub:us-east-1::standards/cis-aws-foundations-benchmark/v/3.0.0",
        ],
        "exactly the two standards, not AWS's default set"
    );

    // A second plan is empty, a second apply makes no mutating call.
    let again = g.stack.plan(env).await.expect("second plan");
    assert!(again.is_empty(), "second plan is not empty:\n{again}");
    let reapplied = g.stack.apply(env).await.expect("second apply");
    assert_eq!(
        reapplied.api_calls.mutating(),
        0,
        "second apply mutated: {:?}",
        reapplied.api_calls.mutating_operations()
    );
    assert_eq!(reapplied.count(Action::NoChange), 6);

    // Verify passes every control it judges, the governance ones included.
    let report = g.stack.verify(env).await.expect("verify");
    assert!(report.passed(), "{report}");
    for control in [
        ControlId::ConfigRecorderEnabled,
        ControlId::ConfigDeliveryEncrypted,
        ControlId::ConfigHipaaRulesDeployed,
        ControlId::LogRetentionSixYears,
        ControlId::SecurityHubEnabled,
        ControlId::SecurityHubStandardsSubscribed,
        ControlId::GuardDutyEnabledCentralized,
        ControlId::GuardDutyFindingsEvery15Minutes,
        ControlId::GuardDutyS3Protection,
        ControlId::ManagedResourceTagged,
    ] {
        assert!(
            report
                .checks()
                .any(|(_, check)| check.control == control && check.status == Status::Pass),
            "{control} not judged passing:\n{report}"
        );
    }
}

fn account_iam(account: &TestAccount) -> aws_sdk_iam::Client {
    aws_sdk_iam::Client::new(&account.sdk_config)
}

async fn cis_subscription_arn(account: &TestAccount) -> String {
    securityhub_client(account)
        .get_enabled_standards()
        .send()
        .await
        .expect("standards")
        .standards_subscriptions()
        .iter()
        .find(|s| {
            s.standards_arn()
                .is_some_and(|arn| arn.contains("cis-aws-foundations-benchmark"))
        })
        .and_then(|s| s.standards_subscription_arn())
        .expect("cis subscription")
        .to_string()
}

#[tokio::test]
async fn governance_tampering_is_reported_by_verify_and_restored_by_apply() {
    let account = account().await;
    let env = &account.env;
    let g = governance(&account, "tampered", "tamper-logs");
    g.stack.apply(env).await.expect("apply");
    assert!(g.stack.verify(env).await.expect("verify").passed());

    // Behind the library's back: recording stopped, the channel deleted and the retention cut
    // to 30 days, one rule deleted
    // and another weakened, GuardDuty disabled and slowed with S3 Protection off, and the CIS
    // standard unsubscribed.
    let config = config_client(&account);
    config
        .stop_configuration_recorder()
        .configuration_recorder_name("default")
        .send()
        .await
        .expect("stop");
    config
        .delete_delivery_channel()
        .delivery_channel_name("default")
        .send()
        .await
        .expect("delete channel");
    config
        .put_retention_configuration()
        .retention_period_in_days(30)
        .send()
        .await
        .expect("shorten retention");
    config
        .delete_config_rule()
        .config_rule_name("s3-bucket-ssl-requests-only")
        .send()
        .await
        .expect("delete rule");
    config
        .put_config_rule()
        .config_rule(
            ConfigRule::builder()
                .config_rule_name("access-keys-rotated")
                .source(
                    Source::builder()
                        .owner(Owner::Aws)
                        .source_identifier("ACCESS_KEYS_ROTATED")
                        .build()
                        .expect("source"),
                )
                .input_parameters(r#"{"maxAccessKeyAge":"365"}"#)
                .build(),
        )
        .send()
        .await
        .expect("weaken rule");
    let guardduty = guardduty_client(&account);
    let detector_id = guardduty
        .list_detectors()
        .send()
        .await
        .expect("list")
        .detector_ids()[0]
        .clone();
    guardduty
        .update_detector()
        .detector_id(&detector_id)
        .enable(false)
        .finding_publishing_frequency(FindingPublishingFrequency::SixHours)
        .features(
            DetectorFeatureConfiguration::builder()
                .name(DetectorFeature::S3DataEvents)
                .status(FeatureStatus::Disabled)
                .build(),
        )
        .send()
        .await
        .expect("weaken detector");
    securityhub_client(&account)
        .batch_disable_standards()
        .standards_subscription_arns(cis_subscription_arn(&account).await)
        .send()
        .await
        .expect("unsubscribe CIS (emulated)");

    let report = g.stack.verify(env).await.expect("verify");
    assert!(!report.passed());
    let recorder = failures(&report, RECORDER_ID);
    for expected in [
        (ControlId::ConfigRecorderEnabled, "recording"),
        (ControlId::ConfigRecorderEnabled, "delivery.bucket"),
        (ControlId::ConfigDeliveryEncrypted, "delivery.kms_key"),
        (ControlId::LogRetentionSixYears, "retention_days"),
    ] {
        assert!(
            recorder.contains(&(expected.0, expected.1.to_string())),
            "{expected:?} not reported: {recorder:?}\n{report}"
        );
    }
    let rules_failed = report
        .resource(&id(RULES_ID))
        .expect("rules")
        .checks
        .iter()
        .find(|check| check.control == ControlId::ConfigHipaaRulesDeployed)
        .expect("rules check");
    assert_eq!(rules_failed.status, Status::Fail);
    assert!(
        rules_failed.reason.contains("s3-bucket-ssl-requests-only"),
        "{}",
        rules_failed.reason
    );
    assert!(
        rules_failed.reason.contains("access-keys-rotated"),
        "{}",
        rules_failed.reason
    );
    let detector = failures(&report, DETECTOR_ID);
    for expected in [
        (ControlId::GuardDutyEnabledCentralized, "status"),
        (
            ControlId::GuardDutyFindingsEvery15Minutes,
            "finding_publishing_frequency",
        ),
        (ControlId::GuardDutyS3Protection, "features.S3_DATA_EVENTS"),
    ] {
        assert!(
            detector.contains(&(expected.0, expected.1.to_string())),
            "{expected:?} not reported: {detector:?}"
        );
    }
    assert!(failures(&report, HUB_ID).contains(&(
        ControlId::SecurityHubStandardsSubscribed,
        "standards.cis-aws-foundations-benchmark/v/3.0.0".to_string()
    )));
    let printed = report.to_string();
    assert!(
        printed.contains("HIPAA_AWS_GUARDDUTY_S3_PROTECTION"),
        "{printed}"
    );
    assert!(printed.contains("45 CFR 164.312(b)"), "{printed}");

    // Plan shows the restoration of each resource; apply restores; verify passes again.
    let plan = g.stack.plan(env).await.expect("plan");
    for resource in [RECORDER_ID, RULES_ID, HUB_ID, DETECTOR_ID] {
        let planned = plan.resource(&id(resource)).expect("planned");
        assert_eq!(planned.action, Action::Update, "{resource}\n{plan}");
    }
    g.stack.apply(env).await.expect("restore");
    let restored = g.stack.verify(env).await.expect("verify");
    assert!(restored.passed(), "{restored}");
    let again = g.stack.plan(env).await.expect("plan after restore");
    assert!(again.is_empty(), "{again}");
}

#[tokio::test]
async fn governance_existing_singletons_are_adopted_and_brought_to_the_settings() {
    let account = account().await;
    let env = &account.env;
    // What an account may already have: a recorder of another name recording only buckets
    // through a hand-made role, delivering unencrypted to another (untagged) bucket; a slow
    // detector without S3 Protection; Security Hub with AWS's default standards; and one rule
    // of the pack.
    let old_bucket = account.bucket("preexisting-config");
    account
        .s3()
        .create_bucket()
        .bucket(&old_bucket)
        .send()
        .await
        .expect("old bucket");
    let config = config_client(&account);
    config
        .put_configuration_recorder()
        .configuration_recorder(
            ConfigurationRecorder::builder()
                .name("existing")
                .role_arn(format!(
                    "arn:aws:iam::{}:role/hand-made-config-role",
                    env.account_id()
                ))
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
        .expect("old recorder");
    config
        .put_delivery_channel()
        .delivery_channel(
            DeliveryChannel::builder()
                .name("existing-channel")
                .s3_bucket_name(&old_bucket)
                .build(),
        )
        .send()
        .await
        .expect("old channel");
    config
        .put_config_rule()
        .config_rule(
            ConfigRule::builder()
                .config_rule_name("restricted-ssh")
                .source(
                    Source::builder()
                        .owner(Owner::Aws)
                        .source_identifier("INCOMING_SSH_DISABLED")
                        .build()
                        .expect("source"),
                )
                .build(),
        )
        .send()
        .await
        .expect("old rule");
    let guardduty = guardduty_client(&account);
    let old_detector = guardduty
        .create_detector()
        .enable(true)
        .finding_publishing_frequency(FindingPublishingFrequency::SixHours)
        .send()
        .await
        .expect("old detector")
        .detector_id
        .expect("id");
    let securityhub = securityhub_client(&account);
    securityhub
        .enable_security_hub()
        .send()
        .await
        .expect("hub with default standards");

    let before = read_recorder(env).await.expect("read").expect("recorder");
    assert_eq!(before.name, "existing");
    let g = governance(&account, "adopter", "adopt-logs");
    let plan = g.stack.plan(env).await.expect("plan");
    for resource in [RECORDER_ID, RULES_ID, HUB_ID, DETECTOR_ID] {
        assert_eq!(
            plan.resource(&id(resource)).expect("planned").action,
            Action::Update,
            "{resource} is adopted, not made again\n{plan}"
        );
    }
    g.stack.apply(env).await.expect("apply");
    let report = g.stack.verify(env).await.expect("verify");
    assert!(report.passed(), "{report}");

    let recorder = read_recorder(env).await.expect("read").expect("recorder");
    assert_eq!(recorder.name, "existing", "the recorder keeps its name");
    assert!(recorder.recording);
    assert!(recorder.recording_group.records_everything());
    assert!(recorder
        .role
        .as_ref()
        .is_some_and(|role| role.service_linked));
    let channel = recorder.delivery_channel.expect("channel");
    assert_eq!(
        channel.name, "existing-channel",
        "the channel keeps its name"
    );
    assert_eq!(channel.bucket, g.logs);
    assert_eq!(
        channel.kms_key_arn,
        Some(key_arn(&account, &g.key_alias).await)
    );
    let detector = read_detector(env).await.expect("read").expect("detector");
    assert_eq!(
        detector.detector_id, old_detector,
        "the detector is the same"
    );
    assert_eq!(detector.finding_publishing_frequency, "FIFTEEN_MINUTES");
    let hub = read_security_hub(env).await.expect("read").expect("hub");
    let hipaa_aws::constructs::securityhub::StandardsView::Read(standards) = hub.standards else {
        panic!("standards unreadable");
    };
    let keys: Vec<&String> = standards.keys().collect();
    assert_eq!(
        keys,
        [
            "aws-foundational-security-best-practices/v/1.0.0",
            "cis-aws-foundations-benchmark/v/1.2.0",
            "cis-aws-foundations-benchmark/v/3.0.0",
        ],
        "the account's own subscriptions are left alone"
    );
    let again = g.stack.plan(env).await.expect("plan again");
    assert!(again.is_empty(), "{again}");
}

#[tokio::test]
async fn governance_another_stacks_singletons_are_conflicts_not_takeovers() {
    let account = account().await;
    let env = &account.env;
    let owner = governance(&account, "owner", "owner-logs");
    owner.stack.apply(env).await.expect("apply");

    let detector_only = Stack::builder("intruder")
        .with(ThreatDetection::builder().build().expect("detector"))
        .build()
        .expect("stack");
    let hub_only = Stack::builder("intruder")
        .with(SecurityHub::builder().build().expect("hub"))
        .build()
        .expect("stack");
    let other = governance(&account, "intruder", "intruder-logs");
    for (what, stack) in [
        ("detector", &detector_only),
        ("hub", &hub_only),
        ("recorder", &other.stack),
    ] {
        let error = stack
            .plan(env)
            .await
            .expect_err("another stack's singleton must not be adopted");
        assert!(matches!(error, Error::Conflict { .. }), "{what}: {error}");
        assert!(error.to_string().contains("\"owner\""), "{what}: {error}");
    }
}

#[tokio::test]
async fn governance_a_rule_of_the_same_name_that_is_another_rule_is_a_conflict() {
    let account = account().await;
    let env = &account.env;
    config_client(&account)
        .put_config_rule()
        .config_rule(
            ConfigRule::builder()
                .config_rule_name("restricted-common-ports")
                .source(
                    Source::builder()
                        .owner(Owner::Aws)
                        .source_identifier("INCOMING_SSH_DISABLED")
                        .build()
                        .expect("source"),
                )
                .build(),
        )
        .tags(Tag::builder().key("team").value("network").build())
        .send()
        .await
        .expect("someone else's rule");
    let g = governance(&account, "rules", "rules-logs");
    let error = g.stack.plan(env).await.expect_err("conflict");
    assert!(matches!(error, Error::Conflict { .. }), "{error}");
    assert!(
        error.to_string().contains("restricted-common-ports"),
        "{error}"
    );
}

#[tokio::test]
async fn governance_destroy_keeps_the_singletons_unless_each_is_named() {
    let account = account().await;
    let env = &account.env;
    let g = governance(&account, "teardown", "teardown-logs");
    g.stack.apply(env).await.expect("apply");

    let kept = g
        .stack
        .destroy(env, &DestroyOptions::new())
        .await
        .expect("destroy without consent");
    for resource in [RECORDER_ID, RULES_ID, HUB_ID, DETECTOR_ID] {
        assert!(
            matches!(
                kept.resource(&id(resource)).expect("listed").removal,
                Removal::Kept(_)
            ),
            "{resource} deleted without consent\n{kept}"
        );
    }
    assert!(read_recorder(env).await.expect("read").is_some());

    let mut consent = DestroyOptions::new();
    for resource in [RECORDER_ID, RULES_ID, HUB_ID, DETECTOR_ID] {
        consent = consent.consent_to(resource);
    }
    let destroyed = g.stack.destroy(env, &consent).await.expect("destroy");
    for resource in [RECORDER_ID, RULES_ID, HUB_ID, DETECTOR_ID] {
        assert_eq!(
            destroyed.resource(&id(resource)).expect("listed").removal,
            Removal::Deleted,
            "{resource}\n{destroyed}"
        );
    }
    assert!(read_recorder(env).await.expect("read").is_none());
    assert!(read_detector(env).await.expect("read").is_none());
    assert!(read_security_hub(env).await.expect("read").is_none());
    let rules = read_config_rules(env).await.expect("read");
    assert!(rules.rules.is_empty(), "{:?}", rules.rules.keys());
    // The log bucket holds the delivered history and stays.
    assert!(matches!(
        destroyed
            .resource(&id(&format!("s3-bucket/{}", g.logs)))
            .expect("listed")
            .removal,
        Removal::Kept(_)
    ));
}

// ------------------------------------------------------------------------------------------
// Security Hub standards against recorded AWS responses

/// The local endpoint (moto) does not serve Security Hub's standards calls, so these tests run
/// the `SecurityHub` construct, through an `Environment` and a `Stack`, against recorded AWS
/// responses: the HTTP answers Security Hub (and STS) give, in their wire format, transcribed
/// from the API reference. An HTTP client in the process answers every request from those
/// recordings and records what was sent; nothing leaves the process.
mod recorded {
    use std::collections::VecDeque;
    use std::sync::{Arc, Mutex};

    use aws_config::retry::RetryConfig;
    use aws_config::{BehaviorVersion, Region};
    use aws_sdk_sts::config::Credentials;
    use aws_smithy_runtime_api::client::http::{
        HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpConnector,
    };
    use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
    use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
    use aws_smithy_runtime_api::http::StatusCode;
    use aws_smithy_types::body::SdkBody;
    use hipaa_aws::construct::LogicalId;
    use hipaa_aws::constructs::securityhub::{
        evaluate_security_hub, read_security_hub, CisVersion, Standard, StandardsView,
    };
    use hipaa_aws::prelude::*;

    pub const ACCOUNT: &str = "111122223333";
    const HUB_ARN: &str = "arn:aws:securityhub:us-east-1:111122223333:hub/default";
    const FSBP_ARN: &str =
        "arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0";
    const CIS_ARN: &str =
        "arn:aws:securityhub:us-east-1::standards/cis-aws-foundations-benchmark/v/3.0.0";

    /// One recorded answer.
    #[derive(Debug, Clone)]
    pub struct Answer {
        status: u16,
        content_type: &'static str,
        error_type: Option<&'static str>,
        body: String,
    }

    pub fn json(body: &str) -> Answer {
        Answer {
            status: 200,
            content_type: "application/json",
            error_type: None,
            body: body.to_string(),
        }
    }

    pub fn error(status: u16, error_type: &'static str, message: &str) -> Answer {
        Answer {
            status,
            content_type: "application/json",
            error_type: Some(error_type),
            body: format!(r#"{{"Code":"{error_type}","Message":"{message}"}}"#),
        }
    }

    fn caller_identity() -> Answer {
        Answer {
            status: 200,
            content_type: "text/xml",
            error_type: None,
            body: format!(
                "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
                 <GetCallerIdentityResult><Arn>arn:aws:iam::{ACCOUNT}:user/auditor</Arn>\
                 <UserId>AIDASAMPLEUSERID</UserId><Account>{ACCOUNT}</Account></GetCallerIdentityResult>\
                 <ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata>\
                 </GetCallerIdentityResponse>"
            ),
        }
    }

    /// A request as sent.
    #[derive(Debug, Clone)]
    pub struct Sent {
        pub method: String,
        pub path: String,
        pub body: String,
    }

    #[derive(Debug, Default)]
    struct Recording {
        /// (method, path prefix) → answers in order; the last one repeats.
        routes: Vec<(String, String, VecDeque<Answer>)>,
        sent: Vec<Sent>,
    }

    /// An HTTP client that answers from recordings.
    #[derive(Debug, Clone, Default)]
    pub struct Replay(Arc<Mutex<Recording>>);

    impl Replay {
        pub fn new() -> Replay {
            let replay = Replay::default();
            replay.answer("POST", "/", [caller_identity()]);
            replay
        }

        /// Answers requests whose path starts with `path` with `answers`, in order.
        pub fn answer(
            &self,
            method: &str,
            path: &str,
            answers: impl IntoIterator<Item = Answer>,
        ) -> &Replay {
            if let Ok(mut recording) = self.0.lock() {
                recording.routes.push((
                    method.to_string(),
                    path.to_string(),
                    answers.into_iter().collect(),
                ));
            }
            self
        }

        /// The requests sent so far, STS left out.
        pub fn sent(&self) -> Vec<Sent> {
            self.0
                .lock()
                .map(|recording| {
                    recording
                        .sent
                        .iter()
                        .filter(|sent| sent.path != "/")
                        .cloned()
                        .collect()
                })
                .unwrap_or_default()
        }

        fn respond(&self, method: &str, path: &str, body: &str) -> Answer {
            let Ok(mut recording) = self.0.lock() else {
                return error(500, "ReplayPoisoned", "replay lock poisoned");
            };
            recording.sent.push(Sent {
                method: method.to_string(),
                path: path.to_string(),
                body: body.to_string(),
            });
            let route = recording
                .routes
                .iter_mut()
                .filter(|(m, prefix, _)| {
                    m == method
                        && (path == prefix
                            || (prefix.len() > 1 && path.starts_with(prefix.as_str())))
                })
                .max_by_key(|(_, prefix, _)| prefix.len());
            match route {
                Some((_, _, answers)) if answers.len() > 1 => answers
                    .pop_front()
                    .unwrap_or_else(|| error(500, "Replay", "empty")),
                Some((_, _, answers)) => answers
                    .front()
                    .cloned()
                    .unwrap_or_else(|| error(500, "Replay", "empty")),
                None => error(
                    500,
                    "NotRecorded",
                    &format!("no recorded answer for {method} {path}"),
                ),
            }
        }
    }

    impl HttpConnector for Replay {
        fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
            let method = request.method().to_string();
            let uri = request.uri().to_string();
            let after_host = uri.splitn(4, '/').nth(3).unwrap_or_default();
            let path = format!("/{}", after_host.split('?').next().unwrap_or_default());
            let body = request
                .body()
                .bytes()
                .map(|bytes| String::from_utf8_lossy(bytes).into_owned())
                .unwrap_or_default();
            let answer = self.respond(&method, &path, &body);
            let status = StatusCode::try_from(answer.status)
                .unwrap_or_else(|_| StatusCode::try_from(500).expect("500 is a status code"));
            let mut response = HttpResponse::new(status, SdkBody::from(answer.body));
            response
                .headers_mut()
                .insert("content-type", answer.content_type);
            response
                .headers_mut()
                .insert("x-amzn-requestid", "5fa7a1f8-recorded");
            if let Some(error_type) = answer.error_type {
                response
                    .headers_mut()
                    .insert("x-amzn-errortype", error_type);
            }
            HttpConnectorFuture::ready(Ok(response))
        }
    }

    impl HttpClient for Replay {
        fn http_connector(
            &self,
            _settings: &HttpConnectorSettings,
            _components: &RuntimeComponents,
        ) -> SharedHttpConnector {
            SharedHttpConnector::new(self.clone())
        }
    }

    /// An environment whose every call is answered by `replay`. The endpoint URL is a closed
    /// loopback port: nothing would ever reach AWS, and nothing leaves the process anyway.
    pub async fn environment(replay: &Replay) -> Environment {
        let config = aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .endpoint_url("http://127.0.0.1:9")
            .credentials_provider(Credentials::new(
                "AKIDRECORDED",
                "secret",
                None,
                None,
                "recorded",
            ))
            .retry_config(RetryConfig::disabled())
            .http_client(replay.clone())
            .load()
            .await;
        Environment::builder(BaaAttestation::executed_on("2026-01-15"))
            .sdk_config(config)
            .build()
            .await
            .expect("environment over recorded responses")
    }

    pub fn hub_description() -> Answer {
        json(&format!(
            r#"{{"HubArn":"{HUB_ARN}","SubscribedAt":"2026-01-20T10:15:10.046Z","AutoEnableControls":true,"ControlFindingGenerator":"SECURITY_CONTROL"}}"#
        ))
    }

    pub fn not_subscribed() -> Answer {
        error(
            401,
            "InvalidAccessException",
            &format!("Account {ACCOUNT} is not subscribed to AWS Security Hub"),
        )
    }

    fn subscription(arn: &str, key: &str, status: &str, reason: Option<&str>) -> String {
        let reason = reason
            .map(|code| format!(r#","StandardsStatusReason":{{"StatusReasonCode":"{code}"}}"#))
            .unwrap_or_default();
        format!(
            r#"{{"StandardsArn":"{arn}","StandardsInput":{{}},"StandardsStatus":"{status}","StandardsSubscriptionArn":"arn:aws:securityhub:us-east-1:{ACCOUNT}:subscription/{key}"{reason}}}"#
        )
    }

    pub fn standards(entries: &[(&str, &str, Option<&str>)]) -> Answer {
        let subscriptions: Vec<String> = entries
            .iter()
            .map(|(which, status, reason)| {
                let (arn, key) = match *which {
                    "fsbp" => (FSBP_ARN, "aws-foundational-security-best-practices/v/1.0.0"),
                    _ => (CIS_ARN, "cis-aws-foundations-benchmark/v/3.0.0"),
                };
                subscription(arn, key, status, *reason)
            })
            .collect();
        json(&format!(
            r#"{{"StandardsSubscriptions":[{}]}}"#,
            subscriptions.join(",")
        ))
    }

    pub fn hub_tags(stack: &str) -> Answer {
        json(&format!(
            r#"{{"Tags":{{"hipaa-aws:stack":"{stack}","hipaa-aws:logical-id":"security-hub/default","hipaa-aws:managed-by":"hipaa-aws"}}}}"#
        ))
    }

    fn hub_stack(stack: &str) -> Stack {
        Stack::builder(stack)
            .with(SecurityHub::builder().build().expect("hub"))
            .build()
            .expect("stack")
    }

    #[tokio::test]
    async fn governance_security_hub_is_enabled_without_defaults_then_subscribed_to_both_standards()
    {
        let replay = Replay::new();
        replay
            .answer("GET", "/accounts", [not_subscribed(), hub_description()])
            .answer("POST", "/accounts", [json("{}")])
            .answer(
                "POST",
                "/standards/get",
                [
                    standards(&[]),
                    standards(&[("fsbp", "READY", None), ("cis", "READY", None)]),
                ],
            )
            .answer("GET", "/tags/", [hub_tags("recorded")])
            .answer(
                "POST",
                "/standards/register",
                [standards(&[
                    ("fsbp", "PENDING", None),
                    ("cis", "PENDING", None),
                ])],
            );
        let env = environment(&replay).await;
        assert_eq!(env.account_id(), ACCOUNT);
        let stack = hub_stack("recorded");
        let applied = stack.apply(&env).await.expect("apply");
        assert_eq!(applied.count(Action::Create), 1, "{applied}");

        let sent = replay.sent();
        let enable = sent
            .iter()
            .find(|s| s.method == "POST" && s.path == "/accounts")
            .expect("EnableSecurityHub was sent");
        let enable: serde_json::Value = serde_json::from_str(&enable.body).expect("json");
        assert_eq!(enable["EnableDefaultStandards"], false, "{enable}");
        assert_eq!(enable["Tags"]["hipaa-aws:stack"], "recorded", "{enable}");
        let register: Vec<&Sent> = sent
            .iter()
            .filter(|s| s.path == "/standards/register")
            .collect();
        assert_eq!(register.len(), 1, "{sent:?}");
        let register: serde_json::Value = serde_json::from_str(&register[0].body).expect("json");
        let arns: Vec<&str> = register["StandardsSubscriptionRequests"]
            .as_array()
            .expect("requests")
            .iter()
            .filter_map(|request| request["StandardsArn"].as_str())
            .collect();
        assert_eq!(arns, [FSBP_ARN, CIS_ARN]);
        assert!(
            !sent.iter().any(|s| s.path == "/standards/deregister"),
            "nothing is unsubscribed"
        );
        assert!(
            !sent
                .iter()
                .any(|s| s.method == "POST" && s.path.starts_with("/tags/")),
            "the tags given at enable are read back, not written again"
        );

        let report = stack.verify(&env).await.expect("verify");
        assert!(report.passed(), "{report}");
        let subscribed = report
            .checks()
            .filter(|(_, check)| {
                check.control == ControlId::SecurityHubStandardsSubscribed
                    && check.status == Status::Pass
            })
            .count();
        assert_eq!(subscribed, 2, "{report}");
    }

    #[tokio::test]
    async fn governance_a_standard_incomplete_or_unreadable_never_passes() {
        // Recorded: CIS v3.0.0 ended INCOMPLETE (some controls could not be enabled).
        let replay = Replay::new();
        replay
            .answer("GET", "/accounts", [hub_description()])
            .answer(
                "POST",
                "/standards/get",
                [standards(&[
                    ("fsbp", "READY", None),
                    ("cis", "INCOMPLETE", Some("INTERNAL_ERROR")),
                ])],
            )
            .answer("GET", "/tags/", [hub_tags("recorded")]);
        let env = environment(&replay).await;
        let report = hub_stack("recorded").verify(&env).await.expect("verify");
        let cis = report
            .checks()
            .find(|(_, check)| check.setting == "standards.cis-aws-foundations-benchmark/v/3.0.0")
            .map(|(_, check)| check.clone())
            .expect("cis check");
        assert_eq!(cis.status, Status::Fail, "{report}");
        assert!(
            cis.reason.contains("INCOMPLETE (INTERNAL_ERROR)"),
            "{}",
            cis.reason
        );

        // Recorded: GetEnabledStandards denied. The construct's verify cannot read the hub, so
        // every check is an error; an audit read keeps the hub and judges the standards as
        // errors. Neither passes.
        let replay = Replay::new();
        replay
            .answer("GET", "/accounts", [hub_description()])
            .answer(
                "POST",
                "/standards/get",
                [error(
                    403,
                    "AccessDeniedException",
                    "User: arn:aws:iam::111122223333:user/auditor is not authorized to perform: securityhub:GetEnabledStandards",
                )],
            )
            .answer("GET", "/tags/", [hub_tags("recorded")]);
        let env = environment(&replay).await;
        let report = hub_stack("recorded").verify(&env).await.expect("verify");
        assert!(!report.passed());
        let hub = report
            .resource(&LogicalId::new("security-hub", "default"))
            .expect("hub");
        assert!(
            hub.checks.iter().all(|check| check.status == Status::Error),
            "{report}"
        );
        assert!(
            report.to_string().contains("AccessDeniedException"),
            "{report}"
        );
        let audited = read_security_hub(&env)
            .await
            .expect("audit read")
            .expect("the hub is enabled");
        assert!(matches!(audited.standards, StandardsView::Unreadable(_)));
        let statuses: Vec<Status> =
            evaluate_security_hub(&audited, &Standard::required(CisVersion::V3_0_0))
                .into_iter()
                .map(|check| check.status)
                .collect();
        assert_eq!(statuses, [Status::Pass, Status::Error, Status::Error]);
    }
}

#[test]
fn governance_standards_are_the_foundational_and_cis_ones() {
    let hub = SecurityHub::builder()
        .cis_version(CisVersion::V1_4_0)
        .build()
        .expect("hub");
    assert_eq!(
        hub.standards()
            .iter()
            .map(|standard| standard.arn("aws", "eu-west-1"))
            .collect::<Vec<_>>(),
        [
            "arn:aws:securityhub:eu-west-1::standards/aws-foundational-security-best-practices/v/1.0.0",
            "arn:aws:securityhub:eu-west-1::standards/cis-aws-foundations-benchmark/v/1.4.0",
        ]
    );
    assert_eq!(
        Standard::required(CisVersion::default())[1].key(),
        "cis-aws-foundations-benchmark/v/3.0.0"
    );
}
