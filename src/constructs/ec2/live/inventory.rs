//! Readers for the audit: every VPC (one at a time, so the caller bounds concurrency),
//! instance, EBS volume and snapshot of the account in a region.

use aws_sdk_ec2::types::{HttpTokensState, InstanceMetadataEndpointState, Vpc};
use std::collections::BTreeSet;

use serde::Serialize;

use crate::aws_error::AwsResultExt;
use crate::env::Environment;
use crate::error::Result;

use super::super::instance::{stopped_since, InstanceState};
use super::super::state::VpcState;
use super::read::read_vpc_state;
use super::util::SERVICE;

/// Every VPC of the region, as DescribeVpcs returns it (all pages).
pub async fn list_vpcs(env: &Environment) -> Result<Vec<Vpc>> {
    let mut pages = env.ec2().describe_vpcs().into_paginator().send();
    let mut vpcs = Vec::new();
    while let Some(page) = pages.next().await {
        vpcs.extend(
            page.aws(SERVICE, "DescribeVpcs", "vpcs")?
                .vpcs
                .unwrap_or_default(),
        );
    }
    Ok(vpcs)
}

/// Reads one VPC found by [`list_vpcs`] with every part, parts keyed by their ids.
pub async fn read_listed_vpc(env: &Environment, vpc: &Vpc, zones: Vec<String>) -> Result<VpcState> {
    read_vpc_state(env, vpc, None, zones).await
}

/// Every instance of the region that is not terminated (all pages).
pub async fn read_instances(env: &Environment) -> Result<Vec<InstanceState>> {
    let mut pages = env.ec2().describe_instances().into_paginator().send();
    let mut instances = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.aws(SERVICE, "DescribeInstances", "instances")?;
        for instance in page.reservations().iter().flat_map(|r| r.instances()) {
            let state = instance
                .state()
                .and_then(|state| state.name())
                .map(|name| name.as_str().to_string())
                .unwrap_or_default();
            if state == "terminated" || state == "shutting-down" {
                continue;
            }
            let metadata = instance.metadata_options();
            instances.push(InstanceState {
                id: instance.instance_id().unwrap_or_default().to_string(),
                instance_type: instance
                    .instance_type()
                    .map(|kind| kind.as_str().to_string())
                    .unwrap_or_default(),
                public_ip: instance.public_ip_address().map(str::to_string),
                http_tokens: metadata
                    .and_then(|m| m.http_tokens())
                    .map(HttpTokensState::as_str)
                    .map(str::to_string),
                metadata_disabled: metadata.and_then(|m| m.http_endpoint())
                    == Some(&InstanceMetadataEndpointState::Disabled),
                instance_profile: instance
                    .iam_instance_profile()
                    .and_then(|profile| profile.arn())
                    .map(str::to_string),
                vpc_id: instance.vpc_id().map(str::to_string),
                detailed_monitoring: instance
                    .monitoring()
                    .and_then(|m| m.state())
                    .is_some_and(|s| s.as_str() == "enabled" || s.as_str() == "pending"),
                ebs_optimized: instance.ebs_optimized().unwrap_or(false),
                stopped_since_secs: instance.state_transition_reason().and_then(stopped_since),
                state,
            });
        }
    }
    Ok(instances)
}

/// An EBS volume's settings the controls judge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VolumeState {
    /// The volume id.
    pub id: String,
    /// Encrypted at rest.
    pub encrypted: bool,
    /// The instances it is attached to.
    pub attached_to: Vec<String>,
}

/// Every EBS volume of the region (all pages).
pub async fn read_volumes(env: &Environment) -> Result<Vec<VolumeState>> {
    let mut pages = env.ec2().describe_volumes().into_paginator().send();
    let mut volumes = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.aws(SERVICE, "DescribeVolumes", "volumes")?;
        volumes.extend(page.volumes().iter().map(|volume| {
            VolumeState {
                id: volume.volume_id().unwrap_or_default().to_string(),
                encrypted: volume.encrypted().unwrap_or(false),
                attached_to: volume
                    .attachments()
                    .iter()
                    .filter_map(|a| a.instance_id().map(str::to_string))
                    .collect(),
            }
        }));
    }
    Ok(volumes)
}

/// An EBS snapshot owned by the account, and who may restore it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SnapshotState {
    /// The snapshot id.
    pub id: String,
    /// Encrypted at rest.
    pub encrypted: bool,
    /// Anyone may create a volume from it (createVolumePermission group `all`).
    pub public: bool,
}

/// The ids and encryption of every snapshot the account owns in the region (all pages); who
/// may restore them is read by [`read_public_snapshot_ids`] (all at once) or
/// [`read_snapshot_permissions`] (one).
pub async fn read_snapshots(env: &Environment) -> Result<Vec<SnapshotState>> {
    let mut pages = env
        .ec2()
        .describe_snapshots()
        .owner_ids("self")
        .into_paginator()
        .send();
    let mut snapshots = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.aws(SERVICE, "DescribeSnapshots", "snapshots")?;
        snapshots.extend(page.snapshots().iter().map(|snapshot| SnapshotState {
            id: snapshot.snapshot_id().unwrap_or_default().to_string(),
            encrypted: snapshot.encrypted().unwrap_or(false),
            public: false,
        }));
    }
    Ok(snapshots)
}

/// Whether anyone may create a volume from this one snapshot (the audit lists the public ones
/// at once with [`read_public_snapshot_ids`]).
pub async fn read_snapshot_permissions(env: &Environment, snapshot_id: &str) -> Result<bool> {
    let output = env
        .ec2()
        .describe_snapshot_attribute()
        .snapshot_id(snapshot_id)
        .attribute(aws_sdk_ec2::types::SnapshotAttributeName::CreateVolumePermission)
        .send()
        .await
        .aws(SERVICE, "DescribeSnapshotAttribute", snapshot_id)?;
    Ok(output
        .create_volume_permissions()
        .iter()
        .any(|permission| permission.group().map(|g| g.as_str()) == Some("all")))
}

/// The ids of the account's snapshots that anyone may create a volume from: one paged listing
/// (`OwnerIds=self`, `RestorableByUserIds=all`, as AWS Config's rule asks) instead of one
/// DescribeSnapshotAttribute call per snapshot. A snapshot shared with named accounts only is
/// not public.
pub async fn read_public_snapshot_ids(env: &Environment) -> Result<BTreeSet<String>> {
    let mut pages = env
        .ec2()
        .describe_snapshots()
        .owner_ids("self")
        .restorable_by_user_ids("all")
        .into_paginator()
        .send();
    let mut public = BTreeSet::new();
    while let Some(page) = pages.next().await {
        let page = page.aws(SERVICE, "DescribeSnapshots", "public snapshots")?;
        public.extend(
            page.snapshots()
                .iter()
                .filter_map(|snapshot| snapshot.snapshot_id().map(str::to_string)),
        );
    }
    Ok(public)
}
