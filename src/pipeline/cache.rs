//! A result cache, like ruff's: a second scan of an unchanged tree costs about what the walk
//! costs. One file per run configuration under `.uuid-migrate-cache/` in the project root (or
//! `--cache-dir`), keyed by path; an entry is used only when the file's size and modification
//! time, and the configuration that classified it (the file's closest one), are unchanged.
//! Entries for files modified in the two seconds before the run are not stored (their
//! timestamp could hide a second edit). Writes go through a temporary file and a rename, so
//! concurrent runs never see a half-written cache; the last writer wins, and a stale entry is
//! only ever a miss.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::config::Config;
use crate::consumers::FileFacts;
use crate::model::Site;

const DIR: &str = ".uuid-migrate-cache";
/// Bumped whenever the analysis changes what it reports for the same input.
const FORMAT: u32 = 2;
/// Changes with every change to the analysis code (see build.rs).
const BUILD_ID: &str = env!("UUID_MIGRATE_BUILD_ID");
const RACY_WINDOW: Duration = Duration::from_secs(2);

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    len: u64,
    mtime_ns: u128,
    /// The file's configuration: its fingerprint and root.
    config: String,
    sites: Vec<Site>,
    /// Kept for the cross-file consumer step, which is never cached.
    facts: FileFacts,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Stored {
    format: u32,
    version: String,
    entries: HashMap<String, Entry>,
}

/// The cache of one run.
#[derive(Debug)]
pub struct Cache {
    file: PathBuf,
    entries: HashMap<String, Entry>,
    started: SystemTime,
}

/// The key and freshness of one file, from its metadata.
#[derive(Debug, Clone)]
pub struct Stamp {
    key: String,
    len: u64,
    mtime_ns: Option<u128>,
    config: String,
}

impl Stamp {
    /// `cwd` makes a relative `path` absolute (as `std::path::absolute`, without asking the OS
    /// for the current directory once per file). `config` is the file's configuration.
    pub fn new(path: &Path, cwd: &Path, metadata: &std::fs::Metadata, config: &Config) -> Stamp {
        let absolute: PathBuf = cwd
            .join(path)
            .components()
            .filter(|c| *c != std::path::Component::CurDir)
            .collect();
        Stamp {
            key: absolute.to_string_lossy().into_owned(),
            len: metadata.len(),
            mtime_ns: metadata
                .modified()
                .ok()
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map(|d| d.as_nanos()),
            config: format!("{}@{}", config.fingerprint, config.root.display()),
        }
    }
}

impl Cache {
    /// Opens the cache of a run with this configuration, in `dir` or by default in the
    /// configuration's root; a missing, unreadable or outdated cache is empty.
    pub fn open(config: &Config, dir: Option<&Path>) -> Cache {
        let dir = match (dir, &config.source) {
            (Some(dir), _) => dir.to_path_buf(),
            (None, Some(_)) => config.root.join(DIR),
            (None, None) => std::env::current_dir().unwrap_or_default().join(DIR),
        };
        let file = dir.join(format!("scan-{}.bin", config.fingerprint));
        let is_plain_file =
            std::fs::symlink_metadata(&file).is_ok_and(|meta| meta.file_type().is_file());
        let entries = is_plain_file
            .then(|| std::fs::read(&file).ok())
            .flatten()
            .and_then(|bytes| postcard::from_bytes::<Stored>(&bytes).ok())
            .filter(|stored| stored.format == FORMAT && stored.version == BUILD_ID)
            .map(|stored| stored.entries)
            .unwrap_or_default();
        Cache {
            file,
            entries,
            started: SystemTime::now(),
        }
    }

    /// The cached sites and facts of a file whose size and modification time are unchanged.
    pub fn lookup(&self, stamp: &Stamp) -> Option<(&[Site], &FileFacts)> {
        let entry = self.entries.get(&stamp.key)?;
        (Some(entry.mtime_ns) == stamp.mtime_ns
            && entry.len == stamp.len
            && entry.config == stamp.config)
            .then_some((entry.sites.as_slice(), &entry.facts))
    }

    /// An entry to store for a file, unless its timestamp is too recent to trust.
    pub fn entry(
        &self,
        stamp: &Stamp,
        sites: &[Site],
        facts: &FileFacts,
    ) -> Option<(String, Entry)> {
        let mtime_ns = stamp.mtime_ns?;
        let started = self.started.duration_since(UNIX_EPOCH).ok()?.as_nanos();
        if mtime_ns + RACY_WINDOW.as_nanos() >= started {
            return None;
        }
        Some((
            stamp.key.clone(),
            Entry {
                len: stamp.len,
                mtime_ns,
                config: stamp.config.clone(),
                sites: sites.to_vec(),
                facts: facts.clone(),
            },
        ))
    }

    /// Stores the new entries; a failure to write is reported, never fatal.
    pub fn save(mut self, updates: Vec<(String, Entry)>) -> Result<(), String> {
        if updates.is_empty() {
            return Ok(());
        }
        self.entries.extend(updates);
        let stored = Stored {
            format: FORMAT,
            version: BUILD_ID.to_owned(),
            entries: self.entries,
        };
        let bytes = postcard::to_allocvec(&stored).map_err(|e| e.to_string())?;
        let dir = self.file.parent().unwrap_or(Path::new("."));
        let describe =
            |e: std::io::Error| format!("{}: cannot write the cache: {e}", dir.display());
        // Nothing is written through a symbolic link: a repository could commit one to make a
        // scan write outside its tree.
        match std::fs::symlink_metadata(dir) {
            Ok(meta) if meta.file_type().is_symlink() || !meta.is_dir() => {
                return Err(format!(
                    "{}: not a directory (a symbolic link?): the cache is not written",
                    dir.display()
                ));
            }
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                // `--cache-dir` may name a directory whose parents do not exist yet.
                std::fs::create_dir_all(dir).map_err(describe)?;
            }
            Err(e) => return Err(describe(e)),
        }
        // `create_new` (O_CREAT | O_EXCL) never follows a link at the final component.
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(dir.join(".gitignore"))
        {
            Ok(mut file) => {
                std::io::Write::write_all(&mut file, b"# Created by uuid-migrate.\n*\n")
                    .map_err(describe)?;
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(describe(e)),
        }
        // The rename replaces a link at the cache file's name; it never writes through one.
        crate::util::fs::write_atomically(&self.file, &bytes).map_err(|e| format!("{e:#}"))
    }
}
