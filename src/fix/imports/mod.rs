//! Imports after the site edits: add the generator import once at module level (after the
//! docstring, `from __future__` imports and the leading import block) unless the file already
//! has it, and drop `import uuid` / `uuid4` bindings that nothing reads any more in the scope
//! they bind (function, class body or module); none in a file with syntax errors.

mod generator;
mod removal;

use crate::syntax::NodeExt;
use std::collections::BTreeSet;
use tree_sitter::{Node, Tree};

use crate::config::Config;
use crate::plan::TextEdit;
use crate::syntax::node_text;

use generator::generator_insertion;
pub(super) use generator::{call_through, existing_generator, generator_module_path};
use removal::removals;

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
) -> Result<Vec<TextEdit>, String> {
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

pub(super) fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// (imported name, local name) of each item of an import statement.
pub(super) fn imported_names(stmt: Node<'_>, src: &[u8]) -> Vec<(String, String)> {
    import_items(stmt)
        .into_iter()
        .map(|item| item_names(item, src))
        .collect()
}

pub(super) fn import_items(stmt: Node<'_>) -> Vec<Node<'_>> {
    let mut cursor = stmt.walk();
    stmt.children_by_field_name("name", &mut cursor).collect()
}

pub(super) fn item_names(item: Node<'_>, src: &[u8]) -> (String, String) {
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

pub(super) fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// The offset just after the newline ending the line that holds `at` (or the end of the text).
pub(super) fn line_end(text: &str, at: usize) -> usize {
    text[at..].find('\n').map_or(text.len(), |i| at + i + 1)
}

/// What follows `at` on its line is only whitespace, a `;`, or a comment.
pub(super) fn rest_of_line_is_empty(text: &str, at: usize) -> bool {
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let rest = text[at..end].trim_start_matches([' ', '\t', '\x0c', '\r', ';']);
    rest.trim_end().is_empty() || rest.starts_with('#')
}

/// The line starting at `at` holds only whitespace.
pub(super) fn is_blank_line(text: &str, at: usize) -> bool {
    text[at..line_end(text, at)].trim().is_empty()
}

pub(super) fn alone_on_its_lines(text: &str, node: Node<'_>) -> bool {
    let start = node.start_byte();
    text[line_start(text, start)..start]
        .chars()
        .all(|c| matches!(c, ' ' | '\t' | '\x0c'))
        && {
            let rest = text[node.end_byte()..line_end(text, node.end_byte())].trim_start();
            rest.is_empty() || rest.starts_with('#')
        }
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

    /// Removing the uuid bindings a rewrite no longer needs turns `src` into `expected`.
    fn removes_uuid(src: &str, expected: &str) {
        assert_eq!(run(src, &["uuid"], false), expected);
    }

    fn keeps_uuid(src: &str) {
        removes_uuid(src, src);
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
        keeps_uuid("import uuid\nx = uuid.uuid1()\n");
    }

    #[test]
    fn never_empties_a_block_or_an_import() {
        let src = "try:\n    import uuid\nexcept ImportError:\n    pass\n";
        keeps_uuid(src);
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
        removes_uuid(
            src,
            "def f():\n    return G()\n\n\ndef g():\n    import uuid\n    return uuid.uuid1()\n",
        );
        // A module import goes when every read sees a function's own import.
        let src = "import uuid\n\n\ndef g():\n    import uuid\n    return uuid.uuid1()\n";
        removes_uuid(
            src,
            "\ndef g():\n    import uuid\n    return uuid.uuid1()\n",
        );
        // A nested function reads the import of the function around it.
        let kept = "def f():\n    import uuid\n\n    def g():\n        return uuid.uuid1()\n\n    return g\n";
        keeps_uuid(kept);
    }

    #[test]
    fn class_bodies_are_scopes_that_methods_do_not_see() {
        // The method reads the module's import, not the class's.
        let src = "import uuid\n\n\nclass C:\n    import uuid\n    x = 1\n\n    def m(self):\n        return uuid.uuid1()\n";
        removes_uuid(
            src,
            "import uuid\n\n\nclass C:\n    x = 1\n\n    def m(self):\n        return uuid.uuid1()\n",
        );
        // A default value is read in the class body.
        let kept = "class C:\n    import uuid\n    x = 1\n\n    def m(self, ns=uuid.NAMESPACE_DNS):\n        return ns\n";
        keeps_uuid(kept);
    }

    #[test]
    fn global_declarations_and_syntax_errors_keep_every_import() {
        let kept = "import uuid\n\n\ndef f():\n    global uuid\n    import uuid\n    return G()\n\n\ndef g():\n    return uuid.uuid1()\n";
        keeps_uuid(kept);
        let broken = "import uuid\n\n\ndef f(:\n    return G()\n";
        keeps_uuid(broken);
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
