//! AWS Backup in an audit: every vault (key, lock, guard, notifications) and every plan
//! (schedule, retention, copies), and whether each database, Aurora cluster, EBS volume and
//! instance of the region is selected by some plan.

use std::collections::BTreeMap;

use crate::aws_error::AwsResultExt;
use crate::construct::ResourceKind;
use crate::constructs::backup::{
    evaluate_plan, evaluate_protection, evaluate_vault, list_plans, list_vaults, PlanExpectations,
    PlanState, VaultExpectations, EVALUATE_PLAN_COVERS, EVALUATE_VAULT_COVERS, PLAN_KIND,
    VAULT_KIND,
};
use crate::controls::ControlId;
use crate::error::Result;

use super::network::ec2_arn;
use super::scan::{Judged, RegionScan};

const DATABASE: ResourceKind = ResourceKind::new("AWS::RDS::DBInstance", "db instance");
const CLUSTER: ResourceKind = ResourceKind::new("AWS::RDS::DBCluster", "db cluster");
const VOLUME: ResourceKind = ResourceKind::new("AWS::EC2::Volume", "ebs volume");
const INSTANCE: ResourceKind = ResourceKind::new("AWS::EC2::Instance", "ec2 instance");

/// The controls that ask whether a resource is in a plan.
const PROTECTION: &[ControlId] = &[
    ControlId::RdsInBackupPlan,
    ControlId::AuroraResourcesProtectedByBackupPlan,
    ControlId::EbsInBackupPlan,
    ControlId::Ec2ResourcesProtectedByBackupPlan,
];

pub(super) async fn scan(scan: &RegionScan) -> Judged {
    let (vaults, plans) = tokio::join!(list_vaults(&scan.env), list_plans(&scan.env));
    let mut judged = Judged::default();
    match vaults {
        Ok(vaults) => {
            for vault in vaults {
                let checks = evaluate_vault(&vault, &VaultExpectations::default());
                scan.judge(VAULT_KIND, &vault.arn, &checks, &mut judged);
            }
        }
        Err(error) => scan.unreadable(
            VAULT_KIND,
            &scan.env.arn("backup", "backup-vault:*"),
            EVALUATE_VAULT_COVERS,
            &error,
            &mut judged,
        ),
    }
    let plans = match plans {
        Ok(plans) => plans,
        Err(error) => {
            let arn = scan.env.arn("backup", "backup-plan:*");
            scan.unreadable(PLAN_KIND, &arn, EVALUATE_PLAN_COVERS, &error, &mut judged);
            // Without the plans no resource can be judged protected: errors, never passes.
            scan.unreadable(PLAN_KIND, &arn, PROTECTION, &error, &mut judged);
            return judged;
        }
    };
    for plan in &plans {
        let checks = evaluate_plan(
            plan,
            &PlanExpectations {
                region: &scan.region,
                no_copy_reason: None,
            },
        );
        scan.judge(PLAN_KIND, &plan.arn, &checks, &mut judged);
    }
    judged.extend(scan_protection(scan, &plans).await);
    judged
}

/// Judges whether each database, Aurora cluster, volume and instance is selected by a plan.
async fn scan_protection(scan: &RegionScan, plans: &[PlanState]) -> Judged {
    let mut judged = Judged::default();
    let (databases, clusters, volumes, instances) = tokio::join!(
        databases(scan),
        aurora_clusters(scan),
        volumes(scan),
        instances(scan)
    );
    for (kind, control, listed) in [
        (DATABASE, ControlId::RdsInBackupPlan, databases),
        (
            CLUSTER,
            ControlId::AuroraResourcesProtectedByBackupPlan,
            clusters,
        ),
        (VOLUME, ControlId::EbsInBackupPlan, volumes),
        (
            INSTANCE,
            ControlId::Ec2ResourcesProtectedByBackupPlan,
            instances,
        ),
    ] {
        match listed {
            Ok(resources) => {
                for (arn, tags) in resources {
                    let check = evaluate_protection(control, &arn, &tags, plans);
                    scan.judge_more(kind, &arn, &[check], &mut judged);
                }
            }
            Err(error) => {
                let arn = scan.account_arn();
                scan.unreadable(kind, &arn, &[control], &error, &mut judged);
            }
        }
    }
    judged
}

type Tagged = Vec<(String, BTreeMap<String, String>)>;

fn rds_tags(tags: &[aws_sdk_rds::types::Tag]) -> BTreeMap<String, String> {
    tags.iter()
        .filter_map(|tag| Some((tag.key()?.to_string(), tag.value()?.to_string())))
        .collect()
}

async fn databases(scan: &RegionScan) -> Result<Tagged> {
    let mut found = Vec::new();
    let mut pages = scan
        .env
        .rds()
        .describe_db_instances()
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.aws("rds", "DescribeDBInstances", "db instances")?;
        for instance in page.db_instances() {
            let Some(arn) = instance.db_instance_arn() else {
                continue;
            };
            found.push((arn.to_string(), rds_tags(instance.tag_list())));
        }
    }
    Ok(found)
}

/// The Aurora clusters of the region (the rule judges Aurora only; other engines' clusters are
/// Multi-AZ DB clusters, judged through their instances).
async fn aurora_clusters(scan: &RegionScan) -> Result<Tagged> {
    let mut found = Vec::new();
    let mut pages = scan
        .env
        .rds()
        .describe_db_clusters()
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.aws("rds", "DescribeDBClusters", "db clusters")?;
        for cluster in page.db_clusters() {
            let aurora = cluster
                .engine()
                .is_some_and(|engine| engine.to_ascii_lowercase().starts_with("aurora"));
            let Some(arn) = cluster.db_cluster_arn().filter(|_| aurora) else {
                continue;
            };
            found.push((arn.to_string(), rds_tags(cluster.tag_list())));
        }
    }
    Ok(found)
}

fn ec2_tags(tags: &[aws_sdk_ec2::types::Tag]) -> BTreeMap<String, String> {
    tags.iter()
        .filter_map(|tag| Some((tag.key()?.to_string(), tag.value()?.to_string())))
        .collect()
}

async fn volumes(scan: &RegionScan) -> Result<Tagged> {
    let mut found = Vec::new();
    let mut pages = scan.env.ec2().describe_volumes().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.aws("ec2", "DescribeVolumes", "volumes")?;
        for volume in page.volumes() {
            if let Some(id) = volume.volume_id() {
                found.push((ec2_arn(scan, "volume", id), ec2_tags(volume.tags())));
            }
        }
    }
    Ok(found)
}

async fn instances(scan: &RegionScan) -> Result<Tagged> {
    let mut found = Vec::new();
    let mut pages = scan.env.ec2().describe_instances().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.aws("ec2", "DescribeInstances", "instances")?;
        for instance in page.reservations().iter().flat_map(|r| r.instances()) {
            let terminated = instance
                .state()
                .and_then(|state| state.name())
                .is_some_and(|name| name.as_str() == "terminated");
            if let (Some(id), false) = (instance.instance_id(), terminated) {
                found.push((ec2_arn(scan, "instance", id), ec2_tags(instance.tags())));
            }
        }
    }
    Ok(found)
}
