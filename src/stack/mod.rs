//! [`Stack`]: constructs composed into one architecture, planned, applied and verified against
//! an account in dependency order.

mod graph;
mod node;
mod reports;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use futures::FutureExt;

use crate::construct::{Construct, Ctx, LogicalId, PolicyContribution, ResourceOutputs, Scope};
use crate::env::Environment;
use crate::error::{Error, Result};

use graph::{run_in_dependency_order, Graph};
use node::Node;
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
    nodes: Vec<Box<dyn Node>>,
    ids: Vec<LogicalId>,
    graph: Graph,
    concurrency: usize,
}

/// Collects constructs into a [`Stack`].
#[derive(Debug)]
pub struct StackBuilder {
    name: String,
    nodes: Vec<Box<dyn Node>>,
    concurrency: usize,
}

impl StackBuilder {
    /// Adds a construct.
    #[allow(clippy::should_implement_trait)]
    pub fn with<C: Construct>(mut self, construct: C) -> StackBuilder {
        self.nodes.push(Box::new(construct));
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
        let mut problems = Vec::new();
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
        Ok(Stack {
            inner: Arc::new(Inner {
                name: self.name,
                nodes: self.nodes,
                ids,
                graph,
                concurrency: self.concurrency,
            }),
        })
    }
}

impl Stack {
    /// Starts a stack named `name` (lowercase letters, digits and `-`; it is written into every
    /// resource's tags).
    pub fn builder(name: impl Into<String>) -> StackBuilder {
        StackBuilder {
            name: name.into(),
            nodes: Vec::new(),
            concurrency: DEFAULT_CONCURRENCY,
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
        let empty = BTreeMap::new();
        let scope = base_scope(env, &self.inner.name, &empty, &[]);
        self.inner
            .nodes
            .iter()
            .flat_map(|node| node.policy_contributions(&scope))
            .collect()
    }

    /// Reads the live state of every resource and compares it with the stack. Changes nothing.
    pub async fn plan(&self, env: &Environment) -> Result<Plan> {
        self.refuse_phi_without_baa(env)?;
        let started = Instant::now();
        let calls_before = env.api_calls();
        let contributions = self.contributions(env);
        let inner = &self.inner;
        let results = run_in_dependency_order(
            &inner.ids,
            &inner.graph,
            inner.concurrency,
            |node, outputs| {
                let contributions = &contributions;
                async move {
                    let scope = base_scope(env, &inner.name, &outputs, contributions);
                    let ctx = Ctx { env, scope };
                    let plan = inner.nodes[node].plan(ctx).await?;
                    let found = plan.outputs.clone();
                    Ok((plan, found))
                }
                .boxed()
            },
        )
        .await
        .map_err(|failures| self.first_failure(failures))?;
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

    /// Plans, then makes every missing resource and restores every differing setting, in
    /// dependency order. Running it again after an interruption finishes the work.
    pub async fn apply(&self, env: &Environment) -> Result<ApplyReport> {
        self.refuse_phi_without_baa(env)?;
        let started = Instant::now();
        let calls_before = env.api_calls();
        let contributions = self.contributions(env);
        let inner = &self.inner;
        let results = run_in_dependency_order(
            &inner.ids,
            &inner.graph,
            inner.concurrency,
            |node, outputs| {
                let contributions = &contributions;
                async move {
                    let scope = base_scope(env, &inner.name, &outputs, contributions);
                    let ctx = Ctx { env, scope };
                    let node_started = Instant::now();
                    let span = tracing::info_span!("apply", resource = %inner.ids[node]);
                    let applied =
                        tracing::Instrument::instrument(inner.nodes[node].apply(ctx), span).await?;
                    let outputs = applied.outputs.clone();
                    Ok(((applied, node_started.elapsed()), Some(outputs)))
                }
                .boxed()
            },
        )
        .await
        .map_err(|failures| self.first_failure(failures))?;
        let resources = self.in_order(results, |node, (applied, elapsed)| {
            AppliedResource::new(self.node(node), applied, elapsed)
        });
        Ok(ApplyReport {
            stack_name: inner.name.clone(),
            account_id: env.account_id().to_string(),
            region: env.region().to_string(),
            resources,
            elapsed: started.elapsed(),
            api_calls: env.api_calls().since(&calls_before),
        })
    }

    /// Reads every resource back and judges each control against what AWS returns.
    pub async fn verify(&self, env: &Environment) -> Result<VerifyReport> {
        let started = Instant::now();
        let calls_before = env.api_calls();
        let contributions = self.contributions(env);
        let inner = &self.inner;
        let results = run_in_dependency_order(
            &inner.ids,
            &inner.graph,
            inner.concurrency,
            |node, outputs| {
                let contributions = &contributions;
                async move {
                    let scope = base_scope(env, &inner.name, &outputs, contributions);
                    let ctx = Ctx { env, scope };
                    let verified = inner.nodes[node].verify(ctx).await?;
                    let outputs = verified.outputs.clone();
                    Ok((verified, outputs))
                }
                .boxed()
            },
        )
        .await
        .map_err(|failures| self.first_failure(failures))?;
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
        user_tags: env.tags(),
        outputs,
        contributions,
    }
}
