// A trail delivers to a LogBucket, never to a PHI bucket.
use hipaa_aws::{AuditTrail, EncryptedBucket, EncryptedLogGroup, HipaaKey, LogBucket};

fn main() {
    let key = HipaaKey::builder().alias("audit").build().unwrap();
    let logs = LogBucket::builder().name("acme-logs").key(&key).build().unwrap();
    let data = EncryptedBucket::builder().name("acme-phi").key(&key).access_logs(&logs).build().unwrap();
    let events = EncryptedLogGroup::builder().name("/acme/ct").key(&key).build().unwrap();
    let _ = AuditTrail::builder()
        .name("acme")
        .bucket(&data)
        .key(&key)
        .log_group(&events)
        .build();
}
