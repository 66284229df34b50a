//! Fingerprints that survive unrelated edits; loading, comparing and ratcheting the baseline.
//!
//! A baseline file lists, per file, how many sites each fingerprint may have. Fingerprints hash
//! the enclosing scope (`Class.method`) and the site's statement in a canonical form (no
//! whitespace, one quote character, no parentheses, no trailing commas) — never a line number and
//! nothing the classifier decides. Matching a scan against the baseline takes two passes:
//! 1. same path, same fingerprint: up to `count` sites, in offset order, are baselined;
//! 2. the sites left over take the allowance left over by entries with the same fingerprint at
//!    another path (a renamed or moved file, code moved between files), preferring entries inside
//!    the scanned paths, then the same file name, then path order.
//!
//! Whatever is still unmatched is new; allowance still unused by entries inside the scanned paths
//! is what was fixed since the baseline.

mod file;
mod matching;

pub use file::{BaselineError, render};

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::model::{BaselineStatus, ReportedSite};
use crate::pipeline::ScanResult;
use matching::{Anchor, current_sites, match_sites};

/// The file `uuid-migrate baseline` writes when no `--output` is given.
pub const DEFAULT_FILE: &str = "uuid-migrate-baseline.json";

/// The baseline format this version writes: fingerprints mask the sites' expressions and the
/// generator's calls (`Site::fingerprint`).
pub const FORMAT_VERSION: u64 = 2;

/// The older format this version still reads (`Site::legacy_fingerprint`); the next `baseline`
/// run writes it as version 2.
pub const LEGACY_VERSION: u64 = 1;

/// How many sites with this fingerprint a file may have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Relative to the baseline file's directory, `/` separators.
    pub path: String,
    pub fingerprint: String,
    pub count: usize,
    /// For people reading the diff: the enclosing `Class.method`.
    pub scope: String,
    /// For people reading the diff: the statement, whitespace removed.
    pub statement: String,
}

/// A loaded baseline file.
#[derive(Debug)]
pub struct Baseline {
    entries: Vec<Entry>,
    anchor: Anchor,
    /// The file's format: which fingerprint of a site its entries hold.
    version: u64,
}

impl Baseline {
    /// Marks each reported site new or baselined, matching every site of the scan (not only
    /// the reported ones, which filters may narrow); returns how many baselined sites inside the
    /// scanned paths are gone. Entries outside the scanned paths (a pre-commit run on a few
    /// files) are neither fixed nor required, but moved code may still match them.
    pub fn mark(
        &self,
        result: &ScanResult,
        scanned: &[PathBuf],
        reported: &mut [ReportedSite<'_>],
    ) -> usize {
        let keys = self.anchor.keys(result);
        let current = current_sites(result, &keys, self.version == LEGACY_VERSION);
        let in_scope = self.anchor.in_scope(&self.entries, scanned, result);
        let matched = match_sites(&self.entries, &in_scope, &current, true);
        let mut status: HashMap<(&str, usize), BaselineStatus> = HashMap::new();
        for (site, assigned) in current.iter().zip(&matched.assigned) {
            let value = if assigned.is_some() {
                BaselineStatus::Baselined
            } else {
                BaselineStatus::New
            };
            status.insert((site.display, site.site.offset), value);
        }
        for r in reported.iter_mut() {
            r.baseline = status.get(&(r.path, r.site.offset)).copied();
        }
        matched.fixed(&in_scope)
    }
}

/// How a ratchet changed the baseline, for the message on stderr.
#[derive(Debug, Default)]
pub struct Changes {
    /// Entries whose sites are gone: path, statement, how many.
    pub fixed: Vec<Fixed>,
    /// Sites that matched an entry of another file: (from, to) -> how many.
    pub moved: BTreeMap<(String, String), usize>,
    /// New sites, as `path:line:col: line`.
    pub new: Vec<String>,
}

/// Sites of one entry no longer found.
#[derive(Debug, Clone)]
pub struct Fixed {
    pub path: String,
    pub statement: String,
    pub count: usize,
}

/// The baseline a scan ratchets `existing` (or nothing) down to, with what changed.
#[derive(Debug)]
pub struct Ratchet {
    pub entries: Vec<Entry>,
    /// The entries before.
    pub old_entries: Vec<Entry>,
    pub changes: Changes,
    /// No baseline existed: every site is written.
    pub first_write: bool,
    /// New sites were added (first write or `--allow-new`).
    pub added_new: bool,
}

/// Ratchets the baseline at `target` (loaded as `existing`) to the scan of `scanned`:
/// entries of fixed sites go, moved sites take their entries along, new sites are added only
/// on the first write or with `allow_new`.
pub fn ratchet(
    existing: Option<Baseline>,
    target: &Path,
    scanned: &[PathBuf],
    result: &ScanResult,
    allow_new: bool,
) -> Result<Ratchet, BaselineError> {
    let first_write = existing.is_none();
    let legacy = existing
        .as_ref()
        .is_some_and(|b| b.version == LEGACY_VERSION);
    let old_entries = existing.map(|b| b.entries).unwrap_or_default();
    let anchor = Anchor::new(target);
    let keys = anchor.keys(result);
    let current = current_sites(result, &keys, legacy);
    let in_scope = anchor.in_scope(&old_entries, scanned, result);
    if legacy && let Some(outside) = in_scope.iter().position(|inside| !inside) {
        return Err(BaselineError::PartialUpgrade {
            path: target.display().to_string(),
            file: old_entries[outside].path.clone(),
        });
    }
    let matched = match_sites(&old_entries, &in_scope, &current, false);

    let mut counts: BTreeMap<(String, String), Entry> = BTreeMap::new();
    let mut changes = Changes::default();
    for (i, entry) in old_entries.iter().enumerate() {
        if !in_scope[i] {
            counts.insert(
                (entry.path.clone(), entry.fingerprint.clone()),
                entry.clone(),
            );
        } else if matched.remaining[i] > 0 {
            changes.fixed.push(Fixed {
                path: entry.path.clone(),
                statement: entry.statement.clone(),
                count: matched.remaining[i],
            });
        }
    }
    let add_new = allow_new || first_write;
    for (site, assigned) in current.iter().zip(&matched.assigned) {
        match assigned {
            Some(e) if old_entries[*e].path != site.key => {
                *changes
                    .moved
                    .entry((old_entries[*e].path.clone(), site.key.to_owned()))
                    .or_default() += 1;
            }
            Some(_) => {}
            None => {
                changes.new.push(format!(
                    "{}:{}:{}: {}",
                    site.display, site.site.start.line, site.site.start.column, site.site.line_text
                ));
                if !add_new {
                    continue;
                }
            }
        }
        let kept = assigned
            .map(|e| &old_entries[e])
            .filter(|e| e.path == site.key);
        // Entries are written in the current format, whatever the format they were read in.
        counts
            .entry((site.key.to_owned(), site.site.fingerprint.to_string()))
            .and_modify(|e| e.count += 1)
            .or_insert_with(|| Entry {
                path: site.key.to_owned(),
                fingerprint: site.site.fingerprint.to_string(),
                count: 1,
                scope: kept.map_or_else(|| site.site.scope.clone(), |e| e.scope.clone()),
                statement: kept
                    .map_or_else(|| site.site.statement.to_string(), |e| e.statement.clone()),
            });
    }
    let entries: Vec<Entry> = counts.into_values().collect();
    Ok(Ratchet {
        entries,
        old_entries,
        changes,
        first_write,
        added_new: add_new,
    })
}
