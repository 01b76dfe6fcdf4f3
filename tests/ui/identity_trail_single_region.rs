// A trail records every region: there is no single-region setter.
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
        .multi_region(false)
        .build();
}
