// Rules belong to a group: leaving the group out does not compile.
use hipaa_aws::{Peer, Rule, SecurityGroupRules};

fn main() {
    let _ = SecurityGroupRules::builder()
        .ingress([Rule::tcp(443, Peer::cidr("10.0.0.0/16"))])
        .build();
}
