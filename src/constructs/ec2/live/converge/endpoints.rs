//! The endpoints of a VPC: the S3 gateway endpoint and the interface endpoints, modified in
//! place when they can be, else replaced; endpoints the spec no longer names are removed.

use aws_sdk_ec2::types::{ResourceType, VpcEndpointType};

use crate::aws_error::AwsResultExt;
use crate::error::{Error, Result};

use super::super::super::state::EndpointState;
use super::super::util::{tag_spec, SERVICE};
use super::Converge;

impl Converge<'_> {
    pub(super) fn ids_of<'b>(
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

    pub(super) async fn endpoints(&mut self) -> Result<()> {
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
}
