//! Cheap node kinds and fields. `Node::kind` validates the kind's C string as UTF-8 on every
//! call and `Node::child_by_field_name` compares the name with every field name of the grammar;
//! the analysis asks both hundreds of thousands of times, so both are tables here.

pub mod enclosing;
#[cfg(test)]
pub(crate) mod fixtures;
pub mod parents;
pub mod parse;
pub mod slice;

pub use parents::{Parents, Question, Verdict};

use std::sync::LazyLock;

use rustc_hash::FxHashMap;
use tree_sitter::{Language, Node};

fn language() -> Language {
    tree_sitter_python::LANGUAGE.into()
}

/// Kind names by kind id.
static KINDS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let language = language();
    (0..language.node_kind_count())
        .map(|id| {
            u16::try_from(id)
                .ok()
                .and_then(|id| language.node_kind_for_id(id))
                .unwrap_or("")
        })
        .collect()
});

/// Field ids by field name.
static FIELDS: LazyLock<FxHashMap<&'static str, u16>> = LazyLock::new(|| {
    let language = language();
    (1..=language.field_count())
        .filter_map(|id| {
            let id = u16::try_from(id).ok()?;
            Some((language.field_name_for_id(id)?, id))
        })
        .collect()
});

/// How many levels of expression a climb from a value goes up through, looking for what names
/// it (`classify`'s naming) or where it goes (`consumers`' flow). Real code puts a value a few
/// levels below its name (`f(x=str(uuid4()))` is three); without a bound each of the N sites of
/// `x = a or b or ...` (valid Python at any length), of a chain of calls or of nested lambdas
/// climbs up to N levels, N² between them. Past this depth the naming goes on only to where it
/// would stop, and the flow only through chains of `or`, `and` and conditionals.
pub const MAX_VALUE_DEPTH: usize = 32;

pub trait NodeExt<'t> {
    /// The same as `Node::kind`, from a table.
    fn kind_str(&self) -> &'static str;
    /// The same as `Node::child_by_field_name`, with the field id from a table.
    fn field(&self, name: &str) -> Option<Node<'t>>;
}

impl<'t> NodeExt<'t> for Node<'t> {
    fn kind_str(&self) -> &'static str {
        match KINDS.get(usize::from(self.kind_id())) {
            Some(kind) if !kind.is_empty() => kind,
            // ERROR and other built-in kinds have ids outside the table.
            _ => self.kind(),
        }
    }

    fn field(&self, name: &str) -> Option<Node<'t>> {
        match FIELDS.get(name) {
            Some(&id) => self.child_by_field_id(id),
            None => self.child_by_field_name(name),
        }
    }
}

pub fn node_text<'s>(node: Node<'_>, src: &'s [u8]) -> &'s str {
    std::str::from_utf8(&src[node.byte_range()]).unwrap_or_default()
}

/// The 1-based character column where `node` starts (tree-sitter counts bytes), as sites'
/// columns are counted.
pub fn char_column(node: Node<'_>, src: &[u8]) -> usize {
    let start = node.start_byte();
    count_chars(&src[start - node.start_position().column..start]) + 1
}

/// The characters in `bytes` of UTF-8 text (cut anywhere): the bytes that start one.
fn count_chars(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .filter(|&&b| !(0x80..0xc0).contains(&b))
        .count()
}

/// `char_column` for many nodes of one text: a long line's characters are counted once, a
/// block at a time, however many nodes on it are asked about. (`char_column` counts from the
/// line's start: the consumers of N sites on one line would cost N times the line.)
pub struct Columns<'s> {
    src: &'s [u8],
    /// The characters before the end of each whole block of a long line, by the line's start.
    counted: FxHashMap<usize, Vec<usize>>,
}

impl<'s> Columns<'s> {
    /// Bytes of a line counted at a time.
    const BLOCK: usize = 1024;

    pub fn new(src: &'s [u8]) -> Self {
        Columns {
            src,
            counted: FxHashMap::default(),
        }
    }

    /// The 1-based character column where `node` starts.
    pub fn of(&mut self, node: Node<'_>) -> usize {
        let start = node.start_byte();
        let line = start - node.start_position().column;
        let blocks = (start - line) / Self::BLOCK;
        if blocks == 0 {
            return count_chars(&self.src[line..start]) + 1;
        }
        let counted = self.counted.entry(line).or_default();
        while counted.len() < blocks {
            let from = line + counted.len() * Self::BLOCK;
            let before = counted.last().copied().unwrap_or(0);
            counted.push(before + count_chars(&self.src[from..from + Self::BLOCK]));
        }
        counted[blocks - 1] + count_chars(&self.src[line + blocks * Self::BLOCK..start]) + 1
    }
}

/// Whether `child` is `parent`'s field `field`.
pub fn is_field(parent: Node<'_>, field: &str, child: Node<'_>) -> bool {
    parent.field(field).map(|n| n.id()) == Some(child.id())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_column_counts_characters_not_bytes() {
        let src = "é = 1; ü = 2; x: UUID\n";
        let tree = crate::syntax::parse::parse(src, None).unwrap();
        let root = tree.root_node();
        let last = root.named_child(root.named_child_count() - 1).unwrap();
        assert_eq!(node_text(last, src.as_bytes()), "x: UUID");
        assert_eq!(last.start_position().column, 16);
        assert_eq!(char_column(last, src.as_bytes()), 15);
    }

    #[test]
    fn columns_agree_with_char_column_on_long_lines() {
        // Characters of 1 to 4 bytes, so that blocks end inside characters.
        let mut src = String::new();
        for i in 0..600 {
            src.push_str(["a", "é", "€", "😀"][i % 4]);
            src.push_str(&format!(" = f(x{i}); "));
        }
        src.push('\n');
        src.push_str("y = 1\n");
        let tree = crate::syntax::parse::parse(&src, None).unwrap();
        let mut columns = Columns::new(src.as_bytes());
        let nodes = crate::syntax::fixtures::nodes_of(&tree);
        assert!(nodes.len() > 4_000);
        // Forwards, then backwards.
        for node in nodes.iter().chain(nodes.iter().rev()) {
            let expected = String::from_utf8_lossy(
                &src.as_bytes()
                    [node.start_byte() - node.start_position().column..node.start_byte()],
            )
            .chars()
            .count()
                + 1;
            assert_eq!(columns.of(*node), expected);
            assert_eq!(char_column(*node, src.as_bytes()), expected);
        }
    }

    #[test]
    fn tables_agree_with_tree_sitter() {
        let src = "import uuid\n@d\nclass C(B):\n    def f(self, a: int = 1):\n        x = f\"{uuid.uuid4().hex[:8]}\" + y[1]  # c\n        return (lambda: 1)()\nx = (\n";
        let tree = crate::syntax::parse::parse(src, None).unwrap();
        let mut cursor = tree.walk();
        let mut seen = 0;
        loop {
            let node = cursor.node();
            assert_eq!(node.kind_str(), node.kind());
            for name in [
                "name",
                "body",
                "left",
                "right",
                "function",
                "arguments",
                "value",
            ] {
                assert_eq!(node.field(name), node.child_by_field_name(name));
            }
            seen += 1;
            if cursor.goto_first_child() {
                continue;
            }
            while !cursor.goto_next_sibling() {
                if !cursor.goto_parent() {
                    assert!(seen > 50);
                    return;
                }
            }
        }
    }
}
