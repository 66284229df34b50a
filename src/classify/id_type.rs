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
    /// The head word maps to no id type: the name is not an id we know.
    Untyped(String),
    /// The head word names something that is not an id (`user_email`).
    NotAnId(String),
    /// Only noise and generic words (`random_suffix`, `key`, `pk`): the name says nothing.
    Noise,
}

/// Words that end a name's head: `run_with_snapshot_id` is a run, `name_of_user` a name.
const PREPOSITIONS: [&str; 3] = ["with", "of", "for"];

/// Judges a name's words; `steps` records each word handed over on the way to the verdict.
pub(super) fn judge(
    words: &[String],
    source: NameSource,
    config: &Config,
    steps: &mut Vec<Reason>,
) -> Verdict {
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
    let mut meaningful: Vec<&String> = words
        .iter()
        .filter(|w| !config.noise_words.contains(w))
        .collect();
    if matches!(source, NameSource::Container | NameSource::EnclosingScope) {
        // A container (`thread_repository.create`, `create_user`) names its type anywhere.
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
    // `run_with_snapshot_id`: the words before the preposition name the id.
    let is_content =
        |w: &&String| !PREPOSITIONS.contains(&w.as_str()) && !config.generic_words.contains(w);
    if let Some(at) = meaningful
        .iter()
        .position(|w| PREPOSITIONS.contains(&w.as_str()))
        .filter(|&at| meaningful[..at].iter().any(is_content))
    {
        steps.push(Reason::Preposition {
            word: meaningful[at].clone(),
        });
        meaningful.truncate(at);
    }
    for word in meaningful.iter().rev() {
        if let Some(t) = config.type_words.get(word.as_str()) {
            return Verdict::Typed(word.to_string(), *t);
        }
        if config.not_id_words.contains(word) {
            return Verdict::NotAnId(word.to_string());
        }
        if config.generic_words.contains(word) || PREPOSITIONS.contains(&word.as_str()) {
            steps.push(Reason::GenericWord {
                word: word.to_string(),
            });
            continue;
        }
        return Verdict::Untyped(word.to_string());
    }
    Verdict::Noise
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
        let container = matches!(e.source, NameSource::Container | NameSource::EnclosingScope);
        if container && name.is_none() {
            continue;
        }
        let words = split_words(&e.name);
        if name.is_none() && !container {
            name = Some(e.name.clone());
        }
        reasons.push(Reason::Name {
            name: e.name.clone(),
            source: e.source,
        });
        let mut steps = Vec::new();
        let verdict = judge(&words, e.source, config, &mut steps);
        reasons.append(&mut steps);
        match verdict {
            Verdict::Secret(word) => {
                reasons.push(Reason::SecretWord { word });
                return (name, IdType::Secret, None);
            }
            Verdict::Typed(word, id_type) => {
                reasons.push(Reason::TypeWord {
                    word: word.clone(),
                    id_type,
                });
                let stem = if container {
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
            Verdict::NotAnId(word) => {
                reasons.push(Reason::NotAnId { word });
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
