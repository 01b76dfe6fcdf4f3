//! What other constructs hold of a VPC: its network, the proof of its ingress tier, and the
//! subnets of a tier (resolved to ids at apply time).

use serde::Serialize;

use crate::construct::{Ctx, LogicalId, Ref};
use crate::error::{Error, Result};

use super::super::allocator::{PlannedSubnet, Tier};
use super::super::cidr::Ipv4Cidr;
use super::super::live;
use super::HipaaVpc;

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
    pub(super) vpc: LogicalId,
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
    pub(super) vpc: Ref<HipaaVpc>,
    pub(super) tier: Tier,
    pub(super) subnets: Vec<PlannedSubnet>,
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
