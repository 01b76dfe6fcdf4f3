//! RDS in an audit: every DB instance, DB cluster, DB and cluster snapshot, and custom DB
//! parameter group of the region, judged with the same checks as an `EncryptedDatabase`.
//! Aurora instances are judged through their cluster (as cdk-nag does for storage encryption).

use futures::stream::{self, StreamExt};

use crate::aws_error::AwsResultExt;
use crate::construct::ResourceKind;
use crate::constructs::rds::{
    evaluate_cluster, evaluate_database, evaluate_parameters, evaluate_snapshot,
    read_instance_state, read_parameter_group, ClusterState, DatabaseExpectations, DATABASE_KIND,
};
use crate::controls::ControlId;
use crate::error::Result;

use super::scan::{Judged, RegionScan};

const RDS: &str = "rds";
const CLUSTER: ResourceKind = ResourceKind::new("AWS::RDS::DBCluster", "db cluster");
const SNAPSHOT: ResourceKind = ResourceKind::new("AWS::RDS::DBSnapshot", "db snapshot");
const CLUSTER_SNAPSHOT: ResourceKind =
    ResourceKind::new("AWS::RDS::DBClusterSnapshot", "db cluster snapshot");
const PARAMETER_GROUP: ResourceKind =
    ResourceKind::new("AWS::RDS::DBParameterGroup", "db parameter group");

const INSTANCE_CONTROLS: [ControlId; 8] = [
    ControlId::RdsStorageEncrypted,
    ControlId::RdsInstancePublicAccessCheck,
    ControlId::DbInstanceBackupEnabled,
    ControlId::RdsMultiAzSupport,
    ControlId::RdsInstanceDeletionProtectionEnabled,
    ControlId::RdsLoggingEnabled,
    ControlId::RdsEnhancedMonitoringEnabled,
    ControlId::RdsAutomaticMinorVersionUpgradeEnabled,
];
const CLUSTER_CONTROLS: [ControlId; 3] = [
    ControlId::RdsStorageEncrypted,
    ControlId::RdsClusterDeletionProtectionEnabled,
    ControlId::RdsClusterMultiAzEnabled,
];
const SNAPSHOT_CONTROLS: [ControlId; 2] = [
    ControlId::RdsSnapshotEncrypted,
    ControlId::RdsSnapshotsPublicProhibited,
];

pub(super) async fn scan(scan: &RegionScan) -> Judged {
    let mut judged = Judged::default();
    let (instances, clusters, snapshots, cluster_snapshots, groups) = tokio::join!(
        instances(scan),
        clusters(scan),
        snapshots(scan),
        cluster_snapshots(scan),
        parameter_groups(scan),
    );
    for part in [instances, clusters, snapshots, cluster_snapshots, groups] {
        judged.extend(part);
    }
    judged
}

fn region_arn(scan: &RegionScan, kind: &str) -> String {
    format!(
        "arn:{}:rds:{}:{}:{kind}:*",
        scan.env.partition(),
        scan.region,
        scan.account_id
    )
}

async fn instances(scan: &RegionScan) -> Judged {
    let mut judged = Judged::default();
    let mut found = Vec::new();
    let mut pages = scan
        .env
        .rds()
        .describe_db_instances()
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        match page.aws(RDS, "DescribeDBInstances", &scan.region) {
            Ok(page) => found.extend(page.db_instances.unwrap_or_default()),
            Err(error) => {
                let arn = region_arn(scan, "db");
                scan.unreadable(DATABASE_KIND, &arn, &INSTANCE_CONTROLS, &error, &mut judged);
                return judged;
            }
        }
    }
    let results: Vec<(String, Result<Vec<crate::controls::Check>>)> = stream::iter(
        found
            .into_iter()
            .filter(|instance| instance.db_cluster_identifier().is_none()),
    )
    .map(|instance| async move {
        let arn = instance.db_instance_arn().unwrap_or_default().to_string();
        let checks = read_instance_state(&scan.env, &instance)
            .await
            .map(|state| evaluate_database(&state, &DatabaseExpectations::default()));
        (arn, checks)
    })
    .buffer_unordered(scan.concurrency)
    .collect()
    .await;
    for (arn, checks) in results {
        match checks {
            Ok(checks) => scan.judge(DATABASE_KIND, &arn, &checks, &mut judged),
            Err(error) => {
                scan.unreadable(DATABASE_KIND, &arn, &INSTANCE_CONTROLS, &error, &mut judged)
            }
        }
    }
    judged
}

async fn clusters(scan: &RegionScan) -> Judged {
    let mut judged = Judged::default();
    let mut pages = scan
        .env
        .rds()
        .describe_db_clusters()
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = match page.aws(RDS, "DescribeDBClusters", &scan.region) {
            Ok(page) => page,
            Err(error) => {
                let arn = region_arn(scan, "cluster");
                scan.unreadable(CLUSTER, &arn, &CLUSTER_CONTROLS, &error, &mut judged);
                return judged;
            }
        };
        for cluster in page.db_clusters() {
            let state = ClusterState {
                storage_encrypted: cluster.storage_encrypted().unwrap_or(false),
                deletion_protection: cluster.deletion_protection().unwrap_or(false),
                multi_az: cluster.multi_az().unwrap_or(false),
                backup_retention_days: cluster
                    .backup_retention_period()
                    .and_then(|days| u32::try_from(days).ok())
                    .unwrap_or(0),
            };
            let arn = cluster.db_cluster_arn().unwrap_or_default();
            scan.judge(CLUSTER, arn, &evaluate_cluster(&state), &mut judged);
        }
    }
    judged
}

/// True when the restore attribute lists `all` (restorable by every account).
fn restorable_by_all<'a>(attributes: impl IntoIterator<Item = (&'a str, &'a [String])>) -> bool {
    attributes
        .into_iter()
        .any(|(name, values)| name == "restore" && values.iter().any(|value| value == "all"))
}

async fn snapshots(scan: &RegionScan) -> Judged {
    let mut judged = Judged::default();
    let mut found = Vec::new();
    let mut pages = scan
        .env
        .rds()
        .describe_db_snapshots()
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        match page.aws(RDS, "DescribeDBSnapshots", &scan.region) {
            Ok(page) => found.extend(page.db_snapshots.unwrap_or_default()),
            Err(error) => {
                let arn = region_arn(scan, "snapshot");
                scan.unreadable(SNAPSHOT, &arn, &SNAPSHOT_CONTROLS, &error, &mut judged);
                return judged;
            }
        }
    }
    for snapshot in found {
        let id = snapshot.db_snapshot_identifier().unwrap_or_default();
        let arn = snapshot.db_snapshot_arn().unwrap_or_default();
        let attributes = scan
            .env
            .rds()
            .describe_db_snapshot_attributes()
            .db_snapshot_identifier(id)
            .send()
            .await
            .aws(RDS, "DescribeDBSnapshotAttributes", id);
        match attributes {
            Ok(output) => {
                let public = output
                    .db_snapshot_attributes_result()
                    .map(|result| {
                        restorable_by_all(result.db_snapshot_attributes().iter().map(|attribute| {
                            (
                                attribute.attribute_name().unwrap_or_default(),
                                attribute.attribute_values(),
                            )
                        }))
                    })
                    .unwrap_or(false);
                let checks = evaluate_snapshot(snapshot.encrypted().unwrap_or(false), public);
                scan.judge(SNAPSHOT, arn, &checks, &mut judged);
            }
            Err(error) => scan.unreadable(SNAPSHOT, arn, &SNAPSHOT_CONTROLS, &error, &mut judged),
        }
    }
    judged
}

async fn cluster_snapshots(scan: &RegionScan) -> Judged {
    let mut judged = Judged::default();
    let mut found = Vec::new();
    let mut pages = scan
        .env
        .rds()
        .describe_db_cluster_snapshots()
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        match page.aws(RDS, "DescribeDBClusterSnapshots", &scan.region) {
            Ok(page) => found.extend(page.db_cluster_snapshots.unwrap_or_default()),
            Err(error) => {
                let arn = region_arn(scan, "cluster-snapshot");
                scan.unreadable(
                    CLUSTER_SNAPSHOT,
                    &arn,
                    &SNAPSHOT_CONTROLS,
                    &error,
                    &mut judged,
                );
                return judged;
            }
        }
    }
    for snapshot in found {
        let id = snapshot
            .db_cluster_snapshot_identifier()
            .unwrap_or_default();
        let arn = snapshot.db_cluster_snapshot_arn().unwrap_or_default();
        let attributes = scan
            .env
            .rds()
            .describe_db_cluster_snapshot_attributes()
            .db_cluster_snapshot_identifier(id)
            .send()
            .await
            .aws(RDS, "DescribeDBClusterSnapshotAttributes", id);
        match attributes {
            Ok(output) => {
                let public = output
                    .db_cluster_snapshot_attributes_result()
                    .map(|result| {
                        restorable_by_all(result.db_cluster_snapshot_attributes().iter().map(
                            |attribute| {
                                (
                                    attribute.attribute_name().unwrap_or_default(),
                                    attribute.attribute_values(),
                                )
                            },
                        ))
                    })
                    .unwrap_or(false);
                let checks =
                    evaluate_snapshot(snapshot.storage_encrypted().unwrap_or(false), public);
                scan.judge(CLUSTER_SNAPSHOT, arn, &checks, &mut judged);
            }
            Err(error) => scan.unreadable(
                CLUSTER_SNAPSHOT,
                arn,
                &SNAPSHOT_CONTROLS,
                &error,
                &mut judged,
            ),
        }
    }
    judged
}

/// Custom parameter groups (the `default.*` groups cannot be changed; an instance using one is
/// judged through the instance).
async fn parameter_groups(scan: &RegionScan) -> Judged {
    let mut judged = Judged::default();
    let mut names = Vec::new();
    let mut pages = scan
        .env
        .rds()
        .describe_db_parameter_groups()
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        match page.aws(RDS, "DescribeDBParameterGroups", &scan.region) {
            Ok(page) => names.extend(page.db_parameter_groups().iter().filter_map(|group| {
                let name = group.db_parameter_group_name()?;
                (!name.starts_with("default.")).then(|| {
                    (
                        name.to_string(),
                        group
                            .db_parameter_group_arn()
                            .unwrap_or_default()
                            .to_string(),
                    )
                })
            })),
            Err(error) => {
                let arn = region_arn(scan, "pg");
                scan.unreadable(
                    PARAMETER_GROUP,
                    &arn,
                    &[ControlId::RdsTlsEnforced],
                    &error,
                    &mut judged,
                );
                return judged;
            }
        }
    }
    for (name, arn) in names {
        let arn = if arn.is_empty() {
            format!(
                "arn:{}:rds:{}:{}:pg:{name}",
                scan.env.partition(),
                scan.region,
                scan.account_id
            )
        } else {
            arn
        };
        match read_parameter_group(&scan.env, &name).await {
            Ok(Some((family, parameters))) => {
                let checks = evaluate_parameters(&family, &parameters);
                scan.judge(PARAMETER_GROUP, &arn, &checks, &mut judged);
            }
            // Deleted between the listing and the read: nothing left to judge.
            Ok(None) => {}
            Err(error) => scan.unreadable(
                PARAMETER_GROUP,
                &arn,
                &[ControlId::RdsTlsEnforced],
                &error,
                &mut judged,
            ),
        }
    }
    judged
}
