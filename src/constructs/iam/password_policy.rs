//! [`AccountPasswordPolicy`]: the account's IAM password policy.

use typed_builder::TypedBuilder;

use crate::construct::{
    violations_of, Construct, Ctx, Lifecycle, Live, LogicalId, ResourceKind, ResourceOutputs,
    Scope, SettingChange,
};
use crate::controls::{Check, ControlId};
use crate::error::{Error, Result, Violation, Violations};

use super::checks::{evaluate_password_policy, PasswordRequirements};
use super::live;
use super::state::PasswordPolicyState;

/// What the password policy is, for plans and reports.
pub const PASSWORD_POLICY_KIND: ResourceKind = ResourceKind::construct(
    "AWS::IAM::AccountPasswordPolicy",
    "password policy",
    "iam-password-policy",
);

/// Most characters IAM accepts as a minimum length.
pub const MAX_MINIMUM_LENGTH: u32 = 128;
/// Most previous passwords IAM can remember.
pub const MAX_REUSE_PREVENTION: u32 = 24;

/// The props of an [`AccountPasswordPolicy`]; build them with [`AccountPasswordPolicy::builder`].
///
/// Every password needs all four character classes: there is no setter that drops one.
#[derive(Debug, Clone, TypedBuilder)]
#[builder(
    doc,
    builder_type(
        name = AccountPasswordPolicyBuilder,
        doc = "Builds an [`AccountPasswordPolicy`]; every setting has a HIPAA-ready default."
    ),
    build_method(
        into = Result<AccountPasswordPolicy>,
        doc = "Validates the props and returns the policy, or every violation at once."
    )
)]
pub struct AccountPasswordPolicyProps {
    #[builder(
        default = 14,
        setter(doc = "Fewest characters: 14 (the default) to 128.")
    )]
    minimum_length: u32,
    #[builder(
        default = 90,
        setter(doc = "Days before a password expires: 1 to 90 (the default).")
    )]
    max_age_days: u32,
    #[builder(
        default = MAX_REUSE_PREVENTION,
        setter(doc = "How many previous passwords cannot be reused: 24 (the default and IAM's maximum).")
    )]
    reuse_prevention: u32,
    #[builder(
        default = false,
        setter(
            doc = "An expired password can only be reset by an administrator (off by default)."
        )
    )]
    hard_expiry: bool,
}

/// The account password policy: at least 14 characters with all four character classes,
/// expiring after at most 90 days, the last 24 passwords remembered, users allowed to change
/// their own password. Weaker values are refused by `build()`.
///
/// It is account-wide: put it in one stack per account.
///
/// ```
/// use hipaa_aws::AccountPasswordPolicy;
/// let policy = AccountPasswordPolicy::builder().minimum_length(16).build()?;
/// assert_eq!(policy.minimum_length(), 16);
/// let weak = AccountPasswordPolicy::builder().minimum_length(8).build();
/// assert!(weak.unwrap_err().violations().unwrap().contains(hipaa_aws::ControlId::IamPasswordPolicy));
/// # Ok::<(), hipaa_aws::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct AccountPasswordPolicy {
    id: LogicalId,
    state: PasswordPolicyState,
}

impl AccountPasswordPolicy {
    /// Starts a builder.
    pub fn builder() -> AccountPasswordPolicyBuilder {
        AccountPasswordPolicyProps::builder()
    }

    /// Fewest characters.
    pub fn minimum_length(&self) -> u32 {
        self.state.minimum_length
    }

    /// The settings it sets.
    pub fn settings(&self) -> &PasswordPolicyState {
        &self.state
    }
}

impl From<AccountPasswordPolicyProps> for Result<AccountPasswordPolicy> {
    fn from(props: AccountPasswordPolicyProps) -> Self {
        let policy = AccountPasswordPolicy {
            id: PASSWORD_POLICY_KIND.logical_id("account"),
            state: PasswordPolicyState {
                minimum_length: props.minimum_length,
                require_symbols: true,
                require_numbers: true,
                require_uppercase: true,
                require_lowercase: true,
                allow_users_to_change: true,
                max_age_days: Some(props.max_age_days),
                reuse_prevention: Some(props.reuse_prevention),
                hard_expiry: props.hard_expiry,
            },
        };
        let resource = PASSWORD_POLICY_KIND.label;
        let mut violations = Vec::new();
        if props.minimum_length > MAX_MINIMUM_LENGTH {
            violations.push(Violation::new(
                resource,
                "minimum_length",
                ControlId::IamPasswordPolicy,
                format!("IAM accepts a minimum length of at most {MAX_MINIMUM_LENGTH}"),
            ));
        }
        if props.reuse_prevention > MAX_REUSE_PREVENTION {
            violations.push(Violation::new(
                resource,
                "reuse_prevention",
                ControlId::IamPasswordPolicy,
                format!("IAM remembers at most {MAX_REUSE_PREVENTION} previous passwords"),
            ));
        }
        if props.max_age_days == 0 {
            violations.push(Violation::new(
                resource,
                "max_age_days",
                ControlId::IamPasswordPolicy,
                "passwords must expire: 1 to 90 days",
            ));
        }
        let desired = policy.desired(&Scope::for_build());
        let judged = violations_of(resource, &policy.evaluate(&desired));
        let explained: Vec<String> = violations.iter().map(|v| v.setting.clone()).collect();
        violations.extend(
            judged
                .into_iter()
                .filter(|violation| !explained.contains(&violation.setting)),
        );
        match Violations::from_vec(violations) {
            None => Ok(policy),
            Some(violations) => Err(Error::Invalid(violations)),
        }
    }
}

impl Construct for AccountPasswordPolicy {
    type State = PasswordPolicyState;

    fn id(&self) -> &LogicalId {
        &self.id
    }

    fn kind(&self) -> ResourceKind {
        PASSWORD_POLICY_KIND
    }

    fn name(&self) -> &str {
        "account"
    }

    fn dependencies(&self) -> Vec<LogicalId> {
        Vec::new()
    }

    fn desired(&self, _scope: &Scope<'_>) -> PasswordPolicyState {
        self.state
    }

    fn evaluate(&self, state: &PasswordPolicyState) -> Vec<Check> {
        evaluate_password_policy(Some(state), &PasswordRequirements::default())
    }
}

impl Lifecycle for AccountPasswordPolicy {
    async fn read(&self, ctx: &Ctx<'_>) -> Result<Option<Live<PasswordPolicyState>>> {
        Ok(live::read_password_policy(ctx.env)
            .await?
            .map(|state| Live {
                state,
                outputs: outputs(ctx),
            }))
    }

    async fn create(
        &self,
        ctx: &Ctx<'_>,
        desired: &PasswordPolicyState,
    ) -> Result<ResourceOutputs> {
        live::put_password_policy(ctx, desired).await?;
        Ok(outputs(ctx))
    }

    async fn update(
        &self,
        ctx: &Ctx<'_>,
        _live: &Live<PasswordPolicyState>,
        desired: &PasswordPolicyState,
        _changes: &[SettingChange],
    ) -> Result<()> {
        // The API sets the whole policy at once.
        live::put_password_policy(ctx, desired).await
    }

    async fn deletion_guard(
        &self,
        _ctx: &Ctx<'_>,
        _live: &Live<PasswordPolicyState>,
    ) -> Result<Option<String>> {
        Ok(Some(
            "removing the account password policy lets IAM users choose weak passwords: removed only with consent"
                .to_string(),
        ))
    }

    async fn delete(&self, ctx: &Ctx<'_>, _live: &Live<PasswordPolicyState>) -> Result<()> {
        live::delete_password_policy(ctx).await
    }
}

fn outputs(ctx: &Ctx<'_>) -> ResourceOutputs {
    ResourceOutputs {
        arn: format!(
            "arn:{}:iam::{}:account-password-policy",
            ctx.scope.partition, ctx.scope.account_id
        ),
        physical_id: "account".to_string(),
    }
}
