//! Site -> edit: the replacement of one site's expression by a generator call.
//!
//! Every replacement is a call (or `lambda: call` for an uncalled reference), so it binds at
//! least as tightly as the expression it replaces. Inside f-strings the quote of the prefix
//! literal is one that Python 3.8–3.11 accepts there: never the quote of an enclosing string.

use crate::syntax::NodeExt;
use tree_sitter::Node;

use crate::classify::{Classified, clean_prefix};
use crate::config::{CallTemplate, Config};
use crate::model::{Edit, Reason, Shape};
use crate::syntax::parse::SourceFile;
use crate::syntax::{Parents, Question, node_text};

mod calls;
mod scope;

/// The generator keeps 8 random hex characters at its end.
pub const RANDOM_HEX_LEN: usize = 8;

/// A replacement of `start..end`, byte offsets in the decoded text (`SourceFile::text`), which
/// differ from offsets in the file's bytes when it has a byte-order mark or another encoding
/// than UTF-8: `in_file` converts to a `model::Edit`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextEdit {
    pub start: usize,
    pub end: usize,
    pub content: String,
}

impl TextEdit {
    /// The same replacement in offsets of the bytes `source` was decoded from.
    pub fn in_file(self, source: &SourceFile) -> Edit {
        Edit {
            start: source.raw_offset(self.start),
            end: source.raw_offset(self.end),
            content: self.content,
        }
    }
}

/// Plans the edit that rewrites one site with its classified prefix.
pub fn plan_edit(site: &Classified<'_>, src: &[u8], config: &Config) -> Result<TextEdit, Reason> {
    plan_fix(site, src, config).map(|planned| planned.edit)
}

/// A site's edit, and when its id type has a typed call, the reason that says whether the edit
/// uses it (with the names it found) or keeps the base call (and why).
#[derive(Debug)]
pub struct Planned {
    pub edit: TextEdit,
    pub typed_call: Option<Reason>,
}

/// As `plan_edit`, with the typed call's reason.
pub fn plan_fix(site: &Classified<'_>, src: &[u8], config: &Config) -> Result<Planned, Reason> {
    plan(site, src, config)
}

/// How much of the id a replacement is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Whole {
    /// The whole id, made where the site is.
    Now,
    /// The whole id, made later by a new `lambda:` at the site.
    Deferred,
    /// Part of an id (a suffix in a larger f-string, a truncation).
    Part,
}

/// Makes the call text for a site: the typed call of its id type when it has one, the
/// replacement is a whole id and every required name is visible; else the base call.
struct Calls<'a, 't> {
    base: &'a str,
    typed: Option<&'a CallTemplate>,
    node: Node<'t>,
    parents: &'a Parents<'t>,
    src: &'a [u8],
}

impl Calls<'_, '_> {
    fn make(&self, quote: char, prefix: &str, whole: Whole) -> (String, Option<Reason>) {
        let literal = format!("{quote}{prefix}{quote}");
        let base = format!("{}({literal})", self.base);
        let Some(template) = self.typed else {
            return (base, None);
        };
        if whole == Whole::Part {
            return (base, Some(calls::part_of_id(template)));
        }
        let site = scope::Site {
            parents: self.parents,
            src: self.src,
            node: self.node,
            deferred: whole == Whole::Deferred,
        };
        match calls::fill(template, &site, &literal) {
            Ok((call, reason)) => (call, Some(reason)),
            Err(reason) => (base, Some(reason)),
        }
    }
}

fn refuse(why: impl Into<String>) -> Reason {
    Reason::NoSafeRewrite { why: why.into() }
}

/// Whether `prefix` can go into a string literal, an f-string field and an id as it is.
pub fn is_valid_prefix(prefix: &str) -> bool {
    !prefix.is_empty()
        && prefix
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

fn plan(site: &Classified<'_>, src: &[u8], config: &Config) -> Result<Planned, Reason> {
    let class = &site.classification;
    let value = &site.value;
    if class.shape == Shape::Object {
        return Err(refuse("the UUID object itself is used"));
    }
    let prefix = class
        .prefix
        .as_deref()
        .ok_or_else(|| refuse("no prefix could be derived from the name"))?;
    if !is_valid_prefix(prefix) {
        return Err(refuse(format!(
            "prefix `{prefix}` holds characters other than letters, digits, `_`, `-` and `.`"
        )));
    }
    let parents = &*site.parents;
    let calls = Calls {
        base: &config.generator_call,
        typed: config.generator_calls.get(&class.id_type),
        node: value.node,
        parents,
        src,
    };
    let edit = |node: Node<'_>, content: String, typed_call: Option<Reason>| {
        // A comment starts with `#`: without one in the expression's text there is none.
        let has_hash = memchr::memchr(b'#', &src[node.byte_range()]).is_some();
        if has_hash && contains_kind(node, "comment") {
            return Err(refuse("a comment inside the expression would be lost"));
        }
        Ok(Planned {
            edit: TextEdit {
                start: node.start_byte(),
                end: node.end_byte(),
                content,
            },
            typed_call,
        })
    };
    let tail = truncation(value.node, value.truncation)?
        .map(|n| format!("[-{n}:]"))
        .unwrap_or_default();
    let whole_unless_sliced = if tail.is_empty() {
        Whole::Now
    } else {
        Whole::Part
    };

    if !contains_kind(value.node, "call") {
        // An uncalled reference (`default_factory=uuid.uuid4`) on a `str` field: a factory.
        let quote = free_quote(value.node, parents, src).ok_or_else(no_free_quote)?;
        let (call, note) = calls.make(quote, prefix, Whole::Deferred);
        let lambda = format!("lambda: {call}");
        let bare = parents.of(value.node).is_some_and(lambda_needs_no_parens);
        return edit(
            value.node,
            if bare { lambda } else { format!("({lambda})") },
            note,
        );
    }

    if let Some(f) = value.fstring.as_ref().filter(|f| f.prefix_only) {
        // The whole f-string becomes one call; its quote must suit what encloses the f-string.
        let outside = parents.of(f.string).unwrap_or(f.string);
        if f.literal_before.is_empty() {
            // `f"{uuid4().hex[:8]}"` is the value itself.
            let quote = free_quote(outside, parents, src).ok_or_else(no_free_quote)?;
            let (call, note) = calls.make(quote, prefix, whole_unless_sliced);
            return edit(f.string, format!("{call}{tail}"), note);
        }
        if let Some(literal) = clean_prefix(&f.literal_before) {
            let quote = free_quote(outside, parents, src).ok_or_else(no_free_quote)?;
            let (call, note) = calls.make(quote, &literal, Whole::Now);
            return edit(f.string, call, note);
        }
    }

    let quote = free_quote(value.node, parents, src).ok_or_else(no_free_quote)?;
    if value.fstring.is_none()
        && let Some(concat) = &value.concat
        && let Some(literal) = clean_prefix(&concat.prefix)
    {
        let (call, note) = calls.make(quote, &literal, whole_unless_sliced);
        return edit(concat.node, format!("{call}{tail}"), note);
    }
    // Inside a larger f-string or after other text, the site is only the id's suffix.
    let whole = if value.fstring.is_some() || value.concat.is_some() {
        Whole::Part
    } else {
        whole_unless_sliced
    };
    let (call, note) = calls.make(quote, prefix, whole);
    edit(value.node, format!("{call}{tail}"), note)
}

fn no_free_quote() -> Reason {
    refuse("no quote character is free inside the enclosing f-strings (Python < 3.12)")
}

/// The length a sliced value keeps, as the generator's last N characters (`[-N:]`).
fn truncation(node: Node<'_>, classified: Option<usize>) -> Result<Option<usize>, Reason> {
    if node.kind_str() != "subscript" {
        return Ok(None);
    }
    // classify reads `[:N]`, `[0:N]` and `[-N:]`; other bounds cannot keep a known length.
    let n = classified.ok_or_else(|| refuse("sliced with bounds other than `[:N]` or `[-N:]`"))?;
    if n == 0 {
        return Err(refuse("sliced to nothing (`[:0]`)"));
    }
    if n > RANDOM_HEX_LEN {
        return Err(refuse(format!(
            "kept {n} characters: more than the generator's {RANDOM_HEX_LEN} random hex characters"
        )));
    }
    Ok(Some(n))
}

/// Whether `node` or a node below it is of `kind` (one cursor, depth first).
fn contains_kind(node: Node<'_>, kind: &str) -> bool {
    let mut cursor = node.walk();
    loop {
        if cursor.node().kind_str() == kind {
            return true;
        }
        if cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return false;
            }
        }
    }
}

/// Where a lambda stands alone without changing how the code around it parses.
fn lambda_needs_no_parens(parent: Node<'_>) -> bool {
    matches!(
        parent.kind_str(),
        "keyword_argument"
            | "argument_list"
            | "assignment"
            | "pair"
            | "default_parameter"
            | "typed_default_parameter"
            | "return_statement"
            | "parenthesized_expression"
            | "list"
            | "set"
            | "expression_statement"
    )
}

/// More strings than this around a node is code Python 3.8–3.11 cannot parse, where no quote
/// is free: a string inside another's replacement field may not hold the delimiter of any
/// string around it, and there are four (`"`, `'`, `"""`, `'''`).
const MAX_NESTED_STRINGS: usize = 4;

/// The nearest string among `from` and its ancestors: `Parents` keeps the answers, so the
/// sites of one deep expression climb it once between them.
static STRING: Question = Question::new("nearest string");

fn nearest_string<'t>(parents: &Parents<'t>, from: Node<'t>) -> Option<Node<'t>> {
    parents.nearest(&STRING, from, |n| n.kind_str() == "string")
}

/// A quote character that Python 3.8–3.11 accepts at `node`: not the quote of any enclosing
/// single-quoted string; `"` first, and one that no enclosing string uses at all before one
/// that only encloses as a triple quote (`f"""{f'''{"x"}'''}"""` is legal).
fn free_quote<'t>(node: Node<'t>, parents: &Parents<'t>, src: &[u8]) -> Option<char> {
    let mut single = Vec::new();
    let mut triple = Vec::new();
    let mut strings = 0;
    let mut current = nearest_string(parents, node);
    while let Some(n) = current {
        strings += 1;
        if strings > MAX_NESTED_STRINGS {
            return None;
        }
        if let Some(start) = n.child(0).filter(|c| c.kind_str() == "string_start") {
            let text = node_text(start, src);
            if let Some(q) = text.chars().last() {
                let tripled: String = [q; 3].iter().collect();
                if text.ends_with(&tripled) {
                    triple.push(q);
                } else {
                    single.push(q);
                }
            }
        }
        current = parents.up(n).and_then(|up| nearest_string(parents, up));
    }
    let quotes = ['"', '\''];
    quotes
        .into_iter()
        .find(|q| !single.contains(q) && !triple.contains(q))
        .or_else(|| quotes.into_iter().find(|q| !single.contains(q)))
}
