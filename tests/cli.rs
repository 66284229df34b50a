//! The binary as a user runs it: exit codes, messages, formats, filters.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::Path;

mod common;
use common::{json_of, project, tool};

fn example() -> Command {
    let mut cmd = tool();
    cmd.current_dir("fixtures/example_project");
    cmd
}

#[test]
fn scan_with_sites_exits_1_and_prints_frames_and_summary() {
    example()
        .args(["scan", "."])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("services/websocket/types.py:"))
        .stdout(predicate::str::contains("^^^^^^^^^^"))
        .stdout(predicate::str::contains(
            "Found 39 sites in 9 of 16 files scanned",
        ))
        .stdout(predicate::str::contains("services/"));
}

#[test]
fn scan_without_sites_exits_0() {
    let dir = project(&[(
        "clean.py",
        "import uuid\nx = uuid.uuid1()\n# uuid.uuid4()\n",
    )]);
    tool()
        .arg("scan")
        .arg(dir.path())
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Found 0 sites"));
}

#[test]
fn json_is_stable_and_versioned() {
    let first = example()
        .args(["scan", "--format", "json"])
        .output()
        .unwrap();
    let second = example()
        .args(["scan", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(first.status.code(), Some(1));
    assert_eq!(first.stdout, second.stdout);
    let doc: serde_json::Value = serde_json::from_slice(&first.stdout).unwrap();
    assert_eq!(doc["version"], 2);
    let sites = doc["sites"].as_array().unwrap();
    assert_eq!(sites.len(), 39);
    let keys: Vec<(String, u64)> = sites
        .iter()
        .map(|s| {
            (
                s["path"].as_str().unwrap().to_owned(),
                s["offset"].as_u64().unwrap(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "sites are sorted by path, then offset");
    assert!(
        sites
            .iter()
            .all(|s| !s["path"].as_str().unwrap().contains('\\'))
    );
    assert_eq!(doc["summary"]["sites"], 39);
}

#[test]
fn filters_narrow_the_report() {
    let out = example()
        .args(["scan", "--format", "json", "--phase", "1", "--area", "test"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let sites = doc["sites"].as_array().unwrap();
    assert!(!sites.is_empty());
    assert!(sites.iter().all(|s| s["phase"] == 1 && s["area"] == "test"));
    let out = example()
        .args(["scan", "--format", "json", "--id-type", "secret"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        doc["sites"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["id_type"] == "secret" && s["fixable"] == false)
    );
}

#[test]
fn statistics_prints_only_the_summary() {
    example()
        .args(["scan", "--statistics"])
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with("Found 39 sites"))
        .stdout(predicate::str::contains("^^^").not());
}

#[test]
fn explain_shows_the_evidence() {
    example()
        .args(["scan", "--explain", "services/agents/tools.py"])
        .assert()
        .stdout(predicate::str::contains(
            "name `tool_id` from the annotated class field",
        ))
        .stdout(predicate::str::contains("word `tool` means id type tool"))
        .stdout(predicate::str::contains("medium risk: default factory"));
}

#[test]
fn missing_path_is_an_error_naming_it() {
    tool()
        .args(["scan", "no/such/dir"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no/such/dir: no such file or directory",
        ));
}

#[test]
fn directory_without_python_files_is_reported() {
    let dir = project(&[("notes.txt", "uuid.uuid4()")]);
    tool()
        .arg("scan")
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no Python files"));
}

#[test]
fn binary_file_named_py_is_reported_and_the_run_goes_on() {
    let dir = project(&[("ok.py", "import uuid\nrequest_id = str(uuid.uuid4())\n")]);
    std::fs::write(dir.path().join("blob.py"), b"\x00\x01uuid4\x00").unwrap();
    tool()
        .arg("scan")
        .arg(dir.path())
        .assert()
        .code(2)
        .stdout(predicate::str::contains("ok.py:2:"))
        .stderr(predicate::str::contains("blob.py: binary file"));
}

#[test]
fn pep263_latin1_is_decoded_and_columns_count_characters() {
    let out = tool()
        .args(["scan", "--format", "json", "fixtures/cli/latin1.py"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let site = &doc["sites"][0];
    assert_eq!(site["line"], 5);
    assert_eq!(site["column"], 16);
    let raw = std::fs::read("fixtures/cli/latin1.py").unwrap();
    let offset = site["offset"].as_u64().unwrap() as usize;
    assert_eq!(&raw[offset..offset + 10], b"uuid.uuid4");
}

#[test]
fn undeclared_non_utf8_is_reported_with_the_fix() {
    tool()
        .args(["scan", "fixtures/cli/undeclared_latin1.py"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "undeclared_latin1.py: not valid UTF-8 and no PEP 263 coding line",
        ));
}

#[test]
fn bom_crlf_and_tabs_give_exact_offsets() {
    let out = tool()
        .args(["scan", "--format", "json", "fixtures/cli/bom_crlf_tabs.py"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let site = &doc["sites"][0];
    let raw = std::fs::read("fixtures/cli/bom_crlf_tabs.py").unwrap();
    let offset = site["offset"].as_u64().unwrap() as usize;
    assert_eq!(&raw[offset..offset + 10], b"uuid.uuid4");
    assert_eq!(site["line"], 4);
    assert_eq!(site["column"], 22);
    assert_eq!(site["line_text"], "connection_id = str(uuid.uuid4())");
}

#[test]
fn a_site_on_a_space_continuation_of_a_tab_indented_block_is_not_an_error_region() {
    // Python accepts this file; tree-sitter alone reads the continuation as a dedent and the
    // whole module as one error, so scan called the site "inside a syntax error region".
    let dir = project(&[(
        "tabs.py",
        "import uuid\n\n\ndef f(a):\n\tif a:\n\t\tsession_id = (a and\n            str(uuid.uuid4()))\n\t\treturn session_id\n",
    )]);
    let out = tool()
        .current_dir(dir.path())
        .args(["scan", "--format", "json", "--no-cache", "tabs.py"])
        .output()
        .unwrap();
    let doc = json_of(&out.stdout);
    let site = &doc["sites"][0];
    assert_eq!(site["line"], 7);
    assert_eq!(site["name"], "session_id");
    assert_eq!(site["fixable"], true, "{site}");
    assert_eq!(doc["errors"], serde_json::json!([]));
}

#[test]
fn suppressed_sites_are_counted_not_dropped() {
    tool()
        .args(["scan", "fixtures/cli/suppressed.py"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("0 fixable, 2 suppressed"));
    tool()
        .args(["scan", "--show-suppressed", "fixtures/cli/suppressed.py"])
        .assert()
        .stdout(predicate::str::contains("suppressed `request_id`"));
    let out = tool()
        .args(["scan", "--format", "json", "fixtures/cli/suppressed.py"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["sites"][0]["suppressed"], true);
    assert_eq!(doc["sites"][0]["suppression_reason"], "legacy wire format");
    assert_eq!(doc["summary"]["suppressed"], 2);
}

#[test]
fn bad_config_names_file_line_and_choices() {
    let dir = project(&[
        (
            "uuid-migrate.toml",
            "exclude = []\n[type-words]\njob = \"task\"\n",
        ),
        ("a.py", "import uuid\nx = str(uuid.uuid4())\n"),
    ]);
    tool()
        .arg("scan")
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("uuid-migrate.toml:3:"))
        .stderr(predicate::str::contains("websocket"));
    std::fs::write(dir.path().join("uuid-migrate.toml"), "exclud = []\n").unwrap();
    tool()
        .arg("scan")
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("uuid-migrate.toml:1:"))
        .stderr(predicate::str::contains("exclude"));
}

#[test]
fn gitignore_is_honoured_unless_no_ignore_and_named_files_always_scanned() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join(".gitignore"), "generated/\n").unwrap();
    std::fs::create_dir(root.join("generated")).unwrap();
    let site = "import uuid\nrequest_id = str(uuid.uuid4())\n";
    std::fs::write(root.join("generated/gen.py"), site).unwrap();
    std::fs::write(root.join("app.py"), site).unwrap();
    let count = |args: &[&str]| -> u64 {
        let out = tool().args(args).output().unwrap();
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        doc["summary"]["sites"].as_u64().unwrap()
    };
    let root_str = root.to_str().unwrap();
    assert_eq!(count(&["scan", "--format", "json", root_str]), 1);
    assert_eq!(
        count(&["scan", "--format", "json", "--no-ignore", root_str]),
        2
    );
    let named = root.join("generated/gen.py");
    assert_eq!(
        count(&["scan", "--format", "json", named.to_str().unwrap()]),
        1
    );
}

#[test]
fn output_file_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.json");
    example()
        .args(["scan", "--format", "json", "--output"])
        .arg(&out)
        .assert()
        .code(1)
        .stdout("");
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(doc["version"], 2);
    assert!(Path::new(&out).exists());
}

#[test]
fn usage_errors_exit_2() {
    tool().args(["scan", "--format", "yaml"]).assert().code(2);
    tool()
        .args(["scan", "--risk", "extreme"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("low"));
}

#[test]
fn cache_gives_the_same_answer_and_notices_edits() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("uuid-migrate.toml"), "").unwrap();
    let file = root.join("app.py");
    std::fs::write(&file, "import uuid\nrequest_id = str(uuid.uuid4())\n").unwrap();
    // Old enough that the cache trusts its timestamp.
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
    std::fs::File::options()
        .write(true)
        .open(&file)
        .unwrap()
        .set_modified(old)
        .unwrap();
    let json = |extra: &[&str]| -> serde_json::Value {
        let out = tool()
            .current_dir(root)
            .args(["scan", "--format", "json"])
            .args(extra)
            .output()
            .unwrap();
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let cold = json(&[]);
    assert!(
        root.join(".uuid-migrate-cache").is_dir(),
        "the first run writes the cache"
    );
    let warm = json(&[]);
    assert_eq!(cold, warm);
    assert_eq!(warm["summary"]["sites"], 1);

    std::fs::write(
        &file,
        "import uuid\nrequest_id = str(uuid.uuid4())\ntrace_id = str(uuid.uuid4())\n",
    )
    .unwrap();
    assert_eq!(
        json(&[])["summary"]["sites"],
        2,
        "an edited file is scanned again"
    );
    assert_eq!(json(&["--no-cache"])["summary"]["sites"], 2);
}

#[test]
fn no_cache_writes_nothing() {
    let dir = project(&[
        ("uuid-migrate.toml", ""),
        ("a.py", "import uuid\nx = str(uuid.uuid4())\n"),
    ]);
    tool()
        .current_dir(dir.path())
        .args(["scan", "--no-cache"])
        .assert()
        .code(1);
    assert!(!dir.path().join(".uuid-migrate-cache").exists());
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_reported_once_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("pkg");
    std::fs::create_dir(&sub).unwrap();
    std::os::unix::fs::symlink("..", sub.join("back")).unwrap();
    std::fs::write(
        sub.join("m.py"),
        "import uuid\nrequest_id = str(uuid.uuid4())\n",
    )
    .unwrap();
    tool()
        .args(["scan", "--no-cache", "-L"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stdout(predicate::str::contains("Found 1 site"))
        .stderr(predicate::str::contains("symbolic link loop"));
}

#[cfg(unix)]
#[test]
fn new_output_files_get_ordinary_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.json");
    example()
        .args(["scan", "--format", "json", "--output"])
        .arg(&out)
        .assert()
        .code(1);
    let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
    assert_ne!(mode, 0o600, "a new report is not a private temporary file");
    assert_eq!(mode & 0o200, 0o200);
}

#[test]
fn with_a_baseline_only_new_sites_get_frames() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("uuid-migrate.toml"), "").unwrap();
    let file = root.join("app.py");
    std::fs::write(
        &file,
        "import uuid\n\ndef make():\n    request_id = str(uuid.uuid4())\n    return request_id\n",
    )
    .unwrap();
    tool()
        .current_dir(root)
        .args(["baseline", "--no-cache"])
        .assert()
        .code(0);
    std::fs::write(
        &file,
        "import uuid\n\ndef make():\n    request_id = str(uuid.uuid4())\n    trace_id = str(uuid.uuid4())\n    return request_id, trace_id\n",
    )
    .unwrap();
    let args = [
        "scan",
        "--no-cache",
        "--color",
        "never",
        "--baseline",
        "uuid-migrate-baseline.json",
    ];
    tool()
        .current_dir(root)
        .args(args)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("`trace_id`"))
        .stdout(predicate::str::contains("`request_id`").not())
        .stdout(predicate::str::contains("1 site new since the baseline"));
    tool()
        .current_dir(root)
        .args(args)
        .arg("--show-baselined")
        .assert()
        .stdout(predicate::str::contains("baselined `request_id`"));
}

#[test]
fn files_over_the_size_limit_are_skipped_with_a_message() {
    let big = format!(
        "import uuid\nrequest_id = str(uuid.uuid4())\n{}",
        "# padding\n".repeat(20)
    );
    let dir = project(&[
        ("uuid-migrate.toml", "max-file-size = 100\n"),
        ("big.py", &big),
        ("small.py", "import uuid\nx_id = 1\n"),
    ]);
    tool()
        .current_dir(dir.path())
        .args(["scan", "--no-cache", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "big.py: 243 bytes is over the 100-byte limit",
        ));
}

/// A project whose one file has a site and is old enough for the cache to store it.
fn aged_project() -> tempfile::TempDir {
    let repo = project(&[("app.py", "import uuid\nx_id = str(uuid.uuid4())\n")]);
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
    std::fs::File::options()
        .write(true)
        .open(repo.path().join("app.py"))
        .unwrap()
        .set_modified(old)
        .unwrap();
    repo
}

#[cfg(unix)]
#[test]
fn the_cache_never_writes_through_a_symlink() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().unwrap();
    // A repository that commits `.uuid-migrate-cache/.gitignore` as a link to a file elsewhere.
    let repo = aged_project();
    std::fs::create_dir(repo.path().join(".uuid-migrate-cache")).unwrap();
    symlink(
        outside.path().join("planted"),
        repo.path().join(".uuid-migrate-cache/.gitignore"),
    )
    .unwrap();
    tool().current_dir(repo.path()).arg("scan").assert().code(1);
    assert!(!outside.path().join("planted").exists());

    // A repository whose cache directory is itself a link: nothing is written there, the scan
    // warns and keeps the exit code it earned (1: sites found), not 2.
    let repo = aged_project();
    symlink(outside.path(), repo.path().join(".uuid-migrate-cache")).unwrap();
    tool()
        .current_dir(repo.path())
        .arg("scan")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("the cache is not written"));
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
}

#[test]
fn an_unwritable_cache_is_a_warning_not_an_error() {
    let repo = aged_project();
    // A file where the cache directory should be: the cache cannot be written.
    std::fs::write(repo.path().join(".uuid-migrate-cache"), "not a directory").unwrap();
    tool()
        .current_dir(repo.path())
        .arg("scan")
        .assert()
        .code(1)
        .stderr(predicate::str::starts_with("warning: "));
}

/// Each site of a JSON report: path, line, rule, suppressed.
fn sites_of(stdout: &[u8]) -> Vec<String> {
    common::json_of(stdout)["sites"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            format!(
                "{}:{} {} suppressed={}",
                s["path"].as_str().unwrap(),
                s["line"],
                s["rule"].as_str().unwrap(),
                s["suppressed"]
            )
        })
        .collect()
}

#[test]
fn noqa_and_per_file_ignores_suppress_like_ruff() {
    let dir = project(&[
        (
            "uuid-migrate.toml",
            "[per-file-ignores]\n\"tests/**\" = [\"UM001\"]\n",
        ),
        (
            "app.py",
            "import uuid\n\
             a_id = str(uuid.uuid4())  # noqa\n\
             b_id = str(uuid.uuid4())  # noqa: UM001\n\
             c_id = str(uuid.uuid4())  # noqa: E501\n\
             d_id = str(uuid.uuid4())  # noqa: UM002\n\
             f(default_factory=uuid.uuid4)  # noqa: E501, UM002\n",
        ),
        (
            "tests/test_a.py",
            "import uuid\nuser_id = str(uuid.uuid4())\nf(default_factory=uuid.uuid4)\n",
        ),
    ]);
    let out = tool()
        .current_dir(dir.path())
        .args(["scan", "--no-cache", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        sites_of(&out.stdout),
        [
            "app.py:2 UM001 suppressed=true",
            "app.py:3 UM001 suppressed=true",
            "app.py:4 UM001 suppressed=false",
            "app.py:5 UM001 suppressed=false",
            "app.py:6 UM002 suppressed=true",
            "tests/test_a.py:2 UM001 suppressed=true",
            "tests/test_a.py:3 UM002 suppressed=false",
        ]
    );
    // Suppressed sites are counted, and shown with the rule and why on request.
    tool()
        .current_dir(dir.path())
        .args(["scan", "--no-cache", "--show-suppressed", "--explain"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "tests/test_a.py:2:15: UM001 user string",
        ))
        .stdout(predicate::str::contains(
            "= suppressed by per-file-ignores `tests/**`",
        ))
        .stdout(predicate::str::contains("= suppressed by `# noqa: UM001`"))
        .stdout(predicate::str::contains("= suppressed by `# noqa`"))
        .stdout(predicate::str::contains("4 suppressed"));
}

#[test]
fn per_file_ignores_are_checked_with_file_line_and_codes() {
    let dir = project(&[
        (
            "uuid-migrate.toml",
            "exclude = []\n\n[per-file-ignores]\n\"tests/**\" = [\"UM01\"]\n",
        ),
        ("a.py", "import uuid\nx = str(uuid.uuid4())\n"),
    ]);
    tool()
        .current_dir(dir.path())
        .arg("scan")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("uuid-migrate.toml:4:"))
        .stderr(predicate::str::contains("unknown rule code `UM01`"))
        .stderr(predicate::str::contains("`UM001` (call site)"));
}

#[test]
fn quiet_prints_nothing_on_success_and_only_the_failures_otherwise() {
    let dir = project(&[("a.py", "import uuid\nrequest_id = str(uuid.uuid4())\n")]);
    tool()
        .current_dir(dir.path())
        .args(["baseline"])
        .assert()
        .code(0);
    for format in ["text", "github"] {
        tool()
            .current_dir(dir.path())
            .args([
                "scan",
                "--quiet",
                "--baseline",
                "uuid-migrate-baseline.json",
            ])
            .args(["--format", format])
            .assert()
            .code(0)
            .stdout("")
            .stderr("");
    }
    std::fs::write(
        dir.path().join("b.py"),
        "import uuid\nsession_id = str(uuid.uuid4())\n",
    )
    .unwrap();
    tool()
        .current_dir(dir.path())
        .args(["scan", "-q", "--baseline", "uuid-migrate-baseline.json"])
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with(
            "b.py:2:18: UM001 session string",
        ))
        .stdout(predicate::str::contains("a.py").not())
        .stdout(predicate::str::contains("Found").not())
        .stderr("");
    tool()
        .current_dir(dir.path())
        .args(["scan", "-q", "--format", "github", "--baseline"])
        .arg("uuid-migrate-baseline.json")
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with("::error file=b.py,"))
        .stdout(predicate::function(|s: &str| s.lines().count() == 1));
}

#[test]
fn exit_zero_keeps_violations_at_0_and_errors_at_2() {
    let dir = project(&[("a.py", "import uuid\nrequest_id = str(uuid.uuid4())\n")]);
    tool()
        .current_dir(dir.path())
        .args(["scan", "--exit-zero"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("a.py:2:18: UM001"));
    tool()
        .current_dir(dir.path())
        .args(["scan", "--exit-zero", "a.py", "missing.py"])
        .assert()
        .code(2);
}

#[test]
fn output_format_is_an_alias_of_format_with_an_environment_variable() {
    let dir = project(&[("a.py", "import uuid\nrequest_id = str(uuid.uuid4())\n")]);
    let run = |args: &[&str], env: Option<&str>| {
        let mut cmd = tool();
        cmd.current_dir(dir.path()).arg("scan").args(args);
        if let Some(format) = env {
            cmd.env("UUID_MIGRATE_OUTPUT_FORMAT", format);
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?} {env:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let json = run(&["--format", "json"], None);
    assert!(json.starts_with('{'), "{json}");
    assert_eq!(run(&["--output-format", "json"], None), json);
    assert_eq!(run(&["--output-format=json"], None), json);
    assert_eq!(run(&[], Some("json")), json);
    // The option wins over the variable.
    assert!(run(&["--format", "text"], Some("json")).starts_with("a.py:2:18: UM001"));
    assert!(!dir.path().join("json").exists());
    tool()
        .current_dir(dir.path())
        .arg("scan")
        .env("UUID_MIGRATE_OUTPUT_FORMAT", "yaml")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("yaml"));
}

#[test]
fn cache_dir_moves_the_cache_and_still_refuses_links() {
    let repo = aged_project();
    let elsewhere = tempfile::tempdir().unwrap();
    let cache = elsewhere.path().join("nested/cache");
    for _ in 0..2 {
        tool()
            .current_dir(repo.path())
            .args(["scan", "--cache-dir"])
            .arg(&cache)
            .assert()
            .code(1)
            .stderr("");
    }
    assert!(!repo.path().join(".uuid-migrate-cache").exists());
    let files: Vec<String> = std::fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(files.iter().any(|f| f.starts_with("scan-")), "{files:?}");
    // The environment variable names it too.
    let other = elsewhere.path().join("from-env");
    tool()
        .current_dir(repo.path())
        .arg("scan")
        .env("UUID_MIGRATE_CACHE_DIR", &other)
        .assert()
        .code(1);
    assert!(other.is_dir());
    #[cfg(unix)]
    {
        let outside = tempfile::tempdir().unwrap();
        let link = elsewhere.path().join("link");
        std::os::unix::fs::symlink(outside.path(), &link).unwrap();
        tool()
            .current_dir(repo.path())
            .args(["scan", "--cache-dir"])
            .arg(&link)
            .assert()
            .code(1)
            .stderr(predicate::str::contains("the cache is not written"));
        assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
    }
}

#[test]
fn the_closest_configuration_classifies_each_file_whatever_the_order() {
    let dir = project(&[
        ("uuid-migrate.toml", "high-risk-paths = [\"**\"]\n"),
        ("a.py", "import uuid\nrequest_id = str(uuid.uuid4())\n"),
        (
            "sub/uuid-migrate.toml",
            "exclude = [\"generated/**\"]\n[per-file-ignores]\n\"legacy.py\" = [\"UM001\"]\n",
        ),
        ("sub/b.py", "import uuid\nrequest_id = str(uuid.uuid4())\n"),
        (
            "sub/legacy.py",
            "import uuid\nrequest_id = str(uuid.uuid4())\n",
        ),
        (
            "sub/generated/c.py",
            "import uuid\nrequest_id = str(uuid.uuid4())\n",
        ),
    ]);
    let risks = |args: &[&str]| {
        let out = tool()
            .current_dir(dir.path())
            .args(["scan", "--no-cache", "--format", "json"])
            .args(args)
            .output()
            .unwrap();
        let mut sites: Vec<String> = common::json_of(&out.stdout)["sites"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                format!(
                    "{} {} suppressed={}",
                    s["path"].as_str().unwrap(),
                    s["risk"].as_str().unwrap(),
                    s["suppressed"]
                )
            })
            .collect();
        sites.sort();
        sites
    };
    let expected = [
        "a.py high suppressed=false",
        "sub/b.py medium suppressed=false",
        "sub/legacy.py medium suppressed=true",
    ];
    assert_eq!(risks(&["a.py", "sub/b.py", "sub/legacy.py"]), expected);
    assert_eq!(risks(&["sub/legacy.py", "sub/b.py", "a.py"]), expected);
    // Walking a directory: sub's own exclude applies under sub, from the top or from sub.
    assert_eq!(risks(&[]), expected);
    assert_eq!(risks(&["sub", "a.py"]), expected);
    // --config makes one file govern everything.
    assert_eq!(
        risks(&[
            "--config",
            "uuid-migrate.toml",
            "sub/b.py",
            "sub/generated/c.py"
        ]),
        [
            "sub/b.py high suppressed=false",
            "sub/generated/c.py high suppressed=false"
        ]
    );
}

#[test]
fn a_broken_nested_configuration_is_an_error_and_the_rest_is_scanned() {
    let dir = project(&[
        ("a.py", "import uuid\nrequest_id = str(uuid.uuid4())\n"),
        ("sub/uuid-migrate.toml", "exclud = []\n"),
        ("sub/b.py", "import uuid\nrequest_id = str(uuid.uuid4())\n"),
        ("sub/c.py", "import uuid\nrequest_id = str(uuid.uuid4())\n"),
    ]);
    let out = tool()
        .current_dir(dir.path())
        .args(["scan", "--no-cache", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let doc = common::json_of(&out.stdout);
    assert_eq!(sites_of(&out.stdout), ["a.py:2 UM001 suppressed=false"]);
    let errors = doc["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["path"], "sub/uuid-migrate.toml");
    let message = errors[0]["message"].as_str().unwrap();
    assert!(
        message.starts_with("line 1: unknown field `exclud`"),
        "{message}"
    );
}

#[test]
fn output_stays_linear_in_the_sites_of_one_long_line() {
    // 4,000 sites on one line of 56 KB: each site shows a window of the line, not all of it.
    let line = vec!["uuid.uuid4()"; 4000].join(", ");
    let repo = project(&[("one_line.py", &format!("import uuid\nX = [{line}]\n"))]);
    let out = tool()
        .current_dir(repo.path())
        .args(["scan", "--no-cache", "--format", "json"])
        .output()
        .unwrap();
    let doc = common::json_of(&out.stdout);
    let sites = doc["sites"].as_array().unwrap();
    assert_eq!(sites.len(), 4000);
    assert!(
        out.stdout.len() < 4000 * 2000,
        "{} bytes of JSON for 4,000 sites",
        out.stdout.len()
    );
    for site in [&sites[0], &sites[2000], &sites[3999]] {
        let text = site["line_text"].as_str().unwrap();
        assert!(text.chars().count() <= 242, "{text}");
        assert!(text.contains("uuid.uuid4()"));
    }
    assert!(sites[2000]["line_text"].as_str().unwrap().starts_with('…'));
    // The text frame's caret stays under the site inside the window.
    let out = tool()
        .current_dir(repo.path())
        .args(["scan", "--no-cache"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.len() < 4000 * 1000, "{} bytes of text", text.len());
    let frame: Vec<&str> = text
        .split("\n\n")
        .find(|f| f.starts_with("one_line.py:2:28006:"))
        .expect("the frame of a site in the middle of the line")
        .lines()
        .collect();
    let shown = frame[2].split_once("| ").unwrap().1;
    let caret = frame[3].split_once("| ").unwrap().1;
    let at = caret.find('^').unwrap();
    let under: String = shown.chars().skip(at).take(12).collect();
    assert_eq!(under, "uuid.uuid4()", "{shown}\n{caret}");
}

#[test]
fn a_long_plus_chain_is_scanned() {
    // `"p" + str(uuid4()) + ...` nests one operator per term; every site is found and named.
    let terms = vec!["str(uuid.uuid4())"; 3000].join(" + ");
    let repo = project(&[(
        "chain.py",
        &format!("import uuid\nrequest_id = (\"p\" + {terms})\n"),
    )]);
    let out = tool()
        .current_dir(repo.path())
        .args(["scan", "--no-cache", "--format", "json"])
        .output()
        .unwrap();
    let doc = common::json_of(&out.stdout);
    assert_eq!(doc["summary"]["sites"], 3000);
}

#[test]
fn a_file_declaring_utf_16_is_reported_as_unsupported() {
    let repo = project(&[
        (
            "declared.py",
            "# -*- coding: utf-16 -*-\nimport uuid\nx_id = str(uuid.uuid4())\n",
        ),
        ("ok.py", "import uuid\ny_id = str(uuid.uuid4())\n"),
    ]);
    // A real UTF-16 file, with its byte-order mark.
    let mut wide = vec![0xFF, 0xFE];
    for unit in "import uuid\nz_id = str(uuid.uuid4())\n".encode_utf16() {
        wide.extend(unit.to_le_bytes());
    }
    std::fs::write(repo.path().join("wide.py"), wide).unwrap();
    tool()
        .current_dir(repo.path())
        .args(["scan", "--no-cache", "--statistics"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "declared.py: the PEP 263 coding line declares `utf-16`, which is not ASCII-compatible",
        ))
        .stderr(predicate::str::contains(
            "wide.py: a UTF-16 or UTF-32 byte-order mark: unsupported",
        ))
        .stdout(predicate::str::contains("Found 1 site"));
}

/// A report is written to stdout as it is rendered; a reader that stops early (`| head`) ends
/// the run normally, with the exit status the scan earned.
#[test]
fn a_closed_pipe_ends_a_streamed_report_without_an_error() {
    use std::io::Read;
    let body: String = (0..5000)
        .map(|i| format!("x_{i} = uuid.uuid4()\n"))
        .collect();
    let dir = project(&[("many.py", &format!("import uuid\n{body}"))]);
    for format in ["json", "sarif", "text"] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_uuid-migrate"))
            .args(["scan", "--no-cache", "--format", format, "."])
            .current_dir(dir.path())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = [0u8; 16];
        child.stdout.take().unwrap().read_exact(&mut first).unwrap();
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{format}");
        assert_eq!(String::from_utf8_lossy(&out.stderr), "", "{format}");
    }
}

/// A stdout that cannot be written (a full disk) is an error, named.
#[cfg(target_os = "linux")]
#[test]
fn a_full_stdout_is_an_error() {
    let full = std::fs::File::create("/dev/full").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_uuid-migrate"))
        .args(["scan", "--no-cache", "--format", "json", "."])
        .current_dir("fixtures/example_project")
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).starts_with("error: cannot write to stdout: "),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
