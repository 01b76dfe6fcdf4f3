//! Reading an exceptions file (TOML) and checking each entry: every refusal names the entry,
//! its line, the field and (when known) the control with its citations.

use std::collections::BTreeMap;
use std::str::FromStr;

use serde::Deserialize;
use toml::Spanned;

use crate::controls::ControlId;

use super::{
    glob_match, is_glob, Date, Exception, ExceptionProblem, ExceptionSpec, ExceptionsError,
    MAX_EXPIRY_DAYS, MIN_REASON_CHARS, NOT_EXCEPTABLE,
};

/// The file: only `[[exception]]` tables (any other key is refused, so a typo cannot pass).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    exception: Vec<Spanned<RawEntry>>,
}

/// One entry as written. Every field is optional here so that a missing one gets this
/// module's message rather than the parser's; unknown fields are refused.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    control: Option<String>,
    resource: Option<String>,
    account: Option<String>,
    regions: Option<Vec<String>>,
    tags: Option<BTreeMap<String, String>>,
    reason: Option<String>,
    owner: Option<String>,
    /// A quoted `"YYYY-MM-DD"` or a TOML date.
    expires: Option<toml::Value>,
}

/// The 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()
        .get(..end)
        .map_or(0, |before| before.iter().filter(|b| **b == b'\n').count())
        + 1
}

/// How many `[[exception]]` headers start before a byte offset (the entry it falls in).
fn entry_of(text: &str, offset: usize) -> Option<usize> {
    let mut seen = 0;
    let mut position = 0;
    for line in text.split_inclusive('\n') {
        if position > offset {
            break;
        }
        if line.trim_start().starts_with("[[exception]]") {
            seen += 1;
        }
        position += line.len();
    }
    (seen > 0).then_some(seen)
}

/// The entries of a file, with their header lines, or the parser's refusal.
pub(super) fn parse(
    origin: &str,
    text: &str,
) -> Result<Vec<(usize, Option<usize>, ExceptionSpec)>, ExceptionsError> {
    let file: RawFile = toml::from_str(text).map_err(|error| {
        let offset = error.span().map(|span| span.start);
        let message = error
            .message()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        ExceptionsError {
            origin: origin.to_string(),
            problems: vec![ExceptionProblem {
                entry: offset.and_then(|offset| entry_of(text, offset)),
                line: offset.map(|offset| line_of(text, offset)),
                field: "toml".to_string(),
                control: None,
                message,
            }],
        }
    })?;
    Ok(file
        .exception
        .into_iter()
        .enumerate()
        .map(|(index, entry)| {
            let line = entry_header_line(text, entry.span().start);
            let raw = entry.into_inner();
            let expires = match raw.expires {
                Some(toml::Value::String(text)) => text,
                Some(toml::Value::Datetime(date)) => date.to_string(),
                Some(other) => format!("{other}"),
                None => String::new(),
            };
            let spec = ExceptionSpec {
                control: raw.control.unwrap_or_default(),
                resource: raw.resource,
                account: raw.account,
                regions: raw.regions,
                tags: raw.tags.unwrap_or_default(),
                reason: raw.reason.unwrap_or_default(),
                owner: raw.owner.unwrap_or_default(),
                expires,
            };
            (index + 1, Some(line), spec)
        })
        .collect())
}

/// The line of the `[[exception]]` header an entry's body starts under.
fn entry_header_line(text: &str, body_offset: usize) -> usize {
    let body_line = line_of(text, body_offset);
    let header = text
        .lines()
        .take(body_line)
        .enumerate()
        .filter(|(_, line)| line.trim_start().starts_with("[[exception]]"))
        .map(|(index, _)| index + 1)
        .last();
    header.unwrap_or(body_line)
}

/// The controls an entry's control field covers, or why it is refused.
fn controls_of(pattern: &str) -> Result<Vec<ControlId>, (Option<ControlId>, String)> {
    let pattern = pattern.trim();
    if pattern.is_empty() {
        return Err((
            None,
            "missing: name a control id or a glob such as \"KMS_*\"".to_string(),
        ));
    }
    let controls: Vec<ControlId> = if is_glob(pattern) {
        ControlId::ALL
            .iter()
            .copied()
            .filter(|id| glob_match(pattern, id.as_str()))
            .collect()
    } else {
        match ControlId::from_str(pattern) {
            Ok(id) => vec![id],
            Err(_) => {
                return Err((
                    None,
                    format!("{pattern:?} is not a control id of the catalog"),
                ))
            }
        }
    };
    if controls.is_empty() {
        return Err((
            None,
            format!("the glob {pattern:?} matches no control of the catalog"),
        ));
    }
    let forbidden: Vec<ControlId> = controls
        .iter()
        .copied()
        .filter(|id| NOT_EXCEPTABLE.contains(id))
        .collect();
    if let Some(first) = forbidden.first() {
        let names: Vec<&str> = forbidden.iter().map(|id| id.as_str()).collect();
        let what = if is_glob(pattern) {
            format!("the glob {pattern:?} covers {}, which cannot be excepted (name the controls you mean)", names.join(", "))
        } else {
            format!("{} cannot be excepted (see NOT_EXCEPTABLE)", first.as_str())
        };
        return Err((Some(*first), what));
    }
    Ok(controls)
}

fn valid_region(region: &str) -> bool {
    !region.is_empty()
        && region
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Checks one entry: every problem of it, or the exception.
pub(super) fn check(
    entry: usize,
    line: Option<usize>,
    spec: ExceptionSpec,
    today: Date,
) -> Result<Exception, Vec<ExceptionProblem>> {
    let mut problems = Vec::new();
    let controls = match controls_of(&spec.control) {
        Ok(controls) => controls,
        Err((control, message)) => {
            problems.push((control, "control", message));
            Vec::new()
        }
    };
    // The control named in the other messages: the exact one, when the entry has one.
    let named = (controls.len() == 1)
        .then(|| controls.first().copied())
        .flatten();
    if let Some(resource) = &spec.resource
        && (resource.trim().is_empty() || resource.chars().any(char::is_whitespace))
    {
        problems.push((named, "resource", format!("{resource:?} is not an ARN or a glob over ARNs (omit the field for every resource)")));
    }
    if let Some(account) = &spec.account
        && (account.len() != 12 || !account.chars().all(|c| c.is_ascii_digit()))
    {
        problems.push((
            named,
            "account",
            format!("{account:?} is not a 12-digit account id"),
        ));
    }
    if let Some(regions) = &spec.regions {
        if regions.is_empty() {
            problems.push((
                named,
                "regions",
                "an empty list matches nothing (omit the field for every region)".to_string(),
            ));
        }
        for region in regions.iter().filter(|r| !valid_region(r)) {
            problems.push((named, "regions", format!("{region:?} is not a region name")));
        }
    }
    if spec.tags.keys().any(|key| key.trim().is_empty()) {
        problems.push((named, "tags", "a tag key is empty".to_string()));
    }
    let reason_chars = spec.reason.trim().chars().count();
    if reason_chars < MIN_REASON_CHARS {
        let what = if reason_chars == 0 {
            "missing".to_string()
        } else {
            format!(
                "{:?} is under {MIN_REASON_CHARS} characters",
                spec.reason.trim()
            )
        };
        problems.push((
            named,
            "reason",
            format!("{what}: say why the risk is accepted and who reviewed it"),
        ));
    }
    if spec.owner.trim().is_empty() {
        problems.push((
            named,
            "owner",
            "missing: name who accepted the risk".to_string(),
        ));
    }
    let expires = if spec.expires.trim().is_empty() {
        problems.push((named, "expires", format!("missing: give the last day it applies (YYYY-MM-DD, at most {MAX_EXPIRY_DAYS} days away)")));
        None
    } else {
        match spec.expires.trim().parse::<Date>() {
            Ok(date) if today.days_until(date) > MAX_EXPIRY_DAYS => {
                problems.push((
                    named,
                    "expires",
                    format!(
                        "{date} is {} days away, more than {MAX_EXPIRY_DAYS} (latest {})",
                        today.days_until(date),
                        today.plus_days(MAX_EXPIRY_DAYS)
                    ),
                ));
                None
            }
            Ok(date) => Some(date),
            Err(error) => {
                problems.push((named, "expires", error.to_string()));
                None
            }
        }
    };
    match expires {
        Some(expires) if problems.is_empty() => Ok(Exception {
            entry,
            line,
            spec,
            controls,
            expires,
        }),
        _ => Err(problems
            .into_iter()
            .map(|(control, field, message)| ExceptionProblem {
                entry: Some(entry),
                line,
                field: field.to_string(),
                control,
                message,
            })
            .collect()),
    }
}
