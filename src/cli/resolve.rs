//! From arguments to what the pipeline needs: paths, configuration, walk options, the wave filter,
//! colour.

use std::path::{Path, PathBuf};

use super::{ColorChoice, FilterArgs, WalkArgs};
use crate::config::{Config, Configs};
use crate::model::Filter;
use crate::pipeline::ScanOptions;
use crate::pipeline::walk::WalkOptions;

/// Paths to walk: the arguments, or the current directory.
pub fn paths_of(walk: &WalkArgs) -> Vec<PathBuf> {
    if walk.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        walk.paths.clone()
    }
}

/// The configuration named with `--config` for every file, or else the closest one to each
/// file (the first path's is the run's own).
pub fn load_configs(walk: &WalkArgs) -> anyhow::Result<Configs> {
    match &walk.config {
        Some(path) => Ok(Configs::single(Config::load(path)?.unwrap_or_else(|| {
            Config {
                source: Some(path.clone()),
                root: std::path::absolute(path.parent().unwrap_or(Path::new(".")))
                    .unwrap_or_default(),
                ..Config::default()
            }
        }))),
        None => {
            let paths = paths_of(walk);
            Ok(Configs::discover(&paths[0])?)
        }
    }
}

pub fn scan_options(walk: &WalkArgs) -> ScanOptions<'_> {
    ScanOptions {
        walk: WalkOptions {
            no_ignore: walk.no_ignore,
            hidden: walk.hidden,
            follow_links: walk.follow,
        },
        cache: !walk.no_cache,
        cache_dir: walk.cache_dir.as_deref(),
        progress: None,
    }
}

pub fn filter_of(args: &FilterArgs) -> Filter {
    Filter {
        phase: args.phase,
        risk: args.risk.map(Into::into),
        id_type: args.id_type.map(Into::into),
        area: args.area.map(Into::into),
    }
}

pub fn colors(choice: ColorChoice, to_terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}
