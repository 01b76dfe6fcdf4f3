// An encrypted bucket must name the log bucket that receives its access logs.
use hipaa_aws::{EncryptedBucket, HipaaKey};

fn main() {
    let key = HipaaKey::builder().alias("phi").build().unwrap();
    let _ = EncryptedBucket::builder().name("acme-phi").key(&key).build();
}
