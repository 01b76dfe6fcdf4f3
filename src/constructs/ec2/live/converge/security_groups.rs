//! The security groups of a VPC: the locked default group and the interface endpoints'
//! group, with the rule machinery shared with standalone groups.

use crate::error::{Error, Result};

use super::super::super::state::{GroupRulesState, DEFAULT_PART};
use super::super::groups::{converge_rules, make_empty_group};
use super::super::util::SERVICE;
use super::Converge;

impl Converge<'_> {
    pub(super) async fn security_groups(&mut self) -> Result<()> {
        let desired = self.desired;
        for (name, wanted) in &desired.security_groups {
            if !self.changed(&format!("security_group.{name}")) {
                continue;
            }
            let live = match self.live.security_groups.get(name).cloned() {
                Some(live) => live,
                None if name == DEFAULT_PART => {
                    return Err(Error::unexpected(
                        SERVICE,
                        "DescribeSecurityGroups",
                        format!("{} has no default security group", self.vpc_id()),
                    ))
                }
                None => {
                    let id = make_empty_group(
                        self.ctx.env,
                        &self.resource,
                        self.vpc_id(),
                        &wanted.name,
                        &format!("hipaa-aws: {} of vpc {}", name, self.vpc.name()),
                        &self.part_tags("security-group", name),
                    )
                    .await?;
                    GroupRulesState {
                        id,
                        name: wanted.name.clone(),
                        rules: Vec::new(),
                    }
                }
            };
            converge_rules(
                self.ctx.env,
                &self.resource,
                &live.id,
                &live.rules,
                &wanted.rules,
            )
            .await?;
            self.live.security_groups.insert(
                name.clone(),
                GroupRulesState {
                    rules: wanted.rules.clone(),
                    ..live
                },
            );
        }
        Ok(())
    }
}
