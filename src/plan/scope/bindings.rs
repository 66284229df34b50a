//! Where a name is bound in a scope: assignments, parameters, imports, comprehension
//! variables, `global`/`nonlocal` declarations, without entering nested scopes.

use super::{NESTED_SCOPES, UNPACKING};
use tree_sitter::Node;

use crate::syntax::{NodeExt, node_text};

/// One place a scope binds the name.
pub(super) struct Binding<'t> {
    /// The node whose blocks the site must share (the bound identifier).
    node: Node<'t>,
    /// The binding holds from this offset on.
    from: usize,
    /// Only inside this node (an `except ... as e` handler).
    within: Option<Node<'t>>,
}

impl Binding<'_> {
    /// Bound before `at`, in no block that `at` is outside of (a `with` body always runs).
    pub(super) fn visible_at(&self, at: Node<'_>) -> bool {
        let holds =
            |n: Node<'_>| n.start_byte() <= at.start_byte() && at.end_byte() <= n.end_byte();
        if at.start_byte() < self.from || self.within.is_some_and(|w| !holds(w)) {
            return false;
        }
        let mut current = self.node.parent();
        while let Some(n) = current {
            if holds(n) {
                return true;
            }
            let with_body = n.kind_str() == "block"
                && n.parent().is_some_and(|p| p.kind_str() == "with_statement");
            if n.kind_str() == "block" && !with_body {
                return false;
            }
            current = n.parent();
        }
        true
    }
}

/// Whether `scope` binds `name` before `at`, where `at` can see it.
pub(super) fn bound_before(scope: Node<'_>, name: &str, at: Node<'_>, src: &[u8]) -> bool {
    bindings_of(scope, name, src)
        .iter()
        .any(|b| b.visible_at(at))
}

/// `global` or `nonlocal` when the function declares `name` so.
pub(super) fn declarations(function: Node<'_>, name: &str, src: &[u8]) -> Option<&'static str> {
    let body = function.field("body")?;
    let mut found = None;
    walk_scope(body, &mut |node| {
        let kind = match node.kind_str() {
            "global_statement" => "global",
            "nonlocal_statement" => "nonlocal",
            _ => return,
        };
        let mut cursor = node.walk();
        if node
            .named_children(&mut cursor)
            .any(|c| node_text(c, src) == name)
        {
            found = Some(kind);
        }
    });
    found
}

/// The names a function's or lambda's parameters bind.
pub(super) fn parameters<'t>(function: Node<'t>) -> impl Iterator<Item = Node<'t>> {
    let mut names = Vec::new();
    if let Some(params) = function.field("parameters") {
        let mut cursor = params.walk();
        for param in params.named_children(&mut cursor) {
            let name = match param.kind_str() {
                "identifier" => Some(param),
                "default_parameter" | "typed_default_parameter" => param.field("name"),
                "typed_parameter" | "list_splat_pattern" | "dictionary_splat_pattern" => {
                    let mut c = param.walk();
                    param.named_children(&mut c).next()
                }
                _ => None,
            };
            let name = name.map(|n| match n.kind_str() {
                "list_splat_pattern" | "dictionary_splat_pattern" => n.named_child(0).unwrap_or(n),
                _ => n,
            });
            names.extend(name.filter(|n| n.kind_str() == "identifier"));
        }
    }
    names.into_iter()
}

/// Whether a comprehension's `for` clauses bind `name`.
pub(super) fn comprehension_binds(comprehension: Node<'_>, name: &str, src: &[u8]) -> bool {
    let mut cursor = comprehension.walk();
    comprehension
        .named_children(&mut cursor)
        .filter(|c| c.kind_str() == "for_in_clause")
        .filter_map(|c| c.field("left"))
        .any(|left| {
            let mut names = Vec::new();
            targets(left, &mut names);
            names.iter().any(|n| node_text(*n, src) == name)
        })
}

/// Every place the code of one scope (`root`, nested scopes left out) binds `name`.
pub(super) fn bindings_of<'t>(root: Node<'t>, name: &str, src: &[u8]) -> Vec<Binding<'t>> {
    let mut found = Vec::new();
    let mut names = Vec::new();
    walk_scope(root, &mut |node| {
        names.clear();
        let mut from = node.end_byte();
        let mut within = None;
        match node.kind_str() {
            "assignment" if node.field("right").is_some() => {
                targets_of(node.field("left"), &mut names);
            }
            "augmented_assignment" => targets_of(node.field("left"), &mut names),
            "named_expression" => names.extend(node.field("name")),
            "for_statement" => {
                targets_of(node.field("left"), &mut names);
                from = node.field("right").map_or(from, |r| r.end_byte());
            }
            "with_item" => {
                if let Some(value) = node.field("value").filter(|v| v.kind_str() == "as_pattern")
                    && let Some(alias) = value.field("alias")
                {
                    targets_of(alias.named_child(0), &mut names);
                }
            }
            "except_clause" => {
                // `except E as e`: an `alias` field, or an `as_pattern` value, by grammar version.
                let alias = node.field("alias").or_else(|| {
                    let mut cursor = node.walk();
                    node.named_children(&mut cursor)
                        .find(|c| c.kind_str() == "as_pattern")
                        .and_then(|p| p.field("alias"))
                        .and_then(|target| target.named_child(0))
                });
                names.extend(alias.filter(|a| a.kind_str() == "identifier"));
                within = Some(node);
                from = alias.map_or(from, |a| a.end_byte());
            }
            "function_definition" | "class_definition" => names.extend(node.field("name")),
            "import_statement" | "import_from_statement" => import_names(node, &mut names),
            _ => {}
        }
        for bound in &names {
            if node_text(*bound, src) == name {
                found.push(Binding {
                    node: *bound,
                    from,
                    within,
                });
            }
        }
    });
    found
}

/// The names an import binds: `import a.b` binds `a`, `as c` binds `c`.
pub(super) fn import_names<'t>(import: Node<'t>, names: &mut Vec<Node<'t>>) {
    let mut cursor = import.walk();
    let module = import.field("module_name").map(|m| m.id());
    for child in import.named_children(&mut cursor) {
        if Some(child.id()) == module {
            continue;
        }
        match child.kind_str() {
            "aliased_import" => names.extend(child.field("alias")),
            "dotted_name" => names.extend(child.named_child(0)),
            _ => {}
        }
    }
}

pub(super) fn targets_of<'t>(target: Option<Node<'t>>, names: &mut Vec<Node<'t>>) {
    if let Some(target) = target {
        targets(target, names);
    }
}

/// The identifiers an assignment target binds (not attributes or subscripts).
pub(super) fn targets<'t>(target: Node<'t>, names: &mut Vec<Node<'t>>) {
    match target.kind_str() {
        "identifier" => names.push(target),
        kind if UNPACKING.contains(&kind)
            || matches!(kind, "list_splat_pattern" | "list_splat") =>
        {
            let mut cursor = target.walk();
            for child in target.named_children(&mut cursor) {
                targets(child, names);
            }
        }
        _ => {}
    }
}

/// Calls `visit` on `root` and every node below it that belongs to the same scope: a nested
/// scope's node is visited (its name binds here) but not entered.
pub(super) fn walk_scope<'t>(root: Node<'t>, visit: &mut impl FnMut(Node<'t>)) {
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        visit(node);
        if node.id() != root.id() && NESTED_SCOPES.contains(&node.kind_str()) {
            continue;
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
}
