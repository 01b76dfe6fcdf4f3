//! [`HipaaVpc`]: the construct, its accessors and its lifecycle. The props are in `props`,
//! the public handles other constructs hold in `handles`, the declared layout (subnets,
//! routes, ACLs, endpoints) in `layout`, and the checks of `build()` in `validation`.

mod handles;
mod layout;
mod props;
mod validation;

use std::collections::BTreeMap;

use crate::construct::{
    tags_check, Construct, Ctx, Lifecycle, Live, LogicalId, PolicyContribution, Ref, ResourceKind,
    ResourceOutputs, Scope, SettingChange,
};
use crate::controls::Check;
use crate::error::Result;

use super::allocator::{PlannedSubnet, Tier};
use super::checks::{evaluate_vpc, DeclaredVpc, VpcExpectations};
use super::cidr::Ipv4Cidr;
use super::endpoints::InterfaceEndpoint;
use super::flow_logs::FlowLogDestination;
use super::live;
use super::state::VpcState;
use super::VPC_KIND;

pub use handles::{IngressTier, SubnetGroup, SubnetInfo, VpcNetwork};
pub use props::{CustomSubnets, Egress, HipaaVpcBuilder, HipaaVpcProps, MAX_AZS, MIN_AZS};

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
