//! [`OrganizationGuardrails`]: one service control policy that keeps every member account's
//! audit and protection controls on, attached to organizational units or accounts.

use std::collections::BTreeSet;

use typed_builder::TypedBuilder;

use crate::construct::{
    tags_check, Construct, Ctx, Lifecycle, Live, LogicalId, ResourceKind, ResourceOutputs, Scope,
    SettingChange, KNOWN_AFTER_APPLY,
};
use crate::controls::{Check, ControlId};
use crate::error::{Error, Result, Violation, Violations};
use crate::policy::{Condition, Exempt, PolicyDocument, Statement};

use super::checks::{
    evaluate_allow_list, evaluate_attachment, evaluate_guardrails, Guardrail, GuardrailsState,
};
use super::live;

/// What a guardrail policy is, for plans and reports.
pub const GUARDRAILS_KIND: ResourceKind = ResourceKind::construct(
    "AWS::Organizations::Policy",
    "service control policy",
    "scp",
);

/// The largest service control policy AWS accepts, in characters.
pub const MAX_SCP_CHARS: usize = 5_120;

/// The props of [`OrganizationGuardrails`]; build them with [`OrganizationGuardrails::builder`].
///
/// `name` and `break_glass_role` are required, and at least one `attach_to` target. There is
/// no setter that leaves a guardrail out.
#[derive(Debug, Clone, TypedBuilder)]
#[builder(
    doc,
    builder_type(
        name = OrganizationGuardrailsBuilder,
        doc = "Builds [`OrganizationGuardrails`]; `name`, `break_glass_role` and an `attach_to` target are required."
    ),
    build_method(
        into = Result<OrganizationGuardrails>,
        doc = "Validates the props and returns the guardrails, or every violation at once."
    ),
    mutators(
        /// Attaches the policy to an organizational unit (`ou-…`), a root (`r-…`) or an
        /// account (12 digits); call once per target.
        pub fn attach_to(&mut self, target: impl Into<String>) {
            self.targets.insert(target.into().trim().to_string());
        }
    )
)]
pub struct OrganizationGuardrailsProps {
    #[builder(setter(
        into,
        doc = "The policy name (1 to 128 of letters, digits and +=,.@_-)."
    ))]
    name: String,
    #[builder(setter(
        into,
        doc = "The role, by path and name (`/hipaa-aws/break-glass`), that every statement exempts in each member account."
    ))]
    break_glass_role: String,
    #[builder(via_mutators)]
    targets: BTreeSet<String>,
    #[builder(
        default,
        setter(
            transform = |services: &[&str]| services.iter().map(|service| service.trim().to_ascii_lowercase()).collect::<Vec<String>>(),
            doc = "Denies every service but these (service prefixes such as `s3`; `LIBRARY_SERVICES` is the library's own) to everyone but the break-glass role: an allow-list of the services your Business Associate Agreement covers. Must keep `iam` and `sts`."
        )
    )]
    allow_only_services: Vec<String>,
}

/// A service control policy, made in the organization's management account, that denies every
/// principal of the accounts below its targets (but one break-glass role) stopping or deleting
/// CloudTrail trails, AWS Config recorders and delivery channels, GuardDuty detectors and
/// Security Hub; deleting flow logs; turning off EBS default encryption; changing S3 Block
/// Public Access for the account; and leaving the organization.
///
/// ```
/// use hipaa_aws::OrganizationGuardrails;
/// let guardrails = OrganizationGuardrails::builder()
///     .name("hipaa-guardrails")
///     .break_glass_role("/hipaa-aws/break-glass")
///     .attach_to("ou-abcd-12345678")
///     .build()?;
/// assert_eq!(guardrails.break_glass_arn_pattern("aws"), "arn:aws:iam::*:role/hipaa-aws/break-glass");
/// assert!(OrganizationGuardrails::builder().name("g").break_glass_role("/x/*").attach_to("ou-abcd-12345678").build().is_err());
/// # Ok::<(), hipaa_aws::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct OrganizationGuardrails {
    id: LogicalId,
    name: String,
    break_glass_role: String,
    targets: BTreeSet<String>,
    allowed_services: Vec<String>,
}

/// The statement id of the allow-list's Deny.
pub const ALLOW_LIST_SID: &str = "DenyServicesOutsideAllowList";

impl OrganizationGuardrails {
    /// Starts a builder.
    pub fn builder() -> OrganizationGuardrailsBuilder {
        OrganizationGuardrailsProps::builder()
    }

    /// The policy name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The targets it is attached to.
    pub fn targets(&self) -> &BTreeSet<String> {
        &self.targets
    }

    /// The break-glass role in every member account, as the statements exempt it.
    pub fn break_glass_arn_pattern(&self, partition: &str) -> String {
        format!("arn:{partition}:iam::*:role{}", self.break_glass_role)
    }

    /// The services of the allow-list (empty: no allow-list).
    pub fn allowed_services(&self) -> &[String] {
        &self.allowed_services
    }

    /// The policy document: one Deny per guardrail, and one for the services outside the
    /// allow-list when there is one, each exempting the break-glass role.
    pub fn document(&self, partition: &str) -> PolicyDocument {
        let exempt = self.break_glass_arn_pattern(partition);
        let exempting = |statement: Statement| {
            statement.resources(["*"]).when(Condition::new(
                crate::policy::ConditionOperator::plain(crate::policy::Comparison::ArnNotLike),
                "aws:PrincipalArn",
                [exempt.clone()],
            ))
        };
        let mut statements: Vec<Statement> = Guardrail::ALL
            .iter()
            .map(|guardrail| {
                exempting(
                    Statement::deny()
                        .sid(guardrail.sid())
                        .actions(guardrail.actions().iter().copied()),
                )
            })
            .collect();
        if !self.allowed_services.is_empty() {
            statements.push(exempting(
                Statement::deny().sid(ALLOW_LIST_SID).not_actions(
                    self.allowed_services
                        .iter()
                        .map(|service| format!("{service}:*")),
                ),
            ));
        }
        PolicyDocument::new(statements)
    }

    fn resource_name(&self) -> String {
        format!("{GUARDRAILS_KIND} {:?}", self.name)
    }

    fn violations(&self) -> Vec<Violation> {
        let resource = self.resource_name();
        let mut violations = Vec::new();
        let name_ok = (1..=128).contains(&self.name.chars().count())
            && self
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c));
        if !name_ok {
            violations.push(Violation::new(
                &resource,
                "name",
                ControlId::ScpGuardrailsInForce,
                format!(
                    "{:?} is not a policy name: 1 to 128 of letters, digits and +=,.@_-",
                    self.name
                ),
            ));
        }
        let role = &self.break_glass_role;
        let role_ok = role.starts_with('/')
            && role.len() > 1
            && !role.ends_with('/')
            && role
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-/".contains(c));
        if !role_ok {
            violations.push(Violation::new(
                &resource,
                "break_glass_role",
                ControlId::ScpGuardrailsInForce,
                format!(
                    "{role:?} must be one role's path and name, such as /hipaa-aws/break-glass, without wildcards: a pattern would exempt every role it matches"
                ),
            ));
        }
        for service in &self.allowed_services {
            let shaped = !service.is_empty()
                && service
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !shaped {
                violations.push(Violation::new(
                    &resource,
                    "allow_only_services",
                    ControlId::ScpGuardrailsInForce,
                    format!("{service:?} is not a service prefix (such as s3): letters, digits and -, no wildcard, which would leave every service it matches open"),
                ));
            }
        }
        if !self.allowed_services.is_empty() {
            for needed in ["iam", "sts"] {
                if !self
                    .allowed_services
                    .iter()
                    .any(|service| service == needed)
                {
                    violations.push(Violation::new(
                        &resource,
                        "allow_only_services",
                        ControlId::ScpGuardrailsInForce,
                        format!("the allow-list leaves out {needed}: every principal of the member accounts but the break-glass role would lose role assumption and sign-in"),
                    ));
                }
            }
        }
        if self.targets.is_empty() {
            violations.push(Violation::new(
                &resource,
                "targets",
                ControlId::ScpGuardrailsAttached,
                "the policy names no organizational unit or account: it would be in force nowhere",
            ));
        }
        for target in &self.targets {
            if !is_target(target) {
                violations.push(Violation::new(
                    &resource,
                    "targets",
                    ControlId::ScpGuardrailsAttached,
                    format!("{target:?} is not an organizational unit (ou-…), root (r-…) or account id (12 digits)"),
                ));
            }
        }
        let size = self.document("aws").to_json().chars().count();
        if size > MAX_SCP_CHARS {
            violations.push(Violation::new(
                &resource,
                "document",
                ControlId::ScpGuardrailsInForce,
                format!("the policy has {size} characters; AWS accepts at most {MAX_SCP_CHARS}"),
            ));
        }
        violations
    }
}

/// True when `target` has the shape of a root, organizational unit or account id.
fn is_target(target: &str) -> bool {
    let id_chars = |text: &str| {
        !text.is_empty()
            && text
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    };
    if let Some(rest) = target.strip_prefix("ou-") {
        return rest
            .split_once('-')
            .is_some_and(|(root, unit)| id_chars(root) && id_chars(unit));
    }
    if let Some(rest) = target.strip_prefix("r-") {
        return id_chars(rest);
    }
    target.len() == 12 && target.chars().all(|c| c.is_ascii_digit())
}

impl From<OrganizationGuardrailsProps> for Result<OrganizationGuardrails> {
    fn from(props: OrganizationGuardrailsProps) -> Self {
        let name = props.name.trim().to_string();
        let guardrails = OrganizationGuardrails {
            id: GUARDRAILS_KIND.logical_id(&name),
            name,
            break_glass_role: props.break_glass_role.trim().to_string(),
            targets: props.targets,
            allowed_services: {
                let mut services = props.allow_only_services;
                services.sort();
                services.dedup();
                services
            },
        };
        let mut violations = guardrails.violations();
        let desired = guardrails.desired(&Scope::for_build());
        violations.extend(crate::construct::violations_of(
            &guardrails.resource_name(),
            &guardrails.evaluate(&desired),
        ));
        match Violations::from_vec(violations) {
            None => Ok(guardrails),
            Some(violations) => Err(Error::Invalid(violations)),
        }
    }
}

impl Construct for OrganizationGuardrails {
    type State = GuardrailsState;

    fn id(&self) -> &LogicalId {
        &self.id
    }

    fn kind(&self) -> ResourceKind {
        GUARDRAILS_KIND
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn dependencies(&self) -> Vec<LogicalId> {
        Vec::new()
    }

    fn desired(&self, scope: &Scope<'_>) -> GuardrailsState {
        GuardrailsState {
            name: self.name.clone(),
            id: KNOWN_AFTER_APPLY.to_string(),
            arn: KNOWN_AFTER_APPLY.to_string(),
            document: Some(self.document(scope.partition)),
            targets: self.targets.clone(),
            tags: scope.tags_for(&self.id, false),
        }
    }

    fn evaluate(&self, state: &GuardrailsState) -> Vec<Check> {
        let partition = state
            .arn
            .split(':')
            .nth(1)
            .filter(|partition| !partition.is_empty() && state.arn.starts_with("arn:"))
            .unwrap_or("aws");
        let pattern = self.break_glass_arn_pattern(partition);
        let mut checks = match &state.document {
            Some(document) => evaluate_guardrails(
                std::slice::from_ref(document),
                Exempt::RoleInEveryAccount(&pattern),
            ),
            None => vec![Check {
                control: ControlId::ScpGuardrailsInForce,
                setting: "document".to_string(),
                status: crate::controls::Status::Error,
                reason: "the policy's document could not be parsed".to_string(),
            }],
        };
        if !self.allowed_services.is_empty()
            && let Some(document) = &state.document
        {
            let allowed: Vec<&str> = self.allowed_services.iter().map(String::as_str).collect();
            checks.push(evaluate_allow_list(
                std::slice::from_ref(document),
                &allowed,
                Exempt::RoleInEveryAccount(&pattern),
            ));
        }
        checks.push(evaluate_attachment(&state.targets, &self.targets));
        checks.push(tags_check(&state.tags));
        checks
    }
}

impl Lifecycle for OrganizationGuardrails {
    async fn read(&self, ctx: &Ctx<'_>) -> Result<Option<Live<GuardrailsState>>> {
        let Some((mut state, tags)) = live::read_guardrails(ctx.env, &self.name).await? else {
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

    async fn create(&self, ctx: &Ctx<'_>, desired: &GuardrailsState) -> Result<ResourceOutputs> {
        let (id, arn) = live::create_guardrails(ctx, desired).await?;
        for target in &desired.targets {
            live::attach(ctx, &id, target).await?;
        }
        Ok(ResourceOutputs {
            arn,
            physical_id: id,
        })
    }

    async fn update(
        &self,
        ctx: &Ctx<'_>,
        live: &Live<GuardrailsState>,
        desired: &GuardrailsState,
        changes: &[SettingChange],
    ) -> Result<()> {
        live::update_guardrails(ctx, &live.state, desired, changes).await
    }

    async fn deletion_guard(
        &self,
        _ctx: &Ctx<'_>,
        _live: &Live<GuardrailsState>,
    ) -> Result<Option<String>> {
        Ok(Some(
            "keeps every member account's audit controls on: removed only with consent".to_string(),
        ))
    }

    async fn delete(&self, ctx: &Ctx<'_>, live: &Live<GuardrailsState>) -> Result<()> {
        live::delete_guardrails(ctx, &live.state).await
    }
}
