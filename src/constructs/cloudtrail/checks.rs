//! The controls that judge a trail (and the role it writes to CloudWatch Logs with), on a spec
//! or on any trail of an account.

use crate::constructs::iam::RoleState;
use crate::controls::{Check, ControlId};
use crate::policy::{Arn, Effect};

use super::state::TrailState;

/// Which buckets' S3 data events a trail must record.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TrailExpectations {
    /// `None`: every bucket (the AWS Config rule's default). `Some`: at least these bucket names.
    pub data_event_buckets: Option<Vec<String>>,
}

/// True when `values` (data-resource values of `AWS::S3::Object`) cover every bucket.
pub fn covers_all_buckets(values: &[String]) -> bool {
    values.iter().any(|value| {
        let service = value
            .trim_end_matches('/')
            .strip_prefix("arn:")
            .and_then(|rest| rest.split_once(':'))
            .map(|(_, service)| service);
        matches!(service, Some("s3" | "s3:::" | "s3::"))
    })
}

/// True when `values` cover the objects of `bucket`.
pub fn covers_bucket(values: &[String], bucket: &str) -> bool {
    covers_all_buckets(values)
        || values.iter().any(|value| {
            Arn::parse(value).is_ok_and(|arn| {
                arn.service == "s3"
                    && (arn.resource == format!("{bucket}/") || arn.resource == bucket)
            })
        })
}

/// Judges a trail: logging, multi-region, delivered to CloudWatch Logs, encrypted with KMS,
/// log file validation on, S3 data events recorded, and read and write management events
/// (global services included) recorded.
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
    let data = &state.s3_data_events;
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
            "S3 read and write data events are not recorded for {}",
            missing.join(", ")
        ),
    ));
    checks.push(Check::require(
        ControlId::CloudTrailManagementEvents,
        "management_events",
        state.management_events == "All" && state.global_service_events,
        "read and write management events, global services included, are recorded",
        format!(
            "management events recorded: {}; global service events: {}",
            state.management_events, state.global_service_events
        ),
    ));
    checks
}

/// Judges the role CloudTrail writes to CloudWatch Logs with: it trusts only
/// `cloudtrail.amazonaws.com`, and its policies allow only `logs:CreateLogStream` and
/// `logs:PutLogEvents` on the trail's log group.
pub fn evaluate_delivery_role(role: &RoleState, log_group_arn: &str) -> Vec<Check> {
    let mut problems = Vec::new();
    let group = log_group_arn.trim_end_matches(":*");
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
            problems.push(format!("the document of {arn} could not be read"));
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
    vec![Check::require(
        ControlId::CloudTrailDeliveryLeastPrivilege,
        "delivery_role",
        problems.is_empty(),
        "the delivery role may only create log streams and put log events in the trail's log group",
        problems.join("; "),
    )]
}

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
