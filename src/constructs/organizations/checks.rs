//! The guardrails a service control policy must hold, and the controls that judge a policy
//! (on a spec, a live policy, or every policy attached above an organizational unit).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::construct::{Setting, State};
use crate::controls::{Check, ControlId, Status};
use crate::policy::{
    actions_not_denied, denies_services_outside, Exempt, PolicyDocument, Principal,
};

/// One guardrail: what member accounts may not do (except the break-glass role).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Guardrail {
    /// Stop, delete or narrow CloudTrail trails.
    CloudTrail,
    /// Stop or delete AWS Config recorders and delivery channels.
    Config,
    /// Delete, suspend or disassociate GuardDuty detectors.
    GuardDuty,
    /// Disable Security Hub or its standards, or leave its administrator.
    SecurityHub,
    /// Delete VPC flow logs.
    FlowLogs,
    /// Turn off EBS encryption by default.
    EbsDefaultEncryption,
    /// Change the account-level S3 Block Public Access.
    S3AccountPublicAccess,
    /// Leave the organization (and its guardrails).
    LeaveOrganization,
}

impl Guardrail {
    /// Every guardrail, in the order policies list them.
    pub const ALL: &'static [Guardrail] = &[
        Guardrail::CloudTrail,
        Guardrail::Config,
        Guardrail::GuardDuty,
        Guardrail::SecurityHub,
        Guardrail::FlowLogs,
        Guardrail::EbsDefaultEncryption,
        Guardrail::S3AccountPublicAccess,
        Guardrail::LeaveOrganization,
    ];

    /// Its name in settings and statement ids, e.g. `cloudtrail`.
    pub fn name(self) -> &'static str {
        match self {
            Guardrail::CloudTrail => "cloudtrail",
            Guardrail::Config => "config",
            Guardrail::GuardDuty => "guardduty",
            Guardrail::SecurityHub => "securityhub",
            Guardrail::FlowLogs => "flow-logs",
            Guardrail::EbsDefaultEncryption => "ebs-default-encryption",
            Guardrail::S3AccountPublicAccess => "s3-account-public-access",
            Guardrail::LeaveOrganization => "leave-organization",
        }
    }

    /// The statement id the library gives it, e.g. `DenyCloudtrailChanges`.
    pub fn sid(self) -> String {
        let words: String = self
            .name()
            .split('-')
            .map(|word| {
                let mut chars = word.chars();
                chars
                    .next()
                    .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                    .unwrap_or_default()
            })
            .collect();
        format!("Deny{words}Changes")
    }

    /// The actions it denies.
    pub fn actions(self) -> &'static [&'static str] {
        match self {
            Guardrail::CloudTrail => &[
                "cloudtrail:StopLogging",
                "cloudtrail:DeleteTrail",
                "cloudtrail:UpdateTrail",
                "cloudtrail:PutEventSelectors",
            ],
            Guardrail::Config => &[
                "config:StopConfigurationRecorder",
                "config:DeleteConfigurationRecorder",
                "config:DeleteDeliveryChannel",
                "config:DeleteRetentionConfiguration",
            ],
            Guardrail::GuardDuty => &[
                "guardduty:DeleteDetector",
                "guardduty:UpdateDetector",
                "guardduty:DisassociateFromMasterAccount",
                "guardduty:DisassociateFromAdministratorAccount",
                "guardduty:StopMonitoringMembers",
                "guardduty:DeleteMembers",
            ],
            Guardrail::SecurityHub => &[
                "securityhub:DisableSecurityHub",
                "securityhub:BatchDisableStandards",
                "securityhub:DisassociateFromMasterAccount",
                "securityhub:DisassociateFromAdministratorAccount",
                "securityhub:DeleteMembers",
            ],
            Guardrail::FlowLogs => &["ec2:DeleteFlowLogs"],
            Guardrail::EbsDefaultEncryption => &["ec2:DisableEbsEncryptionByDefault"],
            Guardrail::S3AccountPublicAccess => &["s3:PutAccountPublicAccessBlock"],
            Guardrail::LeaveOrganization => &["organizations:LeaveOrganization"],
        }
    }
}

/// A service control policy of the library and where it is attached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GuardrailsState {
    /// The policy name.
    pub name: String,
    /// Its id (`p-…`, known after apply).
    pub id: String,
    /// Its ARN (known after apply).
    pub arn: String,
    /// Its document (`None` when it could not be parsed).
    pub document: Option<PolicyDocument>,
    /// The roots, organizational units and accounts it is attached to.
    pub targets: BTreeSet<String>,
    /// The tags the library manages (others are ignored).
    pub tags: BTreeMap<String, String>,
}

impl State for GuardrailsState {
    fn settings(&self) -> Vec<Setting> {
        let mut settings = vec![
            Setting::new(
                "document",
                self.document
                    .as_ref()
                    .map(|document| document.normalized().to_json())
                    .unwrap_or_else(|| "(unreadable)".to_string()),
            ),
            Setting::new(
                "targets",
                self.targets.iter().cloned().collect::<Vec<_>>().join(", "),
            ),
        ];
        settings.extend(
            self.tags
                .iter()
                .map(|(key, value)| Setting::new(format!("tags.{key}"), value)),
        );
        settings
    }
}

/// SCP statements name no principal: they apply to every principal of the accounts below.
fn for_everyone(policies: &[PolicyDocument]) -> Vec<PolicyDocument> {
    policies
        .iter()
        .map(|policy| {
            let mut policy = policy.clone();
            for statement in &mut policy.statements {
                if statement.principal.is_none() && statement.not_principal.is_none() {
                    statement.principal = Some(Principal::Everyone);
                }
            }
            policy
        })
        .collect()
}

/// The services the library's own constructs call (and that sign-in and role assumption need):
/// a starting point for [`OrganizationGuardrails`](super::OrganizationGuardrails)'s allow-list,
/// to which an organization adds the other services its Business Associate Agreement covers.
pub const LIBRARY_SERVICES: &[&str] = &[
    "backup",
    "cloudtrail",
    "cloudwatch",
    "config",
    "ec2",
    "guardduty",
    "iam",
    "kms",
    "logs",
    "organizations",
    "rds",
    "s3",
    "securityhub",
    "sns",
    "sts",
];

/// The controls [`evaluate_allow_list`] judges (see `crate::controls::coverage`).
pub const EVALUATE_ALLOW_LIST_COVERS: &[ControlId] = &[ControlId::ScpGuardrailsInForce];

/// Judges the service allow-list on one target: some Deny of some policy in force refuses every
/// action of every service outside `allowed`, on every resource, with no condition but the
/// exemption of the break-glass role (`exempt`).
pub fn evaluate_allow_list(
    policies: &[PolicyDocument],
    allowed: &[&str],
    exempt: Exempt<'_>,
) -> Check {
    let everyone = for_everyone(policies);
    let mut fewest_open: Option<Vec<String>> = None;
    for policy in &everyone {
        match denies_services_outside(policy, allowed, exempt) {
            Ok(()) => {
                return Check::require(
                    ControlId::ScpGuardrailsInForce,
                    "guardrails.service-allow-list",
                    true,
                    format!(
                        "every service but {} is denied to member accounts",
                        allowed.join(", ")
                    ),
                    "",
                );
            }
            Err(open) => {
                if fewest_open.as_ref().is_none_or(|fewest| {
                    fewest.is_empty() || (!open.is_empty() && open.len() < fewest.len())
                }) {
                    fewest_open = Some(open);
                }
            }
        }
    }
    let open = fewest_open.unwrap_or_default();
    Check::require(
        ControlId::ScpGuardrailsInForce,
        "guardrails.service-allow-list",
        false,
        "",
        if open.is_empty() {
            "no service control policy in force denies every service outside the allow-list (a Deny with NotAction of the allowed services, on every resource, for everyone but one break-glass role)".to_string()
        } else {
            format!(
                "the allow-list's NotAction also leaves open {} (a pattern or a service outside {})",
                open.join(", "),
                allowed.join(", ")
            )
        },
    )
}

/// The controls [`evaluate_guardrails`] judges (see `crate::controls::coverage`).
pub const EVALUATE_GUARDRAILS_COVERS: &[ControlId] = &[ControlId::ScpGuardrailsInForce];

/// Judges the service control policies in force on one target (a policy, or every policy
/// attached to an organizational unit and above it): one check per guardrail, passing when some
/// Deny of some policy refuses every one of its actions on every resource, with no condition
/// but the exemption of the break-glass role (`exempt`). SCP statements name no principal:
/// they apply to every principal of the accounts below.
pub fn evaluate_guardrails(policies: &[PolicyDocument], exempt: Exempt<'_>) -> Vec<Check> {
    let everyone = for_everyone(policies);
    Guardrail::ALL
        .iter()
        .map(|guardrail| {
            let actions = guardrail.actions();
            let open: Vec<&str> = actions
                .iter()
                .copied()
                .filter(|action| {
                    everyone
                        .iter()
                        .all(|policy| !actions_not_denied(policy, &[action], exempt).is_empty())
                })
                .collect();
            Check::require(
                ControlId::ScpGuardrailsInForce,
                format!("guardrails.{}", guardrail.name()),
                open.is_empty(),
                format!("denied to member accounts: {}", actions.join(", ")),
                format!(
                    "no service control policy in force denies {} (for everyone but one break-glass role, on every resource, without other conditions)",
                    open.join(", ")
                ),
            )
        })
        .collect()
}

/// The controls [`evaluate_attachment`] judges (see `crate::controls::coverage`).
pub const EVALUATE_ATTACHMENT_COVERS: &[ControlId] = &[ControlId::ScpGuardrailsAttached];

/// Judges where a guardrail policy is attached: to every target it declares.
pub fn evaluate_attachment(attached: &BTreeSet<String>, declared: &BTreeSet<String>) -> Check {
    let missing: Vec<&str> = declared
        .iter()
        .filter(|target| !attached.contains(*target))
        .map(String::as_str)
        .collect();
    if declared.is_empty() {
        return Check {
            control: ControlId::ScpGuardrailsAttached,
            setting: "targets".to_string(),
            status: Status::Fail,
            reason: "the policy names no target: it is in force nowhere".to_string(),
        };
    }
    Check::require(
        ControlId::ScpGuardrailsAttached,
        "targets",
        missing.is_empty(),
        format!(
            "attached to {}",
            declared.iter().cloned().collect::<Vec<_>>().join(", ")
        ),
        format!("not attached to {}", missing.join(", ")),
    )
}
