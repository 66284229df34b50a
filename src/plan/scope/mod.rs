//! Which names a site can read: Python's scoping, as a typed call's placeholders need it.
//!
//! A name is visible at a site when it is a parameter of an enclosing function or lambda, a
//! local bound before the site in a block the site is also in, a comprehension's variable,
//! `self.name` that the enclosing method's class assigns or declares, or a module-level name.
//! Class bodies do not enclose their methods; a local bound only later in its function shadows
//! the names outside it; `global` and `nonlocal` send the lookup where Python sends it.

use tree_sitter::Node;

mod attributes;
mod bindings;

use attributes::class_has_attribute;
use bindings::{bindings_of, bound_before, comprehension_binds, declarations, parameters};

use crate::model::{FoundName, NameOrigin};
use crate::sites::{ScopeKind, scope_of};
use crate::syntax::{NodeExt, Parents, node_text};

/// The nodes that open a scope of their own: their bodies are not the enclosing scope's.
const NESTED_SCOPES: [&str; 7] = [
    "function_definition",
    "class_definition",
    "lambda",
    "list_comprehension",
    "set_comprehension",
    "dictionary_comprehension",
    "generator_expression",
];

/// Assignment targets that unpack into the targets they hold (`a, b = ...`, `[a, b] = ...`,
/// `(a) = ...`).
const UNPACKING: [&str; 7] = [
    "pattern_list",
    "tuple_pattern",
    "list_pattern",
    "expression_list",
    "tuple",
    "list",
    "parenthesized_expression",
];

/// Where the names read at one site are looked up.
pub(super) struct Site<'a, 't> {
    pub parents: &'a Parents<'t>,
    pub src: &'a [u8],
    pub node: Node<'t>,
    /// The replacement runs later, from a new `lambda:` (a default factory): a class body the
    /// site is in is not visible from it.
    pub deferred: bool,
}

/// What the scope chain (without attributes) says about a name.
enum Chain {
    Found(NameOrigin),
    /// A local of an enclosing function, not bound yet at the site: hides every outer name.
    Shadowed,
    NotFound,
}

impl<'t> Site<'_, 't> {
    /// The expression for `name` at the site, and where it was found.
    pub(super) fn find(&self, name: &str) -> Option<FoundName> {
        let local = |source| {
            Some(FoundName {
                expr: name.to_owned(),
                source,
            })
        };
        let chain = self.chain(name);
        if let Chain::Found(source) = chain {
            return local(source);
        }
        if let Some(expr) = self.attribute(name) {
            return Some(FoundName {
                expr,
                source: NameOrigin::Attribute,
            });
        }
        match chain {
            Chain::NotFound if self.module_binds(name) => local(NameOrigin::Module),
            _ => None,
        }
    }

    /// Parameters, locals and comprehension variables, from the innermost scope outwards;
    /// the module level only when the site itself is there.
    fn chain(&self, name: &str) -> Chain {
        let (mut scope, mut kind) = scope_of(self.parents, self.node);
        let mut at = self.node;
        let mut first_function = true;
        let mut innermost = true;
        loop {
            match kind {
                ScopeKind::Module => {
                    if innermost {
                        return match bound_before(scope, name, at, self.src) {
                            true => Chain::Found(NameOrigin::Module),
                            false => Chain::NotFound,
                        };
                    }
                    return Chain::NotFound;
                }
                ScopeKind::Class if innermost && !self.deferred => {
                    if let Some(body) = scope.field("body")
                        && bound_before(body, name, at, self.src)
                    {
                        return Chain::Found(NameOrigin::Local);
                    }
                }
                ScopeKind::Class => {}
                ScopeKind::Comprehension => {
                    if comprehension_binds(scope, name, self.src) {
                        return Chain::Found(NameOrigin::Local);
                    }
                }
                ScopeKind::Function | ScopeKind::Lambda => {
                    let declared = declarations(scope, name, self.src);
                    if declared == Some("global") {
                        return Chain::NotFound;
                    }
                    if declared.is_none() {
                        let (parameter, local) = if first_function {
                            (NameOrigin::Parameter, NameOrigin::Local)
                        } else {
                            (NameOrigin::Enclosing, NameOrigin::Enclosing)
                        };
                        if parameters(scope).any(|p| node_text(p, self.src) == name) {
                            return Chain::Found(parameter);
                        }
                        if let Some(body) =
                            scope.field("body").filter(|_| kind == ScopeKind::Function)
                        {
                            let bindings = bindings_of(body, name, self.src);
                            if bindings.iter().any(|b| b.visible_at(at)) {
                                return Chain::Found(local);
                            }
                            if !bindings.is_empty() {
                                return Chain::Shadowed;
                            }
                        }
                    }
                    first_function = false;
                }
            }
            innermost = false;
            at = scope;
            (scope, kind) = scope_of(self.parents, scope);
        }
    }

    /// `self.name` when the enclosing method's class assigns `self.name` or declares `name`.
    fn attribute(&self, name: &str) -> Option<String> {
        let (mut scope, mut kind) = scope_of(self.parents, self.node);
        loop {
            match kind {
                ScopeKind::Module => return None,
                ScopeKind::Function => {
                    if let Some(class) = self.class_of_method(scope) {
                        let first = parameters(scope).next()?;
                        if node_text(first, self.src) != "self" {
                            return None;
                        }
                        return class_has_attribute(class, name, self.src)
                            .then(|| format!("self.{name}"));
                    }
                    if parameters(scope).any(|p| node_text(p, self.src) == "self") {
                        return None;
                    }
                }
                ScopeKind::Lambda => {
                    if parameters(scope).any(|p| node_text(p, self.src) == "self") {
                        return None;
                    }
                }
                ScopeKind::Class | ScopeKind::Comprehension => {}
            }
            (scope, kind) = scope_of(self.parents, scope);
        }
    }

    /// The class whose body defines `function`, if it is a method.
    fn class_of_method(&self, function: Node<'t>) -> Option<Node<'t>> {
        let mut up = self.parents.of(function)?;
        if up.kind_str() == "decorated_definition" {
            up = self.parents.of(up)?;
        }
        if up.kind_str() != "block" {
            return None;
        }
        self.parents
            .of(up)
            .filter(|c| c.kind_str() == "class_definition")
    }

    /// Whether the module binds `name` anywhere at its top level (a function runs after the
    /// module has loaded).
    fn module_binds(&self, name: &str) -> bool {
        !bindings_of(self.parents.root(), name, self.src).is_empty()
    }
}
