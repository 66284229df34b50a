//! What one file declares for the consumer analysis: UUID-typed class fields and columns,
//! UUID-typed or UUID-parsing parameters, format-checked fields, tests that pin `uuid4`; and,
//! for following values inside the file, its imports, definitions and regex constants.

use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};
use tree_sitter::{Node, Tree};

use super::sql::{DDL_NEEDLES, SqlColumn, declared_columns};
use super::types::UuidTypes;
use super::{Anchor, Consumer, PatternCheck};
use crate::model::ConsumerKind;
use crate::syntax::{NodeExt, char_column, node_text};

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

/// The function being walked: its name, class and parameters.
struct FunctionCtx {
    /// Index into `Builder::functions`.
    index: usize,
    params: Vec<String>,
}

struct Builder<'c> {
    types: UuidTypes<'c>,
    classes: FxHashMap<String, ClassDecl>,
    class_order: Vec<String>,
    functions: Vec<FunctionDecl>,
    pins: Vec<Pin>,
    sql_columns: Vec<SqlColumn>,
    names: FileNames,
}

impl Builder<'_> {
    fn add_field(&mut self, class: &str, name: &str, consumer: Consumer) {
        if !self.classes.contains_key(class) {
            self.class_order.push(class.to_owned());
        }
        let decl = self
            .classes
            .entry(class.to_owned())
            .or_insert_with(|| ClassDecl {
                name: class.to_owned(),
                fields: Vec::new(),
            });
        if !decl.fields.iter().any(|f| f.name == name) {
            decl.fields.push(FieldDecl {
                name: name.to_owned(),
                consumer,
            });
        }
    }

    fn add_param(&mut self, function: usize, name: &str, position: usize, consumer: Consumer) {
        let decl = &mut self.functions[function];
        if !decl.params.iter().any(|p| p.name == name) {
            decl.params.push(ParamDecl {
                name: name.to_owned(),
                position,
                consumer,
            });
        }
    }
}

#[derive(Clone, Copy)]
struct Ctx<'a> {
    class: Option<&'a str>,
    function: Option<&'a FunctionCtx>,
}

/// Words without which an expression holds nothing `extract` acts on: the names of the callees
/// it looks at, a parse (`UUID`, `isinstance`) or a pin (`patch`, `setattr`, `object`).
const CALL_WORDS: [&str; 5] = ["UUID", "isinstance", "patch", "setattr", "object"];

/// Node kinds that are expressions or parts of one: they hold no statement and no `assignment`
/// node, so only a call in them can matter.
const EXPRESSION_KINDS: [&str; 27] = [
    "call",
    "argument_list",
    "attribute",
    "subscript",
    "binary_operator",
    "boolean_operator",
    "comparison_operator",
    "not_operator",
    "unary_operator",
    "parenthesized_expression",
    "list",
    "tuple",
    "set",
    "dictionary",
    "pair",
    "keyword_argument",
    "list_comprehension",
    "set_comprehension",
    "dictionary_comprehension",
    "generator_expression",
    "conditional_expression",
    "lambda",
    "string",
    "concatenated_string",
    "await",
    "identifier",
    "integer",
];

/// Where the callee names `extract` looks at occur in the file, to leave out the expressions
/// that hold none: a walk of every node costs more than the rest of the analysis. Statements
/// are always entered (words common in them, `self` or `def`, would cost more to find).
struct Hits {
    /// Start offsets of every `CALL_WORDS` and `DDL_NEEDLES` occurrence, sorted.
    calls: Vec<usize>,
    /// Start offsets of every `DDL_NEEDLES` occurrence, sorted.
    ddl: Vec<usize>,
}

impl Hits {
    /// The hits in the bytes the tree was parsed from (a sliced parse covers a few percent of
    /// the file: only those bytes are searched).
    fn new(src: &[u8], tree: &Tree) -> Self {
        let parsed: Vec<std::ops::Range<usize>> = tree
            .included_ranges()
            .iter()
            .map(|r| r.start_byte.min(src.len())..r.end_byte.min(src.len()))
            .collect();
        // One `memmem` pass per word: for these few rare words that beats one automaton pass.
        let find = |words: &[&str]| -> Vec<usize> {
            let mut found: Vec<usize> = Vec::new();
            for w in words {
                let finder = memchr::memmem::Finder::new(w.as_bytes());
                for r in &parsed {
                    found.extend(finder.find_iter(&src[r.clone()]).map(|at| r.start + at));
                }
            }
            found.sort_unstable();
            found
        };
        let ddl = find(&DDL_NEEDLES);
        let mut calls = find(&CALL_WORDS);
        if !ddl.is_empty() {
            calls.extend(&ddl);
            calls.sort_unstable();
        }
        Hits { calls, ddl }
    }

    /// Whether `node` holds a DDL needle (a string literal worth reading as SQL).
    fn holds_ddl(&self, node: Node<'_>) -> bool {
        let i = self.ddl.partition_point(|&h| h < node.start_byte());
        self.ddl.get(i).is_some_and(|&h| h < node.end_byte())
    }

    /// Whether `node`'s subtree can hold something `extract` acts on: anything but an
    /// expression without a callee name it looks at (an expression with an error is entered).
    fn may_act(&self, node: Node<'_>) -> bool {
        if !EXPRESSION_KINDS.contains(&node.kind_str()) || node.has_error() {
            return true;
        }
        let i = self.calls.partition_point(|&h| h < node.start_byte());
        self.calls.get(i).is_some_and(|&h| h < node.end_byte())
    }
}

/// Extracts the file's consumers and names from its (possibly sliced) tree.
pub fn extract(tree: &Tree, src: &[u8], types: UuidTypes<'_>) -> (FileIndex, FileNames) {
    let hits = Hits::new(src, tree);
    let mut b = Builder {
        types,
        classes: FxHashMap::default(),
        class_order: Vec::new(),
        functions: Vec::new(),
        pins: Vec::new(),
        sql_columns: Vec::new(),
        names: FileNames::default(),
    };
    let mut classes: Vec<String> = Vec::new();
    let mut functions: Vec<FunctionCtx> = Vec::new();
    // (node, class index, function index): contexts by index so the stack stays `Copy`.
    let mut stack: Vec<(Node<'_>, Option<usize>, Option<usize>)> =
        vec![(tree.root_node(), None, None)];
    while let Some((node, class_ix, function_ix)) = stack.pop() {
        let kind = node.kind_str();
        let mut child_class = class_ix;
        let mut child_function = function_ix;
        match kind {
            "import_statement" | "import_from_statement" => {
                imports(node, src, &mut b.names.imports);
                continue;
            }
            "class_definition" => {
                let Some(name) = node.field("name").map(|n| node_text(n, src).to_owned()) else {
                    continue;
                };
                b.names.defined.insert(name.clone());
                if let Some(body) = node.field("body") {
                    class_fields(&mut b, &name, body, src);
                }
                classes.push(name);
                child_class = Some(classes.len() - 1);
                child_function = None;
            }
            "function_definition" => {
                let Some(name) = node.field("name").map(|n| node_text(n, src).to_owned()) else {
                    continue;
                };
                b.names.defined.insert(name.clone());
                let class = class_ix
                    .filter(|_| function_ix.is_none())
                    .map(|c| classes[c].clone());
                let params = parameters(node, src, class.is_some());
                b.functions.push(FunctionDecl {
                    name: name.clone(),
                    class,
                    params: Vec::new(),
                });
                let index = b.functions.len() - 1;
                for (position, (param, annotation)) in params.iter().enumerate() {
                    if let Some(a) = annotation
                        && b.types.typed(node_text(*a, src))
                    {
                        let what = format!(
                            "parameter `{param}` of `{}`",
                            qualified(&b.functions[index])
                        );
                        b.add_param(
                            index,
                            param,
                            position,
                            Consumer {
                                kind: ConsumerKind::UuidAnnotation,
                                what,
                                line: line_of(*a),
                                column: char_column(*a, src),
                                pattern: None,
                            },
                        );
                    }
                }
                functions.push(FunctionCtx {
                    index,
                    params: params.into_iter().map(|(p, _)| p).collect(),
                });
                child_function = Some(functions.len() - 1);
            }
            "string" | "concatenated_string" if hits.holds_ddl(node) => {
                declared_columns(node, src, &mut b.sql_columns);
                continue;
            }
            "call" => {
                let ctx = Ctx {
                    class: class_ix.map(|c| classes[c].as_str()),
                    function: function_ix.map(|f| &functions[f]),
                };
                call(&mut b, node, src, ctx);
            }
            "assignment" if function_ix.is_none() && class_ix.is_none() => {
                module_regex(&mut b.names, node, src);
            }
            "assignment" => {
                if let Some(f) = function_ix {
                    self_assignment(
                        &mut b,
                        node,
                        src,
                        class_ix.map(|c| classes[c].as_str()),
                        &functions[f],
                    );
                }
            }
            _ => {}
        }
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            if !hits.may_act(child) {
                continue;
            }
            stack.push((child, child_class, child_function));
        }
    }
    let mut classes_out: Vec<ClassDecl> = Vec::new();
    for name in b.class_order {
        if let Some(decl) = b.classes.remove(&name) {
            classes_out.push(decl);
        }
    }
    let functions_out: Vec<FunctionDecl> = b
        .functions
        .into_iter()
        .filter(|f| !f.params.is_empty())
        .collect();
    let mut sql_columns = b.sql_columns;
    sql_columns.sort_by_key(|c| c.line);
    let mut pins = b.pins;
    for pin in pins.iter_mut().filter(|p| p.module == "uuid") {
        pin.reaches = b
            .names
            .imports
            .values()
            .filter(|i| i.module != "uuid" && !i.module.starts_with("unittest"))
            .map(|i| match &i.name {
                Some(name) => format!("{}.{name}", i.module),
                None => i.module.clone(),
            })
            .collect();
        pin.reaches.sort();
        pin.reaches.dedup();
    }
    (
        FileIndex {
            classes: classes_out,
            functions: functions_out,
            pins,
            sql_columns,
        },
        b.names,
    )
}

fn qualified(f: &FunctionDecl) -> String {
    match &f.class {
        Some(c) => format!("{c}.{}", f.name),
        None => f.name.clone(),
    }
}

/// The parameters of a function with their annotations, without `self`/`cls` for a method.
fn parameters<'t>(def: Node<'t>, src: &[u8], method: bool) -> Vec<(String, Option<Node<'t>>)> {
    let Some(params) = def.field("parameters") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut cursor = params.walk();
    for (i, p) in params.named_children(&mut cursor).enumerate() {
        let (name, annotation) = match p.kind_str() {
            "identifier" => (Some(p), None),
            "typed_parameter" => {
                let mut c = p.walk();
                let name = p
                    .named_children(&mut c)
                    .find(|n| n.kind_str() == "identifier");
                (name, p.field("type"))
            }
            "default_parameter" => (p.field("name"), None),
            "typed_default_parameter" => (p.field("name"), p.field("type")),
            _ => (None, None),
        };
        let Some(name) = name else { continue };
        let name = node_text(name, src);
        if method && i == 0 && matches!(name, "self" | "cls") {
            continue;
        }
        out.push((name.to_owned(), annotation));
    }
    out
}

/// Fields declared directly in a class body: `x: Ann = value`, `x = Column(...)`.
fn class_fields(b: &mut Builder<'_>, class: &str, body: Node<'_>, src: &[u8]) {
    let mut cursor = body.walk();
    for stmt in body.named_children(&mut cursor) {
        if stmt.kind_str() != "expression_statement" {
            continue;
        }
        let Some(assign) = stmt.named_child(0).filter(|a| a.kind_str() == "assignment") else {
            continue;
        };
        let Some(left) = assign
            .field("left")
            .filter(|l| l.kind_str() == "identifier")
        else {
            continue;
        };
        if let Some((kind, pattern)) =
            field_consumer(b.types, assign.field("type"), assign.field("right"), src)
        {
            let name = node_text(left, src);
            b.add_field(
                class,
                name,
                Consumer {
                    kind,
                    what: format!("field `{class}.{name}`"),
                    line: line_of(assign),
                    column: char_column(assign, src),
                    pattern,
                },
            );
        }
    }
}

/// `self.x = p` in a method, where `p` is a consuming parameter: field `x` consumes too.
fn self_assignment(
    b: &mut Builder<'_>,
    assign: Node<'_>,
    src: &[u8],
    class: Option<&str>,
    f: &FunctionCtx,
) {
    let (Some(class), Some(left), Some(right)) =
        (class, assign.field("left"), assign.field("right"))
    else {
        return;
    };
    let Some(field) = self_attribute(left, src) else {
        return;
    };
    if let Some(a) = assign.field("type")
        && b.types.typed(node_text(a, src))
    {
        b.add_field(
            class,
            field,
            Consumer {
                kind: ConsumerKind::UuidAnnotation,
                what: format!("field `{class}.{field}`"),
                line: line_of(assign),
                column: char_column(assign, src),
                pattern: None,
            },
        );
        return;
    }
    if right.kind_str() != "identifier" {
        return;
    }
    let param = node_text(right, src);
    let consumer = b.functions[f.index]
        .params
        .iter()
        .find(|p| p.name == param)
        .map(|p| p.consumer.clone());
    if let Some(consumer) = consumer {
        b.add_field(class, field, consumer);
    }
}

/// `x` of `self.x`.
fn self_attribute<'s>(node: Node<'_>, src: &'s [u8]) -> Option<&'s str> {
    if node.kind_str() != "attribute" {
        return None;
    }
    let object = node.field("object")?;
    (matches!(node_text(object, src), "self" | "cls"))
        .then(|| node.field("attribute").map(|a| node_text(a, src)))
        .flatten()
}

/// A call in the file: a UUID parse of a parameter or field, or a test patching `uuid4`.
fn call(b: &mut Builder<'_>, call: Node<'_>, src: &[u8], ctx: Ctx<'_>) {
    let Some(function) = call.field("function") else {
        return;
    };
    let callee = node_text(function, src);
    let last = last_name(callee);
    let Some(args) = call
        .field("arguments")
        .filter(|a| a.kind_str() == "argument_list")
    else {
        return;
    };
    if last == "UUID" || last == "isinstance" {
        let Some(target) = parsed_argument(b.types, args, src, last == "isinstance") else {
            return;
        };
        let consumer = |what: String| Consumer {
            kind: ConsumerKind::UuidParse,
            what,
            line: line_of(call),
            column: char_column(call, src),
            pattern: None,
        };
        let shown = format!(
            "`{}`",
            node_text(call, src)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        );
        if let Some(field) = self_attribute(target, src)
            && let Some(class) = ctx.class
        {
            b.add_field(
                class,
                field,
                consumer(format!("field `{class}.{field}` ({shown})")),
            );
        } else if target.kind_str() == "identifier"
            && let Some(f) = ctx.function
        {
            let name = node_text(target, src);
            if let Some(position) = f.params.iter().position(|p| p == name) {
                let what = format!(
                    "parameter `{name}` of `{}` ({shown})",
                    qualified(&b.functions[f.index])
                );
                b.add_param(f.index, name, position, consumer(what));
            }
        }
        return;
    }
    if last == "patch" || last == "setattr" || last == "object" {
        pin(b, call, args, src);
    }
}

/// The value a `UUID(x)` / `UUID(hex=x)` / `isinstance(x, UUID)` parses, through `str(...)`.
fn parsed_argument<'t>(
    types: UuidTypes<'_>,
    args: Node<'t>,
    src: &[u8],
    isinstance: bool,
) -> Option<Node<'t>> {
    let mut cursor = args.walk();
    let children: Vec<Node<'t>> = args.named_children(&mut cursor).collect();
    let target = if isinstance {
        let ty = children.get(1)?;
        if !types.typed(node_text(*ty, src)) {
            return None;
        }
        children.first().copied()?
    } else {
        children.iter().find_map(|a| match a.kind_str() {
            "keyword_argument" => (a.field("name").map(|n| node_text(n, src)) == Some("hex"))
                .then(|| a.field("value"))
                .flatten(),
            "comment" => None,
            _ => Some(*a),
        })?
    };
    Some(unwrap_str(target, src))
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

/// A test's `patch("pkg.mod.uuid4")`, `patch.object(mod, "uuid4")`,
/// `monkeypatch.setattr("pkg.mod.uuid4", f)` or `monkeypatch.setattr(mod, "uuid4", f)`.
fn pin(b: &mut Builder<'_>, call: Node<'_>, args: Node<'_>, src: &[u8]) {
    let mut cursor = args.walk();
    let children: Vec<Node<'_>> = args
        .named_children(&mut cursor)
        .filter(|a| a.kind_str() != "keyword_argument" && a.kind_str() != "comment")
        .collect();
    let first = children.first().copied();
    let module = if let Some(target) = first.and_then(|f| string_value(f, src)) {
        target.strip_suffix(".uuid4").map(str::to_owned)
    } else if let (Some(object), Some(attr)) =
        (first, children.get(1).and_then(|a| string_value(*a, src)))
    {
        (attr == "uuid4").then(|| {
            let text = node_text(object, src);
            match b.names.imports.get(text) {
                Some(Import {
                    module,
                    name: Some(name),
                }) => format!("{module}.{name}"),
                Some(Import { module, name: None }) => module.clone(),
                None => text.to_owned(),
            }
        })
    } else {
        None
    };
    if let Some(module) = module.filter(|m| !m.is_empty()) {
        b.pins.push(Pin {
            module,
            line: line_of(call),
            column: char_column(call, src),
            reaches: Vec::new(),
        });
    }
}

/// `NAME = re.compile("...")` at module level.
fn module_regex(names: &mut FileNames, assign: Node<'_>, src: &[u8]) {
    let (Some(left), Some(right)) = (assign.field("left"), assign.field("right")) else {
        return;
    };
    if left.kind_str() != "identifier" || right.kind_str() != "call" {
        return;
    }
    if right.field("function").map(|f| node_text(f, src)) != Some("re.compile") {
        return;
    }
    if let Some(pattern) = right
        .field("arguments")
        .and_then(|a| a.named_child(0))
        .and_then(|p| string_value(p, src))
    {
        names.regexes.insert(
            node_text(left, src).to_owned(),
            PatternCheck {
                pattern,
                anchor: Anchor::Search,
            },
        );
    }
}

/// Records what an import statement binds.
fn imports(node: Node<'_>, src: &[u8], out: &mut FxHashMap<String, Import>) {
    let mut cursor = node.walk();
    if node.kind_str() == "import_statement" {
        for child in node.named_children(&mut cursor) {
            match child.kind_str() {
                "dotted_name" => {
                    let module = node_text(child, src);
                    let head = module.split('.').next().unwrap_or(module);
                    out.insert(
                        head.to_owned(),
                        Import {
                            module: head.to_owned(),
                            name: None,
                        },
                    );
                }
                "aliased_import" => {
                    if let (Some(name), Some(alias)) = (child.field("name"), child.field("alias")) {
                        out.insert(
                            node_text(alias, src).to_owned(),
                            Import {
                                module: node_text(name, src).to_owned(),
                                name: None,
                            },
                        );
                    }
                }
                _ => {}
            }
        }
        return;
    }
    let Some(module) = node.field("module_name") else {
        return;
    };
    let module_text = node_text(module, src).to_owned();
    for child in node.named_children(&mut cursor) {
        if child.id() == module.id() {
            continue;
        }
        let (name, alias) = match child.kind_str() {
            "dotted_name" => (child, child),
            "aliased_import" => match (child.field("name"), child.field("alias")) {
                (Some(n), Some(a)) => (n, a),
                _ => continue,
            },
            _ => continue,
        };
        out.insert(
            node_text(alias, src).to_owned(),
            Import {
                module: module_text.clone(),
                name: Some(node_text(name, src).to_owned()),
            },
        );
    }
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
