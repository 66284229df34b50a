//! The commands: each loads its configuration, runs the pipeline and returns what to print and
//! how the process ends; `main` prints it. The exit rule lives here, once.

mod baseline;
mod progress;
mod rewrite;
mod scan;

use crate::cli::{Command, WalkArgs};
use crate::config::Configs;
use crate::pipeline::{Progress, ScanOptions, ScanResult, scan};
use crate::report::progress::TerminalProgress;

/// The process exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Nothing to report (or nothing new against the baseline).
    Clean = 0,
    /// Violations, or changes under `--check`.
    Violations = 1,
    /// Usage, configuration or I/O error.
    Error = 2,
}

/// What a command wants printed, and how the process ends.
#[derive(Debug)]
pub struct Output {
    /// Bytes, not text: a diff of a legacy-encoded file is not UTF-8.
    pub stdout: Vec<u8>,
    pub stderr: String,
    pub exit: Exit,
}

/// What violations do to the exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnViolations {
    /// They fail the run (exit 1).
    Fail,
    /// `--exit-zero`: they are reported, and the run still succeeds.
    Succeed,
}

impl Exit {
    /// The exit status when violations fail the run (see `Exit::decide`).
    pub fn of(errors: bool, violations: bool) -> Exit {
        Exit::decide(errors, violations, OnViolations::Fail)
    }

    /// The one exit rule: any error is 2, else any violation (a new site, a change under
    /// `--check`) is 1 unless `--exit-zero` says violations succeed, else 0.
    pub fn decide(errors: bool, violations: bool, on_violations: OnViolations) -> Exit {
        if errors {
            Exit::Error
        } else if violations && on_violations == OnViolations::Fail {
            Exit::Violations
        } else {
            Exit::Clean
        }
    }
}

impl Output {
    fn error(message: impl std::fmt::Display) -> Output {
        Output {
            stdout: Vec::new(),
            stderr: format!("error: {message}\n"),
            exit: Exit::Error,
        }
    }
}

pub fn run(command: Command) -> Output {
    let outcome = match command {
        Command::Scan(args) => scan::command(args),
        Command::Baseline(args) => baseline::command(args),
        Command::Rewrite(args) => rewrite::command(args),
        Command::Progress(args) => progress::command(args),
        Command::Completions { shell } => Ok(completions(shell)),
    };
    outcome.unwrap_or_else(|err| Output::error(format!("{err:#}")))
}

fn completions(shell: clap_complete::Shell) -> Output {
    let mut command = <crate::cli::Cli as clap::CommandFactory>::command();
    let mut buffer = Vec::new();
    clap_complete::generate(shell, &mut command, "uuid-migrate", &mut buffer);
    Output {
        stdout: buffer,
        stderr: String::new(),
        exit: Exit::Clean,
    }
}

/// A rendered report for stdout, or written to `--output FILE` (atomically), then said on
/// stderr unless `announce` is off (`--quiet`).
fn deliver(
    rendered: String,
    output: Option<&std::path::Path>,
    announce: bool,
    stderr: &mut String,
) -> anyhow::Result<Vec<u8>> {
    match output {
        Some(path) => {
            crate::util::fs::write_atomically(path, rendered.as_bytes())?;
            if announce {
                stderr.push_str(&format!("wrote {}\n", path.display()));
            }
            Ok(Vec::new())
        }
        None => Ok(rendered.into_bytes()),
    }
}

/// Runs the pipeline over the paths of a command.
/// A progress bar is drawn on stderr when it is a terminal.
pub fn run_scan(walk: &WalkArgs, configs: &Configs) -> ScanResult {
    let progress = TerminalProgress::new();
    let options = ScanOptions {
        progress: progress.as_ref().map(|p| p as &dyn Progress),
        ..crate::cli::resolve::scan_options(walk)
    };
    scan(&crate::cli::resolve::paths_of(walk), configs, options)
}
