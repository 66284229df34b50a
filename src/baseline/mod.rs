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

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::fingerprint::FINGERPRINT_LEN;
use crate::model::Site;
use crate::model::{BaselineStatus, ReportedSite};
use crate::pipeline::ScanResult;
use crate::util::paths::{normalize, relative_to, slash_path};

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

/// An entry as written, one line under its file.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    fingerprint: String,
    count: usize,
    /// Informational: may be missing in a hand-written file.
    #[serde(default)]
    scope: String,
    /// Informational: may be missing in a hand-written file.
    #[serde(default)]
    statement: String,
}

/// More sites than this for one statement of one file is not a count a scan can produce (a file
/// under `max-file-size` holds fewer): a corrupted or hand-edited number.
const MAX_COUNT: usize = 1_000_000;

/// The `files` object, in file order, keeping a path written twice (a bad merge) so that it can
/// be reported instead of silently dropped.
struct Files(Vec<(String, Vec<Line>)>);

impl<'de> Deserialize<'de> for Files {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Files, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Files;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object from file paths to lists of entries")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Files, A::Error> {
                let mut files = Vec::new();
                while let Some(file) = map.next_entry::<String, Vec<Line>>()? {
                    files.push(file);
                }
                Ok(Files(files))
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

#[derive(Deserialize)]
struct Header {
    version: Option<serde_json::Value>,
    tool: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Document {
    #[serde(rename = "version")]
    _version: u64,
    #[serde(rename = "tool", default)]
    _tool: String,
    files: Files,
}

/// Why a baseline file cannot be used. Every message names the file.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("{path}: cannot read the baseline: {message}")]
    Read { path: String, message: String },
    #[error("{path}:{line}:{column}: malformed baseline: {message}")]
    Syntax {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error(
        "{path}: baseline format version {found} is not supported: {tool} reads versions {LEGACY_VERSION} and {FORMAT_VERSION}; \
         use the version that wrote it ({writer}), or delete the file and run `uuid-migrate baseline` to write a new one"
    )]
    Version {
        path: String,
        found: String,
        tool: String,
        writer: String,
    },
    #[error(
        "{path}: a version-1 baseline is upgraded to version 2 only by a run over all of its files, \
         and {file} is outside the paths given: run `uuid-migrate baseline` from the repository root without paths"
    )]
    PartialUpgrade { path: String, file: String },
    #[error("{path}: not a uuid-migrate baseline: {problem}")]
    NotABaseline { path: String, problem: String },
    #[error("{path}:{line}: {file}: {problem}")]
    Entry {
        path: String,
        /// The line where the file's list starts.
        line: usize,
        file: String,
        problem: String,
    },
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
    /// Reads and validates `path`; a missing file is an error.
    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let bytes = std::fs::read(path).map_err(|e| BaselineError::Read {
            path: path.display().to_string(),
            message: match e.kind() {
                std::io::ErrorKind::NotFound => {
                    "no such file (write one with `uuid-migrate baseline`)".to_owned()
                }
                std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
                _ => e.to_string(),
            },
        })?;
        Baseline::parse(path, &bytes)
    }

    /// Reads `path` when it exists.
    pub fn load_if_present(path: &Path) -> Result<Option<Baseline>, BaselineError> {
        match std::fs::metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            _ => Baseline::load(path).map(Some),
        }
    }

    fn parse(path: &Path, bytes: &[u8]) -> Result<Baseline, BaselineError> {
        let shown = path.display().to_string();
        let syntax = |e: serde_json::Error| {
            let message = e.to_string();
            let message = match message.rfind(" at line ") {
                Some(at) => message[..at].to_owned(),
                None => message,
            };
            BaselineError::Syntax {
                path: shown.clone(),
                line: e.line(),
                column: e.column(),
                message,
            }
        };
        let text = std::str::from_utf8(bytes).map_err(|e| BaselineError::NotABaseline {
            path: shown.clone(),
            problem: format!(
                "not UTF-8 text (invalid byte at offset {})",
                e.valid_up_to()
            ),
        })?;
        let not_a_baseline = |problem: &str| BaselineError::NotABaseline {
            path: shown.clone(),
            problem: problem.to_owned(),
        };
        let value: serde_json::Value = serde_json::from_str(text).map_err(syntax)?;
        if !value.is_object() {
            return Err(not_a_baseline("expected a JSON object"));
        }
        let header: Header =
            serde_json::from_value(value).map_err(|e| BaselineError::NotABaseline {
                path: shown.clone(),
                problem: e.to_string(),
            })?;
        let version = header
            .version
            .ok_or_else(|| not_a_baseline("no `version` field"))?;
        let Some(version @ (LEGACY_VERSION | FORMAT_VERSION)) = version.as_u64() else {
            return Err(BaselineError::Version {
                path: shown.clone(),
                found: version.to_string(),
                tool: tool_name(),
                writer: header.tool.unwrap_or_else(|| "unknown".to_owned()),
            });
        };
        let document: Document = serde_json::from_str(text).map_err(syntax)?;
        let mut entries = Vec::new();
        let mut files_seen = std::collections::HashSet::new();
        for (file, lines) in document.files.0 {
            let line = line_of_key(text, &file);
            let problem = |problem: String| BaselineError::Entry {
                path: shown.clone(),
                line,
                file: file.clone(),
                problem,
            };
            if file.is_empty() {
                return Err(problem("empty path".to_owned()));
            }
            if let Some(why) = unusable_path(&file) {
                return Err(problem(format!(
                    "{why}: paths are relative to the baseline file's directory, with `/` (rewrite the file with `uuid-migrate baseline`)"
                )));
            }
            if !files_seen.insert(file.clone()) {
                return Err(problem(
                    "listed twice (a bad merge? keep one list with the entries of both)".to_owned(),
                ));
            }
            let mut seen: HashMap<String, usize> = HashMap::new();
            for (index, line) in lines.into_iter().enumerate() {
                let at = |what: String| problem(format!("entry {}: {what}", index + 1));
                if line.fingerprint.len() != FINGERPRINT_LEN
                    || !line.fingerprint.bytes().all(|b| b.is_ascii_hexdigit())
                {
                    return Err(at(format!(
                        "fingerprint `{}` is not {FINGERPRINT_LEN} hex digits",
                        line.fingerprint
                    )));
                }
                if line.count == 0 {
                    return Err(at("count must be at least 1".to_owned()));
                }
                if line.count > MAX_COUNT {
                    return Err(at(format!(
                        "count {} is more than a file can hold (at most {MAX_COUNT})",
                        line.count
                    )));
                }
                if let Some(first) = seen.insert(line.fingerprint.clone(), index + 1) {
                    return Err(at(format!(
                        "same fingerprint as entry {first} (a bad merge? keep one entry with the sum of the counts)"
                    )));
                }
                entries.push(Entry {
                    path: file.clone(),
                    fingerprint: line.fingerprint,
                    count: line.count,
                    scope: line.scope,
                    statement: line.statement,
                });
            }
        }
        Ok(Baseline {
            entries,
            anchor: Anchor::new(path),
            version,
        })
    }

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

/// Why a path of the baseline cannot name a file under its directory: absolute, or with `..`,
/// `.` or empty components (the gate and the ratchet would disagree on which file it is).
fn unusable_path(path: &str) -> Option<&'static str> {
    if path.starts_with('/') || path.as_bytes().get(1) == Some(&b':') {
        return Some("an absolute path");
    }
    path.split('/').find_map(|part| match part {
        "" => Some("an empty component (`//` or a trailing `/`)"),
        "." | ".." => Some("a `.` or `..` component"),
        _ => None,
    })
}

/// The line of `"key":` in the JSON text (1 when not found, e.g. an escaped key).
fn line_of_key(text: &str, key: &str) -> usize {
    let quoted = serde_json::to_string(key).unwrap_or_default();
    text.find(&format!("{quoted}:"))
        .or_else(|| text.find(&quoted))
        .map_or(1, |at| text[..at].matches('\n').count() + 1)
}

/// `uuid-migrate <version>`.
fn tool_name() -> String {
    format!("uuid-migrate {}", env!("CARGO_PKG_VERSION"))
}

/// Paths in the baseline are relative to the baseline file's directory, so the same file works
/// from any working directory.
#[derive(Debug)]
struct Anchor {
    cwd: PathBuf,
    dir: PathBuf,
}

impl Anchor {
    fn new(baseline: &Path) -> Anchor {
        let cwd = std::env::current_dir().unwrap_or_default();
        let parent = baseline.parent().unwrap_or(Path::new(""));
        let dir = normalize(&cwd.join(parent));
        Anchor { cwd, dir }
    }

    /// A scanned file's display path, made relative to the baseline's directory.
    fn key(&self, display: &str) -> String {
        let absolute = normalize(&self.cwd.join(display));
        slash_path(&relative_to(&absolute, &self.dir))
    }

    fn keys(&self, result: &ScanResult) -> Vec<String> {
        result.files.iter().map(|f| self.key(&f.display)).collect()
    }

    /// Which entries name a file the scan covered: under a scanned path, and not a file that
    /// could not be read (its sites are unknown, not fixed).
    fn in_scope(&self, entries: &[Entry], scanned: &[PathBuf], result: &ScanResult) -> Vec<bool> {
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
struct Current<'a> {
    display: &'a str,
    key: &'a str,
    fingerprint: &'a str,
    site: &'a Site,
}

/// Every unsuppressed site, in path and offset order, with the fingerprint of the baseline's
/// format (`legacy` for version 1). Suppressed sites need no allowance.
fn current_sites<'a>(result: &'a ScanResult, keys: &'a [String], legacy: bool) -> Vec<Current<'a>> {
    let mut out = Vec::new();
    for (file, key) in result.files.iter().zip(keys) {
        for site in &file.sites {
            if !site.is_suppressed() {
                out.push(Current {
                    display: &file.display,
                    key,
                    fingerprint: if legacy {
                        &site.legacy_fingerprint
                    } else {
                        &site.fingerprint
                    },
                    site,
                });
            }
        }
    }
    out
}

/// The outcome of matching sites against entries.
struct Matched {
    /// For each site, the entry whose allowance it used.
    assigned: Vec<Option<usize>>,
    /// For each entry, the allowance left.
    remaining: Vec<usize>,
}

impl Matched {
    fn fixed(&self, in_scope: &[bool]) -> usize {
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
fn match_sites(
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

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// The file's text: a header, then each file with one entry per line, files sorted by path and
/// entries by fingerprint, so that a change touches only the lines of the sites it changes (and
/// no total that every change would touch, which would make concurrent changes conflict).
pub fn render(entries: &[Entry]) -> String {
    let mut by_file: BTreeMap<&str, Vec<&Entry>> = BTreeMap::new();
    for entry in entries {
        by_file.entry(&entry.path).or_default().push(entry);
    }
    let mut out = String::new();
    let _ = writeln!(out, "{{");
    let _ = writeln!(out, "  \"version\": {FORMAT_VERSION},");
    let _ = writeln!(out, "  \"tool\": {},", json_string(&tool_name()));
    if by_file.is_empty() {
        let _ = writeln!(out, "  \"files\": {{}}");
    } else {
        let _ = writeln!(out, "  \"files\": {{");
        let last_file = by_file.len() - 1;
        for (i, (file, mut file_entries)) in by_file.into_iter().enumerate() {
            file_entries.sort_by(|a, b| a.fingerprint.cmp(&b.fingerprint));
            let _ = writeln!(out, "    {}: [", json_string(file));
            let last = file_entries.len() - 1;
            for (j, entry) in file_entries.into_iter().enumerate() {
                let line = Line {
                    fingerprint: entry.fingerprint.clone(),
                    count: entry.count,
                    scope: entry.scope.clone(),
                    statement: entry.statement.clone(),
                };
                let text = serde_json::to_string(&line).expect("an entry serializes");
                let _ = writeln!(out, "      {text}{}", if j < last { "," } else { "" });
            }
            let _ = writeln!(out, "    ]{}", if i < last_file { "," } else { "" });
        }
        let _ = writeln!(out, "  }}");
    }
    let _ = writeln!(out, "}}");
    out
}

fn json_string(text: &str) -> String {
    serde_json::Value::String(text.to_owned()).to_string()
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
            .entry((site.key.to_owned(), site.site.fingerprint.clone()))
            .and_modify(|e| e.count += 1)
            .or_insert_with(|| Entry {
                path: site.key.to_owned(),
                fingerprint: site.site.fingerprint.clone(),
                count: 1,
                scope: kept.map_or_else(|| site.site.scope.clone(), |e| e.scope.clone()),
                statement: kept
                    .map_or_else(|| site.site.statement.clone(), |e| e.statement.clone()),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rendered_baseline_round_trips() {
        let entry = |path: &str, fingerprint: &str| Entry {
            path: path.to_owned(),
            fingerprint: fingerprint.to_owned(),
            count: 2,
            scope: "A.f".to_owned(),
            statement: "x=f\"{uuid.uuid4()}\"".to_owned(),
        };
        let entries = vec![
            entry("a.py", "0123456789abcdef"),
            entry("a.py", "1123456789abcdef"),
            entry("b c.py", "0123456789abcdef"),
        ];
        let text = render(&entries);
        let loaded = Baseline::parse(Path::new("b.json"), text.as_bytes()).unwrap();
        assert_eq!(loaded.entries, entries);
        let empty = render(&[]);
        assert!(Baseline::parse(Path::new("b.json"), empty.as_bytes()).is_ok());
    }
}
