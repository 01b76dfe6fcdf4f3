//! The controls that judge a trail (and the role it writes to CloudWatch Logs with), on a spec
//! or on any trail of an account.

use crate::constructs::iam::RoleState;
use crate::controls::{Check, ControlId, Status};
use crate::policy::Effect;

use super::selectors::{
    coverage_of, covers_all_buckets, covers_bucket, management_events_recorded, narrowed_note,
};
use super::state::TrailState;

/// Which buckets' S3 data events a trail must record.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TrailExpectations {
    /// `None`: every bucket (the AWS Config rule's default). `Some`: at least these bucket names.
    pub data_event_buckets: Option<Vec<String>>,
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
/// record without narrowing counts (see [`selector_coverage`](super::selectors::selector_coverage)).
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
