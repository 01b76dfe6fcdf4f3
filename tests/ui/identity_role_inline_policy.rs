// A role cannot carry an inline policy: permissions come only from customer-managed policies.
use hipaa_aws::{HipaaRole, Trust};

fn main() {
    let _ = HipaaRole::builder()
        .name("app")
        .trust(Trust::service("ecs-tasks.amazonaws.com"))
        .inline_policy(r#"{"Version":"2012-10-17","Statement":[]}"#)
        .build();
}
