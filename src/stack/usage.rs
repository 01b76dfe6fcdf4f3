//! What the other resources of a stack use: the view a construct gets during apply, so it never
//! removes something (a twin key) that another resource of the stack still names.

use std::collections::BTreeMap;
use std::fmt;

use futures::future::BoxFuture;
use futures::FutureExt;

use super::placement::Placement;
use crate::construct::{Ctx, LogicalId, PolicyContribution, ResourceOutputs, StackUsage};
use crate::error::Result;

use super::{base_scope, Stack};

/// Answers [`StackUsage`] for one resource of a stack by reading every other resource.
#[cfg_attr(not(feature = "kms"), allow(dead_code))] // asked by keys
pub(super) struct UsageProbe<'a> {
    pub stack: &'a Stack,
    pub placement: &'a Placement<'a>,
    pub outputs: &'a BTreeMap<LogicalId, ResourceOutputs>,
    pub contributions: &'a [PolicyContribution],
    /// The resource asking, left out of the answer.
    pub asking: usize,
}

impl fmt::Debug for UsageProbe<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UsageProbe")
            .field("stack", &self.stack.name())
            .field("asking", &self.asking)
            .finish()
    }
}

/// True when a setting's value names one of `values` (a key id appears inside its ARN too).
pub(super) fn names_any(value: &str, values: &[String]) -> bool {
    values
        .iter()
        .any(|wanted| !wanted.is_empty() && value.contains(wanted.as_str()))
}

impl StackUsage for UsageProbe<'_> {
    fn used_by<'a>(&'a self, values: &'a [String]) -> BoxFuture<'a, Result<Option<LogicalId>>> {
        async move {
            for (index, node) in self.stack.nodes().enumerate() {
                if index == self.asking {
                    continue;
                }
                let env = self.placement.env(index);
                let scope = base_scope(env, self.stack.name(), self.outputs, self.contributions);
                let settings = node.live_settings(Ctx::new(env, scope)).await?;
                let uses = settings.is_some_and(|settings| {
                    settings
                        .iter()
                        .any(|setting| names_any(&setting.value, values))
                });
                if uses {
                    return Ok(Some(node.id().clone()));
                }
            }
            Ok(None)
        }
        .boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::names_any;

    #[test]
    fn a_setting_names_a_key_by_id_or_arn() {
        let values = vec![
            "1234abcd-0000-0000-0000-000000000000".to_string(),
            "arn:aws:kms:us-east-1:111122223333:key/1234abcd-0000-0000-0000-000000000000"
                .to_string(),
        ];
        assert!(names_any(
            r#"{"algorithm":"aws:kms","kms_key":"arn:aws:kms:us-east-1:111122223333:key/1234abcd-0000-0000-0000-000000000000"}"#,
            &values
        ));
        assert!(names_any("1234abcd-0000-0000-0000-000000000000", &values));
        assert!(!names_any(
            "arn:aws:kms:us-east-1:111122223333:key/ffffffff-0000-0000-0000-000000000000",
            &values
        ));
        // An empty value never matches everything.
        assert!(!names_any("anything", &[String::new()]));
    }
}
