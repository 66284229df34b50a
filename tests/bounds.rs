//! Bounds on what a scan produces, whatever the file's shape (issue 10, point 4): the shapes of
//! `bench/pathological.py` scan with every site found, and generated files with long lines,
//! many sites on one line, long `+` chains and deep nesting give output linear in the sites
//! (a bounded number of JSON bytes per site, `line_text` cut to a window), the same bytes on
//! every run, and no crash. Nothing here is timed: how long these shapes take is measured by
//! the benchmark (bench/README.md, "Files of unusual shape").

mod common;

use proptest::prelude::*;

use common::{json_of, project, tool};

/// JSON bytes one site may take, its consumer flows included (about 850 on the shapes below).
const MAX_SITE_JSON: usize = 4096;
/// `line_text` is at most this many bytes, plus a `…` at each end where the line is cut.
const MAX_LINE_TEXT: usize = 240;

/// Scans `text` as one file with `--format json`; returns stdout and the parsed document,
/// after checking the exit status (1: sites found) and the bounds every output must keep.
fn scan(text: &str, expected_sites: usize) -> (Vec<u8>, serde_json::Value) {
    let dir = project(&[("shape.py", text)]);
    let output = tool()
        .current_dir(dir.path())
        .args(["scan", "--no-cache", "--format", "json", "shape.py"])
        .output()
        .expect("the binary runs");
    assert_eq!(
        output.status.code(),
        Some(1),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json = json_of(&output.stdout);
    let sites = json["sites"].as_array().expect("a sites array");
    assert_eq!(sites.len(), expected_sites);
    for site in sites {
        let bytes = serde_json::to_string(site)
            .expect("a site serializes")
            .len();
        assert!(bytes <= MAX_SITE_JSON, "{bytes} JSON bytes for {site}");
        let line = site["line_text"].as_str().expect("a line_text");
        assert!(
            line.len() <= MAX_LINE_TEXT + 2 * '…'.len_utf8(),
            "line_text of {} bytes",
            line.len()
        );
    }
    assert!(output.stdout.len() <= MAX_SITE_JSON * (expected_sites + 1));
    (output.stdout, json)
}

/// The shapes of `bench/pathological.py`: (name, opening, line repeated with `{i}`, closing,
/// sites per repetition's share: the `+` chain has a quarter of the sites asked for).
const SHAPES: [(&str, &str, &str, &str, usize); 10] = [
    ("module", "", "x_{i} = uuid.uuid4()\n", "", 1),
    (
        "dict_literal",
        "D = {\n",
        "    'k_{i}': str(uuid.uuid4()),\n",
        "}\n",
        1,
    ),
    (
        "function_body",
        "def f():\n",
        "    user_id_{i} = str(uuid.uuid4())\n",
        "",
        1,
    ),
    ("call_arguments", "f(\n", "    uuid.uuid4(),\n", ")\n", 1),
    (
        "str_arguments",
        "f(\n",
        "    str(uuid.uuid4()),\n",
        ")\n",
        1,
    ),
    (
        "class_methods",
        "class C:\n",
        "    def m_{i}(self):\n        self.user_id = str(uuid.uuid4())\n",
        "",
        1,
    ),
    (
        "string_concatenation",
        "x = (\n",
        "    f\"a{uuid.uuid4()}\"\n",
        ")\n",
        1,
    ),
    ("list_literal", "X = [\n", "    uuid.uuid4(),\n", "]\n", 1),
    (
        "meaningless_locals",
        "def f(ts):\n",
        "    suffix = uuid.uuid4().hex[:8]\n    x_{i} = f\"t_{suffix}\"\n",
        "",
        1,
    ),
    (
        "plus_chain",
        "x = (\"p\"\n",
        "    + str(uuid.uuid4())\n",
        ")\n",
        4,
    ),
];

#[test]
fn pathological_shapes_scan_with_every_site() {
    let asked = 2_000;
    for (name, opening, line, closing, per) in SHAPES {
        let count = asked / per;
        let mut text = format!("import uuid\n{opening}");
        for i in 0..count {
            text.push_str(&line.replace("{i}", &i.to_string()));
        }
        text.push_str(closing);
        let (first, _) = scan(&text, count);
        let (again, _) = scan(&text, count);
        assert!(first == again, "{name}: two scans differ");
    }
}

/// The climbs that read at most a few dozen levels one by one still name every site of a long
/// `or` chain, and of a conditional chain, by the target it is assigned to, and follow each
/// value to where it is used: a chain is one expression to Python, however deep its tree.
#[test]
fn every_site_of_a_deep_chain_is_named_and_followed() {
    let terms = 150;
    let or_chain = vec!["str(uuid.uuid4())"; terms].join(" or ");
    let conditionals = "str(uuid.uuid4()) if c else ".repeat(terms);
    let text = format!(
        "import uuid\nfrom dataclasses import dataclass\n\n\n@dataclass\nclass Run:\n    run_id: uuid.UUID\n\n\n\
         def make(c):\n    run_id = {or_chain}\n    return Run(run_id=run_id)\n\n\n\
         def other(c):\n    run_id = {conditionals}None\n    return Run(run_id=run_id)\n"
    );
    let (_, json) = scan(&text, 2 * terms);
    for site in json["sites"].as_array().unwrap() {
        let at = format!("{}:{}", site["line"], site["column"]);
        assert_eq!(site["name"], "run_id", "{at}");
        let consumers = site["consumers"].as_array().unwrap();
        assert_eq!(consumers.len(), 1, "{at}");
        assert_eq!(consumers[0]["kind"], "uuid-annotation", "{at}");
        assert_eq!(consumers[0]["detail"], "field `Run.run_id`", "{at}");
    }
}

/// A file of one unusual shape and the number of sites it holds.
#[derive(Debug, Clone)]
enum Shape {
    /// `sites` calls on one line, each after a string of `pad` characters.
    LongLine { sites: usize, pad: usize },
    /// `"p" + str(uuid.uuid4()) + ...`, `terms` terms, on one line or one a line.
    PlusChain { terms: usize, one_line: bool },
    /// One call inside `depth` nested calls, lists or parentheses.
    Nested { depth: usize, open: &'static str },
    /// `sites` locals in one function, each formatted into the next statement.
    Locals { sites: usize },
}

impl Shape {
    fn text(&self) -> (String, usize) {
        let mut text = String::from("import uuid\n");
        match *self {
            Shape::LongLine { sites, pad } => {
                text.push_str("X = [");
                for _ in 0..sites {
                    text.push_str(&format!("\"{}\", uuid.uuid4(), ", "a".repeat(pad)));
                }
                text.push_str("]\n");
                (text, sites)
            }
            Shape::PlusChain { terms, one_line } => {
                let sep = if one_line { " " } else { "\n    " };
                text.push_str("x = (\"p\"");
                for _ in 0..terms {
                    text.push_str(&format!("{sep}+ str(uuid.uuid4())"));
                }
                text.push_str(")\n");
                (text, terms)
            }
            Shape::Nested { depth, open } => {
                let close = match open {
                    "f(" | "(" => ")",
                    _ => "]",
                };
                text.push_str(&format!(
                    "x = {}uuid.uuid4(){}\n",
                    open.repeat(depth),
                    close.repeat(depth)
                ));
                (text, 1)
            }
            Shape::Locals { sites } => {
                text.push_str("def f():\n");
                for i in 0..sites {
                    text.push_str(&format!(
                        "    s_{i} = uuid.uuid4().hex[:8]\n    name_{i} = f\"t_{{s_{i}}}\"\n"
                    ));
                }
                (text, sites)
            }
        }
    }
}

fn shapes() -> impl Strategy<Value = Shape> {
    prop_oneof![
        (1usize..80, 0usize..400).prop_map(|(sites, pad)| Shape::LongLine { sites, pad }),
        (1usize..400, any::<bool>())
            .prop_map(|(terms, one_line)| Shape::PlusChain { terms, one_line }),
        (1usize..150, prop::sample::select(vec!["f(", "(", "["]))
            .prop_map(|(depth, open)| Shape::Nested { depth, open }),
        (1usize..200).prop_map(|sites| Shape::Locals { sites }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn output_is_bounded_per_site_and_repeatable(shape in shapes()) {
        let (text, sites) = shape.text();
        let (first, _) = scan(&text, sites);
        let (again, _) = scan(&text, sites);
        prop_assert!(first == again, "two scans of {:?} differ", shape);
    }
}
