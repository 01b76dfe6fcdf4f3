//! [`AuditTrail`]: the multi-region, validated, encrypted CloudTrail trail, delivered to a
//! [`LogBucket`] and an [`EncryptedLogGroup`].

use typed_builder::TypedBuilder;

use crate::construct::{
    diff_states, tags_check, violations_of, Construct, Ctx, Lifecycle, Live, LogicalId,
    PolicyContribution, Ref, ResourceKind, ResourceOutputs, Scope, SettingChange,
};
use crate::constructs::iam::{fit_name, Grant, HipaaRole, Trust, MAX_ROLE_NAME};
use crate::constructs::kms::HipaaKey;
use crate::constructs::logs::{log_group_arn, EncryptedLogGroup};
use crate::constructs::s3::{bucket_arn, EncryptedBucket, LogBucket};
use crate::controls::{Check, ControlId};
use crate::error::{Error, Result, Violation, Violations};

use super::checks::{
    evaluate_delivery_role, evaluate_trail, trail_name_problem, TrailExpectations,
};
use super::live::{self, all_buckets_value};
use super::policies::{trail_bucket_statements, trail_key_statements, CLOUDTRAIL_SERVICE};
use super::state::{AuditTrailState, TrailState, ROLE, TRAIL};

/// What a trail is, for plans and reports.
pub const TRAIL_KIND: ResourceKind =
    ResourceKind::construct("AWS::CloudTrail::Trail", "audit trail", "cloudtrail-trail");

/// Whose S3 object-level (data) events the trail records, read and write.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum S3DataEvents {
    /// Every bucket of the account (the default, and what the AWS Config rule checks).
    #[default]
    AllBuckets,
    /// The PHI buckets of the stack named here (at least one).
    Buckets(Vec<Ref<EncryptedBucket>>),
}

impl S3DataEvents {
    /// The PHI buckets given.
    pub fn buckets<I, B>(buckets: I) -> S3DataEvents
    where
        I: IntoIterator<Item = B>,
        B: Into<Ref<EncryptedBucket>>,
    {
        S3DataEvents::Buckets(buckets.into_iter().map(Into::into).collect())
    }
}

/// The props of an [`AuditTrail`]; build them with [`AuditTrail::builder`].
///
/// `name`, `bucket`, `key` and `log_group` are required. There is no setter for log file
/// validation, encryption, multi-region or global service events: they are always on.
#[derive(Debug, Clone, TypedBuilder)]
#[builder(
    doc,
    builder_type(
        name = AuditTrailBuilder,
        doc = "Builds an [`AuditTrail`]; `name`, `bucket`, `key` and `log_group` are required."
    ),
    build_method(
        into = Result<AuditTrail>,
        doc = "Validates the props and returns the trail, or every violation at once."
    )
)]
pub struct AuditTrailProps {
    #[builder(setter(
        into,
        doc = "The trail name (3 to 128 of letters, digits, '.', '_' and '-')."
    ))]
    name: String,
    #[builder(setter(
        into,
        doc = "The log bucket that receives the log files (under AWSLogs/<account>/)."
    ))]
    bucket: Ref<LogBucket>,
    #[builder(setter(into, doc = "The key that encrypts the log files."))]
    key: Ref<HipaaKey>,
    #[builder(setter(
        into,
        doc = "The log group that receives the events (for metric filters and alarms)."
    ))]
    log_group: Ref<EncryptedLogGroup>,
    #[builder(
        default,
        setter(
            doc = "Whose S3 data events are recorded: every bucket (the default) or the PHI buckets named."
        )
    )]
    data_events: S3DataEvents,
}

/// A CloudTrail trail that records read and write management events of every region (global
/// services included) and S3 data events, validates its log files, encrypts them with a
/// [`HipaaKey`], delivers them to a [`LogBucket`] (whose policy lets only this trail write, and
/// only under the account's prefix) and to an [`EncryptedLogGroup`] (through a role limited to
/// `CreateLogStream` and `PutLogEvents` on that group), and is logging.
///
/// ```
/// use hipaa_aws::{AuditTrail, EncryptedLogGroup, HipaaKey, LogBucket};
/// let key = HipaaKey::builder().alias("audit").build()?;
/// let logs = LogBucket::builder().name("acme-audit-logs").key(&key).build()?;
/// let events = EncryptedLogGroup::builder().name("/acme/cloudtrail").key(&key).build()?;
/// let trail = AuditTrail::builder()
///     .name("acme")
///     .bucket(&logs)
///     .key(&key)
///     .log_group(&events)
///     .build()?;
/// assert_eq!(trail.name(), "acme");
/// # Ok::<(), hipaa_aws::Error>(())
/// ```
///
/// A trail without log file validation cannot be expressed:
///
/// ```compile_fail
/// # use hipaa_aws::{AuditTrail, EncryptedLogGroup, HipaaKey, LogBucket};
/// # let key = HipaaKey::builder().alias("audit").build().unwrap();
/// # let logs = LogBucket::builder().name("acme-audit-logs").key(&key).build().unwrap();
/// # let events = EncryptedLogGroup::builder().name("/acme/ct").key(&key).build().unwrap();
/// let trail = AuditTrail::builder()
///     .name("acme").bucket(&logs).key(&key).log_group(&events)
///     .log_file_validation(false)
///     .build();
/// ```
#[derive(Debug, Clone)]
pub struct AuditTrail {
    id: LogicalId,
    name: String,
    bucket: Ref<LogBucket>,
    key: Ref<HipaaKey>,
    log_group: Ref<EncryptedLogGroup>,
    data_events: S3DataEvents,
    delivery_role: HipaaRole,
    delivery_grant: Grant,
}

impl AuditTrail {
    /// Starts a builder.
    pub fn builder() -> AuditTrailBuilder {
        AuditTrailProps::builder()
    }

    /// The trail name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The log group that receives the events.
    pub fn log_group(&self) -> &Ref<EncryptedLogGroup> {
        &self.log_group
    }

    /// The role CloudTrail assumes to write to the log group.
    pub fn delivery_role(&self) -> &HipaaRole {
        &self.delivery_role
    }

    /// The trail's ARN in `scope`.
    pub fn arn(&self, scope: &Scope<'_>) -> String {
        scope.arn("cloudtrail", &format!("trail/{}", self.name))
    }

    /// A typed reference for other constructs (alarms).
    pub fn reference(&self) -> Ref<AuditTrail> {
        Ref::new(self.id.clone(), self.name.clone())
    }

    fn expectations(&self) -> TrailExpectations {
        TrailExpectations {
            data_event_buckets: match &self.data_events {
                S3DataEvents::AllBuckets => None,
                S3DataEvents::Buckets(buckets) => {
                    Some(buckets.iter().map(|b| b.name().to_string()).collect())
                }
            },
        }
    }

    fn resource_name(&self) -> String {
        format!("{TRAIL_KIND} {:?}", self.name)
    }

    fn desired_trail(&self, scope: &Scope<'_>) -> TrailState {
        let s3_data_events = match &self.data_events {
            S3DataEvents::AllBuckets => vec![all_buckets_value(scope.partition)],
            S3DataEvents::Buckets(buckets) => {
                let mut values: Vec<String> = buckets
                    .iter()
                    .map(|bucket| format!("{}/", bucket_arn(scope.partition, bucket.name())))
                    .collect();
                values.sort();
                values.dedup();
                values
            }
        };
        TrailState {
            name: self.name.clone(),
            arn: self.arn(scope),
            s3_bucket: self.bucket.name().to_string(),
            s3_key_prefix: None,
            kms_key: Some(scope.arn_of(&self.key)),
            multi_region: true,
            global_service_events: true,
            log_file_validation: true,
            cloudwatch_log_group: Some(format!(
                "{}:*",
                log_group_arn(scope, self.log_group.name())
            )),
            cloudwatch_role: Some(self.delivery_role.arn(scope)),
            logging: true,
            management_events: "All".to_string(),
            s3_data_events,
            tags: scope.tags_for(&self.id, false),
            event_selectors: None,
        }
    }
}

impl From<&AuditTrail> for Ref<AuditTrail> {
    fn from(trail: &AuditTrail) -> Self {
        trail.reference()
    }
}

impl From<AuditTrailProps> for Result<AuditTrail> {
    fn from(props: AuditTrailProps) -> Self {
        let name = props.name.trim().to_string();
        let resource = format!("{TRAIL_KIND} {name:?}");
        let mut violations = Vec::new();
        if let Some(problem) = trail_name_problem(&name) {
            violations.push(Violation::new(
                &resource,
                "name",
                ControlId::CloudTrailNameValid,
                problem,
            ));
        }
        if matches!(&props.data_events, S3DataEvents::Buckets(buckets) if buckets.is_empty()) {
            violations.push(Violation::new(
                &resource,
                "data_events",
                ControlId::CloudTrailS3DataEventsEnabled,
                "S3DataEvents::Buckets names no bucket: name the PHI buckets or record every bucket",
            ));
        }
        let role_name = fit_name(&format!("{name}-cloudtrail-logs"), MAX_ROLE_NAME);
        let role = HipaaRole::builder()
            .name(role_name)
            .trust(
                Trust::service(CLOUDTRAIL_SERVICE)
                    .with_source_in_scope("cloudtrail", &format!("trail/{name}")),
            )
            .description(format!("CloudTrail delivers trail {name} to its log group"))
            .build();
        let role = match role {
            Ok(role) => role,
            Err(Error::Invalid(found)) => {
                violations.extend(found.iter().cloned());
                return Err(Error::Invalid(
                    Violations::from_vec(violations).unwrap_or(found),
                ));
            }
            Err(other) => return Err(other),
        };
        let grant = Grant::cloudtrail_delivery(role.reference(), props.log_group.name());
        let trail = AuditTrail {
            id: TRAIL_KIND.logical_id(&name),
            name,
            bucket: props.bucket,
            key: props.key,
            log_group: props.log_group,
            data_events: props.data_events,
            delivery_role: role,
            delivery_grant: grant,
        };
        let desired = trail.desired(&Scope::for_build());
        violations.extend(violations_of(&resource, &trail.evaluate(&desired)));
        match Violations::from_vec(violations) {
            None => Ok(trail),
            Some(violations) => Err(Error::Invalid(violations)),
        }
    }
}

fn strip(changes: &[SettingChange], prefix: &str) -> Vec<SettingChange> {
    changes
        .iter()
        .filter_map(|change| {
            change
                .setting
                .strip_prefix(prefix)
                .map(|setting| SettingChange {
                    setting: setting.to_string(),
                    ..change.clone()
                })
        })
        .collect()
}

impl Construct for AuditTrail {
    type State = AuditTrailState;

    fn id(&self) -> &LogicalId {
        &self.id
    }

    fn kind(&self) -> ResourceKind {
        TRAIL_KIND
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn dependencies(&self) -> Vec<LogicalId> {
        let mut dependencies = vec![
            self.bucket.id().clone(),
            self.key.id().clone(),
            self.log_group.id().clone(),
        ];
        if let S3DataEvents::Buckets(buckets) = &self.data_events {
            dependencies.extend(buckets.iter().map(|bucket| bucket.id().clone()));
        }
        dependencies.sort();
        dependencies.dedup();
        dependencies
    }

    fn desired(&self, scope: &Scope<'_>) -> AuditTrailState {
        AuditTrailState {
            trail: self.desired_trail(scope),
            delivery_role: Some(self.delivery_role.desired(scope)),
            delivery_grant: Some(self.delivery_grant.desired(scope)),
        }
    }

    fn evaluate(&self, state: &AuditTrailState) -> Vec<Check> {
        let mut checks = evaluate_trail(&state.trail, &self.expectations());
        checks.push(tags_check(&state.trail.tags));
        match &state.delivery_role {
            Some(role) => {
                let mut role = role.clone();
                if let Some(grant) = &state.delivery_grant {
                    role.attached_documents
                        .insert(grant.policy.arn.clone(), grant.policy.document.clone());
                }
                let group = state.trail.cloudwatch_log_group.clone().unwrap_or_default();
                checks.extend(evaluate_delivery_role(&role, &group));
                checks.extend(
                    self.delivery_role
                        .evaluate(&role)
                        .into_iter()
                        .map(|check| Check {
                            setting: format!("{ROLE}{}", check.setting),
                            ..check
                        }),
                );
            }
            None => checks.push(Check::require(
                ControlId::CloudTrailCloudWatchLogsEnabled,
                "delivery_role",
                false,
                "",
                "the role CloudTrail delivers to CloudWatch Logs with does not exist",
            )),
        }
        checks
    }
}

impl Lifecycle for AuditTrail {
    fn policy_contributions(&self, scope: &Scope<'_>) -> Vec<PolicyContribution> {
        let trail_arn = self.arn(scope);
        let bucket = bucket_arn(scope.partition, self.bucket.name());
        let mut contributions: Vec<PolicyContribution> =
            trail_bucket_statements(&bucket, &self.name, &trail_arn, scope.account_id)
                .into_iter()
                .map(|statement| PolicyContribution {
                    target: self.bucket.id().clone(),
                    statement,
                })
                .collect();
        contributions.extend(
            trail_key_statements(scope.partition, &self.name, &trail_arn, scope.account_id)
                .into_iter()
                .map(|statement| PolicyContribution {
                    target: self.key.id().clone(),
                    statement,
                }),
        );
        contributions
    }

    async fn read(&self, ctx: &Ctx<'_>) -> Result<Option<Live<AuditTrailState>>> {
        let Some((mut trail, tags)) = live::read_trail_state(ctx.env, &self.name).await? else {
            return Ok(None);
        };
        crate::constructs::iam::ensure_owned(ctx, &self.resource_name(), self.id.as_str(), &tags)?;
        let wanted = ctx.scope.tags_for(&self.id, false);
        trail.tags = tags
            .into_iter()
            .filter(|(key, _)| wanted.contains_key(key))
            .collect();
        let delivery_role = self.delivery_role.read(ctx).await?.map(|live| live.state);
        let delivery_grant = self.delivery_grant.read(ctx).await?.map(|live| live.state);
        Ok(Some(Live {
            outputs: ResourceOutputs {
                arn: trail.arn.clone(),
                physical_id: trail.name.clone(),
            },
            state: AuditTrailState {
                trail,
                delivery_role,
                delivery_grant,
            },
        }))
    }

    async fn create(&self, ctx: &Ctx<'_>, desired: &AuditTrailState) -> Result<ResourceOutputs> {
        self.converge_delivery(ctx, None, desired).await?;
        let (arn, made_new) = live::create_trail(ctx, &desired.trail).await?;
        // A trail made new has every setting; one that already existed is read and finished.
        if !made_new && let Some(found) = self.read(ctx).await? {
            let changes = diff_states(desired, &found.state);
            if !changes.is_empty() {
                self.update(ctx, &found, desired, &changes).await?;
            }
        }
        Ok(ResourceOutputs {
            arn,
            physical_id: self.name.clone(),
        })
    }

    async fn update(
        &self,
        ctx: &Ctx<'_>,
        live: &Live<AuditTrailState>,
        desired: &AuditTrailState,
        changes: &[SettingChange],
    ) -> Result<()> {
        self.converge_delivery(ctx, Some(live), desired).await?;
        let trail_changes = strip(changes, TRAIL);
        if !trail_changes.is_empty() {
            let changed = |name: &str| trail_changes.iter().any(|change| change.setting == name);
            live::update_trail(ctx, &live.state.trail, &desired.trail, &changed).await?;
        }
        Ok(())
    }

    async fn deletion_guard(
        &self,
        _ctx: &Ctx<'_>,
        _live: &Live<AuditTrailState>,
    ) -> Result<Option<String>> {
        Ok(Some(
            "deleting the trail stops the audit log of every API call: deleted only with consent"
                .to_string(),
        ))
    }

    async fn delete(&self, ctx: &Ctx<'_>, _live: &Live<AuditTrailState>) -> Result<()> {
        live::delete_trail(ctx, &self.name).await?;
        if let Some(grant) = self.delivery_grant.read(ctx).await? {
            self.delivery_grant.delete(ctx, &grant).await?;
        }
        if let Some(role) = self.delivery_role.read(ctx).await? {
            self.delivery_role.delete(ctx, &role).await?;
        }
        Ok(())
    }
}

impl AuditTrail {
    /// Makes or restores the delivery role and its grant (before the trail, which names the
    /// role).
    async fn converge_delivery(
        &self,
        ctx: &Ctx<'_>,
        live: Option<&Live<AuditTrailState>>,
        desired: &AuditTrailState,
    ) -> Result<()> {
        let (Some(role_desired), Some(grant_desired)) =
            (&desired.delivery_role, &desired.delivery_grant)
        else {
            return Ok(());
        };
        let role_live = match live {
            Some(live) => live.state.delivery_role.clone().map(|state| Live {
                outputs: ResourceOutputs {
                    arn: state.arn.clone(),
                    physical_id: state.name.clone(),
                },
                state,
            }),
            None => self.delivery_role.read(ctx).await?,
        };
        match role_live {
            None => {
                self.delivery_role.create(ctx, role_desired).await?;
            }
            Some(found) => {
                let changes = diff_states(role_desired, &found.state);
                if !changes.is_empty() {
                    self.delivery_role
                        .update(ctx, &found, role_desired, &changes)
                        .await?;
                }
            }
        }
        let grant_live = match live {
            Some(live) => live.state.delivery_grant.as_ref().map(|state| Live {
                outputs: ResourceOutputs {
                    arn: state.policy.arn.clone(),
                    physical_id: state.policy.name.clone(),
                },
                state: state.clone(),
            }),
            None => self.delivery_grant.read(ctx).await?,
        };
        match grant_live {
            None => {
                self.delivery_grant.create(ctx, grant_desired).await?;
            }
            Some(found) => {
                let changes = diff_states(grant_desired, &found.state);
                if !changes.is_empty() {
                    self.delivery_grant
                        .update(ctx, &found, grant_desired, &changes)
                        .await?;
                }
            }
        }
        Ok(())
    }
}
