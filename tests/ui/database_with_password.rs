// No password passes through the library: RDS makes and keeps it in Secrets Manager.
use hipaa_aws::prelude::*;

fn main() {
    let key = HipaaKey::builder().alias("phi").build().unwrap();
    let logs = LogBucket::builder().name("acme-logs").key(&key).build().unwrap();
    let vpc = HipaaVpc::builder().name("prod").cidr("10.20.0.0/16").flow_logs_to(&logs).build().unwrap();
    let _ = EncryptedDatabase::builder()
        .identifier("patients")
        .engine(Engine::Postgres16)
        .key(&key)
        .subnets(vpc.data_subnets())
        .master_password("hunter2")
        .build();
}
