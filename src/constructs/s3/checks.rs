//! The controls that judge a bucket, on a spec or on what S3 returns.

use crate::controls::{Check, ControlId};
use crate::policy::{denies_insecure_transport, denies_tls_below, public_access};

use super::feeds::BUCKET_FEEDS;
use super::state::{BucketState, LifecycleRule};
use crate::constructs::partial::judge_partial;

/// Audit logs are kept at least this many days (six years).
pub const LOG_RETENTION_FLOOR_DAYS: u32 = 2192;

/// What a bucket is expected to have, beyond what every bucket must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BucketExpectations {
    /// The bucket receives logs: server access logging of its own is not required (cdk-nag's
    /// rule accepts a log target), and its lifecycle must keep logs for `retention_floor_days`.
    pub log_target: bool,
    /// The shortest time lifecycle rules may keep objects, when the bucket holds logs.
    pub retention_floor_days: Option<u32>,
    /// Object Lock must be on (audits expect it; constructs only when asked for).
    pub object_lock: bool,
    /// Replication must be on (audits expect it; constructs only when asked for).
    pub replication: bool,
    /// Event notifications must be configured (audits expect it).
    pub event_notifications: bool,
}

impl BucketExpectations {
    /// What an audit of an arbitrary bucket expects: every control of both rule sets.
    pub const AUDIT: BucketExpectations = BucketExpectations {
        log_target: false,
        retention_floor_days: None,
        object_lock: true,
        replication: true,
        event_notifications: true,
    };
}

/// The services that deliver audit logs to a bucket: S3 server access logs, CloudTrail, VPC
/// flow logs (and other vended logs) and AWS Config.
pub const LOG_DELIVERY_SERVICES: [&str; 4] = [
    "logging.s3.amazonaws.com",
    "cloudtrail.amazonaws.com",
    "delivery.logs.amazonaws.com",
    "config.amazonaws.com",
];

/// The log-delivery service the bucket policy lets put objects, if any: such a bucket holds
/// audit logs, whoever made it.
pub fn log_delivery_service(state: &BucketState) -> Option<&'static str> {
    let policy = state.policy.as_ref()?;
    policy
        .statements
        .iter()
        .filter(|statement| statement.effect == crate::policy::Effect::Allow)
        .filter(|statement| crate::policy::statement_may_apply_to(statement, "s3:PutObject"))
        .find_map(|statement| {
            let services = statement.principal.as_ref()?.values("Service");
            LOG_DELIVERY_SERVICES
                .into_iter()
                .find(|service| services.iter().any(|s| s.eq_ignore_ascii_case(service)))
        })
}

impl BucketExpectations {
    /// What an audit expects of the bucket read as `state`: [`BucketExpectations::AUDIT`],
    /// plus the six-year floor on its lifecycle when its policy lets a log-delivery service
    /// write to it (see [`log_delivery_service`]).
    pub fn audit_of(state: &BucketState) -> BucketExpectations {
        BucketExpectations {
            retention_floor_days: log_delivery_service(state).map(|_| LOG_RETENTION_FLOOR_DAYS),
            ..BucketExpectations::AUDIT
        }
    }
}

/// The controls [`evaluate_bucket`] judges (see `crate::controls::coverage`).
pub const EVALUATE_BUCKET_COVERS: &[ControlId] = &[
    ControlId::LogRetentionSixYears,
    ControlId::S3BucketAclProhibited,
    ControlId::S3BucketDefaultLockEnabled,
    ControlId::S3BucketLevelPublicAccessProhibited,
    ControlId::S3BucketLoggingEnabled,
    ControlId::S3BucketPublicReadProhibited,
    ControlId::S3BucketPublicWriteProhibited,
    ControlId::S3BucketReplicationEnabled,
    ControlId::S3BucketServerSideEncryptionEnabled,
    ControlId::S3BucketSslRequestsOnly,
    ControlId::S3BucketVersioningEnabled,
    ControlId::S3DefaultEncryptionKms,
    ControlId::S3EventNotificationsEnabled,
    ControlId::S3TlsMinimumVersion,
    ControlId::S3VersionLifecyclePolicyCheck,
];

/// Judges a bucket's state against the S3 controls.
pub fn evaluate_bucket(state: &BucketState, expect: &BucketExpectations) -> Vec<Check> {
    let mut checks = Vec::new();
    encryption_checks(state, &mut checks);
    public_access_checks(state, &mut checks);
    transport_checks(state, &mut checks);
    checks.push(logging_check(state, expect));
    versioning_checks(state, &mut checks);
    if let Some(floor) = expect.retention_floor_days {
        checks.push(retention_check(state, floor));
    }
    checks.push(object_lock_check(state, expect));
    checks.push(optional_check(
        ControlId::S3BucketReplicationEnabled,
        "replication",
        expect.replication,
        state.replication,
        ("an enabled replication rule exists", "no enabled replication rule"),
        "replication was not asked for this bucket (the AWS Config and cdk-nag rules would flag its absence)",
    ));
    if expect.event_notifications {
        checks.push(optional_check(
            ControlId::S3EventNotificationsEnabled,
            "event_notifications",
            true,
            state.event_notifications,
            (
                "event notifications are configured",
                "no event notification is configured",
            ),
            "",
        ));
    }
    // A read that failed makes errors of exactly the controls it feeds.
    judge_partial(checks, &state.unread, BUCKET_FEEDS)
}

/// A control the bucket meets only when asked to: not applicable when not expected; an error
/// (never a pass) when expected but the setting was not read.
fn optional_check(
    control: ControlId,
    setting: &str,
    expected: bool,
    actual: Option<bool>,
    (pass, fail): (&str, &str),
    not_asked: &str,
) -> Check {
    match (expected, actual) {
        (false, Some(true)) => Check::require(control, setting, true, pass, ""),
        (false, _) => Check::not_applicable(control, setting, not_asked),
        (true, Some(on)) => Check::require(control, setting, on, pass, fail),
        (true, None) => Check {
            control,
            setting: setting.to_string(),
            status: crate::controls::Status::Error,
            reason: format!("{setting} could not be read"),
        },
    }
}

/// True for a key named by an AWS managed alias (`alias/aws/s3`, or its ARN form
/// `arn:aws:kms:…:alias/aws/s3`): AWS owns that key's policy, so it is no customer key.
pub fn is_aws_managed_alias(key: &str) -> bool {
    let key = key.trim();
    key.get(..10)
        .is_some_and(|head| head.eq_ignore_ascii_case("alias/aws/"))
        || key.to_ascii_lowercase().contains(":alias/aws/")
}

fn encryption_checks(state: &BucketState, checks: &mut Vec<Check>) {
    let encryption = state.encryption.as_ref();
    let kms = encryption.is_some_and(|e| {
        (e.algorithm == "aws:kms" || e.algorithm == "aws:kms:dsse")
            && e.kms_key
                .as_deref()
                .is_some_and(|key| !is_aws_managed_alias(key))
    });
    checks.push(Check::require(
        ControlId::S3DefaultEncryptionKms,
        "encryption.algorithm",
        kms,
        "default encryption is SSE-KMS with a customer key",
        match encryption {
            None => "the bucket has no default encryption".to_string(),
            Some(e) if e.kms_key.is_none() && e.algorithm.starts_with("aws:kms") => {
                "SSE-KMS without a customer key uses the AWS managed key".to_string()
            }
            Some(e) if e.kms_key.as_deref().is_some_and(is_aws_managed_alias) => format!(
                "SSE-KMS names {}, an AWS managed key whose policy the account cannot restrict",
                e.kms_key.as_deref().unwrap_or_default()
            ),
            Some(e) => format!("default encryption is {}, not SSE-KMS", e.algorithm),
        },
    ));
    checks.push(Check::require(
        ControlId::S3BucketServerSideEncryptionEnabled,
        "encryption",
        encryption.is_some(),
        "default server-side encryption is on",
        "the bucket has no default server-side encryption",
    ));
}

fn public_access_checks(state: &BucketState, checks: &mut Vec<Check>) {
    let block = state.public_access_block;
    checks.push(Check::require(
        ControlId::S3BucketLevelPublicAccessProhibited,
        "public_access_block",
        block.is_some_and(|b| b.all_on()),
        "all four Block Public Access flags are on",
        match block {
            None => "Block Public Access is not configured on the bucket".to_string(),
            Some(b) => format!(
                "Block Public Access is partly off (BlockPublicAcls={}, IgnorePublicAcls={}, BlockPublicPolicy={}, RestrictPublicBuckets={})",
                b.block_public_acls, b.ignore_public_acls, b.block_public_policy, b.restrict_public_buckets
            ),
        },
    ));
    let by_policy = state.policy.as_ref().map(public_access).unwrap_or_default();
    let policy_neutralised = block.is_some_and(|b| b.restrict_public_buckets);
    let acl_public = state.acl_grants_public.unwrap_or(false);
    let acl_neutralised = block.is_some_and(|b| b.ignore_public_acls)
        || state.object_ownership.as_deref() == Some("BucketOwnerEnforced");
    let public_read = (by_policy.read && !policy_neutralised) || (acl_public && !acl_neutralised);
    let public_write = (by_policy.write && !policy_neutralised) || (acl_public && !acl_neutralised);
    let why = |what: &str| {
        if (what == "read" && by_policy.read) || (what == "write" && by_policy.write) {
            format!("the bucket policy grants public {what} and RestrictPublicBuckets is off")
        } else {
            format!("the bucket ACL grants public {what} and ACLs are not ignored")
        }
    };
    checks.push(Check::require(
        ControlId::S3BucketPublicReadProhibited,
        "policy",
        !public_read,
        "no policy or ACL grants public read",
        why("read"),
    ));
    checks.push(Check::require(
        ControlId::S3BucketPublicWriteProhibited,
        "policy",
        !public_write,
        "no policy or ACL grants public write",
        why("write"),
    ));
    checks.push(Check::require(
        ControlId::S3BucketAclProhibited,
        "object_ownership",
        state.object_ownership.as_deref() == Some("BucketOwnerEnforced"),
        "ACLs are disabled (BucketOwnerEnforced)",
        format!(
            "object ownership is {}, so ACLs can still grant access",
            state
                .object_ownership
                .as_deref()
                .unwrap_or("not configured")
        ),
    ));
}

fn transport_checks(state: &BucketState, checks: &mut Vec<Check>) {
    let arn = &state.arn;
    let tls_only = state
        .policy
        .as_ref()
        .is_some_and(|policy| denies_insecure_transport(policy, arn));
    checks.push(Check::require(
        ControlId::S3BucketSslRequestsOnly,
        "policy",
        tls_only,
        "the policy denies requests without TLS",
        "no policy statement denies requests with aws:SecureTransport = false on the bucket and its objects",
    ));
    let tls_12 = state
        .policy
        .as_ref()
        .is_some_and(|policy| denies_tls_below(policy, arn, 1.2));
    checks.push(Check::require(
        ControlId::S3TlsMinimumVersion,
        "policy",
        tls_12,
        "the policy denies TLS older than 1.2",
        "no policy statement denies s3:TlsVersion below 1.2 on the bucket and its objects",
    ));
}

/// The problem with the key prefix of server access logs, if any: it must be non-empty (logs
/// at the bucket's root mix with everything else), hold no wildcard (`*`, `?`: S3 takes them
/// literally, and lifecycle filters and readers that treat them as patterns would miss or
/// over-match the logs), and never be under `AWSLogs/` in any letter case (its first segment
/// is not `AWSLogs`: there CloudTrail, AWS Config and VPC flow logs deliver, and access logs
/// would mix with that evidence, its lifecycle and its permissions). S3 keys are
/// case-sensitive, but `awslogs/` next to `AWSLogs/` is the same confusion for a reviewer, so
/// any case is refused; `awslogs-archive/` is another folder and is accepted.
pub fn access_log_prefix_problem(prefix: &str) -> Option<String> {
    if prefix.trim().is_empty() {
        return Some(
            "the access-log prefix is empty: logs would land at the root of the log bucket, mixed with every other object"
                .to_string(),
        );
    }
    if let Some(wildcard) = prefix.chars().find(|c| matches!(c, '*' | '?')) {
        return Some(format!(
            "the access-log prefix {prefix:?} contains the wildcard {wildcard:?}: S3 takes it literally, so filters and readers that treat it as a pattern miss or over-match the logs"
        ));
    }
    let first_segment = prefix
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or_default();
    if first_segment.eq_ignore_ascii_case("AWSLogs") {
        return Some(format!(
            "the access-log prefix {prefix:?} is under AWSLogs/, where CloudTrail, AWS Config and flow logs deliver: access logs would mix with that evidence"
        ));
    }
    None
}

fn logging_check(state: &BucketState, expect: &BucketExpectations) -> Check {
    match (&state.access_logging, expect.log_target) {
        (Some(logging), _) => {
            let problem = access_log_prefix_problem(&logging.target_prefix);
            Check::require(
                ControlId::S3BucketLoggingEnabled,
                "access_logging",
                problem.is_none(),
                format!(
                    "server access logs go to {} under {}",
                    logging.target_bucket, logging.target_prefix
                ),
                format!(
                    "server access logs go to {}, but {} (the AWS Config rule's targetPrefix parameter judges the prefix too)",
                    logging.target_bucket,
                    problem.unwrap_or_default()
                ),
            )
        }
        (None, true) => Check::require(
            ControlId::S3BucketLoggingEnabled,
            "access_logging",
            true,
            "the bucket is itself a log target (accepted by the cdk-nag rule; AWS Config would flag it)",
            "",
        ),
        (None, false) => Check::require(
            ControlId::S3BucketLoggingEnabled,
            "access_logging",
            false,
            "",
            "server access logging is off",
        ),
    }
}

fn versioning_checks(state: &BucketState, checks: &mut Vec<Check>) {
    let versioned = state.versioning == "Enabled";
    checks.push(Check::require(
        ControlId::S3BucketVersioningEnabled,
        "versioning",
        versioned,
        "versioning is enabled",
        format!("versioning is {}", state.versioning),
    ));
    checks.push(if versioned {
        Check::require(
            ControlId::S3VersionLifecyclePolicyCheck,
            "lifecycle",
            state.lifecycle.iter().any(|rule| rule.enabled),
            "the versioned bucket has an enabled lifecycle rule",
            "the versioned bucket has no enabled lifecycle rule",
        )
    } else {
        Check::not_applicable(
            ControlId::S3VersionLifecyclePolicyCheck,
            "lifecycle",
            "the bucket is not versioned",
        )
    });
}

/// What an enabled lifecycle rule deletes before `floor` days, in words. Disabled rules
/// delete nothing. A filtered rule (prefix, tag, size) still deletes the logs it matches, so it
/// counts like any other. A fixed expiration date fails whatever the date: every object written
/// less than `floor` days before it is deleted before it is `floor` days old, and logs are
/// written every day (the strictest reading).
fn early_deletions(rule: &LifecycleRule, floor: u32) -> Vec<String> {
    if !rule.enabled {
        return Vec::new();
    }
    let scope = rule
        .filter
        .as_deref()
        .map(|filter| format!(" (on objects with {filter})"))
        .unwrap_or_default();
    let mut found: Vec<String> = [
        ("Expiration.Days", rule.expiration_days),
        (
            "NoncurrentVersionExpiration.NoncurrentDays",
            rule.noncurrent_expiration_days,
        ),
    ]
    .into_iter()
    .filter_map(|(what, days)| {
        days.filter(|days| *days < floor)
            .map(|days| format!("rule {} sets {what} = {days}{scope}", rule.id))
    })
    .collect();
    if let Some(date) = &rule.expiration_date {
        found.push(format!(
            "rule {} sets Expiration.Date = {date}{scope}: every log written less than {floor} days before that date is deleted younger than {floor} days",
            rule.id
        ));
    }
    found
}

/// Judges that no lifecycle rule deletes logs before `floor` days (current or noncurrent
/// versions, by days or by date).
pub fn retention_check(state: &BucketState, floor: u32) -> Check {
    let short: Vec<String> = state
        .lifecycle
        .iter()
        .flat_map(|rule| early_deletions(rule, floor))
        .collect();
    Check::require(
        ControlId::LogRetentionSixYears,
        "lifecycle",
        short.is_empty(),
        format!("no enabled lifecycle rule removes logs before {floor} days (filtered rules and expiration dates included)"),
        format!(
            "logs would be deleted before {floor} days: {}",
            short.join(", ")
        ),
    )
}

fn object_lock_check(state: &BucketState, expect: &BucketExpectations) -> Check {
    let enabled = state.object_lock.as_ref().is_some_and(|lock| lock.enabled);
    if !expect.object_lock && !enabled {
        return Check::not_applicable(
            ControlId::S3BucketDefaultLockEnabled,
            "object_lock",
            "Object Lock was not asked for this bucket (the AWS Config rule would flag its absence)",
        );
    }
    Check::require(
        ControlId::S3BucketDefaultLockEnabled,
        "object_lock",
        enabled,
        "Object Lock is enabled",
        "Object Lock is not enabled",
    )
}

#[cfg(test)]
#[path = "checks_tests.rs"]
mod tests;
