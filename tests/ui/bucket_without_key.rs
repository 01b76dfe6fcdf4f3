// An encrypted bucket must name the key that encrypts it.
use hipaa_aws::{EncryptedBucket, HipaaKey, LogBucket};

fn main() {
    let key = HipaaKey::builder().alias("phi").build().unwrap();
    let logs = LogBucket::builder().name("acme-logs").key(&key).build().unwrap();
    let _ = EncryptedBucket::builder().name("acme-phi").access_logs(&logs).build();
}
