//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.
//!
//! One rule per kind of site (a call, an uncalled reference): what the parser sees, never what
//! the classifier decides, so a better classifier moves no alert to another rule. The
//! classification travels in each result's message and property bag. `partialFingerprints`
//! carries the baseline fingerprint; fixable sites carry the replacement as a SARIF fix.
//!
//! GitHub code scanning keeps at most 5,000 results per upload: with a baseline, only the new
//! sites are results (`baselineState: new`), so a clean gate uploads a few kilobytes;
//! `--show-baselined` adds the baselined ones (`unchanged`, level `note`) and `--show-suppressed`
//! the suppressed ones. Without a baseline every site is a result.

use serde_json::{Value, json};

use super::{Report, consumer_summary};
use crate::config::Config;
use crate::model::FLOW_SEPARATOR;
use crate::model::{BaselineStatus, ReportedSite};
use crate::model::{IdType, Shape, Site, SiteKind, Suppression};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The `partialFingerprints` key; the suffix is the fingerprint's version.
pub const FINGERPRINT_KEY: &str = "uuidMigrateStatement/v2";

/// The tool's documentation (`informationUri`), which SARIF wants absolute: the repository or
/// homepage of Cargo.toml when set, else the package's page. Each rule's `helpUri` is its anchor
/// in the README (`#um001`).
pub const INFORMATION_URI: &str = first_non_empty(
    env!("CARGO_PKG_REPOSITORY"),
    first_non_empty(
        env!("CARGO_PKG_HOMEPAGE"),
        "https://pypi.org/project/uuid-migrate/",
    ),
);

const fn first_non_empty(uri: &'static str, otherwise: &'static str) -> &'static str {
    if uri.is_empty() { otherwise } else { uri }
}

/// Which sites become results when a baseline is used.
#[derive(Debug, Clone, Copy, Default)]
pub struct SarifOptions {
    pub show_baselined: bool,
    pub show_suppressed: bool,
}

struct Rule {
    kind: SiteKind,
    name: &'static str,
    short: &'static str,
    full: &'static str,
}

const RULES: [Rule; 2] = [
    Rule {
        kind: SiteKind::Call,
        name: "Uuid4Call",
        short: "uuid4() call to migrate to the unified id generator.",
        full: "A call of the standard library's uuid.uuid4(). The organisation's ids come from \
               UnifiedIdGenerator (prefix, millisecond timestamp, counter, random hex); every \
               uuid4 site is migrated, wave by wave.",
    },
    Rule {
        kind: SiteKind::Reference,
        name: "Uuid4Reference",
        short: "uuid4 passed uncalled (a default factory) to migrate to the unified id generator.",
        full: "The standard library's uuid.uuid4 passed as a value, usually a default factory \
               (Field(default_factory=uuid.uuid4), Column(default=uuid4)). It is called later, \
               once per object; the replacement is a lambda calling UnifiedIdGenerator.",
    },
];

fn rule_index(kind: SiteKind) -> usize {
    RULES
        .iter()
        .position(|rule| rule.kind == kind)
        .expect("a rule for every kind of site")
}

/// The document as text.
pub fn render(report: &Report<'_>, config: &Config, options: SarifOptions) -> String {
    let mut bytes = Vec::new();
    write(report, config, options, &mut bytes).expect("writing to memory cannot fail");
    String::from_utf8(bytes).expect("SARIF is UTF-8")
}

/// Writes the document to `out`. The results are built in parallel, in chunks, each as the
/// pretty printer writes an element of the run's `results` (its lines indented by four levels;
/// no JSON string holds a raw newline), and written in the place of the empty list as they
/// come: the same bytes as one `to_string_pretty` of the whole document, without a tree of
/// every result in memory (at 100,000 results that tree took 3.7 GB) nor the whole text.
pub fn write(
    report: &Report<'_>,
    config: &Config,
    options: SarifOptions,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let with_baseline = report.fixed_since_baseline.is_some();
    let chosen: Vec<&ReportedSite<'_>> = report
        .sites
        .iter()
        .filter(|r| !with_baseline || is_result(r, options))
        .collect();
    let text = frame(report, config);
    const EMPTY: &str = "\n      \"results\": [],";
    let at = text
        .find(EMPTY)
        .expect("the run lists its results before its tool");
    if chosen.is_empty() {
        out.write_all(text.as_bytes())?;
    } else {
        out.write_all(&text.as_bytes()[..at])?;
        out.write_all(b"\n      \"results\": [\n")?;
        write_results(&chosen, config, out)?;
        out.write_all(b"\n      ],")?;
        out.write_all(&text.as_bytes()[at + EMPTY.len()..])?;
    }
    out.write_all(b"\n")
}

/// The document with an empty list of results.
fn frame(report: &Report<'_>, config: &Config) -> String {
    let rules: Vec<Value> = RULES.iter().map(|r| rule(r, config)).collect();
    let notifications: Vec<Value> = report
        .errors
        .iter()
        .map(|e| {
            json!({
                "level": "error",
                "message": {"text": sentence(&e.message)},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri(&e.display)}}}],
            })
        })
        .collect();
    let driver = json!({
        "name": "uuid-migrate",
        "version": env!("CARGO_PKG_VERSION"),
        "semanticVersion": env!("CARGO_PKG_VERSION"),
        "informationUri": INFORMATION_URI,
        "rules": rules,
    });
    let mut run = json!({
        "tool": {"driver": driver},
        "invocations": [{
            "executionSuccessful": true,
            "toolExecutionNotifications": notifications,
        }],
        "columnKind": "unicodeCodePoints",
        "results": [],
    });
    if let Some(fixed) = report.fixed_since_baseline {
        run["properties"] = json!({"fixedSinceBaseline": fixed});
    }
    let document = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [run],
    });
    serde_json::to_string_pretty(&document).expect("SARIF serializes")
}

/// Writes the results, each as the pretty printer writes it at the depth of the run's
/// `results`, separated by `,\n`.
fn write_results(
    chosen: &[&ReportedSite<'_>],
    config: &Config,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let render = |chunk: &[&ReportedSite<'_>]| {
        let mut text = String::new();
        for r in chunk {
            if !text.is_empty() {
                text.push_str(",\n");
            }
            let value = result(r, config);
            let pretty = serde_json::to_string_pretty(&value).expect("a result serializes");
            for (i, line) in pretty.lines().enumerate() {
                if i > 0 {
                    text.push('\n');
                }
                text.push_str("        ");
                text.push_str(line);
            }
        }
        text
    };
    super::write_in_chunks(chosen, b",\n", render, out)
}

/// With a baseline: a new, unsuppressed site is a result; a baselined or suppressed one only
/// when asked for.
fn is_result(reported: &ReportedSite<'_>, options: SarifOptions) -> bool {
    if reported.baseline == Some(BaselineStatus::Baselined) {
        options.show_baselined
    } else if reported.site.is_suppressed() {
        options.show_suppressed
    } else {
        true
    }
}

fn rule(rule: &Rule, config: &Config) -> Value {
    let call = &config.generator_call;
    let import = &config.generator_import;
    let help = format!(
        "Replace the site with {call}(\"<prefix>\") (the prefix comes from the f-string or the \
         name: conn, msg, req, ...), and add `{import}`. A default factory \
         becomes a lambda. `uuid-migrate rewrite --phase N` does both for every fixable site \
         of a wave. Secrets (tokens, nonces, passwords) keep \
         uuid4 or move to secrets.token_urlsafe: a structured id has only 32 random bits. \
         Sites of unknown id type are migrated by hand. Silence one line with \
         `# uuid-migrate: ignore[reason]` or `# noqa: {code}`, a set of files with \
         `per-file-ignores`.",
        code = rule.kind.code(),
    );
    let markdown = format!(
        "Replace the site with `{call}(\"<prefix>\")` (the prefix comes from the f-string or the \
         name: `conn`, `msg`, `req`, ...), and add\n\n```python\n{import}\n```\n\n\
         A default factory becomes a lambda. `uuid-migrate rewrite --phase N` does both for \
         every fixable site of a wave.\n\n\
         - **Secrets** (tokens, nonces, passwords) keep `uuid4` or move to \
         `secrets.token_urlsafe`: a structured id has only 32 random bits.\n\
         - Sites of **unknown** id type are migrated by hand.\n\
         - Silence one line with `# uuid-migrate: ignore[reason]` or `# noqa: {code}`, a set \
         of files with `per-file-ignores` in the configuration.",
        code = rule.kind.code(),
    );
    json!({
        "id": rule.kind.code(),
        "name": rule.name,
        "helpUri": format!("{INFORMATION_URI}#{}", rule.kind.code().to_ascii_lowercase()),
        "shortDescription": {"text": rule.short},
        "fullDescription": {"text": rule.full},
        "help": {"text": help, "markdown": markdown},
        "defaultConfiguration": {"level": "error"},
        "properties": {
            "tags": ["maintainability", "migration", "uuid4"],
            "precision": "very-high",
            "problem.severity": "error",
        },
    })
}

fn result(reported: &ReportedSite<'_>, config: &Config) -> Value {
    let site = reported.site;
    let c = &site.classification;
    let index = rule_index(site.kind);
    let artifact = json!({"uri": uri(reported.path)});
    let level = match reported.baseline {
        Some(BaselineStatus::Baselined) => "note",
        _ => "error",
    };
    let mut value = json!({
        "ruleId": site.kind.code(),
        "ruleIndex": index,
        "level": level,
        "message": {"text": format!("{} {}", describe(site), action(site))},
        "locations": [{"physicalLocation": {
            "artifactLocation": artifact,
            "region": {
                "startLine": site.start.line,
                "startColumn": site.start.column,
                "endLine": site.end.line,
                "endColumn": site.end.column,
            },
        }}],
        "partialFingerprints": {FINGERPRINT_KEY: reported.site.fingerprint},
        "properties": {
            "name": c.name,
            "idType": c.id_type.as_str(),
            "shape": c.shape.as_str(),
            "risk": c.risk.as_str(),
            "phase": c.phase,
            "area": c.area.as_str(),
            "fixable": c.fixable,
            "binding": site.binding.as_str(),
            "scope": site.scope,
            "tags": [c.id_type.as_str(), c.risk.as_str(), format!("phase-{}", c.phase), c.area.as_str()],
        },
    });
    let related = related_locations(site);
    if !related.is_empty() {
        value["relatedLocations"] = json!(related);
    }
    if let Some(edit) = &site.edit {
        value["fixes"] = json!([{
            "description": {"text": format!(
                "Replace with {}; the file also needs `{}` (uuid-migrate rewrite adds it).",
                edit.content, config.generator_import
            )},
            "artifactChanges": [{
                "artifactLocation": artifact,
                "replacements": [{
                    "deletedRegion": {"byteOffset": edit.start, "byteLength": edit.end - edit.start},
                    "insertedContent": {"text": edit.content},
                }],
            }],
        }]);
    }
    if let Some(status) = reported.baseline {
        value["baselineState"] = json!(match status {
            BaselineStatus::New => "new",
            BaselineStatus::Baselined => "unchanged",
        });
    }
    if let Some(suppressed) = site.suppressed.as_deref() {
        let kind = if suppressed.in_source() {
            "inSource"
        } else {
            "external"
        };
        let mut suppression = json!({"kind": kind, "status": "accepted"});
        let justification = match suppressed {
            Suppression::Comment { reason } => reason.clone(),
            other => Some(other.to_string()),
        };
        if let Some(justification) = justification {
            suppression["justification"] = json!(justification);
        }
        value["suppressions"] = json!([suppression]);
    }
    value
}

/// Each consumer the site shows, as a related location whose message names it, its kind and
/// the flow that reaches it.
fn related_locations(site: &Site) -> Vec<Value> {
    site.consumers()
        .shown
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let flow: Vec<&str> = c.steps().collect();
            json!({
                "id": i + 1,
                "physicalLocation": {
                    "artifactLocation": {"uri": uri(c.path)},
                    "region": {"startLine": c.line, "startColumn": c.column},
                },
                "message": {"text": sentence(&capitalised(&format!(
                    "{}; flow: {}",
                    consumer_summary(c),
                    flow.join(FLOW_SEPARATOR)
                )))},
            })
        })
        .collect()
}

/// "uuid4() call: websocket id `connection_id`, f-string, medium risk, phase 2."
pub(super) fn describe(site: &Site) -> String {
    let c = &site.classification;
    let what = match site.kind {
        SiteKind::Call => "uuid4() call",
        SiteKind::Reference => "uuid4 reference",
    };
    let id = match c.id_type {
        IdType::Unknown => "id of unknown type".to_owned(),
        IdType::Secret => "secret".to_owned(),
        other => format!("{} id", other.as_str()),
    };
    let name = c
        .name
        .as_deref()
        .map(|n| format!(" `{n}`"))
        .unwrap_or_default();
    format!(
        "{what}: {id}{name}, {}, {} risk, phase {}.",
        shape_words(c.shape),
        c.risk.as_str(),
        c.phase
    )
}

fn shape_words(shape: Shape) -> &'static str {
    match shape {
        Shape::String => "string",
        Shape::Hex => "hex string",
        Shape::Truncated => "truncated hex",
        Shape::Fstring => "in an f-string",
        Shape::Object => "UUID object",
    }
}

/// What to do about a site: the replacement, or why it is left to a person.
pub(super) fn action(site: &Site) -> String {
    match &site.edit {
        Some(edit) => format!("Replace with {}.", edit.content),
        None => format!("Migrate by hand: {}.", site.manual_explanation()),
    }
}

/// `consumer: ...` -> `Consumer: ...`.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// A message ending in a period, as SARIF viewers expect.
fn sentence(text: &str) -> String {
    if text.ends_with('.') {
        text.to_owned()
    } else {
        format!("{text}.")
    }
}

/// A display path as a URI reference: relative paths stay relative (to the directory the scan
/// ran in, which is the repository root in CI); absolute paths become `file://` URIs.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    if path.starts_with('/') {
        out.push_str("file://");
    }
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(uri("svc/a b/é.py"), "svc/a%20b/%C3%A9.py");
        assert_eq!(uri("/abs/x.py"), "file:///abs/x.py");
        assert_eq!(uri("../x/#1.py"), "../x/%231.py");
    }
}
