//! KMS in an audit: every key of the region, judged for rotation and scheduled deletion, and
//! every customer-managed key for its key policy.

use std::collections::BTreeMap;

use futures::stream::{self, StreamExt};

use crate::aws_error::AwsResultExt;
use crate::construct::ResourceKind;
use crate::constructs::kms::evaluate_key_for_audit;
use crate::constructs::kms::live::{read_key_policy, read_key_state};
use crate::controls::ControlId;
use crate::error::Result;

use super::scan::{Judged, RegionScan};

const KEY: ResourceKind = ResourceKind::new("AWS::KMS::Key", "kms key");
const CONTROLS: [ControlId; 3] = [
    ControlId::KmsKeyRotationEnabled,
    ControlId::KmsCmkNotScheduledForDeletion,
    ControlId::KmsKeyPolicyLeastPrivilege,
];

pub(super) async fn scan(scan: &RegionScan) -> Judged {
    let mut judged = Judged::default();
    let region_arn = format!(
        "arn:{}:kms:{}:{}:key/*",
        scan.env.partition(),
        scan.region,
        scan.account_id
    );
    let (keys, aliases) = match tokio::try_join!(list_keys(scan), list_aliases(scan)) {
        Ok(found) => found,
        Err(error) => {
            scan.unreadable(KEY, &region_arn, &CONTROLS, &error, &mut judged);
            return judged;
        }
    };
    let results: Vec<(String, Result<Vec<crate::controls::Check>>, Option<String>)> =
        stream::iter(keys)
            .map(|key_id| {
                let aliases = aliases.get(&key_id).cloned().unwrap_or_default();
                async move {
                    match read_key_state(&scan.env, &key_id, &aliases).await {
                        Ok((mut state, arn)) => {
                            // A policy that cannot be read is an error of the key-policy
                            // control alone (policy: None), not of the whole key.
                            if state.key_manager == "CUSTOMER" {
                                state.policy = read_key_policy(&scan.env, &key_id).await.ok();
                            }
                            (key_id, Ok(evaluate_key_for_audit(&state)), Some(arn))
                        }
                        Err(error) => (key_id, Err(error), None),
                    }
                }
            })
            .buffer_unordered(scan.concurrency)
            .collect()
            .await;
    for (key_id, checks, arn) in results {
        let arn = arn.unwrap_or_else(|| {
            format!(
                "arn:{}:kms:{}:{}:key/{key_id}",
                scan.env.partition(),
                scan.region,
                scan.account_id
            )
        });
        match checks {
            Ok(checks) => scan.judge(KEY, &arn, &checks, &mut judged),
            Err(error) => scan.unreadable(KEY, &arn, &CONTROLS, &error, &mut judged),
        }
    }
    judged
}

async fn list_keys(scan: &RegionScan) -> Result<Vec<String>> {
    let mut keys = Vec::new();
    let mut pages = scan.env.kms().list_keys().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.aws("kms", "ListKeys", &scan.region)?;
        keys.extend(
            page.keys()
                .iter()
                .filter_map(|k| k.key_id().map(str::to_string)),
        );
    }
    Ok(keys)
}

/// Key id to its aliases.
async fn list_aliases(scan: &RegionScan) -> Result<BTreeMap<String, Vec<String>>> {
    let mut aliases: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut pages = scan.env.kms().list_aliases().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.aws("kms", "ListAliases", &scan.region)?;
        for alias in page.aliases() {
            if let (Some(name), Some(target)) = (alias.alias_name(), alias.target_key_id()) {
                aliases
                    .entry(target.to_string())
                    .or_default()
                    .push(name.to_string());
            }
        }
    }
    Ok(aliases)
}
