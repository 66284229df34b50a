//! The baseline file: its format (version 2, version 1 still read), loading it with a message
//! that names the file, the line and the fix for every mistake, and writing it sorted, one entry
//! per line.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{Baseline, Entry, FORMAT_VERSION, LEGACY_VERSION, matching::Anchor};
use crate::model::FINGERPRINT_LEN;

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
        let entries = entries_of(document.files, text, &shown)?;
        Ok(Baseline {
            entries,
            anchor: Anchor::new(path),
            version,
        })
    }
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

/// The entries of a parsed document, each file's list validated: paths under the baseline's
/// directory, well-formed fingerprints, plausible counts, no duplicates.
fn entries_of(files: Files, text: &str, shown: &str) -> Result<Vec<Entry>, BaselineError> {
    let mut entries = Vec::new();
    let mut files_seen = std::collections::HashSet::new();
    for (file, lines) in files.0 {
        let line = line_of_key(text, &file);
        let problem = |problem: String| BaselineError::Entry {
            path: shown.to_owned(),
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
    Ok(entries)
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
