//! Words -> id type: secret words anywhere, the head word after noise words, the prefix stem
//! and its abbreviation.

use crate::config::Config;
use crate::model::{IdType, NameSource, Reason};
use crate::sites::FoundSite;
use crate::util::words::split_words;

use super::naming::*;

/// What a name's words say: a secret word anywhere, else the head word's type.
pub(super) enum Verdict {
    Secret(String),
    Typed(String, IdType),
    Untyped(String),
    Noise,
}

pub(super) fn judge(words: &[String], source: NameSource, config: &Config) -> Verdict {
    for (i, word) in words.iter().enumerate() {
        let mut candidates = vec![word.clone()];
        if let Some(next) = words.get(i + 1) {
            candidates.push(format!("{word}_{next}"));
            candidates.push(format!("{word}{next}"));
        }
        for candidate in candidates {
            if config.type_words.get(&candidate) == Some(&IdType::Secret) {
                return Verdict::Secret(candidate);
            }
        }
    }
    if words.iter().any(|w| w == "state")
        && (words.len() == 1 || words.iter().any(|w| w == "oauth"))
    {
        return Verdict::Secret("state".to_owned());
    }
    let meaningful: Vec<&String> = words
        .iter()
        .filter(|w| !config.noise_words.contains(w))
        .collect();
    if meaningful.is_empty() {
        return Verdict::Noise;
    }
    if source == NameSource::Container {
        // A container (`thread_repository.create`) names its type anywhere, not only last.
        return meaningful
            .iter()
            .rev()
            .find_map(|w| {
                config
                    .type_words
                    .get(w.as_str())
                    .map(|t| Verdict::Typed(w.to_string(), *t))
            })
            .unwrap_or(Verdict::Noise);
    }
    let head = meaningful.last().expect("not empty");
    match config.type_words.get(head.as_str()) {
        Some(t) => Verdict::Typed(head.to_string(), *t),
        None => Verdict::Untyped(head.to_string()),
    }
}

/// Picks the name, id type and rewrite stem from the evidence, in order of preference.
pub(super) fn decide_type(
    evidence: &[Evidence],
    found: &FoundSite<'_>,
    src: &[u8],
    config: &Config,
    reasons: &mut Vec<Reason>,
) -> (Option<String>, IdType, Option<String>) {
    let mut name: Option<String> = None;
    let mut followed = false;
    let mut queue: Vec<Evidence> = evidence.to_vec();
    let mut i = 0;
    while i < queue.len() {
        let e = queue[i].clone();
        i += 1;
        if e.source == NameSource::Container && name.is_none() {
            continue;
        }
        let words = split_words(&e.name);
        if name.is_none() && e.source != NameSource::Container {
            name = Some(e.name.clone());
        }
        reasons.push(Reason::Name {
            name: e.name.clone(),
            source: e.source,
        });
        match judge(&words, e.source, config) {
            Verdict::Secret(word) => {
                reasons.push(Reason::SecretWord { word });
                return (name, IdType::Secret, None);
            }
            Verdict::Typed(word, id_type) => {
                reasons.push(Reason::TypeWord {
                    word: word.clone(),
                    id_type,
                });
                let stem = if e.source == NameSource::Container {
                    abbreviate(&[word], config)
                } else {
                    stem_of(&words, config)
                };
                return (name, id_type, stem);
            }
            Verdict::Untyped(head) => {
                reasons.push(Reason::NoTypeWord { head: Some(head) });
                return (name, IdType::Unknown, None);
            }
            Verdict::Noise => {
                reasons.push(Reason::NameSaysNothing {
                    name: e.name.clone(),
                });
                if !followed && e.source == NameSource::AssignmentTarget {
                    followed = true;
                    if let Some(next) = follow_variable(found, &e.name, src) {
                        // Consumers go right after what the site's own text still offers.
                        let at = queue
                            .iter()
                            .position(|q| priority(q.source) > priority(NameSource::FstringPrefix));
                        let at = at.unwrap_or(queue.len()).max(i);
                        for (k, ev) in next.into_iter().enumerate() {
                            queue.insert(at + k, ev);
                        }
                    }
                }
            }
        }
    }
    if evidence.is_empty() {
        reasons.push(Reason::NoName);
    } else {
        reasons.push(Reason::NoTypeWord { head: None });
    }
    (name, IdType::Unknown, None)
}

/// Verbs that open a factory function's name: `generate_connection_id` names a connection.
pub(super) const FACTORY_VERBS: [&str; 10] = [
    "generate", "gen", "make", "create", "build", "get", "next", "allocate", "mint", "issue",
];

pub(super) fn stem_of(words: &[String], config: &Config) -> Option<String> {
    let mut meaningful: Vec<String> = words
        .iter()
        .filter(|w| !config.noise_words.contains(w))
        .cloned()
        .collect();
    // `generate_connection_id`, `make_request_id = lambda: ...` name a connection, a request.
    while meaningful.len() > 1 && FACTORY_VERBS.contains(&meaningful[0].as_str()) {
        meaningful.remove(0);
    }
    abbreviate(&meaningful, config)
}

pub(super) fn abbreviate(words: &[String], config: &Config) -> Option<String> {
    let parts: Vec<&str> = words
        .iter()
        .map(|w| {
            config
                .abbreviations
                .get(w)
                .map_or(w.as_str(), String::as_str)
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join("_"))
}

/// `test_user_` -> `test_user`; None when the literal is not usable as a prefix.
pub fn clean_prefix(literal: &str) -> Option<String> {
    let trimmed = literal.trim_end_matches(['_', '-', ':', '.', '/']);
    let usable = !trimmed.is_empty()
        && trimmed
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    usable.then(|| trimmed.to_owned())
}
