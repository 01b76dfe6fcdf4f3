//! What a trail's event selectors record: management events read and written, S3 data
//! events per bucket, and every narrowing that makes a selector count for less.

use crate::policy::Arn;

use super::state::{AdvancedEventSelector, EventSelectors, FieldSelector, TrailState};

/// True when `values` (data-resource values of `AWS::S3::Object`, or `resources.ARN`
/// `StartsWith` values) cover every bucket: `arn:<partition>:s3`, `arn:<partition>:s3:::` or
/// `arn:<partition>:s3:::/`. A value naming a bucket or a bucket-name prefix
/// (`arn:aws:s3:::acme`) does not.
pub fn covers_all_buckets(values: &[String]) -> bool {
    values.iter().any(|value| is_all_buckets(value))
}

fn is_all_buckets(value: &str) -> bool {
    let service = value
        .trim_end_matches('/')
        .strip_prefix("arn:")
        .and_then(|rest| rest.split_once(':'))
        .map(|(_, service)| service);
    matches!(service, Some("s3" | "s3:::" | "s3::"))
}

/// True when `values` cover the objects of `bucket`: every bucket, or the bucket itself with
/// no key prefix (`arn:aws:s3:::bucket/` or `arn:aws:s3:::bucket`). A key prefix inside the
/// bucket (`arn:aws:s3:::bucket/logs/`) covers only part of it.
pub fn covers_bucket(values: &[String], bucket: &str) -> bool {
    covers_all_buckets(values)
        || values.iter().any(|value| {
            Arn::parse(value).is_ok_and(|arn| {
                arn.service == "s3"
                    && (arn.resource == format!("{bucket}/") || arn.resource == bucket)
            })
        })
}

/// What a trail's event selectors record, as far as the controls look.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SelectorCoverage {
    /// Read management events of every source are recorded.
    pub management_read: bool,
    /// Write management events of every source are recorded.
    pub management_write: bool,
    /// Some management events are recorded, but not all (narrowed or excluded sources).
    pub management_partial: bool,
    /// The S3 object ARN prefixes whose read **and** write data events, of every event name,
    /// are recorded (sorted); `arn:<partition>:s3` means every bucket.
    pub s3_data_events: Vec<String>,
    /// What narrows the selectors, in words (for the controls' reasons).
    pub narrowed: Vec<String>,
}

impl SelectorCoverage {
    /// The management events recorded: `All`, `ReadOnly`, `WriteOnly`, `Partial` (some, not
    /// all of either kind) or `None`.
    pub fn management_events(&self) -> String {
        match (self.management_read, self.management_write) {
            (true, true) => "All",
            (true, false) => "ReadOnly",
            (false, true) => "WriteOnly",
            (false, false) if self.management_partial => "Partial",
            (false, false) => "None",
        }
        .to_string()
    }
}

/// Read and write kinds a selector records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ReadWrite {
    read: bool,
    write: bool,
}

impl ReadWrite {
    const ALL: ReadWrite = ReadWrite {
        read: true,
        write: true,
    };

    fn from_basic(read_write_type: &str) -> ReadWrite {
        match read_write_type {
            "ReadOnly" => ReadWrite {
                read: true,
                write: false,
            },
            "WriteOnly" => ReadWrite {
                read: false,
                write: true,
            },
            _ => ReadWrite::ALL,
        }
    }
}

/// Data-event prefixes recorded for reads and for writes, merged into those recorded for both.
#[derive(Default)]
struct DataPrefixes {
    read: Vec<String>,
    write: Vec<String>,
}

impl DataPrefixes {
    fn add(&mut self, kinds: ReadWrite, values: &[String], partition: &str) {
        let normalized = values.iter().map(|value| {
            if is_all_buckets(value) {
                format!("arn:{partition}:s3")
            } else {
                value.clone()
            }
        });
        for value in normalized {
            if kinds.read {
                self.read.push(value.clone());
            }
            if kinds.write {
                self.write.push(value);
            }
        }
    }

    /// The prefixes whose reads and writes are both recorded.
    fn both(&self) -> Vec<String> {
        let held = |values: &[String], value: &String| {
            values.contains(value) || covers_all_buckets(values)
        };
        let mut both: Vec<String> = self
            .read
            .iter()
            .chain(&self.write)
            .filter(|value| held(&self.read, value) && held(&self.write, value))
            .cloned()
            .collect();
        both.sort();
        both.dedup();
        if covers_all_buckets(&both) {
            both.retain(|value| is_all_buckets(value));
        }
        both
    }
}

/// The coverage of basic or advanced selectors. `partition` names every bucket
/// (`arn:<partition>:s3`) when an advanced selector has no `resources.ARN` condition.
///
/// Strict on purpose: a selector counts only for what it records without any narrowing.
/// `ExcludeManagementEventSources`, a negated operator (`NotEquals`, `NotStartsWith`,
/// `NotEndsWith`), `EndsWith`, and any condition on a field other than `eventCategory`,
/// `readOnly`, `resources.type` and (for data events) `resources.ARN` with `StartsWith` make
/// the selector partial, even where the condition happens to match everything.
pub fn selector_coverage(selectors: &EventSelectors, partition: &str) -> SelectorCoverage {
    let mut coverage = SelectorCoverage::default();
    let mut data = DataPrefixes::default();
    match selectors {
        EventSelectors::Basic(selectors) => {
            for (index, selector) in selectors.iter().enumerate() {
                let kinds = ReadWrite::from_basic(&selector.read_write_type);
                if kinds != ReadWrite::ALL {
                    coverage.narrowed.push(format!(
                        "selector {}: ReadWriteType {} records only {} events",
                        index + 1,
                        selector.read_write_type,
                        if kinds.read { "read" } else { "write" }
                    ));
                }
                if selector.include_management_events {
                    if selector.exclude_management_event_sources.is_empty() {
                        coverage.management_read |= kinds.read;
                        coverage.management_write |= kinds.write;
                    } else {
                        coverage.management_partial = true;
                        coverage.narrowed.push(format!(
                            "selector {}: ExcludeManagementEventSources [{}] leaves their management events out",
                            index + 1,
                            selector.exclude_management_event_sources.join(", ")
                        ));
                    }
                }
                for resource in &selector.data_resources {
                    if resource.resource_type == "AWS::S3::Object" {
                        data.add(kinds, &resource.values, partition);
                    }
                }
            }
        }
        EventSelectors::Advanced(selectors) => {
            for (index, selector) in selectors.iter().enumerate() {
                advanced_coverage(index, selector, partition, &mut coverage, &mut data);
            }
        }
    }
    coverage.management_partial |= coverage.management_read != coverage.management_write;
    coverage.s3_data_events = data.both();
    coverage
}

fn advanced_coverage(
    index: usize,
    selector: &AdvancedEventSelector,
    partition: &str,
    coverage: &mut SelectorCoverage,
    data: &mut DataPrefixes,
) {
    let label = match &selector.name {
        Some(name) => format!("selector {name:?}"),
        None => format!("selector {}", index + 1),
    };
    let fields = &selector.field_selectors;
    let named = |field: &str| -> Vec<&FieldSelector> {
        fields.iter().filter(|f| f.field == field).collect()
    };
    let category = named("eventCategory");
    let is_category = |wanted: &str| {
        category.len() == 1
            && !category[0].is_negated()
            && category[0].equals.iter().any(|value| value == wanted)
    };
    let management = is_category("Management");
    let data_events = is_category("Data");
    if !management && !data_events {
        return;
    }
    let mut narrowing: Vec<String> = Vec::new();
    // readOnly: which kinds of event the selector keeps.
    let mut kinds = ReadWrite::ALL;
    for read_only in named("readOnly") {
        let plain = read_only.starts_with.is_empty()
            && read_only.ends_with.is_empty()
            && read_only.not_starts_with.is_empty()
            && read_only.not_ends_with.is_empty();
        if !plain {
            kinds = ReadWrite {
                read: false,
                write: false,
            };
        }
        if !read_only.equals.is_empty() {
            kinds.read &= read_only.equals.iter().any(|v| v == "true");
            kinds.write &= read_only.equals.iter().any(|v| v == "false");
        }
        kinds.read &= !read_only.not_equals.iter().any(|v| v == "true");
        kinds.write &= !read_only.not_equals.iter().any(|v| v == "false");
    }
    if kinds != ReadWrite::ALL {
        coverage.narrowed.push(format!(
            "{label} records only {} events ({})",
            match (kinds.read, kinds.write) {
                (true, _) => "read",
                (_, true) => "write",
                _ => "no",
            },
            named("readOnly")
                .iter()
                .map(|field| field.render())
                .collect::<Vec<_>>()
                .join("; ")
        ));
    }
    let mut arn_prefixes: Option<Vec<String>> = None;
    for field in fields {
        match field.field.as_str() {
            "eventCategory" | "readOnly" => {}
            "resources.type" if data_events => {}
            "resources.ARN" if data_events => {
                let prefixes_only = !field.is_negated()
                    && field.equals.is_empty()
                    && field.ends_with.is_empty()
                    && !field.starts_with.is_empty()
                    && arn_prefixes.is_none();
                if prefixes_only {
                    arn_prefixes = Some(field.starts_with.clone());
                } else {
                    arn_prefixes = Some(Vec::new());
                    narrowing.push(format!(
                        "{} is not a plain StartsWith of bucket ARNs",
                        field.render()
                    ));
                }
            }
            _ => narrowing.push(field.render()),
        }
    }
    if management {
        if narrowing.is_empty() {
            coverage.management_read |= kinds.read;
            coverage.management_write |= kinds.write;
        } else {
            coverage.management_partial = true;
            coverage.narrowed.push(format!(
                "{label} narrows management events: {}",
                narrowing.join("; ")
            ));
        }
        return;
    }
    let s3_objects = named("resources.type").iter().any(|field| {
        !field.is_negated() && field.equals.iter().any(|value| value == "AWS::S3::Object")
    });
    if !s3_objects {
        return;
    }
    if !narrowing.is_empty() {
        coverage.narrowed.push(format!(
            "{label} narrows S3 data events: {}",
            narrowing.join("; ")
        ));
        return;
    }
    match arn_prefixes {
        None => data.add(kinds, &[format!("arn:{partition}:s3")], partition),
        Some(prefixes) => data.add(kinds, &prefixes, partition),
    }
}

/// The coverage the controls judge: that of the selectors read from CloudTrail, else (a
/// desired state) what `management_events` and `s3_data_events` declare.
pub(super) fn coverage_of(state: &TrailState) -> SelectorCoverage {
    match &state.event_selectors {
        Some(selectors) => selector_coverage(selectors, partition_of(&state.arn)),
        None => SelectorCoverage {
            management_read: matches!(state.management_events.as_str(), "All" | "ReadOnly"),
            management_write: matches!(state.management_events.as_str(), "All" | "WriteOnly"),
            management_partial: false,
            s3_data_events: state.s3_data_events.clone(),
            narrowed: Vec::new(),
        },
    }
}

fn partition_of(arn: &str) -> &str {
    arn.strip_prefix("arn:")
        .and_then(|rest| rest.split(':').next())
        .filter(|partition| !partition.is_empty())
        .unwrap_or("aws")
}

/// The management events a trail records (`All`, `ReadOnly`, `WriteOnly`, `Partial` or
/// `None`), judged strictly from its selectors when they were read.
pub fn management_events_recorded(state: &TrailState) -> String {
    coverage_of(state).management_events()
}

pub(super) fn narrowed_note(coverage: &SelectorCoverage) -> String {
    if coverage.narrowed.is_empty() {
        String::new()
    } else {
        format!(" (narrowed: {})", coverage.narrowed.join("; "))
    }
}
