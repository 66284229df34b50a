//! Site -> edits -> rewritten file: plan each chosen site's replacement, fix the imports, apply
//! the edits to the file's original bytes, refuse a result that parses worse, and hand back the
//! diff or write the file atomically.
//!
//! One file's bytes are read once: the sites are found in them, the edits are made on them, and
//! `--write` replaces the file only while it still holds exactly those bytes.

mod apply;
pub mod diff;
mod imports;
pub mod summary;
pub mod verify;

use crate::plan::plan_edit;

use rayon::prelude::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::config::{Config, Configs};
use crate::model::Filter;
use crate::model::{Binding, ManualReason, Position, Reason, Site};
use crate::pipeline::walk::{WalkOptions, walk};
use crate::pipeline::{FileError, analyze};
use crate::syntax::parse::SourceFile;
use crate::util::paths::display_path;
use apply::{ByteEdit, OffsetMap, apply, damage, encode, parse_structure, without_overlaps};

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

/// Whether tree-sitter finds an error in the file as it is, tabs counted its own way (the
/// analysis reads the file so; the rewrite reads a tab as one column, see `parse_structure`).
fn parses_with_errors(raw: &[u8], config: &Config) -> bool {
    let budget =
        (config.parse_timeout_ms > 0).then(|| Duration::from_millis(config.parse_timeout_ms));
    SourceFile::decode(raw.to_vec())
        .ok()
        .and_then(|source| crate::syntax::parse::parse(&source.text, budget).ok())
        .is_none_or(|tree| tree.root_node().has_error())
}

/// One rewrite of a file, and what deciding whether a second run would change it needs.
struct Pass {
    outcome: FileRewrite,
    /// The file has syntax errors as the rewrite reads it (and some of its sites were
    /// rewritten).
    broken: bool,
    /// Where the rewritten sites are.
    rewritten: Vec<Position>,
    /// Where the bytes of the result came from.
    moved: OffsetMap,
}

impl Pass {
    fn unchanged(outcome: FileRewrite) -> Pass {
        Pass {
            outcome,
            broken: false,
            rewritten: Vec::new(),
            moved: OffsetMap::default(),
        }
    }
}

/// One rewrite of `raw`; `moved` traces its offsets back to the file the consumer verdicts
/// were made for, when `raw` is the result of a rewrite.
fn rewrite_once(
    raw: Vec<u8>,
    rel_path: &Path,
    config: &Config,
    options: &RewriteOptions,
    moved: Option<&OffsetMap>,
) -> Result<Pass, String> {
    let source = SourceFile::decode(raw).map_err(|e| e.to_string())?;
    let mut sites = analyze(&source, rel_path, config)?;
    let key = rel_path.to_string_lossy();
    for site in &mut sites {
        let offset = match moved {
            Some(moved) => moved.original(site.offset),
            None => Some(site.offset),
        };
        if let Some(reasons) = offset.and_then(|offset| options.consumers.of(&key, offset)) {
            crate::consumers::apply(site, reasons.to_vec());
        }
    }
    let mut manual = Vec::new();
    if imports::generator_module_path(config).is_some_and(|own| rel_path.ends_with(own)) {
        // The generator's own module must not import itself.
        let why = "the generator's own module is never rewritten".to_owned();
        return Ok(Pass::unchanged(FileRewrite {
            manual: sites
                .iter()
                .filter(|s| options.filter.matches(s))
                .map(|s| left(s, ManualReason::Other, Some(why.clone())))
                .collect(),
            original: source.raw,
            ..FileRewrite::default()
        }));
    }
    let mut planned: Vec<(usize, crate::model::Edit)> = Vec::new();
    let mut unknown = Vec::new();
    for (index, site) in sites.iter().enumerate() {
        if !options.filter.matches(site) {
            continue;
        }
        match (&site.edit, site.manual_reason()) {
            (_, Some(ManualReason::Suppressed)) => {
                manual.push(left(site, ManualReason::Suppressed, None))
            }
            (Some(edit), _) => planned.push((index, edit.clone())),
            (None, Some(ManualReason::UnknownType)) if options.unknown_prefix.is_some() => {
                unknown.push(index)
            }
            (None, reason) => manual.push(left(
                site,
                reason.unwrap_or(ManualReason::Other),
                refusal(site),
            )),
        }
    }
    let mut outcome = FileRewrite::default();
    if planned.is_empty() && unknown.is_empty() {
        outcome.manual = manual;
        outcome.original = source.raw;
        return Ok(Pass::unchanged(outcome));
    }
    let budget =
        (config.parse_timeout_ms > 0).then(|| Duration::from_millis(config.parse_timeout_ms));
    let tree = parse_structure(&source.text, budget).map_err(|e| e.to_string())?;
    if let Some(prefix) = &options.unknown_prefix {
        plan_unknown(
            &source,
            &tree,
            &sites,
            &unknown,
            prefix,
            rel_path,
            config,
            budget,
            &mut planned,
            &mut manual,
        );
    }

    // Call the generator through the name the file already imports it as.
    let existing = imports::existing_generator(&tree, &source.text, config);
    let call = existing
        .as_deref()
        .map(|local| imports::call_through(config, local));
    let mut edits = Vec::new();
    for (index, edit) in planned {
        let content = match &call {
            Some(call) => edit.content.replacen(&config.generator_call, call, 1),
            None => edit.content,
        };
        match encode(&source, &content) {
            Ok(bytes) => edits.push(ByteEdit {
                start: edit.start,
                end: edit.end,
                bytes,
                site: Some(index),
            }),
            Err(why) => manual.push(left(&sites[index], ManualReason::Other, Some(why))),
        }
    }
    let (edits, overlapping) = without_overlaps(edits);
    for edit in overlapping {
        if let Some(index) = edit.site {
            manual.push(left(
                &sites[index],
                ManualReason::Other,
                Some("overlaps another rewrite".to_owned()),
            ));
        }
    }
    let rewritten: Vec<usize> = edits.iter().filter_map(|e| e.site).collect();
    outcome.manual = manual;
    if edits.is_empty() {
        outcome.original = source.raw;
        return Ok(Pass::unchanged(outcome));
    }
    let names: BTreeSet<String> = rewritten
        .iter()
        .map(|&i| binding_name(&sites[i].code))
        .collect();
    let before = Before {
        damage: damage(&tree),
        resolved_sites: sites
            .iter()
            .filter(|s| s.binding == Binding::Resolved)
            .count(),
    };
    let mut moved = OffsetMap::default();
    let result = apply_with_imports(
        &source,
        &tree,
        edits,
        &names,
        existing.is_none(),
        before,
        config,
        budget,
    );
    match result {
        Ok((bytes, applied)) => {
            outcome.sites_rewritten = rewritten.len();
            outcome.rewritten = (bytes != source.raw).then_some(bytes);
            moved = applied;
        }
        Err(why) => {
            for &index in &rewritten {
                outcome.manual.push(left(
                    &sites[index],
                    ManualReason::Other,
                    Some("the file is not rewritten (see the error)".to_owned()),
                ));
            }
            outcome.refused = Some(why);
        }
    }
    outcome.manual.sort_by_key(|m| m.position);
    outcome.original = source.raw;
    Ok(Pass {
        outcome,
        broken: before.damage.errors > 0,
        rewritten: rewritten.iter().map(|&i| sites[i].start).collect(),
        moved,
    })
}

/// What the guard compares the rewritten file with.
#[derive(Debug, Clone, Copy)]
struct Before {
    damage: apply::ParseDamage,
    resolved_sites: usize,
}

fn resolved_sites(tree: &tree_sitter::Tree, text: &str) -> usize {
    crate::sites::find_sites(tree, text)
        .iter()
        .filter(|s| s.binding == Binding::Resolved)
        .count()
}

/// Site edits and import edits, applied at once to the original bytes, then the guard: the
/// result must decode, parse no worse than before, still resolve every site it did not
/// rewrite, and import the generator at module level. Gives the bytes and where they came from.
#[allow(clippy::too_many_arguments)]
fn apply_with_imports(
    source: &SourceFile,
    tree: &tree_sitter::Tree,
    edits: Vec<ByteEdit>,
    names: &BTreeSet<String>,
    add_generator: bool,
    before: Before,
    config: &Config,
    budget: Option<Duration>,
) -> Result<(Vec<u8>, OffsetMap), String> {
    let sites = edits.len();
    let replaced = |start: usize, end: usize| {
        let (start, end) = (source.raw_offset(start), source.raw_offset(end));
        edits.iter().any(|e| e.start <= start && end <= e.end)
    };
    let import_edits = imports::plan(tree, &source.text, config, add_generator, names, &replaced)?;
    let removes_imports = import_edits.iter().any(|e| e.content.is_empty());
    let mut all = edits.clone();
    for edit in import_edits {
        all.push(ByteEdit {
            start: source.raw_offset(edit.start),
            end: source.raw_offset(edit.end),
            bytes: encode(source, &edit.content)?,
            site: None,
        });
    }
    let (all, overlapping) = without_overlaps(all);
    if !overlapping.is_empty() {
        return Err("the import edits overlap the site edits: not rewritten".to_owned());
    }
    let bytes = apply(&source.raw, &all);
    let result = SourceFile::decode(bytes.clone())
        .map_err(|e| format!("the rewritten file would not decode: {e}"))?;
    let tree = match apply::reparse(tree, source, &all, &result.text) {
        Some(tree) => {
            // Debug builds (the tests) check the incremental tree against a full parse; only
            // for files of ordinary size, to keep the test suite fast.
            #[cfg(debug_assertions)]
            if result.text.len() < 32 * 1024
                && let Ok(full) = parse_structure(&result.text, budget)
            {
                debug_assert_eq!(
                    tree.root_node().to_sexp(),
                    full.root_node().to_sexp(),
                    "an incremental re-parse differs from a full parse"
                );
            }
            tree
        }
        None => parse_structure(&result.text, budget).map_err(|e| e.to_string())?,
    };
    let after = damage(&tree);
    if after.errors > before.damage.errors {
        return Err(format!(
            "the rewritten file would not parse (new syntax error near line {}): not rewritten",
            after.first_line.unwrap_or(1)
        ));
    }
    if removes_imports
        && resolved_sites(&tree, &result.text) != before.resolved_sites.saturating_sub(sites)
    {
        return Err(
            "a uuid4 site left in the file would lose its import: not rewritten".to_owned(),
        );
    }
    if imports::existing_generator(&tree, &result.text, config).is_none() {
        return Err(format!(
            "`{}` could not be placed at module level: not rewritten",
            config.generator_import
        ));
    }
    Ok((bytes, OffsetMap::of(&all)))
}

/// Plans `--unknown-prefix` edits: the sites are found and classified again in the same text.
#[allow(clippy::too_many_arguments)]
fn plan_unknown(
    source: &SourceFile,
    tree: &tree_sitter::Tree,
    sites: &[Site],
    wanted: &[usize],
    prefix: &str,
    rel_path: &Path,
    config: &Config,
    budget: Option<Duration>,
    planned: &mut Vec<(usize, crate::model::Edit)>,
    manual: &mut Vec<ManualSite>,
) {
    let src = source.text.as_bytes();
    let mut missing: BTreeSet<usize> = wanted.iter().copied().collect();
    // The statements that matter, parsed alone, as `scan` does: the same classification, faster.
    let sliced = crate::syntax::slice::plan(&source.text, config)
        .filter(|ranges| !ranges.is_empty())
        .and_then(|ranges| crate::syntax::parse::parse_ranges(&source.text, &ranges, budget).ok())
        .filter(|t| !t.root_node().has_error());
    let tree = sliced.as_ref().unwrap_or(tree);
    for found in crate::sites::find_sites(tree, &source.text) {
        let offset = source.raw_offset(found.node.start_byte());
        let Some(&index) = missing.iter().find(|&&i| sites[i].offset == offset) else {
            continue;
        };
        missing.remove(&index);
        let mut classified = crate::classify::classify(&found, src, rel_path, config);
        classified
            .classification
            .prefix
            .get_or_insert_with(|| prefix.to_owned());
        match plan_edit(&classified, src, config) {
            Ok(edit) => planned.push((
                index,
                crate::model::Edit {
                    start: source.raw_offset(edit.start),
                    end: source.raw_offset(edit.end),
                    content: edit.content,
                },
            )),
            Err(reason) => manual.push(left(
                &sites[index],
                ManualReason::Other,
                Some(reason.to_string()),
            )),
        }
    }
    for index in missing {
        manual.push(left(
            &sites[index],
            ManualReason::Other,
            Some("the site was not found again".to_owned()),
        ));
    }
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

/// The local name a site reads: `u` for `u.uuid4()`, `new_id` for `new_id()`.
fn binding_name(code: &str) -> String {
    let callee: String = code
        .split('(')
        .next()
        .unwrap_or(code)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    match callee.rsplit_once('.') {
        Some((object, _)) => object.to_owned(),
        None => callee,
    }
}

/// Reads one file and rewrites it; `Ok(None)` when it cannot hold a site.
fn rewrite_file(
    path: &Path,
    config: &Config,
    options: &RewriteOptions,
) -> Result<Option<FileRewrite>, String> {
    match crate::pipeline::read::read_file(path, config)? {
        Some(raw) => rewrite_source(raw, &config.relative(path), config, options).map(Some),
        None => Ok(None),
    }
}

/// Rewrites every Python file under `paths` in memory, in parallel, each with its closest
/// configuration.
pub fn rewrite_paths(
    paths: &[PathBuf],
    configs: &Configs,
    walk_options: WalkOptions,
    options: &RewriteOptions,
) -> RewriteRun {
    // The consumer verdicts need every file: a scan first (without the cache: it may belong to
    // another configuration or be stale for this run).
    let scanned = crate::pipeline::scan(
        paths,
        configs,
        crate::pipeline::ScanOptions {
            walk: walk_options,
            cache: false,
            progress: None,
            ..Default::default()
        },
    );
    let options = &RewriteOptions {
        consumers: std::sync::Arc::new(scanned.verdicts),
        ..options.clone()
    };
    let walked = walk(paths, configs, walk_options);
    let cwd = std::env::current_dir().unwrap_or_default();
    // A path named on the command line is resolved (a linked directory is followed, as its
    // target is what was asked for); nothing is rewritten outside what they resolve to.
    let roots: Vec<PathBuf> = paths
        .iter()
        .filter_map(|p| std::fs::canonicalize(p).ok())
        .collect();
    let mut run = RewriteRun {
        errors: walked
            .errors
            .iter()
            .map(|(path, message)| FileError {
                display: display_path(path, &cwd),
                message: message.clone(),
            })
            .collect(),
        consumers: std::sync::Arc::clone(&options.consumers),
        ..RewriteRun::default()
    };
    let outcomes: Vec<(PathBuf, String, Result<Option<FileRewrite>, String>)> = walked
        .files
        .par_iter()
        .map(|path| {
            let display = display_path(path, &cwd);
            let mut result = match configs.for_file(path) {
                Ok(config) => rewrite_file(path, &config, options),
                Err(err) => Err(format!("not rewritten: {err}")),
            };
            if let Ok(Some(rewrite)) = &mut result {
                confine(path, &roots, rewrite);
            }
            (path.clone(), display, result)
        })
        .collect();
    for (path, display, result) in outcomes {
        match result {
            Ok(Some(rewrite)) => run.files.push(FileOutcome {
                path,
                display,
                rewrite,
            }),
            Ok(None) => {}
            Err(message) => run.errors.push(FileError { display, message }),
        }
    }
    run.files.sort_by(|a, b| a.display.cmp(&b.display));
    // One file reached by two paths (`a.py` and `.`) is rewritten once.
    let mut seen = std::collections::HashSet::new();
    run.files
        .retain(|f| seen.insert(std::fs::canonicalize(&f.path).unwrap_or_else(|_| f.path.clone())));
    run
}

/// Refuses the rewrite of a file reached through a symbolic link (`-L`) whose real path lies
/// outside every path given: the diff, `--check` and `--write` all leave it.
fn confine(path: &Path, roots: &[PathBuf], rewrite: &mut FileRewrite) {
    if rewrite.rewritten.is_none() {
        return;
    }
    let why = match std::fs::canonicalize(path) {
        Ok(real) if roots.iter().any(|root| real.starts_with(root)) => return,
        Ok(real) => format!(
            "a symbolic link to {}, outside the paths given: not rewritten",
            real.display()
        ),
        Err(e) => format!("cannot resolve: {e}"),
    };
    rewrite.rewritten = None;
    rewrite.sites_rewritten = 0;
    rewrite.refused = Some(why);
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

    #[test]
    fn binding_names() {
        assert_eq!(binding_name("uuid.uuid4()"), "uuid");
        assert_eq!(binding_name("u . uuid4 ( )"), "u");
        assert_eq!(binding_name("new_id()"), "new_id");
        assert_eq!(binding_name("uuid.uuid4"), "uuid");
    }
}
