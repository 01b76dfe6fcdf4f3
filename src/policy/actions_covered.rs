//! Which actions a statement's `Action` or `NotAction` can match. A pattern (`s3:Get*`,
//! `s3:*Object`, `kms:*crypt*`, `*`) counts as every action it can match, and `NotAction` as
//! every action it does not list, so no spelling of an action escapes a control.

use super::document::Statement;
use super::glob::{glob_covers, globs_overlap};

/// True when the statement can apply to some action that `target` (an action or a pattern)
/// matches: what an Allow is judged by.
///
/// ```
/// use hipaa_aws::policy::{statement_may_apply_to, Statement};
/// let objects = Statement::allow().actions(["s3:*Object"]);
/// assert!(statement_may_apply_to(&objects, "s3:Get*"));
/// assert!(!statement_may_apply_to(&objects, "s3:ListBucket"));
/// let all_but_iam = Statement::allow().not_actions(["iam:*"]);
/// assert!(statement_may_apply_to(&all_but_iam, "kms:Decrypt"));
/// assert!(!statement_may_apply_to(&all_but_iam, "iam:PassRole"));
/// ```
pub fn statement_may_apply_to(statement: &Statement, target: &str) -> bool {
    if !statement.not_actions.is_empty() {
        // Every action but the listed ones: it applies unless one entry excludes all of target.
        return !statement
            .not_actions
            .iter()
            .any(|excluded| glob_covers(excluded.trim(), target));
    }
    statement
        .actions
        .iter()
        .any(|action| globs_overlap(action.trim(), target))
}

/// True when the statement applies to every action `target` matches: what a Deny is judged by
/// (a Deny on `s3:Get*` alone does not cover `s3:*`).
///
/// ```
/// use hipaa_aws::policy::{statement_applies_to_all, Statement};
/// assert!(statement_applies_to_all(&Statement::deny().actions(["*"]), "s3:*"));
/// assert!(!statement_applies_to_all(&Statement::deny().actions(["s3:Get*"]), "s3:*"));
/// assert!(statement_applies_to_all(&Statement::deny().not_actions(["iam:*"]), "s3:*"));
/// ```
pub fn statement_applies_to_all(statement: &Statement, target: &str) -> bool {
    if !statement.not_actions.is_empty() {
        return !statement
            .not_actions
            .iter()
            .any(|excluded| globs_overlap(excluded.trim(), target));
    }
    statement
        .actions
        .iter()
        .any(|action| glob_covers(action.trim(), target))
}

/// The entries of `targets` the statement may apply to (see [`statement_may_apply_to`]).
pub fn targets_reached<'a>(statement: &Statement, targets: &[&'a str]) -> Vec<&'a str> {
    targets
        .iter()
        .copied()
        .filter(|target| statement_may_apply_to(statement, target))
        .collect()
}

/// True when the statement's `Action` names every action of every service (`*`, `*:*`, `*?:*`).
/// A `NotAction` never does (it excludes something); callers judge it on its own.
pub fn allows_every_action(statement: &Statement) -> bool {
    statement.not_actions.is_empty()
        && statement
            .actions
            .iter()
            .any(|action| glob_covers(action.trim(), "*:*"))
}

/// How the statement names its actions, for reasons: `s3:Get*, s3:*Object` or
/// `every action except iam:*`.
pub fn describe_actions(statement: &Statement) -> String {
    if statement.not_actions.is_empty() {
        statement.actions.join(", ")
    } else {
        format!(
            "every action except {} (NotAction)",
            statement.not_actions.join(", ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_reach_every_action_they_match() {
        let get = Statement::allow().actions(["s3:Get*"]);
        assert!(statement_may_apply_to(&get, "s3:GetObject"));
        assert!(!statement_may_apply_to(&get, "s3:PutObject"));
        let crypt = Statement::allow().actions(["kms:*crypt*"]);
        assert!(statement_may_apply_to(&crypt, "kms:Decrypt"));
        assert!(statement_may_apply_to(&crypt, "kms:ReEncrypt*"));
        let re = Statement::allow().actions(["kms:Re*"]);
        assert!(statement_may_apply_to(&re, "kms:ReEncryptFrom"));
        assert!(!statement_may_apply_to(&re, "kms:Decrypt"));
        let everything = Statement::allow().actions(["*"]);
        assert!(statement_may_apply_to(&everything, "iam:PassRole"));
        assert!(allows_every_action(&everything));
        assert!(allows_every_action(&Statement::allow().actions(["*:*"])));
        assert!(!allows_every_action(&Statement::allow().actions(["s3:*"])));
    }

    #[test]
    fn not_action_reaches_everything_it_does_not_exclude() {
        let not_get = Statement::allow().not_actions(["s3:Get*"]);
        assert!(statement_may_apply_to(&not_get, "s3:PutObject"));
        assert!(!statement_may_apply_to(&not_get, "s3:GetObject"));
        // Excluding one action of a pattern leaves the rest of the pattern.
        let not_one = Statement::allow().not_actions(["s3:GetObject"]);
        assert!(statement_may_apply_to(&not_one, "s3:Get*"));
        assert_eq!(
            targets_reached(&not_one, &["s3:GetObject", "s3:ListBucket"]),
            vec!["s3:ListBucket"]
        );
    }

    #[test]
    fn deny_coverage_needs_the_whole_target() {
        assert!(statement_applies_to_all(
            &Statement::deny().actions(["s3:*"]),
            "s3:*"
        ));
        assert!(!statement_applies_to_all(
            &Statement::deny().actions(["s3:Get*", "s3:Put*"]),
            "s3:*"
        ));
        assert!(!statement_applies_to_all(
            &Statement::deny().not_actions(["s3:GetObject"]),
            "s3:*"
        ));
        assert!(statement_applies_to_all(
            &Statement::deny().actions(["sns:Publish"]),
            "sns:Publish"
        ));
        assert!(!statement_applies_to_all(&Statement::deny(), "s3:*"));
    }
}
