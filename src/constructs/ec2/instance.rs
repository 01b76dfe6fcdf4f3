//! The controls of the "EC2 instances" section of the catalog, on what DescribeInstances
//! returns for any instance (the library launches none; the audit judges every one).

use serde::Serialize;

use crate::controls::{Check, ControlId};

/// A resource kind for instances in audit findings.
pub const INSTANCE_KIND: crate::construct::ResourceKind =
    crate::construct::ResourceKind::new("AWS::EC2::Instance", "instance");

/// Days an instance may stay stopped (`EC2_STOPPED_INSTANCE`: `AllowedDays` unset, 30 by the
/// rule's own default).
pub const MAX_STOPPED_DAYS: i64 = 30;

/// The instance types cdk-nag's `EC2EBSOptimizedInstance` checks: they support EBS
/// optimization but do not turn it on by default.
pub const EBS_OPTIMIZABLE_TYPES: [&str; 17] = [
    "c1.xlarge",
    "c3.xlarge",
    "c3.2xlarge",
    "c3.4xlarge",
    "g2.2xlarge",
    "i2.xlarge",
    "i2.2xlarge",
    "i2.4xlarge",
    "m1.large",
    "m1.xlarge",
    "m2.2xlarge",
    "m2.4xlarge",
    "m3.xlarge",
    "m3.2xlarge",
    "r3.xlarge",
    "r3.2xlarge",
    "r3.4xlarge",
];

/// An instance's settings the controls judge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct InstanceState {
    /// The instance id.
    pub id: String,
    /// The instance type, e.g. `t3.micro`.
    pub instance_type: String,
    /// The lifecycle state name (`running`, `stopped`, ...).
    pub state: String,
    /// Its public IPv4 address, if any.
    pub public_ip: Option<String>,
    /// Metadata `HttpTokens` (`required` for IMDSv2 only).
    pub http_tokens: Option<String>,
    /// The metadata endpoint is switched off altogether.
    pub metadata_disabled: bool,
    /// The instance profile ARN, if any.
    pub instance_profile: Option<String>,
    /// The VPC it runs in (`None`: EC2-Classic).
    pub vpc_id: Option<String>,
    /// Detailed monitoring is on.
    pub detailed_monitoring: bool,
    /// EBS optimization is on.
    pub ebs_optimized: bool,
    /// When it was stopped, in epoch seconds (from the state transition reason).
    pub stopped_since_secs: Option<i64>,
}

/// The controls [`evaluate_instance`] judges (see `crate::controls::coverage`).
pub const EVALUATE_INSTANCE_COVERS: &[ControlId] = &[
    ControlId::EbsOptimizedInstance,
    ControlId::Ec2Imdsv2Check,
    ControlId::Ec2InstanceDetailedMonitoringEnabled,
    ControlId::Ec2InstanceNoPublicIp,
    ControlId::Ec2InstanceProfileAttached,
    ControlId::Ec2StoppedInstance,
    ControlId::InstancesInVpc,
];

/// Judges an instance at `now_secs`.
pub fn evaluate_instance(instance: &InstanceState, now_secs: i64) -> Vec<Check> {
    let mut checks = vec![
        Check::require(
            ControlId::Ec2InstanceNoPublicIp,
            "public_ip",
            instance.public_ip.is_none(),
            "no public IPv4 address",
            format!(
                "the instance has the public address {}",
                instance.public_ip.as_deref().unwrap_or_default()
            ),
        ),
        Check::require(
            ControlId::Ec2Imdsv2Check,
            "metadata_options",
            instance.metadata_disabled || instance.http_tokens.as_deref() == Some("required"),
            if instance.metadata_disabled {
                "the metadata endpoint is off"
            } else {
                "metadata requires session tokens (IMDSv2)"
            },
            format!(
                "metadata answers without a session token (HttpTokens {})",
                instance.http_tokens.as_deref().unwrap_or("optional")
            ),
        ),
        Check::require(
            ControlId::Ec2InstanceProfileAttached,
            "iam_instance_profile",
            instance.instance_profile.is_some(),
            format!(
                "instance profile {}",
                instance.instance_profile.as_deref().unwrap_or_default()
            ),
            "no instance profile: credentials end up on the host instead of a role",
        ),
        Check::require(
            ControlId::InstancesInVpc,
            "vpc",
            instance.vpc_id.is_some(),
            format!("runs in {}", instance.vpc_id.as_deref().unwrap_or_default()),
            "the instance runs outside any VPC",
        ),
        Check::require(
            ControlId::Ec2InstanceDetailedMonitoringEnabled,
            "monitoring",
            instance.detailed_monitoring,
            "detailed monitoring is on",
            "detailed monitoring is off (5-minute metrics only)",
        ),
    ];
    checks.push(
        if EBS_OPTIMIZABLE_TYPES.contains(&instance.instance_type.as_str()) {
            Check::require(
                ControlId::EbsOptimizedInstance,
                "ebs_optimized",
                instance.ebs_optimized,
                "EBS optimization is on",
                format!(
                    "{} supports EBS optimization but it is off",
                    instance.instance_type
                ),
            )
        } else {
            Check::not_applicable(
                ControlId::EbsOptimizedInstance,
                "ebs_optimized",
                format!(
                    "{} is not one of the older types that need EBS optimization turned on",
                    instance.instance_type
                ),
            )
        },
    );
    checks.push(if instance.state == "stopped" {
        // Checked: the stop date comes from text AWS wrote.
        let days = instance
            .stopped_since_secs
            .and_then(|since| now_secs.checked_sub(since))
            .map(|elapsed| elapsed / 86_400);
        match days {
            // The stop time AWS wrote could not be read: neither a pass nor a verdict.
            None => Check {
                control: ControlId::Ec2StoppedInstance,
                setting: "state".to_string(),
                status: crate::controls::Status::Error,
                reason: "stopped since an unknown date (the state transition reason holds no readable time)".to_string(),
            },
            Some(days) => Check::require(
                ControlId::Ec2StoppedInstance,
                "state",
                days <= MAX_STOPPED_DAYS,
                format!("stopped {days} days ago"),
                format!("stopped for {days} days, more than {MAX_STOPPED_DAYS}"),
            ),
        }
    } else {
        Check::require(
            ControlId::Ec2StoppedInstance,
            "state",
            true,
            format!("the instance is {}", instance.state),
            "",
        )
    });
    checks
}

/// The date in a state transition reason such as `User initiated (2026-11-01 10:00:00 GMT)`,
/// in epoch seconds.
pub fn stopped_since(reason: &str) -> Option<i64> {
    let start = reason.find('(')? + 1;
    let end = reason[start..].find(')')? + start;
    let text = reason[start..end].trim().trim_end_matches("GMT").trim();
    let (date, time) = text.split_once(' ')?;
    let mut date_parts = date.split('-').map(str::parse::<i64>);
    let (year, month, day) = (
        date_parts.next()?.ok()?,
        date_parts.next()?.ok()?,
        date_parts.next()?.ok()?,
    );
    let mut time_parts = time.split(':').map(str::parse::<i64>);
    let (hour, minute, second) = (
        time_parts.next()?.ok()?,
        time_parts.next()?.ok()?,
        time_parts.next().and_then(Result::ok).unwrap_or(0),
    );
    // Any value outside a calendar date is not a date (and could overflow below).
    if !(1..=9999).contains(&year)
        || !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || !(0..=23).contains(&hour)
        || !(0..=59).contains(&minute)
        || !(0..=60).contains(&second)
    {
        return None;
    }
    days_from_civil(year, month, day)
        .checked_mul(86_400)?
        .checked_add(hour * 3_600 + minute * 60 + second)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year - era * 400;
    let doy = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_stop_date() {
        assert_eq!(
            stopped_since("User initiated (1970-01-02 00:00:01 GMT)"),
            Some(86_401)
        );
        assert_eq!(stopped_since("no date"), None);
    }

    #[test]
    fn a_stop_date_out_of_range_or_not_numeric_is_no_date_and_never_overflows() {
        for reason in [
            "User initiated (9223372036854775807-01-01 00:00:00 GMT)",
            "User initiated (-5-01-01 00:00:00 GMT)",
            "User initiated (2026-13-01 00:00:00 GMT)",
            "User initiated (2026-01-01 2147483647:00:00 GMT)",
            "User initiated (2026-01-01 10:99:00 GMT)",
            "User initiated (2026-01-01 10:00:-1 GMT)",
            "User initiated (2026-xx-01 10:00:00 GMT)",
            "User initiated (99999999999999999999-01-01 10:00:00 GMT)",
            "User initiated ()",
            "User initiated (",
        ] {
            assert_eq!(stopped_since(reason), None, "{reason}");
        }
        // The edges of the range still parse.
        assert!(stopped_since("User initiated (9999-12-31 23:59:60 GMT)").is_some());
        assert!(stopped_since("User initiated (0001-01-01 00:00:00 GMT)").is_some());
    }

    #[test]
    fn a_stop_time_that_cannot_be_subtracted_is_an_unknown_date_not_a_panic() {
        let mut instance = stopped_instance(Some(i64::MIN));
        let check = stopped_check(&instance, i64::MAX);
        assert_eq!(check.status, crate::controls::Status::Error);
        assert!(check.reason.contains("unknown date"), "{}", check.reason);
        instance.stopped_since_secs = Some(i64::MAX);
        let check = stopped_check(&instance, i64::MIN);
        assert_eq!(check.status, crate::controls::Status::Error);
    }

    fn stopped_instance(since: Option<i64>) -> InstanceState {
        InstanceState {
            state: "stopped".into(),
            stopped_since_secs: since,
            ..InstanceState::default()
        }
    }

    fn stopped_check(instance: &InstanceState, now: i64) -> Check {
        evaluate_instance(instance, now)
            .into_iter()
            .find(|c| c.control == ControlId::Ec2StoppedInstance)
            .expect("the stopped check")
    }

    #[test]
    fn judges_a_long_stopped_instance() {
        let instance = InstanceState {
            state: "stopped".into(),
            stopped_since_secs: Some(0),
            ..InstanceState::default()
        };
        let checks = evaluate_instance(&instance, 31 * 86_400);
        assert!(checks
            .iter()
            .any(|c| c.control == ControlId::Ec2StoppedInstance && c.failed()));
    }
}
