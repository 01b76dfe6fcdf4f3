//! Deleting a bucket, emptied first only with the caller's consent.

use crate::aws_error::AwsResultExt;
use crate::construct::Ctx;
use crate::error::{Error, Result};

use super::SERVICE;

/// Deletes the bucket. Only with the caller's consent are its object versions and delete
/// markers deleted first; without it the bucket gets DeleteBucket alone, which S3 refuses
/// (BucketNotEmpty) for a bucket that came to hold anything, and destroy then keeps it.
pub(crate) async fn delete_bucket(ctx: &Ctx<'_>, name: &str) -> Result<()> {
    if ctx.deletion_consented() {
        empty_bucket(ctx, name).await?;
    }
    ctx.env
        .s3()
        .delete_bucket()
        .bucket(name)
        .send()
        .await
        .aws(SERVICE, "DeleteBucket", name)?;
    Ok(())
}

/// Deletes every object version and delete marker (destroy with consent only).
async fn empty_bucket(ctx: &Ctx<'_>, name: &str) -> Result<()> {
    let s3 = ctx.env.s3();
    loop {
        let listing = s3
            .list_object_versions()
            .bucket(name)
            .max_keys(1000)
            .send()
            .await
            .aws(SERVICE, "ListObjectVersions", name)?;
        let mut objects = Vec::new();
        for (key, version) in listing
            .versions()
            .iter()
            .map(|v| (v.key(), v.version_id()))
            .chain(
                listing
                    .delete_markers()
                    .iter()
                    .map(|m| (m.key(), m.version_id())),
            )
        {
            let Some(key) = key else { continue };
            objects.push(
                aws_sdk_s3::types::ObjectIdentifier::builder()
                    .key(key)
                    .set_version_id(version.map(str::to_string))
                    .build()
                    .map_err(Error::request(SERVICE, "DeleteObjects"))?,
            );
        }
        if objects.is_empty() {
            break;
        }
        let delete = aws_sdk_s3::types::Delete::builder()
            .set_objects(Some(objects))
            .quiet(true)
            .build()
            .map_err(Error::request(SERVICE, "DeleteObjects"))?;
        let deleted = s3
            .delete_objects()
            .bucket(name)
            .delete(delete)
            .send()
            .await
            .aws(SERVICE, "DeleteObjects", name)?;
        // Without this, objects S3 refuses to delete would be listed again forever.
        if let Some(refused) = deleted.errors().first() {
            return Err(Error::Conflict {
                resource: format!("s3 bucket {name:?}"),
                reason: format!(
                    "{} object version(s) could not be deleted, e.g. {:?}: {} {}",
                    deleted.errors().len(),
                    refused.key().unwrap_or_default(),
                    refused.code().unwrap_or_default(),
                    refused.message().unwrap_or_default()
                ),
            });
        }
    }
    Ok(())
}
