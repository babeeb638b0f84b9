//! A progress bar on standard error when a run takes more than a moment and someone is
//! watching; nothing at all otherwise (CI, pipes, tests, small runs).

use std::io::IsTerminal as _;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Below this many steps a run is over before a bar would help.
const WORTH_SHOWING: usize = 2_000;

/// A bar of `len` steps labelled `what`, hidden unless standard error is a terminal and the run
/// is long. Clear it with `finish_and_clear` when done.
pub(crate) fn bar(len: usize, what: &'static str) -> Bar {
    if len < WORTH_SHOWING || !std::io::stderr().is_terminal() {
        return Bar(None);
    }
    let bar = ProgressBar::with_draw_target(Some(len as u64), ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template(
        "{msg:>8} [{bar:30}] {human_pos}/{human_len} ({per_sec}, {eta} left)",
    )
    .expect("the template is valid")
    .progress_chars("=> ");
    bar.set_style(style);
    bar.set_message(what);
    Bar(Some(bar))
}

/// A progress bar, or nothing. A hidden `indicatif` bar still counts, and reads the clock at
/// every step: from every thread, once per seed, that was 2% of an incremental build of a
/// million articles.
pub(crate) struct Bar(Option<ProgressBar>);

impl Bar {
    /// Counts `steps` more done.
    pub(crate) fn inc(&self, steps: u64) {
        if let Some(bar) = &self.0 {
            bar.inc(steps);
        }
    }

    /// Takes the bar off the screen.
    pub(crate) fn finish_and_clear(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}
