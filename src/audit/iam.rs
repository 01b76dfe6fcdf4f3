//! IAM in an audit (global: scanned once per account): every role, user, group and
//! customer-managed policy with its attached and inline policies, the password policy, and the
//! root user from the account summary and the credential report.

use std::future::Future;

use futures::stream::{self, StreamExt};

use crate::aws_error::AwsResultExt;
use crate::construct::ResourceKind;
use crate::constructs::iam::{
    evaluate_group, evaluate_managed_policy, evaluate_password_policy, evaluate_role,
    evaluate_root, evaluate_user, read_credential_report, read_group_state,
    read_managed_policy_state, read_password_policy, read_role_state, read_root_state,
    read_user_state, CredentialRequirements, PasswordRequirements, RootState, PASSWORD_POLICY_KIND,
    ROOT_USER_ROW,
};
use crate::controls::{Check, ControlId};
use crate::error::{Error, Result};

use super::scan::{Judged, RegionScan};

/// A resource's ARN and checks, `None` when it vanished between listing and reading.
type JudgedRead = Result<Option<(String, Vec<Check>)>>;

const ROLE: ResourceKind = ResourceKind::new("AWS::IAM::Role", "iam role");
const USER: ResourceKind = ResourceKind::new("AWS::IAM::User", "iam user");
const GROUP: ResourceKind = ResourceKind::new("AWS::IAM::Group", "iam group");
const POLICY: ResourceKind = ResourceKind::new("AWS::IAM::ManagedPolicy", "iam policy");
const ROOT: ResourceKind = ResourceKind::new("AWS::IAM::RootUser", "root user");

// What a role, user, group or policy that could not be read leaves unjudged: every control its
// evaluation judges, taken from the evaluation itself so the two lists cannot drift apart.
const POLICY_CONTROLS: &[ControlId] = crate::constructs::iam::EVALUATE_MANAGED_POLICY_COVERS;
const ROLE_CONTROLS: &[ControlId] = crate::constructs::iam::EVALUATE_ROLE_COVERS;
const USER_CONTROLS: &[ControlId] = crate::constructs::iam::EVALUATE_USER_COVERS;
const GROUP_CONTROLS: &[ControlId] = crate::constructs::iam::EVALUATE_GROUP_COVERS;
const ROOT_CONTROLS: [ControlId; 3] = [
    ControlId::IamRootAccessKeyCheck,
    ControlId::RootAccountMfaEnabled,
    ControlId::RootAccountHardwareMfaEnabled,
];

fn iam_arn(scan: &RegionScan, resource: &str) -> String {
    format!(
        "arn:{}:iam::{}:{resource}",
        scan.env.partition(),
        scan.account_id
    )
}

pub(super) async fn scan(scan: &RegionScan) -> Judged {
    // IAM findings are global, whatever region scans them.
    let global = RegionScan {
        region: "global".to_string(),
        ..scan.clone()
    };
    let scan = &global;
    let (account, roles, users, groups, policies) = tokio::join!(
        scan_account(scan),
        scan_entities(
            scan,
            ROLE,
            "role",
            ROLE_CONTROLS,
            list_roles(scan),
            |name| async move {
                let state = read_role_state(&scan.env, &name).await?;
                Ok::<_, Error>(state.map(|(state, _)| (state.arn.clone(), evaluate_role(&state))))
            }
        ),
        scan_entities(
            scan,
            USER,
            "user",
            USER_CONTROLS,
            list_users(scan),
            |name| async move {
                let now = super::now_secs();
                let state = read_user_state(&scan.env, &name).await?;
                let requirements = CredentialRequirements::default();
                Ok::<_, Error>(
                    state.map(|state| {
                        (state.arn.clone(), evaluate_user(&state, now, &requirements))
                    }),
                )
            }
        ),
        scan_entities(
            scan,
            GROUP,
            "group",
            GROUP_CONTROLS,
            list_groups(scan),
            |name| async move {
                let state = read_group_state(&scan.env, &name).await?;
                Ok::<_, Error>(state.map(|state| (state.arn.clone(), evaluate_group(&state))))
            }
        ),
        scan_entities(
            scan,
            POLICY,
            "policy",
            POLICY_CONTROLS,
            list_policies(scan),
            |arn| async move {
                let state = read_managed_policy_state(&scan.env, &arn).await?;
                Ok::<_, Error>(
                    state.map(|(state, _)| (state.arn.clone(), evaluate_managed_policy(&state))),
                )
            }
        ),
    );
    let mut judged = account;
    for part in [roles, users, groups, policies] {
        judged.extend(part);
    }
    judged
}

/// The password policy and the root user.
async fn scan_account(scan: &RegionScan) -> Judged {
    let mut judged = Judged::default();
    let policy_arn = iam_arn(scan, "account-password-policy");
    match read_password_policy(&scan.env).await {
        Ok(policy) => {
            let checks =
                evaluate_password_policy(policy.as_ref(), &PasswordRequirements::default());
            scan.judge(PASSWORD_POLICY_KIND, &policy_arn, &checks, &mut judged);
        }
        Err(error) => scan.unreadable(
            PASSWORD_POLICY_KIND,
            &policy_arn,
            &[ControlId::IamPasswordPolicy],
            &error,
            &mut judged,
        ),
    }
    let root_arn = iam_arn(scan, "root");
    match read_root(scan).await {
        Ok(root) => scan.judge(ROOT, &root_arn, &evaluate_root(&root), &mut judged),
        Err(error) => scan.unreadable(ROOT, &root_arn, &ROOT_CONTROLS, &error, &mut judged),
    }
    judged
}

/// The root user from the account summary, corrected by the credential report's root row
/// when there is one (it tells active keys from inactive ones).
async fn read_root(scan: &RegionScan) -> Result<RootState> {
    let (mut root, report) = tokio::try_join!(
        read_root_state(&scan.env),
        read_credential_report(&scan.env)
    )?;
    if let Some(row) = report.iter().find(|row| row.user == ROOT_USER_ROW) {
        root.access_keys_present = row.access_keys_active.iter().any(|active| *active);
        root.mfa_enabled = root.mfa_enabled || row.mfa_active;
    }
    Ok(root)
}

/// Lists entities, then reads and judges each (at most `scan.concurrency` at once). A listing
/// that fails is one error finding per control; so is each entity that cannot be read.
async fn scan_entities<F, Fut>(
    scan: &RegionScan,
    kind: ResourceKind,
    what: &str,
    controls: &[ControlId],
    listing: impl Future<Output = Result<Vec<String>>>,
    judge: F,
) -> Judged
where
    F: Fn(String) -> Fut,
    Fut: Future<Output = Result<Option<(String, Vec<Check>)>>>,
{
    let mut judged = Judged::default();
    let names = match listing.await {
        Ok(names) => names,
        Err(error) => {
            let arn = iam_arn(scan, &format!("{what}/*"));
            scan.unreadable(kind, &arn, controls, &error, &mut judged);
            return judged;
        }
    };
    let judge = &judge;
    let results: Vec<(String, JudgedRead)> = stream::iter(names)
        .map(|name| async move { (name.clone(), judge(name).await) })
        .buffer_unordered(scan.concurrency)
        .collect()
        .await;
    for (name, result) in results {
        match result {
            Ok(Some((arn, checks))) => scan.judge(kind, &arn, &checks, &mut judged),
            // Deleted between the listing and the read: nothing left to judge.
            Ok(None) => {}
            Err(error) => {
                let arn = if name.starts_with("arn:") {
                    name
                } else {
                    iam_arn(scan, &format!("{what}/{name}"))
                };
                scan.unreadable(kind, &arn, controls, &error, &mut judged);
            }
        }
    }
    judged
}

async fn list_roles(scan: &RegionScan) -> Result<Vec<String>> {
    let mut names = Vec::new();
    let mut pages = scan.env.iam().list_roles().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.aws("iam", "ListRoles", "account")?;
        names.extend(page.roles().iter().map(|role| role.role_name().to_string()));
    }
    Ok(names)
}

async fn list_users(scan: &RegionScan) -> Result<Vec<String>> {
    let mut names = Vec::new();
    let mut pages = scan.env.iam().list_users().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.aws("iam", "ListUsers", "account")?;
        names.extend(page.users().iter().map(|user| user.user_name().to_string()));
    }
    Ok(names)
}

async fn list_groups(scan: &RegionScan) -> Result<Vec<String>> {
    let mut names = Vec::new();
    let mut pages = scan.env.iam().list_groups().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.aws("iam", "ListGroups", "account")?;
        names.extend(
            page.groups()
                .iter()
                .map(|group| group.group_name().to_string()),
        );
    }
    Ok(names)
}

/// Customer-managed policies (AWS managed ones are judged where they are attached).
async fn list_policies(scan: &RegionScan) -> Result<Vec<String>> {
    let mut arns = Vec::new();
    let mut pages = scan
        .env
        .iam()
        .list_policies()
        .scope(aws_sdk_iam::types::PolicyScopeType::Local)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.aws("iam", "ListPolicies", "account")?;
        arns.extend(
            page.policies()
                .iter()
                .filter_map(|policy| policy.arn().map(str::to_string)),
        );
    }
    Ok(arns)
}
