//! The crate's layers point one way (see `src/lib.rs`): a module may use only the modules of
//! its own layer or of the layers below it, and the layer-7 siblings (`report`, `baseline`,
//! `fix`) never use each other. This test reads every `crate::` path in `src/` and fails on an
//! arrow that points up or sideways.

use std::path::{Path, PathBuf};

/// Top-level modules by layer, lowest first.
const LAYERS: &[&[&str]] = &[
    &["model", "config", "util"],
    &["syntax"],
    &["sites"],
    &["classify"],
    &["plan", "fingerprint", "consumers"],
    &["pipeline"],
    &["report", "baseline", "fix", "history"],
    &["cli", "app"],
];

/// Same-layer pairs that must not use each other (`from` may not use `to`).
const FORBIDDEN_SIDEWAYS: &[(&str, &str)] = &[
    ("report", "baseline"),
    ("report", "fix"),
    ("baseline", "report"),
    ("baseline", "fix"),
    ("fix", "report"),
    ("fix", "baseline"),
    ("history", "report"),
    ("history", "baseline"),
    ("history", "fix"),
    ("report", "history"),
    ("baseline", "history"),
    ("fix", "history"),
    ("cli", "app"),
    ("model", "config"),
    ("model", "util"),
    ("util", "config"),
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/ is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file belongs to: `src/classify/naming/climb.rs` -> `classify`.
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).expect("under src/");
    let first = rel.components().next().expect("a file name");
    let name = first.as_os_str().to_string_lossy();
    name.strip_suffix(".rs").unwrap_or(&name).to_owned()
}

/// Every module named right after `crate::` in the text (in `use` lines and inline paths),
/// outside line comments.
fn used_modules(text: &str) -> Vec<(usize, String)> {
    let mut used = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            let after = &rest[at + "crate::".len()..];
            let name: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                used.push((number + 1, name));
            }
            rest = after;
        }
        // `use crate::{a, b}` names several modules at once.
        if let Some(group) = code.trim_start().strip_prefix("use crate::{") {
            for name in group.split([',', '}']) {
                let name = name.trim().split("::").next().unwrap_or("").trim();
                if !name.is_empty() {
                    used.push((number + 1, name.to_owned()));
                }
            }
        }
    }
    used
}

#[test]
fn modules_use_only_their_layer_and_the_layers_below() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut wrong = Vec::new();
    for file in &files {
        let module = module_of(&src, file);
        if module == "main" || module == "lib" {
            continue;
        }
        let Some(own) = layer_of(&module) else {
            wrong.push(format!(
                "{}: module `{module}` is in no layer of tests/layers.rs (add it there and to src/lib.rs)",
                file.display()
            ));
            continue;
        };
        let text = std::fs::read_to_string(file).expect("a readable source file");
        for (line, used) in used_modules(&text) {
            if used == module {
                continue;
            }
            let Some(theirs) = layer_of(&used) else {
                continue;
            };
            let sideways = FORBIDDEN_SIDEWAYS.contains(&(module.as_str(), used.as_str()));
            if theirs > own || sideways {
                wrong.push(format!(
                    "{}:{line}: `{module}` (layer {}) uses `{used}` (layer {})",
                    file.display(),
                    own + 1,
                    theirs + 1
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "arrows that point the wrong way:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_checker_sees_inline_paths_and_groups() {
    let used = used_modules("use crate::{fix, model::Site};\nlet x = crate::report::plural(1);\n");
    let names: Vec<&str> = used.iter().map(|(_, n)| n.as_str()).collect();
    assert!(names.contains(&"fix"));
    assert!(names.contains(&"model"));
    assert!(names.contains(&"report"));
}
