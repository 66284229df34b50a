//! A progress bar on stderr for long runs, drawn only when stderr is a terminal.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::pipeline::Progress;

/// An indicatif bar that clears itself when the scan ends.
pub struct TerminalProgress {
    bar: ProgressBar,
}

impl TerminalProgress {
    /// `None` when stderr is not a terminal: CI logs and pipes stay clean.
    pub fn new() -> Option<TerminalProgress> {
        use std::io::IsTerminal;
        if !std::io::stderr().is_terminal() {
            return None;
        }
        // The walk and the scan overlap, so the total is not known: a spinner and a count.
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr_with_hz(8));
        bar.set_style(
            ProgressStyle::with_template("{spinner} scanning: {human_pos} files done")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        Some(TerminalProgress { bar })
    }
}

impl Progress for TerminalProgress {
    fn file_done(&self) {
        self.bar.inc(1);
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
