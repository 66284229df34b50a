//! Test support: the trees of every Python file under `fixtures/` (the whole file, and the
//! slices `scan` parses), and all the nodes of a tree.

use tree_sitter::{Node, Tree};

/// A fixture's text and one of its trees.
pub(crate) struct FixtureTree {
    pub(crate) text: String,
    pub(crate) tree: Tree,
}

/// Every Python file under `fixtures/`, decoded.
fn fixture_sources() -> Vec<String> {
    fn walk(dir: &std::path::Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "py")
                && let Ok(source) = super::parse::SourceFile::decode(std::fs::read(&path).unwrap())
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

/// Each fixture parsed whole, and as the slices `scan` parses (included ranges).
pub(crate) fn fixture_trees() -> Vec<FixtureTree> {
    let config = crate::config::Config::default();
    let mut trees = Vec::new();
    for text in fixture_sources() {
        let whole = super::parse::parse(&text, None).unwrap();
        let sliced = super::slice::plan(&text, &config)
            .filter(|r| !r.is_empty())
            .map(|ranges| super::parse::parse_ranges(&text, &ranges, None).unwrap());
        for tree in std::iter::once(whole).chain(sliced) {
            trees.push(FixtureTree {
                text: text.clone(),
                tree,
            });
        }
    }
    trees
}

/// Every node of `tree`, in text order (a node before its descendants).
pub(crate) fn nodes_of(tree: &Tree) -> Vec<Node<'_>> {
    let mut cursor = tree.walk();
    let mut nodes = Vec::new();
    loop {
        nodes.push(cursor.node());
        if cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                return nodes;
            }
        }
    }
}
