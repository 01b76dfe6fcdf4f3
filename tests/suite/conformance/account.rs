//! Account-wide controls: the stack tags every managed resource carries (the BAA and the
//! environment's reserved tags are judged live, in `live.rs`, because the environment is
//! built asynchronously).

use std::collections::BTreeMap;

use hipaa_aws::construct::tags_check;
use hipaa_aws::{ControlId as C, Status};

use super::Case;

const F: &str = "account";

fn tags(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn judge(name: &str, expected: Status, pairs: &[(&str, &str)]) -> Case {
    Case::eval(
        F,
        "construct::tags_check",
        name,
        C::ManagedResourceTagged,
        expected,
        vec![tags_check(&tags(pairs))],
    )
}

pub fn cases() -> Vec<Case> {
    use Status::*;
    vec![
        judge(
            "stack and logical-id tags",
            Pass,
            &[
                ("hipaa-aws:stack", "s"),
                ("hipaa-aws:logical-id", "key/phi"),
            ],
        ),
        judge("no tags", Fail, &[]),
        judge("stack tag only", Fail, &[("hipaa-aws:stack", "s")]),
        judge(
            "logical-id tag only",
            Fail,
            &[("hipaa-aws:logical-id", "key/phi")],
        ),
        judge(
            "an empty stack tag",
            Fail,
            &[("hipaa-aws:stack", ""), ("hipaa-aws:logical-id", "key/phi")],
        )
        .edge(),
    ]
}
