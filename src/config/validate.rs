//! Checks on configured values: Python identifiers, the generator import and call, globs, and
//! the line and hint of a message.

use globset::{Glob, GlobSet, GlobSetBuilder};

use serde::Deserialize;

use crate::model::IdType;

/// The name an import statement binds: its last word.
pub(super) fn binding_of(import: &str) -> &str {
    import.rsplit(' ').next().unwrap_or("UnifiedIdGenerator")
}

/// A `[generator.calls]` key: an id type that can be rewritten.
pub(super) fn typed_call_key(key: &str) -> Result<IdType, String> {
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

pub(super) fn text_fingerprint(text: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(text.as_bytes());
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

pub(super) fn is_identifier_like(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Both land verbatim in rewritten files: only the shapes below, made of Python identifiers, so
/// no configuration can inject code (a newline, `;`, a call) into user files.
pub(super) fn validate_import(import: &str) -> Result<(), String> {
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
pub(super) fn validate_call(call: &str, binding: &str) -> Result<(), String> {
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
pub(super) fn is_python_identifier(word: &str) -> bool {
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
pub(super) fn is_dotted_name(text: &str) -> bool {
    text.split('.').all(is_python_identifier)
}

pub(super) fn glob(key: &str, pattern: &str) -> Result<globset::Glob, String> {
    Glob::new(pattern).map_err(|e| format!("{key}: invalid glob `{pattern}`: {e}"))
}

pub(super) fn globset(key: &str, patterns: &[String]) -> Result<GlobSet, String> {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        builder.add(glob(key, pattern)?);
    }
    builder.build().map_err(|e| format!("{key}: {e}"))
}

pub(super) fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The key a `key = value` line sets (`validators`), if the line is one.
pub(super) fn key_on_line(text: &str, line: usize) -> Option<&str> {
    let (key, _) = text.lines().nth(line.checked_sub(1)?)?.split_once('=')?;
    let key = key.trim().trim_matches('"');
    (!key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.\"".contains(c)))
    .then_some(key)
}

/// Turns serde's message into one that names the key and how to write it.
pub(super) fn hint(message: &str, key: Option<&str>) -> String {
    let message = message.trim().to_owned();
    if message.contains("unknown field") {
        return format!("{message} (see the README's configuration keys)");
    }
    let Some(key) = key else {
        return message;
    };
    if message.contains("expected a sequence") {
        return format!("`{key}`: {message}; write a list: `{key} = [\"...\"]`");
    }
    if message.contains("missing field") {
        return format!("`{key}`: {message} (see the README's configuration keys)");
    }
    format!("`{key}`: {message}")
}
