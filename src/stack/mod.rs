//! [`Stack`]: constructs composed into one architecture, planned, applied and verified against
//! an account in dependency order.

mod apply_options;
mod contributions;
mod custom;
mod destroy;
mod drift;
mod events;
mod graph;
pub(crate) mod node;
mod placement;
mod reports;
mod usage;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use futures::FutureExt;

use crate::construct::{Construct, Ctx, LogicalId, PolicyContribution, ResourceOutputs, Scope};
use crate::env::Environment;
use crate::error::{Error, Result};

pub use apply_options::ApplyOptions;
use contributions::{refuse_weakened, Contributions};
pub use custom::{CustomConstruct, CustomContext, CUSTOM_KIND};
pub use destroy::{DestroyOptions, DestroyReport, DestroyedResource, Removal};
pub use drift::{Drift, DriftReport};
pub use events::{Event, EventSender, Operation, ResourceStatus};
use graph::{run_in_dependency_order, Graph};
use node::{Node, NodeApplied, NodePlan, NodeRemoval};
pub use reports::{
    Action, AppliedResource, ApplyReport, Plan, PlannedResource, VerifiedResource, VerifyReport,
};

/// How many resources are worked on at once unless the builder says otherwise.
pub const DEFAULT_CONCURRENCY: usize = 8;

/// Constructs composed into one architecture.
///
/// ```
/// use hipaa_aws::{EncryptedBucket, HipaaKey, LogBucket, Stack};
/// let key = HipaaKey::builder().alias("phi").build()?;
/// let logs = LogBucket::builder().name("acme-phi-logs").key(&key).build()?;
/// let data = EncryptedBucket::builder().name("acme-phi").key(&key).access_logs(&logs).build()?;
/// let stack = Stack::builder("acme-prod").with(key).with(logs).with(data).build()?;
/// assert_eq!(stack.len(), 3);
/// # Ok::<(), hipaa_aws::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Stack {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    name: String,
    nodes: Vec<Arc<dyn Node>>,
    ids: Vec<LogicalId>,
    graph: Graph,
    reversed: Graph,
    concurrency: usize,
    events: EventSender,
}

/// Collects constructs into a [`Stack`].
#[derive(Debug)]
pub struct StackBuilder {
    name: String,
    nodes: Vec<Arc<dyn Node>>,
    concurrency: usize,
    /// What is wrong with the custom constructs added, reported by `build()`.
    problems: Vec<String>,
}

impl StackBuilder {
    /// Adds a construct.
    #[allow(clippy::should_implement_trait)]
    pub fn with<C: Construct>(mut self, construct: C) -> StackBuilder {
        self.nodes.push(construct.into_node().0);
        self
    }

    /// Adds a resource of your own ([`CustomConstruct`]): made, found and deleted by its own
    /// code, in dependency order with the rest. What it adds to the policies of the stack's
    /// resources is merged and judged by their controls at plan and apply.
    pub fn with_custom<C: CustomConstruct>(mut self, construct: C) -> StackBuilder {
        if let Some(problem) = custom::name_problem(construct.name()) {
            self.problems.push(problem);
        }
        self.nodes.push(Arc::new(custom::Custom::new(construct)));
        self
    }

    /// How many resources apply, plan and verify work on at once (1 to 64; 8 by default).
    pub fn concurrency(mut self, concurrency: usize) -> StackBuilder {
        self.concurrency = concurrency;
        self
    }

    /// Checks the stack's name, that every logical id is unique, that every dependency is in the
    /// stack and that there is no cycle (naming it if there is).
    pub fn build(self) -> Result<Stack> {
        let mut problems = self.problems;
        let name_ok = !self.name.is_empty()
            && self.name.len() <= 64
            && self
                .name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !self.name.starts_with('-');
        if !name_ok {
            problems.push(format!(
                "the stack name {:?} must be 1 to 64 lowercase letters, digits and '-'",
                self.name
            ));
        }
        if !(1..=64).contains(&self.concurrency) {
            problems.push(format!(
                "concurrency {} is outside 1 to 64",
                self.concurrency
            ));
        }
        if !problems.is_empty() {
            return Err(Error::Stack {
                stack: self.name,
                reason: problems.join("; "),
            });
        }
        let ids: Vec<LogicalId> = self.nodes.iter().map(|node| node.id().clone()).collect();
        let edges: Vec<Vec<LogicalId>> =
            self.nodes.iter().map(|node| node.dependencies()).collect();
        let graph = Graph::new(&self.name, &ids, &edges)?;
        let reversed = graph.reversed();
        Ok(Stack {
            inner: Arc::new(Inner {
                name: self.name,
                nodes: self.nodes,
                ids,
                graph,
                reversed,
                concurrency: self.concurrency,
                events: EventSender::default(),
            }),
        })
    }
}

/// A future for one node: its result and the outputs dependents may resolve.
type NodeWork<'a, T> = BoxFuture<'a, Result<(T, Option<ResourceOutputs>)>>;

impl Stack {
    /// Starts a stack named `name` (lowercase letters, digits and `-`; it is written into every
    /// resource's tags).
    pub fn builder(name: impl Into<String>) -> StackBuilder {
        StackBuilder {
            name: name.into(),
            nodes: Vec::new(),
            concurrency: DEFAULT_CONCURRENCY,
            problems: Vec::new(),
        }
    }

    /// The stack's name.
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// How many constructs it holds.
    pub fn len(&self) -> usize {
        self.inner.nodes.len()
    }

    /// True when it holds none.
    pub fn is_empty(&self) -> bool {
        self.inner.nodes.is_empty()
    }

    /// How many resources its operations work on at once.
    pub fn concurrency(&self) -> usize {
        self.inner.concurrency
    }

    /// The same stack with another concurrency (1 to 64), sharing nothing mutable.
    pub fn with_concurrency(&self, concurrency: usize) -> Result<Stack> {
        if !(1..=64).contains(&concurrency) {
            return Err(Error::Stack {
                stack: self.inner.name.clone(),
                reason: format!("concurrency {concurrency} is outside 1 to 64"),
            });
        }
        let inner = &self.inner;
        let nodes = inner.nodes.clone();
        Ok(Stack {
            inner: Arc::new(Inner {
                name: inner.name.clone(),
                nodes,
                ids: inner.ids.clone(),
                graph: inner.graph.clone(),
                reversed: inner.reversed.clone(),
                concurrency,
                events: inner.events.clone(),
            }),
        })
    }

    /// Progress events of every later plan, apply, verify, drift and destroy of this stack.
    ///
    /// ```no_run
    /// # use hipaa_aws::{HipaaKey, Stack};
    /// let stack = Stack::builder("acme").with(HipaaKey::builder().alias("phi").build()?).build()?;
    /// let mut events = stack.subscribe();
    /// tokio::spawn(async move {
    ///     while let Ok(event) = events.recv().await {
    ///         println!("{event:?}");
    ///     }
    /// });
    /// # Ok::<(), hipaa_aws::Error>(())
    /// ```
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<Event> {
        self.inner.events.subscribe()
    }

    /// The logical ids, dependencies first.
    pub fn logical_ids(&self) -> Vec<&LogicalId> {
        self.inner
            .graph
            .order
            .iter()
            .map(|&node| &self.inner.ids[node])
            .collect()
    }

    /// The logical ids `id` depends on directly.
    pub fn dependencies_of(&self, id: &LogicalId) -> Vec<&LogicalId> {
        self.position(id)
            .map(|node| {
                self.inner.graph.dependencies[node]
                    .iter()
                    .map(|&dep| &self.inner.ids[dep])
                    .collect()
            })
            .unwrap_or_default()
    }

    fn position(&self, id: &LogicalId) -> Option<usize> {
        self.inner.ids.iter().position(|candidate| candidate == id)
    }

    fn refuse_phi_without_baa(&self, env: &Environment) -> Result<()> {
        for node in &self.inner.nodes {
            if node.holds_phi() {
                env.require_baa(&format!("{} {:?}", node.kind(), node.name()))?;
            }
        }
        Ok(())
    }

    fn contributions(&self, env: &Environment) -> Vec<PolicyContribution> {
        self.attributed_contributions(env).all
    }

    fn attributed_contributions(&self, env: &Environment) -> Contributions {
        let empty = BTreeMap::new();
        let scope = base_scope(env, &self.inner.name, &empty, &[]);
        Contributions::collect(&self.inner.nodes, &scope)
    }

    /// The contributions of the stack, after refusing it if, with them merged, the desired
    /// state of any resource fails a control (so no contribution weakens a policy).
    fn judged_contributions(&self, env: &Environment) -> Result<Vec<PolicyContribution>> {
        let contributions = self.attributed_contributions(env);
        let empty = BTreeMap::new();
        let scope = base_scope(env, &self.inner.name, &empty, &contributions.all);
        refuse_weakened(&self.inner.nodes, &contributions, &scope)?;
        Ok(contributions.all)
    }

    /// Runs `work` on every node in dependency order (or its reverse), at most `concurrency`
    /// at once, sending `Started`, per-resource and `Finished` events.
    async fn run<'a, T, W, S>(
        &'a self,
        operation: Operation,
        reverse: bool,
        mut work: W,
        status_of: S,
    ) -> Result<Vec<(usize, T)>>
    where
        T: Send + 'a,
        W: FnMut(usize, BTreeMap<LogicalId, ResourceOutputs>) -> NodeWork<'a, T>,
        S: Fn(&T) -> ResourceStatus + Send + Sync + Copy + 'a,
    {
        let inner = &self.inner;
        let started = Instant::now();
        inner.events.send(Event::Started {
            operation,
            target: inner.name.clone(),
            resources: inner.nodes.len(),
        });
        let graph = if reverse {
            &inner.reversed
        } else {
            &inner.graph
        };
        let results =
            run_in_dependency_order(&inner.ids, graph, inner.concurrency, |node, outputs| {
                let future = work(node, outputs);
                let resource = self.node(node);
                self.emit(operation, resource, ResourceStatus::Started, started);
                async move {
                    let result = future.await;
                    let status = match &result {
                        Ok((value, _)) => status_of(value),
                        Err(error) => ResourceStatus::Failed {
                            error: error.to_string(),
                        },
                    };
                    self.emit(operation, resource, status, started);
                    result
                }
                .boxed()
            })
            .await;
        let succeeded = results.is_ok();
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        match &results {
            Ok(values) => {
                for (_, value) in values {
                    *counts
                        .entry(events::status_word(&status_of(value)).to_string())
                        .or_default() += 1;
                }
            }
            Err(failures) => {
                counts.insert("failed".to_string(), failures.len());
            }
        }
        inner.events.send(Event::Finished {
            operation,
            counts: counts.into_iter().collect(),
            succeeded,
            elapsed: started.elapsed(),
        });
        results.map_err(|failures| self.first_failure(failures))
    }

    fn emit(
        &self,
        operation: Operation,
        node: &dyn Node,
        status: ResourceStatus,
        started: Instant,
    ) {
        self.inner.events.send(Event::Resource {
            operation,
            id: node.id().clone(),
            kind: node.kind(),
            name: node.name().to_string(),
            status,
            elapsed: started.elapsed(),
        });
    }

    /// Reads the live state of every resource and compares it with the stack. Changes nothing.
    pub async fn plan(&self, env: &Environment) -> Result<Plan> {
        self.refuse_phi_without_baa(env)?;
        let started = Instant::now();
        let calls_before = env.api_calls();
        let contributions = self.judged_contributions(env)?;
        let inner = &self.inner;
        let contributions = &contributions;
        let placement = placement::Placement::new(env, &inner.nodes);
        let placement = &placement;
        let results = self
            .run(
                Operation::Plan,
                false,
                |node, outputs| {
                    async move {
                        let env = placement.env(node);
                        let scope = base_scope(env, &inner.name, &outputs, contributions);
                        let plan = inner.nodes[node].plan(Ctx::new(env, scope)).await?;
                        let found = plan.outputs.clone();
                        Ok((plan, found))
                    }
                    .boxed()
                },
                |plan: &NodePlan| match (plan.exists, plan.changes.len()) {
                    (false, _) => ResourceStatus::PlannedCreate,
                    (true, 0) => ResourceStatus::Unchanged,
                    (true, changes) => ResourceStatus::PlannedUpdate { changes },
                },
            )
            .await?;
        let resources = self.in_order(results, |node, plan| {
            PlannedResource::new(self.node(node), plan)
        });
        Ok(Plan {
            stack: self.clone(),
            stack_name: inner.name.clone(),
            account_id: env.account_id().to_string(),
            region: env.region().to_string(),
            resources,
            elapsed: started.elapsed(),
            api_calls: env.api_calls().since(&calls_before),
        })
    }

    /// Makes every missing resource and restores every differing setting, in dependency order,
    /// independent resources at once. Each resource is read just before it is changed, so
    /// running it again after an interruption finishes the work without duplicates.
    pub async fn apply(&self, env: &Environment) -> Result<ApplyReport> {
        self.apply_with(env, &ApplyOptions::new()).await
    }

    /// [`Stack::apply`] with `options`: the resources the caller consents to replace (a
    /// database whose engine or key changed). Without consent such a change is refused.
    pub async fn apply_with(
        &self,
        env: &Environment,
        options: &ApplyOptions,
    ) -> Result<ApplyReport> {
        Ok(self.apply_nodes(env, options).await?.0)
    }

    /// [`Stack::apply_with`], then [`Stack::verify`], in one call. When apply wrote nothing at
    /// all (no mutating call), verify judges the live states apply has just read instead of
    /// reading every resource again; after any write it reads everything again, since one
    /// resource's change can touch another's state (a grant attaches to a role).
    pub async fn apply_and_verify(
        &self,
        env: &Environment,
        options: &ApplyOptions,
    ) -> Result<(ApplyReport, VerifyReport)> {
        let (applied, read) = self.apply_nodes(env, options).await?;
        let reused = if applied.api_calls.mutating() == 0 {
            read
        } else {
            BTreeMap::new()
        };
        let verified = self.verify_reusing(env, &reused).await?;
        Ok((applied, verified))
    }

    /// Applies every node; also returns, per node apply left unchanged, the verdicts on the
    /// live state it read.
    async fn apply_nodes(
        &self,
        env: &Environment,
        options: &ApplyOptions,
    ) -> Result<(ApplyReport, BTreeMap<usize, node::NodeVerified>)> {
        options.check_names(self)?;
        self.refuse_phi_without_baa(env)?;
        let started = Instant::now();
        let calls_before = env.api_calls();
        let contributions = self.judged_contributions(env)?;
        let inner = &self.inner;
        let stack = self;
        let contributions = &contributions;
        let placement = placement::Placement::new(env, &inner.nodes);
        let placement = &placement;
        let results = self
            .run(
                Operation::Apply,
                false,
                |node, outputs| {
                    async move {
                        let env = placement.env(node);
                        let scope = base_scope(env, &inner.name, &outputs, contributions);
                        let node_started = Instant::now();
                        let span = tracing::info_span!("apply", resource = %inner.ids[node]);
                        let consented = options.consents_to(inner.nodes[node].as_ref());
                        let probe = usage::UsageProbe {
                            stack,
                            placement,
                            outputs: &outputs,
                            contributions,
                            asking: node,
                        };
                        let ctx = Ctx::new(env, scope).with_usage(&probe);
                        let applied = tracing::Instrument::instrument(
                            inner.nodes[node].apply(ctx, consented),
                            span,
                        )
                        .await?;
                        let outputs = applied.outputs.clone();
                        Ok(((applied, node_started.elapsed()), Some(outputs)))
                    }
                    .boxed()
                },
                |(applied, _): &(NodeApplied, Duration)| match (
                    applied.created,
                    applied.changes.len(),
                ) {
                    (true, _) => ResourceStatus::Created,
                    (false, 0) => ResourceStatus::Unchanged,
                    (false, changes) => ResourceStatus::Updated { changes },
                },
            )
            .await?;
        let mut read = BTreeMap::new();
        let resources = self.in_order(results, |node, (mut applied, elapsed)| {
            if let Some(verified) = applied.verified.take() {
                read.insert(node, verified);
            }
            AppliedResource::new(self.node(node), applied, elapsed)
        });
        let report = ApplyReport {
            stack_name: inner.name.clone(),
            account_id: env.account_id().to_string(),
            region: env.region().to_string(),
            resources,
            elapsed: started.elapsed(),
            api_calls: env.api_calls().since(&calls_before),
        };
        Ok((report, read))
    }

    /// Reads every resource back and judges each control against what AWS returns.
    pub async fn verify(&self, env: &Environment) -> Result<VerifyReport> {
        self.verify_reusing(env, &BTreeMap::new()).await
    }

    /// Verify, judging the nodes in `reused` by the verdicts given instead of reading them.
    async fn verify_reusing(
        &self,
        env: &Environment,
        reused: &BTreeMap<usize, node::NodeVerified>,
    ) -> Result<VerifyReport> {
        let started = Instant::now();
        let calls_before = env.api_calls();
        let contributions = self.contributions(env);
        let inner = &self.inner;
        let contributions = &contributions;
        let placement = placement::Placement::new(env, &inner.nodes);
        let placement = &placement;
        let results = self
            .run(
                Operation::Verify,
                false,
                |node, outputs| {
                    async move {
                        if let Some(verified) = reused.get(&node) {
                            return Ok((verified.clone(), verified.outputs.clone()));
                        }
                        let env = placement.env(node);
                        let scope = base_scope(env, &inner.name, &outputs, contributions);
                        let verified = inner.nodes[node].verify(Ctx::new(env, scope)).await?;
                        let outputs = verified.outputs.clone();
                        Ok((verified, outputs))
                    }
                    .boxed()
                },
                |verified: &node::NodeVerified| {
                    let failed = verified
                        .checks
                        .iter()
                        .filter(|check| {
                            matches!(check.status, crate::Status::Fail | crate::Status::Error)
                        })
                        .count();
                    ResourceStatus::Verified {
                        passed: verified.checks.len() - failed,
                        failed,
                    }
                },
            )
            .await?;
        let resources = self.in_order(results, |node, verified| {
            VerifiedResource::new(self.node(node), verified)
        });
        Ok(VerifyReport {
            stack_name: inner.name.clone(),
            account_id: env.account_id().to_string(),
            region: env.region().to_string(),
            resources,
            elapsed: started.elapsed(),
            api_calls: env.api_calls().since(&calls_before),
        })
    }

    /// Lists every setting that differs between the stack and the account, with the controls
    /// each difference breaks. [`Stack::plan`] shows how apply would restore them.
    pub async fn drift(&self, env: &Environment) -> Result<DriftReport> {
        let started = Instant::now();
        let contributions = self.contributions(env);
        let inner = &self.inner;
        let contributions = &contributions;
        let placement = placement::Placement::new(env, &inner.nodes);
        let placement = &placement;
        let results = self
            .run(
                Operation::Drift,
                false,
                |node, outputs| {
                    async move {
                        let env = placement.env(node);
                        let scope = base_scope(env, &inner.name, &outputs, contributions);
                        let drift = inner.nodes[node].drift(Ctx::new(env, scope)).await?;
                        let outputs = drift.outputs.clone();
                        Ok((drift, outputs))
                    }
                    .boxed()
                },
                |drift: &node::NodeDrift| match (drift.exists, drift.changes.len()) {
                    (false, _) => ResourceStatus::Absent,
                    (true, 0) => ResourceStatus::Unchanged,
                    (true, changes) => ResourceStatus::PlannedUpdate { changes },
                },
            )
            .await?;
        let results = self.in_order(results, |node, drift| (node, drift));
        Ok(DriftReport::new(
            &inner.name,
            env,
            results
                .into_iter()
                .map(|(node, drift)| (self.node(node), drift))
                .collect(),
            started.elapsed(),
        ))
    }

    /// Deletes the stack's resources in reverse dependency order, keeping by default every
    /// resource that holds PHI or evidence (a bucket with objects, log buckets, keys, trails,
    /// databases) unless `options` consents to it by name; a resource is also kept while a kept
    /// resource depends on it. The report says what was deleted, what was kept and why.
    pub async fn destroy(
        &self,
        env: &Environment,
        options: &DestroyOptions,
    ) -> Result<DestroyReport> {
        let started = Instant::now();
        let calls_before = env.api_calls();
        options.check_names(self)?;
        let contributions = self.contributions(env);
        let inner = &self.inner;
        let contributions = &contributions;
        let placement = placement::Placement::new(env, &inner.nodes);
        let placement = &placement;
        let kept = std::sync::Mutex::new(std::collections::BTreeSet::new());
        let kept = &kept;
        let results = self
            .run(
                Operation::Destroy,
                true,
                |node, outputs| {
                    async move {
                        // Dependents (this node's dependencies in the reversed graph) finished
                        // first; if one was kept, it still needs this resource.
                        let kept_dependent = {
                            let kept = kept.lock().map_err(|_| Error::Stack {
                                stack: inner.name.clone(),
                                reason: "destroy bookkeeping failed".to_string(),
                            })?;
                            inner.reversed.dependencies[node]
                                .iter()
                                .find(|dependent| kept.contains(*dependent))
                                .map(|&dependent| inner.ids[dependent].clone())
                        };
                        let removal = match kept_dependent {
                            Some(dependent) => {
                                NodeRemoval::Kept(format!("{dependent} is kept and depends on it"))
                            }
                            None => {
                                let env = placement.env(node);
                                let scope = base_scope(env, &inner.name, &outputs, contributions);
                                let consented = options.consents_to(inner.nodes[node].as_ref());
                                inner.nodes[node]
                                    .destroy(Ctx::new(env, scope), consented)
                                    .await?
                            }
                        };
                        if matches!(removal, NodeRemoval::Kept(_))
                            && let Ok(mut kept) = kept.lock()
                        {
                            kept.insert(node);
                        }
                        Ok((removal, None))
                    }
                    .boxed()
                },
                |removal: &NodeRemoval| match removal {
                    NodeRemoval::Absent => ResourceStatus::Absent,
                    NodeRemoval::Deleted => ResourceStatus::Deleted,
                    NodeRemoval::Kept(reason) => ResourceStatus::Kept {
                        reason: reason.clone(),
                    },
                },
            )
            .await?;
        let mut resources: Vec<DestroyedResource> = results
            .into_iter()
            .map(|(node, removal)| DestroyedResource::new(self.node(node), removal))
            .collect();
        let rank: BTreeMap<&LogicalId, usize> = inner
            .reversed
            .order
            .iter()
            .enumerate()
            .map(|(rank, &node)| (&inner.ids[node], rank))
            .collect();
        resources.sort_by_key(|resource| rank.get(&resource.id).copied().unwrap_or(usize::MAX));
        Ok(DestroyReport {
            stack_name: inner.name.clone(),
            account_id: env.account_id().to_string(),
            region: env.region().to_string(),
            resources,
            elapsed: started.elapsed(),
            api_calls: env.api_calls().since(&calls_before),
        })
    }

    pub(crate) fn nodes(&self) -> impl Iterator<Item = &dyn Node> {
        self.inner.nodes.iter().map(|node| node.as_ref())
    }

    fn node(&self, index: usize) -> &dyn Node {
        self.inner.nodes[index].as_ref()
    }

    fn in_order<T, R>(
        &self,
        mut results: Vec<(usize, T)>,
        mut convert: impl FnMut(usize, T) -> R,
    ) -> Vec<R> {
        let rank: BTreeMap<usize, usize> = self
            .inner
            .graph
            .order
            .iter()
            .enumerate()
            .map(|(rank, &node)| (node, rank))
            .collect();
        results.sort_by_key(|(node, _)| rank.get(node).copied().unwrap_or(usize::MAX));
        results
            .into_iter()
            .map(|(node, value)| convert(node, value))
            .collect()
    }

    fn first_failure(&self, failures: Vec<(usize, Error)>) -> Error {
        let count = failures.len();
        let mut failures = failures.into_iter();
        match failures.next() {
            Some((node, error)) => {
                for (other, later) in failures {
                    tracing::error!(resource = %self.inner.ids[other], error = %later, "also failed");
                }
                if count > 1 {
                    tracing::error!(resource = %self.inner.ids[node], "first of {count} failures");
                }
                error
            }
            None => Error::Stack {
                stack: self.inner.name.clone(),
                reason: "failed without an error".to_string(),
            },
        }
    }
}

fn base_scope<'a>(
    env: &'a Environment,
    stack: &'a str,
    outputs: &'a BTreeMap<LogicalId, ResourceOutputs>,
    contributions: &'a [PolicyContribution],
) -> Scope<'a> {
    Scope {
        account_id: env.account_id(),
        partition: env.partition(),
        region: env.region(),
        stack,
        home_region: env.region(),
        user_tags: env.tags(),
        outputs,
        contributions,
    }
}
