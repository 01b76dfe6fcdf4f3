//! [`AlarmTopic`]: an SNS topic for security alarms, encrypted with a [`HipaaKey`], that only
//! the account's CloudWatch alarms may publish to, over TLS.

use typed_builder::TypedBuilder;

use crate::construct::{
    tags_check, violations_of, Construct, Ctx, Lifecycle, Live, LogicalId, PolicyContribution, Ref,
    ResourceKind, ResourceOutputs, Scope, SettingChange,
};
use crate::constructs::kms::HipaaKey;
use crate::controls::{Check, ControlId};
use crate::env::{LOGICAL_ID_TAG, STACK_TAG};
use crate::error::{Error, Result, Violation, Violations};
use crate::policy::{Condition, PolicyDocument, Principal, Statement};

use super::checks::evaluate_topic;
use super::live;
use super::state::TopicState;

/// What an alarm topic is, for plans and reports.
pub const TOPIC_KIND: ResourceKind =
    ResourceKind::construct("AWS::SNS::Topic", "alarm topic", "sns-topic");

/// The CloudWatch service principal (alarms publish as it).
pub const CLOUDWATCH_SERVICE: &str = "cloudwatch.amazonaws.com";

/// The props of an [`AlarmTopic`]; build them with [`AlarmTopic::builder`].
#[derive(Debug, Clone, TypedBuilder)]
#[builder(
    doc,
    builder_type(
        name = AlarmTopicBuilder,
        doc = "Builds an [`AlarmTopic`]; `name` and `key` are required."
    ),
    build_method(
        into = Result<AlarmTopic>,
        doc = "Validates the props and returns the topic, or every violation at once."
    )
)]
pub struct AlarmTopicProps {
    #[builder(setter(
        into,
        doc = "The topic name (1 to 256 of letters, digits, '-' and '_')."
    ))]
    name: String,
    #[builder(setter(into, doc = "The key that encrypts the messages at rest."))]
    key: Ref<HipaaKey>,
    #[builder(
        default,
        setter(
            into,
            strip_option,
            doc = "The region of the topic, when not the stack's (for a copy vault's failures); its key must be placed there too."
        )
    )]
    region: Option<String>,
}

/// An SNS topic for security alarms: encrypted with a [`HipaaKey`] (whose policy lets
/// CloudWatch use it only for this topic), with a policy that lets only the account's alarms
/// publish, and denies publishing without TLS. Subscribe your on-call endpoint to it outside
/// the library.
///
/// ```
/// use hipaa_aws::{AlarmTopic, HipaaKey};
/// let key = HipaaKey::builder().alias("alarms").build()?;
/// let topic = AlarmTopic::builder().name("security-alarms").key(&key).build()?;
/// assert_eq!(topic.name(), "security-alarms");
/// # Ok::<(), hipaa_aws::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct AlarmTopic {
    id: LogicalId,
    name: String,
    key: Ref<HipaaKey>,
    region: Option<String>,
}

/// The controls [`topic_name_problem`] judges (see `crate::controls::coverage`).
pub const TOPIC_NAME_PROBLEM_COVERS: &[ControlId] = &[ControlId::CloudWatchNameValid];

/// The problem with a topic name, if any.
pub fn topic_name_problem(name: &str) -> Option<String> {
    if name.is_empty() || name.len() > 256 {
        return Some(format!(
            "the topic name {name:?} must have 1 to 256 characters"
        ));
    }
    name.chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
        .map(|bad| {
            format!("the topic name {name:?} contains {bad:?}: use letters, digits, '-' and '_'")
        })
}

/// The topic policy: the account's alarms may publish; nobody may publish without TLS.
pub fn alarm_topic_policy(scope: &Scope<'_>, topic_arn: &str) -> PolicyDocument {
    PolicyDocument::new(vec![
        Statement::allow()
            .sid("AllowAccountAlarmsToPublish")
            .principal(Principal::service(CLOUDWATCH_SERVICE))
            .actions(["sns:Publish"])
            .resources([topic_arn])
            .when(Condition::string_equals(
                "aws:SourceAccount",
                [scope.account_id],
            ))
            .when(Condition::arn_like(
                "aws:SourceArn",
                [scope.arn("cloudwatch", "alarm:*")],
            )),
        Statement::deny()
            .sid("DenyPublishWithoutTls")
            .principal(Principal::any_aws())
            .actions(["sns:Publish"])
            .resources([topic_arn])
            .when(Condition::bool("aws:SecureTransport", false)),
    ])
}

/// Lets CloudWatch alarms of the account use a key for one topic's messages.
pub fn alarm_topic_key_use(scope: &Scope<'_>, topic_name: &str, topic_arn: &str) -> Statement {
    let sid: String = topic_name
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
        .sid(format!("AllowCloudWatchAlarmsFor{sid}"))
        .principal(Principal::service(CLOUDWATCH_SERVICE))
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

impl AlarmTopic {
    /// Starts a builder.
    pub fn builder() -> AlarmTopicBuilder {
        AlarmTopicProps::builder()
    }

    pub(crate) fn new_unchecked(name: String, key: Ref<HipaaKey>) -> AlarmTopic {
        AlarmTopic {
            id: TOPIC_KIND.logical_id(&name),
            name,
            key,
            region: None,
        }
    }

    /// The topic name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A typed reference for alarms.
    pub fn reference(&self) -> Ref<AlarmTopic> {
        Ref::new(self.id.clone(), self.name.clone())
    }

    /// The topic's ARN in `scope`.
    pub fn arn(&self, scope: &Scope<'_>) -> String {
        scope.arn("sns", &self.name)
    }

    pub(crate) fn key(&self) -> &Ref<HipaaKey> {
        &self.key
    }

    fn resource_name(&self) -> String {
        format!("{TOPIC_KIND} {:?}", self.name)
    }

    pub(crate) fn violations(&self) -> Vec<Violation> {
        let resource = self.resource_name();
        let mut violations = Vec::new();
        if let Some(problem) = topic_name_problem(&self.name) {
            violations.push(Violation::new(
                &resource,
                "name",
                ControlId::CloudWatchNameValid,
                problem,
            ));
        }
        let desired = self.desired(&Scope::for_build());
        violations.extend(violations_of(&resource, &self.evaluate(&desired)));
        violations
    }
}

impl From<&AlarmTopic> for Ref<AlarmTopic> {
    fn from(topic: &AlarmTopic) -> Self {
        topic.reference()
    }
}

impl From<AlarmTopicProps> for Result<AlarmTopic> {
    fn from(props: AlarmTopicProps) -> Self {
        let mut topic = AlarmTopic::new_unchecked(props.name.trim().to_string(), props.key);
        topic.region = props
            .region
            .map(|region| region.trim().to_string())
            .filter(|region| !region.is_empty());
        match Violations::from_vec(topic.violations()) {
            None => Ok(topic),
            Some(violations) => Err(Error::Invalid(violations)),
        }
    }
}

impl Construct for AlarmTopic {
    type State = TopicState;

    fn id(&self) -> &LogicalId {
        &self.id
    }

    fn kind(&self) -> ResourceKind {
        TOPIC_KIND
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn dependencies(&self) -> Vec<LogicalId> {
        vec![self.key.id().clone()]
    }

    fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    fn desired(&self, scope: &Scope<'_>) -> TopicState {
        let arn = self.arn(scope);
        TopicState {
            name: self.name.clone(),
            policy: Some({
                // Other services the stack notifies through this topic (a backup vault) add
                // their publish statements; the merged policy is judged before apply.
                let mut policy = alarm_topic_policy(scope, &arn);
                policy.statements.extend(scope.contributions_for(&self.id));
                policy
            }),
            arn,
            kms_key: Some(scope.arn_of(&self.key)),
            key_manager: Some("CUSTOMER".to_string()),
            tags: scope.tags_for(&self.id, false),
        }
    }

    fn evaluate(&self, state: &TopicState) -> Vec<Check> {
        let mut checks = evaluate_topic(state);
        checks.push(tags_check(&state.tags));
        checks
    }
}

impl Lifecycle for AlarmTopic {
    fn policy_contributions(&self, scope: &Scope<'_>) -> Vec<PolicyContribution> {
        vec![PolicyContribution {
            target: self.key.id().clone(),
            statement: alarm_topic_key_use(scope, &self.name, &self.arn(scope)),
        }]
    }

    async fn read(&self, ctx: &Ctx<'_>) -> Result<Option<Live<TopicState>>> {
        let arn = self.arn(&ctx.scope);
        let Some((mut state, tags)) = live::read_topic_state(ctx.env, &arn).await? else {
            return Ok(None);
        };
        let stack = tags.get(STACK_TAG).map(String::as_str);
        let id = tags.get(LOGICAL_ID_TAG).map(String::as_str);
        if stack != Some(ctx.scope.stack) || id != Some(self.id.as_str()) {
            return Err(Error::Conflict {
                resource: self.resource_name(),
                reason: format!(
                    "the topic exists and is not managed by stack {:?} as {} (its tags say stack {:?}, id {:?})",
                    ctx.scope.stack,
                    self.id,
                    stack.unwrap_or("(none)"),
                    id.unwrap_or("(none)")
                ),
            });
        }
        let wanted = ctx.scope.tags_for(&self.id, false);
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

    async fn create(&self, ctx: &Ctx<'_>, desired: &TopicState) -> Result<ResourceOutputs> {
        let arn = live::create_topic(ctx, desired).await?;
        Ok(ResourceOutputs {
            arn,
            physical_id: self.name.clone(),
        })
    }

    async fn update(
        &self,
        ctx: &Ctx<'_>,
        live: &Live<TopicState>,
        desired: &TopicState,
        changes: &[SettingChange],
    ) -> Result<()> {
        let changed = |name: &str| changes.iter().any(|change| change.setting == name);
        live::update_topic(ctx, &live.state, desired, &changed).await
    }

    async fn deletion_guard(
        &self,
        _ctx: &Ctx<'_>,
        _live: &Live<TopicState>,
    ) -> Result<Option<String>> {
        Ok(None)
    }

    async fn delete(&self, ctx: &Ctx<'_>, live: &Live<TopicState>) -> Result<()> {
        live::delete_topic(ctx, &live.state.arn).await
    }
}
