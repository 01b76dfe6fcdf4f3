//! KMS live cases: keys made by hand (rotation, scheduled deletion) judged by one audit, and
//! the library's key with rotation turned off behind its back, judged by verify.

use hipaa_aws::controls::Service;
use hipaa_aws::prelude::*;
use hipaa_aws::{ControlId as C, Status, VerifyReport};

use super::{audit, found, Case, Path};
use crate::support::account;

pub(super) async fn family() -> Vec<Case> {
    const F: &str = "kms";
    let main = account().await;
    let kms = main.kms();
    let make = || async {
        kms.create_key()
            .send()
            .await
            .expect("key")
            .key_metadata
            .map(|m| (m.key_id, m.arn.unwrap_or_default()))
            .expect("metadata")
    };
    let (rotated_id, rotated) = make().await;
    let (_, unrotated) = make().await;
    let (doomed_id, doomed) = make().await;
    kms.enable_key_rotation()
        .key_id(&rotated_id)
        .send()
        .await
        .expect("rotation");
    kms.schedule_key_deletion()
        .key_id(&doomed_id)
        .pending_window_in_days(7)
        .send()
        .await
        .expect("schedule");
    let key = HipaaKey::builder()
        .alias(format!("conf-kms-{}", main.suffix))
        .build()
        .expect("key");
    let stack = Stack::builder("conformance-kms")
        .with(key)
        .build()
        .expect("stack");
    stack.apply(&main.env).await.expect("apply");
    let before = stack.verify(&main.env).await.expect("verify");
    let alias = format!("alias/conf-kms-{}", main.suffix);
    let library_key = kms
        .describe_key()
        .key_id(&alias)
        .send()
        .await
        .expect("describe")
        .key_metadata
        .map(|m| m.key_id)
        .expect("metadata");
    kms.disable_key_rotation()
        .key_id(&library_key)
        .send()
        .await
        .expect("disable rotation");
    let (report, after) = tokio::join!(audit(&main.env, &[Service::Kms]), stack.verify(&main.env));
    let after = after.expect("verify");
    // The stack holds the key alone: every check verify made is the key's.
    let all = |report: &VerifyReport| {
        report
            .checks()
            .map(|(_, check)| check.clone())
            .collect::<Vec<_>>()
    };
    let (before, after) = (all(&before), all(&after));
    vec![
        Case::live(
            F,
            Path::Audit,
            "audit: rotation on",
            C::KmsKeyRotationEnabled,
            Status::Pass,
            found(&report, &rotated),
        ),
        Case::live(
            F,
            Path::Audit,
            "audit: rotation off",
            C::KmsKeyRotationEnabled,
            Status::Fail,
            found(&report, &unrotated),
        ),
        Case::live(
            F,
            Path::Audit,
            "audit: not scheduled",
            C::KmsCmkNotScheduledForDeletion,
            Status::Pass,
            found(&report, &rotated),
        ),
        Case::live(
            F,
            Path::Audit,
            "audit: scheduled for deletion",
            C::KmsCmkNotScheduledForDeletion,
            Status::Fail,
            found(&report, &doomed),
        ),
        Case::live(
            F,
            Path::Verify,
            "verify: rotation as applied",
            C::KmsKeyRotationEnabled,
            Status::Pass,
            before,
        ),
        Case::live(
            F,
            Path::Verify,
            "verify: rotation disabled behind the library",
            C::KmsKeyRotationEnabled,
            Status::Fail,
            after,
        ),
    ]
}
