// A security group can be marked for the public ingress tier only with the proof a VPC that
// asked for the tier hands out (`HipaaVpc::ingress_tier()`); it cannot be made by hand.
use hipaa_aws::construct::LogicalId;
use hipaa_aws::constructs::ec2::IngressTier;

fn main() {
    let _ = IngressTier {
        vpc: LogicalId::new("vpc", "prod"),
    };
}
