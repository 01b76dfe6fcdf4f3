// A key's lifecycle cannot be called from outside the library: a hand-made KeyState with
// rotation off cannot be fed to create, and read, update and delete are not reachable either.
// Only a Stack makes or changes a key, from a value that passed build().
use std::collections::BTreeMap;

use hipaa_aws::constructs::kms::KeyState;
use hipaa_aws::HipaaKey;

fn main() {
    let key = HipaaKey::builder().alias("phi").build().unwrap();
    let rotation_off = KeyState {
        alias: Some("alias/phi".to_string()),
        description: String::new(),
        key_spec: "SYMMETRIC_DEFAULT".to_string(),
        key_usage: "ENCRYPT_DECRYPT".to_string(),
        key_manager: "CUSTOMER".to_string(),
        key_state: "Enabled".to_string(),
        rotation_enabled: false,
        rotation_period_days: None,
        policy: None,
        tags: BTreeMap::new(),
        account_id: "111122223333".to_string(),
    };
    let _ = HipaaKey::create(&key, todo!(), &rotation_off);
    let _ = HipaaKey::read(&key, todo!());
    let _ = HipaaKey::update(&key, todo!(), todo!(), &rotation_off, &[]);
    let _ = HipaaKey::delete(&key, todo!(), todo!());
}
