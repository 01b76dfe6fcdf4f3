//! [`BackupPlan`]: daily backups into a locked [`BackupVault`], kept at least the vault's
//! minimum, copied to a vault in another region, with continuous backup where AWS offers it,
//! of the resources it protects (by construct or by tag), through a service role of its own.

use typed_builder::TypedBuilder;

use crate::construct::{
    tags_check, violations_of, Construct, Ctx, Lifecycle, Live, LogicalId, Ref, ResourceKind,
    ResourceOutputs, Scope, SettingChange,
};
use crate::controls::{Check, ControlId};
use crate::error::{Error, Result, Violation, Violations};

use super::checks::{
    evaluate_plan, PlanExpectations, MAX_CONTINUOUS_RETENTION_DAYS, MIN_RETENTION_DAYS,
};
use super::live;
use super::names::backup_name_problem;
use super::state::{CopyState, PlanState, RuleState, SelectionState};
use super::vault::{vault_arn, BackupVault};

/// What a backup plan is, for plans and reports.
pub const PLAN_KIND: ResourceKind =
    ResourceKind::construct("AWS::Backup::BackupPlan", "backup plan", "backup-plan");

/// The default schedule: every day at 05:00 UTC.
pub const DAILY_AT_FIVE_UTC: &str = "cron(0 5 ? * * *)";

/// The name of the rule that takes the scheduled backups.
pub const DAILY_RULE: &str = "daily";
/// The name of the rule that keeps continuous backups (point-in-time restore).
pub const CONTINUOUS_RULE: &str = "continuous";
/// The name of the plan's one selection.
pub const SELECTION: &str = "protected";

/// A vault as a plan refers to it: its reference, region and lock limits (so a retention
/// outside them is refused at `build()`). Made from a [`BackupVault`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanVault {
    reference: Ref<BackupVault>,
    region: Option<String>,
    min_retention_days: u32,
    max_retention_days: u32,
}

impl From<&BackupVault> for PlanVault {
    fn from(vault: &BackupVault) -> Self {
        PlanVault {
            reference: vault.reference(),
            region: vault.placed_region().map(str::to_string),
            min_retention_days: vault.min_retention_days(),
            max_retention_days: vault.max_retention_days(),
        }
    }
}

impl PlanVault {
    fn arn(&self, scope: &Scope<'_>) -> String {
        vault_arn(scope, self.region.as_deref(), self.reference.name())
    }
}

/// A resource a plan protects, as the plan refers to it. Made from an
/// [`EncryptedDatabase`](crate::EncryptedDatabase) or an
/// [`EncryptedBucket`](crate::EncryptedBucket).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtectedResource {
    id: LogicalId,
    kind: Protected,
}

#[derive(Debug, Clone, PartialEq, Eq)]
// Made only from the database and bucket constructs of the `rds` and `s3` features.
#[cfg_attr(not(any(feature = "rds", feature = "s3")), allow(dead_code))]
enum Protected {
    Database(String),
    Bucket(String),
}

#[cfg(feature = "rds")]
impl From<&crate::EncryptedDatabase> for ProtectedResource {
    fn from(database: &crate::EncryptedDatabase) -> Self {
        ProtectedResource {
            id: database.reference().id().clone(),
            kind: Protected::Database(database.identifier().to_string()),
        }
    }
}

#[cfg(feature = "s3")]
impl From<&crate::EncryptedBucket> for ProtectedResource {
    fn from(bucket: &crate::EncryptedBucket) -> Self {
        ProtectedResource {
            id: bucket.reference().id().clone(),
            kind: Protected::Bucket(bucket.name().to_string()),
        }
    }
}

impl From<&BackupPlan> for crate::construct::BackedUpBy {
    fn from(plan: &BackupPlan) -> Self {
        crate::construct::BackedUpBy {
            plan: plan.name.clone(),
        }
    }
}

impl ProtectedResource {
    fn arn(&self, scope: &Scope<'_>) -> String {
        match &self.kind {
            Protected::Database(identifier) => format!(
                "arn:{}:rds:{}:{}:db:{identifier}",
                scope.partition, scope.region, scope.account_id
            ),
            Protected::Bucket(name) => format!("arn:{}:s3:::{name}", scope.partition),
        }
    }
}

/// The props of a [`BackupPlan`]; build them with [`BackupPlan::builder`].
///
/// `name` and `vault` are required, and either `copy_to` (a vault in another region) or
/// `without_cross_region_copy` (the reason there is none).
#[derive(Debug, Clone, TypedBuilder)]
#[builder(
    doc,
    builder_type(
        name = BackupPlanBuilder,
        doc = "Builds a [`BackupPlan`]; `name` and `vault` are required, and `copy_to` unless `without_cross_region_copy` says why not."
    ),
    build_method(
        into = Result<BackupPlan>,
        doc = "Validates the props and returns the plan, or every violation at once."
    ),
    mutators(
        /// Protects a database or bucket of the stack (call once per resource).
        pub fn protect(&mut self, resource: impl Into<ProtectedResource>) {
            self.protected.push(resource.into());
        }
        /// Protects every resource carrying this tag (call once per tag).
        pub fn protect_tagged(&mut self, key: impl Into<String>, value: impl Into<String>) {
            self.tagged.push((key.into(), value.into()));
        }
    )
)]
pub struct BackupPlanProps {
    #[builder(setter(
        into,
        doc = "The plan name (1 to 50 of letters, digits, '-', '_' and '.')."
    ))]
    name: String,
    #[builder(setter(into, doc = "The locked vault the backups go to."))]
    vault: PlanVault,
    #[builder(
        default,
        setter(
            into,
            strip_option,
            doc = "A vault in another region every recovery point is copied to."
        )
    )]
    copy_to: Option<PlanVault>,
    #[builder(
        default,
        setter(
            into,
            strip_option,
            doc = "Why there is no copy in another region (at least 10 characters); the cross-region control is then not applicable."
        )
    )]
    without_cross_region_copy: Option<String>,
    #[builder(
        default = DAILY_AT_FIVE_UTC.to_string(),
        setter(into, doc = "When the backups run: an AWS Backup cron expression that runs at least daily (05:00 UTC by default).")
    )]
    schedule: String,
    #[builder(
        default = MIN_RETENTION_DAYS,
        setter(doc = "Days a recovery point (and its copy) is kept: at least 35 and within both vaults' lock limits.")
    )]
    retention_days: u32,
    #[builder(
        default = true,
        setter(
            doc = "Continuous backup (point-in-time restore, kept 35 days) for the protected databases and buckets: on by default."
        )
    )]
    continuous_backup: bool,
    #[builder(via_mutators)]
    protected: Vec<ProtectedResource>,
    #[builder(via_mutators)]
    tagged: Vec<(String, String)>,
}

/// An AWS Backup plan: a daily rule (by default) into a locked [`BackupVault`], kept at least
/// 35 days and within the vault's lock, copied to a vault in another region; a continuous rule
/// (point-in-time restore for RDS and S3) by default; and one selection of the resources it
/// protects, by construct ([`protect`](BackupPlanBuilder::protect)) or by tag, backed up by a
/// service role the plan makes (`<name>-backup`, trusted by AWS Backup for this account only,
/// with the AWS managed backup and restore policies).
///
/// ```
/// use hipaa_aws::{AlarmTopic, BackupPlan, BackupVault, HipaaKey, HipaaRole, Trust};
/// let key = HipaaKey::builder().alias("backup").build()?;
/// let topic = AlarmTopic::builder().name("backup-failures").key(&key).build()?;
/// let break_glass = HipaaRole::builder()
///     .name("break-glass")
///     .trust(Trust::this_account().with_mfa())
///     .build()?;
/// let vault = BackupVault::builder()
///     .name("phi-backups").key(&key).break_glass_role(&break_glass).failures_to(&topic)
///     .build()?;
/// let west_key = HipaaKey::builder().alias("backup-west").region("us-west-2").build()?;
/// let west_topic = AlarmTopic::builder()
///     .name("backup-failures-west").key(&west_key).region("us-west-2").build()?;
/// let copies = BackupVault::builder()
///     .name("phi-backups-west").key(&west_key).break_glass_role(&break_glass)
///     .failures_to(&west_topic).region("us-west-2")
///     .build()?;
/// let plan = BackupPlan::builder()
///     .name("phi-daily")
///     .vault(&vault)
///     .copy_to(&copies)
///     .protect_tagged("hipaa-aws:phi", "true")
///     .build()?;
/// assert_eq!(plan.retention_days(), 35);
/// // Without a copy in another region, the plan needs a reason.
/// assert!(BackupPlan::builder().name("phi-daily").vault(&vault).build().is_err());
/// # Ok::<(), hipaa_aws::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct BackupPlan {
    id: LogicalId,
    name: String,
    vault: PlanVault,
    copy_to: Option<PlanVault>,
    no_copy_reason: Option<String>,
    schedule: String,
    retention_days: u32,
    continuous_backup: bool,
    protected: Vec<ProtectedResource>,
    tagged: Vec<(String, String)>,
}

impl BackupPlan {
    /// Starts a builder.
    pub fn builder() -> BackupPlanBuilder {
        BackupPlanProps::builder()
    }

    /// The plan name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Days a recovery point is kept.
    pub fn retention_days(&self) -> u32 {
        self.retention_days
    }

    /// The name of the service role the plan makes.
    pub fn role_name(&self) -> String {
        format!("{}-backup", self.name)
    }

    /// The ARN of the plan's service role in `scope`.
    pub fn role_arn(&self, scope: &Scope<'_>) -> String {
        format!(
            "arn:{}:iam::{}:role{}{}",
            scope.partition,
            scope.account_id,
            crate::env::LIBRARY_PATH,
            self.role_name()
        )
    }

    /// True when it protects a bucket (its role then needs the S3 backup policies).
    pub(crate) fn protects_buckets(&self) -> bool {
        self.protected
            .iter()
            .any(|resource| matches!(resource.kind, Protected::Bucket(_)))
    }

    pub(crate) fn logical_id(&self) -> &LogicalId {
        &self.id
    }

    fn resource_name(&self) -> String {
        format!("{PLAN_KIND} {:?}", self.name)
    }

    fn copies(&self, scope: &Scope<'_>, days: u32) -> Vec<CopyState> {
        self.copy_to
            .iter()
            .map(|copy| CopyState {
                destination_vault_arn: copy.arn(scope),
                delete_after_days: Some(days),
            })
            .collect()
    }

    fn retention_violations(&self, resource: &str) -> Vec<Violation> {
        let mut violations = Vec::new();
        let vaults = std::iter::once(("vault", &self.vault))
            .chain(self.copy_to.iter().map(|copy| ("copy_to", copy)));
        for (setting, vault) in vaults {
            let (min, max) = (vault.min_retention_days, vault.max_retention_days);
            if !(min..=max).contains(&self.retention_days) {
                violations.push(Violation::new(
                    resource,
                    "retention_days",
                    ControlId::BackupRecoveryPointMinimumRetentionCheck,
                    format!(
                        "{} days is outside the lock of {setting} {:?} ({min} to {max} days): AWS Backup would fail every job",
                        self.retention_days,
                        vault.reference.name()
                    ),
                ));
            }
            if self.continuous_backup && MAX_CONTINUOUS_RETENTION_DAYS < min {
                violations.push(Violation::new(
                    resource,
                    "continuous_backup",
                    ControlId::BackupRecoveryPointMinimumRetentionCheck,
                    format!(
                        "continuous backups are kept at most {MAX_CONTINUOUS_RETENTION_DAYS} days, below the {min}-day minimum of {setting} {:?}: turn continuous_backup off or lower the lock's minimum",
                        vault.reference.name()
                    ),
                ));
            }
        }
        if let Some(copy) = &self.copy_to
            && copy.region == self.vault.region
        {
            violations.push(Violation::new(
                resource,
                "copy_to",
                ControlId::BackupCrossRegionCopy,
                format!(
                    "the copy vault {:?} is in the region of the backups themselves: place it in another region",
                    copy.reference.name()
                ),
            ));
        }
        if self.copy_to.is_some() && self.no_copy_reason.is_some() {
            violations.push(Violation::new(
                resource,
                "without_cross_region_copy",
                ControlId::BackupCrossRegionCopy,
                "a plan with a copy vault cannot also state why it has none",
            ));
        }
        if let Some(reason) = &self.no_copy_reason
            && reason.trim().chars().count() < 10
        {
            violations.push(Violation::new(
                resource,
                "without_cross_region_copy",
                ControlId::BackupCrossRegionCopy,
                format!("{reason:?} is not a reason: say in at least 10 characters why the backups stay in one region"),
            ));
        }
        violations
    }
}

impl From<BackupPlanProps> for Result<BackupPlan> {
    fn from(props: BackupPlanProps) -> Self {
        let name = props.name.trim().to_string();
        let mut protected = props.protected;
        protected.sort_by(|a, b| a.id.cmp(&b.id));
        protected.dedup();
        let plan = BackupPlan {
            id: PLAN_KIND.logical_id(&name),
            name,
            vault: props.vault,
            copy_to: props.copy_to,
            no_copy_reason: props.without_cross_region_copy,
            schedule: props.schedule.trim().to_string(),
            retention_days: props.retention_days,
            continuous_backup: props.continuous_backup,
            protected,
            tagged: props.tagged,
        };
        let resource = plan.resource_name();
        let mut violations = Vec::new();
        if let Some(problem) = backup_name_problem("plan", &plan.name) {
            violations.push(Violation::new(
                &resource,
                "name",
                ControlId::BackupNameValid,
                problem,
            ));
        }
        violations.extend(plan.retention_violations(&resource));
        let desired = plan.desired(&Scope::for_build());
        violations.extend(violations_of(&resource, &plan.evaluate(&desired)));
        match Violations::from_vec(violations) {
            None => Ok(plan),
            Some(violations) => Err(Error::Invalid(violations)),
        }
    }
}

impl Construct for BackupPlan {
    type State = PlanState;

    fn id(&self) -> &LogicalId {
        &self.id
    }

    fn kind(&self) -> ResourceKind {
        PLAN_KIND
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn dependencies(&self) -> Vec<LogicalId> {
        let mut dependencies = vec![self.vault.reference.id().clone()];
        dependencies.extend(self.copy_to.iter().map(|copy| copy.reference.id().clone()));
        dependencies.extend(self.protected.iter().map(|resource| resource.id.clone()));
        dependencies
    }

    fn desired(&self, scope: &Scope<'_>) -> PlanState {
        let mut rules = vec![RuleState {
            name: DAILY_RULE.to_string(),
            vault_name: self.vault.reference.name().to_string(),
            schedule: self.schedule.clone(),
            delete_after_days: Some(self.retention_days),
            continuous: false,
            copies: self.copies(scope, self.retention_days),
        }];
        if self.continuous_backup {
            rules.push(RuleState {
                name: CONTINUOUS_RULE.to_string(),
                vault_name: self.vault.reference.name().to_string(),
                schedule: self.schedule.clone(),
                delete_after_days: Some(MAX_CONTINUOUS_RETENTION_DAYS),
                continuous: true,
                copies: self.copies(scope, MAX_CONTINUOUS_RETENTION_DAYS),
            });
        }
        let mut resources: Vec<String> = self
            .protected
            .iter()
            .map(|resource| resource.arn(scope))
            .collect();
        resources.sort();
        // Whatever declared this plan (`.backed_up_by(&plan)`) carries its name: always selected.
        let mut tags = self.tagged.clone();
        tags.push((crate::env::BACKUP_PLAN_TAG.to_string(), self.name.clone()));
        tags.sort();
        tags.dedup();
        let selections = vec![SelectionState {
            id: crate::construct::KNOWN_AFTER_APPLY.to_string(),
            name: SELECTION.to_string(),
            role_arn: self.role_arn(scope),
            resources,
            tags,
            not_resources: Vec::new(),
            conditions: Vec::new(),
        }];
        PlanState {
            name: self.name.clone(),
            id: crate::construct::KNOWN_AFTER_APPLY.to_string(),
            arn: crate::construct::KNOWN_AFTER_APPLY.to_string(),
            region: scope.region.to_string(),
            rules,
            selections,
            tags: scope.tags_for(&self.id, false),
        }
    }

    fn evaluate(&self, state: &PlanState) -> Vec<Check> {
        let mut checks = evaluate_plan(
            state,
            &PlanExpectations {
                region: &state.region,
                no_copy_reason: self.no_copy_reason.as_deref(),
            },
        );
        checks.push(tags_check(&state.tags));
        checks
    }
}

impl Lifecycle for BackupPlan {
    async fn read(&self, ctx: &Ctx<'_>) -> Result<Option<Live<PlanState>>> {
        let Some((mut state, tags)) = live::read_plan_state(ctx.env, &self.name).await? else {
            return Ok(None);
        };
        crate::constructs::ownership::ensure_ours(
            ctx,
            &self.resource_name(),
            self.id.as_str(),
            &tags,
            "choose another name",
        )?;
        let wanted = ctx.scope.tags_for(&self.id, false);
        state.tags = tags
            .into_iter()
            .filter(|(key, _)| wanted.contains_key(key))
            .collect();
        Ok(Some(Live {
            outputs: ResourceOutputs {
                arn: state.arn.clone(),
                physical_id: state.id.clone(),
            },
            state,
        }))
    }

    async fn create(&self, ctx: &Ctx<'_>, desired: &PlanState) -> Result<ResourceOutputs> {
        live::ensure_service_role(ctx, self).await?;
        let Some((id, arn)) = live::create_plan(ctx, desired).await? else {
            // Made by an interrupted apply: read it back and finish it.
            let found = self.read(ctx).await?.ok_or_else(|| {
                Error::unexpected(
                    "backup",
                    "CreateBackupPlan",
                    "the plan exists by name but cannot be read",
                )
            })?;
            let changes = crate::construct::diff_states(desired, &found.state);
            if !changes.is_empty() {
                self.update(ctx, &found, desired, &changes).await?;
            }
            return Ok(found.outputs);
        };
        for selection in &desired.selections {
            live::create_selection(ctx, &id, selection).await?;
        }
        Ok(ResourceOutputs {
            arn,
            physical_id: id,
        })
    }

    async fn update(
        &self,
        ctx: &Ctx<'_>,
        live: &Live<PlanState>,
        desired: &PlanState,
        changes: &[SettingChange],
    ) -> Result<()> {
        let changed = |prefix: &str| {
            changes
                .iter()
                .any(|change| change.setting.starts_with(prefix))
        };
        if changed("selections.") {
            live::ensure_service_role(ctx, self).await?;
        }
        live::update_plan(ctx, &live.state, desired, &changed).await
    }

    async fn deletion_guard(
        &self,
        _ctx: &Ctx<'_>,
        _live: &Live<PlanState>,
    ) -> Result<Option<String>> {
        // The recovery points stay in the vault, which has its own guard.
        Ok(None)
    }

    async fn delete(&self, ctx: &Ctx<'_>, live: &Live<PlanState>) -> Result<()> {
        live::delete_plan(ctx, &live.state).await?;
        live::delete_service_role(ctx, self).await
    }
}
