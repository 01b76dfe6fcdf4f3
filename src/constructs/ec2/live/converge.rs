//! Making a VPC and bringing every part of it to its desired state.
//!
//! `create` makes only the VPC (tagged), then converges like `update`: each changed setting
//! is fixed part by part, in dependency order (subnets, gateways, NAT, route tables, network
//! ACLs, security groups, endpoints, flow log). Parts are found again by their tags, so an
//! apply interrupted at any point is finished by the next one without duplicates.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use aws_sdk_ec2::client::Waiters;
use aws_sdk_ec2::types::{
    AttributeBooleanValue, ConnectivityType, DomainType, FlowLogsResourceType, IcmpTypeCode,
    LogDestinationType, PortRange, ResourceType, RuleAction, TrafficType, VpcEndpointType,
};

use crate::aws_error::AwsResultExt;
use crate::construct::{diff_states, Ctx, ResourceOutputs, SettingChange};
use crate::controls::ControlId;
use crate::env::{LOGICAL_ID_TAG, STACK_TAG};
use crate::error::{Error, Result};

use super::super::state::{
    EndpointState, GroupRulesState, NaclEntry, NatGatewayState, NetworkAclState, Route,
    RouteTableState, RouteTarget, SubnetState, TargetKind, VpcState, DEFAULT_PART, ENDPOINTS_GROUP,
    FLOW_LOG_PART, INTERNET_GATEWAY_PART, MAIN_ROUTE_TABLE,
};
use super::super::vpc::HipaaVpc;
use super::groups::{converge_rules, make_empty_group};
use super::read::{check_zone_count, network_acl_state, read_vpc_by_id, read_zones};
use super::util::{ec2_tags, filter, required, tag_spec, Owner, SERVICE};

/// Longest wait for a VPC to become available.
const VPC_WAIT: Duration = Duration::from_secs(300);
/// Longest wait for a NAT gateway to become available or deleted.
const NAT_WAIT: Duration = Duration::from_secs(900);

fn waited(operation: &'static str, error: impl std::error::Error + 'static) -> Error {
    Error::unexpected(SERVICE, operation, crate::aws_error::error_chain(&error))
}

/// Makes the VPC (tagged), then converges every part.
pub(crate) async fn create_vpc(
    ctx: &Ctx<'_>,
    vpc: &HipaaVpc,
    desired: &VpcState,
) -> Result<ResourceOutputs> {
    let resource = format!("vpc {:?}", vpc.name());
    let zones = read_zones(ctx.env).await?;
    check_zone_count(vpc, &zones, ctx.scope.region)?;
    let ec2 = ctx.env.ec2();
    let made = ec2
        .create_vpc()
        .cidr_block(&desired.cidr)
        .tag_specifications(tag_spec(ResourceType::Vpc, &desired.tags))
        .send()
        .await
        .aws(SERVICE, "CreateVpc", &resource)?;
    let vpc_id = required(
        made.vpc().and_then(|made| made.vpc_id()),
        "CreateVpc",
        "VPC id",
    )?;
    tracing::info!(vpc = vpc.name(), vpc_id = vpc_id.as_str(), "vpc created");
    ec2.wait_until_vpc_available()
        .vpc_ids(&vpc_id)
        .wait(VPC_WAIT)
        .await
        .map_err(|error| waited("DescribeVpcs (waiting for available)", error))?;
    let live = read_vpc_by_id(ctx, vpc, &vpc_id, zones).await?;
    let changes = diff_states(desired, &live.state);
    converge_vpc(ctx, vpc, &live.state, desired, &changes).await?;
    Ok(live.outputs)
}

/// Fixes each changed setting.
pub(crate) async fn converge_vpc(
    ctx: &Ctx<'_>,
    vpc: &HipaaVpc,
    live: &VpcState,
    desired: &VpcState,
    changes: &[SettingChange],
) -> Result<()> {
    let mut run = Converge {
        ctx,
        vpc,
        resource: format!("vpc {:?}", vpc.name()),
        live: live.clone(),
        desired,
        changed: changes
            .iter()
            .map(|change| change.setting.clone())
            .collect(),
    };
    run.immutable()?;
    run.tags().await?;
    run.dns().await?;
    run.subnets().await?;
    run.internet_gateway().await?;
    run.nat_gateways().await?;
    run.route_tables().await?;
    run.network_acls().await?;
    run.security_groups().await?;
    run.endpoints().await?;
    run.flow_log().await?;
    run.remove_unwanted_nat_gateways().await?;
    Ok(())
}

struct Converge<'a> {
    ctx: &'a Ctx<'a>,
    vpc: &'a HipaaVpc,
    resource: String,
    live: VpcState,
    desired: &'a VpcState,
    changed: BTreeSet<String>,
}

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
    fn changed(&self, setting: &str) -> bool {
        self.changed.contains(setting)
    }

    fn vpc_id(&self) -> &str {
        &self.live.vpc_id
    }

    fn ec2(&self) -> &aws_sdk_ec2::Client {
        self.ctx.env.ec2()
    }

    fn part_tags(&self, kind: &str, part: &str) -> BTreeMap<String, String> {
        let mut tags = self
            .ctx
            .scope
            .tags_for(&self.vpc.part_id(kind, part), false);
        tags.insert("Name".to_string(), format!("{}-{part}", self.vpc.name()));
        tags
    }

    fn refused(&self, reason: String, control: ControlId) -> Error {
        Error::Refused {
            resource: self.resource.clone(),
            reason,
            control,
        }
    }

    fn immutable(&self) -> Result<()> {
        if self.changed("cidr") {
            return Err(self.refused(
                format!(
                    "the VPC's block is {} but the spec says {}; a VPC's primary block cannot change, so the VPC would have to be replaced. \
                     Make a VPC with another name deliberately and move workloads to it",
                    self.live.cidr, self.desired.cidr
                ),
                ControlId::VpcCidrPrivate,
            ));
        }
        Ok(())
    }

    async fn tags(&mut self) -> Result<()> {
        let changed: BTreeMap<String, String> = self
            .desired
            .tags
            .iter()
            .filter(|(key, _)| self.changed(&format!("tags.{key}")))
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect();
        if !changed.is_empty() {
            self.ec2()
                .create_tags()
                .resources(self.vpc_id())
                .set_tags(Some(ec2_tags(&changed)))
                .send()
                .await
                .aws(SERVICE, "CreateTags", &self.resource)?;
        }
        Ok(())
    }

    async fn dns(&mut self) -> Result<()> {
        let on = AttributeBooleanValue::builder().value(true).build();
        if self.changed("dns.support") {
            self.ec2()
                .modify_vpc_attribute()
                .vpc_id(self.vpc_id())
                .enable_dns_support(on.clone())
                .send()
                .await
                .aws(SERVICE, "ModifyVpcAttribute", &self.resource)?;
        }
        if self.changed("dns.hostnames") {
            self.ec2()
                .modify_vpc_attribute()
                .vpc_id(self.vpc_id())
                .enable_dns_hostnames(on)
                .send()
                .await
                .aws(SERVICE, "ModifyVpcAttribute", &self.resource)?;
        }
        Ok(())
    }

    async fn subnets(&mut self) -> Result<()> {
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
    async fn make_subnet(&mut self, name: &str, wanted: &SubnetState) -> Result<()> {
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

    fn subnet_id(&self, name: &str) -> Result<String> {
        self.live
            .subnets
            .get(name)
            .map(|subnet| subnet.id.clone())
            .ok_or_else(|| Error::Conflict {
                resource: self.resource.clone(),
                reason: format!("subnet {name} is missing"),
            })
    }

    async fn internet_gateway(&mut self) -> Result<()> {
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

    async fn nat_gateways(&mut self) -> Result<()> {
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

    async fn wait_for_nat(&self, nat_id: &str) -> Result<()> {
        self.ec2()
            .wait_until_nat_gateway_available()
            .nat_gateway_ids(nat_id)
            .wait(NAT_WAIT)
            .await
            .map_err(|error| waited("DescribeNatGateways (waiting for available)", error))?;
        Ok(())
    }

    async fn make_nat(&mut self, name: &str, wanted: &NatGatewayState) -> Result<()> {
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

    async fn delete_nat(&mut self, name: &str, live: &NatGatewayState) -> Result<()> {
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

    async fn remove_unwanted_nat_gateways(&mut self) -> Result<()> {
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

    fn target_id(&self, target: &RouteTarget) -> Result<String> {
        let found = match target.kind {
            TargetKind::InternetGateway => self.live.internet_gateways.get(&target.name).cloned(),
            TargetKind::NatGateway => self
                .live
                .nat_gateways
                .get(&target.name)
                .map(|nat| nat.id.clone()),
            _ => None,
        };
        found.ok_or_else(|| Error::Conflict {
            resource: self.resource.clone(),
            reason: format!(
                "the route target {} {} is missing",
                target.name, target.name
            ),
        })
    }

    async fn put_route(&self, table_id: &str, route: &Route, replace: bool) -> Result<()> {
        let target = self.target_id(&route.target)?;
        let (is_gateway, is_nat) = (
            route.target.kind == TargetKind::InternetGateway,
            route.target.kind == TargetKind::NatGateway,
        );
        let ipv6 = route.destination.contains(':');
        if replace {
            let mut request = self.ec2().replace_route().route_table_id(table_id);
            request = if ipv6 {
                request.destination_ipv6_cidr_block(&route.destination)
            } else {
                request.destination_cidr_block(&route.destination)
            };
            if is_gateway {
                request = request.gateway_id(&target);
            }
            if is_nat {
                request = request.nat_gateway_id(&target);
            }
            request
                .send()
                .await
                .aws(SERVICE, "ReplaceRoute", &self.resource)?;
        } else {
            let mut request = self.ec2().create_route().route_table_id(table_id);
            request = if ipv6 {
                request.destination_ipv6_cidr_block(&route.destination)
            } else {
                request.destination_cidr_block(&route.destination)
            };
            if is_gateway {
                request = request.gateway_id(&target);
            }
            if is_nat {
                request = request.nat_gateway_id(&target);
            }
            request
                .send()
                .await
                .aws(SERVICE, "CreateRoute", &self.resource)?;
        }
        Ok(())
    }

    async fn delete_route(&self, table_id: &str, destination: &str) -> Result<()> {
        let mut request = self.ec2().delete_route().route_table_id(table_id);
        request = if destination.starts_with("pl-") {
            request.destination_prefix_list_id(destination)
        } else if destination.contains(':') {
            request.destination_ipv6_cidr_block(destination)
        } else {
            request.destination_cidr_block(destination)
        };
        request
            .send()
            .await
            .aws(SERVICE, "DeleteRoute", &self.resource)?;
        Ok(())
    }

    async fn route_tables(&mut self) -> Result<()> {
        let desired = self.desired;
        for (name, wanted) in &desired.route_tables {
            if !self.changed(&format!("route_table.{name}")) {
                continue;
            }
            let table = match self.live.route_tables.get(name).cloned() {
                Some(table) => table,
                None if name == MAIN_ROUTE_TABLE => {
                    return Err(Error::unexpected(
                        SERVICE,
                        "DescribeRouteTables",
                        format!("{} has no main route table", self.vpc_id()),
                    ))
                }
                None => {
                    let made = self
                        .ec2()
                        .create_route_table()
                        .vpc_id(self.vpc_id())
                        .tag_specifications(tag_spec(
                            ResourceType::RouteTable,
                            &self.part_tags("route-table", name),
                        ))
                        .send()
                        .await
                        .aws(SERVICE, "CreateRouteTable", &self.resource)?;
                    let id = required(
                        made.route_table().and_then(|table| table.route_table_id()),
                        "CreateRouteTable",
                        "route table id",
                    )?;
                    let table = RouteTableState {
                        id,
                        main: false,
                        subnets: Vec::new(),
                        routes: wanted
                            .routes
                            .iter()
                            .filter(|route| route.target.kind == TargetKind::Local)
                            .cloned()
                            .collect(),
                        associations: BTreeMap::new(),
                    };
                    self.live.route_tables.insert(name.clone(), table.clone());
                    table
                }
            };
            self.associate_route_table(name, &table, wanted).await?;
            let live_routes: Vec<Route> = table
                .managed_routes()
                .into_iter()
                .filter(|route| route.target.kind != TargetKind::Local)
                .cloned()
                .collect();
            for route in wanted
                .routes
                .iter()
                .filter(|route| route.target.kind != TargetKind::Local)
            {
                match live_routes
                    .iter()
                    .find(|live| live.destination == route.destination)
                {
                    Some(live) if live.target == route.target => {}
                    Some(_) => self.put_route(&table.id, route, true).await?,
                    None => self.put_route(&table.id, route, false).await?,
                }
            }
            for route in &live_routes {
                if !wanted
                    .routes
                    .iter()
                    .any(|wanted| wanted.destination == route.destination)
                {
                    self.delete_route(&table.id, &route.destination).await?;
                }
            }
        }
        Ok(())
    }

    async fn associate_route_table(
        &mut self,
        name: &str,
        table: &RouteTableState,
        wanted: &RouteTableState,
    ) -> Result<()> {
        for subnet in &wanted.subnets {
            if table.associations.contains_key(subnet) {
                continue;
            }
            let subnet_id = self.subnet_id(subnet)?;
            let elsewhere = self
                .live
                .route_tables
                .values()
                .find_map(|other| other.associations.get(subnet).cloned());
            let association = match elsewhere {
                Some(association) => self
                    .ec2()
                    .replace_route_table_association()
                    .association_id(association)
                    .route_table_id(&table.id)
                    .send()
                    .await
                    .aws(SERVICE, "ReplaceRouteTableAssociation", &self.resource)?
                    .new_association_id
                    .unwrap_or_default(),
                None => self
                    .ec2()
                    .associate_route_table()
                    .route_table_id(&table.id)
                    .subnet_id(subnet_id)
                    .send()
                    .await
                    .aws(SERVICE, "AssociateRouteTable", &self.resource)?
                    .association_id
                    .unwrap_or_default(),
            };
            for other in self.live.route_tables.values_mut() {
                other.associations.remove(subnet);
            }
            if let Some(live) = self.live.route_tables.get_mut(name) {
                live.associations.insert(subnet.clone(), association);
            }
        }
        for (subnet, association) in &table.associations {
            if !wanted.subnets.contains(subnet) {
                self.ec2()
                    .disassociate_route_table()
                    .association_id(association)
                    .send()
                    .await
                    .aws(SERVICE, "DisassociateRouteTable", &self.resource)?;
            }
        }
        Ok(())
    }

    async fn fresh_network_acls(&self) -> Result<BTreeMap<String, NetworkAclState>> {
        let owner = Owner::new(self.ctx.scope.stack, self.vpc.logical_id());
        let subnet_names: BTreeMap<String, String> = self
            .live
            .subnets
            .iter()
            .map(|(name, subnet)| (subnet.id.clone(), name.clone()))
            .collect();
        Ok(super::read::network_acls_of(self.ctx.env, self.vpc_id())
            .await?
            .iter()
            .map(|acl| network_acl_state(Some(&owner), acl, &subnet_names))
            .collect())
    }

    async fn put_entry(&self, acl_id: &str, entry: &NaclEntry, replace: bool) -> Result<()> {
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

    async fn network_acls(&mut self) -> Result<()> {
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

    async fn security_groups(&mut self) -> Result<()> {
        let desired = self.desired;
        for (name, wanted) in &desired.security_groups {
            if !self.changed(&format!("security_group.{name}")) {
                continue;
            }
            let live = match self.live.security_groups.get(name).cloned() {
                Some(live) => live,
                None if name == DEFAULT_PART => {
                    return Err(Error::unexpected(
                        SERVICE,
                        "DescribeSecurityGroups",
                        format!("{} has no default security group", self.vpc_id()),
                    ))
                }
                None => {
                    let id = make_empty_group(
                        self.ctx.env,
                        &self.resource,
                        self.vpc_id(),
                        &wanted.name,
                        &format!("hipaa-aws: {} of vpc {}", name, self.vpc.name()),
                        &self.part_tags("security-group", name),
                    )
                    .await?;
                    GroupRulesState {
                        id,
                        name: wanted.name.clone(),
                        rules: Vec::new(),
                    }
                }
            };
            converge_rules(
                self.ctx.env,
                &self.resource,
                &live.id,
                &live.rules,
                &wanted.rules,
            )
            .await?;
            self.live.security_groups.insert(
                name.clone(),
                GroupRulesState {
                    rules: wanted.rules.clone(),
                    ..live
                },
            );
        }
        Ok(())
    }

    fn ids_of<'b>(
        &self,
        names: impl Iterator<Item = &'b String>,
        lookup: impl Fn(&str) -> Option<String>,
        what: &str,
    ) -> Result<Vec<String>> {
        names
            .map(|name| {
                lookup(name).ok_or_else(|| Error::Conflict {
                    resource: self.resource.clone(),
                    reason: format!("{what} {name} is missing"),
                })
            })
            .collect()
    }

    async fn endpoints(&mut self) -> Result<()> {
        let desired = self.desired;
        for (name, wanted) in &desired.endpoints {
            if !self.changed(&format!("endpoint.{name}")) {
                continue;
            }
            let live = self.live.endpoints.get(name).cloned();
            let table_ids = |state: &EndpointState| {
                self.ids_of(
                    state.route_tables.iter(),
                    |table| self.live.route_tables.get(table).map(|t| t.id.clone()),
                    "route table",
                )
            };
            let subnet_ids = |state: &EndpointState| {
                self.ids_of(
                    state.subnets.iter(),
                    |subnet| self.live.subnets.get(subnet).map(|s| s.id.clone()),
                    "subnet",
                )
            };
            let group_ids = |state: &EndpointState| {
                self.ids_of(
                    state.security_groups.iter(),
                    |group| self.live.security_groups.get(group).map(|g| g.id.clone()),
                    "security group",
                )
            };
            match live {
                Some(live)
                    if live.service == wanted.service
                        && live.is_gateway() == wanted.is_gateway() =>
                {
                    let mut request = self.ec2().modify_vpc_endpoint().vpc_endpoint_id(&live.id);
                    let mut any = false;
                    if wanted.is_gateway() && live.route_tables != wanted.route_tables {
                        let want = table_ids(wanted)?;
                        let have: Vec<String> = live
                            .route_tables
                            .iter()
                            .filter_map(|table| {
                                self.live.route_tables.get(table).map(|t| t.id.clone())
                            })
                            .collect();
                        let remove: Vec<String> = live
                            .route_tables
                            .iter()
                            .filter(|table| !wanted.route_tables.contains(table))
                            .map(|table| {
                                self.live
                                    .route_tables
                                    .get(table)
                                    .map(|t| t.id.clone())
                                    .unwrap_or_else(|| table.clone())
                            })
                            .collect();
                        request = request
                            .set_add_route_table_ids(Some(
                                want.into_iter().filter(|id| !have.contains(id)).collect(),
                            ))
                            .set_remove_route_table_ids(Some(remove));
                        any = true;
                    }
                    if !wanted.is_gateway() {
                        if live.subnets != wanted.subnets {
                            let want = subnet_ids(wanted)?;
                            let remove: Vec<String> = live
                                .subnets
                                .iter()
                                .filter(|subnet| !wanted.subnets.contains(subnet))
                                .map(|subnet| {
                                    self.live
                                        .subnets
                                        .get(subnet)
                                        .map(|s| s.id.clone())
                                        .unwrap_or_else(|| subnet.clone())
                                })
                                .collect();
                            let have: Vec<String> = live
                                .subnets
                                .iter()
                                .filter_map(|subnet| {
                                    self.live.subnets.get(subnet).map(|s| s.id.clone())
                                })
                                .collect();
                            request = request
                                .set_add_subnet_ids(Some(
                                    want.into_iter().filter(|id| !have.contains(id)).collect(),
                                ))
                                .set_remove_subnet_ids(Some(remove));
                            any = true;
                        }
                        if live.security_groups != wanted.security_groups {
                            let want = group_ids(wanted)?;
                            let remove: Vec<String> = live
                                .security_groups
                                .iter()
                                .filter(|group| !wanted.security_groups.contains(group))
                                .map(|group| {
                                    self.live
                                        .security_groups
                                        .get(group)
                                        .map(|g| g.id.clone())
                                        .unwrap_or_else(|| group.clone())
                                })
                                .collect();
                            request = request
                                .set_add_security_group_ids(Some(want))
                                .set_remove_security_group_ids(Some(remove));
                            any = true;
                        }
                        if live.private_dns != wanted.private_dns {
                            request = request.private_dns_enabled(wanted.private_dns);
                            any = true;
                        }
                    }
                    if any {
                        request
                            .send()
                            .await
                            .aws(SERVICE, "ModifyVpcEndpoint", &self.resource)?;
                    }
                }
                other => {
                    if let Some(stale) = other {
                        self.ec2()
                            .delete_vpc_endpoints()
                            .vpc_endpoint_ids(&stale.id)
                            .send()
                            .await
                            .aws(SERVICE, "DeleteVpcEndpoints", &self.resource)?;
                    }
                    let mut request = self
                        .ec2()
                        .create_vpc_endpoint()
                        .vpc_id(self.vpc_id())
                        .service_name(&wanted.service)
                        .tag_specifications(tag_spec(
                            ResourceType::VpcEndpoint,
                            &self.part_tags("endpoint", name),
                        ));
                    request = if wanted.is_gateway() {
                        request
                            .vpc_endpoint_type(VpcEndpointType::Gateway)
                            .set_route_table_ids(Some(table_ids(wanted)?))
                    } else {
                        request
                            .vpc_endpoint_type(VpcEndpointType::Interface)
                            .set_subnet_ids(Some(subnet_ids(wanted)?))
                            .set_security_group_ids(Some(group_ids(wanted)?))
                            .private_dns_enabled(wanted.private_dns)
                    };
                    request
                        .send()
                        .await
                        .aws(SERVICE, "CreateVpcEndpoint", &self.resource)?;
                }
            }
        }
        if self.changed("endpoints") {
            let unwanted: Vec<String> = self
                .live
                .endpoints
                .iter()
                .filter(|(name, endpoint)| {
                    endpoint.managed && !desired.endpoints.contains_key(*name)
                })
                .map(|(_, endpoint)| endpoint.id.clone())
                .collect();
            if !unwanted.is_empty() {
                self.ec2()
                    .delete_vpc_endpoints()
                    .set_vpc_endpoint_ids(Some(unwanted))
                    .send()
                    .await
                    .aws(SERVICE, "DeleteVpcEndpoints", &self.resource)?;
            }
        }
        Ok(())
    }

    async fn flow_log(&mut self) -> Result<()> {
        let setting = format!("flow_log.{FLOW_LOG_PART}");
        if !self.changed(&setting) {
            return Ok(());
        }
        let Some(wanted) = self.desired.flow_logs.get(FLOW_LOG_PART) else {
            return Ok(());
        };
        if let Some(stale) = self.live.flow_logs.get(FLOW_LOG_PART) {
            self.ec2()
                .delete_flow_logs()
                .flow_log_ids(&stale.id)
                .send()
                .await
                .aws(SERVICE, "DeleteFlowLogs", &self.resource)?;
        }
        let made = self
            .ec2()
            .create_flow_logs()
            .resource_ids(self.vpc_id())
            .resource_type(FlowLogsResourceType::Vpc)
            .traffic_type(TrafficType::from(wanted.traffic_type.as_str()))
            .log_destination_type(LogDestinationType::from(wanted.destination_type.as_str()))
            .log_destination(&wanted.destination)
            .tag_specifications(tag_spec(
                ResourceType::VpcFlowLog,
                &self.part_tags("flow-log", FLOW_LOG_PART),
            ))
            .send()
            .await
            .aws(SERVICE, "CreateFlowLogs", &self.resource)?;
        // CreateFlowLogs reports failures in the answer, not as an error.
        if let Some(failure) = made.unsuccessful().first() {
            let error = failure.error();
            return Err(Error::Conflict {
                resource: self.resource.clone(),
                reason: format!(
                    "CreateFlowLogs did not make the flow log to {}: {}: {}",
                    wanted.destination,
                    error.and_then(|e| e.code()).unwrap_or("(no code)"),
                    error.and_then(|e| e.message()).unwrap_or("(no message)")
                ),
            });
        }
        if made.flow_log_ids().is_empty() {
            return Err(Error::unexpected(
                SERVICE,
                "CreateFlowLogs",
                "neither a flow log id nor a failure in the answer",
            ));
        }
        Ok(())
    }
}

/// Deletes the VPC and every part this library made (flow log, endpoints, NAT gateways and
/// their addresses, internet gateway, subnets, route tables, ACLs, the endpoints' group).
pub(crate) async fn delete_vpc(ctx: &Ctx<'_>, vpc: &HipaaVpc, live: &VpcState) -> Result<()> {
    let resource = format!("vpc {:?}", vpc.name());
    let ec2 = ctx.env.ec2();
    let vpc_id = live.vpc_id.as_str();
    let flow_logs: Vec<String> = live.flow_logs.values().map(|f| f.id.clone()).collect();
    if !flow_logs.is_empty() {
        ec2.delete_flow_logs()
            .set_flow_log_ids(Some(flow_logs))
            .send()
            .await
            .aws(SERVICE, "DeleteFlowLogs", &resource)?;
    }
    let endpoints: Vec<String> = live.endpoints.values().map(|e| e.id.clone()).collect();
    if !endpoints.is_empty() {
        ec2.delete_vpc_endpoints()
            .set_vpc_endpoint_ids(Some(endpoints))
            .send()
            .await
            .aws(SERVICE, "DeleteVpcEndpoints", &resource)?;
    }
    let mut run = Converge {
        ctx,
        vpc,
        resource: resource.clone(),
        live: live.clone(),
        desired: live,
        changed: BTreeSet::new(),
    };
    for (name, nat) in live.nat_gateways.clone() {
        run.delete_nat(&name, &nat).await?;
    }
    for gateway_id in live.internet_gateways.values() {
        ec2.detach_internet_gateway()
            .internet_gateway_id(gateway_id)
            .vpc_id(vpc_id)
            .send()
            .await
            .aws(SERVICE, "DetachInternetGateway", &resource)?;
        ec2.delete_internet_gateway()
            .internet_gateway_id(gateway_id)
            .send()
            .await
            .aws(SERVICE, "DeleteInternetGateway", &resource)?;
    }
    // Associations go first: AWS drops a deleted subnet's association, moto keeps it and then
    // refuses to delete the route table.
    for table in live.route_tables.values().filter(|table| !table.main) {
        for association in table.associations.values() {
            ec2.disassociate_route_table()
                .association_id(association)
                .send()
                .await
                .aws(SERVICE, "DisassociateRouteTable", &resource)?;
        }
    }
    // The same for the tiers' ACLs: their subnets go back to the default ACL before the subnets
    // go (an ACL association cannot be removed, only replaced).
    if let Some(default_acl) = live.network_acls.values().find(|acl| acl.is_default) {
        for acl in live.network_acls.values().filter(|acl| !acl.is_default) {
            for association in acl.associations.values() {
                ec2.replace_network_acl_association()
                    .association_id(association)
                    .network_acl_id(&default_acl.id)
                    .send()
                    .await
                    .aws(SERVICE, "ReplaceNetworkAclAssociation", &resource)?;
            }
        }
    }
    for subnet in live.subnets.values() {
        ec2.delete_subnet().subnet_id(&subnet.id).send().await.aws(
            SERVICE,
            "DeleteSubnet",
            &resource,
        )?;
    }
    for table in live.route_tables.values().filter(|table| !table.main) {
        ec2.delete_route_table()
            .route_table_id(&table.id)
            .send()
            .await
            .aws(SERVICE, "DeleteRouteTable", &resource)?;
    }
    for acl in live.network_acls.values().filter(|acl| !acl.is_default) {
        ec2.delete_network_acl()
            .network_acl_id(&acl.id)
            .send()
            .await
            .aws(SERVICE, "DeleteNetworkAcl", &resource)?;
    }
    if let Some(group) = live.security_groups.get(ENDPOINTS_GROUP) {
        ec2.delete_security_group()
            .group_id(&group.id)
            .send()
            .await
            .aws(SERVICE, "DeleteSecurityGroup", &resource)?;
    }
    ec2.delete_vpc()
        .vpc_id(vpc_id)
        .send()
        .await
        .aws(SERVICE, "DeleteVpc", &resource)?;
    Ok(())
}
