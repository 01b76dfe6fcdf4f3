//! A bucket's replication: reading its rules, writing the library's rule, and the role S3
//! assumes to replicate (made before the rule, deleted with the bucket).

use aws_sdk_s3::types::{
    DeleteMarkerReplication, DeleteMarkerReplicationStatus, Destination, EncryptionConfiguration,
    ReplicationConfiguration, ReplicationRuleFilter, ReplicationRuleStatus,
    SourceSelectionCriteria, SseKmsEncryptedObjects, SseKmsEncryptedObjectsStatus,
};

use crate::aws_error::AwsResultExt;
use crate::construct::Ctx;
use crate::env::Environment;
use crate::error::{Error, Result};

use super::super::state::{BucketState, ReplicationRule};
use super::SERVICE;

/// The region of a key ARN, which S3 requires to be the destination's.
fn region_of_key(key: &str) -> Option<String> {
    let mut parts = key.split(':');
    (parts.next() == Some("arn"))
        .then(|| parts.nth(2))
        .flatten()
        .filter(|region| !region.is_empty())
        .map(str::to_string)
}

/// Every replication rule of the bucket (none when it has no configuration), as judged: the
/// destination's region is the replica key's.
pub(crate) async fn read_replication_rules(
    env: &Environment,
    name: &str,
) -> Result<Vec<ReplicationRule>> {
    let configuration = env
        .s3()
        .get_bucket_replication()
        .bucket(name)
        .send()
        .await
        .aws_optional(
            SERVICE,
            "GetBucketReplication",
            name,
            &["ReplicationConfigurationNotFoundError"],
        )?
        .and_then(|output| output.replication_configuration);
    let Some(configuration) = configuration else {
        return Ok(Vec::new());
    };
    let role = configuration.role().to_string();
    Ok(configuration
        .rules()
        .iter()
        .map(|rule| {
            let destination = rule.destination();
            let replica_kms_key = destination
                .and_then(Destination::encryption_configuration)
                .and_then(EncryptionConfiguration::replica_kms_key_id)
                .map(str::to_string);
            ReplicationRule {
                id: rule.id().unwrap_or_default().to_string(),
                enabled: rule.status() == &ReplicationRuleStatus::Enabled,
                role: role.clone(),
                destination_bucket: destination
                    .map(|destination| destination.bucket().to_string())
                    .unwrap_or_default(),
                destination_region: replica_kms_key.as_deref().and_then(region_of_key),
                replica_kms_key,
                sse_kms_objects: rule
                    .source_selection_criteria()
                    .and_then(SourceSelectionCriteria::sse_kms_encrypted_objects)
                    .is_some_and(|objects| {
                        objects.status() == &SseKmsEncryptedObjectsStatus::Enabled
                    }),
                source_region: env.region().to_string(),
            }
        })
        .collect())
}

/// Writes the desired rules as the bucket's whole replication configuration, after making
/// the role they name. Versioning is on already (S3 refuses replication without it).
pub(crate) async fn put_replication(
    ctx: &Ctx<'_>,
    name: &str,
    desired: &BucketState,
) -> Result<()> {
    let Some(first) = desired.replication_rules.first() else {
        return Ok(());
    };
    #[cfg(feature = "replication")]
    {
        let source_key = desired
            .encryption
            .as_ref()
            .and_then(|encryption| encryption.kms_key.as_deref())
            .unwrap_or_default();
        role::ensure_replication_role(ctx, name, desired, source_key, first).await?;
    }
    let operation = "PutBucketReplication";
    let rules = desired
        .replication_rules
        .iter()
        .enumerate()
        .map(|(index, rule)| sdk_rule(rule, index))
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(Error::request(SERVICE, operation))?;
    let configuration = ReplicationConfiguration::builder()
        .role(&first.role)
        .set_rules(Some(rules))
        .build()
        .map_err(Error::request(SERVICE, operation))?;
    ctx.env
        .s3()
        .put_bucket_replication()
        .bucket(name)
        .replication_configuration(configuration)
        .send()
        .await
        .aws(SERVICE, operation, name)?;
    Ok(())
}

/// The SDK form of a rule: the whole bucket, SSE-KMS objects included, replicas encrypted with
/// the replica's key, delete markers kept out of the copy (a mistaken delete stays local).
fn sdk_rule(
    rule: &ReplicationRule,
    index: usize,
) -> std::result::Result<
    aws_sdk_s3::types::ReplicationRule,
    aws_smithy_types::error::operation::BuildError,
> {
    let sse_kms = SseKmsEncryptedObjects::builder()
        .status(SseKmsEncryptedObjectsStatus::Enabled)
        .build()?;
    let destination = Destination::builder()
        .bucket(&rule.destination_bucket)
        .encryption_configuration(
            EncryptionConfiguration::builder()
                .set_replica_kms_key_id(rule.replica_kms_key.clone())
                .build(),
        )
        .build()?;
    aws_sdk_s3::types::ReplicationRule::builder()
        .id(&rule.id)
        .priority(i32::try_from(index + 1).unwrap_or(i32::MAX))
        .status(ReplicationRuleStatus::Enabled)
        .filter(ReplicationRuleFilter::builder().prefix("").build())
        .delete_marker_replication(
            DeleteMarkerReplication::builder()
                .status(DeleteMarkerReplicationStatus::Disabled)
                .build(),
        )
        .source_selection_criteria(
            SourceSelectionCriteria::builder()
                .sse_kms_encrypted_objects(sse_kms)
                .build(),
        )
        .destination(destination)
        .build()
}

#[cfg(feature = "replication")]
pub(crate) use role::delete_replication_role;

/// Without IAM there is no role to delete (nor any replication to have made one).
#[cfg(not(feature = "replication"))]
pub(crate) async fn delete_replication_role(_ctx: &Ctx<'_>, _source: &str) -> Result<()> {
    Ok(())
}

#[cfg(feature = "replication")]
mod role {
    //! The replication role: trusted by S3 for this account only, with one inline policy that
    //! reads the source and writes the replica, nothing else.

    use crate::aws_error::AwsResultExt;
    use crate::construct::Ctx;
    use crate::constructs::iam::service_role::{
        delete_service_role, ensure_service_role, ServiceRole,
    };
    use crate::error::Result;

    use super::super::super::replication::{replication_role_name, replication_role_policy};
    use super::super::super::state::{BucketState, ReplicationRule};

    const POLICY_NAME: &str = "replicate";

    /// Makes the role if missing and writes its policy (both idempotent).
    pub(crate) async fn ensure_replication_role(
        ctx: &Ctx<'_>,
        source: &str,
        desired: &BucketState,
        source_key: &str,
        rule: &ReplicationRule,
    ) -> Result<()> {
        let name = replication_role_name(source);
        ensure_service_role(
            ctx,
            &ServiceRole {
                name: &name,
                service: "s3.amazonaws.com",
                description: format!("S3 replication of bucket {source}"),
                tags: &desired.tags,
            },
        )
        .await?;
        ctx.env
            .iam()
            .put_role_policy()
            .role_name(&name)
            .policy_name(POLICY_NAME)
            .policy_document(replication_role_policy(desired, source_key, rule).to_string())
            .send()
            .await
            .aws("iam", "PutRolePolicy", &name)?;
        Ok(())
    }

    /// Deletes the role's policy and the role (gone already is fine).
    pub(crate) async fn delete_replication_role(ctx: &Ctx<'_>, source: &str) -> Result<()> {
        delete_service_role(ctx, &replication_role_name(source), &[], &[POLICY_NAME]).await
    }
}
