// A Config recorder must name the log bucket its configuration history is delivered to
// (encrypted with that bucket's key).
use hipaa_aws::ConfigRecorder;

fn main() {
    let _ = ConfigRecorder::builder().retention_days(2557).build();
}
