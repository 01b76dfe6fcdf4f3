//! CloudTrail live cases: trails made by hand (settings, basic and advanced event selectors
//! with negated operators, other field selectors and excluded management sources) judged by
//! one audit per account, and two library trails narrowed behind the library's back, judged
//! by one verify.
//!
//! What the local endpoint cannot represent: moto keeps event selectors as given but
//! evaluates none and delivers no log file, so these cases prove the reading and judging of
//! selectors, not that CloudTrail records what they say. The account-level controls (data
//! events of every bucket, a multi-region trail, Bedrock calls) are judged once per account
//! over all its trails, so the narrowed data-event forms share one account whose single
//! verdict says that none of them counts.

use aws_sdk_cloudtrail::types::{
    AdvancedEventSelector, AdvancedFieldSelector, DataResource, EventSelector, ReadWriteType,
};
use hipaa_aws::controls::Service;
use hipaa_aws::prelude::*;
use hipaa_aws::{Check, ControlId as C, Status, VerifyReport};

use super::{audit, found, Case, Path};
use crate::support::{account, TestAccount, REGION};

const F: &str = "cloudtrail";

fn field(name: &str) -> aws_sdk_cloudtrail::types::builders::AdvancedFieldSelectorBuilder {
    AdvancedFieldSelector::builder().field(name)
}

fn selector(name: &str, fields: Vec<AdvancedFieldSelector>) -> AdvancedEventSelector {
    AdvancedEventSelector::builder()
        .name(name)
        .set_field_selectors(Some(fields))
        .build()
        .expect("selector")
}

fn management(extra: Vec<AdvancedFieldSelector>) -> AdvancedEventSelector {
    let mut fields = vec![field("eventCategory")
        .equals("Management")
        .build()
        .expect("field")];
    fields.extend(extra);
    selector("management", fields)
}

fn s3_objects(extra: Vec<AdvancedFieldSelector>) -> AdvancedEventSelector {
    let mut fields = vec![
        field("eventCategory")
            .equals("Data")
            .build()
            .expect("field"),
        field("resources.type")
            .equals("AWS::S3::Object")
            .build()
            .expect("field"),
    ];
    fields.extend(extra);
    selector("s3", fields)
}

fn basic(
    read_write: ReadWriteType,
    management: bool,
) -> aws_sdk_cloudtrail::types::builders::EventSelectorBuilder {
    EventSelector::builder()
        .read_write_type(read_write)
        .include_management_events(management)
}

fn every_bucket() -> DataResource {
    DataResource::builder()
        .r#type("AWS::S3::Object")
        .values("arn:aws:s3")
        .build()
}

enum Selectors {
    Basic(EventSelector),
    Advanced(Vec<AdvancedEventSelector>),
}

/// How a hand-made trail is set up.
struct Spec<'a> {
    name: &'a str,
    multi_region: bool,
    validation: bool,
    key: Option<&'a str>,
    log_group: Option<&'a str>,
    logging: bool,
    selectors: Selectors,
}

impl<'a> Spec<'a> {
    /// A logging multi-region trail, validated and encrypted, to a log group.
    fn full(name: &'a str, key: &'a str, group: &'a str, selectors: Selectors) -> Spec<'a> {
        Spec {
            name,
            multi_region: true,
            validation: true,
            key: Some(key),
            log_group: Some(group),
            logging: true,
            selectors,
        }
    }

    /// A logging single-region trail without validation, key or log group.
    fn regional(name: &'a str, selectors: Selectors) -> Spec<'a> {
        Spec {
            name,
            multi_region: false,
            validation: false,
            key: None,
            log_group: None,
            logging: true,
            selectors,
        }
    }
}

fn group_arn(account: &TestAccount, name: &str) -> String {
    format!(
        "arn:aws:logs:{REGION}:{}:log-group:{name}",
        account.env.account_id()
    )
}

async fn trail(account: &TestAccount, bucket: &str, spec: Spec<'_>) -> String {
    let cloudtrail = account.env.cloudtrail();
    let role = format!(
        "arn:aws:iam::{}:role/trail-to-logs",
        account.env.account_id()
    );
    let arn = cloudtrail
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
        .expect("trail")
        .trail_arn
        .expect("trail arn");
    let request = cloudtrail.put_event_selectors().trail_name(spec.name);
    let request = match spec.selectors {
        Selectors::Basic(selector) => request.event_selectors(selector),
        Selectors::Advanced(selectors) => request.set_advanced_event_selectors(Some(selectors)),
    };
    request.send().await.expect("event selectors");
    if spec.logging {
        cloudtrail
            .start_logging()
            .name(spec.name)
            .send()
            .await
            .expect("start logging");
    }
    arn
}

async fn trail_bucket(account: &TestAccount, stem: &str) -> String {
    let name = account.bucket(stem);
    account
        .s3()
        .create_bucket()
        .bucket(&name)
        .send()
        .await
        .expect("trail bucket");
    name
}

/// The ARNs of the main account's trails.
struct Trails {
    full: String,
    advanced_all: String,
    excluded_kms: String,
    negated: String,
    read_only_field: String,
    read_only: String,
    bare: String,
}

async fn main_trails(account: &TestAccount) -> Trails {
    let bucket = trail_bucket(account, "conf-trails").await;
    let key = account
        .kms()
        .create_key()
        .send()
        .await
        .expect("key")
        .key_metadata
        .and_then(|m| m.arn)
        .expect("key arn");
    account
        .env
        .logs()
        .create_log_group()
        .log_group_name("/conf/trail")
        .kms_key_id(&key)
        .send()
        .await
        .expect("log group");
    let all = |management: bool| {
        Selectors::Basic(
            basic(ReadWriteType::All, management)
                .data_resources(every_bucket())
                .build(),
        )
    };
    let full = trail(
        account,
        &bucket,
        Spec::full("conf-full", &key, "/conf/trail", all(true)),
    )
    .await;
    let advanced_all = trail(
        account,
        &bucket,
        Spec::full(
            "conf-advanced-all",
            &key,
            "/conf/trail",
            Selectors::Advanced(vec![management(Vec::new()), s3_objects(Vec::new())]),
        ),
    )
    .await;
    let excluded_kms = trail(
        account,
        &bucket,
        Spec::full(
            "conf-excluded-kms",
            &key,
            "/conf/trail",
            Selectors::Basic(
                basic(ReadWriteType::All, true)
                    .exclude_management_event_sources("kms.amazonaws.com")
                    .build(),
            ),
        ),
    )
    .await;
    let negated = trail(
        account,
        &bucket,
        Spec::full(
            "conf-negated",
            &key,
            "/conf/trail",
            Selectors::Advanced(vec![management(vec![field("eventSource")
                .not_equals("kms.amazonaws.com")
                .build()
                .expect("field")])]),
        ),
    )
    .await;
    let read_only_field = trail(
        account,
        &bucket,
        Spec::full(
            "conf-readonly-field",
            &key,
            "/conf/trail",
            Selectors::Advanced(vec![management(vec![field("readOnly")
                .equals("true")
                .build()
                .expect("field")])]),
        ),
    )
    .await;
    let read_only = trail(
        account,
        &bucket,
        Spec::full(
            "conf-read-only",
            &key,
            "/conf/trail",
            Selectors::Basic(basic(ReadWriteType::ReadOnly, true).build()),
        ),
    )
    .await;
    let bare = trail(
        account,
        &bucket,
        Spec {
            logging: false,
            ..Spec::regional("conf-bare", all(true))
        },
    )
    .await;
    Trails {
        full,
        advanced_all,
        excluded_kms,
        negated,
        read_only_field,
        read_only,
        bare,
    }
}

/// An account whose logging trails are all single-region and narrow the data events (a
/// negated operator, another field, a bucket prefix) and Bedrock's management events.
async fn narrow_trails(account: &TestAccount) {
    let bucket = trail_bucket(account, "conf-narrow-trails").await;
    trail(
        account,
        &bucket,
        Spec::regional(
            "conf-not-starts-with",
            Selectors::Advanced(vec![
                management(vec![field("eventSource")
                    .not_equals("bedrock.amazonaws.com")
                    .build()
                    .expect("field")]),
                s3_objects(vec![field("resources.ARN")
                    .not_starts_with("arn:aws:s3:::acme-private/")
                    .build()
                    .expect("field")]),
            ]),
        ),
    )
    .await;
    trail(
        account,
        &bucket,
        Spec::regional(
            "conf-event-name",
            Selectors::Advanced(vec![s3_objects(vec![field("eventName")
                .equals("GetObject")
                .build()
                .expect("field")])]),
        ),
    )
    .await;
    trail(
        account,
        &bucket,
        Spec::regional(
            "conf-one-bucket",
            Selectors::Basic(
                basic(ReadWriteType::All, false)
                    .data_resources(
                        DataResource::builder()
                            .r#type("AWS::S3::Object")
                            .values("arn:aws:s3:::acme/")
                            .build(),
                    )
                    .build(),
            ),
        ),
    )
    .await;
}

fn of_trail(report: &VerifyReport, name: &str) -> Vec<Check> {
    report
        .checks()
        .filter(|(resource, _)| {
            resource.id == hipaa_aws::construct::LogicalId::new("cloudtrail-trail", name)
        })
        .map(|(_, check)| check.clone())
        .collect()
}

/// Two library trails, applied, then narrowed by hand: trail A gets a negated management
/// selector and a data selector on one event name, loses validation and stops; trail B gets a
/// basic selector that excludes KMS's management events.
async fn verify_cases(main: &TestAccount) -> [(Vec<Check>, Vec<Check>); 2] {
    let env = &main.env;
    let key = HipaaKey::builder()
        .alias(format!("conf-trail-{}", main.suffix))
        .build()
        .expect("key");
    let logs = LogBucket::builder()
        .name(main.bucket("conf-trail-logs"))
        .key(&key)
        .build()
        .expect("logs");
    let group = |name: &str| {
        EncryptedLogGroup::builder()
            .name(format!("/conf/{}/{name}", main.suffix))
            .key(&key)
            .build()
            .expect("log group")
    };
    let (group_a, group_b) = (group("a"), group("b"));
    let trail = |name: String, group: &EncryptedLogGroup| {
        AuditTrail::builder()
            .name(name)
            .bucket(&logs)
            .key(&key)
            .log_group(group)
            .build()
            .expect("trail")
    };
    let a = trail(format!("conf-a-{}", main.suffix), &group_a);
    let b = trail(format!("conf-b-{}", main.suffix), &group_b);
    let (a_name, b_name) = (a.name().to_string(), b.name().to_string());
    let stack = Stack::builder("conformance-cloudtrail")
        .with(a)
        .with(b)
        .with(group_a)
        .with(group_b)
        .with(logs)
        .with(key)
        .build()
        .expect("stack");
    stack.apply(env).await.expect("apply");
    let before = stack.verify(env).await.expect("verify");
    let cloudtrail = env.cloudtrail();
    cloudtrail
        .put_event_selectors()
        .trail_name(&a_name)
        .advanced_event_selectors(management(vec![field("eventSource")
            .not_equals("kms.amazonaws.com")
            .build()
            .expect("field")]))
        .advanced_event_selectors(s3_objects(vec![field("eventName")
            .equals("GetObject")
            .build()
            .expect("field")]))
        .send()
        .await
        .expect("narrowed selectors");
    cloudtrail
        .update_trail()
        .name(&a_name)
        .enable_log_file_validation(false)
        .send()
        .await
        .expect("validation off");
    cloudtrail
        .stop_logging()
        .name(&a_name)
        .send()
        .await
        .expect("stop");
    cloudtrail
        .put_event_selectors()
        .trail_name(&b_name)
        .event_selectors(
            basic(ReadWriteType::All, true)
                .exclude_management_event_sources("kms.amazonaws.com")
                .data_resources(every_bucket())
                .build(),
        )
        .send()
        .await
        .expect("excluded source");
    let after = stack.verify(env).await.expect("verify");
    [
        (of_trail(&before, &a_name), of_trail(&after, &a_name)),
        (of_trail(&before, &b_name), of_trail(&after, &b_name)),
    ]
}

pub(super) async fn family() -> Vec<Case> {
    let (main, narrow) = tokio::join!(account(), account());
    let (trails, (), [(a_before, a_after), (b_before, b_after)]) = tokio::join!(
        main_trails(&main),
        narrow_trails(&narrow),
        verify_cases(&main)
    );
    let (report, narrow_report) = tokio::join!(
        audit(&main.env, &[Service::CloudTrail]),
        audit(&narrow.env, &[Service::CloudTrail])
    );
    let t = &trails;
    let on = |arn: &str| found(&report, arn);
    let audit_case = |name: &str, control, expected, checks: Vec<Check>| {
        Case::live(F, Path::Audit, name, control, expected, checks)
    };
    use Status::{Fail, Pass};
    let mut cases = Vec::new();
    for control in [
        C::CloudTrailEnabled,
        C::CloudTrailCloudWatchLogsEnabled,
        C::CloudTrailEncryptionEnabled,
        C::CloudTrailLogFileValidationEnabled,
        C::CloudTrailManagementEvents,
    ] {
        cases.push(audit_case(
            &format!("audit: a full trail ({control})"),
            control,
            Pass,
            on(&t.full),
        ));
        // The bare trail's selectors record every management event: being stopped is
        // CLOUD_TRAIL_ENABLED's failure, not the selectors'.
        let bare = if control == C::CloudTrailManagementEvents {
            Pass
        } else {
            Fail
        };
        cases.push(audit_case(
            &format!("audit: a stopped bare trail ({control})"),
            control,
            bare,
            on(&t.bare),
        ));
    }
    cases.extend([
        audit_case(
            "audit: advanced selector of every management event",
            C::CloudTrailManagementEvents,
            Pass,
            on(&t.advanced_all),
        )
        .edge(),
        audit_case(
            "audit: ExcludeManagementEventSources kms.amazonaws.com",
            C::CloudTrailManagementEvents,
            Fail,
            on(&t.excluded_kms),
        )
        .edge(),
        audit_case(
            "audit: management eventSource NotEquals kms.amazonaws.com",
            C::CloudTrailManagementEvents,
            Fail,
            on(&t.negated),
        )
        .edge(),
        audit_case(
            "audit: management narrowed by another field (readOnly)",
            C::CloudTrailManagementEvents,
            Fail,
            on(&t.read_only_field),
        )
        .edge(),
        audit_case(
            "audit: basic selector ReadOnly",
            C::CloudTrailManagementEvents,
            Fail,
            on(&t.read_only),
        )
        .edge(),
    ]);
    let main_account = found(&report, &format!("arn:aws:::{}", main.env.account_id()));
    let narrow_account = found(
        &narrow_report,
        &format!("arn:aws:::{}", narrow.env.account_id()),
    );
    cases.extend([
        audit_case(
            "audit: a trail with data events of every bucket",
            C::CloudTrailS3DataEventsEnabled,
            Pass,
            main_account.clone(),
        ),
        audit_case(
            "audit: data events only NotStartsWith a prefix, of one eventName, or of one bucket",
            C::CloudTrailS3DataEventsEnabled,
            Fail,
            narrow_account.clone(),
        )
        .edge(),
        audit_case(
            "audit: a logging multi-region trail",
            C::MultiRegionCloudTrailEnabled,
            Pass,
            main_account.clone(),
        ),
        audit_case(
            "audit: logging trails all single-region",
            C::MultiRegionCloudTrailEnabled,
            Fail,
            narrow_account.clone(),
        ),
        audit_case(
            "audit: a trail records every management event",
            C::CloudTrailBedrockLogged,
            Pass,
            main_account.clone(),
        ),
        audit_case(
            "audit: management eventSource NotEquals bedrock.amazonaws.com",
            C::CloudTrailBedrockLogged,
            Fail,
            narrow_account.clone(),
        )
        .edge(),
        audit_case(
            "audit: some trail is logging",
            C::CloudTrailEnabled,
            Pass,
            narrow_account,
        ),
    ]);

    let verify_case = |name: &str, control, expected, checks: &Vec<Check>| {
        Case::live(F, Path::Verify, name, control, expected, checks.clone())
    };
    cases.extend([
        verify_case(
            "verify: management events as applied",
            C::CloudTrailManagementEvents,
            Pass,
            &a_before,
        ),
        verify_case(
            "verify: management eventSource NotEquals behind the library",
            C::CloudTrailManagementEvents,
            Fail,
            &a_after,
        )
        .edge(),
        verify_case(
            "verify: data events as applied",
            C::CloudTrailS3DataEventsEnabled,
            Pass,
            &a_before,
        ),
        verify_case(
            "verify: data events narrowed to eventName GetObject",
            C::CloudTrailS3DataEventsEnabled,
            Fail,
            &a_after,
        )
        .edge(),
        verify_case(
            "verify: log file validation as applied",
            C::CloudTrailLogFileValidationEnabled,
            Pass,
            &a_before,
        ),
        verify_case(
            "verify: log file validation off behind the library",
            C::CloudTrailLogFileValidationEnabled,
            Fail,
            &a_after,
        ),
        verify_case(
            "verify: logging as applied",
            C::CloudTrailEnabled,
            Pass,
            &a_before,
        ),
        verify_case(
            "verify: logging stopped behind the library",
            C::CloudTrailEnabled,
            Fail,
            &a_after,
        ),
        verify_case(
            "verify: encrypted with the declared key",
            C::CloudTrailEncryptionEnabled,
            Pass,
            &a_before,
        ),
        verify_case(
            "verify: trail B management events as applied",
            C::CloudTrailManagementEvents,
            Pass,
            &b_before,
        ),
        verify_case(
            "verify: ExcludeManagementEventSources added behind the library",
            C::CloudTrailManagementEvents,
            Fail,
            &b_after,
        )
        .edge(),
        verify_case(
            "verify: every bucket's data events kept",
            C::CloudTrailS3DataEventsEnabled,
            Pass,
            &b_after,
        )
        .edge(),
    ]);
    cases
}
