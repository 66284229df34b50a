//! Gives the result cache a key that changes whenever the analysis code changes.

use std::hash::{Hash, Hasher};
use std::path::Path;

fn hash_dir(dir: &Path, hasher: &mut std::collections::hash_map::DefaultHasher) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            hash_dir(&path, hasher);
        } else if let Ok(bytes) = std::fs::read(&path) {
            path.to_string_lossy().hash(hasher);
            bytes.hash(hasher);
        }
    }
}

fn main() {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for dir in ["src", "queries"] {
        hash_dir(Path::new(dir), &mut hasher);
        println!("cargo:rerun-if-changed={dir}");
    }
    println!(
        "cargo:rustc-env=UUID_MIGRATE_BUILD_ID={:016x}",
        hasher.finish()
    );
}
