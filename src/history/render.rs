//! The progress as a table, JSON, CSV, or an HTML page with the chart and the table.

use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write;

use super::points::Point;
use super::{Progress, chart, short};

/// The committer date: RFC 3339 with its offset, or the day only.
pub fn date(point: &Point, full: bool) -> String {
    if full {
        point
            .time
            .format_or_unix(gix::date::time::format::ISO8601_STRICT)
    } else {
        point.time.format_or_unix(gix::date::time::format::SHORT)
    }
}

/// `12,345`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn percent(progress: &Progress, point: &Point) -> String {
    progress
        .done_percent(point)
        .map_or_else(|| "-".to_owned(), |p| format!("{p:.1}%"))
}

fn group_by_name(progress: &Progress) -> Option<String> {
    progress.by.map(|by| by.as_str().to_owned())
}

/// The rows a table shows: every commit when there are few; otherwise the last commit of each
/// day, and of every N days when there are many days. The last commit is always shown.
pub fn table_rows(points: &[Point], most: usize) -> (Vec<&Point>, String) {
    if points.len() <= most {
        return (points.iter().collect(), "one row per commit".to_owned());
    }
    let mut days: Vec<&Point> = Vec::new();
    for point in points {
        let day = date(point, false);
        match days.last() {
            Some(last) if date(last, false) == day => *days.last_mut().expect("not empty") = point,
            _ => days.push(point),
        }
    }
    if days.len() <= most {
        return (days, "one row per day: its last commit".to_owned());
    }
    let every = days.len().div_ceil(most);
    let last = days.len() - 1;
    let rows = days
        .iter()
        .enumerate()
        .filter(|(i, _)| i % every == 0 || *i == last)
        .map(|(_, p)| *p)
        .collect();
    (
        rows,
        format!("one row every {every} days: the day's last commit"),
    )
}

fn headline(progress: &Progress) -> String {
    let mut out = String::new();
    let Some(last) = progress.points.last() else {
        return out;
    };
    let _ = write!(
        out,
        "{}: {} sites ({} fixable) in {} files at {} ({})",
        progress.revision,
        thousands(last.sites),
        thousands(last.fixable),
        thousands(last.files),
        date(last, false),
        short(&last.commit)
    );
    if let (Some(reference), Some(done)) = (&progress.reference, progress.done_percent(last)) {
        let which = if progress.reference_named {
            "--from"
        } else {
            "the highest point"
        };
        let _ = write!(
            out,
            "; {done:.1}% done against {which}: {} sites at {} ({})",
            thousands(reference.sites),
            date(reference, false),
            short(&reference.commit)
        );
    }
    out
}

/// A table for people.
pub fn text(progress: &Progress) -> String {
    let groups = progress.groups();
    let (rows, note) = table_rows(&progress.points, 40);
    let mut header = vec![
        "date".to_owned(),
        "commit".to_owned(),
        "sites".to_owned(),
        "fixable".to_owned(),
        "files".to_owned(),
        "done".to_owned(),
    ];
    header.extend(groups.iter().cloned());
    let mut table: Vec<Vec<String>> = vec![header];
    for point in &rows {
        let mut row = vec![
            date(point, false),
            short(&point.commit),
            thousands(point.sites),
            thousands(point.fixable),
            thousands(point.files),
            percent(progress, point),
        ];
        row.extend(
            groups
                .iter()
                .map(|g| thousands(point.by.get(g).copied().unwrap_or(0))),
        );
        table.push(row);
    }
    let widths: Vec<usize> = (0..table[0].len())
        .map(|c| {
            table
                .iter()
                .map(|r| r[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    let _ = writeln!(out, "{}", headline(progress));
    let _ = writeln!(out, "{}, {note}\n", commits_walked(progress));
    for row in &table {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(c, cell)| {
                if c < 2 {
                    format!("{cell:<w$}", w = widths[c])
                } else {
                    format!("{cell:>w$}", w = widths[c])
                }
            })
            .collect();
        let _ = writeln!(out, "{}", cells.join("  ").trim_end());
    }
    let missing: usize = progress.points.last().map_or(0, |p| p.missing);
    if missing > 0 {
        let _ = writeln!(
            out,
            "\n{missing} objects missing at the last commit (shallow or partial clone): their sites are not counted"
        );
    }
    out
}

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    revision: &'a str,
    first_parent: bool,
    by: Option<String>,
    /// The percentage done at the last point.
    done_percent: Option<f64>,
    reference: Option<JsonReference>,
    points: Vec<JsonPoint>,
    problems: Vec<JsonProblem<'a>>,
    stats: super::BlobStats,
}

#[derive(Serialize)]
struct JsonReference {
    commit: String,
    date: String,
    sites: usize,
    /// `from` when named with `--from`, `highest` otherwise.
    kind: &'static str,
}

#[derive(Serialize)]
struct JsonPoint {
    commit: String,
    date: String,
    sites: usize,
    fixable: usize,
    files: usize,
    python_files: usize,
    suppressed: usize,
    problems: usize,
    missing: usize,
    done_percent: Option<f64>,
    by: BTreeMap<String, usize>,
}

#[derive(Serialize)]
struct JsonProblem<'a> {
    commit: String,
    path: &'a str,
    message: &'a str,
}

fn rounded(p: Option<f64>) -> Option<f64> {
    p.map(|p| (p * 10.0).round() / 10.0)
}

/// `{"version": 1, "points": [...], ...}`.
pub fn json(progress: &Progress) -> String {
    let groups = progress.groups();
    let report = JsonReport {
        version: 1,
        revision: &progress.revision,
        first_parent: progress.first_parent,
        by: group_by_name(progress),
        done_percent: rounded(
            progress
                .points
                .last()
                .and_then(|p| progress.done_percent(p)),
        ),
        reference: progress.reference.as_ref().map(|r| JsonReference {
            commit: r.commit.to_string(),
            date: date(r, true),
            sites: r.sites,
            kind: if progress.reference_named {
                "from"
            } else {
                "highest"
            },
        }),
        points: progress
            .points
            .iter()
            .map(|p| JsonPoint {
                commit: p.commit.to_string(),
                date: date(p, true),
                sites: p.sites,
                fixable: p.fixable,
                files: p.files,
                python_files: p.python_files,
                suppressed: p.suppressed,
                problems: p.problems,
                missing: p.missing,
                done_percent: rounded(progress.done_percent(p)),
                by: groups
                    .iter()
                    .map(|g| (g.clone(), p.by.get(g).copied().unwrap_or(0)))
                    .collect(),
            })
            .collect(),
        problems: progress
            .problems
            .iter()
            .map(|p| JsonProblem {
                commit: p.commit.to_string(),
                path: &p.path,
                message: &p.message,
            })
            .collect(),
        stats: progress.stats,
    };
    let mut out = serde_json::to_string_pretty(&report).unwrap_or_default();
    out.push('\n');
    out
}

fn csv_field(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

/// One row per point; a column per group with `--by`.
pub fn csv(progress: &Progress) -> String {
    let groups = progress.groups();
    let mut out = String::new();
    let mut header: Vec<String> = [
        "commit",
        "date",
        "sites",
        "fixable",
        "files",
        "python_files",
        "suppressed",
        "problems",
        "missing",
        "done_percent",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    header.extend(groups.iter().map(|g| csv_field(g)));
    let _ = writeln!(out, "{}", header.join(","));
    for p in &progress.points {
        let mut row = vec![
            p.commit.to_string(),
            date(p, true),
            p.sites.to_string(),
            p.fixable.to_string(),
            p.files.to_string(),
            p.python_files.to_string(),
            p.suppressed.to_string(),
            p.problems.to_string(),
            p.missing.to_string(),
            rounded(progress.done_percent(p)).map_or_else(String::new, |d| format!("{d:.1}")),
        ];
        row.extend(
            groups
                .iter()
                .map(|g| p.by.get(g).copied().unwrap_or(0).to_string()),
        );
        let _ = writeln!(out, "{}", row.join(","));
    }
    out
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// One self-contained page: the headline, the chart inline, the table, the problems.
pub fn html(progress: &Progress) -> anyhow::Result<String> {
    let svg = chart::svg(progress, chart::Size::STANDALONE)?;
    let svg = svg
        .find("<svg")
        .map_or(svg.as_str(), |at| &svg[at..])
        .to_owned();
    let groups = progress.groups();
    let (rows, note) = table_rows(&progress.points, 200);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>",
        escape(&chart::title(progress))
    );
    out.push_str(
        "<style>\nbody{font-family:system-ui,sans-serif;margin:2em auto;max-width:1000px;color:#222}\n\
         table{border-collapse:collapse;font-variant-numeric:tabular-nums}\n\
         th,td{padding:2px 10px;border-bottom:1px solid #ddd;text-align:right}\n\
         th:nth-child(-n+2),td:nth-child(-n+2){text-align:left}\n\
         code{font-size:90%}\nsvg{max-width:100%;height:auto}\n</style>\n</head>\n<body>\n",
    );
    let _ = writeln!(out, "<h1>uuid4 migration progress</h1>");
    let _ = writeln!(out, "<p>{}</p>", escape(&headline(progress)));
    out.push_str(&svg);
    let _ = writeln!(
        out,
        "\n<h2>By commit</h2>\n<p>{}, {}.</p>\n<table>\n<thead><tr>",
        commits_walked(progress),
        escape(&note)
    );
    for h in ["date", "commit", "sites", "fixable", "files", "done"] {
        let _ = write!(out, "<th>{h}</th>");
    }
    for g in &groups {
        let _ = write!(out, "<th>{}</th>", escape(g));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for p in rows.iter().rev() {
        let _ = write!(
            out,
            "<tr><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
            date(p, false),
            short(&p.commit),
            thousands(p.sites),
            thousands(p.fixable),
            thousands(p.files),
            percent(progress, p)
        );
        for g in &groups {
            let _ = write!(
                out,
                "<td>{}</td>",
                thousands(p.by.get(g).copied().unwrap_or(0))
            );
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    if !progress.problems.is_empty() {
        out.push_str("<h2>Problems</h2>\n<ul>\n");
        for problem in &progress.problems {
            let _ = writeln!(
                out,
                "<li><code>{}</code>: {} (first at <code>{}</code>)</li>",
                escape(&problem.path),
                escape(&problem.message),
                short(&problem.commit)
            );
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</body>\n</html>\n");
    Ok(out)
}

/// How many commits were counted: `12 commits (first parents)`.
fn commits_walked(progress: &Progress) -> String {
    let parents = if progress.first_parent {
        " (first parents)"
    } else {
        ""
    };
    format!("{} commits{parents}", thousands(progress.points.len()))
}
