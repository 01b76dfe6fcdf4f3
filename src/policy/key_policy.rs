//! What a KMS key policy may allow, for a key of a known account: no `kms:*` or `NotAction`;
//! no principal outside the account, except a service scoped to this account by
//! `StringEquals`/`ArnEquals` on `aws:SourceAccount`, `aws:SourceArn` or `kms:CallerAccount`
//! (or by an encryption context naming this account's resource); everyone only as callers of
//! this account (`kms:CallerAccount`); `kms:CreateGrant` only for AWS resources
//! (`kms:GrantIsForAWSResource`). Used by the key construct (build, verify) and the audit.

use super::actions_covered::{statement_applies_to_all, statement_may_apply_to};
use super::arn::Arn;
use super::audience::principal_is_everyone;
use super::condition::Comparison;
use super::conditions_semantics::{positive_comparison, scoped_to_account, value_names_account};
use super::document::{Effect, PolicyDocument, Statement};

/// Keys that scope a service principal to this account.
const SERVICE_SCOPE_KEYS: &[&str] = &["aws:SourceAccount", "aws:SourceArn", "kms:CallerAccount"];
/// Keys that scope everyone to callers of this account.
const CALLER_SCOPE_KEYS: &[&str] = &["kms:CallerAccount", "aws:PrincipalAccount"];

/// True when an encryption-context condition (positive operator) pins every value to a
/// resource ARN of this account without a wildcard in its account (as CloudWatch Logs'
/// `kms:EncryptionContext:aws:logs:arn` does): that scopes the statement as a source-account
/// condition would.
fn context_names_this_account(statement: &Statement, account_id: &str) -> bool {
    statement.conditions.iter().any(|(operator, keys)| {
        positive_comparison(operator).is_some()
            && keys.iter().any(|(key, values)| {
                key.trim()
                    .to_ascii_lowercase()
                    .starts_with("kms:encryptioncontext:")
                    && !values.is_empty()
                    && values
                        .iter()
                        .all(|value| value_names_account(value.trim(), account_id))
            })
    })
}

fn has_positive_key(statement: &Statement, wanted: impl Fn(&str) -> bool) -> bool {
    statement.conditions.iter().any(|(operator, keys)| {
        positive_comparison(operator).is_some()
            && keys
                .keys()
                .any(|key| wanted(&key.trim().to_ascii_lowercase()))
    })
}

/// `kms:GrantIsForAWSResource` is `true` (plain `Bool`).
fn grants_only_for_aws_resources(statement: &Statement) -> bool {
    statement.conditions.iter().any(|(operator, keys)| {
        positive_comparison(operator) == Some(Comparison::Bool)
            && keys.iter().any(|(key, values)| {
                key.trim().eq_ignore_ascii_case("kms:GrantIsForAWSResource")
                    && !values.is_empty()
                    && values.iter().all(|v| v.trim().eq_ignore_ascii_case("true"))
            })
    })
}

fn account_of(value: &str) -> Option<String> {
    let value = value.trim();
    if value.len() == 12 && value.chars().all(|c| c.is_ascii_digit()) {
        return Some(value.to_string());
    }
    Arn::parse(value)
        .ok()
        .map(|arn| arn.account)
        .filter(|account| !account.is_empty())
}

/// The problems of one Allow statement of a key policy in `account_id`.
fn statement_problems(statement: &Statement, account_id: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if statement.effect != Effect::Allow {
        return problems;
    }
    let name = statement
        .sid
        .clone()
        .filter(|sid| !sid.is_empty())
        .unwrap_or_else(|| "(no sid)".to_string());
    if !statement.not_actions.is_empty() {
        problems.push(format!("statement {name} allows by NotAction"));
    } else if statement_applies_to_all(statement, "kms:*") {
        problems.push(format!(
            "statement {name} allows kms:* (through {}), which joins cryptographic use and administration",
            statement.actions.join(", ")
        ));
    }
    if statement.not_principal.is_some() {
        problems.push(format!(
            "statement {name} allows by NotPrincipal: everyone but the listed principals"
        ));
    }
    if let Some(principal) = &statement.principal {
        if principal_is_everyone(principal) {
            let callers_here = scoped_to_account(
                statement,
                account_id,
                CALLER_SCOPE_KEYS,
                &[Comparison::StringEquals],
            );
            if !callers_here {
                problems.push(format!(
                    "statement {name} allows everyone without kms:CallerAccount = {account_id} (StringEquals)"
                ));
            }
        }
        for value in principal.values("AWS").iter().filter(|v| v.trim() != "*") {
            if account_of(value).as_deref() != Some(account_id) {
                problems.push(format!(
                    "statement {name} allows {value}, a principal outside account {account_id}"
                ));
            }
        }
        for kind in ["Federated", "CanonicalUser"] {
            for value in principal.values(kind).iter().filter(|v| v.trim() != "*") {
                problems.push(format!(
                    "statement {name} allows the {kind} principal {value}, outside the account"
                ));
            }
        }
        let services = principal.values("Service");
        if !services.is_empty() {
            let scoped = scoped_to_account(
                statement,
                account_id,
                SERVICE_SCOPE_KEYS,
                &[Comparison::StringEquals, Comparison::ArnEquals],
            ) || context_names_this_account(statement, account_id);
            // DescribeKey reveals metadata only and carries no encryption context.
            let cryptographic = statement
                .actions
                .iter()
                .any(|action| !action.trim().eq_ignore_ascii_case("kms:DescribeKey"));
            let scoped_to_context = !cryptographic
                || has_positive_key(statement, |key| {
                    key.starts_with("kms:encryptioncontext:") || key == "kms:viaservice"
                });
            if !scoped {
                problems.push(format!(
                    "statement {name} lets {} use the key without aws:SourceAccount, aws:SourceArn or kms:CallerAccount naming account {account_id} (StringEquals or ArnEquals)",
                    services.join(", ")
                ));
            }
            if !scoped_to_context {
                problems.push(format!(
                    "statement {name} lets {} use the key without an encryption-context or kms:ViaService condition",
                    services.join(", ")
                ));
            }
        }
    }
    if statement_may_apply_to(statement, "kms:CreateGrant")
        && !grants_only_for_aws_resources(statement)
    {
        problems.push(format!(
            "statement {name} allows kms:CreateGrant without kms:GrantIsForAWSResource = true: a grantee could hand the key to anyone"
        ));
    }
    problems
}

/// Every problem of a key policy for a key in `account_id` (empty: least privilege).
///
/// ```
/// use hipaa_aws::policy::{key_policy_problems, PolicyDocument, Principal, Statement};
/// let foreign = PolicyDocument::new(vec![Statement::allow()
///     .principal(Principal::aws("arn:aws:iam::444455556666:root"))
///     .actions(["kms:Decrypt"])
///     .resources(["*"])]);
/// assert_eq!(key_policy_problems(&foreign, "111122223333").len(), 1);
/// ```
pub fn key_policy_problems(policy: &PolicyDocument, account_id: &str) -> Vec<String> {
    policy
        .statements
        .iter()
        .flat_map(|statement| statement_problems(statement, account_id))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{Condition, Principal};

    const ACCOUNT: &str = "111122223333";

    fn judge(statement: Statement) -> Vec<String> {
        key_policy_problems(&PolicyDocument::new(vec![statement]), ACCOUNT)
    }

    fn root() -> Statement {
        Statement::allow()
            .principal(Principal::aws(format!("arn:aws:iam::{ACCOUNT}:root")))
            .resources(["*"])
    }

    fn logs() -> Statement {
        Statement::allow()
            .principal(Principal::service("logs.us-east-1.amazonaws.com"))
            .actions(["kms:Encrypt*", "kms:Decrypt*"])
            .resources(["*"])
    }

    #[test]
    fn patterns_of_every_kms_action_are_refused() {
        assert!(judge(root().actions(["kms:Describe*", "kms:List*"])).is_empty());
        assert!(!judge(root().actions(["kms:*"])).is_empty());
        assert!(!judge(root().actions(["*"])).is_empty());
        assert!(!judge(root().actions(["k?s:*"])).is_empty());
        assert!(!judge(root().not_actions(["kms:Decrypt"])).is_empty());
    }

    #[test]
    fn principals_outside_the_account_fail() {
        let foreign = Statement::allow()
            .principal(Principal::aws("arn:aws:iam::444455556666:role/x"))
            .actions(["kms:Decrypt"])
            .resources(["*"]);
        assert_eq!(judge(foreign.clone()).len(), 1);
        assert_eq!(
            judge(foreign.when(Condition::string_equals("kms:CallerAccount", [ACCOUNT]))).len(),
            1,
            "a condition does not bring another account's principal in"
        );
        let everyone = Statement::allow()
            .principal(Principal::Everyone)
            .actions(["kms:Decrypt"])
            .resources(["*"]);
        assert_eq!(judge(everyone.clone()).len(), 1);
        assert!(judge(
            everyone
                .clone()
                .when(Condition::string_equals("kms:CallerAccount", [ACCOUNT]))
        )
        .is_empty());
        assert_eq!(
            judge(
                everyone
                    .clone()
                    .condition("StringNotEquals", "kms:CallerAccount", [ACCOUNT])
            )
            .len(),
            1
        );
        assert_eq!(
            judge(
                everyone
                    .clone()
                    .condition("StringEquals", "aws:PrincipalOrgID", ["o-abc"])
            )
            .len(),
            1
        );
        assert_eq!(
            judge(everyone.condition("StringEquals", "kms:CallerAccount", ["444455556666"])).len(),
            1
        );
        let not_principal = Statement::allow()
            .not_principal(Principal::aws(format!("arn:aws:iam::{ACCOUNT}:root")))
            .actions(["kms:Decrypt"])
            .resources(["*"]);
        assert!(!judge(not_principal).is_empty());
    }

    #[test]
    fn services_count_only_with_the_right_operator_and_this_account() {
        let context = "kms:EncryptionContext:aws:logs:arn";
        let group = format!("arn:aws:logs:us-east-1:{ACCOUNT}:log-group:audit");
        assert!(judge(logs().when(Condition::arn_equals(context, [group.clone()]))).is_empty());
        assert!(!judge(logs().when(Condition::arn_like(
            context,
            ["arn:aws:logs:us-east-1:*:log-group:*"]
        )))
        .is_empty());
        assert!(!judge(logs().condition("ArnNotEquals", context, [group.clone()])).is_empty());
        let with_source = |op: &str, value: &str| {
            logs()
                .when(Condition::arn_equals(context, [group.clone()]))
                .condition(op, "aws:SourceAccount", [value])
        };
        assert!(judge(with_source("StringEquals", ACCOUNT)).is_empty());
        let cloudtrail = Statement::allow()
            .principal(Principal::service("cloudtrail.amazonaws.com"))
            .actions(["kms:GenerateDataKey*"])
            .resources(["*"])
            .condition(
                "StringLike",
                "kms:EncryptionContext:aws:cloudtrail:arn",
                [format!("arn:aws:cloudtrail:*:{ACCOUNT}:trail/t")],
            );
        assert!(
            judge(cloudtrail.clone()).is_empty(),
            "the context names a trail of this account"
        );
        let any_account = Statement::allow()
            .principal(Principal::service("cloudtrail.amazonaws.com"))
            .actions(["kms:GenerateDataKey*"])
            .resources(["*"])
            .condition(
                "StringLike",
                "kms:EncryptionContext:aws:cloudtrail:arn",
                ["arn:aws:cloudtrail:*:*:trail/t"],
            );
        assert!(!judge(any_account).is_empty());
        assert!(judge(cloudtrail.clone().condition(
            "StringEquals",
            "aws:SourceArn",
            [format!("arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/t")]
        ))
        .is_empty());
        let bare = Statement::allow()
            .principal(Principal::service("cloudtrail.amazonaws.com"))
            .actions(["kms:GenerateDataKey*"])
            .resources(["*"])
            .condition(
                "StringLike",
                "kms:EncryptionContext:aws:cloudtrail:arn",
                ["arn:aws:cloudtrail:*:*:trail/t"],
            );
        assert!(!judge(bare.clone().condition(
            "StringEqualsIfExists",
            "aws:SourceAccount",
            [ACCOUNT]
        ))
        .is_empty());
        assert!(!judge(bare.clone().condition(
            "ForAnyValue:StringEquals",
            "aws:SourceAccount",
            [ACCOUNT]
        ))
        .is_empty());
        assert!(!judge(bare.clone().condition(
            "StringEquals",
            "aws:SourceArn",
            ["arn:aws:cloudtrail:us-east-1:444455556666:trail/t"]
        ))
        .is_empty());
        assert!(judge(bare.condition("StringEquals", "aws:SourceAccount", [ACCOUNT])).is_empty());
    }

    #[test]
    fn create_grant_needs_grant_is_for_aws_resource() {
        assert!(!judge(root().actions(["kms:CreateGrant"])).is_empty());
        assert!(!judge(root().actions(["kms:Create*"])).is_empty());
        assert!(judge(root().actions(["kms:CreateGrant"]).condition(
            "Bool",
            "kms:GrantIsForAWSResource",
            ["true"]
        ))
        .is_empty());
        assert!(!judge(root().actions(["kms:CreateGrant"]).condition(
            "BoolIfExists",
            "kms:GrantIsForAWSResource",
            ["true"]
        ))
        .is_empty());
        assert!(!judge(root().actions(["kms:CreateGrant"]).condition(
            "Bool",
            "kms:GrantIsForAWSResource",
            ["false"]
        ))
        .is_empty());
        assert!(judge(root().actions(["kms:CreateAlias"])).is_empty());
    }
}
