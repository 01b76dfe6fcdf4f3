//! Where a VPC's flow logs go, and the statements that let the log delivery service write
//! there (added to the log bucket's policy and to its key's policy).

use crate::construct::{LogicalId, PolicyContribution, Ref, Scope};
use crate::constructs::kms::HipaaKey;
use crate::constructs::s3::{bucket_arn, LogBucket};
use crate::policy::{Principal, Statement};

use super::state::FlowLogState;

/// The service principal that delivers VPC flow logs.
pub const LOG_DELIVERY_SERVICE: &str = "delivery.logs.amazonaws.com";
/// Statement id of the write permission in the log bucket's policy.
pub const SID_FLOW_LOG_WRITE: &str = "AllowVpcFlowLogDelivery";
/// Statement id of the ACL check permission in the log bucket's policy.
pub const SID_FLOW_LOG_ACL_CHECK: &str = "AllowVpcFlowLogDeliveryAclCheck";

/// Where flow logs of ALL traffic are delivered. Made from a [`LogBucket`] (which keeps them
/// six years, encrypted with its key); there is no value that turns flow logs off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowLogDestination {
    bucket: Ref<LogBucket>,
    key: Ref<HipaaKey>,
}

impl FlowLogDestination {
    /// The log bucket.
    pub fn bucket(&self) -> &Ref<LogBucket> {
        &self.bucket
    }

    /// The ARN the flow log names (the bucket, without a folder: AWS adds
    /// `AWSLogs/<account>/vpcflowlogs/…`).
    pub fn arn(&self, partition: &str) -> String {
        bucket_arn(partition, self.bucket.name())
    }

    /// The constructs that must exist first.
    pub(crate) fn dependencies(&self) -> Vec<LogicalId> {
        vec![self.bucket.id().clone(), self.key.id().clone()]
    }

    /// The flow log a VPC of this library has.
    pub(crate) fn desired(&self, partition: &str) -> FlowLogState {
        FlowLogState {
            id: String::new(),
            traffic_type: "ALL".to_string(),
            destination_type: "s3".to_string(),
            destination: self.arn(partition),
            status: "ACTIVE".to_string(),
        }
    }

    /// The statements the bucket's policy and its key's policy need for delivery.
    pub(crate) fn contributions(&self, scope: &Scope<'_>) -> Vec<PolicyContribution> {
        let bucket = self.arn(scope.partition);
        let source = format!(
            "arn:{}:logs:{}:{}:*",
            scope.partition, scope.region, scope.account_id
        );
        vec![
            PolicyContribution {
                target: self.bucket.id().clone(),
                statement: flow_log_delivery(&bucket, scope.account_id, &source),
            },
            PolicyContribution {
                target: self.bucket.id().clone(),
                statement: flow_log_acl_check(&bucket, scope.account_id, &source),
            },
            PolicyContribution {
                target: self.key.id().clone(),
                statement: flow_log_key_use(&bucket, self.bucket.name(), scope.account_id),
            },
        ]
    }
}

impl From<&LogBucket> for FlowLogDestination {
    fn from(bucket: &LogBucket) -> Self {
        FlowLogDestination {
            bucket: bucket.reference(),
            key: bucket.key().clone(),
        }
    }
}

/// Lets the log delivery service write flow logs of this account under `AWSLogs/<account>/`.
pub fn flow_log_delivery(bucket_arn: &str, account_id: &str, source_arn: &str) -> Statement {
    Statement::allow()
        .sid(SID_FLOW_LOG_WRITE)
        .principal(Principal::service(LOG_DELIVERY_SERVICE))
        .actions(["s3:PutObject"])
        .resources([format!("{bucket_arn}/AWSLogs/{account_id}/*")])
        .condition("StringEquals", "aws:SourceAccount", [account_id])
        .condition(
            "StringEquals",
            "s3:x-amz-acl",
            ["bucket-owner-full-control"],
        )
        .condition("ArnLike", "aws:SourceArn", [source_arn])
}

/// Lets the log delivery service check the bucket before it writes.
pub fn flow_log_acl_check(bucket_arn: &str, account_id: &str, source_arn: &str) -> Statement {
    Statement::allow()
        .sid(SID_FLOW_LOG_ACL_CHECK)
        .principal(Principal::service(LOG_DELIVERY_SERVICE))
        .actions(["s3:GetBucketAcl", "s3:ListBucket"])
        .resources([bucket_arn])
        .condition("StringEquals", "aws:SourceAccount", [account_id])
        .condition("ArnLike", "aws:SourceArn", [source_arn])
}

/// Lets the log delivery service make data keys for one log bucket (bucket keys on, so the
/// encryption context is the bucket's ARN), for this account only.
pub fn flow_log_key_use(bucket_arn: &str, bucket: &str, account_id: &str) -> Statement {
    let fragment: String = bucket
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect();
    Statement::allow()
        .sid(format!("AllowVpcFlowLogDeliveryTo{fragment}"))
        .principal(Principal::service(LOG_DELIVERY_SERVICE))
        .actions(["kms:GenerateDataKey*"])
        .resources(["*"])
        .condition("StringEquals", "aws:SourceAccount", [account_id])
        .condition(
            "StringEquals",
            "kms:EncryptionContext:aws:s3:arn",
            [bucket_arn],
        )
}
