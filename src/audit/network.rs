//! EC2 networking and instances in an audit: every VPC (with its subnets, route tables,
//! network ACLs, internet gateways, flow logs and default security group), every security
//! group and every instance of the region, judged with the checks `HipaaVpc` and
//! `SecurityGroup` use. Findings land on the part they are about (subnet, route table, ACL).

use std::collections::BTreeMap;

use futures::stream::{self, StreamExt};

use crate::construct::ResourceKind;
use crate::constructs::ec2::{
    evaluate_instance, evaluate_security_group_rules, evaluate_vpc, list_vpcs, read_instances,
    read_listed_vpc, read_security_groups, read_zones, SecurityGroupExpectations, VpcExpectations,
    VpcState, INSTANCE_KIND, SECURITY_GROUP_KIND, VPC_KIND,
};
use crate::controls::{Check, ControlId};
use crate::error::Result;

use super::scan::{Judged, RegionScan};

const SUBNET: ResourceKind = ResourceKind::new("AWS::EC2::Subnet", "subnet");
const ROUTE_TABLE: ResourceKind = ResourceKind::new("AWS::EC2::RouteTable", "route table");
const NETWORK_ACL: ResourceKind = ResourceKind::new("AWS::EC2::NetworkAcl", "network acl");

const VPC_CONTROLS: [ControlId; 6] = [
    ControlId::VpcFlowLogsEnabled,
    ControlId::VpcDefaultSecurityGroupClosed,
    ControlId::NoUnrestrictedRouteToIgw,
    ControlId::SubnetAutoAssignPublicIpDisabled,
    ControlId::InternetGatewayAuthorizedVpcOnly,
    ControlId::NaclNoUnrestrictedIngress,
];
const GROUP_CONTROLS: [ControlId; 5] = [
    ControlId::IncomingSshDisabled,
    ControlId::RestrictedIncomingTraffic,
    ControlId::VpcSgOpenOnlyToAuthorizedPorts,
    ControlId::SgAdminAndDatabasePortsInternal,
    ControlId::SgNoAllPortsRules,
];
const INSTANCE_CONTROLS: [ControlId; 7] = [
    ControlId::Ec2InstanceNoPublicIp,
    ControlId::Ec2Imdsv2Check,
    ControlId::Ec2InstanceProfileAttached,
    ControlId::InstancesInVpc,
    ControlId::Ec2InstanceDetailedMonitoringEnabled,
    ControlId::EbsOptimizedInstance,
    ControlId::Ec2StoppedInstance,
];

/// The ARN of an EC2 resource of this region (`kind` as in ARNs: `vpc`, `subnet`, ...).
pub(super) fn ec2_arn(scan: &RegionScan, kind: &str, id: &str) -> String {
    format!(
        "arn:{}:ec2:{}:{}:{kind}/{id}",
        scan.env.partition(),
        scan.region,
        scan.account_id
    )
}

pub(super) async fn scan(scan: &RegionScan) -> Judged {
    let (vpcs, groups, instances) =
        tokio::join!(scan_vpcs(scan), scan_groups(scan), scan_instances(scan));
    let mut judged = vpcs;
    judged.extend(groups);
    judged.extend(instances);
    judged
}

async fn scan_vpcs(scan: &RegionScan) -> Judged {
    let mut judged = Judged::default();
    let (vpcs, zones) = match tokio::try_join!(list_vpcs(&scan.env), read_zones(&scan.env)) {
        Ok(found) => found,
        Err(error) => {
            let arn = ec2_arn(scan, "vpc", "*");
            scan.unreadable(VPC_KIND, &arn, &VPC_CONTROLS, &error, &mut judged);
            return judged;
        }
    };
    let results: Vec<(String, Result<VpcState>)> = stream::iter(vpcs)
        .map(|vpc| {
            let zones = zones.clone();
            async move {
                let id = vpc.vpc_id().unwrap_or_default().to_string();
                (id, read_listed_vpc(&scan.env, &vpc, zones).await)
            }
        })
        .buffer_unordered(scan.concurrency)
        .collect()
        .await;
    for (id, state) in results {
        match state {
            Ok(state) => judge_vpc(scan, &state, &mut judged),
            Err(error) => {
                let arn = ec2_arn(scan, "vpc", &id);
                scan.unreadable(VPC_KIND, &arn, &VPC_CONTROLS, &error, &mut judged);
            }
        }
    }
    judged
}

/// The part a check of `evaluate_vpc` is about, from its setting (`subnet.<id>`, ...).
fn part_of(scan: &RegionScan, state: &VpcState, setting: &str) -> (ResourceKind, String) {
    let id_of = |name: &str, id: Option<&String>| id.cloned().unwrap_or_else(|| name.to_string());
    if let Some(name) = setting.strip_prefix("subnet.") {
        let id = id_of(name, state.subnets.get(name).map(|s| &s.id));
        return (SUBNET, ec2_arn(scan, "subnet", &id));
    }
    if let Some(name) = setting.strip_prefix("route_table.") {
        let id = id_of(name, state.route_tables.get(name).map(|t| &t.id));
        return (ROUTE_TABLE, ec2_arn(scan, "route-table", &id));
    }
    if let Some(name) = setting.strip_prefix("network_acl.") {
        let id = id_of(name, state.network_acls.get(name).map(|a| &a.id));
        return (NETWORK_ACL, ec2_arn(scan, "network-acl", &id));
    }
    if let Some(name) = setting.strip_prefix("security_group.")
        && let Some(group) = state.security_groups.get(name)
    {
        return (
            SECURITY_GROUP_KIND,
            ec2_arn(scan, "security-group", &group.id),
        );
    }
    (VPC_KIND, ec2_arn(scan, "vpc", &state.vpc_id))
}

fn judge_vpc(scan: &RegionScan, state: &VpcState, judged: &mut Judged) {
    let mut parts: BTreeMap<String, (ResourceKind, Vec<Check>)> = BTreeMap::new();
    for check in evaluate_vpc(state, &VpcExpectations::audit()) {
        let (kind, arn) = part_of(scan, state, &check.setting);
        parts
            .entry(arn)
            .or_insert_with(|| (kind, Vec::new()))
            .1
            .push(check);
    }
    for (arn, (kind, checks)) in parts {
        scan.judge(kind, &arn, &checks, judged);
    }
}

async fn scan_groups(scan: &RegionScan) -> Judged {
    let mut judged = Judged::default();
    match read_security_groups(&scan.env, None).await {
        Ok(groups) => {
            for group in groups {
                let checks = evaluate_security_group_rules(
                    &group.rules,
                    &SecurityGroupExpectations::audit(&group),
                );
                let arn = ec2_arn(scan, "security-group", &group.group_id);
                scan.judge(SECURITY_GROUP_KIND, &arn, &checks, &mut judged);
            }
        }
        Err(error) => {
            let arn = ec2_arn(scan, "security-group", "*");
            scan.unreadable(
                SECURITY_GROUP_KIND,
                &arn,
                &GROUP_CONTROLS,
                &error,
                &mut judged,
            );
        }
    }
    judged
}

async fn scan_instances(scan: &RegionScan) -> Judged {
    let mut judged = Judged::default();
    match read_instances(&scan.env).await {
        Ok(instances) => {
            let now = super::now_secs();
            for instance in instances {
                let arn = ec2_arn(scan, "instance", &instance.id);
                let checks = evaluate_instance(&instance, now);
                scan.judge(INSTANCE_KIND, &arn, &checks, &mut judged);
            }
        }
        Err(error) => {
            let arn = ec2_arn(scan, "instance", "*");
            scan.unreadable(INSTANCE_KIND, &arn, &INSTANCE_CONTROLS, &error, &mut judged);
        }
    }
    judged
}
