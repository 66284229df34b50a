//! One site and what is known about where it is: its kind (call or reference), its binding,
//! its suppression, its position, its edit, and the one rule for why it is left for manual
//! work (`Site::manual_reason`).

use serde::Serialize;
use std::fmt;
use std::sync::Arc;

use super::{Classification, ConsumerEvidence, Fingerprint, IdType, Reason, Shape};

/// A call `uuid.uuid4()` or an uncalled reference `default_factory=uuid.uuid4`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum SiteKind {
    Call,
    Reference,
}

impl SiteKind {
    pub const ALL: [SiteKind; 2] = [SiteKind::Call, SiteKind::Reference];

    pub fn as_str(self) -> &'static str {
        match self {
            SiteKind::Call => "call",
            SiteKind::Reference => "reference",
        }
    }

    /// The rule code, the one definition shown in text output, annotations, SARIF `ruleId`,
    /// and matched by `# noqa: UM001` and `per-file-ignores`.
    pub fn code(self) -> &'static str {
        match self {
            SiteKind::Call => "UM001",
            SiteKind::Reference => "UM002",
        }
    }

    /// The kind a rule code names (`UM001`, any case).
    pub fn from_code(code: &str) -> Option<SiteKind> {
        SiteKind::ALL
            .into_iter()
            .find(|kind| kind.code().eq_ignore_ascii_case(code))
    }
}

/// Why a site is not gated: it is still reported (counted, `--show-suppressed`), never a
/// violation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub enum Suppression {
    /// `# uuid-migrate: ignore` or `# uuid-migrate: ignore[reason]` on the site's line.
    Comment { reason: Option<String> },
    /// `# noqa` (every code) or `# noqa: UM001` naming the site's code, on the site's line.
    Noqa { code: Option<SiteKind> },
    /// A `per-file-ignores` pattern of the configuration that matches the file.
    PerFile { pattern: String },
}

impl Suppression {
    /// The reason written in the comment, if any (SARIF's justification).
    pub fn justification(&self) -> Option<&str> {
        match self {
            Suppression::Comment { reason } => reason.as_deref(),
            Suppression::Noqa { .. } | Suppression::PerFile { .. } => None,
        }
    }

    /// Written in the source (a comment) rather than in the configuration.
    pub fn in_source(&self) -> bool {
        !matches!(self, Suppression::PerFile { .. })
    }
}

impl fmt::Display for Suppression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Suppression::Comment { reason: Some(r) } => write!(f, "suppressed: {r}"),
            Suppression::Comment { reason: None } => {
                write!(f, "suppressed by `# uuid-migrate: ignore`")
            }
            Suppression::Noqa { code: Some(kind) } => {
                write!(f, "suppressed by `# noqa: {}`", kind.code())
            }
            Suppression::Noqa { code: None } => write!(f, "suppressed by `# noqa`"),
            Suppression::PerFile { pattern } => {
                write!(f, "suppressed by per-file-ignores `{pattern}`")
            }
        }
    }
}

/// Whether the name used at the site was traced to an import of the standard library's uuid.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Binding {
    Resolved,
    Unresolved,
}

impl Binding {
    pub fn as_str(self) -> &'static str {
        match self {
            Binding::Resolved => "resolved",
            Binding::Unresolved => "unresolved",
        }
    }
}

/// 1-based line and character column.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, serde::Deserialize,
)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// A byte-range replacement in the original file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Edit {
    pub start: usize,
    pub end: usize,
    pub content: String,
}

/// One `uuid4` site with everything known about it.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Site {
    /// Byte offset of the start of `uuid.uuid4` in the original file bytes.
    pub offset: usize,
    pub start: Position,
    pub end: Position,
    pub kind: SiteKind,
    pub binding: Binding,
    pub code: String,
    pub line_text: String,
    /// Characters of the line before `line_text`: its indentation, or everything cut at the
    /// left of a long line.
    pub indent: usize,
    /// Whether `line_text` is a window of a long line cut at the left (it starts with `…`).
    pub line_cut: bool,
    pub scope: String,
    /// The site's statement with whitespace normalised, as shown in the baseline file (cut
    /// after 200 characters); shared by the sites of one statement (a long literal can hold
    /// thousands).
    pub statement: Arc<str>,
    /// The baseline fingerprint: the scope and the whole statement, hashed, with every site's
    /// expression and every generator call masked (baseline format 2).
    pub fingerprint: Fingerprint,
    /// The fingerprint of baseline format 1 (nothing masked), to read older baselines.
    pub legacy_fingerprint: Fingerprint,
    pub in_error_region: bool,
    /// Boxed: most sites have none.
    pub suppressed: Option<Box<Suppression>>,
    pub classification: Classification,
    /// The replacement of the site's expression, when the site is fixable.
    pub edit: Option<Edit>,
}

impl Site {
    pub fn is_suppressed(&self) -> bool {
        self.suppressed.is_some()
    }

    /// Why nothing in the site's classification allows a rewrite; `None` when nothing forbids
    /// one (it may still have no edit: see `Reason::NoSafeRewrite`). A secret comes first: its
    /// advice matters most.
    pub fn manual_reason(&self) -> Option<ManualReason> {
        if self.is_suppressed() {
            Some(ManualReason::Suppressed)
        } else {
            self.blocking_reason()
        }
    }

    /// What in the classification forbids a rewrite, whether or not the site is suppressed.
    fn blocking_reason(&self) -> Option<ManualReason> {
        let c = &self.classification;
        Some(if c.id_type == IdType::Secret {
            ManualReason::Secret
        } else if self.binding == Binding::Unresolved {
            ManualReason::Unresolved
        } else if self.in_error_region {
            ManualReason::ErrorRegion
        } else if self.consumer().is_some() {
            ManualReason::Consumer
        } else if c.shape == Shape::Object {
            ManualReason::UuidObject
        } else if c.id_type == IdType::Unknown {
            ManualReason::UnknownType
        } else {
            return None;
        })
    }

    /// The first consumer that blocks a rewrite: its kind, what it is, where, and how sure.
    pub fn consumer(&self) -> Option<&Reason> {
        self.classification
            .reasons
            .iter()
            .find(|r| matches!(r, Reason::Consumer(_)))
    }

    /// Why the site is not rewritten automatically, as a sentence fragment for reports (for a
    /// suppressed site: what the suppression hides).
    pub fn manual_explanation(&self) -> String {
        match self.blocking_reason() {
            Some(ManualReason::Secret) => {
                "a secret keeps its 122 random bits (use secrets.token_urlsafe), never a structured id"
                    .to_owned()
            }
            Some(ManualReason::Unresolved) => "`uuid` is never imported in this file".to_owned(),
            Some(ManualReason::ErrorRegion) => "inside a region that does not parse".to_owned(),
            Some(ManualReason::UuidObject) => "the code uses the UUID object itself".to_owned(),
            Some(ManualReason::UnknownType) => {
                "unknown id type (name the value, or configure a type word)".to_owned()
            }
            Some(ManualReason::Consumer) => match self.consumer() {
                Some(Reason::Consumer(consumer)) => format!(
                    "the value reaches {} {} ({}) at {}:{}",
                    match consumer.evidence {
                        ConsumerEvidence::Resolved => "consumer",
                        ConsumerEvidence::Possible => "possible consumer",
                    },
                    consumer.what,
                    consumer.kind.as_str(),
                    consumer.path,
                    consumer.line
                ),
                _ => "the value reaches a consumer".to_owned(),
            },
            Some(ManualReason::Suppressed | ManualReason::Other) | None => self
                .classification
                .reasons
                .iter()
                .find_map(|r| match r {
                    Reason::NoSafeRewrite { why } => Some(why.clone()),
                    _ => None,
                })
                .unwrap_or_else(|| "no safe automatic rewrite".to_owned()),
        }
    }
}

/// Why a site is left for manual work. `Site::manual_reason` decides, in one order, for every
/// command and format; the variants are in the order the rewrite summary lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ManualReason {
    Consumer,
    UnknownType,
    Secret,
    UuidObject,
    Unresolved,
    ErrorRegion,
    Suppressed,
    Other,
}

impl ManualReason {
    pub fn describe(self) -> &'static str {
        match self {
            ManualReason::Consumer => "consumer",
            ManualReason::UnknownType => "unknown type",
            ManualReason::Secret => "secret",
            ManualReason::UuidObject => "UUID object",
            ManualReason::Unresolved => "unresolved",
            ManualReason::ErrorRegion => "error region",
            ManualReason::Suppressed => "suppressed",
            ManualReason::Other => "other",
        }
    }
}
