//! AWS Config: the recorder (recording, scope, role, delivery, retention at its six-year
//! boundary) and the HIPAA pack rules (deployed, active, parameters).

use std::collections::BTreeMap;

use hipaa_aws::constructs::config::{
    evaluate_recorder, evaluate_rules, hipaa_pack_rules, recorder_absent, ConfigRuleState,
    ConfigRulesState, DeliveryChannelState, RecorderRole, RecorderState, RecordingGroupState,
};
use hipaa_aws::{ControlId as C, Status};

use super::Case;

const F: &str = "config";

fn recorder() -> RecorderState {
    RecorderState {
        name: "default".into(),
        arn: None,
        role: Some(RecorderRole {
            arn: "arn:aws:iam::111122223333:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig".into(),
            service_linked: true,
            exists: Some(true),
        }),
        recording_group: RecordingGroupState {
            all_supported: true,
            include_global_resource_types: true,
            strategy: Some("ALL_SUPPORTED_RESOURCE_TYPES".into()),
            resource_types: vec![],
            excluded_resource_types: vec![],
        },
        recording: true,
        last_status: Some("SUCCESS".into()),
        last_error: None,
        delivery_channel: Some(DeliveryChannelState {
            name: "default".into(),
            bucket: "acme-config".into(),
            prefix: None,
            kms_key_arn: Some("arn:aws:kms:us-east-1:111122223333:key/1234".into()),
            snapshot_frequency: Some("TwentyFour_Hours".into()),
        }),
        retention_days: 2557,
    }
}

fn judge(
    name: &str,
    control: C,
    expected: Status,
    change: impl FnOnce(&mut RecorderState),
) -> Case {
    let mut state = recorder();
    change(&mut state);
    Case::eval(
        F,
        "constructs::config::evaluate_recorder",
        name,
        control,
        expected,
        evaluate_recorder(&state),
    )
}

/// Every pack rule deployed as expected, then changed by `change`.
fn rules(name: &str, expected: Status, change: impl FnOnce(&mut ConfigRulesState)) -> Case {
    let specs = hipaa_pack_rules();
    let mut state = ConfigRulesState {
        rules: specs
            .iter()
            .map(|spec| {
                (
                    spec.name.clone(),
                    ConfigRuleState {
                        name: spec.name.clone(),
                        arn: None,
                        owner: "AWS".into(),
                        source_identifier: spec.identifier.clone(),
                        parameters: spec.parameters.clone(),
                        scope: spec.scope.clone(),
                        state: "ACTIVE".into(),
                        description: None,
                        created_by: None,
                        tags: BTreeMap::new(),
                    },
                )
            })
            .collect(),
    };
    change(&mut state);
    Case::eval(
        F,
        "constructs::config::evaluate_rules",
        name,
        C::ConfigHipaaRulesDeployed,
        expected,
        evaluate_rules(&state, &specs),
    )
}

pub fn cases() -> Vec<Case> {
    use Status::*;
    let mut cases = vec![
        judge(
            "recording everything",
            C::ConfigRecorderEnabled,
            Pass,
            |_| {},
        ),
        judge("stopped", C::ConfigRecorderEnabled, Fail, |s| {
            s.recording = false
        }),
        judge(
            "recording but failing",
            C::ConfigRecorderEnabled,
            Fail,
            |s| s.last_status = Some("FAILURE".into()),
        ),
        judge(
            "global resource types left out",
            C::ConfigRecorderEnabled,
            Fail,
            |s| s.recording_group.include_global_resource_types = false,
        ),
        judge(
            "one resource type excluded",
            C::ConfigRecorderEnabled,
            Fail,
            |s| s.recording_group.excluded_resource_types = vec!["AWS::S3::Bucket".into()],
        )
        .edge(),
        judge("no role", C::ConfigRecorderEnabled, Fail, |s| s.role = None),
        judge(
            "its role was deleted",
            C::ConfigRecorderEnabled,
            Fail,
            |s| {
                if let Some(role) = s.role.as_mut() {
                    role.exists = Some(false)
                }
            },
        ),
        judge(
            "its role could not be read",
            C::ConfigRecorderEnabled,
            Error,
            |s| {
                if let Some(role) = s.role.as_mut() {
                    role.exists = None
                }
            },
        ),
        judge("no delivery channel", C::ConfigRecorderEnabled, Fail, |s| {
            s.delivery_channel = None
        }),
        judge(
            "delivery encrypted with a KMS key",
            C::ConfigDeliveryEncrypted,
            Pass,
            |_| {},
        ),
        judge(
            "delivery without a KMS key",
            C::ConfigDeliveryEncrypted,
            Fail,
            |s| {
                if let Some(channel) = s.delivery_channel.as_mut() {
                    channel.kms_key_arn = None
                }
            },
        ),
        judge(
            "delivery with an empty KMS key",
            C::ConfigDeliveryEncrypted,
            Fail,
            |s| {
                if let Some(channel) = s.delivery_channel.as_mut() {
                    channel.kms_key_arn = Some(String::new())
                }
            },
        )
        .edge(),
        Case::eval(
            F,
            "constructs::config::recorder_absent",
            "no recorder in the region",
            C::ConfigRecorderEnabled,
            Fail,
            recorder_absent(),
        ),
        rules("every pack rule deployed and active", Pass, |_| {}),
        rules("one pack rule missing", Fail, |s| {
            let first = s.rules.keys().next().cloned().unwrap_or_default();
            s.rules.remove(&first);
        }),
        rules("one pack rule inactive", Fail, |s| {
            if let Some(rule) = s.rules.values_mut().next() {
                rule.state = "DELETING".into()
            }
        }),
        rules("one pack rule under another name", Pass, |s| {
            let first = s.rules.keys().next().cloned().unwrap_or_default();
            if let Some(mut rule) = s.rules.remove(&first) {
                rule.name = "renamed".into();
                s.rules.insert("renamed".into(), rule);
            }
        }),
        rules("a parameter of a pack rule changed", Fail, |s| {
            if let Some(rule) = s.rules.values_mut().find(|r| !r.parameters.is_empty()) {
                for value in rule.parameters.values_mut() {
                    *value = "999999".into();
                }
            }
        }),
        rules("a custom rule in place of a managed one", Fail, |s| {
            if let Some(rule) = s.rules.values_mut().next() {
                rule.owner = "CUSTOM_LAMBDA".into()
            }
        }),
    ];
    for (days, expected) in [(2191, Fail), (2192, Pass), (2557, Pass), (30, Fail)] {
        cases.push(
            judge(
                &format!("items kept {days} days"),
                C::LogRetentionSixYears,
                expected,
                |s| s.retention_days = days,
            )
            .edge(),
        );
    }
    cases
}
