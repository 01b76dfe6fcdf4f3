// Security alarms must notify an encrypted topic.
use hipaa_aws::{EncryptedLogGroup, HipaaKey, SecurityAlarms};

fn main() {
    let key = HipaaKey::builder().alias("audit").build().unwrap();
    let events = EncryptedLogGroup::builder().name("/acme/ct").key(&key).build().unwrap();
    let _ = SecurityAlarms::builder().trail_events(&events).build();
}
