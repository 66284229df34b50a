//! Imports after the site edits: add the generator import once at module level (after the
//! docstring, `from __future__` imports and the leading import block) unless the file already
//! has it, and drop `import uuid` / `uuid4` bindings that nothing reads any more in the scope
//! they bind (function, class body or module); none in a file with syntax errors.

use crate::syntax::NodeExt;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use tree_sitter::{Node, Tree};

use crate::config::Config;
use crate::model::Edit;
use crate::syntax::node_text;

/// The configured generator import, taken apart: `from MODULE import NAME [as ALIAS]`.
struct GeneratorImport<'c> {
    module: &'c str,
    name: &'c str,
}

fn generator_import(config: &Config) -> Option<GeneratorImport<'_>> {
    let words: Vec<&str> = config.generator_import.split_whitespace().collect();
    match words.as_slice() {
        ["from", module, "import", name, ..] => Some(GeneratorImport { module, name }),
        _ => None,
    }
}

/// The name an unconditional module-level import of the configured generator binds, if any
/// (one under `if TYPE_CHECKING:` or in a `try` does not count: it may not run).
pub fn existing_generator(tree: &Tree, text: &str, config: &Config) -> Option<String> {
    let wanted = generator_import(config)?;
    let src = text.as_bytes();
    let root = tree.root_node();
    let mut cursor = root.walk();
    root.named_children(&mut cursor)
        .filter(|node| node.kind_str() == "import_from_statement")
        .filter(|node| {
            node.field("module_name")
                .is_some_and(|m| squeeze(node_text(m, src)) == wanted.module)
        })
        .flat_map(|node| imported_names(node, src))
        .find(|(imported, _)| imported == wanted.name)
        .map(|(_, local)| local)
}

/// The file the configured generator import loads, relative to the root: rewriting it would
/// make it import itself.
pub fn generator_module_path(config: &Config) -> Option<std::path::PathBuf> {
    let module = generator_import(config)?.module;
    if module.starts_with('.') {
        return None;
    }
    Some(std::path::PathBuf::from(format!(
        "{}.py",
        module.replace('.', "/")
    )))
}

/// `UnifiedIdGenerator.generate_base_id` called through the name the file binds.
pub fn call_through(config: &Config, local: &str) -> String {
    let binding = config.generator_binding();
    match config.generator_call.strip_prefix(binding) {
        Some(rest) => format!("{local}{rest}"),
        None => config.generator_call.clone(),
    }
}

/// Tells whether a range of the text lies inside a site edit (and so goes away).
pub type Replaced<'a> = &'a dyn Fn(usize, usize) -> bool;

/// The import edits, in offsets of `text`; `replaced` tells which ranges the site edits replace.
pub fn plan(
    tree: &Tree,
    text: &str,
    config: &Config,
    add_generator: bool,
    rewritten_names: &BTreeSet<String>,
    replaced: Replaced<'_>,
) -> Result<Vec<Edit>, String> {
    let insertion = if add_generator {
        Some(generator_insertion(tree, text, config)?)
    } else {
        None
    };
    let mut edits = removals(
        tree,
        text,
        rewritten_names,
        replaced,
        insertion.as_ref().map(|e| e.start),
    );
    if let Some(mut insertion) = insertion {
        // Never inside a removed range: the import would be dropped with it.
        if let Some(removed) = edits
            .iter()
            .find(|r| r.start < insertion.start && insertion.start < r.end)
        {
            insertion.start = removed.start;
            insertion.end = removed.start;
        }
        edits.push(insertion);
    }
    Ok(edits)
}

fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// (imported name, local name) of each item of an import statement.
fn imported_names(stmt: Node<'_>, src: &[u8]) -> Vec<(String, String)> {
    import_items(stmt)
        .into_iter()
        .map(|item| item_names(item, src))
        .collect()
}

fn import_items(stmt: Node<'_>) -> Vec<Node<'_>> {
    let mut cursor = stmt.walk();
    stmt.children_by_field_name("name", &mut cursor).collect()
}

fn item_names(item: Node<'_>, src: &[u8]) -> (String, String) {
    if item.kind_str() == "aliased_import" {
        let name = item
            .field("name")
            .map(|n| squeeze(node_text(n, src)))
            .unwrap_or_default();
        let alias = item
            .field("alias")
            .map(|a| node_text(a, src).to_owned())
            .unwrap_or_default();
        (name, alias)
    } else {
        let name = squeeze(node_text(item, src));
        (name.clone(), name)
    }
}

fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// The offset just after the newline ending the line that holds `at` (or the end of the text).
fn line_end(text: &str, at: usize) -> usize {
    text[at..].find('\n').map_or(text.len(), |i| at + i + 1)
}

/// What follows `at` on its line is only whitespace, a `;`, or a comment.
fn rest_of_line_is_empty(text: &str, at: usize) -> bool {
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let rest = text[at..end].trim_start_matches([' ', '\t', '\x0c', '\r', ';']);
    rest.trim_end().is_empty() || rest.starts_with('#')
}

/// The line starting at `at` holds only whitespace.
fn is_blank_line(text: &str, at: usize) -> bool {
    text[at..line_end(text, at)].trim().is_empty()
}

fn alone_on_its_lines(text: &str, node: Node<'_>) -> bool {
    let start = node.start_byte();
    text[line_start(text, start)..start]
        .chars()
        .all(|c| matches!(c, ' ' | '\t' | '\x0c'))
        && {
            let rest = text[node.end_byte()..line_end(text, node.end_byte())].trim_start();
            rest.is_empty() || rest.starts_with('#')
        }
}

/// The newline the file uses where `at` is: that line's own ending, else the file's first one.
fn newline_at(text: &str, at: usize) -> &'static str {
    let end = line_end(text, at);
    let ending = if text[..end].ends_with('\n') {
        &text[..end]
    } else {
        text.find('\n').map_or("", |i| &text[..=i])
    };
    if ending.ends_with("\r\n") {
        "\r\n"
    } else {
        "\n"
    }
}

/// Where the generator import goes and with which line breaks.
fn generator_insertion(tree: &Tree, text: &str, config: &Config) -> Result<Edit, String> {
    let root = tree.root_node();
    let mut anchor: Option<Node<'_>> = None;
    let mut docstring_anchor = false;
    let mut seen_statement = false;
    let mut cursor = root.walk();
    for child in root.named_children(&mut cursor) {
        match child.kind_str() {
            "comment" => continue,
            "expression_statement" if !seen_statement && is_docstring(child) => {
                anchor = Some(child);
                docstring_anchor = true;
            }
            "future_import_statement" | "import_statement" | "import_from_statement" => {
                anchor = Some(child);
                docstring_anchor = false;
            }
            _ => break,
        }
        seen_statement = true;
    }
    let import = config.generator_import.as_str();
    let Some(anchor) = anchor else {
        // No docstring or import at the top: after the leading comments (shebang, coding line).
        let mut at = 0;
        while at < text.len()
            && text[at..]
                .trim_start_matches([' ', '\t', '\x0c'])
                .starts_with('#')
        {
            at = line_end(text, at);
        }
        let nl = newline_at(text, at);
        let next_blank = text[at..line_end(text, at)].trim().is_empty();
        let content = if next_blank {
            format!("{import}{nl}")
        } else {
            format!("{import}{nl}{nl}")
        };
        return Ok(Edit {
            start: at,
            end: at,
            content,
        });
    };
    if !rest_of_line_is_empty(text, anchor.end_byte()) {
        return Err(format!(
            "line {} holds other statements after the leading imports: cannot place `{import}`",
            anchor.end_position().row + 1
        ));
    }
    let at = line_end(text, anchor.end_byte());
    let nl = newline_at(text, anchor.end_byte());
    let content = match (text[..at].ends_with('\n'), docstring_anchor) {
        (false, _) => format!("{nl}{import}"),
        (true, true) => format!("{nl}{import}{nl}"),
        (true, false) => format!("{import}{nl}"),
    };
    Ok(Edit {
        start: at,
        end: at,
        content,
    })
}

fn is_docstring(stmt: Node<'_>) -> bool {
    stmt.named_child_count() == 1
        && stmt
            .named_child(0)
            .is_some_and(|c| matches!(c.kind_str(), "string" | "concatenated_string"))
}

/// Bindings of the uuid module or `uuid4` whose name a rewritten site used and that nothing
/// reads any more. Each import statement is judged by the reads it binds (its function, its
/// class body, or the module), so a function's own `import uuid` goes with its last use even
/// when another function's import of `uuid` is still used. Nothing is removed from a file with
/// syntax errors: what a read there binds to is not known, and a second run must not see more.
fn removals(
    tree: &Tree,
    text: &str,
    rewritten_names: &BTreeSet<String>,
    replaced: Replaced<'_>,
    insertion: Option<usize>,
) -> Vec<Edit> {
    let root = tree.root_node();
    if rewritten_names.is_empty() || root.has_error() {
        return Vec::new();
    }
    let src = text.as_bytes();
    // Every import of uuid names `uuid` in its text.
    let mut statements: Vec<Node<'_>> = Vec::new();
    for at in memchr::memmem::find_iter(src, b"uuid") {
        let Some(stmt) = root
            .descendant_for_byte_range(at, at + 4)
            .and_then(enclosing_import)
        else {
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
                .map(|&stmt| binding_scope(stmt).id())
                .collect();
            (name, remaining_reads(root, text, name, &binders, replaced))
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
        let scope = binding_scope(stmt).id();
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
fn enclosing_import(node: Node<'_>) -> Option<Node<'_>> {
    let mut current = Some(node);
    while let Some(n) = current {
        match n.kind_str() {
            "import_statement" | "import_from_statement" => {
                return (!n.has_error()).then_some(n);
            }
            "block" | "module" | "ERROR" => return None,
            _ => current = n.parent(),
        }
    }
    None
}

/// The namespace a statement binds its names in: the function or class whose body holds it,
/// else the module. (Lambdas and comprehensions cannot hold an import.)
fn binding_scope(node: Node<'_>) -> Node<'_> {
    let mut child = node;
    while let Some(parent) = child.parent() {
        if matches!(
            parent.kind_str(),
            "function_definition" | "class_definition"
        ) && parent.field("body").is_some_and(|b| b.id() == child.id())
        {
            return parent;
        }
        child = parent;
    }
    child
}

/// The scope whose binding a read at `node` sees, as Python resolves names: the nearest
/// function around it that binds the name (`binders`), the class body it stands in directly
/// when that class binds it (methods do not see class names), else the module.
fn resolving_scope<'t>(node: Node<'t>, binders: &HashSet<usize>) -> Node<'t> {
    let mut scope = binding_scope(node);
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
        scope = binding_scope(scope);
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
    root: Node<'_>,
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
        let Some(node) = root.descendant_for_byte_range(at, end) else {
            continue;
        };
        let mut in_import = false;
        let mut current = Some(node);
        while let Some(n) = current {
            if matches!(
                n.kind_str(),
                "import_statement" | "import_from_statement" | "future_import_statement"
            ) {
                in_import = true;
                break;
            }
            current = n.parent();
        }
        if in_import {
            continue;
        }
        let exact = node.start_byte() == at && node.end_byte() == end;
        let read = match node.kind_str() {
            "identifier" if exact => {
                if node.parent().is_some_and(|p| {
                    matches!(p.kind_str(), "global_statement" | "nonlocal_statement")
                }) {
                    return Reads::All;
                }
                !is_name_only(node)
            }
            "string_content" => exact,
            _ => false,
        };
        if read {
            scopes.insert(resolving_scope(node, binders).id());
        }
    }
    Reads::Scopes(scopes)
}

/// An identifier that names an attribute or a keyword, not a variable.
fn is_name_only(ident: Node<'_>) -> bool {
    let Some(parent) = ident.parent() else {
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
) -> Vec<Edit> {
    let removed = remove.iter().filter(|r| **r).count();
    if removed == 0 {
        return Vec::new();
    }
    let empty = |start: usize, end: usize| Edit {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str, names: &[&str], add: bool) -> String {
        let tree = crate::syntax::parse::parse(text, None).unwrap();
        let names: BTreeSet<String> = names.iter().map(|s| s.to_string()).collect();
        let mut edits = plan(&tree, text, &Config::default(), add, &names, &|_, _| false).unwrap();
        edits.sort_by_key(|e| (e.start, e.end));
        let mut out = String::new();
        let mut at = 0;
        for e in edits {
            out.push_str(&text[at..e.start]);
            out.push_str(&e.content);
            at = e.end;
        }
        out.push_str(&text[at..]);
        out
    }

    const IMPORT: &str = crate::config::DEFAULT_GENERATOR_IMPORT;

    #[test]
    fn replaces_unused_import_in_place() {
        let out = run(
            "\"\"\"Doc.\"\"\"\nimport os\nimport uuid\n\nx = G()\n",
            &["uuid"],
            true,
        );
        assert_eq!(
            out,
            format!("\"\"\"Doc.\"\"\"\nimport os\n{IMPORT}\n\nx = G()\n")
        );
    }

    #[test]
    fn keeps_used_imports_and_removes_names_from_lists() {
        let out = run(
            "import os, uuid\nfrom uuid import UUID, uuid4, NAMESPACE_DNS\nx = UUID(int=1)\n",
            &["uuid", "uuid4"],
            false,
        );
        assert_eq!(
            out,
            "import os\nfrom uuid import UUID, NAMESPACE_DNS\nx = UUID(int=1)\n"
        );
        let kept = run("import uuid\nx = uuid.uuid1()\n", &["uuid"], false);
        assert_eq!(kept, "import uuid\nx = uuid.uuid1()\n");
    }

    #[test]
    fn never_empties_a_block_or_an_import() {
        let src = "try:\n    import uuid\nexcept ImportError:\n    pass\n";
        assert_eq!(run(src, &["uuid"], false), src);
        let out = run(
            "from uuid import (\n    uuid4,\n)\nx = 1\n",
            &["uuid4"],
            false,
        );
        assert_eq!(out, "x = 1\n");
    }

    #[test]
    fn goes_after_future_imports_and_docstring_with_crlf() {
        let out = run(
            "\"\"\"Doc.\"\"\"\r\nfrom __future__ import annotations\r\nx = 1\r\n",
            &[],
            true,
        );
        assert_eq!(
            out,
            format!(
                "\"\"\"Doc.\"\"\"\r\nfrom __future__ import annotations\r\n{IMPORT}\r\nx = 1\r\n"
            )
        );
        let out = run("\"\"\"Doc.\"\"\"\n\nx = 1\n", &[], true);
        assert_eq!(out, format!("\"\"\"Doc.\"\"\"\n\n{IMPORT}\n\nx = 1\n"));
        let out = run(
            "#!/usr/bin/env python\n# -*- coding: utf-8 -*-\nx = 1\n",
            &[],
            true,
        );
        assert_eq!(
            out,
            format!("#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n{IMPORT}\n\nx = 1\n")
        );
    }

    #[test]
    fn each_import_is_judged_by_the_reads_it_binds() {
        // A function's own import goes although another function's import is still read.
        let src = "def f():\n    import uuid\n    return G()\n\n\ndef g():\n    import uuid\n    return uuid.uuid1()\n";
        assert_eq!(
            run(src, &["uuid"], false),
            "def f():\n    return G()\n\n\ndef g():\n    import uuid\n    return uuid.uuid1()\n"
        );
        // A module import goes when every read sees a function's own import.
        let src = "import uuid\n\n\ndef g():\n    import uuid\n    return uuid.uuid1()\n";
        assert_eq!(
            run(src, &["uuid"], false),
            "\ndef g():\n    import uuid\n    return uuid.uuid1()\n"
        );
        // A nested function reads the import of the function around it.
        let kept = "def f():\n    import uuid\n\n    def g():\n        return uuid.uuid1()\n\n    return g\n";
        assert_eq!(run(kept, &["uuid"], false), kept);
    }

    #[test]
    fn class_bodies_are_scopes_that_methods_do_not_see() {
        // The method reads the module's import, not the class's.
        let src = "import uuid\n\n\nclass C:\n    import uuid\n    x = 1\n\n    def m(self):\n        return uuid.uuid1()\n";
        assert_eq!(
            run(src, &["uuid"], false),
            "import uuid\n\n\nclass C:\n    x = 1\n\n    def m(self):\n        return uuid.uuid1()\n"
        );
        // A default value is read in the class body.
        let kept = "class C:\n    import uuid\n    x = 1\n\n    def m(self, ns=uuid.NAMESPACE_DNS):\n        return ns\n";
        assert_eq!(run(kept, &["uuid"], false), kept);
    }

    #[test]
    fn global_declarations_and_syntax_errors_keep_every_import() {
        let kept = "import uuid\n\n\ndef f():\n    global uuid\n    import uuid\n    return G()\n\n\ndef g():\n    return uuid.uuid1()\n";
        assert_eq!(run(kept, &["uuid"], false), kept);
        let broken = "import uuid\n\n\ndef f(:\n    return G()\n";
        assert_eq!(run(broken, &["uuid"], false), broken);
    }

    #[test]
    fn finds_existing_generator_under_alias() {
        let text = format!("{IMPORT} as Gen\n");
        let tree = crate::syntax::parse::parse(&text, None).unwrap();
        let config = Config::default();
        assert_eq!(
            existing_generator(&tree, &text, &config).as_deref(),
            Some("Gen")
        );
        assert_eq!(call_through(&config, "Gen"), "Gen.generate_base_id");
    }
}
