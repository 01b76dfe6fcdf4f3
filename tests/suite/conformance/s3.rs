//! S3: the bucket controls on a compliant state and its mutations (evaluator path), the
//! name rules and refusals (build path). The account-level Block Public Access control is
//! judged only by the audit (live cases in `live.rs`).

use hipaa_aws::construct::{Construct, Scope};
use hipaa_aws::constructs::s3::{
    bucket_name_problems, evaluate_bucket, replication_rule_check, replication_rules_check,
    AccessLogging, BucketEncryption, BucketExpectations, BucketState, LifecycleRule,
    ObjectLockState, PublicAccessBlock, ReplicationRule, LOG_RETENTION_FLOOR_DAYS,
};
use hipaa_aws::policy::PolicyDocument;
use hipaa_aws::prelude::*;
use hipaa_aws::{Check, ControlId as C, Status};

use super::Case;

const F: &str = "s3";
const EVAL: &str = "constructs::s3::evaluate_bucket";
const NAMES: &str = "constructs::s3::bucket_name_problems";
const REPLICATION: &str = "constructs::s3::replication_rule_check";
const REPLICATION_AUDIT: &str = "constructs::s3::replication_rules_check";
const REPLICA: &str = "arn:aws:s3:::acme-phi-replica";
const WEST_KEY: &str = "arn:aws:kms:us-west-2:111122223333:key/replica";
const KEY: &str = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

pub fn key() -> HipaaKey {
    HipaaKey::builder().alias("phi").build().expect("valid key")
}

pub fn logs(key: &HipaaKey) -> LogBucket {
    LogBucket::builder()
        .name("acme-logs")
        .key(key)
        .build()
        .expect("valid log bucket")
}

fn data_named(name: &str) -> hipaa_aws::Result<EncryptedBucket> {
    let key = key();
    EncryptedBucket::builder()
        .name(name)
        .key(&key)
        .access_logs(&logs(&key))
        .build()
}

/// The library's own bucket, as desired, with the controls the audit also asks for on.
fn base() -> BucketState {
    let bucket = data_named("acme-phi").expect("valid bucket");
    let mut state = bucket.desired(&Scope::for_build());
    state.encryption = Some(BucketEncryption {
        algorithm: "aws:kms".into(),
        kms_key: Some(KEY.into()),
        bucket_key: true,
    });
    state.replication = Some(true);
    state.event_notifications = Some(true);
    state.object_lock = Some(ObjectLockState {
        enabled: true,
        mode: Some("GOVERNANCE".into()),
        days: Some(1),
        years: None,
    });
    state.lifecycle = vec![rule("noncurrent", None, Some(2192))];
    state
}

/// The compliant bucket state other families build on.
pub fn bucket_state() -> BucketState {
    base()
}

fn rule(id: &str, expiration: Option<u32>, noncurrent: Option<u32>) -> LifecycleRule {
    LifecycleRule {
        id: id.into(),
        enabled: true,
        expiration_days: expiration,
        expiration_date: None,
        noncurrent_expiration_days: noncurrent,
        transition: None,
        abort_incomplete_multipart_days: None,
        filter: None,
    }
}

fn judge(name: &str, control: C, expected: Status, change: impl FnOnce(&mut BucketState)) -> Case {
    let mut state = base();
    change(&mut state);
    Case::eval(
        F,
        EVAL,
        name,
        control,
        expected,
        evaluate_bucket(&state, &BucketExpectations::AUDIT),
    )
}

/// The rule a replicating bucket wants: everything to the replica in us-west-2 under its key.
fn replication_rule() -> ReplicationRule {
    ReplicationRule {
        id: "hipaa-aws-replication".into(),
        enabled: true,
        role: "arn:aws:iam::111122223333:role/hipaa-aws/s3-replication-acme-phi".into(),
        destination_bucket: REPLICA.into(),
        replica_kms_key: Some(WEST_KEY.into()),
        sse_kms_objects: true,
        source_region: "us-east-1".into(),
        destination_region: Some("us-west-2".into()),
    }
}

/// A bucket that asked for replication to [`REPLICA`], its rule changed by `change`.
fn judge_replication(name: &str, expected: Status, change: impl FnOnce(&mut BucketState)) -> Case {
    let mut state = base();
    state.replication_rules = vec![replication_rule()];
    change(&mut state);
    Case::eval(
        F,
        REPLICATION,
        name,
        C::S3ReplicationCrossRegion,
        expected,
        vec![replication_rule_check(&state, REPLICA)],
    )
}

/// A bucket an audit found with `rules`: judged on the best of them.
fn judge_found_rules(name: &str, expected: Status, rules: Vec<ReplicationRule>) -> Case {
    let mut state = base();
    state.replication_rules = rules;
    Case::eval(
        F,
        REPLICATION_AUDIT,
        name,
        C::S3ReplicationCrossRegion,
        expected,
        replication_rules_check(&state).into_iter().collect(),
    )
}

/// A log bucket: the retention floor is judged (as the audit does for a delivery target).
fn judge_log(name: &str, expected: Status, lifecycle: Vec<LifecycleRule>) -> Case {
    let mut state = base();
    state.lifecycle = lifecycle;
    let expect = BucketExpectations {
        retention_floor_days: Some(LOG_RETENTION_FLOOR_DAYS),
        ..BucketExpectations::AUDIT
    };
    Case::eval(
        F,
        EVAL,
        name,
        C::LogRetentionSixYears,
        expected,
        evaluate_bucket(&state, &expect),
    )
    .edge()
}

fn policy(json: &str) -> Option<PolicyDocument> {
    Some(PolicyDocument::from_json(json).expect("valid policy"))
}

fn public_statement(action: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":"*","Action":"{action}","Resource":"arn:aws:s3:::acme-phi/*"}}]}}"#
    )
}

fn tls_deny(condition: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::acme-phi","arn:aws:s3:::acme-phi/*"],"Condition":{condition}}}]}}"#
    )
}

fn name_case(name: &str, expected: Status) -> Case {
    let problems = bucket_name_problems(name);
    let checks = vec![Check::require(
        C::S3BucketNameValid,
        "name",
        problems.is_empty(),
        "valid bucket name",
        problems.join("; "),
    )];
    Case::eval(
        F,
        NAMES,
        format!("bucket name {name:?}"),
        C::S3BucketNameValid,
        expected,
        checks,
    )
    .edge()
}

fn with_block(flags: [bool; 4]) -> impl FnOnce(&mut BucketState) {
    move |s| {
        s.public_access_block = Some(PublicAccessBlock {
            block_public_acls: flags[0],
            ignore_public_acls: flags[1],
            block_public_policy: flags[2],
            restrict_public_buckets: flags[3],
        })
    }
}

pub fn cases() -> Vec<Case> {
    use Status::*;
    let mut cases = vec![
        // Default encryption with a customer key.
        judge("SSE-KMS with a customer key", C::S3DefaultEncryptionKms, Pass, |_| {}),
        judge("DSSE-KMS with a customer key", C::S3DefaultEncryptionKms, Pass, |s| {
            s.encryption = Some(BucketEncryption {
                algorithm: "aws:kms:dsse".into(),
                kms_key: Some(KEY.into()),
                bucket_key: false,
            })
        }),
        judge("SSE-S3 (AES256)", C::S3DefaultEncryptionKms, Fail, |s| {
            s.encryption = Some(BucketEncryption {
                algorithm: "AES256".into(),
                kms_key: None,
                bucket_key: false,
            })
        }),
        judge("SSE-KMS without a key (AWS managed)", C::S3DefaultEncryptionKms, Fail, |s| {
            s.encryption = Some(BucketEncryption {
                algorithm: "aws:kms".into(),
                kms_key: None,
                bucket_key: false,
            })
        }),
        judge("SSE-KMS naming alias/aws/s3", C::S3DefaultEncryptionKms, Fail, |s| {
            s.encryption = Some(BucketEncryption {
                algorithm: "aws:kms".into(),
                kms_key: Some("alias/aws/s3".into()),
                bucket_key: false,
            })
        })
        .edge(),
        judge("SSE-KMS naming the alias/aws/s3 ARN", C::S3DefaultEncryptionKms, Fail, |s| {
            s.encryption = Some(BucketEncryption {
                algorithm: "aws:kms".into(),
                kms_key: Some("arn:aws:kms:us-east-1:111122223333:alias/aws/s3".into()),
                bucket_key: false,
            })
        })
        .edge(),
        judge("SSE-KMS naming a customer alias alias/awsome", C::S3DefaultEncryptionKms, Pass, |s| {
            s.encryption = Some(BucketEncryption {
                algorithm: "aws:kms".into(),
                kms_key: Some("alias/awsome".into()),
                bucket_key: false,
            })
        })
        .edge(),
        judge("no default encryption (KMS)", C::S3DefaultEncryptionKms, Fail, |s| s.encryption = None),
        judge("default encryption on", C::S3BucketServerSideEncryptionEnabled, Pass, |_| {}),
        judge("SSE-S3 counts as server-side encryption", C::S3BucketServerSideEncryptionEnabled, Pass, |s| {
            s.encryption = Some(BucketEncryption {
                algorithm: "AES256".into(),
                kms_key: None,
                bucket_key: false,
            })
        }),
        judge("no default encryption", C::S3BucketServerSideEncryptionEnabled, Fail, |s| s.encryption = None),
        // Block Public Access on the bucket: all four flags, each one off is a fail.
        judge("all four BPA flags on", C::S3BucketLevelPublicAccessProhibited, Pass, |_| {}),
        judge("BPA not configured", C::S3BucketLevelPublicAccessProhibited, Fail, |s| {
            s.public_access_block = None
        }),
        judge("BlockPublicAcls off", C::S3BucketLevelPublicAccessProhibited, Fail, with_block([false, true, true, true])).edge(),
        judge("IgnorePublicAcls off", C::S3BucketLevelPublicAccessProhibited, Fail, with_block([true, false, true, true])).edge(),
        judge("BlockPublicPolicy off", C::S3BucketLevelPublicAccessProhibited, Fail, with_block([true, true, false, true])).edge(),
        judge("RestrictPublicBuckets off", C::S3BucketLevelPublicAccessProhibited, Fail, with_block([true, true, true, false])).edge(),
        // Public read and write, by policy and by ACL.
        judge("no public grant", C::S3BucketPublicReadProhibited, Pass, |_| {}),
        judge("policy grants s3:GetObject to * with RestrictPublicBuckets off", C::S3BucketPublicReadProhibited, Fail, |s| {
            s.policy = policy(&public_statement("s3:GetObject"));
            s.public_access_block = None;
        }),
        judge("policy grants s3:GetObject to * but RestrictPublicBuckets on", C::S3BucketPublicReadProhibited, Pass, |s| {
            s.policy = policy(&public_statement("s3:GetObject"));
        })
        .edge(),
        judge("public ACL with ACLs honoured", C::S3BucketPublicReadProhibited, Fail, |s| {
            s.acl_grants_public = Some(true);
            s.object_ownership = Some("ObjectWriter".into());
            s.public_access_block = None;
        }),
        judge("public ACL but ownership enforced", C::S3BucketPublicReadProhibited, Pass, |s| {
            s.acl_grants_public = Some(true);
            s.public_access_block = None;
        })
        .edge(),
        judge("no public write", C::S3BucketPublicWriteProhibited, Pass, |_| {}),
        judge("policy grants s3:PutObject to *", C::S3BucketPublicWriteProhibited, Fail, |s| {
            s.policy = policy(&public_statement("s3:PutObject"));
            s.public_access_block = None;
        }),
        judge("public ACL grants write", C::S3BucketPublicWriteProhibited, Fail, |s| {
            s.acl_grants_public = Some(true);
            s.object_ownership = Some("BucketOwnerPreferred".into());
            s.public_access_block = None;
        }),
        judge("public write neutralised by RestrictPublicBuckets", C::S3BucketPublicWriteProhibited, Pass, |s| {
            s.policy = policy(&public_statement("s3:PutObject"));
        })
        .edge(),
        // ACLs disabled.
        judge("BucketOwnerEnforced", C::S3BucketAclProhibited, Pass, |_| {}),
        judge("BucketOwnerPreferred", C::S3BucketAclProhibited, Fail, |s| {
            s.object_ownership = Some("BucketOwnerPreferred".into())
        }),
        judge("ObjectWriter", C::S3BucketAclProhibited, Fail, |s| {
            s.object_ownership = Some("ObjectWriter".into())
        }),
        judge("ownership not configured", C::S3BucketAclProhibited, Fail, |s| s.object_ownership = None),
        // TLS only, and TLS 1.2 at least.
        judge("denies aws:SecureTransport=false", C::S3BucketSslRequestsOnly, Pass, |_| {}),
        judge("no bucket policy", C::S3BucketSslRequestsOnly, Fail, |s| s.policy = None),
        judge("TLS deny with a Bool condition only on true", C::S3BucketSslRequestsOnly, Fail, |s| {
            s.policy = policy(&tls_deny(r#"{"Bool":{"aws:SecureTransport":"true"}}"#))
        })
        .edge(),
        judge("TLS deny narrowed to one source address", C::S3BucketSslRequestsOnly, Fail, |s| {
            s.policy = policy(&tls_deny(
                r#"{"Bool":{"aws:SecureTransport":"false"},"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#,
            ))
        })
        .edge(),
        judge("policy grants s3:Get* to *", C::S3BucketPublicReadProhibited, Fail, |s| {
            s.policy = policy(&public_statement("s3:Get*"));
            s.public_access_block = None;
        })
        .edge(),
        judge("policy grants s3:*Object to *", C::S3BucketPublicWriteProhibited, Fail, |s| {
            s.policy = policy(&public_statement("s3:*Object"));
            s.public_access_block = None;
        })
        .edge(),
        judge("Allow with NotPrincipal", C::S3BucketPublicReadProhibited, Fail, |s| {
            s.policy = policy(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::acme-phi/*"}]}"#,
            );
            s.public_access_block = None;
        })
        .edge(),
        judge("denies TLS below 1.2", C::S3TlsMinimumVersion, Pass, |_| {}),
        judge("no policy: no TLS floor", C::S3TlsMinimumVersion, Fail, |s| s.policy = None),
        judge("denies TLS below 1.1 only", C::S3TlsMinimumVersion, Fail, |s| {
            s.policy = policy(&tls_deny(r#"{"NumericLessThan":{"s3:TlsVersion":"1.1"}}"#))
        })
        .edge(),
        judge("denies TLS below 1.2 (exactly the floor)", C::S3TlsMinimumVersion, Pass, |s| {
            s.policy = policy(&tls_deny(r#"{"NumericLessThan":{"s3:TlsVersion":"1.2"}}"#))
        })
        .edge(),
        // Versioning and its lifecycle.
        judge("versioning Enabled", C::S3BucketVersioningEnabled, Pass, |_| {}),
        judge("versioning Suspended", C::S3BucketVersioningEnabled, Fail, |s| s.versioning = "Suspended".into()),
        judge("versioning never enabled", C::S3BucketVersioningEnabled, Fail, |s| s.versioning = "Disabled".into()),
        judge("versioned with an enabled lifecycle rule", C::S3VersionLifecyclePolicyCheck, Pass, |_| {}),
        judge("versioned without lifecycle rules", C::S3VersionLifecyclePolicyCheck, Fail, |s| s.lifecycle.clear()),
        judge("versioned with only a disabled rule", C::S3VersionLifecyclePolicyCheck, Fail, |s| {
            s.lifecycle = vec![LifecycleRule {
                enabled: false,
                ..rule("off", Some(3000), None)
            }]
        })
        .edge(),
        judge("unversioned: lifecycle check does not apply", C::S3VersionLifecyclePolicyCheck, NotApplicable, |s| {
            s.versioning = "Suspended".into()
        }),
        // Server access logging and its prefix.
        judge("access logs under logs/", C::S3BucketLoggingEnabled, Pass, |_| {}),
        judge("access logging off", C::S3BucketLoggingEnabled, Fail, |s| s.access_logging = None),
        // Object Lock, replication, event notifications (asked for by the audit).
        judge("Object Lock enabled", C::S3BucketDefaultLockEnabled, Pass, |_| {}),
        judge("Object Lock off", C::S3BucketDefaultLockEnabled, Fail, |s| s.object_lock = None),
        judge("replication rule enabled", C::S3BucketReplicationEnabled, Pass, |_| {}),
        judge("no replication rule", C::S3BucketReplicationEnabled, Fail, |s| s.replication = Some(false)),
        judge("replication unread", C::S3BucketReplicationEnabled, Error, |s| s.replication = None),
        judge("event notifications configured", C::S3EventNotificationsEnabled, Pass, |_| {}),
        judge("no event notification", C::S3EventNotificationsEnabled, Fail, |s| s.event_notifications = Some(false)),
        judge("event notifications unread", C::S3EventNotificationsEnabled, Error, |s| s.event_notifications = None),
    ];
    // Cross-region replication of a bucket that asked for it, and its disguised misses.
    let first_rule = |s: &mut BucketState| s.replication_rules[0].clone();
    cases.extend([
        judge_replication(
            "every object to the replica in another region",
            Pass,
            |_| {},
        ),
        judge_replication("no rule at all", Fail, |s| s.replication_rules.clear()),
        judge_replication("a rule to another bucket only", Fail, |s| {
            s.replication_rules[0].destination_bucket = "arn:aws:s3:::elsewhere".into()
        })
        .edge(),
        judge_replication("the rule disabled", Fail, |s| {
            s.replication_rules[0].enabled = false
        }),
        judge_replication("SSE-KMS objects skipped", Fail, |s| {
            s.replication_rules[0].sse_kms_objects = false
        })
        .edge(),
        judge_replication("replicas without a customer key", Fail, |s| {
            s.replication_rules[0].replica_kms_key = None
        }),
        judge_replication("replicas under an empty key id", Fail, |s| {
            s.replication_rules[0].replica_kms_key = Some(" ".into())
        })
        .edge(),
        judge_replication("replicas under the AWS managed key", Fail, |s| {
            s.replication_rules[0].replica_kms_key = Some("alias/aws/s3".into())
        })
        .edge(),
        judge_replication("replicas under the AWS managed key's ARN", Fail, |s| {
            s.replication_rules[0].replica_kms_key =
                Some("arn:aws:kms:us-west-2:111122223333:alias/aws/s3".into())
        })
        .edge(),
        judge_replication("the replica in the source's own region", Fail, |s| {
            s.replication_rules[0].destination_region = Some("us-east-1".into());
            s.replication_rules[0].replica_kms_key =
                Some("arn:aws:kms:us-east-1:111122223333:key/replica".into());
        })
        .edge(),
        judge_replication("the source's region in another letter case", Fail, |s| {
            s.replication_rules[0].destination_region = Some("US-EAST-1".into())
        })
        .edge(),
        judge_replication("a replica key of a third region", Fail, |s| {
            s.replication_rules[0].replica_kms_key =
                Some("arn:aws:kms:eu-west-1:111122223333:key/replica".into())
        })
        .edge(),
        judge_replication("the destination's region unknown", Fail, |s| {
            s.replication_rules[0].destination_region = None
        })
        .edge(),
        judge_replication("a bare key id in the destination's region", Pass, |s| {
            s.replication_rules[0].replica_kms_key = Some("1234abcd".into())
        })
        .edge(),
        judge_replication("a disabled rule beside a good one", Pass, |s| {
            let mut off = first_rule(s);
            off.id = "old".into();
            off.enabled = false;
            s.replication_rules.insert(0, off);
        })
        .edge(),
        judge_replication("two rules to the replica, both failing", Fail, |s| {
            let mut second = first_rule(s);
            second.id = "second".into();
            second.sse_kms_objects = false;
            s.replication_rules[0].enabled = false;
            s.replication_rules.push(second);
        })
        .edge(),
    ]);
    // The audit: a bucket with rules is judged on the best destination among them.
    let same_region = ReplicationRule {
        id: "local-copy".into(),
        destination_bucket: "arn:aws:s3:::acme-phi-copy".into(),
        replica_kms_key: Some("arn:aws:kms:us-east-1:111122223333:key/copy".into()),
        destination_region: Some("us-east-1".into()),
        ..replication_rule()
    };
    let no_key = ReplicationRule {
        replica_kms_key: None,
        destination_region: None,
        ..replication_rule()
    };
    cases.extend([
        judge_found_rules(
            "a found rule to another region",
            Pass,
            vec![replication_rule()],
        ),
        judge_found_rules(
            "a found rule within the region only",
            Fail,
            vec![same_region.clone()],
        )
        .edge(),
        judge_found_rules(
            "a same-region rule beside a cross-region one",
            Pass,
            vec![same_region.clone(), replication_rule()],
        )
        .edge(),
        judge_found_rules("a found rule without a replica key", Fail, vec![no_key]).edge(),
    ]);
    for (prefix, expected) in [
        ("logs/", Pass),
        ("", Fail),
        (" ", Fail),
        ("AWSLogs/", Fail),
        ("/AWSLogs/x/", Fail),
        ("awslogs/", Fail),
        ("awslogs-archive/", Pass),
        ("AWSLogsX/", Pass),
        ("logs*/", Fail),
        ("logs?/", Fail),
    ] {
        cases.push(
            judge(
                &format!("access-log prefix {prefix:?}"),
                C::S3BucketLoggingEnabled,
                expected,
                |s| {
                    s.access_logging = Some(AccessLogging {
                        target_bucket: "acme-logs".into(),
                        target_prefix: prefix.into(),
                    })
                },
            )
            .edge(),
        );
    }
    let floor = LOG_RETENTION_FLOOR_DAYS;
    let dated = LifecycleRule {
        expiration_date: Some("2031-01-01T00:00:00Z".into()),
        ..rule("dated", None, None)
    };
    let filtered = LifecycleRule {
        filter: Some("prefix tmp/".into()),
        ..rule("filtered", Some(30), None)
    };
    let disabled = LifecycleRule {
        enabled: false,
        ..rule("off", Some(1), None)
    };
    cases.extend([
        judge_log(
            "expires at exactly the floor",
            Pass,
            vec![rule("keep", Some(floor), None)],
        ),
        judge_log(
            "expires one day before the floor",
            Fail,
            vec![rule("short", Some(floor - 1), None)],
        ),
        judge_log(
            "noncurrent versions at the floor",
            Pass,
            vec![rule("nc", None, Some(floor))],
        ),
        judge_log(
            "noncurrent versions one day short",
            Fail,
            vec![rule("nc", None, Some(floor - 1))],
        ),
        judge_log("expiration on a fixed date", Fail, vec![dated]),
        judge_log(
            "a filtered rule expiring after 30 days",
            Fail,
            vec![filtered],
        ),
        judge_log(
            "a disabled 1-day rule deletes nothing",
            Pass,
            vec![disabled],
        ),
        judge_log("no lifecycle rule at all", Pass, vec![]),
    ]);
    for (name, expected) in [
        ("acme-phi", Pass),
        ("abc", Pass),
        ("ab", Fail),
        (&"a".repeat(63)[..], Pass),
        (&"a".repeat(64)[..], Fail),
        ("Acme-PHI", Fail),
        ("acme_phi", Fail),
        ("acme..phi", Fail),
        ("192.168.5.4", Fail),
        ("xn--acme", Fail),
        ("acme-s3alias", Fail),
    ] {
        cases.push(name_case(name, expected));
    }
    // The build path of cross-region replication: the replica's placement and identity.
    let replicating = |replica_region: Option<&str>, replica_name: &str| {
        let key = key();
        let logs = logs(&key);
        let replica_key = match replica_region {
            Some(region) => HipaaKey::builder()
                .alias("phi-replica")
                .region(region)
                .build()?,
            None => HipaaKey::builder().alias("phi-replica").build()?,
        };
        let replica = match replica_region {
            Some(region) => EncryptedBucket::builder()
                .name(replica_name)
                .key(&replica_key)
                .access_logs(&logs)
                .region(region)
                .build()?,
            None => EncryptedBucket::builder()
                .name(replica_name)
                .key(&replica_key)
                .access_logs(&logs)
                .build()?,
        };
        EncryptedBucket::builder()
            .name("acme-phi")
            .key(&key)
            .access_logs(&logs)
            .replicate_to(&replica)
            .build()
    };
    cases.extend([
        Case::build(
            F,
            "a replica in us-west-2",
            C::S3ReplicationCrossRegion,
            Pass,
            replicating(Some("us-west-2"), "acme-phi-replica"),
        ),
        Case::build(
            F,
            "a replica left in the default region",
            C::S3ReplicationCrossRegion,
            Fail,
            replicating(None, "acme-phi-replica"),
        )
        .edge(),
        Case::build(
            F,
            "a replica placed in us-east-1 by name",
            C::S3ReplicationCrossRegion,
            Fail,
            replicating(Some("us-east-1"), "acme-phi-replica"),
        )
        .edge(),
        Case::build(
            F,
            "replicating to itself",
            C::S3ReplicationCrossRegion,
            Fail,
            replicating(Some("us-west-2"), "acme-phi"),
        )
        .edge(),
    ]);
    cases.extend([
        Case::build(
            F,
            "a compliant bucket spec",
            C::S3BucketNameValid,
            Pass,
            data_named("acme-phi"),
        ),
        Case::build(
            F,
            "a bucket spec with capitals",
            C::S3BucketNameValid,
            Fail,
            data_named("Acme-PHI"),
        ),
        Case::build(
            F,
            "a 64-character bucket name",
            C::S3BucketNameValid,
            Fail,
            data_named(&"b".repeat(64)),
        )
        .edge(),
    ]);
    cases
}
