//! Human output: a code frame per site, then a summary table.

use crate::util::words::plural;
use std::fmt::Write;

use super::{Report, consumer_place, consumer_summary};
use crate::model::{BaselineStatus, ReportedSite};
use crate::model::{Risk, ShownConsumer, Verdict};

/// ANSI colour, on or off.
#[derive(Debug, Clone, Copy)]
pub struct Palette {
    pub enabled: bool,
}

impl Palette {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.enabled {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }
    fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }
    fn dim(&self, text: &str) -> String {
        self.paint("2", text)
    }
    fn risk(&self, risk: Risk) -> String {
        let code = match risk {
            Risk::Low => "32",
            Risk::Medium => "33",
            Risk::High => "31",
        };
        self.paint(code, risk.as_str())
    }
}

/// How much to show.
#[derive(Debug, Clone, Copy, Default)]
pub struct TextOptions {
    pub statistics_only: bool,
    pub explain: bool,
    pub show_suppressed: bool,
    pub show_baselined: bool,
    /// `--quiet`: only the frames of the sites that fail the run, no summary.
    pub violations_only: bool,
}

/// The report as text.
pub fn render(report: &Report<'_>, options: TextOptions, palette: Palette) -> String {
    let mut bytes = Vec::new();
    write(report, options, palette, &mut bytes).expect("writing to memory cannot fail");
    String::from_utf8(bytes).expect("the report is UTF-8")
}

/// Writes the report to `out`: the frames, formatted in parallel a chunk at a time and written
/// in order, then the summary.
pub fn write(
    report: &Report<'_>,
    options: TextOptions,
    palette: Palette,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    if !options.statistics_only || options.violations_only {
        let frames = |chunk: &[ReportedSite<'_>]| {
            let mut frames = String::new();
            for reported in chunk {
                let suppressed = reported.site.is_suppressed();
                let baselined = reported.baseline == Some(BaselineStatus::Baselined);
                if options.violations_only && (suppressed || baselined) {
                    continue;
                }
                if suppressed && !options.show_suppressed {
                    continue;
                }
                // With a baseline, the frames are the new sites: thousands of baselined ones
                // would bury them (they are counted in the summary).
                if baselined && !options.show_baselined {
                    continue;
                }
                site_frame(&mut frames, reported, options.explain, palette);
            }
            frames
        };
        super::write_in_chunks(&report.sites, b"", frames, out)?;
    }
    if !options.violations_only {
        let mut text = String::new();
        summary(&mut text, report, palette);
        out.write_all(text.as_bytes())?;
    }
    Ok(())
}

fn site_frame(out: &mut String, reported: &ReportedSite<'_>, explain: bool, p: Palette) {
    let site = reported.site;
    let c = &site.classification;
    let location = format!(
        "{}:{}:{}",
        reported.path, site.start.line, site.start.column
    );
    let mut tags = vec![
        c.id_type.as_str().to_owned(),
        c.shape.as_str().to_owned(),
        p.risk(c.risk),
    ];
    tags.push(format!("phase {}", c.phase));
    tags.push(c.area.as_str().to_owned());
    tags.push(if c.fixable {
        "fixable".to_owned()
    } else {
        "manual".to_owned()
    });
    if site.kind == crate::model::SiteKind::Reference {
        tags.push("reference".to_owned());
    }
    if site.binding == crate::model::Binding::Unresolved {
        tags.push("unresolved".to_owned());
    }
    if site.is_suppressed() {
        tags.push("suppressed".to_owned());
    }
    match reported.baseline {
        Some(BaselineStatus::New) => tags.push(p.paint("1;31", "new")),
        Some(BaselineStatus::Baselined) => tags.push("baselined".to_owned()),
        None => {}
    }
    let name = c
        .name
        .as_deref()
        .map(|n| format!(" `{n}`"))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "{}: {} {}{}",
        p.bold(&location),
        p.bold(site.kind.code()),
        tags.join(" "),
        name
    );

    let number = site.start.line.to_string();
    let gutter = " ".repeat(number.len());
    // A long line is shown as a window around the site, starting with `…`.
    let (shown, caret_start) = if site.line_cut {
        (
            site.line_text.clone(),
            site.start.column - 1 - site.indent + 1,
        )
    } else {
        (
            format!("{}{}", " ".repeat(site.indent), site.line_text),
            site.start.column - 1,
        )
    };
    let caret_len = if site.end.line == site.start.line {
        site.end.column.saturating_sub(site.start.column).max(1)
    } else {
        1
    };
    let _ = writeln!(out, "{} {}", gutter, p.dim("|"));
    let _ = writeln!(out, "{} {} {}", p.dim(&number), p.dim("|"), shown);
    let _ = writeln!(
        out,
        "{} {} {}{}",
        gutter,
        p.dim("|"),
        " ".repeat(caret_start),
        p.paint("1;36", &"^".repeat(caret_len))
    );
    if let Some(edit) = &site.edit {
        let _ = writeln!(
            out,
            "{} {} {}",
            gutter,
            p.dim("="),
            format_args!("fix: {}", edit.content)
        );
    }
    let consumers = site.consumers();
    let listed: Vec<&ShownConsumer<'_>> = consumers
        .shown
        .iter()
        .filter(|c| explain || c.verdict == Verdict::Blocks)
        .collect();
    for consumer in &listed {
        let summary = consumer_summary(consumer);
        let _ = writeln!(out, "{gutter} {} {summary}", p.dim("="));
        if explain {
            flow_lines(out, &gutter, consumer, p);
        }
    }
    if explain {
        // The consumers listed above are not repeated as reasons.
        let listed_already = |reason| {
            ShownConsumer::of(reason).is_some_and(|r| listed.iter().any(|c| c.is_same(&r)))
        };
        for reason in c.reasons.iter().filter(|r| !listed_already(r)) {
            let _ = writeln!(out, "{} {} {}", gutter, p.dim("="), reason);
        }
    } else if consumers.more > 0 {
        let _ = writeln!(
            out,
            "{gutter} {} and {} (--explain)",
            p.dim("="),
            plural(consumers.more, "more consumer")
        );
    }
    out.push('\n');
}

/// A consumer's flow under it, one step a line, ending at the consumer itself.
fn flow_lines(out: &mut String, gutter: &str, c: &ShownConsumer<'_>, p: Palette) {
    let mut lead = "  flow:";
    for step in c.steps() {
        let _ = writeln!(out, "{gutter} {} {lead} {step}", p.dim("="));
        lead = "     ->";
    }
    let _ = writeln!(out, "{gutter} {} {lead} {}", p.dim("="), consumer_place(c));
}

fn summary(out: &mut String, report: &Report<'_>, p: Palette) {
    let s = report.summary();
    let _ = writeln!(
        out,
        "{} {} in {} of {} files scanned; {} fixable, {} suppressed",
        p.bold("Found"),
        plural(s.sites, "site"),
        s.files_with_sites,
        s.files_scanned,
        s.fixable,
        s.suppressed
    );
    if let Some(fixed) = report.fixed_since_baseline {
        let new = report.violations();
        let _ = writeln!(out, "{} new since the baseline", plural(new, "site"));
        if fixed > 0 {
            let _ = writeln!(
                out,
                "{fixed} fixed since the baseline: run `uuid-migrate baseline` to lock in the progress"
            );
        }
    }
    if s.sites > 0 {
        let row = |label: &str, counts: Vec<(String, usize)>| {
            let cells: Vec<String> = counts
                .into_iter()
                .map(|(k, v)| format!("{k} {v}"))
                .collect();
            format!("  {label:<10} {}\n", cells.join("  "))
        };
        let mut by_type: Vec<(String, usize)> = s.by_id_type.clone().into_iter().collect();
        by_type.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        out.push_str(&row("id type", by_type));
        let risks = ["low", "medium", "high"]
            .iter()
            .filter_map(|r| s.by_risk.get(*r).map(|n| (r.to_string(), *n)))
            .collect();
        out.push_str(&row("risk", risks));
        let mut phases: Vec<(u32, usize)> = s
            .by_phase
            .iter()
            .filter_map(|(k, v)| k.parse().ok().map(|k| (k, *v)))
            .collect();
        phases.sort();
        out.push_str(&row(
            "phase",
            phases
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        ));
        out.push_str(&row("area", s.by_area.clone().into_iter().collect()));
        let _ = writeln!(out, "  by directory:");
        for (dir, sites, files) in report.by_directory() {
            let _ = writeln!(
                out,
                "    {dir:<30} {} in {}",
                plural(sites, "site"),
                plural(files, "file")
            );
        }
    }
}

/// One line per file that could not be scanned, for stderr.
pub fn render_errors(
    errors: &[crate::pipeline::FileError],
    warnings: &[String],
    p: Palette,
) -> String {
    let mut out = String::new();
    for warning in warnings {
        let _ = writeln!(out, "{}: {warning}", p.paint("1;33", "warning"));
    }
    for error in errors {
        let _ = writeln!(
            out,
            "{}: {}: {}",
            p.paint("1;31", "error"),
            error.display,
            error.message
        );
    }
    out
}
