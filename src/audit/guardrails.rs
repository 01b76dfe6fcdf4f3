//! Service control policies in an audit of an organization's management account: for every
//! root and organizational unit, whether the policies in force there (attached to it and to
//! every parent above it) hold each guardrail. Accounts outside an organization, and member
//! accounts (which cannot read the organization's policies), have nothing judged here.

use std::collections::BTreeMap;

use crate::aws_error::AwsResultExt;
use crate::construct::ResourceKind;
use crate::constructs::organizations::{
    evaluate_guardrails, read_scp_document, EVALUATE_GUARDRAILS_COVERS,
};
use crate::error::Result;
use crate::policy::{Exempt, PolicyDocument};

use super::scan::{Judged, RegionScan};

const TARGET: ResourceKind = ResourceKind::new(
    "AWS::Organizations::OrganizationalUnit",
    "organizational unit",
);
const SERVICE: &str = "organizations";

/// A root or organizational unit, with the policies attached to it and above it.
struct Node {
    arn: String,
    inherited: Vec<String>,
}

pub(super) async fn scan(scan: &RegionScan) -> Judged {
    let mut judged = Judged::default();
    let organizations = scan.env.organizations();
    // Not in an organization: nothing to judge. Any other failure is an error finding.
    let organization = match organizations
        .describe_organization()
        .send()
        .await
        .aws_optional(
            SERVICE,
            "DescribeOrganization",
            "organization",
            &["AWSOrganizationsNotInUseException"],
        ) {
        Ok(Some(found)) => found,
        Ok(None) => return judged,
        Err(error) => {
            let arn = scan.account_arn();
            scan.unreadable(
                TARGET,
                &arn,
                EVALUATE_GUARDRAILS_COVERS,
                &error,
                &mut judged,
            );
            return judged;
        }
    };
    let management = organization
        .organization()
        .and_then(|organization| organization.master_account_id());
    if management != Some(scan.account_id.as_str()) {
        return judged;
    }
    let nodes = match tree(scan).await {
        Ok(nodes) => nodes,
        Err(error) => {
            let arn = scan.account_arn();
            scan.unreadable(
                TARGET,
                &arn,
                EVALUATE_GUARDRAILS_COVERS,
                &error,
                &mut judged,
            );
            return judged;
        }
    };
    let mut documents: BTreeMap<String, Option<PolicyDocument>> = BTreeMap::new();
    for node in &nodes {
        for id in &node.inherited {
            if documents.contains_key(id) {
                continue;
            }
            match read_scp_document(&scan.env, id).await {
                Ok(found) => {
                    documents.insert(id.clone(), found.flatten());
                }
                Err(error) => {
                    scan.unreadable(
                        TARGET,
                        &node.arn,
                        EVALUATE_GUARDRAILS_COVERS,
                        &error,
                        &mut judged,
                    );
                    documents.insert(id.clone(), None);
                }
            }
        }
        let in_force: Vec<PolicyDocument> = node
            .inherited
            .iter()
            .filter_map(|id| documents.get(id).cloned().flatten())
            .collect();
        let checks = evaluate_guardrails(&in_force, Exempt::AnyOneRoleInEveryAccount);
        scan.judge(TARGET, &node.arn, &checks, &mut judged);
    }
    judged
}

/// Every root and organizational unit, each with the SCPs attached to it or above it.
async fn tree(scan: &RegionScan) -> Result<Vec<Node>> {
    let organizations = scan.env.organizations();
    let roots =
        organizations
            .list_roots()
            .send()
            .await
            .aws(SERVICE, "ListRoots", "organization")?;
    let mut pending: Vec<(String, String, Vec<String>)> = roots
        .roots()
        .iter()
        .filter_map(|root| Some((root.id()?.to_string(), root.arn()?.to_string(), Vec::new())))
        .collect();
    let mut nodes = Vec::new();
    while let Some((id, arn, above)) = pending.pop() {
        let mut inherited = above;
        inherited.extend(attached(scan, &id).await?);
        let mut pages = organizations
            .list_organizational_units_for_parent()
            .parent_id(&id)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.aws(SERVICE, "ListOrganizationalUnitsForParent", &id)?;
            for unit in page.organizational_units() {
                if let (Some(unit_id), Some(unit_arn)) = (unit.id(), unit.arn()) {
                    pending.push((unit_id.to_string(), unit_arn.to_string(), inherited.clone()));
                }
            }
        }
        nodes.push(Node { arn, inherited });
    }
    nodes.sort_by(|a, b| a.arn.cmp(&b.arn));
    Ok(nodes)
}

/// The ids of the SCPs attached to one target.
async fn attached(scan: &RegionScan, target: &str) -> Result<Vec<String>> {
    let mut ids = Vec::new();
    let mut pages = scan
        .env
        .organizations()
        .list_policies_for_target()
        .target_id(target)
        .filter(aws_sdk_organizations::types::PolicyType::ServiceControlPolicy)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.aws(SERVICE, "ListPoliciesForTarget", target)?;
        ids.extend(
            page.policies()
                .iter()
                .filter_map(|policy| policy.id().map(str::to_string)),
        );
    }
    Ok(ids)
}
