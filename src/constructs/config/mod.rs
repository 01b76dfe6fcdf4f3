//! AWS Config: [`ConfigRecorder`] (the region's recorder, its encrypted delivery channel and
//! its service-linked role) and [`HipaaConfigRules`] (the AWS managed rules of the HIPAA
//! Security conformance pack, deployed as Config rules the account keeps evaluating).

mod checks;
mod delivery_policy;
mod live;
mod managed_rules;
mod recorder;
mod rules;
mod service_role;
mod state;

use crate::construct::ResourceKind;

pub use checks::{evaluate_recorder, evaluate_rules, recorder_absent};
pub use delivery_policy::{config_bucket_statements, config_key_statement, delivery_prefix};
pub use live::{read_config_rules, read_recorder};
pub use managed_rules::{hipaa_pack_rules, pack_rule, ManagedRuleSpec, PackRule, HIPAA_PACK_RULES};
pub use recorder::{
    ConfigRecorder, ConfigRecorderBuilder, ConfigRecorderProps, DeliveryTarget, SnapshotFrequency,
    MAX_CONFIG_RETENTION_DAYS,
};
pub use rules::{
    services_judging, HipaaConfigRules, HipaaConfigRulesBuilder, HipaaConfigRulesProps,
    OPTIONAL_SERVICES, REQUIRED_SERVICES, RULE_SET_NAME,
};
pub use service_role::{
    is_service_linked_role, service_linked_role_arn, CONFIG_SERVICE_PRINCIPAL,
    SERVICE_LINKED_ROLE_NAME, SERVICE_LINKED_ROLE_PATH,
};
pub use state::{
    ConfigRuleState, ConfigRulesState, DeliveryChannelState, RecorderRole, RecorderState,
    RecordingGroupState, SERVICE_LINKED_ROLE_SETTING,
};

/// The region's AWS Config recorder with its delivery channel.
pub const CONFIG_RECORDER: ResourceKind = ResourceKind::construct(
    "AWS::Config::ConfigurationRecorder",
    "config recorder",
    "config-recorder",
);

/// A set of AWS Config rules.
pub const CONFIG_RULES: ResourceKind =
    ResourceKind::construct("AWS::Config::ConfigRule", "config rules", "config-rules");

use crate::controls::coverage::Evaluator;

/// The evaluators of this module and the controls each judges (see
/// [`crate::controls::coverage`]).
pub(crate) const EVALUATORS: &[Evaluator] = &[
    Evaluator {
        name: "constructs::config::recorder_absent",
        covers: checks::RECORDER_ABSENT_COVERS,
    },
    Evaluator {
        name: "constructs::config::evaluate_recorder",
        covers: checks::EVALUATE_RECORDER_COVERS,
    },
    Evaluator {
        name: "constructs::config::evaluate_rules",
        covers: checks::EVALUATE_RULES_COVERS,
    },
];

/// The types of this module most programs need; re-exported at the crate root and in
/// [`crate::prelude`].
pub mod prelude {
    pub use super::{ConfigRecorder, HipaaConfigRules, SnapshotFrequency};
}
