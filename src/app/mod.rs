//! The commands: each loads its configuration, runs the pipeline, writes its report to the
//! stdout it is given and returns what to say on stderr and how the process ends. The exit rule
//! lives here, once.

mod baseline;
mod progress;
mod rewrite;
mod scan;

use std::io::Write;

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

/// What a command wants said on stderr, and how the process ends (its report is already
/// written to stdout).
#[derive(Debug)]
pub struct Output {
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
            stderr: format!("error: {message}\n"),
            exit: Exit::Error,
        }
    }
}

/// Runs a command; its report goes to `stdout` as it is rendered.
pub fn run(command: Command, stdout: &mut dyn Write) -> Output {
    let outcome = match command {
        Command::Scan(args) => scan::command(args, stdout),
        Command::Baseline(args) => baseline::command(args),
        Command::Rewrite(args) => rewrite::command(args, stdout),
        Command::Progress(args) => progress::command(args, stdout),
        Command::Completions { shell } => completions(shell, stdout),
    };
    outcome.unwrap_or_else(|err| Output::error(format!("{err:#}")))
}

fn completions(shell: clap_complete::Shell, stdout: &mut dyn Write) -> anyhow::Result<Output> {
    let mut command = <crate::cli::Cli as clap::CommandFactory>::command();
    let mut buffer = Vec::new();
    clap_complete::generate(shell, &mut command, "uuid-migrate", &mut buffer);
    to_stdout(stdout.write_all(&buffer))?;
    Ok(Output {
        stderr: String::new(),
        exit: Exit::Clean,
    })
}

/// A report written as it is rendered: to `--output FILE` (atomically, then said on stderr
/// unless `announce` is off: `--quiet`), or to stdout.
fn deliver(
    render: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    output: Option<&std::path::Path>,
    announce: bool,
    stderr: &mut String,
    stdout: &mut dyn Write,
) -> anyhow::Result<()> {
    match output {
        Some(path) => {
            crate::util::fs::write_atomically_with(path, render)?;
            if announce {
                stderr.push_str(&format!("wrote {}\n", path.display()));
            }
            Ok(())
        }
        None => to_stdout(render(stdout)),
    }
}

/// The outcome of writing to stdout: a closed pipe (`| head`) is a normal end, not an error.
fn to_stdout(written: std::io::Result<()>) -> anyhow::Result<()> {
    match written {
        Err(err) if err.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(anyhow::anyhow!("cannot write to stdout: {err}"))
        }
        _ => Ok(()),
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
