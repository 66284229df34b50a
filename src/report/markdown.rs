//! `--format markdown`: a migration plan to paste into an issue — totals, tables per phase, per
//! top-level directory and per id type with the risk mix, then every site file by file with its
//! proposed replacement. Suppressed sites are counted, not listed. Sites blocked by consumers
//! have their own section (`consumers`).

mod consumers;

use crate::util::words::plural;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use super::{Report, common_dir, top_level};
use crate::config::Config;
use crate::model::ReportedSite;
use crate::model::{IdType, Risk};

/// Counts for one row of a table.
#[derive(Default)]
struct Row<'a> {
    sites: usize,
    files: BTreeSet<&'a str>,
    risk: [usize; 3],
    fixable: usize,
}

impl<'a> Row<'a> {
    fn add(&mut self, reported: &ReportedSite<'a>) {
        let c = &reported.site.classification;
        self.sites += 1;
        self.files.insert(reported.path);
        self.risk[risk_index(c.risk)] += 1;
        self.fixable += usize::from(reported.site.edit.is_some());
    }

    fn cells(&self) -> String {
        format!(
            "{} | {} | {} | {} | {} | {} | {} |",
            self.sites,
            self.files.len(),
            self.risk[0],
            self.risk[1],
            self.risk[2],
            self.fixable,
            self.sites - self.fixable
        )
    }
}

fn risk_index(risk: Risk) -> usize {
    match risk {
        Risk::Low => 0,
        Risk::Medium => 1,
        Risk::High => 2,
    }
}

const COLUMNS: &str = "Sites | Files | Low | Medium | High | Fixable | Manual |";
const ALIGN: &str = "---:|---:|---:|---:|---:|---:|---:|";

pub fn render(report: &Report<'_>, config: &Config) -> String {
    let visible: Vec<&ReportedSite<'_>> = report
        .sites
        .iter()
        .filter(|r| !r.site.is_suppressed())
        .collect();
    let mut out = String::new();
    header(&mut out, report, config);
    tables(&mut out, &visible);
    consumers::section(&mut out, &visible);
    file_by_file(&mut out, &visible);
    if !report.errors.is_empty() {
        let _ = writeln!(out, "\n## Files that could not be scanned\n");
        for error in report.errors {
            let _ = writeln!(out, "- {}: {}", code(&error.display), cell(&error.message));
        }
    }
    out
}

/// The title, the totals, the baseline's standing and the target call.
fn header(out: &mut String, report: &Report<'_>, config: &Config) {
    let summary = report.summary();
    let _ = writeln!(out, "# uuid4 migration plan\n");
    let _ = writeln!(
        out,
        "**{}** in **{}** ({} files scanned): {} fixable by `uuid-migrate rewrite`, {} to migrate by hand, {} suppressed.",
        plural(summary.sites, "site"),
        plural(summary.files_with_sites, "file"),
        summary.files_scanned,
        summary.fixable,
        summary.sites - summary.fixable,
        summary.suppressed
    );
    if let Some(fixed) = report.fixed_since_baseline {
        let _ = writeln!(
            out,
            "\nAgainst the baseline: {} new, {} fixed since it was written.",
            report.violations(),
            fixed
        );
    }
    let _ = writeln!(
        out,
        "\nTarget: `{}(\"<prefix>\")`, imported with `{}`.",
        config.generator_call, config.generator_import
    );
    if !report.errors.is_empty() {
        let _ = writeln!(
            out,
            "\n**{} could not be scanned** (listed at the end): the numbers leave them out.",
            plural(report.errors.len(), "file")
        );
    }
}

/// The tables by phase, by top-level directory and by ID type, each with its total.
fn tables(out: &mut String, visible: &[&ReportedSite<'_>]) {
    let mut total = Row::default();
    let mut phases: BTreeMap<u32, Row<'_>> = BTreeMap::new();
    let mut types: BTreeMap<IdType, Row<'_>> = BTreeMap::new();
    let mut dirs: BTreeMap<String, Row<'_>> = BTreeMap::new();
    let common = common_dir(visible.iter().map(|r| r.path));
    for reported in visible {
        let c = &reported.site.classification;
        total.add(reported);
        phases.entry(c.phase).or_default().add(reported);
        types.entry(c.id_type).or_default().add(reported);
        dirs.entry(top_level(&reported.path[common.len()..]))
            .or_default()
            .add(reported);
    }

    let _ = writeln!(out, "\n## By phase\n");
    let _ = writeln!(out, "| Phase | {COLUMNS}\n|---:|{ALIGN}");
    for (phase, row) in &phases {
        let _ = writeln!(out, "| {phase} | {}", row.cells());
    }
    let _ = writeln!(out, "| **Total** | {}", total.cells());

    let _ = writeln!(out, "\n## By directory\n");
    let _ = writeln!(out, "| Directory | {COLUMNS}\n|---|{ALIGN}");
    for (dir, row) in &dirs {
        let _ = writeln!(
            out,
            "| {} | {}",
            code(&format!("{common}{dir}")),
            row.cells()
        );
    }
    let _ = writeln!(out, "| **Total** | {}", total.cells());

    let _ = writeln!(out, "\n## By ID type\n");
    let _ = writeln!(out, "| ID type | {COLUMNS}\n|---|{ALIGN}");
    for (id_type, row) in &types {
        let _ = writeln!(out, "| {} | {}", id_type.as_str(), row.cells());
    }
    let _ = writeln!(out, "| **Total** | {}", total.cells());
}

/// Every site, one table per file, with its proposed replacement or why it is manual.
fn file_by_file(out: &mut String, visible: &[&ReportedSite<'_>]) {
    let _ = writeln!(out, "\n## Sites, file by file");
    let mut current: Option<&str> = None;
    for (i, reported) in visible.iter().enumerate() {
        if current != Some(reported.path) {
            current = Some(reported.path);
            let in_file = visible[i..]
                .iter()
                .take_while(|r| r.path == reported.path)
                .count();
            let _ = writeln!(
                out,
                "\n### {} ({})\n",
                code(reported.path),
                plural(in_file, "site")
            );
            let _ = writeln!(
                out,
                "| Line | Name | ID type | Risk | Phase | Area | Proposed replacement |"
            );
            let _ = writeln!(out, "|---:|---|---|---|---:|---|---|");
        }
        let site = reported.site;
        let c = &site.classification;
        let replacement = match &site.edit {
            Some(edit) => code(&edit.content),
            None => format!("manual: {}", cell(&site.manual_explanation())),
        };
        let new = match reported.baseline {
            Some(crate::model::BaselineStatus::New) => " (new)",
            _ => "",
        };
        let _ = writeln!(
            out,
            "| {}{new} | {} | {} | {} | {} | {} | {replacement} |",
            site.start.line,
            c.name.as_deref().map_or_else(|| "—".to_owned(), code),
            c.id_type.as_str(),
            c.risk.as_str(),
            c.phase,
            c.area.as_str(),
        );
    }
}

/// Inline code that survives any content inside a table cell: a fence longer than any run of
/// backticks inside, `|` escaped, newlines as spaces.
fn code(text: &str) -> String {
    let text = text.replace(['\r', '\n'], " ").replace('|', "\\|");
    let longest = text
        .split(|c| c != '`')
        .map(str::len)
        .max()
        .unwrap_or_default();
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// Plain text inside a table cell.
fn cell(text: &str) -> String {
    text.replace(['\r', '\n'], " ").replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_survive_backticks_and_pipes() {
        assert_eq!(code("a|b"), "`a\\|b`");
        assert_eq!(code("x = `y`"), "`` x = `y` ``");
        assert_eq!(code("f\"{a}\""), "`f\"{a}\"`");
    }
}
