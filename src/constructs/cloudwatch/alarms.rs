//! [`SecurityAlarms`]: a metric filter and an alarm for each CIS security event in the trail's
//! log group, every alarm notifying an encrypted SNS topic.

use std::collections::BTreeMap;

use typed_builder::TypedBuilder;

use crate::construct::{
    diff_states, tags_check, Construct, Ctx, Lifecycle, Live, LogicalId, PolicyContribution, Ref,
    ResourceKind, ResourceOutputs, Scope, SettingChange,
};
use crate::constructs::kms::HipaaKey;
use crate::constructs::logs::EncryptedLogGroup;
use crate::controls::{format_citations, Check, ControlId};
use crate::env::{LOGICAL_ID_TAG, STACK_TAG};
use crate::error::{Error, Result, Violation, Violations};

use super::checks::{evaluate_alarm, evaluate_security_alarms, evaluate_topic};
use super::events::SecurityEvent;
use super::live;
use super::state::{AlarmState, MetricFilterState, SecurityAlarmsState};
use super::topic::{topic_name_problem, AlarmTopic};

/// What the security alarms are, for plans and reports.
pub const SECURITY_ALARMS_KIND: ResourceKind = ResourceKind::construct(
    "AWS::CloudWatch::Alarm",
    "security alarms",
    "security-alarms",
);

/// The metric namespace of the security-event metrics.
pub const METRIC_NAMESPACE: &str = "HipaaAws/SecurityEvents";

/// Where the alarms send their notifications.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlarmNotification {
    /// A topic the construct makes, `<prefix>-security-alarms`, encrypted with this key.
    EncryptedTopic(Ref<HipaaKey>),
    /// An [`AlarmTopic`] of the stack.
    Topic(Ref<AlarmTopic>),
}

impl AlarmNotification {
    /// A topic the construct makes, encrypted with `key`.
    pub fn encrypted_topic(key: impl Into<Ref<HipaaKey>>) -> AlarmNotification {
        AlarmNotification::EncryptedTopic(key.into())
    }

    /// An [`AlarmTopic`] of the stack.
    pub fn topic(topic: impl Into<Ref<AlarmTopic>>) -> AlarmNotification {
        AlarmNotification::Topic(topic.into())
    }
}

/// The log group that receives the trail's events (and the trail, when given).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrailEvents {
    log_group: Ref<EncryptedLogGroup>,
    trail: Option<LogicalId>,
}

impl From<&EncryptedLogGroup> for TrailEvents {
    fn from(group: &EncryptedLogGroup) -> Self {
        TrailEvents {
            log_group: group.reference(),
            trail: None,
        }
    }
}

#[cfg(feature = "cloudtrail")]
impl From<&crate::constructs::cloudtrail::AuditTrail> for TrailEvents {
    fn from(trail: &crate::constructs::cloudtrail::AuditTrail) -> Self {
        TrailEvents {
            log_group: trail.log_group().clone(),
            trail: Some(Construct::id(trail).clone()),
        }
    }
}

/// The props of [`SecurityAlarms`]; build them with [`SecurityAlarms::builder`].
#[derive(Debug, Clone, TypedBuilder)]
#[builder(
    doc,
    builder_type(
        name = SecurityAlarmsBuilder,
        doc = "Builds [`SecurityAlarms`]; `trail_events` and `notify` are required."
    ),
    build_method(
        into = Result<SecurityAlarms>,
        doc = "Validates the props and returns the alarms, or every violation at once."
    )
)]
pub struct SecurityAlarmsProps {
    #[builder(
        default = "hipaa-aws".to_string(),
        setter(into, doc = "The prefix of the filter, metric, alarm (and topic) names (`hipaa-aws` by default).")
    )]
    prefix: String,
    #[builder(setter(
        into,
        doc = "The trail (or the log group receiving its events) to watch."
    ))]
    trail_events: TrailEvents,
    #[builder(setter(
        doc = "Where the alarms notify: a topic made here, or an `AlarmTopic` of the stack."
    ))]
    notify: AlarmNotification,
}

/// A metric filter and an alarm for each CIS security event (unauthorized API calls, console
/// sign-in without MFA, root use, IAM policy changes, CloudTrail changes, failed console
/// sign-ins, KMS keys disabled or scheduled for deletion, S3 bucket policy changes, AWS Config
/// changes, security group, NACL, network gateway, route table and VPC changes) on the trail's
/// log group. Every alarm notifies an SNS topic encrypted with a [`HipaaKey`] when in ALARM and
/// when data is insufficient.
///
/// ```
/// use hipaa_aws::{AlarmNotification, AuditTrail, EncryptedLogGroup, HipaaKey, LogBucket, SecurityAlarms};
/// let key = HipaaKey::builder().alias("audit").build()?;
/// let logs = LogBucket::builder().name("acme-audit-logs").key(&key).build()?;
/// let events = EncryptedLogGroup::builder().name("/acme/cloudtrail").key(&key).build()?;
/// let trail = AuditTrail::builder().name("acme").bucket(&logs).key(&key).log_group(&events).build()?;
/// let alarms = SecurityAlarms::builder()
///     .trail_events(&trail)
///     .notify(AlarmNotification::encrypted_topic(&key))
///     .build()?;
/// assert_eq!(alarms.alarm_names().len(), 14);
/// # Ok::<(), hipaa_aws::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct SecurityAlarms {
    id: LogicalId,
    prefix: String,
    events: TrailEvents,
    own_topic: Option<AlarmTopic>,
    topic: Option<Ref<AlarmTopic>>,
}

impl SecurityAlarms {
    /// Starts a builder.
    pub fn builder() -> SecurityAlarmsBuilder {
        SecurityAlarmsProps::builder()
    }

    /// The name prefix.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The alarm names, one per security event.
    pub fn alarm_names(&self) -> Vec<String> {
        SecurityEvent::ALL
            .iter()
            .map(|event| self.name_of(*event))
            .collect()
    }

    /// The name of the topic the alarms notify.
    pub fn topic_name(&self) -> &str {
        match (&self.own_topic, &self.topic) {
            (Some(topic), _) => topic.name(),
            (None, Some(topic)) => topic.name(),
            (None, None) => "",
        }
    }

    fn name_of(&self, event: SecurityEvent) -> String {
        format!("{}-{}", self.prefix, event.key())
    }

    fn resource_name(&self) -> String {
        format!("{SECURITY_ALARMS_KIND} {:?}", self.prefix)
    }

    fn topic_arn(&self, scope: &Scope<'_>) -> String {
        scope.arn("sns", self.topic_name())
    }

    fn desired_filter(&self, event: SecurityEvent) -> MetricFilterState {
        MetricFilterState {
            name: self.name_of(event),
            log_group: self.events.log_group.name().to_string(),
            pattern: event.pattern(),
            metric_name: self.name_of(event),
            metric_namespace: METRIC_NAMESPACE.to_string(),
            metric_value: "1".to_string(),
        }
    }

    fn desired_alarm(&self, scope: &Scope<'_>, event: SecurityEvent) -> AlarmState {
        let name = self.name_of(event);
        let topic = self.topic_arn(scope);
        AlarmState {
            arn: scope.arn("cloudwatch", &format!("alarm:{name}")),
            metric_name: name.clone(),
            name,
            namespace: METRIC_NAMESPACE.to_string(),
            statistic: "Sum".to_string(),
            period_secs: 300,
            evaluation_periods: 1,
            threshold: 1.0,
            comparison: "GreaterThanOrEqualToThreshold".to_string(),
            treat_missing_data: "notBreaching".to_string(),
            actions_enabled: true,
            alarm_actions: vec![topic.clone()],
            insufficient_data_actions: vec![topic],
            ok_actions: Vec::new(),
            tags: scope.tags_for(&self.id, false),
        }
    }

    fn description(event: SecurityEvent) -> String {
        let control = event.control();
        format!(
            "hipaa-aws: {} [{control}; {}]",
            event.title(),
            format_citations(control.citations())
        )
    }
}

fn event_of(key: &str) -> Option<SecurityEvent> {
    SecurityEvent::ALL
        .iter()
        .copied()
        .find(|event| event.key() == key)
}

impl From<SecurityAlarmsProps> for Result<SecurityAlarms> {
    fn from(props: SecurityAlarmsProps) -> Self {
        let prefix = props.prefix.trim().to_string();
        let (own_topic, topic) = match props.notify {
            AlarmNotification::EncryptedTopic(key) => (
                Some(AlarmTopic::new_unchecked(
                    format!("{prefix}-security-alarms"),
                    key,
                )),
                None,
            ),
            AlarmNotification::Topic(topic) => (None, Some(topic)),
        };
        let alarms = SecurityAlarms {
            id: SECURITY_ALARMS_KIND.logical_id(&prefix),
            prefix,
            events: props.trail_events,
            own_topic,
            topic,
        };
        let resource = alarms.resource_name();
        let mut violations = Vec::new();
        let longest = SecurityEvent::ALL
            .iter()
            .map(|event| alarms.name_of(*event).len())
            .max()
            .unwrap_or_default();
        let prefix_ok = !alarms.prefix.is_empty()
            && alarms
                .prefix
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            && longest <= 255;
        if !prefix_ok {
            violations.push(Violation::new(
                &resource,
                "prefix",
                ControlId::CloudWatchNameValid,
                format!(
                    "the prefix {:?} must be letters, digits, '-' and '_', short enough for names of at most 255 characters",
                    alarms.prefix
                ),
            ));
        }
        if let Some(topic) = &alarms.own_topic {
            if let Some(problem) = topic_name_problem(topic.name()) {
                violations.push(Violation::new(
                    &resource,
                    "prefix",
                    ControlId::CloudWatchNameValid,
                    problem,
                ));
            } else {
                violations.extend(topic.violations());
            }
        }
        let desired = alarms.desired(&Scope::for_build());
        violations.extend(crate::construct::violations_of(
            &resource,
            &alarms.evaluate(&desired),
        ));
        match Violations::from_vec(violations) {
            None => Ok(alarms),
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

impl Construct for SecurityAlarms {
    type State = SecurityAlarmsState;

    fn id(&self) -> &LogicalId {
        &self.id
    }

    fn kind(&self) -> ResourceKind {
        SECURITY_ALARMS_KIND
    }

    fn name(&self) -> &str {
        &self.prefix
    }

    fn dependencies(&self) -> Vec<LogicalId> {
        let mut dependencies = vec![self.events.log_group.id().clone()];
        if let Some(trail) = &self.events.trail {
            dependencies.push(trail.clone());
        }
        if let Some(topic) = &self.own_topic {
            dependencies.push(topic.key().id().clone());
        }
        if let Some(topic) = &self.topic {
            dependencies.push(topic.id().clone());
        }
        dependencies
    }

    fn desired(&self, scope: &Scope<'_>) -> SecurityAlarmsState {
        SecurityAlarmsState {
            topic: self.own_topic.as_ref().map(|topic| topic.desired(scope)),
            filters: SecurityEvent::ALL
                .iter()
                .map(|event| (event.key().to_string(), self.desired_filter(*event)))
                .collect(),
            alarms: SecurityEvent::ALL
                .iter()
                .map(|event| (event.key().to_string(), self.desired_alarm(scope, *event)))
                .collect(),
        }
    }

    fn evaluate(&self, state: &SecurityAlarmsState) -> Vec<Check> {
        let filters: Vec<MetricFilterState> = state.filters.values().cloned().collect();
        let alarms: Vec<AlarmState> = state.alarms.values().cloned().collect();
        let mut checks = evaluate_security_alarms(&filters, &alarms);
        checks.extend(alarms.iter().map(evaluate_alarm));
        let untagged: Vec<&str> = alarms
            .iter()
            .filter(|alarm| tags_check(&alarm.tags).failed())
            .map(|alarm| alarm.name.as_str())
            .collect();
        checks.push(Check::require(
            ControlId::ManagedResourceTagged,
            "alarm.tags",
            untagged.is_empty(),
            "every alarm is tagged with its stack and logical id",
            format!("untagged alarms: {}", untagged.join(", ")),
        ));
        if let Some(topic) = &state.topic {
            checks.extend(evaluate_topic(topic));
            let mut tagged = tags_check(&topic.tags);
            tagged.setting = "topic.tags".to_string();
            checks.push(tagged);
        } else if self.own_topic.is_some() {
            checks.push(Check::require(
                ControlId::AlarmTopicEncrypted,
                "topic",
                false,
                "",
                "the alarm topic does not exist",
            ));
        }
        checks
    }
}

impl Lifecycle for SecurityAlarms {
    fn policy_contributions(&self, scope: &Scope<'_>) -> Vec<PolicyContribution> {
        self.own_topic
            .as_ref()
            .map(|topic| topic.policy_contributions(scope))
            .unwrap_or_default()
    }

    async fn read(&self, ctx: &Ctx<'_>) -> Result<Option<Live<SecurityAlarmsState>>> {
        let topic = match &self.own_topic {
            Some(topic) => topic.read(ctx).await?.map(|live| live.state),
            None => None,
        };
        let filters: BTreeMap<String, MetricFilterState> = live::read_metric_filters(
            ctx.env,
            self.events.log_group.name(),
            Some(&format!("{}-", self.prefix)),
        )
        .await?
        .into_iter()
        .filter_map(|filter| {
            let key = filter
                .name
                .strip_prefix(&format!("{}-", self.prefix))?
                .to_string();
            event_of(&key).map(|_| (key, filter))
        })
        .collect();
        let wanted = ctx.scope.tags_for(&self.id, false);
        let mut alarms = BTreeMap::new();
        for (mut alarm, tags) in live::read_alarms(ctx.env, &format!("{}-", self.prefix)).await? {
            let Some(key) = alarm
                .name
                .strip_prefix(&format!("{}-", self.prefix))
                .filter(|key| event_of(key).is_some())
                .map(str::to_string)
            else {
                continue;
            };
            let stack = tags.get(STACK_TAG).map(String::as_str);
            let id = tags.get(LOGICAL_ID_TAG).map(String::as_str);
            if stack != Some(ctx.scope.stack) || id != Some(self.id.as_str()) {
                return Err(Error::Conflict {
                    resource: self.resource_name(),
                    reason: format!(
                        "the alarm {} exists and is not managed by stack {:?} as {} (its tags say stack {:?}, id {:?}); \
                         choose another prefix",
                        alarm.name,
                        ctx.scope.stack,
                        self.id,
                        stack.unwrap_or("(none)"),
                        id.unwrap_or("(none)")
                    ),
                });
            }
            alarm.tags = tags
                .into_iter()
                .filter(|(key, _)| wanted.contains_key(key))
                .collect();
            alarms.insert(key, alarm);
        }
        if topic.is_none() && filters.is_empty() && alarms.is_empty() {
            return Ok(None);
        }
        Ok(Some(Live {
            outputs: ResourceOutputs {
                arn: self.topic_arn(&ctx.scope),
                physical_id: self.prefix.clone(),
            },
            state: SecurityAlarmsState {
                topic,
                filters,
                alarms,
            },
        }))
    }

    async fn create(
        &self,
        ctx: &Ctx<'_>,
        desired: &SecurityAlarmsState,
    ) -> Result<ResourceOutputs> {
        let empty = SecurityAlarmsState {
            topic: None,
            filters: BTreeMap::new(),
            alarms: BTreeMap::new(),
        };
        let changes = diff_states(desired, &empty);
        let live = Live {
            state: empty,
            outputs: ResourceOutputs {
                arn: self.topic_arn(&ctx.scope),
                physical_id: self.prefix.clone(),
            },
        };
        // Every part is made from nothing with its tags, so nothing is read back: the next
        // plan or verify reads and judges what was made.
        self.update(ctx, &live, desired, &changes).await?;
        Ok(live.outputs)
    }

    async fn update(
        &self,
        ctx: &Ctx<'_>,
        live: &Live<SecurityAlarmsState>,
        desired: &SecurityAlarmsState,
        changes: &[SettingChange],
    ) -> Result<()> {
        if let (Some(topic), Some(topic_desired)) = (&self.own_topic, &desired.topic) {
            match &live.state.topic {
                None => {
                    topic.create(ctx, topic_desired).await?;
                }
                Some(current) => {
                    let topic_changes = strip(changes, "topic.");
                    if !topic_changes.is_empty() {
                        let found = Live {
                            outputs: ResourceOutputs {
                                arn: current.arn.clone(),
                                physical_id: current.name.clone(),
                            },
                            state: current.clone(),
                        };
                        topic
                            .update(ctx, &found, topic_desired, &topic_changes)
                            .await?;
                    }
                }
            }
        }
        for (key, filter) in &desired.filters {
            if !strip(changes, &format!("filter.{key}.")).is_empty() {
                live::put_metric_filter(ctx, filter).await?;
            }
        }
        for (key, alarm) in &desired.alarms {
            if !strip(changes, &format!("alarm.{key}.")).is_empty() {
                let event = event_of(key).unwrap_or(SecurityEvent::RootAccountUsage);
                let exists = live.state.alarms.contains_key(key);
                live::put_alarm(ctx, alarm, &Self::description(event), exists).await?;
            }
        }
        Ok(())
    }

    async fn deletion_guard(
        &self,
        _ctx: &Ctx<'_>,
        _live: &Live<SecurityAlarmsState>,
    ) -> Result<Option<String>> {
        Ok(None)
    }

    async fn delete(&self, ctx: &Ctx<'_>, live: &Live<SecurityAlarmsState>) -> Result<()> {
        let names: Vec<String> = live.state.alarms.values().map(|a| a.name.clone()).collect();
        live::delete_alarms(ctx, &names).await?;
        for filter in live.state.filters.values() {
            live::delete_metric_filter(ctx, filter).await?;
        }
        if let (Some(topic), Some(state)) = (&self.own_topic, &live.state.topic) {
            let found = Live {
                outputs: ResourceOutputs {
                    arn: state.arn.clone(),
                    physical_id: state.name.clone(),
                },
                state: state.clone(),
            };
            topic.delete(ctx, &found).await?;
        }
        Ok(())
    }
}
