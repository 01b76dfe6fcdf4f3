//! GuardDuty live cases: a detector made by hand (on, every 15 minutes, S3 Protection) judged
//! by its account's audit, and the library's detector in a second account changed behind its
//! back (disabled, publishing every hour: the next step above 15 minutes, S3 Protection off),
//! judged by one verify and by that account's audit.
//!
//! What the local endpoint cannot represent: moto never publishes a finding and does not serve
//! ListFindings at all, so `GUARDDUTY_NON_ARCHIVED_FINDINGS` is judged live only as the error
//! an unreadable findings list must be (never a pass); its age and severity boundaries are
//! the pure cases'.

use aws_sdk_guardduty::types::{
    DetectorFeature, DetectorFeatureConfiguration, FeatureStatus, FindingPublishingFrequency,
};
use hipaa_aws::construct::LogicalId;
use hipaa_aws::controls::Service;
use hipaa_aws::prelude::*;
use hipaa_aws::{Check, ControlId as C, Status};

use super::{audit, found, of_id, Case, Path};
use crate::support::{account, TestAccount, REGION};

const F: &str = "guardduty";

fn s3_protection(status: FeatureStatus) -> DetectorFeatureConfiguration {
    DetectorFeatureConfiguration::builder()
        .name(DetectorFeature::S3DataEvents)
        .status(status)
        .build()
}

async fn by_hand(account: &TestAccount) -> String {
    aws_sdk_guardduty::Client::new(&account.sdk_config)
        .create_detector()
        .enable(true)
        .finding_publishing_frequency(FindingPublishingFrequency::FifteenMinutes)
        .features(s3_protection(FeatureStatus::Enabled))
        .send()
        .await
        .expect("detector")
        .detector_id
        .expect("detector id")
}

/// The library's detector, verified, weakened by hand, verified again; returns its id too.
async fn library(account: &TestAccount) -> (String, Vec<Check>, Vec<Check>) {
    let env = &account.env;
    let stack = Stack::builder("conformance-guardduty")
        .with(ThreatDetection::builder().build().expect("detector"))
        .build()
        .expect("stack");
    stack.apply(env).await.expect("apply");
    let before = stack.verify(env).await.expect("verify");
    let guardduty = aws_sdk_guardduty::Client::new(&account.sdk_config);
    let id = guardduty
        .list_detectors()
        .send()
        .await
        .expect("detectors")
        .detector_ids()
        .first()
        .cloned()
        .expect("the detector");
    guardduty
        .update_detector()
        .detector_id(&id)
        .enable(false)
        .finding_publishing_frequency(FindingPublishingFrequency::OneHour)
        .features(s3_protection(FeatureStatus::Disabled))
        .send()
        .await
        .expect("weaken detector");
    let after = stack.verify(env).await.expect("verify");
    let detector = LogicalId::new("guardduty-detector", "default");
    (id, of_id(&before, &detector), of_id(&after, &detector))
}

pub(super) async fn family() -> Vec<Case> {
    let (hand, lib) = tokio::join!(account(), account());
    let (hand_id, (lib_id, before, after)) = tokio::join!(by_hand(&hand), library(&lib));
    let (hand_report, lib_report) = tokio::join!(
        audit(&hand.env, &[Service::GuardDuty]),
        audit(&lib.env, &[Service::GuardDuty])
    );
    let arn = |account: &TestAccount, id: &str| {
        format!(
            "arn:aws:guardduty:{REGION}:{}:detector/{id}",
            account.env.account_id()
        )
    };
    let on = found(&hand_report, &arn(&hand, &hand_id));
    let off = found(&lib_report, &arn(&lib, &lib_id));
    let audit_case = |name: &str, control, expected, checks: &Vec<Check>| {
        Case::live(F, Path::Audit, name, control, expected, checks.clone())
    };
    let verify_case = |name: &str, control, expected, checks: &Vec<Check>| {
        Case::live(F, Path::Verify, name, control, expected, checks.clone())
    };
    use Status::{Fail, Pass};
    vec![
        audit_case(
            "audit: detector enabled",
            C::GuardDutyEnabledCentralized,
            Pass,
            &on,
        ),
        audit_case(
            "audit: detector disabled",
            C::GuardDutyEnabledCentralized,
            Fail,
            &off,
        ),
        audit_case(
            "audit: findings every 15 minutes",
            C::GuardDutyFindingsEvery15Minutes,
            Pass,
            &on,
        )
        .edge(),
        audit_case(
            "audit: findings every hour",
            C::GuardDutyFindingsEvery15Minutes,
            Fail,
            &off,
        )
        .edge(),
        audit_case(
            "audit: S3 Protection on",
            C::GuardDutyS3Protection,
            Pass,
            &on,
        ),
        audit_case(
            "audit: S3 Protection off",
            C::GuardDutyS3Protection,
            Fail,
            &off,
        ),
        // The local endpoint does not serve ListFindings: the audit must say error, never pass.
        audit_case(
            "audit: findings unreadable",
            C::GuardDutyNonArchivedFindings,
            Status::Error,
            &on,
        ),
        verify_case(
            "verify: detector as applied",
            C::GuardDutyEnabledCentralized,
            Pass,
            &before,
        ),
        verify_case(
            "verify: detector disabled behind the library",
            C::GuardDutyEnabledCentralized,
            Fail,
            &after,
        ),
        verify_case(
            "verify: 15 minutes as applied",
            C::GuardDutyFindingsEvery15Minutes,
            Pass,
            &before,
        )
        .edge(),
        verify_case(
            "verify: every hour behind the library",
            C::GuardDutyFindingsEvery15Minutes,
            Fail,
            &after,
        )
        .edge(),
        verify_case(
            "verify: S3 Protection as applied",
            C::GuardDutyS3Protection,
            Pass,
            &before,
        ),
        verify_case(
            "verify: S3 Protection off behind the library",
            C::GuardDutyS3Protection,
            Fail,
            &after,
        ),
    ]
}
