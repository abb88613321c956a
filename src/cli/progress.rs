//! Progress on standard error, only when it is a terminal (never in pipes or
//! CI logs) and not silenced with `--quiet`.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::Duration;

/// A spinner with the phase, the count of incidents done and the rate.
pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// Shown when standard error is a terminal and `quiet` is off.
    pub fn new(quiet: bool) -> Self {
        let bar = if quiet || !std::io::stderr().is_terminal() {
            ProgressBar::hidden()
        } else {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} {msg}: {human_pos} done, {per_sec}, {elapsed}",
                )
                .expect("valid template"),
            );
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        };
        Progress { bar }
    }

    /// Names what is being done now.
    pub fn phase(&self, what: &'static str) {
        self.bar.set_message(what);
    }

    /// Counts `n` more incidents done.
    pub fn advance(&self, n: usize) {
        self.bar.inc(n as u64);
    }

    /// Removes the spinner.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
