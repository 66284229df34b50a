//! The cost floor of a scan, for the benchmark: the same walk, read, prefilter and decode as
//! `uuid-migrate scan --no-cache`, then (with `parse`) the same sliced parse, and nothing else —
//! no site finding, classification or report. What `scan` costs above `parse` is the analysis;
//! what `parse` costs above `read` is tokenizing and parsing the statements that hold sites.
//!
//! Usage: cargo run --release --example floor -- (read|slice|parse) PATH...

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use uuid_migrate::config::Config;
use uuid_migrate::pipeline::may_contain_site;
use uuid_migrate::pipeline::walk::{WalkOptions, visit};
use uuid_migrate::syntax::parse::{SourceFile, looks_binary, parse, parse_ranges};
use uuid_migrate::syntax::slice;

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Stage {
    Read,
    Slice,
    Parse,
}

fn main() {
    let mut args = std::env::args().skip(1);
    let stage = match args.next().as_deref() {
        Some("read") => Stage::Read,
        Some("slice") => Stage::Slice,
        Some("parse") => Stage::Parse,
        _ => {
            eprintln!("usage: floor (read|slice|parse) PATH...");
            std::process::exit(2);
        }
    };
    let paths: Vec<PathBuf> = args.map(PathBuf::from).collect();
    let config = Config::default();
    let (candidates, candidate_bytes, parsed_bytes) = (
        AtomicUsize::new(0),
        AtomicUsize::new(0),
        AtomicUsize::new(0),
    );
    let walked = visit(
        &paths,
        &config.clone().into(),
        WalkOptions::default(),
        &|path| {
            // As `scan_file`: one open, one fstat, then the read.
            let mut raw = Vec::new();
            let read = std::fs::File::open(path).and_then(|mut file| {
                let len = file.metadata()?.len();
                raw.reserve(usize::try_from(len).unwrap_or(0) + 1);
                std::io::Read::read_to_end(&mut file, &mut raw)
            });
            if read.is_err() {
                return;
            }
            if looks_binary(&raw) || !may_contain_site(&raw) {
                return;
            }
            let Ok(source) = SourceFile::decode(raw) else {
                return;
            };
            candidates.fetch_add(1, Ordering::Relaxed);
            candidate_bytes.fetch_add(source.text.len(), Ordering::Relaxed);
            if stage < Stage::Slice {
                return;
            }
            let ranges = slice::plan(&source.text, &config);
            if stage < Stage::Parse {
                return;
            }
            let parsed = match ranges {
                Some(ranges) if ranges.is_empty() => 0,
                Some(ranges) => match parse_ranges(&source.text, &ranges, None) {
                    Ok(tree) if !tree.root_node().has_error() => {
                        ranges.iter().map(|r| r.len()).sum()
                    }
                    _ => parse(&source.text, None).map_or(0, |_| source.text.len()),
                },
                None => parse(&source.text, None).map_or(0, |_| source.text.len()),
            };
            parsed_bytes.fetch_add(parsed, Ordering::Relaxed);
        },
    );
    println!(
        "{} files, {} candidates ({} bytes), {} bytes parsed",
        walked.files.len(),
        candidates.into_inner(),
        candidate_bytes.into_inner(),
        parsed_bytes.into_inner()
    );
}
