//! The event-selector controls at their edges: negated operators, narrowing fields,
//! excluded management sources and read- or write-only selectors record less than every
//! bucket or every event, and must fail.

use std::collections::BTreeMap;

use super::*;
use crate::constructs::cloudtrail::selectors::{management_events_recorded, selector_coverage};
use crate::constructs::cloudtrail::state::{
    AdvancedEventSelector, BasicEventSelector, DataResourceSelector, EventSelectors, FieldSelector,
};
use crate::controls::Status;

fn trail(selectors: Option<EventSelectors>) -> TrailState {
    TrailState {
        name: "audit".to_string(),
        arn: "arn:aws:cloudtrail:us-east-1:123456789012:trail/audit".to_string(),
        s3_bucket: "logs".to_string(),
        s3_key_prefix: None,
        kms_key: Some("arn:aws:kms:us-east-1:123456789012:key/k".to_string()),
        multi_region: true,
        global_service_events: true,
        log_file_validation: true,
        cloudwatch_log_group: Some("arn:aws:logs:us-east-1:123456789012:log-group:t:*".to_string()),
        cloudwatch_role: Some("arn:aws:iam::123456789012:role/t".to_string()),
        logging: true,
        management_events: "All".to_string(),
        s3_data_events: vec!["arn:aws:s3".to_string()],
        tags: BTreeMap::new(),
        event_selectors: selectors,
    }
}

fn status(state: &TrailState, control: ControlId) -> Status {
    check(state, control, &TrailExpectations::default()).status
}

fn check(state: &TrailState, control: ControlId, expect: &TrailExpectations) -> Check {
    evaluate_trail(state, expect)
        .into_iter()
        .find(|check| check.control == control)
        .expect("judged")
}

fn basic(read_write: &str, management: bool, excluded: &[&str], s3: &[&str]) -> BasicEventSelector {
    BasicEventSelector {
        read_write_type: read_write.to_string(),
        include_management_events: management,
        exclude_management_event_sources: excluded.iter().map(|s| s.to_string()).collect(),
        data_resources: if s3.is_empty() {
            Vec::new()
        } else {
            vec![DataResourceSelector {
                resource_type: "AWS::S3::Object".to_string(),
                values: s3.iter().map(|s| s.to_string()).collect(),
            }]
        },
    }
}

fn advanced(fields: Vec<FieldSelector>) -> AdvancedEventSelector {
    AdvancedEventSelector {
        name: Some("selector".to_string()),
        field_selectors: fields,
    }
}

fn management_selector(extra: Vec<FieldSelector>) -> AdvancedEventSelector {
    let mut fields = vec![FieldSelector::new("eventCategory").equals(["Management"])];
    fields.extend(extra);
    advanced(fields)
}

fn s3_selector(extra: Vec<FieldSelector>) -> AdvancedEventSelector {
    let mut fields = vec![
        FieldSelector::new("eventCategory").equals(["Data"]),
        FieldSelector::new("resources.type").equals(["AWS::S3::Object"]),
    ];
    fields.extend(extra);
    advanced(fields)
}

fn advanced_trail(selectors: Vec<AdvancedEventSelector>) -> TrailState {
    trail(Some(EventSelectors::Advanced(selectors)))
}

const DATA: ControlId = ControlId::CloudTrailS3DataEventsEnabled;
const MANAGEMENT: ControlId = ControlId::CloudTrailManagementEvents;

#[test]
fn plain_selectors_pass() {
    let basic_all = trail(Some(EventSelectors::Basic(vec![basic(
        "All",
        true,
        &[],
        &["arn:aws:s3"],
    )])));
    assert_eq!(status(&basic_all, DATA), Status::Pass);
    assert_eq!(status(&basic_all, MANAGEMENT), Status::Pass);
    let advanced_all = advanced_trail(vec![management_selector(vec![]), s3_selector(vec![])]);
    assert_eq!(status(&advanced_all, DATA), Status::Pass);
    assert_eq!(status(&advanced_all, MANAGEMENT), Status::Pass);
    // A desired state (no selectors read) is judged by its summary.
    assert_eq!(status(&trail(None), DATA), Status::Pass);
    assert_eq!(status(&trail(None), MANAGEMENT), Status::Pass);
}

#[test]
fn bucket_arn_prefixes_at_the_boundary() {
    for all in ["arn:aws:s3", "arn:aws:s3:::", "arn:aws:s3:::/"] {
        let state = advanced_trail(vec![s3_selector(vec![
            FieldSelector::new("resources.ARN").starts_with([all])
        ])]);
        assert_eq!(status(&state, DATA), Status::Pass, "{all}");
    }
    for narrow in ["arn:aws:s3:::acme", "arn:aws:s3:::acme/", "arn:aws:s3:::a"] {
        let state = advanced_trail(vec![s3_selector(vec![
            FieldSelector::new("resources.ARN").starts_with([narrow])
        ])]);
        assert_eq!(status(&state, DATA), Status::Fail, "{narrow}");
    }
    // A bucket-name prefix still covers that bucket when only it is expected.
    let acme = advanced_trail(vec![s3_selector(vec![
        FieldSelector::new("resources.ARN").starts_with(["arn:aws:s3:::acme/"])
    ])]);
    let only_acme = TrailExpectations {
        data_event_buckets: Some(vec!["acme".to_string()]),
    };
    assert_eq!(check(&acme, DATA, &only_acme).status, Status::Pass);
    let other = TrailExpectations {
        data_event_buckets: Some(vec!["acme-phi".to_string()]),
    };
    assert_eq!(check(&acme, DATA, &other).status, Status::Fail);
    // A key prefix inside the bucket covers part of it only.
    let part = advanced_trail(vec![s3_selector(vec![
        FieldSelector::new("resources.ARN").starts_with(["arn:aws:s3:::acme/logs/"])
    ])]);
    assert_eq!(check(&part, DATA, &only_acme).status, Status::Fail);
}

#[test]
fn negated_operators_narrow_data_events() {
    let cases = [
        FieldSelector::new("resources.ARN").not_starts_with(["arn:aws:s3:::acme-logs/"]),
        FieldSelector::new("resources.ARN").not_equals(["arn:aws:s3:::acme/secret"]),
        FieldSelector::new("resources.ARN").not_ends_with([".log"]),
        FieldSelector::new("resources.ARN").ends_with(["/"]),
        FieldSelector::new("resources.ARN").equals(["arn:aws:s3:::acme/one-object"]),
        FieldSelector::new("eventName").equals(["GetObject"]),
        FieldSelector::new("eventName").not_equals(["DeleteObject"]),
        FieldSelector::new("eventSource").equals(["s3.amazonaws.com"]),
        FieldSelector::new("userIdentity.arn")
            .not_starts_with(["arn:aws:iam::123456789012:role/etl"]),
        FieldSelector::new("readOnly").equals(["true"]),
        FieldSelector::new("readOnly").equals(["false"]),
        FieldSelector::new("readOnly").not_equals(["false"]),
    ];
    for field in cases {
        let rendered = field.render();
        let state = advanced_trail(vec![management_selector(vec![]), s3_selector(vec![field])]);
        let judged = check(&state, DATA, &TrailExpectations::default());
        assert_eq!(judged.status, Status::Fail, "{rendered}");
        assert!(
            judged.reason.contains("narrowed"),
            "{rendered}: {}",
            judged.reason
        );
    }
    // readOnly with both values is every event.
    let both = advanced_trail(vec![s3_selector(vec![
        FieldSelector::new("readOnly").equals(["true", "false"])
    ])]);
    assert_eq!(status(&both, DATA), Status::Pass);
    // A read-only and a write-only selector together record both.
    let split = advanced_trail(vec![
        s3_selector(vec![FieldSelector::new("readOnly").equals(["true"])]),
        s3_selector(vec![FieldSelector::new("readOnly").equals(["false"])]),
    ]);
    assert_eq!(status(&split, DATA), Status::Pass);
}

#[test]
fn excluded_sources_and_narrowing_fields_narrow_management_events() {
    let cases = [
        FieldSelector::new("eventSource").not_equals(["kms.amazonaws.com"]),
        FieldSelector::new("eventSource").equals(["iam.amazonaws.com"]),
        FieldSelector::new("eventName").not_starts_with(["Get"]),
        FieldSelector::new("readOnly").equals(["true"]),
        FieldSelector::new("readOnly").equals(["false"]),
        FieldSelector::new("readOnly").not_equals(["true"]),
        FieldSelector::new("readOnly").starts_with(["t"]),
    ];
    for field in cases {
        let rendered = field.render();
        let state = advanced_trail(vec![management_selector(vec![field]), s3_selector(vec![])]);
        let judged = check(&state, MANAGEMENT, &TrailExpectations::default());
        assert_eq!(judged.status, Status::Fail, "{rendered}");
        assert!(
            judged.reason.contains("narrowed"),
            "{rendered}: {}",
            judged.reason
        );
        assert_ne!(management_events_recorded(&state), "All", "{rendered}");
    }
    let basic_excluded = trail(Some(EventSelectors::Basic(vec![basic(
        "All",
        true,
        &["kms.amazonaws.com"],
        &["arn:aws:s3"],
    )])));
    let judged = check(&basic_excluded, MANAGEMENT, &TrailExpectations::default());
    assert_eq!(judged.status, Status::Fail);
    assert!(
        judged.reason.contains("kms.amazonaws.com"),
        "{}",
        judged.reason
    );
    assert_eq!(management_events_recorded(&basic_excluded), "Partial");
    // The data events of the same selector are not narrowed by the exclusion.
    assert_eq!(status(&basic_excluded, DATA), Status::Pass);
}

#[test]
fn read_only_and_write_only_basic_selectors_are_partial() {
    for read_write in ["ReadOnly", "WriteOnly"] {
        let state = trail(Some(EventSelectors::Basic(vec![basic(
            read_write,
            true,
            &[],
            &["arn:aws:s3"],
        )])));
        assert_eq!(status(&state, DATA), Status::Fail, "{read_write}");
        assert_eq!(status(&state, MANAGEMENT), Status::Fail, "{read_write}");
        assert_eq!(management_events_recorded(&state), read_write);
    }
    let together = trail(Some(EventSelectors::Basic(vec![
        basic("ReadOnly", true, &[], &["arn:aws:s3"]),
        basic("WriteOnly", true, &[], &["arn:aws:s3:::"]),
    ])));
    assert_eq!(status(&together, DATA), Status::Pass);
    assert_eq!(status(&together, MANAGEMENT), Status::Pass);
    // Reads of every bucket and writes of one bucket: that bucket only.
    let one_bucket = trail(Some(EventSelectors::Basic(vec![
        basic("ReadOnly", false, &[], &["arn:aws:s3"]),
        basic("WriteOnly", false, &[], &["arn:aws:s3:::acme/"]),
    ])));
    assert_eq!(status(&one_bucket, DATA), Status::Fail);
    let acme = TrailExpectations {
        data_event_buckets: Some(vec!["acme".to_string()]),
    };
    assert_eq!(check(&one_bucket, DATA, &acme).status, Status::Pass);
    assert_eq!(status(&one_bucket, MANAGEMENT), Status::Fail);
    assert_eq!(management_events_recorded(&one_bucket), "None");
}

#[test]
fn a_narrowed_selector_beside_a_full_one_still_passes() {
    // Selectors are a union: a full selector records everything whatever another narrows.
    let state = advanced_trail(vec![
        management_selector(vec![
            FieldSelector::new("eventSource").not_equals(["kms.amazonaws.com"])
        ]),
        management_selector(vec![]),
        s3_selector(vec![FieldSelector::new("eventName").equals(["GetObject"])]),
        s3_selector(vec![]),
    ]);
    assert_eq!(status(&state, DATA), Status::Pass);
    assert_eq!(status(&state, MANAGEMENT), Status::Pass);
}

#[test]
fn summaries_name_what_is_recorded() {
    let coverage = selector_coverage(
        &EventSelectors::Advanced(vec![management_selector(vec![]), s3_selector(vec![])]),
        "aws-us-gov",
    );
    assert_eq!(coverage.management_events(), "All");
    assert_eq!(
        coverage.s3_data_events,
        vec!["arn:aws-us-gov:s3".to_string()]
    );
    let none = selector_coverage(&EventSelectors::Basic(Vec::new()), "aws");
    assert_eq!(none.management_events(), "None");
    assert!(none.s3_data_events.is_empty());
}
