//! The settings of IAM resources that controls judge and plans compare.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::construct::{Setting, State};
use crate::policy::PolicyDocument;

fn policy_text(policy: &Option<PolicyDocument>) -> String {
    policy
        .as_ref()
        .map(|policy| policy.normalized().to_json())
        .unwrap_or_else(|| "(none)".to_string())
}

fn tag_settings(tags: &BTreeMap<String, String>) -> impl Iterator<Item = Setting> + '_ {
    tags.iter()
        .map(|(key, value)| Setting::new(format!("tags.{key}"), value))
}

/// A role's settings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoleState {
    /// The role name.
    pub name: String,
    /// The role ARN.
    pub arn: String,
    /// The path, e.g. `/hipaa-aws/`.
    pub path: String,
    /// The description.
    pub description: String,
    /// Who may assume it.
    pub trust_policy: Option<PolicyDocument>,
    /// Longest session, in seconds.
    pub max_session_duration_secs: u32,
    /// The permissions boundary's ARN, if any.
    pub permissions_boundary: Option<String>,
    /// The attached managed policies the role itself manages (sorted ARNs): every attachment
    /// but the stack's grants (which manage their own).
    pub managed_policies: Vec<String>,
    /// Every attached managed policy with its default version's document (`None` when it could
    /// not be read), grants included: what the policy controls judge.
    pub attached_documents: BTreeMap<String, Option<PolicyDocument>>,
    /// Inline policies by name (refused: there must be none).
    pub inline_policies: BTreeMap<String, PolicyDocument>,
    /// The tags the library manages (others are ignored).
    pub tags: BTreeMap<String, String>,
}

impl State for RoleState {
    fn settings(&self) -> Vec<Setting> {
        let mut settings = vec![
            Setting::new("description", &self.description),
            Setting::new("trust_policy", policy_text(&self.trust_policy)),
            Setting::new("max_session_duration_secs", self.max_session_duration_secs),
            Setting::new(
                "permissions_boundary",
                self.permissions_boundary.as_deref().unwrap_or("(none)"),
            ),
            Setting::new(
                "managed_policies",
                serde_json::to_string(&self.managed_policies).unwrap_or_default(),
            ),
            Setting::new(
                "inline_policies",
                serde_json::to_string(&self.inline_policies.keys().collect::<Vec<_>>())
                    .unwrap_or_default(),
            ),
        ];
        settings.extend(tag_settings(&self.tags));
        settings
    }
}

/// A customer-managed policy's settings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ManagedPolicyState {
    /// The policy name.
    pub name: String,
    /// The policy ARN.
    pub arn: String,
    /// The path.
    pub path: String,
    /// The default version's document.
    pub document: Option<PolicyDocument>,
    /// The default version id (not compared).
    pub default_version: String,
    /// How many versions exist (not compared; IAM keeps at most five).
    pub version_count: usize,
    /// The tags the library manages (others are ignored).
    pub tags: BTreeMap<String, String>,
}

impl State for ManagedPolicyState {
    fn settings(&self) -> Vec<Setting> {
        let mut settings = vec![Setting::new("document", policy_text(&self.document))];
        settings.extend(tag_settings(&self.tags));
        settings
    }
}

/// A grant's settings: its policy, and whether the role it grants to has it attached.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GrantState {
    /// The policy holding the grant's statements.
    pub policy: ManagedPolicyState,
    /// The role it is granted to.
    pub role: String,
    /// True when the policy is attached to the role.
    pub attached: bool,
}

impl State for GrantState {
    fn settings(&self) -> Vec<Setting> {
        let mut settings = self.policy.settings();
        settings.push(Setting::new("attached_to_role", self.attached));
        settings
    }
}

/// The account password policy's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PasswordPolicyState {
    /// Fewest characters.
    pub minimum_length: u32,
    /// At least one symbol.
    pub require_symbols: bool,
    /// At least one digit.
    pub require_numbers: bool,
    /// At least one uppercase letter.
    pub require_uppercase: bool,
    /// At least one lowercase letter.
    pub require_lowercase: bool,
    /// Users may change their own password.
    pub allow_users_to_change: bool,
    /// Days before a password expires (`None`: never).
    pub max_age_days: Option<u32>,
    /// How many previous passwords may not be reused (`None`: any may).
    pub reuse_prevention: Option<u32>,
    /// An expired password can only be reset by an administrator.
    pub hard_expiry: bool,
}

impl State for PasswordPolicyState {
    fn settings(&self) -> Vec<Setting> {
        let optional = |value: Option<u32>| {
            value
                .map(|v| v.to_string())
                .unwrap_or_else(|| "(none)".to_string())
        };
        vec![
            Setting::new("minimum_length", self.minimum_length),
            Setting::new("require_symbols", self.require_symbols),
            Setting::new("require_numbers", self.require_numbers),
            Setting::new("require_uppercase", self.require_uppercase),
            Setting::new("require_lowercase", self.require_lowercase),
            Setting::new("allow_users_to_change", self.allow_users_to_change),
            Setting::new("max_age_days", optional(self.max_age_days)),
            Setting::new("reuse_prevention", optional(self.reuse_prevention)),
            Setting::new("hard_expiry", self.hard_expiry),
        ]
    }
}
