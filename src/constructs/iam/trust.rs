//! [`Trust`]: who may assume a [`HipaaRole`](super::HipaaRole), as a type whose values are all
//! acceptable: one named AWS service, or one named account (this one or another), never everyone.

use crate::construct::Scope;
use crate::policy::{Condition, PolicyDocument, Principal, Statement};

/// Who may assume a role: one AWS service or one account, optionally with MFA or an external
/// id. There is no way to write "everyone".
///
/// ```
/// use hipaa_aws::Trust;
/// let lambda = Trust::service("lambda.amazonaws.com");
/// let auditors = Trust::account("444455556666").with_external_id("acme-audit-7f3c");
/// let operators = Trust::this_account().with_mfa();
/// # let _ = (lambda, auditors, operators);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trust {
    principal: Trusted,
    external_id: Option<String>,
    require_mfa: bool,
    source_arn: Option<SourceArn>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum SourceArn {
    Fixed(String),
    /// A resource of the role's own account and region, e.g. `("cloudtrail", "trail/acme")`.
    #[cfg_attr(not(feature = "cloudtrail"), allow(dead_code))]
    InScope {
        service: String,
        resource: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Trusted {
    Service(String),
    Account(String),
    ThisAccount,
}

impl Trust {
    /// An AWS service principal, e.g. `ec2.amazonaws.com` or `monitoring.rds.amazonaws.com`,
    /// always for this account only (`aws:SourceAccount`).
    pub fn service(name: impl Into<String>) -> Trust {
        Self::new(Trusted::Service(name.into()))
    }

    /// Another account (12 digits), through its IAM principals; `build()` requires
    /// [`Trust::with_external_id`] or [`Trust::with_mfa`] when it is not the role's own account.
    pub fn account(account_id: impl Into<String>) -> Trust {
        Self::new(Trusted::Account(account_id.into()))
    }

    /// The role's own account, through its IAM principals.
    pub fn this_account() -> Trust {
        Self::new(Trusted::ThisAccount)
    }

    fn new(principal: Trusted) -> Trust {
        Trust {
            principal,
            external_id: None,
            require_mfa: false,
            source_arn: None,
        }
    }

    /// Requires `sts:ExternalId` to equal `external_id` (the confused-deputy guard for a third
    /// party's account).
    pub fn with_external_id(mut self, external_id: impl Into<String>) -> Trust {
        self.external_id = Some(external_id.into());
        self
    }

    /// Requires the caller to have signed in with MFA.
    pub fn with_mfa(mut self) -> Trust {
        self.require_mfa = true;
        self
    }

    /// For a service principal: only on behalf of this resource (`aws:SourceArn`).
    pub fn with_source_arn(mut self, arn: impl Into<String>) -> Trust {
        self.source_arn = Some(SourceArn::Fixed(arn.into()));
        self
    }

    /// For a service principal: only on behalf of a resource of the role's own account and
    /// region, resolved when the stack is planned.
    #[cfg(feature = "cloudtrail")]
    pub(crate) fn with_source_in_scope(mut self, service: &str, resource: &str) -> Trust {
        self.source_arn = Some(SourceArn::InScope {
            service: service.to_string(),
            resource: resource.to_string(),
        });
        self
    }

    /// What `build()` refuses in the trust itself (the trust policy checks judge the rest).
    pub(crate) fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        match &self.principal {
            Trusted::Service(name) => {
                let valid = name.ends_with(".amazonaws.com")
                    && name.len() > ".amazonaws.com".len()
                    && name.chars().all(|c| {
                        c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-'
                    });
                if !valid {
                    problems.push(format!(
                        "{name:?} is not an AWS service principal (e.g. ec2.amazonaws.com)"
                    ));
                }
                if self.require_mfa || self.external_id.is_some() {
                    problems.push(
                        "MFA and external ids apply to account principals, not to a service"
                            .to_string(),
                    );
                }
            }
            Trusted::Account(account) => {
                if account.len() != 12 || !account.chars().all(|c| c.is_ascii_digit()) {
                    problems.push(format!("{account:?} is not a 12-digit account id"));
                }
            }
            Trusted::ThisAccount => {}
        }
        if let Some(external_id) = &self.external_id {
            let valid = (2..=1224).contains(&external_id.len())
                && external_id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+=,.@:/-_".contains(c));
            if !valid {
                problems
                    .push("an external id has 2 to 1224 letters, digits and +=,.@:/-_".to_string());
            }
        }
        if self.source_arn.is_some() && !matches!(self.principal, Trusted::Service(_)) {
            problems.push("a source ARN applies to a service principal".to_string());
        }
        problems
    }

    /// The trust policy for a role in `scope`'s account.
    pub fn policy(&self, scope: &Scope<'_>) -> PolicyDocument {
        let principal = match &self.principal {
            Trusted::Service(name) => Principal::service(name.clone()),
            Trusted::Account(account) => {
                Principal::aws(format!("arn:{}:iam::{account}:root", scope.partition))
            }
            Trusted::ThisAccount => Principal::aws(scope.account_root_arn()),
        };
        let mut statement = Statement::allow()
            .sid("TrustedPrincipal")
            .principal(principal)
            .actions(["sts:AssumeRole"]);
        if let Some(external_id) = &self.external_id {
            statement = statement.when(Condition::string_equals(
                "sts:ExternalId",
                [external_id.clone()],
            ));
        }
        if self.require_mfa {
            statement = statement.when(Condition::bool("aws:MultiFactorAuthPresent", true));
        }
        if let Some(source) = &self.source_arn {
            let arn = match source {
                SourceArn::Fixed(arn) => arn.clone(),
                SourceArn::InScope { service, resource } => scope.arn(service, resource),
            };
            statement = statement.when(Condition::string_equals("aws:SourceArn", [arn]));
        }
        if matches!(self.principal, Trusted::Service(_)) {
            // The confused-deputy guard: the service assumes the role only for this account.
            statement = statement.when(Condition::string_equals(
                "aws:SourceAccount",
                [scope.account_id],
            ));
        }
        PolicyDocument::new(vec![statement])
    }
}
