//! The props of a [`HipaaVpc`]: what a user may ask of a VPC, and nothing a HIPAA rule flags.

use serde::Serialize;
use typed_builder::TypedBuilder;

use crate::error::Result;

use super::super::allocator::Tier;
use super::super::endpoints::InterfaceEndpoint;
use super::super::flow_logs::FlowLogDestination;
use super::super::rules::HTTPS_PORT;
use super::HipaaVpc;

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
    pub(super) name: String,
    #[builder(setter(
        into,
        doc = "The VPC's block: a private range (10/8, 172.16/12, 192.168/16), a /16 to a /24."
    ))]
    pub(super) cidr: String,
    #[builder(
        default = MIN_AZS,
        setter(doc = "How many availability zones every tier spans: 2 (the default) to 6, and at most the region's count.")
    )]
    pub(super) azs: u8,
    #[builder(setter(
        into,
        doc = "Where flow logs of ALL traffic go (a `LogBucket`). Flow logs cannot be turned off."
    ))]
    pub(super) flow_logs_to: FlowLogDestination,
    #[builder(setter(
        strip_bool,
        doc = "Adds the public ingress tier (subnets, an internet gateway and a default route to it) for internet-facing load balancers. Without it nothing in the VPC is reachable from the internet."
    ))]
    pub(super) ingress_tier: bool,
    #[builder(
        default,
        setter(
            doc = "How the app tier reaches the internet: not at all (the default), or through NAT gateways in the ingress tier."
        )
    )]
    pub(super) egress: Egress,
    #[builder(
        default = vec![HTTPS_PORT],
        setter(
            transform = |ports: impl IntoIterator<Item = u16>| ports.into_iter().collect(),
            doc = "The TCP ports the app tier may reach on the internet through NAT (443 by default)."
        )
    )]
    pub(super) egress_ports: Vec<u16>,
    #[builder(
        default,
        setter(
            transform = |ports: impl IntoIterator<Item = u16>| ports.into_iter().collect(),
            doc = "The TCP ports the data tier accepts, from the app subnets only (none by default)."
        )
    )]
    pub(super) data_ports: Vec<u16>,
    #[builder(
        default,
        setter(
            transform = |endpoints: impl IntoIterator<Item = InterfaceEndpoint>| endpoints.into_iter().collect(),
            doc = "Interface endpoints (with private DNS) in the app subnets, e.g. KMS, CloudWatch Logs, STS. The S3 gateway endpoint is always made."
        )
    )]
    pub(super) interface_endpoints: Vec<InterfaceEndpoint>,
    #[builder(
        default,
        setter(
            strip_option,
            doc = "Subnet blocks chosen by hand instead of by the allocator."
        )
    )]
    pub(super) subnets: Option<CustomSubnets>,
}
