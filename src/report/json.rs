//! `--format json`, version 2: stable, sorted by path then offset. Version 2 added each site's
//! `consumers`.

use serde::Serialize;

use super::{Report, Summary};
use crate::model::{
    Area, Binding, ConsumerEvidence, ConsumerKind, IdType, Risk, Shape, ShownConsumer, SiteKind,
    Verdict,
};
use crate::model::{BaselineStatus, ReportedSite};

/// The document's version: 2 added `consumers` to each site.
pub const VERSION: u32 = 2;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    sites: Sites<'a>,
    summary: Summary,
    errors: Vec<JsonError<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fixed_since_baseline: Option<usize>,
}

/// The sites, each turned into its JSON shape only as it is written: a document of 100,000
/// sites is never held as a list of JSON sites (nor, on stdout, as text).
struct Sites<'a>(&'a [ReportedSite<'a>]);

impl Serialize for Sites<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(JsonSite::of))
    }
}

#[derive(Serialize)]
struct JsonSite<'a> {
    path: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    offset: usize,
    kind: SiteKind,
    /// The rule code (`UM001`, `UM002`).
    rule: &'static str,
    binding: Binding,
    code: &'a str,
    line_text: &'a str,
    name: Option<&'a str>,
    id_type: IdType,
    shape: Shape,
    risk: Risk,
    phase: u32,
    area: Area,
    fixable: bool,
    suppressed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppression_reason: Option<&'a str>,
    scope: &'a str,
    fingerprint: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    replacement: Option<&'a str>,
    reasons: Vec<String>,
    /// Where the value goes: blocking consumers, then passed format checks (bounded).
    consumers: Vec<JsonConsumer<'a>>,
    /// Consumers beyond the ones listed (still in `reasons`).
    #[serde(skip_serializing_if = "is_zero")]
    consumers_not_shown: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<BaselineStatus>,
}

#[derive(Serialize)]
struct JsonConsumer<'a> {
    kind: ConsumerKind,
    verdict: Verdict,
    evidence: ConsumerEvidence,
    detail: &'a str,
    path: &'a str,
    line: usize,
    column: usize,
    flow: Vec<&'a str>,
}

impl<'a> From<ShownConsumer<'a>> for JsonConsumer<'a> {
    fn from(c: ShownConsumer<'a>) -> Self {
        JsonConsumer {
            kind: c.kind,
            verdict: c.verdict,
            evidence: c.evidence,
            detail: c.what,
            path: c.path,
            line: c.line,
            column: c.column,
            flow: c.steps().collect(),
        }
    }
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

#[derive(Serialize)]
struct JsonError<'a> {
    path: &'a str,
    message: &'a str,
}

/// The document as text.
pub fn render(report: &Report<'_>) -> String {
    let mut bytes = Vec::new();
    write(report, &mut bytes).expect("writing to memory cannot fail");
    String::from_utf8(bytes).expect("serde_json writes UTF-8")
}

/// Writes the document to `out`, one site at a time.
pub fn write(report: &Report<'_>, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    use std::io::Write;
    let document = Document {
        version: VERSION,
        sites: Sites(&report.sites),
        summary: report.summary(),
        errors: report
            .errors
            .iter()
            .map(|e| JsonError {
                path: &e.display,
                message: &e.message,
            })
            .collect(),
        fixed_since_baseline: report.fixed_since_baseline,
    };
    // serde_json writes token by token: a buffer of a concrete type takes them inline, where
    // each would be a call through `out`.
    let mut buffered = std::io::BufWriter::with_capacity(1 << 16, out);
    serde_json::to_writer_pretty(&mut buffered, &document).map_err(std::io::Error::from)?;
    buffered.write_all(b"\n")?;
    buffered.flush()
}

impl<'a> JsonSite<'a> {
    fn of(r: &'a ReportedSite<'a>) -> Self {
        let s = r.site;
        let c = &s.classification;
        let consumers = s.consumers();
        JsonSite {
            path: r.path,
            line: s.start.line,
            column: s.start.column,
            end_line: s.end.line,
            end_column: s.end.column,
            offset: s.offset,
            kind: s.kind,
            rule: s.kind.code(),
            binding: s.binding,
            code: &s.code,
            line_text: &s.line_text,
            name: c.name.as_deref(),
            id_type: c.id_type,
            shape: c.shape,
            risk: c.risk,
            phase: c.phase,
            area: c.area,
            fixable: c.fixable,
            suppressed: s.is_suppressed(),
            suppression_reason: s.suppressed.as_ref().and_then(|r| r.justification()),
            scope: &s.scope,
            fingerprint: s.fingerprint.as_str(),
            replacement: s.edit.as_ref().map(|e| e.content.as_str()),
            reasons: c.reasons.iter().map(ToString::to_string).collect(),
            consumers: consumers
                .shown
                .into_iter()
                .map(JsonConsumer::from)
                .collect(),
            consumers_not_shown: consumers.more,
            baseline: r.baseline,
        }
    }
}
