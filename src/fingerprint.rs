//! Everything a baseline fingerprint hashes, in one place: the site's statement (without
//! comments and whitespace, in the canonical form a formatter cannot change) and its enclosing
//! scope (`Class.method`) — never a line number, never anything the classifier decides.

use std::ops::Range;

use sha2::{Digest, Sha256};
use tree_sitter::Node;

use crate::model::Fingerprint;
use crate::syntax::{NodeExt, Parents, Question};

/// What stands for a masked expression in a fingerprinted statement.
const MASK: &str = "\u{a7}";

/// A site's identity across edits (`Site::fingerprint`, worked out by the scan once per
/// statement): the fingerprint of a statement (whitespace and comments already removed) in a scope.
pub fn fingerprint_of(scope: &str, statement: &str) -> Fingerprint {
    let mut hasher = Sha256::new();
    hasher.update(scope.as_bytes());
    hasher.update([0]);
    hasher.update(canonical_statement(statement).as_bytes());
    Fingerprint::of_digest(&hasher.finalize())
}

/// What a formatter such as black may change in a statement, taken out: the statement arrives
/// without whitespace; quotes become `"`, a comma before a closing bracket goes (the "magic
/// trailing comma" added when a call is split over lines), and parentheses go (added around a
/// right-hand side or a `return` value that no longer fits on one line).
fn canonical_statement(statement: &str) -> String {
    let mut out = String::with_capacity(statement.len());
    let mut chars = statement.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '(' | ')' => {}
            ',' if matches!(chars.peek(), Some(')' | ']' | '}')) => {}
            '\'' => out.push('"'),
            _ => out.push(c),
        }
    }
    out
}

/// A node's statement (see `statement_of`): `Parents` keeps the answers, so the sites of one
/// deep expression climb it once between them.
static STATEMENT: Question = Question::new("statement");

/// The statement holding the site and where its fingerprinted part ends: the header only, for
/// compound statements; the decorator or the definition's header, for a decorated definition.
pub fn statement_of<'t>(parents: &Parents<'t>, node: Node<'t>) -> (Node<'t>, usize) {
    let in_block = |n: Node<'t>| matches!(n.kind_str(), "block" | "module");
    // The nearest node that is a child of a block, or of a decorated definition in a block;
    // the root when there is none.
    let stmt = parents
        .nearest_by_parent(&STATEMENT, node, |_, parent| match parent {
            None => true,
            Some(parent) => {
                in_block(parent)
                    || (parent.kind_str() == "decorated_definition"
                        && parents.of(parent).is_some_and(in_block))
            }
        })
        .expect("the root is a statement when nothing below is");
    let mut end = stmt.end_byte();
    let mut cursor = stmt.walk();
    if let Some(body) = stmt.children(&mut cursor).find(|c| c.kind_str() == "block")
        && body.start_byte() > node.end_byte()
    {
        end = body.start_byte();
    }
    (stmt, end)
}

/// The statement up to `end` without comments, whitespace and trailing commas: what the
/// baseline fingerprint hashes.
pub fn normalized_statement(
    stmt: Node<'_>,
    end: usize,
    src: &[u8],
    masks: &[Range<usize>],
) -> String {
    let mut text = String::new();
    let mut at = stmt.start_byte();
    // Most statements hold no `#` at all: no need to look for comment nodes.
    let comments = if memchr::memchr(b'#', &src[at..end]).is_some() {
        comments_within(stmt, end)
    } else {
        Vec::new()
    };
    // Comments are dropped and masks become `MASK`, in one pass over both in offset order.
    let mut cuts: Vec<(Range<usize>, &str)> = comments
        .into_iter()
        .map(|c| (c, ""))
        .chain(masks.iter().map(|m| (m.clone(), MASK)))
        .collect();
    cuts.sort_by_key(|(r, _)| (r.start, std::cmp::Reverse(r.end)));
    for (cut, replacement) in cuts {
        if cut.end <= at {
            continue;
        }
        let start = cut.start.max(at);
        text.push_str(&String::from_utf8_lossy(&src[at..start]));
        text.push_str(replacement);
        at = cut.end.min(end);
    }
    text.push_str(&String::from_utf8_lossy(&src[at..end]));
    // Whitespace out, and a comma before a closing bracket (once whitespace is out) with it.
    let mut squeezed = String::with_capacity(text.len());
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        if matches!(c, ')' | ']' | '}') && squeezed.ends_with(',') {
            squeezed.pop();
        }
        squeezed.push(c);
    }
    squeezed
}

/// A statement as shown to people (in the baseline file): long ones cut after 200 characters.
pub fn shortened(statement: &str) -> String {
    const SHOWN: usize = 200;
    match statement.char_indices().nth(SHOWN) {
        Some((cut, _)) => format!("{}…", &statement[..cut]),
        None => statement.to_owned(),
    }
}

/// Byte ranges of the comments inside `node` that start before `end`, in order.
fn comments_within(node: Node<'_>, end: usize) -> Vec<std::ops::Range<usize>> {
    let mut found = Vec::new();
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        if n.start_byte() >= end {
            continue;
        }
        if n.kind_str() == "comment" {
            found.push(n.start_byte()..n.end_byte().min(end));
            continue;
        }
        let mut cursor = n.walk();
        stack.extend(n.children(&mut cursor));
    }
    found.sort_by_key(|r| r.start);
    found
}

/// The calls of the generator in a statement (`UnifiedIdGenerator.generate_base_id("run")`), each
/// with what a rewrite puts around it (`lambda: ...`, `...[-8:]`): the text a rewrite leaves where
/// a site was. The fingerprint masks them as it masks the sites, so a statement hashes the same
/// before and after some of its sites are rewritten (a wave does not make its siblings new).
pub fn generator_calls(stmt: Node<'_>, end: usize, src: &[u8], binding: &str) -> Vec<Range<usize>> {
    let start = stmt.start_byte();
    if binding.is_empty() || memchr::memmem::find(&src[start..end], binding.as_bytes()).is_none() {
        return Vec::new();
    }
    let mut found = Vec::new();
    let mut stack = vec![stmt];
    while let Some(node) = stack.pop() {
        if node.start_byte() >= end {
            continue;
        }
        if node.kind_str() == "call"
            && let Some(function) = node.field("function")
            && function.kind_str() == "attribute"
            && function
                .field("object")
                .is_some_and(|o| crate::syntax::node_text(o, src) == binding)
        {
            found.push(node);
            continue;
        }
        let mut cursor = node.walk();
        stack.extend(node.children(&mut cursor));
    }
    found
        .into_iter()
        .map(|call| {
            let mut outer = call;
            if let Some(parent) = call.parent() {
                let wraps = match parent.kind_str() {
                    "lambda" => parent.field("body") == Some(call),
                    "subscript" => parent.field("value") == Some(call),
                    _ => false,
                };
                if wraps {
                    outer = parent;
                }
            }
            outer.byte_range()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_statement_drops_what_formatters_change() {
        let one_line = "user_id=payload.get('user_id')orstr(uuid.uuid4())";
        let black = "user_id=(payload.get(\"user_id\")orstr(uuid.uuid4()))";
        assert_eq!(canonical_statement(one_line), canonical_statement(black));
        assert_eq!(
            canonical_statement("make(a,b=str(uuid.uuid4()),)"),
            canonical_statement("make(a,b=str(uuid.uuid4()))")
        );
        assert_ne!(
            canonical_statement("a=str(uuid.uuid4())"),
            canonical_statement("b=str(uuid.uuid4())")
        );
    }

    /// `statement_of`, whose answers `Parents` keeps, agrees with the plain climb through
    /// tree-sitter's own parents on every node of every fixture, asked in text order and
    /// backwards.
    #[test]
    fn kept_statements_agree_with_the_plain_climb() {
        use crate::syntax::fixtures::{FixtureTree, fixture_trees, nodes_of};
        fn plain(node: Node<'_>) -> Node<'_> {
            let mut stmt = node;
            let mut below = node;
            while let Some(parent) = stmt.parent() {
                if matches!(parent.kind_str(), "block" | "module") {
                    break;
                }
                below = stmt;
                stmt = parent;
            }
            if stmt.kind_str() == "decorated_definition" && below.id() != stmt.id() {
                stmt = below;
            }
            stmt
        }
        let mut checked = 0;
        for FixtureTree { text, tree } in fixture_trees() {
            let nodes = nodes_of(&tree);
            let (forwards, backwards) = (Parents::new(&tree), Parents::new(&tree));
            let asked = nodes
                .iter()
                .map(|n| (&forwards, *n))
                .chain(nodes.iter().rev().map(|n| (&backwards, *n)));
            for (p, node) in asked {
                assert_eq!(statement_of(p, node).0, plain(node), "{node:?} in {text}");
            }
            checked += nodes.len();
        }
        assert!(checked > 10_000, "only {checked} nodes checked");
    }

    #[test]
    fn fingerprints_depend_on_scope() {
        assert_ne!(
            fingerprint_of("A.f", "x=uuid.uuid4()"),
            fingerprint_of("A.g", "x=uuid.uuid4()")
        );
        assert_eq!(
            fingerprint_of("A.f", "x=uuid.uuid4()").as_str().len(),
            crate::model::FINGERPRINT_LEN
        );
    }
}
