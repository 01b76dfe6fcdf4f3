//! The statements of bucket policies (and of the key policy of a log bucket's key).

use crate::policy::{Principal, Statement};

/// Statement id of the plain-text transport denial.
pub const SID_DENY_INSECURE_TRANSPORT: &str = "DenyInsecureTransport";
/// Statement id of the old-TLS denial.
pub const SID_DENY_OUTDATED_TLS: &str = "DenyTlsOlderThan12";
/// The service principal that delivers server access logs.
pub const LOGGING_SERVICE: &str = "logging.s3.amazonaws.com";

/// The ARN of a bucket in a partition.
pub fn bucket_arn(partition: &str, bucket: &str) -> String {
    format!("arn:{partition}:s3:::{bucket}")
}

/// A statement-id fragment from a name: letters and digits only, each word capitalised.
pub fn sid_fragment(name: &str) -> String {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(|word| {
            let mut chars = word.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// Denies every request without TLS, and every request over TLS older than 1.2, to everyone.
///
/// The principal is written `{"AWS": "*"}` (same meaning as `"*"`) because S3 server access
/// logging refuses target buckets whose policy has a bare `"*"` principal on some endpoints.
pub fn transport_statements(bucket_arn: &str) -> Vec<Statement> {
    let resources = [bucket_arn.to_string(), format!("{bucket_arn}/*")];
    vec![
        Statement::deny()
            .sid(SID_DENY_INSECURE_TRANSPORT)
            .principal(Principal::any_aws())
            .actions(["s3:*"])
            .resources(resources.clone())
            .condition("Bool", "aws:SecureTransport", ["false"]),
        Statement::deny()
            .sid(SID_DENY_OUTDATED_TLS)
            .principal(Principal::any_aws())
            .actions(["s3:*"])
            .resources(resources)
            .condition("NumericLessThan", "s3:TlsVersion", ["1.2"]),
    ]
}

/// Lets the S3 logging service write the access logs of `source_bucket_arn` under `prefix` of
/// the log bucket, and nothing else.
pub fn access_log_delivery(
    log_bucket_arn: &str,
    prefix: &str,
    source_bucket_arn: &str,
    source_bucket: &str,
    account_id: &str,
) -> Statement {
    Statement::allow()
        .sid(format!(
            "AllowAccessLogsFrom{}",
            sid_fragment(source_bucket)
        ))
        .principal(Principal::service(LOGGING_SERVICE))
        .actions(["s3:PutObject"])
        .resources([format!("{log_bucket_arn}/{prefix}*")])
        .condition("ArnLike", "aws:SourceArn", [source_bucket_arn])
        .condition("StringEquals", "aws:SourceAccount", [account_id])
}

/// Lets the S3 logging service encrypt log objects for one log bucket with its key.
pub fn access_log_key_use(log_bucket_arn: &str, log_bucket: &str, account_id: &str) -> Statement {
    Statement::allow()
        .sid(format!(
            "AllowS3AccessLogDeliveryTo{}",
            sid_fragment(log_bucket)
        ))
        .principal(Principal::service(LOGGING_SERVICE))
        .actions(["kms:GenerateDataKey"])
        .resources(["*"])
        .condition("StringEquals", "aws:SourceAccount", [account_id])
        .condition(
            "StringEquals",
            "kms:EncryptionContext:aws:s3:arn",
            [log_bucket_arn],
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sid_fragments_are_alphanumeric() {
        assert_eq!(sid_fragment("acme-phi-logs.2026"), "AcmePhiLogs2026");
        assert_eq!(sid_fragment("--"), "");
    }
}
