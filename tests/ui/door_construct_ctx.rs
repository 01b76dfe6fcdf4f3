// A context for a construct's lifecycle cannot be made outside the library, even from a real
// environment and scope.
use hipaa_aws::construct::Scope;
use hipaa_aws::Environment;

fn build(env: &Environment) {
    let _ = hipaa_aws::construct::Ctx {
        env,
        scope: Scope::for_build(),
    };
}

fn main() {}
