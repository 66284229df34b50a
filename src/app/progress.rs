//! `uuid-migrate progress`: the sites at each commit of the history, as a table, JSON, CSV, a
//! burn-down chart or an HTML page.

use super::{Exit, Output, deliver};
use crate::cli::{ProgressArgs, ProgressFormat};
use crate::history::{self, Request, chart, render};

pub fn command(args: ProgressArgs, stdout: &mut dyn std::io::Write) -> anyhow::Result<Output> {
    let request = Request {
        repo: args.repo.clone(),
        revision: args.revision.clone(),
        first_parent: args.first_parent,
        since: args.since.clone(),
        until: args.until.clone(),
        from: args.from.clone(),
        by: args.by.map(Into::into),
        cache_dir: args.cache_dir.clone(),
        no_cache: args.no_cache,
    };
    let outcome = history::compute(&request)?;
    let progress = &outcome.progress;
    let rendered = match args.format {
        ProgressFormat::Text => render::text(progress),
        ProgressFormat::Json => render::json(progress),
        ProgressFormat::Csv => render::csv(progress),
        ProgressFormat::Svg => chart::svg(progress, chart::Size::STANDALONE)?,
        ProgressFormat::Html => render::html(progress)?,
    };
    let mut stderr = String::new();
    for warning in &outcome.warnings {
        stderr.push_str(&format!("warning: {warning}\n"));
    }
    deliver(
        |out| out.write_all(rendered.as_bytes()),
        args.output.as_deref(),
        true,
        &mut stderr,
        stdout,
    )?;
    Ok(Output {
        stderr,
        exit: Exit::Clean,
    })
}
