// There is no way to turn EBS encryption by default off.
use hipaa_aws::{EbsEncryptionByDefault, HipaaKey};

fn main() {
    let key = HipaaKey::builder().alias("ebs").build().unwrap();
    let _ = EbsEncryptionByDefault::builder().key(&key).enabled(false).build();
}
