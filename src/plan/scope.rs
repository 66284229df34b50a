//! Which names a site can read: Python's scoping, as a typed call's placeholders need it.
//!
//! A name is visible at a site when it is a parameter of an enclosing function or lambda, a
//! local bound before the site in a block the site is also in, a comprehension's variable,
//! `self.name` that the enclosing method's class assigns or declares, or a module-level name.
//! Class bodies do not enclose their methods; a local bound only later in its function shadows
//! the names outside it; `global` and `nonlocal` send the lookup where Python sends it.

use tree_sitter::Node;

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
        let mut root = self.node;
        while let Some(parent) = self.parents.of(root) {
            root = parent;
        }
        !bindings_of(root, name, self.src).is_empty()
    }
}

/// One place a scope binds the name.
struct Binding<'t> {
    /// The node whose blocks the site must share (the bound identifier).
    node: Node<'t>,
    /// The binding holds from this offset on.
    from: usize,
    /// Only inside this node (an `except ... as e` handler).
    within: Option<Node<'t>>,
}

impl Binding<'_> {
    /// Bound before `at`, in no block that `at` is outside of (a `with` body always runs).
    fn visible_at(&self, at: Node<'_>) -> bool {
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
fn bound_before(scope: Node<'_>, name: &str, at: Node<'_>, src: &[u8]) -> bool {
    bindings_of(scope, name, src)
        .iter()
        .any(|b| b.visible_at(at))
}

/// `global` or `nonlocal` when the function declares `name` so.
fn declarations(function: Node<'_>, name: &str, src: &[u8]) -> Option<&'static str> {
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
fn parameters<'t>(function: Node<'t>) -> impl Iterator<Item = Node<'t>> {
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
fn comprehension_binds(comprehension: Node<'_>, name: &str, src: &[u8]) -> bool {
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
fn bindings_of<'t>(root: Node<'t>, name: &str, src: &[u8]) -> Vec<Binding<'t>> {
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
fn import_names<'t>(import: Node<'t>, names: &mut Vec<Node<'t>>) {
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

fn targets_of<'t>(target: Option<Node<'t>>, names: &mut Vec<Node<'t>>) {
    if let Some(target) = target {
        targets(target, names);
    }
}

/// The identifiers an assignment target binds (not attributes or subscripts).
fn targets<'t>(target: Node<'t>, names: &mut Vec<Node<'t>>) {
    match target.kind_str() {
        "identifier" => names.push(target),
        "pattern_list"
        | "tuple_pattern"
        | "list_pattern"
        | "expression_list"
        | "tuple"
        | "list"
        | "parenthesized_expression"
        | "list_splat_pattern"
        | "list_splat" => {
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
fn walk_scope<'t>(root: Node<'t>, visit: &mut impl FnMut(Node<'t>)) {
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

/// Whether a class assigns `self.name` in a method or declares `name` in its body (a field,
/// or a `@property`).
fn class_has_attribute(class: Node<'_>, name: &str, src: &[u8]) -> bool {
    let Some(body) = class.field("body") else {
        return false;
    };
    let mut cursor = body.walk();
    for statement in body.named_children(&mut cursor) {
        match statement.kind_str() {
            "expression_statement" => {
                let mut c = statement.walk();
                let declared = statement.named_children(&mut c).any(|a| {
                    a.kind_str() == "assignment"
                        && a.field("left").is_some_and(|l| {
                            l.kind_str() == "identifier" && node_text(l, src) == name
                        })
                });
                if declared {
                    return true;
                }
            }
            "decorated_definition" => {
                let mut c = statement.walk();
                let property = statement.named_children(&mut c).any(|d| {
                    d.kind_str() == "decorator" && node_text(d, src).trim() == "@property"
                });
                let named = statement
                    .field("definition")
                    .and_then(|d| d.field("name"))
                    .is_some_and(|n| node_text(n, src) == name);
                if property && named {
                    return true;
                }
                if assigns_self_attribute(statement, name, src) {
                    return true;
                }
            }
            "function_definition" if assigns_self_attribute(statement, name, src) => return true,
            _ => {}
        }
    }
    false
}

/// Whether a method assigns `self.name` anywhere in it.
fn assigns_self_attribute(method: Node<'_>, name: &str, src: &[u8]) -> bool {
    let mut stack = vec![method];
    let mut attributes = Vec::new();
    while let Some(node) = stack.pop() {
        if node.kind_str() == "class_definition" {
            continue;
        }
        attributes.clear();
        match node.kind_str() {
            "assignment" | "augmented_assignment" => {
                attribute_targets(node.field("left"), &mut attributes);
            }
            "for_statement" => attribute_targets(node.field("left"), &mut attributes),
            "as_pattern_target" => attribute_targets(node.named_child(0), &mut attributes),
            _ => {}
        }
        let assigns = attributes.iter().any(|a| {
            a.field("object")
                .is_some_and(|o| o.kind_str() == "identifier" && node_text(o, src) == "self")
                && a.field("attribute")
                    .is_some_and(|n| node_text(n, src) == name)
        });
        if assigns {
            return true;
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    false
}

/// The attribute nodes (`self.x`) among an assignment's targets.
fn attribute_targets<'t>(target: Option<Node<'t>>, out: &mut Vec<Node<'t>>) {
    let Some(target) = target else {
        return;
    };
    match target.kind_str() {
        "attribute" => out.push(target),
        "pattern_list"
        | "tuple_pattern"
        | "list_pattern"
        | "expression_list"
        | "tuple"
        | "list"
        | "parenthesized_expression" => {
            let mut cursor = target.walk();
            for child in target.named_children(&mut cursor) {
                attribute_targets(Some(child), out);
            }
        }
        _ => {}
    }
}
