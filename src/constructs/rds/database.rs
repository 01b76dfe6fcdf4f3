//! [`EncryptedDatabase`]: an RDS PostgreSQL or MySQL instance that is encrypted with a
//! [`HipaaKey`], private to its VPC's data tier, TLS-only, backed up, Multi-AZ, monitored and
//! logged, with its master password managed by RDS.

use std::collections::BTreeMap;

use typed_builder::TypedBuilder;

use crate::construct::{
    tags_check, violations_of, BackedUpBy, Construct, Ctx, Lifecycle, Live, LogicalId,
    PolicyContribution, Ref, ResourceKind, ResourceOutputs, Scope, SettingChange,
};
use crate::constructs::ec2::{Ipv4Cidr, Peer, Rule, SubnetGroup, Tier};
use crate::constructs::kms::HipaaKey;
use crate::controls::{Check, ControlId};
use crate::env::LIBRARY_PATH;
use crate::error::{Error, Result, Violation, Violations};

use super::checks::{evaluate_database, DatabaseExpectations};
use super::engine::Engine;
use super::live;
use super::names;
use super::state::DatabaseState;

/// What a database is, for plans and reports.
pub const DATABASE_KIND: ResourceKind =
    ResourceKind::construct("AWS::RDS::DBInstance", "database", "rds-db");

/// The enhanced monitoring intervals RDS accepts (0, "off", is not offered).
pub const MONITORING_INTERVALS: &[u32] = &[1, 5, 10, 15, 30, 60];

/// The props of an [`EncryptedDatabase`]; build them with [`EncryptedDatabase::builder`].
///
/// `identifier`, `engine`, `key` and `subnets` are required. There is no setter for a
/// password, public access, storage encryption, deletion protection, Multi-AZ, IAM
/// authentication, log exports, Performance Insights or minor version upgrades: they are always
/// on (or, for public access, always off).
#[derive(Debug, Clone, TypedBuilder)]
#[builder(
    doc,
    builder_type(
        name = EncryptedDatabaseBuilder,
        doc = "Builds an [`EncryptedDatabase`]; `identifier`, `engine`, `key` and `subnets` are required."
    ),
    build_method(
        into = Result<EncryptedDatabase>,
        doc = "Validates the props and returns the database, or every violation at once."
    ),
    mutators(
        /// Lets a security group (of the app tier) reach the engine port. Only security groups
        /// are accepted: a block, a prefix list or anywhere is refused at `build()`.
        pub fn allow_from(&mut self, peer: impl Into<Peer>) {
            self.allow_from.push(peer.into());
        }
        /// Sets a parameter of the database's parameter group. Parameters of the other engine,
        /// and values that weaken TLS, are refused at `build()`.
        pub fn parameter(&mut self, name: impl Into<String>, value: impl Into<String>) {
            self.parameters.insert(name.into(), value.into());
        }
    )
)]
pub struct EncryptedDatabaseProps {
    #[builder(setter(
        into,
        doc = "The DB instance identifier: 1 to 40 lowercase letters, digits and '-', starting with a letter."
    ))]
    identifier: String,
    #[builder(setter(doc = "The engine and major version."))]
    engine: Engine,
    #[builder(setter(
        into,
        doc = "The key that encrypts storage, snapshots, Performance Insights and the master secret."
    ))]
    key: Ref<HipaaKey>,
    #[builder(setter(doc = "The VPC's data subnets (`vpc.data_subnets()`)."))]
    subnets: SubnetGroup,
    #[builder(
        default = "db.t3.medium".to_string(),
        setter(into, doc = "The instance class (`db.t3.medium` by default).")
    )]
    instance_class: String,
    #[builder(
        default = 20,
        setter(doc = "Allocated storage in GiB: 20 (the default) to 65536.")
    )]
    allocated_storage_gib: u32,
    #[builder(
        default = "dbadmin".to_string(),
        setter(into, doc = "The master user name (`dbadmin` by default); its password is made and kept by RDS in Secrets Manager.")
    )]
    master_username: String,
    #[builder(
        default,
        setter(
            into,
            strip_option,
            doc = "The name of a database made with the instance."
        )
    )]
    database_name: Option<String>,
    #[builder(
        default = super::checks::MIN_BACKUP_RETENTION_DAYS,
        setter(doc = "Days automated backups are kept: 7 (the default) to 35.")
    )]
    backup_retention_days: u32,
    #[builder(
        default = 60,
        setter(
            doc = "Enhanced monitoring interval in seconds: 1, 5, 10, 15, 30 or 60 (the default)."
        )
    )]
    monitoring_interval_secs: u32,
    #[builder(
        default,
        setter(
            into,
            strip_option,
            doc = "The `BackupPlan` that protects the database (`.backed_up_by(&plan)`): the instance carries the plan's name, and the plan selects it. For a plan built before the database; one built after it uses `plan.protect(&database)`."
        )
    )]
    backed_up_by: Option<BackedUpBy>,
    #[builder(via_mutators)]
    allow_from: Vec<Peer>,
    #[builder(via_mutators)]
    parameters: BTreeMap<String, String>,
}

/// An RDS DB instance that holds PHI safely by construction:
///
/// - storage, snapshots, Performance Insights and the master user secret encrypted with one
///   [`HipaaKey`];
/// - in a DB subnet group of exactly the VPC's data subnets, never publicly accessible;
/// - its own security group, accepting the engine port only from the app security groups named
///   with `allow_from`;
/// - its own parameter group forcing TLS 1.2 or later (`rds.force_ssl=1`,
///   `require_secure_transport=ON`);
/// - the master password made and kept by RDS in Secrets Manager (no password passes through
///   the caller or this library), IAM database authentication on;
/// - backups kept 7 to 35 days, deletion protection, Multi-AZ, every log type exported to
///   CloudWatch Logs, enhanced monitoring (with a role the construct makes), automatic minor
///   version upgrades, tags copied to snapshots;
/// - the log groups of the exported logs (`/aws/rds/instance/<id>/<log>`, which hold SQL text)
///   made before the instance, encrypted with the same key and kept six years, so RDS never
///   makes them unencrypted and never expiring. Destroy keeps them (audit evidence).
///
/// Changing the engine, the key or the master user name replaces the database: plan shows it,
/// and apply refuses unless the caller consents (the old database is then kept, renamed, with
/// a snapshot). Destroy keeps it without consent, and with consent deletes it only with a final
/// snapshot.
///
/// ```
/// use hipaa_aws::prelude::*;
/// let key = HipaaKey::builder().alias("phi").build()?;
/// let logs = LogBucket::builder().name("acme-logs").key(&key).build()?;
/// let vpc = HipaaVpc::builder().name("prod").cidr("10.20.0.0/16").flow_logs_to(&logs).build()?;
/// let app = vpc.security_group("app")?;
/// let db = EncryptedDatabase::builder()
///     .identifier("patients")
///     .engine(Engine::Postgres16)
///     .key(&key)
///     .subnets(vpc.data_subnets())
///     .allow_from(&app)
///     .build()?;
/// assert_eq!(db.port(), 5432);
/// // A database in the public subnets is refused.
/// let public = EncryptedDatabase::builder()
///     .identifier("patients")
///     .engine(Engine::Postgres16)
///     .key(&key)
///     .subnets(vpc.app_subnets())
///     .build();
/// assert!(public.is_err());
/// # Ok::<(), hipaa_aws::Error>(())
/// ```
///
/// A database without a key cannot be written:
///
/// ```compile_fail
/// # use hipaa_aws::prelude::*;
/// # fn f(vpc: &HipaaVpc) {
/// let db = EncryptedDatabase::builder()
///     .identifier("patients")
///     .engine(Engine::Postgres16)
///     .subnets(vpc.data_subnets())
///     .build();
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct EncryptedDatabase {
    id: LogicalId,
    identifier: String,
    engine: Engine,
    key: Ref<HipaaKey>,
    subnets: SubnetGroup,
    instance_class: String,
    allocated_storage_gib: u32,
    master_username: String,
    database_name: Option<String>,
    backup_retention_days: u32,
    monitoring_interval_secs: u32,
    allow_from: Vec<Peer>,
    parameters: BTreeMap<String, String>,
    backed_up_by: Option<BackedUpBy>,
}

impl EncryptedDatabase {
    /// Starts a builder.
    pub fn builder() -> EncryptedDatabaseBuilder {
        EncryptedDatabaseProps::builder()
    }

    /// The plan the database declared, if any.
    pub fn backed_up_by(&self) -> Option<&BackedUpBy> {
        self.backed_up_by.as_ref()
    }

    /// The instance's tags: the stack's, and the declared backup plan's.
    pub(crate) fn instance_tags(&self, scope: &Scope<'_>) -> BTreeMap<String, String> {
        let mut tags = scope.tags_for(&self.id, true);
        if let Some(plan) = &self.backed_up_by {
            plan.tag(&mut tags);
        }
        tags
    }

    /// The DB instance identifier.
    pub fn identifier(&self) -> &str {
        &self.identifier
    }

    /// The engine.
    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// The engine port.
    pub fn port(&self) -> u16 {
        self.engine.port()
    }

    /// The key.
    pub fn key(&self) -> &Ref<HipaaKey> {
        &self.key
    }

    /// Days automated backups are kept.
    pub fn backup_retention_days(&self) -> u32 {
        self.backup_retention_days
    }

    /// A typed reference for other constructs (grants).
    pub fn reference(&self) -> Ref<EncryptedDatabase> {
        Ref::new(self.id.clone(), self.identifier.clone())
    }

    /// The names of the parts the construct makes.
    pub fn subnet_group_name(&self) -> String {
        names::subnet_group(&self.identifier)
    }

    /// The name of its DB parameter group.
    pub fn parameter_group_name(&self) -> String {
        names::parameter_group(&self.identifier, self.engine)
    }

    /// The name of its security group.
    pub fn security_group_name(&self) -> String {
        names::security_group(&self.identifier)
    }

    /// The name of its enhanced monitoring role.
    pub fn monitoring_role_name(&self) -> String {
        names::monitoring_role(&self.identifier)
    }

    pub(crate) fn logical_id(&self) -> &LogicalId {
        &self.id
    }

    pub(crate) fn id_str(&self) -> &str {
        self.id.as_str()
    }

    pub(crate) fn subnets(&self) -> &SubnetGroup {
        &self.subnets
    }

    pub(crate) fn database_name(&self) -> Option<&str> {
        self.database_name.as_deref()
    }

    pub(crate) fn resource_name(&self) -> String {
        format!("{DATABASE_KIND} {:?}", self.identifier)
    }

    fn expectations(&self) -> DatabaseExpectations {
        let cidrs: Vec<Ipv4Cidr> = self.subnets.cidrs();
        DatabaseExpectations {
            kms_key: None,
            data_subnet_cidrs: Some(cidrs.iter().map(ToString::to_string).collect()),
            security_group: Some(cidrs),
        }
    }
}

impl From<&EncryptedDatabase> for Ref<EncryptedDatabase> {
    fn from(db: &EncryptedDatabase) -> Self {
        db.reference()
    }
}

impl From<EncryptedDatabaseProps> for Result<EncryptedDatabase> {
    fn from(props: EncryptedDatabaseProps) -> Self {
        let identifier = props.identifier.trim().to_string();
        let db = EncryptedDatabase {
            id: DATABASE_KIND.logical_id(&identifier),
            identifier,
            engine: props.engine,
            key: props.key,
            subnets: props.subnets,
            instance_class: props.instance_class.trim().to_string(),
            allocated_storage_gib: props.allocated_storage_gib,
            master_username: props.master_username.trim().to_string(),
            database_name: props.database_name.map(|name| name.trim().to_string()),
            backup_retention_days: props.backup_retention_days,
            monitoring_interval_secs: props.monitoring_interval_secs,
            allow_from: props.allow_from,
            backed_up_by: props.backed_up_by,
            parameters: props
                .parameters
                .into_iter()
                .map(|(name, value)| (name.trim().to_string(), value.trim().to_string()))
                .collect(),
        };
        let resource = db.resource_name();
        let mut violations = super::validate::spec_violations(&db, &resource);
        let desired = db.desired(&Scope::for_build());
        violations.extend(violations_of(&resource, &db.evaluate(&desired)));
        match Violations::from_vec(violations) {
            None => Ok(db),
            Some(violations) => Err(Error::Invalid(violations)),
        }
    }
}

/// The value checks only the props can show (names, ranges, peers, tiers).
pub(super) struct SpecView<'a> {
    pub identifier: &'a str,
    pub engine: Engine,
    pub tier: Tier,
    pub subnet_count: usize,
    pub instance_class: &'a str,
    pub allocated_storage_gib: u32,
    pub master_username: &'a str,
    pub database_name: Option<&'a str>,
    pub monitoring_interval_secs: u32,
    pub allow_from: &'a [Peer],
    pub parameters: &'a BTreeMap<String, String>,
}

impl EncryptedDatabase {
    pub(super) fn view(&self) -> SpecView<'_> {
        SpecView {
            identifier: &self.identifier,
            engine: self.engine,
            tier: self.subnets.tier(),
            subnet_count: self.subnets.cidrs().len(),
            instance_class: &self.instance_class,
            allocated_storage_gib: self.allocated_storage_gib,
            master_username: &self.master_username,
            database_name: self.database_name.as_deref(),
            monitoring_interval_secs: self.monitoring_interval_secs,
            allow_from: &self.allow_from,
            parameters: &self.parameters,
        }
    }
}

impl Construct for EncryptedDatabase {
    type State = DatabaseState;

    fn id(&self) -> &LogicalId {
        &self.id
    }

    fn kind(&self) -> ResourceKind {
        DATABASE_KIND
    }

    fn name(&self) -> &str {
        &self.identifier
    }

    fn dependencies(&self) -> Vec<LogicalId> {
        let mut dependencies = vec![self.key.id().clone(), self.subnets.vpc().id().clone()];
        for peer in &self.allow_from {
            if let Peer::Group(group) = peer {
                dependencies.push(group.id().clone());
            }
        }
        dependencies.sort();
        dependencies.dedup();
        dependencies
    }

    fn holds_phi(&self) -> bool {
        true
    }

    fn desired(&self, scope: &Scope<'_>) -> DatabaseState {
        let key = scope.arn_of(&self.key);
        let mut parameters: BTreeMap<String, String> = self
            .engine
            .library_parameters()
            .into_iter()
            .map(|(name, value)| (name.to_string(), value.to_string()))
            .collect();
        parameters.extend(self.parameters.clone());
        let mut subnet_cidrs: Vec<String> = self
            .subnets
            .cidrs()
            .iter()
            .map(ToString::to_string)
            .collect();
        subnet_cidrs.sort();
        DatabaseState {
            identifier: self.identifier.clone(),
            engine: self.engine.name().to_string(),
            engine_major_version: self.engine.major_version().to_string(),
            instance_class: self.instance_class.clone(),
            allocated_storage: self.allocated_storage_gib,
            storage_encrypted: true,
            kms_key: Some(key.clone()),
            publicly_accessible: Some(false),
            port: self.engine.port(),
            subnet_group: self.subnet_group_name(),
            subnet_cidrs,
            vpc_id: scope
                .outputs_of(self.subnets.vpc().id())
                .map(|outputs| outputs.physical_id.clone())
                .unwrap_or_else(|| crate::construct::KNOWN_AFTER_APPLY.to_string()),
            security_group_ids: Vec::new(),
            rules: self
                .allow_from
                .iter()
                .map(|peer| Rule::tcp(self.engine.port(), peer.clone()).normalized(false, scope))
                .collect(),
            parameter_group: self.parameter_group_name(),
            parameter_family: self.engine.family(),
            parameters,
            backup_retention_days: self.backup_retention_days,
            deletion_protection: true,
            multi_az: true,
            iam_auth: true,
            auto_minor_version_upgrade: true,
            copy_tags_to_snapshot: true,
            log_exports: self
                .engine
                .log_exports()
                .iter()
                .map(|log| log.to_string())
                .collect(),
            monitoring_interval: self.monitoring_interval_secs,
            monitoring_role_arn: Some(format!(
                "arn:{}:iam::{}:role{LIBRARY_PATH}{}",
                scope.partition,
                scope.account_id,
                self.monitoring_role_name()
            )),
            performance_insights: true,
            performance_insights_kms_key: Some(key.clone()),
            master_password_managed: true,
            master_secret_kms_key: Some(key),
            master_username: self.master_username.clone(),
            tags: self.instance_tags(scope),
            parameter_apply_status: Some("in-sync".to_string()),
            log_groups: self.desired_log_groups(scope),
            unread: crate::constructs::partial::Unread::none(),
        }
    }

    fn evaluate(&self, state: &DatabaseState) -> Vec<Check> {
        let mut checks = evaluate_database(state, &self.expectations());
        checks.push(tags_check(&state.tags));
        checks.extend(self.log_group_checks(state));
        checks
    }
}

impl Lifecycle for EncryptedDatabase {
    fn policy_contributions(&self, scope: &Scope<'_>) -> Vec<PolicyContribution> {
        // The key lets CloudWatch Logs encrypt exactly this database's log groups.
        self.log_group_key_contributions(scope)
    }

    fn replaces(&self, setting: &str) -> bool {
        names::REPLACING_SETTINGS.contains(&setting)
    }

    async fn read(&self, ctx: &Ctx<'_>) -> Result<Option<Live<DatabaseState>>> {
        live::read(ctx, self).await
    }

    async fn create(&self, ctx: &Ctx<'_>, desired: &DatabaseState) -> Result<ResourceOutputs> {
        live::create(ctx, self, desired).await
    }

    async fn update(
        &self,
        ctx: &Ctx<'_>,
        live: &Live<DatabaseState>,
        desired: &DatabaseState,
        changes: &[SettingChange],
    ) -> Result<()> {
        if let Some(change) = changes.iter().find(|change| self.replaces(&change.setting)) {
            return Err(Error::Refused {
                resource: self.resource_name(),
                reason: format!(
                    "changing {} replaces the database: apply with ApplyOptions::new().consent_to_replace({:?})",
                    change.setting,
                    self.id.as_str()
                ),
                control: ControlId::NoSilentReplacement,
            });
        }
        live::update(ctx, self, live, desired, changes).await
    }

    async fn replace(
        &self,
        ctx: &Ctx<'_>,
        live: &Live<DatabaseState>,
        desired: &DatabaseState,
    ) -> Result<ResourceOutputs> {
        live::replace(ctx, self, live, desired).await
    }

    async fn deletion_guard(
        &self,
        _ctx: &Ctx<'_>,
        _live: &Live<DatabaseState>,
    ) -> Result<Option<String>> {
        Ok(Some(
            "holds PHI: deleted only with consent, and then only after a final snapshot"
                .to_string(),
        ))
    }

    async fn delete(&self, ctx: &Ctx<'_>, live: &Live<DatabaseState>) -> Result<()> {
        live::delete(ctx, self, live).await
    }
}

/// A violation of this database's spec.
pub(super) fn violation(
    resource: &str,
    setting: &str,
    control: ControlId,
    reason: impl Into<String>,
) -> Violation {
    Violation::new(resource, setting, control, reason)
}
