//! Whether an AWS Backup schedule runs at least once a day: the cron fields read as AWS Backup
//! reads them, and anything the library cannot read judged not daily.

/// Why a schedule runs less often than daily, or `None` when it runs at least once a day.
/// Only AWS Backup's `cron(minutes hours day-of-month month day-of-week year)` form is read;
/// anything else (a `rate()`, `L`, `W`, `#`, a step over days) is judged not daily.
pub fn schedule_gap(schedule: &str) -> Option<String> {
    let Some(fields) = schedule
        .trim()
        .strip_prefix("cron(")
        .and_then(|rest| rest.strip_suffix(')'))
    else {
        return Some("is not a cron expression".to_string());
    };
    let fields: Vec<&str> = fields.split_whitespace().collect();
    let [minutes, hours, day_of_month, month, day_of_week, year] = fields.as_slice() else {
        return Some("does not have the six cron fields".to_string());
    };
    if minutes.is_empty() || hours.is_empty() {
        return Some("has no time of day".to_string());
    }
    if !every_value(month, 1, 12, MONTHS) {
        return Some("skips months".to_string());
    }
    if *year != "*" {
        return Some("runs only in some years".to_string());
    }
    let every_day_of_month = *day_of_month == "?" || every_value(day_of_month, 1, 31, &[]);
    let every_day_of_week = *day_of_week == "?" || every_value(day_of_week, 1, 7, WEEKDAYS);
    if *day_of_month == "?" && *day_of_week == "?" {
        return Some("names no day".to_string());
    }
    if every_day_of_month && every_day_of_week {
        None
    } else {
        Some("skips days".to_string())
    }
}

const MONTHS: &[&str] = &[
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];
const WEEKDAYS: &[&str] = &["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/// True when a cron field names every value from `low` to `high`: `*`, a full range, or a list
/// of values and ranges covering all of them. Steps (`*/2`) and special characters (`L`, `W`,
/// `#`) are not values, so they never do.
fn every_value(field: &str, low: u32, high: u32, names: &[&str]) -> bool {
    if field == "*" {
        return true;
    }
    let value = |text: &str| -> Option<u32> {
        let text = text.trim();
        names
            .iter()
            .position(|name| name.eq_ignore_ascii_case(text))
            .and_then(|index| u32::try_from(index).ok())
            .map(|index| index + low)
            .or_else(|| text.parse::<u32>().ok())
            .filter(|value| (low..=high).contains(value))
    };
    let mut covered = std::collections::BTreeSet::new();
    for part in field.split(',') {
        match part.split_once('-') {
            Some((from, to)) => match (value(from), value(to)) {
                (Some(from), Some(to)) if from <= to => covered.extend(from..=to),
                _ => return false,
            },
            None => match value(part) {
                Some(one) => {
                    covered.insert(one);
                }
                None => return false,
            },
        }
    }
    (low..=high).all(|value| covered.contains(&value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_schedule_is_daily_only_when_it_names_every_day_of_every_month() {
        for daily in [
            "cron(0 5 ? * * *)",
            "cron(0 5 * * ? *)",
            "cron(0 */6 ? * * *)",
            "cron(0 5 ? * SUN-SAT *)",
            "cron(0 5 ? * 1-7 *)",
            "cron(0 5 ? * MON-FRI,SAT,SUN *)",
            "cron(0 5 1-31 * ? *)",
            "cron(0 5 ? 1-12 * *)",
        ] {
            assert_eq!(schedule_gap(daily), None, "{daily}");
        }
        for sparse in [
            "cron(0 5 ? * MON-FRI *)",
            "cron(0 5 ? * 2-7 *)",
            "cron(0 5 1 * ? *)",
            "cron(0 5 */2 * ? *)",
            "cron(0 5 1-30 * ? *)",
            "cron(0 5 ? 1-11 * *)",
            "cron(0 5 L * ? *)",
            "cron(0 5 ? * 6#3 *)",
            "cron(0 5 ? * * 2027)",
            "cron(0 5 ? * ? *)",
            "cron(0 5 ? * *)",
            "rate(1 day)",
            "",
        ] {
            assert!(schedule_gap(sparse).is_some(), "{sparse}");
        }
    }
}
