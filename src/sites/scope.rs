//! Python's scopes: which node opens the scope a name lives in (class bodies do not enclose
//! their methods; comprehensions have their own), the `Class.method` path, and what each scope
//! binds.

use std::collections::{HashMap, HashSet};
use tree_sitter::Node;

use super::Bound;
use crate::syntax::{NodeExt, Parents, node_text};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeKind {
    Module,
    Class,
    Function,
    Lambda,
    Comprehension,
}

#[derive(Debug, Default)]
pub(super) struct Scope {
    bindings: HashMap<String, Vec<Bound>>,
    globals: HashSet<String>,
}

/// Scopes keyed by the id of the node that opens them.
#[derive(Default)]
pub(super) struct ScopeModel {
    scopes: HashMap<usize, Scope>,
}

impl ScopeModel {
    pub(super) fn bind<'t>(&mut self, p: &Parents<'t>, node: &Node<'t>, name: &str, bound: Bound) {
        let (scope, _) = scope_of(p, *node);
        self.scopes
            .entry(scope.id())
            .or_default()
            .bindings
            .entry(name.to_owned())
            .or_default()
            .push(bound);
    }

    pub(super) fn declare_global<'t>(&mut self, p: &Parents<'t>, node: Node<'t>, name: &str) {
        let (scope, _) = scope_of(p, node);
        self.scopes
            .entry(scope.id())
            .or_default()
            .globals
            .insert(name.to_owned());
    }

    /// What `name`, read at `node`, is bound to; `None` when no scope in the chain binds it.
    pub(super) fn resolve<'t>(&self, p: &Parents<'t>, name: &str, node: Node<'t>) -> Option<Bound> {
        let (mut scope, mut kind) = scope_of(p, node);
        let mut first = true;
        loop {
            if let Some(info) = self.scopes.get(&scope.id()) {
                if info.globals.contains(name) {
                    let module = root_of(p, scope);
                    return self
                        .scopes
                        .get(&module.id())
                        .and_then(|m| summarize(m.bindings.get(name)?));
                }
                if (first || kind != ScopeKind::Class)
                    && let Some(bounds) = info.bindings.get(name)
                {
                    return summarize(bounds);
                }
            }
            if kind == ScopeKind::Module {
                return None;
            }
            first = false;
            (scope, kind) = scope_of(p, scope);
        }
    }
}

/// A uuid binding anywhere in the scope wins: `try: import uuid / except: uuid = None` is uuid.
pub(super) fn summarize(bounds: &[Bound]) -> Option<Bound> {
    bounds
        .iter()
        .copied()
        .find(|b| *b != Bound::Other)
        .or(bounds.first().copied())
}

pub(super) fn root_of<'t>(p: &Parents<'t>, node: Node<'t>) -> Node<'t> {
    let mut current = node;
    while let Some(parent) = p.of(current) {
        current = parent;
    }
    current
}

pub(super) const COMPREHENSIONS: [&str; 4] = [
    "list_comprehension",
    "set_comprehension",
    "dictionary_comprehension",
    "generator_expression",
];

/// The scope a node's names are looked up in: the nearest enclosing function, lambda,
/// comprehension, class body or the module — with Python's exceptions: default values,
/// annotations and decorators belong to the enclosing scope, and so does a comprehension's
/// first iterable.
pub fn scope_of<'t>(p: &Parents<'t>, node: Node<'t>) -> (Node<'t>, ScopeKind) {
    let mut child = node;
    let mut in_default_or_annotation = false;
    let mut via_for_in_right = false;
    while let Some(parent) = p.up(child) {
        let is_field = |field: &str| parent.field(field).map(|n| n.id()) == Some(child.id());
        match parent.kind_str() {
            "function_definition" | "lambda" => {
                let kind = if parent.kind_str() == "lambda" {
                    ScopeKind::Lambda
                } else {
                    ScopeKind::Function
                };
                if is_field("body") || (is_field("parameters") && !in_default_or_annotation) {
                    return (parent, kind);
                }
            }
            "class_definition" if is_field("body") => return (parent, ScopeKind::Class),
            "default_parameter" | "typed_default_parameter" if is_field("value") => {
                in_default_or_annotation = true;
            }
            "typed_parameter" | "typed_default_parameter" if is_field("type") => {
                in_default_or_annotation = true;
            }
            kind if COMPREHENSIONS.contains(&kind) => {
                let first_for = {
                    let mut cursor = parent.walk();
                    parent
                        .named_children(&mut cursor)
                        .find(|c| c.kind_str() == "for_in_clause")
                };
                let in_first_iterable =
                    via_for_in_right && first_for.map(|f| f.id()) == Some(child.id());
                if !in_first_iterable {
                    return (parent, ScopeKind::Comprehension);
                }
            }
            _ => {}
        }
        via_for_in_right = parent.kind_str() == "for_in_clause" && is_field("right");
        child = parent;
    }
    (child, ScopeKind::Module)
}

/// `Class.method` path of the enclosing definitions; `<module>` at the top level.
pub fn scope_path<'t>(p: &Parents<'t>, node: Node<'t>, src: &[u8]) -> String {
    let mut names = Vec::new();
    let mut current = p.up(node);
    while let Some(n) = current {
        if matches!(n.kind_str(), "function_definition" | "class_definition")
            && let Some(name) = n.field("name")
        {
            names.push(node_text(name, src));
        }
        current = p.up(n);
    }
    if names.is_empty() {
        return "<module>".to_owned();
    }
    names.reverse();
    names.join(".")
}
