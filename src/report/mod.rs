//! Rendering: the only code that turns results into text for people and tools.

pub mod github;
pub mod json;
pub mod markdown;
pub mod progress;
pub mod sarif;
pub mod text;

use std::collections::BTreeMap;

use crate::model::{BaselineStatus, ConsumerEvidence, ReportedSite, ShownConsumer, Verdict};
use crate::pipeline::FileError;

/// Sites per chunk of a report rendered in parallel.
const CHUNK: usize = 256;
/// Chunks rendered at once, then written: the text of a report is never held whole.
const BATCH: usize = 64;

/// Writes the text `render` gives for each chunk of `items`, in order, with `separator`
/// between non-empty chunks; the chunks of a batch are rendered in parallel.
fn write_in_chunks<T: Sync>(
    items: &[T],
    separator: &[u8],
    render: impl Fn(&[T]) -> String + Sync,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    use rayon::prelude::*;
    let mut first = true;
    for batch in items.chunks(CHUNK * BATCH) {
        let texts: Vec<String> = batch.par_chunks(CHUNK).map(&render).collect();
        for text in texts.iter().filter(|t| !t.is_empty()) {
            if !first {
                out.write_all(separator)?;
            }
            first = false;
            out.write_all(text.as_bytes())?;
        }
    }
    Ok(())
}

/// Everything a report renders.
#[derive(Debug)]
pub struct Report<'a> {
    pub files_scanned: usize,
    pub sites: Vec<ReportedSite<'a>>,
    pub errors: &'a [FileError],
    /// Baselined sites no longer found, when a baseline is used.
    pub fixed_since_baseline: Option<usize>,
}

/// Counts over the reported, unsuppressed sites.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Summary {
    pub files_scanned: usize,
    pub files_with_sites: usize,
    pub sites: usize,
    pub by_id_type: BTreeMap<String, usize>,
    pub by_risk: BTreeMap<String, usize>,
    pub by_phase: BTreeMap<String, usize>,
    pub by_area: BTreeMap<String, usize>,
    pub suppressed: usize,
    pub fixable: usize,
}

impl Report<'_> {
    pub fn summary(&self) -> Summary {
        let mut summary = Summary {
            files_scanned: self.files_scanned,
            ..Summary::default()
        };
        let mut files = std::collections::BTreeSet::new();
        for reported in &self.sites {
            let site = reported.site;
            if site.is_suppressed() {
                summary.suppressed += 1;
                continue;
            }
            let c = &site.classification;
            files.insert(reported.path);
            summary.sites += 1;
            *summary
                .by_id_type
                .entry(c.id_type.as_str().to_owned())
                .or_default() += 1;
            *summary
                .by_risk
                .entry(c.risk.as_str().to_owned())
                .or_default() += 1;
            *summary.by_phase.entry(c.phase.to_string()).or_default() += 1;
            *summary
                .by_area
                .entry(c.area.as_str().to_owned())
                .or_default() += 1;
            summary.fixable += usize::from(c.fixable);
        }
        summary.files_with_sites = files.len();
        summary
    }

    /// Sites and files per top-level directory, like a migration plan's "service: N sites in M files".
    pub fn by_directory(&self) -> Vec<(String, usize, usize)> {
        let visible: Vec<&ReportedSite<'_>> = self
            .sites
            .iter()
            .filter(|r| !r.site.is_suppressed())
            .collect();
        let common = common_dir(visible.iter().map(|r| r.path));
        let mut dirs: BTreeMap<String, (usize, std::collections::BTreeSet<&str>)> = BTreeMap::new();
        for reported in visible {
            let top = top_level(&reported.path[common.len()..]);
            let entry = dirs.entry(top).or_default();
            entry.0 += 1;
            entry.1.insert(reported.path);
        }
        dirs.into_iter()
            .map(|(dir, (sites, files))| (dir, sites, files.len()))
            .collect()
    }

    /// Sites that make the run fail: unsuppressed, and new when a baseline is used.
    pub fn violations(&self) -> usize {
        self.sites
            .iter()
            .filter(|r| !r.site.is_suppressed() && r.baseline != Some(BaselineStatus::Baselined))
            .count()
    }
}

/// What a consumer is and where, for people: `consumer: field `A.id` (uuid-annotation) at
/// app/models.py:8`.
pub fn consumer_summary(c: &ShownConsumer<'_>) -> String {
    let lead = match (c.verdict, c.evidence) {
        (Verdict::Blocks, ConsumerEvidence::Resolved) => "consumer",
        (Verdict::Blocks, ConsumerEvidence::Possible) => "possible consumer (by name only)",
        (Verdict::Accepts, _) => "format check",
    };
    format!("{lead}: {}", consumer_place(c))
}

/// `field `A.id` (uuid-annotation) at app/models.py:8`.
pub fn consumer_place(c: &ShownConsumer<'_>) -> String {
    format!("{} ({}) at {}:{}", c.what, c.kind.as_str(), c.path, c.line)
}

/// `services/ws/types.py` -> `services/`; a file at the top -> `./`.
pub fn top_level(path: &str) -> String {
    match path.split_once('/') {
        Some((dir, _)) => format!("{dir}/"),
        None => "./".to_owned(),
    }
}

/// The directory prefix (ending in `/`) shared by every path, so that tables group by the
/// scanned tree's own top-level folders.
fn common_dir<'a>(paths: impl Iterator<Item = &'a str>) -> String {
    let mut common: Option<&str> = None;
    for path in paths {
        let dir = path.rfind('/').map_or("", |i| &path[..=i]);
        common = Some(match common {
            None => dir,
            Some(c) => {
                let shared = c
                    .bytes()
                    .zip(dir.bytes())
                    .take_while(|(a, b)| a == b)
                    .count();
                c[..shared].rfind('/').map_or("", |i| &c[..=i])
            }
        });
    }
    common.unwrap_or_default().to_owned()
}
