//! `rewrite --write --verify CMD` on a project with its own tests (`fixtures/verify/`, whose
//! `check.py` asserts that a trace id is 36 characters long, so rewriting `billing/traces.py`
//! breaks it): the wave keeps every other module, puts that one back and names the failing test;
//! a red suite stops before anything changes; a timeout is a failure; Ctrl-C puts the batch
//! back; a killed run is repaired by the next; two culprits among sixteen files cost fewer runs than files; files with uncommitted
//! changes in git are refused.

mod common;
use common::copy_tree;
use common::{has_python3, json_of, project, tool};

use std::path::Path;
use std::time::{Duration, Instant};

const CHECK: &str = "python3 check.py";
const JOURNAL: &str = ".uuid-migrate-verify.journal";
const FIXTURE: &str = "fixtures/verify";

/// A copy of the fixture project.
fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(Path::new(FIXTURE), dir.path());
    dir
}

/// `uuid-migrate rewrite --write --verify CMD ARGS... .` in `dir`.
fn verify(dir: &Path, command: &str, args: &[&str]) -> std::process::Output {
    tool()
        .args(["rewrite", "--write", "--verify", command])
        .args(args)
        .arg(".")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .current_dir(dir)
        .output()
        .unwrap()
}

fn read(dir: &Path, path: &str) -> String {
    std::fs::read_to_string(dir.join(path)).unwrap()
}

fn paths(list: &serde_json::Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn the_fixture_keeps_every_module_but_the_one_that_breaks_a_test() {
    if !has_python3() {
        println!("note: python3 not found; verified waves are not tested");
        return;
    }
    let dir = fixture();
    let out = verify(dir.path(), CHECK, &["--report", "report.json"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let report = json_of(&std::fs::read(dir.path().join("report.json")).unwrap());
    assert_eq!(
        paths(&report["applied"]),
        ["app/sessions.py", "app/users.py", "billing/transactions.py"]
    );
    assert_eq!(paths(&report["reverted"]), ["billing/traces.py"]);
    let tail = report["reverted"][0]["failure"]["output_tail"]
        .as_str()
        .unwrap();
    assert!(
        tail.contains("FAIL test_trace_ids_are_36_characters"),
        "{tail}"
    );
    assert_eq!(report["sites_applied"], 3);
    // Before; app/ passes; billing/ fails; traces.py alone fails; transactions.py alone passes.
    assert_eq!(report["command_runs"], 5, "{report:#}");
    assert!(report["stopped"].is_null());
    assert!(err.contains("reverted: billing/traces.py"), "{err}");
    assert!(
        err.contains("FAIL test_trace_ids_are_36_characters"),
        "{err}"
    );

    // The culprit holds its original bytes; the others are rewritten; the tree passes.
    assert_eq!(
        read(dir.path(), "billing/traces.py"),
        read(Path::new(FIXTURE), "billing/traces.py")
    );
    for rewritten in ["app/sessions.py", "app/users.py", "billing/transactions.py"] {
        assert!(
            read(dir.path(), rewritten).contains("UnifiedIdGenerator.generate_base_id"),
            "{rewritten}"
        );
    }
    assert!(!dir.path().join(JOURNAL).exists());
    let check = std::process::Command::new("python3")
        .arg("check.py")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(check.status.success(), "{check:?}");

    // Again: only the culprit is left, it fails again, and the markdown report says why.
    let again = verify(dir.path(), CHECK, &["--report", "report.md"]);
    assert_eq!(again.status.code(), Some(1), "{}", stderr(&again));
    let markdown = read(dir.path(), "report.md");
    assert!(markdown.contains("## Reverted"), "{markdown}");
    assert!(markdown.contains("billing/traces.py"), "{markdown}");
    assert!(
        markdown.contains("FAIL test_trace_ids_are_36_characters"),
        "{markdown}"
    );
    assert!(markdown.contains("| sites applied | 0 |"), "{markdown}");
}

#[test]
fn a_red_suite_stops_before_anything_changes() {
    let dir = fixture();
    let out = verify(dir.path(), "echo 'test_login FAILED'; exit 1", &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("the suite must pass first"), "{err}");
    assert!(err.contains("| test_login FAILED"), "{err}");
    for file in ["app/sessions.py", "app/users.py", "billing/traces.py"] {
        assert_eq!(read(dir.path(), file), read(Path::new(FIXTURE), file));
    }
    assert!(!dir.path().join(JOURNAL).exists());
}

#[test]
fn a_timeout_kills_the_command_and_counts_as_a_failure() {
    let dir = fixture();
    // Sleeps (in a child of the shell) once transactions.py is rewritten.
    let command = "if grep -q UnifiedIdGenerator billing/transactions.py; then sleep 60; fi";
    let started = Instant::now();
    let out = verify(
        dir.path(),
        command,
        &["--verify-timeout", "1", "--report", "report.json"],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(started.elapsed() < Duration::from_secs(30), "{err}");
    let report = json_of(&std::fs::read(dir.path().join("report.json")).unwrap());
    assert_eq!(paths(&report["reverted"]), ["billing/transactions.py"]);
    assert_eq!(report["reverted"][0]["failure"]["status"], "timed_out");
    assert!(err.contains("timed out after 1 s"), "{err}");
    assert_eq!(
        paths(&report["applied"]),
        ["app/sessions.py", "app/users.py", "billing/traces.py"]
    );
}

#[test]
fn a_killed_run_is_restored_by_the_next_run() {
    let dir = fixture();
    // The shell's parent is uuid-migrate: kill it while billing/ is written, as `kill -9` would.
    let killer = "if grep -q UnifiedIdGenerator billing/traces.py; then kill -9 $PPID; fi";
    let killed = verify(dir.path(), killer, &[]);
    assert_eq!(killed.status.code(), None, "{}", stderr(&killed));
    assert!(dir.path().join(JOURNAL).exists());
    assert!(read(dir.path(), "billing/traces.py").contains("UnifiedIdGenerator"));
    assert!(read(dir.path(), "app/users.py").contains("UnifiedIdGenerator"));

    let next = verify(dir.path(), "true", &["--report", "report.json"]);
    let err = stderr(&next);
    assert_eq!(next.status.code(), Some(0), "{err}");
    assert!(err.contains("an interrupted run"), "{err}");
    assert!(
        err.contains("2 files restored to the last good state"),
        "{err}"
    );
    let report = json_of(&std::fs::read(dir.path().join("report.json")).unwrap());
    assert_eq!(
        report["recovered"]["restored"],
        serde_json::json!(["billing/traces.py", "billing/transactions.py"])
    );
    // The restored batch was the wave this time; the batch that had passed stayed written.
    assert_eq!(
        paths(&report["applied"]),
        ["billing/traces.py", "billing/transactions.py"]
    );
    assert!(!dir.path().join(JOURNAL).exists());
}

#[test]
#[cfg(unix)]
fn ctrl_c_kills_the_command_puts_the_batch_back_and_stops() {
    let dir = fixture();
    let command =
        "if grep -q UnifiedIdGenerator billing/traces.py; then kill -INT $PPID; sleep 60; fi";
    let started = Instant::now();
    let out = verify(dir.path(), command, &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(started.elapsed() < Duration::from_secs(30), "{err}");
    assert!(
        err.contains("interrupted: the batch being tested was put back"),
        "{err}"
    );
    for file in ["billing/traces.py", "billing/transactions.py"] {
        assert_eq!(read(dir.path(), file), read(Path::new(FIXTURE), file));
    }
    assert!(read(dir.path(), "app/users.py").contains("UnifiedIdGenerator"));
    assert!(!dir.path().join(JOURNAL).exists());
}

#[test]
fn two_culprits_among_sixteen_files_cost_fewer_runs_than_files() {
    let mut files: Vec<(String, String)> = (0..16)
        .map(|i| {
            (
                format!("pkg/m{i:02}.py"),
                "import uuid\n\n\ndef new_session_id():\n    session_id = str(uuid.uuid4())\n    return session_id\n".to_owned(),
            )
        })
        .collect();
    files.push(("pkg/__init__.py".to_owned(), String::new()));
    // Fails when m03 or m12 is rewritten: a grep is enough, and fast.
    let command = "! grep -l UnifiedIdGenerator pkg/m03.py pkg/m12.py";
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, c)| (p.as_str(), c.as_str()))
        .collect();
    let dir = project(&files);
    let out = verify(dir.path(), command, &["--report", "report.json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = json_of(&std::fs::read(dir.path().join("report.json")).unwrap());
    assert_eq!(paths(&report["reverted"]), ["pkg/m03.py", "pkg/m12.py"]);
    assert_eq!(report["applied"].as_array().unwrap().len(), 14);
    assert_eq!(report["batches"], 1);
    let runs = report["command_runs"].as_u64().unwrap();
    // Trying each file alone would cost 16 runs after the first; bisection costs 12.
    assert_eq!(runs, 1 + 12, "{report:#}");
    for i in [3, 12] {
        assert!(!read(dir.path(), &format!("pkg/m{i:02}.py")).contains("UnifiedIdGenerator"));
    }
}

#[test]
fn files_with_uncommitted_changes_are_refused_unless_allowed() {
    let git = |dir: &Path, args: &[&str]| {
        std::process::Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .current_dir(dir)
            .output()
            .is_ok_and(|o| o.status.success())
    };
    let dir = fixture();
    if !git(dir.path(), &["init", "-q"]) {
        println!("note: git not found; the dirty-tree check is not tested");
        return;
    }
    assert!(git(dir.path(), &["add", "."]));
    assert!(git(dir.path(), &["commit", "-qm", "fixture"]));
    let users = dir.path().join("app/users.py");
    let edited = format!("{}# work in progress\n", read(dir.path(), "app/users.py"));
    std::fs::write(&users, &edited).unwrap();

    let out = verify(dir.path(), "true", &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("app/users.py: uncommitted changes in git"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&users).unwrap(), edited);
    assert!(read(dir.path(), "app/sessions.py").contains("UnifiedIdGenerator"));

    let allowed = verify(dir.path(), "true", &["--allow-dirty"]);
    assert_eq!(allowed.status.code(), Some(0), "{}", stderr(&allowed));
    let now = std::fs::read_to_string(&users).unwrap();
    assert!(now.contains("UnifiedIdGenerator") && now.contains("# work in progress"));
}

#[test]
fn verify_requires_write() {
    let dir = fixture();
    let out = tool()
        .args(["rewrite", "--verify", "true", "."])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--write"), "{}", stderr(&out));
    let out = tool()
        .args(["rewrite", "--write", "--batch-size", "2", "."])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(read(dir.path(), "app/users.py").contains("import uuid"));
}
