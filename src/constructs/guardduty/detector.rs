//! [`ThreatDetection`]: the region's GuardDuty detector, enabled, publishing findings every 15
//! minutes, with S3 Protection on.

use std::collections::BTreeMap;

use serde::Serialize;
use typed_builder::TypedBuilder;

use crate::construct::{
    tags_check, violations_of, Construct, Ctx, Lifecycle, Live, LogicalId, ResourceKind,
    ResourceOutputs, Scope, SettingChange,
};
use crate::controls::Check;
use crate::error::{Error, Result, Violations};

use super::checks::{evaluate_detector, FIFTEEN_MINUTES};
use super::live;
use super::state::DetectorState;
use super::GUARDDUTY_DETECTOR;

/// A GuardDuty protection plan that can be turned on beside S3 Protection (which is always on).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum GuardDutyProtection {
    /// RDS Protection: login activity on Aurora and RDS databases (`RDS_LOGIN_EVENTS`).
    RdsLoginEvents,
    /// Malware Protection for EC2: scans the EBS volumes of suspicious instances
    /// (`EBS_MALWARE_PROTECTION`).
    EbsMalwareProtection,
    /// EKS audit log monitoring (`EKS_AUDIT_LOGS`).
    EksAuditLogs,
    /// Lambda network activity monitoring (`LAMBDA_NETWORK_LOGS`).
    LambdaNetworkLogs,
}

impl GuardDutyProtection {
    /// The GuardDuty feature name, e.g. `RDS_LOGIN_EVENTS`.
    pub fn feature_name(self) -> &'static str {
        match self {
            GuardDutyProtection::RdsLoginEvents => "RDS_LOGIN_EVENTS",
            GuardDutyProtection::EbsMalwareProtection => "EBS_MALWARE_PROTECTION",
            GuardDutyProtection::EksAuditLogs => "EKS_AUDIT_LOGS",
            GuardDutyProtection::LambdaNetworkLogs => "LAMBDA_NETWORK_LOGS",
        }
    }
}

/// The props of [`ThreatDetection`]; build them with [`ThreatDetection::builder`].
///
/// There is no setter for the publishing frequency or S3 Protection: findings are published
/// every 15 minutes and S3 data events are always watched.
#[derive(Debug, Clone, TypedBuilder)]
#[builder(
    doc,
    builder_type(name = ThreatDetectionBuilder, doc = "Builds a [`ThreatDetection`]; nothing is required."),
    build_method(
        into = Result<ThreatDetection>,
        doc = "Validates the props and returns the detector, or every violation at once."
    )
)]
pub struct ThreatDetectionProps {
    #[builder(
        default,
        setter(
            doc = "Protection plans to turn on beside S3 Protection (for instance RDS login monitoring for a database).",
            fn transform(protections: impl IntoIterator<Item = GuardDutyProtection>) -> Vec<GuardDutyProtection> {
                protections.into_iter().collect()
            }
        )
    )]
    protections: Vec<GuardDutyProtection>,
}

/// The region's Amazon GuardDuty detector: enabled, publishing updated findings every 15
/// minutes, with S3 Protection (the `S3_DATA_EVENTS` feature) on.
///
/// A region has one detector per account. When one exists the construct **adopts** it and
/// brings it to these settings (and tags it); a detector tagged by another stack of this
/// library is a conflict.
///
/// ```
/// use hipaa_aws::{GuardDutyProtection, ThreatDetection};
/// let detection = ThreatDetection::builder()
///     .protections([GuardDutyProtection::RdsLoginEvents])
///     .build()?;
/// assert_eq!(detection.protections(), &[GuardDutyProtection::RdsLoginEvents]);
/// # Ok::<(), hipaa_aws::Error>(())
/// ```
///
/// The publishing frequency cannot be slowed, because no method does it:
///
/// ```compile_fail
/// let detection = hipaa_aws::ThreatDetection::builder().finding_publishing_frequency("SIX_HOURS").build();
/// ```
#[derive(Debug, Clone)]
pub struct ThreatDetection {
    id: LogicalId,
    name: String,
    protections: Vec<GuardDutyProtection>,
}

impl ThreatDetection {
    /// Starts a builder.
    pub fn builder() -> ThreatDetectionBuilder {
        ThreatDetectionProps::builder()
    }

    /// The protection plans on beside S3 Protection.
    pub fn protections(&self) -> &[GuardDutyProtection] {
        &self.protections
    }

    fn feature_names(&self) -> Vec<&'static str> {
        self.protections
            .iter()
            .map(|protection| protection.feature_name())
            .collect()
    }

    pub(super) fn resource_name(&self) -> String {
        "guardduty detector".to_string()
    }
}

impl From<ThreatDetectionProps> for Result<ThreatDetection> {
    fn from(props: ThreatDetectionProps) -> Self {
        let mut protections = props.protections;
        protections.sort();
        protections.dedup();
        let detection = ThreatDetection {
            id: GUARDDUTY_DETECTOR.logical_id("default"),
            name: "guardduty-detector".to_string(),
            protections,
        };
        let desired = detection.desired(&Scope::for_build());
        let violations = violations_of(&detection.resource_name(), &detection.evaluate(&desired));
        match Violations::from_vec(violations) {
            None => Ok(detection),
            Some(violations) => Err(Error::Invalid(violations)),
        }
    }
}

impl Construct for ThreatDetection {
    type State = DetectorState;

    fn id(&self) -> &LogicalId {
        &self.id
    }

    fn kind(&self) -> ResourceKind {
        GUARDDUTY_DETECTOR
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn dependencies(&self) -> Vec<LogicalId> {
        Vec::new()
    }

    fn desired(&self, scope: &Scope<'_>) -> DetectorState {
        DetectorState {
            detector_id: crate::construct::KNOWN_AFTER_APPLY.to_string(),
            status: "ENABLED".to_string(),
            finding_publishing_frequency: FIFTEEN_MINUTES.to_string(),
            s3_data_events: Some("ENABLED".to_string()),
            features: self
                .feature_names()
                .into_iter()
                .map(|name| (name.to_string(), "ENABLED".to_string()))
                .collect::<BTreeMap<_, _>>(),
            tags: scope.tags_for(&self.id, false),
        }
    }

    fn evaluate(&self, state: &DetectorState) -> Vec<Check> {
        let mut checks = evaluate_detector(state, &self.feature_names());
        checks.push(tags_check(&state.tags));
        checks
    }
}

impl Lifecycle for ThreatDetection {
    async fn read(&self, ctx: &Ctx<'_>) -> Result<Option<Live<DetectorState>>> {
        live::read_for_construct(ctx, self).await
    }

    async fn create(&self, ctx: &Ctx<'_>, desired: &DetectorState) -> Result<ResourceOutputs> {
        live::create_detector(ctx, self, desired).await
    }

    async fn update(
        &self,
        ctx: &Ctx<'_>,
        live: &Live<DetectorState>,
        desired: &DetectorState,
        changes: &[SettingChange],
    ) -> Result<()> {
        live::update_detector(ctx, self, live, desired, changes).await
    }

    async fn deletion_guard(
        &self,
        _ctx: &Ctx<'_>,
        _live: &Live<DetectorState>,
    ) -> Result<Option<String>> {
        Ok(Some(
            "the region's GuardDuty detector: deleting it ends threat detection and deletes its findings, which are \
             incident evidence (45 CFR 164.308(a)(6)(ii)); it may also predate this stack, which adopted it. Deleted only \
             with consent"
                .to_string(),
        ))
    }

    async fn delete(&self, ctx: &Ctx<'_>, live: &Live<DetectorState>) -> Result<()> {
        live::delete_detector(ctx, self, live).await
    }
}
