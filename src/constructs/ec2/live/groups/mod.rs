//! Security groups and their rules: `rules` reads a group's rules (any group, for the audit
//! too) and brings them to a declared set; `group` makes, reads, updates and deletes the group
//! of a spec, and reads every group of the account.

mod group;
mod rules;

pub use group::read_security_groups;
pub(crate) use group::{
    create_group, create_rules, delete_group, make_empty_group, read_group, read_rules_of,
    update_group,
};
pub(crate) use rules::{converge_rules, read_rules};
