//! The AWS Config service-linked role (`AWSServiceRoleForConfig`), which the recorder assumes:
//! AWS owns its permissions (the `AWSConfigServiceRolePolicy` managed policy), so no
//! hand-written role can grant too much or drift.

use crate::aws_error::AwsResultExt;
use crate::env::Environment;
use crate::error::{Error, Result};

const SERVICE: &str = "iam";

/// The service principal of AWS Config.
pub const CONFIG_SERVICE_PRINCIPAL: &str = "config.amazonaws.com";

/// The IAM path of the Config service-linked role.
pub const SERVICE_LINKED_ROLE_PATH: &str = "/aws-service-role/config.amazonaws.com/";

/// The name AWS gives the Config service-linked role.
pub const SERVICE_LINKED_ROLE_NAME: &str = "AWSServiceRoleForConfig";

/// The ARN of the Config service-linked role of an account.
pub fn service_linked_role_arn(partition: &str, account_id: &str) -> String {
    format!(
        "arn:{partition}:iam::{account_id}:role{SERVICE_LINKED_ROLE_PATH}{SERVICE_LINKED_ROLE_NAME}"
    )
}

/// True when `arn` is a role under the Config service-linked path (the service-linked role).
pub fn is_service_linked_role(arn: &str) -> bool {
    arn.contains(&format!(":role{SERVICE_LINKED_ROLE_PATH}"))
}

/// The name of a role from its ARN (the part after the last `/`).
fn role_name(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

/// Finds the Config service-linked role of the account by its path; `None` when it does not
/// exist.
pub(crate) async fn find_service_linked_role(env: &Environment) -> Result<Option<String>> {
    let mut pages = env
        .iam()
        .list_roles()
        .path_prefix(SERVICE_LINKED_ROLE_PATH)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.aws(SERVICE, "ListRoles", SERVICE_LINKED_ROLE_NAME)?;
        if let Some(role) = page.roles().first() {
            return Ok(Some(role.arn().to_string()));
        }
    }
    Ok(None)
}

/// The ARN of the Config service-linked role, created with `CreateServiceLinkedRole` when the
/// account has none yet.
pub(crate) async fn ensure_service_linked_role(env: &Environment) -> Result<String> {
    if let Some(arn) = find_service_linked_role(env).await? {
        return Ok(arn);
    }
    tracing::info!("creating the AWS Config service-linked role");
    let created = env
        .iam()
        .create_service_linked_role()
        .aws_service_name(CONFIG_SERVICE_PRINCIPAL)
        .send()
        .await;
    match created {
        Ok(output) => output
            .role
            .map(|role| role.arn().to_string())
            .ok_or_else(|| {
                Error::unexpected(SERVICE, "CreateServiceLinkedRole", "no role in the answer")
            }),
        // Made meanwhile by someone else (another region's apply): use it.
        Err(error) => match find_service_linked_role(env).await? {
            Some(arn) => Ok(arn),
            None => Err(crate::aws_error::aws_error(
                SERVICE,
                "CreateServiceLinkedRole",
                Some(SERVICE_LINKED_ROLE_NAME),
                error,
            )),
        },
    }
}

/// Whether the role behind `arn` exists; `None` when IAM denied the question.
pub(crate) async fn role_exists(env: &Environment, arn: &str) -> Result<Option<bool>> {
    let name = role_name(arn);
    match env
        .iam()
        .get_role()
        .role_name(name)
        .send()
        .await
        .aws_optional(SERVICE, "GetRole", name, &["NoSuchEntity"])
    {
        Ok(found) => Ok(Some(found.is_some())),
        Err(Error::Aws(error)) if error.is_access_denied() => Ok(None),
        Err(error) => Err(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_service_linked_role_is_recognised_by_its_path() {
        let arn = service_linked_role_arn("aws", "111122223333");
        assert_eq!(
            arn,
            "arn:aws:iam::111122223333:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"
        );
        assert!(is_service_linked_role(&arn));
        assert!(!is_service_linked_role(
            "arn:aws:iam::111122223333:role/config-recorder"
        ));
        assert_eq!(role_name(&arn), "AWSServiceRoleForConfig");
    }
}
