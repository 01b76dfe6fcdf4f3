//! SDK calls for AWS Config: the recorder with its delivery channel (`recorder`), and the
//! managed rules of the HIPAA pack (`rules`). The `read_*` readers work on any account.

pub(super) mod recorder;
pub(super) mod rules;

pub use recorder::read_recorder;
pub use rules::read_config_rules;
