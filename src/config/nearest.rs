//! The configurations of one run, by ruff's rule: the closest configuration wins. A file is
//! classified, and a directory's entries are included or excluded, with the first
//! `uuid-migrate.toml` (or `pyproject.toml` with `[tool.uuid-migrate]`) found from its directory
//! upwards, whatever paths the run was given and in whatever order. `--config FILE` makes one
//! file govern everything. Lookups are cached per directory and shared by the walker's threads.

use rustc_hash::FxHashMap;
use std::ffi::{OsStr, OsString};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, RwLock};

use super::{Config, ConfigError};

/// A directory's configuration, or why its closest configuration file cannot be used.
pub type Found = Result<Arc<Config>, Arc<ConfigError>>;

/// Every configuration a run uses; cheap to clone (the cache is shared).
#[derive(Debug, Clone)]
pub struct Configs {
    /// `--config`, or the configuration of the first path: reports and the cache use it.
    root: Arc<Config>,
    /// One configuration for every file (`--config`).
    fixed: bool,
    cwd: PathBuf,
    /// By directory, as the walk spells it and normalised (absolute, no `.` or `..`): paths are
    /// keyed by their bytes, a lookup costs one hash of the parent's text.
    dirs: Arc<RwLock<FxHashMap<OsString, Found>>>,
}

impl Configs {
    /// One configuration for every file.
    pub fn single(config: Config) -> Configs {
        Configs {
            root: Arc::new(config),
            fixed: true,
            cwd: PathBuf::new(),
            dirs: Arc::default(),
        }
    }

    /// The closest configuration for each file; the run's own is the one of `first` (the first
    /// path given), and an error in it is an error of the run.
    pub fn discover(first: &Path) -> Result<Configs, ConfigError> {
        let root = Arc::new(Config::discover(first)?);
        let mut dirs = FxHashMap::default();
        if root.source.is_some() {
            dirs.insert(root.root.clone().into_os_string(), Ok(Arc::clone(&root)));
        }
        Ok(Configs {
            root,
            fixed: false,
            cwd: std::env::current_dir().unwrap_or_default(),
            dirs: Arc::new(RwLock::new(dirs)),
        })
    }

    /// The run's configuration (`--config`, or the first path's).
    pub fn root(&self) -> &Config {
        &self.root
    }

    /// The configuration of a file: the closest one to its directory.
    pub fn for_file(&self, path: &Path) -> Found {
        if self.fixed {
            return Ok(Arc::clone(&self.root));
        }
        let dir = path.parent().unwrap_or(Path::new(""));
        if let Some(found) = self.cached(dir.as_os_str()) {
            return found;
        }
        let found = self.for_dir(&self.absolute(dir));
        self.remember(dir.as_os_str(), &found);
        found
    }

    fn cached(&self, dir: &OsStr) -> Option<Found> {
        self.dirs
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(dir)
            .cloned()
    }

    fn remember(&self, dir: &OsStr, found: &Found) {
        self.dirs
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(dir.to_owned(), found.clone());
    }

    /// The configuration of an absolute, normalised directory.
    fn for_dir(&self, dir: &Path) -> Found {
        if let Some(found) = self.cached(dir.as_os_str()) {
            return found;
        }
        let found = match Config::in_dir(dir) {
            Ok(Some(config)) => Ok(Arc::new(config)),
            Ok(None) => match dir.parent() {
                Some(parent) => self.for_dir(parent),
                None => Ok(Arc::new(Config::default())),
            },
            Err(err) => Err(Arc::new(err)),
        };
        self.remember(dir.as_os_str(), &found);
        found
    }

    /// `path` made absolute against the current directory, `.` and `..` resolved lexically.
    fn absolute(&self, path: &Path) -> PathBuf {
        let mut out = PathBuf::new();
        for component in self.cwd.join(path).components() {
            match component {
                Component::CurDir => {}
                Component::ParentDir => {
                    out.pop();
                }
                other => out.push(other),
            }
        }
        out
    }
}

impl From<Config> for Configs {
    fn from(config: Config) -> Configs {
        Configs::single(config)
    }
}

impl ConfigError {
    /// The configuration file at fault.
    pub fn path(&self) -> &Path {
        match self {
            ConfigError::Read { path, .. } | ConfigError::Invalid { path, .. } => path,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_closest_configuration_wins_whatever_the_order() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("sub/deeper")).unwrap();
        std::fs::write(root.join("uuid-migrate.toml"), "test-paths = []\n").unwrap();
        std::fs::write(
            root.join("sub/pyproject.toml"),
            "[tool.uuid-migrate]\ntest-paths = [\"**\"]\n",
        )
        .unwrap();
        for first in [root.join("a.py"), root.join("sub/deeper/b.py")] {
            let configs = Configs::discover(&first).unwrap();
            let top = configs.for_file(&root.join("a.py")).unwrap();
            let sub = configs.for_file(&root.join("sub/deeper/b.py")).unwrap();
            assert_eq!(top.source, Some(root.join("uuid-migrate.toml")));
            assert_eq!(sub.source, Some(root.join("sub/pyproject.toml")));
            let dotted = configs.for_file(&root.join("sub/../a.py")).unwrap();
            assert_eq!(dotted.source, top.source);
        }
    }

    #[test]
    fn a_broken_nested_configuration_is_an_error_for_its_files_only() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::write(root.join("uuid-migrate.toml"), "").unwrap();
        std::fs::write(root.join("sub/uuid-migrate.toml"), "typo = 1\n").unwrap();
        let configs = Configs::discover(root).unwrap();
        assert!(configs.for_file(&root.join("a.py")).is_ok());
        let err = configs.for_file(&root.join("sub/b.py")).unwrap_err();
        assert_eq!(err.path(), root.join("sub/uuid-migrate.toml"));
    }
}
