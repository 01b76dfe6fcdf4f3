//! CloudTrail in an audit: every trail that records the region, judged with the checks of
//! `AuditTrail`; and the account-level controls (a trail logs, a multi-region trail logs, S3
//! data events and Bedrock calls are recorded), which any one trail may satisfy.

use futures::stream::{self, StreamExt};

use crate::construct::ResourceKind;
use crate::constructs::cloudtrail::{
    describe_trails, evaluate_account_trails, evaluate_trail, read_trail_state, TrailExpectations,
    TrailState,
};
use crate::controls::{Check, ControlId};
use crate::error::Result;

use super::scan::{Judged, RegionScan};

const TRAIL: ResourceKind = ResourceKind::new("AWS::CloudTrail::Trail", "trail");
const ACCOUNT: ResourceKind = ResourceKind::new("AWS::CloudTrail::Account", "cloudtrail settings");

/// The controls judged on each trail.
const TRAIL_CONTROLS: [ControlId; 5] = [
    ControlId::CloudTrailEnabled,
    ControlId::CloudTrailCloudWatchLogsEnabled,
    ControlId::CloudTrailEncryptionEnabled,
    ControlId::CloudTrailLogFileValidationEnabled,
    ControlId::CloudTrailManagementEvents,
];

/// The controls one trail of the account satisfies for all: a single-region trail without data
/// events is no failure when another trail covers them, so these are judged on the account.
const ACCOUNT_CONTROLS: [ControlId; 4] = [
    ControlId::CloudTrailEnabled,
    ControlId::MultiRegionCloudTrailEnabled,
    ControlId::CloudTrailS3DataEventsEnabled,
    ControlId::CloudTrailBedrockLogged,
];

/// A trail that records the region, as read (or why it could not be).
pub(super) struct SeenTrail {
    pub arn: String,
    pub home_region: String,
    pub state: Result<TrailState>,
}

/// Judges the region's trails and the account-level controls; returns the trails (or why they
/// could not be listed) for the checks that follow them (log groups, security alarms).
pub(super) async fn scan(scan: &RegionScan) -> (Judged, Result<Vec<SeenTrail>>) {
    let mut judged = Judged::default();
    let listed = match describe_trails(&scan.env).await {
        Ok(listed) => listed,
        Err(error) => {
            scan.unreadable(
                ACCOUNT,
                &scan.account_arn(),
                &ACCOUNT_CONTROLS,
                &error,
                &mut judged,
            );
            return (judged, Err(error));
        }
    };
    let trails: Vec<SeenTrail> = stream::iter(listed)
        .map(|(arn, home_region)| async move {
            // A shadow trail is read in its home region, where it lives.
            let env = scan.env.in_region(&home_region);
            let state = read_trail_state(&env, &arn).await.and_then(|found| {
                found.map(|(state, _tags)| state).ok_or_else(|| {
                    crate::error::Error::unexpected(
                        "cloudtrail",
                        "GetTrail",
                        format!("{arn} was listed but not found"),
                    )
                })
            });
            SeenTrail {
                arn,
                home_region,
                state,
            }
        })
        .buffer_unordered(scan.concurrency)
        .collect()
        .await;
    for trail in trails.iter().filter(|t| t.home_region == scan.region) {
        match &trail.state {
            Ok(state) => {
                let checks: Vec<Check> = evaluate_trail(state, &TrailExpectations::default())
                    .into_iter()
                    .filter(|check| TRAIL_CONTROLS.contains(&check.control))
                    .collect();
                scan.judge(TRAIL, &trail.arn, &checks, &mut judged);
            }
            Err(error) => scan.unreadable(TRAIL, &trail.arn, &TRAIL_CONTROLS, error, &mut judged),
        }
    }
    let checks = account_checks(&trails);
    scan.judge(ACCOUNT, &scan.account_arn(), &checks, &mut judged);
    (judged, Ok(trails))
}

/// One check per account-level control (see [`evaluate_account_trails`]).
fn account_checks(trails: &[SeenTrail]) -> Vec<Check> {
    let states: Vec<TrailState> = trails
        .iter()
        .filter_map(|t| t.state.as_ref().ok())
        .cloned()
        .collect();
    let unread: Vec<String> = trails
        .iter()
        .filter(|t| t.state.is_err())
        .map(|t| t.arn.clone())
        .collect();
    evaluate_account_trails(&states, &unread)
}
