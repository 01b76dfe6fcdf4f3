// There is no way to turn a VPC's flow logs off.
use hipaa_aws::{HipaaKey, HipaaVpc, LogBucket};

fn main() {
    let key = HipaaKey::builder().alias("logs").build().unwrap();
    let logs = LogBucket::builder().name("acme-logs").key(&key).build().unwrap();
    let _ = HipaaVpc::builder()
        .name("prod")
        .cidr("10.20.0.0/16")
        .flow_logs_to(&logs)
        .flow_logs(false)
        .build();
}
