//! The crate-private half of a construct: what it does to AWS. Nothing here can be named
//! outside the crate (this module is private), so only a [`Stack`](crate::Stack) drives a
//! construct's lifecycle, and only from a value that passed `build()`.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use super::{
    Construct, Live, LogicalId, PolicyContribution, ResourceOutputs, Scope, SettingChange,
};
use crate::controls::ControlId;
use crate::env::Environment;
use crate::error::Result;
use crate::stack::node::Node;

/// What a construct sees while it is read, created or updated: the environment and the scope.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    /// The environment, with its clients.
    pub env: &'a Environment,
    /// Account, stack, resolved outputs and contributions.
    pub scope: Scope<'a>,
    /// The caller named this resource in its destroy consent (set by destroy only).
    #[cfg_attr(not(feature = "s3"), allow(dead_code))] // read by buckets
    pub(crate) deletion_consented: bool,
    /// What the stack's other resources use (set by apply only).
    #[cfg_attr(not(feature = "kms"), allow(dead_code))] // read by keys
    pub(crate) usage: Option<&'a dyn StackUsage>,
}

impl<'a> Ctx<'a> {
    /// A context without destroy consent and without a view of the other resources.
    pub(crate) fn new(env: &'a Environment, scope: Scope<'a>) -> Ctx<'a> {
        Ctx {
            env,
            scope,
            deletion_consented: false,
            usage: None,
        }
    }

    /// The same context, with the caller's destroy consent for this resource (or not).
    pub(crate) fn with_deletion_consent(self, consented: bool) -> Ctx<'a> {
        Ctx {
            deletion_consented: consented,
            ..self
        }
    }

    /// The same context, able to ask what the stack's other resources use.
    pub(crate) fn with_usage(self, usage: &'a dyn StackUsage) -> Ctx<'a> {
        Ctx {
            usage: Some(usage),
            ..self
        }
    }

    /// True when the caller consented to deleting this resource by name: only then may a
    /// delete remove what the resource holds (a bucket's objects).
    #[cfg_attr(not(feature = "s3"), allow(dead_code))] // read by buckets
    pub(crate) fn deletion_consented(&self) -> bool {
        self.deletion_consented
    }

    /// What the stack's other resources use, when the operation offers that view.
    #[cfg_attr(not(feature = "kms"), allow(dead_code))] // read by keys
    pub(crate) fn usage(&self) -> Option<&'a dyn StackUsage> {
        self.usage
    }
}

/// A view of the other resources of a stack, so a construct can learn, before it removes
/// something it made (a twin key), whether another resource of the stack still uses it.
#[cfg_attr(not(feature = "kms"), allow(dead_code))] // asked by keys
pub(crate) trait StackUsage: fmt::Debug + Send + Sync {
    /// The logical id of a resource of the stack (other than the one asking) whose live
    /// settings name any of `values` (a key id or ARN), or `None` when none does. An error
    /// means the question could not be answered: callers treat that as "in use".
    fn used_by<'a>(
        &'a self,
        values: &'a [String],
    ) -> futures::future::BoxFuture<'a, Result<Option<LogicalId>>>;
}

/// What a construct does to AWS, driven by the stack's node code. Crate-private (unnameable
/// outside), so neither implementable nor callable from another crate.
pub trait Lifecycle: Construct {
    /// Statements it adds to other constructs' resource policies.
    fn policy_contributions(&self, _scope: &Scope<'_>) -> Vec<PolicyContribution> {
        Vec::new()
    }

    /// Finds the resource by name and tags; `None` when it does not exist.
    fn read(&self, ctx: &Ctx<'_>)
        -> impl Future<Output = Result<Option<Live<Self::State>>>> + Send;

    /// Makes the resource (or finishes a half-made one) with the desired state.
    fn create(
        &self,
        ctx: &Ctx<'_>,
        desired: &Self::State,
    ) -> impl Future<Output = Result<ResourceOutputs>> + Send;

    /// Brings the changed settings of an existing resource to the desired state.
    fn update(
        &self,
        ctx: &Ctx<'_>,
        live: &Live<Self::State>,
        desired: &Self::State,
        changes: &[SettingChange],
    ) -> impl Future<Output = Result<()>> + Send;

    /// True when AWS can change `setting` only by replacing the resource (a database's engine
    /// or storage key). Plan shows such a change as a replacement, and apply refuses it
    /// unless the caller consents ([`ApplyOptions::consent_to_replace`](crate::ApplyOptions)).
    fn replaces(&self, _setting: &str) -> bool {
        false
    }

    /// Replaces the resource with one of the desired state, keeping the old one (with a final
    /// snapshot) under another name. Called only with the caller's consent; constructs whose
    /// settings never need a replacement keep this default, which refuses.
    fn replace(
        &self,
        _ctx: &Ctx<'_>,
        _live: &Live<Self::State>,
        _desired: &Self::State,
    ) -> impl Future<Output = Result<ResourceOutputs>> + Send {
        let resource = format!("{} {:?}", self.kind(), self.name());
        async move {
            Err(crate::error::Error::Refused {
                resource,
                reason: "this resource cannot be replaced by apply".to_string(),
                control: ControlId::NoSilentReplacement,
            })
        }
    }

    /// Why destroy must keep this resource unless the caller consents by naming it (it holds
    /// PHI or audit evidence, or deleting it loses data), or `None` when it may be deleted.
    /// Resources that hold nothing return `None`.
    fn deletion_guard(
        &self,
        ctx: &Ctx<'_>,
        live: &Live<Self::State>,
    ) -> impl Future<Output = Result<Option<String>>> + Send;

    /// Deletes the resource (destroy calls it only when the guard allows or the caller
    /// consented). Deletion is as safe as the service allows: keys are scheduled with their full
    /// window, databases keep a final snapshot.
    fn delete(
        &self,
        ctx: &Ctx<'_>,
        live: &Live<Self::State>,
    ) -> impl Future<Output = Result<()>> + Send;
}

/// Seals [`Construct`]: only types of this crate with a [`Lifecycle`] implement it.
pub trait Sealed {
    /// The construct as a node of a stack.
    #[doc(hidden)]
    fn into_node(self) -> NodeHandle
    where
        Self: Sized;
}

impl<T: Lifecycle> Sealed for T {
    fn into_node(self) -> NodeHandle {
        NodeHandle(Arc::new(self))
    }
}

/// A construct as a stack holds it; opaque outside the crate.
#[doc(hidden)]
pub struct NodeHandle(pub(crate) Arc<dyn Node>);
