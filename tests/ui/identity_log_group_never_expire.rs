// A log group's retention cannot be left unset ("never expire").
use hipaa_aws::{EncryptedLogGroup, HipaaKey};

fn main() {
    let key = HipaaKey::builder().alias("logs").build().unwrap();
    let _ = EncryptedLogGroup::builder()
        .name("/acme/app")
        .key(&key)
        .retention_days(None)
        .build();
}
