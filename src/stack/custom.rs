//! Resources of your own in a stack: the documented extension point.
//!
//! A [`CustomConstruct`] makes, finds and deletes its own resource with the SDK, through a
//! [`CustomContext`] (the SDK configuration, account, partition, region and stack), and joins a
//! stack with [`StackBuilder::with_custom`](super::StackBuilder::with_custom). It is planned,
//! applied, verified and destroyed in dependency order with the library's constructs. What it
//! adds to a library resource's policy ([`CustomConstruct::policy_contributions`]) is merged
//! into that policy and judged by the resource's controls like any other statement: a plan
//! whose merged state fails a control is refused, naming the control, the resource and the
//! custom construct.
//!
//! A custom construct reaches none of the library's internals: it cannot read, create or change
//! a library resource except through the stack, which only does so from values that passed
//! `build()`.

use std::fmt;
use std::future::Future;

use aws_types::SdkConfig;
use serde::Serialize;

use crate::construct::{
    Construct, Ctx, Lifecycle, Live, LogicalId, PolicyContribution, Ref, ResourceKind,
    ResourceOutputs, Scope, Setting, SettingChange, State,
};
use crate::controls::Check;
use crate::error::Result;

/// The kind every custom resource has unless its construct names another.
pub const CUSTOM_KIND: ResourceKind =
    ResourceKind::construct("Custom::Resource", "custom resource", "custom");

/// What a custom construct sees while it is read, created or deleted.
#[derive(Debug, Clone, Copy)]
pub struct CustomContext<'a> {
    sdk_config: &'a SdkConfig,
    scope: Scope<'a>,
}

impl<'a> CustomContext<'a> {
    /// The SDK configuration the stack runs with (credentials, region, endpoint): build your
    /// own clients from it.
    pub fn sdk_config(&self) -> &'a SdkConfig {
        self.sdk_config
    }

    /// The account id.
    pub fn account_id(&self) -> &'a str {
        self.scope.account_id
    }

    /// The partition, e.g. `aws`.
    pub fn partition(&self) -> &'a str {
        self.scope.partition
    }

    /// The region.
    pub fn region(&self) -> &'a str {
        self.scope.region
    }

    /// The stack's name.
    pub fn stack(&self) -> &'a str {
        self.scope.stack
    }

    /// The ARN behind a reference to another construct of the stack, once it is made
    /// (otherwise [`KNOWN_AFTER_APPLY`](crate::construct::KNOWN_AFTER_APPLY)).
    pub fn arn_of<T>(&self, reference: &Ref<T>) -> String {
        self.scope.arn_of(reference)
    }
}

/// A resource of your own, made with the SDK, in a [`Stack`](super::Stack).
///
/// The library judges no control on the resource itself (it does not know what it is), so it
/// must not store PHI: PHI belongs in the library's constructs. What it adds to their policies
/// is judged like anything else.
///
/// ```
/// use hipaa_aws::construct::ResourceOutputs;
/// use hipaa_aws::stack::{CustomConstruct, CustomContext};
/// use hipaa_aws::Stack;
///
/// #[derive(Debug)]
/// struct Marker;
///
/// impl CustomConstruct for Marker {
///     fn name(&self) -> &str {
///         "marker"
///     }
///     async fn read(&self, _ctx: &CustomContext<'_>) -> hipaa_aws::Result<Option<ResourceOutputs>> {
///         Ok(None)
///     }
///     async fn create(&self, ctx: &CustomContext<'_>) -> hipaa_aws::Result<ResourceOutputs> {
///         Ok(ResourceOutputs {
///             arn: format!("arn:{}:ssm:{}:{}:parameter/marker", ctx.partition(), ctx.region(), ctx.account_id()),
///             physical_id: "marker".to_string(),
///         })
///     }
///     async fn delete(&self, _ctx: &CustomContext<'_>, _outputs: &ResourceOutputs) -> hipaa_aws::Result<()> {
///         Ok(())
///     }
/// }
///
/// let stack = Stack::builder("acme").with_custom(Marker).build()?;
/// assert_eq!(stack.len(), 1);
/// # Ok::<(), hipaa_aws::Error>(())
/// ```
pub trait CustomConstruct: fmt::Debug + Send + Sync + 'static {
    /// Its name, unique among the stack's custom constructs: 1 to 128 of `a-z`, `0-9`, `-`,
    /// `_` and `/`. Its logical id is `custom/<name>`.
    fn name(&self) -> &str;

    /// What it is, for plans and reports ([`CUSTOM_KIND`] unless it says otherwise).
    fn kind(&self) -> ResourceKind {
        CUSTOM_KIND
    }

    /// The constructs it needs made first.
    fn dependencies(&self) -> Vec<LogicalId> {
        Vec::new()
    }

    /// Settings shown in plans and reports (the library compares none of them).
    fn settings(&self) -> Vec<Setting> {
        Vec::new()
    }

    /// Statements it adds to the policies of the stack's library resources (a key, a bucket,
    /// a topic). They are merged and judged by those resources' controls at plan and apply.
    fn policy_contributions(&self, _scope: &Scope<'_>) -> Vec<PolicyContribution> {
        Vec::new()
    }

    /// Finds the resource; `None` when it does not exist.
    fn read(
        &self,
        ctx: &CustomContext<'_>,
    ) -> impl Future<Output = Result<Option<ResourceOutputs>>> + Send;

    /// Makes the resource.
    fn create(
        &self,
        ctx: &CustomContext<'_>,
    ) -> impl Future<Output = Result<ResourceOutputs>> + Send;

    /// Why destroy must keep the resource unless the caller names it, or `None`.
    fn deletion_guard(&self) -> Option<String> {
        None
    }

    /// Deletes the resource.
    fn delete(
        &self,
        ctx: &CustomContext<'_>,
        outputs: &ResourceOutputs,
    ) -> impl Future<Output = Result<()>> + Send;
}

/// The settings of a custom resource as its construct shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CustomState {
    settings: Vec<(String, String)>,
}

impl State for CustomState {
    fn settings(&self) -> Vec<Setting> {
        self.settings
            .iter()
            .map(|(name, value)| Setting::new(name, value))
            .collect()
    }
}

/// A custom construct as a stack drives it.
#[derive(Debug)]
pub(crate) struct Custom<C> {
    id: LogicalId,
    inner: C,
}

impl<C: CustomConstruct> Custom<C> {
    pub(crate) fn new(inner: C) -> Custom<C> {
        Custom {
            id: CUSTOM_KIND.logical_id(inner.name()),
            inner,
        }
    }

    fn context<'a>(ctx: &Ctx<'a>) -> CustomContext<'a> {
        CustomContext {
            sdk_config: ctx.env.sdk_config(),
            scope: ctx.scope,
        }
    }

    fn state(&self) -> CustomState {
        CustomState {
            settings: self
                .inner
                .settings()
                .into_iter()
                .map(|setting| (setting.name, setting.value))
                .collect(),
        }
    }
}

/// The problem with a custom construct's name, if any.
pub(crate) fn name_problem(name: &str) -> Option<String> {
    let valid = (1..=128).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '/'));
    (!valid).then(|| {
        format!("the custom construct name {name:?} must be 1 to 128 of a-z, 0-9, '-', '_' and '/'")
    })
}

impl<C: CustomConstruct> Construct for Custom<C> {
    type State = CustomState;

    fn id(&self) -> &LogicalId {
        &self.id
    }

    fn kind(&self) -> ResourceKind {
        self.inner.kind()
    }

    fn name(&self) -> &str {
        self.inner.name()
    }

    fn dependencies(&self) -> Vec<LogicalId> {
        self.inner.dependencies()
    }

    fn desired(&self, _scope: &Scope<'_>) -> CustomState {
        self.state()
    }

    fn evaluate(&self, _state: &CustomState) -> Vec<Check> {
        Vec::new()
    }
}

impl<C: CustomConstruct> Lifecycle for Custom<C> {
    fn policy_contributions(&self, scope: &Scope<'_>) -> Vec<PolicyContribution> {
        self.inner.policy_contributions(scope)
    }

    async fn read(&self, ctx: &Ctx<'_>) -> Result<Option<Live<CustomState>>> {
        let found = self.inner.read(&Self::context(ctx)).await?;
        Ok(found.map(|outputs| Live {
            state: self.state(),
            outputs,
        }))
    }

    async fn create(&self, ctx: &Ctx<'_>, _desired: &CustomState) -> Result<ResourceOutputs> {
        self.inner.create(&Self::context(ctx)).await
    }

    async fn update(
        &self,
        _ctx: &Ctx<'_>,
        _live: &Live<CustomState>,
        _desired: &CustomState,
        _changes: &[SettingChange],
    ) -> Result<()> {
        // The live state is the construct's own settings, so there is never a change.
        Ok(())
    }

    async fn deletion_guard(
        &self,
        _ctx: &Ctx<'_>,
        _live: &Live<CustomState>,
    ) -> Result<Option<String>> {
        Ok(self.inner.deletion_guard())
    }

    async fn delete(&self, ctx: &Ctx<'_>, live: &Live<CustomState>) -> Result<()> {
        self.inner.delete(&Self::context(ctx), &live.outputs).await
    }
}

#[cfg(test)]
mod tests {
    use super::name_problem;

    #[test]
    fn custom_names_are_short_lowercase_paths() {
        assert_eq!(name_problem("ssm/marker_1-a"), None);
        assert!(name_problem("").is_some());
        assert!(name_problem(&"a".repeat(128)).is_none());
        assert!(name_problem(&"a".repeat(129)).is_some());
        assert!(name_problem("Marker").is_some());
        assert!(name_problem("a b").is_some());
    }
}
