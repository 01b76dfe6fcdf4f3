//! Deleting a VPC with every part this library made, in the order AWS (and moto) accept.

use std::collections::BTreeSet;

use crate::aws_error::AwsResultExt;
use crate::construct::Ctx;
use crate::error::Result;

use super::super::super::state::{VpcState, ENDPOINTS_GROUP};
use super::super::super::vpc::HipaaVpc;
use super::super::util::SERVICE;
use super::Converge;

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
