//! `uuid-migrate rewrite`: rewrite the chosen wave, then print the diff, write the files or check.

use super::{Exit, Output};
use crate::cli::RewriteArgs;
use crate::cli::resolve::{filter_of, load_config, paths_of, scan_options};
use crate::fix::{RewriteOptions, diff, rewrite_paths, summary, write_back};
use crate::pipeline::FileError;
use crate::plan::is_valid_prefix;

/// `uuid-migrate rewrite`.
pub fn command(args: RewriteArgs) -> anyhow::Result<Output> {
    if let Some(prefix) = &args.unknown_prefix
        && !is_valid_prefix(prefix)
    {
        anyhow::bail!(
            "--unknown-prefix `{prefix}`: a prefix may hold only letters, digits, `_`, `-` and `.`"
        );
    }
    let config = load_config(&args.walk)?;
    let options = RewriteOptions {
        filter: filter_of(&args.filter),
        unknown_prefix: args.unknown_prefix.clone(),
        ..RewriteOptions::default()
    };
    let mut run = rewrite_paths(
        &paths_of(&args.walk),
        &config,
        scan_options(&args.walk).walk,
        &options,
    );
    let mode = if args.write {
        summary::Mode::Write
    } else if args.check {
        summary::Mode::Check
    } else {
        summary::Mode::Diff
    };
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
                diff.extend(diff::unified(&file.display, &file.rewrite.original, bytes));
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
    Ok(Output {
        stdout: diff,
        stderr,
        exit,
    })
}
