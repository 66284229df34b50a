//! The plan's section on sites blocked by consumers: how many per top-level directory and per
//! kind of the consumer that blocks them (a site counts once, under its first blocking
//! consumer), with an example of each kind.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use super::{code, common_dir, top_level};
use crate::model::{
    ConsumerEvidence, ConsumerKind, ManualReason, ReportedSite, ShownConsumer, Verdict,
};
use crate::util::words::plural;

/// Sites of one directory blocked by consumers, by kind.
#[derive(Default)]
struct Row<'a> {
    sites: usize,
    files: BTreeSet<&'a str>,
    kinds: BTreeMap<ConsumerKind, usize>,
}

/// One kind: its count and its first site with the consumer that blocks it.
struct Kind<'a> {
    sites: usize,
    example: (&'a ReportedSite<'a>, ShownConsumer<'a>),
}

/// The section, or nothing when no site is blocked by a consumer.
pub(super) fn section(out: &mut String, visible: &[&ReportedSite<'_>]) {
    let blocked: Vec<(&ReportedSite<'_>, ShownConsumer<'_>)> = visible
        .iter()
        .filter(|r| r.site.manual_reason() == Some(ManualReason::Consumer))
        .filter_map(|r| {
            let first = r.site.consumers().shown.into_iter().next()?;
            (first.verdict == Verdict::Blocks).then_some((*r, first))
        })
        .collect();
    if blocked.is_empty() {
        return;
    }
    let common = common_dir(visible.iter().map(|r| r.path));
    let mut dirs: BTreeMap<String, Row<'_>> = BTreeMap::new();
    let mut total = Row::default();
    let mut kinds: BTreeMap<ConsumerKind, Kind<'_>> = BTreeMap::new();
    for (reported, consumer) in &blocked {
        let row = dirs
            .entry(top_level(&reported.path[common.len()..]))
            .or_default();
        for row in [row, &mut total] {
            row.sites += 1;
            row.files.insert(reported.path);
            *row.kinds.entry(consumer.kind).or_default() += 1;
        }
        kinds
            .entry(consumer.kind)
            .or_insert(Kind {
                sites: 0,
                example: (reported, *consumer),
            })
            .sites += 1;
    }

    let _ = writeln!(out, "\n## Blocked by consumers\n");
    let _ = writeln!(
        out,
        "{} manual because the value reaches code that expects a UUID or checks a format the \
         replacement fails (`uuid-migrate scan --explain` shows each flow).\n",
        match blocked.len() {
            1 => "1 site is".to_owned(),
            n => format!("{n} sites are"),
        }
    );
    let present: Vec<ConsumerKind> = kinds.keys().copied().collect();
    let headers: Vec<&str> = present.iter().map(|k| k.as_str()).collect();
    let _ = writeln!(
        out,
        "| Directory | Sites | Files | {} |\n|---|---:|---:|{}",
        headers.join(" | "),
        "---:|".repeat(present.len())
    );
    let cells = |row: &Row<'_>| {
        let counts: Vec<String> = present
            .iter()
            .map(|k| row.kinds.get(k).copied().unwrap_or_default().to_string())
            .collect();
        format!(
            "{} | {} | {} |",
            row.sites,
            row.files.len(),
            counts.join(" | ")
        )
    };
    for (dir, row) in &dirs {
        let _ = writeln!(
            out,
            "| {} | {}",
            code(&format!("{common}{dir}")),
            cells(row)
        );
    }
    let _ = writeln!(out, "| **Total** | {}", cells(&total));

    let _ = writeln!(out, "\nBy kind:\n");
    for (kind, Kind { sites, example }) in &kinds {
        let (reported, consumer) = example;
        let _ = writeln!(
            out,
            "- {}: {}, e.g. {} → {}{} at {}",
            code(kind.as_str()),
            plural(*sites, "site"),
            code(&format!("{}:{}", reported.path, reported.site.start.line)),
            possible(consumer),
            super::cell(consumer.what),
            code(&format!("{}:{}", consumer.path, consumer.line)),
        );
    }
}

/// How sure the example is, when only a name matched.
fn possible(consumer: &ShownConsumer<'_>) -> &'static str {
    match consumer.evidence {
        ConsumerEvidence::Resolved => "",
        ConsumerEvidence::Possible => "possible consumer (by name only) ",
    }
}
