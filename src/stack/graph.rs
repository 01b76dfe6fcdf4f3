//! The dependency graph of a stack: validation (duplicates, missing dependencies, cycles), a
//! topological order, and a scheduler that runs each node as soon as its dependencies are done,
//! a bounded number at a time.

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::pin::Pin;

use futures::stream::{FuturesUnordered, StreamExt};

use crate::construct::{LogicalId, ResourceOutputs};
use crate::error::{Error, Result};

/// Indices of each node's dependencies, validated.
#[derive(Debug, Clone)]
pub(crate) struct Graph {
    pub dependencies: Vec<Vec<usize>>,
    /// A topological order (dependencies first), stable for equal ranks.
    pub order: Vec<usize>,
}

impl Graph {
    /// Checks the ids and edges, and finds an order. Every problem is named.
    pub fn new(stack: &str, ids: &[LogicalId], edges: &[Vec<LogicalId>]) -> Result<Graph> {
        let mut index: HashMap<&LogicalId, usize> = HashMap::new();
        let mut problems = Vec::new();
        for (position, id) in ids.iter().enumerate() {
            if index.insert(id, position).is_some() {
                problems.push(format!("{id} is added twice"));
            }
        }
        let mut dependencies = Vec::with_capacity(ids.len());
        for (position, needs) in edges.iter().enumerate() {
            let mut resolved = Vec::new();
            for need in needs {
                match index.get(need) {
                    Some(&target) if target != position => resolved.push(target),
                    Some(_) => problems.push(format!("{need} depends on itself")),
                    None => problems.push(format!(
                        "{} needs {need}, which is not in the stack: add it with .with(..)",
                        ids[position]
                    )),
                }
            }
            resolved.sort_unstable();
            resolved.dedup();
            dependencies.push(resolved);
        }
        if !problems.is_empty() {
            return Err(Error::Stack {
                stack: stack.to_string(),
                reason: problems.join("; "),
            });
        }
        let order = topological_order(&dependencies).map_err(|cycle| Error::Stack {
            stack: stack.to_string(),
            reason: format!(
                "dependency cycle: {}",
                cycle
                    .iter()
                    .map(|&node| ids[node].to_string())
                    .collect::<Vec<_>>()
                    .join(" -> ")
            ),
        })?;
        Ok(Graph {
            dependencies,
            order,
        })
    }
}

impl Graph {
    /// The same nodes with every edge turned around: dependents first.
    pub fn reversed(&self) -> Graph {
        let count = self.dependencies.len();
        let mut dependents = vec![Vec::new(); count];
        for (node, needs) in self.dependencies.iter().enumerate() {
            for &need in needs {
                dependents[need].push(node);
            }
        }
        let order = self.order.iter().rev().copied().collect();
        Graph {
            dependencies: dependents,
            order,
        }
    }
}

/// Kahn's algorithm; on a cycle, returns one cycle's nodes (first repeated at the end).
fn topological_order(dependencies: &[Vec<usize>]) -> std::result::Result<Vec<usize>, Vec<usize>> {
    let count = dependencies.len();
    let mut remaining: Vec<usize> = dependencies.iter().map(Vec::len).collect();
    let mut order = Vec::with_capacity(count);
    let mut ready: Vec<usize> = (0..count).filter(|&node| remaining[node] == 0).collect();
    ready.reverse();
    while let Some(node) = ready.pop() {
        order.push(node);
        let mut newly_ready = Vec::new();
        for (other, needs) in dependencies.iter().enumerate() {
            if needs.contains(&node) {
                remaining[other] -= 1;
                if remaining[other] == 0 {
                    newly_ready.push(other);
                }
            }
        }
        newly_ready.sort_unstable_by(|a, b| b.cmp(a));
        ready.extend(newly_ready);
        ready.sort_unstable_by(|a, b| b.cmp(a));
    }
    if order.len() == count {
        return Ok(order);
    }
    // Walk dependencies from any unfinished node until one repeats: that is a cycle.
    let mut path: Vec<usize> = Vec::new();
    let mut node = (0..count).find(|&n| remaining[n] > 0).unwrap_or(0);
    loop {
        if let Some(start) = path.iter().position(|&seen| seen == node) {
            let mut cycle = path[start..].to_vec();
            cycle.push(node);
            return Err(cycle);
        }
        path.push(node);
        node = match dependencies[node].iter().find(|&&dep| remaining[dep] > 0) {
            Some(&dep) => dep,
            None => return Err(path),
        };
    }
}

type NodeFuture<'a, T> =
    Pin<Box<dyn Future<Output = (usize, Result<(T, Option<ResourceOutputs>)>)> + Send + 'a>>;

/// Runs `start` for every node, each as soon as all its dependencies finished, at most
/// `concurrency` at once. Each node sees the outputs of every node finished before it started.
/// After the first failure no new node starts; those running finish, and every failure is
/// returned (the first one first).
pub(crate) async fn run_in_dependency_order<'a, T, F>(
    ids: &[LogicalId],
    graph: &Graph,
    concurrency: usize,
    mut start: F,
) -> std::result::Result<Vec<(usize, T)>, Vec<(usize, Error)>>
where
    T: Send + 'a,
    F: FnMut(
        usize,
        BTreeMap<LogicalId, ResourceOutputs>,
    )
        -> Pin<Box<dyn Future<Output = Result<(T, Option<ResourceOutputs>)>> + Send + 'a>>,
{
    let count = graph.dependencies.len();
    let concurrency = concurrency.max(1);
    let mut outputs: BTreeMap<LogicalId, ResourceOutputs> = BTreeMap::new();
    let mut finished = vec![false; count];
    let mut started = vec![false; count];
    let mut running: FuturesUnordered<NodeFuture<'a, T>> = FuturesUnordered::new();
    let mut results = Vec::with_capacity(count);
    let mut failures = Vec::new();
    loop {
        if failures.is_empty() {
            for &node in &graph.order {
                if running.len() >= concurrency {
                    break;
                }
                let ready =
                    !started[node] && graph.dependencies[node].iter().all(|&dep| finished[dep]);
                if ready {
                    started[node] = true;
                    let future = start(node, outputs.clone());
                    running.push(Box::pin(async move { (node, future.await) }));
                }
            }
        }
        let Some((node, result)) = running.next().await else {
            break;
        };
        finished[node] = true;
        match result {
            Ok((value, node_outputs)) => {
                if let Some(node_outputs) = node_outputs {
                    outputs.insert(ids[node].clone(), node_outputs);
                }
                results.push((node, value));
            }
            Err(error) => failures.push((node, error)),
        }
    }
    if failures.is_empty() {
        Ok(results)
    } else {
        Err(failures)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(names: &[&str]) -> Vec<LogicalId> {
        names.iter().map(|name| LogicalId::new("t", name)).collect()
    }

    #[test]
    fn orders_dependencies_first() -> Result<()> {
        let ids = ids(&["bucket", "key", "logs"]);
        let edges = vec![
            vec![ids[1].clone(), ids[2].clone()],
            vec![],
            vec![ids[1].clone()],
        ];
        let graph = Graph::new("s", &ids, &edges)?;
        assert_eq!(graph.order, vec![1, 2, 0]);
        Ok(())
    }

    #[test]
    fn names_the_cycle() {
        let ids = ids(&["a", "b", "c"]);
        let edges = vec![
            vec![ids[1].clone()],
            vec![ids[2].clone()],
            vec![ids[0].clone()],
        ];
        let error = Graph::new("s", &ids, &edges)
            .map(|_| ())
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            error.as_deref(),
            Some("stack s: dependency cycle: t/a -> t/b -> t/c -> t/a")
        );
    }

    #[test]
    fn refuses_duplicates_and_missing_dependencies() {
        let ids = ids(&["a", "a"]);
        let edges = vec![vec![LogicalId::new("t", "zzz")], vec![]];
        let message = Graph::new("s", &ids, &edges)
            .map(|_| ())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(message.contains("t/a is added twice"), "{message}");
        assert!(
            message.contains("t/zzz, which is not in the stack"),
            "{message}"
        );
    }
}
