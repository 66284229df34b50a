//! Removing `import uuid` / `uuid4` bindings that nothing reads any more after the site edits,
//! each judged in the scope it binds (function, class body or module); none in a file with
//! syntax errors.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use tree_sitter::{Node, Tree};

use super::{
    Replaced, alone_on_its_lines, import_items, imported_names, is_blank_line, item_names,
    line_end, line_start, squeeze,
};
use crate::plan::TextEdit;
use crate::syntax::{NodeExt, Parents, Question, Verdict, node_text};

/// Bindings of the uuid module or `uuid4` whose name a rewritten site used and that nothing
/// reads any more. Each import statement is judged by the reads it binds (its function, its
/// class body, or the module), so a function's own `import uuid` goes with its last use even
/// when another function's import of `uuid` is still used. Nothing is removed from a file with
/// syntax errors: what a read there binds to is not known, and a second run must not see more.
pub(super) fn removals(
    tree: &Tree,
    text: &str,
    rewritten_names: &BTreeSet<String>,
    replaced: Replaced<'_>,
    insertion: Option<usize>,
) -> Vec<TextEdit> {
    let root = tree.root_node();
    if rewritten_names.is_empty() || root.has_error() {
        return Vec::new();
    }
    let src = text.as_bytes();
    // The climbs below go through `Parents`, which keeps their answers: every occurrence of a
    // name in one deep expression (`a or b or ...`) must not climb its whole depth.
    let p = Parents::new(tree);
    // Every import of uuid names `uuid` in its text.
    let mut statements: Vec<Node<'_>> = Vec::new();
    for at in memchr::memmem::find_iter(src, b"uuid") {
        let Some(stmt) = enclosing_import(&p, p.deepest_holding(at, at + 4)) else {
            continue;
        };
        if statements.last().is_none_or(|s| s.id() != stmt.id()) {
            statements.push(stmt);
        }
    }
    let reads: BTreeMap<&String, Reads> = rewritten_names
        .iter()
        .map(|name| {
            // The function and class bodies that bind the name themselves.
            let binders: HashSet<usize> = statements
                .iter()
                .filter(|&&stmt| {
                    imported_names(stmt, src)
                        .iter()
                        .any(|(_, local)| local == name)
                })
                .map(|&stmt| binding_scope(&p, stmt).id())
                .collect();
            (name, remaining_reads(&p, text, name, &binders, replaced))
        })
        .collect();
    let mut edits = Vec::new();
    for stmt in statements {
        let from = stmt.kind_str() == "import_from_statement";
        let from_uuid = stmt
            .field("module_name")
            .is_some_and(|m| squeeze(node_text(m, src)) == "uuid");
        if from && !from_uuid {
            continue;
        }
        let scope = binding_scope(&p, stmt).id();
        let items = import_items(stmt);
        let remove: Vec<bool> = items
            .iter()
            .map(|&item| {
                let (imported, local) = item_names(item, src);
                let binds_uuid = if from {
                    imported == "uuid4"
                } else {
                    imported == "uuid"
                };
                binds_uuid && reads.get(&local).is_some_and(|r| !r.see(scope))
            })
            .collect();
        edits.extend(remove_items(text, stmt, &items, &remove, insertion));
    }
    edits
}

/// The `import` or `from ... import` statement a node is part of; none inside an error region.
fn enclosing_import<'t>(p: &Parents<'t>, node: Node<'t>) -> Option<Node<'t>> {
    p.nearest(&IMPORT_OR_BLOCK, node, |n| {
        matches!(
            n.kind_str(),
            "import_statement" | "import_from_statement" | "block" | "module" | "ERROR"
        )
    })
    .filter(|n| matches!(n.kind_str(), "import_statement" | "import_from_statement"))
    .filter(|n| !n.has_error())
}

static IMPORT_OR_BLOCK: Question = Question::new("nearest import statement, block or error");

/// The namespace a statement binds its names in: the function or class whose body holds it,
/// else the module. (Lambdas and comprehensions cannot hold an import.)
fn binding_scope<'t>(p: &Parents<'t>, node: Node<'t>) -> Node<'t> {
    p.answer(&BINDING_SCOPE, node, |child| match p.up(child) {
        None => Verdict::Found(Some(child)),
        Some(parent)
            if matches!(
                parent.kind_str(),
                "function_definition" | "class_definition"
            ) && parent.field("body").is_some_and(|b| b.id() == child.id()) =>
        {
            Verdict::Found(Some(parent))
        }
        Some(parent) => Verdict::From(parent),
    })
    .expect("a climb to the root finds a namespace")
}

static BINDING_SCOPE: Question = Question::new("namespace an import binds in");

/// The scope whose binding a read at `node` sees, as Python resolves names: the nearest
/// function around it that binds the name (`binders`), the class body it stands in directly
/// when that class binds it (methods do not see class names), else the module.
fn resolving_scope<'t>(p: &Parents<'t>, node: Node<'t>, binders: &HashSet<usize>) -> Node<'t> {
    let mut scope = binding_scope(p, node);
    let mut innermost = true;
    loop {
        let binds = binders.contains(&scope.id());
        match scope.kind_str() {
            "function_definition" if binds => return scope,
            "class_definition" if binds && innermost => return scope,
            "function_definition" | "class_definition" => {}
            _ => return scope,
        }
        innermost = false;
        scope = binding_scope(p, scope);
    }
}

/// Which bindings of a name are still read after the site edits.
enum Reads {
    /// The bindings of these scopes (node ids).
    Scopes(HashSet<usize>),
    /// Any binding: a `global` or `nonlocal` statement names it.
    All,
}

impl Reads {
    fn see(&self, scope: usize) -> bool {
        match self {
            Reads::Scopes(scopes) => scopes.contains(&scope),
            Reads::All => true,
        }
    }
}

fn is_identifier_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// The scopes whose binding of `name` is still read, after the site edits, outside import
/// statements (conservatively: any identifier with that text but attribute and keyword names,
/// and a string equal to it (`__all__`)); `binders` are the scopes with their own import of it.
fn remaining_reads(
    p: &Parents<'_>,
    text: &str,
    name: &str,
    binders: &HashSet<usize>,
    replaced: Replaced<'_>,
) -> Reads {
    let src = text.as_bytes();
    let mut scopes = HashSet::new();
    for at in memchr::memmem::find_iter(src, name.as_bytes()) {
        let end = at + name.len();
        let whole_word = (at == 0 || !is_identifier_byte(src[at - 1]))
            && src.get(end).is_none_or(|&b| !is_identifier_byte(b));
        if !whole_word || replaced(at, end) {
            continue;
        }
        let node = p.deepest_holding(at, end);
        let in_import = p
            .nearest(&IMPORT, node, |n| {
                matches!(
                    n.kind_str(),
                    "import_statement" | "import_from_statement" | "future_import_statement"
                )
            })
            .is_some();
        if in_import {
            continue;
        }
        let exact = node.start_byte() == at && node.end_byte() == end;
        let read = match node.kind_str() {
            "identifier" if exact => {
                if p.of(node).is_some_and(|parent| {
                    matches!(parent.kind_str(), "global_statement" | "nonlocal_statement")
                }) {
                    return Reads::All;
                }
                !is_name_only(p, node)
            }
            "string_content" => exact,
            _ => false,
        };
        if read {
            scopes.insert(resolving_scope(p, node, binders).id());
        }
    }
    Reads::Scopes(scopes)
}

static IMPORT: Question = Question::new("import statement a node is part of");

/// An identifier that names an attribute or a keyword, not a variable.
fn is_name_only<'t>(p: &Parents<'t>, ident: Node<'t>) -> bool {
    let Some(parent) = p.of(ident) else {
        return false;
    };
    let field = match parent.kind_str() {
        "attribute" => "attribute",
        "keyword_argument" => "name",
        _ => return false,
    };
    parent.field(field).map(|n| n.id()) == Some(ident.id())
}

/// Edits removing the flagged items of one import statement, or the statement itself when all go.
fn remove_items(
    text: &str,
    stmt: Node<'_>,
    items: &[Node<'_>],
    remove: &[bool],
    insertion: Option<usize>,
) -> Vec<TextEdit> {
    let removed = remove.iter().filter(|r| **r).count();
    if removed == 0 {
        return Vec::new();
    }
    let empty = |start: usize, end: usize| TextEdit {
        start,
        end,
        content: String::new(),
    };
    if removed == items.len() {
        let sole_statement = stmt.parent().is_some_and(|p| {
            p.kind_str() == "block" && {
                let mut cursor = p.walk();
                p.named_children(&mut cursor)
                    .filter(|c| c.kind_str() != "comment")
                    .count()
                    == 1
            }
        });
        let in_statement_list = stmt
            .parent()
            .is_some_and(|p| matches!(p.kind_str(), "block" | "module"));
        if sole_statement || !in_statement_list || !alone_on_its_lines(text, stmt) {
            return Vec::new();
        }
        let start = line_start(text, stmt.start_byte());
        let mut end = line_end(text, stmt.end_byte());
        // Take a blank line along when the import stood first or between blank lines, so that
        // no double blank line (or blank line under `def f():`) is left behind.
        let first_in_block = stmt.prev_named_sibling().is_none();
        let blank_before = start == 0 || is_blank_line(text, line_start(text, start - 1));
        if end < text.len()
            && is_blank_line(text, end)
            && (blank_before || first_in_block)
            && insertion != Some(end)
        {
            end = line_end(text, end);
        }
        return vec![empty(start, end)];
    }
    // Remove runs of items with their separating commas.
    let mut edits = Vec::new();
    let mut i = 0;
    while i < items.len() {
        if !remove[i] {
            i += 1;
            continue;
        }
        let mut j = i;
        while j + 1 < items.len() && remove[j + 1] {
            j += 1;
        }
        if j + 1 < items.len() {
            edits.push(empty(items[i].start_byte(), items[j + 1].start_byte()));
        } else {
            edits.push(empty(items[i - 1].end_byte(), items[j].end_byte()));
        }
        i = j + 1;
    }
    edits
}
