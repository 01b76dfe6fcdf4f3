//! KMS: the key controls on the library's desired key and its mutations (evaluator path,
//! library and audit evaluators), the deletion window and alias at `build()`, and the
//! declared-key check verify runs.

use hipaa_aws::construct::{declared_key_checks, Construct, Scope};
use hipaa_aws::constructs::kms::{evaluate_key, evaluate_key_for_audit, KeyState};
use hipaa_aws::constructs::s3::{BucketEncryption, BucketState};
use hipaa_aws::policy::PolicyDocument;
use hipaa_aws::prelude::*;
use hipaa_aws::{ControlId as C, Status};

use super::Case;

const F: &str = "kms";
const EVAL: &str = "constructs::kms::evaluate_key";
const AUDIT: &str = "constructs::kms::evaluate_key_for_audit";
const DECLARED: &str = "construct::declared_key_checks";
const KEY: &str = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const OTHER: &str = "arn:aws:kms:us-east-1:111122223333:key/99999999-12ab-34cd-56ef-1234567890ab";

fn base() -> KeyState {
    let key = HipaaKey::builder().alias("phi").build().expect("valid key");
    let mut state = key.desired(&Scope::for_build());
    state.key_state = "Enabled".into();
    state
}

fn judge(name: &str, control: C, expected: Status, change: impl FnOnce(&mut KeyState)) -> Case {
    let mut state = base();
    change(&mut state);
    Case::eval(F, EVAL, name, control, expected, evaluate_key(&state))
}

fn audit(name: &str, control: C, expected: Status, change: impl FnOnce(&mut KeyState)) -> Case {
    let mut state = base();
    change(&mut state);
    Case::eval(
        F,
        AUDIT,
        name,
        control,
        expected,
        evaluate_key_for_audit(&state),
    )
}

fn window(days: u32) -> hipaa_aws::Result<HipaaKey> {
    HipaaKey::builder()
        .alias("phi")
        .deletion_window_days(days)
        .build()
}

fn rotation(days: u32) -> hipaa_aws::Result<HipaaKey> {
    HipaaKey::builder()
        .alias("phi")
        .rotation_period_days(days)
        .build()
}

fn bucket_with(key: Option<&str>) -> BucketState {
    let mut state = crate::conformance::s3::bucket_state();
    state.encryption = Some(BucketEncryption {
        algorithm: "aws:kms".into(),
        kms_key: key.map(str::to_string),
        bucket_key: true,
    });
    state
}

fn declared(name: &str, expected: Status, live: Option<&str>) -> Case {
    let desired = bucket_with(Some(KEY));
    Case::eval(
        F,
        DECLARED,
        name,
        C::KmsDeclaredKeyInUse,
        expected,
        declared_key_checks(&desired, &bucket_with(live)),
    )
}

pub fn cases() -> Vec<Case> {
    use Status::*;
    let mut cases = vec![
        judge(
            "enabled customer symmetric key",
            C::KmsKeyUsable,
            Pass,
            |_| {},
        ),
        judge("disabled key", C::KmsKeyUsable, Fail, |s| {
            s.key_state = "Disabled".into()
        }),
        judge("AWS managed key", C::KmsKeyUsable, Fail, |s| {
            s.key_manager = "AWS".into()
        }),
        judge("asymmetric key", C::KmsKeyUsable, Fail, |s| {
            s.key_spec = "RSA_2048".into()
        }),
        judge("HMAC key", C::KmsKeyUsable, Fail, |s| {
            s.key_spec = "HMAC_256".into();
            s.key_usage = "GENERATE_VERIFY_MAC".into();
        }),
        judge(
            "rotation on, 365 days",
            C::KmsKeyRotationEnabled,
            Pass,
            |_| {},
        ),
        judge("rotation off", C::KmsKeyRotationEnabled, Fail, |s| {
            s.rotation_enabled = false
        }),
        judge(
            "rotation on, period unreported",
            C::KmsKeyRotationEnabled,
            Pass,
            |s| s.rotation_period_days = None,
        ),
        judge(
            "not scheduled for deletion",
            C::KmsCmkNotScheduledForDeletion,
            Pass,
            |_| {},
        ),
        judge(
            "PendingDeletion",
            C::KmsCmkNotScheduledForDeletion,
            Fail,
            |s| s.key_state = "PendingDeletion".into(),
        ),
        judge(
            "PendingReplicaDeletion",
            C::KmsCmkNotScheduledForDeletion,
            Fail,
            |s| s.key_state = "PendingReplicaDeletion".into(),
        )
        .edge(),
        judge(
            "the library's key policy",
            C::KmsKeyPolicyLeastPrivilege,
            Pass,
            |_| {},
        ),
        judge(
            "no readable key policy",
            C::KmsKeyPolicyLeastPrivilege,
            Error,
            |s| s.policy = None,
        ),
        judge(
            "kms:* to every principal",
            C::KmsKeyPolicyLeastPrivilege,
            Fail,
            |s| {
                s.policy = Some(
                PolicyDocument::from_json(
                    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*"}]}"#,
                )
                .expect("policy"),
            )
            },
        ),
        judge("alias/phi", C::KmsAliasValid, Pass, |_| {}),
        judge("no alias", C::KmsAliasValid, Fail, |s| s.alias = None),
        judge("alias/aws/phi is reserved", C::KmsAliasValid, Fail, |s| {
            s.alias = Some("alias/aws/phi".into())
        })
        .edge(),
        judge(
            "alias/awsphi is not reserved",
            C::KmsAliasValid,
            Pass,
            |s| s.alias = Some("alias/awsphi".into()),
        )
        .edge(),
        judge("250 characters after alias/", C::KmsAliasValid, Pass, |s| {
            s.alias = Some(format!("alias/{}", "a".repeat(250)))
        })
        .edge(),
        judge("251 characters after alias/", C::KmsAliasValid, Fail, |s| {
            s.alias = Some(format!("alias/{}", "a".repeat(251)))
        })
        .edge(),
        judge("alias with a dot", C::KmsAliasValid, Fail, |s| {
            s.alias = Some("alias/p.hi".into())
        }),
        audit("audit: rotation on", C::KmsKeyRotationEnabled, Pass, |_| {}),
        audit("audit: rotation off", C::KmsKeyRotationEnabled, Fail, |s| {
            s.rotation_enabled = false
        }),
        audit(
            "audit: AWS managed key is not rotatable here",
            C::KmsKeyRotationEnabled,
            NotApplicable,
            |s| s.key_manager = "AWS".into(),
        ),
        audit(
            "audit: PendingDeletion",
            C::KmsCmkNotScheduledForDeletion,
            Fail,
            |s| s.key_state = "PendingDeletion".into(),
        ),
        audit(
            "audit: PendingReplicaDeletion",
            C::KmsCmkNotScheduledForDeletion,
            Fail,
            |s| s.key_state = "PendingReplicaDeletion".into(),
        )
        .edge(),
        audit(
            "audit: Enabled",
            C::KmsCmkNotScheduledForDeletion,
            Pass,
            |_| {},
        ),
        audit(
            "audit: Disabled is not scheduled",
            C::KmsCmkNotScheduledForDeletion,
            Pass,
            |s| s.key_state = "Disabled".into(),
        ),
        declared("the declared key", Pass, Some(KEY)),
        declared("another customer key", Fail, Some(OTHER)),
        declared("no key at all", Fail, None),
    ];
    for (days, expected) in [(89, Fail), (90, Pass), (2560, Pass), (2561, Fail)] {
        cases.push(
            judge(
                &format!("rotation every {days} days"),
                C::KmsKeyRotationEnabled,
                expected,
                |s| s.rotation_period_days = Some(days),
            )
            .edge(),
        );
        cases.push(
            Case::build(
                F,
                format!("build with rotation {days} days"),
                C::KmsKeyRotationEnabled,
                expected,
                rotation(days),
            )
            .edge(),
        );
    }
    for (days, expected) in [(6, Fail), (7, Pass), (30, Pass), (31, Fail)] {
        cases.push(
            Case::build(
                F,
                format!("deletion window {days} days"),
                C::KmsDeletionWindow,
                expected,
                window(days),
            )
            .edge(),
        );
    }
    for (alias, expected) in [
        ("phi", Pass),
        ("alias/aws/phi", Fail),
        ("aws/phi", Fail),
        ("p hi", Fail),
    ] {
        cases.push(Case::build(
            F,
            format!("build with alias {alias:?}"),
            C::KmsAliasValid,
            expected,
            HipaaKey::builder().alias(alias).build(),
        ));
    }
    cases
}
