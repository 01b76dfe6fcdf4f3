//! [`HipaaKey`]: props, validation and desired state.

use std::collections::BTreeMap;

use serde::Serialize;
use typed_builder::TypedBuilder;

use crate::construct::{
    tags_check, violations_of, Construct, Ctx, Lifecycle, Live, LogicalId, Ref, ResourceKind,
    ResourceOutputs, Scope, Setting, SettingChange, State, NOT_REPORTED,
};
use crate::controls::{Check, ControlId};
use crate::error::{Result, Violation, Violations};
use crate::policy::PolicyDocument;

use super::checks::evaluate_key;
use super::key_policy::key_policy;
use super::live;

/// Shortest deletion waiting period KMS accepts, in days.
pub const MIN_DELETION_WINDOW_DAYS: u32 = 7;
/// Longest (and default) deletion waiting period, in days.
pub const MAX_DELETION_WINDOW_DAYS: u32 = 30;
/// Default automatic rotation period, in days.
pub const DEFAULT_ROTATION_DAYS: u32 = 365;

/// The props of a [`HipaaKey`]; build them with [`HipaaKey::builder`].
///
/// There is no setter that turns rotation off, makes the key asymmetric or imports key
/// material: those shapes cannot be written.
#[derive(Debug, Clone, TypedBuilder)]
#[builder(
    doc,
    builder_type(name = HipaaKeyBuilder, doc = "Builds a [`HipaaKey`]; `alias` is required."),
    build_method(into = Result<HipaaKey>, doc = "Validates the props and returns the key, or every violation at once.")
)]
pub struct HipaaKeyProps {
    /// The alias, with or without the `alias/` prefix (e.g. `phi` or `alias/phi`).
    #[builder(setter(into, doc = "The alias, with or without the `alias/` prefix."))]
    alias: String,
    /// A description; by default one naming the alias.
    #[builder(
        default,
        setter(into, strip_option, doc = "A description of the key's purpose.")
    )]
    description: Option<String>,
    /// Days between automatic rotations, 90 to 2560 (365 by default). Rotation is always on.
    #[builder(default = DEFAULT_ROTATION_DAYS, setter(doc = "Days between automatic rotations, 90 to 2560 (365 by default). Rotation is always on."))]
    rotation_period_days: u32,
    /// Days KMS waits before deleting a key scheduled for deletion, 7 to 30 (30 by default).
    #[builder(default = MAX_DELETION_WINDOW_DAYS, setter(doc = "Days KMS waits before deleting the key once scheduled, 7 to 30 (30 by default)."))]
    deletion_window_days: u32,
    /// The region of the key, when not the stack's (a key for a copy vault in a second region).
    #[builder(
        default,
        setter(
            into,
            strip_option,
            doc = "The region of the key, when not the stack's (a key for a copy vault in a second region)."
        )
    )]
    region: Option<String>,
}

/// A customer-managed symmetric KMS key with automatic rotation always on, an alias, and a
/// least-privilege key policy.
///
/// ```
/// use hipaa_aws::HipaaKey;
/// let key = HipaaKey::builder().alias("phi").build()?;
/// assert_eq!(key.alias(), "alias/phi");
/// assert_eq!(key.rotation_period_days(), 365);
/// # Ok::<(), hipaa_aws::Error>(())
/// ```
///
/// Rotation cannot be turned off, because no method does it:
///
/// ```compile_fail
/// let key = hipaa_aws::HipaaKey::builder().alias("phi").rotation(false).build();
/// ```
#[derive(Debug, Clone)]
pub struct HipaaKey {
    id: LogicalId,
    alias: String,
    description: String,
    rotation_period_days: u32,
    deletion_window_days: u32,
    region: Option<String>,
}

/// The settings of a key that controls judge and plans compare.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeyState {
    /// The alias (`alias/...`), if the key has one.
    pub alias: Option<String>,
    /// The description.
    pub description: String,
    /// `SYMMETRIC_DEFAULT` for every key of this library.
    pub key_spec: String,
    /// `ENCRYPT_DECRYPT`.
    pub key_usage: String,
    /// `CUSTOMER` (not `AWS`).
    pub key_manager: String,
    /// `Enabled`, `Disabled`, `PendingDeletion`, …
    pub key_state: String,
    /// Automatic rotation on.
    pub rotation_enabled: bool,
    /// The rotation period, when reported.
    pub rotation_period_days: Option<u32>,
    /// The key policy.
    pub policy: Option<PolicyDocument>,
    /// The tags the library manages (others are ignored).
    pub tags: BTreeMap<String, String>,
    /// The account that owns the key (from its ARN; the stack's account for a spec): the key
    /// policy is judged against it. Not a setting: it never drifts.
    pub account_id: String,
}

impl State for KeyState {
    fn settings(&self) -> Vec<Setting> {
        let mut settings = vec![
            Setting::new("alias", self.alias.as_deref().unwrap_or("(none)")),
            Setting::new("description", &self.description),
            Setting::new("key_spec", &self.key_spec),
            Setting::new("key_usage", &self.key_usage),
            Setting::new("key_manager", &self.key_manager),
            Setting::new("key_state", &self.key_state),
            Setting::new("rotation.enabled", self.rotation_enabled),
            Setting::new(
                "rotation.period_days",
                self.rotation_period_days
                    .map(|days| days.to_string())
                    .unwrap_or_else(|| NOT_REPORTED.to_string()),
            ),
            Setting::new(
                "policy",
                self.policy
                    .as_ref()
                    .map(|policy| policy.normalized().to_json())
                    .unwrap_or_else(|| "(none)".to_string()),
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

impl HipaaKey {
    /// Starts a builder.
    pub fn builder() -> HipaaKeyBuilder {
        HipaaKeyProps::builder()
    }

    /// The alias, `alias/...`.
    pub fn alias(&self) -> &str {
        &self.alias
    }

    /// Days between automatic rotations.
    pub fn rotation_period_days(&self) -> u32 {
        self.rotation_period_days
    }

    /// Days KMS waits before deleting the key once it is scheduled for deletion.
    pub fn deletion_window_days(&self) -> u32 {
        self.deletion_window_days
    }

    /// A typed reference for other constructs.
    pub fn reference(&self) -> Ref<HipaaKey> {
        Ref::new(self.id.clone(), self.alias.clone())
    }

    fn resource_name(&self) -> String {
        format!("kms key {:?}", self.alias)
    }
}

impl From<&HipaaKey> for Ref<HipaaKey> {
    fn from(key: &HipaaKey) -> Self {
        key.reference()
    }
}

/// The controls `HipaaKey::build()` judges on the props alone (the deletion window; see
/// `crate::controls::coverage`), beside those of [`evaluate_key`](super::evaluate_key).
pub const KEY_PROPS_COVERS: &[ControlId] = &[ControlId::KmsDeletionWindow];

impl From<HipaaKeyProps> for Result<HipaaKey> {
    fn from(props: HipaaKeyProps) -> Self {
        let alias = if props.alias.starts_with("alias/") {
            props.alias.trim().to_string()
        } else {
            format!("alias/{}", props.alias.trim())
        };
        let key = HipaaKey {
            id: ResourceKind::KMS_KEY.logical_id(alias.trim_start_matches("alias/")),
            description: props
                .description
                .unwrap_or_else(|| format!("hipaa-aws key {alias}")),
            alias,
            rotation_period_days: props.rotation_period_days,
            deletion_window_days: props.deletion_window_days,
            region: props
                .region
                .map(|region| region.trim().to_string())
                .filter(|region| !region.is_empty()),
        };
        let mut violations: Vec<Violation> = Vec::new();
        let resource = key.resource_name();
        if !(MIN_DELETION_WINDOW_DAYS..=MAX_DELETION_WINDOW_DAYS)
            .contains(&key.deletion_window_days)
        {
            violations.push(Violation::new(
                &resource,
                "deletion_window_days",
                ControlId::KmsDeletionWindow,
                format!(
                    "a deletion window of {} days is outside {MIN_DELETION_WINDOW_DAYS} to {MAX_DELETION_WINDOW_DAYS}",
                    key.deletion_window_days
                ),
            ));
        }
        if key.description.chars().count() > 8192 {
            violations.push(Violation::new(
                &resource,
                "description",
                ControlId::KmsAliasValid,
                "a key description has at most 8192 characters",
            ));
        }
        let desired = key.desired(&Scope::for_build());
        violations.extend(violations_of(&resource, &key.evaluate(&desired)));
        match Violations::from_vec(violations) {
            None => Ok(key),
            Some(violations) => Err(crate::Error::Invalid(violations)),
        }
    }
}

impl Construct for HipaaKey {
    type State = KeyState;

    fn id(&self) -> &LogicalId {
        &self.id
    }

    fn kind(&self) -> ResourceKind {
        ResourceKind::KMS_KEY
    }

    fn name(&self) -> &str {
        &self.alias
    }

    fn dependencies(&self) -> Vec<LogicalId> {
        Vec::new()
    }

    fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    fn desired(&self, scope: &Scope<'_>) -> KeyState {
        KeyState {
            alias: Some(self.alias.clone()),
            description: self.description.clone(),
            key_spec: "SYMMETRIC_DEFAULT".to_string(),
            key_usage: "ENCRYPT_DECRYPT".to_string(),
            key_manager: "CUSTOMER".to_string(),
            key_state: "Enabled".to_string(),
            rotation_enabled: true,
            rotation_period_days: Some(self.rotation_period_days),
            policy: Some(key_policy(
                scope,
                self.deletion_window_days,
                scope.contributions_for(&self.id),
            )),
            tags: scope.tags_for(&self.id, false),
            account_id: scope.account_id.to_string(),
        }
    }

    fn evaluate(&self, state: &KeyState) -> Vec<Check> {
        let mut checks = evaluate_key(state);
        checks.push(tags_check(&state.tags));
        checks
    }
}

impl Lifecycle for HipaaKey {
    async fn read(&self, ctx: &Ctx<'_>) -> Result<Option<Live<KeyState>>> {
        live::read_key(ctx, self).await
    }

    async fn create(&self, ctx: &Ctx<'_>, desired: &KeyState) -> Result<ResourceOutputs> {
        live::create_key(ctx, self, desired).await
    }

    async fn update(
        &self,
        ctx: &Ctx<'_>,
        live: &Live<KeyState>,
        desired: &KeyState,
        changes: &[SettingChange],
    ) -> Result<()> {
        live::update_key(ctx, self, live, desired, changes).await
    }

    async fn deletion_guard(
        &self,
        _ctx: &Ctx<'_>,
        _live: &Live<KeyState>,
    ) -> Result<Option<String>> {
        Ok(Some(format!(
            "a KMS key: everything encrypted under it becomes unreadable once it is gone; with consent it is \
             scheduled for deletion with its {}-day window (cancel with CancelKeyDeletion), never deleted at once",
            self.deletion_window_days
        )))
    }

    async fn delete(&self, ctx: &Ctx<'_>, live: &Live<KeyState>) -> Result<()> {
        live::schedule_key_deletion(ctx, self, live).await
    }
}
