//! [`ManagedPolicy`]: a customer-managed IAM policy whose statements pass every identity-policy
//! control.

use typed_builder::TypedBuilder;

use crate::construct::{
    tags_check, violations_of, Construct, Ctx, Lifecycle, Live, LogicalId, Ref, ResourceKind,
    ResourceOutputs, Scope, SettingChange,
};
use crate::controls::{Check, ControlId};
use crate::error::{Error, Result, Violation, Violations};
use crate::policy::{Effect, PolicyDocument, Statement};

use super::checks::evaluate_managed_policy;
use super::live;
use super::names::{iam_name_problem, policy_arn, LIBRARY_PATH, MAX_POLICY_NAME};
use super::state::ManagedPolicyState;

/// What a customer-managed policy is, for plans and reports.
pub const MANAGED_POLICY_KIND: ResourceKind =
    ResourceKind::construct("AWS::IAM::ManagedPolicy", "iam policy", "iam-policy");

/// Most characters IAM accepts in a managed policy document (whitespace not counted).
pub const MAX_POLICY_CHARS: usize = 6_144;

/// The props of a [`ManagedPolicy`]; build them with [`ManagedPolicy::builder`].
#[derive(Debug, Clone, TypedBuilder)]
#[builder(
    doc,
    builder_type(
        name = ManagedPolicyBuilder,
        doc = "Builds a [`ManagedPolicy`]; `name` and at least one `statement` are required."
    ),
    build_method(
        into = Result<ManagedPolicy>,
        doc = "Validates the statements and returns the policy, or every violation at once."
    ),
    mutators(
        /// Adds a statement (call once per statement).
        pub fn statement(&mut self, statement: Statement) {
            self.statements.push(statement);
        }
    )
)]
pub struct ManagedPolicyProps {
    #[builder(setter(
        into,
        doc = "The policy name (1 to 128 of letters, digits and +=,.@_-)."
    ))]
    name: String,
    #[builder(
        default,
        setter(
            into,
            strip_option,
            doc = "A description (set when the policy is made; IAM cannot change it later)."
        )
    )]
    description: Option<String>,
    #[builder(via_mutators)]
    statements: Vec<Statement>,
}

/// A customer-managed IAM policy. `build()` refuses `*` actions, `service:*` actions, `NotAction`
/// allows, `Resource: *` on actions that read or write data, the blocked KMS actions on all
/// keys, and statements without resources, each naming its control.
///
/// ```
/// use hipaa_aws::ManagedPolicy;
/// use hipaa_aws::policy::Statement;
/// let refused = ManagedPolicy::builder()
///     .name("too-wide")
///     .statement(Statement::allow().actions(["s3:*"]).resources(["*"]))
///     .build()
///     .unwrap_err();
/// let violations = refused.violations().unwrap();
/// assert!(violations.contains(hipaa_aws::ControlId::IamPolicyNoStatementsWithFullAccess));
/// assert!(violations.contains(hipaa_aws::ControlId::IamNoWildcardResourceOnDataActions));
/// ```
#[derive(Debug, Clone)]
pub struct ManagedPolicy {
    id: LogicalId,
    name: String,
    description: String,
    statements: Vec<Statement>,
}

/// The violations of statements the library is asked to write into an identity policy: what
/// the identity-policy controls find, plus structural problems IAM would refuse.
pub(crate) fn statement_violations(resource: &str, statements: &[Statement]) -> Vec<Violation> {
    let mut violations = Vec::new();
    if statements.is_empty() {
        violations.push(Violation::new(
            resource,
            "statements",
            ControlId::IamNoWildcardResourceOnDataActions,
            "a policy needs at least one statement",
        ));
    }
    for (index, statement) in statements.iter().enumerate() {
        let name = statement
            .sid
            .clone()
            .unwrap_or_else(|| format!("statement {}", index + 1));
        if statement.effect == Effect::Allow
            && statement.resources.is_empty()
            && statement.not_resources.is_empty()
        {
            violations.push(Violation::new(
                resource,
                "statements",
                ControlId::IamNoWildcardResourceOnDataActions,
                format!("{name} names no resource"),
            ));
        }
        if statement.actions.is_empty() && statement.not_actions.is_empty() {
            violations.push(Violation::new(
                resource,
                "statements",
                ControlId::IamPolicyNoStatementsWithFullAccess,
                format!("{name} names no action"),
            ));
        }
        if statement.principal.is_some() || statement.not_principal.is_some() {
            violations.push(Violation::new(
                resource,
                "statements",
                ControlId::IamPolicyNoStatementsWithFullAccess,
                format!("{name} has a Principal: identity policies apply to whoever holds them"),
            ));
        }
        if let Some(bad) = statement
            .sid
            .as_deref()
            .and_then(|sid| sid.chars().find(|c| !c.is_ascii_alphanumeric()))
        {
            violations.push(Violation::new(
                resource,
                "statements",
                ControlId::IamNameValid,
                format!("{name}: a statement id has only letters and digits, not {bad:?}"),
            ));
        }
    }
    let size = PolicyDocument::new(statements.to_vec())
        .to_json()
        .chars()
        .filter(|c| !c.is_whitespace())
        .count();
    if size > MAX_POLICY_CHARS {
        violations.push(Violation::new(
            resource,
            "statements",
            ControlId::IamNameValid,
            format!("the document has {size} characters; IAM accepts at most {MAX_POLICY_CHARS}"),
        ));
    }
    violations
}

impl ManagedPolicy {
    /// Starts a builder.
    pub fn builder() -> ManagedPolicyBuilder {
        ManagedPolicyProps::builder()
    }

    /// The policy name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The statements.
    pub fn statements(&self) -> &[Statement] {
        &self.statements
    }

    /// A typed reference for roles.
    pub fn reference(&self) -> Ref<ManagedPolicy> {
        Ref::new(self.id.clone(), self.name.clone())
    }

    /// The policy's ARN in `scope`'s account.
    pub fn arn(&self, scope: &Scope<'_>) -> String {
        policy_arn(scope.partition, scope.account_id, LIBRARY_PATH, &self.name)
    }

    fn resource_name(&self) -> String {
        format!("{MANAGED_POLICY_KIND} {:?}", self.name)
    }
}

impl From<&ManagedPolicy> for Ref<ManagedPolicy> {
    fn from(policy: &ManagedPolicy) -> Self {
        policy.reference()
    }
}

impl From<ManagedPolicyProps> for Result<ManagedPolicy> {
    fn from(props: ManagedPolicyProps) -> Self {
        let name = props.name.trim().to_string();
        let policy = ManagedPolicy {
            id: MANAGED_POLICY_KIND.logical_id(&name),
            description: props
                .description
                .unwrap_or_else(|| format!("hipaa-aws policy {name}")),
            name,
            statements: props.statements,
        };
        let resource = policy.resource_name();
        let mut violations = Vec::new();
        if let Some(problem) = iam_name_problem("policy", &policy.name, MAX_POLICY_NAME) {
            violations.push(Violation::new(
                &resource,
                "name",
                ControlId::IamNameValid,
                problem,
            ));
        }
        if policy.description.chars().count() > 1000 {
            violations.push(Violation::new(
                &resource,
                "description",
                ControlId::IamNameValid,
                "a policy description has at most 1000 characters",
            ));
        }
        violations.extend(statement_violations(&resource, &policy.statements));
        let desired = policy.desired(&Scope::for_build());
        violations.extend(violations_of(&resource, &policy.evaluate(&desired)));
        match Violations::from_vec(violations) {
            None => Ok(policy),
            Some(violations) => Err(Error::Invalid(violations)),
        }
    }
}

impl Construct for ManagedPolicy {
    type State = ManagedPolicyState;

    fn id(&self) -> &LogicalId {
        &self.id
    }

    fn kind(&self) -> ResourceKind {
        MANAGED_POLICY_KIND
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn dependencies(&self) -> Vec<LogicalId> {
        Vec::new()
    }

    fn desired(&self, scope: &Scope<'_>) -> ManagedPolicyState {
        ManagedPolicyState {
            name: self.name.clone(),
            arn: self.arn(scope),
            path: LIBRARY_PATH.to_string(),
            document: Some(PolicyDocument::new(self.statements.clone())),
            default_version: String::new(),
            version_count: 0,
            tags: scope.tags_for(&self.id, false),
        }
    }

    fn evaluate(&self, state: &ManagedPolicyState) -> Vec<Check> {
        let mut checks = evaluate_managed_policy(state);
        checks.push(tags_check(&state.tags));
        checks
    }
}

impl Lifecycle for ManagedPolicy {
    async fn read(&self, ctx: &Ctx<'_>) -> Result<Option<Live<ManagedPolicyState>>> {
        read_owned_policy(ctx, &self.id, &self.resource_name(), &self.arn(&ctx.scope)).await
    }

    async fn create(&self, ctx: &Ctx<'_>, desired: &ManagedPolicyState) -> Result<ResourceOutputs> {
        let arn = live::create_managed_policy(ctx, desired, &self.description).await?;
        Ok(ResourceOutputs {
            arn,
            physical_id: self.name.clone(),
        })
    }

    async fn update(
        &self,
        ctx: &Ctx<'_>,
        live: &Live<ManagedPolicyState>,
        desired: &ManagedPolicyState,
        changes: &[SettingChange],
    ) -> Result<()> {
        let changed = |name: &str| changes.iter().any(|change| change.setting == name);
        live::update_managed_policy(ctx, &live.state, desired, &changed).await
    }

    async fn deletion_guard(
        &self,
        _ctx: &Ctx<'_>,
        _live: &Live<ManagedPolicyState>,
    ) -> Result<Option<String>> {
        Ok(None)
    }

    async fn delete(&self, ctx: &Ctx<'_>, live: &Live<ManagedPolicyState>) -> Result<()> {
        live::delete_managed_policy(ctx, &live.state.arn).await
    }
}

/// Reads a policy of this stack by ARN: a conflict when it belongs to someone else.
pub(super) async fn read_owned_policy(
    ctx: &Ctx<'_>,
    id: &LogicalId,
    resource: &str,
    arn: &str,
) -> Result<Option<Live<ManagedPolicyState>>> {
    let Some((mut state, tags)) = live::read_managed_policy_state(ctx.env, arn).await? else {
        return Ok(None);
    };
    live::ensure_ours(ctx, resource, id.as_str(), &tags)?;
    let wanted = ctx.scope.tags_for(id, false);
    state.tags = live::managed_tags(tags, &wanted);
    Ok(Some(Live {
        outputs: ResourceOutputs {
            arn: state.arn.clone(),
            physical_id: state.name.clone(),
        },
        state,
    }))
}
