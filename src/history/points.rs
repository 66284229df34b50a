//! From per-commit changes and per-blob judgements to one point per commit.
//!
//! The counts are kept up to date as the walk's changes are replayed: a changed file takes its
//! old contribution away and adds its new one, so a commit costs what changed in it. When the
//! committed configuration changes, every file is judged again under the new one.

use rustc_hash::FxHashMap;
use std::collections::BTreeMap;
use std::path::Path;

use gix::ObjectId;

use super::GroupBy;
use super::blobs::{ConfigId, Judgement, Memo, PathClass, SiteTally};
use super::walk::{Change, CommitInfo, ConfigBook, is_scanned};

/// One commit of the walk with what changed in it.
#[derive(Debug)]
pub struct Step {
    pub commit: CommitInfo,
    pub changes: Vec<Change>,
    pub config: ConfigId,
    pub config_problem: Option<String>,
    /// Subtrees missing at this commit, by path.
    pub holes: Vec<(String, ObjectId)>,
    /// False for a commit walked only to measure `--from` against.
    pub is_point: bool,
}

/// The counts at one commit. Sites are the unsuppressed ones, as `scan`'s summary counts them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Point {
    pub commit: ObjectId,
    pub time: gix::date::Time,
    pub sites: usize,
    pub fixable: usize,
    pub suppressed: usize,
    /// Files with at least one site.
    pub files: usize,
    /// Python files scanned.
    pub python_files: usize,
    /// Files reported instead of scanned (binary, too large, not decodable, bad configuration).
    pub problems: usize,
    /// Objects missing from the repository (blobs and trees).
    pub missing: usize,
    pub by: BTreeMap<String, usize>,
}

/// A problem met at a commit, reported once for the first commit it appears at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub commit: ObjectId,
    pub path: String,
    pub message: String,
}

/// The points of the walk (and of the `--from` commit when it is not one of them).
#[derive(Debug, Default)]
pub struct Replayed {
    pub points: Vec<Point>,
    pub extra: Option<Point>,
    pub problems: Vec<Problem>,
}

#[derive(Debug, Default)]
struct Contribution {
    sites: i64,
    fixable: i64,
    suppressed: i64,
    has_sites: bool,
    problem: bool,
    missing: bool,
    groups: Vec<(u32, i64)>,
}

#[derive(Debug, Default)]
struct Totals {
    sites: i64,
    fixable: i64,
    suppressed: i64,
    files: i64,
    python_files: i64,
    problems: i64,
    missing: i64,
    groups: Vec<i64>,
}

impl Totals {
    fn apply(&mut self, c: &Contribution, sign: i64) {
        self.sites += sign * c.sites;
        self.fixable += sign * c.fixable;
        self.suppressed += sign * c.suppressed;
        self.files += sign * i64::from(c.has_sites);
        self.python_files += sign;
        self.problems += sign * i64::from(c.problem);
        self.missing += sign * i64::from(c.missing);
        for (group, count) in &c.groups {
            let group = *group as usize;
            if self.groups.len() <= group {
                self.groups.resize(group + 1, 0);
            }
            self.groups[group] += sign * count;
        }
    }
}

struct Replay<'a> {
    book: &'a ConfigBook,
    memo: &'a Memo,
    by: Option<GroupBy>,
    group_names: Vec<String>,
    group_index: FxHashMap<String, u32>,
    problems: Vec<Problem>,
    reported: rustc_hash::FxHashSet<(String, String)>,
}

impl Replay<'_> {
    fn group(&mut self, label: &str) -> u32 {
        if let Some(index) = self.group_index.get(label) {
            return *index;
        }
        let index = self.group_names.len() as u32;
        self.group_names.push(label.to_owned());
        self.group_index.insert(label.to_owned(), index);
        index
    }

    fn report(&mut self, commit: ObjectId, path: &str, message: &str) {
        if self.reported.insert((path.to_owned(), message.to_owned())) {
            self.problems.push(Problem {
                commit,
                path: path.to_owned(),
                message: message.to_owned(),
            });
        }
    }

    fn contribution(
        &mut self,
        commit: ObjectId,
        config_id: ConfigId,
        path: &str,
        blob: ObjectId,
    ) -> Contribution {
        let config = self.book.get(config_id);
        let class = PathClass::of(config, Path::new(path));
        let mut contribution = Contribution::default();
        match self.memo.judge(blob, config_id, config, &class) {
            Judgement::Sites(sites) => {
                let mut groups: Vec<(u32, i64)> = Vec::new();
                for site in sites.iter().filter(|s| !s.suppressed) {
                    contribution.sites += 1;
                    contribution.fixable += i64::from(site.fixable);
                    if let Some(by) = self.by {
                        let group = self.group(&group_label(by, site, path));
                        match groups.iter_mut().find(|(g, _)| *g == group) {
                            Some((_, count)) => *count += 1,
                            None => groups.push((group, 1)),
                        }
                    }
                }
                contribution.suppressed = sites.iter().filter(|s| s.suppressed).count() as i64;
                contribution.has_sites = contribution.sites > 0;
                contribution.groups = groups;
            }
            Judgement::Problem(message) => {
                contribution.problem = true;
                self.report(commit, path, &message);
            }
            Judgement::Missing(message) => {
                contribution.missing = true;
                self.report(commit, path, &message);
            }
        }
        contribution
    }
}

/// The label a site is counted under with `--by`.
pub fn group_label(by: GroupBy, site: &SiteTally, path: &str) -> String {
    match by {
        GroupBy::Area => site.area.as_str().to_owned(),
        GroupBy::IdType => site.id_type.as_str().to_owned(),
        GroupBy::Risk => site.risk.as_str().to_owned(),
        GroupBy::Phase => format!("phase {}", site.phase),
        GroupBy::Directory => match path.split_once('/') {
            Some((top, _)) => format!("{top}/"),
            None => "./".to_owned(),
        },
    }
}

/// Replays the steps, oldest first, into points.
pub fn replay(steps: &[Step], book: &ConfigBook, memo: &Memo, by: Option<GroupBy>) -> Replayed {
    let mut replay = Replay {
        book,
        memo,
        by,
        group_names: Vec::new(),
        group_index: FxHashMap::default(),
        problems: Vec::new(),
        reported: Default::default(),
    };
    let mut files: FxHashMap<String, ObjectId> = FxHashMap::default();
    let mut contributions: FxHashMap<String, Contribution> = FxHashMap::default();
    let mut totals = Totals::default();
    let mut config: Option<ConfigId> = None;
    let mut replayed = Replayed::default();
    for step in steps {
        let commit = step.commit.id;
        for change in &step.changes {
            match change.blob {
                Some(blob) => files.insert(change.path.clone(), blob),
                None => files.remove(&change.path),
            };
        }
        if config != Some(step.config) {
            config = Some(step.config);
            contributions.clear();
            totals = Totals::default();
            let scanned: Vec<(&String, &ObjectId)> = files
                .iter()
                .filter(|(path, _)| is_scanned(book.get(step.config), path))
                .collect();
            for (path, blob) in scanned {
                let c = replay.contribution(commit, step.config, path, *blob);
                totals.apply(&c, 1);
                contributions.insert(path.clone(), c);
            }
        } else {
            for change in &step.changes {
                if let Some(old) = contributions.remove(&change.path) {
                    totals.apply(&old, -1);
                }
                if let Some(blob) = change.blob
                    && is_scanned(book.get(step.config), &change.path)
                {
                    let c = replay.contribution(commit, step.config, &change.path, blob);
                    totals.apply(&c, 1);
                    contributions.insert(change.path.clone(), c);
                }
            }
        }
        if let Some(problem) = &step.config_problem {
            replay.report(commit, "(configuration)", problem);
        }
        for (path, tree) in &step.holes {
            let shown = if path.is_empty() { "." } else { path };
            replay.report(commit, shown, &format!("tree {tree} is missing"));
        }
        let by = totals
            .groups
            .iter()
            .enumerate()
            .filter(|(_, count)| **count != 0)
            .map(|(i, count)| (replay.group_names[i].clone(), *count as usize))
            .collect();
        let point = Point {
            commit,
            time: step.commit.time,
            sites: totals.sites as usize,
            fixable: totals.fixable as usize,
            suppressed: totals.suppressed as usize,
            files: totals.files as usize,
            python_files: totals.python_files as usize,
            problems: totals.problems as usize + usize::from(step.config_problem.is_some()),
            missing: totals.missing as usize + step.holes.len(),
            by,
        };
        if step.is_point {
            replayed.points.push(point);
        } else {
            replayed.extra = Some(point);
        }
    }
    replayed.problems = replay.problems;
    replayed
}
