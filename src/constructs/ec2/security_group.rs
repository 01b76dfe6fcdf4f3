//! [`SecurityGroup`]: a security group in a [`HipaaVpc`], made with no rules at all (AWS's
//! allow-all egress rule is revoked at once). Its rules are a separate construct,
//! [`SecurityGroupRules`](super::SecurityGroupRules), so groups that name each other (load
//! balancer → app → database) never form a dependency cycle.

use std::collections::BTreeMap;

use serde::Serialize;
use typed_builder::TypedBuilder;

use crate::construct::{
    tags_check, violations_of, Construct, Ctx, Lifecycle, Live, LogicalId, Ref, ResourceKind,
    ResourceOutputs, Scope, Setting, SettingChange, State, KNOWN_AFTER_APPLY,
};
use crate::controls::{Check, ControlId};
use crate::error::{Error, Result, Violation, Violations};

use super::checks::{evaluate_security_group_rules, SecurityGroupExpectations};
use super::cidr::Ipv4Cidr;
use super::live;
use super::rules::SgRule;
use super::vpc::{HipaaVpc, IngressTier, VpcNetwork};
use super::{NETWORK_TIER_TAG, SECURITY_GROUP_KIND};

/// The props of a [`SecurityGroup`]; build them with [`SecurityGroup::builder`].
#[derive(Debug, Clone, TypedBuilder)]
#[builder(
    doc,
    builder_type(
        name = SecurityGroupBuilder,
        doc = "Builds a [`SecurityGroup`]; `name` and `vpc` are required."
    ),
    build_method(
        into = Result<SecurityGroup>,
        doc = "Validates the props and returns the group, or every violation at once."
    )
)]
pub struct SecurityGroupProps {
    #[builder(setter(
        into,
        doc = "The group name, unique in its VPC (letters, digits, '.', '_' and '-')."
    ))]
    name: String,
    #[builder(setter(into, doc = "The VPC the group belongs to."))]
    vpc: VpcNetwork,
    #[builder(
        default,
        setter(
            into,
            strip_option,
            doc = "A description; by default one naming the group."
        )
    )]
    description: Option<String>,
    #[builder(
        default,
        setter(
            strip_option,
            doc = "Marks the group for the VPC's ingress tier (from `HipaaVpc::ingress_tier()`): only such a group may accept HTTPS from anywhere."
        )
    )]
    ingress_tier: Option<IngressTier>,
}

/// A security group of a [`HipaaVpc`]. It starts with no rules (egress included); its rules
/// are declared by a [`SecurityGroupRules`](super::SecurityGroupRules) construct.
///
/// ```
/// use hipaa_aws::prelude::*;
/// let key = HipaaKey::builder().alias("logs").build()?;
/// let logs = LogBucket::builder().name("acme-logs").key(&key).build()?;
/// let vpc = HipaaVpc::builder().name("prod").cidr("10.20.0.0/16").flow_logs_to(&logs)
///     .ingress_tier().build()?;
/// let lb = SecurityGroup::builder().name("lb").vpc(&vpc)
///     .ingress_tier(vpc.ingress_tier().expect("asked for")).build()?;
/// let app = SecurityGroup::builder().name("app").vpc(&vpc).build()?;
/// assert!(lb.is_ingress_tier() && !app.is_ingress_tier());
/// # Ok::<(), hipaa_aws::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct SecurityGroup {
    id: LogicalId,
    name: String,
    description: String,
    vpc: VpcNetwork,
    ingress_tier: bool,
}

/// The settings of a security group. Its rules are read too (the controls judge them) but
/// are not settings: [`SecurityGroupRules`](super::SecurityGroupRules) manages them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SecurityGroupState {
    /// The group id (empty in a desired state).
    pub group_id: String,
    /// The group name.
    pub name: String,
    /// The description.
    pub description: String,
    /// The VPC id.
    pub vpc_id: String,
    /// The VPC's blocks, when known (peers inside count as internal).
    pub vpc_cidrs: Vec<String>,
    /// Every rule, ingress and egress.
    pub rules: Vec<SgRule>,
    /// The tags the library manages (an audit reads them all).
    pub tags: BTreeMap<String, String>,
}

impl SecurityGroupState {
    /// True when the group carries the ingress-tier tag.
    pub fn is_ingress_tier(&self) -> bool {
        self.tags.get(NETWORK_TIER_TAG).map(String::as_str) == Some("ingress")
    }
}

impl State for SecurityGroupState {
    fn settings(&self) -> Vec<Setting> {
        let mut settings = vec![
            Setting::new("name", &self.name),
            Setting::new("description", &self.description),
            Setting::new("vpc", &self.vpc_id),
        ];
        settings.extend(
            self.tags
                .iter()
                .map(|(key, value)| Setting::new(format!("tags.{key}"), value)),
        );
        settings
    }
}

/// What the rules of a group are judged with: its VPC, whether it is of the ingress tier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupHandle {
    group: Ref<SecurityGroup>,
    vpc: VpcNetwork,
    ingress_tier: bool,
    name: String,
}

impl GroupHandle {
    /// The group.
    pub fn group(&self) -> &Ref<SecurityGroup> {
        &self.group
    }

    /// The group's VPC.
    pub fn vpc(&self) -> &VpcNetwork {
        &self.vpc
    }

    /// True when the group is of the ingress tier.
    pub fn is_ingress_tier(&self) -> bool {
        self.ingress_tier
    }

    /// The group name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// What the group's rules are judged with.
    pub fn expectations(&self) -> SecurityGroupExpectations {
        SecurityGroupExpectations {
            vpc_cidrs: self.vpc.cidr().into_iter().collect(),
            ingress_tier: self.ingress_tier,
            judge_egress: true,
        }
    }
}

impl From<&SecurityGroup> for GroupHandle {
    fn from(group: &SecurityGroup) -> Self {
        group.handle()
    }
}

fn name_problem(name: &str) -> Option<String> {
    if name.is_empty() || name.len() > 255 {
        return Some(format!("{name:?}: a group name has 1 to 255 characters"));
    }
    if name.eq_ignore_ascii_case("default") || name.to_ascii_lowercase().starts_with("sg-") {
        return Some(format!(
            "{name:?}: \"default\" and names starting with sg- are reserved by AWS"
        ));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
    {
        return Some(format!(
            "{name:?} contains {bad:?}: use letters, digits, '.', '_' and '-'"
        ));
    }
    None
}

impl SecurityGroup {
    /// Starts a builder.
    pub fn builder() -> SecurityGroupBuilder {
        SecurityGroupProps::builder()
    }

    /// The group name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// True when the group is of the VPC's ingress tier.
    pub fn is_ingress_tier(&self) -> bool {
        self.ingress_tier
    }

    /// The group's VPC.
    pub fn vpc(&self) -> &VpcNetwork {
        &self.vpc
    }

    /// A typed reference for other constructs (rules, databases).
    pub fn reference(&self) -> Ref<SecurityGroup> {
        Ref::new(self.id.clone(), self.name.clone())
    }

    /// What the group's rules are judged with.
    pub fn handle(&self) -> GroupHandle {
        GroupHandle {
            group: self.reference(),
            vpc: self.vpc.clone(),
            ingress_tier: self.ingress_tier,
            name: self.name.clone(),
        }
    }

    /// The group id behind a reference, once made (else `(known after apply)`).
    pub fn id_of(scope: &Scope<'_>, group: &Ref<SecurityGroup>) -> String {
        scope
            .outputs_of(group.id())
            .map(|outputs| outputs.physical_id.clone())
            .unwrap_or_else(|| KNOWN_AFTER_APPLY.to_string())
    }

    fn resource_name(&self) -> String {
        format!("security group {:?}", self.name)
    }

    fn expectations(&self) -> SecurityGroupExpectations {
        self.handle().expectations()
    }

    pub(crate) fn vpc_id(&self, scope: &Scope<'_>) -> Option<String> {
        scope
            .outputs_of(self.vpc.vpc().id())
            .map(|outputs| outputs.physical_id.clone())
    }
}

impl From<&SecurityGroup> for Ref<SecurityGroup> {
    fn from(group: &SecurityGroup) -> Self {
        group.reference()
    }
}

impl From<SecurityGroupProps> for Result<SecurityGroup> {
    fn from(props: SecurityGroupProps) -> Self {
        let name = props.name.trim().to_string();
        let description = props
            .description
            .unwrap_or_else(|| format!("hipaa-aws security group {name}"));
        let resource = format!("security group {name:?}");
        let mut violations = Vec::new();
        if let Some(problem) = name_problem(&name) {
            violations.push(Violation::new(
                &resource,
                "name",
                ControlId::ManagedResourceTagged,
                problem,
            ));
        }
        if description.is_empty()
            || description.len() > 255
            || !description
                .chars()
                .all(|c| c.is_ascii() && !c.is_ascii_control())
        {
            violations.push(Violation::new(
                &resource,
                "description",
                ControlId::ManagedResourceTagged,
                "a group description has 1 to 255 printable ASCII characters",
            ));
        }
        if let Some(tier) = &props.ingress_tier {
            if !props.vpc.has_ingress_tier() {
                violations.push(Violation::new(
                    &resource,
                    "ingress_tier",
                    ControlId::VpcTiersSegmented,
                    format!(
                        "{} has no ingress tier: a group cannot be marked for a public tier the VPC did not ask for",
                        props.vpc.vpc().id()
                    ),
                ));
            } else if tier.vpc() != props.vpc.vpc().id() {
                violations.push(Violation::new(
                    &resource,
                    "ingress_tier",
                    ControlId::VpcTiersSegmented,
                    format!(
                        "the ingress tier given is {}'s, not {}'s",
                        tier.vpc(),
                        props.vpc.vpc().id()
                    ),
                ));
            }
        }
        let group = SecurityGroup {
            id: LogicalId::new(
                &format!(
                    "{}/{}",
                    SECURITY_GROUP_KIND.id_prefix,
                    props.vpc.vpc().name()
                ),
                &name,
            ),
            name,
            description,
            ingress_tier: props.ingress_tier.is_some(),
            vpc: props.vpc,
        };
        let desired = group.desired(&Scope::for_build());
        violations.extend(violations_of(&resource, &group.evaluate(&desired)));
        match Violations::from_vec(violations) {
            None => Ok(group),
            Some(violations) => Err(Error::Invalid(violations)),
        }
    }
}

impl Construct for SecurityGroup {
    type State = SecurityGroupState;

    fn id(&self) -> &LogicalId {
        &self.id
    }

    fn kind(&self) -> ResourceKind {
        SECURITY_GROUP_KIND
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn dependencies(&self) -> Vec<LogicalId> {
        vec![self.vpc.vpc().id().clone()]
    }

    fn desired(&self, scope: &Scope<'_>) -> SecurityGroupState {
        let mut tags = scope.tags_for(&self.id, false);
        tags.insert("Name".to_string(), self.name.clone());
        if self.ingress_tier {
            tags.insert(NETWORK_TIER_TAG.to_string(), "ingress".to_string());
        }
        SecurityGroupState {
            group_id: String::new(),
            name: self.name.clone(),
            description: self.description.clone(),
            vpc_id: self
                .vpc_id(scope)
                .unwrap_or_else(|| KNOWN_AFTER_APPLY.to_string()),
            vpc_cidrs: self.vpc.cidr().iter().map(Ipv4Cidr::to_string).collect(),
            rules: Vec::new(),
            tags,
        }
    }

    fn evaluate(&self, state: &SecurityGroupState) -> Vec<Check> {
        let mut checks = evaluate_security_group_rules(&state.rules, &self.expectations());
        checks.push(tags_check(&state.tags));
        checks
    }
}

impl Lifecycle for SecurityGroup {
    async fn read(&self, ctx: &Ctx<'_>) -> Result<Option<Live<SecurityGroupState>>> {
        live::groups::read_group(ctx, self).await
    }

    async fn create(&self, ctx: &Ctx<'_>, desired: &SecurityGroupState) -> Result<ResourceOutputs> {
        live::groups::create_group(ctx, self, desired).await
    }

    async fn update(
        &self,
        ctx: &Ctx<'_>,
        live: &Live<SecurityGroupState>,
        desired: &SecurityGroupState,
        changes: &[SettingChange],
    ) -> Result<()> {
        live::groups::update_group(ctx, self, live, desired, changes).await
    }

    async fn deletion_guard(
        &self,
        _ctx: &Ctx<'_>,
        _live: &Live<SecurityGroupState>,
    ) -> Result<Option<String>> {
        Ok(None)
    }

    async fn delete(&self, ctx: &Ctx<'_>, live: &Live<SecurityGroupState>) -> Result<()> {
        live::groups::delete_group(ctx, &self.resource_name(), &live.state.group_id).await
    }
}

impl HipaaVpc {
    /// A security group in this VPC (shorthand for `SecurityGroup::builder().vpc(self)`).
    pub fn security_group(&self, name: impl Into<String>) -> Result<SecurityGroup> {
        SecurityGroup::builder().name(name).vpc(self).build()
    }
}
