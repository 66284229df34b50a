//! One pass of the rewrite over one decoded file: the sites found and given their consumer
//! verdicts, sorted into planned, unknown and manual, encoded as byte edits, applied with the
//! import edits, and the result judged by the re-parse guard.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

use tree_sitter::Tree;

use super::apply::{ByteEdit, OffsetMap, damage, encode, without_overlaps};
use super::guard::Before;
use super::{FileRewrite, ManualSite, RewriteOptions, imports, left, refusal};
use crate::config::Config;
use crate::consumers::Verdicts;
use crate::model::{Binding, Edit, Filter, ManualReason, Position, Site};
use crate::pipeline::analyze;
use crate::plan::plan_edit;
use crate::syntax::parse::SourceFile;
use crate::syntax::parse::parse;

/// How long one parse of a file may take (`None`: no limit).
pub(super) fn parse_budget(config: &Config) -> Option<Duration> {
    (config.parse_timeout_ms > 0).then(|| Duration::from_millis(config.parse_timeout_ms))
}

/// One rewrite of a file, and what deciding whether a second run would change it needs.
pub(super) struct Pass {
    pub(super) outcome: FileRewrite,
    /// The file has syntax errors as the rewrite reads it (and some of its sites were
    /// rewritten).
    pub(super) broken: bool,
    /// Where the rewritten sites are.
    pub(super) rewritten: Vec<Position>,
    /// Where the bytes of the result came from.
    pub(super) moved: OffsetMap,
}

/// One rewrite of `raw`; `moved` traces its offsets back to the file the consumer verdicts
/// were made for, when `raw` is the result of a rewrite.
pub(super) fn rewrite_once(
    raw: Vec<u8>,
    rel_path: &Path,
    config: &Config,
    options: &RewriteOptions,
    moved: Option<&OffsetMap>,
) -> Result<Pass, String> {
    let unit = Unit::analyze(raw, rel_path, config, &options.consumers, moved)?;
    if imports::generator_module_path(config).is_some_and(|own| rel_path.ends_with(own)) {
        return Ok(unit.own_generator_module(&options.filter));
    }
    let mut triage = unit.triage(options);
    if triage.planned.is_empty() && triage.unknown.is_empty() {
        return Ok(unit.unchanged(triage.manual));
    }
    let tree = parse(&unit.source.text, unit.budget).map_err(|e| e.to_string())?;
    if let Some(prefix) = &options.unknown_prefix {
        unit.plan_unknown(&tree, prefix, &mut triage);
    }
    // Call the generator through the name the file already imports it as.
    let existing = imports::existing_generator(&tree, &unit.source.text, config);
    let edits = unit.site_edits(triage.planned, existing.as_deref(), &mut triage.manual);
    if edits.is_empty() {
        return Ok(unit.unchanged(triage.manual));
    }
    Ok(unit.rewrite(&tree, edits, existing.is_none(), triage.manual))
}

/// One file being rewritten: its decoded text, its analysed sites, and what every step of a
/// pass reads.
pub(super) struct Unit<'a> {
    pub(super) source: SourceFile,
    pub(super) sites: Vec<Site>,
    pub(super) rel_path: &'a Path,
    pub(super) config: &'a Config,
    pub(super) budget: Option<Duration>,
}

/// A site's replacement, in raw bytes of the file, before it is encoded.
struct Planned {
    site: usize,
    edit: Edit,
}

/// The chosen sites of a file, sorted by what becomes of them.
#[derive(Default)]
struct Triage {
    planned: Vec<Planned>,
    /// Sites of unknown id type, for `--unknown-prefix`.
    unknown: Vec<usize>,
    manual: Vec<ManualSite>,
}

impl<'a> Unit<'a> {
    /// Decodes and analyses `raw`, and gives its sites the consumer verdicts of the scan.
    fn analyze(
        raw: Vec<u8>,
        rel_path: &'a Path,
        config: &'a Config,
        verdicts: &Verdicts,
        moved: Option<&OffsetMap>,
    ) -> Result<Unit<'a>, String> {
        let source = SourceFile::decode(raw).map_err(|e| e.to_string())?;
        let mut sites = analyze(&source, rel_path, config)?;
        let key = rel_path.to_string_lossy();
        for site in &mut sites {
            let offset = match moved {
                Some(moved) => moved.original(site.offset),
                None => Some(site.offset),
            };
            if let Some(reasons) = offset.and_then(|offset| verdicts.of(&key, offset)) {
                crate::consumers::apply(site, reasons.to_vec());
            }
        }
        Ok(Unit {
            source,
            sites,
            rel_path,
            config,
            budget: parse_budget(config),
        })
    }

    /// The file left as it is, with the sites left by hand.
    fn unchanged(self, manual: Vec<ManualSite>) -> Pass {
        Pass {
            outcome: FileRewrite {
                manual,
                original: self.source.raw,
                ..FileRewrite::default()
            },
            broken: false,
            rewritten: Vec::new(),
            moved: OffsetMap::default(),
        }
    }

    /// The generator's own module must not import itself: every chosen site is left.
    fn own_generator_module(self, filter: &Filter) -> Pass {
        let why = "the generator's own module is never rewritten".to_owned();
        let manual = self
            .sites
            .iter()
            .filter(|s| filter.matches(s))
            .map(|s| left(s, ManualReason::Other, Some(why.clone())))
            .collect();
        self.unchanged(manual)
    }

    /// The sites the filter chooses, sorted into planned edits, unknown types and manual sites.
    fn triage(&self, options: &RewriteOptions) -> Triage {
        let mut triage = Triage::default();
        for (index, site) in self.sites.iter().enumerate() {
            if !options.filter.matches(site) {
                continue;
            }
            match (&site.edit, site.manual_reason()) {
                (_, Some(ManualReason::Suppressed)) => {
                    triage
                        .manual
                        .push(left(site, ManualReason::Suppressed, None))
                }
                (Some(edit), _) => triage.planned.push(Planned {
                    site: index,
                    edit: edit.clone(),
                }),
                (None, Some(ManualReason::UnknownType)) if options.unknown_prefix.is_some() => {
                    triage.unknown.push(index)
                }
                (None, reason) => triage.manual.push(left(
                    site,
                    reason.unwrap_or(ManualReason::Other),
                    refusal(site),
                )),
            }
        }
        triage
    }

    /// Plans `--unknown-prefix` edits: the sites are found and classified again in the same
    /// text.
    fn plan_unknown(&self, tree: &Tree, prefix: &str, triage: &mut Triage) {
        let source = &self.source;
        let src = source.text.as_bytes();
        let mut missing: BTreeSet<usize> = triage.unknown.iter().copied().collect();
        // The statements that matter, parsed alone, as `scan` does: the same classification,
        // faster.
        let sliced = crate::syntax::slice::plan(&source.text, self.config)
            .filter(|ranges| !ranges.is_empty())
            .and_then(|ranges| {
                crate::syntax::parse::parse_ranges(&source.text, &ranges, self.budget).ok()
            })
            .filter(|t| !t.root_node().has_error());
        let tree = sliced.as_ref().unwrap_or(tree);
        for found in crate::sites::find_sites(tree, &source.text) {
            let offset = source.raw_offset(found.node.start_byte());
            let Some(&index) = missing.iter().find(|&&i| self.sites[i].offset == offset) else {
                continue;
            };
            missing.remove(&index);
            let mut classified = crate::classify::classify(&found, src, self.rel_path, self.config);
            classified
                .classification
                .prefix
                .get_or_insert_with(|| prefix.to_owned());
            match plan_edit(&classified, src, self.config) {
                Ok(edit) => triage.planned.push(Planned {
                    site: index,
                    edit: edit.in_file(source),
                }),
                Err(reason) => self.leave(&mut triage.manual, index, reason.to_string()),
            }
        }
        for index in missing {
            self.leave(
                &mut triage.manual,
                index,
                "the site was not found again".to_owned(),
            );
        }
    }

    /// Site `index` left by hand, for the reason `why`.
    fn leave(&self, manual: &mut Vec<ManualSite>, index: usize, why: String) {
        manual.push(left(&self.sites[index], ManualReason::Other, Some(why)));
    }

    /// The planned edits encoded in the file's own encoding, calling the generator through
    /// `existing` (the name the file imports it as), without overlaps; the sites that cannot
    /// be so go to `manual`.
    fn site_edits(
        &self,
        planned: Vec<Planned>,
        existing: Option<&str>,
        manual: &mut Vec<ManualSite>,
    ) -> Vec<ByteEdit> {
        let call = existing.map(|local| imports::call_through(self.config, local));
        let mut edits = Vec::new();
        for Planned { site, edit } in planned {
            let content = match &call {
                Some(call) => edit.content.replacen(&self.config.generator_call, call, 1),
                None => edit.content,
            };
            match encode(&self.source, &content) {
                Ok(bytes) => edits.push(ByteEdit {
                    start: edit.start,
                    end: edit.end,
                    bytes,
                    site: Some(site),
                }),
                Err(why) => self.leave(manual, site, why),
            }
        }
        let (edits, overlapping) = without_overlaps(edits);
        for site in overlapping.iter().filter_map(|edit| edit.site) {
            self.leave(manual, site, "overlaps another rewrite".to_owned());
        }
        edits
    }

    /// The file with `edits` and the import edits applied, or refused by the guard (its
    /// rewritten sites then go to `manual`).
    fn rewrite(
        self,
        tree: &Tree,
        edits: Vec<ByteEdit>,
        add_generator: bool,
        manual: Vec<ManualSite>,
    ) -> Pass {
        let rewritten: Vec<usize> = edits.iter().filter_map(|e| e.site).collect();
        let names: BTreeSet<String> = rewritten
            .iter()
            .map(|&i| binding_name(&self.sites[i].code))
            .collect();
        let before = Before {
            damage: damage(tree),
            resolved_sites: self
                .sites
                .iter()
                .filter(|s| s.binding == Binding::Resolved)
                .count(),
        };
        let mut outcome = FileRewrite {
            manual,
            ..FileRewrite::default()
        };
        let mut moved = OffsetMap::default();
        match self.apply_with_imports(tree, edits, &names, add_generator, before) {
            Ok((bytes, applied)) => {
                outcome.sites_rewritten = rewritten.len();
                outcome.rewritten = (bytes != self.source.raw).then_some(bytes);
                moved = applied;
            }
            Err(why) => {
                for &index in &rewritten {
                    self.leave(
                        &mut outcome.manual,
                        index,
                        "the file is not rewritten (see the error)".to_owned(),
                    );
                }
                outcome.refused = Some(why);
            }
        }
        outcome.manual.sort_by_key(|m| m.position);
        let rewritten = rewritten.iter().map(|&i| self.sites[i].start).collect();
        outcome.original = self.source.raw;
        Pass {
            outcome,
            broken: before.damage.errors > 0,
            rewritten,
            moved,
        }
    }
}

/// The local name a site reads: `u` for `u.uuid4()`, `new_id` for `new_id()`.
fn binding_name(code: &str) -> String {
    let callee: String = code
        .split('(')
        .next()
        .unwrap_or(code)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    match callee.rsplit_once('.') {
        Some((object, _)) => object.to_owned(),
        None => callee,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binding_names() {
        assert_eq!(binding_name("uuid.uuid4()"), "uuid");
        assert_eq!(binding_name("u . uuid4 ( )"), "u");
        assert_eq!(binding_name("new_id()"), "new_id");
        assert_eq!(binding_name("uuid.uuid4"), "uuid");
    }
}
