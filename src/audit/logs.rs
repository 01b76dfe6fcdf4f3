//! CloudWatch Logs and CloudWatch in an audit: every log group (key, retention; six years for
//! the groups trails deliver to), every metric alarm (actions), and, once per account, the CIS
//! security-event filters and alarms on the trails' log groups.

use std::collections::{BTreeMap, BTreeSet};

use crate::construct::ResourceKind;
use crate::constructs::cloudwatch::{
    evaluate_alarm, evaluate_security_alarms, list_alarms, read_metric_filters, AlarmState,
    MetricFilterState, SecurityEvent,
};
use crate::constructs::logs::{
    evaluate_log_group, list_log_groups, LogGroupExpectations, ONE_YEAR_DAYS, SIX_YEARS_DAYS,
};
use crate::controls::{Check, ControlId, Status};
use crate::error::Result;

use super::cloudtrail::SeenTrail;
use super::scan::{Judged, RegionScan};

const LOG_GROUP: ResourceKind = ResourceKind::new("AWS::Logs::LogGroup", "log group");
const ALARM: ResourceKind = ResourceKind::new("AWS::CloudWatch::Alarm", "alarm");
const ACCOUNT: ResourceKind =
    ResourceKind::new("AWS::CloudWatch::SecurityAlarms", "security alarms");

const LOG_GROUP_CONTROLS: [ControlId; 2] = [
    ControlId::CloudWatchLogGroupEncrypted,
    ControlId::CwLogGroupRetentionPeriodCheck,
];

/// The log group ARNs (without `:*`) that logging trails deliver to.
fn trail_groups(trails: &[SeenTrail]) -> BTreeSet<String> {
    trails
        .iter()
        .filter_map(|trail| trail.state.as_ref().ok())
        .filter(|state| state.logging)
        .filter_map(|state| state.cloudwatch_log_group.as_deref())
        .map(|arn| arn.trim_end_matches(":*").to_string())
        .collect()
}

/// The log group ARNs (without `:*`) a metric filter may watch for the CIS security events:
/// those of logging multi-region trails that record every management event, read and write,
/// from every source. A filter on the group of a regional trail, or of one that excludes
/// KMS's events or records only reads, never sees the events its alarm stands for (as AWS
/// Security Hub's CloudWatch.1-14 require of the trail).
fn watched_groups(trails: &[SeenTrail]) -> BTreeSet<String> {
    trails
        .iter()
        .filter_map(|trail| trail.state.as_ref().ok())
        .filter(|state| {
            state.logging
                && state.multi_region
                && crate::constructs::cloudtrail::management_events_recorded(state) == "All"
        })
        .filter_map(|state| state.cloudwatch_log_group.as_deref())
        .map(|arn| arn.trim_end_matches(":*").to_string())
        .collect()
}

/// Judges the region's log groups and alarms, and (in the global region) the account's
/// security alarms.
pub(super) async fn scan(scan: &RegionScan, trails: &Result<Vec<SeenTrail>>) -> Judged {
    let audit_groups = match trails {
        Ok(trails) => trail_groups(trails),
        Err(_) => BTreeSet::new(),
    };
    let (groups, alarms, security) = tokio::join!(
        scan_log_groups(scan, &audit_groups),
        scan_alarms(scan),
        async {
            match trails {
                Ok(trails) if scan.global => scan_security_alarms(scan, trails).await,
                // Without the trails, which log groups to look in is unknown: an error.
                Err(error) if scan.global => {
                    let mut judged = Judged::default();
                    let controls = security_controls();
                    scan.unreadable(ACCOUNT, &scan.account_arn(), &controls, error, &mut judged);
                    judged
                }
                _ => Judged::default(),
            }
        }
    );
    let mut judged = groups;
    judged.extend(alarms);
    judged.extend(security);
    judged
}

async fn scan_log_groups(scan: &RegionScan, audit_groups: &BTreeSet<String>) -> Judged {
    let mut judged = Judged::default();
    let groups = match list_log_groups(&scan.env).await {
        Ok(groups) => groups,
        Err(error) => {
            let arn = scan.env.arn("logs", "log-group:*");
            scan.unreadable(LOG_GROUP, &arn, &LOG_GROUP_CONTROLS, &error, &mut judged);
            return judged;
        }
    };
    for group in groups {
        // A trail's log group holds audit logs: kept six years, like the trail's bucket.
        let floor = if audit_groups.contains(&group.arn) {
            SIX_YEARS_DAYS
        } else {
            ONE_YEAR_DAYS
        };
        let checks = evaluate_log_group(
            &group,
            &LogGroupExpectations {
                retention_floor_days: floor,
            },
        );
        scan.judge(LOG_GROUP, &group.arn, &checks, &mut judged);
    }
    judged
}

async fn scan_alarms(scan: &RegionScan) -> Judged {
    let mut judged = Judged::default();
    match list_alarms(&scan.env).await {
        Ok(alarms) => {
            for alarm in alarms {
                let check = evaluate_alarm(&alarm);
                scan.judge(ALARM, &alarm.arn, &[check], &mut judged);
            }
        }
        Err(error) => scan.unreadable(
            ALARM,
            &scan.env.arn("cloudwatch", "alarm:*"),
            &[ControlId::CloudWatchAlarmActionCheck],
            &error,
            &mut judged,
        ),
    }
    judged
}

/// The security-event controls, each judged once for the account.
fn security_controls() -> Vec<ControlId> {
    let mut controls: Vec<ControlId> = SecurityEvent::ALL.iter().map(|e| e.control()).collect();
    controls.sort();
    controls.dedup();
    controls
}

/// The metric filters of a log group and the alarms of its region.
async fn read_group(
    scan: &RegionScan,
    group_arn: &str,
) -> Result<(Vec<MetricFilterState>, Vec<AlarmState>)> {
    // arn:aws:logs:REGION:ACCOUNT:log-group:NAME
    let mut parts = group_arn.splitn(7, ':');
    let region = parts.nth(3).unwrap_or(&scan.region).to_string();
    let name = group_arn
        .split_once(":log-group:")
        .map(|(_, name)| name)
        .unwrap_or(group_arn);
    let env = scan.env.in_region(&region);
    tokio::try_join!(read_metric_filters(&env, name, None), list_alarms(&env))
}

/// Judges the CIS security events for the account: for each, a metric filter on a logging
/// trail's log group and an alarm with actions on its metric. Any trail's group may satisfy it.
async fn scan_security_alarms(scan: &RegionScan, trails: &[SeenTrail]) -> Judged {
    let mut judged = Judged::default();
    let groups = watched_groups(trails);
    let arn = scan.account_arn();
    if groups.is_empty() {
        let checks: Vec<Check> = security_controls()
            .into_iter()
            .map(|control| {
                Check::require(
                    control,
                    "trails.cloudwatch_log_group",
                    false,
                    "",
                    "no logging multi-region trail that records every management event (read and write, no excluded source) delivers to a CloudWatch Logs log group, so no metric filter can watch its events",
                )
            })
            .collect();
        scan.judge(ACCOUNT, &arn, &checks, &mut judged);
        return judged;
    }
    let mut per_group = Vec::new();
    for group in &groups {
        per_group.push(match read_group(scan, group).await {
            Ok((filters, alarms)) => Ok(merge_by_control(evaluate_security_alarms(
                &filters, &alarms,
            ))),
            Err(error) => Err(error),
        });
    }
    if per_group.iter().all(|result| result.is_err()) {
        if let Some(Err(error)) = per_group.into_iter().next() {
            scan.unreadable(ACCOUNT, &arn, &security_controls(), &error, &mut judged);
        }
        return judged;
    }
    let checks = best_per_control(per_group.into_iter().filter_map(Result::ok).collect());
    scan.judge(ACCOUNT, &arn, &checks, &mut judged);
    judged
}

/// One check per control: fails when any of its events fails (network changes are four).
fn merge_by_control(checks: Vec<Check>) -> Vec<Check> {
    let mut merged: BTreeMap<ControlId, Check> = BTreeMap::new();
    for check in checks {
        match merged.get_mut(&check.control) {
            None => {
                merged.insert(check.control, check);
            }
            Some(existing) => {
                existing.setting = format!("{}, {}", existing.setting, check.setting);
                if check.status != Status::Pass && existing.status == Status::Pass {
                    existing.status = check.status;
                    existing.reason = check.reason;
                } else if check.status != Status::Pass || existing.status == Status::Pass {
                    // Reasons of the same standing accumulate; a pass never dilutes a failure.
                    existing.reason = format!("{}; {}", existing.reason, check.reason);
                }
            }
        }
    }
    merged.into_values().collect()
}

/// Per control, a passing check of any log group, else the first group's failing one.
fn best_per_control(groups: Vec<Vec<Check>>) -> Vec<Check> {
    let mut best: BTreeMap<ControlId, Check> = BTreeMap::new();
    for check in groups.into_iter().flatten() {
        let better = best
            .get(&check.control)
            .is_none_or(|kept| kept.status != Status::Pass && check.status == Status::Pass);
        if better {
            best.insert(check.control, check);
        }
    }
    best.into_values().collect()
}
