//! Import statements: what each binds (`import uuid as u`, `from uuid import uuid4 as new_id`,
//! `from uuid import *`), and where a name is bound rather than used.

use tree_sitter::Node;

use streaming_iterator::StreamingIterator;
use tree_sitter::QueryCursor;

use super::{Bound, IMPORTS_QUERY, capture, capture_index};
use crate::syntax::{NodeExt, Parents, Question, node_text};

/// Import bindings: (local name, what it binds, the import node).
pub(super) fn collect_imports<'t>(import: Node<'t>, src: &[u8]) -> Vec<(String, Bound, Node<'t>)> {
    let query = &*IMPORTS_QUERY;
    let ix = |name| capture_index(query, name);
    let (module_name, module_alias) = (ix("module.name"), ix("module.alias"));
    let (from_module, from_name, from_alias, from_star) = (
        ix("from.module"),
        ix("from.name"),
        ix("from.alias"),
        ix("from.star"),
    );
    let mut found = Vec::new();
    let mut cursor = QueryCursor::new();
    let mut matches = cursor.matches(query, import, src);
    while let Some(m) = matches.next() {
        if let Some(dotted) = capture(m, module_name) {
            let dotted_text = node_text(dotted, src);
            let (local, bound) = match capture(m, module_alias) {
                Some(alias) => (
                    node_text(alias, src),
                    if dotted_text == "uuid" {
                        Bound::UuidModule
                    } else {
                        Bound::Other
                    },
                ),
                None => {
                    // `import a.b` binds `a`, which is the uuid module only for `import uuid`.
                    let head = dotted_text.split('.').next().unwrap_or(dotted_text);
                    (
                        head,
                        if dotted_text == "uuid" {
                            Bound::UuidModule
                        } else {
                            Bound::Other
                        },
                    )
                }
            };
            found.push((local.to_owned(), bound, dotted));
        } else if let Some(module) = capture(m, from_module) {
            let from_uuid = node_text(module, src) == "uuid";
            if let Some(star) = capture(m, from_star) {
                if from_uuid {
                    found.push(("uuid4".to_owned(), Bound::Uuid4Function, star));
                }
            } else if let Some(name) = capture(m, from_name) {
                let imported = node_text(name, src);
                let local = capture(m, from_alias).map_or(imported, |a| node_text(a, src));
                let bound = if from_uuid && imported == "uuid4" {
                    Bound::Uuid4Function
                } else {
                    Bound::Other
                };
                found.push((local.to_owned(), bound, name));
            }
        }
    }
    found
}

pub(super) fn enclosing_import<'t>(p: &Parents<'t>, node: Node<'t>) -> Option<Node<'t>> {
    let mut current = p.of(node);
    while let Some(n) = current {
        match n.kind_str() {
            "import_statement" | "import_from_statement" => return Some(n),
            "dotted_name" | "aliased_import" | "wildcard_import" => current = p.of(n),
            _ => return None,
        }
    }
    None
}

/// How an identifier binds its name, if it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum BindingPosition {
    Bind,
    Global,
    Nonlocal,
}

/// Whether an identifier is a name binding: an assignment, `for` or `with`/`except` target
/// (unpacked through tuples and lists), a parameter, a `def`/`class` name, a walrus, or a
/// `global`/`nonlocal` declaration.
pub(super) fn binding_position<'t>(p: &Parents<'t>, ident: Node<'t>) -> Option<BindingPosition> {
    // The outermost of the targets the name is unpacked from (`a, (b, c) = ...`); `Parents`
    // keeps it, so the names of one deep nest of tuples or lists climb it once between them.
    let child = p.nearest_by_parent(&UNPACKED_FROM, ident, |_, parent| {
        parent.is_none_or(|parent| !TARGET_CONTAINERS.contains(&parent.kind_str()))
    })?;
    position_under(p.of(child)?, child)
}

/// What `parent` makes of a name reached through `child`, the outermost target it is unpacked
/// from (`binding_position`).
pub(super) fn position_under(parent: Node<'_>, child: Node<'_>) -> Option<BindingPosition> {
    let is_field = |field: &str| parent.field(field).map(|n| n.id()) == Some(child.id());
    match parent.kind_str() {
        "assignment" | "augmented_assignment" | "for_statement" | "for_in_clause" => {
            is_field("left").then_some(BindingPosition::Bind)
        }
        "as_pattern" => is_field("alias").then_some(BindingPosition::Bind),
        "named_expression" | "function_definition" | "class_definition" => {
            is_field("name").then_some(BindingPosition::Bind)
        }
        "default_parameter" | "typed_default_parameter" => {
            is_field("name").then_some(BindingPosition::Bind)
        }
        "typed_parameter" => (!is_field("type")).then_some(BindingPosition::Bind),
        "parameters" | "lambda_parameters" => Some(BindingPosition::Bind),
        "global_statement" => Some(BindingPosition::Global),
        "nonlocal_statement" => Some(BindingPosition::Nonlocal),
        _ => None,
    }
}

/// What a name can be unpacked from on its way to its binding (`binding_position`).
pub(super) const TARGET_CONTAINERS: [&str; 9] = [
    "pattern_list",
    "tuple_pattern",
    "list_pattern",
    "list_splat_pattern",
    "dictionary_splat_pattern",
    "as_pattern_target",
    "parenthesized_expression",
    "tuple",
    "list",
];
static UNPACKED_FROM: Question = Question::new("outermost target a name is unpacked from");
