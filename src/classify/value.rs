//! What the code does with the uuid: the value expression around the site (`str(...)`, `.hex`,
//! a slice, an f-string field, a `+` concatenation) and the shape it gives.

use tree_sitter::Node;

use crate::model::{Shape, ShapeDetail, SiteKind};
use crate::sites::FoundSite;
use crate::syntax::{NodeExt, Parents, is_field, node_text};

/// The expression a rewrite replaces and the form it must keep.
#[derive(Debug, Clone)]
pub struct Value<'t> {
    /// The uuid expression with its shape wrappers: `str(uuid.uuid4())`, `uuid.uuid4().hex[:8]`.
    pub node: Node<'t>,
    pub shape: Shape,
    /// Length kept by a truncation `[:N]`.
    pub truncation: Option<usize>,
    /// The f-string the value sits in, when it does.
    pub fstring: Option<Fstring<'t>>,
    /// `"request_" + str(uuid4())`: the whole concatenation and its literal prefix.
    pub concat: Option<Concat<'t>>,
}

/// `"request_" + str(uuid4())`: the `+` expression and its literal left operand.
#[derive(Debug, Clone)]
pub struct Concat<'t> {
    pub node: Node<'t>,
    pub prefix: String,
}

/// An f-string holding the site in one of its replacement fields.
#[derive(Debug, Clone)]
pub struct Fstring<'t> {
    pub string: Node<'t>,
    /// Literal text before the field (other fields removed).
    pub literal_before: String,
    /// True when the string is exactly `f"<literal prefix>{<site>}"`.
    pub prefix_only: bool,
}

pub(super) fn shape_detail(kind: SiteKind, value: &Value<'_>, shape: Shape) -> ShapeDetail {
    match (kind, shape) {
        (SiteKind::Reference, Shape::String) => ShapeDetail::ReferenceOnStrField,
        (SiteKind::Reference, _) => ShapeDetail::Reference,
        (_, Shape::Fstring) => ShapeDetail::FstringField,
        (_, Shape::Truncated) if value.truncation.is_some() => ShapeDetail::SlicedToLength,
        (_, Shape::Truncated) => ShapeDetail::Sliced,
        (_, Shape::Hex) => ShapeDetail::Hex,
        (_, Shape::String) => ShapeDetail::Str,
        (_, Shape::Object) => ShapeDetail::Object,
    }
}

/// Walks the shape wrappers around the site: `.hex`, `[:N]`, `str(...)`, and an f-string field.
pub(super) fn value_of<'t>(found: &FoundSite<'t>, src: &[u8]) -> Value<'t> {
    let p = &*found.parents;
    let mut node = found.expr;
    let mut shape = Shape::Object;
    let mut truncation = None;
    if found.kind == SiteKind::Call {
        while let Some(parent) = p.of(node) {
            match parent.kind_str() {
                "attribute" if is_field(parent, "object", node) => {
                    let attr = parent.field("attribute").map(|a| node_text(a, src));
                    if attr == Some("hex") && shape == Shape::Object {
                        shape = Shape::Hex;
                    } else {
                        break;
                    }
                }
                "subscript" if is_field(parent, "value", node) && shape != Shape::Object => {
                    match prefix_slice_len(parent, src) {
                        Some(len) => {
                            shape = Shape::Truncated;
                            truncation = len;
                        }
                        None => break,
                    }
                }
                "argument_list" => {
                    let call = p.of(parent).filter(|c| c.kind_str() == "call");
                    let is_str = call
                        .and_then(|c| c.field("function"))
                        .is_some_and(|f| &src[f.byte_range()] == b"str");
                    // Whether `str(...)` has this one argument (looking no further than a
                    // second one: a call can have thousands).
                    let single = is_str && {
                        let mut cursor = parent.walk();
                        parent
                            .named_children(&mut cursor)
                            .filter(|c| c.kind_str() != "comment")
                            .take(2)
                            .count()
                            == 1
                    };
                    if single {
                        // `str(uuid4().hex)` keeps the hex (or truncated) shape.
                        if shape == Shape::Object {
                            shape = Shape::String;
                        }
                        node = call.expect("checked above");
                        continue;
                    }
                    break;
                }
                "parenthesized_expression" => {}
                _ => break,
            }
            node = parent;
        }
    }
    let mut value = Value {
        node,
        shape,
        truncation,
        fstring: None,
        concat: None,
    };
    if let Some(interp) = p.of(node).filter(|p| p.kind_str() == "interpolation") {
        if let Some(string) = p.of(interp).filter(|s| s.kind_str() == "string") {
            value.shape = Shape::Fstring;
            value.fstring = Some(fstring_context(p, string, interp, node, src));
        }
    } else if matches!(value.shape, Shape::String | Shape::Hex) {
        value.concat = concat_prefix(p, node, src);
    }
    value
}

/// `[:N]` or `[0:N]` -> Some(Some(N)); other slices -> Some(None) when they still cut a prefix; else None.
pub(super) fn prefix_slice_len(subscript: Node<'_>, src: &[u8]) -> Option<Option<usize>> {
    let slice = subscript
        .field("subscript")
        .filter(|s| s.kind_str() == "slice")?;
    let text: String = node_text(slice, src)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let (start, rest) = text.split_once(':')?;
    if rest.is_empty() {
        // `[-N:]` keeps the last N characters.
        if let Some(len) = start
            .strip_prefix('-')
            .and_then(|n| n.parse::<usize>().ok())
        {
            return Some(Some(len));
        }
    }
    if !(start.is_empty() || start == "0") || rest.contains(':') {
        return Some(None);
    }
    Some(rest.parse::<usize>().ok())
}

pub(super) fn fstring_context<'t>(
    p: &Parents<'t>,
    string: Node<'t>,
    interp: Node<'t>,
    value: Node<'t>,
    src: &[u8],
) -> Fstring<'t> {
    let mut literal_before = String::new();
    let mut fields = 0;
    let mut after_field = false;
    let mut literal_after = false;
    let mut cursor = string.walk();
    for child in string.children(&mut cursor) {
        match child.kind_str() {
            "string_content" if !after_field => literal_before.push_str(node_text(child, src)),
            "string_content" => literal_after = true,
            "interpolation" => {
                fields += 1;
                if child.id() == interp.id() {
                    after_field = true;
                }
            }
            _ => {}
        }
    }
    let plain_field = interp.named_child_count() == 1
        && interp.field("expression").map(|e| e.id()) == Some(value.id());
    let in_concatenation = p
        .of(string)
        .is_some_and(|p| p.kind_str() == "concatenated_string");
    Fstring {
        string,
        prefix_only: fields == 1 && !literal_after && plain_field && !in_concatenation,
        literal_before,
    }
}

/// `"request_" + str(uuid4())` -> the binary operator and `request_`.
pub(super) fn concat_prefix<'t>(p: &Parents<'t>, node: Node<'t>, src: &[u8]) -> Option<Concat<'t>> {
    let parent = p.of(node).filter(|p| p.kind_str() == "binary_operator")?;
    if !is_field(parent, "right", node)
        || parent.field("operator").map(|o| node_text(o, src)) != Some("+")
    {
        return None;
    }
    let left = parent.field("left").filter(|l| l.kind_str() == "string")?;
    let literal = plain_string(left, src)?;
    Some(Concat {
        node: parent,
        prefix: literal,
    })
}

/// The text of a string literal with no interpolation, without quotes and prefix.
pub(super) fn plain_string(node: Node<'_>, src: &[u8]) -> Option<String> {
    if node.kind_str() != "string" {
        return None;
    }
    let mut text = String::new();
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        match child.kind_str() {
            "string_content" => text.push_str(node_text(child, src)),
            "string_start" | "string_end" => {}
            _ => return None,
        }
    }
    Some(text)
}
