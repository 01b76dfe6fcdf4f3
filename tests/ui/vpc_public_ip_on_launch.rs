// No subnet of a VPC hands out public IP addresses: there is no setter for it.
use hipaa_aws::{HipaaKey, HipaaVpc, LogBucket};

fn main() {
    let key = HipaaKey::builder().alias("logs").build().unwrap();
    let logs = LogBucket::builder().name("acme-logs").key(&key).build().unwrap();
    let _ = HipaaVpc::builder()
        .name("prod")
        .cidr("10.20.0.0/16")
        .flow_logs_to(&logs)
        .map_public_ip_on_launch(true)
        .build();
}
