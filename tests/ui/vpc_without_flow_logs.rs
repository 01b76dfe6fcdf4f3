// A VPC must send flow logs of all its traffic somewhere: leaving the destination out does
// not compile.
use hipaa_aws::HipaaVpc;

fn main() {
    let _ = HipaaVpc::builder().name("prod").cidr("10.20.0.0/16").build();
}
