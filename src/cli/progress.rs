//! Progress on standard error, only when it is a terminal (never in pipes or
//! CI logs) and not silenced with `--quiet`.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A spinner with the phase, the count of incidents done and the rate.
///
/// With `IMPACTMAP_TIMINGS` set in the environment, each phase's wall time
/// also goes to standard error when the phase ends (for benchmarks).
pub struct Progress {
    bar: ProgressBar,
    timings: Option<Mutex<Option<(&'static str, Instant)>>>,
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
        let timings = std::env::var_os("IMPACTMAP_TIMINGS").map(|_| Mutex::new(None));
        Progress { bar, timings }
    }

    /// Names what is being done now.
    pub fn phase(&self, what: &'static str) {
        self.bar.set_message(what);
        self.end_phase(Some(what));
    }

    /// Reports the phase that ends now, if timings are on, and starts `next`.
    fn end_phase(&self, next: Option<&'static str>) {
        let Some(timings) = &self.timings else { return };
        let mut current = timings.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((what, since)) = current.take() {
            eprintln!("timing: {what}: {:.3} s", since.elapsed().as_secs_f64());
        }
        *current = next.map(|n| (n, Instant::now()));
    }

    /// Counts `n` more incidents done.
    pub fn advance(&self, n: usize) {
        self.bar.inc(n as u64);
    }

    /// Removes the spinner.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
        self.end_phase(None);
    }
}
