//! Calendar dates (`YYYY-MM-DD`, UTC) for exception expiries: parsing that refuses impossible
//! days, and day counts to compare them.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A calendar day, UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

impl Date {
    /// The date, if it exists on the calendar (years 1970 to 9999).
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        let valid = (1970..=9999).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month);
        valid.then_some(Date { year, month, day })
    }

    /// Today, UTC.
    pub fn today() -> Date {
        let seconds = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|elapsed| elapsed.as_secs())
            .unwrap_or(0);
        Date::from_days(i64::try_from(seconds / 86_400).unwrap_or(0))
    }

    /// Days since 1970-01-01 (days-from-civil, Howard Hinnant).
    pub fn days_since_epoch(self) -> i64 {
        let year = i64::from(self.year) - i64::from(self.month <= 2);
        let era = year.div_euclid(400);
        let yoe = year - era * 400;
        let month = i64::from(self.month);
        let mp = if month > 2 { month - 3 } else { month + 9 };
        let doy = (153 * mp + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01 (clamped to the supported years).
    pub fn from_days(days: i64) -> Date {
        let days = days.clamp(0, 2_932_896); // 1970-01-01 to 9999-12-31
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date {
            year: i32::try_from(year).unwrap_or(9999),
            month: u8::try_from(month).unwrap_or(12),
            day: u8::try_from(day).unwrap_or(31),
        }
    }

    /// The date `days` later (or earlier, when negative).
    pub fn plus_days(self, days: i64) -> Date {
        Date::from_days(self.days_since_epoch().saturating_add(days))
    }

    /// Days from `self` to `later` (negative when `later` is earlier).
    pub fn days_until(self, later: Date) -> i64 {
        later.days_since_epoch() - self.days_since_epoch()
    }
}

/// The text is not a `YYYY-MM-DD` date that exists.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a date of the form YYYY-MM-DD that exists")]
pub struct InvalidDate(pub String);

impl FromStr for Date {
    type Err = InvalidDate;

    fn from_str(text: &str) -> Result<Date, InvalidDate> {
        let invalid = || InvalidDate(text.to_string());
        let bytes = text.as_bytes();
        let shape = bytes.len() == 10
            && bytes.get(4) == Some(&b'-')
            && bytes.get(7) == Some(&b'-')
            && bytes
                .iter()
                .enumerate()
                .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
        if !shape {
            return Err(invalid());
        }
        let part = |range: std::ops::Range<usize>| -> Option<u16> {
            text.get(range).and_then(|p| p.parse().ok())
        };
        let year = part(0..4).map(i32::from).ok_or_else(invalid)?;
        let month = part(5..7)
            .and_then(|m| u8::try_from(m).ok())
            .ok_or_else(invalid)?;
        let day = part(8..10)
            .and_then(|d| u8::try_from(d).ok())
            .ok_or_else(invalid)?;
        Date::new(year, month, day).ok_or_else(invalid)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::Date;

    #[test]
    fn parses_only_days_that_exist() {
        assert_eq!(
            "2028-02-29".parse::<Date>().map(|d| d.to_string()).ok(),
            Some("2028-02-29".to_string())
        );
        for bad in [
            "2027-02-29",
            "2027-13-01",
            "2027-04-31",
            "2027-6-30",
            "27-06-30",
            "2027-06-30 ",
            "2027/06/30",
            "",
            "2027-00-10",
            "2027-06-00",
        ] {
            assert!(bad.parse::<Date>().is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn counts_days_across_months_and_leap_years() {
        let start = Date::new(2026, 12, 2).unwrap_or_else(Date::today);
        assert_eq!(start.plus_days(366).to_string(), "2027-12-03");
        assert_eq!(start.days_until(start.plus_days(366)), 366);
        let leap = Date::new(2028, 2, 28).unwrap_or_else(Date::today);
        assert_eq!(leap.plus_days(1).to_string(), "2028-02-29");
        assert_eq!(Date::from_days(0).to_string(), "1970-01-01");
        assert_eq!(Date::from_days(start.days_since_epoch()), start);
    }
}
