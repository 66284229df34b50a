//! `uuid-migrate baseline`: write the baseline, or ratchet an existing one down.

use std::fmt::Write as _;
use std::path::PathBuf;

use super::{Exit, Output, run_scan};
use crate::baseline::{self, Baseline, Changes, DEFAULT_FILE, Ratchet};
use crate::cli::BaselineArgs;
use crate::cli::resolve::{load_configs, paths_of};
use crate::util::fs::write_atomically;
use crate::util::words::plural;

/// `uuid-migrate baseline [PATHS]`: write the baseline, or ratchet an existing one down.
pub fn command(args: BaselineArgs) -> anyhow::Result<Output> {
    let configs = load_configs(&args.walk)?;
    let target = args
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from(DEFAULT_FILE));
    let existing = Baseline::load_if_present(&target)?;
    let result = run_scan(&args.walk, &configs);
    let scanned = paths_of(&args.walk);
    let ratchet = baseline::ratchet(existing, &target, &scanned, &result, args.allow_new)?;
    let Ratchet {
        entries,
        old_entries,
        changes,
        first_write,
        added_new,
    } = ratchet;

    let mut stderr = String::new();
    for warning in &result.warnings {
        let _ = writeln!(stderr, "warning: {warning}");
    }
    for error in &result.errors {
        let _ = writeln!(
            stderr,
            "error: {}: {} (its baseline entries are kept)",
            error.display, error.message
        );
    }
    let shown = target.display();
    let total: usize = entries.iter().map(|e| e.count).sum();
    let files = entries
        .iter()
        .map(|e| e.path.as_str())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let was: usize = old_entries.iter().map(|e| e.count).sum();
    if first_write {
        write_atomically(&target, baseline::render(&entries).as_bytes())?;
        let _ = writeln!(
            stderr,
            "wrote {shown}: {} in {}",
            plural(total, "site"),
            plural(files, "file")
        );
    } else {
        describe_changes(&mut stderr, &changes, args.allow_new);
        if entries == old_entries {
            let _ = writeln!(
                stderr,
                "{shown} is up to date: {} in {}",
                plural(total, "site"),
                plural(files, "file")
            );
        } else {
            write_atomically(&target, baseline::render(&entries).as_bytes())?;
            let _ = writeln!(
                stderr,
                "wrote {shown}: {} in {} (was {was})",
                plural(total, "site"),
                plural(files, "file")
            );
        }
    }
    let exit = Exit::of(
        !result.errors.is_empty(),
        !changes.new.is_empty() && !added_new,
    );
    Ok(Output { stderr, exit })
}

/// At most this many lines per kind of change; the counts are always exact.
const LISTED: usize = 20;

fn describe_changes(out: &mut String, changes: &Changes, allow_new: bool) {
    let fixed: usize = changes.fixed.iter().map(|f| f.count).sum();
    if fixed > 0 {
        let _ = writeln!(
            out,
            "{} fixed: removed from the baseline",
            plural(fixed, "site")
        );
        for baseline::Fixed {
            path,
            statement,
            count,
        } in changes.fixed.iter().take(LISTED)
        {
            let times = if *count > 1 {
                format!(" (x{count})")
            } else {
                String::new()
            };
            let _ = writeln!(out, "  - {path}: {statement}{times}");
        }
        more(out, changes.fixed.len());
    }
    let moved: usize = changes.moved.values().sum();
    if moved > 0 {
        let _ = writeln!(
            out,
            "{} moved to another file: entries follow them",
            plural(moved, "site")
        );
        for ((from, to), count) in changes.moved.iter().take(LISTED) {
            let _ = writeln!(out, "  {from} -> {to} ({})", plural(*count, "site"));
        }
        more(out, changes.moved.len());
    }
    if !changes.new.is_empty() {
        let verdict = if allow_new {
            "added to the baseline (--allow-new)"
        } else {
            "NOT added: fix them, suppress them, or rerun with --allow-new to accept them"
        };
        let _ = writeln!(
            out,
            "{} not in the baseline, {verdict}",
            plural(changes.new.len(), "new site")
        );
        for line in changes.new.iter().take(LISTED) {
            let _ = writeln!(out, "  + {line}");
        }
        more(out, changes.new.len());
    }
}

fn more(out: &mut String, listed: usize) {
    if listed > LISTED {
        let _ = writeln!(out, "  ... and {} more", listed - LISTED);
    }
}
