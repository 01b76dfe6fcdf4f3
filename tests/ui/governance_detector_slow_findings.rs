// GuardDuty publishes findings every 15 minutes with S3 Protection on: there is no setter to
// slow the findings down or to turn S3 Protection off.
use hipaa_aws::ThreatDetection;

fn main() {
    let _ = ThreatDetection::builder()
        .finding_publishing_frequency("SIX_HOURS")
        .s3_protection(false)
        .build();
}
