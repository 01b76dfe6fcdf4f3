//! The HIPAA control catalog and the results of judging a resource against it.
//!
//! A [`Control`] names one automated check (its id, title, HIPAA citations and the matching
//! cdk-nag and AWS Config rule ids). Constructs judge their settings with functions that return
//! [`Check`]s; the same functions run on a spec at `build()` and on live state at verify time.

mod catalog;
mod citation;
pub mod coverage;
mod docs;
mod enforcement;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub use catalog::ControlId;
pub use citation::{format_citations, Citation};
pub use docs::{
    controls_catalog_markdown, controls_table_markdown, readme_with_controls_table,
    README_TABLE_BEGIN, README_TABLE_END,
};

/// The AWS service (or account-wide area) a control falls on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Service {
    /// Amazon VPC and EC2 networking and instances.
    Ec2,
    /// Amazon EBS volumes, snapshots and account defaults.
    Ebs,
    /// Amazon S3.
    S3,
    /// AWS KMS.
    Kms,
    /// AWS IAM.
    Iam,
    /// Amazon RDS and Aurora.
    Rds,
    /// AWS CloudTrail.
    CloudTrail,
    /// Amazon CloudWatch and CloudWatch Logs.
    CloudWatch,
    /// AWS Config.
    Config,
    /// AWS Security Hub.
    SecurityHub,
    /// Amazon GuardDuty.
    GuardDuty,
    /// AWS Backup.
    Backup,
    /// The account as a whole.
    Account,
}

impl fmt::Display for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Service::Ec2 => "EC2/VPC",
            Service::Ebs => "EBS",
            Service::S3 => "S3",
            Service::Kms => "KMS",
            Service::Iam => "IAM",
            Service::Rds => "RDS",
            Service::CloudTrail => "CloudTrail",
            Service::CloudWatch => "CloudWatch",
            Service::Config => "AWS Config",
            Service::SecurityHub => "Security Hub",
            Service::GuardDuty => "GuardDuty",
            Service::Backup => "AWS Backup",
            Service::Account => "Account",
        };
        f.write_str(name)
    }
}

impl Service {
    /// Every service, in declaration order.
    pub const ALL: &'static [Service] = &[
        Service::Ec2,
        Service::Ebs,
        Service::S3,
        Service::Kms,
        Service::Iam,
        Service::Rds,
        Service::CloudTrail,
        Service::CloudWatch,
        Service::Config,
        Service::SecurityHub,
        Service::GuardDuty,
        Service::Backup,
        Service::Account,
    ];
}

/// Lowercase letters and digits only: how service names are compared.
fn folded(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

impl std::str::FromStr for Service {
    type Err = crate::error::Error;

    /// Parses a service by its name or its display name, ignoring case and punctuation:
    /// `s3`, `cloudtrail`, `security-hub`, `EC2/VPC`, `ec2`.
    fn from_str(text: &str) -> Result<Service, Self::Err> {
        let wanted = folded(text);
        Service::ALL
            .iter()
            .copied()
            .find(|service| {
                folded(&service.to_string()) == wanted || folded(&format!("{service:?}")) == wanted
            })
            .ok_or_else(|| {
                let names: Vec<String> = Service::ALL
                    .iter()
                    .map(|service| folded(&format!("{service:?}")))
                    .collect();
                crate::error::Error::Configuration(format!(
                    "{text:?} is not a service (services: {})",
                    names.join(", ")
                ))
            })
    }
}

/// Where a control's HIPAA citations come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CitationSource {
    /// Stated by the cdk-nag HIPAA pack and/or the AWS Config HIPAA conformance pack.
    RuleSets,
    /// From cdk-nag's list of HIPAA rules it does not implement (marked † in `CONTROLS.md`).
    CdkNagExcludedList,
    /// No rule set states a citation: the mapping is this library's own.
    HipaaAwsMapping,
}

/// One entry of the catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Control {
    /// The id.
    pub id: ControlId,
    /// The canonical id as text: the AWS Config rule identifier, else the cdk-nag rule id, else
    /// a `HIPAA_AWS_` id of this library.
    pub code: &'static str,
    /// What the control requires, in one line.
    pub title: &'static str,
    /// The service it falls on.
    pub service: Service,
    /// The cdk-nag `HIPAA.Security` rule id, when cdk-nag implements it.
    pub cdk_nag_rule: Option<&'static str>,
    /// The AWS Config managed rule identifier, when the HIPAA conformance pack has (or had) it.
    pub config_rule: Option<&'static str>,
    /// The date the rule left the AWS Config conformance pack, if it did.
    pub config_rule_removed: Option<&'static str>,
    /// The HIPAA Security Rule paragraphs it supports.
    pub citations: &'static [Citation],
    /// Where the citations come from.
    pub citation_source: CitationSource,
}

impl ControlId {
    /// The canonical id as text, e.g. `S3_BUCKET_SSL_REQUESTS_ONLY`.
    pub fn as_str(self) -> &'static str {
        self.control().code
    }

    /// The control's HIPAA citations.
    pub fn citations(self) -> &'static [Citation] {
        self.control().citations
    }

    /// All controls that fall on one service.
    pub fn for_service(service: Service) -> impl Iterator<Item = ControlId> {
        Self::ALL
            .iter()
            .copied()
            .filter(move |id| id.control().service == service)
    }
}

impl fmt::Display for ControlId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text was not the id of any control of the catalog.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown control id {0:?}")]
pub struct UnknownControl(pub String);

impl FromStr for ControlId {
    type Err = UnknownControl;

    /// Accepts the canonical id, the cdk-nag rule id or the AWS Config rule identifier.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        Self::ALL
            .iter()
            .copied()
            .find(|id| {
                let control = id.control();
                control.code == text
                    || control.config_rule == Some(text)
                    || control.cdk_nag_rule == Some(text)
            })
            .ok_or_else(|| UnknownControl(text.to_string()))
    }
}

impl Serialize for ControlId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ControlId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// The outcome of judging one control.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The resource meets the control.
    Pass,
    /// The resource breaks the control.
    Fail,
    /// The control does not apply to this resource.
    NotApplicable,
    /// The control could not be judged (for instance, a call was denied). Never a silent pass.
    Error,
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Status::Pass => "PASS",
            Status::Fail => "FAIL",
            Status::NotApplicable => "N/A",
            Status::Error => "ERROR",
        })
    }
}

/// One control judged against one setting of a resource's state (desired or live).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    /// The control judged.
    pub control: ControlId,
    /// The setting it looked at, e.g. `encryption.algorithm`.
    pub setting: String,
    /// The outcome.
    pub status: Status,
    /// Why, in one line.
    pub reason: String,
}

impl Check {
    /// A check that passes or fails by `ok`, with the reason for each outcome.
    pub fn require(
        control: ControlId,
        setting: impl Into<String>,
        ok: bool,
        pass_reason: impl Into<String>,
        fail_reason: impl Into<String>,
    ) -> Check {
        let (status, reason) = if ok {
            (Status::Pass, pass_reason.into())
        } else {
            (Status::Fail, fail_reason.into())
        };
        Check {
            control,
            setting: setting.into(),
            status,
            reason,
        }
    }

    /// A check that does not apply.
    pub fn not_applicable(
        control: ControlId,
        setting: impl Into<String>,
        reason: impl Into<String>,
    ) -> Check {
        Check {
            control,
            setting: setting.into(),
            status: Status::NotApplicable,
            reason: reason.into(),
        }
    }

    /// True when the check failed.
    pub fn failed(&self) -> bool {
        self.status == Status::Fail
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_control_has_a_unique_code_and_at_least_one_citation() {
        let mut seen = std::collections::HashSet::new();
        for id in ControlId::ALL {
            let control = id.control();
            assert!(seen.insert(control.code), "duplicate code {}", control.code);
            assert!(
                !control.citations.is_empty(),
                "{} has no citation",
                control.code
            );
            assert_eq!(control.id, *id);
        }
    }

    #[test]
    fn services_parse_by_name_or_display_name_and_unknown_names_are_refused() {
        for service in Service::ALL {
            assert_eq!(
                format!("{service:?}").parse::<Service>().ok(),
                Some(*service)
            );
            assert_eq!(service.to_string().parse::<Service>().ok(), Some(*service));
        }
        assert_eq!(
            "security-hub".parse::<Service>().ok(),
            Some(Service::SecurityHub)
        );
        assert_eq!("EC2/VPC".parse::<Service>().ok(), Some(Service::Ec2));
        let error = "s4".parse::<Service>().expect_err("no service s4");
        assert!(
            error.to_string().contains("\"s4\" is not a service"),
            "{error}"
        );
        assert!(error.to_string().contains("securityhub"), "{error}");
        // Every variant is listed once in ALL.
        let unique: std::collections::BTreeSet<_> = Service::ALL.iter().collect();
        assert_eq!(unique.len(), Service::ALL.len());
    }

    #[test]
    fn ids_parse_from_canonical_cdk_nag_and_config_forms() {
        assert_eq!(
            "HIPAA.Security-S3BucketSSLRequestsOnly".parse::<ControlId>(),
            Ok(ControlId::S3BucketSslRequestsOnly)
        );
        assert_eq!(
            "S3_BUCKET_SSL_REQUESTS_ONLY".parse::<ControlId>(),
            Ok(ControlId::S3BucketSslRequestsOnly)
        );
        assert!("NOT_A_CONTROL".parse::<ControlId>().is_err());
    }

    #[test]
    fn serde_round_trip_uses_the_canonical_id() {
        let text = serde_json::to_string(&ControlId::KmsKeyRotationEnabled).unwrap_or_default();
        assert_eq!(text, "\"HIPAA_AWS_KMS_KEY_ROTATION_ENABLED\"");
        let back: ControlId = serde_json::from_str(&text).unwrap_or(ControlId::BaaExecuted);
        assert_eq!(back, ControlId::KmsKeyRotationEnabled);
    }

    #[test]
    fn citations_format_with_the_cfr_prefix_once() {
        let text = format_citations(ControlId::S3BucketLoggingEnabled.citations());
        assert_eq!(text, "45 CFR 164.308(a)(3)(ii)(A), 164.312(b)");
        assert_eq!(
            Citation::parse("45 CFR 164.312(b)"),
            Some(Citation::AUDIT_CONTROLS)
        );
    }
}
