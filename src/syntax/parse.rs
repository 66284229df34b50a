//! Bytes -> text -> tree: PEP 263 decoding, one tree-sitter parser per thread, a parse time budget.

use std::borrow::Cow;
use std::cell::RefCell;
use std::time::Duration;
use tree_sitter::{Parser, Tree};

/// How the file's bytes were decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    /// A legacy encoding declared by a PEP 263 coding line.
    Legacy(&'static encoding_rs::Encoding),
}

/// A Python source file: its original bytes and the decoded text the parser sees.
#[derive(Debug)]
pub struct SourceFile {
    pub raw: Vec<u8>,
    /// Decoded text without the byte-order mark.
    pub text: String,
    /// Length of the UTF-8 byte-order mark in `raw` (0 or 3).
    pub bom: usize,
    pub encoding: TextEncoding,
}

/// Why a file's bytes could not be turned into text.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DecodeError {
    #[error("binary file (contains NUL bytes); not Python source")]
    Binary,
    #[error(
        "not valid UTF-8 and no PEP 263 coding line: add `# -*- coding: latin-1 -*-` (or the right encoding) as the first line"
    )]
    NotUtf8,
    #[error("unknown encoding `{0}` in the PEP 263 coding line")]
    UnknownEncoding(String),
    #[error("bytes are not valid {0} as declared by the PEP 263 coding line")]
    Malformed(&'static str),
    #[error(
        "the PEP 263 coding line declares `{0}`, which is not ASCII-compatible: Python cannot compile such a file either; unsupported"
    )]
    NotAsciiCompatible(String),
    #[error("a UTF-16 or UTF-32 byte-order mark: unsupported (convert the file to UTF-8)")]
    WideBom,
}

impl SourceFile {
    pub fn decode(raw: Vec<u8>) -> Result<SourceFile, DecodeError> {
        if has_wide_bom(&raw) {
            return Err(DecodeError::WideBom);
        }
        if looks_binary(&raw) {
            return Err(DecodeError::Binary);
        }
        let bom = if raw.starts_with(b"\xEF\xBB\xBF") {
            3
        } else {
            0
        };
        let declared = coding_declaration(&raw[bom..]);
        let encoding = match declared {
            None => None,
            Some(label) => {
                let normalized = normalize_label(&label);
                if is_utf8_label(&normalized) {
                    None
                } else {
                    match encoding_rs::Encoding::for_label(normalized.as_bytes()) {
                        Some(enc) if enc == encoding_rs::UTF_8 => None,
                        // UTF-16 (and UTF-32, which encoding_rs does not know) cannot hold an
                        // ASCII coding line: such a declaration is a mistake Python rejects.
                        Some(enc) if !enc.is_ascii_compatible() => {
                            return Err(DecodeError::NotAsciiCompatible(label));
                        }
                        Some(enc) => Some(enc),
                        None => return Err(DecodeError::UnknownEncoding(label)),
                    }
                }
            }
        };
        match encoding {
            None => {
                let text = std::str::from_utf8(&raw[bom..])
                    .map_err(|_| DecodeError::NotUtf8)?
                    .to_owned();
                Ok(SourceFile {
                    raw,
                    text,
                    bom,
                    encoding: TextEncoding::Utf8,
                })
            }
            Some(enc) => {
                let (text, had_errors) = enc.decode_without_bom_handling(&raw[bom..]);
                if had_errors {
                    return Err(DecodeError::Malformed(enc.name()));
                }
                let text = text.into_owned();
                Ok(SourceFile {
                    raw,
                    text,
                    bom,
                    encoding: TextEncoding::Legacy(enc),
                })
            }
        }
    }

    /// Maps a byte offset in `text` to the byte offset in `raw`.
    pub fn raw_offset(&self, text_offset: usize) -> usize {
        match self.encoding {
            TextEncoding::Utf8 => self.bom + text_offset,
            TextEncoding::Legacy(enc) => {
                let (bytes, _, _) = enc.encode(&self.text[..text_offset]);
                self.bom + bytes.len()
            }
        }
    }
}

/// A UTF-16 or UTF-32 byte-order mark.
pub fn has_wide_bom(raw: &[u8]) -> bool {
    raw.starts_with(b"\xFF\xFE") || raw.starts_with(b"\xFE\xFF") || raw.starts_with(b"\0\0\xFE\xFF")
}

/// A NUL byte in the first 8 KiB, as ripgrep decides: not source text.
pub fn looks_binary(raw: &[u8]) -> bool {
    memchr::memchr(0, &raw[..raw.len().min(8192)]).is_some()
}

fn normalize_label(label: &str) -> String {
    let lower = label.to_ascii_lowercase().replace('_', "-");
    match lower.as_str() {
        "latin-1" | "latin1" | "iso-latin-1" | "l1" | "iso8859-1" | "8859" | "cp819" => {
            "iso-8859-1".to_owned()
        }
        _ => lower,
    }
}

fn is_utf8_label(label: &str) -> bool {
    matches!(label, "utf-8" | "utf8" | "utf-8-sig" | "u8" | "utf") || label.starts_with("utf-8-")
}

/// The encoding named by a PEP 263 coding line in the first two lines, if any.
fn coding_declaration(raw: &[u8]) -> Option<String> {
    let mut lines = raw.split(|&b| b == b'\n');
    for (index, line) in lines.by_ref().take(2).enumerate() {
        let line = String::from_utf8_lossy(line);
        let trimmed = line.trim_start_matches([' ', '\t', '\x0c']);
        if !trimmed.starts_with('#') {
            // PEP 263: the second line only counts when the first is a comment or blank.
            if index == 0 && !trimmed.trim().is_empty() {
                return None;
            }
            continue;
        }
        if let Some(found) = coding_in_comment(trimmed) {
            return Some(found);
        }
    }
    None
}

fn coding_in_comment(comment: &str) -> Option<String> {
    let at = comment.find("coding")?;
    let rest = &comment[at + "coding".len()..];
    let rest = rest.strip_prefix([':', '='])?;
    let rest = rest.trim_start_matches([' ', '\t']);
    let name: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect();
    (!name.is_empty()).then_some(name)
}

/// The outcome of parsing: a tree, or a file that took longer than the budget.
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    #[error(
        "parsing took longer than {0:?} (counted in parser steps, not by the clock): skipped \
         (raise `parse-timeout-ms` to scan it)"
    )]
    Timeout(Duration),
    #[error("tree-sitter could not parse the file")]
    Failed,
}

thread_local! {
    static PARSER: RefCell<Parser> = RefCell::new(new_parser());
}

fn new_parser() -> Parser {
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_python::LANGUAGE.into())
        .expect("tree-sitter-python grammar is compatible with the linked tree-sitter");
    parser
}

/// The text tree-sitter is given for `text`: every tab read as one space (same length, same
/// offsets, so node texts are still read from `text`).
///
/// tree-sitter-python counts a tab as eight columns wherever it stands, and emits a dedent inside
/// brackets when a continuation line is indented less than its block (`\t\tx = (a and` over
/// `            b)`): a valid file indented with tabs whose continuation lines use spaces then
/// parses as one error from the top. Python ignores the indentation of continuation lines, and
/// accepts a file only when its indentation compares the same with a tab as one column as with
/// tabs to multiples of eight (else `TabError`), so a tab as one column gives Python's block
/// structure. Scan and rewrite both parse through here, so they read a file alike.
pub fn structure_text(text: &str) -> Cow<'_, str> {
    if memchr::memchr(b'\t', text.as_bytes()).is_some() {
        Cow::Owned(text.replace('\t', " "))
    } else {
        Cow::Borrowed(text)
    }
}

/// How many progress callbacks stand for a millisecond of parsing. tree-sitter calls the
/// progress callback once every 100 parser operations, a count that depends only on the input,
/// so a budget counted in callbacks gives the same answer on a loaded machine as on an idle one
/// (a clock would make a file's result depend on the load). About 15-25 callbacks took a
/// millisecond on two loaded cores of the development machine; 50 is a fast machine's rate, so
/// a budget is rarely exhausted earlier than the clock would have run out. A 10 MiB file of
/// dense sites takes about 110,000 callbacks: the default budget (5,000 ms) is 250,000.
const CALLBACKS_PER_MS: u128 = 50;

/// Parses `text` with this thread's parser, giving up after `budget` (see `CALLBACKS_PER_MS`).
pub fn parse(text: &str, budget: Option<Duration>) -> Result<Tree, ParseError> {
    parse_ranges(text, &[], budget)
}

/// Parses only the byte `ranges` of `text` (all of it when empty); node offsets stay the
/// file's own. Ranges must be sorted, disjoint and start at line starts.
pub fn parse_ranges(
    text: &str,
    ranges: &[std::ops::Range<usize>],
    budget: Option<Duration>,
) -> Result<Tree, ParseError> {
    PARSER.with(|cell| {
        let mut parser = cell.borrow_mut();
        if !ranges.is_empty() {
            let included = included_ranges(text, ranges);
            if parser.set_included_ranges(&included).is_err() {
                return Err(ParseError::Failed);
            }
        }
        let structure = structure_text(text);
        let bytes = structure.as_bytes();
        let mut read = |offset: usize, _| -> &[u8] { bytes.get(offset..).unwrap_or(&[]) };
        let result = match budget {
            None => parser.parse_with_options(&mut read, None, None),
            Some(budget) => {
                let allowed = budget.as_millis().saturating_mul(CALLBACKS_PER_MS);
                let mut calls: u128 = 0;
                let mut progress = |_: &tree_sitter::ParseState| {
                    calls += 1;
                    calls > allowed
                };
                let options = tree_sitter::ParseOptions::new().progress_callback(&mut progress);
                parser.parse_with_options(&mut read, None, Some(options))
            }
        };
        if !ranges.is_empty() {
            // Back to whole documents for the next file.
            let _ = parser.set_included_ranges(&[]);
        }
        match (result, budget) {
            (Some(tree), _) => Ok(tree),
            (None, Some(budget)) => {
                parser.reset();
                Err(ParseError::Timeout(budget))
            }
            (None, None) => {
                parser.reset();
                Err(ParseError::Failed)
            }
        }
    })
}

/// Parses `text` again from `edited`, the tree of the text before, already told of the edits
/// (`Tree::edit`): only what changed is parsed again. `None` when tree-sitter gives up.
pub fn parse_incremental(text: &str, edited: &Tree) -> Option<Tree> {
    let structure = structure_text(text);
    PARSER.with(|cell| cell.borrow_mut().parse(structure.as_bytes(), Some(edited)))
}

fn included_ranges(text: &str, ranges: &[std::ops::Range<usize>]) -> Vec<tree_sitter::Range> {
    let bytes = text.as_bytes();
    // Ranges are sorted: count rows incrementally.
    let (mut row, mut counted_to) = (0, 0);
    let mut point = |offset: usize| {
        row += memchr::memchr_iter(b'\n', &bytes[counted_to..offset]).count();
        counted_to = offset;
        let line_start = memchr::memrchr(b'\n', &bytes[..offset]).map_or(0, |i| i + 1);
        tree_sitter::Point {
            row,
            column: offset - line_start,
        }
    };
    let mut out = Vec::with_capacity(ranges.len());
    for r in ranges {
        let start_point = point(r.start);
        let end_point = point(r.end);
        out.push(tree_sitter::Range {
            start_byte: r.start,
            end_byte: r.end,
            start_point,
            end_point,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tab_indented_file_with_space_continuations_parses() {
        let text = "def f(a, b):\n\tif a:\n\t\tx = (a and\n            b)\n\treturn 2\n";
        let mut raw = new_parser();
        assert!(
            raw.parse(text, None).unwrap().root_node().has_error(),
            "tree-sitter-python alone reads a dedent inside the brackets"
        );
        let tree = parse(text, None).unwrap();
        assert!(
            !tree.root_node().has_error(),
            "{}",
            tree.root_node().to_sexp()
        );
        let def = tree.root_node().child(0).unwrap();
        assert_eq!(def.kind(), "function_definition");
        assert_eq!(def.end_byte(), text.len() - 1, "one block to the end");
        assert_eq!(structure_text(text).len(), text.len());
        assert!(matches!(structure_text("x = 1\n"), Cow::Borrowed(_)));
    }

    #[test]
    fn decodes_latin1_by_coding_line() {
        let raw = b"# -*- coding: latin-1 -*-\nname = '\xe9'\n".to_vec();
        let file = SourceFile::decode(raw).unwrap();
        assert!(file.text.contains('é'));
        let at = file.text.find("'").unwrap();
        assert_eq!(file.raw_offset(at + 'é'.len_utf8() + 1), at + 2);
    }

    #[test]
    fn rejects_undeclared_latin1_and_binary() {
        assert_eq!(
            SourceFile::decode(b"x = '\xe9'\n".to_vec()).unwrap_err(),
            DecodeError::NotUtf8
        );
        assert_eq!(
            SourceFile::decode(b"x\0y".to_vec()).unwrap_err(),
            DecodeError::Binary
        );
    }

    #[test]
    fn strips_bom_and_maps_offsets() {
        let file = SourceFile::decode(b"\xEF\xBB\xBFimport uuid\n".to_vec()).unwrap();
        assert_eq!(file.text, "import uuid\n");
        assert_eq!(file.raw_offset(7), 10);
    }

    #[test]
    fn coding_line_must_be_in_first_two_lines() {
        assert_eq!(
            coding_declaration(b"#!/usr/bin/python\n# vim: set fileencoding=utf-8 :\n"),
            Some("utf-8".into())
        );
        assert_eq!(coding_declaration(b"x = 1\n# coding: latin-1\n"), None);
    }

    #[test]
    fn parse_budget_counts_parser_steps_not_time() {
        // 20,000 statements need far more than a millisecond's 50 callbacks (5,000 steps),
        // however fast or loaded the machine: the answer is the same on every run.
        let text = "x = uuid.uuid4()\n".repeat(20_000);
        let tight = Some(Duration::from_millis(1));
        for _ in 0..3 {
            assert!(matches!(parse(&text, tight), Err(ParseError::Timeout(_))));
        }
        let ample = Some(Duration::from_millis(5_000));
        assert!(!parse(&text, ample).unwrap().root_node().has_error());
        // A short file fits in the tightest budget.
        assert!(parse("x = 1\n", tight).is_ok());
    }
}
