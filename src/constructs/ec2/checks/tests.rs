//! The network controls at their edges: public blocks that are not `0.0.0.0/0`, blocks that
//! together cover the internet, prefix lists judged by their entries, ACL entries shadowed by
//! split denies, and routes to an internet gateway that are not the default route.

use std::collections::BTreeMap;

use super::*;
use crate::constructs::ec2::rules::{PrefixListEntries, RulePeer, SgRule};
use crate::constructs::ec2::state::{
    NaclEntry, NetworkAclState, Route, RouteTableState, RouteTarget, TargetKind,
};
use crate::controls::{Check, ControlId, Status};

const VPC: &str = "10.40.0.0/16";

fn rule(protocol: &str, from: i32, to: i32, peer: RulePeer) -> SgRule {
    SgRule {
        egress: false,
        protocol: protocol.to_string(),
        from_port: from,
        to_port: to,
        peer,
        id: None,
        description: None,
        prefix_list: None,
    }
}

fn tcp(port: i32, cidr: &str) -> SgRule {
    let peer = if cidr.contains(':') {
        RulePeer::Ipv6Cidr(cidr.to_string())
    } else {
        RulePeer::Cidr(cidr.to_string())
    };
    rule("tcp", port, port, peer)
}

fn expectations(ingress_tier: bool) -> SecurityGroupExpectations {
    SecurityGroupExpectations {
        vpc_cidrs: vec![VPC.parse().expect("vpc block")],
        ingress_tier,
        judge_egress: true,
    }
}

/// The status of `control` among the checks of `rules` (on a group of the app tier).
fn status_of(rules: &[SgRule], control: ControlId) -> Status {
    status_on(rules, control, false)
}

fn status_on(rules: &[SgRule], control: ControlId, ingress_tier: bool) -> Status {
    let checks = evaluate_security_group_rules(rules, &expectations(ingress_tier));
    let found: Vec<&Check> = checks.iter().filter(|c| c.control == control).collect();
    assert_eq!(found.len(), 1, "{control}: {checks:?}");
    found[0].status
}

fn reason_of(rules: &[SgRule], control: ControlId) -> String {
    evaluate_security_group_rules(rules, &expectations(false))
        .into_iter()
        .find(|check| check.control == control)
        .map(|check| check.reason)
        .expect("checked")
}

#[test]
fn ssh_from_any_public_block_fails_and_from_private_blocks_passes() {
    for public in [
        "0.0.0.0/0",
        "0.0.0.0/1",
        "128.0.0.0/1",
        "1.2.3.4/32",
        "8.0.0.0/7",
        "100.64.0.0/10",
        "172.32.0.0/16",
        "11.0.0.0/8",
        "10.0.0.0/7",
        "::/0",
        "2001:db8::/32",
        "8000::/1",
    ] {
        let rules = [tcp(22, public)];
        assert_eq!(
            status_of(&rules, ControlId::IncomingSshDisabled),
            Status::Fail,
            "{public}"
        );
        assert_eq!(
            status_of(&rules, ControlId::VpcSgOpenOnlyToAuthorizedPorts),
            Status::Fail,
            "{public}"
        );
        assert_eq!(
            status_of(&rules, ControlId::SgAdminAndDatabasePortsInternal),
            Status::Fail,
            "{public}"
        );
    }
    for private in [
        "10.40.0.0/16",
        "10.40.1.5/32",
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "fd00::/8",
    ] {
        let rules = [tcp(22, private)];
        assert_eq!(
            status_of(&rules, ControlId::IncomingSshDisabled),
            Status::Pass,
            "{private}"
        );
        assert_eq!(
            status_of(&rules, ControlId::VpcSgOpenOnlyToAuthorizedPorts),
            Status::Pass,
            "{private}"
        );
    }
    // Private but outside the VPC: internal to the internet controls, not to the admin control.
    assert_eq!(
        status_of(
            &[tcp(22, "10.41.0.0/16")],
            ControlId::SgAdminAndDatabasePortsInternal
        ),
        Status::Fail
    );
    assert_eq!(
        status_of(
            &[tcp(22, "10.40.0.0/16")],
            ControlId::SgAdminAndDatabasePortsInternal
        ),
        Status::Pass
    );
    // IPv6 blocks of the VPC are not known: even a unique local block counts as outside.
    assert_eq!(
        status_of(
            &[tcp(22, "fd00::/8")],
            ControlId::SgAdminAndDatabasePortsInternal
        ),
        Status::Fail
    );
}

#[test]
fn the_edges_of_the_private_ranges() {
    // Just inside and just outside 10/8, 172.16/12 and 192.168/16, on a database port.
    let judge = |cidr: &str| {
        status_of(
            &[tcp(8443, cidr)],
            ControlId::VpcSgOpenOnlyToAuthorizedPorts,
        )
    };
    for (inside, outside) in [
        ("10.255.255.255/32", "11.0.0.0/32"),
        ("10.0.0.0/32", "9.255.255.255/32"),
        ("172.16.0.0/32", "172.15.255.255/32"),
        ("172.31.255.255/32", "172.32.0.0/32"),
        ("192.168.0.0/32", "192.167.255.255/32"),
        ("192.168.255.255/32", "192.169.0.0/32"),
        ("10.0.0.0/8", "10.0.0.0/7"),
        ("fc00::/7", "fc00::/6"),
    ] {
        assert_eq!(judge(inside), Status::Pass, "{inside}");
        assert_eq!(judge(outside), Status::Fail, "{outside}");
    }
}

#[test]
fn a_public_block_on_a_database_port_fails() {
    let rules = [tcp(5432, "1.2.3.4/32")];
    assert_eq!(
        status_of(&rules, ControlId::SgAdminAndDatabasePortsInternal),
        Status::Fail
    );
    assert_eq!(
        status_of(&rules, ControlId::VpcSgOpenOnlyToAuthorizedPorts),
        Status::Fail
    );
    assert_eq!(
        status_of(&rules, ControlId::IncomingSshDisabled),
        Status::Pass
    );
    assert_eq!(
        status_of(
            &[tcp(5432, "10.40.0.0/16")],
            ControlId::SgAdminAndDatabasePortsInternal
        ),
        Status::Pass
    );
}

#[test]
fn the_halves_of_the_address_space_are_open_to_everyone() {
    let halves = [tcp(22, "0.0.0.0/1"), tcp(22, "128.0.0.0/1")];
    assert_eq!(
        status_of(&halves, ControlId::IncomingSshDisabled),
        Status::Fail
    );
    let reason = reason_of(&halves, ControlId::IncomingSshDisabled);
    assert!(reason.contains("every IPv4 address"), "{reason}");
    let quarters = [
        tcp(3389, "0.0.0.0/2"),
        tcp(3389, "64.0.0.0/2"),
        tcp(3389, "128.0.0.0/2"),
        tcp(3389, "192.0.0.0/2"),
    ];
    let reason = reason_of(&quarters, ControlId::RestrictedIncomingTraffic);
    assert!(
        reason.contains("port 3389 to every IPv4 address"),
        "{reason}"
    );
    // Three quarters are still public, but not everyone.
    let reason = reason_of(&quarters[..3], ControlId::RestrictedIncomingTraffic);
    assert!(!reason.contains("every IPv4 address"), "{reason}");
    assert_eq!(
        status_of(&quarters[..3], ControlId::RestrictedIncomingTraffic),
        Status::Fail
    );
    // Halves on different ports are not everyone on either.
    let apart = [tcp(22, "0.0.0.0/1"), tcp(3389, "128.0.0.0/1")];
    let reason = reason_of(&apart, ControlId::SgAdminAndDatabasePortsInternal);
    assert!(!reason.contains("every IPv4 address"), "{reason}");
    let v6 = [tcp(22, "::/1"), tcp(22, "8000::/1")];
    let reason = reason_of(&v6, ControlId::IncomingSshDisabled);
    assert!(reason.contains("every IPv6 address"), "{reason}");
}

#[test]
fn restricted_ports_are_the_strictest_union_over_tcp_and_udp() {
    for port in [
        20, 21, 25, 110, 445, 3000, 3306, 3309, 3389, 4333, 5500, 8080, 8088,
    ] {
        assert_eq!(
            status_of(
                &[tcp(port, "203.0.113.0/24")],
                ControlId::RestrictedIncomingTraffic
            ),
            Status::Fail,
            "{port}"
        );
    }
    let udp = rule("udp", 3389, 3389, RulePeer::Cidr("1.2.3.4/32".to_string()));
    assert_eq!(
        status_of(&[udp], ControlId::RestrictedIncomingTraffic),
        Status::Fail
    );
    // Just beside a restricted port, and the same port from inside.
    assert_eq!(
        status_of(
            &[tcp(3390, "1.2.3.4/32")],
            ControlId::RestrictedIncomingTraffic
        ),
        Status::Pass
    );
    assert_eq!(
        status_of(
            &[tcp(3389, "10.40.0.0/16")],
            ControlId::RestrictedIncomingTraffic
        ),
        Status::Pass
    );
    let reason = reason_of(
        &[tcp(3389, "1.2.3.4/32")],
        ControlId::RestrictedIncomingTraffic,
    );
    assert!(
        reason.contains("strictest of AWS Config, cdk-nag and Prowler"),
        "{reason}"
    );
}

#[test]
fn https_from_public_blocks_is_authorized_only_on_the_ingress_tier() {
    for peer in ["0.0.0.0/0", "0.0.0.0/1", "198.51.100.0/24"] {
        let rules = [tcp(443, peer)];
        assert_eq!(
            status_on(&rules, ControlId::VpcSgOpenOnlyToAuthorizedPorts, true),
            Status::Pass,
            "{peer}"
        );
        assert_eq!(
            status_on(&rules, ControlId::VpcSgOpenOnlyToAuthorizedPorts, false),
            Status::Fail,
            "{peer}"
        );
        assert_eq!(
            status_on(
                &[tcp(80, peer)],
                ControlId::VpcSgOpenOnlyToAuthorizedPorts,
                true
            ),
            Status::Fail,
            "{peer}"
        );
    }
}

fn prefix_list(id: &str, entries: Option<(&[&str], bool)>) -> SgRule {
    let mut rule = rule("tcp", 22, 22, RulePeer::PrefixList(id.to_string()));
    rule.prefix_list = entries.map(|(cidrs, aws_managed)| PrefixListEntries {
        name: format!("{id}-name"),
        aws_managed,
        cidrs: cidrs.iter().map(|c| c.to_string()).collect(),
    });
    rule
}

#[test]
fn prefix_lists_are_judged_by_their_entries() {
    let private = prefix_list(
        "pl-private",
        Some((&["10.40.1.0/24", "10.40.2.0/24"], false)),
    );
    assert_eq!(
        status_of(
            std::slice::from_ref(&private),
            ControlId::IncomingSshDisabled
        ),
        Status::Pass
    );
    assert_eq!(
        status_of(&[private], ControlId::SgAdminAndDatabasePortsInternal),
        Status::Pass
    );
    // One public entry among private ones makes the list public.
    let mixed = prefix_list("pl-mixed", Some((&["10.40.1.0/24", "1.2.3.4/32"], false)));
    assert_eq!(
        status_of(std::slice::from_ref(&mixed), ControlId::IncomingSshDisabled),
        Status::Fail
    );
    let reason = reason_of(&[mixed], ControlId::IncomingSshDisabled);
    assert!(reason.contains("1.2.3.4/32"), "{reason}");
    // Entries that together cover the internet.
    let halves = prefix_list("pl-halves", Some((&["0.0.0.0/1", "128.0.0.0/1"], false)));
    let reason = reason_of(&[halves], ControlId::IncomingSshDisabled);
    assert!(reason.contains("every IPv4 address"), "{reason}");
    // Entries not known (a spec): public.
    let unknown = prefix_list("pl-unknown", None);
    assert_eq!(
        status_of(
            std::slice::from_ref(&unknown),
            ControlId::IncomingSshDisabled
        ),
        Status::Fail
    );
    let reason = reason_of(&[unknown], ControlId::IncomingSshDisabled);
    assert!(reason.contains("entries unknown"), "{reason}");
    // An AWS-managed list holds public service ranges: public.
    let s3 = prefix_list(
        "pl-63a5400a",
        Some((&["52.216.0.0/15", "3.5.0.0/19"], true)),
    );
    assert_eq!(
        status_of(
            std::slice::from_ref(&s3),
            ControlId::SgAdminAndDatabasePortsInternal
        ),
        Status::Fail
    );
    let reason = reason_of(&[s3], ControlId::SgAdminAndDatabasePortsInternal);
    assert!(reason.contains("AWS-managed"), "{reason}");
    // An empty list lets nothing in.
    let empty = prefix_list("pl-empty", Some((&[], false)));
    assert_eq!(
        status_of(&[empty], ControlId::VpcSgOpenOnlyToAuthorizedPorts),
        Status::Pass
    );
    // Egress to a prefix list is not ingress.
    let mut egress = prefix_list("pl-unknown", None);
    egress.egress = true;
    assert_eq!(
        status_of(&[egress], ControlId::VpcSgOpenOnlyToAuthorizedPorts),
        Status::Pass
    );
}

#[test]
fn groups_are_internal_and_malformed_blocks_are_public() {
    let group = rule(
        "tcp",
        22,
        22,
        RulePeer::Group {
            id: "sg-1".to_string(),
            name: None,
        },
    );
    assert_eq!(
        status_of(&[group], ControlId::IncomingSshDisabled),
        Status::Pass
    );
    assert_eq!(
        status_of(&[tcp(22, "not-a-block")], ControlId::IncomingSshDisabled),
        Status::Fail
    );
}

fn acl(entries: &[(i32, &str, &str, &str)]) -> NetworkAclState {
    NetworkAclState {
        id: String::new(),
        is_default: false,
        subnets: Vec::new(),
        entries: entries
            .iter()
            .map(|(number, action, protocol, cidr)| NaclEntry {
                egress: false,
                rule_number: *number,
                action: action.to_string(),
                protocol: protocol.to_string(),
                cidr: cidr.to_string(),
                ports: None,
            })
            .collect(),
        associations: BTreeMap::new(),
    }
}

fn nacl_status(acl: &NetworkAclState) -> Status {
    evaluate_network_acl("test", acl, &NaclExpectations::default())
        .into_iter()
        .find(|check| check.control == ControlId::NaclNoUnrestrictedIngress)
        .map(|check| check.status)
        .expect("checked")
}

#[test]
fn acl_entries_from_public_blocks_are_the_internet() {
    for public in [
        "0.0.0.0/0",
        "0.0.0.0/1",
        "1.2.3.4/32",
        "::/0",
        "100.64.0.0/10",
    ] {
        assert_eq!(
            nacl_status(&acl(&[(100, "allow", "all", public)])),
            Status::Fail,
            "{public}"
        );
    }
    assert_eq!(
        nacl_status(&acl(&[(100, "allow", "all", "10.40.0.0/16")])),
        Status::Pass
    );
    let halves = acl(&[
        (100, "allow", "all", "0.0.0.0/1"),
        (110, "allow", "all", "128.0.0.0/1"),
    ]);
    let check = evaluate_network_acl("test", &halves, &NaclExpectations::default())
        .into_iter()
        .find(|check| check.control == ControlId::NaclNoUnrestrictedIngress)
        .expect("checked");
    assert_eq!(check.status, Status::Fail);
    assert!(check.reason.contains("together"), "{}", check.reason);
}

#[test]
fn acl_denies_shadow_per_family_and_together() {
    // A deny of every IPv4 address does not shadow an IPv6 allow (it did before).
    let v6_after_v4_deny = acl(&[
        (50, "deny", "all", "0.0.0.0/0"),
        (100, "allow", "all", "::/0"),
    ]);
    assert_eq!(nacl_status(&v6_after_v4_deny), Status::Fail);
    let v4_after_v6_deny = acl(&[
        (50, "deny", "all", "::/0"),
        (100, "allow", "all", "0.0.0.0/0"),
    ]);
    assert_eq!(nacl_status(&v4_after_v6_deny), Status::Fail);
    // Two half denies shadow everything after them.
    let split_deny = acl(&[
        (10, "deny", "all", "0.0.0.0/1"),
        (20, "deny", "all", "128.0.0.0/1"),
        (100, "allow", "all", "0.0.0.0/0"),
    ]);
    assert_eq!(nacl_status(&split_deny), Status::Pass);
    // One half is not enough: the other half still comes in.
    let half_deny = acl(&[
        (10, "deny", "all", "0.0.0.0/1"),
        (100, "allow", "all", "0.0.0.0/0"),
    ]);
    assert_eq!(nacl_status(&half_deny), Status::Fail);
    // A port-specific deny shadows nothing; a deny after the allow is too late.
    let port_deny = NetworkAclState {
        entries: vec![
            NaclEntry {
                egress: false,
                rule_number: 10,
                action: "deny".to_string(),
                protocol: "tcp".to_string(),
                cidr: "0.0.0.0/0".to_string(),
                ports: Some((22, 22)),
            },
            NaclEntry {
                egress: false,
                rule_number: 100,
                action: "allow".to_string(),
                protocol: "all".to_string(),
                cidr: "0.0.0.0/0".to_string(),
                ports: None,
            },
        ],
        ..acl(&[])
    };
    assert_eq!(nacl_status(&port_deny), Status::Fail);
    let late_deny = acl(&[
        (100, "allow", "all", "0.0.0.0/0"),
        (200, "deny", "all", "0.0.0.0/0"),
    ]);
    assert_eq!(nacl_status(&late_deny), Status::Fail);
}

fn table(routes: &[(&str, TargetKind)]) -> RouteTableState {
    RouteTableState {
        id: String::new(),
        main: false,
        subnets: Vec::new(),
        routes: routes
            .iter()
            .map(|(destination, kind)| Route {
                destination: destination.to_string(),
                target: RouteTarget {
                    kind: *kind,
                    name: "igw-1".to_string(),
                },
            })
            .collect(),
        associations: BTreeMap::new(),
    }
}

#[test]
fn any_public_route_to_an_internet_gateway_counts() {
    use TargetKind::InternetGateway as Igw;
    for public in [
        "0.0.0.0/0",
        "::/0",
        "1.2.3.4/32",
        "8.0.0.0/7",
        "pl-12345678",
    ] {
        let check = evaluate_route_table("main", &table(&[(public, Igw)]), false);
        assert_eq!(check.status, Status::Fail, "{public}");
        let allowed = evaluate_route_table("ingress-1", &table(&[(public, Igw)]), true);
        assert_eq!(allowed.status, Status::Pass, "{public}");
    }
    let halves = evaluate_route_table(
        "main",
        &table(&[("0.0.0.0/1", Igw), ("128.0.0.0/1", Igw)]),
        false,
    );
    assert_eq!(halves.status, Status::Fail);
    assert!(
        halves.reason.contains("together a default route"),
        "{}",
        halves.reason
    );
    // Private destinations to a gateway reach nothing; public ones through NAT are not to the IGW.
    let private = evaluate_route_table("main", &table(&[("10.0.0.0/8", Igw)]), false);
    assert_eq!(private.status, Status::Pass);
    let nat = evaluate_route_table(
        "app-1",
        &table(&[("0.0.0.0/0", TargetKind::NatGateway)]),
        false,
    );
    assert_eq!(nat.status, Status::Pass);
}
