//! EBS: the account default, volumes and snapshots.

use crate::controls::{Check, ControlId};

use crate::constructs::ec2::ebs::EbsDefaultState;

// ------------------------------------------------------------------------------ EBS

/// The controls [`evaluate_ebs_default`] judges (see `crate::controls::coverage`).
pub const EVALUATE_EBS_DEFAULT_COVERS: &[ControlId] = &[
    ControlId::EbsDefaultKeyCustomerManaged,
    ControlId::Ec2EbsEncryptionByDefault,
];

/// Judges the account's EBS defaults in one region.
pub fn evaluate_ebs_default(state: &EbsDefaultState) -> Vec<Check> {
    let aws_managed = state.default_kms_key.is_empty()
        || state.default_kms_key.ends_with("alias/aws/ebs")
        || state.key_manager.as_deref() == Some("AWS");
    vec![
        Check::require(
            ControlId::Ec2EbsEncryptionByDefault,
            "encryption_by_default",
            state.encryption_by_default,
            "new EBS volumes are encrypted by default",
            "EBS encryption by default is off: new volumes and snapshot copies can hold PHI unencrypted",
        ),
        Check::require(
            ControlId::EbsDefaultKeyCustomerManaged,
            "default_kms_key",
            !aws_managed,
            format!("the default key is {}", state.default_kms_key),
            format!(
                "the default key is {} (AWS managed): its policy and rotation are not yours to control",
                if state.default_kms_key.is_empty() {
                    "alias/aws/ebs"
                } else {
                    state.default_kms_key.as_str()
                }
            ),
        ),
    ]
}

/// The controls [`evaluate_volume`] judges (see `crate::controls::coverage`).
pub const EVALUATE_VOLUME_COVERS: &[ControlId] = &[ControlId::EncryptedVolumes];

/// Judges one EBS volume: encrypted at rest (the Config rule looks at attached volumes; an
/// unattached one can be attached at any time, so every volume is judged).
pub fn evaluate_volume(volume: &crate::constructs::ec2::live::VolumeState) -> Check {
    let attached = if volume.attached_to.is_empty() {
        "unattached".to_string()
    } else {
        format!("attached to {}", volume.attached_to.join(", "))
    };
    Check::require(
        ControlId::EncryptedVolumes,
        "encrypted",
        volume.encrypted,
        format!("the volume ({attached}) is encrypted"),
        format!("the volume ({attached}) is not encrypted"),
    )
}

/// The controls [`evaluate_snapshot`] judges (see `crate::controls::coverage`).
pub const EVALUATE_SNAPSHOT_COVERS: &[ControlId] = &[ControlId::EbsSnapshotPublicRestorableCheck];

/// Judges one EBS snapshot: nobody outside the account may create a volume from it.
pub fn evaluate_snapshot(snapshot: &crate::constructs::ec2::live::SnapshotState) -> Check {
    Check::require(
        ControlId::EbsSnapshotPublicRestorableCheck,
        "create_volume_permission",
        !snapshot.public,
        "only the account may restore the snapshot",
        "anyone may restore the snapshot (createVolumePermission group all)",
    )
}
