//! EC2 live cases: VPCs, subnets, route tables, network ACLs, security groups (split ranges,
//! public /32s, carrier-grade NAT, customer prefix lists), flow logs, the EBS encryption
//! default and snapshot permissions, made by direct SDK calls and judged by one audit; and a
//! library VPC whose group, subnet, flow log and EBS default are changed behind its back,
//! judged by one verify.
//!
//! What the local endpoint cannot represent: the AWS-managed `aws/ebs` key as the EBS default
//! (moto reports no default key id of its own, so "on, but with the AWS key" is judged by the
//! pure cases only); moto accepts any prefix-list id in a rule without resolving it, so the
//! unknown-list case is pure as well.

use aws_sdk_ec2::types::{
    AddPrefixListEntry, AttributeBooleanValue, Filter, FlowLogsResourceType, IpPermission, IpRange,
    LogDestinationType, OperationType, PrefixListId, RuleAction, SnapshotAttributeName,
    TrafficType,
};
use hipaa_aws::controls::Service;
use hipaa_aws::prelude::*;
use hipaa_aws::{Check, ControlId as C, Status, VerifyReport};

use super::{audit, found, Case, Path};
use crate::support::{account, TestAccount, REGION};

const F: &str = "ec2";

fn filter(name: &str, value: &str) -> Filter {
    Filter::builder().name(name).values(value).build()
}

fn arn(account: &TestAccount, kind: &str, id: &str) -> String {
    format!(
        "arn:aws:ec2:{REGION}:{}:{kind}/{id}",
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

fn tcp(port: i32, cidrs: &[&str]) -> IpPermission {
    let mut permission = IpPermission::builder()
        .ip_protocol("tcp")
        .from_port(port)
        .to_port(port);
    for cidr in cidrs {
        permission = permission.ip_ranges(IpRange::builder().cidr_ip(*cidr).build());
    }
    permission.build()
}

fn tcp_from_list(port: i32, list: &str) -> IpPermission {
    IpPermission::builder()
        .ip_protocol("tcp")
        .from_port(port)
        .to_port(port)
        .prefix_list_ids(PrefixListId::builder().prefix_list_id(list).build())
        .build()
}

fn all_traffic(cidr: &str) -> IpPermission {
    IpPermission::builder()
        .ip_protocol("-1")
        .ip_ranges(IpRange::builder().cidr_ip(cidr).build())
        .build()
}

/// A group with these ingress rules and no egress rule (egress is judged in the audit too).
async fn group(
    ec2: &aws_sdk_ec2::Client,
    vpc: &str,
    name: &str,
    ingress: Vec<IpPermission>,
) -> String {
    let id = ec2
        .create_security_group()
        .vpc_id(vpc)
        .group_name(name)
        .description(name)
        .send()
        .await
        .expect("security group")
        .group_id
        .expect("group id");
    ec2.revoke_security_group_egress()
        .group_id(&id)
        .ip_permissions(all_traffic("0.0.0.0/0"))
        .send()
        .await
        .expect("revoke the default egress");
    if !ingress.is_empty() {
        ec2.authorize_security_group_ingress()
            .group_id(&id)
            .set_ip_permissions(Some(ingress))
            .send()
            .await
            .expect("ingress");
    }
    id
}

async fn prefix_list(ec2: &aws_sdk_ec2::Client, name: &str, cidrs: &[&str]) -> String {
    let mut request = ec2
        .create_managed_prefix_list()
        .prefix_list_name(name)
        .address_family("IPv4")
        .max_entries(10);
    for cidr in cidrs {
        request = request.entries(AddPrefixListEntry::builder().cidr(*cidr).build());
    }
    request
        .send()
        .await
        .expect("prefix list")
        .prefix_list
        .and_then(|list| list.prefix_list_id)
        .expect("prefix list id")
}

async fn acl(ec2: &aws_sdk_ec2::Client, vpc: &str, entries: &[(i32, RuleAction, &str)]) -> String {
    let id = ec2
        .create_network_acl()
        .vpc_id(vpc)
        .send()
        .await
        .expect("acl")
        .network_acl
        .and_then(|a| a.network_acl_id)
        .expect("acl id");
    for (number, action, cidr) in entries {
        ec2.create_network_acl_entry()
            .network_acl_id(&id)
            .rule_number(*number)
            .protocol("-1")
            .rule_action(action.clone())
            .egress(false)
            .cidr_block(*cidr)
            .send()
            .await
            .expect("acl entry");
    }
    id
}

async fn route_table(ec2: &aws_sdk_ec2::Client, vpc: &str, igw: &str, to: &[&str]) -> String {
    let table = ec2
        .create_route_table()
        .vpc_id(vpc)
        .send()
        .await
        .expect("route table")
        .route_table
        .and_then(|t| t.route_table_id)
        .expect("route table id");
    for destination in to {
        ec2.create_route()
            .route_table_id(&table)
            .destination_cidr_block(*destination)
            .gateway_id(igw)
            .send()
            .await
            .expect("route");
    }
    table
}

async fn default_group(ec2: &aws_sdk_ec2::Client, vpc: &str) -> aws_sdk_ec2::types::SecurityGroup {
    ec2.describe_security_groups()
        .filters(filter("vpc-id", vpc))
        .filters(filter("group-name", "default"))
        .send()
        .await
        .expect("default group")
        .security_groups
        .unwrap_or_default()
        .into_iter()
        .next()
        .expect("a default group")
}

async fn snapshot(ec2: &aws_sdk_ec2::Client) -> String {
    let volume = ec2
        .create_volume()
        .availability_zone(format!("{REGION}a"))
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
        .expect("snapshot")
        .snapshot_id
        .expect("snapshot id")
}

/// The resources the audit judges, by id.
struct Made {
    closed_vpc: String,
    open_vpc: String,
    closed_subnet: String,
    open_subnet: String,
    closed_default: String,
    open_default: String,
    halves: String,
    one_half: String,
    internal_ssh: String,
    public_postgres: String,
    cgnat_rdp: String,
    private_172: String,
    outside_172: String,
    listed_public: String,
    listed_private: String,
    all_ports: String,
    allow_halves: String,
    split_deny: String,
    allow_all: String,
    split_route: String,
    local_only: String,
    private_snapshot: String,
    shared_snapshot: String,
    public_snapshot: String,
}

/// Every audit resource of the family, made by hand in `account`.
async fn make(account: &TestAccount) -> Made {
    let ec2 = aws_sdk_ec2::Client::new(&account.sdk_config);
    // A closed VPC: flow log to a bucket, default group emptied.
    let closed_vpc = vpc(&ec2, "10.70.0.0/16").await;
    let closed_subnet = subnet(&ec2, &closed_vpc, "10.70.1.0/24").await;
    let flow_bucket = account.bucket("conf-ec2-flow");
    account
        .s3()
        .create_bucket()
        .bucket(&flow_bucket)
        .send()
        .await
        .expect("flow bucket");
    ec2.create_flow_logs()
        .resource_type(FlowLogsResourceType::Vpc)
        .resource_ids(&closed_vpc)
        .traffic_type(TrafficType::All)
        .log_destination_type(LogDestinationType::S3)
        .log_destination(format!("arn:aws:s3:::{flow_bucket}"))
        .send()
        .await
        .expect("flow log");
    let default = default_group(&ec2, &closed_vpc).await;
    let closed_default = default.group_id.clone().expect("id");
    ec2.revoke_security_group_ingress()
        .group_id(&closed_default)
        .set_ip_permissions(default.ip_permissions.clone())
        .send()
        .await
        .expect("revoke default ingress");
    ec2.revoke_security_group_egress()
        .group_id(&closed_default)
        .set_ip_permissions(default.ip_permissions_egress.clone())
        .send()
        .await
        .expect("revoke default egress");

    // An open VPC: public subnet, an attached gateway, no flow log, default group untouched.
    let open_vpc = vpc(&ec2, "10.71.0.0/16").await;
    let open_subnet = subnet(&ec2, &open_vpc, "10.71.1.0/24").await;
    ec2.modify_subnet_attribute()
        .subnet_id(&open_subnet)
        .map_public_ip_on_launch(AttributeBooleanValue::builder().value(true).build())
        .send()
        .await
        .expect("public subnet");
    let igw = ec2
        .create_internet_gateway()
        .send()
        .await
        .expect("igw")
        .internet_gateway
        .and_then(|g| g.internet_gateway_id)
        .expect("igw id");
    ec2.attach_internet_gateway()
        .internet_gateway_id(&igw)
        .vpc_id(&open_vpc)
        .send()
        .await
        .expect("attach igw");
    let open_default = default_group(&ec2, &open_vpc).await.group_id.expect("id");

    // Security groups of the closed VPC, at the address boundaries.
    let public_list = prefix_list(&ec2, "conf-partners", &["10.70.1.0/24", "203.0.113.7/32"]).await;
    let private_list = prefix_list(&ec2, "conf-offices", &["10.70.2.0/24"]).await;
    let v = &closed_vpc;
    let halves = group(
        &ec2,
        v,
        "halves",
        vec![tcp(22, &["0.0.0.0/1", "128.0.0.0/1"])],
    )
    .await;
    let one_half = group(&ec2, v, "one-half", vec![tcp(22, &["128.0.0.0/1"])]).await;
    let internal_ssh = group(&ec2, v, "internal-ssh", vec![tcp(22, &["10.70.0.0/16"])]).await;
    let public_postgres = group(&ec2, v, "pg-public", vec![tcp(5432, &["1.2.3.4/32"])]).await;
    let cgnat_rdp = group(&ec2, v, "cgnat", vec![tcp(3389, &["100.64.0.0/10"])]).await;
    let private_172 = group(&ec2, v, "rdp-172-31", vec![tcp(3389, &["172.31.0.0/16"])]).await;
    let outside_172 = group(&ec2, v, "rdp-172-32", vec![tcp(3389, &["172.32.0.0/16"])]).await;
    let listed_public = group(&ec2, v, "pl-public", vec![tcp_from_list(22, &public_list)]).await;
    let listed_private = group(
        &ec2,
        v,
        "pl-private",
        vec![tcp_from_list(22, &private_list)],
    )
    .await;
    let all_ports = group(&ec2, v, "all-ports", vec![all_traffic("10.70.0.0/16")]).await;

    // ACLs and route tables of the open VPC.
    let allow_halves = acl(
        &ec2,
        &open_vpc,
        &[
            (100, RuleAction::Allow, "0.0.0.0/1"),
            (110, RuleAction::Allow, "128.0.0.0/1"),
        ],
    )
    .await;
    let split_deny = acl(
        &ec2,
        &open_vpc,
        &[
            (10, RuleAction::Deny, "0.0.0.0/1"),
            (20, RuleAction::Deny, "128.0.0.0/1"),
            (100, RuleAction::Allow, "0.0.0.0/0"),
        ],
    )
    .await;
    let allow_all = acl(&ec2, &open_vpc, &[(100, RuleAction::Allow, "0.0.0.0/0")]).await;
    let split_route = route_table(&ec2, &open_vpc, &igw, &["0.0.0.0/1", "128.0.0.0/1"]).await;
    let local_only = route_table(&ec2, &open_vpc, &igw, &[]).await;

    // Snapshots: private, shared with one account, public.
    let private_snapshot = snapshot(&ec2).await;
    let shared_snapshot = snapshot(&ec2).await;
    let public_snapshot = snapshot(&ec2).await;
    // moto reads only the flat OperationType / UserIds / GroupNames form (AWS accepts both).
    ec2.modify_snapshot_attribute()
        .snapshot_id(&shared_snapshot)
        .attribute(SnapshotAttributeName::CreateVolumePermission)
        .operation_type(OperationType::Add)
        .user_ids("111122223333")
        .send()
        .await
        .expect("shared snapshot");
    ec2.modify_snapshot_attribute()
        .snapshot_id(&public_snapshot)
        .attribute(SnapshotAttributeName::CreateVolumePermission)
        .operation_type(OperationType::Add)
        .group_names("all")
        .send()
        .await
        .expect("public snapshot");
    Made {
        closed_vpc,
        open_vpc,
        closed_subnet,
        open_subnet,
        closed_default,
        open_default,
        halves,
        one_half,
        internal_ssh,
        public_postgres,
        cgnat_rdp,
        private_172,
        outside_172,
        listed_public,
        listed_private,
        all_ports,
        allow_halves,
        split_deny,
        allow_all,
        split_route,
        local_only,
        private_snapshot,
        shared_snapshot,
        public_snapshot,
    }
}

/// Turns EBS encryption by default on with a customer key, by hand.
async fn ebs_default_on(account: &TestAccount) {
    let ec2 = aws_sdk_ec2::Client::new(&account.sdk_config);
    let key = account
        .kms()
        .create_key()
        .send()
        .await
        .expect("key")
        .key_metadata
        .and_then(|m| m.arn)
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
}

/// Every check of a verify report (the controls below are each emitted by one resource of
/// the family's stack).
fn all_checks(report: &VerifyReport) -> Vec<Check> {
    report.checks().map(|(_, check)| check.clone()).collect()
}

/// The checks of one resource of the report, by logical id.
fn of_resource(report: &VerifyReport, kind: &str, name: &str) -> Vec<Check> {
    report
        .checks()
        .filter(|(resource, _)| resource.id == hipaa_aws::construct::LogicalId::new(kind, name))
        .map(|(_, check)| check.clone())
        .collect()
}

/// The library's VPC (flow logs to a log bucket, one app group with an internal rule, the
/// EBS guard), applied, then changed by hand: SSH from both halves and PostgreSQL from a
/// prefix list with a public entry on the group, public IPs on a subnet, the flow log deleted,
/// the default group opened, EBS encryption by default turned off.
async fn verify_cases(main: &TestAccount) -> (VerifyReport, VerifyReport) {
    let env = &main.env;
    let key = HipaaKey::builder()
        .alias(format!("conf-ec2-{}", main.suffix))
        .build()
        .expect("key");
    let logs = LogBucket::builder()
        .name(main.bucket("conf-ec2-logs"))
        .key(&key)
        .build()
        .expect("logs");
    let vpc = HipaaVpc::builder()
        .name("confnet")
        .cidr("10.72.0.0/16")
        .flow_logs_to(&logs)
        .build()
        .expect("vpc");
    let app = vpc.security_group("app").expect("app");
    let rules = SecurityGroupRules::builder()
        .group(&app)
        .ingress([Rule::tcp(8443, Peer::cidr("10.72.0.0/16"))])
        .build()
        .expect("rules");
    let ebs = EbsEncryptionByDefault::builder()
        .key(&key)
        .build()
        .expect("ebs guard");
    let stack = Stack::builder("conformance-ec2")
        .with(rules)
        .with(app)
        .with(vpc)
        .with(ebs)
        .with(logs)
        .with(key)
        .build()
        .expect("stack");
    stack.apply(env).await.expect("apply");
    let before = stack.verify(env).await.expect("verify");

    let ec2 = aws_sdk_ec2::Client::new(&main.sdk_config);
    let vpc_id = ec2
        .describe_vpcs()
        .filters(filter("tag:hipaa-aws:stack", "conformance-ec2"))
        .send()
        .await
        .expect("vpcs")
        .vpcs()
        .iter()
        .find_map(|v| v.vpc_id().map(str::to_string))
        .expect("the library's vpc");
    let groups = ec2
        .describe_security_groups()
        .filters(filter("vpc-id", &vpc_id))
        .send()
        .await
        .expect("groups")
        .security_groups
        .unwrap_or_default();
    let group_id = |name: &str| {
        groups
            .iter()
            .find(|g| g.group_name() == Some(name))
            .and_then(|g| g.group_id())
            .map(str::to_string)
            .unwrap_or_else(|| panic!("group {name}"))
    };
    let list = prefix_list(&ec2, "conf-vendor", &["10.72.9.0/24", "198.51.100.10/32"]).await;
    ec2.authorize_security_group_ingress()
        .group_id(group_id("app"))
        .ip_permissions(tcp(22, &["0.0.0.0/1", "128.0.0.0/1"]))
        .ip_permissions(tcp_from_list(5432, &list))
        .send()
        .await
        .expect("tampered ingress");
    ec2.authorize_security_group_ingress()
        .group_id(group_id("default"))
        .ip_permissions(tcp(443, &["10.72.0.0/16"]))
        .send()
        .await
        .expect("open the default group");
    let subnet_id = ec2
        .describe_subnets()
        .filters(filter("vpc-id", &vpc_id))
        .send()
        .await
        .expect("subnets")
        .subnets()
        .iter()
        .find_map(|s| s.subnet_id().map(str::to_string))
        .expect("a subnet");
    ec2.modify_subnet_attribute()
        .subnet_id(subnet_id)
        .map_public_ip_on_launch(AttributeBooleanValue::builder().value(true).build())
        .send()
        .await
        .expect("public ip on launch");
    let flow_logs: Vec<String> = ec2
        .describe_flow_logs()
        .filter(filter("resource-id", &vpc_id))
        .send()
        .await
        .expect("flow logs")
        .flow_logs()
        .iter()
        .filter_map(|f| f.flow_log_id().map(str::to_string))
        .collect();
    ec2.delete_flow_logs()
        .set_flow_log_ids(Some(flow_logs))
        .send()
        .await
        .expect("delete flow log");
    ec2.disable_ebs_encryption_by_default()
        .send()
        .await
        .expect("disable ebs default");
    let after = stack.verify(env).await.expect("verify");
    (before, after)
}

pub(super) async fn family() -> Vec<Case> {
    let (main, other) = tokio::join!(account(), account());
    let (made, (before, after), ()) =
        tokio::join!(make(&main), verify_cases(&main), ebs_default_on(&other));
    // The main account's EBS default is the library's guard, turned off by hand above.
    let (report, other_report) = tokio::join!(
        audit(&main.env, &[Service::Ec2, Service::Ebs]),
        audit(&other.env, &[Service::Ec2, Service::Ebs])
    );
    let m = &made;
    let a = |kind: &str, id: &str| found(&report, &arn(&main, kind, id));
    let sg = |id: &str| a("security-group", id);
    let audit_case = |name: &str, control, expected, checks: Vec<Check>| {
        Case::live(F, Path::Audit, name, control, expected, checks)
    };
    use Status::{Fail, Pass};
    let mut cases = vec![
        audit_case(
            "audit: flow log to a bucket",
            C::VpcFlowLogsEnabled,
            Pass,
            a("vpc", &m.closed_vpc),
        ),
        audit_case(
            "audit: no flow log",
            C::VpcFlowLogsEnabled,
            Fail,
            a("vpc", &m.open_vpc),
        ),
        audit_case(
            "audit: no internet gateway",
            C::InternetGatewayAuthorizedVpcOnly,
            Pass,
            a("vpc", &m.closed_vpc),
        ),
        audit_case(
            "audit: a gateway on an unlisted VPC",
            C::InternetGatewayAuthorizedVpcOnly,
            Fail,
            a("vpc", &m.open_vpc),
        ),
        audit_case(
            "audit: subnet without public IPs",
            C::SubnetAutoAssignPublicIpDisabled,
            Pass,
            a("subnet", &m.closed_subnet),
        ),
        audit_case(
            "audit: subnet handing out public IPs",
            C::SubnetAutoAssignPublicIpDisabled,
            Fail,
            a("subnet", &m.open_subnet),
        ),
        audit_case(
            "audit: default group emptied",
            C::VpcDefaultSecurityGroupClosed,
            Pass,
            sg(&m.closed_default),
        ),
        audit_case(
            "audit: default group as AWS makes it",
            C::VpcDefaultSecurityGroupClosed,
            Fail,
            sg(&m.open_default),
        ),
        audit_case(
            "audit: SSH from 0.0.0.0/1 + 128.0.0.0/1",
            C::IncomingSshDisabled,
            Fail,
            sg(&m.halves),
        )
        .edge(),
        audit_case(
            "audit: SSH from 128.0.0.0/1 alone",
            C::IncomingSshDisabled,
            Fail,
            sg(&m.one_half),
        )
        .edge(),
        audit_case(
            "audit: SSH from the VPC's own block",
            C::IncomingSshDisabled,
            Pass,
            sg(&m.internal_ssh),
        )
        .edge(),
        audit_case(
            "audit: halves on SSH are an unauthorized port",
            C::VpcSgOpenOnlyToAuthorizedPorts,
            Fail,
            sg(&m.halves),
        )
        .edge(),
        audit_case(
            "audit: halves on SSH reach an admin port",
            C::SgAdminAndDatabasePortsInternal,
            Fail,
            sg(&m.halves),
        )
        .edge(),
        audit_case(
            "audit: PostgreSQL from one public /32",
            C::SgAdminAndDatabasePortsInternal,
            Fail,
            sg(&m.public_postgres),
        )
        .edge(),
        audit_case(
            "audit: PostgreSQL from one public /32 is unauthorized",
            C::VpcSgOpenOnlyToAuthorizedPorts,
            Fail,
            sg(&m.public_postgres),
        )
        .edge(),
        audit_case(
            "audit: SSH inside the VPC reaches no admin port from outside",
            C::SgAdminAndDatabasePortsInternal,
            Pass,
            sg(&m.internal_ssh),
        )
        .edge(),
        audit_case(
            "audit: RDP from carrier-grade NAT 100.64.0.0/10",
            C::RestrictedIncomingTraffic,
            Fail,
            sg(&m.cgnat_rdp),
        )
        .edge(),
        audit_case(
            "audit: RDP from 172.31.0.0/16 (inside 172.16.0.0/12)",
            C::RestrictedIncomingTraffic,
            Pass,
            sg(&m.private_172),
        )
        .edge(),
        audit_case(
            "audit: RDP from 172.32.0.0/16 (just outside 172.16.0.0/12)",
            C::RestrictedIncomingTraffic,
            Fail,
            sg(&m.outside_172),
        )
        .edge(),
        audit_case(
            "audit: SSH from a customer prefix list with a public entry",
            C::IncomingSshDisabled,
            Fail,
            sg(&m.listed_public),
        )
        .edge(),
        audit_case(
            "audit: SSH from a customer prefix list of the VPC's blocks",
            C::IncomingSshDisabled,
            Pass,
            sg(&m.listed_private),
        )
        .edge(),
        audit_case(
            "audit: a prefix list with a public entry on an admin port",
            C::SgAdminAndDatabasePortsInternal,
            Fail,
            sg(&m.listed_public),
        )
        .edge(),
        audit_case(
            "audit: every port from the VPC",
            C::SgNoAllPortsRules,
            Fail,
            sg(&m.all_ports),
        ),
        audit_case(
            "audit: one port only",
            C::SgNoAllPortsRules,
            Pass,
            sg(&m.internal_ssh),
        ),
        audit_case(
            "audit: ACL allowing 0.0.0.0/1 and 128.0.0.0/1",
            C::NaclNoUnrestrictedIngress,
            Fail,
            a("network-acl", &m.allow_halves),
        )
        .edge(),
        audit_case(
            "audit: ACL denying both halves before allowing all",
            C::NaclNoUnrestrictedIngress,
            Pass,
            a("network-acl", &m.split_deny),
        )
        .edge(),
        audit_case(
            "audit: ACL allowing 0.0.0.0/0",
            C::NaclNoUnrestrictedIngress,
            Fail,
            a("network-acl", &m.allow_all),
        ),
        audit_case(
            "audit: routes 0.0.0.0/1 + 128.0.0.0/1 to the gateway",
            C::NoUnrestrictedRouteToIgw,
            Fail,
            a("route-table", &m.split_route),
        )
        .edge(),
        audit_case(
            "audit: local routes only",
            C::NoUnrestrictedRouteToIgw,
            Pass,
            a("route-table", &m.local_only),
        ),
    ];
    let snapshot = |id: &str| found(&report, &format!("arn:aws:ec2:{REGION}::snapshot/{id}"));
    cases.extend([
        audit_case(
            "audit: snapshot shared with nobody",
            C::EbsSnapshotPublicRestorableCheck,
            Pass,
            snapshot(&m.private_snapshot),
        ),
        audit_case(
            "audit: snapshot shared with one account",
            C::EbsSnapshotPublicRestorableCheck,
            Pass,
            snapshot(&m.shared_snapshot),
        )
        .edge(),
        audit_case(
            "audit: snapshot restorable by all",
            C::EbsSnapshotPublicRestorableCheck,
            Fail,
            snapshot(&m.public_snapshot),
        )
        .edge(),
    ]);
    let ebs_default = |account: &TestAccount, report| {
        found(
            report,
            &format!(
                "arn:aws:ec2:{REGION}:{}:ebs-encryption-by-default",
                account.env.account_id()
            ),
        )
    };
    let (on, off) = (
        ebs_default(&other, &other_report),
        ebs_default(&main, &report),
    );
    cases.extend([
        audit_case(
            "audit: EBS encryption by default on",
            C::Ec2EbsEncryptionByDefault,
            Pass,
            on.clone(),
        ),
        audit_case(
            "audit: EBS encryption by default turned off",
            C::Ec2EbsEncryptionByDefault,
            Fail,
            off.clone(),
        ),
        audit_case(
            "audit: EBS default key is a customer key",
            C::EbsDefaultKeyCustomerManaged,
            Pass,
            on,
        ),
        // Off is EC2_EBS_ENCRYPTION_BY_DEFAULT's failure; the key setting itself still names
        // the library's customer key, and that is what this control judges.
        audit_case(
            "audit: EBS default off, its key still a customer key",
            C::EbsDefaultKeyCustomerManaged,
            Pass,
            off,
        ),
    ]);

    let verify_case = |name: &str, control, expected, checks: Vec<Check>| {
        Case::live(F, Path::Verify, name, control, expected, checks)
    };
    let (group_before, group_after) = (
        of_resource(&before, "security-group/confnet", "app"),
        of_resource(&after, "security-group/confnet", "app"),
    );
    let (vpc_before, vpc_after) = (
        of_resource(&before, "vpc", "confnet"),
        of_resource(&after, "vpc", "confnet"),
    );
    let (all_before, all_after) = (all_checks(&before), all_checks(&after));
    cases.extend([
        verify_case(
            "verify: SSH closed as applied",
            C::IncomingSshDisabled,
            Pass,
            group_before.clone(),
        ),
        verify_case(
            "verify: SSH from both halves added behind the library",
            C::IncomingSshDisabled,
            Fail,
            group_after.clone(),
        )
        .edge(),
        verify_case(
            "verify: admin and database ports internal as applied",
            C::SgAdminAndDatabasePortsInternal,
            Pass,
            group_before,
        ),
        verify_case(
            "verify: PostgreSQL from a prefix list with a public entry",
            C::SgAdminAndDatabasePortsInternal,
            Fail,
            group_after,
        )
        .edge(),
        verify_case(
            "verify: no public IPs as applied",
            C::SubnetAutoAssignPublicIpDisabled,
            Pass,
            vpc_before.clone(),
        ),
        verify_case(
            "verify: public IPs switched on behind the library",
            C::SubnetAutoAssignPublicIpDisabled,
            Fail,
            vpc_after.clone(),
        ),
        verify_case(
            "verify: flow log as applied",
            C::VpcFlowLogsEnabled,
            Pass,
            vpc_before.clone(),
        ),
        verify_case(
            "verify: flow log deleted behind the library",
            C::VpcFlowLogsEnabled,
            Fail,
            vpc_after.clone(),
        ),
        verify_case(
            "verify: default group closed as applied",
            C::VpcDefaultSecurityGroupClosed,
            Pass,
            vpc_before,
        ),
        verify_case(
            "verify: default group opened inside the VPC",
            C::VpcDefaultSecurityGroupClosed,
            Fail,
            vpc_after,
        )
        .edge(),
        verify_case(
            "verify: EBS default on as applied",
            C::Ec2EbsEncryptionByDefault,
            Pass,
            all_before,
        ),
        verify_case(
            "verify: EBS default off behind the library",
            C::Ec2EbsEncryptionByDefault,
            Fail,
            all_after,
        ),
    ]);
    cases
}
