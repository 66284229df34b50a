//! `[consumers]`: what the consumer analysis trusts and knows beyond its built-in rules: name-only
//! evidence, validator functions, extra UUID type names, and the target format a sample
//! replacement is made in for format checks.

use serde::Deserialize;

use super::NameEvidence;
use super::defaults::{DEFAULT_TARGET_REGEX, DEFAULT_TARGET_SAMPLE};
use super::raw::{RawError, at};
use super::validate::is_dotted_name;

/// The placeholder a target sample may hold, filled with each site's prefix.
pub const PREFIX_PLACEHOLDER: &str = "{prefix}";
/// The prefix a sample is checked with at load, and used for a site without one.
pub const FALLBACK_PREFIX: &str = "id";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct RawConsumers {
    name_evidence: Option<NameEvidence>,
    validators: Option<toml::Spanned<Vec<toml::Spanned<String>>>>,
    uuid_types: Option<toml::Spanned<Vec<toml::Spanned<String>>>>,
    target_format: Option<toml::Spanned<RawTargetFormat>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTargetFormat {
    regex: toml::Spanned<String>,
    sample: toml::Spanned<String>,
}

/// A function named in `validators`: a call of it with the value checks a format the tool
/// cannot see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Validator {
    /// As configured: `pkg.ids.check_order_id` or `validate_id`.
    pub configured: String,
    /// The function's name: `check_order_id`.
    pub name: String,
    /// The module it is defined in (`pkg.ids`); `None` for a bare name, which matches a call
    /// of any function or method of that name.
    pub module: Option<String>,
}

/// The format of the ids a rewrite produces: a sample for format checks, and the regular
/// expression every sample matches (checked at load).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetFormat {
    pub regex: String,
    /// With `{prefix}` where the site's prefix goes.
    pub sample: String,
}

impl Default for TargetFormat {
    fn default() -> Self {
        TargetFormat {
            regex: DEFAULT_TARGET_REGEX.to_owned(),
            sample: DEFAULT_TARGET_SAMPLE.to_owned(),
        }
    }
}

impl TargetFormat {
    /// A whole replacement id for a site with this prefix (`id` when it has none).
    pub fn sample(&self, prefix: Option<&str>) -> String {
        self.sample
            .replace(PREFIX_PLACEHOLDER, prefix.unwrap_or(FALLBACK_PREFIX))
    }
}

/// The validated `[consumers]` table.
#[derive(Debug, Clone, Default)]
pub struct ConsumerSettings {
    /// What a possible (name-only) consumer does.
    pub name_evidence: NameEvidence,
    pub validators: Vec<Validator>,
    /// Type names treated like `UUID` in annotations and columns, as their last component
    /// (`OrderId` for `pkg.types.OrderId`).
    pub uuid_types: Vec<String>,
    pub target_format: TargetFormat,
}

impl ConsumerSettings {
    pub(super) fn from_raw(raw: Option<RawConsumers>) -> Result<Self, RawError> {
        let Some(raw) = raw else {
            return Ok(ConsumerSettings::default());
        };
        let validators = dotted_names(raw.validators.as_ref(), "validators", "a function")?
            .into_iter()
            .map(|configured| {
                let (module, name) = match configured.rsplit_once('.') {
                    Some((module, name)) => (Some(module.to_owned()), name.to_owned()),
                    None => (None, configured.clone()),
                };
                Validator {
                    configured,
                    name,
                    module,
                }
            })
            .collect();
        let uuid_types = dotted_names(raw.uuid_types.as_ref(), "uuid-types", "a type")?
            .into_iter()
            .map(|t| t.rsplit('.').next().unwrap_or(&t).to_owned())
            .collect();
        let target_format = match raw.target_format {
            Some(format) => target_format(format)?,
            None => TargetFormat::default(),
        };
        Ok(ConsumerSettings {
            name_evidence: raw.name_evidence.unwrap_or_default(),
            validators,
            uuid_types,
            target_format,
        })
    }
}

/// A list of Python names (`pkg.mod.name` or `name`), each checked where it is written.
fn dotted_names(
    list: Option<&toml::Spanned<Vec<toml::Spanned<String>>>>,
    key: &str,
    what: &str,
) -> Result<Vec<String>, RawError> {
    let Some(list) = list else {
        return Ok(Vec::new());
    };
    list.get_ref()
        .iter()
        .map(|name| {
            let text = name.get_ref();
            if is_dotted_name(text) {
                Ok(text.clone())
            } else {
                Err(at(
                    name,
                    format!(
                        "consumers.{key}: `{text}` is not {what} name: write a Python name, \
                         dotted with its module (`pkg.ids.check_order_id`) or bare (`validate_id`)"
                    ),
                ))
            }
        })
        .collect()
}

/// `target-format`: the regex compiles and the sample (with `{prefix}` as `id`) fully matches it.
fn target_format(format: toml::Spanned<RawTargetFormat>) -> Result<TargetFormat, RawError> {
    let RawTargetFormat { regex, sample } = format.into_inner();
    let anchored = format!("^(?:{})$", regex.get_ref());
    let compiled = regex::Regex::new(&anchored).map_err(|e| {
        at(
            &regex,
            format!(
                "consumers.target-format.regex = \"{}\" does not compile: {}; write it in the \
                 syntax of the `regex` crate (no lookaround or backreferences)",
                regex.get_ref(),
                one_line(&e.to_string())
            ),
        )
    })?;
    let format = TargetFormat {
        regex: regex.get_ref().clone(),
        sample: sample.get_ref().clone(),
    };
    let filled = format.sample(None);
    if !compiled.is_match(&filled) {
        return Err(at(
            &sample,
            format!(
                "consumers.target-format.sample = \"{}\" (as `{filled}`, `{PREFIX_PLACEHOLDER}` \
                 filled with `{FALLBACK_PREFIX}`) does not fully match regex `{}`: change the sample \
                 to an id the generator makes, or the regex to describe it",
                format.sample, format.regex
            ),
        ));
    }
    Ok(format)
}

/// The last line of the `regex` crate's message (its first lines repeat the pattern).
fn one_line(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty())
        .unwrap_or(message)
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_sample_matches_the_default_regex() {
        let format = TargetFormat::default();
        let re = regex::Regex::new(&format!("^(?:{})$", format.regex)).unwrap();
        for prefix in [None, Some("event"), Some("test_user"), Some("conn")] {
            let sample = format.sample(prefix);
            assert!(re.is_match(&sample), "{sample}");
        }
        assert_eq!(format.sample(Some("run")), "run_1757927717565_2_b97ed28f");
    }
}
