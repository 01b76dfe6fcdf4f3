//! Where each resource of a stack lives: the stack's region, or the region its construct is
//! placed in (a copy vault and its key in a second region). One environment per region is
//! made per operation and shared by the nodes placed there.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::construct::Scope;
use crate::env::Environment;

use super::node::Node;

/// The environment of every node of a stack for one operation.
pub(crate) struct Placement<'a> {
    home: &'a Environment,
    elsewhere: BTreeMap<String, Environment>,
    regions: Vec<Option<String>>,
}

impl<'a> Placement<'a> {
    /// The environments `nodes` need: `home` and one per other region a node is placed in.
    pub fn new(home: &'a Environment, nodes: &[Arc<dyn Node>]) -> Placement<'a> {
        let regions: Vec<Option<String>> = nodes
            .iter()
            .map(|node| {
                node.region()
                    .filter(|region| *region != home.region())
                    .map(str::to_string)
            })
            .collect();
        let elsewhere = regions
            .iter()
            .flatten()
            .map(|region| (region.clone(), home.in_region(region)))
            .collect();
        Placement {
            home,
            elsewhere,
            regions,
        }
    }

    /// The environment node `index` works in.
    pub fn env(&self, index: usize) -> &Environment {
        self.regions
            .get(index)
            .and_then(Option::as_ref)
            .and_then(|region| self.elsewhere.get(region))
            .unwrap_or(self.home)
    }
}

/// `scope` as seen by a node placed in `region` (the same scope when it is not placed).
pub(crate) fn placed<'s>(scope: &Scope<'s>, region: Option<&'s str>) -> Scope<'s> {
    Scope {
        region: region.unwrap_or(scope.region),
        ..*scope
    }
}
