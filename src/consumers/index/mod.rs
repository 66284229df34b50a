//! What one file declares for the consumer analysis: UUID-typed class fields and columns,
//! UUID-typed or UUID-parsing parameters, format-checked fields, tests that pin `uuid4`; and,
//! for following values inside the file, its imports, definitions and regex constants.
//!
//! This module holds the prefilter, the declarations a file yields and the helpers that read
//! values; `extract` walks a file's tree and builds them, its `declarations` reading each
//! definition, call and import.

mod extract;

pub use extract::extract;

use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};
use tree_sitter::Node;

use super::sql::{DDL_NEEDLES, SqlColumn};
use super::types::UuidTypes;
use super::{Anchor, Consumer, PatternCheck};
use crate::model::ConsumerKind;
use crate::syntax::{NodeExt, node_text};

/// Bytes that a file declaring a consumer must contain (a cheap test before any parse), besides
/// the DDL needles and the configured UUID types (`needles`).
const NEEDLES: [&str; 5] = ["UUID", "Uuid", "uuid4", "pattern=", "regex="];

/// Every needle for a configuration: the built-in ones, `CREATE TABLE` / `ALTER TABLE`, and each
/// configured UUID type no built-in needle already finds (`OrderId`, not `ShortUUID`).
pub fn needles<'c>(types: UuidTypes<'c>) -> Vec<&'c str> {
    let mut all: Vec<&'c str> = NEEDLES.iter().chain(DDL_NEEDLES.iter()).copied().collect();
    for t in types.configured() {
        if !NEEDLES.iter().any(|n| t.contains(n)) {
            all.push(t);
        }
    }
    all
}

/// Whether the bytes can declare a consumer: a needle on a line that is not an import.
pub fn may_declare(raw: &[u8], needles: &[&str]) -> bool {
    let mut found = false;
    crate::util::needles::for_each_start(raw, needles, |at| {
        let line_start = memchr::memrchr(b'\n', &raw[..at]).map_or(0, |i| i + 1);
        let line = raw[line_start..at].trim_ascii_start();
        found =
            !(line.starts_with(b"import ") || line.starts_with(b"from ") || line.starts_with(b"#"));
        if found {
            std::ops::ControlFlow::Break(())
        } else {
            std::ops::ControlFlow::Continue(())
        }
    });
    found
}

/// A class field that consumes the value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldDecl {
    pub name: String,
    pub consumer: Consumer,
}

/// A class with at least one consuming field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassDecl {
    pub name: String,
    pub fields: Vec<FieldDecl>,
}

/// A parameter that consumes the value; `position` counts without `self`/`cls`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParamDecl {
    pub name: String,
    pub position: usize,
    pub consumer: Consumer,
}

/// A function or method with at least one consuming parameter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunctionDecl {
    pub name: String,
    pub class: Option<String>,
    pub params: Vec<ParamDecl>,
}

/// A test that patches `uuid4` of a module (`uuid` itself for `patch("uuid.uuid4")`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pin {
    pub module: String,
    pub line: usize,
    pub column: usize,
    /// For a pin of `uuid` itself: the modules the test file imports (the code it reaches).
    pub reaches: Vec<String>,
}

/// The consumers one file declares.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileIndex {
    pub classes: Vec<ClassDecl>,
    pub functions: Vec<FunctionDecl>,
    pub pins: Vec<Pin>,
    /// Columns its SQL strings declare `UUID`.
    pub sql_columns: Vec<SqlColumn>,
}

impl FileIndex {
    pub fn is_empty(&self) -> bool {
        self.classes.is_empty()
            && self.functions.is_empty()
            && self.pins.is_empty()
            && self.sql_columns.is_empty()
    }
}

/// Where an imported name comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    /// `a.b` for `from a.b import C` and `import a.b as m`.
    pub module: String,
    /// `C` for `from a.b import C as D`; `None` for a module import.
    pub name: Option<String>,
}

/// What following a value inside the file needs to know about it (not cached).
#[derive(Debug, Default)]
pub struct FileNames {
    pub imports: FxHashMap<String, Import>,
    /// Classes and functions defined anywhere in the file.
    pub defined: FxHashSet<String>,
    /// Module-level `NAME = re.compile("...")`.
    pub regexes: FxHashMap<String, PatternCheck>,
}

/// The last dotted component of a callee: `Column` for `sa.Column`.
pub fn last_name(text: &str) -> &str {
    text.rsplit('.').next().unwrap_or(text).trim()
}

/// `last_name` of a node's text, reading only what follows its last dot: a callee's text can
/// be a whole chain of calls (`a.f(x).g(y)...`), too long to read once per site.
pub fn last_name_of<'s>(node: Node<'_>, src: &'s [u8]) -> &'s str {
    let text = &src[node.byte_range()];
    let after = memchr::memrchr(b'.', text).map_or(0, |dot| dot + 1);
    std::str::from_utf8(&text[after..])
        .unwrap_or_default()
        .trim()
}

/// The content of a plain string literal (not an f-string), with `\\` unescaped unless raw.
pub fn string_value(node: Node<'_>, src: &[u8]) -> Option<String> {
    if node.kind_str() != "string" {
        return None;
    }
    let mut cursor = node.walk();
    if node
        .named_children(&mut cursor)
        .any(|c| c.kind_str() == "interpolation")
    {
        return None;
    }
    let text = node_text(node, src);
    let quote = text.find(['"', '\''])?;
    let prefix = text[..quote].to_ascii_lowercase();
    if prefix.contains('f') || prefix.contains('b') {
        return None;
    }
    let body = &text[quote..];
    let q = if body.starts_with("\"\"\"") || body.starts_with("'''") {
        3
    } else {
        1
    };
    let inner = body.get(q..body.len().checked_sub(q)?)?;
    Some(if prefix.contains('r') {
        inner.to_owned()
    } else {
        inner.replace("\\\\", "\\")
    })
}

fn line_of(node: Node<'_>) -> usize {
    node.start_position().row + 1
}

/// What a class field's annotation and value say it consumes.
fn field_consumer(
    types: UuidTypes<'_>,
    annotation: Option<Node<'_>>,
    value: Option<Node<'_>>,
    src: &[u8],
) -> Option<(ConsumerKind, Option<PatternCheck>)> {
    if let Some(a) = annotation {
        if let Some(check) = pattern_in(a, src) {
            return Some((ConsumerKind::Pattern, Some(check)));
        }
        if types.typed(node_text(a, src)) {
            return Some((ConsumerKind::UuidAnnotation, None));
        }
    }
    let value = value.filter(|v| v.kind_str() == "call")?;
    if let Some(check) = pattern_in(value, src) {
        return Some((ConsumerKind::Pattern, Some(check)));
    }
    types
        .column(value, src)
        .then_some((ConsumerKind::UuidColumn, None))
}

/// A `pattern=` / `regex=` keyword with a literal, anywhere in `node` (a `Field(...)`, a
/// `constr(...)`, an `Annotated[str, Field(pattern=...)]`).
fn pattern_in(node: Node<'_>, src: &[u8]) -> Option<PatternCheck> {
    let text = node_text(node, src);
    if !text.contains("pattern") && !text.contains("regex") {
        return None;
    }
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        if n.kind_str() == "keyword_argument" {
            let name = n.field("name").map(|k| node_text(k, src));
            if let (Some(kw @ ("pattern" | "regex")), Some(value)) = (name, n.field("value"))
                && let Some(pattern) = string_value(value, src)
            {
                return Some(PatternCheck {
                    pattern,
                    anchor: if kw == "regex" {
                        Anchor::Start
                    } else {
                        Anchor::Search
                    },
                });
            }
        }
        let mut cursor = n.walk();
        stack.extend(n.named_children(&mut cursor));
    }
    None
}

/// `x` of `str(x)`.
pub fn unwrap_str<'t>(node: Node<'t>, src: &[u8]) -> Node<'t> {
    if node.kind_str() == "call"
        && node.field("function").map(|f| node_text(f, src)) == Some("str")
        && let Some(args) = node.field("arguments")
        && args.named_child_count() == 1
        && let Some(inner) = args.named_child(0)
    {
        return inner;
    }
    node
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prefilter_sees_ddl_and_configured_types_outside_imports() {
        let none = needles(UuidTypes::default());
        assert!(may_declare(
            b"SQL = \"create table t (order_id uuid)\"\n",
            &none
        ));
        assert!(may_declare(
            b"q = '''\n  ALTER TABLE t ADD x uuid'''\n",
            &none
        ));
        assert!(!may_declare(b"rows = table.select()\n", &none));
        let configured = vec!["OrderId".to_owned(), "ShortUUID".to_owned()];
        let some = needles(UuidTypes::new(&configured));
        assert_eq!(some.len(), none.len() + 1, "ShortUUID is found by `UUID`");
        assert!(may_declare(b"class A:\n    order_id: OrderId\n", &some));
        assert!(!may_declare(b"from t import OrderId\n", &some));
        assert!(!may_declare(b"class A:\n    order_id: OrderId\n", &none));
    }
}
