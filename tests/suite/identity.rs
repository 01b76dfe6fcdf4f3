//! Identity and audit against the local endpoint: roles with their policies and grants, the
//! password policy, the encrypted log group, the trail and the security alarms are applied,
//! every setting is read back with the SDK, a second apply changes nothing, verify passes every
//! control, changes made behind the library's back are reported and restored, and resources of
//! another stack are conflicts. Policies the library writes parse back to the same value.

use hipaa_aws::construct::LogicalId;
use hipaa_aws::policy::{PolicyDocument, Principal, Statement};
use hipaa_aws::prelude::*;
use hipaa_aws::{
    AccountPasswordPolicy, AlarmNotification, AuditTrail, EncryptedLogGroup, HipaaRole,
    ManagedPolicy, S3DataEvents, SecurityAlarms, SecurityEvent, Trust,
};
use serde_json::json;

use crate::support::{account, TestAccount};

/// The names of everything an identity stack makes.
struct Identity {
    stack: Stack,
    key_alias: String,
    logs: String,
    data: String,
    role: String,
    reader: String,
    boundary: String,
    group: String,
    trail: String,
    prefix: String,
}

/// A managed policy that reads the application's parameters.
fn app_parameters_reader(name: String) -> ManagedPolicy {
    ManagedPolicy::builder()
        .name(name)
        .statement(
            Statement::allow()
                .sid("ReadAppParameters")
                .actions(["ssm:GetParameter"])
                .resources(["arn:aws:ssm:us-east-1:111122223333:parameter/app/*"]),
        )
        .build()
        .expect("valid policy")
}

fn identity(account: &TestAccount, stack_name: &str, data_events_for_phi_only: bool) -> Identity {
    let suffix = &account.suffix;
    let key = HipaaKey::builder()
        .alias(format!("audit-{suffix}"))
        .build()
        .expect("valid key");
    let logs = LogBucket::builder()
        .name(account.bucket("audit-logs"))
        .key(&key)
        .build()
        .expect("valid log bucket");
    let data = EncryptedBucket::builder()
        .name(account.bucket("phi"))
        .key(&key)
        .access_logs(&logs)
        .build()
        .expect("valid data bucket");
    let group = EncryptedLogGroup::builder()
        .name(format!("/hipaa/{suffix}/cloudtrail"))
        .key(&key)
        .build()
        .expect("valid log group");
    let reader = app_parameters_reader(format!("read-config-{suffix}"));
    let boundary = ManagedPolicy::builder()
        .name(format!("boundary-{suffix}"))
        .statement(
            Statement::allow()
                .sid("AtMostTheAppData")
                .actions(["s3:GetObject", "s3:PutObject", "s3:ListBucket"])
                .resources([
                    format!("arn:aws:s3:::{}", data.name()),
                    format!("arn:aws:s3:::{}/*", data.name()),
                ]),
        )
        .build()
        .expect("valid boundary");
    let role = HipaaRole::builder()
        .name(format!("app-{suffix}"))
        .trust(Trust::service("ecs-tasks.amazonaws.com"))
        .managed_policy(&reader)
        .permissions_boundary(&boundary)
        .max_session_hours(2)
        .build()
        .expect("valid role");
    let trail = AuditTrail::builder()
        .name(format!("audit-{suffix}"))
        .bucket(&logs)
        .key(&key)
        .log_group(&group);
    let trail = if data_events_for_phi_only {
        trail
            .data_events(S3DataEvents::buckets([&data]))
            .build()
            .expect("valid trail")
    } else {
        trail.build().expect("valid trail")
    };
    let password = AccountPasswordPolicy::builder()
        .build()
        .expect("valid password policy");
    let prefix = format!("sec-{suffix}");
    let alarms = SecurityAlarms::builder()
        .prefix(prefix.clone())
        .trail_events(&trail)
        .notify(AlarmNotification::encrypted_topic(&key))
        .build()
        .expect("valid alarms");
    Identity {
        key_alias: key.alias().to_string(),
        logs: logs.name().to_string(),
        data: data.name().to_string(),
        role: role.name().to_string(),
        reader: reader.name().to_string(),
        boundary: boundary.name().to_string(),
        group: group.name().to_string(),
        trail: trail.name().to_string(),
        prefix,
        stack: Stack::builder(stack_name)
            .with(data.grant_read(&role))
            .with(data.grant_write(&role))
            .with(key.grant_encrypt_decrypt(&role))
            .with(group.grant_write(&role))
            .with(alarms)
            .with(trail)
            .with(group)
            .with(role)
            .with(reader)
            .with(boundary)
            .with(password)
            .with(data)
            .with(logs)
            .with(key)
            .build()
            .expect("valid stack"),
    }
}

fn decode(text: &str) -> PolicyDocument {
    PolicyDocument::from_json(&hipaa_aws::constructs::iam::decode_policy_text(text))
        .expect("a policy document")
}

async fn policy_document(env: &Environment, arn: &str) -> PolicyDocument {
    let policy = env
        .iam()
        .get_policy()
        .policy_arn(arn)
        .send()
        .await
        .expect("get policy")
        .policy
        .expect("policy");
    let version = env
        .iam()
        .get_policy_version()
        .policy_arn(arn)
        .version_id(policy.default_version_id().expect("default version"))
        .send()
        .await
        .expect("get policy version")
        .policy_version
        .expect("version");
    decode(version.document().expect("document"))
}

async fn key_arn(env: &Environment, alias: &str) -> String {
    env.kms()
        .describe_key()
        .key_id(alias)
        .send()
        .await
        .expect("describe key")
        .key_metadata
        .expect("metadata")
        .arn
        .expect("arn")
}

fn failed(report: &hipaa_aws::VerifyReport, id: &LogicalId) -> Vec<(ControlId, String)> {
    report
        .resource(id)
        .unwrap_or_else(|| panic!("{id} in the report"))
        .checks
        .iter()
        .filter(|check| check.status == Status::Fail)
        .map(|check| (check.control, check.setting.clone()))
        .collect()
}

#[tokio::test]
async fn identity_stack_applies_reads_back_reapplies_nothing_and_verifies() {
    let account = account().await;
    let env = &account.env;
    let f = identity(&account, "identity", false);
    let account_id = env.account_id().to_string();

    let plan = f.stack.plan(env).await.expect("plan");
    assert_eq!(plan.count(Action::Create), 14, "{plan}");
    assert_eq!(plan.api_calls.mutating(), 0, "plan mutated");
    let applied = f.stack.apply(env).await.expect("apply");
    assert_eq!(applied.count(Action::Create), 14, "{applied}");
    let key = key_arn(env, &f.key_alias).await;
    let iam = env.iam();

    // The role: trust, session, boundary, path, attachments, no inline policy.
    let role = iam
        .get_role()
        .role_name(&f.role)
        .send()
        .await
        .expect("get role")
        .role
        .expect("role");
    assert_eq!(role.path(), "/hipaa-aws/");
    assert_eq!(role.max_session_duration(), Some(7200));
    let boundary_arn = format!("arn:aws:iam::{account_id}:policy/hipaa-aws/{}", f.boundary);
    assert_eq!(
        role.permissions_boundary()
            .and_then(|b| b.permissions_boundary_arn()),
        Some(boundary_arn.as_str())
    );
    let trust = decode(role.assume_role_policy_document().expect("trust"));
    assert_eq!(trust.statements.len(), 1);
    assert_eq!(
        trust.statements[0]
            .principal
            .as_ref()
            .map(|p| p.values("Service").to_vec()),
        Some(vec!["ecs-tasks.amazonaws.com".to_string()])
    );
    assert_eq!(trust.statements[0].actions, ["sts:AssumeRole"]);
    let inline = iam
        .list_role_policies()
        .role_name(&f.role)
        .send()
        .await
        .expect("inline");
    assert!(inline.policy_names().is_empty());
    let attached: Vec<String> = iam
        .list_attached_role_policies()
        .role_name(&f.role)
        .send()
        .await
        .expect("attached")
        .attached_policies()
        .iter()
        .filter_map(|p| p.policy_arn().map(str::to_string))
        .collect();
    let grant = |verb: &str, target: &str| {
        format!(
            "arn:aws:iam::{account_id}:policy/hipaa-aws/grants/{}-{verb}-{target}",
            f.role
        )
    };
    let read_grant = grant("read", &f.data);
    let write_grant = grant("write", &f.data);
    let key_grant = grant("encrypt-decrypt", &f.key_alias.replace("alias/", ""));
    let group_grant = grant(
        "write",
        f.group.trim_start_matches('/').replace('/', "-").as_str(),
    );
    for expected in [
        format!("arn:aws:iam::{account_id}:policy/hipaa-aws/{}", f.reader),
        read_grant.clone(),
        write_grant.clone(),
        key_grant.clone(),
        group_grant.clone(),
    ] {
        assert!(
            attached.contains(&expected),
            "{expected} not in {attached:?}"
        );
    }
    assert_eq!(attached.len(), 5, "{attached:?}");

    // Grants: exactly the expected S3 and KMS actions and ARNs (golden JSON).
    let bucket = format!("arn:aws:s3:::{}", f.data);
    let via_s3 = json!({"StringEquals": {
        "kms:EncryptionContext:aws:s3:arn": bucket,
        "kms:ViaService": "s3.us-east-1.amazonaws.com"
    }});
    assert_eq!(
        policy_document(env, &read_grant).await.to_value(),
        json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "ReadObjects", "Effect": "Allow", "Action": "s3:GetObject", "Resource": format!("{bucket}/*")},
            {"Sid": "ListObjects", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": bucket},
            {"Sid": "DecryptObjects", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": key, "Condition": via_s3},
        ]})
    );
    assert_eq!(
        policy_document(env, &write_grant).await.to_value(),
        json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "WriteObjects", "Effect": "Allow", "Action": "s3:PutObject", "Resource": format!("{bucket}/*")},
            {"Sid": "EncryptObjects", "Effect": "Allow", "Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": key, "Condition": via_s3},
        ]})
    );
    assert_eq!(
        policy_document(env, &key_grant).await.to_value(),
        json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "EncryptDecrypt", "Effect": "Allow", "Action": ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"], "Resource": key},
        ]})
    );
    assert_eq!(
        policy_document(env, &group_grant).await.to_value(),
        json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "WriteLogEvents", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
             "Resource": format!("arn:aws:logs:us-east-1:{account_id}:log-group:{}:log-stream:*", f.group)},
        ]})
    );

    // The password policy.
    let password = iam
        .get_account_password_policy()
        .send()
        .await
        .expect("password policy")
        .password_policy
        .expect("policy");
    assert_eq!(password.minimum_password_length(), Some(14));
    assert!(password.require_symbols());
    assert!(password.require_numbers());
    assert!(password.require_uppercase_characters());
    assert!(password.require_lowercase_characters());
    assert_eq!(password.max_password_age(), Some(90));
    assert_eq!(password.password_reuse_prevention(), Some(24));

    // The log group: key and retention; the key lets the logs service use it for this group.
    let groups = env
        .logs()
        .describe_log_groups()
        .log_group_name_prefix(&f.group)
        .send()
        .await
        .expect("log groups");
    let group = &groups.log_groups()[0];
    assert_eq!(group.kms_key_id(), Some(key.as_str()));
    assert_eq!(group.retention_in_days(), Some(2192));
    let key_policy = env
        .kms()
        .get_key_policy()
        .key_id(&key)
        .policy_name("default")
        .send()
        .await
        .expect("key policy")
        .policy
        .expect("text");
    let key_policy = PolicyDocument::from_json(&key_policy).expect("parses");
    let group_arn = format!("arn:aws:logs:us-east-1:{account_id}:log-group:{}", f.group);
    let logs_use = key_policy
        .statements
        .iter()
        .find(|s| {
            s.principal.as_ref().is_some_and(|p| {
                p.values("Service") == ["logs.us-east-1.amazonaws.com".to_string()]
            })
        })
        .expect("the logs service may use the key");
    assert_eq!(
        logs_use.condition_values("ArnEquals", "kms:EncryptionContext:aws:logs:arn"),
        Some(&[group_arn.clone()][..])
    );

    // The trail, read back with GetTrail, GetTrailStatus and GetEventSelectors.
    let cloudtrail = env.cloudtrail();
    let trail_arn = format!(
        "arn:aws:cloudtrail:us-east-1:{account_id}:trail/{}",
        f.trail
    );
    let trail = cloudtrail
        .get_trail()
        .name(&f.trail)
        .send()
        .await
        .expect("get trail")
        .trail
        .expect("trail");
    assert_eq!(trail.is_multi_region_trail(), Some(true));
    assert_eq!(trail.include_global_service_events(), Some(true));
    assert_eq!(trail.log_file_validation_enabled(), Some(true));
    assert_eq!(trail.kms_key_id(), Some(key.as_str()));
    assert_eq!(trail.s3_bucket_name(), Some(f.logs.as_str()));
    assert_eq!(
        trail.cloud_watch_logs_log_group_arn(),
        Some(format!("{group_arn}:*").as_str())
    );
    let delivery_role = format!(
        "arn:aws:iam::{account_id}:role/hipaa-aws/{}-cloudtrail-logs",
        f.trail
    );
    assert_eq!(
        trail.cloud_watch_logs_role_arn(),
        Some(delivery_role.as_str())
    );
    let status = cloudtrail
        .get_trail_status()
        .name(&f.trail)
        .send()
        .await
        .expect("status");
    assert_eq!(status.is_logging(), Some(true));
    let selectors = cloudtrail
        .get_event_selectors()
        .trail_name(&f.trail)
        .send()
        .await
        .expect("selectors");
    let selector = &selectors.event_selectors()[0];
    assert_eq!(
        selector.read_write_type().map(|rw| rw.as_str()),
        Some("All")
    );
    assert_eq!(selector.include_management_events(), Some(true));
    let data = &selector.data_resources()[0];
    assert_eq!(data.r#type(), Some("AWS::S3::Object"));
    assert_eq!(data.values(), ["arn:aws:s3"]);
    // The delivery role may only write the trail's streams of its log group.
    let delivery = iam
        .list_attached_role_policies()
        .role_name(format!("{}-cloudtrail-logs", f.trail))
        .send()
        .await
        .expect("delivery attachments");
    let delivery_policy = delivery.attached_policies()[0]
        .policy_arn()
        .expect("arn")
        .to_string();
    assert_eq!(
        policy_document(env, &delivery_policy).await.to_value(),
        json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "DeliverTrailEvents", "Effect": "Allow",
             "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
             "Resource": format!("{group_arn}:log-stream:{account_id}_CloudTrail_*")},
        ]})
    );
    let delivery_trust = decode(
        iam.get_role()
            .role_name(format!("{}-cloudtrail-logs", f.trail))
            .send()
            .await
            .expect("delivery role")
            .role
            .expect("role")
            .assume_role_policy_document()
            .expect("trust"),
    );
    assert_eq!(
        delivery_trust.statements[0].condition_values("StringEquals", "aws:SourceArn"),
        Some(&[trail_arn.clone()][..])
    );
    // The log bucket lets only this trail write, under the account's prefix.
    let bucket_policy = account
        .s3()
        .get_bucket_policy()
        .bucket(&f.logs)
        .send()
        .await
        .expect("bucket policy");
    let bucket_policy =
        PolicyDocument::from_json(bucket_policy.policy().expect("text")).expect("parses");
    let write = bucket_policy
        .statements
        .iter()
        .find(|s| {
            s.sid
                .as_deref()
                .is_some_and(|sid| sid.starts_with("AllowCloudTrailWrite"))
        })
        .expect("CloudTrail may write");
    assert_eq!(
        write.resources,
        [format!("arn:aws:s3:::{}/AWSLogs/{account_id}/*", f.logs)]
    );
    assert_eq!(
        write.condition_values("StringEquals", "s3:x-amz-acl"),
        Some(&["bucket-owner-full-control".to_string()][..])
    );
    assert_eq!(
        write.condition_values("StringEquals", "aws:SourceArn"),
        Some(&[trail_arn.clone()][..])
    );
    let encrypt = key_policy
        .statements
        .iter()
        .find(|s| {
            s.sid
                .as_deref()
                .is_some_and(|sid| sid.starts_with("AllowCloudTrailEncrypt"))
        })
        .expect("CloudTrail may encrypt");
    assert_eq!(
        encrypt.condition_values("StringLike", "kms:EncryptionContext:aws:cloudtrail:arn"),
        Some(
            &[format!(
                "arn:aws:cloudtrail:*:{account_id}:trail/{}",
                f.trail
            )][..]
        )
    );

    // Metric filters, alarms and the encrypted topic.
    let filters = env
        .logs()
        .describe_metric_filters()
        .log_group_name(&f.group)
        .send()
        .await
        .expect("filters");
    assert_eq!(filters.metric_filters().len(), SecurityEvent::ALL.len());
    for event in SecurityEvent::ALL {
        let filter = filters
            .metric_filters()
            .iter()
            .find(|filter| {
                filter.filter_name() == Some(format!("{}-{}", f.prefix, event.key()).as_str())
            })
            .unwrap_or_else(|| panic!("a filter for {event:?}"));
        assert_eq!(filter.filter_pattern(), Some(event.pattern().as_str()));
    }
    let topic_arn = format!(
        "arn:aws:sns:us-east-1:{account_id}:{}-security-alarms",
        f.prefix
    );
    let alarms = env
        .cloudwatch()
        .describe_alarms()
        .alarm_name_prefix(format!("{}-", f.prefix))
        .send()
        .await
        .expect("alarms (over the RPC v2 CBOR protocol)");
    assert_eq!(alarms.metric_alarms().len(), SecurityEvent::ALL.len());
    for alarm in alarms.metric_alarms() {
        assert_eq!(alarm.alarm_actions(), std::slice::from_ref(&topic_arn));
        assert_eq!(
            alarm.insufficient_data_actions(),
            std::slice::from_ref(&topic_arn)
        );
        assert_eq!(alarm.actions_enabled(), Some(true));
        assert_eq!(alarm.threshold(), Some(1.0));
        assert_eq!(alarm.namespace(), Some("HipaaAws/SecurityEvents"));
        assert!(alarm.state_updated_timestamp().is_some());
    }
    let topic = env
        .sns()
        .get_topic_attributes()
        .topic_arn(&topic_arn)
        .send()
        .await
        .expect("topic");
    let attributes = topic.attributes().expect("attributes");
    assert_eq!(attributes.get("KmsMasterKeyId"), Some(&key));

    // A second plan is empty and a second apply makes no mutating call.
    let again = f.stack.plan(env).await.expect("second plan");
    assert!(again.is_empty(), "second plan is not empty:\n{again}");
    let reapplied = f.stack.apply(env).await.expect("second apply");
    assert_eq!(
        reapplied.api_calls.mutating(),
        0,
        "second apply mutated: {:?}",
        reapplied.api_calls.mutating_operations()
    );
    assert_eq!(reapplied.count(Action::NoChange), 14);

    // Verify passes every control it judges, and judges each of this module's controls.
    let report = f.stack.verify(env).await.expect("verify");
    assert!(report.passed(), "{report}");
    assert_eq!(report.api_calls.mutating(), 0);
    for control in [
        ControlId::IamPolicyNoStatementsWithAdminAccess,
        ControlId::IamPolicyNoStatementsWithFullAccess,
        ControlId::IamNoInlinePolicyCheck,
        ControlId::IamCustomerPolicyBlockedKmsActions,
        ControlId::IamInlinePolicyBlockedKmsActions,
        ControlId::IamNoWildcardMarketplaceSubscribe,
        ControlId::IamNoWildcardResourceOnDataActions,
        ControlId::IamRoleTrustRestricted,
        ControlId::IamRoleMaxSessionDuration,
        ControlId::IamPasswordPolicy,
        ControlId::CloudWatchLogGroupEncrypted,
        ControlId::CwLogGroupRetentionPeriodCheck,
        ControlId::LogRetentionSixYears,
        ControlId::CloudTrailEnabled,
        ControlId::MultiRegionCloudTrailEnabled,
        ControlId::CloudTrailCloudWatchLogsEnabled,
        ControlId::CloudTrailEncryptionEnabled,
        ControlId::CloudTrailLogFileValidationEnabled,
        ControlId::CloudTrailS3DataEventsEnabled,
        ControlId::CloudTrailManagementEvents,
        ControlId::CloudTrailDeliveryLeastPrivilege,
        ControlId::CloudWatchAlarmActionCheck,
        ControlId::AlarmUnauthorizedApiCalls,
        ControlId::AlarmConsoleSigninWithoutMfa,
        ControlId::AlarmRootUsage,
        ControlId::AlarmIamPolicyChanges,
        ControlId::AlarmCloudTrailChanges,
        ControlId::AlarmConsoleSigninFailures,
        ControlId::AlarmKmsKeyDisabledOrDeleted,
        ControlId::AlarmS3BucketPolicyChanges,
        ControlId::AlarmConfigChanges,
        ControlId::AlarmSecurityGroupChanges,
        ControlId::AlarmNetworkChanges,
        ControlId::AlarmTopicEncrypted,
        ControlId::AlarmTopicPolicyLeastPrivilege,
        ControlId::KmsKeyPolicyLeastPrivilege,
        ControlId::ManagedResourceTagged,
    ] {
        assert!(
            report
                .checks()
                .any(|(_, check)| check.control == control && check.status == Status::Pass),
            "{control} was not judged passing"
        );
    }

    // Every policy the library wrote parses back to the value it means.
    for document in [trust, key_policy, bucket_policy, delivery_trust] {
        let again = PolicyDocument::from_json(&document.to_json()).expect("round trip");
        assert_eq!(again, document);
    }
}

#[tokio::test]
async fn identity_trail_for_phi_buckets_records_their_data_events() {
    let account = account().await;
    let env = &account.env;
    let f = identity(&account, "phi-events", true);
    f.stack.apply(env).await.expect("apply");
    let selectors = env
        .cloudtrail()
        .get_event_selectors()
        .trail_name(&f.trail)
        .send()
        .await
        .expect("selectors");
    let data = &selectors.event_selectors()[0].data_resources()[0];
    assert_eq!(data.values(), [format!("arn:aws:s3:::{}/", f.data)]);
    let report = f.stack.verify(env).await.expect("verify");
    assert!(report.passed(), "{report}");
    assert!(f.stack.plan(env).await.expect("plan").is_empty());
}

#[tokio::test]
async fn identity_tampering_is_reported_by_verify_and_restored_by_apply() {
    let account = account().await;
    let env = &account.env;
    let f = identity(&account, "tamper", false);
    f.stack.apply(env).await.expect("apply");
    assert!(f.stack.verify(env).await.expect("verify").passed());
    let account_id = env.account_id().to_string();
    let iam = env.iam();

    // IAM: an inline admin policy, a foreign admin attachment, a trust for everyone, a wider
    // managed policy, and a weak password policy.
    let admin = PolicyDocument::new(vec![Statement::allow().actions(["*"]).resources(["*"])]);
    iam.put_role_policy()
        .role_name(&f.role)
        .policy_name("backdoor")
        .policy_document(admin.to_json())
        .send()
        .await
        .expect("inline policy");
    let foreign = iam
        .create_policy()
        .policy_name(format!("wide-{}", account.suffix))
        .policy_document(admin.to_json())
        .send()
        .await
        .expect("foreign policy")
        .policy
        .and_then(|p| p.arn)
        .expect("arn");
    iam.attach_role_policy()
        .role_name(&f.role)
        .policy_arn(&foreign)
        .send()
        .await
        .expect("attach");
    let everyone = PolicyDocument::new(vec![Statement::allow()
        .principal(Principal::Everyone)
        .actions(["sts:AssumeRole"])]);
    iam.update_assume_role_policy()
        .role_name(&f.role)
        .policy_document(everyone.to_json())
        .send()
        .await
        .expect("trust everyone");
    let reader_arn = format!("arn:aws:iam::{account_id}:policy/hipaa-aws/{}", f.reader);
    iam.create_policy_version()
        .policy_arn(&reader_arn)
        .policy_document(
            PolicyDocument::new(vec![Statement::allow().actions(["s3:*"]).resources(["*"])])
                .to_json(),
        )
        .set_as_default(true)
        .send()
        .await
        .expect("wider version");
    iam.update_account_password_policy()
        .minimum_password_length(8)
        .send()
        .await
        .expect("weak password policy");

    // Logs: a one-day retention and no key.
    env.logs()
        .put_retention_policy()
        .log_group_name(&f.group)
        .retention_in_days(1)
        .send()
        .await
        .expect("short retention");
    env.logs()
        .disassociate_kms_key()
        .log_group_name(&f.group)
        .send()
        .await
        .expect("disassociate key");

    // The trail: no validation, stopped, read-only management events, no data events.
    let cloudtrail = env.cloudtrail();
    cloudtrail
        .update_trail()
        .name(&f.trail)
        .enable_log_file_validation(false)
        .send()
        .await
        .expect("validation off");
    cloudtrail
        .stop_logging()
        .name(&f.trail)
        .send()
        .await
        .expect("stop");
    cloudtrail
        .put_event_selectors()
        .trail_name(&f.trail)
        .event_selectors(
            aws_sdk_cloudtrail::types::EventSelector::builder()
                .read_write_type(aws_sdk_cloudtrail::types::ReadWriteType::ReadOnly)
                .include_management_events(true)
                .build(),
        )
        .send()
        .await
        .expect("selectors");

    // Alarms: one deleted, one with its actions switched off; the topic's key removed.
    let cloudwatch = env.cloudwatch();
    cloudwatch
        .delete_alarms()
        .alarm_names(format!("{}-RootAccountUsage", f.prefix))
        .send()
        .await
        .expect("delete alarm");
    cloudwatch
        .put_metric_alarm()
        .alarm_name(format!("{}-VpcChanges", f.prefix))
        .metric_name(format!("{}-VpcChanges", f.prefix))
        .namespace("HipaaAws/SecurityEvents")
        .statistic(aws_sdk_cloudwatch::types::Statistic::Sum)
        .period(300)
        .evaluation_periods(1)
        .threshold(1.0)
        .comparison_operator(
            aws_sdk_cloudwatch::types::ComparisonOperator::GreaterThanOrEqualToThreshold,
        )
        .actions_enabled(false)
        .send()
        .await
        .expect("silenced alarm");
    let topic_arn = format!(
        "arn:aws:sns:us-east-1:{account_id}:{}-security-alarms",
        f.prefix
    );
    env.sns()
        .set_topic_attributes()
        .topic_arn(&topic_arn)
        .attribute_name("KmsMasterKeyId")
        .attribute_value("")
        .send()
        .await
        .expect("topic unencrypted");

    let report = f.stack.verify(env).await.expect("verify");
    assert!(!report.passed());
    let vpc_actions = format!("alarm.{}-VpcChanges.actions", f.prefix);
    let expectations: Vec<(LogicalId, Vec<(ControlId, &str)>)> = vec![
        (
            LogicalId::new("iam-role", &f.role),
            vec![
                (ControlId::IamNoInlinePolicyCheck, "inline_policies"),
                (
                    ControlId::IamInlinePolicyBlockedKmsActions,
                    "inline_policies",
                ),
                (ControlId::IamRoleTrustRestricted, "trust_policy"),
                (
                    ControlId::IamPolicyNoStatementsWithAdminAccess,
                    "attached_policies",
                ),
                (
                    ControlId::IamPolicyNoStatementsWithFullAccess,
                    "attached_policies",
                ),
            ],
        ),
        (
            LogicalId::new("iam-policy", &f.reader),
            vec![
                (ControlId::IamPolicyNoStatementsWithFullAccess, "document"),
                (ControlId::IamNoWildcardResourceOnDataActions, "document"),
            ],
        ),
        (
            LogicalId::new("iam-password-policy", "account"),
            vec![(ControlId::IamPasswordPolicy, "minimum_length")],
        ),
        (
            LogicalId::new("log-group", f.group.trim_start_matches('/')),
            vec![
                (ControlId::CloudWatchLogGroupEncrypted, "kms_key"),
                (ControlId::CwLogGroupRetentionPeriodCheck, "retention_days"),
                (ControlId::LogRetentionSixYears, "retention_days"),
            ],
        ),
        (
            LogicalId::new("cloudtrail-trail", &f.trail),
            vec![
                (ControlId::CloudTrailEnabled, "logging"),
                (
                    ControlId::CloudTrailLogFileValidationEnabled,
                    "log_file_validation",
                ),
                (ControlId::CloudTrailS3DataEventsEnabled, "s3_data_events"),
                (ControlId::CloudTrailManagementEvents, "management_events"),
            ],
        ),
        (
            LogicalId::new("security-alarms", &f.prefix),
            vec![
                (ControlId::AlarmRootUsage, "filter.RootAccountUsage"),
                (ControlId::AlarmNetworkChanges, "filter.VpcChanges"),
                (ControlId::CloudWatchAlarmActionCheck, vpc_actions.as_str()),
                (ControlId::AlarmTopicEncrypted, "topic.kms_key"),
            ],
        ),
    ];
    for (id, expected) in &expectations {
        let found = failed(&report, id);
        for (control, setting) in expected {
            assert!(
                found.contains(&(*control, setting.to_string())),
                "{id}: {control} on {setting} not reported; failures: {found:?}\n{report}"
            );
        }
    }
    let printed = report.to_string();
    assert!(printed.contains("IAM_NO_INLINE_POLICY_CHECK"), "{printed}");
    assert!(
        printed.contains("CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED"),
        "{printed}"
    );

    // Plan shows the restoration; apply restores; verify passes again.
    let plan = f.stack.plan(env).await.expect("plan");
    let role_changes: Vec<&str> = plan
        .resource(&LogicalId::new("iam-role", &f.role))
        .expect("planned role")
        .changes
        .iter()
        .map(|c| c.setting.as_str())
        .collect();
    for setting in ["trust_policy", "managed_policies", "inline_policies"] {
        assert!(
            role_changes.contains(&setting),
            "{setting} not planned: {role_changes:?}"
        );
    }
    f.stack.apply(env).await.expect("restore");
    let restored = f.stack.verify(env).await.expect("verify");
    assert!(restored.passed(), "{restored}");
    assert!(f.stack.plan(env).await.expect("plan").is_empty());
    // The foreign policy was detached, not deleted: it is not the stack's to delete.
    assert!(iam.get_policy().policy_arn(&foreign).send().await.is_ok());
}

#[tokio::test]
async fn identity_resources_of_another_stack_are_conflicts() {
    let account = account().await;
    let env = &account.env;
    let role = HipaaRole::builder()
        .name(format!("shared-{}", account.suffix))
        .trust(Trust::this_account().with_mfa())
        .build()
        .expect("valid role");
    let owner = Stack::builder("owner")
        .with(role.clone())
        .build()
        .expect("stack");
    owner.apply(env).await.expect("apply");
    let intruder = Stack::builder("intruder")
        .with(role)
        .build()
        .expect("stack");
    let error = intruder.plan(env).await.expect_err("a conflict");
    assert!(matches!(error, Error::Conflict { .. }), "{error}");

    let key = HipaaKey::builder()
        .alias(format!("k-{}", account.suffix))
        .build()
        .expect("key");
    let group = EncryptedLogGroup::builder()
        .name(format!("/shared/{}", account.suffix))
        .key(&key)
        .build()
        .expect("group");
    env.logs()
        .create_log_group()
        .log_group_name(group.name())
        .send()
        .await
        .expect("someone else's log group");
    let stack = Stack::builder("late")
        .with(key)
        .with(group)
        .build()
        .expect("stack");
    let error = stack.plan(env).await.expect_err("a conflict");
    assert!(matches!(error, Error::Conflict { .. }), "{error}");
}

/// Role and policy tags are read from GetRole and GetPolicy: a managed tag removed behind the
/// library's back is a planned update that apply restores, and a stack tag rewritten to
/// another stack is a conflict, for both.
#[tokio::test]
async fn identity_role_and_policy_tags_changed_elsewhere_are_seen() {
    let account = account().await;
    let env = &account.env;
    let iam = env.iam();
    let policy = app_parameters_reader(format!("tagged-{}", account.suffix));
    let role = HipaaRole::builder()
        .name(format!("tagged-{}", account.suffix))
        .trust(Trust::this_account().with_mfa())
        .managed_policy(&policy)
        .build()
        .expect("valid role");
    let stack = Stack::builder("tags")
        .with(policy.clone())
        .with(role.clone())
        .build()
        .expect("stack");
    stack.apply(env).await.expect("apply");
    let plan = stack.plan(env).await.expect("plan");
    assert!(plan.is_empty(), "{plan}");
    let policy_arn = plan
        .resources
        .iter()
        .find(|resource| resource.name == policy.name())
        .and_then(|resource| resource.arn.clone())
        .expect("the policy's ARN");

    iam.untag_role()
        .role_name(role.name())
        .tag_keys(hipaa_aws::env::MANAGED_BY_TAG)
        .send()
        .await
        .expect("untag role");
    iam.untag_policy()
        .policy_arn(&policy_arn)
        .tag_keys(hipaa_aws::env::MANAGED_BY_TAG)
        .send()
        .await
        .expect("untag policy");
    let plan = stack.plan(env).await.expect("plan");
    for name in [role.name(), policy.name()] {
        let resource = plan
            .resources
            .iter()
            .find(|resource| resource.name == name)
            .expect("planned");
        assert_eq!(resource.action, Action::Update, "{plan}");
        assert!(
            resource
                .changes
                .iter()
                .any(|change| change.setting == format!("tags.{}", hipaa_aws::env::MANAGED_BY_TAG)),
            "{plan}"
        );
    }
    stack.apply(env).await.expect("apply restores the tags");
    let plan = stack.plan(env).await.expect("plan");
    assert!(plan.is_empty(), "{plan}");

    iam.tag_policy()
        .policy_arn(&policy_arn)
        .tags(
            aws_sdk_iam::types::Tag::builder()
                .key(hipaa_aws::env::STACK_TAG)
                .value("other")
                .build()
                .expect("tag"),
        )
        .send()
        .await
        .expect("retag policy");
    let error = stack.plan(env).await.expect_err("a conflict");
    assert!(matches!(error, Error::Conflict { .. }), "{error}");
    assert!(error.to_string().contains(policy.name()), "{error}");
}

/// Bad specs refused by `build()`, each with every violation at once and the control id,
/// setting and HIPAA citation of each. Nothing here leaves the process.
mod refusals {
    use crate::support::refusals::assert_refused;
    use hipaa_aws::policy::{Principal, Statement};
    use hipaa_aws::prelude::*;
    use hipaa_aws::{
        AccountPasswordPolicy, AlarmNotification, AlarmTopic, AuditTrail, EncryptedLogGroup, Grant,
        HipaaRole, ManagedPolicy, RetentionFloor, S3DataEvents, SecurityAlarms, Trust,
    };

    fn policy(statement: Statement) -> Result<ManagedPolicy> {
        ManagedPolicy::builder()
            .name("p")
            .statement(statement)
            .build()
    }

    fn key() -> HipaaKey {
        HipaaKey::builder().alias("audit").build().expect("key")
    }

    fn role(trust: Trust, hours: u32) -> Result<HipaaRole> {
        HipaaRole::builder()
            .name("app")
            .trust(trust)
            .max_session_hours(hours)
            .build()
    }

    fn log_group(days: u32, floor: RetentionFloor) -> Result<EncryptedLogGroup> {
        EncryptedLogGroup::builder()
            .name("/acme/audit")
            .key(&key())
            .retention_days(days)
            .retention_floor(floor)
            .build()
    }

    #[test]
    fn identity_wildcard_and_admin_policies_are_refused() {
        use ControlId::*;
        let kms_key = "arn:aws:kms:us-east-1:111122223333:key/1234";
        let cases: Vec<(&str, Statement, Vec<ControlId>)> = vec![
            (
                "admin",
                Statement::allow().actions(["*"]).resources(["*"]),
                vec![
                    IamPolicyNoStatementsWithAdminAccess,
                    IamPolicyNoStatementsWithFullAccess,
                    IamCustomerPolicyBlockedKmsActions,
                    IamNoWildcardResourceOnDataActions,
                    IamNoWildcardMarketplaceSubscribe,
                    IamNoPrivilegeEscalation,
                ],
            ),
            (
                "every action on one bucket",
                Statement::allow()
                    .actions(["*"])
                    .resources(["arn:aws:s3:::acme/*"]),
                vec![IamPolicyNoStatementsWithFullAccess],
            ),
            (
                "service wildcard",
                Statement::allow()
                    .actions(["s3:*"])
                    .resources(["arn:aws:s3:::acme/*"]),
                vec![IamPolicyNoStatementsWithFullAccess],
            ),
            (
                "iam:*",
                Statement::allow()
                    .actions(["iam:*"])
                    .resources(["arn:aws:iam::111122223333:role/app"]),
                vec![IamPolicyNoStatementsWithFullAccess],
            ),
            (
                "object reads on every resource",
                Statement::allow()
                    .actions(["s3:GetObject"])
                    .resources(["*"]),
                vec![IamNoWildcardResourceOnDataActions],
            ),
            (
                "object reads on every bucket",
                Statement::allow()
                    .actions(["s3:GetObject"])
                    .resources(["arn:aws:s3:::*/*"]),
                vec![IamNoWildcardResourceOnDataActions],
            ),
            (
                "queries on every table",
                Statement::allow()
                    .actions(["dynamodb:Query"])
                    .resources(["arn:aws:dynamodb:us-east-1:111122223333:table/*"]),
                vec![IamNoWildcardResourceOnDataActions],
            ),
            (
                "decrypt with every key",
                Statement::allow().actions(["kms:Decrypt"]).resources(["*"]),
                vec![
                    IamCustomerPolicyBlockedKmsActions,
                    IamNoWildcardResourceOnDataActions,
                ],
            ),
            (
                "re-encrypt with every key of the account",
                Statement::allow()
                    .actions(["kms:ReEncrypt*"])
                    .resources(["arn:aws:kms:*:111122223333:key/*"]),
                vec![
                    IamCustomerPolicyBlockedKmsActions,
                    IamNoWildcardResourceOnDataActions,
                ],
            ),
            (
                "kms:* on one key",
                Statement::allow().actions(["kms:*"]).resources([kms_key]),
                vec![IamPolicyNoStatementsWithFullAccess],
            ),
            (
                "NotAction allow",
                Statement::allow()
                    .not_actions(["iam:*"])
                    .resources(["arn:aws:s3:::acme/*"]),
                vec![IamPolicyNoStatementsWithFullAccess],
            ),
            (
                "NotResource allow",
                Statement::allow()
                    .actions(["s3:GetObject"])
                    .not_resources(["arn:aws:s3:::private/*"]),
                vec![IamNoWildcardResourceOnDataActions],
            ),
            (
                "marketplace subscribe everywhere",
                Statement::allow()
                    .actions(["aws-marketplace:Subscribe"])
                    .resources(["*"]),
                vec![IamNoWildcardMarketplaceSubscribe],
            ),
            (
                "no resource",
                Statement::allow().actions(["s3:GetObject"]),
                vec![IamNoWildcardResourceOnDataActions],
            ),
            (
                "a principal in an identity policy",
                Statement::allow()
                    .principal(Principal::aws("arn:aws:iam::111122223333:root"))
                    .actions(["s3:GetObject"])
                    .resources(["arn:aws:s3:::acme/*"]),
                vec![IamPolicyNoStatementsWithFullAccess],
            ),
        ];
        for (case, statement, controls) in cases {
            assert_refused(case, policy(statement), &controls);
        }
    }

    #[test]
    fn identity_policy_shapes_iam_refuses_are_refused() {
        assert_refused(
            "no statement",
            ManagedPolicy::builder().name("empty").build(),
            &[ControlId::IamNoWildcardResourceOnDataActions],
        );
        assert_refused(
            "bad policy name",
            ManagedPolicy::builder()
                .name("has space")
                .statement(
                    Statement::allow()
                        .actions(["s3:GetObject"])
                        .resources(["arn:aws:s3:::a/*"]),
                )
                .build(),
            &[ControlId::IamNameValid],
        );
        assert_refused(
            "a custom grant of s3:*",
            Grant::custom(
                &role(Trust::service("ec2.amazonaws.com"), 1).expect("role"),
                "wide",
                vec![Statement::allow().actions(["s3:*"]).resources(["*"])],
                &[],
            ),
            &[
                ControlId::IamPolicyNoStatementsWithFullAccess,
                ControlId::IamNoWildcardResourceOnDataActions,
                // s3:* reaches s3:PutBucketPolicy on every bucket.
                ControlId::IamNoPrivilegeEscalation,
            ],
        );
    }

    #[test]
    fn identity_roles_with_open_trust_or_long_sessions_are_refused() {
        let service = || Trust::service("ec2.amazonaws.com");
        for (case, result, control) in [
            (
                "13-hour sessions",
                role(service(), 13),
                ControlId::IamRoleMaxSessionDuration,
            ),
            (
                "0-hour sessions",
                role(service(), 0),
                ControlId::IamRoleMaxSessionDuration,
            ),
            (
                "not a service",
                role(Trust::service("ec2"), 1),
                ControlId::IamRoleTrustRestricted,
            ),
            (
                "another account without external id or MFA",
                role(Trust::account("444455556666"), 1),
                ControlId::IamRoleTrustRestricted,
            ),
            (
                "not an account id",
                role(Trust::account("acme").with_mfa(), 1),
                ControlId::IamRoleTrustRestricted,
            ),
            (
                "MFA on a service",
                role(service().with_mfa(), 1),
                ControlId::IamRoleTrustRestricted,
            ),
            (
                "an external id too short",
                role(Trust::account("444455556666").with_external_id("x"), 1),
                ControlId::IamRoleTrustRestricted,
            ),
        ] {
            assert_refused(case, result, &[control]);
        }
        assert_refused(
            "bad role name",
            HipaaRole::builder()
                .name("app role")
                .trust(service())
                .build(),
            &[ControlId::IamNameValid],
        );
        assert_refused(
            "the grants path",
            HipaaRole::builder()
                .name("app")
                .trust(service())
                .path("/hipaa-aws/grants/")
                .build(),
            &[ControlId::IamNameValid],
        );
        assert!(role(
            Trust::account("444455556666").with_external_id("acme-audit-1"),
            12
        )
        .is_ok());
        assert!(role(Trust::this_account().with_mfa(), 1).is_ok());
    }

    #[test]
    fn identity_weak_password_policies_are_refused() {
        let builder = AccountPasswordPolicy::builder;
        for (case, result, setting) in [
            (
                "8 characters",
                builder().minimum_length(8).build(),
                "minimum_length",
            ),
            (
                "13 characters",
                builder().minimum_length(13).build(),
                "minimum_length",
            ),
            (
                "180 days",
                builder().max_age_days(180).build(),
                "max_age_days",
            ),
            (
                "never expires",
                builder().max_age_days(0).build(),
                "max_age_days",
            ),
            (
                "5 remembered",
                builder().reuse_prevention(5).build(),
                "reuse_prevention",
            ),
            (
                "30 remembered",
                builder().reuse_prevention(30).build(),
                "reuse_prevention",
            ),
            (
                "129 characters",
                builder().minimum_length(129).build(),
                "minimum_length",
            ),
        ] {
            let violations = assert_refused(case, result, &[ControlId::IamPasswordPolicy]);
            assert!(
                violations.iter().all(|v| v.setting == setting),
                "{case}: {violations}"
            );
        }
        assert!(builder()
            .minimum_length(20)
            .max_age_days(60)
            .build()
            .is_ok());
    }

    #[test]
    fn identity_short_log_retention_is_refused() {
        use ControlId::*;
        for (case, result, controls) in [
            (
                "30 days",
                log_group(30, RetentionFloor::SixYears),
                vec![CwLogGroupRetentionPeriodCheck, LogRetentionSixYears],
            ),
            (
                "one year for audit logs",
                log_group(365, RetentionFloor::SixYears),
                vec![LogRetentionSixYears],
            ),
            (
                "five years for audit logs",
                log_group(1827, RetentionFloor::SixYears),
                vec![LogRetentionSixYears],
            ),
            (
                "180 days for app logs",
                log_group(180, RetentionFloor::OneYear),
                vec![CwLogGroupRetentionPeriodCheck],
            ),
            (
                "a value CloudWatch refuses",
                log_group(2200, RetentionFloor::SixYears),
                vec![CwLogGroupRetentionPeriodCheck],
            ),
        ] {
            assert_refused(case, result, &controls);
        }
        assert_refused(
            "bad log group name",
            EncryptedLogGroup::builder()
                .name("acme audit")
                .key(&key())
                .build(),
            &[CloudWatchNameValid],
        );
        assert!(log_group(365, RetentionFloor::OneYear).is_ok());
        assert!(log_group(3653, RetentionFloor::SixYears).is_ok());
    }

    #[test]
    fn identity_bad_trails_topics_and_alarms_are_refused() {
        let key = key();
        let logs = LogBucket::builder()
            .name("acme-logs")
            .key(&key)
            .build()
            .expect("logs");
        let group = EncryptedLogGroup::builder()
            .name("/acme/ct")
            .key(&key)
            .build()
            .expect("group");
        let trail = |name: &str, events: S3DataEvents| {
            AuditTrail::builder()
                .name(name)
                .bucket(&logs)
                .key(&key)
                .log_group(&group)
                .data_events(events)
                .build()
        };
        assert_refused(
            "short trail name",
            trail("ab", S3DataEvents::AllBuckets),
            &[ControlId::CloudTrailNameValid],
        );
        assert_refused(
            "trail name with '--'",
            trail("acme--trail", S3DataEvents::AllBuckets),
            &[ControlId::CloudTrailNameValid],
        );
        assert_refused(
            "no PHI bucket named",
            trail("acme", S3DataEvents::Buckets(Vec::new())),
            &[ControlId::CloudTrailS3DataEventsEnabled],
        );
        assert_refused(
            "bad topic name",
            AlarmTopic::builder().name("alarms!").key(&key).build(),
            &[ControlId::CloudWatchNameValid],
        );
        assert_refused(
            "bad alarm prefix",
            SecurityAlarms::builder()
                .prefix("sec alarms")
                .trail_events(&group)
                .notify(AlarmNotification::encrypted_topic(&key))
                .build(),
            &[ControlId::CloudWatchNameValid],
        );
    }
}

/// Golden and round-trip tests of the policies the library writes, at `build()` scope.
mod policies {
    use hipaa_aws::construct::{Construct, Scope, KNOWN_AFTER_APPLY, PLACEHOLDER_ACCOUNT};
    use hipaa_aws::constructs::cloudtrail::{trail_bucket_statements, trail_key_statements};
    use hipaa_aws::constructs::cloudwatch::{alarm_topic_key_use, alarm_topic_policy};
    use hipaa_aws::constructs::kms::base_key_policy;
    use hipaa_aws::constructs::logs::log_group_key_use;
    use hipaa_aws::policy::{
        validate_identity_policy, Action, Arn, Condition, PolicyDocument, Statement,
    };
    use hipaa_aws::prelude::*;
    use hipaa_aws::{EncryptedLogGroup, HipaaRole, ManagedPolicy, Trust};
    use proptest::prelude::*;
    use serde_json::json;

    fn round_trips(document: &PolicyDocument) {
        let again = PolicyDocument::from_json(&document.to_json()).expect("parses");
        assert_eq!(&again, document, "{document}");
        let value: PolicyDocument =
            serde_json::from_value(serde_json::to_value(document).expect("serializes"))
                .expect("deserializes");
        assert_eq!(&value, document);
    }

    #[test]
    fn identity_grant_on_an_encrypted_bucket_is_golden() {
        let key = HipaaKey::builder().alias("phi").build().expect("key");
        let logs = LogBucket::builder()
            .name("acme-logs")
            .key(&key)
            .build()
            .expect("logs");
        let data = EncryptedBucket::builder()
            .name("acme-phi")
            .key(&key)
            .access_logs(&logs)
            .build()
            .expect("data");
        let role = HipaaRole::builder()
            .name("app")
            .trust(Trust::service("ecs-tasks.amazonaws.com"))
            .build()
            .expect("role");
        let scope = Scope::for_build();
        let read = PolicyDocument::new(data.grant_read(&role).statements(&scope));
        let via_s3 = json!({"StringEquals": {
            "kms:EncryptionContext:aws:s3:arn": "arn:aws:s3:::acme-phi",
            "kms:ViaService": "s3.us-east-1.amazonaws.com"
        }});
        assert_eq!(
            read.to_value(),
            json!({"Version": "2012-10-17", "Statement": [
                {"Sid": "ReadObjects", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::acme-phi/*"},
                {"Sid": "ListObjects", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::acme-phi"},
                {"Sid": "DecryptObjects", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": KNOWN_AFTER_APPLY, "Condition": via_s3},
            ]})
        );
        let write = PolicyDocument::new(data.grant_write(&role).statements(&scope));
        assert_eq!(
            write.to_value()["Statement"][1]["Action"],
            json!(["kms:GenerateDataKey", "kms:Decrypt"])
        );
        let grant = data.grant_read(&role);
        assert_eq!(grant.name(), "app-read-acme-phi");
        assert_eq!(
            grant.arn(&scope),
            format!("arn:aws:iam::{PLACEHOLDER_ACCOUNT}:policy/hipaa-aws/grants/app-read-acme-phi")
        );
        let dependencies = grant.dependencies();
        for id in [
            Construct::id(&role),
            Construct::id(&data),
            Construct::id(&key),
        ] {
            assert!(dependencies.contains(id), "{id} not a dependency");
        }
        for document in [read, write] {
            round_trips(&document);
            assert!(validate_identity_policy(&document).is_empty(), "{document}");
        }
    }

    #[test]
    fn identity_every_generated_policy_round_trips() {
        let scope = Scope::for_build();
        let key = HipaaKey::builder().alias("audit").build().expect("key");
        let group = EncryptedLogGroup::builder()
            .name("/acme/ct")
            .key(&key)
            .build()
            .expect("group");
        let trail_arn = scope.arn("cloudtrail", "trail/acme");
        let mut documents = vec![
            PolicyDocument::new(base_key_policy(&scope, 30)),
            PolicyDocument::new(trail_bucket_statements(
                "arn:aws:s3:::acme-logs",
                "acme",
                &trail_arn,
                PLACEHOLDER_ACCOUNT,
            )),
            PolicyDocument::new(trail_key_statements(
                "aws",
                "acme",
                &trail_arn,
                PLACEHOLDER_ACCOUNT,
            )),
            PolicyDocument::new(vec![log_group_key_use(&scope, "/acme/ct")]),
            alarm_topic_policy(&scope, &scope.arn("sns", "alarms")),
            PolicyDocument::new(vec![alarm_topic_key_use(
                &scope,
                "alarms",
                &scope.arn("sns", "alarms"),
            )]),
        ];
        for trust in [
            Trust::service("ec2.amazonaws.com"),
            Trust::this_account().with_mfa(),
            Trust::account("444455556666").with_external_id("acme-1234"),
            Trust::service("cloudtrail.amazonaws.com").with_source_arn(trail_arn.clone()),
        ] {
            documents.push(trust.policy(&scope));
        }
        let role = HipaaRole::builder()
            .name("app")
            .trust(Trust::service("ecs-tasks.amazonaws.com"))
            .build()
            .expect("role");
        documents.push(PolicyDocument::new(
            key.grant_encrypt_decrypt(&role).statements(&scope),
        ));
        documents.push(PolicyDocument::new(
            group.grant_write(&role).statements(&scope),
        ));
        let managed = ManagedPolicy::builder()
            .name("reader")
            .statement(
                Statement::allow()
                    .actions([Action::new("ssm", "GetParameter")])
                    .resources([Arn::new(
                        "aws",
                        "ssm",
                        "us-east-1",
                        "111122223333",
                        "parameter/app/*",
                    )])
                    .when(Condition::bool("aws:SecureTransport", true)),
            )
            .build()
            .expect("policy");
        documents.push(managed.desired(&scope).document.expect("document"));
        for document in &documents {
            round_trips(document);
        }
        // The key policy the KMS checks judge accepts every service statement written here.
        let mut key_policy = base_key_policy(&scope, 30);
        key_policy.extend(trail_key_statements(
            "aws",
            "acme",
            &trail_arn,
            PLACEHOLDER_ACCOUNT,
        ));
        key_policy.push(log_group_key_use(&scope, "/acme/ct"));
        key_policy.push(alarm_topic_key_use(
            &scope,
            "alarms",
            &scope.arn("sns", "alarms"),
        ));
        let mut state = key.desired(&scope);
        state.policy = Some(PolicyDocument::new(key_policy));
        let failed: Vec<_> = key
            .evaluate(&state)
            .into_iter()
            .filter(|c| c.failed())
            .collect();
        assert!(failed.is_empty(), "{failed:?}");
    }

    fn statement() -> impl Strategy<Value = Statement> {
        let action = prop::sample::select(vec![
            "s3:GetObject",
            "s3:*",
            "*",
            "kms:Decrypt",
            "kms:ReEncrypt*",
            "logs:PutLogEvents",
            "iam:PassRole",
            "sts:AssumeRole",
            "aws-marketplace:Subscribe",
        ]);
        let resource = prop::sample::select(vec![
            "*",
            "arn:aws:s3:::acme/*",
            "arn:aws:s3:::*",
            "arn:aws:kms:us-east-1:111122223333:key/1",
            "arn:aws:kms:*:*:key/*",
            "arn:aws:logs:us-east-1:111122223333:log-group:a:*",
        ]);
        (
            any::<bool>(),
            prop::collection::vec(action, 0..4),
            prop::collection::vec(resource, 0..3),
            prop::option::of("[A-Za-z0-9]{1,8}"),
            prop::option::of(("aws:SourceAccount|kms:ViaService", "[a-z0-9.]{1,12}")),
            any::<bool>(),
        )
            .prop_map(|(allow, actions, resources, sid, condition, not_action)| {
                let mut statement = if allow {
                    Statement::allow()
                } else {
                    Statement::deny()
                };
                if let Some(sid) = sid {
                    statement = statement.sid(sid);
                }
                statement = if not_action {
                    statement.not_actions(actions)
                } else {
                    statement.actions(actions)
                };
                statement = statement.resources(resources);
                if let Some((key, value)) = condition {
                    statement = statement.when(Condition::string_equals(&key, [value]));
                }
                statement
            })
    }

    proptest! {
        #[test]
        fn identity_any_policy_round_trips_and_validation_never_panics(
            statements in prop::collection::vec(statement(), 0..5)
        ) {
            let document = PolicyDocument::new(statements);
            let again = PolicyDocument::from_json(&document.to_json());
            prop_assert_eq!(again.as_ref(), Ok(&document));
            let findings = validate_identity_policy(&document);
            let has_admin = document.statements.iter().any(|s| {
                // Every action, or every action but a few (NotAction), on every resource.
                s.effect == hipaa_aws::policy::Effect::Allow
                    && (s.actions.iter().any(|a| a == "*") || !s.not_actions.is_empty())
                    && s.resources.iter().any(|r| r == "*")
            });
            prop_assert_eq!(
                has_admin,
                findings.iter().any(|f| f.control == ControlId::IamPolicyNoStatementsWithAdminAccess)
            );
        }
    }
}

/// The readers and controls the audit reuses, on resources the library did not make.
mod any_resource {
    use std::time::{SystemTime, UNIX_EPOCH};

    use hipaa_aws::constructs::cloudtrail::{evaluate_trail, read_trail_state, TrailExpectations};
    use hipaa_aws::constructs::cloudwatch::{
        evaluate_security_alarms, read_alarms, read_metric_filters,
    };
    use hipaa_aws::constructs::iam::{
        evaluate_group, evaluate_role, evaluate_root, evaluate_user, read_group_state,
        read_role_state, read_root_state, read_user_state, CredentialRequirements,
    };
    use hipaa_aws::constructs::logs::{
        evaluate_log_group, read_log_group_state, LogGroupExpectations,
    };
    use hipaa_aws::policy::{PolicyDocument, Principal, Statement};
    use hipaa_aws::prelude::*;

    use crate::support::account;

    fn failed(checks: &[Check]) -> Vec<ControlId> {
        let mut controls: Vec<ControlId> = checks
            .iter()
            .filter(|check| check.failed())
            .map(|check| check.control)
            .collect();
        controls.sort();
        controls.dedup();
        controls
    }

    #[tokio::test]
    async fn identity_controls_judge_users_groups_roles_and_root_made_elsewhere() {
        let account = account().await;
        let env = &account.env;
        let iam = env.iam();
        let user = format!("alice-{}", account.suffix);
        iam.create_user()
            .user_name(&user)
            .send()
            .await
            .expect("user");
        iam.put_user_policy()
            .user_name(&user)
            .policy_name("own")
            .policy_document(
                PolicyDocument::new(vec![Statement::allow().actions(["kms:*"]).resources(["*"])])
                    .to_json(),
            )
            .send()
            .await
            .expect("inline user policy");
        iam.create_login_profile()
            .user_name(&user)
            .password("Correct-Horse-Battery-9")
            .send()
            .await
            .expect("console password");
        iam.create_access_key()
            .user_name(&user)
            .send()
            .await
            .expect("access key");
        let group = format!("staff-{}", account.suffix);
        iam.create_group()
            .group_name(&group)
            .send()
            .await
            .expect("group");

        let state = read_user_state(env, &user)
            .await
            .expect("read")
            .expect("exists");
        assert!(state.console_password);
        assert_eq!(state.access_keys.len(), 1);
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or_default();
        let today = failed(&evaluate_user(
            &state,
            now,
            &CredentialRequirements::default(),
        ));
        for control in [
            ControlId::IamUserNoPoliciesCheck,
            ControlId::IamUserGroupMembershipCheck,
            ControlId::IamUserMfaEnabled,
            ControlId::MfaEnabledForIamConsoleAccess,
            ControlId::IamNoInlinePolicyCheck,
            ControlId::IamInlinePolicyBlockedKmsActions,
            ControlId::IamPolicyNoStatementsWithFullAccess,
        ] {
            assert!(today.contains(&control), "{control} not failed: {today:?}");
        }
        assert!(!today.contains(&ControlId::AccessKeysRotated));
        let in_100_days = now + 100 * 86_400;
        let later = failed(&evaluate_user(
            &state,
            in_100_days,
            &CredentialRequirements::default(),
        ));
        assert!(later.contains(&ControlId::AccessKeysRotated), "{later:?}");
        assert!(
            later.contains(&ControlId::IamUserUnusedCredentialsCheck),
            "{later:?}"
        );

        let empty = read_group_state(env, &group)
            .await
            .expect("read")
            .expect("exists");
        assert_eq!(
            failed(&evaluate_group(&empty)),
            [ControlId::IamGroupHasUsersCheck]
        );
        iam.add_user_to_group()
            .group_name(&group)
            .user_name(&user)
            .send()
            .await
            .expect("join");
        let joined = read_group_state(env, &group)
            .await
            .expect("read")
            .expect("exists");
        assert!(failed(&evaluate_group(&joined)).is_empty());
        let member = read_user_state(env, &user)
            .await
            .expect("read")
            .expect("exists");
        assert!(!failed(&evaluate_user(
            &member,
            now,
            &CredentialRequirements::default()
        ))
        .contains(&ControlId::IamUserGroupMembershipCheck));

        let role = format!("open-{}", account.suffix);
        iam.create_role()
            .role_name(&role)
            .assume_role_policy_document(
                PolicyDocument::new(vec![Statement::allow()
                    .principal(Principal::Everyone)
                    .actions(["sts:AssumeRole"])])
                .to_json(),
            )
            .max_session_duration(43_200)
            .send()
            .await
            .expect("role");
        let (role_state, _) = read_role_state(env, &role)
            .await
            .expect("read")
            .expect("exists");
        assert_eq!(
            failed(&evaluate_role(&role_state)),
            [ControlId::IamRoleTrustRestricted]
        );

        let root = read_root_state(env).await.expect("root");
        let root_failures = failed(&evaluate_root(&root));
        assert!(
            !root_failures.contains(&ControlId::IamRootAccessKeyCheck),
            "{root_failures:?}"
        );
        assert_eq!(
            root.mfa_enabled,
            !root_failures.contains(&ControlId::RootAccountMfaEnabled)
        );
    }

    #[tokio::test]
    async fn identity_controls_judge_trails_log_groups_and_alarms_made_elsewhere() {
        let account = account().await;
        let env = &account.env;
        let bucket = account.bucket("plain-trail");
        account
            .s3()
            .create_bucket()
            .bucket(&bucket)
            .send()
            .await
            .expect("bucket");
        let trail = format!("plain-{}", account.suffix);
        env.cloudtrail()
            .create_trail()
            .name(&trail)
            .s3_bucket_name(&bucket)
            .send()
            .await
            .expect("trail");
        let (state, _) = read_trail_state(env, &trail)
            .await
            .expect("read")
            .expect("exists");
        let failures = failed(&evaluate_trail(&state, &TrailExpectations::default()));
        for control in [
            ControlId::CloudTrailEnabled,
            ControlId::MultiRegionCloudTrailEnabled,
            ControlId::CloudTrailCloudWatchLogsEnabled,
            ControlId::CloudTrailEncryptionEnabled,
            ControlId::CloudTrailLogFileValidationEnabled,
            ControlId::CloudTrailS3DataEventsEnabled,
        ] {
            assert!(
                failures.contains(&control),
                "{control} not failed: {failures:?}"
            );
        }
        assert!(read_trail_state(env, "no-such-trail")
            .await
            .expect("read")
            .is_none());

        let group = format!("/plain/{}", account.suffix);
        env.logs()
            .create_log_group()
            .log_group_name(&group)
            .send()
            .await
            .expect("group");
        let (group_state, _) = read_log_group_state(env, &group)
            .await
            .expect("read")
            .expect("exists");
        assert_eq!(
            failed(&evaluate_log_group(
                &group_state,
                &LogGroupExpectations::default()
            )),
            [
                ControlId::CloudWatchLogGroupEncrypted,
                ControlId::CwLogGroupRetentionPeriodCheck
            ]
        );
        let filters = read_metric_filters(env, &group, None)
            .await
            .expect("filters");
        let alarms: Vec<_> = read_alarms(env, "")
            .await
            .expect("alarms")
            .into_iter()
            .map(|(a, _)| a)
            .collect();
        let coverage = evaluate_security_alarms(&filters, &alarms);
        assert_eq!(coverage.len(), 14);
        assert!(coverage.iter().all(|check| check.failed()));
    }
}
