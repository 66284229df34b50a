//! Which files to scan: ripgrep's walker (`.gitignore`, `.ignore`, hidden files), `*.py` and
//! `*.pyi`, configured include/exclude globs (those of the closest configuration of the directory
//! holding the entry), and every file named explicitly; never our own temporary files
//! (`.uuid-migrate-tmp-*`, left by a killed `--write`).

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::config::Configs;
use crate::util::fs::is_temporary;

/// Options of the walk that come from the command line.
#[derive(Debug, Clone, Copy, Default)]
pub struct WalkOptions {
    pub no_ignore: bool,
    pub hidden: bool,
    pub follow_links: bool,
}

/// The files to scan, sorted, and the problems met on the way (one line each).
#[derive(Debug, Default)]
pub struct WalkResult {
    pub files: Vec<PathBuf>,
    pub errors: Vec<(PathBuf, String)>,
}

fn is_python(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "py" || e == "pyi")
}

/// Collects the files to scan, sorted and without duplicates.
pub fn walk(paths: &[PathBuf], configs: &Configs, options: WalkOptions) -> WalkResult {
    visit(paths, configs, options, &|_| {})
}

/// Walks `paths` and calls `on_file` for every file to scan as soon as it is found, on the
/// walker's threads (files named explicitly are handed out in parallel too), so reading and
/// analysing overlap the walk. A file reached twice (`a.py` and `.`) is visited twice; the
/// returned list is sorted and deduplicated.
pub fn visit(
    paths: &[PathBuf],
    configs: &Configs,
    options: WalkOptions,
    on_file: &(dyn Fn(&Path) + Sync),
) -> WalkResult {
    use rayon::prelude::*;
    let mut result = WalkResult::default();
    let mut explicit = Vec::new();
    for root in paths {
        let metadata = match std::fs::metadata(root) {
            Ok(m) => m,
            Err(err) => {
                let message = if err.kind() == std::io::ErrorKind::NotFound {
                    "no such file or directory".to_owned()
                } else {
                    err.to_string()
                };
                result.errors.push((root.clone(), message));
                continue;
            }
        };
        if metadata.is_file() {
            // Named explicitly: always scanned, whatever its extension or ignore rules.
            explicit.push(root.clone());
            continue;
        }
        let found = walk_dir(root, configs, options, on_file);
        if found.files.is_empty() && found.errors.is_empty() {
            result.errors.push((
                root.clone(),
                "no Python files (*.py, *.pyi) found here".to_owned(),
            ));
        }
        result.files.extend(found.files);
        result.errors.extend(found.errors);
    }
    explicit.par_iter().for_each(|path| on_file(path));
    result.files.extend(explicit);
    // By bytes: `Path::cmp` goes component by component, slow on thousands of paths.
    result
        .files
        .sort_by(|a, b| a.as_os_str().cmp(b.as_os_str()));
    result.files.dedup();
    result
}

fn walk_dir(
    root: &Path,
    configs: &Configs,
    options: WalkOptions,
    on_file: &(dyn Fn(&Path) + Sync),
) -> WalkResult {
    let mut builder = ignore::WalkBuilder::new(root);
    builder
        .hidden(!options.hidden)
        .ignore(!options.no_ignore)
        .git_ignore(!options.no_ignore)
        .git_global(!options.no_ignore)
        .git_exclude(!options.no_ignore)
        .parents(!options.no_ignore)
        .require_git(false)
        .follow_links(options.follow_links);
    let excluding = configs.clone();
    builder.filter_entry(move |entry| {
        // A configuration that cannot be read excludes nothing: the files under it are
        // reported with its error when they are scanned.
        // Our own temporary files (a `--write` killed mid-file) are never scanned.
        entry.depth() == 0
            || !is_temporary(entry.file_name())
                && excluding.for_file(entry.path()).map_or(true, |config| {
                    config.exclude.is_empty()
                        || !config
                            .exclude
                            .is_match(config.relative(entry.path()).as_ref())
                })
    });
    let collected = Mutex::new(WalkResult::default());
    builder.build_parallel().run(|| {
        let collected = &collected;
        Box::new(move |entry| {
            match entry {
                Ok(entry) => {
                    let is_file = entry.file_type().is_some_and(|t| t.is_file());
                    if is_file && is_python(entry.path()) {
                        let included = configs.for_file(entry.path()).map_or(true, |config| {
                            config.include.as_ref().is_none_or(|include| {
                                include.is_match(config.relative(entry.path()).as_ref())
                            })
                        });
                        if included {
                            on_file(entry.path());
                            lock(collected).files.push(entry.into_path());
                        }
                    }
                }
                Err(err) => {
                    let (path, message) = describe_walk_error(&err);
                    lock(collected)
                        .errors
                        .push((path.unwrap_or_else(|| root.to_path_buf()), message));
                }
            }
            ignore::WalkState::Continue
        })
    });
    collected
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn lock(m: &Mutex<WalkResult>) -> std::sync::MutexGuard<'_, WalkResult> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn describe_walk_error(err: &ignore::Error) -> (Option<PathBuf>, String) {
    match err {
        ignore::Error::WithPath { path, err } => (Some(path.clone()), describe_walk_error(err).1),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            describe_walk_error(err)
        }
        ignore::Error::Loop { child, ancestor } => (
            Some(child.clone()),
            format!("symbolic link loop back to {}: skipped", ancestor.display()),
        ),
        ignore::Error::Io(io) if io.kind() == std::io::ErrorKind::PermissionDenied => {
            (None, "permission denied: skipped".to_owned())
        }
        other => (None, other.to_string()),
    }
}
