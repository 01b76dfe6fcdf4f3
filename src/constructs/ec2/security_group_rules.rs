//! [`SecurityGroupRules`]: every rule of one [`SecurityGroup`], as a construct of its own.
//!
//! A group is made first with no rules; its rules depend on the group and on every peer group
//! they name. Groups depend only on their VPC, so a load balancer → app → database chain in
//! which each group names the next (egress) and the previous (ingress) has no cycle: the
//! order is VPC, the three groups, then the three rule sets.

use serde::Serialize;
use typed_builder::TypedBuilder;

use crate::construct::{
    violations_of, Construct, Ctx, Lifecycle, Live, LogicalId, ResourceKind, ResourceOutputs,
    Scope, Setting, SettingChange, State,
};
use crate::controls::{Check, ControlId};
use crate::error::{Error, Result, Violation, Violations};

use super::checks::{evaluate_security_group_rules, rules_as_declared};
use super::cidr::Ipv4Cidr;
use super::live;
use super::rules::{render_rules, Peer, Rule, SgRule};
use super::security_group::{GroupHandle, SecurityGroup};
use super::SECURITY_GROUP_RULES_KIND;

/// The props of a [`SecurityGroupRules`]; build them with [`SecurityGroupRules::builder`].
#[derive(Debug, Clone, TypedBuilder)]
#[builder(
    doc,
    builder_type(
        name = SecurityGroupRulesBuilder,
        doc = "Builds a [`SecurityGroupRules`]; `group` is required."
    ),
    build_method(
        into = Result<SecurityGroupRules>,
        doc = "Validates the rules and returns them, or every violation at once."
    )
)]
pub struct SecurityGroupRulesProps {
    #[builder(setter(into, doc = "The group the rules belong to."))]
    group: GroupHandle,
    #[builder(
        default,
        setter(
            transform = |rules: impl IntoIterator<Item = Rule>| rules.into_iter().collect(),
            doc = "What the group accepts. Nothing by default."
        )
    )]
    ingress: Vec<Rule>,
    #[builder(
        default,
        setter(
            transform = |rules: impl IntoIterator<Item = Rule>| rules.into_iter().collect(),
            doc = "Where the group may connect. Nothing by default: egress is opened rule by rule."
        )
    )]
    egress: Vec<Rule>,
}

/// Every rule of one [`SecurityGroup`]: apply adds what is missing and revokes what is not
/// declared. Ingress from a public address is refused except TCP 443 into a group of the
/// ingress tier: every block outside 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 and fc00::/7
/// counts (`0.0.0.0/0`, `0.0.0.0/1`, `1.2.3.4/32`, `100.64.0.0/10`, `::/0`), and so does a
/// prefix list in ingress, whose entries `build()` cannot see and which can change after apply
/// (verify and the audit judge a list by its entries). Rules over every port are refused
/// (every protocol cannot be written); SSH, RDP, FTP and database ports are refused from any
/// block outside the VPC.
///
/// ```
/// use hipaa_aws::prelude::*;
/// let key = HipaaKey::builder().alias("logs").build()?;
/// let logs = LogBucket::builder().name("acme-logs").key(&key).build()?;
/// let vpc = HipaaVpc::builder().name("prod").cidr("10.20.0.0/16").flow_logs_to(&logs)
///     .ingress_tier().data_ports([5432]).build()?;
/// let lb = SecurityGroup::builder().name("lb").vpc(&vpc)
///     .ingress_tier(vpc.ingress_tier().expect("asked for")).build()?;
/// let app = vpc.security_group("app")?;
/// let db = vpc.security_group("db")?;
/// let bastion = vpc.security_group("bastion")?;
/// let lb_rules = SecurityGroupRules::builder().group(&lb)
///     .ingress([Rule::tcp(443, Peer::anywhere())])
///     .egress([Rule::tcp(8443, &app)])
///     .build()?;
/// let app_rules = SecurityGroupRules::builder().group(&app)
///     .ingress([Rule::tcp(8443, &lb)])
///     .egress([Rule::tcp(5432, &db)])
///     .build()?;
/// let db_rules = SecurityGroupRules::builder().group(&db)
///     .ingress([Rule::tcp(5432, &app)])
///     .build()?;
/// // No cycle: each rule set depends on the groups, the groups only on the VPC.
/// let stack = Stack::builder("acme").with(key).with(logs).with(vpc)
///     .with(lb).with(app).with(db).with(lb_rules).with(app_rules).with(db_rules)
///     .build()?;
/// assert_eq!(stack.len(), 9);
///
/// // SSH from the internet is refused, with its control and citation.
/// let error = SecurityGroupRules::builder()
///     .group(&bastion)
///     .ingress([Rule::tcp(22, Peer::anywhere())])
///     .build()
///     .unwrap_err();
/// assert!(error.violations().is_some_and(|v| v.contains(ControlId::IncomingSshDisabled)));
/// # Ok::<(), hipaa_aws::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct SecurityGroupRules {
    id: LogicalId,
    group: GroupHandle,
    ingress: Vec<Rule>,
    egress: Vec<Rule>,
}

/// The rules of a group, as declared or as AWS reports them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SecurityGroupRulesState {
    /// The group id (`(known after apply)` in a desired state before the group exists).
    pub group_id: String,
    /// Every rule, ingress and egress.
    pub rules: Vec<SgRule>,
}

impl SecurityGroupRulesState {
    fn direction(&self, egress: bool) -> Vec<SgRule> {
        self.rules
            .iter()
            .filter(|rule| rule.egress == egress)
            .cloned()
            .collect()
    }
}

impl State for SecurityGroupRulesState {
    fn settings(&self) -> Vec<Setting> {
        vec![
            Setting::new("ingress", render_rules(&self.direction(false))),
            Setting::new("egress", render_rules(&self.direction(true))),
        ]
    }
}

fn rule_problems(rule: &Rule, setting: &str) -> Vec<(String, ControlId, String)> {
    let mut problems = Vec::new();
    match &rule.peer {
        Peer::Cidr(cidr) => {
            if let Err(error) = cidr.parse::<Ipv4Cidr>() {
                problems.push((
                    setting.to_string(),
                    ControlId::SgRulesAsDeclared,
                    error.to_string(),
                ));
            }
        }
        Peer::Ipv6Cidr(cidr) => {
            let valid = cidr.contains(':')
                && cidr.split_once('/').is_some_and(|(address, prefix)| {
                    address.parse::<std::net::Ipv6Addr>().is_ok()
                        && prefix.parse::<u8>().is_ok_and(|p| p <= 128)
                });
            if !valid {
                problems.push((
                    setting.to_string(),
                    ControlId::SgRulesAsDeclared,
                    format!("{cidr:?} is not an IPv6 block"),
                ));
            }
        }
        Peer::PrefixList(id) => {
            if !id.starts_with("pl-") || id.len() < 4 {
                problems.push((
                    setting.to_string(),
                    ControlId::SgRulesAsDeclared,
                    format!("{id:?} is not a prefix list id (pl-...)"),
                ));
            }
        }
        Peer::Group(_) => {}
    }
    if rule.from_port > rule.to_port {
        problems.push((
            setting.to_string(),
            ControlId::SgRulesAsDeclared,
            format!(
                "the port range {}-{} runs backwards",
                rule.from_port, rule.to_port
            ),
        ));
    }
    if let Some(description) = &rule.description
        && (description.len() > 255
            || !description
                .chars()
                .all(|c| c.is_ascii() && !c.is_ascii_control()))
    {
        problems.push((
            setting.to_string(),
            ControlId::SgRulesAsDeclared,
            "a rule description has at most 255 printable ASCII characters".to_string(),
        ));
    }
    problems
}

impl SecurityGroupRules {
    /// Starts a builder.
    pub fn builder() -> SecurityGroupRulesBuilder {
        SecurityGroupRulesProps::builder()
    }

    /// The group the rules belong to.
    pub fn group(&self) -> &GroupHandle {
        &self.group
    }

    /// The declared ingress rules.
    pub fn ingress(&self) -> &[Rule] {
        &self.ingress
    }

    /// The declared egress rules.
    pub fn egress(&self) -> &[Rule] {
        &self.egress
    }

    fn resource_name(&self) -> String {
        format!("rules of security group {:?}", self.group.name())
    }

    pub(crate) fn normalized(&self, scope: &Scope<'_>) -> Vec<SgRule> {
        let mut rules: Vec<SgRule> = self
            .ingress
            .iter()
            .map(|rule| rule.normalized(false, scope))
            .chain(self.egress.iter().map(|rule| rule.normalized(true, scope)))
            .collect();
        rules.sort_by_key(SgRule::render);
        rules.dedup();
        rules
    }

    pub(crate) fn group_id(&self, scope: &Scope<'_>) -> Option<String> {
        scope
            .outputs_of(self.group.group().id())
            .map(|outputs| outputs.physical_id.clone())
    }
}

impl From<SecurityGroupRulesProps> for Result<SecurityGroupRules> {
    fn from(props: SecurityGroupRulesProps) -> Self {
        let group = props.group;
        let rules = SecurityGroupRules {
            id: LogicalId::new(
                &format!(
                    "{}/{}",
                    SECURITY_GROUP_RULES_KIND.id_prefix,
                    group.vpc().vpc().name()
                ),
                group.name(),
            ),
            group,
            ingress: props.ingress,
            egress: props.egress,
        };
        let resource = rules.resource_name();
        let mut violations: Vec<Violation> = Vec::new();
        for (direction, list) in [("ingress", &rules.ingress), ("egress", &rules.egress)] {
            for (index, rule) in list.iter().enumerate() {
                for (setting, control, reason) in
                    rule_problems(rule, &format!("{direction}[{index}]"))
                {
                    violations.push(Violation::new(
                        &resource,
                        setting,
                        control,
                        format!("{rule}: {reason}"),
                    ));
                }
            }
        }
        let desired = rules.desired(&Scope::for_build());
        // The open-port controls are judged on the group itself at verify (whoever added the
        // rule); here they judge the declared rules, with the same code.
        violations.extend(violations_of(
            &resource,
            &evaluate_security_group_rules(&desired.rules, &rules.group.expectations()),
        ));
        violations.extend(violations_of(&resource, &rules.evaluate(&desired)));
        match Violations::from_vec(violations) {
            None => Ok(rules),
            Some(violations) => Err(Error::Invalid(violations)),
        }
    }
}

impl Construct for SecurityGroupRules {
    type State = SecurityGroupRulesState;

    fn id(&self) -> &LogicalId {
        &self.id
    }

    fn kind(&self) -> ResourceKind {
        SECURITY_GROUP_RULES_KIND
    }

    fn name(&self) -> &str {
        self.group.name()
    }

    fn dependencies(&self) -> Vec<LogicalId> {
        let own = self.group.group().id().clone();
        let mut dependencies = vec![own.clone()];
        for rule in self.ingress.iter().chain(&self.egress) {
            if let Peer::Group(peer) = &rule.peer
                && peer.id() != &own
                && !dependencies.contains(peer.id())
            {
                dependencies.push(peer.id().clone());
            }
        }
        dependencies
    }

    fn desired(&self, scope: &Scope<'_>) -> SecurityGroupRulesState {
        SecurityGroupRulesState {
            group_id: SecurityGroup::id_of(scope, self.group.group()),
            rules: self.normalized(scope),
        }
    }

    fn evaluate(&self, state: &SecurityGroupRulesState) -> Vec<Check> {
        vec![rules_as_declared(
            "rules",
            &state.rules,
            &self.normalized(&Scope::for_build()),
        )]
    }
}

impl Lifecycle for SecurityGroupRules {
    async fn read(&self, ctx: &Ctx<'_>) -> Result<Option<Live<SecurityGroupRulesState>>> {
        live::groups::read_rules_of(ctx, self).await
    }

    async fn create(
        &self,
        ctx: &Ctx<'_>,
        desired: &SecurityGroupRulesState,
    ) -> Result<ResourceOutputs> {
        live::groups::create_rules(ctx, self, desired).await
    }

    async fn update(
        &self,
        ctx: &Ctx<'_>,
        live: &Live<SecurityGroupRulesState>,
        desired: &SecurityGroupRulesState,
        _changes: &[SettingChange],
    ) -> Result<()> {
        live::groups::converge_rules(
            ctx.env,
            &self.resource_name(),
            &live.state.group_id,
            &live.state.rules,
            &desired.rules,
        )
        .await
    }

    async fn deletion_guard(
        &self,
        _ctx: &Ctx<'_>,
        _live: &Live<SecurityGroupRulesState>,
    ) -> Result<Option<String>> {
        Ok(None)
    }

    async fn delete(&self, ctx: &Ctx<'_>, live: &Live<SecurityGroupRulesState>) -> Result<()> {
        live::groups::converge_rules(
            ctx.env,
            &self.resource_name(),
            &live.state.group_id,
            &live.state.rules,
            &[],
        )
        .await
    }
}
