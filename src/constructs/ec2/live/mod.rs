//! SDK calls for the EC2 constructs: readers (usable on any resource of the account, taking
//! `&Environment`), and the create, converge and delete of each construct.

pub(crate) mod converge;
pub(crate) mod ebs;
pub(crate) mod groups;
mod inventory;
pub(crate) mod read;
mod util;

pub use ebs::read_ebs_default;
pub use groups::read_security_groups;
pub use inventory::{
    list_vpcs, read_instances, read_listed_vpc, read_public_snapshot_ids,
    read_snapshot_permissions, read_snapshots, read_volumes, SnapshotState, VolumeState,
};
pub use read::{read_vpcs, read_zones};
