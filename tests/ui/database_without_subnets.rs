// A database cannot be written without the VPC subnets it lives in.
use hipaa_aws::prelude::*;

fn main() {
    let key = HipaaKey::builder().alias("phi").build().unwrap();
    let _ = EncryptedDatabase::builder()
        .identifier("patients")
        .engine(Engine::Postgres16)
        .key(&key)
        .build();
}
