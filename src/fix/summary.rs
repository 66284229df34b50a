//! The rewrite's summary for stderr: sites rewritten, files changed, sites left for manual work
//! grouped by reason (those blocked by consumers also by the consumer's kind), and the files
//! that could not be handled.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::RewriteRun;
use crate::model::{ConsumerEvidence, ConsumerKind, ManualReason, Site, Verdict};

/// The consumer that keeps a site manual, as the summary names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockingConsumer {
    pub kind: ConsumerKind,
    /// `field `Account.id` at app/models.py:8`.
    pub what: String,
}

impl BlockingConsumer {
    /// The first blocking consumer of a site left manual because of it.
    pub fn of(site: &Site, reason: ManualReason) -> Option<Self> {
        if reason != ManualReason::Consumer {
            return None;
        }
        let first = site.consumers().shown.into_iter().next()?;
        (first.verdict == Verdict::Blocks).then(|| BlockingConsumer {
            kind: first.kind,
            what: format!(
                "{}{} at {}:{}",
                match first.evidence {
                    ConsumerEvidence::Resolved => "",
                    ConsumerEvidence::Possible => "possible consumer (by name only) ",
                },
                first.what,
                first.path,
                first.line
            ),
        })
    }
}

/// Sites blocked by one kind of consumer: how many, and the first as an example.
struct KindCount {
    sites: usize,
    example: String,
}

/// How many `other` sites are listed one by one.
const MAX_LISTED: usize = 50;

/// What the run does with the rewritten files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Diff,
    Check,
    Write,
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn advice(reason: ManualReason, unknown_prefix: bool) -> &'static str {
    match reason {
        ManualReason::Consumer => {
            "the value reaches code that expects a UUID or checks a format (`scan --explain`)"
        }
        ManualReason::UnknownType if unknown_prefix => "",
        ManualReason::UnknownType => {
            "name them, configure type words, or rewrite them with --unknown-prefix PREFIX"
        }
        ManualReason::Secret => {
            "never rewritten: a structured id is guessable; use secrets.token_urlsafe"
        }
        ManualReason::UuidObject => "the code uses the UUID object itself",
        ManualReason::Unresolved => "`uuid` is never imported in the file",
        ManualReason::ErrorRegion => "the code around it does not parse",
        ManualReason::Suppressed => "`# uuid-migrate: ignore`",
        ManualReason::Other => "",
    }
}

pub fn render(run: &RewriteRun, files_changed: usize, mode: Mode, unknown_prefix: bool) -> String {
    let mut out = String::new();
    let rewritten: usize = run
        .files
        .iter()
        .filter(|f| f.rewrite.rewritten.is_some())
        .map(|f| f.rewrite.sites_rewritten)
        .sum();
    let sites = plural(rewritten, "site", "sites");
    let files = plural(files_changed, "file", "files");
    let _ = match mode {
        _ if files_changed == 0 => writeln!(out, "nothing to rewrite"),
        Mode::Diff => writeln!(
            out,
            "{sites} rewritten in {files} (diff on stdout: review it, then `git apply` it or run again with --write)"
        ),
        Mode::Check => writeln!(out, "{sites} in {files} would be rewritten"),
        Mode::Write => writeln!(out, "{sites} rewritten in {files} (written)"),
    };

    let mut groups: BTreeMap<ManualReason, usize> = BTreeMap::new();
    let mut others = Vec::new();
    let mut kinds: BTreeMap<ConsumerKind, KindCount> = BTreeMap::new();
    for file in &run.files {
        for site in &file.rewrite.manual {
            *groups.entry(site.reason).or_default() += 1;
            if let Some(consumer) = &site.consumer {
                kinds
                    .entry(consumer.kind)
                    .or_insert_with(|| KindCount {
                        sites: 0,
                        example: format!(
                            "{}:{} -> {}",
                            file.display, site.position.line, consumer.what
                        ),
                    })
                    .sites += 1;
            }
            if site.reason == ManualReason::Other {
                others.push(format!(
                    "{}:{}:{}: {}",
                    file.display,
                    site.position.line,
                    site.position.column,
                    site.detail.as_deref().unwrap_or("not rewritten")
                ));
            }
        }
    }
    let manual: usize = groups.values().sum();
    if manual > 0 {
        let _ = writeln!(
            out,
            "{} left for manual work (`uuid-migrate scan --explain` lists them):",
            plural(manual, "site", "sites")
        );
        for (reason, count) in &groups {
            let hint = advice(*reason, unknown_prefix);
            let _ = writeln!(
                out,
                "  {:<13} {count:>5}{}{hint}",
                reason.describe(),
                if hint.is_empty() { "" } else { "  " }
            );
            if *reason == ManualReason::Consumer {
                for (kind, KindCount { sites, example }) in &kinds {
                    let _ = writeln!(out, "    {:<15} {sites:>3}  e.g. {example}", kind.as_str());
                }
            }
        }
        for line in others.iter().take(MAX_LISTED) {
            let _ = writeln!(out, "    {line}");
        }
        if others.len() > MAX_LISTED {
            let _ = writeln!(out, "    ... and {} more", others.len() - MAX_LISTED);
        }
    }
    for error in &run.errors {
        let _ = writeln!(out, "error: {}: {}", error.display, error.message);
    }
    out
}
