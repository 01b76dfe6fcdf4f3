//! Reading, creating and updating a [`HipaaKey`] through the KMS API: `read` (the key behind
//! an alias, or any key of the account), `twins` (keys an interrupted apply left without their
//! alias, and the rule for retiring them) and `write` (create, update, schedule deletion).
//!
//! [`HipaaKey`]: super::HipaaKey

mod read;
mod twins;
mod write;

pub(crate) use read::read_key;
pub use read::{read_key_policy, read_key_state};
pub(crate) use write::{create_key, schedule_key_deletion, update_key};

const SERVICE: &str = "kms";
const NOT_FOUND: &[&str] = &["NotFoundException"];
