//! Who may assume a role: the trust-policy control, for a role in a known account. Every
//! principal must be named; a service only for this account (`aws:SourceAccount`); a federated
//! identity only for a named audience and subject (`aud` and `sub`); another account only with
//! an external id compared by `StringEquals` or with MFA.

use crate::controls::ControlId;

use super::actions_covered::describe_actions;
use super::arn::Arn;
use super::audience::principal_is_everyone;
use super::condition::Comparison;
use super::conditions_semantics::{positive_comparison, scoped_to_account};
use super::document::{Effect, PolicyDocument, Statement};
use super::validate::{statement_name, typed_actions, PolicyFinding};

/// The actions a trust policy may allow.
pub const TRUST_ACTIONS: &[&str] = &[
    "sts:AssumeRole",
    "sts:AssumeRoleWithWebIdentity",
    "sts:AssumeRoleWithSAML",
    "sts:TagSession",
    "sts:SetSourceIdentity",
    "sts:SetContext",
];

fn account_of_principal(value: &str) -> Option<String> {
    if value.len() == 12 && value.chars().all(|c| c.is_ascii_digit()) {
        return Some(value.to_string());
    }
    Arn::parse(value)
        .ok()
        .map(|arn| arn.account)
        .filter(|account| !account.is_empty())
}

/// True when a condition with a positive operator from `comparisons` tests a key for which
/// `key_wanted` holds, with values that are not only wildcards.
fn has_real_condition(
    statement: &Statement,
    comparisons: &[Comparison],
    key_wanted: impl Fn(&str) -> bool,
    value_wanted: impl Fn(&str) -> bool,
) -> bool {
    statement.conditions.iter().any(|(operator, keys)| {
        positive_comparison(operator).is_some_and(|comparison| comparisons.contains(&comparison))
            && keys.iter().any(|(key, values)| {
                key_wanted(&key.trim().to_ascii_lowercase())
                    && !values.is_empty()
                    && values.iter().all(|value| value_wanted(value.trim()))
            })
    })
}

fn names_something(value: &str) -> bool {
    !value.is_empty() && !value.chars().all(|c| c == '*' || c == '?')
}

/// `sts:ExternalId` compared by `StringEquals` (a `StringLike` with a wildcard, an `IfExists`
/// or a negation lets callers without the secret in).
fn has_external_id(statement: &Statement) -> bool {
    has_real_condition(
        statement,
        &[Comparison::StringEquals],
        |key| key == "sts:externalid",
        names_something,
    )
}

/// `aws:MultiFactorAuthPresent` is `true` (plain `Bool`: `BoolIfExists` lets long-term keys,
/// which carry no MFA key, through), or an `aws:MultiFactorAuthAge` upper bound.
fn requires_mfa(statement: &Statement) -> bool {
    has_real_condition(
        statement,
        &[Comparison::Bool],
        |key| key == "aws:multifactorauthpresent",
        |value| value.eq_ignore_ascii_case("true"),
    ) || has_real_condition(
        statement,
        &[
            Comparison::NumericLessThan,
            Comparison::NumericLessThanEquals,
        ],
        |key| key == "aws:multifactorauthage",
        |value| value.parse::<u64>().is_ok(),
    )
}

/// Every problem of a role's trust policy, for a role in `account_id`: a principal that is
/// everyone (or a wildcard), an action other than assuming the role, another account trusted
/// without an external id or MFA condition, a service without `aws:SourceAccount` of this
/// account, and a federated principal without `aud` and `sub` conditions.
///
/// ```
/// use hipaa_aws::policy::{validate_trust_policy, Condition, PolicyDocument, Principal, Statement};
/// let bare = PolicyDocument::new(vec![Statement::allow()
///     .principal(Principal::service("ec2.amazonaws.com"))
///     .actions(["sts:AssumeRole"])]);
/// assert_eq!(validate_trust_policy(&bare, "111122223333").len(), 1);
/// let scoped = PolicyDocument::new(vec![Statement::allow()
///     .principal(Principal::service("ec2.amazonaws.com"))
///     .actions(["sts:AssumeRole"])
///     .when(Condition::string_equals("aws:SourceAccount", ["111122223333"]))]);
/// assert!(validate_trust_policy(&scoped, "111122223333").is_empty());
/// ```
pub fn validate_trust_policy(policy: &PolicyDocument, account_id: &str) -> Vec<PolicyFinding> {
    let mut findings = Vec::new();
    for (index, statement) in policy.statements.iter().enumerate() {
        if statement.effect != Effect::Allow {
            continue;
        }
        let name = statement_name(statement, index);
        let mut push = |reason: String| {
            findings.push(PolicyFinding {
                control: ControlId::IamRoleTrustRestricted,
                statement: name.clone(),
                reason: format!("{name} {reason}"),
            })
        };
        if statement.not_principal.is_some() {
            push("trusts by NotPrincipal: everyone but the listed principals".to_string());
        }
        let Some(principal) = &statement.principal else {
            if statement.not_principal.is_none() {
                push("names no principal".to_string());
            }
            continue;
        };
        if principal_is_everyone(principal) {
            push("trusts everyone (Principal *)".to_string());
        }
        let services = principal.values("Service");
        let federated = principal.values("Federated");
        for value in principal
            .values("AWS")
            .iter()
            .chain(services)
            .chain(federated)
        {
            if value.trim() != "*" && value.contains(['*', '?']) {
                push(format!("trusts the wildcard principal {value}"));
            }
        }
        for action in typed_actions(statement) {
            let allowed = TRUST_ACTIONS
                .iter()
                .any(|trusted| action.as_str().eq_ignore_ascii_case(trusted));
            if !allowed {
                push(format!(
                    "allows {action}: a trust policy allows only {}",
                    TRUST_ACTIONS.join(", ")
                ));
            }
        }
        if !statement.not_actions.is_empty() {
            push(format!(
                "allows by NotAction: {}",
                describe_actions(statement)
            ));
        }
        let foreign: Vec<&String> = principal
            .values("AWS")
            .iter()
            .filter(|value| {
                account_of_principal(value).is_some_and(|account| account != account_id)
            })
            .collect();
        if !foreign.is_empty() && !has_external_id(statement) && !requires_mfa(statement) {
            push(format!(
                "trusts another account ({}) without an sts:ExternalId (StringEquals) or MFA condition",
                foreign
                    .iter()
                    .map(|value| value.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if !services.is_empty()
            && !scoped_to_account(
                statement,
                account_id,
                &["aws:SourceAccount"],
                &[Comparison::StringEquals],
            )
        {
            push(format!(
                "trusts the service {} without aws:SourceAccount = {account_id} (StringEquals): any account's resources could make the service assume it",
                services.join(", ")
            ));
        }
        if !federated.is_empty() {
            let claim = |suffix: &'static str| {
                has_real_condition(
                    statement,
                    &[Comparison::StringEquals, Comparison::StringLike],
                    move |key| key.ends_with(suffix),
                    names_something,
                )
            };
            let missing: Vec<&str> = [(":aud", "aud"), (":sub", "sub")]
                .into_iter()
                .filter(|(suffix, _)| !claim(suffix))
                .map(|(_, claim)| claim)
                .collect();
            if !missing.is_empty() {
                push(format!(
                    "trusts the identity provider {} without a {} condition: any identity it issues could assume the role",
                    federated.join(", "),
                    missing.join(" and ")
                ));
            }
        }
    }
    if !policy
        .statements
        .iter()
        .any(|statement| statement.effect == Effect::Allow)
    {
        findings.push(PolicyFinding {
            control: ControlId::IamRoleTrustRestricted,
            statement: "(none)".to_string(),
            reason: "the trust policy allows nobody to assume the role".to_string(),
        });
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{Condition, Principal};

    const ACCOUNT: &str = "111122223333";

    fn one(statement: Statement) -> PolicyDocument {
        PolicyDocument::new(vec![statement])
    }

    fn service() -> Statement {
        Statement::allow()
            .principal(Principal::service("ec2.amazonaws.com"))
            .actions(["sts:AssumeRole"])
    }

    fn foreign() -> Statement {
        Statement::allow()
            .principal(Principal::aws("arn:aws:iam::444455556666:root"))
            .actions(["sts:AssumeRole"])
    }

    fn federated() -> Statement {
        let mut map = std::collections::BTreeMap::new();
        map.insert(
            "Federated".to_string(),
            vec![format!(
                "arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"
            )],
        );
        Statement::allow()
            .principal(Principal::Typed(map))
            .actions(["sts:AssumeRoleWithWebIdentity"])
    }

    fn passes(statement: Statement) -> bool {
        validate_trust_policy(&one(statement), ACCOUNT).is_empty()
    }

    #[test]
    fn services_need_this_accounts_source_account() {
        assert!(!passes(service()));
        assert!(passes(
            service().when(Condition::string_equals("aws:SourceAccount", [ACCOUNT]))
        ));
        assert!(!passes(service().when(Condition::string_equals(
            "aws:SourceAccount",
            ["444455556666"]
        ))));
        assert!(!passes(service().condition(
            "StringNotEquals",
            "aws:SourceAccount",
            [ACCOUNT]
        )));
        assert!(!passes(service().condition(
            "StringEqualsIfExists",
            "aws:SourceAccount",
            [ACCOUNT]
        )));
        assert!(!passes(service().condition(
            "StringLike",
            "aws:SourceAccount",
            ["*"]
        )));
        assert!(!passes(
            service()
                .actions(["sts:*"])
                .when(Condition::string_equals("aws:SourceAccount", [ACCOUNT]))
        ));
    }

    #[test]
    fn other_accounts_need_an_exact_external_id_or_mfa() {
        assert!(!passes(foreign()));
        assert!(passes(
            foreign().when(Condition::string_equals("sts:ExternalId", ["x-123"]))
        ));
        assert!(!passes(foreign().condition(
            "StringLike",
            "sts:ExternalId",
            ["*"]
        )));
        assert!(!passes(foreign().condition(
            "StringLike",
            "sts:ExternalId",
            ["x-123"]
        )));
        assert!(!passes(foreign().condition(
            "StringEqualsIfExists",
            "sts:ExternalId",
            ["x-123"]
        )));
        assert!(!passes(foreign().condition(
            "StringNotEquals",
            "sts:ExternalId",
            ["x-123"]
        )));
        assert!(passes(
            foreign().when(Condition::bool("aws:MultiFactorAuthPresent", true))
        ));
        assert!(!passes(foreign().condition(
            "BoolIfExists",
            "aws:MultiFactorAuthPresent",
            ["true"]
        )));
        assert!(!passes(foreign().condition(
            "Bool",
            "aws:MultiFactorAuthPresent",
            ["false"]
        )));
        assert!(!passes(
            Statement::allow()
                .principal(Principal::Everyone)
                .actions(["sts:AssumeRole"])
        ));
    }

    #[test]
    fn federated_principals_need_aud_and_sub() {
        let aud = "token.actions.githubusercontent.com:aud";
        let sub = "token.actions.githubusercontent.com:sub";
        assert!(!passes(federated()));
        assert!(!passes(federated().condition(
            "StringEquals",
            aud,
            ["sts.amazonaws.com"]
        )));
        assert!(!passes(federated().condition(
            "StringLike",
            sub,
            ["repo:acme/app:*"]
        )));
        assert!(passes(
            federated()
                .condition("StringEquals", aud, ["sts.amazonaws.com"])
                .condition("StringLike", sub, ["repo:acme/app:*"])
        ));
        assert!(!passes(
            federated()
                .condition("StringEquals", aud, ["sts.amazonaws.com"])
                .condition("StringLike", sub, ["*"])
        ));
        assert!(!passes(
            federated()
                .condition("StringEquals", aud, ["sts.amazonaws.com"])
                .condition("ForAnyValue:StringLike", sub, ["repo:acme/app:*"])
        ));
    }
}
