//! Reading blobs and judging each distinct one once.
//!
//! A blob is read at most once per run, and not at all when the persistent cache knows it. What
//! can be said of its bytes alone (size, binary, whether `uuid4` appears outside a comment) is
//! kept per blob id; the sites of a blob that may hold some are kept per blob id, configuration
//! and [`PathClass`], because a site's area, risk and phase depend on its path only through the
//! configured globs. So a renamed or copied file costs nothing when its globs match alike.
//!
//! The analysis is `scan`'s own: the same prefilter, `SourceFile::decode` and `scan::analyze`.

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::Arc;

use gix::ObjectId;

use super::cache::BlobCache;
use crate::config::Config;
use crate::model::{Area, IdType, Risk, Site};
use crate::pipeline::may_contain_site;
use crate::syntax::parse::{DecodeError, SourceFile, looks_binary};

/// What the counts need of one site: its judgements, not its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteTally {
    pub fixable: bool,
    pub suppressed: bool,
    pub id_type: IdType,
    pub risk: Risk,
    pub phase: u32,
    pub area: Area,
}

impl SiteTally {
    fn of(site: &Site) -> SiteTally {
        let c = &site.classification;
        SiteTally {
            fixable: c.fixable,
            suppressed: site.is_suppressed(),
            id_type: c.id_type,
            risk: c.risk,
            phase: c.phase,
            area: c.area,
        }
    }
}

/// What a blob's bytes say, whatever the configuration and the path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Content {
    /// No `uuid4` outside a comment line: no site.
    Quiet,
    /// NUL bytes: not Python source.
    Binary,
    /// May hold sites: analysed per configuration and path class.
    Candidate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    pub len: u64,
    pub content: Content,
}

/// Index of a configuration in the run's list of configurations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConfigId(pub u32);

/// Which of the path-dependent globs of a configuration a path matches (test paths, high-risk
/// paths, phase rules): two paths of the same class get the same sites from the same blob.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PathClass(Box<[u32]>);

impl PathClass {
    pub fn of(config: &Config, rel_path: &Path) -> PathClass {
        let mut matched = Vec::new();
        if config.is_test_path(rel_path) {
            matched.push(0);
        }
        let mut index = 1;
        for (_, matcher) in &config.high_risk_paths {
            if matcher.is_match(rel_path) {
                matched.push(index);
            }
            index += 1;
        }
        for rule in &config.phases {
            if rule.paths.as_ref().is_some_and(|p| p.is_match(rel_path)) {
                matched.push(index);
            }
            index += 1;
        }
        PathClass(matched.into_boxed_slice())
    }
}

/// The sites of one blob under one configuration and path class, or why there are none.
pub type Analysis = Result<Arc<[SiteTally]>, String>;

/// What a file at one commit contributes.
#[derive(Debug, Clone)]
pub enum Judgement {
    Sites(Arc<[SiteTally]>),
    /// The file is reported, as `scan` would report it, and counts no site.
    Problem(String),
    /// The blob is not in the repository (a shallow or partial clone).
    Missing(String),
}

/// One configuration the history uses.
#[derive(Debug)]
pub struct ConfigEntry {
    pub config: Config,
    /// Identifies the settings in the persistent cache.
    pub key: String,
}

/// One way a blob is seen: under a configuration, at a path of some class (one such path).
type Need = (ConfigId, PathClass, String);

/// Everything asked of one blob: the (configuration, path class) pairs it is seen under, each
/// with one path it was seen at.
#[derive(Debug, Default)]
pub struct Requests {
    /// In the order the walk met them: successive versions of a file stay close, so the
    /// delta bases they share are still in the pack cache when the next version is read.
    blobs: Vec<(ObjectId, Vec<Need>)>,
    index: FxHashMap<ObjectId, usize>,
}

impl Requests {
    pub fn add(&mut self, blob: ObjectId, config: ConfigId, class: PathClass, path: &str) {
        let at = *self.index.entry(blob).or_insert_with(|| {
            self.blobs.push((blob, Vec::new()));
            self.blobs.len() - 1
        });
        let needs = &mut self.blobs[at].1;
        if !needs.iter().any(|(c, k, _)| *c == config && *k == class) {
            needs.push((config, class, path.to_owned()));
        }
    }

    pub fn blobs(&self) -> usize {
        self.blobs.len()
    }
}

/// Memory for decoded delta bases per thread: blobs are read in history order, and a version's
/// base is usually a version read shortly before.
pub const PACK_CACHE_BYTES: usize = 96 * 1024 * 1024;

/// Gives `repo` a pack cache bounded by memory instead of gitoxide's default of 64 entries.
pub fn use_pack_cache(repo: &mut gix::Repository) {
    repo.objects.set_pack_cache(|| {
        Box::new(gix::odb::pack::cache::lru::MemoryCappedHashmap::new(
            PACK_CACHE_BYTES,
        ))
    });
}

/// The judgements of every requested blob.
#[derive(Debug, Default)]
pub struct Memo {
    facts: FxHashMap<ObjectId, Result<Facts, String>>,
    analyses: FxHashMap<(ObjectId, ConfigId, PathClass), Analysis>,
}

/// How much work a run did, for the curious (`--format json` shows it).
#[derive(Debug, Default, Clone, Copy, Serialize)]
pub struct BlobStats {
    /// Distinct blobs the walked commits hold under the scanned paths.
    pub distinct_blobs: usize,
    /// Blobs read from the repository (the rest came from the cache).
    pub blobs_read: usize,
    /// Analyses run (a blob under one configuration and path class).
    pub analyses: usize,
}

impl Memo {
    /// What the file at `path` holding `blob` contributes under `config`.
    pub fn judge(
        &self,
        blob: ObjectId,
        config_id: ConfigId,
        config: &Config,
        class: &PathClass,
    ) -> Judgement {
        let facts = match self.facts.get(&blob) {
            Some(Ok(facts)) => *facts,
            Some(Err(message)) => return Judgement::Missing(message.clone()),
            None => return Judgement::Missing(format!("blob {blob} was never read")),
        };
        if facts.len > config.max_file_size {
            return Judgement::Problem(too_large(facts.len, config.max_file_size));
        }
        match facts.content {
            Content::Quiet => Judgement::Sites(Arc::from(Vec::new())),
            Content::Binary => Judgement::Problem(DecodeError::Binary.to_string()),
            Content::Candidate => match self.analyses.get(&(blob, config_id, class.clone())) {
                Some(Ok(sites)) => Judgement::Sites(sites.clone()),
                Some(Err(message)) => Judgement::Problem(message.clone()),
                None => Judgement::Missing(format!("blob {blob} was never analysed")),
            },
        }
    }

    /// Judges every requested blob: from the cache when it knows the answer, otherwise read
    /// and analysed in parallel, one task per distinct blob.
    pub fn resolve(
        repo: &gix::Repository,
        configs: &[ConfigEntry],
        requests: Requests,
        cache: Option<&mut BlobCache>,
    ) -> (Memo, BlobStats) {
        let mut memo = Memo::default();
        let mut stats = BlobStats {
            distinct_blobs: requests.blobs(),
            ..BlobStats::default()
        };
        let mut work = Vec::new();
        for (blob, needs) in requests.blobs {
            let known = cache
                .as_deref()
                .and_then(|cache| cache.lookup(blob, &needs, configs));
            match known {
                Some((facts, analyses)) => {
                    memo.facts.insert(blob, Ok(facts));
                    for ((config, class, _), analysis) in needs.into_iter().zip(analyses) {
                        if let Some(analysis) = analysis {
                            memo.analyses.insert((blob, config, class), analysis);
                        }
                    }
                }
                None => work.push((blob, needs)),
            }
        }
        stats.blobs_read = work.len();
        let sync = repo.clone().into_sync();
        let done: Vec<BlobWork> = work
            .into_par_iter()
            .map_init(
                || {
                    let mut repo = sync.to_thread_local();
                    repo.object_cache_size(None);
                    use_pack_cache(&mut repo);
                    (repo, Vec::new())
                },
                |(repo, buffer), (blob, needs)| read_and_judge(repo, buffer, blob, needs, configs),
            )
            .collect();
        let mut cache = cache;
        for item in done {
            stats.analyses += item.analyses.len();
            if let (Some(cache), Ok(facts)) = (cache.as_deref_mut(), &item.facts) {
                cache.store_facts(item.blob, *facts);
                for ((config, class, _), analysis) in &item.analyses {
                    cache.store_analysis(
                        &configs[config.0 as usize].key,
                        item.blob,
                        class,
                        analysis,
                    );
                }
            }
            memo.facts.insert(item.blob, item.facts);
            for ((config, class, _), analysis) in item.analyses {
                memo.analyses.insert((item.blob, config, class), analysis);
            }
        }
        (memo, stats)
    }
}

struct BlobWork {
    blob: ObjectId,
    facts: Result<Facts, String>,
    analyses: Vec<((ConfigId, PathClass, String), Analysis)>,
}

fn read_and_judge(
    repo: &gix::Repository,
    buffer: &mut Vec<u8>,
    blob: ObjectId,
    needs: Vec<(ConfigId, PathClass, String)>,
    configs: &[ConfigEntry],
) -> BlobWork {
    use gix::objs::Find;
    let data = match repo.objects.try_find(&blob, buffer) {
        Ok(Some(data)) if data.kind == gix::objs::Kind::Blob => data.data,
        Ok(Some(data)) => {
            return BlobWork {
                blob,
                facts: Err(format!("object {blob} is a {}, not a blob", data.kind)),
                analyses: Vec::new(),
            };
        }
        Ok(None) => {
            return BlobWork {
                blob,
                facts: Err(format!("object {blob} is missing")),
                analyses: Vec::new(),
            };
        }
        Err(err) => {
            return BlobWork {
                blob,
                facts: Err(format!("object {blob} cannot be read: {err}")),
                analyses: Vec::new(),
            };
        }
    };
    let content = if looks_binary(data) {
        Content::Binary
    } else if may_contain_site(data) {
        Content::Candidate
    } else {
        Content::Quiet
    };
    let facts = Facts {
        len: data.len() as u64,
        content,
    };
    let mut analyses = Vec::new();
    if content == Content::Candidate {
        let source = SourceFile::decode(data.to_vec());
        for (config_id, class, path) in needs {
            let config = &configs[config_id.0 as usize].config;
            if facts.len > config.max_file_size {
                continue;
            }
            let analysis = match &source {
                Ok(source) => crate::pipeline::analyze(source, Path::new(&path), config)
                    .map(|sites| sites.iter().map(SiteTally::of).collect::<Arc<[_]>>()),
                Err(err) => Err(err.to_string()),
            };
            analyses.push(((config_id, class, path), analysis));
        }
    }
    BlobWork {
        blob,
        facts: Ok(facts),
        analyses,
    }
}

fn too_large(len: u64, limit: u64) -> String {
    format!(
        "{len} bytes is over the {limit}-byte limit: skipped (raise `max-file-size` to scan it)"
    )
}
