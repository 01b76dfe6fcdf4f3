//! The controls that judge a bucket, on a spec or on what S3 returns.

use crate::controls::{Check, ControlId};
use crate::policy::{denies_insecure_transport, denies_tls_below, public_access};

use super::feeds::BUCKET_FEEDS;
use super::state::BucketState;
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

fn encryption_checks(state: &BucketState, checks: &mut Vec<Check>) {
    let encryption = state.encryption.as_ref();
    let kms = encryption.is_some_and(|e| {
        (e.algorithm == "aws:kms" || e.algorithm == "aws:kms:dsse") && e.kms_key.is_some()
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

fn logging_check(state: &BucketState, expect: &BucketExpectations) -> Check {
    match (&state.access_logging, expect.log_target) {
        (Some(logging), _) => Check::require(
            ControlId::S3BucketLoggingEnabled,
            "access_logging",
            true,
            format!("server access logs go to {}", logging.target_bucket),
            "",
        ),
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

fn retention_check(state: &BucketState, floor: u32) -> Check {
    let short: Vec<String> = state
        .lifecycle
        .iter()
        .filter(|rule| rule.enabled)
        .flat_map(|rule| {
            [
                ("expiration_days", rule.expiration_days),
                (
                    "noncurrent_expiration_days",
                    rule.noncurrent_expiration_days,
                ),
            ]
            .into_iter()
            .filter_map(move |(what, days)| {
                days.filter(|days| *days < floor)
                    .map(|days| format!("rule {} sets {what} = {days}", rule.id))
            })
        })
        .collect();
    Check::require(
        ControlId::LogRetentionSixYears,
        "lifecycle",
        short.is_empty(),
        format!("no lifecycle rule removes logs before {floor} days"),
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
