//! Reading and setting the account's EBS encryption defaults.

use crate::aws_error::AwsResultExt;
use crate::construct::{Ctx, ResourceOutputs};
use crate::env::Environment;
use crate::error::Result;

use super::super::ebs::EbsDefaultState;
use super::util::SERVICE;

const RESOURCE: &str = "ebs encryption by default";

/// Reads the region's EBS defaults (any account, for the audit too).
pub async fn read_ebs_default(env: &Environment) -> Result<EbsDefaultState> {
    let ec2 = env.ec2();
    let enabled = ec2
        .get_ebs_encryption_by_default()
        .send()
        .await
        .aws(SERVICE, "GetEbsEncryptionByDefault", RESOURCE)?
        .ebs_encryption_by_default
        .unwrap_or(false);
    let key = ec2
        .get_ebs_default_kms_key_id()
        .send()
        .await
        .aws(SERVICE, "GetEbsDefaultKmsKeyId", RESOURCE)?
        .kms_key_id
        .unwrap_or_default();
    let key_manager = if key.is_empty() || key.ends_with("alias/aws/ebs") {
        Some("AWS".to_string())
    } else {
        env.kms()
            .describe_key()
            .key_id(&key)
            .send()
            .await
            .aws_optional("kms", "DescribeKey", &key, &["NotFoundException"])?
            .and_then(|output| output.key_metadata)
            .and_then(|metadata| metadata.key_manager().map(|m| m.as_str().to_string()))
    };
    Ok(EbsDefaultState {
        encryption_by_default: enabled,
        default_kms_key: key,
        key_manager,
    })
}

/// The outputs of the guard: a pseudo-ARN naming the account and region.
pub(crate) fn outputs(ctx: &Ctx<'_>) -> ResourceOutputs {
    ResourceOutputs {
        arn: ctx.scope.arn("ec2", "ebs-encryption-by-default"),
        physical_id: format!("{}/{}", ctx.scope.account_id, ctx.scope.region),
    }
}

/// Turns encryption by default on and sets the default key.
pub(crate) async fn apply_ebs_default(ctx: &Ctx<'_>, desired: &EbsDefaultState) -> Result<()> {
    let ec2 = ctx.env.ec2();
    let live = read_ebs_default(ctx.env).await?;
    if live.default_kms_key != desired.default_kms_key {
        ec2.modify_ebs_default_kms_key_id()
            .kms_key_id(&desired.default_kms_key)
            .send()
            .await
            .aws(SERVICE, "ModifyEbsDefaultKmsKeyId", RESOURCE)?;
    }
    if !live.encryption_by_default {
        ec2.enable_ebs_encryption_by_default().send().await.aws(
            SERVICE,
            "EnableEbsEncryptionByDefault",
            RESOURCE,
        )?;
    }
    Ok(())
}

/// Turns encryption by default off and resets the default key (destroy, with consent only).
pub(crate) async fn disable_ebs_default(ctx: &Ctx<'_>) -> Result<()> {
    let ec2 = ctx.env.ec2();
    ec2.disable_ebs_encryption_by_default().send().await.aws(
        SERVICE,
        "DisableEbsEncryptionByDefault",
        RESOURCE,
    )?;
    ec2.reset_ebs_default_kms_key_id().send().await.aws(
        SERVICE,
        "ResetEbsDefaultKmsKeyId",
        RESOURCE,
    )?;
    Ok(())
}
