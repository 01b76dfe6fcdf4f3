// A crate outside the library cannot implement `Construct`: the trait is sealed, so no type of
// its own can join a stack as a library construct (resources of your own use CustomConstruct).
use hipaa_aws::construct::{LogicalId, ResourceKind, Scope};
use hipaa_aws::constructs::kms::KeyState;
use hipaa_aws::{Check, Construct};

#[derive(Debug)]
struct Leaky {
    id: LogicalId,
}

impl Construct for Leaky {
    type State = KeyState;

    fn id(&self) -> &LogicalId {
        &self.id
    }

    fn kind(&self) -> ResourceKind {
        ResourceKind::KMS_KEY
    }

    fn name(&self) -> &str {
        "leaky"
    }

    fn dependencies(&self) -> Vec<LogicalId> {
        Vec::new()
    }

    fn desired(&self, _scope: &Scope<'_>) -> KeyState {
        unimplemented!()
    }

    fn evaluate(&self, _state: &KeyState) -> Vec<Check> {
        Vec::new()
    }
}

fn main() {}
