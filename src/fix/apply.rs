//! Byte edits on the file's original bytes: encoding the replacement text, sorting, skipping
//! overlaps, applying, the parse the rewrite judges a file by, and the re-parse guard's measure
//! of how badly a text parses.

use tree_sitter::{InputEdit, Node, Point, Tree};

use crate::syntax::parse::{SourceFile, TextEncoding, parse_incremental};

/// A replacement of raw bytes `start..end` of a file; `site` is the index of the site it rewrites.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ByteEdit {
    pub start: usize,
    pub end: usize,
    pub bytes: Vec<u8>,
    pub site: Option<usize>,
}

/// `text` in the file's own encoding; an error when the encoding cannot represent it.
pub fn encode(source: &SourceFile, text: &str) -> Result<Vec<u8>, String> {
    match source.encoding {
        TextEncoding::Utf8 => Ok(text.as_bytes().to_vec()),
        TextEncoding::Legacy(enc) => {
            if enc.output_encoding() != enc {
                return Err(format!("cannot write text in the {} encoding", enc.name()));
            }
            let (bytes, _, unmappable) = enc.encode(text);
            if unmappable {
                return Err(format!("`{text}` cannot be written in {}", enc.name()));
            }
            Ok(bytes.into_owned())
        }
    }
}

/// Sorts edits by position and splits off those that overlap an earlier one.
pub fn without_overlaps(mut edits: Vec<ByteEdit>) -> (Vec<ByteEdit>, Vec<ByteEdit>) {
    edits.sort_by_key(|e| (e.start, e.end));
    let mut kept: Vec<ByteEdit> = Vec::with_capacity(edits.len());
    let mut skipped = Vec::new();
    let mut covered = 0;
    for edit in edits {
        if edit.start < covered {
            skipped.push(edit);
        } else {
            covered = edit.end;
            kept.push(edit);
        }
    }
    (kept, skipped)
}

/// Applies sorted, non-overlapping edits; every byte outside them is copied as it is.
pub fn apply(raw: &[u8], edits: &[ByteEdit]) -> Vec<u8> {
    let mut out =
        Vec::with_capacity(raw.len() + edits.iter().map(|e| e.bytes.len()).sum::<usize>());
    let mut at = 0;
    for edit in edits {
        debug_assert!(edit.start >= at && edit.end >= edit.start && edit.end <= raw.len());
        out.extend_from_slice(&raw[at..edit.start]);
        out.extend_from_slice(&edit.bytes);
        at = edit.end;
    }
    out.extend_from_slice(&raw[at..]);
    out
}

/// Offsets of a rewritten file traced back to the file it was made from: what a second pass
/// over the result needs to look up facts kept by original offset (the consumer verdicts).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OffsetMap {
    /// Each applied edit, in order: original start, original end, length of its new bytes.
    edits: Vec<(usize, usize, usize)>,
}

impl OffsetMap {
    /// The map of `edits`, sorted and non-overlapping, as `apply` takes them.
    pub fn of(edits: &[ByteEdit]) -> OffsetMap {
        OffsetMap {
            edits: edits
                .iter()
                .map(|e| (e.start, e.end, e.bytes.len()))
                .collect(),
        }
    }

    /// The original offset of the byte at `offset` of the result; `None` inside new bytes.
    pub fn original(&self, offset: usize) -> Option<usize> {
        let mut delta: isize = 0;
        for &(start, end, len) in &self.edits {
            let new_start = start.checked_add_signed(delta)?;
            if offset < new_start {
                break;
            }
            if offset < new_start + len {
                return None;
            }
            delta += len as isize - (end - start) as isize;
        }
        offset.checked_add_signed(-delta)
    }
}

/// How badly a tree parses: its error and missing nodes, and where the first one is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ParseDamage {
    pub errors: usize,
    /// 1-based line of the first error.
    pub first_line: Option<usize>,
}

pub fn damage(tree: &Tree) -> ParseDamage {
    let root = tree.root_node();
    let mut damage = ParseDamage::default();
    if !root.has_error() {
        return damage;
    }
    let mut stack: Vec<Node<'_>> = vec![root];
    while let Some(node) = stack.pop() {
        if node.is_error() || node.is_missing() {
            damage.errors += 1;
            let line = node.start_position().row + 1;
            damage.first_line = Some(damage.first_line.map_or(line, |l| l.min(line)));
        }
        if node.has_error() {
            let mut cursor = node.walk();
            stack.extend(node.children(&mut cursor));
        }
    }
    damage
}

/// The tree of `new_text` (see `syntax::parse::structure_text`), re-parsed incrementally from `old_tree` (the tree of the text that
/// `edits` turned into `new_text`): only the edited statements are parsed again, and the result
/// is the tree a full parse would give. `None` when the edits are not in text offsets (a legacy
/// encoding) or tree-sitter gives up; the caller then parses in full.
pub fn reparse(
    old_tree: &Tree,
    old: &SourceFile,
    edits: &[ByteEdit],
    new_text: &str,
) -> Option<Tree> {
    if old.encoding != TextEncoding::Utf8 || edits.len() > MAX_INCREMENTAL_EDITS {
        return None;
    }
    let starts: Vec<usize> = std::iter::once(0)
        .chain(memchr::memchr_iter(b'\n', new_text.as_bytes()).map(|i| i + 1))
        .collect();
    let point = |offset: usize| {
        let row = starts.partition_point(|&s| s <= offset) - 1;
        Point {
            row,
            column: offset - starts[row],
        }
    };
    let mut tree = old_tree.clone();
    let mut delta: isize = 0;
    for edit in edits {
        let start = edit.start.checked_sub(old.bom)?;
        let end = edit.end.checked_sub(old.bom)?;
        let start_byte = start.checked_add_signed(delta)?;
        let start_position = point(start_byte);
        let old_end_position = advance(start_position, &old.text.as_bytes()[start..end]);
        let new_end_byte = start_byte + edit.bytes.len();
        tree.edit(&InputEdit {
            start_byte,
            old_end_byte: start_byte + (end - start),
            new_end_byte,
            start_position,
            old_end_position,
            new_end_position: point(new_end_byte),
        });
        delta += edit.bytes.len() as isize - (end - start) as isize;
    }
    parse_incremental(new_text, &tree)
}

/// Edits beyond which `reparse` leaves the file to a full parse. Tree-sitter walks down to the
/// place of each edit, so editing the old tree costs the tree's depth there for each edit: the
/// N sites of one deep expression (`a or b or ...`) would cost N times its depth. A full parse
/// is linear in the text, and a file with this many edits has that many sites to pay for it.
const MAX_INCREMENTAL_EDITS: usize = 64;

/// The position after `bytes`, starting at `from`.
fn advance(from: Point, bytes: &[u8]) -> Point {
    match memchr::memrchr(b'\n', bytes) {
        Some(last) => Point {
            row: from.row + memchr::memchr_iter(b'\n', bytes).count(),
            column: bytes.len() - last - 1,
        },
        None => Point {
            row: from.row,
            column: from.column + bytes.len(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(start: usize, end: usize, text: &str) -> ByteEdit {
        ByteEdit {
            start,
            end,
            bytes: text.as_bytes().to_vec(),
            site: None,
        }
    }

    #[test]
    fn applies_sorted_edits_and_keeps_other_bytes() {
        let raw = b"a\r\nbb\tcc\r\n";
        let (kept, skipped) =
            without_overlaps(vec![edit(6, 8, "Z"), edit(0, 1, "X"), edit(3, 3, "+")]);
        assert!(skipped.is_empty());
        assert_eq!(apply(raw, &kept), b"X\r\n+bb\tZ\r\n");
    }

    #[test]
    fn skips_overlapping_edits() {
        let (kept, skipped) =
            without_overlaps(vec![edit(2, 6, "a"), edit(4, 8, "b"), edit(6, 6, "c")]);
        assert_eq!(kept, vec![edit(2, 6, "a"), edit(6, 6, "c")]);
        assert_eq!(skipped, vec![edit(4, 8, "b")]);
    }

    #[test]
    fn offsets_of_the_result_trace_back_to_the_original() {
        let edits = vec![edit(2, 4, "xyz"), edit(6, 6, "+"), edit(8, 10, "")];
        let raw = b"0123456789ab";
        let new = apply(raw, &edits);
        assert_eq!(new, b"01xyz45+67ab");
        let map = OffsetMap::of(&edits);
        let traced: Vec<Option<usize>> = (0..new.len()).map(|i| map.original(i)).collect();
        let expected = [
            Some(0),
            Some(1),
            None,
            None,
            None,
            Some(4),
            Some(5),
            None,
            Some(6),
            Some(7),
            Some(10),
            Some(11),
        ];
        assert_eq!(traced, expected);
        for (i, at) in traced.iter().enumerate() {
            if let Some(at) = at {
                assert_eq!(new[i], raw[*at]);
            }
        }
    }

    #[test]
    fn encodes_into_latin1_or_refuses() {
        let source =
            SourceFile::decode(b"# -*- coding: latin-1 -*-\nx = '\xe9'\n".to_vec()).unwrap();
        assert_eq!(encode(&source, "caf\u{e9}").unwrap(), b"caf\xe9");
        assert!(encode(&source, "\u{4e2d}").is_err());
    }

    #[test]
    fn incremental_reparse_equals_a_full_parse() {
        let old = SourceFile::decode(
            "\u{feff}import uuid\n\ndef f():\n    return str(uuid.uuid4())  # x\n"
                .as_bytes()
                .to_vec(),
        )
        .unwrap();
        let tree = crate::syntax::parse::parse(&old.text, None).unwrap();
        let at = old
            .raw
            .windows(17)
            .position(|w| w == b"str(uuid.uuid4())")
            .unwrap();
        let edits = vec![
            edit(3, 14, "from m import G\nimport os\n"),
            edit(at, at + 17, "G.make(\"x\")"),
        ];
        let new = SourceFile::decode(apply(&old.raw, &edits)).unwrap();
        let incremental = reparse(&tree, &old, &edits, &new.text).unwrap();
        let full = crate::syntax::parse::parse(&new.text, None).unwrap();
        assert_eq!(
            incremental.root_node().to_sexp(),
            full.root_node().to_sexp()
        );
        assert!(!incremental.root_node().has_error());
    }
}
