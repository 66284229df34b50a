//! The configuration as written: the TOML tables, read with their spans so that every mistake
//! names its line, and turned into a `Config` (`Config::from_raw`).

use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};

use std::path::PathBuf;

use super::consumers::{ConsumerSettings, RawConsumers};
use super::defaults::{
    DEFAULT_ABBREVIATIONS, DEFAULT_GENERATOR_CALL, DEFAULT_GENERATOR_IMPORT, DEFAULT_GENERIC_WORDS,
    DEFAULT_NOISE_WORDS, DEFAULT_NOT_ID_WORDS, DEFAULT_TEST_PATHS, DEFAULT_TYPE_WORDS,
};
use super::validate::{
    binding_of, glob, globset, is_identifier_like, typed_call_key, validate_call, validate_import,
};
use super::{CallTemplate, Config, PerFileIgnore, PhaseRule};
use crate::model::{Area, IdType, Risk, SiteKind};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct RawConfig {
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

/// A rule code in the configuration (`"UM001"`), checked where it is written.
#[derive(Debug, Clone, Copy)]
pub(super) struct RuleCode(SiteKind);

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
pub(super) struct RawGenerator {
    import: Option<toml::Spanned<String>>,
    call: Option<toml::Spanned<String>>,
    calls: Option<BTreeMap<String, toml::Spanned<String>>>,
}

/// A mistake found after parsing, with the byte offset of the value it is about when known
/// (else the message names the table's first line).
#[derive(Debug)]
pub(super) struct RawError {
    pub(super) message: String,
    pub(super) at: Option<usize>,
}

impl From<String> for RawError {
    fn from(message: String) -> Self {
        RawError { message, at: None }
    }
}

/// `message` about the value spanned by `value`.
pub(super) fn at<T>(value: &toml::Spanned<T>, message: String) -> RawError {
    RawError {
        message,
        at: Some(value.span().start),
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct RawPhaseRule {
    phase: u32,
    paths: Option<Vec<String>>,
    risk: Option<Vec<Risk>>,
    area: Option<Area>,
    id_type: Option<Vec<IdType>>,
}

#[derive(Deserialize)]
pub(super) struct Pyproject {
    pub(super) tool: Option<PyprojectTool>,
}

#[derive(Deserialize)]
pub(super) struct PyprojectTool {
    #[serde(rename = "uuid-migrate")]
    pub(super) uuid_migrate: Option<RawConfig>,
}

impl Config {
    pub(super) fn from_raw(
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
        let type_words = type_words(raw.type_words.unwrap_or_default());
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
        let abbreviations = abbreviations(raw.abbreviations.unwrap_or_default())?;
        let Generator {
            import: generator_import,
            call: generator_call,
            calls: generator_calls,
        } = Generator::from_raw(raw.generator)?;
        let phases = phases(raw.phases.unwrap_or_default())?;
        let per_file_ignores = per_file_ignores(raw.per_file_ignores.unwrap_or_default())?;
        let consumers = ConsumerSettings::from_raw(raw.consumers)?;
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
            consumers,
        })
    }
}

/// The generator settings: its import, its base call and the typed calls, each checked.
struct Generator {
    import: String,
    call: String,
    calls: BTreeMap<IdType, CallTemplate>,
}

impl Generator {
    fn from_raw(raw: Option<RawGenerator>) -> Result<Generator, RawError> {
        let generator = raw.unwrap_or(RawGenerator {
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
        Ok(Generator {
            import: generator_import,
            call: generator_call,
            calls: generator_calls,
        })
    }
}

/// The built-in type words, with the configured ones added (lower case).
fn type_words(configured: BTreeMap<String, IdType>) -> HashMap<String, IdType> {
    let mut type_words: HashMap<String, IdType> = DEFAULT_TYPE_WORDS
        .iter()
        .map(|(w, t)| (w.to_string(), *t))
        .collect();
    for (word, id_type) in configured {
        type_words.insert(word.to_ascii_lowercase(), id_type);
    }
    type_words
}

/// The built-in abbreviations, with the configured ones added; a prefix must be an identifier.
fn abbreviations(
    configured: BTreeMap<String, String>,
) -> Result<HashMap<String, String>, RawError> {
    let mut abbreviations: HashMap<String, String> = DEFAULT_ABBREVIATIONS
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    for (word, prefix) in configured {
        if !is_identifier_like(&prefix) {
            return Err(format!(
                "abbreviation `{word}` = \"{prefix}\": a prefix may hold only letters, digits and `_`"
            )
            .into());
        }
        abbreviations.insert(word, prefix);
    }
    Ok(abbreviations)
}

/// The migration waves, in order; phase numbers start at 1.
fn phases(raw: Vec<RawPhaseRule>) -> Result<Vec<PhaseRule>, String> {
    raw.into_iter()
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
        .collect::<Result<Vec<_>, String>>()
}

/// `per-file-ignores`: a glob and the rule codes it silences.
fn per_file_ignores(raw: BTreeMap<String, Vec<RuleCode>>) -> Result<Vec<PerFileIgnore>, String> {
    raw.into_iter()
        .map(|(pattern, codes)| {
            let matcher = glob("per-file-ignores", &pattern)?.compile_matcher();
            Ok(PerFileIgnore {
                pattern,
                matcher,
                kinds: codes.into_iter().map(|RuleCode(kind)| kind).collect(),
            })
        })
        .collect::<Result<Vec<_>, String>>()
}
