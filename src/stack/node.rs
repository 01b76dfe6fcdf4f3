//! The object-safe face of a [`Construct`], so a stack can hold constructs of every kind.

use std::fmt;

use futures::future::BoxFuture;
use futures::FutureExt;

use crate::construct::{
    diff_states, Construct, Ctx, LogicalId, PolicyContribution, ResourceKind, ResourceOutputs,
    Scope, SettingChange,
};
use crate::controls::{Check, Status};
use crate::error::Result;

/// What plan found for one resource.
#[derive(Debug, Clone)]
pub(crate) struct NodePlan {
    pub exists: bool,
    pub changes: Vec<SettingChange>,
    pub outputs: Option<ResourceOutputs>,
}

/// What apply did to one resource.
#[derive(Debug, Clone)]
pub(crate) struct NodeApplied {
    pub created: bool,
    pub changes: Vec<SettingChange>,
    pub outputs: ResourceOutputs,
}

/// What verify found for one resource.
#[derive(Debug, Clone)]
pub(crate) struct NodeVerified {
    pub outputs: Option<ResourceOutputs>,
    pub checks: Vec<Check>,
}

pub(crate) trait Node: fmt::Debug + Send + Sync {
    fn id(&self) -> &LogicalId;
    fn kind(&self) -> ResourceKind;
    fn name(&self) -> &str;
    fn dependencies(&self) -> Vec<LogicalId>;
    fn holds_phi(&self) -> bool;
    fn policy_contributions(&self, scope: &Scope<'_>) -> Vec<PolicyContribution>;
    fn plan<'a>(&'a self, ctx: Ctx<'a>) -> BoxFuture<'a, Result<NodePlan>>;
    fn apply<'a>(&'a self, ctx: Ctx<'a>) -> BoxFuture<'a, Result<NodeApplied>>;
    fn verify<'a>(&'a self, ctx: Ctx<'a>) -> BoxFuture<'a, Result<NodeVerified>>;
}

impl<C: Construct> Node for C {
    fn id(&self) -> &LogicalId {
        Construct::id(self)
    }

    fn kind(&self) -> ResourceKind {
        Construct::kind(self)
    }

    fn name(&self) -> &str {
        Construct::name(self)
    }

    fn dependencies(&self) -> Vec<LogicalId> {
        Construct::dependencies(self)
    }

    fn holds_phi(&self) -> bool {
        Construct::holds_phi(self)
    }

    fn policy_contributions(&self, scope: &Scope<'_>) -> Vec<PolicyContribution> {
        Construct::policy_contributions(self, scope)
    }

    fn plan<'a>(&'a self, ctx: Ctx<'a>) -> BoxFuture<'a, Result<NodePlan>> {
        async move {
            let desired = self.desired(&ctx.scope);
            Ok(match self.read(&ctx).await? {
                None => NodePlan {
                    exists: false,
                    changes: Vec::new(),
                    outputs: None,
                },
                Some(live) => NodePlan {
                    exists: true,
                    changes: diff_states(&desired, &live.state),
                    outputs: Some(live.outputs),
                },
            })
        }
        .boxed()
    }

    fn apply<'a>(&'a self, ctx: Ctx<'a>) -> BoxFuture<'a, Result<NodeApplied>> {
        async move {
            let desired = self.desired(&ctx.scope);
            match self.read(&ctx).await? {
                None => {
                    let outputs = self.create(&ctx, &desired).await?;
                    Ok(NodeApplied {
                        created: true,
                        changes: Vec::new(),
                        outputs,
                    })
                }
                Some(live) => {
                    let changes = diff_states(&desired, &live.state);
                    if !changes.is_empty() {
                        self.update(&ctx, &live, &desired, &changes).await?;
                    }
                    Ok(NodeApplied {
                        created: false,
                        changes,
                        outputs: live.outputs,
                    })
                }
            }
        }
        .boxed()
    }

    fn verify<'a>(&'a self, ctx: Ctx<'a>) -> BoxFuture<'a, Result<NodeVerified>> {
        async move {
            let desired = self.desired(&ctx.scope);
            let expected = self.evaluate(&desired);
            let with_status = |status: Status, reason: String| -> Vec<Check> {
                expected
                    .iter()
                    .map(|check| Check {
                        status,
                        reason: reason.clone(),
                        ..check.clone()
                    })
                    .collect()
            };
            Ok(match self.read(&ctx).await {
                Ok(Some(live)) => NodeVerified {
                    checks: self.evaluate(&live.state),
                    outputs: Some(live.outputs),
                },
                Ok(None) => NodeVerified {
                    checks: with_status(Status::Fail, "the resource does not exist".to_string()),
                    outputs: None,
                },
                Err(error) => NodeVerified {
                    checks: with_status(Status::Error, format!("could not be read: {error}")),
                    outputs: None,
                },
            })
        }
        .boxed()
    }
}
