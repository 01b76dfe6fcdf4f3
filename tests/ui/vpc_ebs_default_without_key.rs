// EBS encryption by default needs the customer-managed key new volumes are encrypted with.
use hipaa_aws::EbsEncryptionByDefault;

fn main() {
    let _ = EbsEncryptionByDefault::builder().build();
}
