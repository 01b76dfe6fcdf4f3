//! Reading, creating and updating a bucket through the S3 API: `read` (every setting the
//! controls judge, for any bucket of the account), `find` (is this bucket ours, or a half-made
//! twin to finish), `write` (create and update) and `delete`.

mod delete;
mod find;
mod read;
mod replication;
mod write;

pub(crate) use delete::delete_bucket;
pub(crate) use find::{holds_objects, read_bucket};
pub use read::{
    existing_bucket_region, read_bucket_extras, read_bucket_settings, read_bucket_state,
};
pub(crate) use replication::delete_replication_role;
pub(crate) use write::{create_bucket, update_bucket};

const SERVICE: &str = "s3";
