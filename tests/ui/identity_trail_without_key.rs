// A trail must name the key that encrypts its log files.
use hipaa_aws::{AuditTrail, EncryptedLogGroup, HipaaKey, LogBucket};

fn main() {
    let key = HipaaKey::builder().alias("audit").build().unwrap();
    let logs = LogBucket::builder().name("acme-logs").key(&key).build().unwrap();
    let events = EncryptedLogGroup::builder().name("/acme/ct").key(&key).build().unwrap();
    let _ = AuditTrail::builder()
        .name("acme")
        .bucket(&logs)
        .log_group(&events)
        .build();
}
