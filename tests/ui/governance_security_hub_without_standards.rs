// Security Hub is always subscribed to the foundational and CIS standards: there is no setter
// that drops them or enables AWS's default set instead.
use hipaa_aws::SecurityHub;

fn main() {
    let _ = SecurityHub::builder().enable_default_standards(true).build();
}
