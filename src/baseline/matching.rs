//! Matching a scan's sites against the baseline's entries: same file first, then the allowance
//! left at other paths (renamed files, moved code); paths are keyed relative to the baseline
//! file's directory.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::Entry;
use crate::model::Site;
use crate::pipeline::ScanResult;
use crate::util::paths::{normalize, relative_to, slash_path};

/// Paths in the baseline are relative to the baseline file's directory, so the same file works
/// from any working directory.
#[derive(Debug)]
pub(super) struct Anchor {
    cwd: PathBuf,
    dir: PathBuf,
}

impl Anchor {
    pub(super) fn new(baseline: &Path) -> Anchor {
        let cwd = std::env::current_dir().unwrap_or_default();
        let parent = baseline.parent().unwrap_or(Path::new(""));
        let dir = normalize(&cwd.join(parent));
        Anchor { cwd, dir }
    }

    /// A scanned file's display path, made relative to the baseline's directory.
    pub(super) fn key(&self, display: &str) -> String {
        let absolute = normalize(&self.cwd.join(display));
        slash_path(&relative_to(&absolute, &self.dir))
    }

    pub(super) fn keys(&self, result: &ScanResult) -> Vec<String> {
        result.files.iter().map(|f| self.key(&f.display)).collect()
    }

    /// Which entries name a file the scan covered: under a scanned path, and not a file that
    /// could not be read (its sites are unknown, not fixed).
    pub(super) fn in_scope(
        &self,
        entries: &[Entry],
        scanned: &[PathBuf],
        result: &ScanResult,
    ) -> Vec<bool> {
        let roots: Vec<PathBuf> = scanned
            .iter()
            .map(|p| normalize(&self.cwd.join(p)))
            .collect();
        let errored: Vec<PathBuf> = result
            .errors
            .iter()
            .map(|e| normalize(&self.cwd.join(&e.display)))
            .collect();
        entries
            .iter()
            .map(|entry| {
                let absolute = normalize(&self.dir.join(&entry.path));
                roots.iter().any(|root| absolute.starts_with(root))
                    && !errored.iter().any(|e| absolute.starts_with(e))
            })
            .collect()
    }
}

/// An unsuppressed site of the scan, as the matcher sees it.
pub(super) struct Current<'a> {
    pub(super) display: &'a str,
    pub(super) key: &'a str,
    pub(super) fingerprint: &'a str,
    pub(super) site: &'a Site,
}

/// Every unsuppressed site, in path and offset order, with the fingerprint of the baseline's
/// format (`legacy` for version 1). Suppressed sites need no allowance.
pub(super) fn current_sites<'a>(
    result: &'a ScanResult,
    keys: &'a [String],
    legacy: bool,
) -> Vec<Current<'a>> {
    let mut out = Vec::new();
    for (file, key) in result.files.iter().zip(keys) {
        for site in &file.sites {
            if !site.is_suppressed() {
                out.push(Current {
                    display: &file.display,
                    key,
                    fingerprint: if legacy {
                        site.legacy_fingerprint.as_str()
                    } else {
                        site.fingerprint.as_str()
                    },
                    site,
                });
            }
        }
    }
    out
}

/// The outcome of matching sites against entries.
pub(super) struct Matched {
    /// For each site, the entry whose allowance it used.
    pub(super) assigned: Vec<Option<usize>>,
    /// For each entry, the allowance left.
    pub(super) remaining: Vec<usize>,
}

impl Matched {
    pub(super) fn fixed(&self, in_scope: &[bool]) -> usize {
        self.remaining
            .iter()
            .zip(in_scope)
            .filter(|(_, scoped)| **scoped)
            .map(|(n, _)| n)
            .sum()
    }
}

/// The two passes described in the module documentation. `across_scope` lets pass 2 use
/// entries outside the scanned paths (scan does, so that a file renamed in a pre-commit run
/// passes; the ratchet does not, so that it never changes entries it did not check).
pub(super) fn match_sites(
    entries: &[Entry],
    in_scope: &[bool],
    sites: &[Current<'_>],
    across_scope: bool,
) -> Matched {
    let mut remaining: Vec<usize> = entries.iter().map(|e| e.count).collect();
    let mut assigned = vec![None; sites.len()];
    let by_key: HashMap<(&str, &str), usize> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| ((e.path.as_str(), e.fingerprint.as_str()), i))
        .collect();
    for (slot, site) in assigned.iter_mut().zip(sites) {
        if let Some(&entry) = by_key.get(&(site.key, site.fingerprint))
            && remaining[entry] > 0
        {
            remaining[entry] -= 1;
            *slot = Some(entry);
        }
    }
    let mut by_fingerprint: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        if in_scope[i] || across_scope {
            by_fingerprint.entry(&e.fingerprint).or_default().push(i);
        }
    }
    for (slot, site) in assigned.iter_mut().zip(sites) {
        if slot.is_some() {
            continue;
        }
        let Some(candidates) = by_fingerprint.get(site.fingerprint) else {
            continue;
        };
        let name = file_name(site.key);
        let best = candidates
            .iter()
            .copied()
            .filter(|&e| remaining[e] > 0 && entries[e].path != site.key)
            .min_by_key(|&e| {
                (
                    !in_scope[e],
                    file_name(&entries[e].path) != name,
                    &entries[e].path,
                )
            });
        if let Some(entry) = best {
            remaining[entry] -= 1;
            *slot = Some(entry);
        }
    }
    Matched {
        assigned,
        remaining,
    }
}

pub(super) fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}
