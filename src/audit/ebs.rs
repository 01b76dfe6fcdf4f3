//! EBS in an audit: the region's encryption default and its key, every volume (encrypted) and
//! every snapshot the account owns (nobody outside may restore it).

use futures::stream::{self, StreamExt};

use crate::construct::ResourceKind;
use crate::constructs::ec2::{
    evaluate_ebs_default, evaluate_snapshot, evaluate_volume, read_ebs_default,
    read_snapshot_permissions, read_snapshots, read_volumes, EBS_DEFAULT_KIND,
};
use crate::controls::ControlId;
use crate::error::Result;

use super::network::ec2_arn;
use super::scan::{Judged, RegionScan};

const VOLUME: ResourceKind = ResourceKind::new("AWS::EC2::Volume", "ebs volume");
const SNAPSHOT: ResourceKind = ResourceKind::new("AWS::EC2::Snapshot", "ebs snapshot");

pub(super) async fn scan(scan: &RegionScan) -> Judged {
    let (default, volumes, snapshots) =
        tokio::join!(scan_default(scan), scan_volumes(scan), scan_snapshots(scan));
    let mut judged = default;
    judged.extend(volumes);
    judged.extend(snapshots);
    judged
}

async fn scan_default(scan: &RegionScan) -> Judged {
    let mut judged = Judged::default();
    let arn = format!(
        "arn:{}:ec2:{}:{}:ebs-encryption-by-default",
        scan.env.partition(),
        scan.region,
        scan.account_id
    );
    match read_ebs_default(&scan.env).await {
        Ok(state) => scan.judge(
            EBS_DEFAULT_KIND,
            &arn,
            &evaluate_ebs_default(&state),
            &mut judged,
        ),
        Err(error) => scan.unreadable(
            EBS_DEFAULT_KIND,
            &arn,
            &[
                ControlId::Ec2EbsEncryptionByDefault,
                ControlId::EbsDefaultKeyCustomerManaged,
            ],
            &error,
            &mut judged,
        ),
    }
    judged
}

async fn scan_volumes(scan: &RegionScan) -> Judged {
    let mut judged = Judged::default();
    match read_volumes(&scan.env).await {
        Ok(volumes) => {
            for volume in volumes {
                let arn = ec2_arn(scan, "volume", &volume.id);
                scan.judge(VOLUME, &arn, &[evaluate_volume(&volume)], &mut judged);
            }
        }
        Err(error) => scan.unreadable(
            VOLUME,
            &ec2_arn(scan, "volume", "*"),
            &[ControlId::EncryptedVolumes],
            &error,
            &mut judged,
        ),
    }
    judged
}

async fn scan_snapshots(scan: &RegionScan) -> Judged {
    let mut judged = Judged::default();
    let snapshots = match read_snapshots(&scan.env).await {
        Ok(snapshots) => snapshots,
        Err(error) => {
            scan.unreadable(
                SNAPSHOT,
                &ec2_arn(scan, "snapshot", "*"),
                &[ControlId::EbsSnapshotPublicRestorableCheck],
                &error,
                &mut judged,
            );
            return judged;
        }
    };
    // Snapshot ARNs carry no account id.
    let arn_of = |id: &str| {
        format!(
            "arn:{}:ec2:{}::snapshot/{id}",
            scan.env.partition(),
            scan.region
        )
    };
    let results: Vec<(crate::constructs::ec2::SnapshotState, Result<bool>)> =
        stream::iter(snapshots)
            .map(|snapshot| async move {
                let public = read_snapshot_permissions(&scan.env, &snapshot.id).await;
                (snapshot, public)
            })
            .buffer_unordered(scan.concurrency)
            .collect()
            .await;
    for (mut snapshot, public) in results {
        let arn = arn_of(&snapshot.id);
        match public {
            Ok(public) => {
                snapshot.public = public;
                scan.judge(SNAPSHOT, &arn, &[evaluate_snapshot(&snapshot)], &mut judged);
            }
            Err(error) => scan.unreadable(
                SNAPSHOT,
                &arn,
                &[ControlId::EbsSnapshotPublicRestorableCheck],
                &error,
                &mut judged,
            ),
        }
    }
    judged
}
