//! The CloudWatch Logs log groups of a database's exported logs. RDS makes
//! `/aws/rds/instance/<id>/<log>` itself on first export, unencrypted and never expiring, and
//! those logs hold SQL text; so the database makes them first, encrypted with its own key, kept
//! six years and tagged like every resource, and judges them as part of itself.

use std::collections::{BTreeMap, BTreeSet};

use crate::construct::{tags_check, Ctx, PolicyContribution, Scope};
use crate::constructs::logs::{
    converge_log_group, evaluate_log_group, log_group_arn, log_group_key_use, read_log_group_state,
    LogGroupExpectations, LogGroupState, RetentionFloor,
};
use crate::controls::{Check, ControlId};
use crate::error::Result;

use super::database::EncryptedDatabase;
use super::state::{DatabaseState, LOG_GROUPS};

/// Exported database logs are audit evidence: the six-year floor of
/// [`EncryptedLogGroup`](crate::EncryptedLogGroup)'s default.
pub const DATABASE_LOG_RETENTION: RetentionFloor = RetentionFloor::SixYears;

/// The name of the log group RDS writes one exported log type of an instance to.
pub fn database_log_group_name(identifier: &str, log: &str) -> String {
    format!("/aws/rds/instance/{identifier}/{log}")
}

impl EncryptedDatabase {
    /// The log groups its exported logs go to, by log type, as it makes them.
    pub(super) fn desired_log_groups(&self, scope: &Scope<'_>) -> BTreeMap<String, LogGroupState> {
        let key = scope.arn_of(self.key());
        self.engine()
            .log_exports()
            .iter()
            .map(|log| {
                let name = database_log_group_name(self.identifier(), log);
                let group = LogGroupState {
                    arn: log_group_arn(scope, &name),
                    name,
                    kms_key: Some(key.clone()),
                    retention_days: Some(DATABASE_LOG_RETENTION.days()),
                    tags: scope.tags_for(self.logical_id(), true),
                };
                (log.to_string(), group)
            })
            .collect()
    }

    /// The key-policy statements that let CloudWatch Logs use the database's key for exactly
    /// its log groups (the same statement an `EncryptedLogGroup` contributes).
    pub(super) fn log_group_key_contributions(&self, scope: &Scope<'_>) -> Vec<PolicyContribution> {
        self.engine()
            .log_exports()
            .iter()
            .map(|log| PolicyContribution {
                target: self.key().id().clone(),
                statement: log_group_key_use(
                    scope,
                    &database_log_group_name(self.identifier(), log),
                ),
            })
            .collect()
    }

    /// Every log type whose group is judged: the engine's exports and whatever the instance
    /// exports besides (RDS would make those groups unencrypted too).
    fn judged_logs(&self, exported: &BTreeSet<String>) -> BTreeSet<String> {
        self.engine()
            .log_exports()
            .iter()
            .map(|log| log.to_string())
            .chain(exported.iter().cloned())
            .collect()
    }

    /// Judges the log groups of a state: each encrypted with a KMS key, kept at least six
    /// years, tagged; a missing one fails (RDS would make it unencrypted, never expiring).
    pub(super) fn log_group_checks(&self, state: &DatabaseState) -> Vec<Check> {
        let expectations = LogGroupExpectations {
            retention_floor_days: DATABASE_LOG_RETENTION.days(),
        };
        let mut checks = Vec::new();
        for log in self.judged_logs(&state.log_exports) {
            let prefix = format!("{LOG_GROUPS}{log}.");
            let Some(group) = state.log_groups.get(&log) else {
                let name = database_log_group_name(self.identifier(), &log);
                let why = format!(
                    "the log group {name} does not exist: RDS makes it itself, unencrypted and never expiring"
                );
                for control in [
                    ControlId::CloudWatchLogGroupEncrypted,
                    ControlId::CwLogGroupRetentionPeriodCheck,
                ] {
                    checks.push(Check::require(
                        control,
                        format!("{prefix}kms_key"),
                        false,
                        "",
                        why.clone(),
                    ));
                }
                continue;
            };
            let mut judged = evaluate_log_group(group, &expectations);
            judged.push(tags_check(&group.tags));
            checks.extend(judged.into_iter().map(|check| Check {
                setting: format!("{prefix}{}", check.setting),
                reason: format!("{}: {}", group.name, check.reason),
                ..check
            }));
        }
        checks
    }
}

/// Reads the log groups of the logs the database exports (or should), with the tags the
/// library manages; a missing group is left out.
pub(super) async fn read_log_groups(
    ctx: &Ctx<'_>,
    db: &EncryptedDatabase,
    exported: &BTreeSet<String>,
) -> Result<BTreeMap<String, LogGroupState>> {
    let wanted = ctx.scope.tags_for(db.logical_id(), true);
    let mut groups = BTreeMap::new();
    for log in db.judged_logs(exported) {
        let name = database_log_group_name(db.identifier(), &log);
        if let Some((mut group, tags)) = read_log_group_state(ctx.env, &name).await? {
            group.tags = tags
                .into_iter()
                .filter(|(key, _)| wanted.contains_key(key))
                .collect();
            groups.insert(log, group);
        }
    }
    Ok(groups)
}

/// Makes (or brings to the desired state) every log group the database's logs go to. Runs
/// before the instance exists, so RDS never makes one of its own. The log groups are the
/// database's by its identifier, which the database's own tags already proved ours, so one
/// RDS made earlier is adopted: encrypted, given its retention and tagged.
pub(super) async fn ensure_log_groups(ctx: &Ctx<'_>, desired: &DatabaseState) -> Result<()> {
    for group in desired.log_groups.values() {
        converge_log_group(ctx, group).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::construct::Construct;
    use crate::constructs::rds::safety_tests::database;
    use crate::constructs::rds::Engine;
    use crate::controls::Status;

    fn status_of(checks: &[Check], control: ControlId, setting: &str) -> Option<Status> {
        checks
            .iter()
            .find(|check| check.control == control && check.setting == setting)
            .map(|check| check.status)
    }

    #[test]
    fn every_exported_log_has_an_encrypted_six_year_group_in_the_spec() {
        let db = database(Engine::Postgres16);
        let groups = db.desired_log_groups(&Scope::for_build());
        let logs: Vec<&str> = groups.keys().map(String::as_str).collect();
        let exports: Vec<&str> = Engine::Postgres16.log_exports().to_vec();
        assert_eq!(logs, exports);
        for group in groups.values() {
            assert!(group.name.starts_with("/aws/rds/instance/patients/"));
            assert!(group.kms_key.is_some());
            assert_eq!(group.retention_days, Some(2192));
        }
        let contributions = db.log_group_key_contributions(&Scope::for_build());
        assert_eq!(contributions.len(), exports.len());
        assert!(contributions
            .iter()
            .all(|contribution| contribution.target == *db.key().id()));
    }

    #[test]
    fn a_missing_unencrypted_or_short_lived_log_group_fails() {
        let db = database(Engine::Postgres16);
        let scope = Scope::for_build();
        let mut state = db.desired(&scope);
        let checks = db.log_group_checks(&state);
        assert!(
            checks.iter().all(|check| check.status == Status::Pass),
            "{checks:?}"
        );
        let first = Engine::Postgres16.log_exports()[0];
        let group = state.log_groups.get_mut(first).expect("group");
        group.kms_key = None;
        // One day below the floor: fails the six-year control, passes the one-year one.
        group.retention_days = Some(2191);
        let checks = db.log_group_checks(&state);
        let setting = |name: &str| format!("log_groups.{first}.{name}");
        assert_eq!(
            status_of(
                &checks,
                ControlId::CloudWatchLogGroupEncrypted,
                &setting("kms_key")
            ),
            Some(Status::Fail)
        );
        assert_eq!(
            status_of(
                &checks,
                ControlId::LogRetentionSixYears,
                &setting("retention_days")
            ),
            Some(Status::Fail)
        );
        assert_eq!(
            status_of(
                &checks,
                ControlId::CwLogGroupRetentionPeriodCheck,
                &setting("retention_days")
            ),
            Some(Status::Pass)
        );
        state.log_groups.remove(first);
        let checks = db.log_group_checks(&state);
        assert_eq!(
            status_of(
                &checks,
                ControlId::CloudWatchLogGroupEncrypted,
                &setting("kms_key")
            ),
            Some(Status::Fail)
        );
    }

    #[test]
    fn a_log_type_exported_beyond_the_spec_is_judged_too() {
        let db = database(Engine::Postgres16);
        let mut state = db.desired(&Scope::for_build());
        state.log_exports.insert("iam-db-auth-error".to_string());
        let checks = db.log_group_checks(&state);
        assert_eq!(
            status_of(
                &checks,
                ControlId::CloudWatchLogGroupEncrypted,
                "log_groups.iam-db-auth-error.kms_key"
            ),
            Some(Status::Fail)
        );
    }
}
