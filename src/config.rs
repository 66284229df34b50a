//! Configuration: `[tool.uuid-migrate]` in `pyproject.toml` or `uuid-migrate.toml`, found from the
//! scanned root upwards, validated with file, line and a hint for every mistake.

use globset::GlobSet;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::model::{Area, IdType, Risk, SiteKind};

mod calls;
mod consumers;
mod defaults;
mod nearest;
mod raw;
mod validate;

pub use calls::{CallTemplate, TemplateArg};
pub use consumers::{ConsumerSettings, TargetFormat, Validator};
pub use defaults::{
    DEFAULT_GENERATOR_CALL, DEFAULT_GENERATOR_IMPORT, DEFAULT_GENERIC_WORDS, DEFAULT_NOISE_WORDS,
    DEFAULT_NOT_ID_WORDS, DEFAULT_TEST_PATHS,
};
pub use nearest::Configs;
use raw::{Pyproject, RawConfig};
use validate::{binding_of, hint, key_on_line, line_of, text_fingerprint};

/// A configuration file that cannot be used, with where and how to fix it.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: cannot read: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}: {message}")]
    Invalid {
        path: PathBuf,
        line: usize,
        message: String,
    },
}

/// What a consumer found by name only (a same-named field typed UUID elsewhere) does to a site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NameEvidence {
    /// The site is manual, shown as a possible consumer.
    #[default]
    Manual,
    /// Name-only matches are not reported.
    Ignore,
}

/// One wave definition: the first rule a site matches gives its phase.
#[derive(Debug, Clone)]
pub struct PhaseRule {
    pub phase: u32,
    pub paths: Option<GlobSet>,
    pub risk: Vec<Risk>,
    pub area: Option<Area>,
    pub id_types: Vec<IdType>,
}

/// One `per-file-ignores` entry: files matching `pattern` do not gate these kinds of site.
#[derive(Debug, Clone)]
pub struct PerFileIgnore {
    pub pattern: String,
    matcher: globset::GlobMatcher,
    pub kinds: Vec<SiteKind>,
}

/// The validated configuration every stage reads.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file it came from, if any.
    pub source: Option<PathBuf>,
    /// Identifies the settings for the result cache: a hash of the file's text.
    pub fingerprint: String,
    /// Directory that relative globs are matched against (absolute).
    pub root: PathBuf,
    pub include: Option<GlobSet>,
    pub exclude: GlobSet,
    pub test_paths: GlobSet,
    pub high_risk_paths: Vec<(String, globset::GlobMatcher)>,
    pub max_file_size: u64,
    pub parse_timeout_ms: u64,
    pub type_words: HashMap<String, IdType>,
    pub noise_words: Vec<String>,
    /// Generic nouns (`handle`, `ref`, `key`): a head word that hands over to the word before it.
    pub generic_words: Vec<String>,
    /// Words naming something that is not an id (`email`, `path`, `url`): as a head word they
    /// end the search with `unknown`.
    pub not_id_words: Vec<String>,
    pub abbreviations: HashMap<String, String>,
    pub generator_import: String,
    pub generator_call: String,
    /// `[generator.calls]`: the typed call for each id type that has one.
    pub generator_calls: BTreeMap<IdType, CallTemplate>,
    pub phases: Vec<PhaseRule>,
    pub per_file_ignores: Vec<PerFileIgnore>,
    /// `[consumers]`: name-only evidence, validators, extra UUID types, the target format.
    pub consumers: ConsumerSettings,
}

impl Default for Config {
    fn default() -> Self {
        Config::from_raw(RawConfig::default(), None, PathBuf::from("."))
            .expect("the default configuration is valid")
    }
}

const CONFIG_FILES: [&str; 2] = ["uuid-migrate.toml", "pyproject.toml"];

impl Config {
    /// Finds the configuration from `start` upwards: the first `uuid-migrate.toml`, or
    /// `pyproject.toml` with a `[tool.uuid-migrate]` table. None found: the defaults.
    pub fn discover(start: &Path) -> Result<Config, ConfigError> {
        let start = std::path::absolute(start).unwrap_or_else(|_| start.to_path_buf());
        let mut dir = if start.is_dir() {
            Some(start.as_path())
        } else {
            start.parent()
        };
        while let Some(d) = dir {
            if let Some(config) = Config::in_dir(d)? {
                return Ok(config);
            }
            dir = d.parent();
        }
        Ok(Config::default())
    }

    /// The configuration kept in `dir` itself: `uuid-migrate.toml`, else a `pyproject.toml`
    /// with our table.
    pub fn in_dir(dir: &Path) -> Result<Option<Config>, ConfigError> {
        for name in CONFIG_FILES {
            let candidate = dir.join(name);
            if candidate.is_file()
                && let Some(config) = Config::load(&candidate)?
            {
                return Ok(Some(config));
            }
        }
        Ok(None)
    }

    /// Loads one file; `Ok(None)` for a `pyproject.toml` without our table.
    pub fn load(path: &Path) -> Result<Option<Config>, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Config::from_text(path, &text)
    }

    /// Builds the configuration from the text of the file at `path` (which names the file in
    /// messages and decides whether it is a `pyproject.toml`), as `load` does once it has read
    /// it; `Ok(None)` for a `pyproject.toml` without our table.
    pub fn from_text(path: &Path, text: &str) -> Result<Option<Config>, ConfigError> {
        let root = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let is_pyproject = path.file_name().is_some_and(|n| n == "pyproject.toml");
        let invalid = |err: toml::de::Error| {
            let line = err.span().map_or(1, |s| line_of(text, s.start));
            ConfigError::Invalid {
                path: path.to_path_buf(),
                line,
                message: hint(err.message(), key_on_line(text, line)),
            }
        };
        let raw = if is_pyproject {
            let doc: Pyproject = toml::from_str(text).map_err(invalid)?;
            match doc.tool.and_then(|t| t.uuid_migrate) {
                Some(raw) => raw,
                None => return Ok(None),
            }
        } else {
            toml::from_str(text).map_err(invalid)?
        };
        let section_line = if is_pyproject {
            text.find("[tool.uuid-migrate")
                .map_or(1, |at| line_of(text, at))
        } else {
            1
        };
        Config::from_raw(raw, Some(path.to_path_buf()), root)
            .map(|config| Config {
                fingerprint: text_fingerprint(text),
                ..config
            })
            .map(Some)
            .map_err(|err| ConfigError::Invalid {
                path: path.to_path_buf(),
                line: err.at.map_or(section_line, |at| line_of(text, at)),
                message: err.message,
            })
    }

    /// The path relative to the configuration root, with `/` separators, for glob matching.
    pub fn relative<'p>(&self, path: &'p Path) -> std::borrow::Cow<'p, Path> {
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        match absolute.strip_prefix(&self.root) {
            Ok(rel) => std::borrow::Cow::Owned(rel.to_path_buf()),
            Err(_) => std::borrow::Cow::Borrowed(path),
        }
    }

    /// The `per-file-ignores` pattern that silences sites of `kind` in the file at `rel` (relative
    /// to the root), if any. Like ruff, a pattern matches the relative path or the file name.
    pub fn per_file_ignore(&self, rel: &Path, kind: SiteKind) -> Option<&str> {
        let name = rel.file_name().map(Path::new);
        self.per_file_ignores
            .iter()
            .find(|ignore| {
                ignore.kinds.contains(&kind)
                    && (ignore.matcher.is_match(rel)
                        || name.is_some_and(|name| ignore.matcher.is_match(name)))
            })
            .map(|ignore| ignore.pattern.as_str())
    }

    pub fn is_test_path(&self, rel: &Path) -> bool {
        self.test_paths.is_match(rel)
    }

    /// The name the generator is imported as (`UnifiedIdGenerator`).
    pub fn generator_binding(&self) -> &str {
        binding_of(&self.generator_import)
    }
}

#[cfg(test)]
mod tests {
    use super::validate::{binding_of, validate_call, validate_import};
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    fn validate_generator(import: &str, call: &str) -> Result<(), String> {
        validate_import(import).and_then(|()| validate_call(call, binding_of(import)))
    }

    #[test]
    fn generator_import_and_call_cannot_carry_code() {
        let good = "from shared.ids import UnifiedIdGenerator";
        assert!(validate_generator(good, "UnifiedIdGenerator.generate_base_id").is_ok());
        assert!(validate_generator("from a.b import G as Gen", "Gen.make").is_ok());
        for (import, call) in [
            (good, "UnifiedIdGenerator.gen\nimport os; os.system('x')"),
            (good, "UnifiedIdGenerator.gen; import os"),
            (good, "UnifiedIdGenerator.gen()"),
            (good, "UnifiedIdGenerator"),
            ("from a import G\nimport os", "G.gen"),
            ("from os;x import G", "G.gen"),
            ("from a import  G", "G.gen"),
            ("from a import class", "class.gen"),
            ("from 1a import G", "G.gen"),
        ] {
            assert!(
                validate_generator(import, call).is_err(),
                "{import:?} / {call:?} was accepted"
            );
        }
    }

    #[test]
    fn unknown_key_names_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "pyproject.toml",
            "[project]\nname = 'x'\n\n[tool.uuid-migrate]\nexclude = []\ntypo-key = 1\n",
        );
        let err = Config::load(&path).unwrap_err().to_string();
        assert!(err.contains("pyproject.toml:6:"), "{err}");
        assert!(err.contains("typo-key"), "{err}");
    }

    #[test]
    fn bad_id_type_lists_choices() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "uuid-migrate.toml",
            "[type-words]\nworkflow = \"job\"\n",
        );
        let err = Config::load(&path).unwrap_err().to_string();
        assert!(err.contains(":2:") && err.contains("websocket"), "{err}");
    }

    #[test]
    fn pyproject_without_table_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "pyproject.toml", "[project]\nname = 'x'\n");
        let config = Config::discover(dir.path()).unwrap();
        assert!(config.source.is_none());
    }

    #[test]
    fn per_file_ignores_match_paths_and_file_names_by_code() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "uuid-migrate.toml",
            "[per-file-ignores]\n\"tests/**\" = [\"UM001\"]\n\"conftest.py\" = [\"UM001\", \"UM002\"]\n",
        );
        let config = Config::load(&path).unwrap().unwrap();
        let ignored = |rel: &str, kind| config.per_file_ignore(Path::new(rel), kind);
        assert_eq!(ignored("tests/a.py", SiteKind::Call), Some("tests/**"));
        assert_eq!(ignored("tests/a.py", SiteKind::Reference), None);
        assert_eq!(
            ignored("svc/conftest.py", SiteKind::Reference),
            Some("conftest.py")
        );
        assert_eq!(ignored("svc/a.py", SiteKind::Call), None);
    }

    #[test]
    fn per_file_ignores_reject_unknown_codes_on_their_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "pyproject.toml",
            "[tool.uuid-migrate]\nexclude = []\n\n[tool.uuid-migrate.per-file-ignores]\n\"tests/**\" = [\"UM003\"]\n",
        );
        let err = Config::load(&path).unwrap_err().to_string();
        assert!(err.contains("pyproject.toml:5:"), "{err}");
        assert!(err.contains("`UM003`") && err.contains("`UM001`"), "{err}");
        let bad_glob = write(
            dir.path(),
            "uuid-migrate.toml",
            "[per-file-ignores]\n\"tests/[\" = [\"UM001\"]\n",
        );
        let err = Config::load(&bad_glob).unwrap_err().to_string();
        assert!(
            err.contains("per-file-ignores: invalid glob `tests/[`"),
            "{err}"
        );
    }

    #[test]
    fn type_words_extend_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "uuid-migrate.toml",
            "[type-words]\njob = \"execution\"\n",
        );
        let config = Config::load(&path).unwrap().unwrap();
        assert_eq!(config.type_words["job"], IdType::Execution);
        assert_eq!(config.type_words["conn"], IdType::Websocket);
    }
}
