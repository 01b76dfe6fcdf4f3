// There is no way to allow plain-text (non-TLS) transport.
use hipaa_aws::{EncryptedBucket, HipaaKey, LogBucket};

fn main() {
    let key = HipaaKey::builder().alias("phi").build().unwrap();
    let logs = LogBucket::builder().name("acme-logs").key(&key).build().unwrap();
    let _ = EncryptedBucket::builder()
        .name("acme-phi")
        .key(&key)
        .access_logs(&logs)
        .enforce_tls(false)
        .build();
}
