//! The CI and planning formats: SARIF (checked by the official validator when installed),
//! GitHub workflow commands and the markdown migration plan.

mod common;

use predicates::prelude::*;
use serde_json::Value;
use std::path::Path;

fn example(args: &[&str]) -> (i32, String) {
    let out = common::tool()
        .current_dir("fixtures/example_project")
        .arg("scan")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

#[test]
fn sarif_for_one_file() {
    let (code, sarif) = example(&["--format", "sarif", "services/websocket/types.py"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(sarif.replace(env!("CARGO_PKG_VERSION"), "[version]"));
}

#[test]
fn github_annotations() {
    let (code, annotations) = example(&["--format", "github"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(annotations);
}

#[test]
fn markdown_migration_plan() {
    let (code, plan) = example(&["--format", "markdown"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(plan);
}

#[test]
fn markdown_numbers_match_the_json_summary() {
    let (_, json) = example(&["--format", "json"]);
    let summary = &serde_json::from_str::<Value>(&json).unwrap()["summary"];
    let (_, plan) = example(&["--format", "markdown"]);
    let headline = format!(
        "**{} sites** in **{} files** ({} files scanned): {} fixable by `uuid-migrate rewrite`, {} to migrate by hand, {} suppressed.",
        summary["sites"],
        summary["files_with_sites"],
        summary["files_scanned"],
        summary["fixable"],
        summary["sites"].as_u64().unwrap() - summary["fixable"].as_u64().unwrap(),
        summary["suppressed"],
    );
    assert!(plan.contains(&headline), "{headline}\n{plan}");
    let listed = plan
        .lines()
        .filter(|l| l.starts_with("| ") && l[2..].starts_with(|c: char| c.is_ascii_digit()))
        .filter(|l| l.contains(" | app |") || l.contains(" | test |"))
        .count();
    assert_eq!(listed as u64, summary["sites"].as_u64().unwrap());
}

#[test]
fn output_writes_any_format_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    for format in ["sarif", "github", "markdown"] {
        let file = dir.path().join(format!("report.{format}"));
        common::tool()
            .current_dir("fixtures/example_project")
            .args(["scan", "--format", format, "--output"])
            .arg(&file)
            .assert()
            .code(1)
            .stdout("");
        let (_, stdout) = example(&["--format", format]);
        assert_eq!(std::fs::read_to_string(&file).unwrap(), stdout);
    }
}

#[test]
fn github_escapes_properties_and_messages() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a,b:c%.py"),
        "import uuid\nsession_id = str(uuid.uuid4())\n",
    )
    .unwrap();
    common::tool()
        .current_dir(dir.path())
        .args(["scan", "--format", "github"])
        .assert()
        .code(1)
        .stdout(predicate::eq(
            "::error file=a%2Cb%3Ac%25.py,line=2,col=18,endLine=2,endColumn=30,title=uuid-migrate (UM001)::uuid4() call: session id `session_id`, string, medium risk, phase 2. Replace with UnifiedIdGenerator.generate_base_id(\"session\").\n::notice title=uuid-migrate::1 uuid4 site in 1 file (1 files scanned)\n",
        ));
}

/// A project with every SARIF feature: fixes, a reference, a suppression, a secret, an
/// unreadable file, a baseline with new and unchanged results, a path needing percent-encoding.
fn sarif_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("svc/my app")).unwrap();
    std::fs::write(
        root.join("svc/my app/models.py"),
        "import uuid\nfrom pydantic import BaseModel, Field\n\n\nclass Conn(BaseModel):\n    connection_id: str = Field(default_factory=uuid.uuid4)\n\n\ndef token():\n    csrf_token = uuid.uuid4().hex\n    return csrf_token\n\n\ndef legacy():\n    return uuid.uuid4()  # uuid-migrate: ignore[wire format]\n",
    )
    .unwrap();
    std::fs::write(
        root.join("svc/events.py"),
        "import uuid\n\n\ndef make():\n    event_id = f\"evt_{uuid.uuid4().hex[:8]}\"\n    return event_id\n",
    )
    .unwrap();
    common::tool()
        .current_dir(root)
        .arg("baseline")
        .assert()
        .code(0);
    std::fs::write(
        root.join("svc/new.py"),
        "import uuid\n\nmessage_id = str(uuid.uuid4())\n",
    )
    .unwrap();
    std::fs::write(root.join("svc/blob.py"), b"uuid4\0\0\0").unwrap();
    dir
}

#[test]
fn sarif_carries_fixes_suppressions_baseline_state_and_notifications() {
    let dir = sarif_project();
    let out = common::tool()
        .current_dir(dir.path())
        .args([
            "scan",
            "--format",
            "sarif",
            "--baseline",
            "uuid-migrate-baseline.json",
            "--show-baselined",
            "--show-suppressed",
        ])
        .output()
        .unwrap();
    // A file that cannot be scanned makes it 2.
    assert_eq!(out.status.code(), Some(2));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let run = &doc["runs"][0];
    let results = run["results"].as_array().unwrap();
    let summary: Vec<String> = results
        .iter()
        .map(|r| {
            format!(
                "{} {} {} {} fixes={} suppressed={}",
                r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap(),
                r["ruleId"].as_str().unwrap(),
                r["baselineState"].as_str().unwrap_or("-"),
                r["level"].as_str().unwrap(),
                r["fixes"].as_array().map_or(0, Vec::len),
                r["suppressions"].is_array(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            "svc/events.py UM001 unchanged note fixes=1 suppressed=false",
            "svc/my%20app/models.py UM002 unchanged note fixes=1 suppressed=false",
            "svc/my%20app/models.py UM001 unchanged note fixes=0 suppressed=false",
            "svc/my%20app/models.py UM001 - error fixes=0 suppressed=true",
            "svc/new.py UM001 new error fixes=1 suppressed=false",
        ]
    );
    // The fix replaces the bytes the edit names with its content.
    let events = std::fs::read(dir.path().join("svc/events.py")).unwrap();
    let replacement = &results[0]["fixes"][0]["artifactChanges"][0]["replacements"][0];
    let start = replacement["deletedRegion"]["byteOffset"].as_u64().unwrap() as usize;
    let length = replacement["deletedRegion"]["byteLength"].as_u64().unwrap() as usize;
    assert_eq!(
        std::str::from_utf8(&events[start..start + length]).unwrap(),
        "f\"evt_{uuid.uuid4().hex[:8]}\""
    );
    assert_eq!(
        replacement["insertedContent"]["text"],
        "UnifiedIdGenerator.generate_base_id(\"evt\")"
    );
    assert_eq!(
        results[3]["suppressions"][0]["justification"],
        "wire format"
    );
    let notifications = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(notifications.len(), 1);
    assert_eq!(
        notifications[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "svc/blob.py"
    );
    assert_eq!(run["properties"]["fixedSinceBaseline"], 0);
}

/// Runs the official validator (`sarif-multitool validate`) on `file`; `None` when it is not
/// installed. Returns the lines that report problems.
fn validate(file: &Path) -> Option<Vec<String>> {
    let out = std::process::Command::new("sarif-multitool")
        .arg("validate")
        .arg(file)
        .output()
        .ok()?;
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    eprintln!("sarif-multitool validate {}:\n{text}", file.display());
    assert!(
        text.contains("Analysis completed successfully"),
        "the validator did not finish:\n{text}"
    );
    let problems = text
        .lines()
        .filter(|l| l.contains(": error ") || l.contains(": warning "))
        .map(str::to_owned)
        .collect();
    Some(problems)
}

/// The results of a SARIF document: uri, rule, baseline state.
fn sarif_results(stdout: &[u8]) -> Vec<String> {
    let doc: Value = serde_json::from_slice(stdout).unwrap();
    doc["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{} {} {}",
                r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap(),
                r["ruleId"].as_str().unwrap(),
                r["baselineState"].as_str().unwrap_or("-"),
            )
        })
        .collect()
}

#[test]
fn sarif_with_a_baseline_lists_only_new_sites_unless_asked() {
    let dir = sarif_project();
    let sarif = |extra: &[&str]| {
        let out = common::tool()
            .current_dir(dir.path())
            .args(["scan", "--format", "sarif", "--baseline"])
            .arg("uuid-migrate-baseline.json")
            .args(extra)
            .output()
            .unwrap();
        sarif_results(&out.stdout)
    };
    assert_eq!(sarif(&[]), ["svc/new.py UM001 new"]);
    assert_eq!(
        sarif(&["--show-baselined"]),
        [
            "svc/events.py UM001 unchanged",
            "svc/my%20app/models.py UM002 unchanged",
            "svc/my%20app/models.py UM001 unchanged",
            "svc/new.py UM001 new",
        ]
    );
    assert_eq!(
        sarif(&["--show-suppressed"]),
        ["svc/my%20app/models.py UM001 -", "svc/new.py UM001 new"]
    );
    // Without a baseline every site is a result, as before.
    let out = common::tool()
        .current_dir(dir.path())
        .args(["scan", "--format", "sarif"])
        .output()
        .unwrap();
    assert_eq!(sarif_results(&out.stdout).len(), 5);
}

#[test]
fn sarif_of_a_clean_gate_is_small_and_names_its_documentation() {
    let dir = sarif_project();
    std::fs::remove_file(dir.path().join("svc/new.py")).unwrap();
    std::fs::remove_file(dir.path().join("svc/blob.py")).unwrap();
    let out = common::tool()
        .current_dir(dir.path())
        .args(["scan", "--format", "sarif", "--baseline"])
        .arg("uuid-migrate-baseline.json")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(sarif_results(&out.stdout).is_empty());
    // Two rules and an empty run: a few kilobytes however many sites are baselined.
    assert!(out.stdout.len() < 8 * 1024, "{} bytes", out.stdout.len());
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let driver = &doc["runs"][0]["tool"]["driver"];
    let home = driver["informationUri"].as_str().unwrap();
    assert!(home.starts_with("https://"), "{home}");
    let rules: Vec<(&str, &str)> = driver["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["id"].as_str().unwrap(), r["helpUri"].as_str().unwrap()))
        .collect();
    assert_eq!(
        rules,
        [
            ("UM001", format!("{home}#um001").as_str()),
            ("UM002", format!("{home}#um002").as_str()),
        ]
    );
}

#[test]
fn sarif_passes_the_official_validator() {
    let dir = sarif_project();
    let out_dir = tempfile::tempdir().unwrap();
    let with_baseline = out_dir.path().join("with-baseline.sarif");
    let example_sarif = out_dir.path().join("example.sarif");
    common::tool()
        .current_dir(dir.path())
        .args([
            "scan",
            "--format",
            "sarif",
            "--baseline",
            "uuid-migrate-baseline.json",
            "--show-baselined",
            "--show-suppressed",
            "--output",
        ])
        .arg(&with_baseline)
        .assert()
        .code(2);
    // Without a baseline; one file silenced by per-file-ignores (an `external` suppression).
    let per_file = out_dir.path().join("per-file-ignores.sarif");
    std::fs::write(
        dir.path().join("uuid-migrate.toml"),
        "[per-file-ignores]\n\"svc/events.py\" = [\"UM001\"]\n",
    )
    .unwrap();
    common::tool()
        .current_dir(dir.path())
        .args(["scan", "--format", "sarif", "--show-suppressed", "--output"])
        .arg(&per_file)
        .assert()
        .code(2);
    common::tool()
        .current_dir("fixtures/example_project")
        .args(["scan", "--format", "sarif", "--output"])
        .arg(&example_sarif)
        .assert()
        .code(1);
    // Results related to their consumers (`relatedLocations`).
    let consumers_sarif = out_dir.path().join("consumers.sarif");
    common::tool()
        .current_dir("fixtures/consumer_reports")
        .args(["scan", "--no-cache", "--format", "sarif", "--output"])
        .arg(&consumers_sarif)
        .assert()
        .code(1);
    for file in [&with_baseline, &per_file, &example_sarif, &consumers_sarif] {
        match validate(file) {
            None => {
                eprintln!(
                    "note: sarif-multitool is not installed (npm install -g @microsoft/sarif-multitool): SARIF validation skipped"
                );
                return;
            }
            Some(problems) => assert!(problems.is_empty(), "{problems:#?}"),
        }
    }
}
