//! The database engines a [`EncryptedDatabase`](super::EncryptedDatabase) runs, and what each
//! needs: its port, its log types, the parameters that force TLS, and which parameter names
//! belong to it.

use serde::Serialize;

/// A database engine and major version. Minor versions are upgraded by RDS automatically (the
/// construct keeps auto minor version upgrade on), so only the major version is chosen here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub enum Engine {
    /// PostgreSQL 16.
    Postgres16,
    /// PostgreSQL 17.
    Postgres17,
    /// MySQL 8.0.
    MySql80,
    /// MySQL 8.4.
    MySql84,
}

/// The log types RDS exports to CloudWatch Logs for PostgreSQL (cdk-nag requires all).
pub const POSTGRES_LOG_EXPORTS: &[&str] = &["postgresql", "upgrade"];
/// The log types RDS exports to CloudWatch Logs for MySQL and MariaDB (cdk-nag requires all).
pub const MYSQL_LOG_EXPORTS: &[&str] = &["audit", "error", "general", "slowquery"];

impl Engine {
    /// The RDS engine name (`postgres`, `mysql`).
    pub fn name(self) -> &'static str {
        if self.is_postgres() {
            "postgres"
        } else {
            "mysql"
        }
    }

    /// True for PostgreSQL.
    pub fn is_postgres(self) -> bool {
        matches!(self, Engine::Postgres16 | Engine::Postgres17)
    }

    /// The major version (`16`, `8.0`).
    pub fn major_version(self) -> &'static str {
        match self {
            Engine::Postgres16 => "16",
            Engine::Postgres17 => "17",
            Engine::MySql80 => "8.0",
            Engine::MySql84 => "8.4",
        }
    }

    /// The version asked for at creation (RDS then upgrades minor versions itself).
    pub fn version(self) -> &'static str {
        match self {
            Engine::Postgres16 => "16.4",
            Engine::Postgres17 => "17.2",
            Engine::MySql80 => "8.0.40",
            Engine::MySql84 => "8.4.3",
        }
    }

    /// The parameter group family (`postgres16`, `mysql8.0`).
    pub fn family(self) -> String {
        format!("{}{}", self.name(), self.major_version())
    }

    /// The port the engine listens on.
    pub fn port(self) -> u16 {
        if self.is_postgres() {
            5432
        } else {
            3306
        }
    }

    /// The log types exported to CloudWatch Logs.
    pub fn log_exports(self) -> &'static [&'static str] {
        required_log_exports(self.name()).unwrap_or(&[])
    }

    /// The parameters the construct sets: TLS forced (at least TLS 1.2) and connections logged.
    pub fn library_parameters(self) -> Vec<(&'static str, &'static str)> {
        if self.is_postgres() {
            vec![
                ("rds.force_ssl", "1"),
                ("ssl_min_protocol_version", "TLSv1.2"),
                ("log_connections", "1"),
                ("log_disconnections", "1"),
            ]
        } else {
            vec![
                ("require_secure_transport", "ON"),
                ("tls_version", "TLSv1.2,TLSv1.3"),
            ]
        }
    }
}

impl std::fmt::Display for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.name(), self.major_version())
    }
}

/// The log types an engine must export (`None`: an engine this library does not judge).
pub fn required_log_exports(engine: &str) -> Option<&'static [&'static str]> {
    if is_postgres_kind(engine) {
        Some(POSTGRES_LOG_EXPORTS)
    } else if is_mysql_kind(engine) {
        Some(MYSQL_LOG_EXPORTS)
    } else {
        None
    }
}

/// True for an engine (or parameter group family) of the PostgreSQL kind.
pub fn is_postgres_kind(engine_or_family: &str) -> bool {
    let lower = engine_or_family.to_ascii_lowercase();
    lower.starts_with("postgres") || lower.starts_with("aurora-postgresql")
}

/// True for an engine (or family) of the MySQL kind (MySQL, MariaDB, Aurora MySQL).
pub fn is_mysql_kind(engine_or_family: &str) -> bool {
    let lower = engine_or_family.to_ascii_lowercase();
    lower.starts_with("mysql") || lower.starts_with("mariadb") || lower.starts_with("aurora-mysql")
}

const MYSQL_ONLY: &[&str] = &[
    "require_secure_transport",
    "tls_version",
    "general_log",
    "slow_query_log",
    "long_query_time",
    "log_output",
    "server_audit_logging",
    "server_audit_events",
    "sql_mode",
    "binlog_format",
    "character_set_server",
    "local_infile",
];
const MYSQL_PREFIXES: &[&str] = &["innodb_", "binlog_", "server_audit_", "mysql_"];
const POSTGRES_ONLY: &[&str] = &[
    "rds.force_ssl",
    "ssl_min_protocol_version",
    "ssl_max_protocol_version",
    "log_connections",
    "log_disconnections",
    "log_statement",
    "log_min_duration_statement",
    "shared_preload_libraries",
    "password_encryption",
    "work_mem",
];
const POSTGRES_PREFIXES: &[&str] = &["pgaudit.", "pg_", "rds.", "autovacuum", "wal_"];

/// The engine kind a parameter name belongs to, when it belongs to only one: `Some(true)` for
/// PostgreSQL, `Some(false)` for MySQL, `None` for names both have or this library does not
/// know.
pub fn parameter_engine(name: &str) -> Option<bool> {
    let name = name.to_ascii_lowercase();
    if POSTGRES_ONLY.contains(&name.as_str())
        || POSTGRES_PREFIXES.iter().any(|p| name.starts_with(p))
    {
        Some(true)
    } else if MYSQL_ONLY.contains(&name.as_str())
        || MYSQL_PREFIXES.iter().any(|p| name.starts_with(p))
    {
        Some(false)
    } else {
        None
    }
}

/// Parameters that need a reboot to take effect (set with the `pending-reboot` method).
pub(crate) fn is_static(name: &str) -> bool {
    matches!(name, "tls_version" | "shared_preload_libraries")
}
