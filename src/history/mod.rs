//! `progress`: migration progress over git history.
//!
//! Reads the repository's objects directly with gitoxide (no checkout, no `git` process):
//! 1. `walk`: the commits, oldest first; each commit's Python files as changes from the
//!    previous commit (trees compared by id, so unchanged subtrees cost nothing), and the
//!    configuration committed at it;
//! 2. `blobs`: every distinct blob judged once, in parallel, with `scan`'s own analysis, and
//!    kept in a persistent per-blob cache (`cache`);
//! 3. `points`: the changes replayed into counts per commit;
//! 4. `render` and `chart`: a table, JSON, CSV, an SVG burn-down chart, or an HTML page.

pub mod blobs;
pub mod cache;
pub mod chart;
pub mod points;
pub mod render;
pub mod walk;

use std::path::{Path, PathBuf};

use gix::ObjectId;

use blobs::{BlobStats, Memo, PathClass, Requests};
use cache::BlobCache;
use points::{Point, Problem, Step};
use walk::{ConfigBook, Snapshot, TreeReader, is_scanned};

/// What the counts are broken down by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    Area,
    Directory,
    IdType,
    Risk,
    Phase,
}

impl GroupBy {
    /// The name `--by` takes.
    pub fn as_str(self) -> &'static str {
        match self {
            GroupBy::Area => "area",
            GroupBy::Directory => "directory",
            GroupBy::IdType => "id-type",
            GroupBy::Risk => "risk",
            GroupBy::Phase => "phase",
        }
    }
}

/// What `progress` is asked: the commits to walk and how to count them.
#[derive(Debug, Clone)]
pub struct Request {
    /// A work tree or bare repository; found from the current directory when `None`.
    pub repo: Option<PathBuf>,
    pub revision: String,
    pub first_parent: bool,
    /// `YYYY-MM-DD` or RFC 3339.
    pub since: Option<String>,
    pub until: Option<String>,
    /// The revision the percentage done is measured against.
    pub from: Option<String>,
    pub by: Option<GroupBy>,
    pub cache_dir: Option<PathBuf>,
    pub no_cache: bool,
}

/// The counts, and what went wrong on the way without stopping the run.
#[derive(Debug)]
pub struct Outcome {
    pub progress: Progress,
    pub warnings: Vec<String>,
}

/// Everything the renderers show.
#[derive(Debug)]
pub struct Progress {
    /// The revision asked for, as given.
    pub revision: String,
    pub first_parent: bool,
    pub by: Option<GroupBy>,
    /// Oldest first.
    pub points: Vec<Point>,
    /// The point the percentage done is measured against.
    pub reference: Option<Point>,
    /// Whether the reference was named with `--from` (otherwise: the highest point).
    pub reference_named: bool,
    pub problems: Vec<Problem>,
    pub stats: BlobStats,
}

impl Progress {
    /// The percentage of the reference's sites gone at `point`; `None` before the reference
    /// (nothing was being migrated yet) or when the reference has no site.
    pub fn done_percent(&self, point: &Point) -> Option<f64> {
        let reference = self.reference.as_ref()?;
        if point.time.seconds < reference.time.seconds || reference.sites == 0 {
            return None;
        }
        let sites = reference.sites as f64;
        Some((sites - point.sites as f64) * 100.0 / sites)
    }

    /// Every group label met, in order.
    pub fn groups(&self) -> Vec<String> {
        let mut groups: Vec<String> = self
            .points
            .iter()
            .flat_map(|p| p.by.keys().cloned())
            .collect();
        groups.sort();
        groups.dedup();
        groups
    }
}

/// Walks the commits asked for and counts the sites at each.
pub fn compute(args: &Request) -> anyhow::Result<Outcome> {
    let repo = open(args.repo.as_deref())?;
    let range = Range::select(&repo, args)?;

    // 1. The walk: what changed at each commit, and what must be judged.
    let walked = walk_steps(&repo, range.extra, range.selected);

    // 2. Every distinct blob judged once, from the cache when it knows.
    let mut warnings = Vec::new();
    let mut cache = (!args.no_cache).then(|| {
        let dir = args
            .cache_dir
            .clone()
            .unwrap_or_else(|| repo.common_dir().join("uuid-migrate"));
        BlobCache::open(&dir)
    });
    let (memo, stats) = Memo::resolve(&repo, &walked.book.entries, walked.requests, cache.as_mut());
    if let Some(cache) = cache
        && let Err(message) = cache.save()
    {
        warnings.push(message);
    }

    // 3. The counts per commit.
    let replayed = points::replay(&walked.steps, &walked.book, &memo, args.by);
    let (reference, reference_named) = reference(range.from, &replayed);
    let progress = Progress {
        revision: args.revision.clone(),
        first_parent: args.first_parent,
        by: args.by,
        points: replayed.points,
        reference,
        reference_named,
        problems: replayed.problems,
        stats,
    };
    let warnings = range
        .stopped
        .into_iter()
        .chain(progress.problems.iter().map(|problem| {
            format!(
                "{}: {} (first at commit {})",
                problem.path,
                problem.message,
                short(&problem.commit)
            )
        }))
        .chain(warnings)
        .collect();
    Ok(Outcome { progress, warnings })
}

/// The repository at `dir` (or found from the current directory), with its object caches.
fn open(dir: Option<&Path>) -> anyhow::Result<gix::Repository> {
    let dir = dir.unwrap_or(Path::new("."));
    let mut repo = gix::discover(dir)
        .map_err(|e| anyhow::anyhow!("{}: not a git repository: {e}", dir.display()))?;
    repo.object_cache_size_if_unset(16 * 1024 * 1024);
    blobs::use_pack_cache(&mut repo);
    Ok(repo)
}

/// The commits asked for.
struct Range {
    /// The commits in the dates asked for, oldest first.
    selected: Vec<walk::CommitInfo>,
    /// The `--from` commit, when it is not among them (walked first, not a point).
    extra: Option<walk::CommitInfo>,
    from: Option<ObjectId>,
    /// Why the walk stopped early, if it did.
    stopped: Option<String>,
}

impl Range {
    fn select(repo: &gix::Repository, args: &Request) -> anyhow::Result<Range> {
        let tip = resolve(repo, &args.revision)?;
        let since = date_option(args.since.as_deref(), false, "--since")?;
        let until = date_option(args.until.as_deref(), true, "--until")?;
        let (commits, stopped) = walk::commits(repo, tip, args.first_parent)?;
        let selected: Vec<walk::CommitInfo> = commits
            .into_iter()
            .filter(|c| since.is_none_or(|s| c.time.seconds >= s))
            .filter(|c| until.is_none_or(|u| c.time.seconds <= u))
            .collect();
        if selected.is_empty() {
            anyhow::bail!("no commits of {} in the range asked for", args.revision);
        }
        let from = args
            .from
            .as_deref()
            .map(|spec| resolve(repo, spec))
            .transpose()?;
        let extra = match from {
            Some(id) if !selected.iter().any(|c| c.id == id) => {
                Some(walk::commit_info(repo, id).map_err(|e| anyhow::anyhow!("--from: {e}"))?)
            }
            _ => None,
        };
        Ok(Range {
            selected,
            extra,
            from,
            stopped,
        })
    }
}

/// The steps of the walk, the configurations met, and the blobs to judge.
struct Walked {
    steps: Vec<Step>,
    book: ConfigBook,
    requests: Requests,
}

/// Walks `extra` then `selected`: each commit's changes and configuration, and the blobs a
/// count needs (every scanned file when the configuration changes, else the changed ones).
fn walk_steps(
    repo: &gix::Repository,
    extra: Option<walk::CommitInfo>,
    selected: Vec<walk::CommitInfo>,
) -> Walked {
    let mut reader = TreeReader::new(repo);
    let mut snapshot = Snapshot::default();
    let mut book = ConfigBook::default();
    let mut requests = Requests::default();
    let mut steps = Vec::with_capacity(selected.len() + 1);
    let mut config = None;
    let walked = extra
        .into_iter()
        .map(|c| (c, false))
        .chain(selected.into_iter().map(|c| (c, true)));
    for (commit, is_point) in walked {
        let changes = reader.advance(&mut snapshot, commit.tree);
        let (config_id, config_problem) = book.at(&mut reader, commit.tree);
        let settings = book.get(config_id);
        let mut need = |path: &str, blob: ObjectId| {
            if is_scanned(settings, path) {
                requests.add(
                    blob,
                    config_id,
                    PathClass::of(settings, Path::new(path)),
                    path,
                );
            }
        };
        if config != Some(config_id) {
            for (path, blob) in &snapshot.files {
                need(path, *blob);
            }
        } else {
            for change in &changes {
                if let Some(blob) = change.blob {
                    need(&change.path, blob);
                }
            }
        }
        config = Some(config_id);
        let mut holes: Vec<(String, ObjectId)> = snapshot
            .holes
            .iter()
            .map(|(p, t)| (p.clone(), *t))
            .collect();
        holes.sort();
        steps.push(Step {
            commit,
            changes,
            config: config_id,
            config_problem,
            holes,
            is_point,
        });
    }
    Walked {
        steps,
        book,
        requests,
    }
}

/// The point the percentage done is measured against, and whether `--from` named it: the
/// `--from` commit, else the highest point (the latest of equals).
fn reference(from: Option<ObjectId>, replayed: &points::Replayed) -> (Option<Point>, bool) {
    match (from, &replayed.extra) {
        (Some(_), Some(extra)) => (Some(extra.clone()), true),
        (Some(id), None) => (
            replayed.points.iter().find(|p| p.commit == id).cloned(),
            true,
        ),
        (None, _) => (
            replayed
                .points
                .iter()
                .max_by_key(|p| (p.sites, std::cmp::Reverse(p.time.seconds)))
                .cloned(),
            false,
        ),
    }
}

/// A revision as git names it (`HEAD`, a branch, `main~3`, a hash), peeled to a commit.
fn resolve(repo: &gix::Repository, spec: &str) -> anyhow::Result<ObjectId> {
    let id = repo
        .rev_parse_single(spec)
        .map_err(|e| anyhow::anyhow!("{spec}: not a revision: {e}"))?;
    let object = id
        .object()
        .map_err(|e| anyhow::anyhow!("{spec}: cannot be read: {e}"))?;
    let commit = object
        .peel_to_commit()
        .map_err(|e| anyhow::anyhow!("{spec}: not a commit: {e}"))?;
    Ok(commit.id)
}

/// Seven hex digits, as git abbreviates.
pub fn short(id: &ObjectId) -> String {
    id.to_hex_with_len(7).to_string()
}

/// `--since` or `--until` (named `flag` in an error), read by `parse_date`.
fn date_option(text: Option<&str>, end_of_day: bool, flag: &str) -> anyhow::Result<Option<i64>> {
    text.map(|d| parse_date(d, end_of_day).map_err(|e| anyhow::anyhow!("{flag}: {e}")))
        .transpose()
}

/// Seconds since the epoch for `--since` / `--until`: a calendar date (`2025-01-31`, the whole
/// day in UTC: its start for `--since`, its end for `--until`), or what git understands
/// (RFC 3339, `2 weeks ago`, ...).
fn parse_date(text: &str, end_of_day: bool) -> Result<i64, String> {
    if let Some(day) = calendar_day(text) {
        return Ok(day * 86_400 + if end_of_day { 86_399 } else { 0 });
    }
    gix::date::parse(text, Some(gix::date::Zoned::now()))
        .map(|t| t.seconds)
        .map_err(|e| format!("cannot read `{text}` as a date: {e}"))
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date.
fn calendar_day(text: &str) -> Option<i64> {
    let mut parts = text.splitn(3, '-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (y, m, d): (i64, i64, i64) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    // Howard Hinnant's days_from_civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_days() {
        assert_eq!(calendar_day("1970-01-01"), Some(0));
        assert_eq!(calendar_day("2000-03-01"), Some(11_017));
        assert_eq!(calendar_day("2025-1-1"), None);
        assert_eq!(parse_date("2024-02-29", true), Ok(19_782 * 86_400 + 86_399));
    }
}
