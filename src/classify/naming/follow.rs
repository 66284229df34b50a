//! Following a meaningless local (`unique_suffix`) to the statement that reads it, and naming
//! the value from there.

use tree_sitter::Node;

use super::{Context, Evidence, climb, priority};
use crate::classify::value::fstring_context;
use crate::model::NameSource;
use crate::sites::{FoundSite, scope_of};
use crate::syntax::{NodeExt, Parents, is_field};

/// Finds the statement that consumes a meaningless local (`unique_suffix`) and names from it.
pub(in crate::classify) fn follow_variable(
    found: &FoundSite<'_>,
    variable: &str,
    src: &[u8],
) -> Option<Vec<Evidence>> {
    let p = &*found.parents;
    let consumer = first_read(found, variable, src)?;
    let mut evidence = Vec::new();
    let mut ctx = Context::default();
    if let Some(interp) = p.of(consumer).filter(|p| p.kind_str() == "interpolation")
        && let Some(string) = p.of(interp).filter(|s| s.kind_str() == "string")
    {
        let f = fstring_context(p, string, interp, consumer, src);
        climb(p, string, src, &mut evidence, &mut ctx);
        evidence.extend(Evidence::fstring_prefix(&f.literal_before));
    } else {
        climb(p, consumer, src, &mut evidence, &mut ctx);
    }
    evidence.sort_by_key(|e| priority(e.source));
    let evidence: Vec<Evidence> = evidence
        .into_iter()
        .map(|e| Evidence::new(e.name, NameSource::FollowedVariable))
        .collect();
    (!evidence.is_empty()).then_some(evidence)
}

/// The first read of `variable` after the site, in the same scope (not in a nested function,
/// class or lambda), found from the name's textual occurrences in order: a scope with
/// thousands of such locals costs no more than its text.
fn first_read<'t>(found: &FoundSite<'t>, variable: &str, src: &[u8]) -> Option<Node<'t>> {
    let p = &*found.parents;
    let (scope, _) = scope_of(p, found.node);
    let after = found.node.end_byte();
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80;
    let region = after.min(scope.end_byte())..scope.end_byte();
    for at in memchr::memmem::find_iter(&src[region.clone()], variable.as_bytes()) {
        let start = region.start + at;
        let end = start + variable.len();
        if start <= after
            || (start > 0 && is_ident(src[start - 1]))
            || src.get(end).is_some_and(|&b| is_ident(b))
        {
            continue;
        }
        let n = p.deepest_holding(start, end);
        if n.kind_str() != "identifier" || n.start_byte() != start || n.end_byte() != end {
            continue;
        }
        if !directly_in(p, n, scope) {
            continue;
        }
        let Some(parent) = p.of(n) else { continue };
        let is_binding = matches!(parent.kind_str(), "assignment" | "augmented_assignment")
            && is_field(parent, "left", n);
        if !is_binding {
            return Some(n);
        }
    }
    None
}

/// Whether `scope` is the nearest function, class or lambda around `node`.
fn directly_in<'t>(p: &Parents<'t>, node: Node<'t>, scope: Node<'_>) -> bool {
    let mut up = p.of(node);
    while let Some(a) = up {
        if a.id() == scope.id() {
            return true;
        }
        if matches!(
            a.kind_str(),
            "function_definition" | "class_definition" | "lambda"
        ) {
            return false;
        }
        up = p.of(a);
    }
    false
}
