//! The object-safe face of a [`Construct`], so a stack can hold constructs of every kind.

use std::fmt;

use futures::future::BoxFuture;
use futures::FutureExt;

use crate::construct::{
    declared_key_checks, diff_states, Construct, Ctx, Lifecycle, LogicalId, PolicyContribution,
    ResourceKind, ResourceOutputs, Scope, Setting, SettingChange,
};
use crate::controls::{Check, Status};
use crate::error::{Error, Result};

/// What plan found for one resource.
#[derive(Debug, Clone)]
pub(crate) struct NodePlan {
    pub exists: bool,
    pub changes: Vec<SettingChange>,
    pub outputs: Option<ResourceOutputs>,
    /// Some change can only be made by replacing the resource.
    pub replaces: bool,
}

/// What apply did to one resource.
#[derive(Debug, Clone)]
pub(crate) struct NodeApplied {
    pub created: bool,
    /// It was replaced (with the caller's consent); the old one was kept.
    pub replaced: bool,
    pub changes: Vec<SettingChange>,
    pub outputs: ResourceOutputs,
    /// The verdicts on the live state apply read, when it changed nothing on this resource
    /// (what a verify right after would find, unless something else wrote in between).
    pub verified: Option<NodeVerified>,
}

/// What drift found for one resource: the differing settings and the checks live state fails.
#[derive(Debug, Clone)]
pub(crate) struct NodeDrift {
    pub exists: bool,
    pub changes: Vec<SettingChange>,
    pub failing: Vec<Check>,
    pub outputs: Option<ResourceOutputs>,
}

/// What destroy did to one resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum NodeRemoval {
    /// It did not exist.
    Absent,
    /// It was deleted (or, for a key, scheduled for deletion).
    Deleted,
    /// It was kept, for this reason.
    Kept(String),
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
    /// The region it is placed in, when not the stack's.
    fn region(&self) -> Option<&str>;
    fn policy_contributions(&self, scope: &Scope<'_>) -> Vec<PolicyContribution>;
    /// The checks the desired state in `scope` fails (or cannot pass).
    fn failing_desired(&self, scope: &Scope<'_>) -> Vec<Check>;
    fn plan<'a>(&'a self, ctx: Ctx<'a>) -> BoxFuture<'a, Result<NodePlan>>;
    /// Creates or updates the resource; a replacement only when `replace_consented`.
    fn apply<'a>(
        &'a self,
        ctx: Ctx<'a>,
        replace_consented: bool,
    ) -> BoxFuture<'a, Result<NodeApplied>>;
    fn verify<'a>(&'a self, ctx: Ctx<'a>) -> BoxFuture<'a, Result<NodeVerified>>;
    fn drift<'a>(&'a self, ctx: Ctx<'a>) -> BoxFuture<'a, Result<NodeDrift>>;
    /// Deletes the resource unless its guard keeps it and the caller did not consent.
    fn destroy<'a>(&'a self, ctx: Ctx<'a>, consented: bool) -> BoxFuture<'a, Result<NodeRemoval>>;
    /// The live settings of the resource (`None` when it does not exist), for questions one
    /// construct asks about the others (which resources use a key).
    #[cfg_attr(not(feature = "kms"), allow(dead_code))] // asked by keys
    fn live_settings<'a>(&'a self, ctx: Ctx<'a>) -> BoxFuture<'a, Result<Option<Vec<Setting>>>>;
}

impl<C: Lifecycle> Node for C {
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

    fn region(&self) -> Option<&str> {
        Construct::region(self)
    }

    fn policy_contributions(&self, scope: &Scope<'_>) -> Vec<PolicyContribution> {
        Lifecycle::policy_contributions(self, scope)
    }

    fn failing_desired(&self, scope: &Scope<'_>) -> Vec<Check> {
        self.evaluate(&self.desired(scope))
            .into_iter()
            .filter(|check| matches!(check.status, Status::Fail | Status::Error))
            .collect()
    }

    fn plan<'a>(&'a self, ctx: Ctx<'a>) -> BoxFuture<'a, Result<NodePlan>> {
        async move {
            let desired = self.desired(&ctx.scope);
            Ok(match self.read(&ctx).await? {
                None => NodePlan {
                    exists: false,
                    changes: Vec::new(),
                    outputs: None,
                    replaces: false,
                },
                Some(live) => {
                    let changes = diff_states(&desired, &live.state);
                    NodePlan {
                        exists: true,
                        replaces: changes.iter().any(|change| self.replaces(&change.setting)),
                        changes,
                        outputs: Some(live.outputs),
                    }
                }
            })
        }
        .boxed()
    }

    fn apply<'a>(
        &'a self,
        ctx: Ctx<'a>,
        replace_consented: bool,
    ) -> BoxFuture<'a, Result<NodeApplied>> {
        async move {
            let desired = self.desired(&ctx.scope);
            match self.read(&ctx).await? {
                None => {
                    let outputs = self.create(&ctx, &desired).await?;
                    Ok(NodeApplied {
                        created: true,
                        replaced: false,
                        changes: Vec::new(),
                        outputs,
                        verified: None,
                    })
                }
                Some(live) => {
                    let changes = diff_states(&desired, &live.state);
                    let replacing: Vec<&str> = changes
                        .iter()
                        .filter(|change| self.replaces(&change.setting))
                        .map(|change| change.setting.as_str())
                        .collect();
                    if !replacing.is_empty() {
                        if !replace_consented {
                            return Err(Error::Refused {
                                resource: format!("{} {:?}", Construct::kind(self), Construct::name(self)),
                                reason: format!(
                                    "changing {} replaces it; nothing was changed. To replace it (the old one is kept \
                                     with a final snapshot), apply with ApplyOptions::new().consent_to_replace({:?})",
                                    replacing.join(", "),
                                    Construct::id(self).as_str()
                                ),
                                control: crate::controls::ControlId::NoSilentReplacement,
                            });
                        }
                        let outputs = self.replace(&ctx, &live, &desired).await?;
                        return Ok(NodeApplied {
                            created: false,
                            replaced: true,
                            changes,
                            outputs,
                            verified: None,
                        });
                    }
                    let verified = if changes.is_empty() {
                        Some(verified_live(self, &desired, live.state, live.outputs.clone()))
                    } else {
                        self.update(&ctx, &live, &desired, &changes).await?;
                        None
                    };
                    Ok(NodeApplied {
                        created: false,
                        replaced: false,
                        changes,
                        outputs: live.outputs,
                        verified,
                    })
                }
            }
        }
        .boxed()
    }

    fn drift<'a>(&'a self, ctx: Ctx<'a>) -> BoxFuture<'a, Result<NodeDrift>> {
        async move {
            let desired = self.desired(&ctx.scope);
            Ok(match self.read(&ctx).await? {
                None => NodeDrift {
                    exists: false,
                    changes: Vec::new(),
                    failing: self.evaluate(&desired),
                    outputs: None,
                },
                Some(live) => NodeDrift {
                    exists: true,
                    changes: diff_states(&desired, &live.state),
                    failing: self
                        .evaluate(&live.state)
                        .into_iter()
                        .chain(declared_key_checks(&desired, &live.state))
                        .filter(|check| matches!(check.status, Status::Fail | Status::Error))
                        .collect(),
                    outputs: Some(live.outputs),
                },
            })
        }
        .boxed()
    }

    fn destroy<'a>(&'a self, ctx: Ctx<'a>, consented: bool) -> BoxFuture<'a, Result<NodeRemoval>> {
        async move {
            let Some(live) = self.read(&ctx).await? else {
                return Ok(NodeRemoval::Absent);
            };
            if !consented && let Some(reason) = self.deletion_guard(&ctx, &live).await? {
                return Ok(NodeRemoval::Kept(reason));
            }
            let ctx = ctx.with_deletion_consent(consented);
            match self.delete(&ctx, &live).await {
                Ok(()) => Ok(NodeRemoval::Deleted),
                // Without consent a delete only removes what holds nothing (a bucket gets
                // DeleteBucket alone). If AWS refused because the resource came to hold
                // something since the guard looked, the guard now says so: keep it.
                Err(error) if !consented => match self.deletion_guard(&ctx, &live).await {
                    Ok(Some(reason)) => Ok(NodeRemoval::Kept(reason)),
                    _ => Err(error),
                },
                Err(error) => Err(error),
            }
        }
        .boxed()
    }

    fn live_settings<'a>(&'a self, ctx: Ctx<'a>) -> BoxFuture<'a, Result<Option<Vec<Setting>>>> {
        async move {
            Ok(self
                .read(&ctx)
                .await?
                .map(|live| crate::construct::State::settings(&live.state)))
        }
        .boxed()
    }

    fn verify<'a>(&'a self, ctx: Ctx<'a>) -> BoxFuture<'a, Result<NodeVerified>> {
        async move {
            let desired = self.desired(&ctx.scope);
            let mut expected = self.evaluate(&desired);
            expected.extend(declared_key_checks(&desired, &desired));
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
                Ok(Some(live)) => verified_live(self, &desired, live.state, live.outputs),
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

/// The verdicts on a live state: its controls, and against the spec, that the keys in use are
/// the declared ones.
fn verified_live<C: Lifecycle>(
    construct: &C,
    desired: &C::State,
    live: C::State,
    outputs: ResourceOutputs,
) -> NodeVerified {
    let mut checks = construct.evaluate(&live);
    checks.extend(declared_key_checks(desired, &live));
    NodeVerified {
        checks,
        outputs: Some(outputs),
    }
}
