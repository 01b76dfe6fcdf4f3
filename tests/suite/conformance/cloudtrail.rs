//! CloudTrail: the trail controls on a compliant trail and its mutations, the disguised
//! selector forms (read-only, excluded management sources, bucket-prefix data resources,
//! negated and narrowing advanced selectors), the delivery role, and trail names.

use std::collections::BTreeMap;

use hipaa_aws::constructs::cloudtrail::{
    evaluate_account_trails, evaluate_delivery_role, evaluate_trail, trail_name_problem,
    AdvancedEventSelector, BasicEventSelector, DataResourceSelector, EventSelectors, FieldSelector,
    TrailExpectations, TrailState,
};
use hipaa_aws::constructs::iam::RoleState;
use hipaa_aws::policy::PolicyDocument;
use hipaa_aws::{Check, ControlId as C, Status};

use super::Case;

const F: &str = "cloudtrail";
const EVAL: &str = "constructs::cloudtrail::evaluate_trail";
const GROUP: &str = "arn:aws:logs:us-east-1:111122223333:log-group:/acme/trail";

fn basic(read_write: &str, excluded: &[&str], data: &[&str]) -> EventSelectors {
    EventSelectors::Basic(vec![BasicEventSelector {
        read_write_type: read_write.into(),
        include_management_events: true,
        exclude_management_event_sources: excluded.iter().map(|s| s.to_string()).collect(),
        data_resources: vec![DataResourceSelector {
            resource_type: "AWS::S3::Object".into(),
            values: data.iter().map(|s| s.to_string()).collect(),
        }],
    }])
}

fn field(name: &str) -> FieldSelector {
    FieldSelector {
        field: name.into(),
        equals: vec![],
        starts_with: vec![],
        ends_with: vec![],
        not_equals: vec![],
        not_starts_with: vec![],
        not_ends_with: vec![],
    }
}

fn equals(name: &str, value: &str) -> FieldSelector {
    FieldSelector {
        equals: vec![value.into()],
        ..field(name)
    }
}

fn advanced(extra: Vec<FieldSelector>) -> EventSelectors {
    let mut data = vec![
        equals("eventCategory", "Data"),
        equals("resources.type", "AWS::S3::Object"),
    ];
    data.extend(extra);
    EventSelectors::Advanced(vec![
        AdvancedEventSelector {
            name: Some("management".into()),
            field_selectors: vec![equals("eventCategory", "Management")],
        },
        AdvancedEventSelector {
            name: Some("data".into()),
            field_selectors: data,
        },
    ])
}

fn trail() -> TrailState {
    TrailState {
        name: "acme".into(),
        arn: "arn:aws:cloudtrail:us-east-1:111122223333:trail/acme".into(),
        s3_bucket: "acme-trail".into(),
        s3_key_prefix: None,
        kms_key: Some("arn:aws:kms:us-east-1:111122223333:key/1234".into()),
        multi_region: true,
        global_service_events: true,
        log_file_validation: true,
        cloudwatch_log_group: Some(format!("{GROUP}:*")),
        cloudwatch_role: Some("arn:aws:iam::111122223333:role/trail".into()),
        logging: true,
        management_events: "All".into(),
        s3_data_events: vec!["arn:aws:s3".into()],
        tags: BTreeMap::new(),
        event_selectors: Some(basic("All", &[], &["arn:aws:s3"])),
    }
}

fn judge(name: &str, control: C, expected: Status, change: impl FnOnce(&mut TrailState)) -> Case {
    let mut state = trail();
    change(&mut state);
    let expect = TrailExpectations {
        data_event_buckets: None,
    };
    Case::eval(
        F,
        EVAL,
        name,
        control,
        expected,
        evaluate_trail(&state, &expect),
    )
}

fn doc(json: &str) -> PolicyDocument {
    PolicyDocument::from_json(json).expect("valid policy")
}

fn role(actions: &str, resource: &str, trust_service: &str, readable: bool) -> RoleState {
    let policy = "arn:aws:iam::111122223333:policy/trail-delivery".to_string();
    let document = doc(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":{actions},"Resource":"{resource}"}}]}}"#
    ));
    RoleState {
        name: "trail".into(),
        arn: "arn:aws:iam::111122223333:role/trail".into(),
        path: "/".into(),
        description: String::new(),
        trust_policy: Some(doc(&format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":"{trust_service}"}},"Action":"sts:AssumeRole"}}]}}"#
        ))),
        max_session_duration_secs: 3600,
        permissions_boundary: None,
        managed_policies: vec![policy.clone()],
        attached_documents: BTreeMap::from([(policy, readable.then_some(document))]),
        inline_policies: BTreeMap::new(),
        tags: BTreeMap::new(),
    }
}

fn delivery(name: &str, expected: Status, state: RoleState) -> Case {
    Case::eval(
        F,
        "constructs::cloudtrail::evaluate_delivery_role",
        name,
        C::CloudTrailDeliveryLeastPrivilege,
        expected,
        evaluate_delivery_role(&state, GROUP),
    )
}

fn name_case(name: &str, expected: Status) -> Case {
    let problem = trail_name_problem(name);
    let checks = vec![Check::require(
        C::CloudTrailNameValid,
        "name",
        problem.is_none(),
        "valid trail name",
        problem.unwrap_or_default(),
    )];
    Case::eval(
        F,
        "constructs::cloudtrail::trail_name_problem",
        format!("trail name {name:?}"),
        C::CloudTrailNameValid,
        expected,
        checks,
    )
    .edge()
}

fn account(
    name: &str,
    control: C,
    expected: Status,
    trails: Vec<TrailState>,
    unread: &[&str],
) -> Case {
    let unread: Vec<String> = unread.iter().map(|s| s.to_string()).collect();
    Case::eval(
        F,
        "constructs::cloudtrail::evaluate_account_trails",
        name,
        control,
        expected,
        evaluate_account_trails(&trails, &unread),
    )
}

fn with(change: impl FnOnce(&mut TrailState)) -> TrailState {
    let mut state = trail();
    change(&mut state);
    state
}

pub fn cases() -> Vec<Case> {
    use Status::*;
    let regional_without_data = || {
        with(|s| {
            s.multi_region = false;
            s.event_selectors = Some(basic("All", &[], &[]));
        })
    };
    let account_cases = vec![
        account(
            "a logging trail",
            C::CloudTrailEnabled,
            Pass,
            vec![trail()],
            &[],
        ),
        account("no trail", C::CloudTrailEnabled, Fail, vec![], &[]),
        account(
            "a trail that stopped logging",
            C::CloudTrailEnabled,
            Fail,
            vec![with(|s| s.logging = false)],
            &[],
        ),
        account(
            "no readable trail, one unreadable",
            C::CloudTrailEnabled,
            Error,
            vec![],
            &["arn:aws:cloudtrail:us-east-1:111122223333:trail/x"],
        ),
        account(
            "a multi-region trail",
            C::MultiRegionCloudTrailEnabled,
            Pass,
            vec![trail()],
            &[],
        ),
        account(
            "single-region trails only",
            C::MultiRegionCloudTrailEnabled,
            Fail,
            vec![regional_without_data()],
            &[],
        ),
        account(
            "a stopped multi-region trail",
            C::MultiRegionCloudTrailEnabled,
            Fail,
            vec![with(|s| s.logging = false), regional_without_data()],
            &[],
        )
        .edge(),
        account(
            "data events from another trail",
            C::CloudTrailS3DataEventsEnabled,
            Pass,
            vec![regional_without_data(), trail()],
            &[],
        )
        .edge(),
        account(
            "no trail records data events",
            C::CloudTrailS3DataEventsEnabled,
            Fail,
            vec![regional_without_data()],
            &[],
        ),
        account(
            "all management events (Bedrock)",
            C::CloudTrailBedrockLogged,
            Pass,
            vec![trail()],
            &[],
        ),
        account(
            "read-only management events (Bedrock)",
            C::CloudTrailBedrockLogged,
            Fail,
            vec![with(|s| {
                s.event_selectors = Some(basic("ReadOnly", &[], &["arn:aws:s3"]))
            })],
            &[],
        ),
        account(
            "Bedrock excluded from management events",
            C::CloudTrailBedrockLogged,
            Fail,
            vec![with(|s| {
                s.event_selectors = Some(basic("All", &["bedrock.amazonaws.com"], &["arn:aws:s3"]))
            })],
            &[],
        )
        .edge(),
    ];
    let both = r#"["logs:CreateLogStream","logs:PutLogEvents"]"#;
    let in_group = format!("{GROUP}:log-stream:*");
    let mut cases = vec![
        judge("logging", C::CloudTrailEnabled, Pass, |_| {}),
        judge("not logging", C::CloudTrailEnabled, Fail, |s| {
            s.logging = false
        }),
        judge(
            "multi-region",
            C::MultiRegionCloudTrailEnabled,
            Pass,
            |_| {},
        ),
        judge(
            "single-region",
            C::MultiRegionCloudTrailEnabled,
            Fail,
            |s| s.multi_region = false,
        ),
        judge(
            "delivers to CloudWatch Logs",
            C::CloudTrailCloudWatchLogsEnabled,
            Pass,
            |_| {},
        ),
        judge(
            "no log group",
            C::CloudTrailCloudWatchLogsEnabled,
            Fail,
            |s| s.cloudwatch_log_group = None,
        ),
        judge(
            "log group without a role",
            C::CloudTrailCloudWatchLogsEnabled,
            Fail,
            |s| s.cloudwatch_role = None,
        )
        .edge(),
        judge(
            "encrypted with KMS",
            C::CloudTrailEncryptionEnabled,
            Pass,
            |_| {},
        ),
        judge("no KMS key", C::CloudTrailEncryptionEnabled, Fail, |s| {
            s.kms_key = None
        }),
        judge(
            "an empty KMS key",
            C::CloudTrailEncryptionEnabled,
            Fail,
            |s| s.kms_key = Some(String::new()),
        )
        .edge(),
        judge(
            "log file validation on",
            C::CloudTrailLogFileValidationEnabled,
            Pass,
            |_| {},
        ),
        judge(
            "log file validation off",
            C::CloudTrailLogFileValidationEnabled,
            Fail,
            |s| s.log_file_validation = false,
        ),
        judge(
            "data events of every bucket",
            C::CloudTrailS3DataEventsEnabled,
            Pass,
            |_| {},
        ),
        judge(
            "data events of every bucket (arn:aws:s3:::)",
            C::CloudTrailS3DataEventsEnabled,
            Pass,
            |s| s.event_selectors = Some(basic("All", &[], &["arn:aws:s3:::"])),
        )
        .edge(),
        judge(
            "data events of a bucket-name prefix only",
            C::CloudTrailS3DataEventsEnabled,
            Fail,
            |s| s.event_selectors = Some(basic("All", &[], &["arn:aws:s3:::acme"])),
        )
        .edge(),
        judge(
            "read-only data events",
            C::CloudTrailS3DataEventsEnabled,
            Fail,
            |s| s.event_selectors = Some(basic("ReadOnly", &[], &["arn:aws:s3"])),
        ),
        judge(
            "no data events",
            C::CloudTrailS3DataEventsEnabled,
            Fail,
            |s| s.event_selectors = Some(basic("All", &[], &[])),
        ),
        judge(
            "advanced: every S3 object",
            C::CloudTrailS3DataEventsEnabled,
            Pass,
            |s| s.event_selectors = Some(advanced(vec![])),
        ),
        judge(
            "advanced: NotStartsWith a bucket",
            C::CloudTrailS3DataEventsEnabled,
            Fail,
            |s| {
                s.event_selectors = Some(advanced(vec![FieldSelector {
                    not_starts_with: vec!["arn:aws:s3:::acme-tmp/".into()],
                    ..field("resources.ARN")
                }]))
            },
        )
        .edge(),
        judge(
            "advanced: only PutObject",
            C::CloudTrailS3DataEventsEnabled,
            Fail,
            |s| s.event_selectors = Some(advanced(vec![equals("eventName", "PutObject")])),
        )
        .edge(),
        judge(
            "advanced: readOnly=false only",
            C::CloudTrailS3DataEventsEnabled,
            Fail,
            |s| s.event_selectors = Some(advanced(vec![equals("readOnly", "false")])),
        )
        .edge(),
        judge(
            "all management events",
            C::CloudTrailManagementEvents,
            Pass,
            |_| {},
        ),
        judge(
            "read-only management events",
            C::CloudTrailManagementEvents,
            Fail,
            |s| s.event_selectors = Some(basic("ReadOnly", &[], &["arn:aws:s3"])),
        ),
        judge(
            "write-only management events",
            C::CloudTrailManagementEvents,
            Fail,
            |s| s.event_selectors = Some(basic("WriteOnly", &[], &["arn:aws:s3"])),
        ),
        judge(
            "KMS events excluded",
            C::CloudTrailManagementEvents,
            Fail,
            |s| s.event_selectors = Some(basic("All", &["kms.amazonaws.com"], &["arn:aws:s3"])),
        )
        .edge(),
        judge(
            "global service events off",
            C::CloudTrailManagementEvents,
            Fail,
            |s| s.global_service_events = false,
        ),
        judge(
            "advanced: management events",
            C::CloudTrailManagementEvents,
            Pass,
            |s| s.event_selectors = Some(advanced(vec![])),
        ),
        judge(
            "advanced: management readOnly=true only",
            C::CloudTrailManagementEvents,
            Fail,
            |s| {
                s.event_selectors = Some(EventSelectors::Advanced(vec![AdvancedEventSelector {
                    name: None,
                    field_selectors: vec![
                        equals("eventCategory", "Management"),
                        equals("readOnly", "true"),
                    ],
                }]))
            },
        )
        .edge(),
        judge(
            "advanced: management eventSource NotEquals kms",
            C::CloudTrailManagementEvents,
            Fail,
            |s| {
                s.event_selectors = Some(EventSelectors::Advanced(vec![AdvancedEventSelector {
                    name: None,
                    field_selectors: vec![
                        equals("eventCategory", "Management"),
                        FieldSelector {
                            not_equals: vec!["kms.amazonaws.com".into()],
                            ..field("eventSource")
                        },
                    ],
                }]))
            },
        )
        .edge(),
        delivery(
            "only the two log actions in the trail's group",
            Pass,
            role(both, &in_group, "cloudtrail.amazonaws.com", true),
        ),
        delivery(
            "logs:* in the group",
            Fail,
            role(r#"["logs:*"]"#, &in_group, "cloudtrail.amazonaws.com", true),
        ),
        delivery(
            "the two actions on every log group",
            Fail,
            role(both, "*", "cloudtrail.amazonaws.com", true),
        ),
        delivery(
            "the two actions in another group",
            Fail,
            role(
                both,
                "arn:aws:logs:us-east-1:111122223333:log-group:/acme/trail-x:log-stream:*",
                "cloudtrail.amazonaws.com",
                true,
            ),
        )
        .edge(),
        delivery(
            "trusts another service",
            Fail,
            role(both, &in_group, "ec2.amazonaws.com", true),
        ),
        delivery(
            "its policy document unreadable",
            Error,
            role(both, &in_group, "cloudtrail.amazonaws.com", false),
        ),
        delivery("trust policy unreadable", Error, {
            let mut state = role(both, &in_group, "cloudtrail.amazonaws.com", true);
            state.trust_policy = None;
            state
        }),
        delivery("an inline policy", Fail, {
            let mut state = role(both, &in_group, "cloudtrail.amazonaws.com", true);
            state.inline_policies.insert(
                "extra".into(),
                doc(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#),
            );
            state
        }),
    ];
    cases.extend(account_cases);
    for (name, expected) in [
        ("acme", Pass),
        ("abc", Pass),
        ("ab", Fail),
        (&"t".repeat(128)[..], Pass),
        (&"t".repeat(129)[..], Fail),
        ("acme_trail-1.x", Pass),
        ("acme._trail", Fail),
        ("-acme", Fail),
        ("192.168.1.1", Fail),
        ("acme trail", Fail),
    ] {
        cases.push(name_case(name, expected));
    }
    cases
}
