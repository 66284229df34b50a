//! The per-file pipeline and the parallel run over all files:
//! read -> prefilter -> decode -> parse -> sites -> classify -> fix plan.
//!
//! This module holds the run over all files (`scan`) and the cross-file consumer step;
//! `file` scans one file (cache, read, analyse); `analyze` finds, classifies and fingerprints
//! the sites of one decoded file; `lines` maps offsets to lines and cuts long lines for display.

mod analyze;
pub mod cache;
mod file;
mod lines;
pub mod read;
pub mod walk;

pub use analyze::{ParseStrategy, analyze, analyze_with};
pub use file::scan_file;
pub use read::may_contain_site;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::config::{ConfigError, Configs};
use crate::consumers::{FileFacts, RepoIndex, Verdicts};
use crate::model::Site;
use crate::model::{Filter, ReportedSite};
use crate::util::paths::display_path;
use cache::Cache;
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
#[derive(Debug)]
pub struct FileOutcome {
    /// The file's sites and facts (`None`: nothing worth keeping), or the problem with it.
    pub scan: Result<Option<FileScan>, FileError>,
    /// The cache entry to store for the file, when it was read and analysed.
    pub cache_update: Option<(String, cache::Entry)>,
}

impl FileOutcome {
    /// A file that could not be scanned: its error, nothing to cache.
    fn failed(error: FileError) -> Self {
        FileOutcome {
            scan: Err(error),
            cache_update: None,
        }
    }
}

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
                FileOutcome {
                    scan: Ok(None),
                    cache_update: None,
                }
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
    for (_, outcome) in outcomes {
        updates.extend(outcome.cache_update);
        match outcome.scan {
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
