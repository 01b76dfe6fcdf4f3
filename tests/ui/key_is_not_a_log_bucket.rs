// References are typed: a key cannot stand where a log bucket is needed.
use hipaa_aws::{EncryptedBucket, HipaaKey};

fn main() {
    let key = HipaaKey::builder().alias("phi").build().unwrap();
    let _ = EncryptedBucket::builder().name("acme-phi").key(&key).access_logs(&key).build();
}
