//! Python's scopes: which node opens the scope a name lives in (class bodies do not enclose
//! their methods; comprehensions have their own), the `Class.method` path, and what each scope
//! binds.

use rustc_hash::FxHashMap;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use tree_sitter::Node;

use super::Bound;
use crate::syntax::{NodeExt, Parents, Question, Verdict, is_field, node_text};

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
    /// What each name is bound to as seen from inside a scope, looking outwards (`outside`), by
    /// name and the id of the scope's node; filled by `resolve`, once every binding is known.
    outside: RefCell<FxHashMap<String, FxHashMap<usize, Option<Bound>>>>,
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
    /// Call it only once every binding is in the model.
    pub(super) fn resolve<'t>(&self, p: &Parents<'t>, name: &str, node: Node<'t>) -> Option<Bound> {
        let (scope, kind) = scope_of(p, node);
        // The innermost scope counts even when it is a class body.
        if let Some(info) = self.scopes.get(&scope.id()) {
            if info.globals.contains(name) {
                return self.at_module(p, name);
            }
            if let Some(bounds) = info.bindings.get(name) {
                return summarize(bounds);
            }
        }
        if kind == ScopeKind::Module {
            return None;
        }
        self.outside(p, name, scope)
    }

    /// What `name` is bound to as seen from inside `inner` (a scope that does not bind it):
    /// the scopes around it outwards, class bodies left out. Each scope passed keeps the
    /// answer: N nested lambdas or comprehensions would otherwise cost each of their sites N.
    fn outside<'t>(&self, p: &Parents<'t>, name: &str, inner: Node<'t>) -> Option<Bound> {
        let mut passed = Vec::new();
        let mut inner = inner;
        let found = loop {
            let known = self
                .outside
                .borrow()
                .get(name)
                .and_then(|m| m.get(&inner.id()).copied());
            if let Some(known) = known {
                break known;
            }
            passed.push(inner.id());
            let (scope, kind) = scope_of(p, inner);
            if let Some(info) = self.scopes.get(&scope.id()) {
                if info.globals.contains(name) {
                    break self.at_module(p, name);
                }
                if kind != ScopeKind::Class
                    && let Some(bounds) = info.bindings.get(name)
                {
                    break summarize(bounds);
                }
            }
            if kind == ScopeKind::Module {
                break None;
            }
            inner = scope;
        };
        let mut outside = self.outside.borrow_mut();
        let answers = outside.entry(name.to_owned()).or_default();
        for id in passed {
            answers.insert(id, found);
        }
        found
    }

    /// What the module binds `name` to (a `global` declaration sends the lookup there).
    fn at_module<'t>(&self, p: &Parents<'t>, name: &str) -> Option<Bound> {
        self.scopes
            .get(&p.root().id())
            .and_then(|m| summarize(m.bindings.get(name)?))
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
    let scope = scope_from(p, node, false);
    let kind = match scope.kind_str() {
        "function_definition" => ScopeKind::Function,
        "lambda" => ScopeKind::Lambda,
        "class_definition" => ScopeKind::Class,
        kind if COMPREHENSIONS.contains(&kind) => ScopeKind::Comprehension,
        _ => ScopeKind::Module,
    };
    (scope, kind)
}

/// The scope of a node (`SCOPE`), and of a node inside a default value or an annotation
/// (`SCOPE_IN_DEFAULT`: its function's parameters are not its scope). `Parents` keeps both, so
/// the sites of one deep expression climb it once between them.
static SCOPE: Question = Question::new("scope");
static SCOPE_IN_DEFAULT: Question = Question::new("scope from a default value or annotation");

/// The node that opens the scope of `node`: the root for the module.
fn scope_from<'t>(p: &Parents<'t>, node: Node<'t>, in_default_or_annotation: bool) -> Node<'t> {
    let question = match in_default_or_annotation {
        true => &SCOPE_IN_DEFAULT,
        false => &SCOPE,
    };
    let scope = p.answer(question, node, |child| {
        let Some(parent) = p.up(child) else {
            return Verdict::Found(Some(child));
        };
        let is_field = |field: &str| is_field(parent, field, child);
        let into_default = || match in_default_or_annotation {
            true => Verdict::From(parent),
            false => Verdict::Found(Some(scope_from(p, parent, true))),
        };
        match parent.kind_str() {
            "function_definition" | "lambda"
                if is_field("body") || (is_field("parameters") && !in_default_or_annotation) =>
            {
                Verdict::Found(Some(parent))
            }
            "class_definition" if is_field("body") => Verdict::Found(Some(parent)),
            "default_parameter" | "typed_default_parameter" if is_field("value") => into_default(),
            "typed_parameter" | "typed_default_parameter" if is_field("type") => into_default(),
            kind if COMPREHENSIONS.contains(&kind) => Verdict::Found(Some(parent)),
            // A comprehension's first iterable is evaluated in the scope around it.
            "for_in_clause" if is_field("right") => match p.up(parent) {
                Some(comprehension) if COMPREHENSIONS.contains(&comprehension.kind_str()) => {
                    let mut cursor = comprehension.walk();
                    let first_for = comprehension
                        .named_children(&mut cursor)
                        .find(|c| c.kind_str() == "for_in_clause");
                    match first_for.map(|f| f.id()) == Some(parent.id()) {
                        true => Verdict::From(comprehension),
                        false => Verdict::Found(Some(comprehension)),
                    }
                }
                _ => Verdict::From(parent),
            },
            _ => Verdict::From(parent),
        }
    });
    scope.expect("a climb to the root finds a scope")
}

/// A node's nearest enclosing named definition (`Class.method` path): `Parents` keeps the answers.
static NAMED_DEFINITION: Question = Question::new("nearest named function or class");

fn named_definition_above<'t>(p: &Parents<'t>, node: Node<'t>) -> Option<Node<'t>> {
    let up = p.up(node)?;
    p.nearest(&NAMED_DEFINITION, up, |n| {
        matches!(n.kind_str(), "function_definition" | "class_definition")
            && n.field("name").is_some()
    })
}

/// `Class.method` path of the enclosing definitions; `<module>` at the top level.
pub fn scope_path<'t>(p: &Parents<'t>, node: Node<'t>, src: &[u8]) -> String {
    let mut names = Vec::new();
    let mut current = named_definition_above(p, node);
    while let Some(definition) = current {
        if let Some(name) = definition.field("name") {
            names.push(node_text(name, src));
        }
        current = named_definition_above(p, definition);
    }
    if names.is_empty() {
        return "<module>".to_owned();
    }
    names.reverse();
    names.join(".")
}
