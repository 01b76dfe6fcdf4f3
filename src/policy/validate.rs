//! The controls that judge identity policies (what a user, group or role may do). They run on a
//! spec at `build()` and on any policy read from an account, library-made or not; every action
//! is judged as the patterns it can match ([`super::actions_covered`]).

use crate::controls::{Check, ControlId};

use super::action::Action;
use super::actions_covered::{
    allows_every_action, describe_actions, statement_applies_to_all, statement_may_apply_to,
    targets_reached,
};
use super::arn::{is_unscoped_resource, Arn};
use super::document::{Effect, PolicyDocument, Statement};
use super::escalation::{escalation_actions, pass_role_note};
use super::glob::{glob_covers, globs_overlap};

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

pub(crate) fn statement_name(statement: &Statement, index: usize) -> String {
    statement
        .sid
        .clone()
        .filter(|sid| !sid.is_empty())
        .unwrap_or_else(|| format!("statement {}", index + 1))
}

pub(crate) fn typed_actions(statement: &Statement) -> Vec<Action> {
    statement
        .actions
        .iter()
        .map(|text| Action::parse(text).unwrap_or_else(|_| Action::everything()))
        .collect()
}

/// True when the statement reaches every resource: `NotResource`, `*`, or a pattern that
/// matches every ARN (`arn:*`, `arn:*:*:*:*:*`).
fn all_resources(statement: &Statement) -> bool {
    !statement.not_resources.is_empty()
        || statement.resources.iter().any(|r| {
            r.trim() == "*" || glob_covers(r.trim(), "arn:*:*:*:*:*") || every_arn_of_a_partition(r)
        })
}

/// `arn:aws:*:*:*:*` and the like: every service, region, account and resource of one partition.
fn every_arn_of_a_partition(resource: &str) -> bool {
    let only_wild =
        |text: &str| !text.is_empty() && text.chars().all(|c| matches!(c, '*' | '?' | ':' | '/'));
    Arn::parse(resource.trim()).is_ok_and(|arn| {
        only_wild(&arn.service)
            && only_wild(&arn.region)
            && only_wild(&arn.account)
            && only_wild(&arn.resource)
    })
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
        Arn::parse(resource)
            .is_ok_and(|arn| globs_overlap(&arn.service, "kms") && arn.is_unscoped())
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
        let by_not_action = !statement.not_actions.is_empty();
        if all_resources(statement) && (allows_every_action(statement) || by_not_action) {
            push(
                ControlId::IamPolicyNoStatementsWithAdminAccess,
                if by_not_action {
                    format!(
                        "allows {} on every resource: administrator access but for the listed actions",
                        describe_actions(statement)
                    )
                } else {
                    "allows Action * on Resource *: full administrator access".to_string()
                },
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
        if by_not_action {
            push(
                ControlId::IamPolicyNoStatementsWithFullAccess,
                format!(
                    "allows by NotAction: every action except {}",
                    statement.not_actions.join(", ")
                ),
            );
        }
        if kind != PolicyKind::AwsManaged && covers_all_keys(statement) {
            // `kms:*` is blocked as a grant of every KMS action; Decrypt and ReEncrypt by any
            // pattern or NotAction that reaches them.
            let mut blocked: Vec<&str> = Vec::new();
            if statement_applies_to_all(statement, "kms:*") {
                blocked.push("kms:*");
            }
            blocked.extend(targets_reached(
                statement,
                &["kms:Decrypt", "kms:ReEncrypt*"],
            ));
            if !blocked.is_empty() {
                let control = match kind {
                    PolicyKind::Inline => ControlId::IamInlinePolicyBlockedKmsActions,
                    _ => ControlId::IamCustomerPolicyBlockedKmsActions,
                };
                push(
                    control,
                    format!(
                        "allows {} (through {}) on all KMS keys: name the key ARNs instead",
                        blocked.join(", "),
                        describe_actions(statement)
                    ),
                );
            }
        }
        let unscoped = unscoped_resources(statement);
        if !unscoped.is_empty() {
            let data = targets_reached(statement, DATA_ACTIONS);
            if !data.is_empty() {
                push(
                    ControlId::IamNoWildcardResourceOnDataActions,
                    format!(
                        "allows data actions {} (through {}) on {}: name the buckets, keys, tables or log groups instead",
                        data.join(", "),
                        describe_actions(statement),
                        unscoped.join(", ")
                    ),
                );
            }
            if all_resources(statement)
                && statement_may_apply_to(statement, "aws-marketplace:Subscribe")
            {
                push(
                    ControlId::IamNoWildcardMarketplaceSubscribe,
                    "allows aws-marketplace:Subscribe on all resources".to_string(),
                );
            }
            let escalation = escalation_actions(statement);
            if kind != PolicyKind::AwsManaged && !escalation.is_empty() {
                let note = if escalation.contains(&"iam:PassRole") {
                    pass_role_note(statement)
                } else {
                    ""
                };
                push(
                    ControlId::IamNoPrivilegeEscalation,
                    format!(
                        "allows {} (through {}) on {}{note}: a holder could grant itself more access; name the roles, policies, keys, buckets or snapshots",
                        escalation.join(", "),
                        describe_actions(statement),
                        unscoped.join(", ")
                    ),
                );
            }
        }
    }
    findings
}

/// True when an action (or pattern) can read or write data (see [`DATA_ACTIONS`]).
pub fn is_data_action(action: &Action) -> bool {
    DATA_ACTIONS
        .iter()
        .any(|pattern| globs_overlap(pattern, action.as_str()))
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
    if kind != PolicyKind::AwsManaged {
        controls.push(ControlId::IamNoPrivilegeEscalation);
    }
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

#[cfg(test)]
mod tests {
    use super::*;

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
                    IamNoPrivilegeEscalation,
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
            (
                Statement::allow()
                    .actions(["*"])
                    .resources(["arn:aws:*:*:*:*"]),
                vec![
                    IamPolicyNoStatementsWithAdminAccess,
                    IamPolicyNoStatementsWithFullAccess,
                    IamCustomerPolicyBlockedKmsActions,
                    IamNoWildcardResourceOnDataActions,
                    IamNoWildcardMarketplaceSubscribe,
                    IamNoPrivilegeEscalation,
                ],
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
}
