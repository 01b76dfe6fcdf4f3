//! Progress events: what plan, apply, verify, drift and destroy are doing, resource by resource,
//! for a caller to draw (the examples use progress bars) or log.

use std::time::Duration;

use serde::Serialize;
use tokio::sync::broadcast;

use crate::construct::{LogicalId, ResourceKind};

/// How many events a slow subscriber may fall behind before it misses some.
const CAPACITY: usize = 4096;

/// The long-running operations that report progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Operation {
    /// Reading live state and diffing it.
    Plan,
    /// Creating and restoring resources.
    Apply,
    /// Judging every control on live state.
    Verify,
    /// Listing settings that differ from the stack.
    Drift,
    /// Deleting what may be deleted.
    Destroy,
    /// Judging every resource of an account.
    Audit,
}

/// What happened to one resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum ResourceStatus {
    /// Work on it began.
    Started,
    /// Plan found it missing.
    PlannedCreate,
    /// Plan found settings that differ.
    PlannedUpdate {
        /// How many settings differ.
        changes: usize,
    },
    /// It was made.
    Created,
    /// Its differing settings were restored.
    Updated {
        /// How many settings were restored.
        changes: usize,
    },
    /// It exists as specified.
    Unchanged,
    /// Its controls were judged.
    Verified {
        /// Checks that passed.
        passed: usize,
        /// Checks that failed or could not be judged.
        failed: usize,
    },
    /// It was deleted (keys: scheduled for deletion).
    Deleted,
    /// Destroy kept it.
    Kept {
        /// Why.
        reason: String,
    },
    /// It did not exist.
    Absent,
    /// The operation failed on it.
    Failed {
        /// The error.
        error: String,
    },
}

impl ResourceStatus {
    /// True for the final status of a resource (everything but `Started`).
    pub fn is_final(&self) -> bool {
        !matches!(self, ResourceStatus::Started)
    }
}

/// One progress event.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "event")]
pub enum Event {
    /// An operation began.
    Started {
        /// Which.
        operation: Operation,
        /// On which stack (or account, for an audit).
        target: String,
        /// How many resources it will go through (0 when not known in advance).
        resources: usize,
    },
    /// A resource changed status.
    Resource {
        /// The operation.
        operation: Operation,
        /// The resource's logical id.
        id: LogicalId,
        /// What it is.
        kind: ResourceKind,
        /// Its physical name.
        name: String,
        /// What happened.
        status: ResourceStatus,
        /// Time since the operation began.
        #[serde(serialize_with = "seconds")]
        elapsed: Duration,
    },
    /// An operation ended.
    Finished {
        /// Which.
        operation: Operation,
        /// How many resources reached each final status, e.g. `created`.
        counts: Vec<(String, usize)>,
        /// Whether it succeeded.
        succeeded: bool,
        /// Its duration.
        #[serde(serialize_with = "seconds")]
        elapsed: Duration,
    },
}

fn seconds<S: serde::Serializer>(duration: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_f64(duration.as_secs_f64())
}

/// The sending side, held by a stack (or an audit). Events nobody listens to are dropped.
#[derive(Debug, Clone)]
pub struct EventSender {
    sender: broadcast::Sender<Event>,
}

impl Default for EventSender {
    fn default() -> Self {
        let (sender, _) = broadcast::channel(CAPACITY);
        EventSender { sender }
    }
}

impl EventSender {
    /// A new receiver of every event sent from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.sender.subscribe()
    }

    /// Sends an event to every current subscriber.
    pub fn send(&self, event: Event) {
        // No subscriber is fine: progress is optional.
        let _ = self.sender.send(event);
    }
}

/// A short word for a final status, used in the `Finished` counts.
pub(crate) fn status_word(status: &ResourceStatus) -> &'static str {
    match status {
        ResourceStatus::Started => "started",
        ResourceStatus::PlannedCreate => "to create",
        ResourceStatus::PlannedUpdate { .. } => "to update",
        ResourceStatus::Created => "created",
        ResourceStatus::Updated { .. } => "updated",
        ResourceStatus::Unchanged => "unchanged",
        ResourceStatus::Verified { failed: 0, .. } => "passing",
        ResourceStatus::Verified { .. } => "failing",
        ResourceStatus::Deleted => "deleted",
        ResourceStatus::Kept { .. } => "kept",
        ResourceStatus::Absent => "absent",
        ResourceStatus::Failed { .. } => "failed",
    }
}
