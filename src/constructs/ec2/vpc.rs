//! [`HipaaVpc`]: props, validation, the declared layout and the desired state.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use typed_builder::TypedBuilder;

use crate::construct::{
    tags_check, violations_of, Construct, Ctx, Lifecycle, Live, LogicalId, PolicyContribution, Ref,
    ResourceKind, ResourceOutputs, Scope, SettingChange,
};
use crate::controls::{Check, ControlId};
use crate::error::{Error, Result, Violation, Violations};

use super::allocator::{
    allocate, PlannedSubnet, Tier, LARGEST_SUBNET_PREFIX, SMALLEST_SUBNET_PREFIX,
};
use super::checks::{evaluate_vpc, DeclaredVpc, VpcExpectations};
use super::cidr::Ipv4Cidr;
use super::endpoints::{service_name, InterfaceEndpoint, S3_GATEWAY};
use super::flow_logs::FlowLogDestination;
use super::live;
use super::nacl::{busiest_direction, closed_default, NaclPlan, MAX_ENTRIES_PER_DIRECTION};
use super::rules::{Protocol, Rule, SgRule, HTTPS_PORT};
use super::state::{
    EndpointState, GroupRulesState, NatGatewayState, NetworkAclState, Route, RouteTableState,
    RouteTarget, SubnetState, TargetKind, VpcState, DEFAULT_PART, ENDPOINTS_GROUP, FLOW_LOG_PART,
    INTERNET_GATEWAY_PART, MAIN_ROUTE_TABLE,
};
use super::VPC_KIND;

/// Most availability zones any region has; more is refused at build.
pub const MAX_AZS: u8 = 6;
/// Fewest availability zones a VPC of this library spans.
pub const MIN_AZS: u8 = 2;

/// How the app tier reaches the internet. There is no way for the data tier to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Egress {
    /// No route out of the VPC (the default): AWS services are reached through endpoints.
    #[default]
    None,
    /// One NAT gateway in each zone's ingress subnet; each app subnet uses its zone's.
    NatGatewayPerAz,
    /// One NAT gateway (in the first ingress subnet) for every app subnet: cheaper, but the
    /// app tier loses egress when that zone fails.
    SingleNatGateway,
}

/// Subnet blocks chosen by hand instead of by the allocator: one block per zone for each
/// tier, in zone order.
///
/// ```
/// use hipaa_aws::constructs::ec2::CustomSubnets;
/// let subnets = CustomSubnets::new()
///     .data(["10.0.0.0/24", "10.0.1.0/24"])
///     .app(["10.0.10.0/24", "10.0.11.0/24"]);
/// assert_eq!(subnets.blocks(hipaa_aws::constructs::ec2::Tier::App).len(), 2);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomSubnets {
    data: Vec<String>,
    app: Vec<String>,
    ingress: Vec<String>,
}

impl CustomSubnets {
    /// No blocks yet.
    pub fn new() -> CustomSubnets {
        CustomSubnets::default()
    }

    fn collect<I, S>(blocks: I) -> Vec<String>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        blocks.into_iter().map(Into::into).collect()
    }

    /// The data tier's blocks, one per zone.
    pub fn data<I, S>(mut self, blocks: I) -> CustomSubnets
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.data = Self::collect(blocks);
        self
    }

    /// The app tier's blocks, one per zone.
    pub fn app<I, S>(mut self, blocks: I) -> CustomSubnets
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.app = Self::collect(blocks);
        self
    }

    /// The ingress tier's blocks, one per zone (only with `.ingress_tier()`).
    pub fn ingress<I, S>(mut self, blocks: I) -> CustomSubnets
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.ingress = Self::collect(blocks);
        self
    }

    /// The blocks of one tier.
    pub fn blocks(&self, tier: Tier) -> &[String] {
        match tier {
            Tier::Data => &self.data,
            Tier::App => &self.app,
            Tier::Ingress => &self.ingress,
        }
    }
}

/// The props of a [`HipaaVpc`]; build them with [`HipaaVpc::builder`].
///
/// `name`, `cidr` and `flow_logs_to` are required: a VPC without flow logs does not compile.
/// There is no setter that turns flow logs off, maps public IPs on launch, or makes a public
/// subnet other than through `.ingress_tier()`.
#[derive(Debug, Clone, TypedBuilder)]
#[builder(
    doc,
    builder_type(
        name = HipaaVpcBuilder,
        doc = "Builds a [`HipaaVpc`]; `name`, `cidr` and `flow_logs_to` are required."
    ),
    build_method(
        into = Result<HipaaVpc>,
        doc = "Validates the props and returns the VPC, or every violation at once."
    )
)]
pub struct HipaaVpcProps {
    #[builder(setter(
        into,
        doc = "The VPC's name (lowercase letters, digits and '-'): its logical id and Name tag."
    ))]
    name: String,
    #[builder(setter(
        into,
        doc = "The VPC's block: a private range (10/8, 172.16/12, 192.168/16), a /16 to a /24."
    ))]
    cidr: String,
    #[builder(
        default = MIN_AZS,
        setter(doc = "How many availability zones every tier spans: 2 (the default) to 6, and at most the region's count.")
    )]
    azs: u8,
    #[builder(setter(
        into,
        doc = "Where flow logs of ALL traffic go (a `LogBucket`). Flow logs cannot be turned off."
    ))]
    flow_logs_to: FlowLogDestination,
    #[builder(setter(
        strip_bool,
        doc = "Adds the public ingress tier (subnets, an internet gateway and a default route to it) for internet-facing load balancers. Without it nothing in the VPC is reachable from the internet."
    ))]
    ingress_tier: bool,
    #[builder(
        default,
        setter(
            doc = "How the app tier reaches the internet: not at all (the default), or through NAT gateways in the ingress tier."
        )
    )]
    egress: Egress,
    #[builder(
        default = vec![HTTPS_PORT],
        setter(
            transform = |ports: impl IntoIterator<Item = u16>| ports.into_iter().collect(),
            doc = "The TCP ports the app tier may reach on the internet through NAT (443 by default)."
        )
    )]
    egress_ports: Vec<u16>,
    #[builder(
        default,
        setter(
            transform = |ports: impl IntoIterator<Item = u16>| ports.into_iter().collect(),
            doc = "The TCP ports the data tier accepts, from the app subnets only (none by default)."
        )
    )]
    data_ports: Vec<u16>,
    #[builder(
        default,
        setter(
            transform = |endpoints: impl IntoIterator<Item = InterfaceEndpoint>| endpoints.into_iter().collect(),
            doc = "Interface endpoints (with private DNS) in the app subnets, e.g. KMS, CloudWatch Logs, STS. The S3 gateway endpoint is always made."
        )
    )]
    interface_endpoints: Vec<InterfaceEndpoint>,
    #[builder(
        default,
        setter(
            strip_option,
            doc = "Subnet blocks chosen by hand instead of by the allocator."
        )
    )]
    subnets: Option<CustomSubnets>,
}

/// A VPC for PHI workloads: private tiers over at least two availability zones, locked
/// default security group and network ACL, flow logs of ALL traffic to a [`LogBucket`],
/// per-tier network ACLs, and private endpoints for AWS services.
///
/// - `data` subnets: no route out of the VPC; their network ACL accepts only the app subnets
///   on the ports you name.
/// - `app` subnets: no route out, or out through NAT gateways when `egress` asks for it.
/// - `ingress` subnets (only with `.ingress_tier()`): the internet gateway and its default
///   route live here, for load balancers.
///
/// No subnet hands out public IP addresses; DNS support and hostnames are on; an S3 gateway
/// endpoint serves the app tier.
///
/// [`LogBucket`]: crate::LogBucket
///
/// ```
/// use hipaa_aws::prelude::*;
/// let key = HipaaKey::builder().alias("logs").build()?;
/// let logs = LogBucket::builder().name("acme-logs").key(&key).build()?;
/// let vpc = HipaaVpc::builder()
///     .name("prod")
///     .cidr("10.20.0.0/16")
///     .flow_logs_to(&logs)
///     .data_ports([5432])
///     .interface_endpoints([InterfaceEndpoint::Kms, InterfaceEndpoint::Logs])
///     .build()?;
/// assert_eq!(vpc.azs(), 2);
/// assert_eq!(vpc.data_subnets().cidrs()[0].to_string(), "10.20.0.0/19");
/// # Ok::<(), hipaa_aws::Error>(())
/// ```
///
/// A VPC without flow logs does not compile:
///
/// ```compile_fail
/// let vpc = hipaa_aws::HipaaVpc::builder().name("prod").cidr("10.20.0.0/16").build();
/// ```
#[derive(Debug, Clone)]
pub struct HipaaVpc {
    id: LogicalId,
    name: String,
    cidr_text: String,
    cidr: Option<Ipv4Cidr>,
    azs: u8,
    flow_logs: FlowLogDestination,
    ingress_tier: bool,
    egress: Egress,
    egress_ports: Vec<u16>,
    data_ports: Vec<u16>,
    interface_endpoints: Vec<InterfaceEndpoint>,
    subnets: Vec<PlannedSubnet>,
}

/// What other constructs know of a VPC before it exists: its reference, block, subnets and
/// whether it has an ingress tier. Made with `From<&HipaaVpc>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VpcNetwork {
    vpc: Ref<HipaaVpc>,
    cidr: Option<Ipv4Cidr>,
    ingress_tier: bool,
}

impl VpcNetwork {
    /// The VPC.
    pub fn vpc(&self) -> &Ref<HipaaVpc> {
        &self.vpc
    }

    /// The VPC's block (`None` when the VPC's spec was invalid).
    pub fn cidr(&self) -> Option<Ipv4Cidr> {
        self.cidr
    }

    /// True when the VPC asked for an ingress tier.
    pub fn has_ingress_tier(&self) -> bool {
        self.ingress_tier
    }
}

impl From<&HipaaVpc> for VpcNetwork {
    fn from(vpc: &HipaaVpc) -> Self {
        VpcNetwork {
            vpc: vpc.reference(),
            cidr: vpc.cidr,
            ingress_tier: vpc.ingress_tier,
        }
    }
}

/// Proof that a VPC asked for its ingress tier: the only way to mark a security group for
/// the ingress tier. Obtained from [`HipaaVpc::ingress_tier`]; it has no public constructor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngressTier {
    vpc: LogicalId,
}

impl IngressTier {
    /// The VPC whose ingress tier this is.
    pub fn vpc(&self) -> &LogicalId {
        &self.vpc
    }
}

/// The subnets of one tier of a VPC, for constructs placed in them (a database's subnet
/// group takes the data subnets). Their ids are resolved at apply time with
/// [`SubnetGroup::resolve`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubnetGroup {
    vpc: Ref<HipaaVpc>,
    tier: Tier,
    subnets: Vec<PlannedSubnet>,
}

/// One subnet of a [`SubnetGroup`], as found in the account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubnetInfo {
    /// Its part name, e.g. `data-1`.
    pub part: String,
    /// The subnet id.
    pub subnet_id: String,
    /// Its block.
    pub cidr: String,
    /// Its availability zone.
    pub availability_zone: String,
}

impl SubnetGroup {
    /// The VPC.
    pub fn vpc(&self) -> &Ref<HipaaVpc> {
        &self.vpc
    }

    /// The tier.
    pub fn tier(&self) -> Tier {
        self.tier
    }

    /// The blocks, in zone order.
    pub fn cidrs(&self) -> Vec<Ipv4Cidr> {
        self.subnets.iter().map(|subnet| subnet.cidr).collect()
    }

    /// The part names, in zone order (`data-1`, `data-2`, …).
    pub fn parts(&self) -> Vec<String> {
        self.subnets.iter().map(PlannedSubnet::part).collect()
    }

    /// The subnets as they exist in the account, found by the VPC's tags. Fails when the VPC
    /// has not been made yet (the caller must depend on it) or a subnet is missing.
    pub async fn resolve(&self, ctx: &Ctx<'_>) -> Result<Vec<SubnetInfo>> {
        let vpc_id = ctx
            .scope
            .outputs_of(self.vpc.id())
            .map(|outputs| outputs.physical_id.clone())
            .ok_or_else(|| Error::Conflict {
                resource: format!("vpc {:?}", self.vpc.name()),
                reason: format!(
                    "its {} subnets are needed but the VPC is not made yet: depend on {}",
                    self.tier,
                    self.vpc.id()
                ),
            })?;
        live::read::find_subnets(ctx, &vpc_id, self.vpc.id(), &self.parts()).await
    }
}

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

impl HipaaVpc {
    /// Starts a builder.
    pub fn builder() -> HipaaVpcBuilder {
        HipaaVpcProps::builder()
    }

    /// The VPC's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The VPC's block (`None` only inside a refused spec).
    pub fn cidr(&self) -> Option<Ipv4Cidr> {
        self.cidr
    }

    /// How many availability zones every tier spans.
    pub fn azs(&self) -> u8 {
        self.azs
    }

    /// How the app tier reaches the internet.
    pub fn egress(&self) -> Egress {
        self.egress
    }

    /// The ports the data tier accepts from the app subnets.
    pub fn data_ports(&self) -> &[u16] {
        &self.data_ports
    }

    /// A typed reference for other constructs.
    pub fn reference(&self) -> Ref<HipaaVpc> {
        Ref::new(self.id.clone(), self.name.clone())
    }

    /// What security groups and other constructs need to know of the VPC.
    pub fn network(&self) -> VpcNetwork {
        VpcNetwork::from(self)
    }

    /// The proof that this VPC has an ingress tier, when it asked for one.
    pub fn ingress_tier(&self) -> Option<IngressTier> {
        self.ingress_tier.then(|| IngressTier {
            vpc: self.id.clone(),
        })
    }

    /// The subnets of a tier (empty for the ingress tier when it was not asked for).
    pub fn subnets(&self, tier: Tier) -> SubnetGroup {
        SubnetGroup {
            vpc: self.reference(),
            tier,
            subnets: self
                .subnets
                .iter()
                .filter(|subnet| subnet.tier == tier)
                .copied()
                .collect(),
        }
    }

    /// The isolated data subnets (for databases).
    pub fn data_subnets(&self) -> SubnetGroup {
        self.subnets(Tier::Data)
    }

    /// The private app subnets.
    pub fn app_subnets(&self) -> SubnetGroup {
        self.subnets(Tier::App)
    }

    /// The logical id of one part, e.g. `vpc/prod/subnet/data-1`.
    pub(crate) fn part_id(&self, kind: &str, part: &str) -> LogicalId {
        LogicalId::new(&format!("{}/{kind}", self.id), part)
    }

    pub(crate) fn logical_id(&self) -> &LogicalId {
        &self.id
    }

    /// Where the flow logs go.
    pub fn flow_logs(&self) -> &FlowLogDestination {
        &self.flow_logs
    }

    /// The name of the security group of the interface endpoints.
    pub(crate) fn endpoints_group_name(&self) -> String {
        format!("{}-vpc-endpoints", self.name)
    }

    fn tier_parts(&self, tier: Tier) -> Vec<String> {
        let mut parts: Vec<String> = self
            .subnets
            .iter()
            .filter(|subnet| subnet.tier == tier)
            .map(PlannedSubnet::part)
            .collect();
        parts.sort();
        parts
    }

    fn nat_for(&self, az: u8) -> Option<String> {
        match self.egress {
            Egress::None => None,
            Egress::NatGatewayPerAz => Some(format!("nat-{az}")),
            Egress::SingleNatGateway => Some("nat-1".to_string()),
        }
    }

    fn route_tables(&self, cidr: &str) -> BTreeMap<String, RouteTableState> {
        let local = Route {
            destination: cidr.to_string(),
            target: RouteTarget {
                kind: TargetKind::Local,
                name: "local".to_string(),
            },
        };
        let table = |subnets: Vec<String>, main: bool, extra: Option<Route>| {
            let mut routes = vec![local.clone()];
            routes.extend(extra);
            routes.sort();
            RouteTableState {
                id: String::new(),
                main,
                subnets,
                routes,
                associations: BTreeMap::new(),
            }
        };
        let mut tables = BTreeMap::new();
        tables.insert(MAIN_ROUTE_TABLE.to_string(), table(Vec::new(), true, None));
        for subnet in &self.subnets {
            let extra = match subnet.tier {
                Tier::Data => None,
                Tier::App => self.nat_for(subnet.az).map(|nat| Route {
                    destination: "0.0.0.0/0".to_string(),
                    target: RouteTarget {
                        kind: TargetKind::NatGateway,
                        name: nat,
                    },
                }),
                Tier::Ingress => Some(Route {
                    destination: "0.0.0.0/0".to_string(),
                    target: RouteTarget {
                        kind: TargetKind::InternetGateway,
                        name: INTERNET_GATEWAY_PART.to_string(),
                    },
                }),
            };
            tables.insert(subnet.part(), table(vec![subnet.part()], false, extra));
        }
        tables
    }

    fn nat_gateways(&self) -> BTreeMap<String, NatGatewayState> {
        let zones: Vec<u8> = match self.egress {
            Egress::None => Vec::new(),
            Egress::NatGatewayPerAz => (1..=self.azs).collect(),
            Egress::SingleNatGateway => vec![1],
        };
        zones
            .into_iter()
            .map(|az| {
                (
                    format!("nat-{az}"),
                    NatGatewayState {
                        id: String::new(),
                        subnet: Tier::Ingress.part(az),
                        connectivity: "public".to_string(),
                        state: "available".to_string(),
                        managed: true,
                    },
                )
            })
            .collect()
    }

    fn network_acls(&self) -> BTreeMap<String, NetworkAclState> {
        let Some(vpc) = self.cidr else {
            return BTreeMap::new();
        };
        let app: Vec<Ipv4Cidr> = self.subnets(Tier::App).cidrs();
        let egress_ports = (self.egress != Egress::None).then_some(self.egress_ports.as_slice());
        let plan = NaclPlan {
            vpc,
            app_subnets: &app,
            data_ports: &self.data_ports,
            egress_ports,
        };
        let acl = |subnets: Vec<String>, entries, is_default| NetworkAclState {
            id: String::new(),
            is_default,
            subnets,
            entries,
            associations: BTreeMap::new(),
        };
        let mut acls = BTreeMap::new();
        acls.insert(
            Tier::Data.as_str().to_string(),
            acl(self.tier_parts(Tier::Data), plan.data(), false),
        );
        acls.insert(
            Tier::App.as_str().to_string(),
            acl(self.tier_parts(Tier::App), plan.app(), false),
        );
        if self.ingress_tier {
            acls.insert(
                Tier::Ingress.as_str().to_string(),
                acl(self.tier_parts(Tier::Ingress), plan.ingress(), false),
            );
        }
        acls.insert(
            DEFAULT_PART.to_string(),
            acl(Vec::new(), closed_default(), true),
        );
        acls
    }

    /// The rules of the interface endpoints' group: HTTPS from the VPC, nothing out.
    pub(crate) fn endpoints_group_rules(&self) -> Vec<SgRule> {
        let rule = Rule {
            protocol: Protocol::Tcp,
            from_port: HTTPS_PORT,
            to_port: HTTPS_PORT,
            peer: super::rules::Peer::Cidr(self.cidr_text.trim().to_string()),
            description: Some("HTTPS to the VPC endpoints from inside the VPC".to_string()),
        };
        vec![rule.normalized(false, &Scope::for_build())]
    }

    fn endpoints(&self, region: &str) -> BTreeMap<String, EndpointState> {
        let mut endpoints = BTreeMap::new();
        endpoints.insert(
            S3_GATEWAY.to_string(),
            EndpointState {
                id: String::new(),
                service: service_name(region, S3_GATEWAY),
                endpoint_type: "Gateway".to_string(),
                route_tables: self.tier_parts(Tier::App),
                subnets: Vec::new(),
                security_groups: Vec::new(),
                private_dns: false,
                state: "available".to_string(),
                managed: true,
            },
        );
        for endpoint in &self.interface_endpoints {
            endpoints.insert(
                endpoint.service().to_string(),
                EndpointState {
                    id: String::new(),
                    service: endpoint.service_name(region),
                    endpoint_type: "Interface".to_string(),
                    route_tables: Vec::new(),
                    subnets: self.tier_parts(Tier::App),
                    security_groups: vec![ENDPOINTS_GROUP.to_string()],
                    private_dns: true,
                    state: "available".to_string(),
                    managed: true,
                },
            );
        }
        endpoints
    }

    /// The declared state of the VPC and every part, without tags or ids.
    pub(crate) fn declared(&self, region: &str, partition: &str) -> VpcState {
        let cidr = self.cidr_text.trim().to_string();
        let subnets = self
            .subnets
            .iter()
            .map(|subnet| {
                (
                    subnet.part(),
                    SubnetState {
                        id: String::new(),
                        cidr: subnet.cidr.to_string(),
                        availability_zone: String::new(),
                        az_index: Some(subnet.az),
                        map_public_ip_on_launch: false,
                        assign_ipv6_on_creation: false,
                    },
                )
            })
            .collect();
        let mut security_groups = BTreeMap::new();
        security_groups.insert(
            DEFAULT_PART.to_string(),
            GroupRulesState {
                id: String::new(),
                name: "default".to_string(),
                rules: Vec::new(),
            },
        );
        if !self.interface_endpoints.is_empty() {
            security_groups.insert(
                ENDPOINTS_GROUP.to_string(),
                GroupRulesState {
                    id: String::new(),
                    name: self.endpoints_group_name(),
                    rules: self.endpoints_group_rules(),
                },
            );
        }
        let mut flow_logs = BTreeMap::new();
        flow_logs.insert(FLOW_LOG_PART.to_string(), self.flow_logs.desired(partition));
        let mut internet_gateways = BTreeMap::new();
        if self.ingress_tier {
            internet_gateways.insert(INTERNET_GATEWAY_PART.to_string(), String::new());
        }
        VpcState {
            vpc_id: String::new(),
            region: region.to_string(),
            partition: partition.to_string(),
            zones: Vec::new(),
            route_tables: self.route_tables(&cidr),
            cidr,
            dns_support: Some(true),
            dns_hostnames: Some(true),
            subnets,
            internet_gateways,
            nat_gateways: self.nat_gateways(),
            network_acls: self.network_acls(),
            security_groups,
            flow_logs,
            endpoints: self.endpoints(region),
            tags: BTreeMap::new(),
        }
    }

    /// What the controls expect of this VPC, in `region` and `partition`.
    pub fn expectations(&self, region: &str, partition: &str) -> VpcExpectations {
        VpcExpectations {
            flow_log_destination: Some(self.flow_logs.arn(partition)),
            internet_route_tables: self.tier_parts(Tier::Ingress),
            internet_gateway_authorized: self.ingress_tier,
            declared: Some(DeclaredVpc {
                state: self.declared(region, partition),
                azs: self.azs,
                app_subnets: self.subnets(Tier::App).cidrs(),
                data_ports: self.data_ports.clone(),
            }),
        }
    }

    /// The tags of the VPC itself.
    pub(crate) fn tags(&self, scope: &Scope<'_>) -> BTreeMap<String, String> {
        let mut tags = scope.tags_for(&self.id, false);
        tags.insert("Name".to_string(), self.name.clone());
        tags
    }
}

impl From<&HipaaVpc> for Ref<HipaaVpc> {
    fn from(vpc: &HipaaVpc) -> Self {
        vpc.reference()
    }
}

/// Lays out the subnets from custom blocks, collecting every problem.
fn custom_layout(
    custom: &CustomSubnets,
    vpc: Option<Ipv4Cidr>,
    azs: u8,
    ingress_tier: bool,
    resource: &str,
    violations: &mut Vec<Violation>,
) -> Vec<PlannedSubnet> {
    let mut subnets = Vec::new();
    for tier in Tier::ALL {
        let blocks = custom.blocks(tier);
        if tier == Tier::Ingress && !ingress_tier {
            if !blocks.is_empty() {
                violations.push(Violation::new(
                    resource,
                    "subnets.ingress",
                    ControlId::VpcTiersSegmented,
                    "ingress blocks were given but the ingress tier was not asked for (.ingress_tier())",
                ));
            }
            continue;
        }
        if blocks.len() != usize::from(azs) {
            violations.push(Violation::new(
                resource,
                format!("subnets.{tier}"),
                ControlId::VpcMultiAz,
                format!(
                    "the {tier} tier needs one block per zone ({azs}), not {}",
                    blocks.len()
                ),
            ));
        }
        for (index, text) in blocks.iter().enumerate() {
            let az = u8::try_from(index + 1).unwrap_or(u8::MAX);
            match text.parse::<Ipv4Cidr>() {
                Err(error) => violations.push(Violation::new(
                    resource,
                    format!("subnets.{}", tier.part(az)),
                    ControlId::VpcTiersSegmented,
                    error.to_string(),
                )),
                Ok(cidr) => {
                    if !(LARGEST_SUBNET_PREFIX..=SMALLEST_SUBNET_PREFIX)
                        .contains(&cidr.prefix_len())
                    {
                        violations.push(Violation::new(
                            resource,
                            format!("subnets.{}", tier.part(az)),
                            ControlId::VpcTiersSegmented,
                            format!("{cidr}: a subnet is a /{LARGEST_SUBNET_PREFIX} to a /{SMALLEST_SUBNET_PREFIX}"),
                        ));
                    }
                    if index < usize::from(azs) {
                        subnets.push(PlannedSubnet { tier, az, cidr });
                    }
                }
            }
        }
    }
    if let Some(vpc) = vpc {
        for subnet in &subnets {
            if !vpc.contains(&subnet.cidr) {
                violations.push(Violation::new(
                    resource,
                    format!("subnets.{}", subnet.part()),
                    ControlId::VpcTiersSegmented,
                    format!("{} lies outside the VPC's {vpc}", subnet.cidr),
                ));
            }
        }
    }
    for (index, subnet) in subnets.iter().enumerate() {
        for other in &subnets[index + 1..] {
            if subnet.cidr.overlaps(&other.cidr) {
                violations.push(Violation::new(
                    resource,
                    format!("subnets.{}", other.part()),
                    ControlId::VpcTiersSegmented,
                    format!(
                        "{} ({}) overlaps {} ({})",
                        other.part(),
                        other.cidr,
                        subnet.part(),
                        subnet.cidr
                    ),
                ));
            }
        }
    }
    subnets
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
            id: LogicalId::new("vpc", &name),
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

impl Construct for HipaaVpc {
    type State = VpcState;

    fn id(&self) -> &LogicalId {
        &self.id
    }

    fn kind(&self) -> ResourceKind {
        VPC_KIND
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn dependencies(&self) -> Vec<LogicalId> {
        self.flow_logs.dependencies()
    }

    fn desired(&self, scope: &Scope<'_>) -> VpcState {
        let mut state = self.declared(scope.region, scope.partition);
        state.tags = self.tags(scope);
        state
    }

    fn evaluate(&self, state: &VpcState) -> Vec<Check> {
        let mut checks = evaluate_vpc(state, &self.expectations(&state.region, &state.partition));
        checks.push(tags_check(&state.tags));
        checks
    }
}

impl Lifecycle for HipaaVpc {
    fn policy_contributions(&self, scope: &Scope<'_>) -> Vec<PolicyContribution> {
        self.flow_logs.contributions(scope)
    }

    async fn read(&self, ctx: &Ctx<'_>) -> Result<Option<Live<VpcState>>> {
        live::read::read_vpc(ctx, self).await
    }

    async fn create(&self, ctx: &Ctx<'_>, desired: &VpcState) -> Result<ResourceOutputs> {
        live::converge::create_vpc(ctx, self, desired).await
    }

    async fn update(
        &self,
        ctx: &Ctx<'_>,
        live: &Live<VpcState>,
        desired: &VpcState,
        changes: &[SettingChange],
    ) -> Result<()> {
        live::converge::converge_vpc(ctx, self, &live.state, desired, changes).await
    }

    async fn deletion_guard(
        &self,
        _ctx: &Ctx<'_>,
        _live: &Live<VpcState>,
    ) -> Result<Option<String>> {
        Ok(None)
    }

    async fn delete(&self, ctx: &Ctx<'_>, live: &Live<VpcState>) -> Result<()> {
        live::converge::delete_vpc(ctx, self, &live.state).await
    }
}
