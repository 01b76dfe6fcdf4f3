//! Amazon VPC, EC2 networking and EBS account defaults: [`HipaaVpc`] (private tiers, locked
//! defaults, flow logs, endpoints), [`SecurityGroup`] and [`SecurityGroupRules`] (groups
//! that name each other without dependency cycles), and [`EbsEncryptionByDefault`].

mod allocator;
mod checks;
mod cidr;
mod ebs;
mod endpoints;
mod flow_logs;
mod instance;
mod live;
mod nacl;
mod rules;
mod security_group;
mod security_group_rules;
mod state;
mod vpc;

use crate::construct::ResourceKind;

pub use allocator::{allocate, subnet_prefix, PlannedSubnet, Tier, SMALLEST_SUBNET_PREFIX};
pub use checks::{
    effective_allows, evaluate_default_security_group, evaluate_ebs_default, evaluate_flow_logs,
    evaluate_network_acl, evaluate_route_table, evaluate_security_group_rules, evaluate_snapshot,
    evaluate_subnet, evaluate_volume, evaluate_vpc, rules_as_declared, DeclaredVpc,
    NaclExpectations, SecurityGroupExpectations, VpcExpectations,
};
pub use cidr::{CidrError, Ipv4Cidr, ANYWHERE_IPV4, PRIVATE_RANGES};
pub use ebs::{
    ebs_grant_statement, EbsDefaultState, EbsEncryptionByDefault, EbsEncryptionByDefaultBuilder,
    EbsEncryptionByDefaultProps,
};
pub use endpoints::{service_name, InterfaceEndpoint, S3_GATEWAY};
pub use flow_logs::{
    flow_log_acl_check, flow_log_delivery, flow_log_key_use, FlowLogDestination,
    LOG_DELIVERY_SERVICE,
};
pub use instance::{
    evaluate_instance, stopped_since, InstanceState, EBS_OPTIMIZABLE_TYPES, INSTANCE_KIND,
    MAX_STOPPED_DAYS,
};
pub use live::{
    list_vpcs, read_ebs_default, read_instances, read_listed_vpc, read_public_snapshot_ids,
    read_security_groups, read_snapshot_permissions, read_snapshots, read_volumes, read_vpcs,
    read_zones, SnapshotState, VolumeState,
};
// The rule machinery of security groups, for any service that makes a group of its own (the
// database does): the one interface other services use, instead of reaching into `live`.
#[cfg_attr(not(feature = "rds"), allow(unused_imports))]
pub(crate) use live::groups::{converge_rules, make_empty_group, read_rules};
pub use nacl::{EPHEMERAL_PORTS, MAX_ENTRIES_PER_DIRECTION};
pub use rules::{
    Peer, PrefixListEntries, Protocol, Rule, RulePeer, SgRule, ADMIN_PORTS,
    COMMON_RESTRICTED_PORTS, DATABASE_PORTS, HTTPS_PORT, RESTRICTED_INCOMING_PORTS,
};
pub use security_group::{
    GroupHandle, SecurityGroup, SecurityGroupBuilder, SecurityGroupProps, SecurityGroupState,
};
pub use security_group_rules::{
    SecurityGroupRules, SecurityGroupRulesBuilder, SecurityGroupRulesProps, SecurityGroupRulesState,
};
pub use state::{
    EndpointState, FlowLogState, GroupRulesState, NaclEntry, NatGatewayState, NetworkAclState,
    Route, RouteTableState, RouteTarget, SubnetState, TargetKind, VpcState, DEFAULT_PART,
    ENDPOINTS_GROUP, FLOW_LOG_PART, INTERNET_GATEWAY_PART, MAIN_ROUTE_TABLE,
};
pub use vpc::{
    CustomSubnets, Egress, HipaaVpc, HipaaVpcBuilder, HipaaVpcProps, IngressTier, SubnetGroup,
    SubnetInfo, VpcNetwork, MAX_AZS, MIN_AZS,
};

/// The tag key marking a security group of a VPC's ingress tier (value `ingress`).
pub const NETWORK_TIER_TAG: &str = "hipaa-aws:network-tier";

/// A VPC with all its parts.
pub const VPC_KIND: ResourceKind = ResourceKind::construct("AWS::EC2::VPC", "vpc", "vpc");
/// A security group.
pub const SECURITY_GROUP_KIND: ResourceKind = ResourceKind::construct(
    "AWS::EC2::SecurityGroup",
    "security group",
    "security-group",
);
/// The rules of one security group.
pub const SECURITY_GROUP_RULES_KIND: ResourceKind = ResourceKind::construct(
    "AWS::EC2::SecurityGroupRule",
    "sg rules",
    "security-group-rules",
);
/// The account's EBS encryption default in a region.
pub const EBS_DEFAULT_KIND: ResourceKind = ResourceKind::construct(
    "AWS::EC2::EBSEncryptionByDefault",
    "ebs default",
    "ebs-encryption-by-default",
);

use crate::controls::coverage::Evaluator;

/// The evaluators of this module and the controls each judges (see
/// [`crate::controls::coverage`]).
pub(crate) const EVALUATORS: &[Evaluator] = &[
    Evaluator {
        name: "constructs::ec2::evaluate_default_security_group",
        covers: checks::EVALUATE_DEFAULT_SECURITY_GROUP_COVERS,
    },
    Evaluator {
        name: "constructs::ec2::evaluate_ebs_default",
        covers: checks::EVALUATE_EBS_DEFAULT_COVERS,
    },
    Evaluator {
        name: "constructs::ec2::evaluate_flow_logs",
        covers: checks::EVALUATE_FLOW_LOGS_COVERS,
    },
    Evaluator {
        name: "constructs::ec2::evaluate_network_acl",
        covers: checks::EVALUATE_NETWORK_ACL_COVERS,
    },
    Evaluator {
        name: "constructs::ec2::evaluate_route_table",
        covers: checks::EVALUATE_ROUTE_TABLE_COVERS,
    },
    Evaluator {
        name: "constructs::ec2::evaluate_security_group_rules",
        covers: checks::EVALUATE_SECURITY_GROUP_RULES_COVERS,
    },
    Evaluator {
        name: "constructs::ec2::evaluate_snapshot",
        covers: checks::EVALUATE_SNAPSHOT_COVERS,
    },
    Evaluator {
        name: "constructs::ec2::evaluate_subnet",
        covers: checks::EVALUATE_SUBNET_COVERS,
    },
    Evaluator {
        name: "constructs::ec2::evaluate_volume",
        covers: checks::EVALUATE_VOLUME_COVERS,
    },
    Evaluator {
        name: "constructs::ec2::evaluate_vpc",
        covers: checks::EVALUATE_VPC_COVERS,
    },
    Evaluator {
        name: "constructs::ec2::evaluate_instance",
        covers: instance::EVALUATE_INSTANCE_COVERS,
    },
];

/// The types of this module most programs need; re-exported at the crate root and in
/// [`crate::prelude`].
pub mod prelude {
    pub use super::{
        CustomSubnets, EbsEncryptionByDefault, Egress, HipaaVpc, InterfaceEndpoint, Peer, Protocol,
        Rule, SecurityGroup, SecurityGroupRules, Tier,
    };
}
