//! A rewrite over files: walk the paths given, rewrite every Python file in memory in parallel
//! with its closest configuration, and keep each file inside the paths that were asked for.

use rayon::prelude::*;
use std::path::{Path, PathBuf};

use super::{FileOutcome, FileRewrite, RewriteOptions, RewriteRun, rewrite_source};
use crate::config::{Config, Configs};
use crate::pipeline::FileError;
use crate::pipeline::walk::{WalkOptions, walk};
use crate::util::paths::display_path;

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
