//! The network issue: a two-zone VPC with all three tiers, its security groups and the EBS
//! guard against the local endpoint (read back in full with the SDK, re-applied with no
//! change, tampered with and verified, restored), a private VPC, an interrupted apply, the
//! region's zone count, and bad specs refused at `build()` with every violation at once.

use std::collections::BTreeMap;

use aws_sdk_ec2::types::{
    AttributeBooleanValue, Filter, IpPermission, IpRange, RuleAction, UserIdGroupPair,
};
use hipaa_aws::construct::LogicalId;
use hipaa_aws::constructs::ec2::{CustomSubnets, Ipv4Cidr};
use hipaa_aws::policy::PolicyDocument;
use hipaa_aws::prelude::*;
use hipaa_aws::VerifyReport;

use crate::support::refusals::assert_refused;
use crate::support::{account, TestAccount};

const CIDR: &str = "10.40.0.0/16";

fn ec2(account: &TestAccount) -> aws_sdk_ec2::Client {
    aws_sdk_ec2::Client::new(&account.sdk_config)
}

fn filter(name: &str, value: &str) -> Filter {
    Filter::builder().name(name).values(value).build()
}

fn tag<'a>(tags: &'a [aws_sdk_ec2::types::Tag], key: &str) -> Option<&'a str> {
    tags.iter()
        .find(|tag| tag.key() == Some(key))
        .and_then(|tag| tag.value())
}

struct Network {
    stack: Stack,
    key_alias: String,
    logs: String,
}

/// The reference network: a key, a log bucket, a VPC with all three tiers over two zones,
/// NAT egress, data port 5432, three interface endpoints; a load balancer, app and database
/// group naming each other; the EBS guard.
fn network(account: &TestAccount, stack_name: &str) -> Network {
    let key = HipaaKey::builder()
        .alias(format!("net-{}", account.suffix))
        .build()
        .expect("valid key");
    let logs = LogBucket::builder()
        .name(account.bucket("flow"))
        .key(&key)
        .build()
        .expect("valid log bucket");
    let vpc = HipaaVpc::builder()
        .name("prod")
        .cidr(CIDR)
        .azs(2)
        .flow_logs_to(&logs)
        .ingress_tier()
        .egress(Egress::NatGatewayPerAz)
        .data_ports([5432])
        .interface_endpoints([
            InterfaceEndpoint::Kms,
            InterfaceEndpoint::Logs,
            InterfaceEndpoint::Sts,
        ])
        .build()
        .expect("valid vpc");
    let tier = vpc.ingress_tier().expect("the ingress tier was asked for");
    let lb = SecurityGroup::builder()
        .name("lb")
        .vpc(&vpc)
        .ingress_tier(tier)
        .build()
        .expect("valid lb group");
    let app = vpc.security_group("app").expect("valid app group");
    let db = vpc.security_group("db").expect("valid db group");
    let lb_rules = SecurityGroupRules::builder()
        .group(&lb)
        .ingress([Rule::tcp(443, Peer::anywhere())])
        .egress([Rule::tcp(8443, &app)])
        .build()
        .expect("valid lb rules");
    let app_rules = SecurityGroupRules::builder()
        .group(&app)
        .ingress([Rule::tcp(8443, &lb)])
        .egress([Rule::tcp(5432, &db), Rule::tcp(443, Peer::cidr(CIDR))])
        .build()
        .expect("valid app rules");
    let db_rules = SecurityGroupRules::builder()
        .group(&db)
        .ingress([Rule::tcp(5432, &app).described("PostgreSQL from the app tier")])
        .build()
        .expect("valid db rules");
    let ebs = EbsEncryptionByDefault::builder()
        .key(&key)
        .build()
        .expect("valid ebs guard");
    Network {
        key_alias: key.alias().to_string(),
        logs: logs.name().to_string(),
        stack: Stack::builder(stack_name)
            .with(db_rules)
            .with(app_rules)
            .with(lb_rules)
            .with(db)
            .with(app)
            .with(lb)
            .with(ebs)
            .with(vpc)
            .with(logs)
            .with(key)
            .build()
            .expect("valid stack: groups naming each other form no cycle"),
    }
}

fn vpc_id() -> LogicalId {
    LogicalId::new("vpc", "prod")
}

fn group_id(name: &str) -> LogicalId {
    LogicalId::new("security-group/prod", name)
}

fn rules_id(name: &str) -> LogicalId {
    LogicalId::new("security-group-rules/prod", name)
}

/// Every failed check as (resource, control, setting).
fn failures(report: &VerifyReport) -> Vec<(LogicalId, ControlId, String)> {
    report
        .failures()
        .into_iter()
        .map(|(resource, check)| (resource.id.clone(), check.control, check.setting.clone()))
        .collect()
}

/// The parts of the VPC, by logical id, read with the SDK.
struct ReadBack {
    vpc_id: String,
    subnets: BTreeMap<String, aws_sdk_ec2::types::Subnet>,
    subnet_names: BTreeMap<String, String>,
    tables: BTreeMap<String, aws_sdk_ec2::types::RouteTable>,
    acls: BTreeMap<String, aws_sdk_ec2::types::NetworkAcl>,
    groups: BTreeMap<String, aws_sdk_ec2::types::SecurityGroup>,
}

async fn read_back(ec2: &aws_sdk_ec2::Client, stack: &str) -> ReadBack {
    let vpcs = ec2
        .describe_vpcs()
        .filters(filter("tag:hipaa-aws:stack", stack))
        .filters(filter("tag:hipaa-aws:logical-id", "vpc/prod"))
        .send()
        .await
        .expect("describe vpcs")
        .vpcs
        .unwrap_or_default();
    assert_eq!(vpcs.len(), 1, "exactly one VPC carries the tags");
    let vpc_id = vpcs[0].vpc_id().expect("vpc id").to_string();
    let by_part = |tags: &[aws_sdk_ec2::types::Tag], prefix: &str| {
        tag(tags, "hipaa-aws:logical-id")
            .and_then(|id| id.strip_prefix(prefix))
            .map(str::to_string)
    };
    let mut subnets = BTreeMap::new();
    let mut subnet_names = BTreeMap::new();
    for subnet in ec2
        .describe_subnets()
        .filters(filter("vpc-id", &vpc_id))
        .send()
        .await
        .expect("subnets")
        .subnets
        .unwrap_or_default()
    {
        let name = by_part(subnet.tags(), "vpc/prod/subnet/").expect("subnet tagged");
        subnet_names.insert(subnet.subnet_id().expect("id").to_string(), name.clone());
        subnets.insert(name, subnet);
    }
    let mut tables = BTreeMap::new();
    for table in ec2
        .describe_route_tables()
        .filters(filter("vpc-id", &vpc_id))
        .send()
        .await
        .expect("route tables")
        .route_tables
        .unwrap_or_default()
    {
        let main = table.associations().iter().any(|a| a.main() == Some(true));
        let name = if main {
            "main".to_string()
        } else {
            by_part(table.tags(), "vpc/prod/route-table/").expect("table tagged")
        };
        tables.insert(name, table);
    }
    let mut acls = BTreeMap::new();
    for acl in ec2
        .describe_network_acls()
        .filters(filter("vpc-id", &vpc_id))
        .send()
        .await
        .expect("acls")
        .network_acls
        .unwrap_or_default()
    {
        let name = if acl.is_default() == Some(true) {
            "default".to_string()
        } else {
            by_part(acl.tags(), "vpc/prod/network-acl/").expect("acl tagged")
        };
        acls.insert(name, acl);
    }
    let mut groups = BTreeMap::new();
    for group in ec2
        .describe_security_groups()
        .filters(filter("vpc-id", &vpc_id))
        .send()
        .await
        .expect("groups")
        .security_groups
        .unwrap_or_default()
    {
        groups.insert(group.group_name().expect("name").to_string(), group);
    }
    ReadBack {
        vpc_id,
        subnets,
        subnet_names,
        tables,
        acls,
        groups,
    }
}

async fn rules_of(
    ec2: &aws_sdk_ec2::Client,
    group_id: &str,
) -> Vec<aws_sdk_ec2::types::SecurityGroupRule> {
    ec2.describe_security_group_rules()
        .filters(filter("group-id", group_id))
        .send()
        .await
        .expect("rules")
        .security_group_rules
        .unwrap_or_default()
}

#[tokio::test]
async fn vpc_with_three_tiers_reads_back_in_full_reapplies_nothing_and_verifies() {
    let account = account().await;
    let env = &account.env;
    let net = network(&account, "network");

    let plan = net.stack.plan(env).await.expect("plan");
    // Everything is made, except the account's EBS default, which always exists.
    assert_eq!(plan.count(Action::Create), 9, "{plan}");
    assert_eq!(plan.count(Action::Update), 1, "{plan}");
    assert_eq!(plan.api_calls.mutating(), 0, "plan changed something");
    let applied = net.stack.apply(env).await.expect("apply");
    assert!(applied.resources.len() == 10, "{applied}");

    let ec2 = ec2(&account);
    let back = read_back(&ec2, "network").await;

    // The VPC: DNS support and hostnames on.
    for attribute in [
        aws_sdk_ec2::types::VpcAttributeName::EnableDnsSupport,
        aws_sdk_ec2::types::VpcAttributeName::EnableDnsHostnames,
    ] {
        let output = ec2
            .describe_vpc_attribute()
            .vpc_id(&back.vpc_id)
            .attribute(attribute.clone())
            .send()
            .await
            .expect("attribute");
        let on = output
            .enable_dns_support()
            .or(output.enable_dns_hostnames())
            .and_then(|v| v.value());
        assert_eq!(on, Some(true), "{attribute:?}");
    }

    // Six subnets, laid out by the allocator, two zones, no public IPs.
    let expected = [
        ("data-1", "10.40.0.0/19", "us-east-1a"),
        ("data-2", "10.40.32.0/19", "us-east-1b"),
        ("app-1", "10.40.64.0/19", "us-east-1a"),
        ("app-2", "10.40.96.0/19", "us-east-1b"),
        ("ingress-1", "10.40.128.0/19", "us-east-1a"),
        ("ingress-2", "10.40.160.0/19", "us-east-1b"),
    ];
    assert_eq!(back.subnets.len(), 6, "{:?}", back.subnets.keys());
    for (name, cidr, zone) in expected {
        let subnet = back.subnets.get(name).expect(name);
        assert_eq!(subnet.cidr_block(), Some(cidr), "{name}");
        assert_eq!(subnet.availability_zone(), Some(zone), "{name}");
        assert_eq!(subnet.map_public_ip_on_launch(), Some(false), "{name}");
    }

    // One internet gateway, attached; two NAT gateways in the ingress subnets.
    let gateways = ec2
        .describe_internet_gateways()
        .filters(filter("attachment.vpc-id", &back.vpc_id))
        .send()
        .await
        .expect("igw")
        .internet_gateways
        .unwrap_or_default();
    assert_eq!(gateways.len(), 1);
    let igw = gateways[0]
        .internet_gateway_id()
        .expect("igw id")
        .to_string();
    let nats = ec2
        .describe_nat_gateways()
        .filter(filter("vpc-id", &back.vpc_id))
        .send()
        .await
        .expect("nat")
        .nat_gateways
        .unwrap_or_default();
    assert_eq!(nats.len(), 2);
    let mut nat_by_subnet = BTreeMap::new();
    for nat in &nats {
        assert_eq!(nat.state().map(|s| s.as_str()), Some("available"));
        let subnet = back.subnet_names[nat.subnet_id().expect("subnet")].clone();
        nat_by_subnet.insert(subnet, nat.nat_gateway_id().expect("id").to_string());
    }
    assert_eq!(
        nat_by_subnet.keys().collect::<Vec<_>>(),
        ["ingress-1", "ingress-2"]
    );

    // Route tables: data has only the local route; app goes out through its zone's NAT and
    // reaches S3 through the gateway endpoint; ingress has the default route to the gateway.
    let routes = |name: &str| -> Vec<String> {
        let mut routes: Vec<String> = back.tables[name]
            .routes()
            .iter()
            .map(|route| {
                let destination = route
                    .destination_cidr_block()
                    .or(route.destination_prefix_list_id())
                    .unwrap_or_default();
                let target = route
                    .nat_gateway_id()
                    .or(route.gateway_id())
                    .unwrap_or_default();
                let target = if target.starts_with("vpce-") {
                    "vpce"
                } else if destination.starts_with("pl-") {
                    "?"
                } else {
                    target
                };
                let destination = if destination.starts_with("pl-") {
                    "pl"
                } else {
                    destination
                };
                format!("{destination} -> {target}")
            })
            .collect();
        routes.sort();
        routes
    };
    let associated = |name: &str| -> Vec<String> {
        back.tables[name]
            .associations()
            .iter()
            .filter_map(|a| a.subnet_id())
            .map(|id| back.subnet_names[id].clone())
            .collect()
    };
    for zone in ["1", "2"] {
        assert_eq!(
            routes(&format!("data-{zone}")),
            [format!("{CIDR} -> local")]
        );
        assert_eq!(
            associated(&format!("data-{zone}")),
            [format!("data-{zone}")]
        );
        assert_eq!(
            routes(&format!("app-{zone}")),
            [
                format!("0.0.0.0/0 -> {}", nat_by_subnet[&format!("ingress-{zone}")]),
                format!("{CIDR} -> local"),
                "pl -> vpce".to_string(),
            ]
        );
        assert_eq!(
            routes(&format!("ingress-{zone}")),
            [format!("0.0.0.0/0 -> {igw}"), format!("{CIDR} -> local")]
        );
    }
    assert_eq!(routes("main"), [format!("{CIDR} -> local")]);

    // Network ACLs: the data tier accepts only the app subnets on 5432; the default ACL
    // denies everything and serves no subnet.
    let entries = |name: &str| -> Vec<String> {
        let mut entries: Vec<String> = back.acls[name]
            .entries()
            .iter()
            .filter(|e| e.rule_number() != Some(32767))
            .map(|e| {
                format!(
                    "{} {} {} {} {} {}",
                    if e.egress() == Some(true) {
                        "out"
                    } else {
                        "in"
                    },
                    e.rule_number().unwrap_or_default(),
                    e.rule_action().map(|a| a.as_str()).unwrap_or_default(),
                    e.protocol().unwrap_or_default(),
                    e.cidr_block().unwrap_or_default(),
                    e.port_range()
                        .map(|p| format!("{}-{}", p.from().unwrap_or(-1), p.to().unwrap_or(-1)))
                        .unwrap_or_default()
                )
            })
            .collect();
        entries.sort();
        entries
    };
    assert_eq!(
        entries("data"),
        [
            "in 100 allow 6 10.40.64.0/19 5432-5432",
            "in 110 allow 6 10.40.96.0/19 5432-5432",
            "out 100 allow 6 10.40.64.0/19 1024-65535",
            "out 110 allow 6 10.40.96.0/19 1024-65535",
        ]
    );
    assert!(entries("ingress").contains(&"in 100 allow 6 0.0.0.0/0 443-443".to_string()));
    assert!(
        !entries("app")
            .iter()
            .any(|e| e.contains("0.0.0.0/0 0-65535")),
        "{:?}",
        entries("app")
    );
    assert_eq!(
        entries("default"),
        ["in 100 deny -1 0.0.0.0/0 ", "out 100 deny -1 0.0.0.0/0 "]
    );
    assert!(back.acls["default"].associations().is_empty());
    for (acl, tier) in [("data", "data"), ("app", "app"), ("ingress", "ingress")] {
        let mut served: Vec<String> = back.acls[acl]
            .associations()
            .iter()
            .filter_map(|a| a.subnet_id())
            .map(|id| back.subnet_names[id].clone())
            .collect();
        served.sort();
        assert_eq!(served, [format!("{tier}-1"), format!("{tier}-2")]);
    }

    // The default security group is empty; the groups hold exactly their rules.
    let default_group = back.groups["default"].group_id().expect("id").to_string();
    assert!(rules_of(&ec2, &default_group).await.is_empty());
    let group = |name: &str| back.groups[name].group_id().expect("id").to_string();
    let db_rules = rules_of(&ec2, &group("db")).await;
    assert_eq!(db_rules.len(), 1, "{db_rules:?}");
    assert_eq!(db_rules[0].is_egress(), Some(false));
    assert_eq!(db_rules[0].from_port(), Some(5432));
    assert_eq!(
        db_rules[0]
            .referenced_group_info()
            .and_then(|g| g.group_id()),
        Some(group("app").as_str())
    );
    let lb_rules = rules_of(&ec2, &group("lb")).await;
    assert!(lb_rules.iter().any(|r| r.is_egress() == Some(false)
        && r.cidr_ipv4() == Some("0.0.0.0/0")
        && r.from_port() == Some(443)));
    assert_eq!(lb_rules.len(), 2, "{lb_rules:?}");
    assert_eq!(rules_of(&ec2, &group("app")).await.len(), 3);
    assert_eq!(
        tag(back.groups["lb"].tags(), "hipaa-aws:network-tier"),
        Some("ingress")
    );

    // The flow log records ALL traffic into the log bucket.
    let flow_logs = ec2
        .describe_flow_logs()
        .filter(filter("resource-id", &back.vpc_id))
        .send()
        .await
        .expect("flow logs")
        .flow_logs
        .unwrap_or_default();
    assert_eq!(flow_logs.len(), 1);
    assert_eq!(flow_logs[0].traffic_type().map(|t| t.as_str()), Some("ALL"));
    assert_eq!(
        flow_logs[0].log_destination(),
        Some(format!("arn:aws:s3:::{}", net.logs).as_str())
    );

    // Endpoints: S3 on the app route tables, three interface endpoints with private DNS.
    let endpoints = ec2
        .describe_vpc_endpoints()
        .filters(filter("vpc-id", &back.vpc_id))
        .send()
        .await
        .expect("endpoints")
        .vpc_endpoints
        .unwrap_or_default();
    let mut services: Vec<String> = endpoints
        .iter()
        .map(|e| {
            format!(
                "{} {}",
                e.vpc_endpoint_type()
                    .map(|t| t.as_str())
                    .unwrap_or_default(),
                e.service_name().unwrap_or_default()
            )
        })
        .collect();
    services.sort();
    assert_eq!(
        services,
        [
            "Gateway com.amazonaws.us-east-1.s3",
            "Interface com.amazonaws.us-east-1.kms",
            "Interface com.amazonaws.us-east-1.logs",
            "Interface com.amazonaws.us-east-1.sts",
        ]
    );
    for endpoint in &endpoints {
        if endpoint.vpc_endpoint_type().map(|t| t.as_str()) == Some("Interface") {
            assert_eq!(endpoint.private_dns_enabled(), Some(true));
            assert_eq!(endpoint.subnet_ids().len(), 2);
            assert_eq!(endpoint.groups().len(), 1);
        } else {
            let mut tables: Vec<&str> = endpoint
                .route_table_ids()
                .iter()
                .map(String::as_str)
                .collect();
            tables.sort();
            let mut app_tables = vec![
                back.tables["app-1"].route_table_id().unwrap_or_default(),
                back.tables["app-2"].route_table_id().unwrap_or_default(),
            ];
            app_tables.sort();
            assert_eq!(tables, app_tables);
        }
    }

    // The log bucket's policy and its key's policy let log delivery write, for this account.
    let s3 = account.s3();
    let policy = s3
        .get_bucket_policy()
        .bucket(&net.logs)
        .send()
        .await
        .expect("bucket policy");
    let policy = PolicyDocument::from_json(policy.policy().expect("text")).expect("parses");
    let delivery = policy
        .statement("AllowVpcFlowLogDelivery")
        .expect("flow log delivery statement");
    assert_eq!(
        delivery.condition_values("StringEquals", "aws:SourceAccount"),
        Some(&[env.account_id().to_string()][..])
    );
    assert!(policy
        .statement("AllowVpcFlowLogDeliveryAclCheck")
        .is_some());
    let kms = account.kms();
    let key_arn = kms
        .describe_key()
        .key_id(&net.key_alias)
        .send()
        .await
        .expect("key")
        .key_metadata
        .and_then(|m| m.arn)
        .expect("arn");
    let key_policy = kms
        .get_key_policy()
        .key_id(&key_arn)
        .policy_name("default")
        .send()
        .await
        .expect("key policy")
        .policy
        .expect("text");
    let key_policy = PolicyDocument::from_json(&key_policy).expect("parses");
    assert!(key_policy.statements.iter().any(|s| s
        .sid
        .as_deref()
        .is_some_and(|sid| sid.starts_with("AllowVpcFlowLogDeliveryTo"))));
    assert!(key_policy
        .statement("AllowEbsDefaultEncryptionGrants")
        .is_some());

    // EBS encryption by default is on, with the stack's key.
    assert_eq!(
        ec2.get_ebs_encryption_by_default()
            .send()
            .await
            .expect("ebs default")
            .ebs_encryption_by_default(),
        Some(true)
    );
    assert_eq!(
        ec2.get_ebs_default_kms_key_id()
            .send()
            .await
            .expect("default key")
            .kms_key_id(),
        Some(key_arn.as_str())
    );

    // A second plan is empty and a second apply makes no mutating call.
    let again = net.stack.plan(env).await.expect("second plan");
    assert!(again.is_empty(), "second plan is not empty:\n{again}");
    let reapplied = net.stack.apply(env).await.expect("second apply");
    assert_eq!(
        reapplied.api_calls.mutating(),
        0,
        "second apply mutated: {:?}",
        reapplied.api_calls.mutating_operations()
    );

    // Verify passes every control it judges, the network ones included.
    let report = net.stack.verify(env).await.expect("verify");
    assert!(report.passed(), "{report}");
    for control in [
        ControlId::VpcDefaultSecurityGroupClosed,
        ControlId::VpcFlowLogsEnabled,
        ControlId::NoUnrestrictedRouteToIgw,
        ControlId::SubnetAutoAssignPublicIpDisabled,
        ControlId::InternetGatewayAuthorizedVpcOnly,
        ControlId::IncomingSshDisabled,
        ControlId::RestrictedIncomingTraffic,
        ControlId::VpcSgOpenOnlyToAuthorizedPorts,
        ControlId::NaclNoUnrestrictedIngress,
        ControlId::VpcCidrPrivate,
        ControlId::VpcMultiAz,
        ControlId::VpcTiersSegmented,
        ControlId::NaclTiersRestricted,
        ControlId::SgRulesAsDeclared,
        ControlId::SgNoAllPortsRules,
        ControlId::SgAdminAndDatabasePortsInternal,
        ControlId::VpcPrivateEndpoints,
        ControlId::Ec2EbsEncryptionByDefault,
        ControlId::EbsDefaultKeyCustomerManaged,
    ] {
        assert!(
            report
                .checks()
                .any(|(_, check)| check.control == control && check.status == Status::Pass),
            "{control} was not judged passing:\n{report}"
        );
    }
}

#[tokio::test]
async fn vpc_tampering_is_reported_with_control_ids_and_restored_by_apply() {
    let account = account().await;
    let env = &account.env;
    let net = network(&account, "tamper");
    net.stack.apply(env).await.expect("apply");
    assert!(net.stack.verify(env).await.expect("verify").passed());

    let ec2 = ec2(&account);
    let back = read_back(&ec2, "tamper").await;
    let group = |name: &str| back.groups[name].group_id().expect("id").to_string();

    // An open SSH rule added to the app group.
    ec2.authorize_security_group_ingress()
        .group_id(group("app"))
        .ip_permissions(
            IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(22)
                .to_port(22)
                .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
                .build(),
        )
        .send()
        .await
        .expect("open ssh");
    // The database's only rule removed.
    let db_rule = rules_of(&ec2, &group("db")).await[0]
        .security_group_rule_id()
        .expect("rule id")
        .to_string();
    ec2.revoke_security_group_ingress()
        .group_id(group("db"))
        .security_group_rule_ids(db_rule)
        .send()
        .await
        .expect("revoke db rule");
    // The default group opened to itself.
    ec2.authorize_security_group_ingress()
        .group_id(group("default"))
        .ip_permissions(
            IpPermission::builder()
                .ip_protocol("-1")
                .user_id_group_pairs(
                    UserIdGroupPair::builder()
                        .group_id(group("default"))
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .expect("open default group");
    // A route from the data tier to the internet gateway.
    let igw = ec2
        .describe_internet_gateways()
        .filters(filter("attachment.vpc-id", &back.vpc_id))
        .send()
        .await
        .expect("igw")
        .internet_gateways
        .unwrap_or_default()[0]
        .internet_gateway_id()
        .expect("id")
        .to_string();
    ec2.create_route()
        .route_table_id(back.tables["data-1"].route_table_id().expect("id"))
        .destination_cidr_block("0.0.0.0/0")
        .gateway_id(&igw)
        .send()
        .await
        .expect("data route to the internet");
    // Public IPs handed out in an app subnet.
    ec2.modify_subnet_attribute()
        .subnet_id(back.subnets["app-2"].subnet_id().expect("id"))
        .map_public_ip_on_launch(AttributeBooleanValue::builder().value(true).build())
        .send()
        .await
        .expect("public ip on launch");
    // The default ACL opened again, and the data ACL's first entry deleted.
    ec2.replace_network_acl_entry()
        .network_acl_id(back.acls["default"].network_acl_id().expect("id"))
        .rule_number(100)
        .protocol("-1")
        .rule_action(RuleAction::Allow)
        .egress(false)
        .cidr_block("0.0.0.0/0")
        .send()
        .await
        .expect("open default acl");
    ec2.delete_network_acl_entry()
        .network_acl_id(back.acls["data"].network_acl_id().expect("id"))
        .rule_number(100)
        .egress(false)
        .send()
        .await
        .expect("delete data entry");
    // The flow log deleted, and EBS encryption by default turned off.
    let flow_log = ec2
        .describe_flow_logs()
        .filter(filter("resource-id", &back.vpc_id))
        .send()
        .await
        .expect("flow logs")
        .flow_logs
        .unwrap_or_default()[0]
        .flow_log_id()
        .expect("id")
        .to_string();
    ec2.delete_flow_logs()
        .flow_log_ids(flow_log)
        .send()
        .await
        .expect("delete flow log");
    ec2.disable_ebs_encryption_by_default()
        .send()
        .await
        .expect("disable ebs default");

    let report = net.stack.verify(env).await.expect("verify");
    assert!(!report.passed());
    let failed = failures(&report);
    let ebs_id = LogicalId::new("ebs-encryption-by-default", "account");
    for (resource, control, setting) in [
        (group_id("app"), ControlId::IncomingSshDisabled, "ingress"),
        (
            group_id("app"),
            ControlId::VpcSgOpenOnlyToAuthorizedPorts,
            "ingress",
        ),
        (rules_id("app"), ControlId::SgRulesAsDeclared, "rules"),
        (rules_id("db"), ControlId::SgRulesAsDeclared, "rules"),
        (
            vpc_id(),
            ControlId::VpcDefaultSecurityGroupClosed,
            "security_group.default",
        ),
        (
            vpc_id(),
            ControlId::NoUnrestrictedRouteToIgw,
            "route_table.data-1",
        ),
        (vpc_id(), ControlId::VpcTiersSegmented, "route_table.data-1"),
        (
            vpc_id(),
            ControlId::SubnetAutoAssignPublicIpDisabled,
            "subnet.app-2",
        ),
        (
            vpc_id(),
            ControlId::NaclNoUnrestrictedIngress,
            "network_acl.default",
        ),
        (
            vpc_id(),
            ControlId::NaclTiersRestricted,
            "network_acl.default",
        ),
        (vpc_id(), ControlId::NaclTiersRestricted, "network_acl.data"),
        (vpc_id(), ControlId::VpcFlowLogsEnabled, "flow_log"),
        (
            ebs_id.clone(),
            ControlId::Ec2EbsEncryptionByDefault,
            "encryption_by_default",
        ),
    ] {
        assert!(
            failed.contains(&(resource.clone(), control, setting.to_string())),
            "{control} on {resource} {setting} not reported; failures: {failed:?}\n{report}"
        );
    }
    let printed = report.to_string();
    assert!(printed.contains("INCOMING_SSH_DISABLED"), "{printed}");
    assert!(printed.contains("45 CFR 164.312(e)(1)"), "{printed}");

    // Plan shows the restoration, apply restores, verify passes, a further apply is idle.
    let plan = net.stack.plan(env).await.expect("plan");
    let planned = plan.resource(&vpc_id()).expect("vpc planned");
    assert_eq!(planned.action, Action::Update, "{plan}");
    let changed: Vec<&str> = planned.changes.iter().map(|c| c.setting.as_str()).collect();
    for setting in [
        "security_group.default",
        "route_table.data-1",
        "subnet.app-2",
        "network_acl.default",
        "network_acl.data",
        "flow_log.all-traffic",
    ] {
        assert!(
            changed.contains(&setting),
            "{setting} not planned: {changed:?}"
        );
    }
    net.stack.apply(env).await.expect("restore");
    let restored = net.stack.verify(env).await.expect("verify again");
    assert!(restored.passed(), "{restored}");
    let idle = net.stack.apply(env).await.expect("apply again");
    assert_eq!(
        idle.api_calls.mutating(),
        0,
        "{:?}",
        idle.api_calls.mutating_operations()
    );
}

fn private_vpc(account: &TestAccount, azs: u8) -> (Stack, String) {
    let key = HipaaKey::builder()
        .alias(format!("private-{}", account.suffix))
        .build()
        .expect("key");
    let logs = LogBucket::builder()
        .name(account.bucket("private-flow"))
        .key(&key)
        .build()
        .expect("log bucket");
    let vpc = HipaaVpc::builder()
        .name("private")
        .cidr("192.168.16.0/20")
        .azs(azs)
        .flow_logs_to(&logs)
        .data_ports([5432, 6379])
        .build()
        .expect("vpc");
    let stack = Stack::builder("private-net")
        .with(key)
        .with(logs)
        .with(vpc)
        .build()
        .expect("stack");
    (stack, account.bucket("private-flow"))
}

#[tokio::test]
async fn vpc_without_ingress_tier_has_no_way_out_and_an_interrupted_apply_is_finished() {
    let account = account().await;
    let env = &account.env;
    let (stack, _) = private_vpc(&account, 3);
    let ec2 = ec2(&account);

    // An earlier apply was interrupted right after CreateVpc: the VPC exists with its tags.
    let tags = [
        ("hipaa-aws:stack", "private-net"),
        ("hipaa-aws:logical-id", "vpc/private"),
        ("hipaa-aws:managed-by", "hipaa-aws"),
    ];
    let spec = aws_sdk_ec2::types::TagSpecification::builder()
        .resource_type(aws_sdk_ec2::types::ResourceType::Vpc)
        .set_tags(Some(
            tags.iter()
                .map(|(k, v)| aws_sdk_ec2::types::Tag::builder().key(*k).value(*v).build())
                .collect(),
        ))
        .build();
    ec2.create_vpc()
        .cidr_block("192.168.16.0/20")
        .tag_specifications(spec)
        .send()
        .await
        .expect("half-made vpc");

    let plan = stack.plan(env).await.expect("plan");
    let planned = plan
        .resource(&LogicalId::new("vpc", "private"))
        .expect("planned");
    assert_eq!(
        planned.action,
        Action::Update,
        "the half-made VPC is found: {plan}"
    );
    stack.apply(env).await.expect("apply");
    let vpcs = ec2
        .describe_vpcs()
        .filters(filter("tag:hipaa-aws:logical-id", "vpc/private"))
        .send()
        .await
        .expect("vpcs")
        .vpcs
        .unwrap_or_default();
    assert_eq!(vpcs.len(), 1, "no twin was made");
    let vpc = vpcs[0].vpc_id().expect("id").to_string();

    let subnets = ec2
        .describe_subnets()
        .filters(filter("vpc-id", &vpc))
        .send()
        .await
        .expect("subnets")
        .subnets
        .unwrap_or_default();
    assert_eq!(subnets.len(), 6, "data and app over three zones");
    let mut zones: Vec<&str> = subnets
        .iter()
        .filter_map(|s| s.availability_zone())
        .collect();
    zones.sort();
    zones.dedup();
    assert_eq!(zones, ["us-east-1a", "us-east-1b", "us-east-1c"]);
    let gateways = ec2
        .describe_internet_gateways()
        .filters(filter("attachment.vpc-id", &vpc))
        .send()
        .await
        .expect("igw")
        .internet_gateways
        .unwrap_or_default();
    assert!(
        gateways.is_empty(),
        "no internet gateway without the ingress tier"
    );
    let nats = ec2
        .describe_nat_gateways()
        .filter(filter("vpc-id", &vpc))
        .send()
        .await
        .expect("nat")
        .nat_gateways
        .unwrap_or_default();
    assert!(nats.is_empty());
    for table in ec2
        .describe_route_tables()
        .filters(filter("vpc-id", &vpc))
        .send()
        .await
        .expect("tables")
        .route_tables
        .unwrap_or_default()
    {
        for route in table.routes() {
            assert!(
                route.gateway_id() == Some("local")
                    || route.gateway_id().is_some_and(|g| g.starts_with("vpce-")),
                "a route out of the VPC: {route:?}"
            );
        }
    }
    let report = stack.verify(env).await.expect("verify");
    assert!(report.passed(), "{report}");
    assert!(stack.plan(env).await.expect("plan").is_empty());

    // A subnet deleted behind the library's back is made again by the next apply.
    let data_2 = subnets
        .iter()
        .find(|s| tag(s.tags(), "hipaa-aws:logical-id") == Some("vpc/private/subnet/data-2"))
        .and_then(|s| s.subnet_id())
        .expect("data-2")
        .to_string();
    ec2.delete_subnet()
        .subnet_id(&data_2)
        .send()
        .await
        .expect("delete subnet");
    let report = stack.verify(env).await.expect("verify");
    let failed = failures(&report);
    assert!(
        failed.contains(&(
            LogicalId::new("vpc", "private"),
            ControlId::VpcTiersSegmented,
            "subnets".to_string()
        )),
        "{failed:?}"
    );
    stack.apply(env).await.expect("restore");
    let restored = stack.verify(env).await.expect("verify");
    assert!(restored.passed(), "{restored}");
}

#[tokio::test]
async fn vpc_plan_refuses_more_zones_than_the_region_has() {
    let account = account().await;
    // us-west-1 has two zones on the endpoint (as in AWS for most accounts).
    let config = account
        .sdk_config
        .clone()
        .into_builder()
        .region(aws_types::region::Region::new("us-west-1"))
        .build();
    let env = Environment::builder(BaaAttestation::executed_on("2026-01-15"))
        .sdk_config(config)
        .build()
        .await
        .expect("environment");
    let (stack, _) = private_vpc(&account, 3);
    let error = stack
        .plan(&env)
        .await
        .expect_err("3 zones in a 2-zone region");
    match error {
        Error::Refused {
            control, reason, ..
        } => {
            assert_eq!(control, ControlId::VpcMultiAz);
            assert!(reason.contains("us-west-1 has 2"), "{reason}");
        }
        other => panic!("expected a refusal, got {other}"),
    }
}

// ------------------------------------------------------------------------------ bad specs

fn logs() -> LogBucket {
    let key = HipaaKey::builder().alias("logs").build().expect("key");
    LogBucket::builder()
        .name("acme-flow-logs")
        .key(&key)
        .build()
        .expect("log bucket")
}

fn vpc_with(cidr: &str, azs: u8) -> Result<HipaaVpc> {
    HipaaVpc::builder()
        .name("prod")
        .cidr(cidr)
        .azs(azs)
        .flow_logs_to(&logs())
        .build()
}

fn good_vpc() -> HipaaVpc {
    HipaaVpc::builder()
        .name("prod")
        .cidr(CIDR)
        .flow_logs_to(&logs())
        .ingress_tier()
        .data_ports([5432])
        .build()
        .expect("valid vpc")
}

fn rules(
    group: &SecurityGroup,
    ingress: Vec<Rule>,
    egress: Vec<Rule>,
) -> Result<SecurityGroupRules> {
    SecurityGroupRules::builder()
        .group(group)
        .ingress(ingress)
        .egress(egress)
        .build()
}

#[test]
fn vpc_blocks_that_are_public_too_large_or_too_small_are_refused() {
    for cidr in [
        "8.8.0.0/16",     // public
        "172.32.0.0/16",  // just outside 172.16/12
        "100.64.0.0/16",  // carrier-grade NAT, not RFC 1918
        "10.0.0.0/8",     // too large
        "10.0.0.0/15",    // too large
        "10.0.0.0/30",    // too small
        "192.168.1.0/25", // too small
        "10.0.0.1/16",    // host bits set
        "10.0.0.0",       // no prefix
        "not-a-cidr",
    ] {
        // A public VPC block also makes the app ACL's allow from the VPC an allow from the
        // internet.
        let public = ["8.8.0.0/16", "172.32.0.0/16", "100.64.0.0/16"].contains(&cidr);
        let expected: &[ControlId] = if public {
            &[
                ControlId::VpcCidrPrivate,
                ControlId::NaclNoUnrestrictedIngress,
            ]
        } else {
            &[ControlId::VpcCidrPrivate]
        };
        let violations = assert_refused(cidr, vpc_with(cidr, 2), expected);
        assert!(
            violations
                .iter()
                .all(|v| v.setting == "cidr" || (public && v.setting.starts_with("network_acl."))),
            "{cidr}: {violations}"
        );
    }
    assert!(vpc_with("172.16.0.0/12", 2).is_err());
    assert!(vpc_with("192.168.0.0/24", 2).is_ok());
}

#[test]
fn vpc_zone_counts_outside_two_to_six_are_refused() {
    for azs in [0, 1, 7, 12] {
        assert_refused(
            &format!("{azs} zones"),
            vpc_with(CIDR, azs),
            &[ControlId::VpcMultiAz],
        );
    }
    // A /24 cannot hold three tiers over five zones of /28s.
    assert_refused(
        "/24 over 5 zones",
        vpc_with("10.1.2.0/24", 5),
        &[ControlId::VpcCidrPrivate],
    );
    assert!(vpc_with("10.1.2.0/24", 4).is_ok());
}

#[test]
fn vpc_overlapping_or_stray_custom_subnets_are_refused() {
    let custom = |subnets: CustomSubnets| {
        HipaaVpc::builder()
            .name("prod")
            .cidr(CIDR)
            .flow_logs_to(&logs())
            .subnets(subnets)
            .build()
    };
    let violations = assert_refused(
        "overlapping",
        custom(
            CustomSubnets::new()
                .data(["10.40.0.0/24", "10.40.1.0/24"])
                .app(["10.40.0.128/25", "10.40.2.0/24"]),
        ),
        &[ControlId::VpcTiersSegmented],
    );
    assert!(
        violations.iter().any(|v| v.reason.contains("overlaps")),
        "{violations}"
    );
    assert_refused(
        "outside the VPC",
        custom(
            CustomSubnets::new()
                .data(["10.40.0.0/24", "10.41.1.0/24"])
                .app(["10.40.2.0/24", "10.40.3.0/24"]),
        ),
        &[ControlId::VpcTiersSegmented],
    );
    assert_refused(
        "one block short",
        custom(
            CustomSubnets::new()
                .data(["10.40.0.0/24"])
                .app(["10.40.2.0/24", "10.40.3.0/24"]),
        ),
        &[ControlId::VpcMultiAz],
    );
    assert_refused(
        "a public tier without asking for one",
        custom(
            CustomSubnets::new()
                .data(["10.40.0.0/24", "10.40.1.0/24"])
                .app(["10.40.2.0/24", "10.40.3.0/24"])
                .ingress(["10.40.4.0/24", "10.40.5.0/24"]),
        ),
        &[ControlId::VpcTiersSegmented],
    );
    assert_refused(
        "a /29 subnet",
        custom(
            CustomSubnets::new()
                .data(["10.40.0.0/29", "10.40.1.0/24"])
                .app(["10.40.2.0/24", "10.40.3.0/24"]),
        ),
        &[ControlId::VpcTiersSegmented],
    );
    assert!(custom(
        CustomSubnets::new()
            .data(["10.40.0.0/24", "10.40.1.0/24"])
            .app(["10.40.2.0/24", "10.40.3.0/24"])
    )
    .is_ok());
}

#[test]
fn vpc_egress_without_the_ingress_tier_and_other_value_errors_are_refused() {
    let refused = HipaaVpc::builder()
        .name("prod")
        .cidr(CIDR)
        .flow_logs_to(&logs())
        .egress(Egress::NatGatewayPerAz)
        .build();
    assert_refused(
        "NAT without the ingress tier",
        refused,
        &[ControlId::VpcTiersSegmented],
    );
    let refused = HipaaVpc::builder()
        .name("Prod VPC")
        .cidr(CIDR)
        .flow_logs_to(&logs())
        .build();
    assert_refused(
        "a name with spaces",
        refused,
        &[ControlId::ManagedResourceTagged],
    );
    let refused = HipaaVpc::builder()
        .name("prod")
        .cidr(CIDR)
        .flow_logs_to(&logs())
        .interface_endpoints([
            InterfaceEndpoint::Other("s3".to_string()),
            InterfaceEndpoint::Other("Bad Name".to_string()),
        ])
        .build();
    let violations = assert_refused("bad endpoints", refused, &[ControlId::VpcPrivateEndpoints]);
    assert_eq!(violations.len(), 2);
    let refused = HipaaVpc::builder()
        .name("prod")
        .cidr(CIDR)
        .azs(6)
        .flow_logs_to(&logs())
        .data_ports([1433, 1521, 3306, 5432])
        .build();
    assert_refused(
        "a data ACL over its quota",
        refused,
        &[ControlId::NaclTiersRestricted],
    );
    let refused = HipaaVpc::builder()
        .name("prod")
        .cidr(CIDR)
        .flow_logs_to(&logs())
        .data_ports([0])
        .build();
    assert_refused("data port 0", refused, &[ControlId::NaclTiersRestricted]);
}

#[test]
fn vpc_many_problems_are_reported_at_once() {
    let refused = HipaaVpc::builder()
        .name("-bad-")
        .cidr("8.8.0.0/8")
        .azs(1)
        .flow_logs_to(&logs())
        .egress(Egress::SingleNatGateway)
        .build();
    let violations = assert_refused(
        "everything wrong",
        refused,
        &[
            ControlId::ManagedResourceTagged,
            ControlId::VpcCidrPrivate,
            ControlId::VpcMultiAz,
            ControlId::VpcTiersSegmented,
        ],
    );
    assert!(violations.len() >= 4, "{violations}");
}

#[test]
fn vpc_security_group_rules_open_to_the_world_or_wide_are_refused() {
    let vpc = good_vpc();
    let app = vpc.security_group("app").expect("group");
    let lb = SecurityGroup::builder()
        .name("lb")
        .vpc(&vpc)
        .ingress_tier(vpc.ingress_tier().expect("tier"))
        .build()
        .expect("lb");
    let cases: Vec<(&str, &SecurityGroup, Rule, &[ControlId])> = vec![
        (
            "ssh from anywhere",
            &app,
            Rule::tcp(22, Peer::anywhere()),
            &[
                ControlId::IncomingSshDisabled,
                ControlId::VpcSgOpenOnlyToAuthorizedPorts,
                ControlId::SgAdminAndDatabasePortsInternal,
            ],
        ),
        (
            "rdp from anywhere",
            &app,
            Rule::tcp(3389, Peer::anywhere()),
            &[
                ControlId::RestrictedIncomingTraffic,
                ControlId::VpcSgOpenOnlyToAuthorizedPorts,
                ControlId::SgAdminAndDatabasePortsInternal,
            ],
        ),
        (
            "postgres from anywhere",
            &app,
            Rule::tcp(5432, Peer::anywhere()),
            &[
                ControlId::VpcSgOpenOnlyToAuthorizedPorts,
                ControlId::SgAdminAndDatabasePortsInternal,
            ],
        ),
        (
            "mysql from anywhere",
            &app,
            Rule::tcp(3306, Peer::anywhere()),
            &[
                ControlId::RestrictedIncomingTraffic,
                ControlId::VpcSgOpenOnlyToAuthorizedPorts,
                ControlId::SgAdminAndDatabasePortsInternal,
            ],
        ),
        (
            "all ports from anywhere",
            &app,
            Rule::tcp_range(0, 65535, Peer::anywhere()),
            &[
                ControlId::IncomingSshDisabled,
                ControlId::RestrictedIncomingTraffic,
                ControlId::VpcSgOpenOnlyToAuthorizedPorts,
                ControlId::SgAdminAndDatabasePortsInternal,
                ControlId::SgNoAllPortsRules,
            ],
        ),
        (
            "all ports from inside the VPC",
            &app,
            Rule::tcp_range(0, 65535, Peer::cidr(CIDR)),
            &[ControlId::SgNoAllPortsRules],
        ),
        (
            "https from ::/0 on a group not of the ingress tier",
            &app,
            Rule::tcp(443, Peer::anywhere_ipv6()),
            &[ControlId::VpcSgOpenOnlyToAuthorizedPorts],
        ),
        (
            "https from anywhere on a group not of the ingress tier",
            &app,
            Rule::tcp(443, Peer::anywhere()),
            &[ControlId::VpcSgOpenOnlyToAuthorizedPorts],
        ),
        (
            "http from anywhere on the ingress tier",
            &lb,
            Rule::tcp(80, Peer::anywhere()),
            &[ControlId::VpcSgOpenOnlyToAuthorizedPorts],
        ),
        (
            "ssh from a partner network",
            &app,
            Rule::tcp(22, Peer::cidr("203.0.113.0/24")),
            // A public block is the internet, not only 0.0.0.0/0.
            &[
                ControlId::IncomingSshDisabled,
                ControlId::VpcSgOpenOnlyToAuthorizedPorts,
                ControlId::SgAdminAndDatabasePortsInternal,
            ],
        ),
        (
            "redis from another private network",
            &app,
            Rule::tcp(6379, Peer::cidr("10.99.0.0/16")),
            &[ControlId::SgAdminAndDatabasePortsInternal],
        ),
        (
            "mongodb from ipv6",
            &app,
            Rule::tcp(27017, Peer::ipv6_cidr("2001:db8::/32")),
            &[
                ControlId::VpcSgOpenOnlyToAuthorizedPorts,
                ControlId::SgAdminAndDatabasePortsInternal,
            ],
        ),
        (
            "a malformed block",
            &app,
            Rule::tcp(8443, Peer::cidr("10.40.0.1/16")),
            &[ControlId::SgRulesAsDeclared],
        ),
        (
            "a backwards port range",
            &app,
            Rule::tcp_range(9000, 8000, Peer::cidr(CIDR)),
            &[ControlId::SgRulesAsDeclared],
        ),
    ];
    let count = cases.len();
    for (case, group, rule, controls) in cases {
        assert_refused(case, rules(group, vec![rule], Vec::new()), controls);
    }
    assert!(count >= 14);
    // What stays allowed: HTTPS from anywhere into the ingress tier, database ports from
    // groups and from inside the VPC, egress to the internet on a named port.
    assert!(rules(&lb, vec![Rule::tcp(443, Peer::anywhere())], vec![]).is_ok());
    assert!(rules(
        &app,
        vec![
            Rule::tcp(5432, &lb),
            Rule::tcp(22, Peer::cidr("10.40.64.0/19"))
        ],
        vec![Rule::tcp(443, Peer::anywhere())]
    )
    .is_ok());
    // Egress on every port is refused too.
    assert_refused(
        "egress on every port",
        rules(
            &app,
            vec![],
            vec![Rule::tcp_range(0, 65535, Peer::anywhere())],
        ),
        &[ControlId::SgNoAllPortsRules],
    );
}

#[test]
fn vpc_security_groups_marked_for_a_missing_ingress_tier_are_refused() {
    let private = vpc_with(CIDR, 2).expect("private vpc");
    assert!(private.ingress_tier().is_none());
    let other = HipaaVpc::builder()
        .name("other")
        .cidr("10.41.0.0/16")
        .flow_logs_to(&logs())
        .ingress_tier()
        .build()
        .expect("other vpc");
    let refused = SecurityGroup::builder()
        .name("lb")
        .vpc(&private)
        .ingress_tier(other.ingress_tier().expect("tier"))
        .build();
    assert_refused(
        "another VPC's ingress tier",
        refused,
        &[ControlId::VpcTiersSegmented],
    );
    for name in ["default", "sg-123", "has space", ""] {
        assert_refused(
            name,
            private.security_group(name),
            &[ControlId::ManagedResourceTagged],
        );
    }
}

#[test]
fn vpc_groups_naming_each_other_make_no_cycle() {
    let vpc = good_vpc();
    let a = vpc.security_group("a").expect("a");
    let b = vpc.security_group("b").expect("b");
    let a_rules = rules(&a, vec![Rule::tcp(8080, &b)], vec![Rule::tcp(8080, &b)]).expect("a rules");
    let b_rules = rules(&b, vec![Rule::tcp(8080, &a)], vec![Rule::tcp(8080, &a)]).expect("b rules");
    let logs = logs();
    let key = HipaaKey::builder().alias("logs").build().expect("key");
    let stack = Stack::builder("cycle-free")
        .with(b_rules)
        .with(a_rules)
        .with(b)
        .with(a)
        .with(vpc)
        .with(logs)
        .with(key)
        .build()
        .expect("no cycle");
    let order: Vec<String> = stack
        .logical_ids()
        .iter()
        .map(|id| id.to_string())
        .collect();
    let position = |id: &str| order.iter().position(|o| o == id).expect(id);
    assert!(position("vpc/prod") < position("security-group/prod/a"));
    assert!(position("security-group/prod/a") < position("security-group-rules/prod/b"));
    assert!(position("security-group/prod/b") < position("security-group-rules/prod/a"));
}

#[test]
fn vpc_subnet_groups_expose_the_data_tier() {
    let vpc = good_vpc();
    let data = vpc.data_subnets();
    assert_eq!(data.tier(), Tier::Data);
    assert_eq!(data.parts(), ["data-1", "data-2"]);
    let cidrs: Vec<Ipv4Cidr> = data.cidrs();
    assert_eq!(cidrs[0].to_string(), "10.40.0.0/19");
}
