// The lifecycle trait and the context it runs in cannot be named outside the library.
use hipaa_aws::construct::{Ctx, Lifecycle};

fn main() {}
