//! Auditing every account of an AWS Organization: the member accounts are reached by assuming a
//! named role in each; accounts are audited concurrently, within the audit's bound; an account
//! that cannot be reached is an error line in the report, never an abort.

use futures::stream::{self, StreamExt};

use crate::aws_error::AwsResultExt;
use crate::env::Environment;
use crate::error::Result;

use super::finding::AccountSection;
use super::Audit;

/// At most this many accounts are audited at once (each also bounds its own reads).
const ACCOUNTS_AT_ONCE: usize = 4;

pub(super) async fn audit_organization(
    audit: &Audit,
    env: &Environment,
    regions: &[String],
    role: &str,
) -> Result<Vec<AccountSection>> {
    let accounts = list_accounts(env).await?;
    let sections = stream::iter(accounts)
        .map(|(account_id, name)| async move {
            if account_id == env.account_id() {
                return audit.audit_account(env, regions, Some(name)).await;
            }
            let role_arn = format!("arn:{}:iam::{account_id}:role/{role}", env.partition());
            match env.assume_role(&role_arn, "hipaa-aws-audit").await {
                Ok(member) => audit.audit_account(&member, regions, Some(name)).await,
                Err(error) => AccountSection {
                    account_id: account_id.clone(),
                    name: Some(name),
                    regions: regions.to_vec(),
                    findings: Vec::new(),
                    errors: vec![format!("could not assume {role_arn}: {error}")],
                    resources: 0,
                    api_calls: 0,
                },
            }
        })
        .buffer_unordered(ACCOUNTS_AT_ONCE)
        .collect::<Vec<_>>()
        .await;
    let mut sections = sections;
    sections.sort_by(|a, b| a.account_id.cmp(&b.account_id));
    Ok(sections)
}

/// Active accounts of the organization: (id, name).
async fn list_accounts(env: &Environment) -> Result<Vec<(String, String)>> {
    let mut accounts = Vec::new();
    let mut pages = env.organizations().list_accounts().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.aws("organizations", "ListAccounts", "organization")?;
        for account in page.accounts() {
            let active = account
                .status()
                .is_none_or(|status| status.as_str() == "ACTIVE");
            if let (true, Some(id)) = (active, account.id()) {
                accounts.push((
                    id.to_string(),
                    account.name().unwrap_or_default().to_string(),
                ));
            }
        }
    }
    Ok(accounts)
}
