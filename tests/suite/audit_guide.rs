//! An account set up exactly by the CLI steps of the public guide (`../shared/GUIDE.txt`), by
//! direct SDK calls, then audited: each of the guide's omissions must come back as a failure
//! with its control id, and what the guide does get right must pass.

use aws_sdk_cloudwatch::types::{ComparisonOperator, Dimension, Statistic};
use aws_sdk_config::types::{ConfigurationRecorder, DeliveryChannel};
use aws_sdk_s3::types::{
    ServerSideEncryption, ServerSideEncryptionByDefault, ServerSideEncryptionConfiguration,
    ServerSideEncryptionRule,
};
use hipaa_aws::audit::Audit;
use hipaa_aws::prelude::*;

use crate::support::findings::expect_finding_like;
use crate::support::{account, TestAccount};

/// The guide's steps, in its order, with its names (made unique to this test).
struct GuideAccount {
    account: TestAccount,
    vpc_id: String,
    /// The security group AWS makes with the VPC (the guide leaves its rules open).
    default_group_id: String,
    /// The route table with the guide's 0.0.0.0/0 route to the internet gateway.
    route_table_id: String,
    bucket: String,
    log_bucket: String,
    key_id: String,
}

async fn follow_the_guide() -> GuideAccount {
    let account = account().await;
    let config = &account.sdk_config;
    let ec2 = aws_sdk_ec2::Client::new(config);

    // aws ec2 create-vpc --cidr-block 10.0.0.0/16
    let vpc = ec2
        .create_vpc()
        .cidr_block("10.0.0.0/16")
        .send()
        .await
        .expect("create-vpc");
    let vpc_id = vpc.vpc.and_then(|vpc| vpc.vpc_id).expect("the VPC's id");
    let default_group_id = ec2
        .describe_security_groups()
        .filters(
            aws_sdk_ec2::types::Filter::builder()
                .name("vpc-id")
                .values(&vpc_id)
                .build(),
        )
        .filters(
            aws_sdk_ec2::types::Filter::builder()
                .name("group-name")
                .values("default")
                .build(),
        )
        .send()
        .await
        .expect("describe-security-groups")
        .security_groups()
        .first()
        .and_then(|group| group.group_id.clone())
        .expect("the VPC's default security group");
    // aws ec2 create-subnet --vpc-id vpc-id --cidr-block 10.0.1.0/24
    let subnet = ec2
        .create_subnet()
        .vpc_id(&vpc_id)
        .cidr_block("10.0.1.0/24")
        .send()
        .await
        .expect("create-subnet");
    let subnet_id = subnet
        .subnet
        .and_then(|subnet| subnet.subnet_id)
        .expect("the subnet's id");
    // aws ec2 create-route-table --vpc-id vpc-id, with the internet gateway route the guide's
    // public-subnet walkthrough adds.
    let table = ec2
        .create_route_table()
        .vpc_id(&vpc_id)
        .send()
        .await
        .expect("create-route-table")
        .route_table
        .and_then(|table| table.route_table_id)
        .expect("the route table's id");
    let gateway = ec2
        .create_internet_gateway()
        .send()
        .await
        .expect("create-internet-gateway")
        .internet_gateway
        .and_then(|gateway| gateway.internet_gateway_id)
        .expect("the gateway's id");
    ec2.attach_internet_gateway()
        .internet_gateway_id(&gateway)
        .vpc_id(&vpc_id)
        .send()
        .await
        .expect("attach-internet-gateway");
    ec2.create_route()
        .route_table_id(&table)
        .destination_cidr_block("0.0.0.0/0")
        .gateway_id(&gateway)
        .send()
        .await
        .expect("create-route");
    ec2.associate_route_table()
        .route_table_id(&table)
        .subnet_id(&subnet_id)
        .send()
        .await
        .expect("associate-route-table");
    // aws ec2 create-security-group --group-name MySecurityGroup --description ... --vpc-id
    ec2.create_security_group()
        .group_name("MySecurityGroup")
        .description("My security group")
        .vpc_id(&vpc_id)
        .send()
        .await
        .expect("create-security-group");

    // aws kms create-key --description "My HIPAA key"
    let key = account
        .kms()
        .create_key()
        .description("My HIPAA key")
        .send()
        .await
        .expect("create-key")
        .key_metadata
        .expect("the key's metadata");
    let key_id = key.key_id().to_string();

    // aws s3api create-bucket --bucket my-hipaa-bucket; put-bucket-encryption with the key.
    let s3 = account.s3();
    let bucket = account.bucket("my-hipaa-bucket");
    s3.create_bucket()
        .bucket(&bucket)
        .send()
        .await
        .expect("create-bucket");
    s3.put_bucket_encryption()
        .bucket(&bucket)
        .server_side_encryption_configuration(
            ServerSideEncryptionConfiguration::builder()
                .rules(
                    ServerSideEncryptionRule::builder()
                        .apply_server_side_encryption_by_default(
                            ServerSideEncryptionByDefault::builder()
                                .sse_algorithm(ServerSideEncryption::AwsKms)
                                .kms_master_key_id(key.arn().unwrap_or(&key_id))
                                .build()
                                .expect("encryption default"),
                        )
                        .build(),
                )
                .build()
                .expect("encryption configuration"),
        )
        .send()
        .await
        .expect("put-bucket-encryption");

    // aws iam create-role --role-name MyHIPAARole; attach-role-policy AWSLambdaBasicExecutionRole
    let iam = aws_sdk_iam::Client::new(config);
    iam.create_role()
        .role_name("MyHIPAARole")
        .assume_role_policy_document(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
        )
        .send()
        .await
        .expect("create-role");
    iam.attach_role_policy()
        .role_name("MyHIPAARole")
        .policy_arn("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")
        .send()
        .await
        .expect("attach-role-policy");

    // aws cloudtrail create-trail --name MyTrail --s3-bucket-name my-hipaa-logs; start-logging
    let log_bucket = account.bucket("my-hipaa-logs");
    s3.create_bucket()
        .bucket(&log_bucket)
        .send()
        .await
        .expect("create the log bucket");
    let cloudtrail = aws_sdk_cloudtrail::Client::new(config);
    cloudtrail
        .create_trail()
        .name("MyTrail")
        .s3_bucket_name(&log_bucket)
        .send()
        .await
        .expect("create-trail");
    cloudtrail
        .start_logging()
        .name("MyTrail")
        .send()
        .await
        .expect("start-logging");

    // aws configservice put-configuration-recorder (and the console's delivery channel);
    // start-configuration-recorder
    let recorder_role = iam
        .create_role()
        .role_name("my-role")
        .assume_role_policy_document(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"config.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
        )
        .send()
        .await
        .expect("the recorder's role")
        .role
        .map(|role| role.arn)
        .expect("the role's ARN");
    let configservice = aws_sdk_config::Client::new(config);
    configservice
        .put_configuration_recorder()
        .configuration_recorder(
            ConfigurationRecorder::builder()
                .name("my-recorder")
                .role_arn(recorder_role)
                .build(),
        )
        .send()
        .await
        .expect("put-configuration-recorder");
    configservice
        .put_delivery_channel()
        .delivery_channel(
            DeliveryChannel::builder()
                .name("default")
                .s3_bucket_name(&log_bucket)
                .build(),
        )
        .send()
        .await
        .expect("put-delivery-channel");
    configservice
        .start_configuration_recorder()
        .configuration_recorder_name("my-recorder")
        .send()
        .await
        .expect("start-configuration-recorder");

    // aws securityhub enable-security-hub
    aws_sdk_securityhub::Client::new(config)
        .enable_security_hub()
        .send()
        .await
        .expect("enable-security-hub");

    // aws logs create-log-group --log-group-name my-hipaa-logs (the guide says "cloudwatch")
    aws_sdk_cloudwatchlogs::Client::new(config)
        .create_log_group()
        .log_group_name("my-hipaa-logs")
        .send()
        .await
        .expect("create-log-group");

    // aws cloudwatch put-metric-alarm --alarm-name HIPAAAlarm (CPU of one instance)
    let topic = aws_sdk_sns::Client::new(config)
        .create_topic()
        .name("my-sns-topic")
        .send()
        .await
        .expect("the alarm's topic")
        .topic_arn
        .expect("the topic's ARN");
    aws_sdk_cloudwatch::Client::new(config)
        .put_metric_alarm()
        .alarm_name("HIPAAAlarm")
        .metric_name("CPUUtilization")
        .namespace("AWS/EC2")
        .statistic(Statistic::Average)
        .period(300)
        .threshold(80.0)
        .comparison_operator(ComparisonOperator::GreaterThanOrEqualToThreshold)
        .dimensions(
            Dimension::builder()
                .name("InstanceId")
                .value("i-1234567890abcdef0")
                .build(),
        )
        .evaluation_periods(2)
        .alarm_actions(topic)
        .send()
        .await
        .expect("put-metric-alarm");

    GuideAccount {
        account,
        vpc_id,
        default_group_id,
        route_table_id: table,
        bucket,
        log_bucket,
        key_id,
    }
}

#[tokio::test]
async fn audit_of_an_account_built_by_the_guides_cli_steps_lists_each_omission() {
    let guide = follow_the_guide().await;
    let report = Audit::builder()
        .regions([crate::support::REGION])
        .build()
        .expect("audit options")
        .run(&guide.account.env)
        .await
        .expect("audit");
    let account_id = guide.account.env.account_id().to_string();
    use ControlId as C;
    use Status::{Fail, Pass};

    // What the guide gets right.
    expect_finding_like(&report, C::S3DefaultEncryptionKms, &guide.bucket, Pass);
    expect_finding_like(&report, C::SecurityHubEnabled, &account_id, Pass);

    // The network steps: no flow logs, the default security group left open, a route to the
    // internet gateway from a plain subnet.
    expect_finding_like(&report, C::VpcFlowLogsEnabled, &guide.vpc_id, Fail);
    expect_finding_like(
        &report,
        C::VpcDefaultSecurityGroupClosed,
        &guide.default_group_id,
        Fail,
    );
    expect_finding_like(
        &report,
        C::NoUnrestrictedRouteToIgw,
        &guide.route_table_id,
        Fail,
    );
    expect_finding_like(&report, C::Ec2EbsEncryptionByDefault, &account_id, Fail);

    // The key: created without rotation.
    expect_finding_like(&report, C::KmsKeyRotationEnabled, &guide.key_id, Fail);

    // The PHI bucket: encrypted, but no TLS-only policy, no versioning, no access logs.
    expect_finding_like(&report, C::S3BucketSslRequestsOnly, &guide.bucket, Fail);
    expect_finding_like(&report, C::S3BucketVersioningEnabled, &guide.bucket, Fail);
    expect_finding_like(&report, C::S3BucketLoggingEnabled, &guide.bucket, Fail);
    // The trail's bucket: not encrypted with a customer key.
    expect_finding_like(&report, C::S3DefaultEncryptionKms, &guide.log_bucket, Fail);

    // The trail: one region, no validation, no encryption, no CloudWatch Logs, no data events.
    expect_finding_like(&report, C::MultiRegionCloudTrailEnabled, &account_id, Fail);
    expect_finding_like(
        &report,
        C::CloudTrailLogFileValidationEnabled,
        "MyTrail",
        Fail,
    );
    expect_finding_like(&report, C::CloudTrailEncryptionEnabled, "MyTrail", Fail);
    expect_finding_like(&report, C::CloudTrailCloudWatchLogsEnabled, "MyTrail", Fail);
    expect_finding_like(&report, C::CloudTrailS3DataEventsEnabled, &account_id, Fail);

    // The log group: not encrypted, kept forever by default but without a retention setting.
    expect_finding_like(
        &report,
        C::CloudWatchLogGroupEncrypted,
        "my-hipaa-logs",
        Fail,
    );
    expect_finding_like(
        &report,
        C::CwLogGroupRetentionPeriodCheck,
        "my-hipaa-logs",
        Fail,
    );

    // The CPU alarm notifies on ALARM only; the rule also wants an insufficient-data action.
    expect_finding_like(&report, C::CloudWatchAlarmActionCheck, "HIPAAAlarm", Fail);

    // Identity: no password policy, the CIS alarms missing.
    expect_finding_like(&report, C::IamPasswordPolicy, &account_id, Fail);
    expect_finding_like(&report, C::AlarmRootUsage, &account_id, Fail);

    // Continuous compliance: GuardDuty never enabled.
    expect_finding_like(&report, C::GuardDutyEnabledCentralized, &account_id, Fail);
    assert!(
        !report.passed(),
        "the guide's account must not pass the audit"
    );
}

/// What a report found, as the verdicts compare: control, resource, region and status.
fn verdicts(
    report: &hipaa_aws::audit::AuditReport,
    keep: impl Fn(ControlId) -> bool,
) -> Vec<(ControlId, String, String, Status)> {
    let mut verdicts: Vec<_> = report
        .findings()
        .filter(|finding| keep(finding.control))
        .map(|finding| {
            (
                finding.control,
                finding.resource_arn.clone(),
                finding.region.clone(),
                finding.status,
            )
        })
        .collect();
    verdicts.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
    verdicts
}

/// A scoped audit skips whole scanners, so a scanner mapped to the wrong service would drop
/// verdicts silently: each service's scoped audit must return exactly the full audit's
/// findings of that service, and nothing of any other.
#[tokio::test]
async fn an_audit_scoped_to_one_service_reports_exactly_the_full_audits_findings_of_it() {
    use hipaa_aws::controls::Service;
    let guide = follow_the_guide().await;
    let audit = |services: Option<Service>| {
        let mut builder = Audit::builder().regions([crate::support::REGION]);
        if let Some(service) = services {
            builder = builder.services([service]);
        }
        builder.build().expect("audit options")
    };
    let full = audit(None).run(&guide.account.env).await.expect("audit");
    let scoped_audits = Service::ALL.iter().map(|&service| {
        let audit = audit(Some(service));
        let env = &guide.account.env;
        async move { (service, audit.run(env).await.expect("scoped audit")) }
    });
    for (service, scoped) in futures::future::join_all(scoped_audits).await {
        let expected = verdicts(&full, |id| id.control().service == service);
        assert_eq!(
            verdicts(&scoped, |_| true),
            expected,
            "the audit scoped to {service} differs from the full audit's {service} findings"
        );
    }
    // The guide's account has findings of most services, so the comparison above is not empty.
    let judged: std::collections::BTreeSet<Service> = full
        .findings()
        .map(|f| f.control.control().service)
        .collect();
    for service in [
        Service::Ec2,
        Service::Ebs,
        Service::S3,
        Service::Kms,
        Service::Iam,
        Service::CloudTrail,
        Service::CloudWatch,
        Service::Config,
        Service::SecurityHub,
        Service::GuardDuty,
    ] {
        assert!(
            judged.contains(&service),
            "no {service} finding in the guide's account"
        );
    }
}

#[test]
fn an_empty_service_list_is_refused_rather_than_judging_nothing() {
    let error = Audit::builder()
        .services(std::iter::empty())
        .build()
        .expect_err("an empty list judges nothing");
    assert!(error.to_string().contains("audit services"), "{error}");
}
