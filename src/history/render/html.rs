//! The progress as one HTML page: the chart, then the table.

use std::fmt::Write;

use super::{commits_walked, date, headline, percent, table_rows, thousands};
use crate::history::{Progress, chart, short};

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
