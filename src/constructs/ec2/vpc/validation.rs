//! The checks of `build()`: the values only the props can show, then the controls on the
//! desired state, every violation at once.

use std::collections::BTreeSet;

use crate::construct::{violations_of, Construct, Scope};
use crate::controls::ControlId;
use crate::error::{Error, Result, Violation, Violations};

use super::super::allocator::{allocate, Tier};
use super::super::cidr::Ipv4Cidr;
use super::super::nacl::{busiest_direction, MAX_ENTRIES_PER_DIRECTION};
use super::super::VPC_KIND;
use super::layout::custom_layout;
use super::props::{Egress, HipaaVpcProps, MAX_AZS, MIN_AZS};
use super::HipaaVpc;

fn name_problem(name: &str) -> Option<String> {
    let ok = !name.is_empty()
        && name.len() <= 48
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.starts_with('-')
        && !name.ends_with('-');
    (!ok).then(|| {
        format!("{name:?} must be 1 to 48 lowercase letters, digits and '-', not starting or ending with '-'")
    })
}

impl From<HipaaVpcProps> for Result<HipaaVpc> {
    fn from(props: HipaaVpcProps) -> Self {
        let name = props.name.trim().to_string();
        let resource = format!("vpc {name:?}");
        let mut violations = Vec::new();
        if let Some(problem) = name_problem(&name) {
            violations.push(Violation::new(
                &resource,
                "name",
                ControlId::ManagedResourceTagged,
                problem,
            ));
        }
        let cidr = props.cidr.trim().parse::<Ipv4Cidr>().ok();
        if props.azs < MIN_AZS {
            violations.push(Violation::new(
                &resource,
                "azs",
                ControlId::VpcMultiAz,
                format!(
                    "{} availability zone(s): every tier spans at least {MIN_AZS}, so one zone's failure leaves PHI reachable",
                    props.azs
                ),
            ));
        } else if props.azs > MAX_AZS {
            violations.push(Violation::new(
                &resource,
                "azs",
                ControlId::VpcMultiAz,
                format!(
                    "{} availability zones: no region has more than {MAX_AZS}",
                    props.azs
                ),
            ));
        }
        let azs = props.azs.clamp(MIN_AZS, MAX_AZS);
        let mut subnets = match (&props.subnets, cidr) {
            (Some(custom), _) => custom_layout(
                custom,
                cidr,
                azs,
                props.ingress_tier,
                &resource,
                &mut violations,
            ),
            (None, Some(block)) if (16..=24).contains(&block.prefix_len()) => {
                match allocate(block, azs) {
                    Ok(subnets) => subnets,
                    Err(reason) => {
                        violations.push(Violation::new(
                            &resource,
                            "cidr",
                            ControlId::VpcCidrPrivate,
                            reason,
                        ));
                        Vec::new()
                    }
                }
            }
            (None, _) => Vec::new(),
        };
        if !props.ingress_tier {
            subnets.retain(|subnet| subnet.tier != Tier::Ingress);
        }
        if props.egress != Egress::None {
            if !props.ingress_tier {
                violations.push(Violation::new(
                    &resource,
                    "egress",
                    ControlId::VpcTiersSegmented,
                    "NAT gateways live in the public ingress tier, which was not asked for: add .ingress_tier() or leave egress off and use endpoints",
                ));
            }
            if props.egress_ports.is_empty() || props.egress_ports.contains(&0) {
                violations.push(Violation::new(
                    &resource,
                    "egress_ports",
                    ControlId::VpcTiersSegmented,
                    "egress through NAT needs at least one TCP port, none of them 0",
                ));
            }
        }
        if props.data_ports.contains(&0) {
            violations.push(Violation::new(
                &resource,
                "data_ports",
                ControlId::NaclTiersRestricted,
                "port 0 is not a port the data tier can accept",
            ));
        }
        let mut data_ports = props.data_ports;
        data_ports.sort_unstable();
        data_ports.dedup();
        let mut egress_ports = props.egress_ports;
        egress_ports.sort_unstable();
        egress_ports.dedup();
        let mut interface_endpoints = props.interface_endpoints;
        interface_endpoints.sort();
        interface_endpoints.dedup();
        for endpoint in &interface_endpoints {
            if let Some(problem) = endpoint.problem() {
                violations.push(Violation::new(
                    &resource,
                    format!("interface_endpoints.{endpoint}"),
                    ControlId::VpcPrivateEndpoints,
                    problem,
                ));
            }
        }
        let vpc = HipaaVpc {
            id: VPC_KIND.logical_id(&name),
            name,
            cidr_text: props.cidr,
            cidr,
            azs,
            flow_logs: props.flow_logs_to,
            ingress_tier: props.ingress_tier,
            egress: props.egress,
            egress_ports,
            data_ports,
            interface_endpoints,
            subnets,
        };
        if let Some(data) = vpc.network_acls().get(Tier::Data.as_str()) {
            let busiest = busiest_direction(&data.entries);
            if busiest > MAX_ENTRIES_PER_DIRECTION {
                violations.push(Violation::new(
                    &resource,
                    "data_ports",
                    ControlId::NaclTiersRestricted,
                    format!(
                        "the data tier's network ACL would need {busiest} entries in one direction ({} app subnets × {} ports); an ACL holds {MAX_ENTRIES_PER_DIRECTION}",
                        vpc.subnets(Tier::App).subnets.len(),
                        vpc.data_ports.len()
                    ),
                ));
            }
        }
        let desired = vpc.desired(&Scope::for_build());
        violations.extend(violations_of(&resource, &vpc.evaluate(&desired)));
        dedup_violations(&mut violations);
        match Violations::from_vec(violations) {
            None => Ok(vpc),
            Some(violations) => Err(Error::Invalid(violations)),
        }
    }
}

fn dedup_violations(violations: &mut Vec<Violation>) {
    let mut seen = BTreeSet::new();
    violations.retain(|violation| {
        seen.insert((
            violation.setting.clone(),
            violation.control,
            violation.reason.clone(),
        ))
    });
}
