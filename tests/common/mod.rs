//! What the integration tests share: running the binary, making a project tree, reading JSON,
//! compiling Python. Each test file uses what it needs (`mod common;`).
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The built `uuid-migrate` binary, without colour.
pub fn tool() -> Command {
    let mut cmd = Command::cargo_bin("uuid-migrate").expect("the binary is built");
    cmd.env("NO_COLOR", "1");
    cmd
}

/// A temporary directory holding `files` (relative path with `/`, contents); directories are
/// made as needed.
pub fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for (path, contents) in files {
        let dest = dir.path().join(path);
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent).expect("directories in the temporary tree");
        }
        std::fs::write(dest, contents).expect("a file in the temporary tree");
    }
    dir
}

/// A JSON document printed on stdout.
pub fn json_of(stdout: &[u8]) -> serde_json::Value {
    serde_json::from_slice(stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}",
            String::from_utf8_lossy(stdout)
        )
    })
}

/// Whether `python3` runs here.
pub fn has_python3() -> bool {
    std::process::Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// `python3 -m py_compile` on each file: the ones that fail, each with why. `None` without
/// python3.
pub fn py_compile_failures(files: &[PathBuf]) -> Option<Vec<(PathBuf, String)>> {
    if !has_python3() {
        return None;
    }
    let script = "import py_compile, sys\nfor p in sys.argv[1:]:\n    try:\n        py_compile.compile(p, cfile=p + 'c', doraise=True)\n    except py_compile.PyCompileError as e:\n        print(p + '\\t' + str(e).replace('\\n', ' '))\n";
    let output = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(files)
        .output()
        .expect("python3 runs");
    Some(
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter(|l| !l.is_empty())
            .map(|line| {
                let (path, why) = line.split_once('\t').unwrap_or((line, ""));
                (Path::new(path).to_path_buf(), why.to_owned())
            })
            .collect(),
    )
}

/// A file's name, for messages and snapshots.
pub fn name_of(path: &Path) -> String {
    path.file_name()
        .expect("a file name")
        .to_string_lossy()
        .into_owned()
}

/// The bytes after a rewrite (the original when nothing changes).
pub fn result_of(rewrite: &uuid_migrate::fix::FileRewrite) -> Vec<u8> {
    rewrite
        .rewritten
        .clone()
        .unwrap_or_else(|| rewrite.original.clone())
}

/// Error and missing nodes, as the rewrite reads the file: a tab as one column, as Python's
/// consistency check does (tree-sitter-python's eight columns misread valid tab-indented files,
/// and its count of errors in them then says little).
pub fn parse_errors(raw: &[u8]) -> usize {
    let source = uuid_migrate::syntax::parse::SourceFile::decode(raw.to_vec()).expect("decodes");
    let tree =
        uuid_migrate::syntax::parse::parse(&source.text.replace('\t', " "), None).expect("parses");
    let mut errors = 0;
    let mut stack = vec![tree.root_node()];
    while let Some(node) = stack.pop() {
        errors += usize::from(node.is_error() || node.is_missing());
        let mut cursor = node.walk();
        stack.extend(node.children(&mut cursor));
    }
    errors
}

/// Copies a directory tree (files and directories; `__pycache__` left out).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("a directory in the copy");
    for entry in std::fs::read_dir(from).expect("a readable directory") {
        let entry = entry.expect("a directory entry");
        if entry.file_name() == "__pycache__" {
            continue;
        }
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a file type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("a copied file");
        }
    }
}
