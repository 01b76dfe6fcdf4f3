//! [`EncryptedLogGroup`]: a CloudWatch Logs log group encrypted with a [`HipaaKey`], kept at
//! least six years by default.

use serde::Serialize;
use typed_builder::TypedBuilder;

use crate::construct::{
    diff_states, tags_check, violations_of, Construct, Ctx, Lifecycle, Live, LogicalId,
    PolicyContribution, Ref, ResourceKind, ResourceOutputs, Scope, SettingChange,
};
use crate::constructs::kms::HipaaKey;
use crate::controls::{Check, ControlId};
use crate::error::{Error, Result, Violation, Violations};
use crate::policy::{Condition, Principal, Statement};

use super::checks::{
    evaluate_log_group, log_group_name_problem, LogGroupExpectations, LogGroupState, ONE_YEAR_DAYS,
    RETENTION_DAYS_ALLOWED, SIX_YEARS_DAYS,
};
use super::live;

/// What a log group is, for plans and reports.
pub const LOG_GROUP_KIND: ResourceKind =
    ResourceKind::construct("AWS::Logs::LogGroup", "log group", "log-group");

/// The shortest retention a log group may be given: six years for audit logs (the default), or
/// one year for operational logs. There is no value below one year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub enum RetentionFloor {
    /// At least 2192 days: audit logs, which HIPAA documentation rules keep six years.
    #[default]
    SixYears,
    /// At least 365 days: operational logs that are not audit evidence.
    OneYear,
}

impl RetentionFloor {
    /// The floor in days.
    pub fn days(self) -> u32 {
        match self {
            RetentionFloor::SixYears => SIX_YEARS_DAYS,
            RetentionFloor::OneYear => ONE_YEAR_DAYS,
        }
    }
}

/// The props of an [`EncryptedLogGroup`]; build them with [`EncryptedLogGroup::builder`].
///
/// `name` and `key` are required; retention always has a value (there is no "never expire"
/// and no way to leave it unset).
#[derive(Debug, Clone, TypedBuilder)]
#[builder(
    doc,
    builder_type(
        name = EncryptedLogGroupBuilder,
        doc = "Builds an [`EncryptedLogGroup`]; `name` and `key` are required."
    ),
    build_method(
        into = Result<EncryptedLogGroup>,
        doc = "Validates the props and returns the log group, or every violation at once."
    )
)]
pub struct EncryptedLogGroupProps {
    #[builder(setter(
        into,
        doc = "The log group name (1 to 512 of letters, digits and ._-/#)."
    ))]
    name: String,
    #[builder(setter(into, doc = "The key that encrypts the log events."))]
    key: Ref<HipaaKey>,
    #[builder(
        default = SIX_YEARS_DAYS,
        setter(doc = "Days events are kept: a value CloudWatch Logs accepts, at least the floor (2192 by default).")
    )]
    retention_days: u32,
    #[builder(
        default,
        setter(
            doc = "The shortest retention allowed: six years (the default) or one year for logs that are not audit evidence."
        )
    )]
    retention_floor: RetentionFloor,
}

/// A CloudWatch Logs log group encrypted with a [`HipaaKey`] (whose key policy lets the logs
/// service use it only for this log group's encryption context), with a retention of at least
/// six years by default and never below one year.
///
/// ```
/// use hipaa_aws::{EncryptedLogGroup, HipaaKey, RetentionFloor};
/// let key = HipaaKey::builder().alias("logs").build()?;
/// let audit = EncryptedLogGroup::builder().name("/acme/audit").key(&key).build()?;
/// assert_eq!(audit.retention_days(), 2192);
/// let app = EncryptedLogGroup::builder()
///     .name("/acme/app")
///     .key(&key)
///     .retention_days(365)
///     .retention_floor(RetentionFloor::OneYear)
///     .build()?;
/// assert_eq!(app.retention_days(), 365);
/// assert!(EncryptedLogGroup::builder().name("/acme/audit").key(&key).retention_days(365).build().is_err());
/// # Ok::<(), hipaa_aws::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct EncryptedLogGroup {
    id: LogicalId,
    name: String,
    key: Ref<HipaaKey>,
    retention_days: u32,
    retention_floor: RetentionFloor,
}

impl EncryptedLogGroup {
    /// Starts a builder.
    pub fn builder() -> EncryptedLogGroupBuilder {
        EncryptedLogGroupProps::builder()
    }

    /// The log group name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Days events are kept.
    pub fn retention_days(&self) -> u32 {
        self.retention_days
    }

    /// The key that encrypts it.
    pub fn key(&self) -> &Ref<HipaaKey> {
        &self.key
    }

    /// A typed reference for other constructs (trails, metric filters).
    pub fn reference(&self) -> Ref<EncryptedLogGroup> {
        Ref::new(self.id.clone(), self.name.clone())
    }

    /// The log group's ARN in `scope` (without the trailing `:*`).
    pub fn arn(&self, scope: &Scope<'_>) -> String {
        log_group_arn(scope, &self.name)
    }

    fn expectations(&self) -> LogGroupExpectations {
        LogGroupExpectations {
            retention_floor_days: self.retention_floor.days(),
        }
    }

    fn resource_name(&self) -> String {
        format!("{LOG_GROUP_KIND} {:?}", self.name)
    }
}

/// The ARN of a log group (without the trailing `:*`).
pub fn log_group_arn(scope: &Scope<'_>, name: &str) -> String {
    scope.arn("logs", &format!("log-group:{name}"))
}

/// Lets the CloudWatch Logs service of the region use a key, only for one log group's
/// encryption context.
pub fn log_group_key_use(scope: &Scope<'_>, log_group: &str) -> Statement {
    let sid: String = log_group
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect();
    Statement::allow()
        .sid(format!("AllowCloudWatchLogsFor{sid}"))
        .principal(Principal::service(format!(
            "logs.{}.amazonaws.com",
            scope.region
        )))
        .actions([
            "kms:Encrypt*",
            "kms:Decrypt*",
            "kms:ReEncrypt*",
            "kms:GenerateDataKey*",
        ])
        .resources(["*"])
        .when(Condition::arn_equals(
            "kms:EncryptionContext:aws:logs:arn",
            [log_group_arn(scope, log_group)],
        ))
}

impl From<&EncryptedLogGroup> for Ref<EncryptedLogGroup> {
    fn from(group: &EncryptedLogGroup) -> Self {
        group.reference()
    }
}

impl From<EncryptedLogGroupProps> for Result<EncryptedLogGroup> {
    fn from(props: EncryptedLogGroupProps) -> Self {
        let name = props.name.trim().to_string();
        let group = EncryptedLogGroup {
            id: LOG_GROUP_KIND.logical_id(name.trim_start_matches('/')),
            name,
            key: props.key,
            retention_days: props.retention_days,
            retention_floor: props.retention_floor,
        };
        let resource = group.resource_name();
        let mut violations = Vec::new();
        if let Some(problem) = log_group_name_problem(&group.name) {
            violations.push(Violation::new(
                &resource,
                "name",
                ControlId::CloudWatchNameValid,
                problem,
            ));
        }
        if !RETENTION_DAYS_ALLOWED.contains(&group.retention_days) {
            violations.push(Violation::new(
                &resource,
                "retention_days",
                ControlId::CwLogGroupRetentionPeriodCheck,
                format!(
                    "CloudWatch Logs does not accept {} days; use one of {}",
                    group.retention_days,
                    RETENTION_DAYS_ALLOWED
                        .iter()
                        .filter(|days| **days >= group.retention_floor.days())
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        let desired = group.desired(&Scope::for_build());
        violations.extend(violations_of(&resource, &group.evaluate(&desired)));
        match Violations::from_vec(violations) {
            None => Ok(group),
            Some(violations) => Err(Error::Invalid(violations)),
        }
    }
}

impl Construct for EncryptedLogGroup {
    type State = LogGroupState;

    fn id(&self) -> &LogicalId {
        &self.id
    }

    fn kind(&self) -> ResourceKind {
        LOG_GROUP_KIND
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn dependencies(&self) -> Vec<LogicalId> {
        vec![self.key.id().clone()]
    }

    fn desired(&self, scope: &Scope<'_>) -> LogGroupState {
        LogGroupState {
            name: self.name.clone(),
            arn: self.arn(scope),
            kms_key: Some(scope.arn_of(&self.key)),
            retention_days: Some(self.retention_days),
            tags: scope.tags_for(&self.id, false),
        }
    }

    fn evaluate(&self, state: &LogGroupState) -> Vec<Check> {
        let mut checks = evaluate_log_group(state, &self.expectations());
        checks.push(tags_check(&state.tags));
        checks
    }
}

impl Lifecycle for EncryptedLogGroup {
    fn policy_contributions(&self, scope: &Scope<'_>) -> Vec<PolicyContribution> {
        vec![PolicyContribution {
            target: self.key.id().clone(),
            statement: log_group_key_use(scope, &self.name),
        }]
    }

    async fn read(&self, ctx: &Ctx<'_>) -> Result<Option<Live<LogGroupState>>> {
        let Some((mut state, tags)) = live::read_log_group_state(ctx.env, &self.name).await? else {
            return Ok(None);
        };
        live::ensure_ours(ctx, &self.resource_name(), self.id.as_str(), &tags)?;
        let wanted = ctx.scope.tags_for(&self.id, false);
        state.tags = tags
            .into_iter()
            .filter(|(key, _)| wanted.contains_key(key))
            .collect();
        Ok(Some(Live {
            outputs: ResourceOutputs {
                arn: format!("{}:*", state.arn),
                physical_id: state.name.clone(),
            },
            state,
        }))
    }

    async fn create(&self, ctx: &Ctx<'_>, desired: &LogGroupState) -> Result<ResourceOutputs> {
        if live::create_log_group(ctx, desired).await? {
            // Made new with every setting: nothing to read back.
            return Ok(ResourceOutputs {
                arn: format!("{}:*", self.arn(&ctx.scope)),
                physical_id: self.name.clone(),
            });
        }
        let found = self.read(ctx).await?.ok_or_else(|| {
            Error::unexpected(
                "logs",
                "CreateLogGroup",
                "the log group is not visible after creation",
            )
        })?;
        let changes = diff_states(desired, &found.state);
        if !changes.is_empty() {
            self.update(ctx, &found, desired, &changes).await?;
        }
        Ok(found.outputs)
    }

    async fn update(
        &self,
        ctx: &Ctx<'_>,
        live: &Live<LogGroupState>,
        desired: &LogGroupState,
        changes: &[SettingChange],
    ) -> Result<()> {
        let changed = |name: &str| changes.iter().any(|change| change.setting == name);
        live::update_log_group(ctx, &live.state, desired, &changed).await
    }

    async fn deletion_guard(
        &self,
        _ctx: &Ctx<'_>,
        _live: &Live<LogGroupState>,
    ) -> Result<Option<String>> {
        Ok(Some(
            "holds log events kept as audit evidence: deleted only with consent".to_string(),
        ))
    }

    async fn delete(&self, ctx: &Ctx<'_>, _live: &Live<LogGroupState>) -> Result<()> {
        live::delete_log_group(ctx, &self.name).await
    }
}
