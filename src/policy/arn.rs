//! Amazon Resource Names as a type.

use std::fmt;
use std::str::FromStr;

use super::document::PolicyParseError;

/// An ARN: `arn:partition:service:region:account:resource`.
///
/// ```
/// use hipaa_aws::policy::Arn;
/// let arn: Arn = "arn:aws:logs:us-east-1:111122223333:log-group:audit:*".parse()?;
/// assert_eq!(arn.service, "logs");
/// assert_eq!(arn.account, "111122223333");
/// assert_eq!(arn.resource, "log-group:audit:*");
/// assert_eq!(arn.to_string(), "arn:aws:logs:us-east-1:111122223333:log-group:audit:*");
/// assert!("arn:aws:s3:::*".parse::<Arn>()?.is_unscoped());
/// # Ok::<(), hipaa_aws::policy::PolicyParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Arn {
    /// `aws`, `aws-us-gov`, `aws-cn`, …
    pub partition: String,
    /// The service, e.g. `s3`.
    pub service: String,
    /// The region (empty for global resources).
    pub region: String,
    /// The account id (empty for S3 buckets).
    pub account: String,
    /// Everything after the account, e.g. `key/1234` or `bucket/prefix/*`.
    pub resource: String,
}

impl Arn {
    /// An ARN from its parts.
    pub fn new(partition: &str, service: &str, region: &str, account: &str, resource: &str) -> Arn {
        Arn {
            partition: partition.to_string(),
            service: service.to_string(),
            region: region.to_string(),
            account: account.to_string(),
            resource: resource.to_string(),
        }
    }

    /// Parses `arn:partition:service:region:account:resource`.
    pub fn parse(text: &str) -> Result<Arn, PolicyParseError> {
        let mut parts = text.splitn(6, ':');
        let fields: Vec<&str> = (&mut parts).collect();
        match fields.as_slice() {
            ["arn", partition, service, region, account, resource]
                if !partition.is_empty() && !service.is_empty() && !resource.is_empty() =>
            {
                Ok(Arn::new(partition, service, region, account, resource))
            }
            _ => Err(PolicyParseError(format!(
                "{text:?} is not an ARN (arn:partition:service:region:account:resource)"
            ))),
        }
    }

    /// True when the ARN does not name one particular resource: a wildcard (`*` or `?`) in the
    /// partition, service, region or account, or in the resource's name (the first segment
    /// after its type: `key/*`, `key/12*`, `table/acme*`); for S3, in the bucket name
    /// (`arn:aws:s3:::acme-*/*`); for IAM and STS, anywhere in the resource (`role/app-*`,
    /// `role/service-role/*`). Wildcards after the name (objects of one bucket, streams of one
    /// log group) stay scoped.
    pub fn is_unscoped(&self) -> bool {
        let wild = |text: &str| text.contains(['*', '?']);
        if wild(&self.partition) || wild(&self.service) || wild(&self.region) || wild(&self.account)
        {
            return true;
        }
        let resource = self.resource.as_str();
        let service = self.service.to_ascii_lowercase();
        if service == "s3" {
            // S3 ARNs have no resource type: the bucket name comes first.
            let bucket = resource.split('/').next().unwrap_or_default();
            return bucket.is_empty() || wild(bucket);
        }
        if service == "iam" || service == "sts" {
            return wild(resource);
        }
        // `type/name/...` or `type:name:...`: the name runs to the next separator of the same
        // kind (log group names hold `/`, as in `log-group:/app/audit:log-stream:*`).
        let typed = resource
            .find(['/', ':'])
            .and_then(|at| {
                let kind = resource.get(..at)?;
                let separator = resource.get(at..)?.chars().next()?;
                let rest = resource.get(at..)?.get(separator.len_utf8()..)?;
                Some((kind, separator, rest))
            })
            .filter(|(kind, _, _)| {
                !kind.is_empty() && kind.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            });
        match typed {
            Some((_, separator, rest)) => {
                let name = rest.split(separator).next().unwrap_or_default();
                name.is_empty() || wild(name)
            }
            None => wild(resource),
        }
    }
}

impl fmt::Display for Arn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "arn:{}:{}:{}:{}:{}",
            self.partition, self.service, self.region, self.account, self.resource
        )
    }
}

impl FromStr for Arn {
    type Err = PolicyParseError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Arn::parse(text)
    }
}

impl From<Arn> for String {
    fn from(arn: Arn) -> String {
        arn.to_string()
    }
}

impl From<&Arn> for String {
    fn from(arn: &Arn) -> String {
        arn.to_string()
    }
}

/// True when a statement resource names no particular resource: `*`, or an ARN whose
/// fields or resource name hold a wildcard (see [`Arn::is_unscoped`]). Text that is not an ARN
/// counts as scoped only when it has no wildcard.
pub fn is_unscoped_resource(resource: &str) -> bool {
    let resource = resource.trim();
    if resource == "*" {
        return true;
    }
    match Arn::parse(resource) {
        Ok(arn) => arn.is_unscoped(),
        // Not an ARN: scoped only when it names one thing without wildcards.
        Err(_) => resource.is_empty() || resource.contains(['*', '?']),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_arns() -> Result<(), PolicyParseError> {
        let arn = Arn::parse("arn:aws:s3:::acme-phi/*")?;
        assert_eq!(arn.service, "s3");
        assert_eq!(arn.account, "");
        assert_eq!(arn.resource, "acme-phi/*");
        assert_eq!(arn.to_string(), "arn:aws:s3:::acme-phi/*");
        assert!(Arn::parse("not-an-arn").is_err());
        assert!(Arn::parse("arn:aws:s3:::").is_err());
        Ok(())
    }

    #[test]
    fn tells_unscoped_resources_apart() {
        for unscoped in [
            "*",
            "arn:aws:s3:::*",
            "arn:aws:s3:::*/*",
            "arn:aws:kms:*:*:key/*",
            "arn:aws:dynamodb:us-east-1:111122223333:table/*",
            "arn:aws:logs:us-east-1:111122223333:log-group:*",
            "arn:aws:s3:::acme-*",
            "arn:aws:s3:::acme-?hi/*",
            "arn:aws:kms:us-east-1:111122223333:key/12*",
            "arn:aws:kms:*:111122223333:key/1234",
            "arn:aws:kms:us-east-1:*:key/1234",
            "arn:aws:kms:us-east-?:111122223333:key/1234",
            "arn:aws:iam::111122223333:role/app-*",
            "arn:aws:iam::111122223333:role/service-role/*",
            "arn:aws:logs:us-east-1:111122223333:log-group:/app/*",
            "arn:*:s3:::acme",
            "acme*",
        ] {
            assert!(is_unscoped_resource(unscoped), "{unscoped}");
        }
        for scoped in [
            "arn:aws:s3:::acme-phi/*",
            "arn:aws:s3:::acme-phi",
            "arn:aws:kms:us-east-1:111122223333:key/1234",
            "arn:aws:logs:us-east-1:111122223333:log-group:audit:*",
            "arn:aws:iam::111122223333:role/app",
            "arn:aws:logs:us-east-1:111122223333:log-group:/app/audit:log-stream:1_CloudTrail_*",
            "arn:aws:dynamodb:us-east-1:111122223333:table/acme/index/*",
        ] {
            assert!(!is_unscoped_resource(scoped), "{scoped}");
        }
    }
}
