//! The IAM users, groups and the root user of an account: the library makes none of them (only
//! roles), but the audit judges every one with these readers (`read`) and controls (`checks`).

mod checks;
mod read;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::policy::PolicyDocument;

pub use checks::{
    evaluate_group, evaluate_root, evaluate_user, EVALUATE_GROUP_COVERS, EVALUATE_ROOT_COVERS,
    EVALUATE_USER_COVERS,
};
pub use read::{read_group_state, read_root_state, read_user_state};

const SERVICE: &str = "iam";
const NO_SUCH_ENTITY: &[&str] = &["NoSuchEntity"];
const DAY_SECS: i64 = 86_400;

/// One access key of a user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessKeyState {
    /// The key id.
    pub id: String,
    /// Active (not Inactive).
    pub active: bool,
    /// When it was made, in epoch seconds.
    pub created_secs: Option<i64>,
    /// When it was last used, in epoch seconds (`None`: never).
    pub last_used_secs: Option<i64>,
}

/// An IAM user's settings the controls judge.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UserState {
    /// The user name.
    pub name: String,
    /// The user ARN.
    pub arn: String,
    /// The groups it belongs to.
    pub groups: Vec<String>,
    /// Managed policies attached directly, with their documents.
    pub attached_documents: BTreeMap<String, Option<PolicyDocument>>,
    /// Inline policies by name.
    pub inline_policies: BTreeMap<String, PolicyDocument>,
    /// The user can sign in to the console.
    pub console_password: bool,
    /// When the password was last used, in epoch seconds.
    pub password_last_used_secs: Option<i64>,
    /// When the user was made, in epoch seconds.
    pub created_secs: Option<i64>,
    /// How many MFA devices it has.
    pub mfa_devices: usize,
    /// Its access keys.
    pub access_keys: Vec<AccessKeyState>,
}

/// An IAM group's settings the controls judge.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupState {
    /// The group name.
    pub name: String,
    /// The group ARN.
    pub arn: String,
    /// Its users.
    pub users: Vec<String>,
    /// Attached managed policies, with their documents.
    pub attached_documents: BTreeMap<String, Option<PolicyDocument>>,
    /// Inline policies by name.
    pub inline_policies: BTreeMap<String, PolicyDocument>,
}

/// The root user's credentials, from the account summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RootState {
    /// The root user has MFA.
    pub mfa_enabled: bool,
    /// The root user has (any) access keys.
    pub access_keys_present: bool,
    /// The root user's MFA is a virtual device (`None`: not known).
    pub virtual_mfa: Option<bool>,
}

/// How old credentials may be, in days. The defaults are the AWS Config HIPAA pack's (90).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CredentialRequirements {
    /// Most days an active access key may live (`ACCESS_KEYS_ROTATED`).
    pub max_access_key_age_days: i64,
    /// Most days a password or active key may go unused (`IAM_USER_UNUSED_CREDENTIALS_CHECK`).
    pub max_unused_days: i64,
}

impl Default for CredentialRequirements {
    fn default() -> Self {
        CredentialRequirements {
            max_access_key_age_days: 90,
            max_unused_days: 90,
        }
    }
}
