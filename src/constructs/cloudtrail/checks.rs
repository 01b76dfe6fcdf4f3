//! The controls that judge a trail (and the role it writes to CloudWatch Logs with), on a spec
//! or on any trail of an account.

use crate::constructs::iam::RoleState;
use crate::controls::{Check, ControlId, Status};
use crate::policy::{Arn, Effect};

use super::state::{AdvancedEventSelector, EventSelectors, FieldSelector, TrailState};

/// Which buckets' S3 data events a trail must record.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TrailExpectations {
    /// `None`: every bucket (the AWS Config rule's default). `Some`: at least these bucket names.
    pub data_event_buckets: Option<Vec<String>>,
}

/// True when `values` (data-resource values of `AWS::S3::Object`, or `resources.ARN`
/// `StartsWith` values) cover every bucket: `arn:<partition>:s3`, `arn:<partition>:s3:::` or
/// `arn:<partition>:s3:::/`. A value naming a bucket or a bucket-name prefix
/// (`arn:aws:s3:::acme`) does not.
pub fn covers_all_buckets(values: &[String]) -> bool {
    values.iter().any(|value| is_all_buckets(value))
}

fn is_all_buckets(value: &str) -> bool {
    let service = value
        .trim_end_matches('/')
        .strip_prefix("arn:")
        .and_then(|rest| rest.split_once(':'))
        .map(|(_, service)| service);
    matches!(service, Some("s3" | "s3:::" | "s3::"))
}

/// True when `values` cover the objects of `bucket`: every bucket, or the bucket itself with
/// no key prefix (`arn:aws:s3:::bucket/` or `arn:aws:s3:::bucket`). A key prefix inside the
/// bucket (`arn:aws:s3:::bucket/logs/`) covers only part of it.
pub fn covers_bucket(values: &[String], bucket: &str) -> bool {
    covers_all_buckets(values)
        || values.iter().any(|value| {
            Arn::parse(value).is_ok_and(|arn| {
                arn.service == "s3"
                    && (arn.resource == format!("{bucket}/") || arn.resource == bucket)
            })
        })
}

/// What a trail's event selectors record, as far as the controls look.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SelectorCoverage {
    /// Read management events of every source are recorded.
    pub management_read: bool,
    /// Write management events of every source are recorded.
    pub management_write: bool,
    /// Some management events are recorded, but not all (narrowed or excluded sources).
    pub management_partial: bool,
    /// The S3 object ARN prefixes whose read **and** write data events, of every event name,
    /// are recorded (sorted); `arn:<partition>:s3` means every bucket.
    pub s3_data_events: Vec<String>,
    /// What narrows the selectors, in words (for the controls' reasons).
    pub narrowed: Vec<String>,
}

impl SelectorCoverage {
    /// The management events recorded: `All`, `ReadOnly`, `WriteOnly`, `Partial` (some, not
    /// all of either kind) or `None`.
    pub fn management_events(&self) -> String {
        match (self.management_read, self.management_write) {
            (true, true) => "All",
            (true, false) => "ReadOnly",
            (false, true) => "WriteOnly",
            (false, false) if self.management_partial => "Partial",
            (false, false) => "None",
        }
        .to_string()
    }
}

/// Read and write kinds a selector records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ReadWrite {
    read: bool,
    write: bool,
}

impl ReadWrite {
    const ALL: ReadWrite = ReadWrite {
        read: true,
        write: true,
    };

    fn from_basic(read_write_type: &str) -> ReadWrite {
        match read_write_type {
            "ReadOnly" => ReadWrite {
                read: true,
                write: false,
            },
            "WriteOnly" => ReadWrite {
                read: false,
                write: true,
            },
            _ => ReadWrite::ALL,
        }
    }
}

/// Data-event prefixes recorded for reads and for writes, merged into those recorded for both.
#[derive(Default)]
struct DataPrefixes {
    read: Vec<String>,
    write: Vec<String>,
}

impl DataPrefixes {
    fn add(&mut self, kinds: ReadWrite, values: &[String], partition: &str) {
        let normalized = values.iter().map(|value| {
            if is_all_buckets(value) {
                format!("arn:{partition}:s3")
            } else {
                value.clone()
            }
        });
        for value in normalized {
            if kinds.read {
                self.read.push(value.clone());
            }
            if kinds.write {
                self.write.push(value);
            }
        }
    }

    /// The prefixes whose reads and writes are both recorded.
    fn both(&self) -> Vec<String> {
        let held = |values: &[String], value: &String| {
            values.contains(value) || covers_all_buckets(values)
        };
        let mut both: Vec<String> = self
            .read
            .iter()
            .chain(&self.write)
            .filter(|value| held(&self.read, value) && held(&self.write, value))
            .cloned()
            .collect();
        both.sort();
        both.dedup();
        if covers_all_buckets(&both) {
            both.retain(|value| is_all_buckets(value));
        }
        both
    }
}

/// The coverage of basic or advanced selectors. `partition` names every bucket
/// (`arn:<partition>:s3`) when an advanced selector has no `resources.ARN` condition.
///
/// Strict on purpose: a selector counts only for what it records without any narrowing.
/// `ExcludeManagementEventSources`, a negated operator (`NotEquals`, `NotStartsWith`,
/// `NotEndsWith`), `EndsWith`, and any condition on a field other than `eventCategory`,
/// `readOnly`, `resources.type` and (for data events) `resources.ARN` with `StartsWith` make
/// the selector partial, even where the condition happens to match everything.
pub fn selector_coverage(selectors: &EventSelectors, partition: &str) -> SelectorCoverage {
    let mut coverage = SelectorCoverage::default();
    let mut data = DataPrefixes::default();
    match selectors {
        EventSelectors::Basic(selectors) => {
            for (index, selector) in selectors.iter().enumerate() {
                let kinds = ReadWrite::from_basic(&selector.read_write_type);
                if kinds != ReadWrite::ALL {
                    coverage.narrowed.push(format!(
                        "selector {}: ReadWriteType {} records only {} events",
                        index + 1,
                        selector.read_write_type,
                        if kinds.read { "read" } else { "write" }
                    ));
                }
                if selector.include_management_events {
                    if selector.exclude_management_event_sources.is_empty() {
                        coverage.management_read |= kinds.read;
                        coverage.management_write |= kinds.write;
                    } else {
                        coverage.management_partial = true;
                        coverage.narrowed.push(format!(
                            "selector {}: ExcludeManagementEventSources [{}] leaves their management events out",
                            index + 1,
                            selector.exclude_management_event_sources.join(", ")
                        ));
                    }
                }
                for resource in &selector.data_resources {
                    if resource.resource_type == "AWS::S3::Object" {
                        data.add(kinds, &resource.values, partition);
                    }
                }
            }
        }
        EventSelectors::Advanced(selectors) => {
            for (index, selector) in selectors.iter().enumerate() {
                advanced_coverage(index, selector, partition, &mut coverage, &mut data);
            }
        }
    }
    coverage.management_partial |= coverage.management_read != coverage.management_write;
    coverage.s3_data_events = data.both();
    coverage
}

fn advanced_coverage(
    index: usize,
    selector: &AdvancedEventSelector,
    partition: &str,
    coverage: &mut SelectorCoverage,
    data: &mut DataPrefixes,
) {
    let label = match &selector.name {
        Some(name) => format!("selector {name:?}"),
        None => format!("selector {}", index + 1),
    };
    let fields = &selector.field_selectors;
    let named = |field: &str| -> Vec<&FieldSelector> {
        fields.iter().filter(|f| f.field == field).collect()
    };
    let category = named("eventCategory");
    let is_category = |wanted: &str| {
        category.len() == 1
            && !category[0].is_negated()
            && category[0].equals.iter().any(|value| value == wanted)
    };
    let management = is_category("Management");
    let data_events = is_category("Data");
    if !management && !data_events {
        return;
    }
    let mut narrowing: Vec<String> = Vec::new();
    // readOnly: which kinds of event the selector keeps.
    let mut kinds = ReadWrite::ALL;
    for read_only in named("readOnly") {
        let plain = read_only.starts_with.is_empty()
            && read_only.ends_with.is_empty()
            && read_only.not_starts_with.is_empty()
            && read_only.not_ends_with.is_empty();
        if !plain {
            kinds = ReadWrite {
                read: false,
                write: false,
            };
        }
        if !read_only.equals.is_empty() {
            kinds.read &= read_only.equals.iter().any(|v| v == "true");
            kinds.write &= read_only.equals.iter().any(|v| v == "false");
        }
        kinds.read &= !read_only.not_equals.iter().any(|v| v == "true");
        kinds.write &= !read_only.not_equals.iter().any(|v| v == "false");
    }
    if kinds != ReadWrite::ALL {
        coverage.narrowed.push(format!(
            "{label} records only {} events ({})",
            match (kinds.read, kinds.write) {
                (true, _) => "read",
                (_, true) => "write",
                _ => "no",
            },
            named("readOnly")
                .iter()
                .map(|field| field.render())
                .collect::<Vec<_>>()
                .join("; ")
        ));
    }
    let mut arn_prefixes: Option<Vec<String>> = None;
    for field in fields {
        match field.field.as_str() {
            "eventCategory" | "readOnly" => {}
            "resources.type" if data_events => {}
            "resources.ARN" if data_events => {
                let prefixes_only = !field.is_negated()
                    && field.equals.is_empty()
                    && field.ends_with.is_empty()
                    && !field.starts_with.is_empty()
                    && arn_prefixes.is_none();
                if prefixes_only {
                    arn_prefixes = Some(field.starts_with.clone());
                } else {
                    arn_prefixes = Some(Vec::new());
                    narrowing.push(format!(
                        "{} is not a plain StartsWith of bucket ARNs",
                        field.render()
                    ));
                }
            }
            _ => narrowing.push(field.render()),
        }
    }
    if management {
        if narrowing.is_empty() {
            coverage.management_read |= kinds.read;
            coverage.management_write |= kinds.write;
        } else {
            coverage.management_partial = true;
            coverage.narrowed.push(format!(
                "{label} narrows management events: {}",
                narrowing.join("; ")
            ));
        }
        return;
    }
    let s3_objects = named("resources.type").iter().any(|field| {
        !field.is_negated() && field.equals.iter().any(|value| value == "AWS::S3::Object")
    });
    if !s3_objects {
        return;
    }
    if !narrowing.is_empty() {
        coverage.narrowed.push(format!(
            "{label} narrows S3 data events: {}",
            narrowing.join("; ")
        ));
        return;
    }
    match arn_prefixes {
        None => data.add(kinds, &[format!("arn:{partition}:s3")], partition),
        Some(prefixes) => data.add(kinds, &prefixes, partition),
    }
}

/// The coverage the controls judge: that of the selectors read from CloudTrail, else (a
/// desired state) what `management_events` and `s3_data_events` declare.
fn coverage_of(state: &TrailState) -> SelectorCoverage {
    match &state.event_selectors {
        Some(selectors) => selector_coverage(selectors, partition_of(&state.arn)),
        None => SelectorCoverage {
            management_read: matches!(state.management_events.as_str(), "All" | "ReadOnly"),
            management_write: matches!(state.management_events.as_str(), "All" | "WriteOnly"),
            management_partial: false,
            s3_data_events: state.s3_data_events.clone(),
            narrowed: Vec::new(),
        },
    }
}

fn partition_of(arn: &str) -> &str {
    arn.strip_prefix("arn:")
        .and_then(|rest| rest.split(':').next())
        .filter(|partition| !partition.is_empty())
        .unwrap_or("aws")
}

/// The management events a trail records (`All`, `ReadOnly`, `WriteOnly`, `Partial` or
/// `None`), judged strictly from its selectors when they were read.
pub fn management_events_recorded(state: &TrailState) -> String {
    coverage_of(state).management_events()
}

fn narrowed_note(coverage: &SelectorCoverage) -> String {
    if coverage.narrowed.is_empty() {
        String::new()
    } else {
        format!(" (narrowed: {})", coverage.narrowed.join("; "))
    }
}

/// The controls [`evaluate_trail`] judges (see `crate::controls::coverage`).
pub const EVALUATE_TRAIL_COVERS: &[ControlId] = &[
    ControlId::CloudTrailCloudWatchLogsEnabled,
    ControlId::CloudTrailEnabled,
    ControlId::CloudTrailEncryptionEnabled,
    ControlId::CloudTrailLogFileValidationEnabled,
    ControlId::CloudTrailManagementEvents,
    ControlId::CloudTrailS3DataEventsEnabled,
    ControlId::MultiRegionCloudTrailEnabled,
];

/// Judges a trail: logging, multi-region, delivered to CloudWatch Logs, encrypted with KMS,
/// log file validation on, S3 data events recorded, and read and write management events
/// (global services included) recorded. With selectors read from CloudTrail, only what they
/// record without narrowing counts (see [`selector_coverage`]).
pub fn evaluate_trail(state: &TrailState, expectations: &TrailExpectations) -> Vec<Check> {
    let mut checks = vec![
        Check::require(
            ControlId::CloudTrailEnabled,
            "logging",
            state.logging,
            "the trail is logging",
            "the trail exists but is not logging",
        ),
        Check::require(
            ControlId::MultiRegionCloudTrailEnabled,
            "multi_region",
            state.multi_region,
            "records events of every region",
            "the trail records one region only",
        ),
        Check::require(
            ControlId::CloudTrailCloudWatchLogsEnabled,
            "cloudwatch_log_group",
            state.cloudwatch_log_group.is_some() && state.cloudwatch_role.is_some(),
            format!(
                "delivers to {}",
                state.cloudwatch_log_group.as_deref().unwrap_or_default()
            ),
            "the trail does not deliver to a CloudWatch Logs log group (with a role)",
        ),
        Check::require(
            ControlId::CloudTrailEncryptionEnabled,
            "kms_key",
            state.kms_key.as_deref().is_some_and(|key| !key.is_empty()),
            format!(
                "log files are encrypted with {}",
                state.kms_key.as_deref().unwrap_or_default()
            ),
            "log files are encrypted only with S3-managed keys: set a KMS key",
        ),
        Check::require(
            ControlId::CloudTrailLogFileValidationEnabled,
            "log_file_validation",
            state.log_file_validation,
            "digest files let every log file be validated",
            "log file validation is off: tampering with log files would go unnoticed",
        ),
    ];
    let coverage = coverage_of(state);
    let data = &coverage.s3_data_events;
    let (covered, missing) = match &expectations.data_event_buckets {
        None => (covers_all_buckets(data), vec!["every bucket".to_string()]),
        Some(buckets) => {
            let missing: Vec<String> = buckets
                .iter()
                .filter(|bucket| !covers_bucket(data, bucket))
                .cloned()
                .collect();
            (missing.is_empty(), missing)
        }
    };
    checks.push(Check::require(
        ControlId::CloudTrailS3DataEventsEnabled,
        "s3_data_events",
        covered,
        if covers_all_buckets(data) {
            "read and write data events of every bucket are recorded".to_string()
        } else {
            format!(
                "read and write data events of {} are recorded",
                data.join(", ")
            )
        },
        format!(
            "S3 read and write data events (every event name) are not recorded for {}{}",
            missing.join(", "),
            narrowed_note(&coverage)
        ),
    ));
    let management = coverage.management_events();
    checks.push(Check::require(
        ControlId::CloudTrailManagementEvents,
        "management_events",
        management == "All" && state.global_service_events,
        "read and write management events of every source, global services included, are recorded",
        format!(
            "management events recorded: {management}; global service events: {}{}",
            state.global_service_events,
            narrowed_note(&coverage)
        ),
    ));
    checks
}

/// The controls [`evaluate_account_trails`] judges (see `crate::controls::coverage`).
pub const EVALUATE_ACCOUNT_TRAILS_COVERS: &[ControlId] = &[
    ControlId::CloudTrailEnabled,
    ControlId::MultiRegionCloudTrailEnabled,
    ControlId::CloudTrailS3DataEventsEnabled,
    ControlId::CloudTrailBedrockLogged,
];

/// One check per account-level trail control, over the trails that record a region: pass when
/// any logging trail meets it; an error (not a fail) when none does but a trail (`unread`, by
/// ARN) could not be read. A single-region trail without data events is no failure when
/// another trail covers them.
pub fn evaluate_account_trails(trails: &[TrailState], unread: &[String]) -> Vec<Check> {
    let logging: Vec<&TrailState> = trails.iter().filter(|state| state.logging).collect();
    let meets = |control: ControlId| {
        logging.iter().copied().find(|state| {
            evaluate_trail(state, &TrailExpectations::default())
                .iter()
                .any(|check| check.control == control && check.status == Status::Pass)
        })
    };
    let judge =
        |control: ControlId, setting: &str, found: Option<&TrailState>, pass: &str, fail: &str| {
            match found {
                Some(state) => {
                    Check::require(control, setting, true, format!("{} {pass}", state.name), "")
                }
                None if !unread.is_empty() => Check {
                    control,
                    setting: setting.to_string(),
                    status: Status::Error,
                    reason: format!(
                        "no readable trail {pass}, and {} could not be read",
                        unread.join(", ")
                    ),
                },
                None => Check::require(control, setting, false, "", fail),
            }
        };
    let bedrock = logging
        .iter()
        .copied()
        .find(|state| management_events_recorded(state) == "All");
    vec![
        judge(
            ControlId::CloudTrailEnabled,
            "trails.logging",
            logging.first().copied(),
            "is logging",
            "no trail records this region and is logging",
        ),
        judge(
            ControlId::MultiRegionCloudTrailEnabled,
            "trails.multi_region",
            logging.iter().copied().find(|state| state.multi_region),
            "is a logging multi-region trail",
            "no logging multi-region trail records this region",
        ),
        judge(
            ControlId::CloudTrailS3DataEventsEnabled,
            "trails.s3_data_events",
            meets(ControlId::CloudTrailS3DataEventsEnabled),
            "records read and write data events of every bucket",
            "no logging trail records S3 read and write data events of every bucket",
        ),
        // Bedrock runtime calls (InvokeModel, Converse) are management events.
        judge(
            ControlId::CloudTrailBedrockLogged,
            "trails.management_events",
            bedrock,
            "records read and write management events, where Bedrock API calls are logged",
            "no logging trail records read and write management events, so Bedrock API calls are not all captured",
        ),
    ]
}

/// The controls [`evaluate_delivery_role`] judges (see `crate::controls::coverage`).
pub const EVALUATE_DELIVERY_ROLE_COVERS: &[ControlId] =
    &[ControlId::CloudTrailDeliveryLeastPrivilege];

/// Judges the role CloudTrail writes to CloudWatch Logs with: it trusts only
/// `cloudtrail.amazonaws.com`, and its policies allow only `logs:CreateLogStream` and
/// `logs:PutLogEvents` on the trail's log group.
pub fn evaluate_delivery_role(role: &RoleState, log_group_arn: &str) -> Vec<Check> {
    let mut problems = Vec::new();
    // What could not be read is never a pass: an error unless a problem is already known.
    let mut unread = Vec::new();
    let group = log_group_arn.trim_end_matches(":*");
    if role.trust_policy.is_none() {
        unread.push(format!(
            "the trust policy of {} could not be read",
            role.arn
        ));
    }
    if let Some(trust) = &role.trust_policy {
        for statement in trust
            .statements
            .iter()
            .filter(|s| s.effect == Effect::Allow)
        {
            let services_only = statement.principal.as_ref().is_some_and(|principal| {
                principal.values("Service") == ["cloudtrail.amazonaws.com".to_string()]
                    && principal.values("AWS").is_empty()
                    && principal.values("Federated").is_empty()
            });
            if !services_only {
                problems.push(
                    "the role trusts a principal other than cloudtrail.amazonaws.com".to_string(),
                );
            }
        }
    }
    if !role.inline_policies.is_empty() {
        problems.push("the role has inline policies".to_string());
    }
    for (arn, document) in &role.attached_documents {
        let Some(document) = document else {
            unread.push(format!("the document of {arn} could not be read"));
            continue;
        };
        for statement in document
            .statements
            .iter()
            .filter(|statement| statement.effect == Effect::Allow)
        {
            let allowed_actions = !statement.actions.is_empty()
                && statement.not_actions.is_empty()
                && statement.actions.iter().all(|action| {
                    action.eq_ignore_ascii_case("logs:CreateLogStream")
                        || action.eq_ignore_ascii_case("logs:PutLogEvents")
                });
            let in_group = statement.not_resources.is_empty()
                && !statement.resources.is_empty()
                && statement
                    .resources
                    .iter()
                    .all(|resource| resource.starts_with(&format!("{group}:")));
            if !allowed_actions || !in_group {
                problems.push(format!(
                    "{arn} allows {} on {}",
                    statement.actions.join(", "),
                    statement.resources.join(", ")
                ));
            }
        }
    }
    if problems.is_empty() && !unread.is_empty() {
        return vec![Check {
            control: ControlId::CloudTrailDeliveryLeastPrivilege,
            setting: "delivery_role".to_string(),
            status: Status::Error,
            reason: unread.join("; "),
        }];
    }
    problems.extend(unread);
    vec![Check::require(
        ControlId::CloudTrailDeliveryLeastPrivilege,
        "delivery_role",
        problems.is_empty(),
        "the delivery role may only create log streams and put log events in the trail's log group",
        problems.join("; "),
    )]
}

/// The controls [`trail_name_problem`] judges (see `crate::controls::coverage`).
pub const TRAIL_NAME_PROBLEM_COVERS: &[ControlId] = &[ControlId::CloudTrailNameValid];

/// The problem with a trail name, if any: 3 to 128 of letters, digits, `.`, `_` and `-`,
/// starting and ending with a letter or digit, without `._-` next to each other, and not an IP
/// address.
pub fn trail_name_problem(name: &str) -> Option<String> {
    if !(3..=128).contains(&name.len()) {
        return Some(format!(
            "the trail name {name:?} must have 3 to 128 characters"
        ));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "._-".contains(*c)))
    {
        return Some(format!(
            "the trail name {name:?} contains {bad:?}: use letters, digits, '.', '_' and '-'"
        ));
    }
    let edge_ok = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    if !edge_ok(name.chars().next()) || !edge_ok(name.chars().last()) {
        return Some(format!(
            "the trail name {name:?} must start and end with a letter or digit"
        ));
    }
    let chars: Vec<char> = name.chars().collect();
    if chars
        .windows(2)
        .any(|pair| "._-".contains(pair[0]) && "._-".contains(pair[1]))
    {
        return Some(format!(
            "the trail name {name:?} has '.', '_' or '-' next to each other"
        ));
    }
    if name.parse::<std::net::Ipv4Addr>().is_ok() {
        return Some(format!("the trail name {name:?} is an IP address"));
    }
    None
}

#[cfg(test)]
#[path = "checks_tests.rs"]
mod tests;
