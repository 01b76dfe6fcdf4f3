//! The Business Associate Agreement attestation every PHI-storing plan requires.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::controls::ControlId;
use crate::error::Violation;

/// A statement that a Business Associate Agreement (BAA) with AWS was executed: when, and by whom.
///
/// HIPAA (45 CFR 164.308(b)(1)) forbids storing ePHI with a business associate before such an
/// agreement exists, so no stack with a resource that holds PHI can be planned without one.
///
/// ```
/// use hipaa_aws::BaaAttestation;
/// let baa = BaaAttestation::executed_on("2026-01-15").by("Jane Roe, Privacy Officer");
/// assert_eq!(baa.date(), "2026-01-15");
/// ```
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaaAttestation {
    executed_on: String,
    executed_by: Option<String>,
}

/// The controls a BAA attestation is judged by (see `crate::controls::coverage`).
pub const BAA_COVERS: &[ControlId] = &[ControlId::BaaExecuted];

impl BaaAttestation {
    /// The agreement was executed on `date` (`YYYY-MM-DD`, not in the future). The date is
    /// checked when the [`Environment`](crate::Environment) is built.
    pub fn executed_on(date: impl Into<String>) -> BaaAttestation {
        BaaAttestation {
            executed_on: date.into().trim().to_string(),
            executed_by: None,
        }
    }

    /// Who executed it (a name and role), recorded in plans and reports.
    pub fn by(mut self, person: impl Into<String>) -> BaaAttestation {
        self.executed_by = Some(person.into().trim().to_string());
        self
    }

    /// The execution date as given.
    pub fn date(&self) -> &str {
        &self.executed_on
    }

    /// Who executed it, if stated.
    pub fn executed_by(&self) -> Option<&str> {
        self.executed_by.as_deref()
    }

    /// Every reason this attestation cannot be accepted.
    pub(crate) fn violations(&self) -> Vec<Violation> {
        let mut violations = Vec::new();
        let resource = "BAA attestation";
        match parse_date(&self.executed_on) {
            None => violations.push(Violation::new(
                resource,
                "executed_on",
                ControlId::BaaExecuted,
                format!(
                    "{:?} is not a calendar date in the form YYYY-MM-DD",
                    self.executed_on
                ),
            )),
            Some(days) if days > today_days() => violations.push(Violation::new(
                resource,
                "executed_on",
                ControlId::BaaExecuted,
                format!(
                    "{} is in the future: PHI may be stored only after the BAA is executed",
                    self.executed_on
                ),
            )),
            Some(_) => {}
        }
        if matches!(&self.executed_by, Some(person) if person.is_empty()) {
            violations.push(Violation::new(
                resource,
                "executed_by",
                ControlId::BaaExecuted,
                "the signatory is empty: name who executed the agreement, or leave it out",
            ));
        }
        violations
    }
}

impl fmt::Debug for BaaAttestation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BaaAttestation({}", self.executed_on)?;
        if let Some(person) = &self.executed_by {
            write!(f, " by {person}")?;
        }
        f.write_str(")")
    }
}

impl fmt::Display for BaaAttestation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BAA executed on {}", self.executed_on)?;
        if let Some(person) = &self.executed_by {
            write!(f, " by {person}")?;
        }
        Ok(())
    }
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date, or `None` when it is not a real date.
pub(crate) fn parse_date(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let year: i64 = text.get(0..4)?.parse().ok()?;
    let month: u32 = text.get(5..7)?.parse().ok()?;
    let day: u32 = text.get(8..10)?.parse().ok()?;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    Some(days_from_civil(year, month, day))
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// Howard Hinnant's days-from-civil algorithm.
pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year =
        (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// Today, in days since 1970-01-01 (UTC).
pub(crate) fn today_days() -> i64 {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .unwrap_or(0);
    i64::try_from(seconds / 86_400).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_checked_for_shape_calendar_and_future() {
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(parse_date("2000-03-01"), Some(11_017));
        assert!(parse_date("2026-02-29").is_none());
        assert!(parse_date("2024-02-29").is_some());
        assert!(parse_date("2026-13-01").is_none());
        assert!(parse_date("26-01-01").is_none());
        assert!(BaaAttestation::executed_on("2020-01-01")
            .violations()
            .is_empty());
        let future = BaaAttestation::executed_on("2999-01-01").violations();
        assert_eq!(future.len(), 1);
        assert_eq!(future[0].control, ControlId::BaaExecuted);
        assert_eq!(
            BaaAttestation::executed_on("yesterday")
                .by(" ")
                .violations()
                .len(),
            2
        );
    }
}
