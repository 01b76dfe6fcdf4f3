//! The route tables of a VPC: one per subnet plus the main table, their routes (to the
//! internet or NAT gateways) and their subnet associations.

use std::collections::BTreeMap;

use aws_sdk_ec2::types::ResourceType;

use crate::aws_error::AwsResultExt;
use crate::error::{Error, Result};

use super::super::super::state::{
    Route, RouteTableState, RouteTarget, TargetKind, MAIN_ROUTE_TABLE,
};
use super::super::util::{required, tag_spec, SERVICE};
use super::Converge;

impl Converge<'_> {
    pub(super) fn target_id(&self, target: &RouteTarget) -> Result<String> {
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

    pub(super) async fn put_route(
        &self,
        table_id: &str,
        route: &Route,
        replace: bool,
    ) -> Result<()> {
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

    pub(super) async fn delete_route(&self, table_id: &str, destination: &str) -> Result<()> {
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

    pub(super) async fn route_tables(&mut self) -> Result<()> {
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

    pub(super) async fn associate_route_table(
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
}
