// There is no way to trust everyone.
use hipaa_aws::Trust;

fn main() {
    let _ = Trust::everyone();
}
