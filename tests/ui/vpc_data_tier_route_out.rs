// The data tier has no route out of the VPC: there is no setter that gives it one.
use hipaa_aws::{Egress, HipaaKey, HipaaVpc, LogBucket};

fn main() {
    let key = HipaaKey::builder().alias("logs").build().unwrap();
    let logs = LogBucket::builder().name("acme-logs").key(&key).build().unwrap();
    let _ = HipaaVpc::builder()
        .name("prod")
        .cidr("10.20.0.0/16")
        .flow_logs_to(&logs)
        .data_egress(Egress::NatGatewayPerAz)
        .build();
}
