//! Nothing lost and nothing exposed by the library's own resources, and verify judged against
//! the spec: destroy without consent never deletes an object, a consent name two resources
//! share is refused, a twin key is scheduled only when nothing could need it, the database's
//! exported logs go to log groups it makes encrypted and kept six years, a key or policy
//! swapped behind the library's back fails verify with its control, and a read that fails
//! errors only the controls it feeds.

use aws_sdk_s3::primitives::ByteStream;
use hipaa_aws::construct::{Construct, LogicalId};
use hipaa_aws::constructs::rds::{database_log_group_name, Engine, POSTGRES_LOG_EXPORTS};
use hipaa_aws::env::{LOGICAL_ID_TAG, STACK_TAG};
use hipaa_aws::prelude::*;
use hipaa_aws::stack::Removal;
use hipaa_aws::{ApplyOptions, Audit, HipaaRole, Trust};

use crate::support::{account, TestAccount};
use hipaa_aws::local::fault_proxy::{FaultPlan, FaultProxy};

fn logs_client(account: &TestAccount) -> aws_sdk_cloudwatchlogs::Client {
    aws_sdk_cloudwatchlogs::Client::new(&account.sdk_config)
}

fn iam_client(account: &TestAccount) -> aws_sdk_iam::Client {
    aws_sdk_iam::Client::new(&account.sdk_config)
}

/// An environment whose every call goes through `proxy`.
async fn env_through(account: &TestAccount, proxy: &FaultProxy) -> Environment {
    let config = account
        .sdk_config
        .clone()
        .into_builder()
        .endpoint_url(proxy.url())
        .build();
    // One attempt: a denied call is an answer, not something to retry.
    Environment::builder(BaaAttestation::executed_on("2026-01-15"))
        .sdk_config(config)
        .tag("team", "tests")
        .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(1))
        .build()
        .await
        .expect("environment through the proxy")
}

/// The status of the first check of `control` (on `setting`, when given) of resource `id`.
fn status_of(
    report: &hipaa_aws::VerifyReport,
    id: &LogicalId,
    control: ControlId,
    setting: Option<&str>,
) -> Option<Status> {
    report
        .resource(id)?
        .checks
        .iter()
        .find(|check| check.control == control && setting.is_none_or(|s| check.setting == s))
        .map(|check| check.status)
}

struct Buckets {
    stack: Stack,
    key: LogicalId,
    data: LogicalId,
    data_name: String,
}

fn buckets(account: &TestAccount, stack: &str) -> Buckets {
    let key = HipaaKey::builder()
        .alias(format!("{stack}-{}", account.suffix))
        .build()
        .expect("valid key");
    let logs = LogBucket::builder()
        .name(account.bucket(&format!("{stack}-logs")))
        .key(&key)
        .build()
        .expect("valid log bucket");
    let data = EncryptedBucket::builder()
        .name(account.bucket(&format!("{stack}-phi")))
        .key(&key)
        .access_logs(&logs)
        .build()
        .expect("valid data bucket");
    Buckets {
        key: key.reference().id().clone(),
        data: data.reference().id().clone(),
        data_name: data.name().to_string(),
        stack: Stack::builder(stack)
            .with(key)
            .with(logs)
            .with(data)
            .build()
            .expect("valid stack"),
    }
}

/// Puts one object in a bucket whose TLS-only policy denies the endpoint's plain HTTP (as AWS
/// would): the policy is lifted for the upload, and apply puts it back.
async fn put_object(account: &TestAccount, stack: &Stack, bucket: &str) {
    let s3 = account.s3();
    s3.delete_bucket_policy()
        .bucket(bucket)
        .send()
        .await
        .expect("lift the policy");
    s3.put_object()
        .bucket(bucket)
        .key("patient-1.json")
        .body(ByteStream::from_static(b"{\"mrn\":\"1\"}"))
        .send()
        .await
        .expect("put object");
    stack.apply(&account.env).await.expect("policy restored");
}

const EMPTY_LISTING: &str = r#"<?xml version="1.0" encoding="UTF-8"?><ListVersionsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>stale</Name><Prefix></Prefix><KeyMarker></KeyMarker><VersionIdMarker></VersionIdMarker><MaxKeys>1</MaxKeys><IsTruncated>false</IsTruncated></ListVersionsResult>"#;

#[tokio::test]
async fn destroy_without_consent_sends_delete_bucket_alone_and_keeps_a_bucket_s3_refuses() {
    let account = account().await;
    let b = buckets(&account, "racing");
    b.stack.apply(&account.env).await.expect("apply");
    put_object(&account, &b.stack, &b.data_name).await;

    // The proxy is a stand-in for the race moto cannot stage: the guard's first listing says
    // "empty" (as if the object were written just after it looked), so the bucket reaches
    // delete without consent, which must send DeleteBucket alone.
    let proxy = FaultProxy::start(
        &crate::support::endpoint().await.url(),
        FaultPlan::answer_once("?versions", EMPTY_LISTING),
    )
    .expect("fault proxy");
    let env = env_through(&account, &proxy).await;
    let report = b
        .stack
        .destroy(&env, &DestroyOptions::new())
        .await
        .expect("destroy keeps what S3 refuses to delete");
    let data = report.resource(&b.data).expect("in the report");
    assert!(
        matches!(&data.removal, Removal::Kept(reason) if reason.contains("holds PHI objects")),
        "{report}"
    );
    assert!(report.deleted().is_empty(), "{report}");

    let seen = proxy.stats.seen.lock().expect("requests").clone();
    let delete_bucket = format!("DELETE /{}/", b.data_name);
    assert!(
        seen.iter().any(|request| request == &delete_bucket),
        "DeleteBucket was sent: {seen:?}"
    );
    for request in &seen {
        let object_delete = request.starts_with(&delete_bucket) && request != &delete_bucket;
        assert!(
            !request.contains("?delete") && !object_delete,
            "an object delete was sent without consent: {request}"
        );
    }
    let objects = account
        .s3()
        .list_object_versions()
        .bucket(&b.data_name)
        .send()
        .await
        .expect("list");
    assert_eq!(objects.versions().len(), 1, "the object is still there");
}

#[tokio::test]
async fn an_empty_bucket_is_deleted_without_consent_and_a_full_one_kept_untouched() {
    let account = account().await;
    let b = buckets(&account, "emptying");
    b.stack.apply(&account.env).await.expect("apply");
    put_object(&account, &b.stack, &b.data_name).await;
    let report = b
        .stack
        .destroy(&account.env, &DestroyOptions::new())
        .await
        .expect("destroy");
    assert!(
        matches!(
            &report.resource(&b.data).expect("data").removal,
            Removal::Kept(_)
        ),
        "{report}"
    );
    // Emptied behind the library's back (the TLS-only policy lifted for the endpoint's plain
    // HTTP, as for the upload): now destroy deletes it without consent.
    let s3 = account.s3();
    s3.delete_bucket_policy()
        .bucket(&b.data_name)
        .send()
        .await
        .expect("lift the policy");
    let listing = s3
        .list_object_versions()
        .bucket(&b.data_name)
        .send()
        .await
        .expect("list");
    for version in listing.versions() {
        s3.delete_object()
            .bucket(&b.data_name)
            .key(version.key().expect("key"))
            .set_version_id(version.version_id().map(str::to_string))
            .send()
            .await
            .expect("delete the version");
    }
    let report = b
        .stack
        .destroy(&account.env, &DestroyOptions::new())
        .await
        .expect("destroy");
    assert_eq!(
        report.resource(&b.data).expect("data").removal,
        Removal::Deleted,
        "{report}"
    );
}

#[tokio::test]
async fn a_consent_name_two_kinds_of_resource_share_is_refused_naming_both() {
    let account = account().await;
    let name = account.bucket("acme");
    let key = HipaaKey::builder()
        .alias(format!("shared-{}", account.suffix))
        .build()
        .expect("key");
    let logs = LogBucket::builder()
        .name(account.bucket("shared-logs"))
        .key(&key)
        .build()
        .expect("logs");
    let bucket = EncryptedBucket::builder()
        .name(name.clone())
        .key(&key)
        .access_logs(&logs)
        .build()
        .expect("bucket");
    let group = EncryptedLogGroup::builder()
        .name(name.clone())
        .key(&key)
        .build()
        .expect("log group");
    let bucket_id = bucket.reference().id().clone();
    let stack = Stack::builder("shared")
        .with(key)
        .with(logs)
        .with(bucket)
        .with(group)
        .build()
        .expect("stack");
    let refused = stack
        .destroy(
            &account.env,
            &DestroyOptions::new().consent_to(name.clone()),
        )
        .await
        .expect_err("an ambiguous destroy consent is refused");
    let text = refused.to_string();
    assert!(matches!(refused, Error::Stack { .. }), "{text}");
    assert!(
        text.contains("encrypted bucket") && text.contains("log group"),
        "{text}"
    );
    assert!(
        text.contains("logical id") && text.contains(bucket_id.as_str()),
        "{text}"
    );
    let refused = stack
        .apply_with(
            &account.env,
            &ApplyOptions::new().consent_to_replace(name.clone()),
        )
        .await
        .expect_err("an ambiguous replacement consent is refused");
    assert!(refused.to_string().contains("log group"), "{refused}");
    assert_eq!(
        account.env.api_calls().mutating(),
        0,
        "refused before any change"
    );
    // By logical id the same consent is exact.
    stack
        .destroy(
            &account.env,
            &DestroyOptions::new().consent_to(bucket_id.as_str()),
        )
        .await
        .expect("a logical id names one resource");
}

struct Declared {
    stack: Stack,
    data: LogicalId,
    data_name: String,
    group: LogicalId,
    group_name: String,
    role: LogicalId,
    role_name: String,
    trail: LogicalId,
    trail_name: String,
}

fn declared(account: &TestAccount) -> Declared {
    let suffix = &account.suffix;
    let key = HipaaKey::builder()
        .alias(format!("declared-{suffix}"))
        .build()
        .expect("key");
    let logs = LogBucket::builder()
        .name(account.bucket("declared-logs"))
        .key(&key)
        .build()
        .expect("logs");
    let data = EncryptedBucket::builder()
        .name(account.bucket("declared-phi"))
        .key(&key)
        .access_logs(&logs)
        .build()
        .expect("bucket");
    let group = EncryptedLogGroup::builder()
        .name(format!("/acme/{suffix}/audit"))
        .key(&key)
        .build()
        .expect("log group");
    let role = HipaaRole::builder()
        .name(format!("declared-app-{suffix}"))
        .trust(Trust::service("ecs-tasks.amazonaws.com"))
        .build()
        .expect("role");
    let trail = AuditTrail::builder()
        .name(format!("declared-{suffix}"))
        .bucket(&logs)
        .key(&key)
        .log_group(&group)
        .build()
        .expect("trail");
    let grant = data.grant_read(&role);
    Declared {
        data: data.reference().id().clone(),
        data_name: data.name().to_string(),
        group: group.reference().id().clone(),
        group_name: group.name().to_string(),
        role: role.reference().id().clone(),
        role_name: format!("declared-app-{suffix}"),
        trail: Construct::id(&trail).clone(),
        trail_name: format!("declared-{suffix}"),
        stack: Stack::builder("declared")
            .with(key)
            .with(logs)
            .with(data)
            .with(group)
            .with(role)
            .with(grant)
            .with(trail)
            .build()
            .expect("stack"),
    }
}

async fn another_key(account: &TestAccount) -> String {
    account
        .kms()
        .create_key()
        .description("a customer-managed key the spec does not declare")
        .send()
        .await
        .expect("create key")
        .key_metadata
        .expect("metadata")
        .arn
        .expect("arn")
}

async fn attach_policy(account: &TestAccount, role: &str, name: &str, path: &str) -> String {
    let iam = iam_client(account);
    let document = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::harmless"}]}"#;
    let arn = iam
        .create_policy()
        .policy_name(name)
        .path(path)
        .policy_document(document)
        .send()
        .await
        .expect("create policy")
        .policy
        .and_then(|policy| policy.arn)
        .expect("policy arn");
    iam.attach_role_policy()
        .role_name(role)
        .policy_arn(&arn)
        .send()
        .await
        .expect("attach");
    arn
}

#[tokio::test]
async fn verify_fails_a_key_or_policy_swapped_behind_the_library_with_its_control() {
    let account = account().await;
    let env = &account.env;
    let d = declared(&account);
    d.stack.apply(env).await.expect("apply");
    let report = d.stack.verify(env).await.expect("verify");
    assert!(report.passed(), "{report}");
    for (id, setting) in [
        (&d.data, "encryption.kms_key"),
        (&d.group, "kms_key"),
        (&d.trail, "trail.kms_key"),
    ] {
        assert_eq!(
            status_of(&report, id, ControlId::KmsDeclaredKeyInUse, Some(setting)),
            Some(Status::Pass),
            "{id}: {report}"
        );
    }
    assert_eq!(
        status_of(&report, &d.role, ControlId::IamRolePoliciesAsDeclared, None),
        Some(Status::Pass),
        "this stack's grant is not an undeclared policy: {report}"
    );

    // Another customer-managed key, put behind the library's back everywhere it can go.
    let other = another_key(&account).await;
    let rule = aws_sdk_s3::types::ServerSideEncryptionRule::builder()
        .apply_server_side_encryption_by_default(
            aws_sdk_s3::types::ServerSideEncryptionByDefault::builder()
                .sse_algorithm(aws_sdk_s3::types::ServerSideEncryption::AwsKms)
                .kms_master_key_id(&other)
                .build()
                .expect("default"),
        )
        .build();
    account
        .s3()
        .put_bucket_encryption()
        .bucket(&d.data_name)
        .server_side_encryption_configuration(
            aws_sdk_s3::types::ServerSideEncryptionConfiguration::builder()
                .rules(rule)
                .build()
                .expect("configuration"),
        )
        .send()
        .await
        .expect("re-encrypt the bucket");
    logs_client(&account)
        .associate_kms_key()
        .log_group_name(&d.group_name)
        .kms_key_id(&other)
        .send()
        .await
        .expect("re-key the log group");
    aws_sdk_cloudtrail::Client::new(&account.sdk_config)
        .update_trail()
        .name(&d.trail_name)
        .kms_key_id(&other)
        .send()
        .await
        .expect("re-key the trail");
    // A harmless policy (it passes every identity-policy control) and one under the grants
    // path that no grant of this stack made.
    let extra = attach_policy(&account, &d.role_name, "extra-reader", "/").await;
    let disguised = attach_policy(
        &account,
        &d.role_name,
        "not-our-grant",
        "/hipaa-aws/grants/",
    )
    .await;

    let report = d.stack.verify(env).await.expect("verify");
    assert!(!report.passed());
    for (id, setting, customer_key_control) in [
        (
            &d.data,
            "encryption.kms_key",
            ControlId::S3DefaultEncryptionKms,
        ),
        (&d.group, "kms_key", ControlId::CloudWatchLogGroupEncrypted),
        (
            &d.trail,
            "trail.kms_key",
            ControlId::CloudTrailEncryptionEnabled,
        ),
    ] {
        let check = report
            .resource(id)
            .expect("resource")
            .checks
            .iter()
            .find(|check| {
                check.control == ControlId::KmsDeclaredKeyInUse && check.setting == setting
            })
            .unwrap_or_else(|| panic!("{id} has a declared-key check: {report}"));
        assert_eq!(check.status, Status::Fail, "{id}: {report}");
        assert!(check.reason.contains(&other), "{}", check.reason);
        // What the customer-key control alone would have said: some CMK, so a pass.
        assert_eq!(
            status_of(&report, id, customer_key_control, None),
            Some(Status::Pass),
            "{id}: {report}"
        );
    }
    let role_check = report
        .resource(&d.role)
        .expect("role")
        .checks
        .iter()
        .find(|check| check.control == ControlId::IamRolePoliciesAsDeclared)
        .expect("the declared-policies check");
    assert_eq!(role_check.status, Status::Fail, "{report}");
    assert!(
        role_check.reason.contains(&extra) && role_check.reason.contains(&disguised),
        "{}",
        role_check.reason
    );
    let drift = d.stack.drift(env).await.expect("drift");
    assert!(
        drift.to_string().contains("HIPAA_AWS_DECLARED_KEY_IN_USE"),
        "{drift}"
    );

    // Apply restores the declared key and detaches what the spec does not declare.
    d.stack.apply(env).await.expect("apply restores");
    let report = d.stack.verify(env).await.expect("verify");
    assert!(report.passed(), "{report}");
}

fn deny_path(text: &'static str) -> FaultPlan {
    FaultPlan::deny_path(text)
}

#[tokio::test]
async fn one_failed_read_errors_only_the_controls_it_feeds_in_verify_and_the_audit() {
    let account = account().await;
    let b = buckets(&account, "partial");
    b.stack.apply(&account.env).await.expect("apply");
    // moto cannot be made to fail one S3 call, so the fault proxy denies GetBucketVersioning
    // (GET /bucket?versioning) and forwards everything else.
    let proxy = FaultProxy::start(
        &crate::support::endpoint().await.url(),
        deny_path("?versioning"),
    )
    .expect("fault proxy");
    let env = env_through(&account, &proxy).await;
    let report = b.stack.verify(&env).await.expect("verify still answers");
    assert!(
        proxy
            .stats
            .by_path
            .load(std::sync::atomic::Ordering::SeqCst)
            > 0
    );
    for control in [
        ControlId::S3BucketVersioningEnabled,
        ControlId::S3VersionLifecyclePolicyCheck,
    ] {
        assert_eq!(
            status_of(&report, &b.data, control, None),
            Some(Status::Error),
            "{control}: {report}"
        );
    }
    for control in [
        ControlId::S3DefaultEncryptionKms,
        ControlId::S3BucketServerSideEncryptionEnabled,
        ControlId::S3BucketLevelPublicAccessProhibited,
        ControlId::S3BucketPublicReadProhibited,
        ControlId::S3BucketPublicWriteProhibited,
        ControlId::S3BucketSslRequestsOnly,
        ControlId::S3BucketLoggingEnabled,
        ControlId::KmsDeclaredKeyInUse,
        ControlId::ManagedResourceTagged,
    ] {
        assert_eq!(
            status_of(&report, &b.data, control, None),
            Some(Status::Pass),
            "{control}: {report}"
        );
    }
    let versioning = report
        .resource(&b.data)
        .expect("data")
        .checks
        .iter()
        .find(|check| check.control == ControlId::S3BucketVersioningEnabled)
        .expect("versioning check");
    assert!(
        versioning.reason.contains("GetBucketVersioning failed"),
        "{}",
        versioning.reason
    );
    // The key is read by other calls: untouched.
    assert_eq!(
        status_of(&report, &b.key, ControlId::KmsKeyRotationEnabled, None),
        Some(Status::Pass),
        "{report}"
    );

    let audit = Audit::builder()
        .regions(["us-east-1"])
        .build()
        .expect("audit options")
        .run(&env)
        .await
        .expect("audit");
    let arn = format!("arn:aws:s3:::{}", b.data_name);
    let finding = |control| {
        audit
            .finding(control, &arn)
            .map(|finding| finding.status)
            .unwrap_or_else(|| panic!("no {control} finding on {arn}"))
    };
    assert_eq!(finding(ControlId::S3BucketVersioningEnabled), Status::Error);
    assert_eq!(finding(ControlId::S3DefaultEncryptionKms), Status::Pass);
    assert_eq!(
        finding(ControlId::S3BucketLevelPublicAccessProhibited),
        Status::Pass
    );
    assert_eq!(finding(ControlId::S3BucketSslRequestsOnly), Status::Pass);
}

#[tokio::test]
async fn a_twin_key_is_scheduled_only_without_alias_and_unused_by_the_stack() {
    let account = account().await;
    let env = &account.env;
    let alias = format!("alias/twins-{}", account.suffix);
    let key = HipaaKey::builder()
        .alias(format!("twins-{}", account.suffix))
        .build()
        .expect("key");
    let key_id = key.reference().id().clone();
    let logs = LogBucket::builder()
        .name(account.bucket("twins-logs"))
        .key(&key)
        .build()
        .expect("logs");
    let group = EncryptedLogGroup::builder()
        .name(format!("/twins/{}", account.suffix))
        .key(&key)
        .build()
        .expect("group");
    let group_name = group.name().to_string();
    let stack = Stack::builder("twins")
        .with(key)
        .with(logs)
        .with(group)
        .build()
        .expect("stack");
    stack.apply(env).await.expect("apply");
    let kms = account.kms();
    let original = kms
        .describe_key()
        .key_id(&alias)
        .send()
        .await
        .expect("describe")
        .key_metadata
        .expect("metadata");

    // Three more keys with this key's tags, as retried CreateKey calls would leave them.
    let tagged = || {
        kms.create_key()
            .tags(
                aws_sdk_kms::types::Tag::builder()
                    .tag_key(STACK_TAG)
                    .tag_value("twins")
                    .build()
                    .expect("tag"),
            )
            .tags(
                aws_sdk_kms::types::Tag::builder()
                    .tag_key(LOGICAL_ID_TAG)
                    .tag_value(key_id.as_str())
                    .build()
                    .expect("tag"),
            )
            .send()
    };
    let unused = tagged()
        .await
        .expect("twin")
        .key_metadata
        .expect("metadata");
    let aliased = tagged()
        .await
        .expect("twin")
        .key_metadata
        .expect("metadata");
    kms.create_alias()
        .alias_name(format!("alias/keep-{}", account.suffix))
        .target_key_id(aliased.key_id())
        .send()
        .await
        .expect("alias the second twin");
    let used = tagged()
        .await
        .expect("twin")
        .key_metadata
        .expect("metadata");
    logs_client(&account)
        .associate_kms_key()
        .log_group_name(&group_name)
        .kms_key_id(used.arn().expect("arn"))
        .send()
        .await
        .expect("the log group uses the third twin");
    // The alias is lost: the next apply makes (finishes) the key again and meets the twins.
    kms.delete_alias()
        .alias_name(&alias)
        .send()
        .await
        .expect("delete alias");

    stack.apply(env).await.expect("apply resumes");
    let state = |id: String| {
        let kms = kms.clone();
        async move {
            kms.describe_key()
                .key_id(id)
                .send()
                .await
                .expect("describe")
                .key_metadata
                .expect("metadata")
                .key_state()
                .map(|state| state.as_str().to_string())
                .unwrap_or_default()
        }
    };
    assert_eq!(state(unused.key_id().to_string()).await, "PendingDeletion");
    assert_eq!(
        state(aliased.key_id().to_string()).await,
        "Enabled",
        "it has an alias"
    );
    assert_eq!(
        state(used.key_id().to_string()).await,
        "Enabled",
        "a resource of the stack used it"
    );
    assert_eq!(state(original.key_id().to_string()).await, "Enabled");
    let now = kms
        .describe_key()
        .key_id(&alias)
        .send()
        .await
        .expect("the alias is back")
        .key_metadata
        .expect("metadata");
    assert!(
        now.key_id() == original.key_id() || now.key_id() == used.key_id(),
        "the alias points at a key that held data, not {}",
        now.key_id()
    );
}

fn database_stack(account: &TestAccount) -> (Stack, LogicalId, String, String) {
    let suffix = &account.suffix;
    let key = HipaaKey::builder()
        .alias(format!("dblogs-{suffix}"))
        .build()
        .expect("key");
    let logs = LogBucket::builder()
        .name(account.bucket("dblogs-flow"))
        .key(&key)
        .build()
        .expect("logs");
    let vpc = HipaaVpc::builder()
        .name("prod")
        .cidr("10.70.0.0/16")
        .flow_logs_to(&logs)
        .build()
        .expect("vpc");
    let identifier = format!("logs-{suffix}");
    let db = EncryptedDatabase::builder()
        .identifier(identifier.clone())
        .engine(Engine::Postgres16)
        .key(&key)
        .subnets(vpc.data_subnets())
        .build()
        .expect("database");
    let id = db.reference().id().clone();
    let alias = key.alias().to_string();
    let stack = Stack::builder("dblogs")
        .with(key)
        .with(logs)
        .with(vpc)
        .with(db)
        .build()
        .expect("stack");
    (stack, id, identifier, alias)
}

#[tokio::test]
async fn a_database_makes_its_log_groups_first_encrypted_with_its_key_and_kept_six_years() {
    let account = account().await;
    let env = &account.env;
    let (stack, db, identifier, alias) = database_stack(&account);
    stack.apply(env).await.expect("apply");
    let key_arn = account
        .kms()
        .describe_key()
        .key_id(&alias)
        .send()
        .await
        .expect("key")
        .key_metadata
        .and_then(|metadata| metadata.arn)
        .expect("key arn");
    let logs = logs_client(&account);
    for log in POSTGRES_LOG_EXPORTS {
        let name = database_log_group_name(&identifier, log);
        let found = logs
            .describe_log_groups()
            .log_group_name_prefix(&name)
            .send()
            .await
            .expect("describe log groups");
        let group = found
            .log_groups()
            .iter()
            .find(|group| group.log_group_name() == Some(name.as_str()))
            .unwrap_or_else(|| panic!("{name} was made"));
        assert_eq!(group.kms_key_id(), Some(key_arn.as_str()), "{name}");
        assert_eq!(group.retention_in_days(), Some(2192), "{name}");
        let tags = logs
            .list_tags_for_resource()
            .resource_arn(group.log_group_arn().expect("arn"))
            .send()
            .await
            .expect("tags")
            .tags
            .unwrap_or_default();
        assert_eq!(tags.get(STACK_TAG).map(String::as_str), Some("dblogs"));
        assert_eq!(
            tags.get(LOGICAL_ID_TAG).map(String::as_str),
            Some(db.as_str())
        );
    }
    // The key policy lets CloudWatch Logs use the key for exactly those log groups.
    let policy = account
        .kms()
        .get_key_policy()
        .key_id(&key_arn)
        .policy_name("default")
        .send()
        .await
        .expect("key policy")
        .policy
        .expect("text");
    for log in POSTGRES_LOG_EXPORTS {
        assert!(
            policy.contains(&database_log_group_name(&identifier, log)),
            "{policy}"
        );
    }
    let report = stack.verify(env).await.expect("verify");
    assert!(report.passed(), "{report}");
    let again = stack.apply(env).await.expect("re-apply");
    assert_eq!(again.api_calls.mutating(), 0, "{again}");

    // Shortened and re-keyed behind the library's back: verify fails with the controls.
    let first = database_log_group_name(&identifier, POSTGRES_LOG_EXPORTS[0]);
    logs.put_retention_policy()
        .log_group_name(&first)
        .retention_in_days(30)
        .send()
        .await
        .expect("shorten");
    let other = another_key(&account).await;
    logs.associate_kms_key()
        .log_group_name(&first)
        .kms_key_id(&other)
        .send()
        .await
        .expect("re-key");
    let report = stack.verify(env).await.expect("verify");
    let setting = |name: &str| format!("log_groups.{}.{name}", POSTGRES_LOG_EXPORTS[0]);
    for (control, name) in [
        (ControlId::CwLogGroupRetentionPeriodCheck, "retention_days"),
        (ControlId::LogRetentionSixYears, "retention_days"),
        (ControlId::KmsDeclaredKeyInUse, "kms_key"),
    ] {
        assert_eq!(
            status_of(&report, &db, control, Some(&setting(name))),
            Some(Status::Fail),
            "{control}: {report}"
        );
    }
    stack.apply(env).await.expect("apply restores");
    let report = stack.verify(env).await.expect("verify");
    assert!(report.passed(), "{report}");
}
