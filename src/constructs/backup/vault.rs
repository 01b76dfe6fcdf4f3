//! [`BackupVault`]: an AWS Backup vault encrypted with a [`HipaaKey`], locked in compliance
//! mode, whose policy lets nobody but a break-glass role delete recovery points or undo the
//! guard, and which publishes failed jobs to an encrypted topic.

use std::collections::BTreeSet;

use typed_builder::TypedBuilder;

use crate::construct::{
    tags_check, violations_of, Construct, Ctx, Lifecycle, Live, LogicalId, PolicyContribution, Ref,
    ResourceKind, ResourceOutputs, Scope, SettingChange,
};
use crate::constructs::cloudwatch::AlarmTopic;
use crate::constructs::iam::HipaaRole;
use crate::constructs::kms::HipaaKey;
use crate::controls::{Check, ControlId};
use crate::error::{Error, Result, Violation, Violations};
use crate::policy::{Condition, PolicyDocument, Principal, Statement};

use super::checks::{
    evaluate_vault, VaultExpectations, DELETION_ACTIONS, FAILURE_EVENTS, GUARD_ACTIONS,
    MAX_LOCK_RETENTION_DAYS, MIN_CHANGEABLE_FOR_DAYS, MIN_RETENTION_DAYS,
};
use super::live;
use super::names::backup_name_problem;
use super::state::{VaultLock, VaultNotifications, VaultState};

/// What a backup vault is, for plans and reports.
pub const VAULT_KIND: ResourceKind =
    ResourceKind::construct("AWS::Backup::BackupVault", "backup vault", "backup-vault");

/// The service principal of AWS Backup.
pub const BACKUP_SERVICE: &str = "backup.amazonaws.com";

/// The longest retention a vault lock allows by default: ten years.
pub const DEFAULT_MAX_RETENTION_DAYS: u32 = 3_653;

/// The role exempted from a vault's guard, as a vault refers to it: its reference and its
/// path (for its ARN). Made from a [`HipaaRole`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BreakGlassRole {
    reference: Ref<HipaaRole>,
    path: String,
}

impl From<&HipaaRole> for BreakGlassRole {
    fn from(role: &HipaaRole) -> Self {
        BreakGlassRole {
            reference: role.reference(),
            path: role.path().to_string(),
        }
    }
}

/// The topic a vault publishes its failures to, with the key that encrypts the topic (the
/// vault lets AWS Backup use it for this topic only). Made from an [`AlarmTopic`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailureTopic {
    reference: Ref<AlarmTopic>,
    key: Ref<HipaaKey>,
}

impl From<&AlarmTopic> for FailureTopic {
    fn from(topic: &AlarmTopic) -> Self {
        FailureTopic {
            reference: topic.reference(),
            key: topic.key().clone(),
        }
    }
}

/// The props of a [`BackupVault`]; build them with [`BackupVault::builder`].
///
/// `name`, `key`, `break_glass_role` and `failures_to` are required. There is no setter for
/// an unlocked vault, a governance-mode lock or an access policy: the lock is always in
/// compliance mode and the policy is always the guard.
#[derive(Debug, Clone, TypedBuilder)]
#[builder(
    doc,
    builder_type(
        name = BackupVaultBuilder,
        doc = "Builds a [`BackupVault`]; `name`, `key`, `break_glass_role` and `failures_to` are required."
    ),
    build_method(
        into = Result<BackupVault>,
        doc = "Validates the props and returns the vault, or every violation at once."
    )
)]
pub struct BackupVaultProps {
    #[builder(setter(
        into,
        doc = "The vault name (2 to 50 of letters, digits, '-' and '_')."
    ))]
    name: String,
    #[builder(setter(
        into,
        doc = "The key that encrypts the recovery points (in the vault's region)."
    ))]
    key: Ref<HipaaKey>,
    #[builder(setter(
        into,
        doc = "The one role that may delete recovery points, change the vault's policy, lock or notifications, or delete the vault."
    ))]
    break_glass_role: BreakGlassRole,
    #[builder(setter(
        into,
        doc = "The encrypted topic that receives failed backup, copy and restore jobs."
    ))]
    failures_to: FailureTopic,
    #[builder(
        default = MIN_RETENTION_DAYS,
        setter(doc = "The shortest retention the lock allows, in days: at least 35 (the default).")
    )]
    min_retention_days: u32,
    #[builder(
        default = DEFAULT_MAX_RETENTION_DAYS,
        setter(doc = "The longest retention the lock allows, in days: from the minimum to 36500 (3653 by default).")
    )]
    max_retention_days: u32,
    #[builder(
        default = MIN_CHANGEABLE_FOR_DAYS,
        setter(doc = "Days after the first apply during which the lock can still be changed or removed (the cooling-off period): at least 3 (the default); after it, nobody can.")
    )]
    changeable_for_days: u32,
    #[builder(
        default,
        setter(
            into,
            strip_option,
            doc = "The region of the vault, when not the stack's (a copy vault); its key must be placed there too."
        )
    )]
    region: Option<String>,
}

/// An AWS Backup vault: encrypted with a [`HipaaKey`]; locked in compliance mode (recovery
/// points kept at least 35 days by default and at most ten years, the lock fixed once its
/// cooling-off period ends); an access policy that denies everyone but a break-glass role
/// deleting recovery points, shortening their lifecycle, or changing the policy, the lock or
/// the notifications; and failed jobs published to an encrypted [`AlarmTopic`].
///
/// Once its policy is in place, only the break-glass role can change the guarded settings:
/// a later apply that changes the lock or notifications must run as that role.
///
/// ```
/// use hipaa_aws::{AlarmTopic, BackupVault, HipaaKey, HipaaRole, Trust};
/// let key = HipaaKey::builder().alias("backup").build()?;
/// let topic = AlarmTopic::builder().name("backup-failures").key(&key).build()?;
/// let break_glass = HipaaRole::builder()
///     .name("break-glass")
///     .trust(Trust::this_account().with_mfa())
///     .build()?;
/// let vault = BackupVault::builder()
///     .name("phi-backups")
///     .key(&key)
///     .break_glass_role(&break_glass)
///     .failures_to(&topic)
///     .build()?;
/// assert_eq!(vault.min_retention_days(), 35);
/// let short = BackupVault::builder()
///     .name("phi-backups")
///     .key(&key)
///     .break_glass_role(&break_glass)
///     .failures_to(&topic)
///     .min_retention_days(34)
///     .build();
/// assert!(short.is_err());
/// # Ok::<(), hipaa_aws::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct BackupVault {
    id: LogicalId,
    name: String,
    key: Ref<HipaaKey>,
    break_glass: BreakGlassRole,
    topic: FailureTopic,
    min_retention_days: u32,
    max_retention_days: u32,
    changeable_for_days: u32,
    region: Option<String>,
}

impl BackupVault {
    /// Starts a builder.
    pub fn builder() -> BackupVaultBuilder {
        BackupVaultProps::builder()
    }

    /// The vault name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The shortest retention its lock allows.
    pub fn min_retention_days(&self) -> u32 {
        self.min_retention_days
    }

    /// The longest retention its lock allows.
    pub fn max_retention_days(&self) -> u32 {
        self.max_retention_days
    }

    /// The region it is placed in, when not the stack's.
    pub fn placed_region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// A typed reference for plans.
    pub fn reference(&self) -> Ref<BackupVault> {
        Ref::new(self.id.clone(), self.name.clone())
    }

    /// The vault's ARN in `scope` (in its own region when it is placed in one).
    pub fn arn(&self, scope: &Scope<'_>) -> String {
        vault_arn(scope, self.region.as_deref(), &self.name)
    }

    fn resource_name(&self) -> String {
        format!("{VAULT_KIND} {:?}", self.name)
    }

    /// The region it lives in: its own, or else the scope's.
    fn region_in<'a>(&'a self, scope: &Scope<'a>) -> &'a str {
        self.region.as_deref().unwrap_or(scope.region)
    }

    /// The topic's ARN: in the vault's region (AWS Backup notifies a topic of its own region).
    fn topic_arn(&self, scope: &Scope<'_>) -> String {
        format!(
            "arn:{}:sns:{}:{}:{}",
            scope.partition,
            self.region_in(scope),
            scope.account_id,
            self.topic.reference.name()
        )
    }

    /// The break-glass role and topic this vault declares, with the account and partition of
    /// `vault_arn` (its own ARN, at build or as read), so a live policy exempting another role
    /// or notifying another topic fails.
    fn declared_for(&self, vault_arn: &str) -> (String, String) {
        let parts: Vec<&str> = vault_arn.split(':').collect();
        let (partition, region, account) = match parts.as_slice() {
            [_, partition, _, region, account, ..] => (*partition, *region, *account),
            _ => ("aws", "", ""),
        };
        (
            format!(
                "arn:{partition}:iam::{account}:role{}{}",
                self.break_glass.path,
                self.break_glass.reference.name()
            ),
            format!(
                "arn:{partition}:sns:{region}:{account}:{}",
                self.topic.reference.name()
            ),
        )
    }
}

/// The ARN of a vault named `name`, in `region` or else the scope's.
pub fn vault_arn(scope: &Scope<'_>, region: Option<&str>, name: &str) -> String {
    format!(
        "arn:{}:backup:{}:{}:backup-vault:{name}",
        scope.partition,
        region.unwrap_or(scope.region),
        scope.account_id
    )
}

/// The vault's guard: a Deny for everyone but the break-glass role on deleting recovery points
/// and shortening their lifecycle, and on changing or removing the policy, the lock, the
/// notifications or the vault.
pub fn vault_guard_policy(break_glass_arn: &str) -> PolicyDocument {
    let exempt = || Condition::arn_not_equals("aws:PrincipalArn", [break_glass_arn]);
    PolicyDocument::new(vec![
        Statement::deny()
            .sid("DenyRecoveryPointDeletion")
            .principal(Principal::any_aws())
            .actions(DELETION_ACTIONS.iter().copied())
            .resources(["*"])
            .when(exempt()),
        Statement::deny()
            .sid("DenyVaultGuardChanges")
            .principal(Principal::any_aws())
            .actions(GUARD_ACTIONS.iter().copied())
            .resources(["*"])
            .when(exempt()),
    ])
}

/// Lets AWS Backup publish to a topic, for this account's vaults only.
pub fn backup_topic_publish(scope: &Scope<'_>, topic_arn: &str, vault: &str) -> Statement {
    Statement::allow()
        .sid(format!("AllowBackupVault{}ToPublish", pascal(vault)))
        .principal(Principal::service(BACKUP_SERVICE))
        .actions(["sns:Publish"])
        .resources([topic_arn])
        .when(Condition::string_equals(
            "aws:SourceAccount",
            [scope.account_id],
        ))
}

/// Lets AWS Backup use a topic's key, for that topic's messages only.
pub fn backup_topic_key_use(scope: &Scope<'_>, topic_arn: &str, vault: &str) -> Statement {
    Statement::allow()
        .sid(format!("AllowBackupVault{}ForTopic", pascal(vault)))
        .principal(Principal::service(BACKUP_SERVICE))
        .actions(["kms:Decrypt", "kms:GenerateDataKey*"])
        .resources(["*"])
        .when(Condition::string_equals(
            "aws:SourceAccount",
            [scope.account_id],
        ))
        .when(Condition::string_equals(
            "kms:EncryptionContext:aws:sns:topicArn",
            [topic_arn],
        ))
}

fn pascal(name: &str) -> String {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

impl From<&BackupVault> for Ref<BackupVault> {
    fn from(vault: &BackupVault) -> Self {
        vault.reference()
    }
}

impl From<BackupVaultProps> for Result<BackupVault> {
    fn from(props: BackupVaultProps) -> Self {
        let name = props.name.trim().to_string();
        let vault = BackupVault {
            id: VAULT_KIND.logical_id(&name),
            name,
            key: props.key,
            break_glass: props.break_glass_role,
            topic: props.failures_to,
            min_retention_days: props.min_retention_days,
            max_retention_days: props.max_retention_days,
            changeable_for_days: props.changeable_for_days,
            region: props
                .region
                .map(|region| region.trim().to_string())
                .filter(|region| !region.is_empty()),
        };
        let resource = vault.resource_name();
        let mut violations = Vec::new();
        if let Some(problem) = backup_name_problem("vault", &vault.name) {
            violations.push(Violation::new(
                &resource,
                "name",
                ControlId::BackupNameValid,
                problem,
            ));
        }
        if vault.max_retention_days > MAX_LOCK_RETENTION_DAYS {
            violations.push(Violation::new(
                &resource,
                "max_retention_days",
                ControlId::BackupVaultLockCompliance,
                format!(
                    "a lock keeps recovery points at most {MAX_LOCK_RETENTION_DAYS} days, not {}",
                    vault.max_retention_days
                ),
            ));
        }
        if vault.changeable_for_days < MIN_CHANGEABLE_FOR_DAYS {
            violations.push(Violation::new(
                &resource,
                "changeable_for_days",
                ControlId::BackupVaultLockCompliance,
                format!(
                    "a compliance-mode lock needs a cooling-off period of at least {MIN_CHANGEABLE_FOR_DAYS} days, not {}",
                    vault.changeable_for_days
                ),
            ));
        }
        let desired = vault.desired(&Scope::for_build());
        violations.extend(violations_of(&resource, &vault.evaluate(&desired)));
        match Violations::from_vec(violations) {
            None => Ok(vault),
            Some(violations) => Err(Error::Invalid(violations)),
        }
    }
}

impl Construct for BackupVault {
    type State = VaultState;

    fn id(&self) -> &LogicalId {
        &self.id
    }

    fn kind(&self) -> ResourceKind {
        VAULT_KIND
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn dependencies(&self) -> Vec<LogicalId> {
        vec![
            self.key.id().clone(),
            self.break_glass.reference.id().clone(),
            self.topic.reference.id().clone(),
        ]
    }

    fn holds_phi(&self) -> bool {
        true
    }

    fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    fn desired(&self, scope: &Scope<'_>) -> VaultState {
        VaultState {
            name: self.name.clone(),
            arn: self.arn(scope),
            kms_key: Some(scope.arn_of(&self.key)),
            key_manager: Some("CUSTOMER".to_string()),
            lock: Some(VaultLock {
                min_retention_days: Some(self.min_retention_days),
                max_retention_days: Some(self.max_retention_days),
                compliance: true,
            }),
            access_policy: Some(vault_guard_policy(&self.declared_for(&self.arn(scope)).0)),
            notifications: Some(VaultNotifications {
                topic_arn: self.topic_arn(scope),
                events: FAILURE_EVENTS
                    .iter()
                    .map(|event| event.to_string())
                    .collect::<BTreeSet<_>>(),
            }),
            unreadable: Default::default(),
            tags: scope.tags_for(&self.id, true),
        }
    }

    fn evaluate(&self, state: &VaultState) -> Vec<Check> {
        let (break_glass, topic) = self.declared_for(&state.arn);
        let mut checks = evaluate_vault(
            state,
            &VaultExpectations {
                break_glass_role: Some(&break_glass),
                topic_arn: Some(&topic),
            },
        );
        checks.push(tags_check(&state.tags));
        checks
    }
}

impl Lifecycle for BackupVault {
    fn policy_contributions(&self, scope: &Scope<'_>) -> Vec<PolicyContribution> {
        let topic_arn = self.topic_arn(scope);
        vec![
            PolicyContribution {
                target: self.topic.reference.id().clone(),
                statement: backup_topic_publish(scope, &topic_arn, &self.name),
            },
            PolicyContribution {
                target: self.topic.key.id().clone(),
                statement: backup_topic_key_use(scope, &topic_arn, &self.name),
            },
        ]
    }

    async fn read(&self, ctx: &Ctx<'_>) -> Result<Option<Live<VaultState>>> {
        let Some((mut state, tags)) = live::read_vault_state(ctx.env, &self.name).await? else {
            return Ok(None);
        };
        crate::constructs::ownership::ensure_ours(
            ctx,
            &self.resource_name(),
            self.id.as_str(),
            &tags,
            "choose another name",
        )?;
        let wanted = ctx.scope.tags_for(&self.id, true);
        state.tags = tags
            .into_iter()
            .filter(|(key, _)| wanted.contains_key(key))
            .collect();
        Ok(Some(Live {
            outputs: ResourceOutputs {
                arn: state.arn.clone(),
                physical_id: state.name.clone(),
            },
            state,
        }))
    }

    async fn create(&self, ctx: &Ctx<'_>, desired: &VaultState) -> Result<ResourceOutputs> {
        let arn = live::create_vault(ctx, desired).await?;
        let found = self.read(ctx).await?.ok_or_else(|| {
            Error::unexpected(
                "backup",
                "CreateBackupVault",
                "the vault is not visible after creation",
            )
        })?;
        let changes = crate::construct::diff_states(desired, &found.state);
        if !changes.is_empty() {
            self.update(ctx, &found, desired, &changes).await?;
        }
        Ok(ResourceOutputs {
            arn,
            physical_id: self.name.clone(),
        })
    }

    async fn update(
        &self,
        ctx: &Ctx<'_>,
        live: &Live<VaultState>,
        desired: &VaultState,
        changes: &[SettingChange],
    ) -> Result<()> {
        let changed = |prefix: &str| {
            changes
                .iter()
                .any(|change| change.setting.starts_with(prefix))
        };
        live::update_vault(
            ctx,
            &live.state,
            desired,
            self.changeable_for_days,
            &changed,
        )
        .await
    }

    fn replaces(&self, setting: &str) -> bool {
        // A vault's key is fixed at creation.
        setting == "kms_key"
    }

    async fn deletion_guard(
        &self,
        _ctx: &Ctx<'_>,
        _live: &Live<VaultState>,
    ) -> Result<Option<String>> {
        Ok(Some(
            "holds recovery points of PHI: deleted only with consent (and only while empty and before its lock is fixed)"
                .to_string(),
        ))
    }

    async fn delete(&self, ctx: &Ctx<'_>, _live: &Live<VaultState>) -> Result<()> {
        live::delete_vault(ctx, &self.name).await
    }
}
