//! Configuration: `[tool.uuid-migrate]` in `pyproject.toml` or `uuid-migrate.toml`, found from the
//! scanned root upwards, validated with file, line and a hint for every mistake.

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::model::{Area, IdType, Risk, SiteKind};

mod calls;
mod nearest;
pub use calls::{CallTemplate, TemplateArg};
pub use nearest::Configs;

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

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    include: Option<Vec<String>>,
    exclude: Option<Vec<String>>,
    extend_exclude: Option<Vec<String>>,
    test_paths: Option<Vec<String>>,
    high_risk_paths: Option<Vec<String>>,
    max_file_size: Option<u64>,
    parse_timeout_ms: Option<u64>,
    type_words: Option<BTreeMap<String, IdType>>,
    noise_words: Option<Vec<String>>,
    generic_words: Option<Vec<String>>,
    not_id_words: Option<Vec<String>>,
    abbreviations: Option<BTreeMap<String, String>>,
    generator: Option<RawGenerator>,
    phases: Option<Vec<RawPhaseRule>>,
    per_file_ignores: Option<BTreeMap<String, Vec<RuleCode>>>,
    consumers: Option<RawConsumers>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConsumers {
    name_evidence: Option<NameEvidence>,
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

/// A rule code in the configuration (`"UM001"`), checked where it is written.
#[derive(Debug, Clone, Copy)]
struct RuleCode(SiteKind);

impl<'de> Deserialize<'de> for RuleCode {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        SiteKind::from_code(&code).map(RuleCode).ok_or_else(|| {
            let known: Vec<String> = SiteKind::ALL
                .iter()
                .map(|k| format!("`{}` ({} site)", k.code(), k.as_str()))
                .collect();
            serde::de::Error::custom(format!(
                "unknown rule code `{code}`, expected one of {}",
                known.join(", ")
            ))
        })
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGenerator {
    import: Option<toml::Spanned<String>>,
    call: Option<toml::Spanned<String>>,
    calls: Option<BTreeMap<String, toml::Spanned<String>>>,
}

/// A mistake found after parsing, with the byte offset of the value it is about when known
/// (else the message names the table's first line).
#[derive(Debug)]
struct RawError {
    message: String,
    at: Option<usize>,
}

impl From<String> for RawError {
    fn from(message: String) -> Self {
        RawError { message, at: None }
    }
}

/// `message` about the value spanned by `value`.
fn at<T>(value: &toml::Spanned<T>, message: String) -> RawError {
    RawError {
        message,
        at: Some(value.span().start),
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawPhaseRule {
    phase: u32,
    paths: Option<Vec<String>>,
    risk: Option<Vec<Risk>>,
    area: Option<Area>,
    id_type: Option<Vec<IdType>>,
}

#[derive(Deserialize)]
struct Pyproject {
    tool: Option<PyprojectTool>,
}

#[derive(Deserialize)]
struct PyprojectTool {
    #[serde(rename = "uuid-migrate")]
    uuid_migrate: Option<RawConfig>,
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
    /// `consumers.name-evidence`: what a possible (name-only) consumer does.
    pub name_evidence: NameEvidence,
}

pub const DEFAULT_TEST_PATHS: [&str; 5] = [
    "**/tests/**",
    "**/test/**",
    "**/test_*.py",
    "**/*_test.py",
    "**/conftest.py",
];
pub const DEFAULT_NOISE_WORDS: [&str; 15] = [
    "id", "ids", "uuid", "guid", "uid", "unique", "random", "suffix", "str", "hex", "value",
    "part", "short", "new", "u",
];
/// Generic nouns that say what holds an id, not whose id it is: `session_handle_id` is a session.
pub const DEFAULT_GENERIC_WORDS: [&str; 7] = [
    "handle",
    "holder",
    "ref",
    "reference",
    "key",
    "pk",
    "identifier",
];
/// Things that are not ids: `user_email` is not a user, `thread_name` not a thread.
pub const DEFAULT_NOT_ID_WORDS: [&str; 20] = [
    "email",
    "mail",
    "path",
    "file",
    "filename",
    "dir",
    "directory",
    "folder",
    "url",
    "uri",
    "link",
    "title",
    "text",
    "name",
    "label",
    "description",
    "tag",
    "version",
    "revision",
    "content",
];
pub const DEFAULT_GENERATOR_IMPORT: &str =
    "from shared.id_generation.unified_id_generator import UnifiedIdGenerator";
pub const DEFAULT_GENERATOR_CALL: &str = "UnifiedIdGenerator.generate_base_id";

const DEFAULT_TYPE_WORDS: &[(&str, IdType)] = &[
    ("connection", IdType::Websocket),
    ("conn", IdType::Websocket),
    ("websocket", IdType::Websocket),
    ("ws", IdType::Websocket),
    ("socket", IdType::Websocket),
    ("client", IdType::Websocket),
    ("message", IdType::Transaction),
    ("msg", IdType::Transaction),
    ("batch", IdType::Transaction),
    ("transaction", IdType::Transaction),
    ("txn", IdType::Transaction),
    ("event", IdType::Metric),
    ("metric", IdType::Metric),
    ("trace", IdType::Trace),
    ("span", IdType::Trace),
    ("correlation", IdType::Trace),
    ("context", IdType::Execution),
    ("ctx", IdType::Execution),
    ("run", IdType::Execution),
    ("execution", IdType::Execution),
    ("exec", IdType::Execution),
    ("workflow", IdType::Execution),
    ("job", IdType::Execution),
    ("task", IdType::Execution),
    ("pipeline", IdType::Execution),
    ("operation", IdType::Execution),
    ("flow", IdType::Execution),
    ("thread", IdType::Thread),
    ("user", IdType::User),
    ("username", IdType::User),
    ("session", IdType::Session),
    ("request", IdType::Request),
    ("req", IdType::Request),
    ("agent", IdType::Agent),
    ("tool", IdType::Tool),
    ("secret", IdType::Secret),
    ("token", IdType::Secret),
    ("password", IdType::Secret),
    ("passwd", IdType::Secret),
    ("nonce", IdType::Secret),
    ("salt", IdType::Secret),
    ("csrf", IdType::Secret),
    ("jti", IdType::Secret),
    ("otp", IdType::Secret),
    ("credential", IdType::Secret),
    ("credentials", IdType::Secret),
    ("apikey", IdType::Secret),
    ("api_key", IdType::Secret),
];

const DEFAULT_ABBREVIATIONS: &[(&str, &str)] = &[
    ("message", "msg"),
    ("connection", "conn"),
    ("request", "req"),
];

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
                message: hint(err.message()),
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

    fn from_raw(
        raw: RawConfig,
        source: Option<PathBuf>,
        root: PathBuf,
    ) -> Result<Config, RawError> {
        let include = raw
            .include
            .as_deref()
            .map(|g| globset("include", g))
            .transpose()?;
        let mut exclude_globs = raw.exclude.unwrap_or_default();
        exclude_globs.extend(raw.extend_exclude.unwrap_or_default());
        let exclude = globset("exclude", &exclude_globs)?;
        let test_globs = raw
            .test_paths
            .unwrap_or_else(|| DEFAULT_TEST_PATHS.iter().map(|s| s.to_string()).collect());
        let test_paths = globset("test-paths", &test_globs)?;
        let high_risk_paths = raw
            .high_risk_paths
            .unwrap_or_default()
            .into_iter()
            .map(|p| glob("high-risk-paths", &p).map(|g| (p, g.compile_matcher())))
            .collect::<Result<Vec<_>, _>>()?;
        let mut type_words: HashMap<String, IdType> = DEFAULT_TYPE_WORDS
            .iter()
            .map(|(w, t)| (w.to_string(), *t))
            .collect();
        for (word, id_type) in raw.type_words.unwrap_or_default() {
            type_words.insert(word.to_ascii_lowercase(), id_type);
        }
        let noise_words = raw
            .noise_words
            .unwrap_or_else(|| DEFAULT_NOISE_WORDS.iter().map(|s| s.to_string()).collect());
        let generic_words = raw.generic_words.unwrap_or_else(|| {
            DEFAULT_GENERIC_WORDS
                .iter()
                .map(|s| s.to_string())
                .collect()
        });
        let not_id_words = raw
            .not_id_words
            .unwrap_or_else(|| DEFAULT_NOT_ID_WORDS.iter().map(|s| s.to_string()).collect());
        let mut abbreviations: HashMap<String, String> = DEFAULT_ABBREVIATIONS
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        for (word, prefix) in raw.abbreviations.unwrap_or_default() {
            if !is_identifier_like(&prefix) {
                return Err(format!(
                    "abbreviation `{word}` = \"{prefix}\": a prefix may hold only letters, digits and `_`"
                )
                .into());
            }
            abbreviations.insert(word, prefix);
        }
        let generator = raw.generator.unwrap_or(RawGenerator {
            import: None,
            call: None,
            calls: None,
        });
        let generator_import = match &generator.import {
            Some(import) => {
                validate_import(import.get_ref()).map_err(|message| at(import, message))?;
                import.get_ref().clone()
            }
            None => DEFAULT_GENERATOR_IMPORT.to_owned(),
        };
        let binding = binding_of(&generator_import);
        let generator_call = match &generator.call {
            Some(call) => {
                validate_call(call.get_ref(), binding).map_err(|message| at(call, message))?;
                call.get_ref().clone()
            }
            None => {
                validate_call(DEFAULT_GENERATOR_CALL, binding)?;
                DEFAULT_GENERATOR_CALL.to_owned()
            }
        };
        let generator_calls = generator
            .calls
            .unwrap_or_default()
            .into_iter()
            .map(|(key, template)| {
                let id_type = typed_call_key(&key).map_err(|message| at(&template, message))?;
                CallTemplate::parse(template.get_ref(), binding)
                    .map(|parsed| (id_type, parsed))
                    .map_err(|message| {
                        at(
                            &template,
                            format!(
                                "generator.calls.{key} = \"{}\": {message}",
                                template.get_ref()
                            ),
                        )
                    })
            })
            .collect::<Result<BTreeMap<_, _>, RawError>>()?;
        let phases = raw
            .phases
            .unwrap_or_default()
            .into_iter()
            .enumerate()
            .map(|(i, rule)| {
                if rule.phase == 0 {
                    return Err(format!("phases[{i}]: phase numbers start at 1"));
                }
                Ok(PhaseRule {
                    phase: rule.phase,
                    paths: rule
                        .paths
                        .as_deref()
                        .map(|p| globset("phases.paths", p))
                        .transpose()?,
                    risk: rule.risk.unwrap_or_default(),
                    area: rule.area,
                    id_types: rule.id_type.unwrap_or_default(),
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        let per_file_ignores = raw
            .per_file_ignores
            .unwrap_or_default()
            .into_iter()
            .map(|(pattern, codes)| {
                let matcher = glob("per-file-ignores", &pattern)?.compile_matcher();
                Ok(PerFileIgnore {
                    pattern,
                    matcher,
                    kinds: codes.into_iter().map(|RuleCode(kind)| kind).collect(),
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        let root = std::path::absolute(&root).unwrap_or(root);
        Ok(Config {
            source,
            fingerprint: "default".to_owned(),
            root,
            include,
            exclude,
            test_paths,
            high_risk_paths,
            max_file_size: raw.max_file_size.unwrap_or(10 * 1024 * 1024),
            parse_timeout_ms: raw.parse_timeout_ms.unwrap_or(5_000),
            type_words,
            noise_words,
            generic_words,
            not_id_words,
            abbreviations,
            generator_import,
            generator_call,
            generator_calls,
            phases,
            per_file_ignores,
            name_evidence: raw
                .consumers
                .and_then(|c| c.name_evidence)
                .unwrap_or_default(),
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

/// The name an import statement binds: its last word.
fn binding_of(import: &str) -> &str {
    import.rsplit(' ').next().unwrap_or("UnifiedIdGenerator")
}

/// A `[generator.calls]` key: an id type that can be rewritten.
fn typed_call_key(key: &str) -> Result<IdType, String> {
    use serde::de::IntoDeserializer;
    let parsed: Result<IdType, serde::de::value::Error> =
        IdType::deserialize(key.into_deserializer());
    match parsed {
        Ok(IdType::Secret | IdType::Unknown) => Err(format!(
            "generator.calls.{key}: {key} sites are never rewritten, so they take no call template (remove the key)"
        )),
        Ok(id_type) => Ok(id_type),
        Err(_) => Err(format!(
            "generator.calls: unknown id type `{key}`, expected one of websocket, transaction, metric, trace, execution, thread, user, session, request, agent, tool"
        )),
    }
}

fn text_fingerprint(text: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(text.as_bytes());
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

fn is_identifier_like(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Both land verbatim in rewritten files: only the shapes below, made of Python identifiers, so
/// no configuration can inject code (a newline, `;`, a call) into user files.
fn validate_import(import: &str) -> Result<(), String> {
    let words: Vec<&str> = import.split(' ').collect();
    let well_formed = match words.as_slice() {
        ["from", module, "import", name] => is_dotted_name(module) && is_python_identifier(name),
        ["from", module, "import", name, "as", alias] => {
            is_dotted_name(module) && is_python_identifier(name) && is_python_identifier(alias)
        }
        _ => false,
    };
    if !well_formed {
        return Err(format!(
            "generator.import = \"{import}\": expected `from MODULE import NAME` (optionally `as ALIAS`)"
        ));
    }
    Ok(())
}

/// `generator.call`: the imported name and a method, nothing else.
fn validate_call(call: &str, binding: &str) -> Result<(), String> {
    if call.split('.').next().is_none_or(|head| head != binding)
        || !is_dotted_name(call)
        || !call.contains('.')
    {
        return Err(format!(
            "generator.call = \"{call}\" must be the imported name `{binding}` and a method, as Python identifiers joined by dots (e.g. `{binding}.generate_base_id`)"
        ));
    }
    Ok(())
}

/// A Python identifier (ASCII letters, digits, `_`; not starting with a digit; not a keyword).
fn is_python_identifier(word: &str) -> bool {
    const KEYWORDS: [&str; 35] = [
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
        "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global",
        "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return",
        "try", "while", "with", "yield",
    ];
    let mut chars = word.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !KEYWORDS.contains(&word)
}

/// `a.b.c`: identifiers joined by dots.
fn is_dotted_name(text: &str) -> bool {
    text.split('.').all(is_python_identifier)
}

fn glob(key: &str, pattern: &str) -> Result<globset::Glob, String> {
    Glob::new(pattern).map_err(|e| format!("{key}: invalid glob `{pattern}`: {e}"))
}

fn globset(key: &str, patterns: &[String]) -> Result<GlobSet, String> {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        builder.add(glob(key, pattern)?);
    }
    builder.build().map_err(|e| format!("{key}: {e}"))
}

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Turns serde's message into one that names the valid choices.
fn hint(message: &str) -> String {
    let message = message.trim().to_owned();
    if message.contains("unknown field") {
        return format!("{message} (see the README's configuration keys)");
    }
    if message.contains("unknown variant") {
        return message;
    }
    message
}

#[cfg(test)]
mod tests {
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
