//! The progress as a table, JSON, CSV, or an HTML page with the chart and the table (`json`,
//! `html`; the table, CSV and the helpers they share here).

mod html;
mod json;

pub use html::html;
pub use json::json;

use std::fmt::Write;

use super::points::Point;
use super::{Progress, short};

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

fn rounded(p: Option<f64>) -> Option<f64> {
    p.map(|p| (p * 10.0).round() / 10.0)
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
