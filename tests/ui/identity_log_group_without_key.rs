// A log group must name the key that encrypts it.
use hipaa_aws::EncryptedLogGroup;

fn main() {
    let _ = EncryptedLogGroup::builder().name("/acme/app").build();
}
