//! Analysing one decoded file: parse (sliced or whole), find and classify every site, plan
//! its fix, read its suppression, follow its value for the consumer analysis, and fingerprint
//! each statement once per scope.

use rustc_hash::FxHashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use super::lines::{LineIndex, LineWindow};
use crate::classify::classify;
use crate::classify::suppression;
use crate::config::Config;
use crate::consumers::flow::{FileFlow, value_and_sample};
use crate::consumers::types::UuidTypes;
use crate::consumers::{FileFacts, SiteFlow};
use crate::fingerprint::{
    fingerprint_of, generator_calls, normalized_statement, shortened, statement_of,
};
use crate::model::{Fingerprint, Site};
use crate::sites::{find_sites, scope_path};
use crate::syntax::parse::{SourceFile, parse, parse_ranges};
use tree_sitter::Node;

/// The UUID type names the configuration adds to the built-in ones.
pub(super) fn uuid_types(config: &Config) -> UuidTypes<'_> {
    UuidTypes::new(&config.consumers.uuid_types)
}

/// How much of a file to parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseStrategy {
    /// Only the statements that can matter (see `slice`), falling back to the whole file.
    Sliced,
    /// The whole file.
    Full,
}

/// Finds and classifies every site of one decoded file.
pub fn analyze(source: &SourceFile, rel_path: &Path, config: &Config) -> Result<Vec<Site>, String> {
    analyze_with(source, rel_path, config, ParseStrategy::Sliced)
}

pub fn analyze_with(
    source: &SourceFile,
    rel_path: &Path,
    config: &Config,
    strategy: ParseStrategy,
) -> Result<Vec<Site>, String> {
    analyze_parts(source, rel_path, config, strategy, false).map(|(sites, _)| sites)
}

/// Finds and classifies every site; with `with_facts`, also what the file declares and where
/// each site's value goes (worth it only on a whole-file parse).
pub(super) fn analyze_parts(
    source: &SourceFile,
    rel_path: &Path,
    config: &Config,
    strategy: ParseStrategy,
    with_facts: bool,
) -> Result<(Vec<Site>, FileFacts), String> {
    let text = source.text.as_str();
    let src = text.as_bytes();
    // Held until the tree and the analysis's tables are dropped.
    let _in_flight = crate::util::in_flight::ANALYSIS.acquire(text.len() as u64);
    let Some(tree) = parse_for(text, config, strategy, with_facts)? else {
        return Ok((Vec::new(), FileFacts::default()));
    };
    let mut lines = LineIndex::new(text);
    // One statement can hold thousands of sites (a long literal): it is normalised, shortened
    // for display and hashed once per scope, not once per site. Its fingerprint masks every
    // site's expression (and every generator call), so it is known only after all its sites.
    let mut statements: FxHashMap<StatementKey, Statement<'_>> = FxHashMap::default();
    let mut suppressions = LineSuppressions::default();
    let found_sites = find_sites(&tree, text);
    let mut sites = Vec::with_capacity(found_sites.len());
    let mut keys = Vec::with_capacity(found_sites.len());
    // Each site's statement is filled in with its fingerprints (`fingerprint_sites`).
    let no_statement_yet: Arc<str> = Arc::from("");
    let (index, names) = if with_facts {
        crate::consumers::index::extract(&tree, src, uuid_types(config))
    } else {
        Default::default()
    };
    let mut file_flow = FileFlow::new(&tree, src, &names, uuid_types(config));
    let mut flows = Vec::new();
    for found in found_sites {
        let mut classified = classify(&found, src, rel_path, config);
        if with_facts {
            let (start, sample) = value_and_sample(
                &classified.value,
                classified.classification.prefix.as_deref(),
                &config.consumers.target_format,
                src,
            );
            let steps = file_flow.follow(&found.parents, start);
            if !steps.is_empty() || !index.pins.is_empty() {
                flows.push(SiteFlow {
                    offset: source.raw_offset(found.node.start_byte()),
                    steps,
                    sample,
                });
            }
        }
        let node = found.node;
        let start = lines.position(node.start_byte());
        let end = lines.position(found.expr.end_byte());
        let line_text = lines.line(node.start_byte());
        let line_start = lines.line_start(node.start_byte());
        let suppressed = suppressions
            .of(line_start, line_text, found.kind, rel_path, config)
            .map(Box::new);
        let shown_line =
            LineWindow::around(line_text, node.start_byte() - line_start, start.column);
        let edit = planned_edit(&mut classified, src, config);
        if let Some(reason) = &suppressed {
            classified
                .classification
                .reasons
                .push(crate::model::Reason::Suppressed(reason.clone()));
        }
        // The site's reasons are complete (but for its consumers, found later and rare): it
        // keeps them until the report.
        let reasons = &mut classified.classification.reasons;
        *reasons = exact_size(std::mem::take(reasons));
        let scope = scope_path(&found.parents, node, src);
        let (stmt, stmt_end) = statement_of(&found.parents, node);
        let key = (stmt.id(), stmt_end);
        let masked = match &edit {
            Some(edit) => edit.start..edit.end,
            None => classified.value.node.byte_range(),
        };
        statements
            .entry(key)
            .or_insert_with(|| Statement {
                node: stmt,
                end: stmt_end,
                masks: Vec::new(),
            })
            .masks
            .push(masked);
        keys.push(key);
        sites.push(Site {
            offset: source.raw_offset(node.start_byte()),
            start,
            end,
            kind: found.kind,
            binding: found.binding,
            code: crate::syntax::node_text(found.expr, src).to_owned(),
            line_text: shown_line.text,
            indent: shown_line.before,
            line_cut: shown_line.cut,
            scope,
            statement: Arc::clone(&no_statement_yet),
            fingerprint: Fingerprint::PENDING,
            legacy_fingerprint: Fingerprint::PENDING,
            in_error_region: found.in_error_region,
            suppressed,
            edit: edit.map(|e| e.in_file(source)),
            classification: classified.classification,
        });
    }
    fingerprint_sites(&mut sites, &keys, statements, src, config);
    flows.retain(|f| !f.steps.is_empty());
    flows.sort_by_key(|f| f.offset);
    Ok((sites, FileFacts { index, flows }))
}

/// The tree to analyse `text` by: the statements that can matter (`strategy`), else the whole
/// file; `None` when nothing in it can be a site.
fn parse_for(
    text: &str,
    config: &Config,
    strategy: ParseStrategy,
    with_facts: bool,
) -> Result<Option<tree_sitter::Tree>, String> {
    let budget =
        (config.parse_timeout_ms > 0).then(|| Duration::from_millis(config.parse_timeout_ms));
    let sliced = match strategy {
        ParseStrategy::Sliced if with_facts => {
            let needles = crate::consumers::index::needles(uuid_types(config));
            crate::syntax::slice::plan_for_flow(text, config, &needles)
        }
        ParseStrategy::Sliced => crate::syntax::slice::plan(text, config),
        ParseStrategy::Full => None,
    };
    let tree = match sliced {
        Some(ranges) if ranges.is_empty() => return Ok(None),
        Some(ranges) => match parse_ranges(text, &ranges, budget) {
            Ok(tree) if !tree.root_node().has_error() => tree,
            _ => parse(text, budget).map_err(|e| e.to_string())?,
        },
        None => parse(text, budget).map_err(|e| e.to_string())?,
    };
    Ok(Some(tree))
}

/// The edit of a fixable site, with its typed-call reasons; a site whose edit cannot be planned
/// is no longer fixable, and says why.
fn planned_edit(
    classified: &mut crate::classify::Classified<'_>,
    src: &[u8],
    config: &Config,
) -> Option<crate::plan::TextEdit> {
    if !classified.classification.fixable {
        return None;
    }
    match crate::plan::plan_fix(classified, src, config) {
        Ok(planned) => {
            classified.classification.reasons.extend(planned.typed_call);
            Some(planned.edit)
        }
        Err(reason) => {
            classified.classification.fixable = false;
            classified.classification.reasons.push(reason);
            None
        }
    }
}

/// `items` in an allocation of their length. Not `shrink_to_fit`: mimalloc's realloc keeps a
/// block that would shrink by less than half (a site's 5 reasons would keep the 8 places their
/// Vec grew to).
fn exact_size<T>(items: Vec<T>) -> Vec<T> {
    let mut exact = Vec::with_capacity(items.len());
    exact.extend(items);
    exact
}

/// Sites on one line share its suppression comment: it is read once per line and kind.
#[derive(Default)]
struct LineSuppressions {
    last: Option<(
        usize,
        crate::model::SiteKind,
        Option<crate::model::Suppression>,
    )>,
}

impl LineSuppressions {
    fn of(
        &mut self,
        line_start: usize,
        line_text: &str,
        kind: crate::model::SiteKind,
        rel_path: &Path,
        config: &Config,
    ) -> Option<crate::model::Suppression> {
        match &self.last {
            Some((at, k, known)) if *at == line_start && *k == kind => known.clone(),
            _ => {
                let known = suppression(line_text, kind, rel_path, config);
                self.last = Some((line_start, kind, known.clone()));
                known
            }
        }
    }
}

/// A statement by its node and where its text ends (a compound statement ends at its body).
type StatementKey = (usize, usize);

/// A statement holding sites, and the expressions its fingerprint masks.
struct Statement<'t> {
    node: Node<'t>,
    end: usize,
    masks: Vec<std::ops::Range<usize>>,
}

/// Fills in each site's statement and fingerprints, once per statement and scope.
fn fingerprint_sites(
    sites: &mut [Site],
    keys: &[StatementKey],
    mut statements: FxHashMap<StatementKey, Statement<'_>>,
    src: &[u8],
    config: &Config,
) {
    let binding = config.generator_binding();
    // Per statement: the text shown in the baseline, the legacy (version 1) text, the masked text.
    let mut texts: FxHashMap<StatementKey, (Arc<str>, String, String)> = FxHashMap::default();
    let mut hashes: FxHashMap<(StatementKey, String), (Fingerprint, Fingerprint)> =
        FxHashMap::default();
    for (site, key) in sites.iter_mut().zip(keys) {
        let (shown, legacy, masked) = texts.entry(*key).or_insert_with(|| {
            let statement = statements
                .get_mut(key)
                .expect("every key has its statement");
            let full = normalized_statement(statement.node, statement.end, src, &[]);
            let mut masks = std::mem::take(&mut statement.masks);
            masks.extend(generator_calls(statement.node, statement.end, src, binding));
            let masked = normalized_statement(statement.node, statement.end, src, &masks);
            (Arc::from(shortened(&full)), full, masked)
        });
        let (fingerprint, legacy_fingerprint) =
            hashes.entry((*key, site.scope.clone())).or_insert_with(|| {
                (
                    fingerprint_of(&site.scope, masked),
                    fingerprint_of(&site.scope, legacy),
                )
            });
        site.statement = Arc::clone(shown);
        site.fingerprint = *fingerprint;
        site.legacy_fingerprint = *legacy_fingerprint;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_statement_is_the_decorator_or_header_without_comments() {
        let text = "import uuid\n\n@pytest.mark.parametrize(\"x\", [uuid.uuid4()])\ndef test_a(x):\n    y = 1\n\ndef f():\n    call(\n        str(uuid.uuid4()),  # a note\n    )\n";
        let source = SourceFile::decode(text.as_bytes().to_vec()).unwrap();
        let sites = analyze(&source, Path::new("t.py"), &Config::default()).unwrap();
        let statements: Vec<&str> = sites.iter().map(|s| &*s.statement).collect();
        assert_eq!(
            statements,
            [
                "@pytest.mark.parametrize(\"x\",[uuid.uuid4()])",
                "call(str(uuid.uuid4()))"
            ]
        );
    }

    #[test]
    fn long_statements_are_cut_for_display_and_hashed_whole() {
        let entries: String = (0..40)
            .map(|i| format!("    'key_{i}': str(uuid.uuid4()),\n"))
            .collect();
        let text = format!("import uuid\nD = {{\n{entries}}}\nE = {{\n{entries}    'x': 1,\n}}\n");
        let source = SourceFile::decode(text.into_bytes()).unwrap();
        let sites = analyze(&source, Path::new("t.py"), &Config::default()).unwrap();
        assert_eq!(sites.len(), 80);
        for site in &sites {
            assert_eq!(site.statement.chars().count(), 201);
            assert!(site.statement.ends_with('…'));
        }
        // One fingerprint per statement, and the two statements differ only after the cut.
        assert_eq!(sites[0].statement[2..], sites[40].statement[2..]);
        assert!(
            sites[..40]
                .iter()
                .all(|s| s.fingerprint == sites[0].fingerprint)
        );
        assert!(
            sites[40..]
                .iter()
                .all(|s| s.fingerprint == sites[40].fingerprint)
        );
        assert_ne!(sites[0].fingerprint, sites[40].fingerprint);
    }

    /// Expressions in which each site sits one level deeper than the one before: (level,
    /// bottom, closing of a level). `a or b or ...`, `a and b`, conditionals and `+` are valid
    /// Python at any length; the rest nest as deep as the parser allows.
    const CHAINS: [(&str, &str, &str); 13] = [
        ("uuid.uuid4() or ", "None", ""),
        ("uuid.uuid4() and ", "None", ""),
        ("uuid.uuid4() if c else ", "None", ""),
        ("str(uuid.uuid4()) + ", "'p'", ""),
        (".f(uuid.uuid4())", "", ""),
        ("lambda: (uuid.uuid4(), ", "None", ")"),
        ("[uuid.uuid4(), ", "", "]"),
        ("f(str(uuid.uuid4()) + ", "1", ")"),
        ("f(user_id=str(uuid.uuid4()), b=", "0", ")"),
        ("{'user_id': str(uuid.uuid4()), 'n': ", "0", "}"),
        ("[(uuid.uuid4(), ", "0", ") for _ in y]"),
        ("(a := uuid.uuid4() or ", "0", ")"),
        ("f(f'user-{uuid.uuid4()}', ", "0", ")"),
    ];

    /// The steps `Parents` takes between nodes to scan a chain of `sites` sites (assigned to a
    /// local that is passed on, so that its flow is followed too), with what the file declares.
    fn steps_for_chain((level, bottom, closing): (&str, &str, &str), sites: usize) -> u64 {
        let start = if level.starts_with('.') { "a" } else { "" };
        let text = format!(
            "import uuid\n\n\ndef g(c, a, y):\n    x = {start}{}{bottom}{}\n    return h(x)\n",
            level.repeat(sites),
            closing.repeat(sites)
        );
        let source = SourceFile::decode(text.into_bytes()).unwrap();
        let before = crate::syntax::parents::STEPS.with(|s| s.get());
        let (found, _) = analyze_parts(
            &source,
            Path::new("t.py"),
            &Config::default(),
            ParseStrategy::Full,
            true,
        )
        .unwrap();
        assert_eq!(found.len(), sites, "{level}");
        crate::syntax::parents::STEPS.with(|s| s.get()) - before
    }

    /// No site climbs over a whole chain: four times the sites take about four times the
    /// steps (a climb per site over the levels above it would take sixteen).
    #[test]
    fn climbs_in_deep_chains_grow_linearly() {
        let quadratic: Vec<String> = CHAINS
            .into_iter()
            .filter_map(|chain| {
                let small = steps_for_chain(chain, 250);
                let large = steps_for_chain(chain, 1_000);
                (large >= 6 * small)
                    .then(|| format!("{chain:?}: {small} steps for 250 sites, {large} for 1,000"))
            })
            .collect();
        assert!(quadratic.is_empty(), "{quadratic:#?}");
    }
}
