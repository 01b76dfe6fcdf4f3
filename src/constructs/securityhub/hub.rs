//! [`SecurityHub`]: Security Hub enabled with the foundational and CIS standards.

use std::collections::BTreeMap;

use typed_builder::TypedBuilder;

use crate::construct::{
    tags_check, violations_of, Construct, Ctx, Lifecycle, Live, LogicalId, ResourceKind,
    ResourceOutputs, Scope, SettingChange,
};
use crate::controls::Check;
use crate::error::{Error, Result, Violations};

use super::checks::evaluate_security_hub;
use super::live;
use super::standards::{CisVersion, Standard};
use super::state::{SecurityHubState, StandardSubscription, StandardsView};
use super::SECURITY_HUB;

/// The props of [`SecurityHub`]; build them with [`SecurityHub::builder`].
///
/// There is no setter that turns the standards off or enables AWS's default set instead.
#[derive(Debug, Clone, TypedBuilder)]
#[builder(
    doc,
    builder_type(name = SecurityHubBuilder, doc = "Builds a [`SecurityHub`]; nothing is required."),
    build_method(
        into = Result<SecurityHub>,
        doc = "Validates the props and returns the hub, or every violation at once."
    )
)]
pub struct SecurityHubProps {
    #[builder(
        default,
        setter(
            doc = "The CIS AWS Foundations Benchmark version to subscribe (v3.0.0 by default)."
        )
    )]
    cis_version: CisVersion,
}

/// Security Hub in the environment's account and region, enabled without AWS's default
/// standards, then subscribed to the AWS Foundational Security Best Practices and the CIS AWS
/// Foundations Benchmark standards.
///
/// An account and region has one hub. When Security Hub is already enabled the construct
/// **adopts** it: it subscribes the missing standards and tags the hub (other standards the
/// account subscribed are left alone); a hub tagged by another stack of this library is a
/// conflict.
///
/// ```
/// use hipaa_aws::{CisVersion, SecurityHub};
/// let hub = SecurityHub::builder().build()?;
/// assert_eq!(hub.cis_version(), CisVersion::V3_0_0);
/// # Ok::<(), hipaa_aws::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct SecurityHub {
    id: LogicalId,
    name: String,
    cis_version: CisVersion,
}

impl SecurityHub {
    /// Starts a builder.
    pub fn builder() -> SecurityHubBuilder {
        SecurityHubProps::builder()
    }

    /// The CIS version subscribed.
    pub fn cis_version(&self) -> CisVersion {
        self.cis_version
    }

    /// The standards subscribed.
    pub fn standards(&self) -> [Standard; 2] {
        Standard::required(self.cis_version)
    }

    pub(super) fn resource_name(&self) -> String {
        "security hub".to_string()
    }

    pub(super) fn id_str(&self) -> &str {
        self.id.as_str()
    }

    pub(super) fn desired_tags(&self, ctx: &Ctx<'_>) -> BTreeMap<String, String> {
        ctx.scope.tags_for(&self.id, false)
    }
}

impl From<SecurityHubProps> for Result<SecurityHub> {
    fn from(props: SecurityHubProps) -> Self {
        let hub = SecurityHub {
            id: SECURITY_HUB.logical_id("default"),
            name: "security-hub".to_string(),
            cis_version: props.cis_version,
        };
        let desired = hub.desired(&Scope::for_build());
        let violations = violations_of(&hub.resource_name(), &hub.evaluate(&desired));
        match Violations::from_vec(violations) {
            None => Ok(hub),
            Some(violations) => Err(Error::Invalid(violations)),
        }
    }
}

impl Construct for SecurityHub {
    type State = SecurityHubState;

    fn id(&self) -> &LogicalId {
        &self.id
    }

    fn kind(&self) -> ResourceKind {
        SECURITY_HUB
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn dependencies(&self) -> Vec<LogicalId> {
        Vec::new()
    }

    fn desired(&self, scope: &Scope<'_>) -> SecurityHubState {
        let standards: BTreeMap<String, StandardSubscription> = self
            .standards()
            .iter()
            .map(|standard| {
                (
                    standard.key(),
                    StandardSubscription {
                        standards_arn: standard.arn(scope.partition, scope.region),
                        subscription_arn: None,
                        status: "READY".to_string(),
                        status_reason: None,
                    },
                )
            })
            .collect();
        SecurityHubState {
            hub_arn: Some(scope.arn("securityhub", "hub/default")),
            subscribed_at: None,
            standards: StandardsView::Read(standards),
            tags: scope.tags_for(&self.id, false),
        }
    }

    fn evaluate(&self, state: &SecurityHubState) -> Vec<Check> {
        let mut checks = evaluate_security_hub(state, &self.standards());
        checks.push(tags_check(&state.tags));
        checks
    }
}

impl Lifecycle for SecurityHub {
    async fn read(&self, ctx: &Ctx<'_>) -> Result<Option<Live<SecurityHubState>>> {
        live::read_for_construct(ctx, self).await
    }

    async fn create(&self, ctx: &Ctx<'_>, desired: &SecurityHubState) -> Result<ResourceOutputs> {
        live::enable(ctx, self, desired).await
    }

    async fn update(
        &self,
        ctx: &Ctx<'_>,
        live: &Live<SecurityHubState>,
        desired: &SecurityHubState,
        changes: &[SettingChange],
    ) -> Result<()> {
        live::update(ctx, self, live, desired, changes).await
    }

    async fn deletion_guard(
        &self,
        _ctx: &Ctx<'_>,
        _live: &Live<SecurityHubState>,
    ) -> Result<Option<String>> {
        Ok(Some(
            "Security Hub: disabling it ends its security checks and deletes its findings, which are audit evidence \
             (45 CFR 164.312(b)); it may also predate this stack, which adopted it. Disabled only with consent"
                .to_string(),
        ))
    }

    async fn delete(&self, ctx: &Ctx<'_>, live: &Live<SecurityHubState>) -> Result<()> {
        live::disable(ctx, self, live).await
    }
}
