//! The controls that judge identity policies (what a user, group or role may do) and role trust
//! policies (who may assume a role). They run on a spec at `build()` and on any policy read from
//! an account, library-made or not.

use crate::controls::{Check, ControlId};

use super::action::Action;
use super::arn::{is_unscoped_resource, Arn};
use super::document::{Effect, PolicyDocument, Statement};

/// The KMS action patterns the AWS Config rules `IAM_CUSTOMER_POLICY_BLOCKED_KMS_ACTIONS` and
/// `IAM_INLINE_POLICY_BLOCKED_KMS_ACTIONS` block on all keys (their HIPAA pack parameter).
pub const BLOCKED_KMS_ACTIONS: &[&str] = &["kms:*", "kms:Decrypt", "kms:ReEncrypt*"];

/// Actions that read or write data (objects, items, records, messages, secrets, log events,
/// plaintext keys). An Allow of any of them must name its resources.
pub const DATA_ACTIONS: &[&str] = &[
    "s3:GetObject*",
    "s3:PutObject*",
    "s3:DeleteObject*",
    "s3:RestoreObject",
    "s3:ReplicateObject",
    "s3:ListBucket*",
    "s3:ListMultipartUploadParts",
    "s3:AbortMultipartUpload",
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:PartiQL*",
    "rds-data:*",
    "rds-db:connect",
    "logs:GetLogEvents",
    "logs:FilterLogEvents",
    "logs:StartQuery",
    "logs:GetQueryResults",
    "logs:PutLogEvents",
    "logs:CreateLogStream",
    "kms:Decrypt",
    "kms:Encrypt",
    "kms:GenerateDataKey*",
    "kms:ReEncrypt*",
    "secretsmanager:GetSecretValue",
    "secretsmanager:PutSecretValue",
    "ssm:GetParameter*",
    "ssm:PutParameter",
    "sqs:SendMessage*",
    "sqs:ReceiveMessage",
    "sqs:DeleteMessage*",
    "sns:Publish",
    "kinesis:GetRecords",
    "kinesis:PutRecord*",
    "firehose:PutRecord*",
    "healthlake:ReadResource",
    "healthlake:SearchWith*",
    "healthlake:CreateResource",
    "healthlake:UpdateResource",
    "healthlake:DeleteResource",
    "elasticfilesystem:ClientMount",
    "elasticfilesystem:ClientWrite",
];

/// The actions a trust policy may allow.
pub const TRUST_ACTIONS: &[&str] = &[
    "sts:AssumeRole",
    "sts:AssumeRoleWithWebIdentity",
    "sts:AssumeRoleWithSAML",
    "sts:TagSession",
    "sts:SetSourceIdentity",
    "sts:SetContext",
];

/// Which kind of identity policy is judged: it decides which KMS control applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PolicyKind {
    /// A customer-managed policy.
    CustomerManaged,
    /// An inline policy of a user, group or role.
    Inline,
    /// An AWS managed policy (the KMS rules do not judge these).
    AwsManaged,
}

/// One problem with one statement of a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyFinding {
    /// The control it breaks.
    pub control: ControlId,
    /// The statement, by its id or its position (`statement 2`).
    pub statement: String,
    /// Why, in one line.
    pub reason: String,
}

fn statement_name(statement: &Statement, index: usize) -> String {
    statement
        .sid
        .clone()
        .filter(|sid| !sid.is_empty())
        .unwrap_or_else(|| format!("statement {}", index + 1))
}

fn typed_actions(statement: &Statement) -> Vec<Action> {
    statement
        .actions
        .iter()
        .map(|text| Action::parse(text).unwrap_or_else(|_| Action::everything()))
        .collect()
}

fn all_resources(statement: &Statement) -> bool {
    !statement.not_resources.is_empty() || statement.resources.iter().any(|r| r.trim() == "*")
}

fn unscoped_resources(statement: &Statement) -> Vec<String> {
    if !statement.not_resources.is_empty() {
        return vec![format!(
            "every resource but {}",
            statement.not_resources.join(", ")
        )];
    }
    statement
        .resources
        .iter()
        .filter(|resource| is_unscoped_resource(resource))
        .cloned()
        .collect()
}

fn covers_all_keys(statement: &Statement) -> bool {
    if all_resources(statement) {
        return true;
    }
    statement.resources.iter().any(|resource| {
        Arn::parse(resource).is_ok_and(|arn| {
            (arn.service == "kms" || arn.service.contains('*')) && arn.is_unscoped()
        })
    })
}

/// Every problem of an identity policy, statement by statement. Deny statements are never a
/// problem. `kind` decides which KMS control a blocked KMS action breaks.
pub fn identity_policy_findings(policy: &PolicyDocument, kind: PolicyKind) -> Vec<PolicyFinding> {
    let mut findings = Vec::new();
    for (index, statement) in policy.statements.iter().enumerate() {
        if statement.effect != Effect::Allow {
            continue;
        }
        let name = statement_name(statement, index);
        let mut push = |control: ControlId, reason: String| {
            findings.push(PolicyFinding {
                control,
                statement: name.clone(),
                reason: format!("{name} {reason}"),
            })
        };
        let actions = typed_actions(statement);
        let everything = actions.iter().any(Action::is_everything);
        if everything && all_resources(statement) {
            push(
                ControlId::IamPolicyNoStatementsWithAdminAccess,
                "allows Action * on Resource *: full administrator access".to_string(),
            );
        }
        for action in &actions {
            if action.is_everything() || action.is_service_wildcard() {
                push(
                    ControlId::IamPolicyNoStatementsWithFullAccess,
                    format!(
                        "allows {action}: every action of {}",
                        match action.service() {
                            Some(service) if !action.is_everything() =>
                                format!("service {service}"),
                            _ => "every service".to_string(),
                        }
                    ),
                );
            }
        }
        if !statement.not_actions.is_empty() {
            push(
                ControlId::IamPolicyNoStatementsWithFullAccess,
                format!(
                    "allows by NotAction: every action except {}",
                    statement.not_actions.join(", ")
                ),
            );
        }
        if kind != PolicyKind::AwsManaged && covers_all_keys(statement) {
            let blocked: Vec<String> = actions
                .iter()
                .filter(|action| {
                    BLOCKED_KMS_ACTIONS.iter().any(|pattern| {
                        Action::parse(pattern).is_ok_and(|pattern| pattern.overlaps(action))
                    })
                })
                .map(ToString::to_string)
                .collect();
            let by_not_action = !statement.not_actions.is_empty()
                && !statement
                    .not_actions
                    .iter()
                    .any(|a| Action::parse(a).is_ok_and(|a| a.matches("kms:Decrypt")));
            if !blocked.is_empty() || by_not_action {
                let control = match kind {
                    PolicyKind::Inline => ControlId::IamInlinePolicyBlockedKmsActions,
                    _ => ControlId::IamCustomerPolicyBlockedKmsActions,
                };
                let what = if blocked.is_empty() {
                    "kms:Decrypt (by NotAction)".to_string()
                } else {
                    blocked.join(", ")
                };
                push(
                    control,
                    format!("allows {what} on all KMS keys: name the key ARNs instead"),
                );
            }
        }
        let unscoped = unscoped_resources(statement);
        if !unscoped.is_empty() {
            let data: Vec<String> = actions
                .iter()
                .filter(|action| is_data_action(action))
                .map(ToString::to_string)
                .collect();
            let data_by_not_action = !statement.not_actions.is_empty();
            if !data.is_empty() || data_by_not_action {
                let what = if data.is_empty() {
                    "data actions (by NotAction)".to_string()
                } else {
                    data.join(", ")
                };
                push(
                    ControlId::IamNoWildcardResourceOnDataActions,
                    format!(
                        "allows {what} on {}: name the buckets, keys, tables or log groups instead",
                        unscoped.join(", ")
                    ),
                );
            }
            if all_resources(statement)
                && actions
                    .iter()
                    .any(|action| action.matches("aws-marketplace:Subscribe"))
            {
                push(
                    ControlId::IamNoWildcardMarketplaceSubscribe,
                    "allows aws-marketplace:Subscribe on all resources".to_string(),
                );
            }
        }
    }
    findings
}

/// True when an action (or pattern) can read or write data (see [`DATA_ACTIONS`]).
pub fn is_data_action(action: &Action) -> bool {
    DATA_ACTIONS.iter().any(|pattern| {
        Action::parse(pattern)
            .is_ok_and(|pattern| pattern.overlaps(action) || action.matches(pattern.as_str()))
    })
}

/// Every problem of a customer-managed identity policy: what `build()` refuses for the
/// policies this library writes, and what the audit reports for any policy.
///
/// ```
/// use hipaa_aws::policy::{validate_identity_policy, PolicyDocument, Statement};
/// use hipaa_aws::ControlId;
/// let admin = PolicyDocument::new(vec![Statement::allow().actions(["*"]).resources(["*"])]);
/// let controls: Vec<ControlId> = validate_identity_policy(&admin)
///     .into_iter()
///     .map(|finding| finding.control)
///     .collect();
/// assert!(controls.contains(&ControlId::IamPolicyNoStatementsWithAdminAccess));
/// assert!(controls.contains(&ControlId::IamPolicyNoStatementsWithFullAccess));
/// ```
pub fn validate_identity_policy(policy: &PolicyDocument) -> Vec<PolicyFinding> {
    identity_policy_findings(policy, PolicyKind::CustomerManaged)
}

/// The controls an identity policy is judged against, for its kind.
pub fn identity_policy_controls(kind: PolicyKind) -> Vec<ControlId> {
    let mut controls = vec![
        ControlId::IamPolicyNoStatementsWithAdminAccess,
        ControlId::IamPolicyNoStatementsWithFullAccess,
    ];
    match kind {
        PolicyKind::CustomerManaged => controls.push(ControlId::IamCustomerPolicyBlockedKmsActions),
        PolicyKind::Inline => controls.push(ControlId::IamInlinePolicyBlockedKmsActions),
        PolicyKind::AwsManaged => {}
    }
    controls.push(ControlId::IamNoWildcardResourceOnDataActions);
    controls.push(ControlId::IamNoWildcardMarketplaceSubscribe);
    controls
}

/// One check per control an identity policy is judged against (see
/// [`identity_policy_controls`]), failing with every finding of that control.
pub fn identity_policy_checks(
    policy: &PolicyDocument,
    kind: PolicyKind,
    setting: &str,
) -> Vec<Check> {
    let findings = identity_policy_findings(policy, kind);
    checks_from_findings(&findings, &identity_policy_controls(kind), setting)
}

/// Turns findings into one check per control of `controls`.
pub fn checks_from_findings(
    findings: &[PolicyFinding],
    controls: &[ControlId],
    setting: &str,
) -> Vec<Check> {
    controls
        .iter()
        .map(|control| {
            let reasons: Vec<&str> = findings
                .iter()
                .filter(|finding| finding.control == *control)
                .map(|finding| finding.reason.as_str())
                .collect();
            Check::require(
                *control,
                setting,
                reasons.is_empty(),
                format!("no statement breaks {control}"),
                reasons.join("; "),
            )
        })
        .collect()
}

fn account_of_principal(value: &str) -> Option<String> {
    if value.len() == 12 && value.chars().all(|c| c.is_ascii_digit()) {
        return Some(value.to_string());
    }
    Arn::parse(value)
        .ok()
        .map(|arn| arn.account)
        .filter(|account| !account.is_empty())
}

/// Every problem of a role's trust policy, for a role in `account_id`: a principal that is
/// everyone (or a wildcard), an action other than assuming the role, and another account trusted
/// without an external id or MFA condition.
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
        if principal.is_everyone() {
            push("trusts everyone (Principal *)".to_string());
        }
        for value in principal
            .values("AWS")
            .iter()
            .chain(principal.values("Service"))
            .chain(principal.values("Federated"))
        {
            if value != "*" && value.contains('*') {
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
            push("allows by NotAction".to_string());
        }
        let foreign: Vec<&String> = principal
            .values("AWS")
            .iter()
            .filter(|value| {
                account_of_principal(value).is_some_and(|account| account != account_id)
            })
            .collect();
        let verified = statement.has_condition_key("sts:ExternalId")
            || statement.has_condition_key("aws:MultiFactorAuthPresent")
            || statement.has_condition_key("aws:MultiFactorAuthAge");
        if !foreign.is_empty() && !verified {
            push(format!(
                "trusts another account ({}) without an sts:ExternalId or MFA condition",
                foreign
                    .iter()
                    .map(|value| value.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
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

    fn controls(policy: &PolicyDocument) -> Vec<ControlId> {
        let mut controls: Vec<ControlId> = validate_identity_policy(policy)
            .into_iter()
            .map(|finding| finding.control)
            .collect();
        controls.sort();
        controls.dedup();
        controls
    }

    fn one(statement: Statement) -> PolicyDocument {
        PolicyDocument::new(vec![statement])
    }

    #[test]
    fn least_privilege_statements_pass() {
        let policy = PolicyDocument::new(vec![
            Statement::allow()
                .actions(["s3:GetObject"])
                .resources(["arn:aws:s3:::acme-phi/*"]),
            Statement::allow()
                .actions(["kms:Decrypt"])
                .resources(["arn:aws:kms:us-east-1:111122223333:key/1234"]),
            Statement::allow()
                .actions(["s3:ListAllMyBuckets"])
                .resources(["*"]),
            Statement::deny().actions(["*"]).resources(["*"]),
        ]);
        assert_eq!(controls(&policy), Vec::<ControlId>::new());
    }

    #[test]
    fn each_wildcard_shape_names_its_control() {
        use ControlId::*;
        let cases: Vec<(Statement, Vec<ControlId>)> = vec![
            (
                Statement::allow().actions(["*"]).resources(["*"]),
                vec![
                    IamPolicyNoStatementsWithAdminAccess,
                    IamPolicyNoStatementsWithFullAccess,
                    IamCustomerPolicyBlockedKmsActions,
                    IamNoWildcardResourceOnDataActions,
                    IamNoWildcardMarketplaceSubscribe,
                ],
            ),
            (
                Statement::allow()
                    .actions(["s3:*"])
                    .resources(["arn:aws:s3:::acme/*"]),
                vec![IamPolicyNoStatementsWithFullAccess],
            ),
            (
                Statement::allow()
                    .actions(["s3:GetObject"])
                    .resources(["*"]),
                vec![IamNoWildcardResourceOnDataActions],
            ),
            (
                Statement::allow()
                    .actions(["kms:Decrypt"])
                    .resources(["arn:aws:kms:*:111122223333:key/*"]),
                vec![
                    IamCustomerPolicyBlockedKmsActions,
                    IamNoWildcardResourceOnDataActions,
                ],
            ),
            (
                Statement::allow()
                    .not_actions(["iam:*"])
                    .resources(["arn:aws:s3:::acme/*"]),
                vec![IamPolicyNoStatementsWithFullAccess],
            ),
            (
                Statement::allow()
                    .actions(["aws-marketplace:Subscribe"])
                    .resources(["*"]),
                vec![IamNoWildcardMarketplaceSubscribe],
            ),
        ];
        for (statement, expected) in cases {
            let mut expected = expected;
            expected.sort();
            let policy = one(statement);
            assert_eq!(controls(&policy), expected, "{policy}");
        }
    }

    #[test]
    fn inline_policies_break_the_inline_kms_rule() {
        let policy = one(Statement::allow()
            .actions(["kms:ReEncrypt*"])
            .resources(["*"]));
        let kinds: Vec<ControlId> = identity_policy_findings(&policy, PolicyKind::Inline)
            .into_iter()
            .map(|f| f.control)
            .collect();
        assert!(kinds.contains(&ControlId::IamInlinePolicyBlockedKmsActions));
        assert!(!kinds.contains(&ControlId::IamCustomerPolicyBlockedKmsActions));
    }

    #[test]
    fn trust_policies_name_their_principals() {
        let service = one(Statement::allow()
            .principal(Principal::service("ec2.amazonaws.com"))
            .actions(["sts:AssumeRole"]));
        assert!(validate_trust_policy(&service, "111122223333").is_empty());
        let everyone = one(Statement::allow()
            .principal(Principal::Everyone)
            .actions(["sts:AssumeRole"]));
        assert!(!validate_trust_policy(&everyone, "111122223333").is_empty());
        let foreign = one(Statement::allow()
            .principal(Principal::aws("arn:aws:iam::444455556666:root"))
            .actions(["sts:AssumeRole"]));
        assert_eq!(validate_trust_policy(&foreign, "111122223333").len(), 1);
        let with_external_id = one(Statement::allow()
            .principal(Principal::aws("arn:aws:iam::444455556666:root"))
            .actions(["sts:AssumeRole"])
            .when(Condition::string_equals("sts:ExternalId", ["x-123"])));
        assert!(validate_trust_policy(&with_external_id, "111122223333").is_empty());
        let too_much = one(Statement::allow()
            .principal(Principal::service("ec2.amazonaws.com"))
            .actions(["sts:*"]));
        assert!(!validate_trust_policy(&too_much, "111122223333").is_empty());
    }
}
