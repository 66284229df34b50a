//! `uuid-migrate scan`: run the pipeline, select the wave, mark against the baseline, render.

use std::io::IsTerminal;

use super::{Exit, Output, run_scan};
use crate::baseline::Baseline;
use crate::cli::resolve::{colors, filter_of, load_config, paths_of};
use crate::cli::{Format, ScanArgs};
use crate::config::Config;
use crate::report::{self, Report, text};
use crate::util::fs::write_atomically;

pub fn command(args: ScanArgs) -> anyhow::Result<Output> {
    let config = load_config(&args.walk)?;
    let result = run_scan(&args.walk, &config);
    let mut report = Report {
        files_scanned: result.files_scanned,
        sites: result.select(&filter_of(&args.filter)),
        errors: &result.errors,
        fixed_since_baseline: None,
    };
    if let Some(path) = &args.baseline {
        let loaded = Baseline::load(path)?;
        let scanned = paths_of(&args.walk);
        let fixed = loaded.mark(&result, &scanned, &mut report.sites);
        report.fixed_since_baseline = Some(fixed);
    }
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let rendered = match args.format {
        Format::Text => text::render(
            &report,
            text::TextOptions {
                statistics_only: args.statistics,
                explain: args.explain,
                show_suppressed: args.show_suppressed,
                show_baselined: args.show_baselined,
            },
            text::Palette {
                enabled: colors(args.walk.color, to_terminal),
            },
        ),
        Format::Json => report::json::render(&report),
        other => render_other(other, &report, &config)?,
    };
    let exit = Exit::of(!result.errors.is_empty(), report.violations() > 0);
    let stderr_colors = colors(args.walk.color, std::io::stderr().is_terminal());
    let mut stderr = text::render_errors(
        &result.errors,
        &result.warnings,
        text::Palette {
            enabled: stderr_colors,
        },
    );
    let stdout = match &args.output {
        Some(path) => {
            write_atomically(path, rendered.as_bytes())?;
            stderr.push_str(&format!("wrote {}\n", path.display()));
            String::new()
        }
        None => rendered,
    };
    Ok(Output {
        stdout: stdout.into_bytes(),
        stderr,
        exit,
    })
}

/// SARIF, GitHub annotations and the markdown migration plan.
fn render_other(format: Format, report: &Report<'_>, config: &Config) -> anyhow::Result<String> {
    match format {
        Format::Sarif => Ok(report::sarif::render(report, config)),
        Format::Github => Ok(report::github::render(report)),
        Format::Markdown => Ok(report::markdown::render(report, config)),
        Format::Text | Format::Json => {
            anyhow::bail!("--format {format:?} is rendered by its own module")
        }
    }
}
