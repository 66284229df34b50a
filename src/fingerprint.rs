//! Everything a baseline fingerprint hashes, in one place: the site's statement (without
//! comments and whitespace, in the canonical form a formatter cannot change) and its enclosing
//! scope (`Class.method`) — never a line number, never anything the classifier decides.

use sha2::{Digest, Sha256};
use tree_sitter::Node;

use crate::syntax::NodeExt;
use crate::syntax::Parents;

/// Hex digits in a fingerprint (64 bits).
pub const FINGERPRINT_LEN: usize = 16;

/// A site's identity across edits (`Site::fingerprint`, worked out by the scan once per
/// statement): the fingerprint of a statement (whitespace and comments already removed) in a scope.
pub fn fingerprint_of(scope: &str, statement: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(scope.as_bytes());
    hasher.update([0]);
    hasher.update(canonical_statement(statement).as_bytes());
    let digest = hasher.finalize();
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(FINGERPRINT_LEN);
    for b in digest.iter().take(FINGERPRINT_LEN / 2) {
        out.push(HEX[usize::from(b >> 4)] as char);
        out.push(HEX[usize::from(b & 15)] as char);
    }
    out
}

/// What a formatter such as black may change in a statement, taken out: the statement arrives
/// without whitespace; quotes become `"`, a comma before a closing bracket goes (the "magic
/// trailing comma" added when a call is split over lines), and parentheses go (added around a
/// right-hand side or a `return` value that no longer fits on one line).
fn canonical_statement(statement: &str) -> String {
    let chars: Vec<char> = statement.chars().collect();
    let mut out = String::with_capacity(statement.len());
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '(' | ')' => {}
            ',' if matches!(chars.get(i + 1), Some(')' | ']' | '}')) => {}
            '\'' => out.push('"'),
            _ => out.push(c),
        }
    }
    out
}

/// The statement holding the site and where its fingerprinted part ends: the header only, for
/// compound statements; the decorator or the definition's header, for a decorated definition.
pub fn statement_of<'t>(parents: &Parents<'t>, node: Node<'t>) -> (Node<'t>, usize) {
    let mut stmt = node;
    let mut below = node;
    while let Some(parent) = parents.of(stmt) {
        if matches!(parent.kind_str(), "block" | "module") {
            break;
        }
        below = stmt;
        stmt = parent;
    }
    if stmt.kind_str() == "decorated_definition" && below.id() != stmt.id() {
        stmt = below;
    }
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
pub fn normalized_statement(stmt: Node<'_>, end: usize, src: &[u8]) -> String {
    let mut text = String::new();
    let mut at = stmt.start_byte();
    // Most statements hold no `#` at all: no need to look for comment nodes.
    let comments = if memchr::memchr(b'#', &src[at..end]).is_some() {
        comments_within(stmt, end)
    } else {
        Vec::new()
    };
    for comment in comments {
        text.push_str(&String::from_utf8_lossy(&src[at..comment.start]));
        at = comment.end;
    }
    text.push_str(&String::from_utf8_lossy(&src[at..end]));
    let squeezed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    squeezed
        .replace(",)", ")")
        .replace(",]", "]")
        .replace(",}", "}")
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

    #[test]
    fn fingerprints_depend_on_scope() {
        assert_ne!(
            fingerprint_of("A.f", "x=uuid.uuid4()"),
            fingerprint_of("A.g", "x=uuid.uuid4()")
        );
        assert_eq!(
            fingerprint_of("A.f", "x=uuid.uuid4()").len(),
            FINGERPRINT_LEN
        );
    }
}
