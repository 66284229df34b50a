//! The CI gate: `uuid-migrate baseline`, `scan --baseline`, and what a fingerprint survives.
//!
//! Every case starts from `fixtures/baseline/sessions.py` and `events.py` copied into a fresh
//! `app/`, writes the baseline, then replaces a file with one of the variants next to them.

mod common;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

const BASELINE: &str = "uuid-migrate-baseline.json";

struct Repo {
    dir: tempfile::TempDir,
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/baseline")
        .join(name)
}

impl Repo {
    /// `app/sessions.py` and `app/events.py` with a baseline written for them.
    fn with_baseline() -> Repo {
        let repo = Repo {
            dir: tempfile::tempdir().unwrap(),
        };
        repo.put("app/sessions.py", "sessions.py");
        repo.put("app/events.py", "events.py");
        repo.cmd()
            .arg("baseline")
            .assert()
            .code(0)
            .stderr("wrote uuid-migrate-baseline.json: 6 sites in 2 files\n");
        repo
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn put(&self, rel: &str, fixture_name: &str) {
        let dest = self.path(rel);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::copy(fixture(fixture_name), dest).unwrap();
    }

    fn write(&self, rel: &str, text: &str) {
        std::fs::write(self.path(rel), text).unwrap();
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap()
    }

    fn cmd(&self) -> Command {
        let mut cmd = common::tool();
        cmd.current_dir(self.dir.path());
        cmd
    }

    /// `scan --baseline --format json`: the exit code and the document.
    fn gate(&self, paths: &[&str]) -> (i32, Value) {
        let out = self
            .cmd()
            .args(["scan", "--format", "json", "--baseline", BASELINE])
            .args(paths)
            .output()
            .unwrap();
        let doc = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "{e}: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            )
        });
        (out.status.code().unwrap(), doc)
    }

    /// The baseline's entries as `path scope xcount`, in file order.
    fn entries(&self) -> Vec<String> {
        let doc: Value = serde_json::from_str(&self.read(BASELINE)).unwrap();
        let mut out = Vec::new();
        for (file, entries) in doc["files"].as_object().unwrap() {
            for e in entries.as_array().unwrap() {
                out.push(format!(
                    "{file} {} x{}",
                    e["scope"].as_str().unwrap(),
                    e["count"]
                ));
            }
        }
        out
    }
}

/// `(path, line, status)` of every site.
fn statuses(doc: &Value) -> Vec<(String, u64, String)> {
    doc["sites"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["path"].as_str().unwrap().to_owned(),
                s["line"].as_u64().unwrap(),
                s["baseline"].as_str().unwrap_or("-").to_owned(),
            )
        })
        .collect()
}

fn new_sites(doc: &Value) -> Vec<(String, u64)> {
    statuses(doc)
        .into_iter()
        .filter(|s| s.2 == "new")
        .map(|s| (s.0, s.1))
        .collect()
}

fn fixed(doc: &Value) -> u64 {
    doc["fixed_since_baseline"].as_u64().unwrap()
}

fn all_baselined(doc: &Value) -> bool {
    statuses(doc).iter().all(|s| s.2 == "baselined")
}

#[test]
fn baseline_file_is_sorted_one_entry_per_line() {
    let repo = Repo::with_baseline();
    let text = repo
        .read(BASELINE)
        .replace(env!("CARGO_PKG_VERSION"), "[version]");
    insta::assert_snapshot!(text);
}

#[test]
fn unchanged_tree_passes_and_rerunning_baseline_changes_nothing() {
    let repo = Repo::with_baseline();
    let (code, doc) = repo.gate(&[]);
    assert_eq!(code, 0);
    assert!(all_baselined(&doc));
    assert_eq!(statuses(&doc).len(), 6);
    assert_eq!(fixed(&doc), 0);
    let before = repo.read(BASELINE);
    repo.cmd()
        .arg("baseline")
        .assert()
        .code(0)
        .stderr("uuid-migrate-baseline.json is up to date: 6 sites in 2 files\n");
    assert_eq!(repo.read(BASELINE), before);
}

#[test]
fn survives_lines_inserted_and_deleted_elsewhere() {
    let repo = Repo::with_baseline();
    repo.put("app/sessions.py", "sessions_lines_moved.py");
    let (code, doc) = repo.gate(&[]);
    assert_eq!(code, 0, "{doc}");
    assert!(all_baselined(&doc));
    // Every site of sessions.py is on another line now.
    let lines: Vec<u64> = statuses(&doc)
        .into_iter()
        .filter(|s| s.0 == "app/sessions.py")
        .map(|s| s.1)
        .collect();
    assert_eq!(lines, [19, 24, 32, 38, 39]);
    assert_eq!(fixed(&doc), 0);
}

#[test]
fn survives_reformatting() {
    // Two-space indentation, a call split over lines with a magic trailing comma, a right-hand
    // side wrapped in parentheses, single quotes turned double, spaces inside parentheses.
    let repo = Repo::with_baseline();
    repo.put("app/sessions.py", "sessions_reformatted.py");
    let (code, doc) = repo.gate(&[]);
    assert_eq!(code, 0, "{doc}");
    assert!(all_baselined(&doc));
    assert_eq!(fixed(&doc), 0);
}

#[test]
fn a_duplicated_statement_is_one_new_site() {
    let repo = Repo::with_baseline();
    repo.put("app/sessions.py", "sessions_duplicated.py");
    let (code, doc) = repo.gate(&[]);
    assert_eq!(code, 1);
    // Identical statements are interchangeable: the last one is the one beyond the count.
    assert_eq!(new_sites(&doc), [("app/sessions.py".to_owned(), 28)]);
    assert_eq!(fixed(&doc), 0);
    repo.cmd()
        .args(["scan", "--baseline", BASELINE])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "app/sessions.py:28:20: UM001 unknown string low phase 1 app manual new",
        ))
        .stdout(predicate::str::contains("1 site new since the baseline"));
}

#[test]
fn two_identical_sites_one_removed() {
    let repo = Repo::with_baseline();
    repo.put("app/sessions.py", "sessions_one_of_two_removed.py");
    let (code, doc) = repo.gate(&[]);
    assert_eq!(code, 0);
    assert!(all_baselined(&doc));
    assert_eq!(fixed(&doc), 1);
    repo.cmd()
        .args(["scan", "--baseline", BASELINE])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "1 fixed since the baseline: run `uuid-migrate baseline` to lock in the progress",
        ));
    // The ratchet lowers the count from 2 to 1...
    repo.cmd()
        .arg("baseline")
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "1 site fixed: removed from the baseline\n  - app/sessions.py: ids.append(str(uuid.uuid4()))\n",
        ))
        .stderr(predicate::str::contains(
            "wrote uuid-migrate-baseline.json: 5 sites in 2 files (was 6)",
        ));
    assert!(
        repo.entries()
            .contains(&"app/sessions.py test_batch_ids x1".to_owned())
    );
    // ...so putting the second one back is new again.
    repo.put("app/sessions.py", "sessions.py");
    let (code, doc) = repo.gate(&[]);
    assert_eq!(code, 1);
    assert_eq!(new_sites(&doc), [("app/sessions.py".to_owned(), 27)]);
}

#[test]
fn survives_a_file_renamed_and_moved() {
    let repo = Repo::with_baseline();
    std::fs::create_dir_all(repo.path("app/store")).unwrap();
    std::fs::rename(
        repo.path("app/sessions.py"),
        repo.path("app/store/session_store.py"),
    )
    .unwrap();
    let (code, doc) = repo.gate(&[]);
    assert_eq!(code, 0, "{doc}");
    assert!(all_baselined(&doc));
    assert_eq!(fixed(&doc), 0);
    // The ratchet moves the entries to the new path.
    repo.cmd()
        .arg("baseline")
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "5 sites moved to another file: entries follow them\n  app/sessions.py -> app/store/session_store.py (5 sites)\n",
        ));
    assert_eq!(
        repo.entries(),
        [
            "app/events.py make_metric x1",
            "app/store/session_store.py make_event x1",
            "app/store/session_store.py SessionStore.create x1",
            "app/store/session_store.py test_batch_ids x2",
            "app/store/session_store.py SessionStore.describe x1",
        ]
    );
}

#[test]
fn survives_a_function_moved_to_another_file() {
    let repo = Repo::with_baseline();
    repo.put("app/sessions.py", "sessions_function_moved_out.py");
    repo.put("app/events.py", "events_function_moved_in.py");
    let (code, doc) = repo.gate(&[]);
    assert_eq!(code, 0, "{doc}");
    assert!(all_baselined(&doc));
    assert_eq!(fixed(&doc), 0);
}

#[test]
fn a_copy_to_another_file_is_new() {
    // The original still uses its entry, so the copy finds no allowance left.
    let repo = Repo::with_baseline();
    repo.put("app/copy.py", "sessions.py");
    let (code, doc) = repo.gate(&[]);
    assert_eq!(code, 1);
    assert_eq!(new_sites(&doc).len(), 5);
    assert!(new_sites(&doc).iter().all(|s| s.0 == "app/copy.py"));
}

#[test]
fn editing_the_rest_of_the_statement_is_new_and_fixed() {
    // Documented limit: the statement around the site is its identity, so editing it is a fix
    // plus a new site.
    let repo = Repo::with_baseline();
    repo.put("app/sessions.py", "sessions_target_renamed.py");
    let (code, doc) = repo.gate(&[]);
    assert_eq!(code, 1);
    assert_eq!(new_sites(&doc), [("app/sessions.py".to_owned(), 11)]);
    assert_eq!(fixed(&doc), 1);
}

#[test]
fn editing_only_the_sites_own_expression_is_not_new() {
    // `str(uuid.uuid4())` -> `"s-" + str(uuid.uuid4())`: the expression a rewrite would replace
    // is masked in the fingerprint, so the same site in the same statement stays baselined.
    let repo = Repo::with_baseline();
    repo.put("app/sessions.py", "sessions_statement_edited.py");
    let (code, doc) = repo.gate(&[]);
    assert_eq!(code, 0, "{doc}");
    assert!(all_baselined(&doc));
    assert_eq!(fixed(&doc), 0);
}

#[test]
fn ratchet_adds_new_sites_only_with_allow_new() {
    let repo = Repo::with_baseline();
    repo.put("app/sessions.py", "sessions_duplicated.py");
    let before = repo.read(BASELINE);
    repo.cmd()
        .arg("baseline")
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "1 new site not in the baseline, NOT added: fix them, suppress them, or rerun with --allow-new to accept them\n  + app/sessions.py:28:20: ids.append(str(uuid.uuid4()))\n",
        ))
        .stderr(predicate::str::contains(
            "uuid-migrate-baseline.json is up to date: 6 sites in 2 files",
        ));
    assert_eq!(repo.read(BASELINE), before);
    repo.cmd()
        .args(["baseline", "--allow-new"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "1 new site not in the baseline, added to the baseline (--allow-new)",
        ))
        .stderr(predicate::str::contains(
            "wrote uuid-migrate-baseline.json: 7 sites in 2 files (was 6)",
        ));
    assert!(
        repo.entries()
            .contains(&"app/sessions.py test_batch_ids x3".to_owned())
    );
    let (code, _) = repo.gate(&[]);
    assert_eq!(code, 0);
}

#[test]
fn a_partial_scan_judges_only_the_files_it_scanned() {
    // What pre-commit does: scan the changed files only. Entries of other files are neither
    // fixed nor required.
    let repo = Repo::with_baseline();
    repo.put("app/sessions.py", "sessions_one_of_two_removed.py");
    let (code, doc) = repo.gate(&["app/events.py"]);
    assert_eq!(code, 0);
    assert_eq!(fixed(&doc), 0);
    let (code, doc) = repo.gate(&["app/sessions.py"]);
    assert_eq!(code, 0);
    assert_eq!(fixed(&doc), 1);
    // A renamed file is found under its new name even when the old one is not scanned.
    std::fs::rename(repo.path("app/events.py"), repo.path("app/metrics.py")).unwrap();
    let (code, doc) = repo.gate(&["app/metrics.py"]);
    assert_eq!(code, 0, "{doc}");
    assert!(all_baselined(&doc));
}

#[test]
fn a_partial_ratchet_keeps_the_other_files_entries() {
    let repo = Repo::with_baseline();
    std::fs::remove_file(repo.path("app/events.py")).unwrap();
    repo.put("app/sessions.py", "sessions_one_of_two_removed.py");
    repo.cmd()
        .args(["baseline", "app/sessions.py"])
        .assert()
        .code(0);
    assert_eq!(
        repo.entries(),
        [
            "app/events.py make_metric x1",
            "app/sessions.py make_event x1",
            "app/sessions.py SessionStore.create x1",
            "app/sessions.py test_batch_ids x1",
            "app/sessions.py SessionStore.describe x1",
        ]
    );
}

#[test]
fn baseline_paths_are_relative_to_the_baseline_file() {
    let repo = Repo::with_baseline();
    let out = common::tool()
        .current_dir(repo.path("app"))
        .args(["scan", ".", "--format", "json", "--baseline"])
        .arg(format!("../{BASELINE}"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(all_baselined(&doc));
    assert_eq!(fixed(&doc), 0);
}

#[test]
fn suppressed_sites_stay_out_of_the_baseline() {
    let repo = Repo::with_baseline();
    repo.write(
        "app/quiet.py",
        "import uuid\nx = uuid.uuid4()  # uuid-migrate: ignore[legacy key]\n",
    );
    let (code, doc) = repo.gate(&[]);
    assert_eq!(code, 0);
    assert!(new_sites(&doc).is_empty());
    repo.cmd()
        .args(["baseline", "--allow-new"])
        .assert()
        .code(0);
    assert!(!repo.read(BASELINE).contains("quiet.py"));
}

#[test]
fn baseline_output_option_writes_elsewhere() {
    let repo = Repo::with_baseline();
    repo.cmd()
        .args(["baseline", "--output", "ci/gate.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("ci/gate.json"));
    std::fs::create_dir(repo.path("ci")).unwrap();
    repo.cmd()
        .args(["baseline", "app", "--output", "ci/gate.json"])
        .assert()
        .code(0)
        .stderr("wrote ci/gate.json: 6 sites in 2 files\n");
    assert!(
        repo.read("ci/gate.json")
            .contains("\n    \"../app/events.py\": [\n")
    );
}

fn gate_error(text: &str) -> String {
    let repo = Repo::with_baseline();
    repo.write(BASELINE, text);
    let out = repo
        .cmd()
        .args(["scan", "--baseline", BASELINE])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    // The ratchet refuses too, and leaves the file alone.
    repo.cmd().arg("baseline").assert().code(2);
    assert_eq!(repo.read(BASELINE), text);
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn a_missing_baseline_is_an_error() {
    let repo = Repo::with_baseline();
    repo.cmd()
        .args(["scan", "--baseline", "missing.json"])
        .assert()
        .code(2)
        .stdout("")
        .stderr("error: missing.json: cannot read the baseline: no such file (write one with `uuid-migrate baseline`)\n");
}

#[test]
fn a_directory_as_baseline_is_an_error() {
    let repo = Repo::with_baseline();
    repo.cmd()
        .args(["scan", "--baseline", "app"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(
            "error: app: cannot read the baseline: ",
        ));
}

#[test]
fn malformed_json_names_the_line() {
    let stderr =
        gate_error("{\n  \"version\": 1,\n  \"entries\": [\n    {\"path\": \"a.py\",}\n  ]\n}\n");
    assert_eq!(
        stderr,
        "error: uuid-migrate-baseline.json:4:21: malformed baseline: trailing comma\n"
    );
}

#[test]
fn a_merge_conflict_is_malformed() {
    let stderr = gate_error("{\n<<<<<<< HEAD\n  \"version\": 1,\n");
    assert_eq!(
        stderr,
        "error: uuid-migrate-baseline.json:2:1: malformed baseline: key must be a string\n"
    );
}

#[test]
fn an_empty_file_is_malformed() {
    let stderr = gate_error("");
    assert_eq!(
        stderr,
        "error: uuid-migrate-baseline.json:1:0: malformed baseline: EOF while parsing a value\n"
    );
}

#[test]
fn another_format_version_is_rejected() {
    let stderr =
        gate_error("{\"version\": 3, \"tool\": \"uuid-migrate 9.0.0\", \"entries\": []}\n");
    assert!(
        stderr.starts_with(
            "error: uuid-migrate-baseline.json: baseline format version 3 is not supported: uuid-migrate "
        ),
        "{stderr}"
    );
    assert!(
        stderr.ends_with(
            "reads versions 1 and 2; use the version that wrote it (uuid-migrate 9.0.0), or delete the file and run `uuid-migrate baseline` to write a new one\n"
        ),
        "{stderr}"
    );
}

#[test]
fn other_json_is_not_a_baseline() {
    assert_eq!(
        gate_error("[1, 2]\n"),
        "error: uuid-migrate-baseline.json: not a uuid-migrate baseline: expected a JSON object\n"
    );
    assert_eq!(
        gate_error("{\"sites\": []}\n"),
        "error: uuid-migrate-baseline.json: not a uuid-migrate baseline: no `version` field\n"
    );
}

#[test]
fn bad_entries_are_named() {
    let entry = |fingerprint: &str, count: u32| {
        format!(
            "{{\"fingerprint\":\"{fingerprint}\",\"count\":{count},\"scope\":\"f\",\"statement\":\"x\"}}"
        )
    };
    let file = |entries: &[String]| {
        format!(
            "{{\n  \"version\": 1,\n  \"tool\": \"uuid-migrate 0.1.0\",\n  \"files\": {{\n    \"app/a.py\": [\n      {}\n    ]\n  }}\n}}\n",
            entries.join(",\n      ")
        )
    };
    assert_eq!(
        gate_error(&file(&[entry("xyz", 1)])),
        "error: uuid-migrate-baseline.json:5: app/a.py: entry 1: fingerprint `xyz` is not 16 hex digits\n"
    );
    assert_eq!(
        gate_error(&file(&[entry("0123456789abcdef", 0)])),
        "error: uuid-migrate-baseline.json:5: app/a.py: entry 1: count must be at least 1\n"
    );
    assert_eq!(
        gate_error(&file(&[
            entry("0123456789abcdef", 1),
            entry("0123456789abcdef", 2)
        ])),
        "error: uuid-migrate-baseline.json:5: app/a.py: entry 2: same fingerprint as entry 1 (a bad merge? keep one entry with the sum of the counts)\n"
    );
    let twice = format!(
        "{{\"version\": 1, \"tool\": \"t\", \"files\": {{\"a.py\": [{}], \"a.py\": []}}}}",
        entry("0123456789abcdef", 1)
    );
    assert_eq!(
        gate_error(&twice),
        "error: uuid-migrate-baseline.json:1: a.py: listed twice (a bad merge? keep one list with the entries of both)\n"
    );
    assert_eq!(
        gate_error(&file(&[entry("0123456789abcdef", u32::MAX)])),
        "error: uuid-migrate-baseline.json:5: app/a.py: entry 1: count 4294967295 is more than a file can hold (at most 1000000)\n"
    );
    for (path, why) in [
        ("../outside.py", "a `.` or `..` component"),
        ("app/../a.py", "a `.` or `..` component"),
        ("./a.py", "a `.` or `..` component"),
        ("/etc/a.py", "an absolute path"),
        ("app//a.py", "an empty component (`//` or a trailing `/`)"),
    ] {
        let text = format!(
            "{{\"version\": 2, \"tool\": \"t\", \"files\": {{\"{path}\": [{}]}}}}",
            entry("0123456789abcdef", 1)
        );
        assert_eq!(
            gate_error(&text),
            format!(
                "error: uuid-migrate-baseline.json:1: {path}: {why}: paths are relative to the baseline file's directory, with `/` (rewrite the file with `uuid-migrate baseline`)\n"
            )
        );
    }
    let missing = "{\"version\": 1, \"tool\": \"t\", \"files\": {\"a.py\": [{\"count\": 1}]}}";
    assert_eq!(
        gate_error(missing),
        "error: uuid-migrate-baseline.json:1:59: malformed baseline: missing field `fingerprint`\n"
    );
}

#[test]
fn informational_fields_may_be_missing() {
    // `tool`, `scope` and `statement` are for people; a hand-written file may leave them out.
    let repo = Repo::with_baseline();
    let written: Value = serde_json::from_str(&repo.read(BASELINE)).unwrap();
    let mut files = serde_json::Map::new();
    for (file, entries) in written["files"].as_object().unwrap() {
        let bare: Vec<Value> = entries
            .as_array()
            .unwrap()
            .iter()
            .map(|e| serde_json::json!({"fingerprint": e["fingerprint"], "count": e["count"]}))
            .collect();
        files.insert(file.clone(), Value::Array(bare));
    }
    repo.write(
        BASELINE,
        &serde_json::json!({"version": 2, "files": files}).to_string(),
    );
    let (code, doc) = repo.gate(&[]);
    assert_eq!(code, 0, "{doc}");
    assert!(all_baselined(&doc));
}

#[test]
fn sarif_and_github_carry_the_baseline_state() {
    let repo = Repo::with_baseline();
    repo.put("app/sessions.py", "sessions_duplicated.py");
    let sarif = |show_baselined: bool| {
        let out = repo
            .cmd()
            .args(["scan", "--format", "sarif", "--baseline", BASELINE])
            .args(show_baselined.then_some("--show-baselined"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(doc["runs"][0]["properties"]["fixedSinceBaseline"], 0);
        let states: Vec<(String, String)> = doc["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["baselineState"].as_str().unwrap().to_owned(),
                    r["level"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        let count = |state: &str, level: &str| {
            states
                .iter()
                .filter(|s| s.0 == state && s.1 == level)
                .count()
        };
        (
            count("new", "error"),
            count("unchanged", "note"),
            states.len(),
        )
    };
    // By default only the new site is a result; --show-baselined adds the others.
    assert_eq!(sarif(false), (1, 0, 1));
    assert_eq!(sarif(true), (1, 6, 7));
    repo.cmd()
        .args(["scan", "--format", "github", "--baseline", BASELINE])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "::error file=app/sessions.py,line=28,col=20,endLine=28,endColumn=32,title=uuid-migrate (UM001) new since the baseline::",
        ))
        .stdout(predicate::function(|s: &str| s.matches("::error").count() == 1))
        .stdout(predicate::str::ends_with(
            "::notice title=uuid-migrate::7 uuid4 sites in 2 files (2 files scanned); 1 new since the baseline\n",
        ));
}

#[test]
fn a_rewritten_wave_passes_its_own_gate() {
    // Baseline, rewrite the fixable sites, gate: the sites left in the same statements as
    // rewritten ones are still baselined, and the fixed count is the number rewritten.
    let repo = Repo::with_baseline();
    repo.put("app/wave.py", "wave.py");
    repo.cmd()
        .args(["baseline", "--allow-new"])
        .assert()
        .code(0);
    let before = repo.entries();
    let out = repo.cmd().args(["rewrite", "--write"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let rewritten: u64 = stderr
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("a count of rewritten sites: {stderr}"));
    assert!(rewritten >= 8, "{stderr}");
    assert!(
        repo.read("app/wave.py").contains(
            "make(run_id=UnifiedIdGenerator.generate_base_id(\"run\"), other=uuid.uuid4())"
        ),
        "{}",
        repo.read("app/wave.py")
    );
    let (code, doc) = repo.gate(&[]);
    assert_eq!(code, 0, "{doc}");
    assert!(all_baselined(&doc));
    assert_eq!(fixed(&doc), rewritten);
    // The ratchet takes exactly the rewritten sites out and adds nothing.
    let out = repo.cmd().arg("baseline").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let after: u64 = repo
        .entries()
        .iter()
        .map(|e| e.rsplit_once(" x").unwrap().1.parse::<u64>().unwrap())
        .sum();
    let was: u64 = before
        .iter()
        .map(|e| e.rsplit_once(" x").unwrap().1.parse::<u64>().unwrap())
        .sum();
    assert_eq!(after, was - rewritten);
}

#[test]
fn a_version_1_baseline_still_gates_and_is_upgraded_by_the_next_ratchet() {
    // The version-1 file of the fixtures, as version 0.1.0 wrote it (nothing masked).
    let repo = Repo::with_baseline();
    repo.write(
        BASELINE,
        r#"{
  "version": 1,
  "tool": "uuid-migrate 0.1.0",
  "files": {
    "app/events.py": [
      {"fingerprint":"ddbfcc7f85cb0d13","count":1,"scope":"make_metric","statement":"metric_id=f\"metric_{uuid.uuid4().hex[:8]}\""}
    ],
    "app/sessions.py": [
      {"fingerprint":"381e06941f7ee8f6","count":1,"scope":"SessionStore.describe","statement":"return{'request_id':f\"req_{uuid.uuid4().hex[:8]}\",'user':user}"},
      {"fingerprint":"4deecc4156bb27a6","count":2,"scope":"test_batch_ids","statement":"ids.append(str(uuid.uuid4()))"},
      {"fingerprint":"633d86549763eb84","count":1,"scope":"SessionStore.create","statement":"session_id=str(uuid.uuid4())"},
      {"fingerprint":"de7d3e52ab685742","count":1,"scope":"make_event","statement":"event_id=payload.get(\"event_id\")orstr(uuid.uuid4())"}
    ]
  }
}
"#,
    );
    let (code, doc) = repo.gate(&[]);
    assert_eq!(code, 0, "{doc}");
    assert!(all_baselined(&doc));
    // A ratchet over part of the tree cannot re-key the other files' entries.
    repo.cmd()
        .args(["baseline", "app/sessions.py"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "a version-1 baseline is upgraded to version 2 only by a run over all of its files",
        ));
    repo.cmd().arg("baseline").assert().code(0);
    assert!(repo.read(BASELINE).contains("\"version\": 2"));
    let (code, doc) = repo.gate(&[]);
    assert_eq!(code, 0, "{doc}");
    assert!(all_baselined(&doc));
}
