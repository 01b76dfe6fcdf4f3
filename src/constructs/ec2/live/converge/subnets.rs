//! The subnets of a VPC: made (or an untagged twin of the same block adopted), never
//! replaced, and never handing out public addresses.

use aws_sdk_ec2::types::{AttributeBooleanValue, ResourceType};

use crate::aws_error::AwsResultExt;
use crate::controls::ControlId;
use crate::error::{Error, Result};

use super::super::super::state::SubnetState;
use super::super::util::{ec2_tags, required, tag_spec, SERVICE};
use super::Converge;

impl Converge<'_> {
    pub(super) async fn subnets(&mut self) -> Result<()> {
        for (name, wanted) in &self.desired.subnets {
            if !self.changed(&format!("subnet.{name}")) {
                continue;
            }
            match self.live.subnets.get(name).cloned() {
                Some(live) => {
                    if live.cidr != wanted.cidr || live.az_index != wanted.az_index {
                        return Err(self.refused(
                            format!(
                                "subnet {name} is {} but the spec says {}; a subnet's block and zone cannot change, so it would have to be replaced",
                                live.render(),
                                wanted.render()
                            ),
                            ControlId::VpcTiersSegmented,
                        ));
                    }
                }
                None => self.make_subnet(name, wanted).await?,
            }
            let Some(live) = self.live.subnets.get(name).cloned() else {
                continue;
            };
            if live.map_public_ip_on_launch {
                self.ec2()
                    .modify_subnet_attribute()
                    .subnet_id(&live.id)
                    .map_public_ip_on_launch(AttributeBooleanValue::builder().value(false).build())
                    .send()
                    .await
                    .aws(SERVICE, "ModifySubnetAttribute", &self.resource)?;
            }
            if live.assign_ipv6_on_creation {
                self.ec2()
                    .modify_subnet_attribute()
                    .subnet_id(&live.id)
                    .assign_ipv6_address_on_creation(
                        AttributeBooleanValue::builder().value(false).build(),
                    )
                    .send()
                    .await
                    .aws(SERVICE, "ModifySubnetAttribute", &self.resource)?;
            }
            if let Some(subnet) = self.live.subnets.get_mut(name) {
                subnet.map_public_ip_on_launch = false;
                subnet.assign_ipv6_on_creation = false;
            }
        }
        Ok(())
    }

    /// Makes a subnet, or adopts an untagged one of the same block in this VPC (its tags were
    /// removed): a block cannot be used twice.
    pub(super) async fn make_subnet(&mut self, name: &str, wanted: &SubnetState) -> Result<()> {
        let tags = self.part_tags("subnet", name);
        let untagged = self
            .live
            .subnets
            .iter()
            .find(|(key, subnet)| key.starts_with("subnet-") && subnet.cidr == wanted.cidr)
            .map(|(key, subnet)| (key.clone(), subnet.clone()));
        let subnet = match untagged {
            Some((key, subnet)) => {
                self.ec2()
                    .create_tags()
                    .resources(&subnet.id)
                    .set_tags(Some(ec2_tags(&tags)))
                    .send()
                    .await
                    .aws(SERVICE, "CreateTags", &self.resource)?;
                self.live.subnets.remove(&key);
                if subnet.az_index != wanted.az_index {
                    return Err(self.refused(
                        format!(
                            "subnet {} holds {name}'s block but lies in {} instead of zone #{}",
                            subnet.id,
                            subnet.availability_zone,
                            wanted.az_index.unwrap_or_default()
                        ),
                        ControlId::VpcTiersSegmented,
                    ));
                }
                subnet
            }
            None => {
                let zone = wanted
                    .az_index
                    .and_then(|index| self.live.zones.get(usize::from(index).saturating_sub(1)))
                    .cloned()
                    .ok_or_else(|| {
                        self.refused(
                            format!(
                                "subnet {name} needs zone #{} but the region has {} zones",
                                wanted.az_index.unwrap_or_default(),
                                self.live.zones.len()
                            ),
                            ControlId::VpcMultiAz,
                        )
                    })?;
                let made = self
                    .ec2()
                    .create_subnet()
                    .vpc_id(self.vpc_id())
                    .cidr_block(&wanted.cidr)
                    .availability_zone(&zone)
                    .tag_specifications(tag_spec(ResourceType::Subnet, &tags))
                    .send()
                    .await
                    .aws(SERVICE, "CreateSubnet", &self.resource)?;
                let subnet = made.subnet();
                SubnetState {
                    id: required(
                        subnet.and_then(|s| s.subnet_id()),
                        "CreateSubnet",
                        "subnet id",
                    )?,
                    cidr: wanted.cidr.clone(),
                    availability_zone: zone,
                    az_index: wanted.az_index,
                    map_public_ip_on_launch: subnet
                        .and_then(|s| s.map_public_ip_on_launch())
                        .unwrap_or(false),
                    assign_ipv6_on_creation: subnet
                        .and_then(|s| s.assign_ipv6_address_on_creation())
                        .unwrap_or(false),
                }
            }
        };
        self.live.subnets.insert(name.to_string(), subnet);
        Ok(())
    }

    pub(super) fn subnet_id(&self, name: &str) -> Result<String> {
        self.live
            .subnets
            .get(name)
            .map(|subnet| subnet.id.clone())
            .ok_or_else(|| Error::Conflict {
                resource: self.resource.clone(),
                reason: format!("subnet {name} is missing"),
            })
    }
}
