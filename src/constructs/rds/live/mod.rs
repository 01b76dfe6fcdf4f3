//! Reading, creating, updating, replacing and deleting the DB instance and its parts, one
//! file each. [`read_instance_state`] works on any DB instance of an account (the audit uses it).

mod delete;
mod read;
mod replace;
mod write;

use std::time::Duration;

pub(crate) use delete::delete;
pub use read::{describe_instance, read_instance_state};
pub(crate) use read::{rds_tags, read};
pub(crate) use replace::replace;
pub(crate) use write::{create, update};

const RDS: &str = "rds";
const NOT_FOUND: &[&str] = &["DBInstanceNotFound", "DBInstanceNotFoundFault"];
/// The longest wait for an instance to become available (creation of a Multi-AZ instance takes
/// tens of minutes on AWS).
const MAX_WAIT: Duration = Duration::from_secs(90 * 60);
