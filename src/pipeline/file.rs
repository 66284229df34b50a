//! Scanning one file: from the cache when it is unchanged, otherwise read, prefiltered and
//! analysed; a file without sites yields only what it declares for the consumer analysis.

use std::path::Path;
use std::time::Duration;

use super::analyze::{ParseStrategy, analyze_parts, uuid_types};
use super::cache::{self, Cache};
use super::{FileError, FileOutcome, FileScan, may_contain_site, read};
use crate::config::Config;
use crate::consumers::FileFacts;
use crate::model::Site;
use crate::syntax::parse::{SourceFile, parse, parse_ranges};
use crate::util::paths::display_path;

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
            Err(e) => return FileOutcome::failed(error(read::io_message(&e))),
        },
        None => match std::fs::File::open(path).and_then(|f| Ok((f.metadata()?, Some(f)))) {
            Ok(opened) => opened,
            Err(e) => return FileOutcome::failed(error(read::io_message(&e))),
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
        return FileOutcome {
            scan: Ok(found(sites.to_vec(), facts.clone())),
            cache_update: None,
        };
    }
    let file = match file {
        Some(file) => file,
        None => match std::fs::File::open(path) {
            Ok(file) => file,
            Err(e) => return FileOutcome::failed(error(read::io_message(&e))),
        },
    };
    match read_and_analyze(path, file, &metadata, config) {
        Ok((sites, facts)) => {
            let update = cache
                .zip(stamp.as_ref())
                .and_then(|(c, s)| c.entry(s, &sites, &facts));
            FileOutcome {
                scan: Ok(found(sites, facts)),
                cache_update: update,
            }
        }
        Err(message) => FileOutcome::failed(error(message)),
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

/// What a file without sites declares: only the lines that can declare a consumer are parsed.
fn declarations(text: &str, config: &Config) -> FileFacts {
    let budget =
        (config.parse_timeout_ms > 0).then(|| Duration::from_millis(config.parse_timeout_ms));
    let needles = crate::consumers::index::needles(uuid_types(config));
    let _in_flight = crate::util::in_flight::ANALYSIS.acquire(text.len() as u64);
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
