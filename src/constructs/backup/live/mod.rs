//! The AWS Backup API calls of vaults and plans, and the plan's service role.

mod plan;
mod role;
mod vault;

use std::collections::BTreeMap;

use crate::aws_error::AwsResultExt;
use crate::env::Environment;
use crate::error::Result;

pub(crate) use plan::{create_plan, create_selection, delete_plan, update_plan};
pub use plan::{list_plans, read_plan_state};
pub(crate) use role::{
    delete_service_role_of as delete_service_role, ensure_service_role_of as ensure_service_role,
};
pub(crate) use vault::{create_vault, delete_vault, update_vault};
pub use vault::{list_vaults, read_vault_state};

const SERVICE: &str = "backup";

/// Every tag of a vault or plan.
async fn read_tags(env: &Environment, arn: &str, name: &str) -> Result<BTreeMap<String, String>> {
    let found = env
        .backup()
        .list_tags()
        .resource_arn(arn)
        .send()
        .await
        .aws_optional(SERVICE, "ListTags", name, &["ResourceNotFoundException"])?;
    Ok(found
        .and_then(|found| found.tags)
        .unwrap_or_default()
        .into_iter()
        .collect())
}
