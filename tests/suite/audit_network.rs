//! The account audit of EC2 networking, instances, EBS and IAM against the local endpoint: for
//! every control the endpoint can represent, one resource made compliant and one made
//! non-compliant by direct SDK calls, and the audit must return pass and fail with the right
//! control id. Several controls share one setup to keep the run short.

use aws_sdk_ec2::types::{
    AttributeBooleanValue, FlowLogsResourceType, HttpTokensState, IamInstanceProfileSpecification,
    InstanceMetadataOptionsRequest, InstanceType, IpPermission, IpRange, LogDestinationType,
    TrafficType,
};
use hipaa_aws::audit::{Audit, AuditReport};
use hipaa_aws::controls::Service;
use hipaa_aws::prelude::*;

use crate::support::findings::expect_finding;
use crate::support::{account, TestAccount};

fn ec2(account: &TestAccount) -> aws_sdk_ec2::Client {
    aws_sdk_ec2::Client::new(&account.sdk_config)
}

fn iam(account: &TestAccount) -> aws_sdk_iam::Client {
    aws_sdk_iam::Client::new(&account.sdk_config)
}

/// An audit scoped to the services a test judges: the same verdicts on them as a full audit
/// (audit_guide checks that), without reading every other service.
async fn audit(env: &Environment, regions: &[&str], services: &[Service]) -> AuditReport {
    Audit::builder()
        .regions(regions.iter().copied())
        .services(services.iter().copied())
        .build()
        .expect("audit options")
        .run(env)
        .await
        .expect("audit")
}

fn arn(account: &TestAccount, kind: &str, id: &str) -> String {
    format!(
        "arn:aws:ec2:us-east-1:{}:{kind}/{id}",
        account.env.account_id()
    )
}

async fn vpc(ec2: &aws_sdk_ec2::Client, cidr: &str) -> String {
    ec2.create_vpc()
        .cidr_block(cidr)
        .send()
        .await
        .expect("vpc")
        .vpc
        .and_then(|v| v.vpc_id)
        .expect("vpc id")
}

async fn subnet(ec2: &aws_sdk_ec2::Client, vpc: &str, cidr: &str) -> String {
    ec2.create_subnet()
        .vpc_id(vpc)
        .cidr_block(cidr)
        .send()
        .await
        .expect("subnet")
        .subnet
        .and_then(|s| s.subnet_id)
        .expect("subnet id")
}

async fn group(ec2: &aws_sdk_ec2::Client, vpc: &str, name: &str) -> String {
    ec2.create_security_group()
        .vpc_id(vpc)
        .group_name(name)
        .description(name)
        .send()
        .await
        .expect("security group")
        .group_id
        .expect("group id")
}

fn tcp(port: i32, cidr: &str) -> IpPermission {
    IpPermission::builder()
        .ip_protocol("tcp")
        .from_port(port)
        .to_port(port)
        .ip_ranges(IpRange::builder().cidr_ip(cidr).build())
        .build()
}

fn all_traffic(cidr: &str) -> IpPermission {
    IpPermission::builder()
        .ip_protocol("-1")
        .ip_ranges(IpRange::builder().cidr_ip(cidr).build())
        .build()
}

/// The default security group of `vpc` and its rules.
async fn default_group(ec2: &aws_sdk_ec2::Client, vpc: &str) -> aws_sdk_ec2::types::SecurityGroup {
    ec2.describe_security_groups()
        .filters(
            aws_sdk_ec2::types::Filter::builder()
                .name("vpc-id")
                .values(vpc)
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
        .expect("default group")
        .security_groups
        .unwrap_or_default()
        .into_iter()
        .next()
        .expect("a default group")
}

async fn route_table_of(ec2: &aws_sdk_ec2::Client, vpc: &str) -> String {
    ec2.describe_route_tables()
        .filters(
            aws_sdk_ec2::types::Filter::builder()
                .name("vpc-id")
                .values(vpc)
                .build(),
        )
        .send()
        .await
        .expect("route tables")
        .route_tables
        .unwrap_or_default()
        .into_iter()
        .next()
        .and_then(|t| t.route_table_id)
        .expect("main route table")
}

async fn default_acl_of(ec2: &aws_sdk_ec2::Client, vpc: &str) -> String {
    ec2.describe_network_acls()
        .filters(
            aws_sdk_ec2::types::Filter::builder()
                .name("vpc-id")
                .values(vpc)
                .build(),
        )
        .send()
        .await
        .expect("acls")
        .network_acls
        .unwrap_or_default()
        .into_iter()
        .find(|acl| acl.is_default == Some(true))
        .and_then(|acl| acl.network_acl_id)
        .expect("default acl")
}

async fn image(ec2: &aws_sdk_ec2::Client) -> String {
    ec2.describe_images()
        .owners("amazon")
        .send()
        .await
        .expect("images")
        .images
        .unwrap_or_default()
        .into_iter()
        .find_map(|i| i.image_id)
        .expect("an image")
}

#[tokio::test]
async fn every_network_instance_and_ebs_control_passes_and_fails() {
    let account = account().await;
    let ec2 = ec2(&account);

    // A VPC closed to the internet, with flow logs and an emptied default group.
    let good = vpc(&ec2, "10.10.0.0/16").await;
    let good_subnet = subnet(&ec2, &good, "10.10.1.0/24").await;
    let good_table = route_table_of(&ec2, &good).await;
    let logs = account.bucket("flow-logs");
    account
        .s3()
        .create_bucket()
        .bucket(&logs)
        .send()
        .await
        .expect("log bucket");
    ec2.create_flow_logs()
        .resource_type(FlowLogsResourceType::Vpc)
        .resource_ids(&good)
        .traffic_type(TrafficType::All)
        .log_destination_type(LogDestinationType::S3)
        .log_destination(format!("arn:aws:s3:::{logs}"))
        .send()
        .await
        .expect("flow log");
    let default = default_group(&ec2, &good).await;
    let good_default = default.group_id.clone().expect("id");
    ec2.revoke_security_group_ingress()
        .group_id(&good_default)
        .set_ip_permissions(default.ip_permissions.clone())
        .send()
        .await
        .expect("revoke default ingress");
    ec2.revoke_security_group_egress()
        .group_id(&good_default)
        .set_ip_permissions(default.ip_permissions_egress.clone())
        .send()
        .await
        .expect("revoke default egress");
    let good_acl = ec2
        .create_network_acl()
        .vpc_id(&good)
        .send()
        .await
        .expect("acl")
        .network_acl
        .and_then(|a| a.network_acl_id)
        .expect("acl id");

    // A VPC open to the internet: public subnet, default route to an attached gateway, no
    // flow log, default group untouched, default ACL allowing everything.
    let bad = vpc(&ec2, "10.20.0.0/16").await;
    let bad_subnet = subnet(&ec2, &bad, "10.20.1.0/24").await;
    ec2.modify_subnet_attribute()
        .subnet_id(&bad_subnet)
        .map_public_ip_on_launch(AttributeBooleanValue::builder().value(true).build())
        .send()
        .await
        .expect("public subnet");
    let gateway = ec2
        .create_internet_gateway()
        .send()
        .await
        .expect("igw")
        .internet_gateway
        .and_then(|g| g.internet_gateway_id)
        .expect("igw id");
    ec2.attach_internet_gateway()
        .internet_gateway_id(&gateway)
        .vpc_id(&bad)
        .send()
        .await
        .expect("attach igw");
    let bad_table = route_table_of(&ec2, &bad).await;
    ec2.create_route()
        .route_table_id(&bad_table)
        .destination_cidr_block("0.0.0.0/0")
        .gateway_id(&gateway)
        .send()
        .await
        .expect("default route");
    let bad_default = default_group(&ec2, &bad).await.group_id.expect("id");
    let bad_acl = default_acl_of(&ec2, &bad).await;

    // Security groups: HTTPS inside the VPC only, and one open to the world.
    let tight = group(&ec2, &good, "tight").await;
    ec2.authorize_security_group_ingress()
        .group_id(&tight)
        .ip_permissions(tcp(443, "10.10.0.0/16"))
        .send()
        .await
        .expect("tight ingress");
    ec2.revoke_security_group_egress()
        .group_id(&tight)
        .ip_permissions(all_traffic("0.0.0.0/0"))
        .send()
        .await
        .expect("revoke all egress");
    ec2.authorize_security_group_egress()
        .group_id(&tight)
        .ip_permissions(tcp(443, "0.0.0.0/0"))
        .send()
        .await
        .expect("tight egress");
    let open = group(&ec2, &bad, "open").await;
    ec2.authorize_security_group_ingress()
        .group_id(&open)
        .ip_permissions(tcp(22, "0.0.0.0/0"))
        .ip_permissions(tcp(3389, "0.0.0.0/0"))
        .ip_permissions(all_traffic("10.20.0.0/16"))
        .send()
        .await
        .expect("open ingress");

    // Instances: a locked-down one and a loose one.
    let ami = image(&ec2).await;
    let iam = iam(&account);
    iam.create_role()
        .role_name("ec2-app")
        .assume_role_policy_document(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
        )
        .send()
        .await
        .expect("role");
    let profile = iam
        .create_instance_profile()
        .instance_profile_name("ec2-app")
        .send()
        .await
        .expect("profile")
        .instance_profile
        .expect("profile")
        .arn;
    iam.add_role_to_instance_profile()
        .instance_profile_name("ec2-app")
        .role_name("ec2-app")
        .send()
        .await
        .expect("profile role");
    let launched = ec2
        .run_instances()
        .image_id(&ami)
        .instance_type(InstanceType::M3Xlarge)
        .min_count(1)
        .max_count(1)
        .subnet_id(&good_subnet)
        .ebs_optimized(true)
        .monitoring(
            aws_sdk_ec2::types::RunInstancesMonitoringEnabled::builder()
                .enabled(true)
                .build(),
        )
        .metadata_options(
            InstanceMetadataOptionsRequest::builder()
                .http_tokens(HttpTokensState::Required)
                .build(),
        )
        .iam_instance_profile(
            IamInstanceProfileSpecification::builder()
                .arn(profile)
                .build(),
        )
        .send()
        .await
        .expect("good instance");
    let good_instance = launched.instances()[0]
        .instance_id()
        .expect("id")
        .to_string();
    let launched = ec2
        .run_instances()
        .image_id(&ami)
        .instance_type(InstanceType::M3Xlarge)
        .min_count(1)
        .max_count(1)
        .subnet_id(&bad_subnet)
        .send()
        .await
        .expect("loose instance");
    let bad_instance = launched.instances()[0]
        .instance_id()
        .expect("id")
        .to_string();

    // EBS: an encrypted and a plain volume, a private and a public snapshot.
    let volume = |encrypted: bool| {
        let ec2 = ec2.clone();
        async move {
            ec2.create_volume()
                .availability_zone("us-east-1a")
                .size(8)
                .encrypted(encrypted)
                .send()
                .await
                .expect("volume")
                .volume_id
                .expect("volume id")
        }
    };
    let sealed = volume(true).await;
    let plain = volume(false).await;
    let snapshot = |volume: String| {
        let ec2 = ec2.clone();
        async move {
            ec2.create_snapshot()
                .volume_id(volume)
                .send()
                .await
                .expect("snapshot")
                .snapshot_id
                .expect("snapshot id")
        }
    };
    let private_snapshot = snapshot(sealed.clone()).await;
    let public_snapshot = snapshot(plain.clone()).await;
    // moto reads only the flat OperationType / GroupNames form (AWS accepts both).
    ec2.modify_snapshot_attribute()
        .snapshot_id(&public_snapshot)
        .attribute(aws_sdk_ec2::types::SnapshotAttributeName::CreateVolumePermission)
        .operation_type(aws_sdk_ec2::types::OperationType::Add)
        .group_names("all")
        .send()
        .await
        .expect("public snapshot");
    // Just inside: shared with one named account only, and public once but no longer.
    let shared_snapshot = snapshot(sealed.clone()).await;
    ec2.modify_snapshot_attribute()
        .snapshot_id(&shared_snapshot)
        .attribute(aws_sdk_ec2::types::SnapshotAttributeName::CreateVolumePermission)
        .operation_type(aws_sdk_ec2::types::OperationType::Add)
        .user_ids("111122223333")
        .send()
        .await
        .expect("shared snapshot");
    let unshared_snapshot = snapshot(sealed.clone()).await;
    for operation in [
        aws_sdk_ec2::types::OperationType::Add,
        aws_sdk_ec2::types::OperationType::Remove,
    ] {
        ec2.modify_snapshot_attribute()
            .snapshot_id(&unshared_snapshot)
            .attribute(aws_sdk_ec2::types::SnapshotAttributeName::CreateVolumePermission)
            .operation_type(operation)
            .group_names("all")
            .send()
            .await
            .expect("public, then private again");
    }
    // Encryption by default with a customer key here; us-west-2 is left as AWS ships it.
    let key = account
        .kms()
        .create_key()
        .send()
        .await
        .expect("key")
        .key_metadata
        .expect("metadata")
        .arn
        .expect("key arn");
    ec2.enable_ebs_encryption_by_default()
        .send()
        .await
        .expect("ebs default");
    ec2.modify_ebs_default_kms_key_id()
        .kms_key_id(&key)
        .send()
        .await
        .expect("ebs key");

    let report = audit(
        &account.env,
        &["us-east-1", "us-west-2"],
        &[Service::Ec2, Service::Ebs],
    )
    .await;
    let a = |kind: &str, id: &str| arn(&account, kind, id);
    use ControlId as C;
    use Status::{Fail, Pass};

    expect_finding(&report, C::VpcFlowLogsEnabled, &a("vpc", &good), Pass);
    expect_finding(&report, C::VpcFlowLogsEnabled, &a("vpc", &bad), Fail);
    expect_finding(
        &report,
        C::InternetGatewayAuthorizedVpcOnly,
        &a("vpc", &good),
        Pass,
    );
    expect_finding(
        &report,
        C::InternetGatewayAuthorizedVpcOnly,
        &a("vpc", &bad),
        Fail,
    );
    expect_finding(
        &report,
        C::SubnetAutoAssignPublicIpDisabled,
        &a("subnet", &good_subnet),
        Pass,
    );
    expect_finding(
        &report,
        C::SubnetAutoAssignPublicIpDisabled,
        &a("subnet", &bad_subnet),
        Fail,
    );
    expect_finding(
        &report,
        C::NoUnrestrictedRouteToIgw,
        &a("route-table", &good_table),
        Pass,
    );
    expect_finding(
        &report,
        C::NoUnrestrictedRouteToIgw,
        &a("route-table", &bad_table),
        Fail,
    );
    expect_finding(
        &report,
        C::NaclNoUnrestrictedIngress,
        &a("network-acl", &good_acl),
        Pass,
    );
    expect_finding(
        &report,
        C::NaclNoUnrestrictedIngress,
        &a("network-acl", &bad_acl),
        Fail,
    );
    expect_finding(
        &report,
        C::VpcDefaultSecurityGroupClosed,
        &a("security-group", &good_default),
        Pass,
    );
    expect_finding(
        &report,
        C::VpcDefaultSecurityGroupClosed,
        &a("security-group", &bad_default),
        Fail,
    );
    for control in [
        C::IncomingSshDisabled,
        C::RestrictedIncomingTraffic,
        C::VpcSgOpenOnlyToAuthorizedPorts,
        C::SgAdminAndDatabasePortsInternal,
        C::SgNoAllPortsRules,
    ] {
        expect_finding(&report, control, &a("security-group", &tight), Pass);
        expect_finding(&report, control, &a("security-group", &open), Fail);
    }
    for control in [
        C::Ec2InstanceNoPublicIp,
        C::Ec2Imdsv2Check,
        C::Ec2InstanceProfileAttached,
        C::Ec2InstanceDetailedMonitoringEnabled,
        C::EbsOptimizedInstance,
    ] {
        expect_finding(&report, control, &a("instance", &good_instance), Pass);
        expect_finding(&report, control, &a("instance", &bad_instance), Fail);
    }
    // Only passes: the endpoint launches every instance in a VPC and cannot backdate a stop.
    expect_finding(
        &report,
        C::InstancesInVpc,
        &a("instance", &bad_instance),
        Pass,
    );
    expect_finding(
        &report,
        C::Ec2StoppedInstance,
        &a("instance", &bad_instance),
        Pass,
    );

    expect_finding(&report, C::EncryptedVolumes, &a("volume", &sealed), Pass);
    expect_finding(&report, C::EncryptedVolumes, &a("volume", &plain), Fail);
    let snapshot_arn = |id: &str| format!("arn:aws:ec2:us-east-1::snapshot/{id}");
    expect_finding(
        &report,
        C::EbsSnapshotPublicRestorableCheck,
        &snapshot_arn(&private_snapshot),
        Pass,
    );
    expect_finding(
        &report,
        C::EbsSnapshotPublicRestorableCheck,
        &snapshot_arn(&public_snapshot),
        Fail,
    );
    for inside in [&shared_snapshot, &unshared_snapshot] {
        expect_finding(
            &report,
            C::EbsSnapshotPublicRestorableCheck,
            &snapshot_arn(inside),
            Pass,
        );
    }
    // Only the account's own snapshots are judged (not those of the endpoint's built-in images).
    let judged_snapshots = report
        .findings()
        .filter(|f| f.control == C::EbsSnapshotPublicRestorableCheck && f.region == "us-east-1")
        .count();
    assert_eq!(judged_snapshots, 4, "snapshots judged in us-east-1");
    let default_arn = |region: &str| {
        format!(
            "arn:aws:ec2:{region}:{}:ebs-encryption-by-default",
            account.env.account_id()
        )
    };
    for control in [
        C::Ec2EbsEncryptionByDefault,
        C::EbsDefaultKeyCustomerManaged,
    ] {
        expect_finding(&report, control, &default_arn("us-east-1"), Pass);
        expect_finding(&report, control, &default_arn("us-west-2"), Fail);
    }
    // Every finding names its controls' rule ids and citations.
    let finding = report
        .finding(C::IncomingSshDisabled, &a("security-group", &open))
        .expect("finding");
    assert_eq!(
        finding.cdk_nag_rule.as_deref(),
        Some("HIPAA.Security-EC2RestrictedSSH")
    );
    assert_eq!(
        finding.config_rule.as_deref(),
        Some("INCOMING_SSH_DISABLED")
    );
    assert!(!finding.citations.is_empty() && !finding.remediation.is_empty());
}

const TRUST_EC2: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
const NARROW: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::phi-bucket/*"}]}"#;
const WIDE: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"},{"Effect":"Allow","Action":"aws-marketplace:Subscribe","Resource":"*"}]}"#;

#[tokio::test]
async fn every_iam_control_passes_and_fails() {
    let account = account().await;
    let iam = iam(&account);
    let id = account.env.account_id().to_string();
    let iam_arn = |resource: &str| format!("arn:aws:iam::{id}:{resource}");

    let policy = |name: &'static str, document: &'static str| {
        let iam = iam.clone();
        async move {
            iam.create_policy()
                .policy_name(name)
                .policy_document(document)
                .send()
                .await
                .expect("policy")
                .policy
                .and_then(|p| p.arn)
                .expect("policy arn")
        }
    };
    let narrow = policy("narrow", NARROW).await;
    let wide = policy("wide", WIDE).await;

    for name in ["tidy-role", "messy-role"] {
        iam.create_role()
            .role_name(name)
            .assume_role_policy_document(TRUST_EC2)
            .send()
            .await
            .expect("role");
    }
    iam.attach_role_policy()
        .role_name("tidy-role")
        .policy_arn(&narrow)
        .send()
        .await
        .expect("attach");
    iam.put_role_policy()
        .role_name("messy-role")
        .policy_name("inline-wide")
        .policy_document(WIDE)
        .send()
        .await
        .expect("inline");

    for name in ["tidy-user", "loose-user"] {
        iam.create_user()
            .user_name(name)
            .send()
            .await
            .expect("user");
        iam.create_login_profile()
            .user_name(name)
            .password("Correct-Horse-Battery-9")
            .send()
            .await
            .expect("login profile");
    }
    iam.create_access_key()
        .user_name("tidy-user")
        .send()
        .await
        .expect("key");
    let device = iam
        .create_virtual_mfa_device()
        .virtual_mfa_device_name("tidy-user")
        .send()
        .await
        .expect("mfa device")
        .virtual_mfa_device
        .expect("device")
        .serial_number;
    iam.enable_mfa_device()
        .user_name("tidy-user")
        .serial_number(device)
        .authentication_code1("123456")
        .authentication_code2("654321")
        .send()
        .await
        .expect("enable mfa");
    for name in ["staff", "empty"] {
        iam.create_group()
            .group_name(name)
            .send()
            .await
            .expect("group");
    }
    iam.add_user_to_group()
        .group_name("staff")
        .user_name("tidy-user")
        .send()
        .await
        .expect("membership");
    iam.attach_group_policy()
        .group_name("staff")
        .policy_arn(&narrow)
        .send()
        .await
        .expect("group policy");
    iam.put_group_policy()
        .group_name("empty")
        .policy_name("inline")
        .policy_document(NARROW)
        .send()
        .await
        .expect("group inline");
    iam.attach_user_policy()
        .user_name("loose-user")
        .policy_arn(&narrow)
        .send()
        .await
        .expect("user policy");
    iam.put_user_policy()
        .user_name("loose-user")
        .policy_name("inline")
        .policy_document(NARROW)
        .send()
        .await
        .expect("user inline");

    let report = audit(&account.env, &["us-east-1"], &[Service::Iam]).await;
    use ControlId as C;
    use Status::{Fail, Pass};
    let (tidy_role, messy_role) = (iam_arn("role/tidy-role"), iam_arn("role/messy-role"));
    expect_finding(&report, C::IamNoInlinePolicyCheck, &tidy_role, Pass);
    expect_finding(&report, C::IamNoInlinePolicyCheck, &messy_role, Fail);
    expect_finding(
        &report,
        C::IamInlinePolicyBlockedKmsActions,
        &tidy_role,
        Pass,
    );
    expect_finding(
        &report,
        C::IamInlinePolicyBlockedKmsActions,
        &messy_role,
        Fail,
    );
    // The inline policy's `aws-marketplace:Subscribe` on `*` is judged as a managed one's is
    // (it passed before: only four controls judged inline policies).
    for control in [
        C::IamPolicyNoStatementsWithAdminAccess,
        C::IamPolicyNoStatementsWithFullAccess,
        C::IamNoWildcardMarketplaceSubscribe,
    ] {
        expect_finding(&report, control, &tidy_role, Pass);
        expect_finding(&report, control, &messy_role, Fail);
        expect_finding(&report, control, &narrow, Pass);
        expect_finding(&report, control, &wide, Fail);
    }
    expect_finding(
        &report,
        C::IamCustomerPolicyBlockedKmsActions,
        &narrow,
        Pass,
    );
    expect_finding(&report, C::IamCustomerPolicyBlockedKmsActions, &wide, Fail);
    let (tidy, loose) = (iam_arn("user/tidy-user"), iam_arn("user/loose-user"));
    for control in [
        C::IamUserNoPoliciesCheck,
        C::IamUserGroupMembershipCheck,
        C::IamUserMfaEnabled,
        C::MfaEnabledForIamConsoleAccess,
        C::IamNoInlinePolicyCheck,
    ] {
        expect_finding(&report, control, &tidy, Pass);
        expect_finding(&report, control, &loose, Fail);
    }
    // Fresh keys and passwords: the endpoint cannot age a credential, so only passes.
    expect_finding(&report, C::AccessKeysRotated, &tidy, Pass);
    expect_finding(&report, C::IamUserUnusedCredentialsCheck, &tidy, Pass);
    let (staff, empty) = (iam_arn("group/staff"), iam_arn("group/empty"));
    expect_finding(&report, C::IamGroupHasUsersCheck, &staff, Pass);
    expect_finding(&report, C::IamGroupHasUsersCheck, &empty, Fail);
    expect_finding(&report, C::IamNoInlinePolicyCheck, &staff, Pass);
    expect_finding(&report, C::IamNoInlinePolicyCheck, &empty, Fail);
    // The endpoint's root user has no keys and no MFA, and neither can change.
    let root = iam_arn("root");
    expect_finding(&report, C::IamRootAccessKeyCheck, &root, Pass);
    expect_finding(&report, C::RootAccountMfaEnabled, &root, Fail);
    expect_finding(&report, C::RootAccountHardwareMfaEnabled, &root, Fail);
    assert!(report
        .findings()
        .filter(|f| f.resource_arn.starts_with("arn:aws:iam::"))
        .all(|f| f.region == "global"));

    // The password policy: none, then one that meets the pack's parameters.
    let policy_arn = iam_arn("account-password-policy");
    expect_finding(&report, C::IamPasswordPolicy, &policy_arn, Fail);
    iam.update_account_password_policy()
        .minimum_password_length(14)
        .require_symbols(true)
        .require_numbers(true)
        .require_uppercase_characters(true)
        .require_lowercase_characters(true)
        .max_password_age(90)
        .password_reuse_prevention(24)
        .send()
        .await
        .expect("password policy");
    let report = audit(&account.env, &["us-east-1"], &[Service::Iam]).await;
    expect_finding(&report, C::IamPasswordPolicy, &policy_arn, Pass);
}

/// An environment whose calls go through a proxy that denies requests containing `text`.
async fn denied_env(
    account: &TestAccount,
    text: &'static str,
) -> (Environment, hipaa_aws::local::fault_proxy::FaultProxy) {
    let proxy = hipaa_aws::local::fault_proxy::FaultProxy::start(
        &crate::support::endpoint().await.url(),
        hipaa_aws::local::fault_proxy::FaultPlan::deny(text),
    )
    .expect("fault proxy");
    let config = account
        .sdk_config
        .clone()
        .into_builder()
        .endpoint_url(proxy.url())
        .build();
    let env = Environment::audit_builder()
        .sdk_config(config)
        .build()
        .await
        .expect("environment");
    (env, proxy)
}

#[tokio::test]
async fn a_denied_call_is_an_error_finding_never_a_pass() {
    let account = account().await;
    let id = account.env.account_id().to_string();
    let (env, _proxy) = denied_env(&account, "Action=DescribeSecurityGroups").await;
    let report = audit(&env, &["us-east-1"], &[Service::Ec2]).await;
    let groups = format!("arn:aws:ec2:us-east-1:{id}:security-group/*");
    expect_finding(
        &report,
        ControlId::IncomingSshDisabled,
        &groups,
        Status::Error,
    );
    // The VPCs cannot be read whole without their groups: error findings, no pass.
    let default_groups: Vec<_> = report
        .findings()
        .filter(|f| f.control == ControlId::VpcDefaultSecurityGroupClosed)
        .collect();
    assert!(!default_groups.is_empty());
    assert!(default_groups.iter().all(|f| f.status == Status::Error));

    // The public-snapshot listing denied: every snapshot is unjudged, none passes.
    let ec2 = ec2(&account);
    let volume = ec2
        .create_volume()
        .availability_zone("us-east-1a")
        .size(8)
        .encrypted(true)
        .send()
        .await
        .expect("volume")
        .volume_id
        .expect("volume id");
    ec2.create_snapshot()
        .volume_id(volume)
        .send()
        .await
        .expect("snapshot");
    let (env, _proxy) = denied_env(&account, "RestorableBy").await;
    let report = audit(&env, &["us-east-1"], &[Service::Ebs]).await;
    expect_finding(
        &report,
        ControlId::EbsSnapshotPublicRestorableCheck,
        &format!("arn:aws:ec2:us-east-1:{id}:snapshot/*"),
        Status::Error,
    );
    assert!(report
        .findings()
        .filter(|f| f.control == ControlId::EbsSnapshotPublicRestorableCheck)
        .all(|f| f.status == Status::Error));

    let (env, _proxy) = denied_env(&account, "Action=ListUsers").await;
    let report = audit(&env, &["us-east-1"], &[Service::Iam]).await;
    let users = format!("arn:aws:iam::{id}:user/*");
    expect_finding(&report, ControlId::IamUserMfaEnabled, &users, Status::Error);
    let (env, _proxy) = denied_env(&account, "Action=GenerateCredentialReport").await;
    let report = audit(&env, &["us-east-1"], &[Service::Iam]).await;
    let root = format!("arn:aws:iam::{id}:root");
    expect_finding(
        &report,
        ControlId::IamRootAccessKeyCheck,
        &root,
        Status::Error,
    );
}
