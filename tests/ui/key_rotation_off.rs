// There is no way to turn key rotation off.
use hipaa_aws::HipaaKey;

fn main() {
    let _ = HipaaKey::builder().alias("phi").rotation(false).build();
}
