// A trail without log file validation cannot be expressed.
use hipaa_aws::{AuditTrail, EncryptedLogGroup, HipaaKey, LogBucket};

fn main() {
    let key = HipaaKey::builder().alias("audit").build().unwrap();
    let logs = LogBucket::builder().name("acme-logs").key(&key).build().unwrap();
    let events = EncryptedLogGroup::builder().name("/acme/ct").key(&key).build().unwrap();
    let _ = AuditTrail::builder()
        .name("acme")
        .bucket(&logs)
        .key(&key)
        .log_group(&events)
        .log_file_validation(false)
        .build();
}
