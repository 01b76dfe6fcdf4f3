//! AWS Backup's naming rules: vaults 2 to 50 of letters, digits, `-` and `_`; plans, rules and
//! selections 1 to 50 of those and `.`.

/// The controls [`backup_name_problem`] judges (see `crate::controls::coverage`).
pub const BACKUP_NAME_PROBLEM_COVERS: &[crate::controls::ControlId] =
    &[crate::controls::ControlId::BackupNameValid];

/// The problem with the name of a `what` (`vault`, `plan`, `rule`, `selection`), if any.
pub fn backup_name_problem(what: &str, name: &str) -> Option<String> {
    let (shortest, dot_allowed) = if what == "vault" {
        (2, false)
    } else {
        (1, true)
    };
    let length = name.chars().count();
    if !(shortest..=50).contains(&length) {
        return Some(format!(
            "the {what} name {name:?} must have {shortest} to 50 characters"
        ));
    }
    name.chars()
        .find(|c| {
            !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_' || (dot_allowed && *c == '.'))
        })
        .map(|bad| {
            let allowed = if dot_allowed {
                "letters, digits, '-', '_' and '.'"
            } else {
                "letters, digits, '-' and '_'"
            };
            format!("the {what} name {name:?} contains {bad:?}: use {allowed}")
        })
}

#[cfg(test)]
mod tests {
    use super::backup_name_problem;

    #[test]
    fn names_are_judged_at_their_length_and_character_boundaries() {
        assert!(backup_name_problem("vault", "ab").is_none());
        assert!(backup_name_problem("vault", "a").is_some());
        assert!(backup_name_problem("vault", &"a".repeat(50)).is_none());
        assert!(backup_name_problem("vault", &"a".repeat(51)).is_some());
        assert!(backup_name_problem("vault", "phi.backups").is_some());
        assert!(backup_name_problem("plan", "phi.daily").is_none());
        assert!(backup_name_problem("plan", "a").is_none());
        assert!(backup_name_problem("plan", "").is_some());
        assert!(backup_name_problem("rule", "daily backup").is_some());
    }
}
