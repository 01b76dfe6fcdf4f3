//! Audit progress on stderr: a spinner on a terminal, a plain line every
//! [`PLAIN_EVERY`] resources otherwise (CI logs).

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::audit::Audit;
use crate::stack::{Event, ResourceStatus};

use super::console::Console;

/// How many resources between two plain progress lines.
pub(crate) const PLAIN_EVERY: u64 = 25;

/// Follows the audit's events until it finishes.
pub(crate) fn show(audit: &Audit, console: &Console) -> tokio::task::JoinHandle<()> {
    let mut events = audit.subscribe();
    let console = console.clone();
    tokio::spawn(async move {
        let bar = console.is_terminal().then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{spinner} {pos} resources judged, {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar
        });
        let (mut judged, mut failing) = (0_u64, 0_u64);
        while let Ok(event) = events.recv().await {
            match event {
                Event::Resource {
                    status: ResourceStatus::Verified { failed, .. },
                    ..
                } => {
                    judged += 1;
                    failing += u64::from(failed > 0);
                    match &bar {
                        Some(bar) => {
                            bar.inc(1);
                            bar.set_message(format!("{failing} with failures"));
                        }
                        None if judged % PLAIN_EVERY == 0 => console.err(&format!(
                            "progress: {judged} resources judged, {failing} with failures"
                        )),
                        None => {}
                    }
                }
                Event::Finished { elapsed, .. } => {
                    let message = format!(
                        "{judged} resources judged, {failing} with failures, in {:.1}s",
                        elapsed.as_secs_f64()
                    );
                    match &bar {
                        Some(bar) => bar.finish_with_message(message),
                        None => console.err(&format!("progress: {message}")),
                    }
                    return;
                }
                _ => {}
            }
        }
    })
}
