//! Site -> name, id type, shape, risk, phase, area — each with the evidence behind it.

mod id_type;
mod naming;
mod risk;
mod suppression;
mod value;

pub use id_type::clean_prefix;
pub use suppression::suppression;
pub use value::{Concat, Fstring, Value};

use std::path::Path;

use crate::config::Config;
use crate::model::{Area, Binding, Classification, IdType, NameSource, Reason, Shape, SiteKind};
use crate::sites::FoundSite;
use crate::syntax::Parents;
use id_type::decide_type;
use naming::{Context, Evidence, climb, enclosing_factory, priority};
use risk::{decide_phase, decide_risk};
use value::{shape_detail, value_of};

/// Everything classify decides about one site.
pub struct Classified<'t> {
    pub classification: Classification,
    pub value: Value<'t>,
    /// Parent links of the tree the site is in.
    pub parents: std::rc::Rc<Parents<'t>>,
}

pub fn classify<'t>(
    found: &FoundSite<'t>,
    src: &[u8],
    rel_path: &Path,
    config: &Config,
) -> Classified<'t> {
    let p = &*found.parents;
    let mut reasons = Vec::new();
    let mut ctx = Context::default();
    let value = value_of(found, src);
    let mut evidence = Vec::new();
    let outer = value
        .concat
        .as_ref()
        .map(|c| c.node)
        .or(value.fstring.as_ref().map(|f| f.string))
        .unwrap_or(value.node);
    climb(p, outer, src, &mut evidence, &mut ctx);
    if let Some(f) = &value.fstring {
        evidence.extend(Evidence::fstring_prefix(&f.literal_before));
    }
    if let Some(Concat { prefix, .. }) = &value.concat {
        evidence.push(Evidence::new(prefix.clone(), NameSource::ConcatPrefix));
    }
    // The enclosing factory's name, when nothing nearer says what the id is (`create_user`).
    if let Some(function) = enclosing_factory(p, outer, src) {
        evidence.push(Evidence::new(function, NameSource::EnclosingScope));
    }
    evidence.sort_by_key(|e| priority(e.source));

    let shape = if found.kind == SiteKind::Reference
        && value.shape == Shape::Object
        && ctx.annotated_str_field
    {
        Shape::String
    } else {
        value.shape
    };
    reasons.push(Reason::Shape {
        shape,
        detail: shape_detail(found.kind, &value, shape),
    });

    let (name, id_type, stem) = decide_type(&evidence, found, src, config, &mut reasons);

    let risk = decide_risk(found, shape, id_type, ctx, rel_path, config, &mut reasons);
    let area = if config.is_test_path(rel_path) {
        Area::Test
    } else {
        Area::App
    };
    let phase = decide_phase(rel_path, risk, area, id_type, config, &mut reasons);
    let prefix = value
        .fstring
        .as_ref()
        .filter(|f| f.prefix_only)
        .and_then(|f| clean_prefix(&f.literal_before))
        .or_else(|| value.concat.as_ref().and_then(|c| clean_prefix(&c.prefix)))
        .or(stem);

    let fixable = id_type != IdType::Unknown
        && id_type != IdType::Secret
        && shape != Shape::Object
        && found.binding == Binding::Resolved
        && !found.in_error_region;

    Classified {
        classification: Classification {
            name,
            id_type,
            shape,
            risk,
            phase,
            area,
            fixable,
            prefix,
            reasons,
        },
        value,
        parents: std::rc::Rc::clone(&found.parents),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::words::split_words;

    #[test]
    fn splits_camel_case_digits_and_underscores() {
        assert_eq!(split_words("ThreadID"), ["thread", "id"]);
        assert_eq!(split_words("connection1_id"), ["connection", "id"]);
        assert_eq!(split_words("HTTPRequestId"), ["http", "request", "id"]);
        assert_eq!(split_words("ensure_user_id"), ["ensure", "user", "id"]);
    }

    #[test]
    fn cleans_prefixes() {
        assert_eq!(clean_prefix("test_user_").as_deref(), Some("test_user"));
        assert_eq!(clean_prefix("user-").as_deref(), Some("user"));
        assert_eq!(clean_prefix("a b"), None);
        assert_eq!(clean_prefix(""), None);
    }
}
