//! The Security Hub standards this library subscribes, and their ARNs per partition and region.

use std::fmt;

use serde::Serialize;

/// The version of the CIS AWS Foundations Benchmark standard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
pub enum CisVersion {
    /// v1.2.0 (a global ruleset ARN).
    V1_2_0,
    /// v1.4.0.
    V1_4_0,
    /// v3.0.0 (the default).
    #[default]
    V3_0_0,
}

impl CisVersion {
    /// The version text, e.g. `3.0.0`.
    pub fn as_str(self) -> &'static str {
        match self {
            CisVersion::V1_2_0 => "1.2.0",
            CisVersion::V1_4_0 => "1.4.0",
            CisVersion::V3_0_0 => "3.0.0",
        }
    }
}

/// A Security Hub standard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Standard {
    /// AWS Foundational Security Best Practices v1.0.0.
    FoundationalSecurityBestPractices,
    /// CIS AWS Foundations Benchmark, in a version.
    CisAwsFoundations(CisVersion),
}

impl Standard {
    /// The standards this library subscribes: the foundational best practices and CIS in
    /// `cis`.
    pub fn required(cis: CisVersion) -> [Standard; 2] {
        [
            Standard::FoundationalSecurityBestPractices,
            Standard::CisAwsFoundations(cis),
        ]
    }

    /// The part of the ARN after `standards/` or `ruleset/`, e.g.
    /// `aws-foundational-security-best-practices/v/1.0.0`: what names the standard in settings.
    pub fn key(self) -> String {
        match self {
            Standard::FoundationalSecurityBestPractices => {
                "aws-foundational-security-best-practices/v/1.0.0".to_string()
            }
            Standard::CisAwsFoundations(version) => {
                format!("cis-aws-foundations-benchmark/v/{}", version.as_str())
            }
        }
    }

    /// The standards ARN in a partition and region (CIS v1.2.0 is a global ruleset).
    pub fn arn(self, partition: &str, region: &str) -> String {
        match self {
            Standard::CisAwsFoundations(CisVersion::V1_2_0) => {
                format!("arn:{partition}:securityhub:::ruleset/{}", self.key())
            }
            _ => format!(
                "arn:{partition}:securityhub:{region}::standards/{}",
                self.key()
            ),
        }
    }

    /// True when `standards_arn` is this standard (in any partition and region).
    pub fn matches(self, standards_arn: &str) -> bool {
        standard_key(standards_arn) == Some(self.key().as_str())
    }
}

impl fmt::Display for Standard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Standard::FoundationalSecurityBestPractices => {
                f.write_str("AWS Foundational Security Best Practices v1.0.0")
            }
            Standard::CisAwsFoundations(version) => {
                write!(f, "CIS AWS Foundations Benchmark v{}", version.as_str())
            }
        }
    }
}

/// The key of a standards ARN: what follows `:standards/` or `:ruleset/`.
pub fn standard_key(standards_arn: &str) -> Option<&str> {
    let resource = standards_arn.splitn(6, ':').nth(5)?;
    resource
        .strip_prefix("standards/")
        .or_else(|| resource.strip_prefix("ruleset/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standards_arns_follow_the_security_hub_forms() {
        assert_eq!(
            Standard::FoundationalSecurityBestPractices.arn("aws", "us-east-1"),
            "arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0"
        );
        assert_eq!(
            Standard::CisAwsFoundations(CisVersion::V1_2_0).arn("aws", "eu-west-1"),
            "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0"
        );
        assert_eq!(
            Standard::CisAwsFoundations(CisVersion::V3_0_0).arn("aws-us-gov", "us-gov-west-1"),
            "arn:aws-us-gov:securityhub:us-gov-west-1::standards/cis-aws-foundations-benchmark/v/3.0.0"
        );
        let cis = Standard::CisAwsFoundations(CisVersion::V1_2_0);
        assert!(cis.matches(&cis.arn("aws", "us-east-1")));
        assert!(!Standard::CisAwsFoundations(CisVersion::V3_0_0).matches(&cis.arn("aws", "x")));
        assert_eq!(standard_key("not an arn"), None);
    }
}
