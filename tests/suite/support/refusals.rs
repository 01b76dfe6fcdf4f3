//! The one way tests assert a refusal at `build()` (or plan): what was refused, and that the
//! refusal says what a person needs to act on.

use hipaa_aws::{ControlId, Result, Violations};

/// Asserts `result` was refused, and returns its violations after checking that every one
/// names a setting, a reason and a HIPAA citation, and that the error's message carries every
/// control id and a `45 CFR 164.` citation.
pub fn refusal<T: std::fmt::Debug>(case: &str, result: Result<T>) -> Violations {
    let error = match result {
        Ok(value) => panic!("{case}: accepted {value:?}"),
        Err(error) => error,
    };
    let violations = match error.violations() {
        Some(violations) => violations.clone(),
        None => panic!("{case}: refused without violations: {error}"),
    };
    let message = error.to_string();
    for violation in &violations {
        assert!(
            !violation.setting.is_empty(),
            "{case}: a violation without a setting"
        );
        assert!(
            !violation.reason.is_empty(),
            "{case}: a violation without a reason"
        );
        assert!(
            !violation.citations().is_empty(),
            "{case}: no citation for {}",
            violation.control
        );
        assert!(
            message.contains(violation.control.as_str()),
            "{case}: the message does not name {}: {message}",
            violation.control
        );
    }
    assert!(
        message.contains("45 CFR 164."),
        "{case}: no citation in {message}"
    );
    violations
}

/// The controls `result` was refused under, as a sorted set (several violations, one per
/// setting, may name the same control), after the checks of [`refusal`].
pub fn refused_controls<T: std::fmt::Debug>(case: &str, result: Result<T>) -> Vec<ControlId> {
    let mut controls = refusal(case, result).controls();
    controls.sort();
    controls.dedup();
    controls
}

/// Asserts `result` was refused under exactly the set of `controls` (no other control; each
/// at least once), with the checks of [`refusal`]; returns the violations.
pub fn assert_refused<T: std::fmt::Debug>(
    case: &str,
    result: Result<T>,
    controls: &[ControlId],
) -> Violations {
    let violations = refusal(case, result);
    let mut found = violations.controls();
    found.sort();
    found.dedup();
    let mut expected = controls.to_vec();
    expected.sort();
    expected.dedup();
    assert_eq!(found, expected, "{case}: {violations}");
    violations
}
