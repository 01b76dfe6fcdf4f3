//! The control catalog, transcribed from `CONTROLS.md`: every automated HIPAA check of the
//! cdk-nag `HIPAA.Security` pack and the AWS Config "Operational Best Practices for HIPAA
//! Security" conformance pack on the services in scope, plus the few controls this library adds
//! (ids starting with `HIPAA_AWS_`).
//!
//! The canonical id of a control is its AWS Config rule identifier when it has one, otherwise its
//! cdk-nag rule id, otherwise a `HIPAA_AWS_` id of this library.

use super::citation::Citation as C;
use super::{CitationSource, Control, Service};

macro_rules! catalog {
    ($(
        $variant:ident {
            id: $id:literal,
            title: $title:literal,
            service: $service:ident,
            cdk_nag: $cdk:expr,
            config_rule: $config:expr,
            removed: $removed:expr,
            citations: [$($citation:ident),* $(,)?],
            source: $source:ident $(,)?
        }
    ),* $(,)?) => {
        /// The id of one control of the catalog.
        ///
        /// Displayed (and serialized) as its canonical id, e.g. `S3_BUCKET_SSL_REQUESTS_ONLY`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum ControlId {
            $(
                #[doc = $title]
                $variant,
            )*
        }

        impl ControlId {
            /// Every control of the catalog, in catalog order.
            pub const ALL: &'static [ControlId] = &[$(ControlId::$variant),*];

            /// The catalog entry of this control.
            pub fn control(self) -> &'static Control {
                match self {
                    $(
                        ControlId::$variant => &Control {
                            id: ControlId::$variant,
                            code: $id,
                            title: $title,
                            service: Service::$service,
                            cdk_nag_rule: $cdk,
                            config_rule: $config,
                            config_rule_removed: $removed,
                            citations: &[$(C::$citation),*],
                            citation_source: CitationSource::$source,
                        },
                    )*
                }
            }
        }
    };
}

catalog! {
    // ---------------------------------------------------------------- VPC / EC2 networking
    VpcDefaultSecurityGroupClosed {
        id: "VPC_DEFAULT_SECURITY_GROUP_CLOSED",
        title: "The VPC default security group allows no inbound or outbound traffic",
        service: Ec2, cdk_nag: Some("HIPAA.Security-VPCDefaultSecurityGroupClosed"),
        config_rule: Some("VPC_DEFAULT_SECURITY_GROUP_CLOSED"), removed: None,
        citations: [TRANSMISSION_SECURITY], source: RuleSets,
    },
    VpcFlowLogsEnabled {
        id: "VPC_FLOW_LOGS_ENABLED",
        title: "Each VPC has a flow log attached",
        service: Ec2, cdk_nag: Some("HIPAA.Security-VPCFlowLogsEnabled"),
        config_rule: Some("VPC_FLOW_LOGS_ENABLED"), removed: None,
        citations: [AUTHORIZATION_SUPERVISION, AUDIT_CONTROLS], source: RuleSets,
    },
    NoUnrestrictedRouteToIgw {
        id: "NO_UNRESTRICTED_ROUTE_TO_IGW",
        title: "No route sends 0.0.0.0/0 or ::/0 to an internet gateway",
        service: Ec2, cdk_nag: Some("HIPAA.Security-VPCNoUnrestrictedRouteToIGW"),
        config_rule: Some("NO_UNRESTRICTED_ROUTE_TO_IGW"), removed: None,
        citations: [TRANSMISSION_SECURITY], source: RuleSets,
    },
    SubnetAutoAssignPublicIpDisabled {
        id: "SUBNET_AUTO_ASSIGN_PUBLIC_IP_DISABLED",
        title: "Subnets do not auto-assign public IP addresses",
        service: Ec2, cdk_nag: Some("HIPAA.Security-VPCSubnetAutoAssignPublicIpDisabled"),
        config_rule: Some("SUBNET_AUTO_ASSIGN_PUBLIC_IP_DISABLED"), removed: None,
        citations: [WORKFORCE_SECURITY, ISOLATING_CLEARINGHOUSE, ACCESS_ESTABLISHMENT, ACCESS_CONTROL, TRANSMISSION_SECURITY],
        source: RuleSets,
    },
    InternetGatewayAuthorizedVpcOnly {
        id: "INTERNET_GATEWAY_AUTHORIZED_VPC_ONLY",
        title: "Internet gateways are attached only to authorized VPCs",
        service: Ec2, cdk_nag: None,
        config_rule: Some("INTERNET_GATEWAY_AUTHORIZED_VPC_ONLY"), removed: None,
        citations: [TRANSMISSION_SECURITY], source: HipaaAwsMapping,
    },
    IncomingSshDisabled {
        id: "INCOMING_SSH_DISABLED",
        title: "No security group opens SSH (TCP 22) or all traffic to 0.0.0.0/0 or ::/0",
        service: Ec2, cdk_nag: Some("HIPAA.Security-EC2RestrictedSSH"),
        config_rule: Some("INCOMING_SSH_DISABLED"), removed: None,
        citations: [WORKFORCE_SECURITY, WORKFORCE_CLEARANCE, ACCESS_MANAGEMENT, ISOLATING_CLEARINGHOUSE, ACCESS_AUTHORIZATION, ACCESS_ESTABLISHMENT, ACCESS_CONTROL, TRANSMISSION_SECURITY],
        source: RuleSets,
    },
    RestrictedIncomingTraffic {
        id: "RESTRICTED_INCOMING_TRAFFIC",
        title: "No security group opens the high-risk ports (20, 21, 3389, 3306, 3309, 4333) to 0.0.0.0/0",
        service: Ec2, cdk_nag: Some("HIPAA.Security-EC2RestrictedCommonPorts"),
        config_rule: Some("RESTRICTED_INCOMING_TRAFFIC"), removed: None,
        citations: [WORKFORCE_SECURITY, WORKFORCE_CLEARANCE, ACCESS_MANAGEMENT, ISOLATING_CLEARINGHOUSE, ACCESS_AUTHORIZATION, ACCESS_ESTABLISHMENT, ACCESS_CONTROL, TRANSMISSION_SECURITY],
        source: RuleSets,
    },
    VpcSgOpenOnlyToAuthorizedPorts {
        id: "VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS",
        title: "Security groups open to 0.0.0.0/0 or ::/0 do so only on authorized ports",
        service: Ec2, cdk_nag: None,
        config_rule: Some("VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS"), removed: None,
        citations: [TRANSMISSION_SECURITY], source: CdkNagExcludedList,
    },
    NaclNoUnrestrictedIngress {
        id: "HIPAA_AWS_NACL_NO_UNRESTRICTED_INGRESS",
        title: "No network ACL entry allows every port and protocol in from 0.0.0.0/0 or ::/0",
        service: Ec2, cdk_nag: None, config_rule: None, removed: None,
        citations: [ACCESS_CONTROL, TRANSMISSION_SECURITY], source: HipaaAwsMapping,
    },
    VpcVpn2TunnelsUp {
        id: "VPC_VPN_2_TUNNELS_UP",
        title: "Both tunnels of each Site-to-Site VPN connection are up",
        service: Ec2, cdk_nag: None,
        config_rule: Some("VPC_VPN_2_TUNNELS_UP"), removed: None,
        citations: [CONTINGENCY_PLAN, EMERGENCY_MODE], source: CdkNagExcludedList,
    },
    // ---------------------------------------------------------------- EC2 instances
    Ec2InstanceNoPublicIp {
        id: "EC2_INSTANCE_NO_PUBLIC_IP",
        title: "Instances have no public IPv4 address",
        service: Ec2, cdk_nag: Some("HIPAA.Security-EC2InstanceNoPublicIp"),
        config_rule: Some("EC2_INSTANCE_NO_PUBLIC_IP"), removed: None,
        citations: [WORKFORCE_SECURITY, ISOLATING_CLEARINGHOUSE, ACCESS_ESTABLISHMENT, ACCESS_CONTROL, TRANSMISSION_SECURITY],
        source: RuleSets,
    },
    Ec2Imdsv2Check {
        id: "EC2_IMDSV2_CHECK",
        title: "Instance metadata requires session tokens (IMDSv2)",
        service: Ec2, cdk_nag: Some("HIPAA.Security-EC2IMDSv2Enabled"),
        config_rule: Some("EC2_IMDSV2_CHECK"), removed: None,
        citations: [WORKFORCE_SECURITY, ISOLATING_CLEARINGHOUSE, ACCESS_ESTABLISHMENT, ACCESS_CONTROL],
        source: RuleSets,
    },
    Ec2InstanceProfileAttached {
        id: "EC2_INSTANCE_PROFILE_ATTACHED",
        title: "Each instance has an IAM instance profile",
        service: Ec2, cdk_nag: Some("HIPAA.Security-EC2InstanceProfileAttached"),
        config_rule: Some("EC2_INSTANCE_PROFILE_ATTACHED"), removed: None,
        citations: [WORKFORCE_SECURITY, AUTHORIZATION_SUPERVISION, ISOLATING_CLEARINGHOUSE, ACCESS_AUTHORIZATION, ACCESS_ESTABLISHMENT, ACCESS_CONTROL],
        source: RuleSets,
    },
    InstancesInVpc {
        id: "INSTANCES_IN_VPC",
        title: "Instances run inside a VPC",
        service: Ec2, cdk_nag: Some("HIPAA.Security-EC2InstancesInVPC"),
        config_rule: Some("INSTANCES_IN_VPC"), removed: None,
        citations: [WORKFORCE_SECURITY, ISOLATING_CLEARINGHOUSE, ACCESS_ESTABLISHMENT, ACCESS_CONTROL, TRANSMISSION_SECURITY],
        source: RuleSets,
    },
    Ec2InstanceDetailedMonitoringEnabled {
        id: "EC2_INSTANCE_DETAILED_MONITORING_ENABLED",
        title: "Instances have detailed CloudWatch monitoring",
        service: Ec2, cdk_nag: Some("HIPAA.Security-EC2InstanceDetailedMonitoringEnabled"),
        config_rule: Some("EC2_INSTANCE_DETAILED_MONITORING_ENABLED"), removed: Some("2022-06-17"),
        citations: [AUDIT_CONTROLS], source: RuleSets,
    },
    EbsOptimizedInstance {
        id: "EBS_OPTIMIZED_INSTANCE",
        title: "Older instance types that support EBS optimization have it enabled",
        service: Ec2, cdk_nag: Some("HIPAA.Security-EC2EBSOptimizedInstance"),
        config_rule: Some("EBS_OPTIMIZED_INSTANCE"), removed: Some("2022-06-17"),
        citations: [CONTINGENCY_PLAN], source: RuleSets,
    },
    Ec2InstanceManagedBySsm {
        id: "EC2_INSTANCE_MANAGED_BY_SSM",
        title: "Instances are managed by Systems Manager",
        service: Ec2, cdk_nag: None,
        config_rule: Some("EC2_INSTANCE_MANAGED_BY_SSM"), removed: None,
        citations: [MALICIOUS_SOFTWARE], source: CdkNagExcludedList,
    },
    Ec2ResourcesProtectedByBackupPlan {
        id: "EC2_RESOURCES_PROTECTED_BY_BACKUP_PLAN",
        title: "Instances are protected by an AWS Backup plan",
        service: Ec2, cdk_nag: None,
        config_rule: Some("EC2_RESOURCES_PROTECTED_BY_BACKUP_PLAN"), removed: None,
        citations: [CONTINGENCY_PLAN, DATA_BACKUP], source: HipaaAwsMapping,
    },
    Ec2StoppedInstance {
        id: "EC2_STOPPED_INSTANCE",
        title: "Instances are not left stopped longer than 30 days",
        service: Ec2, cdk_nag: None,
        config_rule: Some("EC2_STOPPED_INSTANCE"), removed: None,
        citations: [SECURITY_REMINDERS], source: HipaaAwsMapping,
    },
    Ec2InstanceAge {
        id: "HIPAA_AWS_EC2_INSTANCE_AGE",
        title: "Running instances are younger than the configured maximum age",
        service: Ec2, cdk_nag: None, config_rule: None, removed: None,
        citations: [SECURITY_REMINDERS], source: HipaaAwsMapping,
    },
    Ec2EnclaveHostExposure {
        id: "HIPAA_AWS_EC2_ENCLAVE_HOST_EXPOSURE",
        title: "Nitro Enclave hosts expose no non-standard or vsock-proxy ports to the internet",
        service: Ec2, cdk_nag: None, config_rule: None, removed: None,
        citations: [TRANSMISSION_SECURITY], source: HipaaAwsMapping,
    },
    // ---------------------------------------------------------------- EBS
    EbsInBackupPlan {
        id: "EBS_IN_BACKUP_PLAN",
        title: "Each EBS volume is selected by an AWS Backup plan",
        service: Ebs, cdk_nag: Some("HIPAA.Security-EC2EBSInBackupPlan"),
        config_rule: Some("EBS_IN_BACKUP_PLAN"), removed: None,
        citations: [CONTINGENCY_PLAN, DATA_BACKUP, DISASTER_RECOVERY], source: RuleSets,
    },
    EncryptedVolumes {
        id: "ENCRYPTED_VOLUMES",
        title: "EBS volumes are encrypted",
        service: Ebs, cdk_nag: None,
        config_rule: Some("ENCRYPTED_VOLUMES"), removed: None,
        citations: [ENCRYPTION_DECRYPTION, TRANSMISSION_ENCRYPTION], source: CdkNagExcludedList,
    },
    Ec2EbsEncryptionByDefault {
        id: "EC2_EBS_ENCRYPTION_BY_DEFAULT",
        title: "EBS encryption by default is on for the account and region",
        service: Ebs, cdk_nag: None,
        config_rule: Some("EC2_EBS_ENCRYPTION_BY_DEFAULT"), removed: None,
        citations: [ENCRYPTION_DECRYPTION, TRANSMISSION_ENCRYPTION], source: CdkNagExcludedList,
    },
    EbsSnapshotPublicRestorableCheck {
        id: "EBS_SNAPSHOT_PUBLIC_RESTORABLE_CHECK",
        title: "No EBS snapshot can be restored by everyone",
        service: Ebs, cdk_nag: None,
        config_rule: Some("EBS_SNAPSHOT_PUBLIC_RESTORABLE_CHECK"), removed: None,
        citations: [WORKFORCE_SECURITY, ISOLATING_CLEARINGHOUSE, ACCESS_ESTABLISHMENT, ACCESS_CONTROL, TRANSMISSION_SECURITY],
        source: CdkNagExcludedList,
    },
    // ---------------------------------------------------------------- S3
    S3BucketSslRequestsOnly {
        id: "S3_BUCKET_SSL_REQUESTS_ONLY",
        title: "The bucket policy denies every request made without TLS",
        service: S3, cdk_nag: Some("HIPAA.Security-S3BucketSSLRequestsOnly"),
        config_rule: Some("S3_BUCKET_SSL_REQUESTS_ONLY"), removed: None,
        citations: [ENCRYPTION_DECRYPTION, AUTHENTICATE_EPHI, TRANSMISSION_SECURITY, TRANSMISSION_INTEGRITY, TRANSMISSION_ENCRYPTION],
        source: RuleSets,
    },
    S3DefaultEncryptionKms {
        id: "S3_DEFAULT_ENCRYPTION_KMS",
        title: "Bucket default encryption uses SSE-KMS",
        service: S3, cdk_nag: Some("HIPAA.Security-S3DefaultEncryptionKMS"),
        config_rule: Some("S3_DEFAULT_ENCRYPTION_KMS"), removed: None,
        citations: [ENCRYPTION_DECRYPTION, TRANSMISSION_ENCRYPTION], source: RuleSets,
    },
    S3BucketServerSideEncryptionEnabled {
        id: "S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED",
        title: "Bucket has default server-side encryption",
        service: S3, cdk_nag: None,
        config_rule: Some("S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED"), removed: None,
        citations: [ENCRYPTION_DECRYPTION, AUTHENTICATE_EPHI, TRANSMISSION_ENCRYPTION], source: CdkNagExcludedList,
    },
    S3BucketLevelPublicAccessProhibited {
        id: "S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED",
        title: "All four bucket-level Block Public Access flags are on",
        service: S3, cdk_nag: Some("HIPAA.Security-S3BucketLevelPublicAccessProhibited"),
        config_rule: Some("S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED"), removed: Some("2025-01-07"),
        citations: [WORKFORCE_SECURITY, ISOLATING_CLEARINGHOUSE, ACCESS_ESTABLISHMENT, ACCESS_CONTROL, TRANSMISSION_SECURITY],
        source: RuleSets,
    },
    S3BucketPublicReadProhibited {
        id: "S3_BUCKET_PUBLIC_READ_PROHIBITED",
        title: "Neither the bucket policy nor an ACL grants public read",
        service: S3, cdk_nag: Some("HIPAA.Security-S3BucketPublicReadProhibited"),
        config_rule: Some("S3_BUCKET_PUBLIC_READ_PROHIBITED"), removed: None,
        citations: [WORKFORCE_SECURITY, ISOLATING_CLEARINGHOUSE, ACCESS_ESTABLISHMENT, ACCESS_CONTROL, TRANSMISSION_SECURITY],
        source: RuleSets,
    },
    S3BucketPublicWriteProhibited {
        id: "S3_BUCKET_PUBLIC_WRITE_PROHIBITED",
        title: "Neither the bucket policy nor an ACL grants public write",
        service: S3, cdk_nag: Some("HIPAA.Security-S3BucketPublicWriteProhibited"),
        config_rule: Some("S3_BUCKET_PUBLIC_WRITE_PROHIBITED"), removed: None,
        citations: [WORKFORCE_SECURITY, ISOLATING_CLEARINGHOUSE, ACCESS_ESTABLISHMENT, ACCESS_CONTROL, TRANSMISSION_SECURITY],
        source: RuleSets,
    },
    S3AccountLevelPublicAccessBlocks {
        id: "S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS_PERIODIC",
        title: "All four account-level S3 Block Public Access flags are on",
        service: S3, cdk_nag: None,
        config_rule: Some("S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS_PERIODIC"), removed: None,
        citations: [WORKFORCE_SECURITY, ISOLATING_CLEARINGHOUSE, ACCESS_ESTABLISHMENT, ACCESS_CONTROL, TRANSMISSION_SECURITY],
        source: CdkNagExcludedList,
    },
    S3BucketAclProhibited {
        id: "S3_BUCKET_ACL_PROHIBITED",
        title: "Bucket access is not granted through ACLs (object ownership BucketOwnerEnforced)",
        service: S3, cdk_nag: None,
        config_rule: Some("S3_BUCKET_ACL_PROHIBITED"), removed: None,
        citations: [ACCESS_CONTROL], source: HipaaAwsMapping,
    },
    S3BucketLoggingEnabled {
        id: "S3_BUCKET_LOGGING_ENABLED",
        title: "Bucket has server access logging to a target bucket",
        service: S3, cdk_nag: Some("HIPAA.Security-S3BucketLoggingEnabled"),
        config_rule: Some("S3_BUCKET_LOGGING_ENABLED"), removed: None,
        citations: [AUTHORIZATION_SUPERVISION, AUDIT_CONTROLS], source: RuleSets,
    },
    S3BucketVersioningEnabled {
        id: "S3_BUCKET_VERSIONING_ENABLED",
        title: "Bucket versioning is enabled and not suspended",
        service: S3, cdk_nag: Some("HIPAA.Security-S3BucketVersioningEnabled"),
        config_rule: Some("S3_BUCKET_VERSIONING_ENABLED"), removed: None,
        citations: [CONTINGENCY_PLAN, DATA_BACKUP, DISASTER_RECOVERY, INTEGRITY, AUTHENTICATE_EPHI],
        source: RuleSets,
    },
    S3BucketReplicationEnabled {
        id: "S3_BUCKET_REPLICATION_ENABLED",
        title: "Bucket has at least one enabled replication rule",
        service: S3, cdk_nag: Some("HIPAA.Security-S3BucketReplicationEnabled"),
        config_rule: Some("S3_BUCKET_REPLICATION_ENABLED"), removed: None,
        citations: [CONTINGENCY_PLAN, DATA_BACKUP, DISASTER_RECOVERY], source: RuleSets,
    },
    S3BucketDefaultLockEnabled {
        id: "S3_BUCKET_DEFAULT_LOCK_ENABLED",
        title: "Bucket has Object Lock enabled by default",
        service: S3, cdk_nag: None,
        config_rule: Some("S3_BUCKET_DEFAULT_LOCK_ENABLED"), removed: None,
        citations: [INTEGRITY], source: HipaaAwsMapping,
    },
    S3EventNotificationsEnabled {
        id: "S3_EVENT_NOTIFICATIONS_ENABLED",
        title: "Bucket has event notifications configured",
        service: S3, cdk_nag: None,
        config_rule: Some("S3_EVENT_NOTIFICATIONS_ENABLED"), removed: None,
        citations: [AUDIT_CONTROLS], source: HipaaAwsMapping,
    },
    S3VersionLifecyclePolicyCheck {
        id: "S3_VERSION_LIFECYCLE_POLICY_CHECK",
        title: "Versioning-enabled buckets have a lifecycle policy",
        service: S3, cdk_nag: None,
        config_rule: Some("S3_VERSION_LIFECYCLE_POLICY_CHECK"), removed: None,
        citations: [DATA_BACKUP], source: HipaaAwsMapping,
    },
    S3BucketPolicyGranteeCheck {
        id: "S3_BUCKET_POLICY_GRANTEE_CHECK",
        title: "The bucket policy grants access only to listed principals",
        service: S3, cdk_nag: None,
        config_rule: Some("S3_BUCKET_POLICY_GRANTEE_CHECK"), removed: Some("2022-06-17"),
        citations: [WORKFORCE_SECURITY, AUTHORIZATION_SUPERVISION, WORKFORCE_CLEARANCE, ACCESS_MANAGEMENT, ISOLATING_CLEARINGHOUSE, ACCESS_AUTHORIZATION, ACCESS_ESTABLISHMENT, ACCESS_CONTROL],
        source: CdkNagExcludedList,
    },
    S3TlsMinimumVersion {
        id: "HIPAA_AWS_S3_TLS_1_2_MINIMUM",
        title: "The bucket policy denies requests that use TLS older than 1.2",
        service: S3, cdk_nag: None, config_rule: None, removed: None,
        citations: [TRANSMISSION_SECURITY, TRANSMISSION_INTEGRITY, TRANSMISSION_ENCRYPTION], source: HipaaAwsMapping,
    },
    LogRetentionSixYears {
        id: "HIPAA_AWS_LOG_RETENTION_SIX_YEARS",
        title: "Audit logs are kept at least six years (2192 days) before they may expire",
        service: S3, cdk_nag: None, config_rule: None, removed: None,
        citations: [AUDIT_CONTROLS, RETENTION_SIX_YEARS], source: HipaaAwsMapping,
    },
    S3BucketNameValid {
        id: "HIPAA_AWS_S3_BUCKET_NAME_VALID",
        title: "The bucket name follows the S3 naming rules, so the bucket can be made, found again and audited",
        service: S3, cdk_nag: None, config_rule: None, removed: None,
        citations: [AUDIT_CONTROLS], source: HipaaAwsMapping,
    },
    // ---------------------------------------------------------------- KMS
    KmsCmkNotScheduledForDeletion {
        id: "KMS_CMK_NOT_SCHEDULED_FOR_DELETION",
        title: "No KMS key is scheduled for deletion",
        service: Kms, cdk_nag: None,
        config_rule: Some("KMS_CMK_NOT_SCHEDULED_FOR_DELETION"), removed: None,
        citations: [ENCRYPTION_DECRYPTION, CONTINGENCY_PLAN], source: HipaaAwsMapping,
    },
    KmsKeyRotationEnabled {
        id: "HIPAA_AWS_KMS_KEY_ROTATION_ENABLED",
        title: "Customer-managed symmetric keys rotate automatically, every 90 to 2560 days",
        service: Kms, cdk_nag: None, config_rule: None, removed: None,
        citations: [ENCRYPTION_DECRYPTION], source: HipaaAwsMapping,
    },
    KmsDeletionWindow {
        id: "HIPAA_AWS_KMS_DELETION_WINDOW",
        title: "A key's deletion waiting period is 7 to 30 days (30 by default), so a mistaken deletion can be cancelled",
        service: Kms, cdk_nag: None, config_rule: None, removed: None,
        citations: [CONTINGENCY_PLAN, ENCRYPTION_DECRYPTION], source: HipaaAwsMapping,
    },
    KmsKeyPolicyLeastPrivilege {
        id: "HIPAA_AWS_KMS_KEY_POLICY_LEAST_PRIVILEGE",
        title: "The key policy grants services cryptographic use only under their encryption context and source account",
        service: Kms, cdk_nag: None, config_rule: None, removed: None,
        citations: [ACCESS_CONTROL, ACCESS_AUTHORIZATION], source: HipaaAwsMapping,
    },
    KmsKeyUsable {
        id: "HIPAA_AWS_KMS_KEY_USABLE",
        title: "The key is an enabled, customer-managed, symmetric encryption key",
        service: Kms, cdk_nag: None, config_rule: None, removed: None,
        citations: [ENCRYPTION_DECRYPTION], source: HipaaAwsMapping,
    },
    KmsAliasValid {
        id: "HIPAA_AWS_KMS_ALIAS_VALID",
        title: "The key alias follows the KMS naming rules, so the key can be found again and audited",
        service: Kms, cdk_nag: None, config_rule: None, removed: None,
        citations: [AUDIT_CONTROLS], source: HipaaAwsMapping,
    },
    KmsEnclaveAttestation {
        id: "HIPAA_AWS_KMS_ENCLAVE_ATTESTATION",
        title: "Keys used by Nitro Enclaves enforce attestation conditions",
        service: Kms, cdk_nag: None, config_rule: None, removed: None,
        citations: [ACCESS_CONTROL], source: HipaaAwsMapping,
    },
    // ---------------------------------------------------------------- IAM
    IamPolicyNoStatementsWithAdminAccess {
        id: "IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS",
        title: "No policy statement allows Action * on Resource *",
        service: Iam, cdk_nag: Some("HIPAA.Security-IAMPolicyNoStatementsWithAdminAccess"),
        config_rule: Some("IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS"), removed: None,
        citations: [WORKFORCE_SECURITY, AUTHORIZATION_SUPERVISION, WORKFORCE_CLEARANCE, ACCESS_MANAGEMENT, ISOLATING_CLEARINGHOUSE, ACCESS_AUTHORIZATION, ACCESS_ESTABLISHMENT, ACCESS_CONTROL],
        source: RuleSets,
    },
    IamPolicyNoStatementsWithFullAccess {
        id: "IAM_POLICY_NO_STATEMENTS_WITH_FULL_ACCESS",
        title: "No Allow statement has Action * or service:*",
        service: Iam, cdk_nag: Some("HIPAA.Security-IAMPolicyNoStatementsWithFullAccess"),
        config_rule: Some("IAM_POLICY_NO_STATEMENTS_WITH_FULL_ACCESS"), removed: None,
        citations: [WORKFORCE_SECURITY, AUTHORIZATION_SUPERVISION, WORKFORCE_CLEARANCE, ACCESS_MANAGEMENT, ISOLATING_CLEARINGHOUSE, ACCESS_AUTHORIZATION, ACCESS_ESTABLISHMENT, ACCESS_CONTROL],
        source: RuleSets,
    },
    IamNoInlinePolicyCheck {
        id: "IAM_NO_INLINE_POLICY_CHECK",
        title: "Users, groups and roles carry no inline policies",
        service: Iam, cdk_nag: Some("HIPAA.Security-IAMNoInlinePolicy"),
        config_rule: Some("IAM_NO_INLINE_POLICY_CHECK"), removed: None,
        citations: [WORKFORCE_SECURITY, AUTHORIZATION_SUPERVISION, WORKFORCE_CLEARANCE, ACCESS_MANAGEMENT, ISOLATING_CLEARINGHOUSE, ACCESS_AUTHORIZATION, ACCESS_ESTABLISHMENT, ACCESS_CONTROL],
        source: RuleSets,
    },
    IamUserNoPoliciesCheck {
        id: "IAM_USER_NO_POLICIES_CHECK",
        title: "Policies are attached to groups or roles, not directly to users",
        service: Iam, cdk_nag: Some("HIPAA.Security-IAMUserNoPolicies"),
        config_rule: Some("IAM_USER_NO_POLICIES_CHECK"), removed: None,
        citations: [WORKFORCE_SECURITY, AUTHORIZATION_SUPERVISION, WORKFORCE_CLEARANCE, ACCESS_MANAGEMENT, ISOLATING_CLEARINGHOUSE, ACCESS_AUTHORIZATION, ACCESS_ESTABLISHMENT, ACCESS_CONTROL],
        source: RuleSets,
    },
    IamUserGroupMembershipCheck {
        id: "IAM_USER_GROUP_MEMBERSHIP_CHECK",
        title: "Each IAM user is in at least one group",
        service: Iam, cdk_nag: Some("HIPAA.Security-IAMUserGroupMembership"),
        config_rule: Some("IAM_USER_GROUP_MEMBERSHIP_CHECK"), removed: Some("2022-06-17"),
        citations: [WORKFORCE_SECURITY, AUTHORIZATION_SUPERVISION, WORKFORCE_CLEARANCE, ACCESS_MANAGEMENT, ISOLATING_CLEARINGHOUSE, ACCESS_AUTHORIZATION, ACCESS_ESTABLISHMENT, ACCESS_CONTROL],
        source: RuleSets,
    },
    IamGroupHasUsersCheck {
        id: "IAM_GROUP_HAS_USERS_CHECK",
        title: "Each IAM group has at least one user",
        service: Iam, cdk_nag: Some("HIPAA.Security-IAMGroupHasUsers"),
        config_rule: Some("IAM_GROUP_HAS_USERS_CHECK"), removed: Some("2022-06-17"),
        citations: [WORKFORCE_SECURITY, AUTHORIZATION_SUPERVISION, WORKFORCE_CLEARANCE, ACCESS_MANAGEMENT, ISOLATING_CLEARINGHOUSE, ACCESS_AUTHORIZATION, ACCESS_ESTABLISHMENT, ACCESS_CONTROL],
        source: RuleSets,
    },
    IamCustomerPolicyBlockedKmsActions {
        id: "IAM_CUSTOMER_POLICY_BLOCKED_KMS_ACTIONS",
        title: "Customer-managed policies do not allow kms:*, kms:Decrypt or kms:ReEncrypt* on all keys",
        service: Iam, cdk_nag: None,
        config_rule: Some("IAM_CUSTOMER_POLICY_BLOCKED_KMS_ACTIONS"), removed: None,
        citations: [ACCESS_CONTROL, ENCRYPTION_DECRYPTION], source: HipaaAwsMapping,
    },
    IamInlinePolicyBlockedKmsActions {
        id: "IAM_INLINE_POLICY_BLOCKED_KMS_ACTIONS",
        title: "Inline policies do not allow kms:*, kms:Decrypt or kms:ReEncrypt* on all keys",
        service: Iam, cdk_nag: None,
        config_rule: Some("IAM_INLINE_POLICY_BLOCKED_KMS_ACTIONS"), removed: None,
        citations: [ACCESS_CONTROL, ENCRYPTION_DECRYPTION], source: HipaaAwsMapping,
    },
    IamNoWildcardMarketplaceSubscribe {
        id: "HIPAA_AWS_IAM_NO_WILDCARD_MARKETPLACE_SUBSCRIBE",
        title: "Custom and inline policies do not allow aws-marketplace:Subscribe on all resources",
        service: Iam, cdk_nag: None, config_rule: None, removed: None,
        citations: [ACCESS_AUTHORIZATION], source: HipaaAwsMapping,
    },
    AccessKeysRotated {
        id: "ACCESS_KEYS_ROTATED",
        title: "Active access keys are younger than 90 days",
        service: Iam, cdk_nag: None,
        config_rule: Some("ACCESS_KEYS_ROTATED"), removed: None,
        citations: [ACCESS_AUTHORIZATION], source: CdkNagExcludedList,
    },
    IamUserUnusedCredentialsCheck {
        id: "IAM_USER_UNUSED_CREDENTIALS_CHECK",
        title: "Passwords and active access keys were used within the last 90 days",
        service: Iam, cdk_nag: None,
        config_rule: Some("IAM_USER_UNUSED_CREDENTIALS_CHECK"), removed: None,
        citations: [WORKFORCE_SECURITY, ISOLATING_CLEARINGHOUSE, ACCESS_AUTHORIZATION, ACCESS_ESTABLISHMENT, ACCESS_CONTROL],
        source: CdkNagExcludedList,
    },
    IamPasswordPolicy {
        id: "IAM_PASSWORD_POLICY",
        title: "The account password policy meets the length, reuse, age and character-class requirements",
        service: Iam, cdk_nag: None,
        config_rule: Some("IAM_PASSWORD_POLICY"), removed: None,
        citations: [ACCESS_AUTHORIZATION, PASSWORD_MANAGEMENT, ENTITY_AUTHENTICATION], source: CdkNagExcludedList,
    },
    IamRootAccessKeyCheck {
        id: "IAM_ROOT_ACCESS_KEY_CHECK",
        title: "The root user has no active access keys",
        service: Iam, cdk_nag: None,
        config_rule: Some("IAM_ROOT_ACCESS_KEY_CHECK"), removed: None,
        citations: [WORKFORCE_SECURITY, ISOLATING_CLEARINGHOUSE, ACCESS_AUTHORIZATION, ACCESS_ESTABLISHMENT, ACCESS_CONTROL, UNIQUE_USER_IDENTIFICATION],
        source: CdkNagExcludedList,
    },
    RootAccountMfaEnabled {
        id: "ROOT_ACCOUNT_MFA_ENABLED",
        title: "The root user has MFA",
        service: Iam, cdk_nag: None,
        config_rule: Some("ROOT_ACCOUNT_MFA_ENABLED"), removed: None,
        citations: [ENTITY_AUTHENTICATION], source: CdkNagExcludedList,
    },
    RootAccountHardwareMfaEnabled {
        id: "ROOT_ACCOUNT_HARDWARE_MFA_ENABLED",
        title: "The root user has a hardware MFA device",
        service: Iam, cdk_nag: None,
        config_rule: Some("ROOT_ACCOUNT_HARDWARE_MFA_ENABLED"), removed: None,
        citations: [ENTITY_AUTHENTICATION], source: CdkNagExcludedList,
    },
    IamUserMfaEnabled {
        id: "IAM_USER_MFA_ENABLED",
        title: "IAM users have MFA",
        service: Iam, cdk_nag: None,
        config_rule: Some("IAM_USER_MFA_ENABLED"), removed: None,
        citations: [ACCESS_AUTHORIZATION, ENTITY_AUTHENTICATION], source: CdkNagExcludedList,
    },
    MfaEnabledForIamConsoleAccess {
        id: "MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS",
        title: "IAM users with a console password have MFA",
        service: Iam, cdk_nag: None,
        config_rule: Some("MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS"), removed: None,
        citations: [ENTITY_AUTHENTICATION], source: CdkNagExcludedList,
    },
    // ---------------------------------------------------------------- RDS
    RdsStorageEncrypted {
        id: "RDS_STORAGE_ENCRYPTED",
        title: "DB instance and cluster storage is encrypted at rest",
        service: Rds, cdk_nag: Some("HIPAA.Security-RDSStorageEncrypted"),
        config_rule: Some("RDS_STORAGE_ENCRYPTED"), removed: None,
        citations: [ENCRYPTION_DECRYPTION, TRANSMISSION_ENCRYPTION], source: RuleSets,
    },
    RdsSnapshotEncrypted {
        id: "RDS_SNAPSHOT_ENCRYPTED",
        title: "DB and cluster snapshots are encrypted",
        service: Rds, cdk_nag: None,
        config_rule: Some("RDS_SNAPSHOT_ENCRYPTED"), removed: None,
        citations: [ENCRYPTION_DECRYPTION, TRANSMISSION_ENCRYPTION], source: CdkNagExcludedList,
    },
    RdsInstancePublicAccessCheck {
        id: "RDS_INSTANCE_PUBLIC_ACCESS_CHECK",
        title: "DB instances are not publicly accessible",
        service: Rds, cdk_nag: Some("HIPAA.Security-RDSInstancePublicAccess"),
        config_rule: Some("RDS_INSTANCE_PUBLIC_ACCESS_CHECK"), removed: None,
        citations: [WORKFORCE_SECURITY, ISOLATING_CLEARINGHOUSE, ACCESS_ESTABLISHMENT, ACCESS_CONTROL, TRANSMISSION_SECURITY],
        source: RuleSets,
    },
    RdsSnapshotsPublicProhibited {
        id: "RDS_SNAPSHOTS_PUBLIC_PROHIBITED",
        title: "DB and cluster snapshots are not shared publicly",
        service: Rds, cdk_nag: None,
        config_rule: Some("RDS_SNAPSHOTS_PUBLIC_PROHIBITED"), removed: None,
        citations: [WORKFORCE_SECURITY, ISOLATING_CLEARINGHOUSE, ACCESS_ESTABLISHMENT, ACCESS_CONTROL, TRANSMISSION_SECURITY],
        source: CdkNagExcludedList,
    },
    DbInstanceBackupEnabled {
        id: "DB_INSTANCE_BACKUP_ENABLED",
        title: "Automated backups are on (retention period above 0)",
        service: Rds, cdk_nag: Some("HIPAA.Security-RDSInstanceBackupEnabled"),
        config_rule: Some("DB_INSTANCE_BACKUP_ENABLED"), removed: None,
        citations: [CONTINGENCY_PLAN, DATA_BACKUP, DISASTER_RECOVERY], source: RuleSets,
    },
    RdsInBackupPlan {
        id: "RDS_IN_BACKUP_PLAN",
        title: "DB instances are selected by an AWS Backup plan",
        service: Rds, cdk_nag: Some("HIPAA.Security-RDSInBackupPlan"),
        config_rule: Some("RDS_IN_BACKUP_PLAN"), removed: None,
        citations: [CONTINGENCY_PLAN, DATA_BACKUP, DISASTER_RECOVERY], source: RuleSets,
    },
    AuroraResourcesProtectedByBackupPlan {
        id: "AURORA_RESOURCES_PROTECTED_BY_BACKUP_PLAN",
        title: "Aurora clusters are protected by an AWS Backup plan",
        service: Rds, cdk_nag: None,
        config_rule: Some("AURORA_RESOURCES_PROTECTED_BY_BACKUP_PLAN"), removed: None,
        citations: [CONTINGENCY_PLAN, DATA_BACKUP], source: HipaaAwsMapping,
    },
    RdsMultiAzSupport {
        id: "RDS_MULTI_AZ_SUPPORT",
        title: "Non-Aurora DB instances run Multi-AZ",
        service: Rds, cdk_nag: Some("HIPAA.Security-RDSMultiAZSupport"),
        config_rule: Some("RDS_MULTI_AZ_SUPPORT"), removed: None,
        citations: [CONTINGENCY_PLAN, EMERGENCY_MODE], source: RuleSets,
    },
    RdsClusterMultiAzEnabled {
        id: "RDS_CLUSTER_MULTI_AZ_ENABLED",
        title: "DB clusters are Multi-AZ",
        service: Rds, cdk_nag: None,
        config_rule: Some("RDS_CLUSTER_MULTI_AZ_ENABLED"), removed: None,
        citations: [CONTINGENCY_PLAN, EMERGENCY_MODE], source: HipaaAwsMapping,
    },
    RdsInstanceDeletionProtectionEnabled {
        id: "RDS_INSTANCE_DELETION_PROTECTION_ENABLED",
        title: "DB instances have deletion protection on",
        service: Rds, cdk_nag: Some("HIPAA.Security-RDSInstanceDeletionProtectionEnabled"),
        config_rule: Some("RDS_INSTANCE_DELETION_PROTECTION_ENABLED"), removed: Some("2022-06-17"),
        citations: [CONTINGENCY_PLAN, EMERGENCY_MODE], source: RuleSets,
    },
    RdsClusterDeletionProtectionEnabled {
        id: "RDS_CLUSTER_DELETION_PROTECTION_ENABLED",
        title: "DB clusters have deletion protection on",
        service: Rds, cdk_nag: Some("HIPAA.Security-RDSInstanceDeletionProtectionEnabled"),
        config_rule: Some("RDS_CLUSTER_DELETION_PROTECTION_ENABLED"), removed: None,
        citations: [CONTINGENCY_PLAN, EMERGENCY_MODE], source: RuleSets,
    },
    RdsLoggingEnabled {
        id: "RDS_LOGGING_ENABLED",
        title: "Every log type of the engine is exported to CloudWatch Logs",
        service: Rds, cdk_nag: Some("HIPAA.Security-RDSLoggingEnabled"),
        config_rule: Some("RDS_LOGGING_ENABLED"), removed: None,
        citations: [AUTHORIZATION_SUPERVISION, LOGIN_MONITORING], source: RuleSets,
    },
    RdsEnhancedMonitoringEnabled {
        id: "RDS_ENHANCED_MONITORING_ENABLED",
        title: "Enhanced monitoring is on (monitoring interval above 0)",
        service: Rds, cdk_nag: Some("HIPAA.Security-RDSEnhancedMonitoringEnabled"),
        config_rule: Some("RDS_ENHANCED_MONITORING_ENABLED"), removed: None,
        citations: [AUDIT_CONTROLS], source: RuleSets,
    },
    RdsAutomaticMinorVersionUpgradeEnabled {
        id: "RDS_AUTOMATIC_MINOR_VERSION_UPGRADE_ENABLED",
        title: "Automatic minor version upgrade is on",
        service: Rds, cdk_nag: Some("HIPAA.Security-RDSAutomaticMinorVersionUpgradeEnabled"),
        config_rule: Some("RDS_AUTOMATIC_MINOR_VERSION_UPGRADE_ENABLED"), removed: None,
        citations: [SECURITY_REMINDERS], source: RuleSets,
    },
    // ---------------------------------------------------------------- CloudTrail
    CloudTrailEnabled {
        id: "CLOUD_TRAIL_ENABLED",
        title: "At least one trail exists and is logging",
        service: CloudTrail, cdk_nag: None,
        config_rule: Some("CLOUD_TRAIL_ENABLED"), removed: None,
        citations: [AUTHORIZATION_SUPERVISION, LOGIN_MONITORING, AUDIT_CONTROLS], source: CdkNagExcludedList,
    },
    MultiRegionCloudTrailEnabled {
        id: "MULTI_REGION_CLOUD_TRAIL_ENABLED",
        title: "A multi-region trail is enabled",
        service: CloudTrail, cdk_nag: None,
        config_rule: Some("MULTI_REGION_CLOUD_TRAIL_ENABLED"), removed: None,
        citations: [AUTHORIZATION_SUPERVISION, AUDIT_CONTROLS], source: CdkNagExcludedList,
    },
    CloudTrailCloudWatchLogsEnabled {
        id: "CLOUD_TRAIL_CLOUD_WATCH_LOGS_ENABLED",
        title: "The trail sends to a CloudWatch Logs log group",
        service: CloudTrail, cdk_nag: Some("HIPAA.Security-CloudTrailCloudWatchLogsEnabled"),
        config_rule: Some("CLOUD_TRAIL_CLOUD_WATCH_LOGS_ENABLED"), removed: None,
        citations: [AUTHORIZATION_SUPERVISION, AUDIT_CONTROLS], source: RuleSets,
    },
    CloudTrailEncryptionEnabled {
        id: "CLOUD_TRAIL_ENCRYPTION_ENABLED",
        title: "The trail encrypts its log files with a KMS key",
        service: CloudTrail, cdk_nag: Some("HIPAA.Security-CloudTrailEncryptionEnabled"),
        config_rule: Some("CLOUD_TRAIL_ENCRYPTION_ENABLED"), removed: None,
        citations: [ENCRYPTION_DECRYPTION, TRANSMISSION_ENCRYPTION], source: RuleSets,
    },
    CloudTrailLogFileValidationEnabled {
        id: "CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED",
        title: "The trail has log file integrity validation on",
        service: CloudTrail, cdk_nag: Some("HIPAA.Security-CloudTrailLogFileValidationEnabled"),
        config_rule: Some("CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED"), removed: None,
        citations: [INTEGRITY, AUTHENTICATE_EPHI], source: RuleSets,
    },
    CloudTrailS3DataEventsEnabled {
        id: "CLOUDTRAIL_S3_DATAEVENTS_ENABLED",
        title: "A trail records S3 object-level (data) events",
        service: CloudTrail, cdk_nag: None,
        config_rule: Some("CLOUDTRAIL_S3_DATAEVENTS_ENABLED"), removed: None,
        citations: [AUTHORIZATION_SUPERVISION, AUDIT_CONTROLS], source: CdkNagExcludedList,
    },
    CloudTrailBedrockLogged {
        id: "HIPAA_AWS_CLOUDTRAIL_BEDROCK_LOGGED",
        title: "A trail captures Amazon Bedrock API activity",
        service: CloudTrail, cdk_nag: None, config_rule: None, removed: None,
        citations: [AUDIT_CONTROLS], source: HipaaAwsMapping,
    },
    // ---------------------------------------------------------------- CloudWatch and CloudWatch Logs
    CloudWatchAlarmActionCheck {
        id: "CLOUDWATCH_ALARM_ACTION_CHECK",
        title: "Alarms have actions enabled, with an alarm action and an insufficient-data action",
        service: CloudWatch, cdk_nag: Some("HIPAA.Security-CloudWatchAlarmAction"),
        config_rule: Some("CLOUDWATCH_ALARM_ACTION_CHECK"), removed: None,
        citations: [AUDIT_CONTROLS], source: RuleSets,
    },
    CloudWatchLogGroupEncrypted {
        id: "CLOUDWATCH_LOG_GROUP_ENCRYPTED",
        title: "The log group is encrypted with a KMS key",
        service: CloudWatch, cdk_nag: Some("HIPAA.Security-CloudWatchLogGroupEncrypted"),
        config_rule: Some("CLOUDWATCH_LOG_GROUP_ENCRYPTED"), removed: Some("2022-06-17"),
        citations: [ENCRYPTION_DECRYPTION, TRANSMISSION_ENCRYPTION], source: RuleSets,
    },
    CwLogGroupRetentionPeriodCheck {
        id: "CW_LOGGROUP_RETENTION_PERIOD_CHECK",
        title: "The log group has a retention period of at least 365 days",
        service: CloudWatch, cdk_nag: Some("HIPAA.Security-CloudWatchLogGroupRetentionPeriod"),
        config_rule: Some("CW_LOGGROUP_RETENTION_PERIOD_CHECK"), removed: Some("2022-06-17"),
        citations: [AUDIT_CONTROLS], source: RuleSets,
    },
    AlarmConsoleSigninFailures {
        id: "HIPAA_AWS_ALARM_CONSOLE_SIGNIN_FAILURES",
        title: "A metric filter and alarm exist for failed console sign-ins",
        service: CloudWatch, cdk_nag: None, config_rule: None, removed: None,
        citations: [LOGIN_MONITORING, AUDIT_CONTROLS], source: HipaaAwsMapping,
    },
    AlarmRootUsage {
        id: "HIPAA_AWS_ALARM_ROOT_USAGE",
        title: "A metric filter and alarm exist for root account activity",
        service: CloudWatch, cdk_nag: None, config_rule: None, removed: None,
        citations: [ACTIVITY_REVIEW, AUDIT_CONTROLS], source: HipaaAwsMapping,
    },
    AlarmNetworkChanges {
        id: "HIPAA_AWS_ALARM_NETWORK_CHANGES",
        title: "Metric filters and alarms exist for NACL, network gateway, route table and VPC changes",
        service: CloudWatch, cdk_nag: None, config_rule: None, removed: None,
        citations: [AUDIT_CONTROLS, TRANSMISSION_SECURITY], source: HipaaAwsMapping,
    },
    // ---------------------------------------------------------------- AWS Config
    ConfigRecorderEnabled {
        id: "HIPAA_AWS_CONFIG_RECORDER_ENABLED",
        title: "A Config recorder exists, is recording and is not failing, in every region",
        service: Config, cdk_nag: None, config_rule: None, removed: None,
        citations: [ACTIVITY_REVIEW, AUDIT_CONTROLS], source: HipaaAwsMapping,
    },
    ConfigDeliveryEncrypted {
        id: "HIPAA_AWS_CONFIG_DELIVERY_ENCRYPTED",
        title: "The Config delivery channel writes configuration history to S3 encrypted with a customer KMS key",
        service: Config, cdk_nag: None, config_rule: None, removed: None,
        citations: [ENCRYPTION_DECRYPTION, AUDIT_CONTROLS], source: HipaaAwsMapping,
    },
    ConfigHipaaRulesDeployed {
        id: "HIPAA_AWS_CONFIG_HIPAA_RULES_DEPLOYED",
        title: "The AWS managed rules of the HIPAA Security conformance pack are deployed, with the pack's parameters, and keep evaluating",
        service: Config, cdk_nag: None, config_rule: None, removed: None,
        citations: [ACTIVITY_REVIEW, AUDIT_CONTROLS], source: HipaaAwsMapping,
    },
    // ---------------------------------------------------------------- Security Hub
    SecurityHubEnabled {
        id: "SECURITYHUB_ENABLED",
        title: "Security Hub is enabled",
        service: SecurityHub, cdk_nag: None,
        config_rule: Some("SECURITYHUB_ENABLED"), removed: None,
        citations: [AUDIT_CONTROLS], source: CdkNagExcludedList,
    },
    SecurityHubStandardsSubscribed {
        id: "HIPAA_AWS_SECURITYHUB_STANDARDS_SUBSCRIBED",
        title: "Security Hub is subscribed to the AWS Foundational Security Best Practices and CIS AWS Foundations Benchmark standards",
        service: SecurityHub, cdk_nag: None, config_rule: None, removed: None,
        citations: [ACTIVITY_REVIEW, AUDIT_CONTROLS], source: HipaaAwsMapping,
    },
    // ---------------------------------------------------------------- GuardDuty
    GuardDutyEnabledCentralized {
        id: "GUARDDUTY_ENABLED_CENTRALIZED",
        title: "GuardDuty is turned on",
        service: GuardDuty, cdk_nag: None,
        config_rule: Some("GUARDDUTY_ENABLED_CENTRALIZED"), removed: None,
        citations: [LOGIN_MONITORING, INCIDENT_RESPONSE, AUDIT_CONTROLS], source: CdkNagExcludedList,
    },
    GuardDutyNonArchivedFindings {
        id: "GUARDDUTY_NON_ARCHIVED_FINDINGS",
        title: "No non-archived GuardDuty finding is older than its severity's limit (1/7/30 days)",
        service: GuardDuty, cdk_nag: None,
        config_rule: Some("GUARDDUTY_NON_ARCHIVED_FINDINGS"), removed: Some("2022-06-17"),
        citations: [AUDIT_CONTROLS], source: CdkNagExcludedList,
    },
    GuardDutyFindingsEvery15Minutes {
        id: "HIPAA_AWS_GUARDDUTY_FINDINGS_EVERY_15_MINUTES",
        title: "GuardDuty publishes updated findings every 15 minutes",
        service: GuardDuty, cdk_nag: None, config_rule: None, removed: None,
        citations: [INCIDENT_RESPONSE, AUDIT_CONTROLS], source: HipaaAwsMapping,
    },
    GuardDutyS3Protection {
        id: "HIPAA_AWS_GUARDDUTY_S3_PROTECTION",
        title: "GuardDuty S3 Protection watches S3 data events for threats to stored PHI",
        service: GuardDuty, cdk_nag: None, config_rule: None, removed: None,
        citations: [ACTIVITY_REVIEW, INCIDENT_RESPONSE, AUDIT_CONTROLS], source: HipaaAwsMapping,
    },
    // ---------------------------------------------------------------- Account-wide, this library
    BaaExecuted {
        id: "HIPAA_AWS_BAA_EXECUTED",
        title: "A Business Associate Agreement with AWS is executed before any PHI is stored",
        service: Account, cdk_nag: None, config_rule: None, removed: None,
        citations: [BUSINESS_ASSOCIATE_CONTRACTS], source: HipaaAwsMapping,
    },
    ManagedResourceTagged {
        id: "HIPAA_AWS_MANAGED_RESOURCE_TAGGED",
        title: "Every resource carries the tags naming its stack and logical id, so it is found again and audited",
        service: Account, cdk_nag: None, config_rule: None, removed: None,
        citations: [AUDIT_CONTROLS], source: HipaaAwsMapping,
    },
}
