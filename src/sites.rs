//! Tree -> `uuid4` sites: import bindings, a Python scope model, and name resolution.
//!
//! A site is an expression that evaluates the standard library's `uuid.uuid4`. The queries in
//! `queries/` find imports, name bindings and `X.uuid4` attributes; this module decides, with
//! Python's scoping rules (class bodies do not enclose their methods), which of them are sites.

use crate::syntax::NodeExt;
use rustc_hash::FxHashMap;
use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::sync::LazyLock;
use streaming_iterator::StreamingIterator;
use tree_sitter::{Node, Query, QueryCursor, Tree};

use crate::model::{Binding, SiteKind};

pub static IMPORTS_QUERY: LazyLock<Query> =
    LazyLock::new(|| compile("imports.scm", include_str!("../queries/imports.scm")));
pub static CANDIDATES_QUERY: LazyLock<Query> =
    LazyLock::new(|| compile("candidates.scm", include_str!("../queries/candidates.scm")));

fn compile(name: &str, source: &str) -> Query {
    Query::new(&tree_sitter_python::LANGUAGE.into(), source)
        .unwrap_or_else(|err| panic!("queries/{name} does not compile: {err}"))
}

/// What a name is bound to in one scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bound {
    UuidModule,
    Uuid4Function,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeKind {
    Module,
    Class,
    Function,
    Lambda,
    Comprehension,
}

#[derive(Debug, Default)]
struct Scope {
    bindings: HashMap<String, Vec<Bound>>,
    globals: HashSet<String>,
}

/// Parent links, found on demand and kept. `Node::parent` walks down from the root on every
/// call, and a full traversal of the tree up front costs more than the rest of the analysis:
/// a lookup walks down from the root once, to the node asked for, and keeps every link on the
/// way, so climbing from an occurrence costs one descent. Wide nodes (a module, a class body, a
/// long literal) keep their children in order and are searched by offset.
pub struct Parents<'t> {
    root: Node<'t>,
    links: RefCell<FxHashMap<usize, Node<'t>>>,
    /// The node `deepest_holding` found last.
    hint: Cell<Option<Node<'t>>>,
    /// Children of wide nodes, by node id.
    wide: RefCell<FxHashMap<usize, Rc<[Node<'t>]>>>,
}

/// Nodes with more children than this are searched by offset.
const WIDE: usize = 16;

impl<'t> Parents<'t> {
    pub fn new(tree: &'t Tree) -> Self {
        Parents {
            root: tree.root_node(),
            links: RefCell::default(),
            hint: Cell::new(None),
            wide: RefCell::default(),
        }
    }

    /// The parent of `node` (`None` for the root).
    pub fn of(&self, node: Node<'t>) -> Option<Node<'t>> {
        if node.id() == self.root.id() {
            return None;
        }
        if let Some(parent) = self.links.borrow().get(&node.id()) {
            return Some(*parent);
        }
        let mut current = self.root;
        loop {
            let child = self.child_with(current, node)?;
            self.links.borrow_mut().insert(child.id(), current);
            if child.id() == node.id() {
                return Some(current);
            }
            current = child;
        }
    }

    /// The child of `parent` that is or contains `node`, as `Node::child_with_descendant`.
    fn child_with(&self, parent: Node<'t>, node: Node<'t>) -> Option<Node<'t>> {
        if parent.child_count() > WIDE && node.start_byte() < node.end_byte() {
            let children = self.children_of_wide(parent);
            // The first child that ends at or after the node; it is the answer when it
            // plainly contains the node (empty nodes and leaves go the slow way).
            let i = children.partition_point(|c| c.end_byte() < node.end_byte());
            if let Some(&child) = children.get(i)
                && child.start_byte() <= node.start_byte()
                && (child.id() == node.id() || child.child_count() > 0)
                && child.start_byte() < child.end_byte()
            {
                return Some(child);
            }
        }
        parent.child_with_descendant(node)
    }

    /// The deepest node that holds the non-empty range `start..end`, as
    /// `root.descendant_for_byte_range(start, end)`. The search starts from the last node found,
    /// climbing only as far as needed (occurrences come in order, mostly close together), and
    /// keeps the links on its way down.
    pub fn deepest_holding(&self, start: usize, end: usize) -> Node<'t> {
        let holds = |n: Node<'t>| n.start_byte() <= start && end <= n.end_byte();
        let mut node = self.hint.get().unwrap_or(self.root);
        while !holds(node) {
            match self.of(node) {
                Some(parent) => node = parent,
                None => break,
            }
        }
        loop {
            // The first child ending after `start` holds the range if any child does.
            let child = if node.child_count() > WIDE {
                let children = self.children_of_wide(node);
                let i = children.partition_point(|c| c.end_byte() <= start);
                children.get(i).copied()
            } else {
                node.first_child_for_byte(start)
            };
            match child {
                Some(child) if holds(child) => {
                    self.links.borrow_mut().insert(child.id(), node);
                    node = child;
                }
                _ => break,
            }
        }
        self.hint.set(Some(node));
        node
    }

    fn children_of_wide(&self, parent: Node<'t>) -> Rc<[Node<'t>]> {
        if let Some(children) = self.wide.borrow().get(&parent.id()) {
            return Rc::clone(children);
        }
        let mut cursor = parent.walk();
        let children: Rc<[Node<'t>]> = parent.children(&mut cursor).collect();
        self.wide
            .borrow_mut()
            .insert(parent.id(), Rc::clone(&children));
        children
    }
}

impl std::fmt::Debug for Parents<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Parents")
            .field("links", &self.links.borrow().len())
            .finish()
    }
}

/// A site found in the tree, before classification.
#[derive(Debug, Clone)]
pub struct FoundSite<'t> {
    /// Parent links of the tree the site is in.
    pub parents: Rc<Parents<'t>>,
    /// `uuid.uuid4` (attribute) or `uuid4` / alias (identifier).
    pub node: Node<'t>,
    /// The call when the site is called, else `node`.
    pub expr: Node<'t>,
    pub kind: SiteKind,
    pub binding: Binding,
    /// The name is bound only in another scope of the file (imports anywhere count).
    pub import_elsewhere: bool,
    pub in_error_region: bool,
}

/// Finds every site in a parsed file.
///
/// Work is proportional to the occurrences of the names involved, not to the size of the
/// tree: every lookup starts from a textual occurrence of `uuid`, `uuid4` or an alias, and the
/// queries run only on the import statement or attribute around it.
pub fn find_sites<'t>(tree: &'t Tree, text: &str) -> Vec<FoundSite<'t>> {
    let src = text.as_bytes();
    let parents = Rc::new(Parents::new(tree));
    let mut model = ScopeModel::default();
    let mut seen_imports = HashSet::new();

    // Pass 1: imports that mention `uuid` name the module and the local aliases.
    let mut imports = Vec::new();
    let uuid_occurrences = identifier_occurrences(&parents, src, "uuid", &FxHashMap::default());
    // The `uuid4` of each `uuid.uuid4` comes with its `uuid`: no search for it later.
    let mut known = FxHashMap::default();
    for &ident in &uuid_occurrences {
        if let Some(attribute) = parents.of(ident).filter(|a| a.kind_str() == "attribute")
            && attribute.field("object") == Some(ident)
            && let Some(name) = attribute.field("attribute")
            && name.kind_str() == "identifier"
        {
            parents.links.borrow_mut().insert(name.id(), attribute);
            known.insert(name.start_byte(), name);
        }
    }
    for &ident in &uuid_occurrences {
        if let Some(import) = enclosing_import(&parents, ident)
            && seen_imports.insert(import.id())
        {
            imports.extend(collect_imports(import, src));
        }
    }
    let mut interesting: Vec<String> = imports.iter().map(|(name, _, _)| name.clone()).collect();
    interesting.push("uuid".to_owned());
    interesting.push("uuid4".to_owned());
    interesting.sort();
    interesting.dedup();

    // Pass 2: every occurrence of an interesting name is an import, a binding, or a use.
    let mut uses = Vec::new();
    for name in &interesting {
        let occurrences = if name == "uuid" {
            uuid_occurrences.clone()
        } else {
            identifier_occurrences(&parents, src, name, &known)
        };
        for ident in occurrences {
            if let Some(import) = enclosing_import(&parents, ident) {
                if seen_imports.insert(import.id()) {
                    imports.extend(collect_imports(import, src));
                }
                continue;
            }
            match binding_position(&parents, ident) {
                Some(BindingPosition::Bind) => model.bind(&parents, &ident, name, Bound::Other),
                Some(BindingPosition::Global) => model.declare_global(&parents, ident, name),
                Some(BindingPosition::Nonlocal) => {}
                None => uses.push(ident),
            }
        }
    }
    for (local, bound, node) in &imports {
        model.bind(&parents, node, local, *bound);
    }

    let uuid_names_anywhere: HashSet<&str> = imports
        .iter()
        .filter(|(_, b, _)| *b == Bound::UuidModule)
        .map(|(n, _, _)| n.as_str())
        .collect();
    let func_names_anywhere: HashSet<&str> = imports
        .iter()
        .filter(|(_, b, _)| *b == Bound::Uuid4Function)
        .map(|(n, _, _)| n.as_str())
        .collect();

    let mut sites = Vec::new();
    let object_ix = capture_index(&CANDIDATES_QUERY, "object");
    let site_ix = capture_index(&CANDIDATES_QUERY, "site");
    let mut cursor = QueryCursor::new();
    for ident in uses {
        let name = node_text(ident, src);
        let parent = parents.of(ident);
        // `X.uuid4`: the query confirms the shape on the attribute around the occurrence.
        if name == "uuid4" && parent.is_some_and(|p| p.kind_str() == "attribute") {
            let attribute = parent.expect("checked above");
            let mut matches = cursor.matches(&CANDIDATES_QUERY, attribute, src);
            while let Some(m) = matches.next() {
                let (Some(object), Some(attr)) = (capture(m, object_ix), capture(m, site_ix))
                else {
                    continue;
                };
                if attr.id() != attribute.id() {
                    continue;
                }
                let object_name = node_text(object, src);
                let (binding, import_elsewhere) = match model.resolve(&parents, object_name, object)
                {
                    Some(Bound::UuidModule) => (Binding::Resolved, false),
                    Some(_) => continue,
                    None if uuid_names_anywhere.contains(object_name) => (Binding::Resolved, true),
                    None if object_name == "uuid" => (Binding::Unresolved, false),
                    None => continue,
                };
                sites.push(make_site(&parents, attr, binding, import_elsewhere));
            }
            continue;
        }
        // A bare `uuid4` or alias read as a value.
        if func_names_anywhere.contains(name) && is_expression_use(&parents, ident) {
            let (binding, elsewhere) = match model.resolve(&parents, name, ident) {
                Some(Bound::Uuid4Function) => (Binding::Resolved, false),
                Some(_) => continue,
                None => (Binding::Resolved, true),
            };
            sites.push(make_site(&parents, ident, binding, elsewhere));
        }
    }

    sites.sort_by_key(|s| s.node.start_byte());
    sites.dedup_by_key(|s| s.node.start_byte());
    sites
}

/// Identifier nodes whose text is exactly `name`, found from its textual occurrences.
/// `known` holds identifiers already found, by start offset.
fn identifier_occurrences<'t>(
    p: &Parents<'t>,
    src: &[u8],
    name: &str,
    known: &FxHashMap<usize, Node<'t>>,
) -> Vec<Node<'t>> {
    let is_ident_byte = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80;
    memchr::memmem::find_iter(src, name.as_bytes())
        .filter(|&start| {
            let end = start + name.len();
            (start == 0 || !is_ident_byte(src[start - 1]))
                && src.get(end).is_none_or(|&b| !is_ident_byte(b))
        })
        .filter_map(|start| {
            let node = match known.get(&start) {
                Some(&node) => node,
                None => p.deepest_holding(start, start + name.len()),
            };
            (node.kind_str() == "identifier"
                && node.start_byte() == start
                && node.end_byte() == start + name.len())
            .then_some(node)
        })
        .collect()
}

fn enclosing_import<'t>(p: &Parents<'t>, node: Node<'t>) -> Option<Node<'t>> {
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
enum BindingPosition {
    Bind,
    Global,
    Nonlocal,
}

/// Whether an identifier is a name binding: an assignment, `for` or `with`/`except` target
/// (unpacked through tuples and lists), a parameter, a `def`/`class` name, a walrus, or a
/// `global`/`nonlocal` declaration.
fn binding_position<'t>(p: &Parents<'t>, ident: Node<'t>) -> Option<BindingPosition> {
    let mut child = ident;
    while let Some(parent) = p.of(child) {
        let is_field = |field: &str| parent.field(field).map(|n| n.id()) == Some(child.id());
        match parent.kind_str() {
            "pattern_list"
            | "tuple_pattern"
            | "list_pattern"
            | "list_splat_pattern"
            | "dictionary_splat_pattern"
            | "as_pattern_target"
            | "parenthesized_expression"
            | "tuple"
            | "list" => {}
            "assignment" | "augmented_assignment" | "for_statement" | "for_in_clause" => {
                return is_field("left").then_some(BindingPosition::Bind);
            }
            "as_pattern" => return is_field("alias").then_some(BindingPosition::Bind),
            "named_expression" | "function_definition" | "class_definition" => {
                return is_field("name").then_some(BindingPosition::Bind);
            }
            "default_parameter" | "typed_default_parameter" => {
                return is_field("name").then_some(BindingPosition::Bind);
            }
            "typed_parameter" => return (!is_field("type")).then_some(BindingPosition::Bind),
            "parameters" | "lambda_parameters" => return Some(BindingPosition::Bind),
            "global_statement" => return Some(BindingPosition::Global),
            "nonlocal_statement" => return Some(BindingPosition::Nonlocal),
            _ => return None,
        }
        child = parent;
    }
    None
}

fn make_site<'t>(
    p: &Rc<Parents<'t>>,
    node: Node<'t>,
    binding: Binding,
    import_elsewhere: bool,
) -> FoundSite<'t> {
    let parent = p.of(node);
    let called = parent.filter(|p| {
        p.kind_str() == "call" && p.field("function").map(|f| f.id()) == Some(node.id())
    });
    FoundSite {
        parents: Rc::clone(p),
        node,
        expr: called.unwrap_or(node),
        kind: if called.is_some() {
            SiteKind::Call
        } else {
            SiteKind::Reference
        },
        binding,
        import_elsewhere,
        in_error_region: in_error_region(p, node),
    }
}

fn in_error_region<'t>(p: &Parents<'t>, node: Node<'t>) -> bool {
    let mut current = Some(node);
    while let Some(n) = current {
        if n.is_error() || n.is_missing() {
            return true;
        }
        if p.of(n)
            .is_some_and(|p| matches!(p.kind_str(), "block" | "module"))
        {
            return n.has_error();
        }
        current = p.of(n);
    }
    false
}

/// Whether an identifier is read as a value (not a binding, keyword name, attribute or import).
fn is_expression_use<'t>(p: &Parents<'t>, node: Node<'t>) -> bool {
    let Some(parent) = p.of(node) else {
        return false;
    };
    let is_field = |field: &str| parent.field(field).map(|n| n.id()) == Some(node.id());
    match parent.kind_str() {
        "attribute" => !is_field("attribute"),
        "keyword_argument" => !is_field("name"),
        "assignment" | "augmented_assignment" | "for_statement" | "for_in_clause" => {
            !is_field("left")
        }
        "named_expression" => !is_field("name"),
        "function_definition" | "class_definition" => false,
        "parameters"
        | "lambda_parameters"
        | "typed_parameter"
        | "list_splat_pattern"
        | "dictionary_splat_pattern"
        | "global_statement"
        | "nonlocal_statement"
        | "dotted_name"
        | "aliased_import"
        | "as_pattern_target"
        | "pattern_list"
        | "tuple_pattern"
        | "list_pattern" => false,
        "default_parameter" | "typed_default_parameter" => !is_field("name"),
        _ => true,
    }
}

/// Import bindings: (local name, what it binds, the import node).
fn collect_imports<'t>(import: Node<'t>, src: &[u8]) -> Vec<(String, Bound, Node<'t>)> {
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

/// Scopes keyed by the id of the node that opens them.
#[derive(Default)]
struct ScopeModel {
    scopes: HashMap<usize, Scope>,
}

impl ScopeModel {
    fn bind<'t>(&mut self, p: &Parents<'t>, node: &Node<'t>, name: &str, bound: Bound) {
        let (scope, _) = scope_of(p, *node);
        self.scopes
            .entry(scope.id())
            .or_default()
            .bindings
            .entry(name.to_owned())
            .or_default()
            .push(bound);
    }

    fn declare_global<'t>(&mut self, p: &Parents<'t>, node: Node<'t>, name: &str) {
        let (scope, _) = scope_of(p, node);
        self.scopes
            .entry(scope.id())
            .or_default()
            .globals
            .insert(name.to_owned());
    }

    /// What `name`, read at `node`, is bound to; `None` when no scope in the chain binds it.
    fn resolve<'t>(&self, p: &Parents<'t>, name: &str, node: Node<'t>) -> Option<Bound> {
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
fn summarize(bounds: &[Bound]) -> Option<Bound> {
    bounds
        .iter()
        .copied()
        .find(|b| *b != Bound::Other)
        .or(bounds.first().copied())
}

fn root_of<'t>(p: &Parents<'t>, node: Node<'t>) -> Node<'t> {
    let mut current = node;
    while let Some(parent) = p.of(current) {
        current = parent;
    }
    current
}

const COMPREHENSIONS: [&str; 4] = [
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
    while let Some(parent) = p.of(child) {
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
    let mut current = p.of(node);
    while let Some(n) = current {
        if matches!(n.kind_str(), "function_definition" | "class_definition")
            && let Some(name) = n.field("name")
        {
            names.push(node_text(name, src));
        }
        current = p.of(n);
    }
    if names.is_empty() {
        return "<module>".to_owned();
    }
    names.reverse();
    names.join(".")
}

pub fn node_text<'s>(node: Node<'_>, src: &'s [u8]) -> &'s str {
    std::str::from_utf8(&src[node.byte_range()]).unwrap_or_default()
}

fn capture_index(query: &Query, name: &str) -> u32 {
    query
        .capture_index_for_name(name)
        .unwrap_or_else(|| panic!("query has no capture @{name}"))
}

fn capture<'t>(m: &tree_sitter::QueryMatch<'_, 't>, index: u32) -> Option<Node<'t>> {
    m.captures.iter().find(|c| c.index == index).map(|c| c.node)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sites(src: &str) -> Vec<(usize, SiteKind, Binding)> {
        let tree = crate::parse::parse(src, None).unwrap();
        find_sites(&tree, src)
            .into_iter()
            .map(|s| (s.node.start_position().row + 1, s.kind, s.binding))
            .collect()
    }

    /// Every Python file under `fixtures/`, decoded.
    fn fixture_sources() -> Vec<String> {
        fn walk(dir: &std::path::Path, out: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, out);
                } else if path.extension().is_some_and(|e| e == "py")
                    && let Ok(source) =
                        crate::parse::SourceFile::decode(std::fs::read(&path).unwrap())
                {
                    out.push(source.text);
                }
            }
        }
        let mut out = Vec::new();
        walk(
            std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures")),
            &mut out,
        );
        assert!(out.len() > 20, "fixtures not found");
        out
    }

    /// The on-demand parent links and the occurrence search agree with tree-sitter's own
    /// `Node::parent` and `descendant_for_byte_range`, on every node of every fixture.
    #[test]
    fn parent_links_and_searches_agree_with_tree_sitter() {
        let mut checked = 0;
        let config = crate::config::Config::default();
        for text in fixture_sources() {
            // The whole file, and the slices `scan` parses (included ranges).
            let mut trees = vec![crate::parse::parse(&text, None).unwrap()];
            if let Some(ranges) = crate::slice::plan(&text, &config).filter(|r| !r.is_empty()) {
                trees.push(crate::parse::parse_ranges(&text, &ranges, None).unwrap());
            }
            for tree in &trees {
                let parents = Parents::new(tree);
                let mut cursor = tree.walk();
                let mut nodes = Vec::new();
                loop {
                    nodes.push(cursor.node());
                    if cursor.goto_first_child() {
                        continue;
                    }
                    while !cursor.goto_next_sibling() {
                        if !cursor.goto_parent() {
                            break;
                        }
                    }
                    if cursor.node().id() == tree.root_node().id() {
                        break;
                    }
                }
                // In text order, as occurrences come, then backwards, which defeats the hint.
                for node in nodes.iter().chain(nodes.iter().rev()) {
                    if node.start_byte() < node.end_byte() {
                        let (start, end) = (node.start_byte(), node.end_byte());
                        assert_eq!(
                            parents.deepest_holding(start, end),
                            tree.root_node()
                                .descendant_for_byte_range(start, end)
                                .unwrap(),
                            "{start}..{end} in {text}"
                        );
                    }
                }
                for node in &nodes {
                    assert_eq!(parents.of(*node), node.parent(), "{node:?} in {text}");
                }
                checked += nodes.len();
            }
        }
        assert!(checked > 10_000, "only {checked} nodes checked");
    }

    #[test]
    fn queries_compile() {
        LazyLock::force(&IMPORTS_QUERY);
        LazyLock::force(&CANDIDATES_QUERY);
    }

    #[test]
    fn finds_aliases_and_references() {
        let src = "import uuid as u\nfrom uuid import uuid4 as new_id\nx = u.uuid4()\ny = new_id()\nz = Field(default_factory=u.uuid4)\n";
        assert_eq!(
            sites(src),
            vec![
                (3, SiteKind::Call, Binding::Resolved),
                (4, SiteKind::Call, Binding::Resolved),
                (5, SiteKind::Reference, Binding::Resolved)
            ]
        );
    }

    #[test]
    fn respects_shadowing() {
        let src = "import uuid\ndef f(uuid):\n    return uuid.uuid4()\nclass C:\n    uuid = 1\n    def m(self):\n        return uuid.uuid4()\nlam = lambda uuid: uuid.uuid4()\n";
        assert_eq!(sites(src), vec![(7, SiteKind::Call, Binding::Resolved)]);
    }

    #[test]
    fn not_sites() {
        let src = "import uuid\n# uuid.uuid4()\ns = 'uuid.uuid4()'\nself.uuid.uuid4()\nobj.uuid4()\nuuid.uuid1()\nfrom other import uuid4\nuuid4()\n";
        assert_eq!(sites(src), vec![]);
    }

    #[test]
    fn unresolved_without_import() {
        assert_eq!(
            sites("x = uuid.uuid4()\n"),
            vec![(1, SiteKind::Call, Binding::Unresolved)]
        );
    }

    #[test]
    fn import_in_function_and_star() {
        let src =
            "def f():\n    import uuid\n    return uuid.uuid4()\nfrom uuid import *\nv = uuid4()\n";
        assert_eq!(
            sites(src),
            vec![
                (3, SiteKind::Call, Binding::Resolved),
                (5, SiteKind::Call, Binding::Resolved)
            ]
        );
    }

    #[test]
    fn global_declaration_reaches_module() {
        let src = "import uuid\ndef f():\n    global uuid\n    return uuid.uuid4()\n";
        assert_eq!(sites(src), vec![(4, SiteKind::Call, Binding::Resolved)]);
    }

    #[test]
    fn comprehension_targets_shadow() {
        let src = "import uuid\nxs = [uuid.uuid4() for uuid in range(3)]\nys = [uuid.uuid4() for _ in range(3)]\n";
        assert_eq!(sites(src), vec![(3, SiteKind::Call, Binding::Resolved)]);
    }
}
