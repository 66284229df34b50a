//! `progress` on small repositories built with the `git` command line: linear history, merges
//! with and without `--first-parent`, renames, deletions, a configuration change, a missing
//! blob, and agreement with `scan` of a checkout at every commit.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn tool() -> Command {
    Command::cargo_bin("uuid-migrate").unwrap()
}

/// A repository in a temporary directory, committed to with fixed dates.
struct Repo {
    dir: tempfile::TempDir,
    clock: u64,
}

impl Repo {
    fn new() -> Repo {
        let repo = Repo {
            dir: tempfile::tempdir().unwrap(),
            clock: 1_735_718_400, // 2025-01-01T08:00:00Z
        };
        repo.git(&["init", "-q", "-b", "main"]);
        repo
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn git(&self, args: &[&str]) -> String {
        let date = format!("@{} +0000", self.clock);
        let out = std::process::Command::new("git")
            .args(args)
            .current_dir(self.path())
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    }

    fn write(&self, path: &str, text: &str) {
        let full = self.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    }

    /// Commits everything, a day after the previous commit; returns the commit id.
    fn commit(&mut self, message: &str) -> String {
        self.clock += 86_400;
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--allow-empty", "-m", message]);
        self.git(&["rev-parse", "HEAD"])
    }

    fn progress(&self, args: &[&str]) -> Value {
        let out = tool()
            .arg("progress")
            .args(["--repo", self.path().to_str().unwrap(), "--format", "json"])
            .args(args)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }
}

/// `n` sites in one file: `n` connection ids (fixable).
fn sites(n: usize) -> String {
    let mut text = String::from("import uuid\n\n");
    for i in 0..n {
        text.push_str(&format!("connection_id_{i} = str(uuid.uuid4())\n"));
    }
    text
}

fn counts(report: &Value) -> Vec<u64> {
    report["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["sites"].as_u64().unwrap())
        .collect()
}

fn commits(report: &Value) -> Vec<String> {
    report["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["commit"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn linear_history_counts_every_commit_oldest_first() {
    let mut repo = Repo::new();
    repo.write("svc/a.py", &sites(3));
    let first = repo.commit("three");
    repo.write("svc/b.py", &sites(2));
    repo.write("tests/test_b.py", &sites(1));
    repo.commit("six");
    repo.write("svc/a.py", &sites(1));
    let last = repo.commit("four");
    let report = repo.progress(&["--by", "area"]);
    assert_eq!(report["version"], 1);
    assert_eq!(counts(&report), [3, 6, 4]);
    let points = report["points"].as_array().unwrap();
    assert_eq!(points[0]["commit"], first.as_str());
    assert_eq!(points[2]["commit"], last.as_str());
    assert_eq!(points[0]["date"], "2025-01-02T08:00:00+00:00");
    assert_eq!(points[1]["files"], 3);
    assert_eq!(points[2]["by"]["app"], 3);
    assert_eq!(points[2]["by"]["test"], 1);
    // The highest point is the reference: 4 of 6 left.
    assert_eq!(report["reference"]["sites"], 6);
    assert_eq!(report["done_percent"], 33.3);
    assert_eq!(points[0]["done_percent"], Value::Null);

    let from = repo.progress(&["--from", &first]);
    assert_eq!(from["reference"]["kind"], "from");
    assert_eq!(from["done_percent"], -33.3);

    let since = repo.progress(&["--since", "2025-01-03"]);
    assert_eq!(counts(&since), [6, 4]);
    let until = repo.progress(&["--until", "2025-01-03"]);
    assert_eq!(counts(&until), [3, 6]);
}

#[test]
fn merges_with_and_without_first_parent() {
    let mut repo = Repo::new();
    repo.write("app/a.py", &sites(2));
    repo.commit("base");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("app/feature.py", &sites(5));
    let side = repo.commit("feature work");
    repo.git(&["checkout", "-q", "main"]);
    repo.write("app/a.py", &sites(1));
    repo.commit("main work");
    repo.clock += 86_400;
    repo.git(&["merge", "-q", "--no-ff", "-m", "merge feature", "feature"]);
    let all = repo.progress(&[]);
    let first_parent = repo.progress(&["--first-parent"]);
    assert_eq!(counts(&all), [2, 7, 1, 6]);
    assert!(commits(&all).contains(&side));
    assert_eq!(counts(&first_parent), [2, 1, 6]);
    assert!(!commits(&first_parent).contains(&side));
    assert_eq!(first_parent["first_parent"], true);
}

#[test]
fn renames_and_deletions() {
    let mut repo = Repo::new();
    repo.write("src/a.py", &sites(2));
    repo.write("src/b.py", &sites(3));
    repo.commit("two files");
    std::fs::create_dir(repo.path().join("tests")).unwrap();
    repo.git(&["mv", "src/a.py", "tests/test_a.py"]);
    repo.commit("a becomes a test");
    repo.git(&["rm", "-q", "src/b.py"]);
    repo.commit("b deleted");
    let report = repo.progress(&["--by", "area"]);
    assert_eq!(counts(&report), [5, 5, 2]);
    let points = report["points"].as_array().unwrap();
    // The renamed file's sites moved area: judged at their new path.
    assert_eq!(points[0]["by"]["app"], 5);
    assert_eq!(points[1]["by"]["app"], 3);
    assert_eq!(points[1]["by"]["test"], 2);
    assert_eq!(points[2]["by"]["app"], 0);
    assert_eq!(points[2]["files"], 1);
    assert_eq!(points[2]["python_files"], 1);
}

#[test]
fn configuration_committed_at_each_commit_is_used() {
    let mut repo = Repo::new();
    repo.write("svc/a.py", &sites(2));
    repo.write("legacy/b.py", &sites(3));
    repo.write("pyproject.toml", "[project]\nname = \"x\"\n");
    repo.commit("defaults");
    repo.write(
        "pyproject.toml",
        "[project]\nname = \"x\"\n\n[tool.uuid-migrate]\nexclude = [\"legacy\"]\n",
    );
    repo.commit("exclude legacy");
    repo.write(
        "pyproject.toml",
        "[project]\nname = \"y\"\n\n[tool.uuid-migrate]\nexclude = [\"legacy\"]\n",
    );
    repo.commit("unrelated pyproject edit");
    repo.write("uuid-migrate.toml", "test-paths = [\"svc/**\"]\n");
    repo.commit("uuid-migrate.toml wins");
    repo.write("uuid-migrate.toml", "typo = 1\n");
    repo.commit("broken configuration");
    let report = repo.progress(&["--by", "area"]);
    assert_eq!(counts(&report), [5, 2, 2, 5, 5]);
    let points = report["points"].as_array().unwrap();
    assert_eq!(points[3]["by"]["test"], 2);
    assert_eq!(points[3]["by"]["app"], 3);
    assert_eq!(points[4]["problems"], 1);
    let problems = report["problems"].as_array().unwrap();
    assert!(
        problems[0]["message"]
            .as_str()
            .unwrap()
            .contains("uuid-migrate.toml:1:"),
        "{problems:?}"
    );
}

#[test]
fn a_missing_blob_is_reported_for_its_commits_not_fatal() {
    let mut repo = Repo::new();
    repo.write("svc/a.py", &sites(2));
    repo.write("svc/b.py", &format!("{}# b\n", sites(3)));
    repo.commit("two files");
    repo.write("svc/a.py", &sites(1));
    repo.commit("a shrinks");
    let blob = repo.git(&["rev-parse", "HEAD:svc/b.py"]);
    let object: PathBuf = repo
        .path()
        .join(".git/objects")
        .join(&blob[..2])
        .join(&blob[2..]);
    std::fs::remove_file(&object).unwrap();
    let out = tool()
        .args(["progress", "--format", "json", "--no-cache", "--repo"])
        .arg(repo.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("svc/b.py") && stderr.contains("missing"),
        "{stderr}"
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(counts(&report), [2, 1]);
    for point in report["points"].as_array().unwrap() {
        assert_eq!(point["missing"], 1);
    }
}

#[test]
fn cache_is_reused_and_formats_render() {
    let mut repo = Repo::new();
    repo.write("svc/a.py", &sites(4));
    repo.commit("one");
    repo.write("svc/a.py", &sites(2));
    repo.commit("two");
    let cache = tempfile::tempdir().unwrap();
    let cache_dir = cache.path().to_str().unwrap();
    let cold = repo.progress(&["--cache-dir", cache_dir]);
    assert_eq!(cold["stats"]["blobs_read"], 2);
    let warm = repo.progress(&["--cache-dir", cache_dir]);
    assert_eq!(warm["stats"]["blobs_read"], 0);
    assert_eq!(counts(&cold), counts(&warm));
    // By default the cache lives in the git directory.
    repo.progress(&[]);
    assert!(repo.path().join(".git/uuid-migrate").is_dir());

    let run = |format: &str| {
        let out = tool()
            .args(["progress", "--by", "risk", "--format", format, "--repo"])
            .arg(repo.path())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        String::from_utf8(out.stdout).unwrap()
    };
    let csv = run("csv");
    assert!(csv.starts_with("commit,date,sites,fixable,files,"), "{csv}");
    assert_eq!(csv.lines().count(), 3);
    assert!(run("text").contains("50.0% done"));
    let svg = run("svg");
    assert!(svg.contains("<svg") && svg.contains("50.0% done"), "{svg}");
    let html = run("html");
    assert!(
        html.starts_with("<!DOCTYPE html>") && html.contains("<svg") && html.contains("<table>")
    );
}

#[test]
fn usage_errors_exit_2() {
    let mut repo = Repo::new();
    repo.write("a.py", &sites(1));
    repo.commit("one");
    tool()
        .args(["progress", "no-such-branch", "--repo"])
        .arg(repo.path())
        .assert()
        .code(2);
    let not_a_repo = tempfile::tempdir().unwrap();
    tool()
        .args(["progress", "--repo"])
        .arg(not_a_repo.path())
        .assert()
        .code(2);
    tool()
        .args(["progress", "--since", "someday", "--repo"])
        .arg(repo.path())
        .assert()
        .code(2);
}

/// For every commit, the point equals `scan --format json` of a checkout of that commit.
#[test]
fn agrees_with_scan_of_a_checkout_at_every_commit() {
    let mut repo = Repo::new();
    repo.write(
        "services/ws/conn.py",
        "import uuid\nfrom pydantic import Field\n\nclass C:\n    connection_id: str = Field(default_factory=lambda: f\"conn_{uuid.uuid4().hex[:8]}\")\n\ndef token():\n    refresh_token = str(uuid.uuid4())\n    return refresh_token\n",
    );
    repo.write(
        "tests/test_users.py",
        "from uuid import uuid4\n\ndef test_user():\n    user_id = f\"test_user_{uuid4().hex[:8]}\"\n    x = uuid4()  # uuid-migrate: ignore\n",
    );
    repo.write(".hidden/skip.py", &sites(4));
    repo.write(
        "pyproject.toml",
        "[tool.uuid-migrate]\nhigh-risk-paths = [\"services/ws/**\"]\n",
    );
    repo.commit("start");
    repo.write(
        "services/agents/run.py",
        "import uuid\ntry:\n    pass\nexcept Exception:\n    run_id = str(uuid.uuid4())\n",
    );
    repo.write("services/bin.py", "\0\0binary");
    repo.commit("more");
    std::fs::create_dir_all(repo.path().join("tests")).unwrap();
    repo.git(&["mv", "services/agents/run.py", "tests/test_run.py"]);
    repo.write(
        "pyproject.toml",
        "[tool.uuid-migrate]\n[[tool.uuid-migrate.phases]]\nphase = 4\npaths = [\"tests/**\"]\n",
    );
    repo.commit("moved and waves");
    let report = repo.progress(&["--no-cache"]);
    for point in report["points"].as_array().unwrap() {
        let commit = point["commit"].as_str().unwrap();
        let checkout = tempfile::tempdir().unwrap();
        let archive = std::process::Command::new("git")
            .args(["archive", commit])
            .current_dir(repo.path())
            .output()
            .unwrap();
        let mut tar = std::process::Command::new("tar")
            .args(["-x", "-C"])
            .arg(checkout.path())
            .stdin(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        std::io::Write::write_all(tar.stdin.as_mut().unwrap(), &archive.stdout).unwrap();
        drop(tar.stdin.take());
        assert!(tar.wait().unwrap().success());
        let scan = tool()
            .args(["scan", "--format", "json", "--no-cache"])
            .current_dir(checkout.path())
            .output()
            .unwrap();
        let scan: Value = serde_json::from_slice(&scan.stdout).unwrap();
        let summary = &scan["summary"];
        assert_eq!(point["sites"], summary["sites"], "{commit}");
        assert_eq!(point["fixable"], summary["fixable"], "{commit}");
        assert_eq!(point["files"], summary["files_with_sites"], "{commit}");
        assert_eq!(point["suppressed"], summary["suppressed"], "{commit}");
        assert_eq!(point["python_files"], summary["files_scanned"], "{commit}");
        assert_eq!(
            point["problems"].as_u64().unwrap() as usize,
            scan["errors"].as_array().unwrap().len(),
            "{commit}"
        );
        for (by, key) in [
            ("risk", "by_risk"),
            ("phase", "by_phase"),
            ("id-type", "by_id_type"),
            ("area", "by_area"),
        ] {
            let grouped = repo.progress(&["--no-cache", "--by", by, commit]);
            let last = grouped["points"]
                .as_array()
                .unwrap()
                .last()
                .unwrap()
                .clone();
            let mut ours: Vec<(String, u64)> = last["by"]
                .as_object()
                .unwrap()
                .iter()
                .filter(|(_, n)| n.as_u64() != Some(0))
                .map(|(k, n)| {
                    (
                        k.trim_start_matches("phase ").to_owned(),
                        n.as_u64().unwrap(),
                    )
                })
                .collect();
            ours.sort();
            let theirs: Vec<(String, u64)> = summary[key]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, n)| (k.clone(), n.as_u64().unwrap()))
                .collect();
            assert_eq!(ours, theirs, "{commit} --by {by}");
        }
    }
}
