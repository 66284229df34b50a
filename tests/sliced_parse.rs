//! Parsing only the statements that matter must give exactly the output of a full parse.
//! The judge runs over every fixture and every file of the local Python installation that
//! mentions `uuid4`.

use std::path::{Path, PathBuf};

use uuid_migrate::config::Config;
use uuid_migrate::pipeline::{ParseStrategy, analyze_with, may_contain_site};
use uuid_migrate::syntax::parse::SourceFile;

fn python_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            python_files(&path, out);
        } else if kind.is_file() && path.extension().is_some_and(|e| e == "py" || e == "pyi") {
            out.push(path);
        }
    }
}

fn compare(paths: &[PathBuf]) -> (usize, usize, Vec<String>) {
    let config = Config::default();
    let (mut files, mut sites, mut mismatches) = (0, 0, Vec::new());
    for path in paths {
        let Ok(raw) = std::fs::read(path) else {
            continue;
        };
        if !may_contain_site(&raw) {
            continue;
        }
        let Ok(source) = SourceFile::decode(raw) else {
            continue;
        };
        let rel = Path::new(path.file_name().unwrap());
        let full = analyze_with(&source, rel, &config, ParseStrategy::Full);
        let sliced = analyze_with(&source, rel, &config, ParseStrategy::Sliced);
        files += 1;
        sites += full.as_ref().map_or(0, Vec::len);
        if format!("{full:?}") != format!("{sliced:?}") {
            mismatches.push(path.display().to_string());
        }
    }
    (files, sites, mismatches)
}

#[test]
fn sliced_parse_matches_full_parse_on_fixtures() {
    let mut paths = Vec::new();
    python_files(Path::new("fixtures"), &mut paths);
    paths.sort();
    let (files, sites, mismatches) = compare(&paths);
    assert!(
        files > 20 && sites > 150,
        "only {files} files, {sites} sites compared"
    );
    assert!(
        mismatches.is_empty(),
        "sliced parse differs on:\n{}",
        mismatches.join("\n")
    );
}

#[test]
fn sliced_parse_matches_full_parse_on_the_python_installation() {
    let Ok(out) = std::process::Command::new("python3")
        .args([
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['stdlib'])",
        ])
        .output()
    else {
        eprintln!("note: python3 not found; skipping the standard-library comparison");
        return;
    };
    let stdlib = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    let mut paths = Vec::new();
    python_files(&stdlib, &mut paths);
    paths.sort();
    let (files, sites, mismatches) = compare(&paths);
    eprintln!("compared {files} candidate files, {sites} sites");
    assert!(
        mismatches.is_empty(),
        "sliced parse differs on:\n{}",
        mismatches.join("\n")
    );
}

/// `SLICE_COMPARE_DIR=target/bench/monorepo cargo test --release --test sliced_parse -- --ignored`
#[test]
#[ignore = "needs SLICE_COMPARE_DIR, e.g. the generated benchmark monorepo"]
fn sliced_parse_matches_full_parse_on_a_chosen_tree() {
    let dir = std::env::var("SLICE_COMPARE_DIR").expect("set SLICE_COMPARE_DIR");
    let mut paths = Vec::new();
    python_files(Path::new(&dir), &mut paths);
    paths.sort();
    let (files, sites, mismatches) = compare(&paths);
    eprintln!("compared {files} candidate files, {sites} sites");
    assert!(
        mismatches.is_empty(),
        "sliced parse differs on:\n{}",
        mismatches.join("\n")
    );
}
