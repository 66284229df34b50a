//! Every fixture under `fixtures/detect` and `fixtures/classify` carries its expectations as
//! trailing comments: `# expect: <id_type> <shape> <risk>` (`;` between several sites on a
//! line) or `# expect: none`. A line without a comment must hold no site.

use std::path::Path;

use uuid_migrate::config::Config;
use uuid_migrate::pipeline::analyze;
use uuid_migrate::syntax::parse::SourceFile;

fn expectations(text: &str) -> Vec<(usize, Vec<String>)> {
    text.lines()
        .enumerate()
        .filter_map(|(i, line)| {
            let at = line.rfind("# expect:")?;
            let spec = line[at + "# expect:".len()..].trim();
            let sites = if spec == "none" {
                Vec::new()
            } else {
                spec.split(';')
                    .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
                    .collect()
            };
            Some((i + 1, sites))
        })
        .collect()
}

fn check_dir(dir: &str) -> (usize, Vec<String>) {
    let config = Config::default();
    let mut failures = Vec::new();
    let mut checked = 0;
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "py"))
    {
        let raw = std::fs::read(path).unwrap();
        let source = SourceFile::decode(raw).unwrap();
        let sites = analyze(&source, Path::new(path.file_name().unwrap()), &config).unwrap();
        let expected = expectations(&source.text);
        let mut lines: Vec<usize> = sites.iter().map(|s| s.start.line).collect();
        lines.extend(expected.iter().map(|(l, _)| *l));
        lines.sort();
        lines.dedup();
        for line in lines {
            let got: Vec<String> = sites
                .iter()
                .filter(|s| s.start.line == line)
                .map(|s| {
                    let c = &s.classification;
                    format!(
                        "{} {} {}",
                        c.id_type.as_str(),
                        c.shape.as_str(),
                        c.risk.as_str()
                    )
                })
                .collect();
            let want = expected
                .iter()
                .find(|(l, _)| *l == line)
                .map(|(_, w)| w.clone());
            checked += 1;
            match want {
                Some(want) if want == got => {}
                Some(want) => failures.push(format!(
                    "{}:{line}: expected [{}], got [{}]",
                    path.display(),
                    want.join("; "),
                    got.join("; ")
                )),
                None => failures.push(format!(
                    "{}:{line}: unexpected site(s) [{}] on a line without `# expect:`",
                    path.display(),
                    got.join("; ")
                )),
            }
        }
    }
    (checked, failures)
}

fn assert_dir(dir: &str) {
    let (checked, failures) = check_dir(dir);
    assert!(checked > 0, "no expectations found under {dir}");
    assert!(
        failures.is_empty(),
        "{} of {checked} lines differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn detection_fixtures() {
    assert_dir("fixtures/detect");
}

#[test]
fn classification_fixtures() {
    assert_dir("fixtures/classify");
}
