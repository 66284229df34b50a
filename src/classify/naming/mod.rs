//! Naming evidence: climbing from the value to the nearest name (assignment target, keyword,
//! dict key, annotated field, returning function, `or` fallback, wrapper call) and following a
//! name that says nothing to the statement that consumes it.
//!
//! - `climb`: the walk up from the value, one step per enclosing node kind;
//! - `names`: the name a node says (a target, an operand, a callee, a lookup key, the
//!   enclosing function or class);
//! - `follow`: a meaningless local followed to the statement that reads it.

mod climb;
mod follow;
mod names;

use crate::model::NameSource;

pub(super) use climb::climb;
pub(super) use follow::follow_variable;
pub(super) use names::enclosing_factory;

/// A candidate name and where it came from, in order of preference.
#[derive(Debug, Clone)]
pub(super) struct Evidence {
    pub(super) name: String,
    pub(super) source: NameSource,
}

impl Evidence {
    pub(super) fn new(name: String, source: NameSource) -> Evidence {
        Evidence { name, source }
    }

    /// The literal before an f-string's interpolation, when it holds a word (`f"user-{id}"`).
    pub(super) fn fstring_prefix(literal_before: &str) -> Option<Evidence> {
        let meaningful = !literal_before
            .trim_matches(|c: char| !c.is_alphanumeric())
            .is_empty();
        meaningful.then(|| Evidence::new(literal_before.to_owned(), NameSource::FstringPrefix))
    }
}

/// Deferred or shared evaluation found while walking up from the site.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Context {
    pub(super) lambda: bool,
    pub(super) default_factory: bool,
    pub(super) default_argument: bool,
    pub(super) except_handler: bool,
    pub(super) annotated_str_field: bool,
}

pub(super) const DEFAULT_KEYWORDS: [&str; 4] = [
    "default_factory",
    "default",
    "insert_default",
    "server_default",
];

pub(in crate::classify) fn priority(source: NameSource) -> u8 {
    match source {
        NameSource::AssignmentTarget
        | NameSource::AttributeTarget
        | NameSource::SubscriptKey
        | NameSource::Keyword
        | NameSource::DictKey
        | NameSource::AnnotatedField
        | NameSource::ReturningFunction => 0,
        NameSource::LookupKey => 0,
        NameSource::Container => 1,
        NameSource::Wrapper => 2,
        NameSource::OrFallback => 3,
        NameSource::FstringPrefix | NameSource::ConcatPrefix => 4,
        NameSource::EnclosingScope => 5,
        NameSource::FollowedVariable => 6,
    }
}
