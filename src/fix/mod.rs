//! Site -> edits -> rewritten file: plan each chosen site's replacement, fix the imports, apply
//! the edits to the file's original bytes, refuse a result that parses worse, and hand back the
//! diff or write the file atomically.
//!
//! One file's bytes are read once: the sites are found in them, the edits are made on them, and
//! `--write` replaces the file only while it still holds exactly those bytes.

mod apply;
pub mod diff;
mod guard;
mod imports;
mod pass;
mod run;
pub mod summary;
pub mod verify;

use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::model::Filter;
use crate::model::{ManualReason, Position, Reason, Site};
use crate::pipeline::FileError;
use crate::syntax::parse::SourceFile;
use pass::{parse_budget, rewrite_once};
pub use run::rewrite_paths;

/// Which sites a rewrite touches.
#[derive(Debug, Clone, Default)]
pub struct RewriteOptions {
    /// The wave: phase, risk, id type, area.
    pub filter: Filter,
    /// Also rewrite sites of unknown id type, with this prefix.
    pub unknown_prefix: Option<String>,
    /// The consumer verdicts of a scan of the same files (`rewrite_paths` makes them).
    pub consumers: std::sync::Arc<crate::consumers::Verdicts>,
}

/// A site the rewrite did not touch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManualSite {
    pub position: Position,
    pub reason: ManualReason,
    /// Why, for `Other`.
    pub detail: Option<String>,
    /// For `Consumer`: the first consumer that blocks the rewrite.
    pub consumer: Option<summary::BlockingConsumer>,
}

/// What rewriting one file produced.
#[derive(Debug, Clone, Default)]
pub struct FileRewrite {
    /// The bytes that were read.
    pub original: Vec<u8>,
    /// The new bytes, when the file changes.
    pub rewritten: Option<Vec<u8>>,
    pub sites_rewritten: usize,
    pub manual: Vec<ManualSite>,
    /// Why the file is not rewritten although some of its sites could be.
    pub refused: Option<String>,
}

/// One walked file and what became of it.
#[derive(Debug)]
pub struct FileOutcome {
    pub path: PathBuf,
    pub display: String,
    pub rewrite: FileRewrite,
}

/// Every file of a run, sorted by path, and the files that could not be handled.
#[derive(Debug, Default)]
pub struct RewriteRun {
    pub files: Vec<FileOutcome>,
    pub errors: Vec<FileError>,
    /// The consumer verdicts the run used (for rewriting its output again).
    pub consumers: std::sync::Arc<crate::consumers::Verdicts>,
}

/// The sites rewritten and the ones left, for one decoded file. `Err` when the file cannot be
/// decoded or parsed at all.
///
/// A file is rewritten only when a second run on the result would change nothing. A second run
/// sees only the rewritten text, so the result is judged as it will be (in the usual case, one
/// more analysis that finds nothing to do). A file with syntax errors can fail this: tree-sitter
/// recovers from an error by costs that count the bytes around it, so the site edits can move
/// the error region, and a site left in it can come out of it; the file is then left as it is
/// and its sites are reported. In a file without errors it would be a bug: the file is refused.
pub fn rewrite_source(
    raw: Vec<u8>,
    rel_path: &Path,
    config: &Config,
    options: &RewriteOptions,
) -> Result<FileRewrite, String> {
    let first = rewrite_once(raw, rel_path, config, options, None)?;
    let Some(new) = first.outcome.rewritten.as_ref() else {
        return Ok(first.outcome);
    };
    // The sites left keep the consumer verdicts a new scan would give them again.
    let settled = rewrite_once(new.clone(), rel_path, config, options, Some(&first.moved))
        .is_ok_and(|again| again.outcome.rewritten.is_none());
    if settled {
        return Ok(first.outcome);
    }
    let broken = first.broken || parses_with_errors(&first.outcome.original, config);
    let mut outcome = first.outcome;
    outcome.rewritten = None;
    outcome.sites_rewritten = 0;
    let (reason, detail) = if broken {
        (
            ManualReason::ErrorRegion,
            "the file has syntax errors that move when it is rewritten: fix them first",
        )
    } else {
        outcome.refused =
            Some("a second rewrite would change the result again: not rewritten".to_owned());
        (
            ManualReason::Other,
            "the file is not rewritten (see the error)",
        )
    };
    outcome
        .manual
        .extend(first.rewritten.into_iter().map(|position| ManualSite {
            position,
            reason,
            detail: Some(detail.to_owned()),
            consumer: None,
        }));
    outcome.manual.sort_by_key(|m| m.position);
    Ok(outcome)
}

/// Whether the file as it is parses with an error (the one parse of scan and rewrite).
fn parses_with_errors(raw: &[u8], config: &Config) -> bool {
    SourceFile::decode(raw.to_vec())
        .ok()
        .and_then(|source| crate::syntax::parse::parse(&source.text, parse_budget(config)).ok())
        .is_none_or(|tree| tree.root_node().has_error())
}

fn left(site: &Site, reason: ManualReason, detail: Option<String>) -> ManualSite {
    ManualSite {
        position: site.start,
        reason,
        detail,
        consumer: summary::BlockingConsumer::of(site, reason),
    }
}

fn refusal(site: &Site) -> Option<String> {
    site.classification
        .reasons
        .iter()
        .rev()
        .find_map(|r| match r {
            Reason::NoSafeRewrite { .. } => Some(r.to_string()),
            _ => None,
        })
}

/// Replaces the file with `bytes` if it still holds `original` (`util::fs::replace_unchanged`:
/// checked again just before the rename, and by an atomic exchange on Linux); symbolic links are
/// resolved first, so the file they point to is replaced, and never one outside the paths given
/// (`rewrite_paths` refuses those).
pub fn write_back(path: &Path, original: &[u8], bytes: &[u8]) -> Result<(), String> {
    let target = std::fs::canonicalize(path).map_err(|e| format!("cannot resolve: {e}"))?;
    crate::util::fs::replace_unchanged(&target, original, bytes).map_err(|e| format!("{e:#}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generators_own_module_is_never_rewritten() {
        let raw = b"import uuid\n\ndef new_session_id():\n    return str(uuid.uuid4())\n".to_vec();
        let options = RewriteOptions::default();
        let own = Path::new("shared/id_generation/unified_id_generator.py");
        let outcome = rewrite_source(raw.clone(), own, &Config::default(), &options).unwrap();
        assert!(outcome.rewritten.is_none());
        assert_eq!(outcome.manual.len(), 1);
        let other = Path::new("services/ids.py");
        let outcome = rewrite_source(raw, other, &Config::default(), &options).unwrap();
        assert_eq!(outcome.sites_rewritten, 1);
    }

    #[test]
    fn write_back_skips_a_file_changed_since_it_was_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.py");
        std::fs::write(&path, "x = 2\n").unwrap();
        let err = write_back(&path, b"x = 1\n", b"x = 3\n").unwrap_err();
        assert!(err.contains("changed since it was read"), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), b"x = 2\n");
        write_back(&path, b"x = 2\n", b"x = 3\n").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"x = 3\n");
    }

    /// A rewrite of a function whose one statement is an `or` chain of `terms` terms, half of
    /// them fixable (`str(uuid4())` named by `user_id`) and half not (the UUID object): the
    /// outcome, and the steps `Parents` took.
    fn rewrite_chain(terms: usize) -> (FileRewrite, u64) {
        let chain = ["str(uuid.uuid4())", "uuid.uuid4()"]
            .repeat(terms / 2)
            .join(" or ");
        let raw = format!(
            "import uuid\n\n\ndef make_user(c):\n    user_id = {chain}\n    return user_id\n"
        );
        let before = crate::syntax::parents::STEPS.with(|s| s.get());
        let outcome = rewrite_source(
            raw.into_bytes(),
            Path::new("users.py"),
            &Config::default(),
            &RewriteOptions::default(),
        )
        .unwrap();
        let steps = crate::syntax::parents::STEPS.with(|s| s.get()) - before;
        (outcome, steps)
    }

    /// Every fixable site of a deep chain is rewritten, each once, `import uuid` stays for the
    /// sites left, and the climbs of the rewrite (the imports it may remove, the reads left)
    /// grow linearly with the sites, not with the sites times the depth.
    #[test]
    fn a_deep_chain_is_rewritten_whole_in_linear_steps() {
        let (small, small_steps) = rewrite_chain(250);
        let (large, large_steps) = rewrite_chain(1_000);
        for (outcome, terms) in [(&small, 250), (&large, 1_000)] {
            assert_eq!(outcome.sites_rewritten, terms / 2);
            assert_eq!(outcome.manual.len(), terms / 2);
            let new = String::from_utf8(outcome.rewritten.clone().unwrap()).unwrap();
            assert_eq!(
                new.matches("UnifiedIdGenerator.generate_base_id(\"user\")")
                    .count(),
                terms / 2
            );
            assert!(new.contains("import uuid\n"));
        }
        assert!(
            large_steps < 6 * small_steps,
            "{small_steps} steps for 250 terms, {large_steps} for 1,000"
        );
    }
}
