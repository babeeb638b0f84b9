//! A progress bar on standard error when a run takes more than a moment and someone is
//! watching; nothing at all otherwise (CI, pipes, tests, small runs).

use std::io::IsTerminal as _;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Below this many steps a run is over before a bar would help.
const WORTH_SHOWING: usize = 2_000;

/// A bar of `len` steps labelled `what`, hidden unless standard error is a terminal and the run
/// is long. Clear it with `finish_and_clear` when done.
pub(crate) fn bar(len: usize, what: &'static str) -> ProgressBar {
    if len < WORTH_SHOWING || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len as u64), ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template(
        "{msg:>8} [{bar:30}] {human_pos}/{human_len} ({per_sec}, {eta} left)",
    )
    .expect("the template is valid")
    .progress_chars("=> ");
    bar.set_style(style);
    bar.set_message(what);
    bar
}
