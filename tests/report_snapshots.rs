//! Snapshots of the rendered scan reports on the bundled example project.

mod common;

fn scan(args: &[&str]) -> String {
    let out = common::tool()
        .current_dir("fixtures/example_project")
        .arg("scan")
        .args(["--color", "never"])
        .args(args)
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn text_report() {
    insta::assert_snapshot!(scan(&[]));
}

#[test]
fn text_report_explained_websocket_types() {
    insta::assert_snapshot!(scan(&["--explain", "services/websocket/types.py"]));
}

#[test]
fn json_report() {
    insta::assert_snapshot!(scan(&["--format", "json"]));
}
