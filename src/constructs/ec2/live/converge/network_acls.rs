//! The network ACLs of a VPC: the tiers' ACLs (made, their entries converged, their subnets
//! associated) and the closed default ACL.

use std::collections::BTreeMap;

use aws_sdk_ec2::types::{IcmpTypeCode, PortRange, ResourceType, RuleAction};

use crate::aws_error::AwsResultExt;
use crate::error::{Error, Result};

use super::super::super::state::{NaclEntry, NetworkAclState};
use super::super::read::{network_acl_state, network_acls_of};
use super::super::util::{required, tag_spec, Owner, SERVICE};
use super::Converge;

fn protocol_number(protocol: &str) -> &str {
    match protocol {
        "all" => "-1",
        "tcp" => "6",
        "udp" => "17",
        "icmp" => "1",
        other => other,
    }
}

impl Converge<'_> {
    pub(super) async fn fresh_network_acls(&self) -> Result<BTreeMap<String, NetworkAclState>> {
        let owner = Owner::new(self.ctx.scope.stack, self.vpc.logical_id());
        let subnet_names: BTreeMap<String, String> = self
            .live
            .subnets
            .iter()
            .map(|(name, subnet)| (subnet.id.clone(), name.clone()))
            .collect();
        Ok(network_acls_of(self.ctx.env, self.vpc_id())
            .await?
            .iter()
            .map(|acl| network_acl_state(Some(&owner), acl, &subnet_names))
            .collect())
    }

    pub(super) async fn put_entry(
        &self,
        acl_id: &str,
        entry: &NaclEntry,
        replace: bool,
    ) -> Result<()> {
        let action = if entry.action == "deny" {
            RuleAction::Deny
        } else {
            RuleAction::Allow
        };
        let ports = entry
            .ports
            .map(|(from, to)| PortRange::builder().from(from).to(to).build());
        let icmp =
            (entry.protocol == "icmp").then(|| IcmpTypeCode::builder().r#type(-1).code(-1).build());
        let ipv6 = entry.cidr.contains(':');
        if replace {
            let mut request = self
                .ec2()
                .replace_network_acl_entry()
                .network_acl_id(acl_id)
                .rule_number(entry.rule_number)
                .egress(entry.egress)
                .protocol(protocol_number(&entry.protocol))
                .rule_action(action)
                .set_port_range(ports)
                .set_icmp_type_code(icmp);
            request = if ipv6 {
                request.ipv6_cidr_block(&entry.cidr)
            } else {
                request.cidr_block(&entry.cidr)
            };
            request
                .send()
                .await
                .aws(SERVICE, "ReplaceNetworkAclEntry", &self.resource)?;
        } else {
            let mut request = self
                .ec2()
                .create_network_acl_entry()
                .network_acl_id(acl_id)
                .rule_number(entry.rule_number)
                .egress(entry.egress)
                .protocol(protocol_number(&entry.protocol))
                .rule_action(action)
                .set_port_range(ports)
                .set_icmp_type_code(icmp);
            request = if ipv6 {
                request.ipv6_cidr_block(&entry.cidr)
            } else {
                request.cidr_block(&entry.cidr)
            };
            request
                .send()
                .await
                .aws(SERVICE, "CreateNetworkAclEntry", &self.resource)?;
        }
        Ok(())
    }

    pub(super) async fn network_acls(&mut self) -> Result<()> {
        let desired = self.desired;
        if !desired
            .network_acls
            .keys()
            .any(|name| self.changed(&format!("network_acl.{name}")))
        {
            return Ok(());
        }
        let mut acls = self.fresh_network_acls().await?;
        for (name, wanted) in &desired.network_acls {
            if !self.changed(&format!("network_acl.{name}")) {
                continue;
            }
            let acl = match acls.get(name).cloned() {
                Some(acl) => acl,
                None if wanted.is_default => {
                    return Err(Error::unexpected(
                        SERVICE,
                        "DescribeNetworkAcls",
                        format!("{} has no default network ACL", self.vpc_id()),
                    ))
                }
                None => {
                    let made = self
                        .ec2()
                        .create_network_acl()
                        .vpc_id(self.vpc_id())
                        .tag_specifications(tag_spec(
                            ResourceType::NetworkAcl,
                            &self.part_tags("network-acl", name),
                        ))
                        .send()
                        .await
                        .aws(SERVICE, "CreateNetworkAcl", &self.resource)?;
                    let acl = NetworkAclState {
                        id: required(
                            made.network_acl().and_then(|acl| acl.network_acl_id()),
                            "CreateNetworkAcl",
                            "network ACL id",
                        )?,
                        is_default: false,
                        subnets: Vec::new(),
                        entries: Vec::new(),
                        associations: BTreeMap::new(),
                    };
                    acls.insert(name.clone(), acl.clone());
                    acl
                }
            };
            for entry in &wanted.entries {
                match acl.entries.iter().find(|live| {
                    live.egress == entry.egress && live.rule_number == entry.rule_number
                }) {
                    Some(live) if live == entry => {}
                    Some(_) => self.put_entry(&acl.id, entry, true).await?,
                    None => self.put_entry(&acl.id, entry, false).await?,
                }
            }
            for live in &acl.entries {
                if !wanted.entries.iter().any(|entry| {
                    entry.egress == live.egress && entry.rule_number == live.rule_number
                }) {
                    self.ec2()
                        .delete_network_acl_entry()
                        .network_acl_id(&acl.id)
                        .rule_number(live.rule_number)
                        .egress(live.egress)
                        .send()
                        .await
                        .aws(SERVICE, "DeleteNetworkAclEntry", &self.resource)?;
                }
            }
            if wanted.is_default {
                continue;
            }
            for subnet in &wanted.subnets {
                if acl.associations.contains_key(subnet) {
                    continue;
                }
                let current = acls
                    .values()
                    .find_map(|other| other.associations.get(subnet).cloned())
                    .ok_or_else(|| Error::Conflict {
                        resource: self.resource.clone(),
                        reason: format!("subnet {subnet} has no network ACL association"),
                    })?;
                let association = self
                    .ec2()
                    .replace_network_acl_association()
                    .association_id(current)
                    .network_acl_id(&acl.id)
                    .send()
                    .await
                    .aws(SERVICE, "ReplaceNetworkAclAssociation", &self.resource)?
                    .new_association_id
                    .unwrap_or_default();
                for other in acls.values_mut() {
                    other.associations.remove(subnet);
                }
                if let Some(live) = acls.get_mut(name) {
                    live.associations.insert(subnet.clone(), association);
                }
            }
        }
        self.live.network_acls = acls;
        Ok(())
    }
}
