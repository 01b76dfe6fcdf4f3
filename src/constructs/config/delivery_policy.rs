//! What the recorder adds to its log bucket's policy and to the bucket key's policy, so AWS
//! Config (through its service-linked role, which writes as the service principal) can deliver
//! configuration history there and nothing more.

use crate::constructs::s3::bucket_arn;
use crate::policy::{Principal, Statement};

use super::service_role::CONFIG_SERVICE_PRINCIPAL;

/// Statement id of the bucket ACL check.
pub const SID_ACL_CHECK: &str = "AllowConfigBucketAclCheck";
/// Statement id of the bucket existence check.
pub const SID_EXISTENCE_CHECK: &str = "AllowConfigBucketExistenceCheck";
/// Statement id of the delivery.
pub const SID_DELIVERY: &str = "AllowConfigDelivery";
/// Statement id of the key use.
pub const SID_KEY_USE: &str = "AllowConfigDeliveryEncryption";

/// The object prefix Config writes under: `[prefix/]AWSLogs/<account>/Config/`.
pub fn delivery_prefix(prefix: Option<&str>, account_id: &str) -> String {
    match prefix {
        Some(prefix) => format!("{prefix}/AWSLogs/{account_id}/Config/"),
        None => format!("AWSLogs/{account_id}/Config/"),
    }
}

/// The bucket statements: Config may read the bucket ACL and list the bucket (its delivery
/// checks) and put objects under its own prefix with `bucket-owner-full-control`, each only for
/// this account.
pub fn config_bucket_statements(
    partition: &str,
    bucket: &str,
    prefix: Option<&str>,
    account_id: &str,
) -> Vec<Statement> {
    let arn = bucket_arn(partition, bucket);
    vec![
        Statement::allow()
            .sid(SID_ACL_CHECK)
            .principal(Principal::service(CONFIG_SERVICE_PRINCIPAL))
            .actions(["s3:GetBucketAcl"])
            .resources([arn.clone()])
            .condition("StringEquals", "aws:SourceAccount", [account_id]),
        Statement::allow()
            .sid(SID_EXISTENCE_CHECK)
            .principal(Principal::service(CONFIG_SERVICE_PRINCIPAL))
            .actions(["s3:ListBucket"])
            .resources([arn.clone()])
            .condition("StringEquals", "aws:SourceAccount", [account_id]),
        Statement::allow()
            .sid(SID_DELIVERY)
            .principal(Principal::service(CONFIG_SERVICE_PRINCIPAL))
            .actions(["s3:PutObject"])
            .resources([format!("{arn}/{}*", delivery_prefix(prefix, account_id))])
            .condition(
                "StringEquals",
                "s3:x-amz-acl",
                ["bucket-owner-full-control"],
            )
            .condition("StringEquals", "aws:SourceAccount", [account_id]),
    ]
}

/// The key statement: Config may encrypt (and read back, for multipart uploads) delivery
/// objects of this bucket with the key, for this account only. With S3 Bucket Keys the
/// encryption context is the bucket ARN; without, the object ARN under the delivery prefix.
pub fn config_key_statement(
    partition: &str,
    bucket: &str,
    prefix: Option<&str>,
    account_id: &str,
) -> Statement {
    let arn = bucket_arn(partition, bucket);
    Statement::allow()
        .sid(SID_KEY_USE)
        .principal(Principal::service(CONFIG_SERVICE_PRINCIPAL))
        .actions(["kms:Decrypt", "kms:GenerateDataKey"])
        .resources(["*"])
        .condition("StringEquals", "aws:SourceAccount", [account_id])
        .condition(
            "StringLike",
            "kms:EncryptionContext:aws:s3:arn",
            [
                arn.clone(),
                format!("{arn}/{}*", delivery_prefix(prefix, account_id)),
            ],
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delivery_is_limited_to_the_config_prefix_of_the_account() {
        let statements = config_bucket_statements("aws", "logs", Some("config"), "111122223333");
        let delivery = statements
            .iter()
            .find(|s| s.sid.as_deref() == Some(SID_DELIVERY));
        assert_eq!(
            delivery.map(|s| s.resources.clone()),
            Some(vec![
                "arn:aws:s3:::logs/config/AWSLogs/111122223333/Config/*".to_string()
            ])
        );
        assert_eq!(
            delivery.and_then(|s| s.condition_values("StringEquals", "s3:x-amz-acl")),
            Some(&["bucket-owner-full-control".to_string()][..])
        );
    }
}
