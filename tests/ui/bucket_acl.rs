// There is no way to grant access through ACLs.
use hipaa_aws::{EncryptedBucket, HipaaKey, LogBucket};

fn main() {
    let key = HipaaKey::builder().alias("phi").build().unwrap();
    let logs = LogBucket::builder().name("acme-logs").key(&key).build().unwrap();
    let _ = EncryptedBucket::builder()
        .name("acme-phi")
        .key(&key)
        .access_logs(&logs)
        .acl("public-read")
        .build();
}
