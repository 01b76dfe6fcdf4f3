//! [`HipaaRole`]: a least-privilege IAM role.

use std::collections::BTreeMap;

use typed_builder::TypedBuilder;

use crate::construct::{
    tags_check, violations_of, Construct, Ctx, Lifecycle, Live, LogicalId, Ref, ResourceKind,
    ResourceOutputs, Scope, SettingChange,
};
use crate::controls::{Check, ControlId};
use crate::error::{Error, Result, Violation, Violations};

use super::checks::evaluate_role;
use super::live;
use super::managed_policy::ManagedPolicy;
use super::names::{
    iam_name_problem, iam_path_problem, policy_arn, role_arn, GRANTS_PATH, LIBRARY_PATH,
    MAX_ROLE_NAME,
};
use super::state::RoleState;
use super::trust::Trust;

/// What a role is, for plans and reports.
pub const ROLE_KIND: ResourceKind =
    ResourceKind::construct("AWS::IAM::Role", "iam role", "iam-role");

/// The props of a [`HipaaRole`]; build them with [`HipaaRole::builder`].
///
/// `name` and `trust` are required. There is no setter for an inline policy: permissions come
/// only from customer-managed policies ([`ManagedPolicy`]) and grants
/// (`bucket.grant_read(&role)`).
#[derive(Debug, Clone, TypedBuilder)]
#[builder(
    doc,
    builder_type(
        name = HipaaRoleBuilder,
        doc = "Builds a [`HipaaRole`]; `name` and `trust` are required."
    ),
    build_method(
        into = Result<HipaaRole>,
        doc = "Validates the props and returns the role, or every violation at once."
    ),
    mutators(
        /// Attaches a customer-managed policy (call once per policy).
        pub fn managed_policy(&mut self, policy: &ManagedPolicy) {
            self.managed_policies.push(policy.reference());
        }
    )
)]
pub struct HipaaRoleProps {
    #[builder(setter(into, doc = "The role name (1 to 64 of letters, digits and +=,.@_-)."))]
    name: String,
    #[builder(setter(doc = "Who may assume the role: one AWS service or one account."))]
    trust: Trust,
    #[builder(
        default,
        setter(into, strip_option, doc = "A description of the role's purpose.")
    )]
    description: Option<String>,
    #[builder(
        default = 1,
        setter(doc = "The longest session, in hours: 1 (the default) to 12.")
    )]
    max_session_hours: u32,
    #[builder(
        default,
        setter(
            into,
            strip_option,
            doc = "A customer-managed policy that bounds what the role's policies can grant."
        )
    )]
    permissions_boundary: Option<Ref<ManagedPolicy>>,
    #[builder(
        default = LIBRARY_PATH.to_string(),
        setter(into, doc = "The IAM path (`/hipaa-aws/` by default).")
    )]
    path: String,
    #[builder(via_mutators)]
    managed_policies: Vec<Ref<ManagedPolicy>>,
}

/// An IAM role that trusts one named AWS service or account (optionally requiring MFA or an
/// external id), keeps sessions short (1 hour by default, at most 12), may carry a permissions
/// boundary, and gets its permissions only from customer-managed policies: it has no inline
/// policies, and any inline policy or foreign attachment found on it is removed by apply.
///
/// ```
/// use hipaa_aws::{HipaaRole, ManagedPolicy, Trust};
/// use hipaa_aws::policy::Statement;
/// let reader = ManagedPolicy::builder()
///     .name("app-read-config")
///     .statement(
///         Statement::allow()
///             .actions(["ssm:GetParameter"])
///             .resources(["arn:aws:ssm:us-east-1:111122223333:parameter/app/*"]),
///     )
///     .build()?;
/// let role = HipaaRole::builder()
///     .name("app")
///     .trust(Trust::service("ecs-tasks.amazonaws.com"))
///     .managed_policy(&reader)
///     .build()?;
/// assert_eq!(role.name(), "app");
/// # Ok::<(), hipaa_aws::Error>(())
/// ```
///
/// An inline policy cannot be written:
///
/// ```compile_fail
/// # use hipaa_aws::{HipaaRole, Trust};
/// let role = HipaaRole::builder()
///     .name("app")
///     .trust(Trust::service("ecs-tasks.amazonaws.com"))
///     .inline_policy("{}")
///     .build();
/// ```
#[derive(Debug, Clone)]
pub struct HipaaRole {
    id: LogicalId,
    name: String,
    path: String,
    trust: Trust,
    description: String,
    max_session_hours: u32,
    permissions_boundary: Option<Ref<ManagedPolicy>>,
    managed_policies: Vec<Ref<ManagedPolicy>>,
}

/// The controls a role's verify judges beside [`evaluate_role`](super::evaluate_role): its
/// attached policies are exactly the declared ones (see `crate::controls::coverage`).
pub const POLICIES_AS_DECLARED_COVERS: &[ControlId] = &[ControlId::IamRolePoliciesAsDeclared];

impl HipaaRole {
    /// Starts a builder.
    pub fn builder() -> HipaaRoleBuilder {
        HipaaRoleProps::builder()
    }

    /// The role name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The IAM path.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// A typed reference for other constructs (grants).
    pub fn reference(&self) -> Ref<HipaaRole> {
        Ref::new(self.id.clone(), self.name.clone())
    }

    /// The role's ARN in `scope`'s account.
    pub fn arn(&self, scope: &Scope<'_>) -> String {
        role_arn(scope.partition, scope.account_id, &self.path, &self.name)
    }

    fn resource_name(&self) -> String {
        format!("{ROLE_KIND} {:?}", self.name)
    }
}

impl From<&HipaaRole> for Ref<HipaaRole> {
    fn from(role: &HipaaRole) -> Self {
        role.reference()
    }
}

impl From<HipaaRoleProps> for Result<HipaaRole> {
    fn from(props: HipaaRoleProps) -> Self {
        let name = props.name.trim().to_string();
        let role = HipaaRole {
            id: ROLE_KIND.logical_id(&name),
            description: props
                .description
                .unwrap_or_else(|| format!("hipaa-aws role {name}")),
            name,
            path: props.path,
            trust: props.trust,
            max_session_hours: props.max_session_hours,
            permissions_boundary: props.permissions_boundary,
            managed_policies: props.managed_policies,
        };
        let resource = role.resource_name();
        let mut violations: Vec<Violation> = Vec::new();
        if let Some(problem) = iam_name_problem("role", &role.name, MAX_ROLE_NAME) {
            violations.push(Violation::new(
                &resource,
                "name",
                ControlId::IamNameValid,
                problem,
            ));
        }
        if let Some(problem) = iam_path_problem(&role.path) {
            violations.push(Violation::new(
                &resource,
                "path",
                ControlId::IamNameValid,
                problem,
            ));
        }
        if role.path.starts_with(GRANTS_PATH) {
            violations.push(Violation::new(
                &resource,
                "path",
                ControlId::IamNameValid,
                format!("{GRANTS_PATH} is reserved for the policies of grants"),
            ));
        }
        if role.description.chars().count() > 1000 {
            violations.push(Violation::new(
                &resource,
                "description",
                ControlId::IamNameValid,
                "a role description has at most 1000 characters",
            ));
        }
        for problem in role.trust.problems() {
            violations.push(Violation::new(
                &resource,
                "trust",
                ControlId::IamRoleTrustRestricted,
                problem,
            ));
        }
        let desired = role.desired(&Scope::for_build());
        violations.extend(violations_of(&resource, &role.evaluate(&desired)));
        match Violations::from_vec(violations) {
            None => Ok(role),
            Some(violations) => Err(Error::Invalid(violations)),
        }
    }
}

impl HipaaRole {
    /// The managed policies the spec attaches, as ARNs in the account and partition of the
    /// role `arn` names.
    fn declared_policy_arns(&self, arn: &str) -> Vec<String> {
        let (partition, account) = crate::policy::Arn::parse(arn)
            .map(|arn| (arn.partition, arn.account))
            .unwrap_or_default();
        let mut declared: Vec<String> = self
            .managed_policies
            .iter()
            .map(|policy| policy_arn(&partition, &account, LIBRARY_PATH, policy.name()))
            .collect();
        declared.sort();
        declared.dedup();
        declared
    }

    /// The attached managed policies are exactly the declared ones (this stack's grants were
    /// left out by the read): anything attached behind the library's back fails, even a
    /// policy whose document passes every other control.
    fn policies_as_declared(&self, state: &RoleState) -> Check {
        let declared = self.declared_policy_arns(&state.arn);
        let extra: Vec<&String> = state
            .managed_policies
            .iter()
            .filter(|arn| !declared.contains(arn))
            .collect();
        let missing: Vec<&String> = declared
            .iter()
            .filter(|arn| !state.managed_policies.contains(arn))
            .collect();
        let mut problems = Vec::new();
        if !extra.is_empty() {
            problems.push(format!(
                "attached but not declared: {}",
                extra
                    .iter()
                    .map(|arn| arn.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if !missing.is_empty() {
            problems.push(format!(
                "declared but not attached: {}",
                missing
                    .iter()
                    .map(|arn| arn.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        Check::require(
            ControlId::IamRolePoliciesAsDeclared,
            "managed_policies",
            problems.is_empty(),
            "the attached managed policies are exactly the declared ones and this stack's grants",
            problems.join("; "),
        )
    }
}

impl Construct for HipaaRole {
    type State = RoleState;

    fn id(&self) -> &LogicalId {
        &self.id
    }

    fn kind(&self) -> ResourceKind {
        ROLE_KIND
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn dependencies(&self) -> Vec<LogicalId> {
        let mut dependencies: Vec<LogicalId> = self
            .managed_policies
            .iter()
            .map(|policy| policy.id().clone())
            .collect();
        if let Some(boundary) = &self.permissions_boundary {
            dependencies.push(boundary.id().clone());
        }
        dependencies
    }

    fn desired(&self, scope: &Scope<'_>) -> RoleState {
        let policy_arn_of = |policy: &Ref<ManagedPolicy>| {
            policy_arn(
                scope.partition,
                scope.account_id,
                LIBRARY_PATH,
                policy.name(),
            )
        };
        let mut managed_policies: Vec<String> =
            self.managed_policies.iter().map(policy_arn_of).collect();
        managed_policies.sort();
        managed_policies.dedup();
        RoleState {
            name: self.name.clone(),
            arn: self.arn(scope),
            path: self.path.clone(),
            description: self.description.clone(),
            trust_policy: Some(self.trust.policy(scope)),
            max_session_duration_secs: self.max_session_hours.saturating_mul(3_600),
            permissions_boundary: self.permissions_boundary.as_ref().map(policy_arn_of),
            managed_policies,
            attached_documents: BTreeMap::new(),
            inline_policies: BTreeMap::new(),
            tags: scope.tags_for(&self.id, false),
        }
    }

    fn evaluate(&self, state: &RoleState) -> Vec<Check> {
        let mut checks = evaluate_role(state);
        checks.push(tags_check(&state.tags));
        checks.push(self.policies_as_declared(state));
        checks
    }
}

impl Lifecycle for HipaaRole {
    async fn read(&self, ctx: &Ctx<'_>) -> Result<Option<Live<RoleState>>> {
        let Some(live::RoleRead {
            mut state,
            tags,
            policy_tags,
        }) = live::read_role_with_policy_tags(ctx.env, &self.name).await?
        else {
            return Ok(None);
        };
        live::ensure_ours(ctx, &self.resource_name(), self.id.as_str(), &tags)?;
        let wanted = ctx.scope.tags_for(&self.id, false);
        state.tags = live::managed_tags(tags, &wanted);
        // This stack's grants attach and detach themselves: the role leaves them alone. Only
        // they are left out (by their stack tag): a policy under the grants path that another
        // stack, or someone else, attached counts as undeclared.
        let grants_path = format!(":policy{GRANTS_PATH}");
        let grant_of_this_stack = |arn: &str| {
            arn.contains(&grants_path)
                && policy_tags
                    .get(arn)
                    .and_then(|tags| tags.get(crate::env::STACK_TAG))
                    .map(String::as_str)
                    == Some(ctx.scope.stack)
        };
        let kept: Vec<String> = std::mem::take(&mut state.managed_policies)
            .into_iter()
            .filter(|arn| !grant_of_this_stack(arn))
            .collect();
        state.managed_policies = kept;
        Ok(Some(Live {
            outputs: ResourceOutputs {
                arn: state.arn.clone(),
                physical_id: state.name.clone(),
            },
            state,
        }))
    }

    async fn create(&self, ctx: &Ctx<'_>, desired: &RoleState) -> Result<ResourceOutputs> {
        let arn = live::create_role(
            ctx,
            live::NewRole {
                name: &self.name,
                path: &self.path,
                desired,
            },
        )
        .await?;
        Ok(ResourceOutputs {
            arn,
            physical_id: self.name.clone(),
        })
    }

    async fn update(
        &self,
        ctx: &Ctx<'_>,
        live: &Live<RoleState>,
        desired: &RoleState,
        changes: &[SettingChange],
    ) -> Result<()> {
        let changed = |name: &str| changes.iter().any(|change| change.setting == name);
        live::update_role(ctx, &live.state, desired, &changed).await
    }

    async fn deletion_guard(
        &self,
        _ctx: &Ctx<'_>,
        _live: &Live<RoleState>,
    ) -> Result<Option<String>> {
        Ok(None)
    }

    async fn delete(&self, ctx: &Ctx<'_>, live: &Live<RoleState>) -> Result<()> {
        // Re-read: the live state the stack holds leaves the stack's grants out.
        match live::read_role_state(ctx.env, &self.name).await? {
            Some((state, _)) => live::delete_role(ctx, &state).await,
            None => live::delete_role(ctx, &live.state).await,
        }
    }
}
