//! The per-file pipeline and the parallel run over all files:
//! read -> prefilter -> decode -> parse -> sites -> classify -> fix plan.

pub mod cache;
pub mod read;
pub mod walk;

pub use read::may_contain_site;

use rustc_hash::FxHashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use crate::classify::classify;
use crate::classify::suppression;
use crate::config::{Config, ConfigError, Configs};
use crate::consumers::flow::{FileFlow, value_and_sample};
use crate::consumers::types::UuidTypes;
use crate::consumers::{FileFacts, RepoIndex, SiteFlow, Verdicts};
use crate::fingerprint::{
    fingerprint_of, generator_calls, normalized_statement, shortened, statement_of,
};
use crate::model::{Filter, ReportedSite};
use crate::model::{Position, Site};
use crate::sites::{find_sites, scope_path};
use crate::syntax::parse::{SourceFile, parse, parse_ranges};
use crate::util::paths::display_path;
use cache::Cache;
use tree_sitter::Node;
use walk::{WalkOptions, visit};

/// What scanning one file produced.
#[derive(Debug)]
pub struct FileScan {
    pub path: PathBuf,
    /// Relative to the current directory when under it, `/` separators.
    pub display: String,
    pub sites: Vec<Site>,
    /// What the consumer analysis keeps of the file.
    pub facts: FileFacts,
}

/// A problem with one path; the run goes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    pub display: String,
    pub message: String,
}

/// The outcome of scanning a set of paths.
#[derive(Debug, Default)]
pub struct ScanResult {
    pub files_scanned: usize,
    /// Files with at least one site, sorted by path.
    pub files: Vec<FileScan>,
    pub errors: Vec<FileError>,
    /// Problems that do not change the result (the cache could not be written).
    pub warnings: Vec<String>,
    /// The consumer reasons of every site, by the file's path relative to the root.
    pub verdicts: Verdicts,
}

#[derive(Clone, Copy, Default)]
pub struct ScanOptions<'a> {
    pub walk: WalkOptions,
    /// Read and write the result cache.
    pub cache: bool,
    /// Where the cache lives (`--cache-dir`); by default `.uuid-migrate-cache` in the root.
    pub cache_dir: Option<&'a Path>,
    /// Told how far the scan is (a progress bar on a terminal).
    pub progress: Option<&'a dyn Progress>,
}

/// Receives the progress of a scan; implemented by the report layer.
pub trait Progress: Sync {
    /// One more file scanned (called from the walker's threads).
    fn file_done(&self);
    fn finish(&self);
}

/// What scanning one file gives: its sites or error, and the cache entry to store.
type FileOutcome = (
    Result<Option<FileScan>, FileError>,
    Option<(String, cache::Entry)>,
);

/// Scans every Python file under `paths`: each file is read and analysed on the walker's
/// threads as soon as it is found, with its closest configuration; results are sorted
/// afterwards, so output never depends on thread timing. A configuration file that cannot be
/// used is one error, and its files are not scanned.
pub fn scan(paths: &[PathBuf], configs: &Configs, options: ScanOptions<'_>) -> ScanResult {
    let cwd = std::env::current_dir().unwrap_or_default();
    let cache = options
        .cache
        .then(|| Cache::open(configs.root(), options.cache_dir));
    let outcomes: Mutex<Vec<(PathBuf, FileOutcome)>> = Mutex::new(Vec::new());
    let broken: Mutex<Vec<std::sync::Arc<ConfigError>>> = Mutex::new(Vec::new());
    let walked = visit(paths, configs, options.walk, &|path| {
        let outcome = match configs.for_file(path) {
            Ok(config) => scan_file(path, &cwd, &config, cache.as_ref()),
            Err(err) => {
                broken
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .push(err);
                (Ok(None), None)
            }
        };
        outcomes
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push((path.to_path_buf(), outcome));
        if let Some(progress) = options.progress {
            progress.file_done();
        }
    });
    if let Some(progress) = options.progress {
        progress.finish();
    }
    let mut outcomes = outcomes
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    // A file reached by two of the given paths is reported once.
    // (Bytes, not `Path::cmp`: comparing component by component is slow on thousands of paths.)
    outcomes.sort_by(|a, b| a.0.as_os_str().cmp(b.0.as_os_str()));
    outcomes.dedup_by(|a, b| a.0 == b.0);

    let mut errors: Vec<FileError> = walked
        .errors
        .iter()
        .map(|(path, message)| FileError {
            display: display_path(path, &cwd),
            message: message.clone(),
        })
        .collect();
    let mut broken = broken
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    broken.sort_by(|a, b| a.path().cmp(b.path()));
    broken.dedup_by(|a, b| a.path() == b.path());
    errors.extend(broken.iter().map(|err| FileError {
        display: display_path(err.path(), &cwd),
        message: match err.as_ref() {
            ConfigError::Invalid { line, message, .. } => {
                format!("line {line}: {message} (the files it configures are not scanned)")
            }
            ConfigError::Read { source, .. } => {
                format!("cannot read: {source} (the files it configures are not scanned)")
            }
        },
    }));
    let mut files = Vec::new();
    let mut updates = Vec::new();
    for (_, (outcome, update)) in outcomes {
        updates.extend(update);
        match outcome {
            Ok(Some(file)) => files.push(file),
            Ok(None) => {}
            Err(err) => errors.push(err),
        }
    }
    let mut warnings = Vec::new();
    if let Some(cache) = cache
        && let Err(message) = cache.save(updates)
    {
        // A cache that cannot be written costs speed, not correctness: a warning, not an error.
        warnings.push(message);
    }
    files.sort_by(|a, b| a.display.cmp(&b.display));
    errors.sort_by(|a, b| a.display.cmp(&b.display));
    let verdicts = judge_consumers(&mut files, configs);
    files.retain(|f| !f.sites.is_empty());
    ScanResult {
        files_scanned: walked.files.len(),
        files,
        errors,
        warnings,
        verdicts,
    }
}

/// The cross-file step, after every file is in (cached or not): each site's flow looked up
/// in the repository's consumers, and the verdicts applied to the sites.
fn judge_consumers(files: &mut [FileScan], configs: &Configs) -> Verdicts {
    let facts: Vec<(String, FileFacts)> = files
        .iter_mut()
        .map(|f| (f.display.clone(), std::mem::take(&mut f.facts)))
        .collect();
    let index = RepoIndex::new(&facts);
    let mut verdicts = Verdicts::default();
    for (i, file) in files.iter_mut().enumerate() {
        // Each file is judged with its own configuration, as it was scanned.
        let Ok(config) = configs.for_file(&file.path) else {
            continue;
        };
        let config = config.as_ref();
        let flows = &facts[i].1.flows;
        let mut found = Vec::new();
        for site in &mut file.sites {
            let flow = flows
                .binary_search_by_key(&site.offset, |f| f.offset)
                .ok()
                .map(|at| &flows[at]);
            let reasons = index.reasons(i, site, flow, config);
            if !reasons.is_empty() {
                found.push((site.offset, reasons.clone()));
                crate::consumers::apply(site, reasons);
            }
        }
        if !found.is_empty() {
            verdicts.by_file.insert(
                config.relative(&file.path).to_string_lossy().into_owned(),
                found,
            );
        }
    }
    verdicts
}

/// Scans one file, from the cache when it is unchanged; also returns the cache entry to store.
/// `cwd` is for the path shown, worked out only for a file with sites or a problem.
pub fn scan_file(path: &Path, cwd: &Path, config: &Config, cache: Option<&Cache>) -> FileOutcome {
    let error = |message: String| FileError {
        display: display_path(path, cwd),
        message,
    };
    // With the cache, a `stat` decides whether the file needs reading at all; without it, one
    // open and one fstat (a second path lookup shows on thousands of files).
    let (metadata, file) = match cache {
        Some(_) => match std::fs::metadata(path) {
            Ok(metadata) => (metadata, None),
            Err(e) => return (Err(error(read::io_message(&e))), None),
        },
        None => match std::fs::File::open(path).and_then(|f| Ok((f.metadata()?, Some(f)))) {
            Ok(opened) => opened,
            Err(e) => return (Err(error(read::io_message(&e))), None),
        },
    };
    let stamp = cache.map(|_| cache::Stamp::new(path, cwd, &metadata, config));
    let found = |sites: Vec<Site>, facts: FileFacts| {
        (!sites.is_empty() || !facts.is_empty()).then(|| FileScan {
            path: path.to_path_buf(),
            display: display_path(path, cwd),
            sites,
            facts,
        })
    };
    if let (Some(cache), Some(stamp)) = (cache, &stamp)
        && let Some((sites, facts)) = cache.lookup(stamp)
    {
        return (Ok(found(sites.to_vec(), facts.clone())), None);
    }
    let file = match file {
        Some(file) => file,
        None => match std::fs::File::open(path) {
            Ok(file) => file,
            Err(e) => return (Err(error(read::io_message(&e))), None),
        },
    };
    match read_and_analyze(path, file, &metadata, config) {
        Ok((sites, facts)) => {
            let update = cache
                .zip(stamp.as_ref())
                .and_then(|(c, s)| c.entry(s, &sites, &facts));
            (Ok(found(sites, facts)), update)
        }
        Err(message) => (Err(error(message)), None),
    }
}

fn read_and_analyze(
    path: &Path,
    file: std::fs::File,
    metadata: &std::fs::Metadata,
    config: &Config,
) -> Result<(Vec<Site>, FileFacts), String> {
    let needles = crate::consumers::index::needles(uuid_types(config));
    let wanted =
        |raw: &[u8]| may_contain_site(raw) || crate::consumers::index::may_declare(raw, &needles);
    let Some(raw) = read::read_opened(file, metadata, config, wanted)? else {
        return Ok((Vec::new(), FileFacts::default()));
    };
    let has_site = may_contain_site(&raw);
    let source = SourceFile::decode(raw).map_err(|e| e.to_string())?;
    if has_site {
        let (sites, facts) = analyze_parts(
            &source,
            &config.relative(path),
            config,
            ParseStrategy::Sliced,
            true,
        )?;
        if !sites.is_empty() {
            return Ok((sites, facts));
        }
    }
    Ok((Vec::new(), declarations(&source.text, config)))
}

/// The UUID type names the configuration adds to the built-in ones.
fn uuid_types(config: &Config) -> UuidTypes<'_> {
    UuidTypes::new(&config.consumers.uuid_types)
}

/// What a file without sites declares: only the lines that can declare a consumer are parsed.
fn declarations(text: &str, config: &Config) -> FileFacts {
    let budget =
        (config.parse_timeout_ms > 0).then(|| Duration::from_millis(config.parse_timeout_ms));
    let needles = crate::consumers::index::needles(uuid_types(config));
    let tree = match crate::syntax::slice::plan_containing(text, &needles) {
        Some(ranges) if ranges.is_empty() => return FileFacts::default(),
        Some(ranges) => match parse_ranges(text, &ranges, budget) {
            Ok(tree) if !tree.root_node().has_error() => tree,
            _ => match parse(text, budget) {
                Ok(tree) => tree,
                Err(_) => return FileFacts::default(),
            },
        },
        None => match parse(text, budget) {
            Ok(tree) => tree,
            Err(_) => return FileFacts::default(),
        },
    };
    let (index, _) = crate::consumers::index::extract(&tree, text.as_bytes(), uuid_types(config));
    FileFacts {
        index,
        flows: Vec::new(),
    }
}

/// How much of a file to parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseStrategy {
    /// Only the statements that can matter (see `slice`), falling back to the whole file.
    Sliced,
    /// The whole file.
    Full,
}

/// Finds and classifies every site of one decoded file.
pub fn analyze(source: &SourceFile, rel_path: &Path, config: &Config) -> Result<Vec<Site>, String> {
    analyze_with(source, rel_path, config, ParseStrategy::Sliced)
}

pub fn analyze_with(
    source: &SourceFile,
    rel_path: &Path,
    config: &Config,
    strategy: ParseStrategy,
) -> Result<Vec<Site>, String> {
    analyze_parts(source, rel_path, config, strategy, false).map(|(sites, _)| sites)
}

/// Finds and classifies every site; with `with_facts`, also what the file declares and where
/// each site's value goes (worth it only on a whole-file parse).
fn analyze_parts(
    source: &SourceFile,
    rel_path: &Path,
    config: &Config,
    strategy: ParseStrategy,
    with_facts: bool,
) -> Result<(Vec<Site>, FileFacts), String> {
    let text = source.text.as_str();
    let src = text.as_bytes();
    let budget =
        (config.parse_timeout_ms > 0).then(|| Duration::from_millis(config.parse_timeout_ms));
    let sliced = match strategy {
        ParseStrategy::Sliced if with_facts => {
            let needles = crate::consumers::index::needles(uuid_types(config));
            crate::syntax::slice::plan_for_flow(text, config, &needles)
        }
        ParseStrategy::Sliced => crate::syntax::slice::plan(text, config),
        ParseStrategy::Full => None,
    };
    let tree = match sliced {
        Some(ranges) if ranges.is_empty() => return Ok((Vec::new(), FileFacts::default())),
        Some(ranges) => match parse_ranges(text, &ranges, budget) {
            Ok(tree) if !tree.root_node().has_error() => tree,
            _ => parse(text, budget).map_err(|e| e.to_string())?,
        },
        None => parse(text, budget).map_err(|e| e.to_string())?,
    };
    let mut lines = LineIndex::new(text);
    let mut sites = Vec::new();
    // One statement can hold thousands of sites (a long literal): it is normalised, shortened
    // for display and hashed once per scope, not once per site. Its fingerprint masks every
    // site's expression (and every generator call), so it is known only after all its sites.
    let mut statements: FxHashMap<StatementKey, Statement<'_>> = FxHashMap::default();
    let mut keys = Vec::new();
    let mut last_suppression: Option<(
        usize,
        crate::model::SiteKind,
        Option<crate::model::Suppression>,
    )> = None;
    let found_sites = find_sites(&tree, text);
    let (index, names) = if with_facts {
        crate::consumers::index::extract(&tree, src, uuid_types(config))
    } else {
        Default::default()
    };
    let mut file_flow = FileFlow::new(&tree, src, &names, uuid_types(config));
    let mut flows = Vec::new();
    for found in found_sites {
        let mut classified = classify(&found, src, rel_path, config);
        if with_facts {
            let (start, sample) = value_and_sample(
                &classified.value,
                classified.classification.prefix.as_deref(),
                &config.consumers.target_format,
                src,
            );
            let steps = file_flow.follow(&found.parents, start);
            if !steps.is_empty() || !index.pins.is_empty() {
                flows.push(SiteFlow {
                    offset: source.raw_offset(found.node.start_byte()),
                    steps,
                    sample,
                });
            }
        }
        let node = found.node;
        let start = lines.position(node.start_byte());
        let end = lines.position(found.expr.end_byte());
        let line_text = lines.line(node.start_byte());
        let line_start = lines.line_start(node.start_byte());
        // Sites on one line share its suppression comment: read it once per line and kind.
        let suppressed = match &last_suppression {
            Some((at, kind, known)) if *at == line_start && *kind == found.kind => known.clone(),
            _ => {
                let known = suppression(line_text, found.kind, rel_path, config);
                last_suppression = Some((line_start, found.kind, known.clone()));
                known
            }
        };
        let shown_line =
            LineWindow::around(line_text, node.start_byte() - line_start, start.column);
        let edit = if classified.classification.fixable {
            match crate::plan::plan_fix(&classified, src, config) {
                Ok(planned) => {
                    classified.classification.reasons.extend(planned.typed_call);
                    Some(planned.edit)
                }
                Err(reason) => {
                    classified.classification.fixable = false;
                    classified.classification.reasons.push(reason);
                    None
                }
            }
        } else {
            None
        };
        if let Some(reason) = &suppressed {
            classified
                .classification
                .reasons
                .push(crate::model::Reason::Suppressed(reason.clone()));
        }
        let scope = scope_path(&found.parents, node, src);
        let (stmt, stmt_end) = statement_of(&found.parents, node);
        let key = (stmt.id(), stmt_end);
        let masked = match &edit {
            Some(edit) => edit.start..edit.end,
            None => classified.value.node.byte_range(),
        };
        statements
            .entry(key)
            .or_insert_with(|| Statement {
                node: stmt,
                end: stmt_end,
                masks: Vec::new(),
            })
            .masks
            .push(masked);
        keys.push(key);
        sites.push(Site {
            offset: source.raw_offset(node.start_byte()),
            start,
            end,
            kind: found.kind,
            binding: found.binding,
            code: crate::syntax::node_text(found.expr, src).to_owned(),
            line_text: shown_line.text,
            indent: shown_line.before,
            line_cut: shown_line.cut,
            scope,
            statement: String::new(),
            fingerprint: String::new(),
            legacy_fingerprint: String::new(),
            in_error_region: found.in_error_region,
            suppressed,
            edit: edit.map(|e| e.in_file(source)),
            classification: classified.classification,
        });
    }
    fingerprint_sites(&mut sites, &keys, statements, src, config);
    flows.retain(|f| !f.steps.is_empty());
    flows.sort_by_key(|f| f.offset);
    Ok((sites, FileFacts { index, flows }))
}

/// A statement by its node and where its text ends (a compound statement ends at its body).
type StatementKey = (usize, usize);

/// A statement holding sites, and the expressions its fingerprint masks.
struct Statement<'t> {
    node: Node<'t>,
    end: usize,
    masks: Vec<std::ops::Range<usize>>,
}

/// Fills in each site's statement and fingerprints, once per statement and scope.
fn fingerprint_sites(
    sites: &mut [Site],
    keys: &[StatementKey],
    mut statements: FxHashMap<StatementKey, Statement<'_>>,
    src: &[u8],
    config: &Config,
) {
    let binding = config.generator_binding();
    // Per statement: the text shown in the baseline, the legacy (version 1) text, the masked text.
    let mut texts: FxHashMap<StatementKey, (String, String, String)> = FxHashMap::default();
    let mut hashes: FxHashMap<(StatementKey, String), (String, String)> = FxHashMap::default();
    for (site, key) in sites.iter_mut().zip(keys) {
        let (shown, legacy, masked) = texts.entry(*key).or_insert_with(|| {
            let statement = statements
                .get_mut(key)
                .expect("every key has its statement");
            let full = normalized_statement(statement.node, statement.end, src, &[]);
            let mut masks = std::mem::take(&mut statement.masks);
            masks.extend(generator_calls(statement.node, statement.end, src, binding));
            let masked = normalized_statement(statement.node, statement.end, src, &masks);
            (shortened(&full), full, masked)
        });
        let (fingerprint, legacy_fingerprint) =
            hashes.entry((*key, site.scope.clone())).or_insert_with(|| {
                (
                    fingerprint_of(&site.scope, masked),
                    fingerprint_of(&site.scope, legacy),
                )
            });
        site.statement = shown.clone();
        site.fingerprint = fingerprint.clone();
        site.legacy_fingerprint = legacy_fingerprint.clone();
    }
}

/// The part of a site's line that a report shows: the line without its indentation, or, for a
/// line longer than `LineWindow::MAX` characters, a window around the site with `…` where it
/// is cut. Output stays linear in the sites however long one line is.
struct LineWindow {
    text: String,
    /// Characters of the line before `text` (its indentation, or everything cut at the left).
    before: usize,
    /// Whether the line is cut at the left (then `text` starts with `…`).
    cut: bool,
}

impl LineWindow {
    /// Longest line shown whole, in bytes.
    const MAX: usize = 240;
    /// Bytes kept before the site when a line is cut.
    const LEFT: usize = 80;

    /// `line` holds the site at byte `site_at`, at 1-based character column `column`.
    fn around(line: &str, site_at: usize, column: usize) -> LineWindow {
        let line = line.trim_end_matches(['\r', '\n']);
        let body = line.trim_start();
        let indent_bytes = line.len() - body.len();
        if body.len() <= Self::MAX {
            return LineWindow {
                text: body.to_owned(),
                before: line[..indent_bytes].chars().count(),
                cut: false,
            };
        }
        let floor = |mut at: usize| {
            while !line.is_char_boundary(at) {
                at -= 1;
            }
            at
        };
        let start = floor(site_at.saturating_sub(Self::LEFT).max(indent_bytes));
        let end = floor((start + Self::MAX).min(line.len()));
        let cut = start > indent_bytes;
        let mut text = String::with_capacity(end - start + 8);
        if cut {
            text.push('…');
        }
        text.push_str(&line[start..end]);
        if end < line.len() {
            text.push('…');
        }
        LineWindow {
            text,
            // Counted back from the site's column: only the window's characters are counted.
            before: column - 1 - line[start..site_at].chars().count(),
            cut,
        }
    }
}

/// Byte offset -> line and character column. Line starts are found only as far as the
/// offsets asked for, so a large file with its sites near the top is not scanned to its end.
struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
    /// Every line start at or before this offset is in `starts`.
    scanned: usize,
    /// The last position worked out, as (offset, line, column): the next one on the same line
    /// counts characters from there, so a line of thousands of sites is not counted again for
    /// each.
    last: Option<(usize, usize, usize)>,
}

impl<'a> LineIndex<'a> {
    fn new(text: &'a str) -> Self {
        LineIndex {
            text,
            starts: vec![0],
            scanned: 0,
            last: None,
        }
    }

    fn line_number(&mut self, offset: usize) -> usize {
        if offset > self.scanned {
            let bytes = self.text.as_bytes();
            let from = self.scanned;
            self.starts
                .extend(memchr::memchr_iter(b'\n', &bytes[from..offset]).map(|i| from + i + 1));
            self.scanned = offset;
        }
        self.starts.partition_point(|&s| s <= offset)
    }

    fn position(&mut self, offset: usize) -> Position {
        let line = self.line_number(offset);
        let column = match self.last {
            Some((at, last_line, column)) if last_line == line && at <= offset => {
                column + self.text[at..offset].chars().count()
            }
            _ => self.text[self.starts[line - 1]..offset].chars().count() + 1,
        };
        self.last = Some((offset, line, column));
        Position { line, column }
    }

    /// The byte offset where the line holding `offset` starts.
    fn line_start(&mut self, offset: usize) -> usize {
        let line = self.line_number(offset);
        self.starts[line - 1]
    }

    fn line(&mut self, offset: usize) -> &'a str {
        let line = self.line_number(offset);
        let start = self.starts[line - 1];
        let text = self.text;
        let end = memchr::memchr(b'\n', &text.as_bytes()[offset..])
            .map_or(text.len(), |i| offset + i + 1);
        &text[start..end]
    }
}

impl ScanResult {
    /// The sites that pass the filter, in path and offset order.
    pub fn select(&self, filter: &Filter) -> Vec<ReportedSite<'_>> {
        let mut out = Vec::new();
        for file in &self.files {
            for site in &file.sites {
                if filter.matches(site) {
                    out.push(ReportedSite {
                        path: &file.display,
                        site,
                        baseline: None,
                    });
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefilter_skips_comment_only_mentions() {
        assert!(!may_contain_site(b"# uuid4 here\n    # and uuid4\n"));
        assert!(may_contain_site(b"# c\nx = uuid4()\n"));
    }

    #[test]
    fn fingerprint_statement_is_the_decorator_or_header_without_comments() {
        let text = "import uuid\n\n@pytest.mark.parametrize(\"x\", [uuid.uuid4()])\ndef test_a(x):\n    y = 1\n\ndef f():\n    call(\n        str(uuid.uuid4()),  # a note\n    )\n";
        let source = SourceFile::decode(text.as_bytes().to_vec()).unwrap();
        let sites = analyze(&source, Path::new("t.py"), &Config::default()).unwrap();
        let statements: Vec<&str> = sites.iter().map(|s| s.statement.as_str()).collect();
        assert_eq!(
            statements,
            [
                "@pytest.mark.parametrize(\"x\",[uuid.uuid4()])",
                "call(str(uuid.uuid4()))"
            ]
        );
    }

    #[test]
    fn long_statements_are_cut_for_display_and_hashed_whole() {
        let entries: String = (0..40)
            .map(|i| format!("    'key_{i}': str(uuid.uuid4()),\n"))
            .collect();
        let text = format!("import uuid\nD = {{\n{entries}}}\nE = {{\n{entries}    'x': 1,\n}}\n");
        let source = SourceFile::decode(text.into_bytes()).unwrap();
        let sites = analyze(&source, Path::new("t.py"), &Config::default()).unwrap();
        assert_eq!(sites.len(), 80);
        for site in &sites {
            assert_eq!(site.statement.chars().count(), 201);
            assert!(site.statement.ends_with('…'));
        }
        // One fingerprint per statement, and the two statements differ only after the cut.
        assert_eq!(sites[0].statement[2..], sites[40].statement[2..]);
        assert!(
            sites[..40]
                .iter()
                .all(|s| s.fingerprint == sites[0].fingerprint)
        );
        assert!(
            sites[40..]
                .iter()
                .all(|s| s.fingerprint == sites[40].fingerprint)
        );
        assert_ne!(sites[0].fingerprint, sites[40].fingerprint);
    }
}
