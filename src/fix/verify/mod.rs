//! Verified waves (`rewrite --write --verify CMD`): check that `CMD` passes before anything
//! changes, write the wave in batches and run `CMD` after each, keep what passes, and bisect a
//! failing batch down to the files whose rewrite breaks it: those are put back byte for byte and
//! reported with the failing output's tail; the rest of the batch stays written.
//!
//! Bisection treats the culprits as independent (a set of files fails when it holds one): a
//! failing set is split in halves; a half that passes is kept, and when the first half passes the
//! second is known to fail without running `CMD` again. `k` culprits among `n` files cost about
//! `k·log2(n)` runs (at most twice that), not `n`.
//!
//! Safety: files with uncommitted changes in git are refused (unless `allow_dirty`); a file is
//! written only while it holds the bytes expected (`write_back`); before a batch is written its
//! files are saved in a journal (`journal`), so a killed run is repaired by the next one.

mod git;
mod journal;
pub mod render;
mod session;
mod shell;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde::Serialize;

pub use journal::{NAME as JOURNAL_NAME, Recovery, recover};
use session::Session;

/// One file of the wave: where it is, and its bytes before and after the rewrite.
#[derive(Debug, Clone)]
pub struct Change {
    pub path: PathBuf,
    pub display: String,
    pub original: Vec<u8>,
    pub rewritten: Vec<u8>,
    pub sites: usize,
}

#[derive(Debug, Clone)]
pub struct VerifyOptions {
    /// Run with `sh -c`.
    pub command: String,
    /// Files per batch; `None`: one batch per top-level directory, split when large.
    pub batch_size: Option<usize>,
    pub timeout: Duration,
    pub allow_dirty: bool,
    /// Where `CMD` runs and the journal is kept: the current directory.
    pub root: PathBuf,
}

/// How one run of `CMD` ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum Ending {
    Passed,
    /// `code` is `None` when a signal ended it.
    Failed {
        code: Option<i32>,
    },
    TimedOut {
        seconds: u64,
    },
}

impl Ending {
    pub fn describe(&self) -> String {
        match self {
            Ending::Passed => "passed".to_owned(),
            Ending::Failed { code: Some(code) } => format!("failed (exit status {code})"),
            Ending::Failed { code: None } => "failed (killed by a signal)".to_owned(),
            Ending::TimedOut { seconds } => format!("timed out after {seconds} s"),
        }
    }
}

/// Why `CMD` was run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// Before anything changed: the suite must be green first.
    Before,
    /// A whole batch.
    Batch,
    /// Part of a failing batch.
    Bisect,
    /// The final tree, when no earlier run saw exactly it.
    Final,
}

/// One run of `CMD`.
#[derive(Debug, Clone, Serialize)]
pub struct Run {
    pub purpose: Purpose,
    /// Files written on top of the last green state for this run.
    pub files: usize,
    #[serde(flatten)]
    pub ending: Ending,
    #[serde(serialize_with = "seconds")]
    pub elapsed: Duration,
}

/// A failing run of `CMD`: how it ended and its output's last lines.
#[derive(Debug, Clone, Serialize)]
pub struct Failure {
    #[serde(flatten)]
    pub ending: Ending,
    pub output_tail: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Applied {
    pub path: String,
    pub sites: usize,
    /// 1-based.
    pub batch: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Reverted {
    pub path: String,
    pub sites: usize,
    pub batch: usize,
    /// The run that failed with exactly this file on top of a green tree.
    pub failure: Failure,
}

/// A file of the wave that was not tried.
#[derive(Debug, Clone, Serialize)]
pub struct Refused {
    pub path: String,
    pub why: String,
}

/// Why the run stopped before the end.
#[derive(Debug, Clone, Serialize)]
pub struct Stop {
    pub why: String,
    pub failure: Option<Failure>,
}

/// Everything a verified run did.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    pub command: String,
    /// What was repaired of an interrupted run before this one started.
    pub recovered: Option<Recovery>,
    pub batches: usize,
    pub applied: Vec<Applied>,
    pub reverted: Vec<Reverted>,
    pub refused: Vec<Refused>,
    pub runs: Vec<Run>,
    #[serde(serialize_with = "seconds")]
    pub elapsed: Duration,
    pub stopped: Option<Stop>,
}

fn seconds<S: serde::Serializer>(duration: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_f64((duration.as_secs_f64() * 1000.0).round() / 1000.0)
}

impl VerifyReport {
    pub fn sites_applied(&self) -> usize {
        self.applied.iter().map(|a| a.sites).sum()
    }

    /// Time spent in `CMD`.
    pub fn command_time(&self) -> Duration {
        self.runs.iter().map(|r| r.elapsed).sum()
    }

    /// Whether the run ended in an error: it stopped early, or refused a file.
    pub fn has_errors(&self) -> bool {
        self.stopped.is_some() || !self.refused.is_empty()
    }
}

/// Why a run cannot go on.
#[derive(Debug, Clone)]
pub enum Halt {
    /// Ctrl-C or SIGTERM.
    Interrupted,
    Io(String),
}

impl Halt {
    fn describe(&self) -> String {
        match self {
            Halt::Interrupted => "interrupted".to_owned(),
            Halt::Io(message) => message.clone(),
        }
    }
}

/// A file of the wave as the run tracks it.
struct WaveFile {
    change: Change,
    /// The path written (symbolic links resolved once, up front).
    target: PathBuf,
    written: bool,
}

/// Verifies the wave `changes` (sorted by path) with `options.command`. `progress` gets one line
/// per step as it happens.
pub fn verify(
    changes: Vec<Change>,
    options: &VerifyOptions,
    progress: &dyn Fn(&str),
) -> VerifyReport {
    let started = Instant::now();
    let mut report = VerifyReport {
        command: options.command.clone(),
        recovered: None,
        batches: 0,
        applied: Vec::new(),
        reverted: Vec::new(),
        refused: Vec::new(),
        runs: Vec::new(),
        elapsed: Duration::ZERO,
        stopped: None,
    };
    let files = admit(changes, options, &mut report.refused);
    if files.is_empty() {
        report.elapsed = started.elapsed();
        return report;
    }
    let _interrupts = shell::InterruptGuard::install();
    let mut session = Session {
        options,
        files,
        report,
        progress,
        green: None,
    };
    if let Err(stop) = session.run_all() {
        session.report.stopped = Some(stop);
    }
    let mut report = session.report;
    report.elapsed = started.elapsed();
    report
}

/// The files of the wave that may be written, their symbolic links resolved; the others go to
/// `refused` (a path that cannot be resolved, uncommitted changes in git).
fn admit(
    changes: Vec<Change>,
    options: &VerifyOptions,
    refused: &mut Vec<Refused>,
) -> Vec<WaveFile> {
    let dirty = if options.allow_dirty {
        None
    } else {
        git::uncommitted(&options.root)
    };
    let mut files = Vec::new();
    for change in changes {
        let target = match std::fs::canonicalize(&change.path) {
            Ok(target) => target,
            Err(e) => {
                refused.push(Refused {
                    path: change.display,
                    why: format!("cannot resolve: {e}"),
                });
                continue;
            }
        };
        if dirty.as_ref().is_some_and(|d| d.contains(&target)) {
            refused.push(Refused {
                path: change.display,
                why:
                    "uncommitted changes in git: commit or stash them first, or pass --allow-dirty"
                        .to_owned(),
            });
            continue;
        }
        files.push(WaveFile {
            change,
            target,
            written: false,
        });
    }
    files
}
