//! The names of the parts a database makes, derived from its identifier.

use super::engine::Engine;

/// The longest identifier: room for `-replaced-<epoch seconds>` within RDS's 63 characters.
pub const MAX_IDENTIFIER: usize = 40;

/// The settings RDS can change only by making a new database.
pub const REPLACING_SETTINGS: &[&str] =
    &["engine", "kms_key", "storage_encrypted", "master_username"];

/// The DB subnet group.
pub fn subnet_group(identifier: &str) -> String {
    format!("{identifier}-data")
}

/// The DB parameter group (one per engine family: a new engine gets a new group).
pub fn parameter_group(identifier: &str, engine: Engine) -> String {
    format!("{identifier}-{}", engine.family().replace('.', "-"))
}

/// The security group.
pub fn security_group(identifier: &str) -> String {
    format!("{identifier}-db")
}

/// The enhanced monitoring role.
pub fn monitoring_role(identifier: &str) -> String {
    format!("{identifier}-rds-monitoring")
}

/// The problem with a DB identifier, if any.
pub fn identifier_problem(identifier: &str) -> Option<String> {
    let ok = !identifier.is_empty()
        && identifier.len() <= MAX_IDENTIFIER
        && identifier.starts_with(|c: char| c.is_ascii_lowercase())
        && identifier
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !identifier.ends_with('-')
        && !identifier.contains("--");
    (!ok).then(|| {
        format!(
            "{identifier:?} must be 1 to {MAX_IDENTIFIER} lowercase letters, digits and single '-', starting with a letter and not ending with '-'"
        )
    })
}

/// The problem with a database user name (master or IAM user), if any.
pub fn user_problem(user: &str, engine: Engine) -> Option<String> {
    let max = if engine.is_postgres() { 63 } else { 16 };
    const RESERVED: &[&str] = &[
        "rdsadmin",
        "rdsrepladmin",
        "rds_superuser",
        "rdsproxyadmin",
        "rds_iam",
    ];
    if RESERVED.contains(&user.to_ascii_lowercase().as_str()) {
        return Some(format!("{user:?} is reserved by RDS"));
    }
    let ok = !user.is_empty()
        && user.len() <= max
        && user.starts_with(|c: char| c.is_ascii_alphabetic())
        && user.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    (!ok).then(|| {
        format!("{user:?} must be 1 to {max} letters, digits and '_', starting with a letter")
    })
}
