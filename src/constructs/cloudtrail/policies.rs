//! The statements a trail adds to its log bucket's policy and to its key's policy.

use crate::policy::{Condition, Principal, Statement};

/// The CloudTrail service principal.
pub const CLOUDTRAIL_SERVICE: &str = "cloudtrail.amazonaws.com";

fn sid_fragment(name: &str) -> String {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// Lets CloudTrail, for this trail only, read the log bucket's ACL (its pre-delivery check)
/// and write log files under `AWSLogs/<account>/` with the bucket owner in full control.
pub fn trail_bucket_statements(
    bucket_arn: &str,
    trail_name: &str,
    trail_arn: &str,
    account_id: &str,
) -> Vec<Statement> {
    let fragment = sid_fragment(trail_name);
    vec![
        Statement::allow()
            .sid(format!("AllowCloudTrailAclCheck{fragment}"))
            .principal(Principal::service(CLOUDTRAIL_SERVICE))
            .actions(["s3:GetBucketAcl"])
            .resources([bucket_arn])
            .when(Condition::string_equals("aws:SourceArn", [trail_arn]))
            .when(Condition::string_equals("aws:SourceAccount", [account_id])),
        Statement::allow()
            .sid(format!("AllowCloudTrailWrite{fragment}"))
            .principal(Principal::service(CLOUDTRAIL_SERVICE))
            .actions(["s3:PutObject"])
            .resources([format!("{bucket_arn}/AWSLogs/{account_id}/*")])
            .when(Condition::string_equals(
                "s3:x-amz-acl",
                ["bucket-owner-full-control"],
            ))
            .when(Condition::string_equals("aws:SourceArn", [trail_arn]))
            .when(Condition::string_equals("aws:SourceAccount", [account_id])),
    ]
}

/// Lets CloudTrail, for this trail only, generate data keys for its log files (under the
/// trail's encryption context) and describe the key.
pub fn trail_key_statements(
    partition: &str,
    trail_name: &str,
    trail_arn: &str,
    account_id: &str,
) -> Vec<Statement> {
    let fragment = sid_fragment(trail_name);
    vec![
        Statement::allow()
            .sid(format!("AllowCloudTrailEncrypt{fragment}"))
            .principal(Principal::service(CLOUDTRAIL_SERVICE))
            .actions(["kms:GenerateDataKey*"])
            .resources(["*"])
            .when(Condition::string_equals("aws:SourceArn", [trail_arn]))
            .when(Condition::string_like(
                "kms:EncryptionContext:aws:cloudtrail:arn",
                [format!(
                    "arn:{partition}:cloudtrail:*:{account_id}:trail/{trail_name}"
                )],
            )),
        Statement::allow()
            .sid(format!("AllowCloudTrailDescribeKey{fragment}"))
            .principal(Principal::service(CLOUDTRAIL_SERVICE))
            .actions(["kms:DescribeKey"])
            .resources(["*"])
            .when(Condition::string_equals("aws:SourceArn", [trail_arn])),
    ]
}
