//! The walk over one file's (possibly sliced) tree: the state it builds (`Builder`), the
//! context of the function and class it is in, and which nodes can declare or act at all
//! (`Hits`, from one search of the file's text).

mod declarations;

use super::{ClassDecl, FieldDecl, FileIndex, FileNames, FunctionDecl, ParamDecl, Pin, line_of};
use declarations::{call, class_fields, imports, module_regex, parameters, self_assignment};

use rustc_hash::FxHashMap;
use tree_sitter::{Node, Tree};

use crate::consumers::Consumer;
use crate::consumers::sql::{DDL_NEEDLES, SqlColumn, declared_columns};
use crate::consumers::types::UuidTypes;
use crate::model::ConsumerKind;
use crate::syntax::{NodeExt, char_column, node_text};

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
    /// A function or method: its name is defined here, and its parameters typed UUID are
    /// consumers; the context its body is read in. `None` for a definition without a name.
    fn enter_function(
        &mut self,
        node: Node<'_>,
        src: &[u8],
        class: Option<String>,
    ) -> Option<FunctionCtx> {
        let name = node.field("name").map(|n| node_text(n, src).to_owned())?;
        self.names.defined.insert(name.clone());
        let params = parameters(node, src, class.is_some());
        self.functions.push(FunctionDecl {
            name,
            class,
            params: Vec::new(),
        });
        let index = self.functions.len() - 1;
        for (position, (param, annotation)) in params.iter().enumerate() {
            if let Some(a) = annotation
                && self.types.typed(node_text(*a, src))
            {
                let what = format!(
                    "parameter `{param}` of `{}`",
                    qualified(&self.functions[index])
                );
                self.add_param(
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
        Some(FunctionCtx {
            index,
            params: params.into_iter().map(|(p, _)| p).collect(),
        })
    }

    /// What the walk found, in the file's order: classes with consuming fields, functions with
    /// consuming parameters, pins (a `uuid.uuid4` pin reaches the modules the test imports),
    /// DDL columns by line; and the file's names.
    fn finish(mut self) -> (FileIndex, FileNames) {
        let mut classes_out: Vec<ClassDecl> = Vec::new();
        for name in self.class_order {
            if let Some(decl) = self.classes.remove(&name) {
                classes_out.push(decl);
            }
        }
        let functions_out: Vec<FunctionDecl> = self
            .functions
            .into_iter()
            .filter(|f| !f.params.is_empty())
            .collect();
        let mut sql_columns = self.sql_columns;
        sql_columns.sort_by_key(|c| c.line);
        let mut pins = self.pins;
        for pin in pins.iter_mut().filter(|p| p.module == "uuid") {
            pin.reaches = self
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
            self.names,
        )
    }

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
                let class = class_ix
                    .filter(|_| function_ix.is_none())
                    .map(|c| classes[c].clone());
                let Some(ctx) = b.enter_function(node, src, class) else {
                    continue;
                };
                functions.push(ctx);
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
    b.finish()
}

fn qualified(f: &FunctionDecl) -> String {
    match &f.class {
        Some(c) => format!("{c}.{}", f.name),
        None => f.name.clone(),
    }
}
