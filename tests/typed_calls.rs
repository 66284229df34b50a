//! Typed calls (`[generator.calls]`), proven by running them: every fixture under
//! `fixtures/rewrite/typed_calls/` is rewritten with that folder's configuration; its diff and
//! each site's typed-call reason are snapshotted; the result re-parses without new errors,
//! rewrites again to nothing, compiles, and `pyflakes` (when installed) finds no name in it that
//! the original did not define. Then the configuration errors, as a user meets them.

mod common;
use common::{name_of, parse_errors, project, py_compile_failures, result_of, tool};

use std::path::{Path, PathBuf};

use uuid_migrate::config::Config;
use uuid_migrate::fix::{FileRewrite, RewriteOptions, diff, rewrite_source};
use uuid_migrate::model::Reason;
use uuid_migrate::pipeline::analyze;
use uuid_migrate::syntax::parse::SourceFile;

const FIXTURES: &str = "fixtures/rewrite/typed_calls";

fn config() -> Config {
    Config::load(&Path::new(FIXTURES).join("uuid-migrate.toml"))
        .expect("the fixtures' configuration loads")
        .expect("it is a uuid-migrate.toml")
}

fn fixtures() -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(FIXTURES)
        .expect("the typed-call fixtures exist")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "py"))
        .collect();
    paths.sort();
    paths
}

fn rewrite(raw: &[u8], name: &str, config: &Config) -> FileRewrite {
    rewrite_source(
        raw.to_vec(),
        Path::new(name),
        config,
        &RewriteOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn every_fixture_diff_and_reason_is_snapshotted() {
    let config = config();
    for path in fixtures() {
        let raw = std::fs::read(&path).unwrap();
        let name = name_of(&path);
        let outcome = rewrite(&raw, &name, &config);
        let mut shown = String::from_utf8(diff::unified(&name, &raw, &result_of(&outcome)))
            .expect("the fixtures are UTF-8");
        for site in &outcome.manual {
            shown.push_str(&format!(
                "# left {}:{} {}\n",
                site.position.line,
                site.position.column,
                site.reason.describe()
            ));
        }
        let source = SourceFile::decode(raw.clone()).unwrap();
        for site in analyze(&source, Path::new(&name), &config).unwrap() {
            for reason in &site.classification.reasons {
                if matches!(reason, Reason::TypedCall(_) | Reason::TypedCallFallback(_)) {
                    shown.push_str(&format!("# line {}: {reason}\n", site.start.line));
                }
            }
        }
        insta::assert_snapshot!(
            format!("typed_{}", path.file_stem().unwrap().to_string_lossy()),
            shown
        );
    }
}

/// `pyflakes` messages about names, one per line, without the file and line: what a rewrite
/// must not add. `None` when pyflakes is not installed.
fn name_problems(file: &Path) -> Option<Vec<String>> {
    let output = std::process::Command::new("python3")
        .args(["-m", "pyflakes"])
        .arg(file)
        .output()
        .ok()?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if stderr.contains("No module named pyflakes") {
        return None;
    }
    let mut problems: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|l| l.contains("undefined name") || l.contains("referenced before assignment"))
        .map(|l| l.splitn(4, ':').last().unwrap_or(l).trim().to_owned())
        .collect();
    problems.sort();
    Some(problems)
}

#[test]
fn rewritten_fixtures_parse_converge_compile_and_define_their_names() {
    let config = config();
    let dir = tempfile::tempdir().unwrap();
    let mut results = Vec::new();
    for path in fixtures() {
        let raw = std::fs::read(&path).unwrap();
        let name = name_of(&path);
        let outcome = rewrite(&raw, &name, &config);
        assert!(outcome.refused.is_none(), "{name}: {:?}", outcome.refused);
        let new = result_of(&outcome);
        assert!(
            parse_errors(&new) <= parse_errors(&raw),
            "{name}: the rewrite parses worse"
        );
        let again = rewrite(&new, &name, &config);
        assert!(
            again.rewritten.is_none(),
            "{name}: a second rewrite still changes:\n{}",
            String::from_utf8_lossy(&diff::unified(&name, &new, &result_of(&again)))
        );
        let original = dir.path().join(format!("original_{name}"));
        let rewritten = dir.path().join(&name);
        std::fs::write(&original, &raw).unwrap();
        std::fs::write(&rewritten, &new).unwrap();
        if let (Some(before), Some(after)) = (name_problems(&original), name_problems(&rewritten)) {
            assert_eq!(after, before, "{name}: pyflakes finds new name problems");
        }
        results.push(rewritten);
    }
    if let Some(failures) = py_compile_failures(&results) {
        assert!(failures.is_empty(), "{failures:?}");
    }
}

#[test]
fn scan_shows_the_typed_call_and_json_carries_it() {
    let dir = project(&[
        (
            "uuid-migrate.toml",
            "[generator.calls]\nsession = \"UnifiedIdGenerator.generate_session_id({user_id})\"\n",
        ),
        (
            "app.py",
            "import uuid\n\n\ndef login(user_id):\n    session_id = str(uuid.uuid4())\n    return session_id\n",
        ),
    ]);
    let out = tool()
        .current_dir(dir.path())
        .args(["scan", "app.py", "--explain"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("= fix: UnifiedIdGenerator.generate_session_id(user_id)"),
        "{text}"
    );
    assert!(
        text.contains(
            "typed call `UnifiedIdGenerator.generate_session_id` with `user_id` (a parameter)"
        ),
        "{text}"
    );
    let out = tool()
        .current_dir(dir.path())
        .args(["scan", "app.py", "--format", "json"])
        .output()
        .unwrap();
    let json = common::json_of(&out.stdout);
    assert_eq!(
        json["sites"][0]["replacement"],
        "UnifiedIdGenerator.generate_session_id(user_id)"
    );
}

#[test]
fn bad_templates_are_config_errors_naming_the_line() {
    for (table, line, says) in [
        (
            "session = \"UnifiedIdGenerator.generate_session_id({user_id}); import os\"",
            3,
            "without `;`",
        ),
        (
            "session = \"UnifiedIdGenerator.generate_session_id(os.getenv('U'))\"",
            3,
            "each argument is one placeholder",
        ),
        (
            "session = \"Other.generate_session_id({user_id})\"",
            3,
            "must be the imported generator `UnifiedIdGenerator`",
        ),
        (
            "session = \"UnifiedIdGenerator.generate_session_id({user_id}\"",
            3,
            "ends with the call's `)`",
        ),
        (
            "session = \"UnifiedIdGenerator.generate_session_id({a?}, {b})\"",
            3,
            "optional placeholders (`{name?}`) come last",
        ),
        (
            "sesion = \"UnifiedIdGenerator.generate_session_id({user_id})\"",
            3,
            "unknown id type `sesion`",
        ),
        (
            "secret = \"UnifiedIdGenerator.generate_session_id({user_id})\"",
            3,
            "never rewritten",
        ),
    ] {
        let config = format!("# typed calls\n[generator.calls]\n{table}\n");
        let dir = project(&[("uuid-migrate.toml", &config), ("app.py", "x = 1\n")]);
        let out = tool()
            .current_dir(dir.path())
            .args(["scan", "app.py"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{table}: {stderr}");
        assert!(
            stderr.contains(&format!("uuid-migrate.toml:{line}:")) && stderr.contains(says),
            "{table}: {stderr}"
        );
    }
}

#[test]
fn the_generator_call_and_import_errors_name_their_line() {
    let dir = project(&[
        (
            "uuid-migrate.toml",
            "[generator]\nimport = \"from ids import Gen\"\ncall = \"Gen.make\\nimport os\"\n",
        ),
        ("app.py", "x = 1\n"),
    ]);
    let out = tool()
        .current_dir(dir.path())
        .args(["scan", "app.py"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("uuid-migrate.toml:3:") && stderr.contains("generator.call"),
        "{stderr}"
    );
}

/// Every `.py` file under `dir`.
fn python_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            python_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "py") {
            out.push(path);
        }
    }
}

/// The example project configures typed calls: after `rewrite --write` it compiles, defines
/// every name it reads, and its tests pass where pytest and pydantic are installed.
#[test]
fn the_example_project_still_works_after_the_typed_rewrite() {
    let source = Path::new("fixtures/example_project");
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    python_files(source, &mut files);
    std::fs::copy(
        source.join("pyproject.toml"),
        dir.path().join("pyproject.toml"),
    )
    .unwrap();
    let mut copies = Vec::new();
    for file in &files {
        let dest = dir.path().join(file.strip_prefix(source).unwrap());
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::copy(file, &dest).unwrap();
        copies.push(dest);
    }
    let before: Vec<Option<Vec<String>>> = copies.iter().map(|f| name_problems(f)).collect();
    let out = tool()
        .current_dir(dir.path())
        .args(["rewrite", "--write"])
        .output()
        .unwrap();
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rewritten: String = copies
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect();
    assert!(
        rewritten.contains("UnifiedIdGenerator.generate_session_id(user_id)"),
        "no typed call in the rewritten example project"
    );
    for (file, before) in copies.iter().zip(before) {
        assert_eq!(name_problems(file), before, "{}", file.display());
    }
    if let Some(failures) = py_compile_failures(&copies) {
        assert!(failures.is_empty(), "{failures:?}");
    }
    let has_pytest = std::process::Command::new("python3")
        .args(["-c", "import pytest, pydantic"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_pytest {
        println!("note: pytest or pydantic missing; the example project's tests are skipped");
        return;
    }
    let tests = std::process::Command::new("python3")
        .args(["-m", "pytest", "-q"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        tests.status.success(),
        "{}",
        String::from_utf8_lossy(&tests.stdout)
    );
}
