//! The constructs, one folder per AWS service: props and validation, desired state, the
//! controls that judge it, and how to read, create, update and delete it.

#[cfg(feature = "backup")]
pub mod backup;
#[cfg(feature = "cloudtrail")]
pub mod cloudtrail;
#[cfg(feature = "cloudwatch")]
pub mod cloudwatch;
#[cfg(feature = "config")]
pub mod config;
#[cfg(feature = "ec2")]
pub mod ec2;
#[cfg(feature = "guardduty")]
pub mod guardduty;
#[cfg(feature = "iam")]
pub mod iam;
#[cfg(feature = "kms")]
pub mod kms;
#[cfg(feature = "logs")]
pub mod logs;
#[cfg(feature = "organizations")]
pub mod organizations;
#[cfg(feature = "rds")]
pub mod rds;
#[cfg(feature = "s3")]
pub mod s3;
#[cfg(feature = "securityhub")]
pub mod securityhub;

pub(crate) mod ownership;
pub mod partial;

/// One kind per construct: the logical id of every construct comes from its kind's prefix.
#[cfg(all(
    test,
    feature = "kms",
    feature = "s3",
    feature = "ec2",
    feature = "iam"
))]
mod kind_tests {
    use crate::construct::{Construct, ResourceKind};
    use crate::prelude::*;

    fn id_from_kind<C: Construct>(construct: &C, name: &str) {
        assert_eq!(
            construct.id(),
            &construct.kind().logical_id(name),
            "{} takes its logical id from its kind",
            construct.kind()
        );
        assert!(!construct.kind().id_prefix.is_empty());
    }

    #[test]
    fn every_construct_tried_takes_its_logical_id_from_its_kind() -> crate::Result<()> {
        let key = HipaaKey::builder().alias("phi").build()?;
        id_from_kind(&key, "phi");
        let logs = LogBucket::builder().name("acme-logs").key(&key).build()?;
        id_from_kind(&logs, "acme-logs");
        let data = EncryptedBucket::builder()
            .name("acme-phi")
            .key(&key)
            .access_logs(&logs)
            .build()?;
        id_from_kind(&data, "acme-phi");
        let vpc = HipaaVpc::builder()
            .name("prod")
            .cidr("10.20.0.0/16")
            .flow_logs_to(&logs)
            .build()?;
        id_from_kind(&vpc, "prod");
        let role = HipaaRole::builder()
            .name("acme-app")
            .trust(Trust::service("ecs-tasks.amazonaws.com"))
            .build()?;
        id_from_kind(&role, "acme-app");
        Ok(())
    }

    #[test]
    fn the_id_prefix_stays_out_of_reports() {
        let json = serde_json::to_value(ResourceKind::LOG_BUCKET).unwrap_or_default();
        assert_eq!(
            json,
            serde_json::json!({"type_name": "AWS::S3::Bucket", "label": "log bucket"})
        );
    }
}
