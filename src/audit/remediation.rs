//! For each control, which construct and setting of this library fixes a failure.

use crate::controls::ControlId;

/// The construct and setting that fix a failure of `control`, or what to do where no construct
/// manages the resource.
pub fn remediation(control: ControlId) -> &'static str {
    use ControlId as C;
    match control {
        C::VpcDefaultSecurityGroupClosed => "HipaaVpc: every VPC it makes has its default security group emptied",
        C::VpcFlowLogsEnabled => "HipaaVpc::builder().flow_logs_to(&log_bucket): flow logs of ALL traffic, always on",
        C::NoUnrestrictedRouteToIgw => "HipaaVpc: routes to an internet gateway exist only for an explicitly requested ingress tier",
        C::SubnetAutoAssignPublicIpDisabled => "HipaaVpc: auto-assign public IP is off in every tier",
        C::InternetGatewayAuthorizedVpcOnly => "HipaaVpc: an internet gateway is attached only when the ingress tier is asked for",
        C::IncomingSshDisabled | C::RestrictedIncomingTraffic | C::VpcSgOpenOnlyToAuthorizedPorts => {
            "SecurityGroup::builder(): refuses 0.0.0.0/0 and ::/0 except TCP 443 on an ingress-tier group, and SSH/RDP/database ports from outside the VPC"
        }
        C::NaclNoUnrestrictedIngress => "HipaaVpc: per-tier network ACLs; nothing open to 0.0.0.0/0 on all ports",
        C::Ec2EbsEncryptionByDefault => "EbsEncryptionByDefault::builder().key(&key): EBS encryption by default with a HipaaKey",
        C::EncryptedVolumes => "EbsEncryptionByDefault makes new volumes encrypted; re-create unencrypted volumes from encrypted snapshots",
        C::SgNoAllPortsRules | C::SgAdminAndDatabasePortsInternal => {
            "SecurityGroup::builder(): every rule names a protocol and port range; admin and database ports only from inside the VPC"
        }
        C::EbsDefaultKeyCustomerManaged => "EbsEncryptionByDefault::builder().key(&key): a customer-managed HipaaKey instead of aws/ebs",
        C::EbsSnapshotPublicRestorableCheck => "Remove the createVolumePermission group all (ModifySnapshotAttribute); share snapshots with named accounts only",
        C::Ec2InstanceNoPublicIp => "Launch into HipaaVpc private tiers (no auto-assigned public IP); reach instances through a load balancer or SSM",
        C::Ec2Imdsv2Check => "Set HttpTokens=required (ModifyInstanceMetadataOptions, or in the launch template)",
        C::Ec2InstanceProfileAttached => "Attach an instance profile of a HipaaRole with the grants the workload needs",
        C::InstancesInVpc => "Launch instances into a subnet of a HipaaVpc",
        C::Ec2InstanceDetailedMonitoringEnabled => "Turn on detailed monitoring (MonitorInstances, or Monitoring in the launch template)",
        C::EbsOptimizedInstance => "Turn on EBS optimization, or move to a current instance type (optimized by default)",
        C::Ec2StoppedInstance => "Terminate instances stopped for more than 30 days (snapshot the volumes first if needed)",
        C::IamUserGroupMembershipCheck | C::IamGroupHasUsersCheck => {
            "Put every IAM user in a group and delete empty groups (prefer HipaaRole with federation to IAM users)"
        }
        C::AccessKeysRotated => "Rotate active access keys within 90 days (create, switch, deactivate, delete), or use roles instead",
        C::IamUserUnusedCredentialsCheck => "Deactivate passwords and access keys unused for 90 days",
        C::IamUserMfaEnabled | C::MfaEnabledForIamConsoleAccess => "Enable an MFA device for every IAM user, and before any console password",
        C::IamRootAccessKeyCheck => "Delete the root user's access keys (Security credentials page of the root user)",
        C::RootAccountMfaEnabled | C::RootAccountHardwareMfaEnabled => "Enable a hardware MFA device on the root user",
        C::IamRoleTrustRestricted | C::IamRoleMaxSessionDuration => {
            "HipaaRole::builder().trust(Trust::service(..) or Trust::account(..)): named principals, sessions of 1 to 12 hours"
        }
        C::S3BucketSslRequestsOnly => "EncryptedBucket / LogBucket: the bucket policy always denies aws:SecureTransport = false",
        C::S3TlsMinimumVersion => "EncryptedBucket / LogBucket: the bucket policy always denies s3:TlsVersion below 1.2",
        C::S3DefaultEncryptionKms | C::S3BucketServerSideEncryptionEnabled => {
            "EncryptedBucket::builder().key(&key): SSE-KMS with a HipaaKey and bucket keys, required at compile time"
        }
        C::S3BucketLevelPublicAccessProhibited | C::S3BucketPublicReadProhibited | C::S3BucketPublicWriteProhibited => {
            "EncryptedBucket / LogBucket: all four Block Public Access flags, no public policy or ACL setter exists"
        }
        C::S3AccountLevelPublicAccessBlocks => "Turn on all four account-level S3 Block Public Access settings (no construct manages them yet)",
        C::S3BucketAclProhibited => "EncryptedBucket / LogBucket: object ownership BucketOwnerEnforced (ACLs disabled)",
        C::S3BucketLoggingEnabled => "EncryptedBucket::builder().access_logs(&log_bucket): server access logs, required at compile time",
        C::S3BucketVersioningEnabled => "EncryptedBucket / LogBucket: versioning always on",
        C::RdsInBackupPlan
        | C::AuroraResourcesProtectedByBackupPlan
        | C::EbsInBackupPlan
        | C::Ec2ResourcesProtectedByBackupPlan => {
            "BackupPlan::builder().vault(&vault).copy_to(&copies).protect(&database) (or .protect_tagged(key, value))"
        }
        C::BackupRecoveryPointEncrypted => "BackupVault::builder().key(&key): a HipaaKey is required at compile time",
        C::BackupVaultLockCompliance | C::BackupRecoveryPointMinimumRetentionCheck => {
            "BackupVault: locked in compliance mode, at least 35 days (min_retention_days), a maximum (max_retention_days)"
        }
        C::BackupRecoveryPointManualDeletionDisabled | C::BackupVaultPolicyGuarded => {
            "BackupVault::builder().break_glass_role(&role): the guard denies everyone else deleting recovery points or loosening the vault"
        }
        C::BackupFailuresNotified => "BackupVault::builder().failures_to(&topic): failed jobs published to an encrypted AlarmTopic",
        C::BackupPlanMinFrequencyAndMinRetentionCheck => "BackupPlan: a daily schedule (the default) and retention_days of at least 35",
        C::BackupCrossRegionCopy => "BackupPlan::builder().copy_to(&vault_in_another_region)",
        C::ScpGuardrailsInForce | C::ScpGuardrailsAttached => {
            "OrganizationGuardrails::builder().break_glass_role(\"/hipaa-aws/break-glass\").attach_to(\"ou-…\") in the management account"
        }
        C::S3BucketReplicationEnabled => "EncryptedBucket::builder().replicate_to(&replica_in_another_region) (feature `replication`)",
        C::S3ReplicationCrossRegion => "EncryptedBucket::builder().replicate_to(&replica_in_another_region): replicate SSE-KMS objects and encrypt replicas with the replica bucket's key",
        C::S3BucketDefaultLockEnabled => "EncryptedBucket / LogBucket ::builder().object_lock(ObjectLockRetention::compliance_years(..))",
        C::S3EventNotificationsEnabled => "Configure bucket event notifications (not yet offered by a construct)",
        C::S3VersionLifecyclePolicyCheck => "EncryptedBucket / LogBucket: a lifecycle rule on every versioned bucket",
        C::LogRetentionSixYears => "LogBucket::builder().retention(LogRetention::SIX_YEARS) (the default)",
        C::S3BucketNameValid => "EncryptedBucket / LogBucket: names are checked against the S3 rules at build()",
        C::KmsCmkNotScheduledForDeletion => "HipaaKey: apply cancels a scheduled deletion; destroy schedules one only with consent",
        C::KmsKeyRotationEnabled => "HipaaKey::builder().rotation_period_days(..): rotation always on, 90 to 2560 days",
        C::KmsDeletionWindow => "HipaaKey::builder().deletion_window_days(..): 7 to 30 days, 30 by default",
        C::KmsKeyPolicyLeastPrivilege => "HipaaKey: a generated key policy scoped by encryption context and source account",
        C::KmsKeyUsable => "HipaaKey: a customer-managed symmetric encryption key",
        C::KmsAliasValid => "HipaaKey::builder().alias(..): checked at build()",
        C::IamPolicyNoStatementsWithAdminAccess
        | C::IamPolicyNoStatementsWithFullAccess
        | C::IamCustomerPolicyBlockedKmsActions
        | C::IamInlinePolicyBlockedKmsActions
        | C::IamNoWildcardMarketplaceSubscribe
        | C::IamNoPrivilegeEscalation => {
            "HipaaRole with grants (bucket.grant_read(&role), key.grant_encrypt_decrypt(&role)): least-privilege managed policies with exact ARNs"
        }
        C::IamNoInlinePolicyCheck | C::IamUserNoPoliciesCheck => {
            "HipaaRole: customer-managed policies attached to roles only, never inline or on users"
        }
        C::IamPasswordPolicy => "AccountPasswordPolicy::builder(): length 14, all classes, reuse 24, max age 90 days",
        C::CloudTrailEnabled
        | C::MultiRegionCloudTrailEnabled
        | C::CloudTrailLogFileValidationEnabled
        | C::CloudTrailEncryptionEnabled
        | C::CloudTrailCloudWatchLogsEnabled
        | C::CloudTrailS3DataEventsEnabled
        | C::CloudTrailManagementEvents
        | C::CloudTrailBedrockLogged => {
            "AuditTrail::builder(): multi-region, validated, KMS-encrypted, to a LogBucket and an EncryptedLogGroup, with S3 data events and all management events"
        }
        C::CloudWatchLogGroupEncrypted | C::CwLogGroupRetentionPeriodCheck => {
            "EncryptedLogGroup::builder().key(&key): KMS-encrypted, retention at least 2192 days by default"
        }
        C::CloudWatchAlarmActionCheck
        | C::AlarmConsoleSigninFailures
        | C::AlarmRootUsage
        | C::AlarmNetworkChanges
        | C::AlarmUnauthorizedApiCalls
        | C::AlarmConsoleSigninWithoutMfa
        | C::AlarmIamPolicyChanges
        | C::AlarmCloudTrailChanges
        | C::AlarmKmsKeyDisabledOrDeleted
        | C::AlarmS3BucketPolicyChanges
        | C::AlarmConfigChanges
        | C::AlarmSecurityGroupChanges => "SecurityAlarms::builder(): CIS metric filters on the trail's log group and alarms notifying an encrypted SNS topic",
        C::RdsStorageEncrypted
        | C::RdsInstancePublicAccessCheck
        | C::DbInstanceBackupEnabled
        | C::RdsMultiAzSupport
        | C::RdsInstanceDeletionProtectionEnabled
        | C::RdsLoggingEnabled
        | C::RdsEnhancedMonitoringEnabled
        | C::RdsAutomaticMinorVersionUpgradeEnabled
        | C::RdsBackupRetention
        | C::RdsIamAuthentication
        | C::RdsMasterPasswordManaged
        | C::RdsPerformanceInsightsEncrypted
        | C::RdsCopyTagsToSnapshot
        | C::RdsInDataSubnets
        | C::RdsNameValid => {
            "EncryptedDatabase::builder(): encrypted with a HipaaKey, private, backups, Multi-AZ, deletion protection, log exports, monitoring"
        }
        C::RdsTlsEnforced | C::RdsParametersForEngine => {
            "EncryptedDatabase::builder(): its own parameter group forces TLS (rds.force_ssl / require_secure_transport)"
        }
        C::RdsSnapshotEncrypted | C::RdsSnapshotsPublicProhibited => {
            "Copy the snapshot with a HipaaKey (CopyDBSnapshot --kms-key-id) and remove the 'all' restore attribute (ModifyDBSnapshotAttribute)"
        }
        C::NoSilentReplacement => "Stack::apply_with(ApplyOptions::new().consent_to_replace(..)): the old database is kept with a final snapshot",
        C::ConfigRecorderEnabled => "ConfigRecorder::builder(): all resource types including global ones, recording",
        C::ConfigDeliveryEncrypted => "ConfigRecorder::builder().delivery_bucket(&log_bucket): delivery encrypted with the LogBucket's HipaaKey (s3KmsKeyArn)",
        C::ConfigHipaaRulesDeployed => "HipaaConfigRules::builder(): the HIPAA conformance pack's managed rules with the pack's parameters",
        C::SecurityHubEnabled | C::SecurityHubStandardsSubscribed => "SecurityHub::builder(): enabled with the foundational and CIS standards",
        C::GuardDutyEnabledCentralized | C::GuardDutyFindingsEvery15Minutes | C::GuardDutyS3Protection => {
            "ThreatDetection::builder(): a GuardDuty detector publishing every 15 minutes, S3 Protection on"
        }
        C::GuardDutyNonArchivedFindings => "Investigate and archive GuardDuty findings within 1 (high), 7 (medium) or 30 (low) days",
        C::BaaExecuted => "Environment::from_env(BaaAttestation::executed_on(..)): record the executed BAA",
        C::ManagedResourceTagged => "Apply the resource through a Stack: every resource is tagged with its stack and logical id",
        _ => "No construct of this library manages this yet: fix it in the account (console, CLI or your IaC) and audit again",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_control_has_a_remediation() {
        for control in ControlId::ALL {
            assert!(!remediation(*control).is_empty());
        }
    }
}
