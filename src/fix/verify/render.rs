//! A verified run's report as text (stderr), markdown (`--report FILE`) or JSON (`--report
//! FILE.json`): plain string building over `VerifyReport`.

use std::fmt::Write;

use super::{Failure, Purpose, VerifyReport};
use crate::util::words::plural;

/// How many lines of a failing output the text report shows (markdown and JSON keep all).
const TEXT_TAIL_LINES: usize = 12;

/// The JSON report's format version.
const JSON_VERSION: u32 = 1;

fn seconds(duration: std::time::Duration) -> String {
    format!("{:.1} s", duration.as_secs_f64())
}

fn runs_by_purpose(report: &VerifyReport) -> String {
    let count = |purpose| report.runs.iter().filter(|r| r.purpose == purpose).count();
    let mut parts = vec![format!("{} before", count(Purpose::Before))];
    for (purpose, name) in [
        (Purpose::Batch, "batch"),
        (Purpose::Bisect, "bisection"),
        (Purpose::Final, "final"),
    ] {
        if count(purpose) > 0 {
            parts.push(format!("{} {name}", count(purpose)));
        }
    }
    parts.join(", ")
}

fn tail_lines(failure: &Failure, limit: usize) -> Vec<&str> {
    let lines: Vec<&str> = failure.output_tail.lines().collect();
    lines[lines.len().saturating_sub(limit)..].to_vec()
}

/// The text report for stderr.
pub fn text(report: &VerifyReport) -> String {
    let mut out = String::new();
    let w = &mut out;
    if let Some(recovered) = &report.recovered {
        let _ = writeln!(
            w,
            "verify: an interrupted run (`{}`) was found: {} restored to the last good state{}",
            recovered.command,
            plural(recovered.restored.len(), "file"),
            if recovered.restored.is_empty() {
                String::new()
            } else {
                format!(" ({})", recovered.restored.join(", "))
            }
        );
        for kept in &recovered.kept {
            let _ = writeln!(
                w,
                "verify: {kept}: changed since the interrupted run: left as it is"
            );
        }
    }
    let _ = writeln!(
        w,
        "verify: {} applied in {} ({}); {} reverted",
        plural(report.sites_applied(), "site"),
        plural(report.applied.len(), "file"),
        if report.batches == 1 {
            "1 batch".to_owned()
        } else {
            format!("{} batches", report.batches)
        },
        plural(report.reverted.len(), "file"),
    );
    let _ = writeln!(
        w,
        "verify: `{}` ran {} ({}) in {}; {} in all",
        report.command,
        plural(report.runs.len(), "time"),
        runs_by_purpose(report),
        seconds(report.command_time()),
        seconds(report.elapsed),
    );
    for reverted in &report.reverted {
        let _ = writeln!(
            w,
            "reverted: {} ({}): CMD {} with it",
            reverted.path,
            plural(reverted.sites, "site"),
            reverted.failure.ending.describe()
        );
        for line in tail_lines(&reverted.failure, TEXT_TAIL_LINES) {
            let _ = writeln!(w, "    | {line}");
        }
    }
    for refused in &report.refused {
        let _ = writeln!(w, "error: {}: {}", refused.path, refused.why);
    }
    if let Some(stop) = &report.stopped {
        let _ = writeln!(w, "error: verify stopped: {}", stop.why);
        if let Some(failure) = &stop.failure {
            let _ = writeln!(w, "    CMD {}", failure.ending.describe());
            for line in tail_lines(failure, TEXT_TAIL_LINES) {
                let _ = writeln!(w, "    | {line}");
            }
        }
    }
    out
}

fn fenced(out: &mut String, text: &str) {
    let fence = if text.contains("```") { "````" } else { "```" };
    let _ = writeln!(out, "{fence}text\n{}\n{fence}", text.trim_end());
}

/// Inline code in markdown, whatever backticks the text holds.
fn code(text: &str) -> String {
    let ticks = "`".repeat(text.split(|c| c != '`').map(str::len).max().unwrap_or(0) + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{ticks}{pad}{text}{pad}{ticks}")
}

/// The markdown report.
pub fn markdown(report: &VerifyReport) -> String {
    let mut out = String::new();
    let w = &mut out;
    let _ = writeln!(w, "# Verified wave\n");
    let _ = writeln!(w, "Command: {}\n", code(&report.command));
    if let Some(recovered) = &report.recovered {
        let _ = writeln!(
            w,
            "An interrupted run ({}) was found first: {} restored to the last good state{}.\n",
            code(&recovered.command),
            plural(recovered.restored.len(), "file"),
            if recovered.kept.is_empty() {
                String::new()
            } else {
                format!(
                    "; changed since, left as they are: {}",
                    recovered.kept.join(", ")
                )
            }
        );
    }
    let _ = writeln!(w, "| | |\n|---|---|");
    let _ = writeln!(w, "| sites applied | {} |", report.sites_applied());
    let _ = writeln!(w, "| files applied | {} |", report.applied.len());
    let _ = writeln!(w, "| files reverted | {} |", report.reverted.len());
    let _ = writeln!(w, "| files refused | {} |", report.refused.len());
    let _ = writeln!(w, "| batches | {} |", report.batches);
    let _ = writeln!(
        w,
        "| runs of the command | {} ({}) |",
        report.runs.len(),
        runs_by_purpose(report)
    );
    let _ = writeln!(
        w,
        "| time in the command | {} |",
        seconds(report.command_time())
    );
    let _ = writeln!(w, "| time in all | {} |", seconds(report.elapsed));
    if let Some(stop) = &report.stopped {
        let _ = writeln!(w, "\n## Stopped\n\n{}", stop.why);
        if let Some(failure) = &stop.failure {
            let _ = writeln!(w, "\nThe command {}:\n", failure.ending.describe());
            fenced(w, &failure.output_tail);
        }
    }
    if !report.reverted.is_empty() {
        let _ = writeln!(w, "\n## Reverted");
        for reverted in &report.reverted {
            let _ = writeln!(
                w,
                "\n### {}\n\n{} in batch {}; the command {} with it:\n",
                code(&reverted.path),
                plural(reverted.sites, "site"),
                reverted.batch,
                reverted.failure.ending.describe()
            );
            fenced(w, &reverted.failure.output_tail);
        }
    }
    if !report.refused.is_empty() {
        let _ = writeln!(w, "\n## Refused\n");
        for refused in &report.refused {
            let _ = writeln!(w, "- {}: {}", code(&refused.path), refused.why);
        }
    }
    if !report.applied.is_empty() {
        let _ = writeln!(
            w,
            "\n## Applied\n\n| file | sites | batch |\n|---|---:|---:|"
        );
        for applied in &report.applied {
            let _ = writeln!(
                w,
                "| {} | {} | {} |",
                code(&applied.path),
                applied.sites,
                applied.batch
            );
        }
    }
    out
}

/// The JSON report.
pub fn json(report: &VerifyReport) -> String {
    let mut value = serde_json::to_value(report).unwrap_or_default();
    if let Some(object) = value.as_object_mut() {
        object.insert("version".to_owned(), JSON_VERSION.into());
        object.insert("sites_applied".to_owned(), report.sites_applied().into());
        object.insert("command_runs".to_owned(), report.runs.len().into());
    }
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_code_survives_backticks() {
        assert_eq!(code("a"), "`a`");
        assert_eq!(code("echo `x`"), "`` echo `x` ``");
        assert_eq!(code("a ` b"), "``a ` b``");
    }
}
