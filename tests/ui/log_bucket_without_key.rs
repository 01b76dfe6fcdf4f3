// Logs are encrypted too: a log bucket without a key does not compile.
use hipaa_aws::LogBucket;

fn main() {
    let _ = LogBucket::builder().name("acme-logs").build();
}
