//! Tree -> `uuid4` sites: import bindings, a Python scope model, and name resolution.
//!
//! A site is an expression that evaluates the standard library's `uuid.uuid4`. The queries in
//! `queries/` find imports, name bindings and `X.uuid4` attributes; this module decides, with
//! Python's scoping rules (class bodies do not enclose their methods), which of them are sites.

use crate::syntax::NodeExt;
use rustc_hash::FxHashMap;
use std::collections::HashSet;
use std::rc::Rc;
use std::sync::LazyLock;
use streaming_iterator::StreamingIterator;
use tree_sitter::{Node, Query, QueryCursor, Tree};

use crate::model::{Binding, SiteKind};
use crate::syntax::{Parents, Question, node_text};

mod imports;
mod scope;

use imports::{BindingPosition, binding_position, collect_imports, enclosing_import};
use scope::ScopeModel;
pub use scope::{ScopeKind, scope_of, scope_path};

pub static IMPORTS_QUERY: LazyLock<Query> =
    LazyLock::new(|| compile("imports.scm", include_str!("../../queries/imports.scm")));
pub static CANDIDATES_QUERY: LazyLock<Query> = LazyLock::new(|| {
    compile(
        "candidates.scm",
        include_str!("../../queries/candidates.scm"),
    )
});

fn compile(name: &str, source: &str) -> Query {
    Query::new(&tree_sitter_python::LANGUAGE.into(), source)
        .unwrap_or_else(|err| panic!("queries/{name} does not compile: {err}"))
}

/// What a name is bound to in one scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Bound {
    UuidModule,
    Uuid4Function,
    Other,
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
    let Names {
        model,
        imports,
        uses,
    } = Names::collect(&parents, src);
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

/// Every name a file binds or uses that can matter: the scope model of bindings, the imports
/// that mention `uuid`, and the occurrences read as values.
struct Names<'t> {
    model: ScopeModel,
    imports: Vec<(String, Bound, Node<'t>)>,
    uses: Vec<Node<'t>>,
}

impl<'t> Names<'t> {
    fn collect(parents: &Parents<'t>, src: &[u8]) -> Names<'t> {
        let mut model = ScopeModel::default();
        let mut seen_imports = HashSet::new();
        // Pass 1: imports that mention `uuid` name the module and the local aliases.
        let mut imports = Vec::new();
        let uuid_occurrences = identifier_occurrences(parents, src, "uuid", &FxHashMap::default());
        // The `uuid4` of each `uuid.uuid4` comes with its `uuid`: no search for it later.
        let mut known = FxHashMap::default();
        for &ident in &uuid_occurrences {
            if let Some(attribute) = parents.of(ident).filter(|a| a.kind_str() == "attribute")
                && attribute.field("object") == Some(ident)
                && let Some(name) = attribute.field("attribute")
                && name.kind_str() == "identifier"
            {
                parents.remember(name, attribute);
                known.insert(name.start_byte(), name);
            }
        }
        for &ident in &uuid_occurrences {
            if let Some(import) = enclosing_import(parents, ident)
                && seen_imports.insert(import.id())
            {
                imports.extend(collect_imports(import, src));
            }
        }
        let mut interesting: Vec<String> =
            imports.iter().map(|(name, _, _)| name.clone()).collect();
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
                identifier_occurrences(parents, src, name, &known)
            };
            for ident in occurrences {
                if let Some(import) = enclosing_import(parents, ident) {
                    if seen_imports.insert(import.id()) {
                        imports.extend(collect_imports(import, src));
                    }
                    continue;
                }
                match binding_position(parents, ident) {
                    Some(BindingPosition::Bind) => model.bind(parents, &ident, name, Bound::Other),
                    Some(BindingPosition::Global) => model.declare_global(parents, ident, name),
                    Some(BindingPosition::Nonlocal) => {}
                    None => uses.push(ident),
                }
            }
        }
        for (local, bound, node) in &imports {
            model.bind(parents, node, local, *bound);
        }
        Names {
            model,
            imports,
            uses,
        }
    }
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

/// The nearest node from a site up that is an error or missing, or is a statement (a child of a
/// block or the module): the site is in an error region when that node is, or holds, an error.
static ERROR_OR_STATEMENT: Question = Question::new("nearest error or statement");

fn in_error_region<'t>(p: &Parents<'t>, node: Node<'t>) -> bool {
    p.nearest_by_parent(&ERROR_OR_STATEMENT, node, |n, parent| {
        n.is_error()
            || n.is_missing()
            || parent.is_some_and(|p| matches!(p.kind_str(), "block" | "module"))
    })
    .is_some_and(|n| n.is_error() || n.is_missing() || n.has_error())
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

pub(super) fn capture_index(query: &Query, name: &str) -> u32 {
    query
        .capture_index_for_name(name)
        .unwrap_or_else(|| panic!("query has no capture @{name}"))
}

pub(super) fn capture<'t>(m: &tree_sitter::QueryMatch<'_, 't>, index: u32) -> Option<Node<'t>> {
    m.captures.iter().find(|c| c.index == index).map(|c| c.node)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::fixtures::{FixtureTree, fixture_trees, nodes_of};

    fn sites(src: &str) -> Vec<(usize, SiteKind, Binding)> {
        let tree = crate::syntax::parse::parse(src, None).unwrap();
        find_sites(&tree, src)
            .into_iter()
            .map(|s| (s.node.start_position().row + 1, s.kind, s.binding))
            .collect()
    }

    /// The on-demand parent links and the occurrence search agree with tree-sitter's own
    /// `Node::parent` and `descendant_for_byte_range`, on every node of every fixture.
    #[test]
    fn parent_links_and_searches_agree_with_tree_sitter() {
        let mut checked = 0;
        for FixtureTree { text, tree } in fixture_trees() {
            let parents = Parents::new(&tree);
            let nodes = nodes_of(&tree);
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
        assert!(checked > 10_000, "only {checked} nodes checked");
    }

    /// The climbs whose answers `Parents` keeps (the scope, the `Class.method` path, the
    /// error region, the position of a binding, the enclosing definitions) agree with the same
    /// climbs through tree-sitter's own parents, keeping nothing, on every node of every
    /// fixture, asked in text order and backwards.
    #[test]
    fn kept_answers_agree_with_plain_climbs() {
        use crate::syntax::enclosing::{nearest_class, nearest_definition, nearest_function};
        let mut checked = 0;
        for FixtureTree { text, tree } in fixture_trees() {
            let src = text.as_bytes();
            let nodes = nodes_of(&tree);
            let forwards = Parents::new(&tree);
            let backwards = Parents::new(&tree);
            let asked = nodes
                .iter()
                .map(|n| (&forwards, *n))
                .chain(nodes.iter().rev().map(|n| (&backwards, *n)));
            for (p, node) in asked {
                let at = format!("{node:?} in {text}");
                assert_eq!(scope_of(p, node), plain::scope_of(node), "{at}");
                assert_eq!(
                    scope_path(p, node, src),
                    plain::scope_path(node, src),
                    "{at}"
                );
                assert_eq!(
                    in_error_region(p, node),
                    plain::in_error_region(node),
                    "{at}"
                );
                assert_eq!(
                    imports::binding_position(p, node),
                    plain::binding_position(node),
                    "{at}"
                );
                let from =
                    |kinds: &[&str]| plain::ancestors(node).find(|n| kinds.contains(&n.kind_str()));
                assert_eq!(
                    nearest_function(p, node),
                    from(&["function_definition"]),
                    "{at}"
                );
                assert_eq!(nearest_class(p, node), from(&["class_definition"]), "{at}");
                assert_eq!(
                    nearest_definition(p, node),
                    from(&["function_definition", "lambda", "class_definition"]),
                    "{at}"
                );
            }
            checked += nodes.len();
        }
        assert!(checked > 10_000, "only {checked} nodes checked");
    }

    /// The climbs as they were before `Parents` kept answers, through `Node::parent`.
    mod plain {
        use super::*;
        use crate::sites::scope::COMPREHENSIONS;

        /// `node` and its ancestors, nearest first.
        pub(super) fn ancestors(node: Node<'_>) -> impl Iterator<Item = Node<'_>> {
            std::iter::successors(Some(node), |n| n.parent())
        }

        pub(super) fn scope_of(node: Node<'_>) -> (Node<'_>, ScopeKind) {
            let mut child = node;
            let mut in_default_or_annotation = false;
            let mut via_for_in_right = false;
            while let Some(parent) = child.parent() {
                let is_field =
                    |field: &str| parent.field(field).map(|n| n.id()) == Some(child.id());
                match parent.kind_str() {
                    "function_definition" | "lambda" => {
                        let kind = if parent.kind_str() == "lambda" {
                            ScopeKind::Lambda
                        } else {
                            ScopeKind::Function
                        };
                        if is_field("body") || (is_field("parameters") && !in_default_or_annotation)
                        {
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

        pub(super) fn scope_path(node: Node<'_>, src: &[u8]) -> String {
            let mut names: Vec<&str> = ancestors(node)
                .skip(1)
                .filter(|n| matches!(n.kind_str(), "function_definition" | "class_definition"))
                .filter_map(|n| n.field("name"))
                .map(|name| node_text(name, src))
                .collect();
            if names.is_empty() {
                return "<module>".to_owned();
            }
            names.reverse();
            names.join(".")
        }

        pub(super) fn in_error_region(node: Node<'_>) -> bool {
            for n in ancestors(node) {
                if n.is_error() || n.is_missing() {
                    return true;
                }
                if n.parent()
                    .is_some_and(|p| matches!(p.kind_str(), "block" | "module"))
                {
                    return n.has_error();
                }
            }
            false
        }

        /// The climb only: what each parent makes of the name is `imports::position_under`.
        pub(super) fn binding_position(ident: Node<'_>) -> Option<imports::BindingPosition> {
            let mut child = ident;
            let parent = loop {
                let parent = child.parent()?;
                if !imports::TARGET_CONTAINERS.contains(&parent.kind_str()) {
                    break parent;
                }
                child = parent;
            };
            imports::position_under(parent, child)
        }
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
