//! The flow log of a VPC: ALL traffic to the log bucket, replaced when its settings differ.

use aws_sdk_ec2::types::{FlowLogsResourceType, LogDestinationType, ResourceType, TrafficType};

use crate::aws_error::AwsResultExt;
use crate::error::{Error, Result};

use super::super::super::state::FLOW_LOG_PART;
use super::super::util::{tag_spec, SERVICE};
use super::Converge;

impl Converge<'_> {
    pub(super) async fn flow_log(&mut self) -> Result<()> {
        let setting = format!("flow_log.{FLOW_LOG_PART}");
        if !self.changed(&setting) {
            return Ok(());
        }
        let Some(wanted) = self.desired.flow_logs.get(FLOW_LOG_PART) else {
            return Ok(());
        };
        if let Some(stale) = self.live.flow_logs.get(FLOW_LOG_PART) {
            self.ec2()
                .delete_flow_logs()
                .flow_log_ids(&stale.id)
                .send()
                .await
                .aws(SERVICE, "DeleteFlowLogs", &self.resource)?;
        }
        let made = self
            .ec2()
            .create_flow_logs()
            .resource_ids(self.vpc_id())
            .resource_type(FlowLogsResourceType::Vpc)
            .traffic_type(TrafficType::from(wanted.traffic_type.as_str()))
            .log_destination_type(LogDestinationType::from(wanted.destination_type.as_str()))
            .log_destination(&wanted.destination)
            .tag_specifications(tag_spec(
                ResourceType::VpcFlowLog,
                &self.part_tags("flow-log", FLOW_LOG_PART),
            ))
            .send()
            .await
            .aws(SERVICE, "CreateFlowLogs", &self.resource)?;
        // CreateFlowLogs reports failures in the answer, not as an error.
        if let Some(failure) = made.unsuccessful().first() {
            let error = failure.error();
            return Err(Error::Conflict {
                resource: self.resource.clone(),
                reason: format!(
                    "CreateFlowLogs did not make the flow log to {}: {}: {}",
                    wanted.destination,
                    error.and_then(|e| e.code()).unwrap_or("(no code)"),
                    error.and_then(|e| e.message()).unwrap_or("(no message)")
                ),
            });
        }
        if made.flow_log_ids().is_empty() {
            return Err(Error::unexpected(
                SERVICE,
                "CreateFlowLogs",
                "neither a flow log id nor a failure in the answer",
            ));
        }
        Ok(())
    }
}
