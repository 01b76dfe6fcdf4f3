//! The pack's rules as its template deploys them.
//!
//! Transcribed from `aws-config-conformance-packs/Operational-Best-Practices-for-HIPAA-Security.yaml`
//! (awslabs/aws-config-rules). A parameter the template sets only when its pack parameter is not
//! empty (`AuthorizedVpcIds`, empty by default) is left out, as the template leaves it out.

use crate::controls::{ControlId, Service};

/// One rule of the pack as its template deploys it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PackRule {
    /// The catalog control the rule checks (its `config_rule` is the rule's source identifier).
    pub control: ControlId,
    /// The rule name the pack gives it (`ConfigRuleName`).
    pub name: &'static str,
    /// The resource types the rule is scoped to (`Scope.ComplianceResourceTypes`), if any.
    pub scope: &'static [&'static str],
    /// The input parameters with the pack's default values.
    pub parameters: &'static [(&'static str, &'static str)],
}

impl PackRule {
    /// The AWS managed rule identifier (`Source.SourceIdentifier`).
    pub fn identifier(&self) -> &'static str {
        self.control.control().config_rule.unwrap_or_default()
    }

    /// The service whose resources the rule judges.
    pub fn service(&self) -> Service {
        self.control.control().service
    }
}

/// The rules, in catalog order.
pub const HIPAA_PACK_RULES: &[PackRule] = &[
    PackRule {
        control: ControlId::VpcDefaultSecurityGroupClosed,
        name: "vpc-default-security-group-closed",
        scope: &["AWS::EC2::SecurityGroup"],
        parameters: &[],
    },
    PackRule {
        control: ControlId::VpcFlowLogsEnabled,
        name: "vpc-flow-logs-enabled",
        scope: &[],
        parameters: &[],
    },
    PackRule {
        control: ControlId::NoUnrestrictedRouteToIgw,
        name: "no-unrestricted-route-to-igw",
        scope: &["AWS::EC2::RouteTable"],
        parameters: &[],
    },
    PackRule {
        control: ControlId::SubnetAutoAssignPublicIpDisabled,
        name: "subnet-auto-assign-public-ip-disabled",
        scope: &["AWS::EC2::Subnet"],
        parameters: &[],
    },
    PackRule {
        control: ControlId::InternetGatewayAuthorizedVpcOnly,
        name: "internet-gateway-authorized-vpc-only",
        scope: &["AWS::EC2::InternetGateway"],
        parameters: &[],
    },
    PackRule {
        control: ControlId::IncomingSshDisabled,
        name: "restricted-ssh",
        scope: &["AWS::EC2::SecurityGroup"],
        parameters: &[],
    },
    PackRule {
        control: ControlId::RestrictedIncomingTraffic,
        name: "restricted-common-ports",
        scope: &["AWS::EC2::SecurityGroup"],
        parameters: &[
            ("blockedPort1", "20"),
            ("blockedPort2", "21"),
            ("blockedPort3", "3389"),
            ("blockedPort4", "3306"),
            ("blockedPort5", "4333"),
        ],
    },
    PackRule {
        control: ControlId::VpcSgOpenOnlyToAuthorizedPorts,
        name: "vpc-sg-open-only-to-authorized-ports",
        scope: &["AWS::EC2::SecurityGroup"],
        parameters: &[],
    },
    PackRule {
        control: ControlId::VpcVpn2TunnelsUp,
        name: "vpc-vpn-2-tunnels-up",
        scope: &["AWS::EC2::VPNConnection"],
        parameters: &[],
    },
    PackRule {
        control: ControlId::Ec2InstanceNoPublicIp,
        name: "ec2-instance-no-public-ip",
        scope: &["AWS::EC2::Instance"],
        parameters: &[],
    },
    PackRule {
        control: ControlId::Ec2Imdsv2Check,
        name: "ec2-imdsv2-check",
        scope: &["AWS::EC2::Instance"],
        parameters: &[],
    },
    PackRule {
        control: ControlId::Ec2InstanceProfileAttached,
        name: "ec2-instance-profile-attached",
        scope: &["AWS::EC2::Instance"],
        parameters: &[],
    },
    PackRule {
        control: ControlId::InstancesInVpc,
        name: "ec2-instances-in-vpc",
        scope: &["AWS::EC2::Instance"],
        parameters: &[],
    },
    PackRule {
        control: ControlId::Ec2InstanceManagedBySsm,
        name: "ec2-instance-managed-by-systems-manager",
        scope: &["AWS::EC2::Instance", "AWS::SSM::ManagedInstanceInventory"],
        parameters: &[],
    },
    PackRule {
        control: ControlId::Ec2ResourcesProtectedByBackupPlan,
        name: "ec2-resources-protected-by-backup-plan",
        scope: &["AWS::EC2::Instance"],
        parameters: &[],
    },
    PackRule {
        control: ControlId::Ec2StoppedInstance,
        name: "ec2-stopped-instance",
        scope: &[],
        parameters: &[],
    },
    PackRule {
        control: ControlId::EbsInBackupPlan,
        name: "ebs-in-backup-plan",
        scope: &[],
        parameters: &[],
    },
    PackRule {
        control: ControlId::EncryptedVolumes,
        name: "encrypted-volumes",
        scope: &["AWS::EC2::Volume"],
        parameters: &[],
    },
    PackRule {
        control: ControlId::Ec2EbsEncryptionByDefault,
        name: "ec2-ebs-encryption-by-default",
        scope: &[],
        parameters: &[],
    },
    PackRule {
        control: ControlId::EbsSnapshotPublicRestorableCheck,
        name: "ebs-snapshot-public-restorable-check",
        scope: &[],
        parameters: &[],
    },
    PackRule {
        control: ControlId::S3BucketSslRequestsOnly,
        name: "s3-bucket-ssl-requests-only",
        scope: &["AWS::S3::Bucket"],
        parameters: &[],
    },
    PackRule {
        control: ControlId::S3DefaultEncryptionKms,
        name: "s3-default-encryption-kms",
        scope: &["AWS::S3::Bucket"],
        parameters: &[],
    },
    PackRule {
        control: ControlId::S3BucketServerSideEncryptionEnabled,
        name: "s3-bucket-server-side-encryption-enabled",
        scope: &["AWS::S3::Bucket"],
        parameters: &[],
    },
    PackRule {
        control: ControlId::S3BucketPublicReadProhibited,
        name: "s3-bucket-public-read-prohibited",
        scope: &["AWS::S3::Bucket"],
        parameters: &[],
    },
    PackRule {
        control: ControlId::S3BucketPublicWriteProhibited,
        name: "s3-bucket-public-write-prohibited",
        scope: &["AWS::S3::Bucket"],
        parameters: &[],
    },
    PackRule {
        control: ControlId::S3AccountLevelPublicAccessBlocks,
        name: "s3-account-level-public-access-blocks-periodic",
        scope: &[],
        parameters: &[
            ("BlockPublicAcls", "true"),
            ("BlockPublicPolicy", "true"),
            ("IgnorePublicAcls", "true"),
            ("RestrictPublicBuckets", "true"),
        ],
    },
    PackRule {
        control: ControlId::S3BucketAclProhibited,
        name: "s3-bucket-acl-prohibited",
        scope: &["AWS::S3::Bucket"],
        parameters: &[],
    },
    PackRule {
        control: ControlId::S3BucketLoggingEnabled,
        name: "s3-bucket-logging-enabled",
        scope: &["AWS::S3::Bucket"],
        parameters: &[],
    },
    PackRule {
        control: ControlId::S3BucketVersioningEnabled,
        name: "s3-bucket-versioning-enabled",
        scope: &["AWS::S3::Bucket"],
        parameters: &[],
    },
    PackRule {
        control: ControlId::S3BucketReplicationEnabled,
        name: "s3-bucket-replication-enabled",
        scope: &["AWS::S3::Bucket"],
        parameters: &[],
    },
    PackRule {
        control: ControlId::S3BucketDefaultLockEnabled,
        name: "s3-bucket-default-lock-enabled",
        scope: &["AWS::S3::Bucket"],
        parameters: &[],
    },
    PackRule {
        control: ControlId::S3EventNotificationsEnabled,
        name: "s3-event-notifications-enabled",
        scope: &["AWS::S3::Bucket"],
        parameters: &[],
    },
    PackRule {
        control: ControlId::S3VersionLifecyclePolicyCheck,
        name: "s3-version-lifecycle-policy-check",
        scope: &["AWS::S3::Bucket"],
        parameters: &[],
    },
    PackRule {
        control: ControlId::KmsCmkNotScheduledForDeletion,
        name: "kms-cmk-not-scheduled-for-deletion",
        scope: &["AWS::KMS::Key"],
        parameters: &[],
    },
    PackRule {
        control: ControlId::IamPolicyNoStatementsWithAdminAccess,
        name: "iam-policy-no-statements-with-admin-access",
        scope: &["AWS::IAM::Policy"],
        parameters: &[],
    },
    PackRule {
        control: ControlId::IamPolicyNoStatementsWithFullAccess,
        name: "iam-policy-no-statements-with-full-access",
        scope: &["AWS::IAM::Policy"],
        parameters: &[],
    },
    PackRule {
        control: ControlId::IamNoInlinePolicyCheck,
        name: "iam-no-inline-policy-check",
        scope: &["AWS::IAM::User", "AWS::IAM::Role", "AWS::IAM::Group"],
        parameters: &[],
    },
    PackRule {
        control: ControlId::IamUserNoPoliciesCheck,
        name: "iam-user-no-policies-check",
        scope: &["AWS::IAM::User"],
        parameters: &[],
    },
    PackRule {
        control: ControlId::IamCustomerPolicyBlockedKmsActions,
        name: "iam-customer-policy-blocked-kms-actions",
        scope: &["AWS::IAM::Policy"],
        parameters: &[(
            "blockedActionsPatterns",
            "kms:*, kms:Decrypt, kms:ReEncrypt*",
        )],
    },
    PackRule {
        control: ControlId::IamInlinePolicyBlockedKmsActions,
        name: "iam-inline-policy-blocked-kms-actions",
        scope: &["AWS::IAM::Group", "AWS::IAM::Role", "AWS::IAM::User"],
        parameters: &[(
            "blockedActionsPatterns",
            "kms:*, kms:Decrypt, kms:ReEncrypt*",
        )],
    },
    PackRule {
        control: ControlId::AccessKeysRotated,
        name: "access-keys-rotated",
        scope: &[],
        parameters: &[("maxAccessKeyAge", "90")],
    },
    PackRule {
        control: ControlId::IamUserUnusedCredentialsCheck,
        name: "iam-user-unused-credentials-check",
        scope: &[],
        parameters: &[("maxCredentialUsageAge", "90")],
    },
    PackRule {
        control: ControlId::IamPasswordPolicy,
        name: "iam-password-policy",
        scope: &[],
        parameters: &[
            ("MaxPasswordAge", "90"),
            ("MinimumPasswordLength", "14"),
            ("PasswordReusePrevention", "24"),
            ("RequireLowercaseCharacters", "true"),
            ("RequireNumbers", "true"),
            ("RequireSymbols", "true"),
            ("RequireUppercaseCharacters", "true"),
        ],
    },
    PackRule {
        control: ControlId::IamRootAccessKeyCheck,
        name: "iam-root-access-key-check",
        scope: &[],
        parameters: &[],
    },
    PackRule {
        control: ControlId::RootAccountMfaEnabled,
        name: "root-account-mfa-enabled",
        scope: &[],
        parameters: &[],
    },
    PackRule {
        control: ControlId::RootAccountHardwareMfaEnabled,
        name: "root-account-hardware-mfa-enabled",
        scope: &[],
        parameters: &[],
    },
    PackRule {
        control: ControlId::IamUserMfaEnabled,
        name: "iam-user-mfa-enabled",
        scope: &[],
        parameters: &[],
    },
    PackRule {
        control: ControlId::MfaEnabledForIamConsoleAccess,
        name: "mfa-enabled-for-iam-console-access",
        scope: &[],
        parameters: &[],
    },
    PackRule {
        control: ControlId::RdsStorageEncrypted,
        name: "rds-storage-encrypted",
        scope: &["AWS::RDS::DBInstance"],
        parameters: &[],
    },
    PackRule {
        control: ControlId::RdsSnapshotEncrypted,
        name: "rds-snapshot-encrypted",
        scope: &["AWS::RDS::DBSnapshot", "AWS::RDS::DBClusterSnapshot"],
        parameters: &[],
    },
    PackRule {
        control: ControlId::RdsInstancePublicAccessCheck,
        name: "rds-instance-public-access-check",
        scope: &["AWS::RDS::DBInstance"],
        parameters: &[],
    },
    PackRule {
        control: ControlId::RdsSnapshotsPublicProhibited,
        name: "rds-snapshots-public-prohibited",
        scope: &["AWS::RDS::DBSnapshot", "AWS::RDS::DBClusterSnapshot"],
        parameters: &[],
    },
    PackRule {
        control: ControlId::DbInstanceBackupEnabled,
        name: "db-instance-backup-enabled",
        scope: &["AWS::RDS::DBInstance"],
        parameters: &[],
    },
    PackRule {
        control: ControlId::RdsInBackupPlan,
        name: "rds-in-backup-plan",
        scope: &[],
        parameters: &[],
    },
    PackRule {
        control: ControlId::AuroraResourcesProtectedByBackupPlan,
        name: "aurora-resources-protected-by-backup-plan",
        scope: &["AWS::RDS::DBCluster"],
        parameters: &[],
    },
    PackRule {
        control: ControlId::RdsMultiAzSupport,
        name: "rds-multi-az-support",
        scope: &["AWS::RDS::DBInstance"],
        parameters: &[],
    },
    PackRule {
        control: ControlId::RdsClusterMultiAzEnabled,
        name: "rds-cluster-multi-az-enabled",
        scope: &["AWS::RDS::DBCluster"],
        parameters: &[],
    },
    PackRule {
        control: ControlId::RdsClusterDeletionProtectionEnabled,
        name: "rds-cluster-deletion-protection-enabled",
        scope: &["AWS::RDS::DBCluster"],
        parameters: &[],
    },
    PackRule {
        control: ControlId::RdsLoggingEnabled,
        name: "rds-logging-enabled",
        scope: &["AWS::RDS::DBInstance"],
        parameters: &[],
    },
    PackRule {
        control: ControlId::RdsEnhancedMonitoringEnabled,
        name: "rds-enhanced-monitoring-enabled",
        scope: &["AWS::RDS::DBInstance"],
        parameters: &[],
    },
    PackRule {
        control: ControlId::RdsAutomaticMinorVersionUpgradeEnabled,
        name: "rds-automatic-minor-version-upgrade-enabled",
        scope: &["AWS::RDS::DBInstance"],
        parameters: &[],
    },
    PackRule {
        control: ControlId::CloudTrailEnabled,
        name: "cloudtrail-enabled",
        scope: &[],
        parameters: &[],
    },
    PackRule {
        control: ControlId::MultiRegionCloudTrailEnabled,
        name: "multi-region-cloudtrail-enabled",
        scope: &[],
        parameters: &[],
    },
    PackRule {
        control: ControlId::CloudTrailCloudWatchLogsEnabled,
        name: "cloud-trail-cloud-watch-logs-enabled",
        scope: &[],
        parameters: &[],
    },
    PackRule {
        control: ControlId::CloudTrailEncryptionEnabled,
        name: "cloud-trail-encryption-enabled",
        scope: &[],
        parameters: &[],
    },
    PackRule {
        control: ControlId::CloudTrailLogFileValidationEnabled,
        name: "cloud-trail-log-file-validation-enabled",
        scope: &[],
        parameters: &[],
    },
    PackRule {
        control: ControlId::CloudTrailS3DataEventsEnabled,
        name: "cloudtrail-s3-dataevents-enabled",
        scope: &[],
        parameters: &[],
    },
    PackRule {
        control: ControlId::CloudWatchAlarmActionCheck,
        name: "cloudwatch-alarm-action-check",
        scope: &["AWS::CloudWatch::Alarm"],
        parameters: &[
            ("alarmActionRequired", "true"),
            ("insufficientDataActionRequired", "true"),
            ("okActionRequired", "false"),
        ],
    },
    PackRule {
        control: ControlId::SecurityHubEnabled,
        name: "securityhub-enabled",
        scope: &[],
        parameters: &[],
    },
    PackRule {
        control: ControlId::GuardDutyEnabledCentralized,
        name: "guardduty-enabled-centralized",
        scope: &[],
        parameters: &[],
    },
    PackRule {
        control: ControlId::BackupRecoveryPointEncrypted,
        name: "backup-recovery-point-encrypted",
        scope: &["AWS::Backup::RecoveryPoint"],
        parameters: &[],
    },
    PackRule {
        control: ControlId::BackupRecoveryPointManualDeletionDisabled,
        name: "backup-recovery-point-manual-deletion-disabled",
        scope: &["AWS::Backup::BackupVault"],
        parameters: &[],
    },
    PackRule {
        control: ControlId::BackupRecoveryPointMinimumRetentionCheck,
        name: "backup-recovery-point-minimum-retention-check",
        scope: &["AWS::Backup::RecoveryPoint"],
        parameters: &[("requiredRetentionDays", "35")],
    },
    PackRule {
        control: ControlId::BackupPlanMinFrequencyAndMinRetentionCheck,
        name: "backup-plan-min-frequency-and-min-retention-check",
        scope: &["AWS::Backup::BackupPlan"],
        parameters: &[
            ("requiredFrequencyValue", "1"),
            ("requiredRetentionDays", "35"),
            ("requiredFrequencyUnit", "days"),
        ],
    },
];

/// The pack rule that checks `control`, if the pack has one.
pub fn pack_rule(control: ControlId) -> Option<&'static PackRule> {
    HIPAA_PACK_RULES.iter().find(|rule| rule.control == control)
}
