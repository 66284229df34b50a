//! The re-parse guard: site and import edits applied at once to the original bytes, and the
//! result accepted only when it decodes, parses no worse than before, still resolves every site
//! it did not rewrite, and imports the generator at module level.

use std::collections::BTreeSet;

use tree_sitter::Tree;

use super::apply::{self, ByteEdit, OffsetMap, apply, damage, encode, without_overlaps};
use super::imports;
use super::pass::Unit;
use crate::model::Binding;
use crate::syntax::parse::{SourceFile, parse};

/// What the guard compares the rewritten file with.
#[derive(Debug, Clone, Copy)]
pub(super) struct Before {
    pub(super) damage: apply::ParseDamage,
    pub(super) resolved_sites: usize,
}

impl Unit<'_> {
    /// Site edits and import edits, applied at once to the original bytes, then the guard: the
    /// result must decode, parse no worse than before, still resolve every site it did not
    /// rewrite, and import the generator at module level. Gives the bytes and where they came
    /// from.
    pub(super) fn apply_with_imports(
        &self,
        tree: &Tree,
        edits: Vec<ByteEdit>,
        names: &BTreeSet<String>,
        add_generator: bool,
        before: Before,
    ) -> Result<(Vec<u8>, OffsetMap), String> {
        let (source, config) = (&self.source, self.config);
        let sites = edits.len();
        let replaced = |start: usize, end: usize| {
            let (start, end) = (source.raw_offset(start), source.raw_offset(end));
            edits.iter().any(|e| e.start <= start && end <= e.end)
        };
        let import_edits =
            imports::plan(tree, &source.text, config, add_generator, names, &replaced)?;
        let removes_imports = import_edits.iter().any(|e| e.content.is_empty());
        let mut all = edits.clone();
        for edit in import_edits {
            let edit = edit.in_file(source);
            all.push(ByteEdit {
                start: edit.start,
                end: edit.end,
                bytes: encode(source, &edit.content)?,
                site: None,
            });
        }
        let (all, overlapping) = without_overlaps(all);
        if !overlapping.is_empty() {
            return Err("the import edits overlap the site edits: not rewritten".to_owned());
        }
        let bytes = apply(&source.raw, &all);
        let result = SourceFile::decode(bytes.clone())
            .map_err(|e| format!("the rewritten file would not decode: {e}"))?;
        let tree = self.reparse(tree, &all, &result.text)?;
        let after = damage(&tree);
        if after.errors > before.damage.errors {
            return Err(format!(
                "the rewritten file would not parse (new syntax error near line {}): not rewritten",
                after.first_line.unwrap_or(1)
            ));
        }
        if removes_imports
            && resolved_sites(&tree, &result.text) != before.resolved_sites.saturating_sub(sites)
        {
            return Err(
                "a uuid4 site left in the file would lose its import: not rewritten".to_owned(),
            );
        }
        if imports::existing_generator(&tree, &result.text, config).is_none() {
            return Err(format!(
                "`{}` could not be placed at module level: not rewritten",
                config.generator_import
            ));
        }
        Ok((bytes, OffsetMap::of(&all)))
    }

    /// The tree of the rewritten text `new_text`: an incremental re-parse of `tree` after
    /// `edits`, else a full parse. Where either tree has a syntax error, always a full parse:
    /// tree-sitter's error recovery can place an error differently when it re-parses
    /// incrementally, and the checks below (and the next run, which parses in full) must see
    /// the errors where a full parse puts them (found by the `broken::` property test in
    /// `tests/rewrite.rs`, once in 20,000 cases).
    fn reparse(&self, tree: &Tree, edits: &[ByteEdit], new_text: &str) -> Result<Tree, String> {
        let full = || parse(new_text, self.budget).map_err(|e| e.to_string());
        if tree.root_node().has_error() {
            return full();
        }
        let Some(tree) = apply::reparse(tree, &self.source, edits, new_text) else {
            return full();
        };
        if tree.root_node().has_error() {
            return full();
        }
        // Debug builds (the tests) check the incremental tree against a full parse; only for
        // files of ordinary size, to keep the test suite fast.
        #[cfg(debug_assertions)]
        if new_text.len() < 32 * 1024
            && let Ok(full) = parse(new_text, self.budget)
        {
            debug_assert_eq!(
                tree.root_node().to_sexp(),
                full.root_node().to_sexp(),
                "an incremental re-parse differs from a full parse"
            );
        }
        Ok(tree)
    }
}

fn resolved_sites(tree: &Tree, text: &str) -> usize {
    crate::sites::find_sites(tree, text)
        .iter()
        .filter(|s| s.binding == Binding::Resolved)
        .count()
}
