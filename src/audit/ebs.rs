//! EBS in an audit: the region's encryption default and its key, every volume (encrypted) and
//! every snapshot the account owns (nobody outside may restore it).

use crate::construct::ResourceKind;
use crate::constructs::ec2::{
    evaluate_ebs_default, evaluate_snapshot, evaluate_volume, read_ebs_default,
    read_public_snapshot_ids, read_snapshots, read_volumes, EBS_DEFAULT_KIND,
};
use crate::controls::ControlId;

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
    let (snapshots, public) = tokio::join!(
        read_snapshots(&scan.env),
        read_public_snapshot_ids(&scan.env)
    );
    // Without the public listing no snapshot can be judged: all are errors, none passes.
    let (snapshots, public) = match (snapshots, public) {
        (Ok(snapshots), Ok(public)) => (snapshots, public),
        (Err(error), _) | (_, Err(error)) => {
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
    for mut snapshot in snapshots {
        // Snapshot ARNs carry no account id.
        let arn = format!(
            "arn:{}:ec2:{}::snapshot/{}",
            scan.env.partition(),
            scan.region,
            snapshot.id
        );
        snapshot.public = public.contains(&snapshot.id);
        scan.judge(SNAPSHOT, &arn, &[evaluate_snapshot(&snapshot)], &mut judged);
    }
    judged
}
