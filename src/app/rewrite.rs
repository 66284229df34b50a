//! `uuid-migrate rewrite`: rewrite the chosen wave, then print the diff, write the files or check;
//! with `--verify CMD`, write it in batches tested with `CMD` (`fix::verify`).

use super::{Exit, Output, to_stdout};
use crate::cli::RewriteArgs;
use crate::cli::resolve::{filter_of, load_configs, paths_of, scan_options};
use crate::fix::verify::{self, Change, VerifyOptions};
use crate::fix::{RewriteOptions, RewriteRun, diff, rewrite_paths, summary, write_back};
use crate::pipeline::FileError;
use crate::plan::is_valid_prefix;
use crate::util::paths::shown_path_bytes;

/// `uuid-migrate rewrite`.
pub fn command(args: RewriteArgs, stdout: &mut dyn std::io::Write) -> anyhow::Result<Output> {
    if let Some(prefix) = &args.unknown_prefix
        && !is_valid_prefix(prefix)
    {
        anyhow::bail!(
            "--unknown-prefix `{prefix}`: a prefix may hold only letters, digits, `_`, `-` and `.`"
        );
    }
    let configs = load_configs(&args.walk)?;
    let options = RewriteOptions {
        filter: filter_of(&args.filter),
        unknown_prefix: args.unknown_prefix.clone(),
        ..RewriteOptions::default()
    };
    // A killed verified run is repaired before anything is read.
    let recovered = match &args.verify {
        Some(_) => verify::recover(&std::env::current_dir()?).map_err(anyhow::Error::msg)?,
        None => None,
    };
    let mut run = rewrite_paths(
        &paths_of(&args.walk),
        &configs,
        scan_options(&args.walk).walk,
        &options,
    );
    if let Some(command) = &args.verify {
        return verified(
            &args,
            command,
            run,
            recovered,
            options.unknown_prefix.is_some(),
        );
    }
    let mode = if args.write {
        summary::Mode::Write
    } else if args.check {
        summary::Mode::Check
    } else {
        summary::Mode::Diff
    };
    let cwd = std::env::current_dir().unwrap_or_default();
    let mut diff: Vec<u8> = Vec::new();
    let mut changed = 0;
    let mut failures = Vec::new();
    for file in &mut run.files {
        if let Some(why) = &file.rewrite.refused {
            failures.push(FileError {
                display: file.display.clone(),
                message: why.clone(),
            });
        }
        let Some(bytes) = &file.rewrite.rewritten else {
            continue;
        };
        match mode {
            summary::Mode::Write => {
                if let Err(message) = write_back(&file.path, &file.rewrite.original, bytes) {
                    failures.push(FileError {
                        display: file.display.clone(),
                        message,
                    });
                    file.rewrite.sites_rewritten = 0;
                    continue;
                }
            }
            summary::Mode::Diff => {
                // Legacy-encoded files keep their bytes: the diff is bytes, not text.
                diff.extend(diff::unified(
                    shown_path_bytes(&file.path, &cwd),
                    &file.rewrite.original,
                    bytes,
                ));
            }
            summary::Mode::Check => {}
        }
        changed += 1;
    }
    run.errors.extend(failures);
    run.errors.sort_by(|a, b| a.display.cmp(&b.display));
    let stderr = summary::render(&run, changed, mode, options.unknown_prefix.is_some());
    let exit = Exit::of(
        !run.errors.is_empty(),
        mode == summary::Mode::Check && changed > 0,
    );
    to_stdout(stdout.write_all(&diff))?;
    Ok(Output { stderr, exit })
}

/// `rewrite --write --verify CMD`: the files that change are handed to `fix::verify`; the
/// summary counts only what stayed written.
fn verified(
    args: &RewriteArgs,
    command: &str,
    mut run: RewriteRun,
    recovered: Option<verify::Recovery>,
    unknown_prefix: bool,
) -> anyhow::Result<Output> {
    let mut changes = Vec::new();
    for file in &run.files {
        if let Some(why) = &file.rewrite.refused {
            run.errors.push(FileError {
                display: file.display.clone(),
                message: why.clone(),
            });
        }
        if let Some(bytes) = &file.rewrite.rewritten {
            changes.push(Change {
                path: file.path.clone(),
                display: file.display.clone(),
                original: file.rewrite.original.clone(),
                rewritten: bytes.clone(),
                sites: file.rewrite.sites_rewritten,
            });
        }
    }
    let options = VerifyOptions {
        command: command.to_owned(),
        batch_size: args.batch_size.map(|n| n as usize),
        timeout: std::time::Duration::from_secs(args.verify_timeout),
        allow_dirty: args.allow_dirty,
        root: std::env::current_dir()?,
    };
    // Progress goes to stderr as it happens: a suite can take minutes per batch.
    let progress = |line: &str| {
        use std::io::Write;
        let _ = writeln!(std::io::stderr(), "verify: {line}");
    };
    let mut report = verify::verify(changes, &options, &progress);
    report.recovered = recovered;
    let applied: std::collections::HashSet<&str> =
        report.applied.iter().map(|a| a.path.as_str()).collect();
    for file in &mut run.files {
        if !applied.contains(file.display.as_str()) {
            file.rewrite.rewritten = None;
            file.rewrite.sites_rewritten = 0;
        }
    }
    run.errors.sort_by(|a, b| a.display.cmp(&b.display));
    let mut stderr = summary::render(&run, applied.len(), summary::Mode::Write, unknown_prefix);
    stderr.push_str(&verify::render::text(&report));
    let mut report_error = false;
    if let Some(path) = &args.report {
        let is_json = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"));
        let text = if is_json {
            verify::render::json(&report)
        } else {
            verify::render::markdown(&report)
        };
        if let Err(err) = crate::util::fs::write_atomically(path, text.as_bytes()) {
            stderr.push_str(&format!("error: --report: {err:#}\n"));
            report_error = true;
        }
    }
    let exit = Exit::of(
        !run.errors.is_empty() || report.has_errors() || report_error,
        !report.reverted.is_empty(),
    );
    Ok(Output { stderr, exit })
}
