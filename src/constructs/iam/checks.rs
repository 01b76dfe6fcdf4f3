//! The controls that judge IAM roles, customer-managed policies and the account password
//! policy, on a spec or on what IAM returns for any role or policy of an account.

use std::collections::BTreeMap;

use crate::controls::{Check, ControlId, Status};
use crate::policy::{
    checks_from_findings, identity_policy_controls, identity_policy_findings,
    validate_trust_policy, Arn, PolicyDocument, PolicyFinding, PolicyKind,
};

use super::state::{ManagedPolicyState, PasswordPolicyState, RoleState};

/// Shortest role session IAM accepts, in seconds (one hour; the library's default).
pub const MIN_SESSION_SECS: u32 = 3_600;
/// Longest role session IAM accepts, in seconds (twelve hours).
pub const MAX_SESSION_SECS: u32 = 43_200;

/// The kind of a managed policy from its ARN: AWS managed (`arn:aws:iam::aws:policy/…`) or
/// customer managed.
pub fn managed_policy_kind(arn: &str) -> PolicyKind {
    match Arn::parse(arn) {
        Ok(arn) if arn.account == "aws" => PolicyKind::AwsManaged,
        _ => PolicyKind::CustomerManaged,
    }
}

fn name_of(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

/// The controls [`evaluate_attached_policies`] judges (see `crate::controls::coverage`).
pub const EVALUATE_ATTACHED_POLICIES_COVERS: &[ControlId] = &[
    ControlId::IamCustomerPolicyBlockedKmsActions,
    ControlId::IamNoPrivilegeEscalation,
    ControlId::IamNoWildcardMarketplaceSubscribe,
    ControlId::IamNoWildcardResourceOnDataActions,
    ControlId::IamPolicyNoStatementsWithAdminAccess,
    ControlId::IamPolicyNoStatementsWithFullAccess,
];

/// Judges every attached managed policy's document: one check per identity-policy control,
/// failing with the findings of every policy (each named). A document that could not be read
/// is an `ERROR` check, never a silent pass.
pub fn evaluate_attached_policies(
    documents: &BTreeMap<String, Option<PolicyDocument>>,
    setting: &str,
) -> Vec<Check> {
    let mut findings: Vec<PolicyFinding> = Vec::new();
    let mut unreadable = Vec::new();
    for (arn, document) in documents {
        match document {
            Some(document) => findings.extend(
                identity_policy_findings(document, managed_policy_kind(arn))
                    .into_iter()
                    .map(|finding| PolicyFinding {
                        reason: format!("{}: {}", name_of(arn), finding.reason),
                        ..finding
                    }),
            ),
            None => unreadable.push(name_of(arn).to_string()),
        }
    }
    let mut checks = checks_from_findings(
        &findings,
        &identity_policy_controls(PolicyKind::CustomerManaged),
        setting,
    );
    if !unreadable.is_empty() {
        checks.push(Check {
            control: ControlId::IamPolicyNoStatementsWithAdminAccess,
            setting: setting.to_string(),
            status: Status::Error,
            reason: format!(
                "the documents of {} could not be read",
                unreadable.join(", ")
            ),
        });
    }
    checks
}

/// Judges a principal's inline policies: none at all (`IAM_NO_INLINE_POLICY_CHECK`), and each
/// document against every identity-policy control an inline policy is judged by
/// ([`identity_policy_controls`] for [`PolicyKind::Inline`]), so an inline policy is never held
/// to less than a managed one. Used for roles, users and groups alike.
pub(crate) fn inline_policy_checks(
    inline: &BTreeMap<String, PolicyDocument>,
    principal: &str,
) -> Vec<Check> {
    let names: Vec<String> = inline.keys().map(|name| format!("{name:?}")).collect();
    let mut checks = vec![Check::require(
        ControlId::IamNoInlinePolicyCheck,
        "inline_policies",
        names.is_empty(),
        "no inline policies: permissions come from customer-managed policies",
        format!(
            "the {principal} carries inline policies {}: use customer-managed policies",
            names.join(", ")
        ),
    )];
    let findings: Vec<PolicyFinding> = inline
        .iter()
        .flat_map(|(name, document)| {
            identity_policy_findings(document, PolicyKind::Inline)
                .into_iter()
                .map(move |finding| PolicyFinding {
                    reason: format!("inline {name}: {}", finding.reason),
                    ..finding
                })
        })
        .collect();
    checks.extend(checks_from_findings(
        &findings,
        &identity_policy_controls(PolicyKind::Inline),
        "inline_policies",
    ));
    checks
}

/// The controls [`evaluate_role`] judges (see `crate::controls::coverage`).
pub const EVALUATE_ROLE_COVERS: &[ControlId] = &[
    ControlId::IamCustomerPolicyBlockedKmsActions,
    ControlId::IamInlinePolicyBlockedKmsActions,
    ControlId::IamNoInlinePolicyCheck,
    ControlId::IamNoPrivilegeEscalation,
    ControlId::IamNoWildcardMarketplaceSubscribe,
    ControlId::IamNoWildcardResourceOnDataActions,
    ControlId::IamPolicyNoStatementsWithAdminAccess,
    ControlId::IamPolicyNoStatementsWithFullAccess,
    ControlId::IamRoleMaxSessionDuration,
    ControlId::IamRoleTrustRestricted,
];

/// Judges a role: no inline policies, a trust policy that names its principals, a session of
/// 1 to 12 hours, and attached policies that pass every identity-policy control.
pub fn evaluate_role(state: &RoleState) -> Vec<Check> {
    let mut checks = inline_policy_checks(&state.inline_policies, "role");
    let account = Arn::parse(&state.arn)
        .map(|arn| arn.account)
        .unwrap_or_default();
    checks.push(match &state.trust_policy {
        // Unread is an error, never a verdict: the policy may trust anyone.
        None => Check {
            control: ControlId::IamRoleTrustRestricted,
            setting: "trust_policy".to_string(),
            status: Status::Error,
            reason: "the role's trust policy could not be read".to_string(),
        },
        Some(policy) => {
            let findings = validate_trust_policy(policy, &account);
            Check::require(
                ControlId::IamRoleTrustRestricted,
                "trust_policy",
                findings.is_empty(),
                "trusts one named service or account",
                findings
                    .iter()
                    .map(|finding| finding.reason.as_str())
                    .collect::<Vec<_>>()
                    .join("; "),
            )
        }
    });
    let duration = state.max_session_duration_secs;
    checks.push(Check::require(
        ControlId::IamRoleMaxSessionDuration,
        "max_session_duration_secs",
        (MIN_SESSION_SECS..=MAX_SESSION_SECS).contains(&duration),
        match duration / 3600 {
            1 => "sessions last at most 1 hour".to_string(),
            hours => format!("sessions last at most {hours} hours"),
        },
        format!(
            "a maximum session of {duration} seconds is outside {MIN_SESSION_SECS} to {MAX_SESSION_SECS}"
        ),
    ));
    checks.extend(evaluate_attached_policies(
        &state.attached_documents,
        "attached_policies",
    ));
    checks
}

/// The controls [`evaluate_managed_policy`] judges (see `crate::controls::coverage`).
pub const EVALUATE_MANAGED_POLICY_COVERS: &[ControlId] = &[
    ControlId::IamCustomerPolicyBlockedKmsActions,
    ControlId::IamNoPrivilegeEscalation,
    ControlId::IamNoWildcardMarketplaceSubscribe,
    ControlId::IamNoWildcardResourceOnDataActions,
    ControlId::IamPolicyNoStatementsWithAdminAccess,
    ControlId::IamPolicyNoStatementsWithFullAccess,
];

/// Judges a managed policy's document (AWS managed policies are not judged by the KMS rules).
pub fn evaluate_managed_policy(state: &ManagedPolicyState) -> Vec<Check> {
    let kind = managed_policy_kind(&state.arn);
    match &state.document {
        Some(document) => {
            let findings = identity_policy_findings(document, kind);
            checks_from_findings(&findings, &identity_policy_controls(kind), "document")
        }
        None => vec![Check {
            control: ControlId::IamPolicyNoStatementsWithAdminAccess,
            setting: "document".to_string(),
            status: Status::Error,
            reason: "the policy's default version could not be read".to_string(),
        }],
    }
}

/// What an account password policy must require. The defaults are the AWS Config HIPAA
/// conformance pack's `IAM_PASSWORD_POLICY` parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordRequirements {
    /// Fewest characters (14).
    pub minimum_length: u32,
    /// Most days before a password expires (90).
    pub max_age_days: u32,
    /// Fewest previous passwords that may not be reused (24).
    pub reuse_prevention: u32,
}

impl Default for PasswordRequirements {
    fn default() -> Self {
        PasswordRequirements {
            minimum_length: 14,
            max_age_days: 90,
            reuse_prevention: 24,
        }
    }
}

/// The controls [`evaluate_password_policy`] judges (see `crate::controls::coverage`).
pub const EVALUATE_PASSWORD_POLICY_COVERS: &[ControlId] = &[ControlId::IamPasswordPolicy];

/// Judges the account password policy (`None`: the account has none) requirement by
/// requirement, each as its own `IAM_PASSWORD_POLICY` check.
pub fn evaluate_password_policy(
    state: Option<&PasswordPolicyState>,
    requirements: &PasswordRequirements,
) -> Vec<Check> {
    let control = ControlId::IamPasswordPolicy;
    let Some(state) = state else {
        return vec![Check::require(
            control,
            "password_policy",
            false,
            "",
            "the account has no password policy: IAM users may choose any password of 6 characters or more",
        )];
    };
    let classes = [
        ("require_symbols", state.require_symbols, "a symbol"),
        ("require_numbers", state.require_numbers, "a digit"),
        (
            "require_uppercase",
            state.require_uppercase,
            "an uppercase letter",
        ),
        (
            "require_lowercase",
            state.require_lowercase,
            "a lowercase letter",
        ),
    ];
    let mut checks = vec![Check::require(
        control,
        "minimum_length",
        state.minimum_length >= requirements.minimum_length,
        format!("at least {} characters", state.minimum_length),
        format!(
            "a minimum length of {} is below {}",
            state.minimum_length, requirements.minimum_length
        ),
    )];
    checks.extend(classes.iter().map(|(setting, required, what)| {
        Check::require(
            control,
            *setting,
            *required,
            format!("every password has {what}"),
            format!("passwords need not contain {what}"),
        )
    }));
    checks.push(Check::require(
        control,
        "max_age_days",
        state
            .max_age_days
            .is_some_and(|days| (1..=requirements.max_age_days).contains(&days)),
        format!(
            "passwords expire after {} days",
            state.max_age_days.unwrap_or_default()
        ),
        match state.max_age_days {
            None => "passwords never expire".to_string(),
            Some(days) => format!(
                "passwords expire after {days} days, more than {}",
                requirements.max_age_days
            ),
        },
    ));
    checks.push(Check::require(
        control,
        "reuse_prevention",
        state
            .reuse_prevention
            .is_some_and(|count| count >= requirements.reuse_prevention),
        format!(
            "the last {} passwords cannot be reused",
            state.reuse_prevention.unwrap_or_default()
        ),
        match state.reuse_prevention {
            None => "old passwords may be reused".to_string(),
            Some(count) => format!(
                "only the last {count} passwords are remembered, fewer than {}",
                requirements.reuse_prevention
            ),
        },
    ));
    checks
}
