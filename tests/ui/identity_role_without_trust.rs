// A role must say who may assume it.
use hipaa_aws::HipaaRole;

fn main() {
    let _ = HipaaRole::builder().name("app").build();
}
