// Every password needs all four character classes: none can be dropped.
use hipaa_aws::AccountPasswordPolicy;

fn main() {
    let _ = AccountPasswordPolicy::builder().require_symbols(false).build();
}
