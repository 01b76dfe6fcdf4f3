//! [`EbsEncryptionByDefault`]: the account guard that encrypts every new EBS volume (and
//! snapshot copy) of the region with a [`HipaaKey`].

use serde::Serialize;
use typed_builder::TypedBuilder;

use crate::construct::{
    violations_of, Construct, Ctx, Lifecycle, Live, LogicalId, PolicyContribution, Ref,
    ResourceKind, ResourceOutputs, Scope, Setting, SettingChange, State,
};
use crate::constructs::kms::HipaaKey;
use crate::controls::Check;
use crate::error::{Error, Result, Violations};
use crate::policy::{Principal, Statement};

use super::checks::evaluate_ebs_default;
use super::live;
use super::EBS_DEFAULT_KIND;

/// Statement id of the grant permission EBS needs on the default key.
pub const SID_EBS_GRANTS: &str = "AllowEbsDefaultEncryptionGrants";

/// The props of an [`EbsEncryptionByDefault`]; build them with
/// [`EbsEncryptionByDefault::builder`].
#[derive(Debug, Clone, TypedBuilder)]
#[builder(
    doc,
    builder_type(
        name = EbsEncryptionByDefaultBuilder,
        doc = "Builds an [`EbsEncryptionByDefault`]; `key` is required."
    ),
    build_method(
        into = Result<EbsEncryptionByDefault>,
        doc = "Validates the props and returns the guard."
    )
)]
pub struct EbsEncryptionByDefaultProps {
    #[builder(setter(
        into,
        doc = "The key every new EBS volume of the region is encrypted with by default."
    ))]
    key: Ref<HipaaKey>,
}

/// EBS encryption by default, on, with a [`HipaaKey`] as the default key: an account and
/// region setting. There is no way to turn it off; destroy turns it off only with consent.
///
/// ```
/// use hipaa_aws::{EbsEncryptionByDefault, HipaaKey};
/// let key = HipaaKey::builder().alias("ebs").build()?;
/// let guard = EbsEncryptionByDefault::builder().key(&key).build()?;
/// assert_eq!(guard.key().name(), "alias/ebs");
/// # Ok::<(), hipaa_aws::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct EbsEncryptionByDefault {
    id: LogicalId,
    key: Ref<HipaaKey>,
}

/// The account's EBS defaults in one region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EbsDefaultState {
    /// New volumes are encrypted by default.
    pub encryption_by_default: bool,
    /// The default key's ARN (the AWS managed `alias/aws/ebs` unless changed).
    pub default_kms_key: String,
    /// `CUSTOMER` or `AWS`, when the key could be described.
    pub key_manager: Option<String>,
}

impl State for EbsDefaultState {
    fn settings(&self) -> Vec<Setting> {
        vec![
            Setting::new("encryption_by_default", self.encryption_by_default),
            Setting::new("default_kms_key", &self.default_kms_key),
        ]
    }
}

impl EbsEncryptionByDefault {
    /// Starts a builder.
    pub fn builder() -> EbsEncryptionByDefaultBuilder {
        EbsEncryptionByDefaultProps::builder()
    }

    /// The default key.
    pub fn key(&self) -> &Ref<HipaaKey> {
        &self.key
    }
}

/// Lets the account's principals have EC2 create grants on the key for EBS volumes (EBS
/// attaches encrypted volumes through grants), only through EC2 in this region.
pub fn ebs_grant_statement(scope: &Scope<'_>) -> Statement {
    Statement::allow()
        .sid(SID_EBS_GRANTS)
        .principal(Principal::aws(scope.account_root_arn()))
        .actions(["kms:CreateGrant"])
        .resources(["*"])
        .condition("Bool", "kms:GrantIsForAWSResource", ["true"])
        .condition("StringEquals", "kms:CallerAccount", [scope.account_id])
        .condition(
            "StringEquals",
            "kms:ViaService",
            [format!("ec2.{}.amazonaws.com", scope.region)],
        )
}

impl From<EbsEncryptionByDefaultProps> for Result<EbsEncryptionByDefault> {
    fn from(props: EbsEncryptionByDefaultProps) -> Self {
        let guard = EbsEncryptionByDefault {
            id: EBS_DEFAULT_KIND.logical_id("account"),
            key: props.key,
        };
        let desired = guard.desired(&Scope::for_build());
        let violations = violations_of("ebs encryption by default", &guard.evaluate(&desired));
        match Violations::from_vec(violations) {
            None => Ok(guard),
            Some(violations) => Err(Error::Invalid(violations)),
        }
    }
}

impl Construct for EbsEncryptionByDefault {
    type State = EbsDefaultState;

    fn id(&self) -> &LogicalId {
        &self.id
    }

    fn kind(&self) -> ResourceKind {
        EBS_DEFAULT_KIND
    }

    fn name(&self) -> &str {
        "account default"
    }

    fn dependencies(&self) -> Vec<LogicalId> {
        vec![self.key.id().clone()]
    }

    fn desired(&self, scope: &Scope<'_>) -> EbsDefaultState {
        EbsDefaultState {
            encryption_by_default: true,
            default_kms_key: scope.arn_of(&self.key),
            key_manager: Some("CUSTOMER".to_string()),
        }
    }

    fn evaluate(&self, state: &EbsDefaultState) -> Vec<Check> {
        evaluate_ebs_default(state)
    }
}

impl Lifecycle for EbsEncryptionByDefault {
    fn policy_contributions(&self, scope: &Scope<'_>) -> Vec<PolicyContribution> {
        vec![PolicyContribution {
            target: self.key.id().clone(),
            statement: ebs_grant_statement(scope),
        }]
    }

    async fn read(&self, ctx: &Ctx<'_>) -> Result<Option<Live<EbsDefaultState>>> {
        let state = live::ebs::read_ebs_default(ctx.env).await?;
        Ok(Some(Live {
            state,
            outputs: live::ebs::outputs(ctx),
        }))
    }

    async fn create(&self, ctx: &Ctx<'_>, desired: &EbsDefaultState) -> Result<ResourceOutputs> {
        live::ebs::apply_ebs_default(ctx, desired).await?;
        Ok(live::ebs::outputs(ctx))
    }

    async fn update(
        &self,
        ctx: &Ctx<'_>,
        _live: &Live<EbsDefaultState>,
        desired: &EbsDefaultState,
        _changes: &[SettingChange],
    ) -> Result<()> {
        live::ebs::apply_ebs_default(ctx, desired).await
    }

    async fn deletion_guard(
        &self,
        _ctx: &Ctx<'_>,
        _live: &Live<EbsDefaultState>,
    ) -> Result<Option<String>> {
        Ok(Some(
            "turning EBS encryption by default off lets new volumes hold PHI unencrypted: done only with consent"
                .to_string(),
        ))
    }

    async fn delete(&self, ctx: &Ctx<'_>, _live: &Live<EbsDefaultState>) -> Result<()> {
        live::ebs::disable_ebs_default(ctx).await
    }
}
