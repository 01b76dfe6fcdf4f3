// A security group rule names one protocol: "all protocols" cannot be written.
use hipaa_aws::{Peer, Protocol, Rule};

fn main() {
    let _ = Rule {
        protocol: Protocol::All,
        from_port: 0,
        to_port: 65535,
        peer: Peer::cidr("10.0.0.0/16"),
        description: None,
    };
}
