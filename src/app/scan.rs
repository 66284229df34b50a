//! `uuid-migrate scan`: run the pipeline, select the wave, mark against the baseline, render.
//! `--quiet` keeps only what fails (violations, errors); `--exit-zero` is handed to the exit rule.

use std::io::IsTerminal;

use super::{Exit, OnViolations, Output, deliver, run_scan};
use crate::baseline::Baseline;
use crate::cli::resolve::{colors, filter_of, load_configs, paths_of};
use crate::cli::{Format, ScanArgs};
use crate::config::Config;
use crate::report::{self, Report, text};

pub fn command(args: ScanArgs, stdout: &mut dyn std::io::Write) -> anyhow::Result<Output> {
    let configs = load_configs(&args.walk)?;
    let result = run_scan(&args.walk, &configs);
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
    let on_violations = if args.exit_zero {
        OnViolations::Succeed
    } else {
        OnViolations::Fail
    };
    let exit = Exit::decide(
        !result.errors.is_empty(),
        report.violations() > 0,
        on_violations,
    );
    let stderr_colors = colors(args.walk.color, std::io::stderr().is_terminal());
    // A warning (the cache could not be written) fails nothing: `--quiet` drops it.
    let warnings: &[String] = if args.quiet { &[] } else { &result.warnings };
    let mut stderr = text::render_errors(
        &result.errors,
        warnings,
        text::Palette {
            enabled: stderr_colors,
        },
    );
    deliver(
        |out| write_report(out, &report, configs.root(), &args, to_terminal),
        args.output.as_deref(),
        !args.quiet,
        &mut stderr,
        stdout,
    )?;
    Ok(Output { stderr, exit })
}

/// Writes the report in the chosen format; text, JSON and SARIF are written as they are
/// rendered.
fn write_report(
    out: &mut dyn std::io::Write,
    report: &Report<'_>,
    config: &Config,
    args: &ScanArgs,
    to_terminal: bool,
) -> std::io::Result<()> {
    let options = text::TextOptions {
        statistics_only: args.statistics,
        explain: args.explain,
        show_suppressed: args.show_suppressed,
        show_baselined: args.show_baselined,
        violations_only: args.quiet,
    };
    let rendered = match args.format {
        Format::Json => return report::json::write(report, out),
        Format::Sarif => {
            let options = report::sarif::SarifOptions {
                show_baselined: args.show_baselined,
                show_suppressed: args.show_suppressed,
            };
            return report::sarif::write(report, config, options, out);
        }
        Format::Text => {
            let palette = text::Palette {
                enabled: colors(args.walk.color, to_terminal),
            };
            return text::write(report, options, palette, out);
        }
        Format::Github => report::github::render(report, args.quiet),
        Format::Markdown => report::markdown::render(report, config),
    };
    out.write_all(rendered.as_bytes())
}
