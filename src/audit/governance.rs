//! AWS Config, Security Hub and GuardDuty in an audit: one recorder, hub and detector per
//! region, judged with the constructs' checks. A region without one fails on the account ARN.

use aws_sdk_guardduty::types::{Condition, FindingCriteria};
use aws_smithy_types::date_time::Format;
use aws_smithy_types::DateTime;

use crate::aws_error::AwsResultExt;
use crate::constructs::config::{
    evaluate_recorder, evaluate_rules, hipaa_pack_rules, read_config_rules, read_recorder,
    recorder_absent, CONFIG_RECORDER, CONFIG_RULES,
};
use crate::constructs::guardduty::{
    detector_absent, evaluate_detector, evaluate_findings, read_detector, OpenFinding,
    GUARDDUTY_DETECTOR,
};
use crate::constructs::securityhub::{
    evaluate_security_hub, read_security_hub, security_hub_absent, CisVersion, SecurityHubState,
    Standard, StandardsView, SECURITY_HUB,
};
use crate::controls::{Check, ControlId};
use crate::error::Result;

use super::scan::{Judged, RegionScan};

/// Scans the region's recorder, Config rules, hub and detector at once.
pub(super) async fn scan(scan: &RegionScan) -> Judged {
    let (recorder, rules, hub, detector) = tokio::join!(
        scan_recorder(scan),
        scan_rules(scan),
        scan_hub(scan),
        scan_detector(scan)
    );
    let mut judged = recorder;
    judged.extend(rules);
    judged.extend(hub);
    judged.extend(detector);
    judged
}

async fn scan_recorder(scan: &RegionScan) -> Judged {
    let mut judged = Judged::default();
    match read_recorder(&scan.env).await {
        Ok(Some(state)) => {
            let arn = state.arn.clone().unwrap_or_else(|| {
                scan.env
                    .arn("config", &format!("configuration-recorder/{}", state.name))
            });
            scan.judge(
                CONFIG_RECORDER,
                &arn,
                &evaluate_recorder(&state),
                &mut judged,
            );
        }
        Ok(None) => scan.judge(
            CONFIG_RECORDER,
            &scan.account_arn(),
            &recorder_absent(),
            &mut judged,
        ),
        Err(error) => scan.unreadable(
            CONFIG_RECORDER,
            &scan.account_arn(),
            &[
                ControlId::ConfigRecorderEnabled,
                ControlId::ConfigDeliveryEncrypted,
            ],
            &error,
            &mut judged,
        ),
    }
    judged
}

async fn scan_rules(scan: &RegionScan) -> Judged {
    let mut judged = Judged::default();
    match read_config_rules(&scan.env).await {
        Ok(state) => {
            let checks = evaluate_rules(&state, &hipaa_pack_rules());
            scan.judge(CONFIG_RULES, &scan.account_arn(), &checks, &mut judged);
        }
        Err(error) => scan.unreadable(
            CONFIG_RULES,
            &scan.account_arn(),
            &[ControlId::ConfigHipaaRulesDeployed],
            &error,
            &mut judged,
        ),
    }
    judged
}

/// The standards a hub is judged against: the foundational practices and CIS in the newest
/// version the hub subscribes (any version is CIS), else the current one.
fn standards_for(state: &SecurityHubState) -> [Standard; 2] {
    let subscribed = |version: CisVersion| match &state.standards {
        StandardsView::Read(subscriptions) => subscriptions.values().any(|s| {
            Standard::CisAwsFoundations(version).matches(&s.standards_arn) && s.is_subscribed()
        }),
        StandardsView::Unreadable(_) => false,
    };
    let version = [CisVersion::V3_0_0, CisVersion::V1_4_0, CisVersion::V1_2_0]
        .into_iter()
        .find(|version| subscribed(*version))
        .unwrap_or_default();
    Standard::required(version)
}

async fn scan_hub(scan: &RegionScan) -> Judged {
    let mut judged = Judged::default();
    match read_security_hub(&scan.env).await {
        Ok(Some(state)) => {
            let arn = state
                .hub_arn
                .clone()
                .unwrap_or_else(|| scan.env.arn("securityhub", "hub/default"));
            let checks = evaluate_security_hub(&state, &standards_for(&state));
            scan.judge(SECURITY_HUB, &arn, &checks, &mut judged);
        }
        Ok(None) => scan.judge(
            SECURITY_HUB,
            &scan.account_arn(),
            &security_hub_absent(&Standard::required(CisVersion::default())),
            &mut judged,
        ),
        Err(error) => scan.unreadable(
            SECURITY_HUB,
            &scan.account_arn(),
            &[
                ControlId::SecurityHubEnabled,
                ControlId::SecurityHubStandardsSubscribed,
            ],
            &error,
            &mut judged,
        ),
    }
    judged
}

/// The controls [`scan_detector`] judges (see `crate::controls::coverage`).
pub const SCAN_DETECTOR_COVERS: &[ControlId] = &[
    ControlId::GuardDutyEnabledCentralized,
    ControlId::GuardDutyFindingsEvery15Minutes,
    ControlId::GuardDutyS3Protection,
    ControlId::GuardDutyNonArchivedFindings,
];

async fn scan_detector(scan: &RegionScan) -> Judged {
    let mut judged = Judged::default();
    match read_detector(&scan.env).await {
        Ok(Some(state)) => {
            let arn = scan
                .env
                .arn("guardduty", &format!("detector/{}", state.detector_id));
            let mut checks = evaluate_detector(&state, &[]);
            checks.push(match open_findings(scan, &state.detector_id).await {
                Ok(findings) => evaluate_findings(&findings, crate::audit::now_secs()),
                Err(error) => Check {
                    control: ControlId::GuardDutyNonArchivedFindings,
                    setting: "findings".to_string(),
                    status: crate::controls::Status::Error,
                    reason: format!("the findings could not be read: {error}"),
                },
            });
            scan.judge(GUARDDUTY_DETECTOR, &arn, &checks, &mut judged);
        }
        Ok(None) => scan.judge(
            GUARDDUTY_DETECTOR,
            &scan.account_arn(),
            &detector_absent(),
            &mut judged,
        ),
        Err(error) => scan.unreadable(
            GUARDDUTY_DETECTOR,
            &scan.account_arn(),
            &[
                ControlId::GuardDutyEnabledCentralized,
                ControlId::GuardDutyFindingsEvery15Minutes,
                ControlId::GuardDutyS3Protection,
                ControlId::GuardDutyNonArchivedFindings,
            ],
            &error,
            &mut judged,
        ),
    }
    judged
}

/// The detector's non-archived findings, with their age and severity.
async fn open_findings(scan: &RegionScan, detector_id: &str) -> Result<Vec<OpenFinding>> {
    const SERVICE: &str = "guardduty";
    let guardduty = scan.env.guardduty();
    let criteria = FindingCriteria::builder()
        .criterion(
            "service.archived",
            Condition::builder().equals("false").build(),
        )
        .build();
    let mut ids = Vec::new();
    let mut pages = guardduty
        .list_findings()
        .detector_id(detector_id)
        .finding_criteria(criteria)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.aws(SERVICE, "ListFindings", detector_id)?;
        ids.extend(page.finding_ids().iter().cloned());
    }
    let mut open = Vec::new();
    for chunk in ids.chunks(50) {
        let found = guardduty
            .get_findings()
            .detector_id(detector_id)
            .set_finding_ids(Some(chunk.to_vec()))
            .send()
            .await
            .aws(SERVICE, "GetFindings", detector_id)?;
        for finding in found.findings() {
            open.push(OpenFinding {
                id: finding.id().unwrap_or_default().to_string(),
                // Unparsable is unknown, never "just created".
                created_secs: DateTime::from_str(
                    finding.created_at().unwrap_or_default(),
                    Format::DateTime,
                )
                .ok()
                .map(|at| at.secs()),
                severity: finding.severity().unwrap_or_default(),
            });
        }
    }
    Ok(open)
}
