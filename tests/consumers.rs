//! The consumer analysis, as a user runs it: each project under `fixtures/consumers/` is
//! scanned and every site is held to the `# expect:` comment on its line (see the README
//! there); a few reasons are checked word for word, and `rewrite` never touches a consumed site.

mod common;

use common::{json_of, project, tool};
use serde_json::Value;
use std::path::Path;

/// (path, line) -> expectation, from the `# expect:` comments of a fixture project.
fn expectations(root: &Path) -> Vec<(String, usize, String)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "py") {
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                for (i, line) in std::fs::read_to_string(&path).unwrap().lines().enumerate() {
                    if let Some(at) = line.rfind("# expect:") {
                        let spec = line[at + "# expect:".len()..].trim().to_owned();
                        out.push((rel.clone(), i + 1, spec));
                    }
                }
            }
        }
    }
    out.sort();
    out
}

fn scan(dir: &Path, extra: &[&str]) -> Value {
    let out = tool()
        .current_dir(dir)
        .args(["scan", ".", "--no-cache", "--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    json_of(&out.stdout)
}

fn sites(json: &Value) -> &Vec<Value> {
    json["sites"].as_array().unwrap()
}

/// The site reported at `path:line`, if any.
fn site_at<'j>(json: &'j Value, path: &str, line: usize) -> Option<&'j Value> {
    sites(json)
        .iter()
        .find(|s| s["path"] == path && s["line"] == line)
}

/// What a site shows, in the fixtures' words.
fn verdict(site: &Value) -> String {
    let reasons: Vec<&str> = site["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r.as_str())
        .collect();
    if let Some(r) = reasons.iter().find(|r| r.contains("consumer")) {
        let kind = r
            .rsplit_once(") at ")
            .and_then(|(head, _)| head.rsplit_once('('))
            .map_or("?", |(_, k)| k);
        let evidence = if r.starts_with("possible") {
            "possible"
        } else {
            "resolved"
        };
        format!("consumer {kind} {evidence}")
    } else if reasons.iter().any(|r| r.starts_with("format check")) {
        "checked".to_owned()
    } else {
        "none".to_owned()
    }
}

#[test]
fn every_fixture_project_meets_its_expectations() {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/consumers");
    let mut dirs: Vec<_> = std::fs::read_dir(&base)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 8, "one project per behaviour");
    let mut failures = Vec::new();
    for dir in &dirs {
        let json = scan(dir, &[]);
        let expected = expectations(dir);
        let found = sites(&json);
        assert_eq!(
            found.len(),
            expected.len(),
            "{}: every site carries an expectation",
            dir.display()
        );
        for (path, line, spec) in &expected {
            let Some(site) = site_at(&json, path, *line) else {
                failures.push(format!("{}/{path}:{line}: no site", dir.display()));
                continue;
            };
            let got = verdict(site);
            if &got != spec {
                failures.push(format!(
                    "{}/{path}:{line}: expected `{spec}`, got `{got}`: {}",
                    dir.display(),
                    site["reasons"]
                ));
            }
            if spec.starts_with("consumer") {
                assert_eq!(site["fixable"], false, "{path}:{line}");
                assert_eq!(site["risk"], "high", "{path}:{line}");
            }
            if spec == "checked" {
                assert_eq!(site["fixable"], true, "{path}:{line}");
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_reason_names_the_consumer_its_place_and_the_flow() {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/consumers/local_then_keyword");
    let json = scan(&base, &[]);
    let site = site_at(&json, "app/jobs.py", 8).unwrap();
    let reasons: Vec<&str> = site["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r.as_str())
        .collect();
    assert!(
        reasons.contains(
            &"high risk: consumer: field `Run.run_id` (uuid-annotation) at app/schemas.py:10, via local `run_id` -> keyword `run_id` of `Run(...)`"
        ),
        "{reasons:?}"
    );
}

#[test]
fn name_only_evidence_can_be_ignored_by_configuration() {
    let dir = project(&[
        (
            "app/models.py",
            "from uuid import UUID\n\n\nclass Payment:\n    request_id: UUID\n",
        ),
        (
            "app/handlers.py",
            "import uuid\n\n\ndef handle(payload):\n    payload.request_id = str(uuid.uuid4())\n",
        ),
        (
            "uuid-migrate.toml",
            "[consumers]\nname-evidence = \"ignore\"\n",
        ),
    ]);
    let json = scan(dir.path(), &[]);
    let site = &sites(&json)[0];
    assert_eq!(verdict(site), "none");
    assert_eq!(site["fixable"], true);

    std::fs::write(
        dir.path().join("uuid-migrate.toml"),
        "[consumers]\nname-evidence = \"maybe\"\n",
    )
    .unwrap();
    let out = tool()
        .current_dir(dir.path())
        .args(["scan", ".", "--no-cache"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("name-evidence") || stderr.contains("maybe"),
        "{stderr}"
    );
}

#[test]
fn rewrite_leaves_consumed_sites_even_with_unknown_prefix() {
    let dir = project(&[
        (
            "app/models.py",
            "from uuid import UUID\nfrom pydantic import BaseModel\n\n\nclass Session(BaseModel):\n    session_id: UUID\n    ref: UUID\n",
        ),
        (
            "app/service.py",
            "import uuid\n\nfrom app.models import Session\n\n\ndef open_session():\n    session_id = str(uuid.uuid4())\n    ref = str(uuid.uuid4())\n    return Session(session_id=session_id, ref=ref)\n\n\ndef other():\n    return f\"session_{uuid.uuid4().hex}\"\n",
        ),
    ]);
    let out = tool()
        .current_dir(dir.path())
        .args(["rewrite", ".", "--unknown-prefix", "x"])
        .output()
        .unwrap();
    let diff = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        diff.contains("+    return UnifiedIdGenerator.generate_base_id(\"session\")"),
        "{diff}"
    );
    assert!(
        !diff.contains("-    session_id = str(uuid.uuid4())"),
        "{diff}"
    );
    assert!(!diff.contains("-    ref = str(uuid.uuid4())"), "{diff}");
    assert!(stderr.contains("consumer"), "{stderr}");
}

/// Runs `scan` in a project whose `pyproject.toml` is `config`: the exit code and stderr.
fn config_error(config: &str) -> (Option<i32>, String) {
    let dir = project(&[
        ("app/a.py", "import uuid\n\nx = str(uuid.uuid4())\n"),
        ("pyproject.toml", config),
    ]);
    let out = tool()
        .current_dir(dir.path())
        .args(["scan", ".", "--no-cache"])
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn consumer_configuration_mistakes_name_file_line_and_fix() {
    let header = "[project]\nname = \"x\"\n\n[tool.uuid-migrate.consumers]\n";
    let cases = [
        (
            "target-format = { regex = \"[a-z+\", sample = \"x\" }\n",
            ":5: consumers.target-format.regex = \"[a-z+\" does not compile",
            "syntax of the `regex` crate",
        ),
        (
            "name-evidence = \"manual\"\ntarget-format = { regex = '[a-z]+_\\d{13}', sample = \"{prefix}-123\" }\n",
            ":6: consumers.target-format.sample = \"{prefix}-123\" (as `id-123`",
            "does not fully match regex `[a-z]+_\\d{13}`: change the sample",
        ),
        (
            "validators = \"pkg.ids.check\"\n",
            ":5: `validators`: invalid type: string \"pkg.ids.check\", expected a sequence",
            "write a list: `validators = [\"...\"]`",
        ),
        (
            "validators = [\"pkg.ids.check\",\n  \"pkg.ids.check()\"]\n",
            ":6: consumers.validators: `pkg.ids.check()` is not a function name",
            "write a Python name",
        ),
        (
            "uuid-types = [\"OrderId\", \"Order Id\"]\n",
            ":5: consumers.uuid-types: `Order Id` is not a type name",
            "write a Python name",
        ),
    ];
    for (body, at, fix) in cases {
        let (code, stderr) = config_error(&format!("{header}{body}"));
        assert_eq!(code, Some(2), "{body}: {stderr}");
        assert!(
            stderr.contains(&format!("pyproject.toml{at}")),
            "{body}: {stderr}"
        );
        assert!(stderr.contains(fix), "{body}: {stderr}");
    }
}

#[test]
fn the_target_format_sample_is_what_format_checks_see() {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/consumers/target_format");
    let json = scan(&base, &[]);
    let site = site_at(&json, "app/emit.py", 7).unwrap();
    let reasons = site["reasons"].to_string();
    assert!(
        reasons
            .contains("accepts the replacement (sample `event-0123456789abcdef0123456789abcdef`)"),
        "{reasons}"
    );
}

#[test]
fn sql_and_validator_reasons_name_the_place() {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/consumers");
    let reasons_at = |project: &str, path: &str, line: usize| {
        let json = scan(&base.join(project), &[]);
        site_at(&json, path, line).unwrap()["reasons"].to_string()
    };
    let sql = reasons_at("sql_ddl", "app/orders.py", 5);
    assert!(
        sql.contains("high risk: consumer: SQL column `orders.order_id` (uuid-column) at app/schema.py:4, via local `order_id` -> column `order_id` of `INSERT INTO orders`"),
        "{sql}"
    );
    let validator = reasons_at("validator", "app/orders.py", 9);
    assert!(
        validator.contains("high risk: consumer: configured validator `app.ids.check_order_id` (validator) at app/orders.py:10, via local `order_id` -> argument 1 of `check_order_id(...)`"),
        "{validator}"
    );
}
