//! The security events that get a metric filter and an alarm (the CIS AWS Foundations
//! CloudWatch monitoring set), each with its filter pattern and the control it serves.

use crate::controls::ControlId;

/// One security event watched in the trail's log group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum SecurityEvent {
    /// API calls refused as unauthorized.
    UnauthorizedApiCalls,
    /// Console sign-ins without MFA.
    ConsoleSignInWithoutMfa,
    /// Any use of the root user.
    RootAccountUsage,
    /// IAM policy changes.
    IamPolicyChanges,
    /// CloudTrail configuration changes.
    CloudTrailChanges,
    /// Failed console sign-ins.
    ConsoleSignInFailures,
    /// Customer-managed KMS keys disabled or scheduled for deletion.
    KmsKeyDisabledOrDeleted,
    /// S3 bucket policy (and ACL, CORS, lifecycle, replication) changes.
    S3BucketPolicyChanges,
    /// AWS Config configuration changes.
    ConfigChanges,
    /// Security group changes.
    SecurityGroupChanges,
    /// Network ACL changes.
    NaclChanges,
    /// Network gateway changes.
    NetworkGatewayChanges,
    /// Route table changes.
    RouteTableChanges,
    /// VPC changes.
    VpcChanges,
}

fn any_event(names: &[&str]) -> String {
    names
        .iter()
        .map(|name| format!("($.eventName = {name})"))
        .collect::<Vec<_>>()
        .join(" || ")
}

const IAM_POLICY_EVENTS: &[&str] = &[
    "DeleteGroupPolicy",
    "DeleteRolePolicy",
    "DeleteUserPolicy",
    "PutGroupPolicy",
    "PutRolePolicy",
    "PutUserPolicy",
    "CreatePolicy",
    "DeletePolicy",
    "CreatePolicyVersion",
    "DeletePolicyVersion",
    "AttachRolePolicy",
    "DetachRolePolicy",
    "AttachUserPolicy",
    "DetachUserPolicy",
    "AttachGroupPolicy",
    "DetachGroupPolicy",
];
const CLOUDTRAIL_EVENTS: &[&str] = &[
    "CreateTrail",
    "UpdateTrail",
    "DeleteTrail",
    "StartLogging",
    "StopLogging",
];
const KMS_EVENTS: &[&str] = &["DisableKey", "ScheduleKeyDeletion"];
const S3_POLICY_EVENTS: &[&str] = &[
    "PutBucketAcl",
    "PutBucketPolicy",
    "PutBucketCors",
    "PutBucketLifecycle",
    "PutBucketReplication",
    "DeleteBucketPolicy",
    "DeleteBucketCors",
    "DeleteBucketLifecycle",
    "DeleteBucketReplication",
];
const CONFIG_EVENTS: &[&str] = &[
    "StopConfigurationRecorder",
    "DeleteDeliveryChannel",
    "PutDeliveryChannel",
    "PutConfigurationRecorder",
];
const SECURITY_GROUP_EVENTS: &[&str] = &[
    "AuthorizeSecurityGroupIngress",
    "AuthorizeSecurityGroupEgress",
    "RevokeSecurityGroupIngress",
    "RevokeSecurityGroupEgress",
    "CreateSecurityGroup",
    "DeleteSecurityGroup",
];
const NACL_EVENTS: &[&str] = &[
    "CreateNetworkAcl",
    "CreateNetworkAclEntry",
    "DeleteNetworkAcl",
    "DeleteNetworkAclEntry",
    "ReplaceNetworkAclEntry",
    "ReplaceNetworkAclAssociation",
];
const GATEWAY_EVENTS: &[&str] = &[
    "CreateCustomerGateway",
    "DeleteCustomerGateway",
    "AttachInternetGateway",
    "CreateInternetGateway",
    "DeleteInternetGateway",
    "DetachInternetGateway",
];
const ROUTE_TABLE_EVENTS: &[&str] = &[
    "CreateRoute",
    "CreateRouteTable",
    "ReplaceRoute",
    "ReplaceRouteTableAssociation",
    "DeleteRouteTable",
    "DeleteRoute",
    "DisassociateRouteTable",
];
const VPC_EVENTS: &[&str] = &[
    "CreateVpc",
    "DeleteVpc",
    "ModifyVpcAttribute",
    "AcceptVpcPeeringConnection",
    "CreateVpcPeeringConnection",
    "DeleteVpcPeeringConnection",
    "RejectVpcPeeringConnection",
    "AttachClassicLinkVpc",
    "DetachClassicLinkVpc",
    "DisableVpcClassicLink",
    "EnableVpcClassicLink",
];

impl SecurityEvent {
    /// Every event, in CIS order.
    pub const ALL: &'static [SecurityEvent] = &[
        SecurityEvent::UnauthorizedApiCalls,
        SecurityEvent::ConsoleSignInWithoutMfa,
        SecurityEvent::RootAccountUsage,
        SecurityEvent::IamPolicyChanges,
        SecurityEvent::CloudTrailChanges,
        SecurityEvent::ConsoleSignInFailures,
        SecurityEvent::KmsKeyDisabledOrDeleted,
        SecurityEvent::S3BucketPolicyChanges,
        SecurityEvent::ConfigChanges,
        SecurityEvent::SecurityGroupChanges,
        SecurityEvent::NaclChanges,
        SecurityEvent::NetworkGatewayChanges,
        SecurityEvent::RouteTableChanges,
        SecurityEvent::VpcChanges,
    ];

    /// A short name, used in filter, metric and alarm names.
    pub fn key(self) -> &'static str {
        match self {
            SecurityEvent::UnauthorizedApiCalls => "UnauthorizedApiCalls",
            SecurityEvent::ConsoleSignInWithoutMfa => "ConsoleSignInWithoutMfa",
            SecurityEvent::RootAccountUsage => "RootAccountUsage",
            SecurityEvent::IamPolicyChanges => "IamPolicyChanges",
            SecurityEvent::CloudTrailChanges => "CloudTrailChanges",
            SecurityEvent::ConsoleSignInFailures => "ConsoleSignInFailures",
            SecurityEvent::KmsKeyDisabledOrDeleted => "KmsKeyDisabledOrDeleted",
            SecurityEvent::S3BucketPolicyChanges => "S3BucketPolicyChanges",
            SecurityEvent::ConfigChanges => "ConfigChanges",
            SecurityEvent::SecurityGroupChanges => "SecurityGroupChanges",
            SecurityEvent::NaclChanges => "NaclChanges",
            SecurityEvent::NetworkGatewayChanges => "NetworkGatewayChanges",
            SecurityEvent::RouteTableChanges => "RouteTableChanges",
            SecurityEvent::VpcChanges => "VpcChanges",
        }
    }

    /// What it watches, in a few words.
    pub fn title(self) -> &'static str {
        match self {
            SecurityEvent::UnauthorizedApiCalls => "unauthorized API calls",
            SecurityEvent::ConsoleSignInWithoutMfa => "console sign-in without MFA",
            SecurityEvent::RootAccountUsage => "root account use",
            SecurityEvent::IamPolicyChanges => "IAM policy changes",
            SecurityEvent::CloudTrailChanges => "CloudTrail configuration changes",
            SecurityEvent::ConsoleSignInFailures => "failed console sign-ins",
            SecurityEvent::KmsKeyDisabledOrDeleted => "KMS keys disabled or scheduled for deletion",
            SecurityEvent::S3BucketPolicyChanges => "S3 bucket policy changes",
            SecurityEvent::ConfigChanges => "AWS Config changes",
            SecurityEvent::SecurityGroupChanges => "security group changes",
            SecurityEvent::NaclChanges => "network ACL changes",
            SecurityEvent::NetworkGatewayChanges => "network gateway changes",
            SecurityEvent::RouteTableChanges => "route table changes",
            SecurityEvent::VpcChanges => "VPC changes",
        }
    }

    /// The control the event's filter and alarm serve.
    pub fn control(self) -> ControlId {
        match self {
            SecurityEvent::UnauthorizedApiCalls => ControlId::AlarmUnauthorizedApiCalls,
            SecurityEvent::ConsoleSignInWithoutMfa => ControlId::AlarmConsoleSigninWithoutMfa,
            SecurityEvent::RootAccountUsage => ControlId::AlarmRootUsage,
            SecurityEvent::IamPolicyChanges => ControlId::AlarmIamPolicyChanges,
            SecurityEvent::CloudTrailChanges => ControlId::AlarmCloudTrailChanges,
            SecurityEvent::ConsoleSignInFailures => ControlId::AlarmConsoleSigninFailures,
            SecurityEvent::KmsKeyDisabledOrDeleted => ControlId::AlarmKmsKeyDisabledOrDeleted,
            SecurityEvent::S3BucketPolicyChanges => ControlId::AlarmS3BucketPolicyChanges,
            SecurityEvent::ConfigChanges => ControlId::AlarmConfigChanges,
            SecurityEvent::SecurityGroupChanges => ControlId::AlarmSecurityGroupChanges,
            SecurityEvent::NaclChanges
            | SecurityEvent::NetworkGatewayChanges
            | SecurityEvent::RouteTableChanges
            | SecurityEvent::VpcChanges => ControlId::AlarmNetworkChanges,
        }
    }

    /// The CloudWatch Logs filter pattern (on CloudTrail's JSON events).
    pub fn pattern(self) -> String {
        match self {
            SecurityEvent::UnauthorizedApiCalls => {
                r#"{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }"#
                    .to_string()
            }
            SecurityEvent::ConsoleSignInWithoutMfa => r#"{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }"#.to_string(),
            SecurityEvent::RootAccountUsage => r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }"#.to_string(),
            SecurityEvent::IamPolicyChanges => format!("{{ {} }}", any_event(IAM_POLICY_EVENTS)),
            SecurityEvent::CloudTrailChanges => format!("{{ {} }}", any_event(CLOUDTRAIL_EVENTS)),
            SecurityEvent::ConsoleSignInFailures => {
                r#"{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }"#
                    .to_string()
            }
            SecurityEvent::KmsKeyDisabledOrDeleted => format!(
                "{{ ($.eventSource = kms.amazonaws.com) && ({}) }}",
                any_event(KMS_EVENTS)
            ),
            SecurityEvent::S3BucketPolicyChanges => format!(
                "{{ ($.eventSource = s3.amazonaws.com) && ({}) }}",
                any_event(S3_POLICY_EVENTS)
            ),
            SecurityEvent::ConfigChanges => format!(
                "{{ ($.eventSource = config.amazonaws.com) && ({}) }}",
                any_event(CONFIG_EVENTS)
            ),
            SecurityEvent::SecurityGroupChanges => {
                format!("{{ {} }}", any_event(SECURITY_GROUP_EVENTS))
            }
            SecurityEvent::NaclChanges => format!("{{ {} }}", any_event(NACL_EVENTS)),
            SecurityEvent::NetworkGatewayChanges => format!("{{ {} }}", any_event(GATEWAY_EVENTS)),
            SecurityEvent::RouteTableChanges => format!(
                "{{ ($.eventSource = ec2.amazonaws.com) && ({}) }}",
                any_event(ROUTE_TABLE_EVENTS)
            ),
            SecurityEvent::VpcChanges => format!("{{ {} }}", any_event(VPC_EVENTS)),
        }
    }

    /// The fragments a pattern must contain (compared without spaces and quotes) to watch this
    /// event: how the audit recognises a filter it did not write.
    pub fn required_fragments(self) -> Vec<String> {
        let events = |names: &[&str]| -> Vec<String> {
            names
                .iter()
                .map(|name| format!("$.eventName={name}"))
                .collect()
        };
        match self {
            SecurityEvent::UnauthorizedApiCalls => vec![
                "$.errorCode=*UnauthorizedOperation".to_string(),
                "$.errorCode=AccessDenied*".to_string(),
            ],
            SecurityEvent::ConsoleSignInWithoutMfa => vec![
                "$.eventName=ConsoleLogin".to_string(),
                "$.additionalEventData.MFAUsed!=Yes".to_string(),
            ],
            SecurityEvent::RootAccountUsage => vec![
                "$.userIdentity.type=Root".to_string(),
                "$.userIdentity.invokedByNOTEXISTS".to_string(),
            ],
            SecurityEvent::IamPolicyChanges => events(IAM_POLICY_EVENTS),
            SecurityEvent::CloudTrailChanges => events(CLOUDTRAIL_EVENTS),
            SecurityEvent::ConsoleSignInFailures => vec![
                "$.eventName=ConsoleLogin".to_string(),
                "$.errorMessage=Failedauthentication".to_string(),
            ],
            SecurityEvent::KmsKeyDisabledOrDeleted => events(KMS_EVENTS),
            SecurityEvent::S3BucketPolicyChanges => events(S3_POLICY_EVENTS),
            SecurityEvent::ConfigChanges => events(CONFIG_EVENTS),
            SecurityEvent::SecurityGroupChanges => events(SECURITY_GROUP_EVENTS),
            SecurityEvent::NaclChanges => events(NACL_EVENTS),
            SecurityEvent::NetworkGatewayChanges => events(GATEWAY_EVENTS),
            SecurityEvent::RouteTableChanges => events(ROUTE_TABLE_EVENTS),
            SecurityEvent::VpcChanges => events(VPC_EVENTS),
        }
    }

    /// True when a filter pattern watches this event.
    pub fn matched_by(self, pattern: &str) -> bool {
        let compact: String = pattern
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '"')
            .collect();
        self.required_fragments()
            .iter()
            .all(|fragment| compact.contains(fragment.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_is_recognised_and_fits_the_service_limit() {
        for event in SecurityEvent::ALL {
            let pattern = event.pattern();
            assert!(event.matched_by(&pattern), "{event:?}: {pattern}");
            assert!(pattern.len() <= 1024, "{event:?} pattern is too long");
        }
        assert!(!SecurityEvent::IamPolicyChanges
            .matched_by(&SecurityEvent::CloudTrailChanges.pattern()));
    }
}
