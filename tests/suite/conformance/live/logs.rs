//! CloudWatch Logs live cases: log groups made by hand at the retention boundary, with and
//! without a key, judged by one audit, and the library's group cut to five years, judged by
//! verify.

use hipaa_aws::controls::Service;
use hipaa_aws::prelude::*;
use hipaa_aws::{ControlId as C, Status};

use super::{audit, found, verified, Case, Path};
use crate::support::{account, REGION};

pub(super) async fn family() -> Vec<Case> {
    const F: &str = "logs";
    let main = account().await;
    let logs = aws_sdk_cloudwatchlogs::Client::new(&main.sdk_config);
    let key = main
        .kms()
        .create_key()
        .send()
        .await
        .expect("key")
        .key_metadata
        .map(|m| m.arn.unwrap_or_default())
        .unwrap_or_default();
    let groups = [
        ("/conf/kept-365", Some(365), true),
        ("/conf/kept-180", Some(180), true),
        ("/conf/forever", None, true),
        ("/conf/plain", Some(400), false),
    ];
    for (name, days, encrypted) in groups {
        let mut create = logs.create_log_group().log_group_name(name);
        if encrypted {
            create = create.kms_key_id(&key);
        }
        create.send().await.expect("log group");
        if let Some(days) = days {
            logs.put_retention_policy()
                .log_group_name(name)
                .retention_in_days(days)
                .send()
                .await
                .expect("retention");
        }
    }
    let hipaa_key = HipaaKey::builder()
        .alias(format!("conf-logs-{}", main.suffix))
        .build()
        .expect("key");
    let group = EncryptedLogGroup::builder()
        .name(format!("/conf/{}/audit", main.suffix))
        .key(&hipaa_key)
        .build()
        .expect("group");
    let group_name = group.name().to_string();
    let stack = Stack::builder("conformance-logs")
        .with(group)
        .with(hipaa_key)
        .build()
        .expect("stack");
    stack.apply(&main.env).await.expect("apply");
    let before = stack.verify(&main.env).await.expect("verify");
    logs.put_retention_policy()
        .log_group_name(&group_name)
        .retention_in_days(1827)
        .send()
        .await
        .expect("shorten");
    let (report, after) = tokio::join!(
        audit(&main.env, &[Service::CloudWatch]),
        stack.verify(&main.env)
    );
    let after = after.expect("verify");
    let arn = |name: &str| {
        format!(
            "arn:aws:logs:{REGION}:{}:log-group:{name}",
            main.env.account_id()
        )
    };
    let (before, after) = (
        verified(&before, &group_name),
        verified(&after, &group_name),
    );
    vec![
        Case::live(
            F,
            Path::Audit,
            "audit: kept 365 days",
            C::CwLogGroupRetentionPeriodCheck,
            Status::Pass,
            found(&report, &arn("/conf/kept-365")),
        )
        .edge(),
        Case::live(
            F,
            Path::Audit,
            "audit: kept 180 days",
            C::CwLogGroupRetentionPeriodCheck,
            Status::Fail,
            found(&report, &arn("/conf/kept-180")),
        )
        .edge(),
        Case::live(
            F,
            Path::Audit,
            "audit: never expires",
            C::CwLogGroupRetentionPeriodCheck,
            Status::Fail,
            found(&report, &arn("/conf/forever")),
        ),
        Case::live(
            F,
            Path::Audit,
            "audit: encrypted",
            C::CloudWatchLogGroupEncrypted,
            Status::Pass,
            found(&report, &arn("/conf/kept-365")),
        ),
        Case::live(
            F,
            Path::Audit,
            "audit: not encrypted",
            C::CloudWatchLogGroupEncrypted,
            Status::Fail,
            found(&report, &arn("/conf/plain")),
        ),
        Case::live(
            F,
            Path::Verify,
            "verify: six years as applied",
            C::LogRetentionSixYears,
            Status::Pass,
            before,
        ),
        Case::live(
            F,
            Path::Verify,
            "verify: cut to five years behind the library",
            C::LogRetentionSixYears,
            Status::Fail,
            after,
        )
        .edge(),
    ]
}
