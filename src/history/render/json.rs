//! The progress as JSON: every point, the reference and the problems.

use serde::Serialize;
use std::collections::BTreeMap;

use super::{date, group_by_name, rounded};
use crate::history::Progress;
use crate::history::blobs::BlobStats;

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    revision: &'a str,
    first_parent: bool,
    by: Option<String>,
    /// The percentage done at the last point.
    done_percent: Option<f64>,
    reference: Option<JsonReference>,
    points: Vec<JsonPoint>,
    problems: Vec<JsonProblem<'a>>,
    stats: BlobStats,
}

#[derive(Serialize)]
struct JsonReference {
    commit: String,
    date: String,
    sites: usize,
    /// `from` when named with `--from`, `highest` otherwise.
    kind: &'static str,
}

#[derive(Serialize)]
struct JsonPoint {
    commit: String,
    date: String,
    sites: usize,
    fixable: usize,
    files: usize,
    python_files: usize,
    suppressed: usize,
    problems: usize,
    missing: usize,
    done_percent: Option<f64>,
    by: BTreeMap<String, usize>,
}

#[derive(Serialize)]
struct JsonProblem<'a> {
    commit: String,
    path: &'a str,
    message: &'a str,
}

/// `{"version": 1, "points": [...], ...}`.
pub fn json(progress: &Progress) -> String {
    let groups = progress.groups();
    let report = JsonReport {
        version: 1,
        revision: &progress.revision,
        first_parent: progress.first_parent,
        by: group_by_name(progress),
        done_percent: rounded(
            progress
                .points
                .last()
                .and_then(|p| progress.done_percent(p)),
        ),
        reference: progress.reference.as_ref().map(|r| JsonReference {
            commit: r.commit.to_string(),
            date: date(r, true),
            sites: r.sites,
            kind: if progress.reference_named {
                "from"
            } else {
                "highest"
            },
        }),
        points: progress
            .points
            .iter()
            .map(|p| JsonPoint {
                commit: p.commit.to_string(),
                date: date(p, true),
                sites: p.sites,
                fixable: p.fixable,
                files: p.files,
                python_files: p.python_files,
                suppressed: p.suppressed,
                problems: p.problems,
                missing: p.missing,
                done_percent: rounded(progress.done_percent(p)),
                by: groups
                    .iter()
                    .map(|g| (g.clone(), p.by.get(g).copied().unwrap_or(0)))
                    .collect(),
            })
            .collect(),
        problems: progress
            .problems
            .iter()
            .map(|p| JsonProblem {
                commit: p.commit.to_string(),
                path: &p.path,
                message: &p.message,
            })
            .collect(),
        stats: progress.stats,
    };
    let mut out = serde_json::to_string_pretty(&report).unwrap_or_default();
    out.push('\n');
    out
}
