//! EC2 and VPC: security-group rules (SSH, high-risk ports, authorized ports, all-port
//! rules, admin and database ports) at their address and port boundaries with disguised
//! public blocks; the default group; network ACLs; subnets; routes to an internet gateway;
//! flow logs; the VPC block, zones and the library's declared tiers, endpoints and groups;
//! EBS defaults, volumes and snapshots; instances.

use std::collections::BTreeMap;

use hipaa_aws::construct::{Construct, Scope};
use hipaa_aws::constructs::ec2::{
    evaluate_default_security_group, evaluate_ebs_default, evaluate_flow_logs, evaluate_instance,
    evaluate_network_acl, evaluate_route_table, evaluate_security_group_rules, evaluate_snapshot,
    evaluate_subnet, evaluate_volume, evaluate_vpc, EbsDefaultState, FlowLogState, InstanceState,
    Ipv4Cidr, NaclEntry, NaclExpectations, NetworkAclState, Route, RouteTableState, RouteTarget,
    RulePeer, SecurityGroupExpectations, SgRule, SnapshotState, SubnetState, TargetKind,
    VolumeState, VpcExpectations, VpcState, MAX_STOPPED_DAYS,
};
use hipaa_aws::prelude::*;
use hipaa_aws::{ControlId as C, Status};

use super::Case;

const F: &str = "ec2";
const NOW: i64 = 1_800_000_000;
const DAY: i64 = 86_400;

fn rule(protocol: &str, from: i32, to: i32, cidr: &str) -> SgRule {
    SgRule {
        egress: false,
        protocol: protocol.into(),
        from_port: from,
        to_port: to,
        peer: if cidr.contains(':') {
            RulePeer::Ipv6Cidr(cidr.into())
        } else {
            RulePeer::Cidr(cidr.into())
        },
        id: None,
        description: None,
        prefix_list: None,
    }
}

fn sg(name: &str, control: C, expected: Status, rules: Vec<SgRule>) -> Case {
    sg_in(name, control, expected, false, rules)
}

/// Rules of a group, in the ingress tier or not.
fn sg_in(name: &str, control: C, expected: Status, ingress_tier: bool, rules: Vec<SgRule>) -> Case {
    let expect = SecurityGroupExpectations {
        vpc_cidrs: vec!["10.0.0.0/16".parse::<Ipv4Cidr>().expect("cidr")],
        ingress_tier,
        judge_egress: false,
    };
    Case::eval(
        F,
        "constructs::ec2::evaluate_security_group_rules",
        name,
        control,
        expected,
        evaluate_security_group_rules(&rules, &expect),
    )
}

fn entry(
    number: i32,
    action: &str,
    protocol: &str,
    cidr: &str,
    ports: Option<(i32, i32)>,
) -> NaclEntry {
    NaclEntry {
        egress: false,
        rule_number: number,
        action: action.into(),
        protocol: protocol.into(),
        cidr: cidr.into(),
        ports,
    }
}

fn acl(name: &str, expected: Status, entries: Vec<NaclEntry>) -> Case {
    let expect = NaclExpectations {
        closed: false,
        data_tier: None,
        declared: None,
    };
    acl_with(
        name,
        C::NaclNoUnrestrictedIngress,
        expected,
        entries,
        expect,
    )
}

/// The data tier's ACL: only the app subnet (10.0.2.0/24) on the data port (5432).
fn data_acl(name: &str, expected: Status, entries: Vec<NaclEntry>) -> Case {
    let expect = NaclExpectations {
        closed: false,
        data_tier: Some((
            vec!["10.0.2.0/24".parse::<Ipv4Cidr>().expect("cidr")],
            vec![5432],
        )),
        declared: None,
    };
    acl_with(name, C::NaclTiersRestricted, expected, entries, expect)
}

fn acl_with(
    name: &str,
    control: C,
    expected: Status,
    entries: Vec<NaclEntry>,
    expect: NaclExpectations,
) -> Case {
    let state = NetworkAclState {
        id: "acl-1".into(),
        is_default: false,
        subnets: vec![],
        entries,
        associations: BTreeMap::new(),
    };
    Case::eval(
        F,
        "constructs::ec2::evaluate_network_acl",
        name,
        control,
        expected,
        evaluate_network_acl("app", &state, &expect),
    )
}

fn target(kind: TargetKind) -> RouteTarget {
    RouteTarget {
        kind,
        name: "igw".into(),
    }
}

fn routes(
    name: &str,
    expected: Status,
    internet_allowed: bool,
    routes: Vec<(&str, TargetKind)>,
) -> Case {
    let mut all = vec![Route {
        destination: "10.0.0.0/16".into(),
        target: target(TargetKind::Local),
    }];
    all.extend(routes.into_iter().map(|(destination, kind)| Route {
        destination: destination.into(),
        target: target(kind),
    }));
    let table = RouteTableState {
        id: "rtb-1".into(),
        main: false,
        subnets: vec![],
        routes: all,
        associations: BTreeMap::new(),
    };
    Case::eval(
        F,
        "constructs::ec2::evaluate_route_table",
        name,
        C::NoUnrestrictedRouteToIgw,
        expected,
        vec![evaluate_route_table("private", &table, internet_allowed)],
    )
}

fn subnet(zone: &str, cidr: &str) -> SubnetState {
    SubnetState {
        id: format!("subnet-{zone}"),
        cidr: cidr.into(),
        availability_zone: zone.into(),
        az_index: None,
        map_public_ip_on_launch: false,
        assign_ipv6_on_creation: false,
    }
}

fn flow(traffic: &str, destination: &str, status: &str) -> BTreeMap<String, FlowLogState> {
    BTreeMap::from([(
        "flow".to_string(),
        FlowLogState {
            id: "fl-1".into(),
            traffic_type: traffic.into(),
            destination_type: "s3".into(),
            destination: destination.into(),
            status: status.into(),
        },
    )])
}

fn flow_case(name: &str, expected: Status, logs: BTreeMap<String, FlowLogState>) -> Case {
    Case::eval(
        F,
        "constructs::ec2::evaluate_flow_logs",
        name,
        C::VpcFlowLogsEnabled,
        expected,
        vec![evaluate_flow_logs(&logs, Some("arn:aws:s3:::acme-flow"))],
    )
}

/// A small VPC as the audit reads it: two private subnets in two zones, no gateway.
fn vpc() -> VpcState {
    VpcState {
        vpc_id: "vpc-1".into(),
        region: "us-east-1".into(),
        partition: "aws".into(),
        zones: vec!["us-east-1a".into(), "us-east-1b".into()],
        cidr: "10.0.0.0/16".into(),
        dns_support: Some(true),
        dns_hostnames: Some(true),
        subnets: BTreeMap::from([
            ("a".to_string(), subnet("us-east-1a", "10.0.0.0/24")),
            ("b".to_string(), subnet("us-east-1b", "10.0.1.0/24")),
        ]),
        route_tables: BTreeMap::new(),
        internet_gateways: BTreeMap::new(),
        nat_gateways: BTreeMap::new(),
        network_acls: BTreeMap::new(),
        security_groups: BTreeMap::new(),
        flow_logs: flow("ALL", "arn:aws:s3:::acme-flow", "ACTIVE"),
        endpoints: BTreeMap::new(),
        tags: BTreeMap::new(),
    }
}

fn judge_vpc(
    name: &str,
    control: C,
    expected: Status,
    change: impl FnOnce(&mut VpcState, &mut VpcExpectations),
) -> Case {
    let mut state = vpc();
    let mut expect = VpcExpectations::audit();
    change(&mut state, &mut expect);
    Case::eval(
        F,
        "constructs::ec2::evaluate_vpc",
        name,
        control,
        expected,
        evaluate_vpc(&state, &expect),
    )
}

/// The library's VPC as desired, changed behind its back, judged as verify judges it.
fn declared_vpc(
    name: &str,
    control: C,
    expected: Status,
    change: impl FnOnce(&mut VpcState),
) -> Case {
    let vpc = library_vpc("10.0.0.0/16").expect("valid vpc");
    let mut state = vpc.desired(&Scope::for_build());
    change(&mut state);
    // The construct adds the shared tag check to evaluate_vpc's; the table judges the VPC's.
    let checks = vpc
        .evaluate(&state)
        .into_iter()
        .filter(|c| c.control != C::ManagedResourceTagged)
        .collect();
    Case::eval(
        F,
        "constructs::ec2::evaluate_vpc",
        name,
        control,
        expected,
        checks,
    )
}

fn library_vpc(cidr: &str) -> hipaa_aws::Result<HipaaVpc> {
    let key = HipaaKey::builder().alias("net").build().expect("valid key");
    let logs = LogBucket::builder()
        .name("acme-flow")
        .key(&key)
        .build()
        .expect("valid log bucket");
    HipaaVpc::builder()
        .name("prod")
        .cidr(cidr)
        .flow_logs_to(&logs)
        .data_ports([5432])
        .interface_endpoints([InterfaceEndpoint::Kms])
        .build()
}

fn instance() -> InstanceState {
    InstanceState {
        id: "i-1".into(),
        instance_type: "m5.large".into(),
        state: "running".into(),
        public_ip: None,
        http_tokens: Some("required".into()),
        metadata_disabled: false,
        instance_profile: Some("arn:aws:iam::111122223333:instance-profile/app".into()),
        vpc_id: Some("vpc-1".into()),
        detailed_monitoring: true,
        ebs_optimized: true,
        stopped_since_secs: None,
    }
}

fn judge_instance(
    name: &str,
    control: C,
    expected: Status,
    change: impl FnOnce(&mut InstanceState),
) -> Case {
    let mut state = instance();
    change(&mut state);
    Case::eval(
        F,
        "constructs::ec2::evaluate_instance",
        name,
        control,
        expected,
        evaluate_instance(&state, NOW),
    )
}

fn ebs(
    name: &str,
    control: C,
    expected: Status,
    on: bool,
    key: &str,
    manager: Option<&str>,
) -> Case {
    let state = EbsDefaultState {
        encryption_by_default: on,
        default_kms_key: key.into(),
        key_manager: manager.map(str::to_string),
    };
    Case::eval(
        F,
        "constructs::ec2::evaluate_ebs_default",
        name,
        control,
        expected,
        evaluate_ebs_default(&state),
    )
}

pub fn cases() -> Vec<Case> {
    use Status::*;
    const KEY: &str = "arn:aws:kms:us-east-1:111122223333:key/1234";
    let mut cases = Vec::new();
    // SSH (22) and all traffic from the internet, with disguised public blocks.
    for (name, expected, rules) in [
        (
            "SSH from the VPC",
            Pass,
            vec![rule("tcp", 22, 22, "10.0.0.0/16")],
        ),
        (
            "SSH from 0.0.0.0/0",
            Fail,
            vec![rule("tcp", 22, 22, "0.0.0.0/0")],
        ),
        ("SSH from ::/0", Fail, vec![rule("tcp", 22, 22, "::/0")]),
        (
            "ports 21-23 from 0.0.0.0/0",
            Fail,
            vec![rule("tcp", 21, 23, "0.0.0.0/0")],
        ),
        (
            "port 23 only from 0.0.0.0/0",
            Pass,
            vec![rule("tcp", 23, 23, "0.0.0.0/0")],
        ),
        (
            "all traffic from 0.0.0.0/0",
            Fail,
            vec![rule("all", -1, -1, "0.0.0.0/0")],
        ),
        (
            "SSH from one public address",
            Fail,
            vec![rule("tcp", 22, 22, "203.0.113.7/32")],
        ),
        (
            "SSH from the two halves",
            Fail,
            vec![
                rule("tcp", 22, 22, "0.0.0.0/1"),
                rule("tcp", 22, 22, "128.0.0.0/1"),
            ],
        ),
        (
            "SSH from CGNAT space",
            Fail,
            vec![rule("tcp", 22, 22, "100.64.0.0/10")],
        ),
        (
            "SSH from 192.168.0.0/16",
            Pass,
            vec![rule("tcp", 22, 22, "192.168.0.0/16")],
        ),
        (
            "UDP 22 from 0.0.0.0/0",
            Pass,
            vec![rule("udp", 22, 22, "0.0.0.0/0")],
        ),
    ] {
        cases.push(sg(name, C::IncomingSshDisabled, expected, rules).edge());
    }
    for port in [20, 21, 3389, 3306, 3309, 4333] {
        cases.push(sg(
            &format!("port {port} from 0.0.0.0/0"),
            C::RestrictedIncomingTraffic,
            Fail,
            vec![rule("tcp", port, port, "0.0.0.0/0")],
        ));
    }
    cases.extend([
        sg(
            "port 3389 from the VPC",
            C::RestrictedIncomingTraffic,
            Pass,
            vec![rule("tcp", 3389, 3389, "10.0.0.0/16")],
        ),
        sg(
            "port 3390 from 0.0.0.0/0 (high-risk list)",
            C::RestrictedIncomingTraffic,
            Pass,
            vec![rule("tcp", 3390, 3390, "0.0.0.0/0")],
        )
        .edge(),
        sg(
            "ports 3300-3400 from 0.0.0.0/0",
            C::RestrictedIncomingTraffic,
            Fail,
            vec![rule("tcp", 3300, 3400, "0.0.0.0/0")],
        )
        .edge(),
        sg(
            "port 3389 from ::/0",
            C::RestrictedIncomingTraffic,
            Fail,
            vec![rule("tcp", 3389, 3389, "::/0")],
        ),
        sg_in(
            "HTTPS from 0.0.0.0/0 in the ingress tier",
            C::VpcSgOpenOnlyToAuthorizedPorts,
            Pass,
            true,
            vec![rule("tcp", 443, 443, "0.0.0.0/0")],
        ),
        sg(
            "HTTPS from 0.0.0.0/0 outside the ingress tier",
            C::VpcSgOpenOnlyToAuthorizedPorts,
            Fail,
            vec![rule("tcp", 443, 443, "0.0.0.0/0")],
        ),
        sg_in(
            "8443 from 0.0.0.0/0 in the ingress tier",
            C::VpcSgOpenOnlyToAuthorizedPorts,
            Fail,
            true,
            vec![rule("tcp", 8443, 8443, "0.0.0.0/0")],
        )
        .edge(),
        sg(
            "8080 from 0.0.0.0/0",
            C::VpcSgOpenOnlyToAuthorizedPorts,
            Fail,
            vec![rule("tcp", 8080, 8080, "0.0.0.0/0")],
        ),
        sg(
            "8080 from the VPC",
            C::VpcSgOpenOnlyToAuthorizedPorts,
            Pass,
            vec![rule("tcp", 8080, 8080, "10.0.0.0/16")],
        ),
        sg(
            "442-443 from 0.0.0.0/0",
            C::VpcSgOpenOnlyToAuthorizedPorts,
            Fail,
            vec![rule("tcp", 442, 443, "0.0.0.0/0")],
        )
        .edge(),
        sg(
            "8080 from one public address",
            C::VpcSgOpenOnlyToAuthorizedPorts,
            Fail,
            vec![rule("tcp", 8080, 8080, "198.51.100.1/32")],
        )
        .edge(),
        sg(
            "one port",
            C::SgNoAllPortsRules,
            Pass,
            vec![rule("tcp", 443, 443, "10.0.0.0/16")],
        ),
        sg(
            "every TCP port from the VPC",
            C::SgNoAllPortsRules,
            Fail,
            vec![rule("tcp", 0, 65535, "10.0.0.0/16")],
        ),
        sg(
            "every protocol from the VPC",
            C::SgNoAllPortsRules,
            Fail,
            vec![rule("all", -1, -1, "10.0.0.0/16")],
        ),
        sg(
            "ports 1-65535 from the VPC",
            C::SgNoAllPortsRules,
            Fail,
            vec![rule("tcp", 1, 65535, "10.0.0.0/16")],
        )
        .edge(),
        sg(
            "PostgreSQL from the VPC",
            C::SgAdminAndDatabasePortsInternal,
            Pass,
            vec![rule("tcp", 5432, 5432, "10.0.0.0/16")],
        ),
        sg(
            "PostgreSQL from 0.0.0.0/0",
            C::SgAdminAndDatabasePortsInternal,
            Fail,
            vec![rule("tcp", 5432, 5432, "0.0.0.0/0")],
        ),
        sg(
            "PostgreSQL from a public /32",
            C::SgAdminAndDatabasePortsInternal,
            Fail,
            vec![rule("tcp", 5432, 5432, "203.0.113.9/32")],
        )
        .edge(),
        sg(
            "SSH from the VPC (admin port internal)",
            C::SgAdminAndDatabasePortsInternal,
            Pass,
            vec![rule("tcp", 22, 22, "10.0.0.0/16")],
        ),
    ]);
    // The default group.
    cases.extend([
        Case::eval(
            F,
            "constructs::ec2::evaluate_default_security_group",
            "default group without rules",
            C::VpcDefaultSecurityGroupClosed,
            Pass,
            vec![evaluate_default_security_group(Some(&[]))],
        ),
        Case::eval(
            F,
            "constructs::ec2::evaluate_default_security_group",
            "default group allowing itself",
            C::VpcDefaultSecurityGroupClosed,
            Fail,
            vec![evaluate_default_security_group(Some(&[SgRule {
                peer: RulePeer::Group {
                    id: "sg-default".into(),
                    name: None,
                },
                ..rule("all", -1, -1, "10.0.0.0/16")
            }]))],
        ),
        Case::eval(
            F,
            "constructs::ec2::evaluate_default_security_group",
            "default group with an egress rule",
            C::VpcDefaultSecurityGroupClosed,
            Fail,
            vec![evaluate_default_security_group(Some(&[SgRule {
                egress: true,
                ..rule("all", -1, -1, "0.0.0.0/0")
            }]))],
        ),
    ]);
    // Network ACLs.
    cases.extend([
        acl(
            "HTTPS in from 0.0.0.0/0",
            Pass,
            vec![entry(100, "allow", "tcp", "0.0.0.0/0", Some((443, 443)))],
        ),
        acl(
            "everything in from 0.0.0.0/0",
            Fail,
            vec![entry(100, "allow", "all", "0.0.0.0/0", None)],
        ),
        acl(
            "everything in from the two halves",
            Fail,
            vec![
                entry(100, "allow", "all", "0.0.0.0/1", None),
                entry(110, "allow", "all", "128.0.0.0/1", None),
            ],
        )
        .edge(),
        acl(
            "everything in from the VPC",
            Pass,
            vec![entry(100, "allow", "all", "10.0.0.0/16", None)],
        ),
        acl(
            "a deny before the allow-all",
            Pass,
            vec![
                entry(90, "deny", "all", "0.0.0.0/0", None),
                entry(100, "allow", "all", "0.0.0.0/0", None),
            ],
        )
        .edge(),
        acl(
            "everything in from ::/0",
            Fail,
            vec![entry(100, "allow", "all", "::/0", None)],
        ),
        data_acl(
            "data tier: the app subnet on 5432",
            Pass,
            vec![entry(
                100,
                "allow",
                "tcp",
                "10.0.2.0/24",
                Some((5432, 5432)),
            )],
        ),
        data_acl(
            "data tier: the whole VPC on 5432",
            Fail,
            vec![entry(
                100,
                "allow",
                "tcp",
                "10.0.0.0/16",
                Some((5432, 5432)),
            )],
        )
        .edge(),
        data_acl(
            "data tier: the app subnet on 5432-5433",
            Fail,
            vec![entry(
                100,
                "allow",
                "tcp",
                "10.0.2.0/24",
                Some((5432, 5433)),
            )],
        )
        .edge(),
        data_acl(
            "data tier: a part of the app subnet on 5432",
            Pass,
            vec![entry(
                100,
                "allow",
                "tcp",
                "10.0.2.0/25",
                Some((5432, 5432)),
            )],
        )
        .edge(),
        data_acl(
            "data tier: everything from the app subnet",
            Fail,
            vec![entry(100, "allow", "all", "10.0.2.0/24", None)],
        ),
    ]);
    // Subnets.
    cases.extend([
        Case::eval(
            F,
            "constructs::ec2::evaluate_subnet",
            "no public IPs on launch",
            C::SubnetAutoAssignPublicIpDisabled,
            Pass,
            vec![evaluate_subnet("a", &subnet("us-east-1a", "10.0.0.0/24"))],
        ),
        Case::eval(
            F,
            "constructs::ec2::evaluate_subnet",
            "public IPs on launch",
            C::SubnetAutoAssignPublicIpDisabled,
            Fail,
            vec![evaluate_subnet(
                "a",
                &SubnetState {
                    map_public_ip_on_launch: true,
                    ..subnet("us-east-1a", "10.0.0.0/24")
                },
            )],
        ),
    ]);
    // Routes to an internet gateway.
    cases.extend([
        routes("local route only", Pass, false, vec![]),
        routes(
            "0.0.0.0/0 to the gateway",
            Fail,
            false,
            vec![("0.0.0.0/0", TargetKind::InternetGateway)],
        ),
        routes(
            "::/0 to the gateway",
            Fail,
            false,
            vec![("::/0", TargetKind::InternetGateway)],
        ),
        routes(
            "the two halves to the gateway",
            Fail,
            false,
            vec![
                ("0.0.0.0/1", TargetKind::InternetGateway),
                ("128.0.0.0/1", TargetKind::InternetGateway),
            ],
        )
        .edge(),
        routes(
            "one public /32 to the gateway",
            Fail,
            false,
            vec![("203.0.113.7/32", TargetKind::InternetGateway)],
        )
        .edge(),
        routes(
            "0.0.0.0/0 to a NAT gateway",
            Pass,
            false,
            vec![("0.0.0.0/0", TargetKind::NatGateway)],
        ),
        routes(
            "0.0.0.0/0 to the gateway in the ingress tier",
            Pass,
            true,
            vec![("0.0.0.0/0", TargetKind::InternetGateway)],
        ),
    ]);
    // Flow logs.
    cases.extend([
        flow_case(
            "ALL traffic to the declared bucket",
            Pass,
            flow("ALL", "arn:aws:s3:::acme-flow", "ACTIVE"),
        ),
        flow_case("no flow log", Fail, BTreeMap::new()),
        flow_case(
            "ACCEPT traffic only",
            Fail,
            flow("ACCEPT", "arn:aws:s3:::acme-flow", "ACTIVE"),
        )
        .edge(),
        flow_case(
            "REJECT traffic only",
            Fail,
            flow("REJECT", "arn:aws:s3:::acme-flow", "ACTIVE"),
        )
        .edge(),
        flow_case(
            "to another bucket",
            Fail,
            flow("ALL", "arn:aws:s3:::elsewhere", "ACTIVE"),
        ),
    ]);
    // The VPC as the audit judges it.
    for (cidr, expected) in [
        ("10.0.0.0/16", Pass),
        ("10.0.0.0/24", Pass),
        ("10.0.0.0/15", Fail),
        ("10.0.0.0/25", Fail),
        ("172.16.0.0/16", Pass),
        ("172.31.0.0/16", Pass),
        ("172.32.0.0/16", Fail),
        ("192.168.0.0/16", Pass),
        ("192.169.0.0/16", Fail),
        ("100.64.0.0/16", Fail),
        ("11.0.0.0/16", Fail),
    ] {
        cases.push(
            judge_vpc(
                &format!("VPC block {cidr}"),
                C::VpcCidrPrivate,
                expected,
                |s, _| s.cidr = cidr.into(),
            )
            .edge(),
        );
    }
    cases.extend([
        judge_vpc("subnets in two zones", C::VpcMultiAz, Pass, |_, _| {}),
        judge_vpc("subnets in one zone", C::VpcMultiAz, Fail, |s, _| {
            for subnet in s.subnets.values_mut() {
                subnet.availability_zone = "us-east-1a".into();
            }
        }),
        judge_vpc(
            "no internet gateway",
            C::InternetGatewayAuthorizedVpcOnly,
            Pass,
            |_, _| {},
        ),
        judge_vpc(
            "a gateway without an ingress tier",
            C::InternetGatewayAuthorizedVpcOnly,
            Fail,
            |s, _| {
                s.internet_gateways.insert("igw".into(), "igw-1".into());
            },
        ),
        judge_vpc(
            "a gateway for the ingress tier",
            C::InternetGatewayAuthorizedVpcOnly,
            Pass,
            |s, e| {
                s.internet_gateways.insert("igw".into(), "igw-1".into());
                e.internet_gateway_authorized = true;
            },
        ),
        judge_vpc("flow log attached", C::VpcFlowLogsEnabled, Pass, |_, _| {}),
        judge_vpc("flow log removed", C::VpcFlowLogsEnabled, Fail, |s, _| {
            s.flow_logs.clear()
        }),
        judge_vpc(
            "a subnet maps public IPs",
            C::SubnetAutoAssignPublicIpDisabled,
            Fail,
            |s, _| {
                if let Some(subnet) = s.subnets.values_mut().next() {
                    subnet.map_public_ip_on_launch = true;
                }
            },
        ),
    ]);
    // The library's VPC: tiers, endpoints, groups and ACLs as declared.
    cases.extend([
        declared_vpc("tiers as declared", C::VpcTiersSegmented, Pass, |_| {}),
        declared_vpc(
            "a subnet moved to another block",
            C::VpcTiersSegmented,
            Fail,
            |s| {
                if let Some(subnet) = s.subnets.values_mut().next() {
                    subnet.cidr = "10.0.250.0/24".into();
                }
            },
        ),
        declared_vpc(
            "endpoints as declared",
            C::VpcPrivateEndpoints,
            Pass,
            |_| {},
        ),
        declared_vpc("an endpoint removed", C::VpcPrivateEndpoints, Fail, |s| {
            s.endpoints.clear()
        }),
        declared_vpc("DNS hostnames off", C::VpcPrivateEndpoints, Fail, |s| {
            s.dns_hostnames = Some(false)
        }),
        declared_vpc("ACLs as declared", C::NaclTiersRestricted, Pass, |_| {}),
        declared_vpc(
            "the data-tier ACL removed",
            C::NaclTiersRestricted,
            Fail,
            |s| {
                let keep: Vec<String> = s
                    .network_acls
                    .keys()
                    .filter(|k| s.network_acls[*k].is_default)
                    .cloned()
                    .collect();
                s.network_acls.retain(|k, _| keep.contains(k));
            },
        ),
        declared_vpc("groups as declared", C::SgRulesAsDeclared, Pass, |_| {}),
        declared_vpc("a rule added to a group", C::SgRulesAsDeclared, Fail, |s| {
            if let Some(group) = s
                .security_groups
                .iter_mut()
                .find(|(k, _)| k.as_str() != "default")
                .map(|(_, g)| g)
            {
                group.rules.push(rule("tcp", 8080, 8080, "10.0.0.0/16"));
            }
        }),
        declared_vpc(
            "the default group as declared",
            C::VpcDefaultSecurityGroupClosed,
            Pass,
            |_| {},
        ),
    ]);
    for (cidr, expected) in [
        ("10.0.0.0/16", Pass),
        ("8.0.0.0/16", Fail),
        ("10.0.0.0/8", Fail),
        ("10.0.0.0/15", Fail),
        ("10.0.0.0/24", Pass),
        ("10.0.0.0/25", Fail),
    ] {
        cases.push(
            Case::build(
                F,
                format!("build: VPC block {cidr}"),
                C::VpcCidrPrivate,
                expected,
                library_vpc(cidr),
            )
            .edge(),
        );
    }
    // EBS.
    cases.extend([
        ebs(
            "encryption by default on",
            C::Ec2EbsEncryptionByDefault,
            Pass,
            true,
            KEY,
            Some("CUSTOMER"),
        ),
        ebs(
            "encryption by default off",
            C::Ec2EbsEncryptionByDefault,
            Fail,
            false,
            KEY,
            Some("CUSTOMER"),
        ),
        ebs(
            "default key is a customer key",
            C::EbsDefaultKeyCustomerManaged,
            Pass,
            true,
            KEY,
            Some("CUSTOMER"),
        ),
        ebs(
            "default key alias/aws/ebs",
            C::EbsDefaultKeyCustomerManaged,
            Fail,
            true,
            "alias/aws/ebs",
            None,
        ),
        ebs(
            "default key managed by AWS",
            C::EbsDefaultKeyCustomerManaged,
            Fail,
            true,
            KEY,
            Some("AWS"),
        )
        .edge(),
        Case::eval(
            F,
            "constructs::ec2::evaluate_volume",
            "encrypted volume",
            C::EncryptedVolumes,
            Pass,
            vec![evaluate_volume(&VolumeState {
                id: "vol-1".into(),
                encrypted: true,
                attached_to: vec![],
            })],
        ),
        Case::eval(
            F,
            "constructs::ec2::evaluate_volume",
            "unencrypted volume",
            C::EncryptedVolumes,
            Fail,
            vec![evaluate_volume(&VolumeState {
                id: "vol-1".into(),
                encrypted: false,
                attached_to: vec!["i-1".into()],
            })],
        ),
        Case::eval(
            F,
            "constructs::ec2::evaluate_snapshot",
            "private snapshot",
            C::EbsSnapshotPublicRestorableCheck,
            Pass,
            vec![evaluate_snapshot(&SnapshotState {
                id: "snap-1".into(),
                encrypted: true,
                public: false,
            })],
        ),
        Case::eval(
            F,
            "constructs::ec2::evaluate_snapshot",
            "public snapshot",
            C::EbsSnapshotPublicRestorableCheck,
            Fail,
            vec![evaluate_snapshot(&SnapshotState {
                id: "snap-1".into(),
                encrypted: true,
                public: true,
            })],
        ),
    ]);
    // Instances.
    cases.extend([
        judge_instance("no public IP", C::Ec2InstanceNoPublicIp, Pass, |_| {}),
        judge_instance("a public IP", C::Ec2InstanceNoPublicIp, Fail, |s| {
            s.public_ip = Some("203.0.113.5".into())
        }),
        judge_instance("IMDSv2 required", C::Ec2Imdsv2Check, Pass, |_| {}),
        judge_instance("IMDSv1 allowed", C::Ec2Imdsv2Check, Fail, |s| {
            s.http_tokens = Some("optional".into())
        }),
        judge_instance("HttpTokens unreported", C::Ec2Imdsv2Check, Fail, |s| {
            s.http_tokens = None
        }),
        judge_instance("metadata endpoint off", C::Ec2Imdsv2Check, Pass, |s| {
            s.http_tokens = Some("optional".into());
            s.metadata_disabled = true;
        })
        .edge(),
        judge_instance(
            "instance profile",
            C::Ec2InstanceProfileAttached,
            Pass,
            |_| {},
        ),
        judge_instance(
            "no instance profile",
            C::Ec2InstanceProfileAttached,
            Fail,
            |s| s.instance_profile = None,
        ),
        judge_instance("in a VPC", C::InstancesInVpc, Pass, |_| {}),
        judge_instance("outside any VPC", C::InstancesInVpc, Fail, |s| {
            s.vpc_id = None
        }),
        judge_instance(
            "detailed monitoring",
            C::Ec2InstanceDetailedMonitoringEnabled,
            Pass,
            |_| {},
        ),
        judge_instance(
            "basic monitoring",
            C::Ec2InstanceDetailedMonitoringEnabled,
            Fail,
            |s| s.detailed_monitoring = false,
        ),
        judge_instance(
            "optimizable type optimized",
            C::EbsOptimizedInstance,
            Pass,
            |s| s.instance_type = "c3.xlarge".into(),
        ),
        judge_instance(
            "optimizable type not optimized",
            C::EbsOptimizedInstance,
            Fail,
            |s| {
                s.instance_type = "c3.xlarge".into();
                s.ebs_optimized = false;
            },
        ),
        judge_instance("running", C::Ec2StoppedInstance, Pass, |_| {}),
    ]);
    // Whole days, as the AWS Config rule counts them: 30 days and 23:59:59 is still 30.
    for (days, extra, expected) in [
        (MAX_STOPPED_DAYS, 0, Pass),
        (MAX_STOPPED_DAYS, DAY - 1, Pass),
        (MAX_STOPPED_DAYS + 1, 0, Fail),
        (MAX_STOPPED_DAYS - 1, 0, Pass),
    ] {
        cases.push(
            judge_instance(
                &format!("stopped {days} days and {extra} s"),
                C::Ec2StoppedInstance,
                expected,
                |s| {
                    s.state = "stopped".into();
                    s.stopped_since_secs = Some(NOW - days * DAY - extra);
                },
            )
            .edge(),
        );
    }
    cases.push(judge_instance(
        "stopped, since when unknown",
        C::Ec2StoppedInstance,
        Error,
        |s| {
            s.state = "stopped".into();
            s.stopped_since_secs = None;
        },
    ));
    cases
}
