//! The persistent per-blob cache: what `blobs` judged of each blob, kept across runs in one
//! file per tool build.

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use gix::ObjectId;

use super::blobs::{Analysis, ConfigEntry, ConfigId, Content, Facts, PathClass, SiteTally};

/// Bumped whenever the stored layout changes.
const FORMAT: u32 = 1;
/// Changes with every change to the analysis code (see build.rs).
const BUILD_ID: &str = env!("UUID_MIGRATE_BUILD_ID");

#[derive(Debug, Default, Serialize, Deserialize)]
struct Stored {
    format: u32,
    version: String,
    facts: Vec<(Vec<u8>, Facts)>,
    /// Per configuration key: (blob id, path class, sites or the problem).
    analyses: Vec<(String, Vec<StoredAnalysis>)>,
}

type StoredAnalysis = (Vec<u8>, PathClass, Result<Vec<SiteTally>, String>);

/// The persistent per-blob cache: one file per tool build, under the git directory (or
/// `--cache-dir`). Read whole at the start, written whole (temporary file and rename) at the
/// end when anything was added. Missing objects are never stored: they may be fetched later.
#[derive(Debug)]
pub struct BlobCache {
    file: PathBuf,
    facts: FxHashMap<ObjectId, Facts>,
    analyses: FxHashMap<String, FxHashMap<(ObjectId, PathClass), Analysis>>,
    dirty: bool,
}

impl BlobCache {
    /// Opens the cache in `dir`; a missing, unreadable or outdated cache is empty. A symbolic
    /// link where the directory or the file should be is never followed.
    pub fn open(dir: &Path) -> BlobCache {
        let file = dir.join(format!("progress-{BUILD_ID}.bin"));
        let mut cache = BlobCache {
            file,
            facts: FxHashMap::default(),
            analyses: FxHashMap::default(),
            dirty: false,
        };
        let is_plain = |p: &Path| std::fs::symlink_metadata(p).is_ok_and(|m| !m.is_symlink());
        if !is_plain(dir) || !is_plain(&cache.file) {
            return cache;
        }
        let Some(stored) = std::fs::read(&cache.file)
            .ok()
            .and_then(|bytes| postcard::from_bytes::<Stored>(&bytes).ok())
            .filter(|stored| stored.format == FORMAT && stored.version == BUILD_ID)
        else {
            return cache;
        };
        for (blob, facts) in stored.facts {
            if let Some(id) = object_id(&blob) {
                cache.facts.insert(id, facts);
            }
        }
        for (key, entries) in stored.analyses {
            let map = cache.analyses.entry(key).or_default();
            for (blob, class, result) in entries {
                if let Some(id) = object_id(&blob) {
                    map.insert((id, class), result.map(Arc::from));
                }
            }
        }
        cache
    }

    /// The facts and, for each need, the analysis, when the cache holds all that is needed.
    pub(super) fn lookup(
        &self,
        blob: ObjectId,
        needs: &[(ConfigId, PathClass, String)],
        configs: &[ConfigEntry],
    ) -> Option<(Facts, Vec<Option<Analysis>>)> {
        let facts = *self.facts.get(&blob)?;
        if facts.content != Content::Candidate {
            return Some((facts, vec![None; needs.len()]));
        }
        let analyses = needs
            .iter()
            .map(|(config, class, _)| {
                let config = &configs[config.0 as usize];
                if facts.len > config.config.max_file_size {
                    return Some(None);
                }
                self.analyses
                    .get(&config.key)?
                    .get(&(blob, class.clone()))
                    .cloned()
                    .map(Some)
            })
            .collect::<Option<Vec<_>>>()?;
        Some((facts, analyses))
    }

    pub(super) fn store_facts(&mut self, blob: ObjectId, facts: Facts) {
        self.facts.insert(blob, facts);
        self.dirty = true;
    }

    pub(super) fn store_analysis(
        &mut self,
        config_key: &str,
        blob: ObjectId,
        class: &PathClass,
        analysis: &Analysis,
    ) {
        self.analyses
            .entry(config_key.to_owned())
            .or_default()
            .insert((blob, class.clone()), analysis.clone());
        self.dirty = true;
    }

    /// Writes the cache if anything was added; a failure is reported, never fatal.
    pub fn save(self) -> Result<(), String> {
        if !self.dirty {
            return Ok(());
        }
        let mut stored = Stored {
            format: FORMAT,
            version: BUILD_ID.to_owned(),
            facts: self
                .facts
                .into_iter()
                .map(|(id, facts)| (id.as_bytes().to_vec(), facts))
                .collect(),
            analyses: self
                .analyses
                .into_iter()
                .map(|(key, entries)| {
                    let entries = entries
                        .into_iter()
                        .map(|((id, class), result)| {
                            (id.as_bytes().to_vec(), class, result.map(|s| s.to_vec()))
                        })
                        .collect();
                    (key, entries)
                })
                .collect(),
        };
        stored.facts.sort_by(|a, b| a.0.cmp(&b.0));
        let bytes = postcard::to_allocvec(&stored).map_err(|e| e.to_string())?;
        let dir = self.file.parent().unwrap_or(Path::new("."));
        let describe =
            |e: std::io::Error| format!("{}: cannot write the cache: {e}", dir.display());
        match std::fs::symlink_metadata(dir) {
            Ok(meta) if meta.is_dir() => {}
            Ok(_) => {
                return Err(format!(
                    "{}: not a directory (a symbolic link is not followed): the cache is not written",
                    dir.display()
                ));
            }
            Err(_) => std::fs::create_dir_all(dir).map_err(describe)?,
        }
        // A new name in the directory (never an existing file or link), then a rename, which
        // replaces a link at the destination instead of writing through it.
        let mut temp = tempfile::NamedTempFile::new_in(dir).map_err(describe)?;
        std::io::Write::write_all(&mut temp, &bytes).map_err(describe)?;
        temp.persist(&self.file).map_err(|e| describe(e.error))?;
        Ok(())
    }
}

fn object_id(bytes: &[u8]) -> Option<ObjectId> {
    gix::oid::try_from_bytes(bytes).ok().map(ToOwned::to_owned)
}
