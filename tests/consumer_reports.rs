//! How every output shows where a site's value goes, on `fixtures/consumer_reports/`: the JSON
//! `consumers` of each site, SARIF `relatedLocations`, the text frame's consumer lines and
//! `--explain`'s flow, the markdown plan's section and the rewrite summary's kinds.

mod common;

use serde_json::{Value, json};

const PROJECT: &str = "fixtures/consumer_reports";

fn run(args: &[&str]) -> std::process::Output {
    common::tool()
        .current_dir(PROJECT)
        .args(args)
        .args(["--no-cache", "--color", "never"])
        .output()
        .unwrap()
}

fn stdout(args: &[&str]) -> String {
    String::from_utf8(run(args).stdout).unwrap()
}

/// Each site's place and name with its consumers, as the JSON document gives them.
#[test]
fn json_lists_the_consumers_of_each_site() {
    let text = stdout(&["scan", ".", "--format", "json"]);
    assert_eq!(
        text,
        stdout(&["scan", ".", "--format", "json"]),
        "byte-for-byte stable"
    );
    let doc = common::json_of(text.as_bytes());
    assert_eq!(doc["version"], 2);
    let sites: Vec<Value> = doc["sites"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            assert!(s["consumers"].is_array(), "always present: {s}");
            json!({
                "site": format!("{}:{}:{}", s["path"].as_str().unwrap(), s["line"], s["column"]),
                "name": s["name"],
                "fixable": s["fixable"],
                "consumers": s["consumers"],
                "consumers_not_shown": s.get("consumers_not_shown"),
            })
        })
        .collect();
    insta::assert_snapshot!(serde_json::to_string_pretty(&sites).unwrap());
}

/// A consumer past the listed ones is still in the reasons, and counted.
#[test]
fn consumers_past_the_bound_stay_in_the_reasons() {
    let doc = common::json_of(&run(&["scan", "worker/jobs.py", "--format", "json"]).stdout);
    let site = &doc["sites"][0];
    let listed = site["consumers"].as_array().unwrap();
    assert_eq!(listed.len(), 5);
    assert_eq!(site["consumers_not_shown"], 1);
    let consumer_reasons = site["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r.as_str().unwrap().starts_with("high risk: consumer:"))
        .count();
    assert_eq!(consumer_reasons, 6);
}

#[test]
fn sarif_relates_each_result_to_its_consumers() {
    let doc = common::json_of(&run(&["scan", ".", "--format", "sarif"]).stdout);
    let related: Vec<Value> = doc["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let at = &r["locations"][0]["physicalLocation"];
            json!({
                "result": format!(
                    "{}:{}",
                    at["artifactLocation"]["uri"].as_str().unwrap(),
                    at["region"]["startLine"]
                ),
                "relatedLocations": r.get("relatedLocations"),
            })
        })
        .collect();
    insta::assert_snapshot!(serde_json::to_string_pretty(&related).unwrap());
}

#[test]
fn text_frames_name_each_blocking_consumer() {
    insta::assert_snapshot!(stdout(&["scan", "."]));
}

#[test]
fn explain_shows_each_flow_step_by_step() {
    // `app` holds the consumers too: the analysis sees only what is scanned.
    insta::assert_snapshot!(stdout(&["scan", "app", "--explain"]));
}

#[test]
fn markdown_plan_counts_sites_blocked_by_consumers() {
    let plan = stdout(&["scan", ".", "--format", "markdown"]);
    let start = plan.find("## Blocked by consumers").expect("the section");
    let end = plan[start + 2..]
        .find("\n## ")
        .map_or(plan.len(), |i| start + 2 + i);
    insta::assert_snapshot!(&plan[start..end]);
}

#[test]
fn markdown_plan_without_consumers_has_no_consumer_section() {
    let dir = common::project(&[("svc/a.py", "import uuid\nmessage_id = str(uuid.uuid4())\n")]);
    let out = common::tool()
        .current_dir(dir.path())
        .args(["scan", ".", "--no-cache", "--format", "markdown"])
        .output()
        .unwrap();
    let plan = String::from_utf8(out.stdout).unwrap();
    assert!(plan.contains("## By directory"), "{plan}");
    assert!(!plan.contains("Blocked by consumers"), "{plan}");
}

#[test]
fn rewrite_summary_groups_consumer_sites_by_kind() {
    let out = run(&["rewrite", "."]);
    insta::assert_snapshot!(String::from_utf8(out.stderr).unwrap());
}
