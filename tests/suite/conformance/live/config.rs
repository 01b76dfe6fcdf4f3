//! AWS Config live cases: a recorder, delivery channel, retention and the whole HIPAA pack made
//! by hand in one account (judged by its audit), and the library's recorder and rules in a
//! second account, changed behind the library's back (global resources no longer recorded,
//! the channel's key removed, retention one day under six years, one rule parameter weakened
//! by one day), judged by one verify and by that account's audit.
//!
//! What the local endpoint cannot represent: moto evaluates no Config rule and delivers no
//! snapshot, and its recorder never reports a FAILURE status, so "recording but failing" is
//! judged by the pure cases only.

use aws_sdk_config::types::{
    ConfigRule, ConfigurationRecorder, DeliveryChannel, Owner, RecordingGroup, Scope, Source,
};
use hipaa_aws::construct::{Construct, LogicalId};
use hipaa_aws::constructs::config::hipaa_pack_rules;
use hipaa_aws::controls::Service;
use hipaa_aws::prelude::*;
use hipaa_aws::{Check, ControlId as C, Status};

use super::{audit, found, of_id, Case, Path};
use crate::support::{account, TestAccount};

const F: &str = "config";
const SIX_YEARS_DAYS: i32 = 2192;

fn rule(name: &str, identifier: &str, parameters: Option<String>, scope: &[String]) -> ConfigRule {
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
    rule.build()
}

/// A recorder of everything through a role, an encrypted channel, six years of retention
/// and every rule of the pack with its parameters, all by hand.
async fn by_hand(account: &TestAccount) {
    let config = aws_sdk_config::Client::new(&account.sdk_config);
    let role = account
        .env
        .iam()
        .create_role()
        .role_name("conf-config-recorder")
        .assume_role_policy_document(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"config.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
        )
        .send()
        .await
        .expect("role")
        .role
        .map(|role| role.arn)
        .expect("role arn");
    let bucket = account.bucket("conf-config-history");
    account
        .s3()
        .create_bucket()
        .bucket(&bucket)
        .send()
        .await
        .expect("bucket");
    let key = account
        .kms()
        .create_key()
        .send()
        .await
        .expect("key")
        .key_metadata
        .and_then(|m| m.arn)
        .expect("key arn");
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
                .s3_bucket_name(&bucket)
                .s3_kms_key_arn(&key)
                .build(),
        )
        .send()
        .await
        .expect("channel");
    config
        .put_retention_configuration()
        .retention_period_in_days(SIX_YEARS_DAYS)
        .send()
        .await
        .expect("retention");
    config
        .start_configuration_recorder()
        .configuration_recorder_name("default")
        .send()
        .await
        .expect("start recorder");
    let puts = hipaa_pack_rules().into_iter().map(|spec| {
        let config = config.clone();
        async move {
            let parameters = (!spec.parameters.is_empty())
                .then(|| serde_json::to_string(&spec.parameters).expect("parameters"));
            config
                .put_config_rule()
                .config_rule(rule(&spec.name, &spec.identifier, parameters, &spec.scope))
                .send()
                .await
                .unwrap_or_else(|error| panic!("rule {}: {error:?}", spec.name));
        }
    });
    futures::future::join_all(puts).await;
}

/// The library's recorder and rules, applied in `account`, verified, then changed by hand.
async fn library(account: &TestAccount) -> (Vec<Check>, Vec<Check>, Vec<Check>, Vec<Check>) {
    let env = &account.env;
    let key = HipaaKey::builder()
        .alias(format!("conf-config-{}", account.suffix))
        .build()
        .expect("key");
    let logs = LogBucket::builder()
        .name(account.bucket("conf-config-logs"))
        .key(&key)
        .build()
        .expect("logs");
    let recorder = ConfigRecorder::builder()
        .delivery_bucket(&logs)
        .build()
        .expect("recorder");
    let rules = HipaaConfigRules::builder()
        .recorder(&recorder)
        .covering([logs.kind(), key.kind()])
        .build()
        .expect("rules");
    let stack = Stack::builder("conformance-config")
        .with(rules)
        .with(recorder)
        .with(logs)
        .with(key)
        .build()
        .expect("stack");
    stack.apply(env).await.expect("apply");
    let before = stack.verify(env).await.expect("verify");
    let config = aws_sdk_config::Client::new(&account.sdk_config);
    let live = config
        .describe_configuration_recorders()
        .send()
        .await
        .expect("recorders")
        .configuration_recorders()
        .first()
        .cloned()
        .expect("the recorder");
    config
        .put_configuration_recorder()
        .configuration_recorder(
            ConfigurationRecorder::builder()
                .name("default")
                .set_role_arn(live.role_arn().map(str::to_string))
                .recording_group(
                    RecordingGroup::builder()
                        .all_supported(true)
                        .include_global_resource_types(false)
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .expect("global resources off");
    let channel = config
        .describe_delivery_channels()
        .send()
        .await
        .expect("channels")
        .delivery_channels()
        .first()
        .cloned()
        .expect("the channel");
    config
        .put_delivery_channel()
        .delivery_channel(
            DeliveryChannel::builder()
                .name(channel.name().unwrap_or("default"))
                .set_s3_bucket_name(channel.s3_bucket_name().map(str::to_string))
                .set_s3_key_prefix(channel.s3_key_prefix().map(str::to_string))
                .build(),
        )
        .send()
        .await
        .expect("channel without key");
    config
        .put_retention_configuration()
        .retention_period_in_days(SIX_YEARS_DAYS - 1)
        .send()
        .await
        .expect("retention one day short");
    config
        .put_config_rule()
        .config_rule(rule(
            "access-keys-rotated",
            "ACCESS_KEYS_ROTATED",
            Some(r#"{"maxAccessKeyAge":"91"}"#.to_string()),
            &[],
        ))
        .send()
        .await
        .expect("weakened rule");
    let after = stack.verify(env).await.expect("verify");
    let recorder_id = LogicalId::new("config-recorder", "default");
    let rules_id = LogicalId::new("config-rules", "hipaa-security");
    (
        of_id(&before, &recorder_id),
        of_id(&after, &recorder_id),
        of_id(&before, &rules_id),
        of_id(&after, &rules_id),
    )
}

pub(super) async fn family() -> Vec<Case> {
    let (hand, lib) = tokio::join!(account(), account());
    let ((), (recorder_before, recorder_after, rules_before, rules_after)) =
        tokio::join!(by_hand(&hand), library(&lib));
    let (hand_report, lib_report) = tokio::join!(
        audit(&hand.env, &[Service::Config, Service::S3]),
        audit(&lib.env, &[Service::Config, Service::S3])
    );
    let recorder_of = |report: &hipaa_aws::audit::AuditReport| -> Vec<Check> {
        let arn = report
            .findings()
            .find(|f| f.control == C::ConfigRecorderEnabled)
            .map(|f| f.resource_arn.clone())
            .unwrap_or_default();
        found(report, &arn)
    };
    let (hand_recorder, lib_recorder) = (recorder_of(&hand_report), recorder_of(&lib_report));
    let account_of = |account: &TestAccount, report| {
        found(report, &format!("arn:aws:::{}", account.env.account_id()))
    };
    let (hand_account, lib_account) = (
        account_of(&hand, &hand_report),
        account_of(&lib, &lib_report),
    );
    let audit_case = |name: &str, control, expected, checks: &Vec<Check>| {
        Case::live(F, Path::Audit, name, control, expected, checks.clone())
    };
    let verify_case = |name: &str, control, expected, checks: &Vec<Check>| {
        Case::live(F, Path::Verify, name, control, expected, checks.clone())
    };
    use Status::{Fail, Pass};
    vec![
        audit_case(
            "audit: recording everything with global resources",
            C::ConfigRecorderEnabled,
            Pass,
            &hand_recorder,
        ),
        audit_case(
            "audit: global resources no longer recorded",
            C::ConfigRecorderEnabled,
            Fail,
            &lib_recorder,
        )
        .edge(),
        audit_case(
            "audit: channel encrypted with a customer key",
            C::ConfigDeliveryEncrypted,
            Pass,
            &hand_recorder,
        ),
        audit_case(
            "audit: channel without a key",
            C::ConfigDeliveryEncrypted,
            Fail,
            &lib_recorder,
        ),
        audit_case(
            "audit: retention of 2192 days",
            C::LogRetentionSixYears,
            Pass,
            &hand_recorder,
        )
        .edge(),
        audit_case(
            "audit: retention of 2191 days",
            C::LogRetentionSixYears,
            Fail,
            &lib_recorder,
        )
        .edge(),
        audit_case(
            "audit: the whole pack with its parameters",
            C::ConfigHipaaRulesDeployed,
            Pass,
            &hand_account,
        ),
        audit_case(
            "audit: maxAccessKeyAge 91 instead of 90",
            C::ConfigHipaaRulesDeployed,
            Fail,
            &lib_account,
        )
        .edge(),
        verify_case(
            "verify: recorder as applied",
            C::ConfigRecorderEnabled,
            Pass,
            &recorder_before,
        ),
        verify_case(
            "verify: global resources off behind the library",
            C::ConfigRecorderEnabled,
            Fail,
            &recorder_after,
        )
        .edge(),
        verify_case(
            "verify: delivery encrypted as applied",
            C::ConfigDeliveryEncrypted,
            Pass,
            &recorder_before,
        ),
        verify_case(
            "verify: channel key removed behind the library",
            C::ConfigDeliveryEncrypted,
            Fail,
            &recorder_after,
        ),
        verify_case(
            "verify: retention as applied",
            C::LogRetentionSixYears,
            Pass,
            &recorder_before,
        ),
        verify_case(
            "verify: retention cut to 2191 days",
            C::LogRetentionSixYears,
            Fail,
            &recorder_after,
        )
        .edge(),
        verify_case(
            "verify: rules as applied",
            C::ConfigHipaaRulesDeployed,
            Pass,
            &rules_before,
        ),
        verify_case(
            "verify: maxAccessKeyAge weakened to 91",
            C::ConfigHipaaRulesDeployed,
            Fail,
            &rules_after,
        )
        .edge(),
    ]
}
