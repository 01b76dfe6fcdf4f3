//! The gateways of a VPC: the ingress tier's internet gateway, and the NAT gateways (with
//! their elastic addresses) that give the app tier egress. Half-made twins of an interrupted
//! apply (a detached gateway, an unused address) are found by their tags and reused.

use std::time::Duration;

use aws_sdk_ec2::client::Waiters;
use aws_sdk_ec2::types::{ConnectivityType, DomainType, ResourceType};

use crate::aws_error::AwsResultExt;
use crate::env::{LOGICAL_ID_TAG, STACK_TAG};
use crate::error::Result;

use super::super::super::state::{NatGatewayState, INTERNET_GATEWAY_PART};
use super::super::util::{filter, required, tag_spec, SERVICE};
use super::{waited, Converge};

/// Longest wait for a NAT gateway to become available or deleted.
const NAT_WAIT: Duration = Duration::from_secs(900);

impl Converge<'_> {
    pub(super) async fn internet_gateway(&mut self) -> Result<()> {
        if !self.changed("internet_gateway") {
            return Ok(());
        }
        let wanted = self
            .desired
            .internet_gateways
            .contains_key(INTERNET_GATEWAY_PART);
        if wanted
            && !self
                .live
                .internet_gateways
                .contains_key(INTERNET_GATEWAY_PART)
        {
            let tags = self.part_tags("internet-gateway", INTERNET_GATEWAY_PART);
            let logical = tags.get(LOGICAL_ID_TAG).cloned().unwrap_or_default();
            // A gateway an interrupted apply made but did not attach.
            let detached = self
                .ec2()
                .describe_internet_gateways()
                .filters(filter(&format!("tag:{STACK_TAG}"), [self.ctx.scope.stack]))
                .filters(filter(&format!("tag:{LOGICAL_ID_TAG}"), [logical]))
                .send()
                .await
                .aws(SERVICE, "DescribeInternetGateways", &self.resource)?
                .internet_gateways
                .unwrap_or_default()
                .into_iter()
                .find(|gateway| gateway.attachments().is_empty())
                .and_then(|gateway| gateway.internet_gateway_id().map(str::to_string));
            let gateway_id = match detached {
                Some(id) => id,
                None => required(
                    self.ec2()
                        .create_internet_gateway()
                        .tag_specifications(tag_spec(ResourceType::InternetGateway, &tags))
                        .send()
                        .await
                        .aws(SERVICE, "CreateInternetGateway", &self.resource)?
                        .internet_gateway()
                        .and_then(|gateway| gateway.internet_gateway_id()),
                    "CreateInternetGateway",
                    "gateway id",
                )?,
            };
            self.ec2()
                .attach_internet_gateway()
                .internet_gateway_id(&gateway_id)
                .vpc_id(self.vpc_id())
                .send()
                .await
                .aws(SERVICE, "AttachInternetGateway", &self.resource)?;
            self.live
                .internet_gateways
                .insert(INTERNET_GATEWAY_PART.to_string(), gateway_id);
        }
        let unwanted: Vec<(String, String)> = self
            .live
            .internet_gateways
            .iter()
            .filter(|(name, _)| !(wanted && name.as_str() == INTERNET_GATEWAY_PART))
            .map(|(name, id)| (name.clone(), id.clone()))
            .collect();
        for (name, gateway_id) in unwanted {
            self.ec2()
                .detach_internet_gateway()
                .internet_gateway_id(&gateway_id)
                .vpc_id(self.vpc_id())
                .send()
                .await
                .aws(SERVICE, "DetachInternetGateway", &self.resource)?;
            if name == INTERNET_GATEWAY_PART {
                self.ec2()
                    .delete_internet_gateway()
                    .internet_gateway_id(&gateway_id)
                    .send()
                    .await
                    .aws(SERVICE, "DeleteInternetGateway", &self.resource)?;
            }
            self.live.internet_gateways.remove(&name);
        }
        Ok(())
    }

    pub(super) async fn nat_gateways(&mut self) -> Result<()> {
        for (name, wanted) in &self.desired.nat_gateways {
            if !self.changed(&format!("nat_gateway.{name}")) {
                continue;
            }
            if let Some(live) = self.live.nat_gateways.get(name).cloned() {
                if live.subnet == wanted.subnet && live.state == "pending" {
                    self.wait_for_nat(&live.id).await?;
                    if let Some(nat) = self.live.nat_gateways.get_mut(name) {
                        nat.state = "available".to_string();
                    }
                    continue;
                }
                if live.subnet == wanted.subnet && live.state == "available" {
                    continue;
                }
                // Failed, or in the wrong subnet: NAT gateways hold no data, replace it.
                self.delete_nat(name, &live).await?;
            }
            self.make_nat(name, wanted).await?;
        }
        Ok(())
    }

    pub(super) async fn wait_for_nat(&self, nat_id: &str) -> Result<()> {
        self.ec2()
            .wait_until_nat_gateway_available()
            .nat_gateway_ids(nat_id)
            .wait(NAT_WAIT)
            .await
            .map_err(|error| waited("DescribeNatGateways (waiting for available)", error))?;
        Ok(())
    }

    pub(super) async fn make_nat(&mut self, name: &str, wanted: &NatGatewayState) -> Result<()> {
        let subnet_id = self.subnet_id(&wanted.subnet)?;
        let eip_tags = self.part_tags("eip", name);
        let logical = eip_tags.get(LOGICAL_ID_TAG).cloned().unwrap_or_default();
        // An address an interrupted apply allocated but did not use.
        let spare = self
            .ec2()
            .describe_addresses()
            .filters(filter(&format!("tag:{STACK_TAG}"), [self.ctx.scope.stack]))
            .filters(filter(&format!("tag:{LOGICAL_ID_TAG}"), [logical]))
            .send()
            .await
            .aws(SERVICE, "DescribeAddresses", &self.resource)?
            .addresses
            .unwrap_or_default()
            .into_iter()
            .find(|address| address.association_id().is_none())
            .and_then(|address| address.allocation_id().map(str::to_string));
        let allocation_id = match spare {
            Some(id) => id,
            None => required(
                self.ec2()
                    .allocate_address()
                    .domain(DomainType::Vpc)
                    .tag_specifications(tag_spec(ResourceType::ElasticIp, &eip_tags))
                    .send()
                    .await
                    .aws(SERVICE, "AllocateAddress", &self.resource)?
                    .allocation_id(),
                "AllocateAddress",
                "allocation id",
            )?,
        };
        let nat_id = required(
            self.ec2()
                .create_nat_gateway()
                .subnet_id(&subnet_id)
                .allocation_id(&allocation_id)
                .connectivity_type(ConnectivityType::Public)
                .tag_specifications(tag_spec(
                    ResourceType::Natgateway,
                    &self.part_tags("nat-gateway", name),
                ))
                .send()
                .await
                .aws(SERVICE, "CreateNatGateway", &self.resource)?
                .nat_gateway()
                .and_then(|nat| nat.nat_gateway_id()),
            "CreateNatGateway",
            "NAT gateway id",
        )?;
        self.wait_for_nat(&nat_id).await?;
        self.live.nat_gateways.insert(
            name.to_string(),
            NatGatewayState {
                id: nat_id,
                subnet: wanted.subnet.clone(),
                connectivity: "public".to_string(),
                state: "available".to_string(),
                managed: true,
            },
        );
        Ok(())
    }

    pub(super) async fn delete_nat(&mut self, name: &str, live: &NatGatewayState) -> Result<()> {
        self.ec2()
            .delete_nat_gateway()
            .nat_gateway_id(&live.id)
            .send()
            .await
            .aws(SERVICE, "DeleteNatGateway", &self.resource)?;
        self.ec2()
            .wait_until_nat_gateway_deleted()
            .nat_gateway_ids(&live.id)
            .wait(NAT_WAIT)
            .await
            .map_err(|error| waited("DescribeNatGateways (waiting for deleted)", error))?;
        self.live.nat_gateways.remove(name);
        if live.managed {
            let logical = self
                .part_tags("eip", name)
                .get(LOGICAL_ID_TAG)
                .cloned()
                .unwrap_or_default();
            let addresses = self
                .ec2()
                .describe_addresses()
                .filters(filter(&format!("tag:{LOGICAL_ID_TAG}"), [logical]))
                .send()
                .await
                .aws(SERVICE, "DescribeAddresses", &self.resource)?
                .addresses
                .unwrap_or_default();
            for address in addresses {
                if let (Some(allocation), None) =
                    (address.allocation_id(), address.association_id())
                {
                    self.ec2()
                        .release_address()
                        .allocation_id(allocation)
                        .send()
                        .await
                        .aws(SERVICE, "ReleaseAddress", &self.resource)?;
                }
            }
        }
        Ok(())
    }

    pub(super) async fn remove_unwanted_nat_gateways(&mut self) -> Result<()> {
        if !self.changed("nat_gateways") {
            return Ok(());
        }
        let unwanted: Vec<(String, NatGatewayState)> = self
            .live
            .nat_gateways
            .iter()
            .filter(|(name, nat)| nat.managed && !self.desired.nat_gateways.contains_key(*name))
            .map(|(name, nat)| (name.clone(), nat.clone()))
            .collect();
        for (name, nat) in unwanted {
            self.delete_nat(&name, &nat).await?;
        }
        Ok(())
    }
}
