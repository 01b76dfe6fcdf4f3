//! CloudWatch Logs: encryption, the one-year and six-year retention floors at their boundaries
//! (evaluator and `build()`), and log group names.

use std::collections::BTreeMap;

use hipaa_aws::constructs::logs::{
    evaluate_log_group, log_group_name_problem, LogGroupExpectations, LogGroupState,
};
use hipaa_aws::prelude::*;
use hipaa_aws::{Check, ControlId as C, Status};

use super::Case;

const F: &str = "logs";
const EVAL: &str = "constructs::logs::evaluate_log_group";
const NAMES: &str = "constructs::logs::log_group_name_problem";
const KEY: &str = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

fn state(key: Option<&str>, days: Option<u32>) -> LogGroupState {
    LogGroupState {
        name: "/acme/audit".into(),
        arn: "arn:aws:logs:us-east-1:111122223333:log-group:/acme/audit".into(),
        kms_key: key.map(str::to_string),
        retention_days: days,
        tags: BTreeMap::new(),
    }
}

fn judge(name: &str, control: C, expected: Status, floor: u32, group: LogGroupState) -> Case {
    let expect = LogGroupExpectations {
        retention_floor_days: floor,
    };
    Case::eval(
        F,
        EVAL,
        name,
        control,
        expected,
        evaluate_log_group(&group, &expect),
    )
}

fn build(name: &str, days: u32, floor: RetentionFloor) -> hipaa_aws::Result<EncryptedLogGroup> {
    let key = HipaaKey::builder()
        .alias("logs")
        .build()
        .expect("valid key");
    EncryptedLogGroup::builder()
        .name(name)
        .key(&key)
        .retention_days(days)
        .retention_floor(floor)
        .build()
}

fn name_case(name: &str, expected: Status) -> Case {
    let problem = log_group_name_problem(name);
    let checks = vec![Check::require(
        C::CloudWatchNameValid,
        "name",
        problem.is_none(),
        "valid log group name",
        problem.unwrap_or_default(),
    )];
    Case::eval(
        F,
        NAMES,
        format!("log group name {name:?}"),
        C::CloudWatchNameValid,
        expected,
        checks,
    )
    .edge()
}

pub fn cases() -> Vec<Case> {
    use Status::*;
    let year = 365;
    let six = 2192;
    let mut cases = vec![
        judge(
            "encrypted with a KMS key",
            C::CloudWatchLogGroupEncrypted,
            Pass,
            year,
            state(Some(KEY), Some(year)),
        ),
        judge(
            "no KMS key",
            C::CloudWatchLogGroupEncrypted,
            Fail,
            year,
            state(None, Some(year)),
        ),
        judge(
            "an empty KMS key",
            C::CloudWatchLogGroupEncrypted,
            Fail,
            year,
            state(Some(""), Some(year)),
        )
        .edge(),
        judge(
            "never expires",
            C::CwLogGroupRetentionPeriodCheck,
            Fail,
            year,
            state(Some(KEY), None),
        ),
        judge(
            "never expires (six-year floor)",
            C::LogRetentionSixYears,
            Fail,
            six,
            state(Some(KEY), None),
        ),
    ];
    for (days, expected) in [(364, Fail), (365, Pass), (366, Pass), (1, Fail)] {
        cases.push(
            judge(
                &format!("kept {days} days"),
                C::CwLogGroupRetentionPeriodCheck,
                expected,
                year,
                state(Some(KEY), Some(days)),
            )
            .edge(),
        );
    }
    for (days, expected) in [(2191, Fail), (2192, Pass), (2557, Pass), (1827, Fail)] {
        cases.push(
            judge(
                &format!("audit log kept {days} days"),
                C::LogRetentionSixYears,
                expected,
                six,
                state(Some(KEY), Some(days)),
            )
            .edge(),
        );
    }
    for (days, floor, expected) in [
        (2192, RetentionFloor::SixYears, Pass),
        (1827, RetentionFloor::SixYears, Fail),
        (365, RetentionFloor::OneYear, Pass),
        (180, RetentionFloor::OneYear, Fail),
    ] {
        let control = match floor {
            RetentionFloor::SixYears => C::LogRetentionSixYears,
            _ => C::CwLogGroupRetentionPeriodCheck,
        };
        cases.push(
            Case::build(
                F,
                format!("build: {days} days, floor {floor:?}"),
                control,
                expected,
                build("/acme/audit", days, floor),
            )
            .edge(),
        );
    }
    for (name, expected) in [
        ("/acme/audit", Pass),
        ("", Fail),
        (&"a".repeat(512)[..], Pass),
        (&"a".repeat(513)[..], Fail),
        ("aws/lambda", Fail),
        ("/acme/au dit", Fail),
        ("/acme#audit_1.x-y", Pass),
    ] {
        cases.push(name_case(name, expected));
    }
    cases.push(Case::build(
        F,
        "build: a log group named with a space",
        C::CloudWatchNameValid,
        Fail,
        build("/acme/au dit", 2192, RetentionFloor::SixYears),
    ));
    cases.push(Case::build(
        F,
        "build: a valid log group name",
        C::CloudWatchNameValid,
        Pass,
        build("/acme/audit", 2192, RetentionFloor::SixYears),
    ));
    cases
}
