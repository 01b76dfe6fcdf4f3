//! VPC endpoints: the S3 gateway endpoint every VPC has, and the interface endpoints a VPC asks
//! for, so PHI traffic to AWS services need not leave the VPC.

use std::fmt;

/// The part name of the S3 gateway endpoint.
pub const S3_GATEWAY: &str = "s3";

/// An AWS service reached through an interface endpoint (with private DNS) in the app subnets.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum InterfaceEndpoint {
    /// AWS KMS.
    Kms,
    /// CloudWatch Logs.
    Logs,
    /// AWS STS.
    Sts,
    /// AWS Secrets Manager.
    SecretsManager,
    /// Systems Manager.
    Ssm,
    /// Systems Manager Session Manager messages.
    SsmMessages,
    /// EC2 messages (Systems Manager agent).
    Ec2Messages,
    /// Amazon ECR API.
    EcrApi,
    /// Amazon ECR Docker registry.
    EcrDkr,
    /// CloudWatch metrics.
    Monitoring,
    /// Another service, by the last part of its endpoint service name (e.g. `sqs`,
    /// `bedrock-runtime`).
    Other(String),
}

impl InterfaceEndpoint {
    /// The last part of the service name, e.g. `kms`; also the endpoint's part name.
    pub fn service(&self) -> &str {
        match self {
            InterfaceEndpoint::Kms => "kms",
            InterfaceEndpoint::Logs => "logs",
            InterfaceEndpoint::Sts => "sts",
            InterfaceEndpoint::SecretsManager => "secretsmanager",
            InterfaceEndpoint::Ssm => "ssm",
            InterfaceEndpoint::SsmMessages => "ssmmessages",
            InterfaceEndpoint::Ec2Messages => "ec2messages",
            InterfaceEndpoint::EcrApi => "ecr.api",
            InterfaceEndpoint::EcrDkr => "ecr.dkr",
            InterfaceEndpoint::Monitoring => "monitoring",
            InterfaceEndpoint::Other(name) => name.as_str(),
        }
    }

    /// The full service name in `region`, e.g. `com.amazonaws.us-east-1.kms`.
    pub fn service_name(&self, region: &str) -> String {
        service_name(region, self.service())
    }

    /// Why the service name cannot be used, if it cannot.
    pub(crate) fn problem(&self) -> Option<String> {
        let name = self.service();
        if name.is_empty()
            || name.len() > 64
            || !name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
            || name.starts_with(['.', '-'])
        {
            return Some(format!(
                "{name:?} is not an endpoint service name (lowercase letters, digits, '-' and '.')"
            ));
        }
        if name == S3_GATEWAY {
            return Some(
                "S3 is reached through the gateway endpoint every VPC of this library has"
                    .to_string(),
            );
        }
        None
    }
}

impl fmt::Display for InterfaceEndpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.service())
    }
}

/// `com.amazonaws.<region>.<service>`.
pub fn service_name(region: &str, service: &str) -> String {
    format!("com.amazonaws.{region}.{service}")
}
