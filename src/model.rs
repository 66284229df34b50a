//! The vocabulary every stage shares: a site, its classification, and the evidence behind it.

mod consumers;

use serde::Serialize;
use std::fmt;

pub use consumers::{FLOW_SEPARATOR, MAX_SHOWN_CONSUMERS, ShownConsumer, SiteConsumers, Verdict};

/// What kind of identifier a site produces, decided from its name.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum IdType {
    Websocket,
    Transaction,
    Metric,
    Trace,
    Execution,
    Thread,
    User,
    Session,
    Request,
    Agent,
    Tool,
    Secret,
    Unknown,
}

impl IdType {
    pub fn as_str(self) -> &'static str {
        match self {
            IdType::Websocket => "websocket",
            IdType::Transaction => "transaction",
            IdType::Metric => "metric",
            IdType::Trace => "trace",
            IdType::Execution => "execution",
            IdType::Thread => "thread",
            IdType::User => "user",
            IdType::Session => "session",
            IdType::Request => "request",
            IdType::Agent => "agent",
            IdType::Tool => "tool",
            IdType::Secret => "secret",
            IdType::Unknown => "unknown",
        }
    }
}

/// What the surrounding code needs from the uuid.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Shape {
    /// `str(uuid4())`
    String,
    /// `uuid4().hex`
    Hex,
    /// `uuid4().hex[:8]`, `str(uuid4())[:8]` outside an f-string
    Truncated,
    /// inside an f-string replacement field
    Fstring,
    /// a bare `UUID` object used as such
    Object,
}

impl Shape {
    pub fn as_str(self) -> &'static str {
        match self {
            Shape::String => "string",
            Shape::Hex => "hex",
            Shape::Truncated => "truncated",
            Shape::Fstring => "fstring",
            Shape::Object => "object",
        }
    }
}

/// How risky it is to migrate a site.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Risk {
    Low,
    Medium,
    High,
}

impl Risk {
    pub fn as_str(self) -> &'static str {
        match self {
            Risk::Low => "low",
            Risk::Medium => "medium",
            Risk::High => "high",
        }
    }

    pub fn default_phase(self) -> u32 {
        match self {
            Risk::Low => 1,
            Risk::Medium => 2,
            Risk::High => 3,
        }
    }
}

/// Test code or application code.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Area {
    Test,
    App,
}

impl Area {
    pub fn as_str(self) -> &'static str {
        match self {
            Area::Test => "test",
            Area::App => "app",
        }
    }
}

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

/// Where a name came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
pub enum NameSource {
    AssignmentTarget,
    AttributeTarget,
    SubscriptKey,
    Keyword,
    DictKey,
    AnnotatedField,
    ReturningFunction,
    OrFallback,
    FstringPrefix,
    ConcatPrefix,
    Wrapper,
    Container,
    LookupKey,
    EnclosingScope,
    FollowedVariable,
}

impl NameSource {
    pub fn describe(self) -> &'static str {
        match self {
            NameSource::AssignmentTarget => "assignment target",
            NameSource::AttributeTarget => "attribute assignment target",
            NameSource::SubscriptKey => "subscript key of the assignment target",
            NameSource::Keyword => "keyword argument",
            NameSource::DictKey => "dict key",
            NameSource::AnnotatedField => "annotated class field",
            NameSource::ReturningFunction => "enclosing function (value is returned)",
            NameSource::OrFallback => "other operand of the `or` fallback",
            NameSource::FstringPrefix => "literal prefix of the f-string",
            NameSource::ConcatPrefix => "literal prefix of the `+` concatenation",
            NameSource::Wrapper => "wrapping call",
            NameSource::Container => "call or container the `id` goes into",
            NameSource::LookupKey => {
                "key or attribute of the lookup it is the default of (`d.get(\"k\", ...)`, `setattr`)"
            }
            NameSource::EnclosingScope => "enclosing factory function",
            NameSource::FollowedVariable => "statement that consumes the local variable",
        }
    }
}

/// What a consumer of a site's value expects.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum ConsumerKind {
    /// A class field or parameter annotated `UUID` (`Optional[UUID]`, `Mapped[uuid.UUID]`, ...).
    UuidAnnotation,
    /// An ORM or schema column of a UUID type (`Column(UUID(...))`, `UUIDField`, ...), or a
    /// SQL column declared `UUID` in a DDL string.
    UuidColumn,
    /// Code that parses or checks the value as a UUID (`uuid.UUID(x)`, `isinstance(x, UUID)`).
    UuidParse,
    /// A format check (`Field(pattern=...)`, `re.match(P, x)`) the replacement does not pass.
    Pattern,
    /// A test that patches this module's `uuid4`.
    PinnedTest,
    /// A function named in `consumers.validators`: it checks a format the tool cannot see.
    Validator,
}

impl ConsumerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ConsumerKind::UuidAnnotation => "uuid-annotation",
            ConsumerKind::UuidColumn => "uuid-column",
            ConsumerKind::UuidParse => "uuid-parse",
            ConsumerKind::Pattern => "pattern",
            ConsumerKind::PinnedTest => "pinned-test",
            ConsumerKind::Validator => "validator",
        }
    }
}

/// How a consumer was reached: by following the value through code, or by a name alone.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum ConsumerEvidence {
    /// The flow was followed to the consumer.
    Resolved,
    /// Only a name matches (a same-named field typed UUID elsewhere): a possible consumer.
    Possible,
}

impl ConsumerEvidence {
    pub fn as_str(self) -> &'static str {
        match self {
            ConsumerEvidence::Resolved => "resolved",
            ConsumerEvidence::Possible => "possible",
        }
    }
}

/// One piece of evidence behind a judgement, rendered by the report layer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub enum Reason {
    Name {
        name: String,
        source: NameSource,
    },
    NameSaysNothing {
        name: String,
    },
    TypeWord {
        word: String,
        id_type: IdType,
    },
    SecretWord {
        word: String,
    },
    NoTypeWord {
        head: Option<String>,
    },
    /// A generic head word (`handle`) handed over to the word before it.
    GenericWord {
        word: String,
    },
    /// A preposition (`run_with_snapshot_id`): the words before it name the id.
    Preposition {
        word: String,
    },
    /// A head word naming something that is not an id (`user_email`).
    NotAnId {
        word: String,
    },
    NoName,
    Shape {
        shape: Shape,
        detail: String,
    },
    RiskExceptHandler,
    RiskObjectShape,
    RiskSecret,
    RiskUnresolved,
    RiskErrorRegion,
    RiskHighPath {
        pattern: String,
    },
    RiskDefaultFactory,
    RiskLambda,
    RiskClassField,
    RiskModuleConstant,
    RiskDefaultArgument,
    RiskDirect,
    PhaseRule {
        index: usize,
        phase: u32,
    },
    PhaseDefault {
        phase: u32,
    },
    Unresolved,
    ErrorRegion,
    ImportInOtherScope,
    Suppressed(Suppression),
    /// A fixable-looking site whose rewrite cannot be made safely.
    NoSafeRewrite {
        why: String,
    },
    /// The value reaches code that expects a UUID or checks a format the replacement fails.
    Consumer {
        kind: ConsumerKind,
        /// What consumes it: `field `Account.id``, `parameter `p` of `create``.
        what: String,
        path: String,
        line: usize,
        /// 1-based, in characters.
        column: usize,
        evidence: ConsumerEvidence,
        /// The steps from the site to the consumer, joined by `FLOW_SEPARATOR`.
        flow: String,
    },
    /// The value reaches a format check that a sample replacement passes.
    FormatChecked(Box<FormatCheck>),
    /// The site's id type has a typed call (`[generator.calls]`) and the rewrite uses it.
    TypedCall {
        /// `UnifiedIdGenerator.generate_session_id`.
        callee: String,
        /// Each argument filled from scope, in the call's order.
        args: Vec<FoundName>,
    },
    /// The site's id type has a typed call, but the rewrite keeps the base call.
    TypedCallFallback {
        callee: String,
        why: TypedCallFallback,
    },
}

/// A format check that a sample replacement passes (`Reason::FormatChecked`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct FormatCheck {
    pub pattern: String,
    pub sample: String,
    /// The check, with the pattern and the sample it accepts: `field `Event.event_id` (pattern
    /// `...` accepts `...`)`.
    pub what: String,
    pub path: String,
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    pub evidence: ConsumerEvidence,
    /// The steps from the site to the check, joined by `FLOW_SEPARATOR`.
    pub flow: String,
}

/// A name a typed call's placeholder found at the site, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct FoundName {
    /// The expression inserted: `user_id`, `self.user_id`.
    pub expr: String,
    pub source: NameOrigin,
}

/// Where a name visible at a site is bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub enum NameOrigin {
    /// A parameter of the enclosing function or lambda.
    Parameter,
    /// Bound earlier in the same function (assignment, `for`, `with`, `except`, walrus, import).
    Local,
    /// A parameter or local of an enclosing function (a closure).
    Enclosing,
    /// `self.name`, assigned or declared by the enclosing method's class.
    Attribute,
    /// Bound at the module level.
    Module,
}

impl NameOrigin {
    pub fn describe(self) -> &'static str {
        match self {
            NameOrigin::Parameter => "a parameter",
            NameOrigin::Local => "a local bound earlier",
            NameOrigin::Enclosing => "from an enclosing function",
            NameOrigin::Attribute => "an attribute of the class",
            NameOrigin::Module => "a module-level name",
        }
    }
}

/// Why a site with a typed call keeps the base call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub enum TypedCallFallback {
    /// No name of a required placeholder is visible at the site (`user_id`, or `a|b`).
    Missing { names: Vec<String> },
    /// The site is only part of an id (a suffix in a larger f-string, a truncation).
    PartOfId,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Name { name, source } => {
                write!(f, "name `{name}` from the {}", source.describe())
            }
            Reason::NameSaysNothing { name } => {
                write!(f, "name `{name}` has only noise words: looked further")
            }
            Reason::TypeWord { word, id_type } => {
                write!(f, "word `{word}` means id type {}", id_type.as_str())
            }
            Reason::SecretWord { word } => write!(
                f,
                "secret word `{word}`: uuid4 has 122 random bits, a structured id only 32; never rewritten (use secrets.token_urlsafe)"
            ),
            Reason::NoTypeWord { head: Some(head) } => {
                write!(f, "head word `{head}` maps to no id type")
            }
            Reason::NoTypeWord { head: None } => write!(f, "no word maps to an id type"),
            Reason::GenericWord { word } => {
                write!(
                    f,
                    "`{word}` is a generic noun: handed over to the word before it"
                )
            }
            Reason::Preposition { word } => {
                write!(
                    f,
                    "`{word}` is a preposition: the words before it name the id"
                )
            }
            Reason::NotAnId { word } => {
                write!(
                    f,
                    "head word `{word}` names something that is not an id: unknown"
                )
            }
            Reason::NoName => write!(f, "no name found for the value"),
            Reason::Shape { shape, detail } => write!(f, "shape {}: {detail}", shape.as_str()),
            Reason::RiskExceptHandler => {
                write!(f, "high risk: fallback path inside an `except` handler")
            }
            Reason::RiskObjectShape => write!(f, "high risk: a UUID object is used as such"),
            Reason::RiskSecret => write!(f, "high risk: secret value"),
            Reason::RiskUnresolved => write!(f, "high risk: `uuid` is never imported in this file"),
            Reason::RiskErrorRegion => write!(f, "high risk: inside a region that does not parse"),
            Reason::RiskHighPath { pattern } => {
                write!(
                    f,
                    "high risk: path matches configured high-risk pattern `{pattern}`"
                )
            }
            Reason::RiskDefaultFactory => write!(
                f,
                "medium risk: default factory (value made later, per instance)"
            ),
            Reason::RiskLambda => write!(f, "medium risk: inside a lambda (deferred)"),
            Reason::RiskClassField => write!(f, "medium risk: class-level field default (shared)"),
            Reason::RiskModuleConstant => {
                write!(f, "medium risk: module-level value (made once at import)")
            }
            Reason::RiskDefaultArgument => write!(
                f,
                "medium risk: default argument value (evaluated once, shared by every call)"
            ),
            Reason::RiskDirect => write!(f, "low risk: made and used directly in ordinary code"),
            Reason::PhaseRule { index, phase } => {
                write!(f, "phase {phase} from configured phase rule #{}", index + 1)
            }
            Reason::PhaseDefault { phase } => write!(f, "phase {phase} from the risk tier"),
            Reason::Unresolved => write!(f, "binding unresolved: the file never imports `uuid`"),
            Reason::ErrorRegion => write!(f, "inside a syntax error region: never rewritten"),
            Reason::ImportInOtherScope => {
                write!(f, "`uuid` is imported in another scope of this file")
            }
            Reason::Suppressed(suppression) => write!(f, "{suppression}"),
            Reason::NoSafeRewrite { why } => write!(f, "not rewritten: {why}"),
            Reason::Consumer {
                kind,
                what,
                path,
                line,
                evidence,
                flow,
                ..
            } => {
                let lead = match evidence {
                    ConsumerEvidence::Resolved => "high risk: consumer",
                    ConsumerEvidence::Possible => "possible consumer (by name only)",
                };
                write!(
                    f,
                    "{lead}: {what} ({}) at {path}:{line}, via {flow}",
                    kind.as_str()
                )
            }
            Reason::FormatChecked(check) => write!(
                f,
                "format check `{}` at {}:{} accepts the replacement (sample `{}`)",
                check.pattern, check.path, check.line, check.sample
            ),
            Reason::TypedCall { callee, args } => {
                write!(f, "typed call `{callee}`")?;
                if args.is_empty() {
                    return Ok(());
                }
                let found: Vec<String> = args
                    .iter()
                    .map(|a| format!("`{}` ({})", a.expr, a.source.describe()))
                    .collect();
                write!(f, " with {}", found.join(", "))
            }
            Reason::TypedCallFallback {
                callee,
                why: TypedCallFallback::Missing { names },
            } => write!(
                f,
                "base call kept: `{}` for `{callee}` is not visible at the site",
                names.join("` or `")
            ),
            Reason::TypedCallFallback {
                callee,
                why: TypedCallFallback::PartOfId,
            } => write!(
                f,
                "base call kept: the site is only part of an id, `{callee}` makes whole ids"
            ),
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

/// The judgements made about a site.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Classification {
    pub name: Option<String>,
    pub id_type: IdType,
    pub shape: Shape,
    pub risk: Risk,
    pub phase: u32,
    pub area: Area,
    pub fixable: bool,
    /// The prefix a rewrite would pass to the generator.
    pub prefix: Option<String>,
    pub reasons: Vec<Reason>,
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
    /// after 200 characters).
    pub statement: String,
    /// The baseline fingerprint: the scope and the whole statement, hashed, with every site's
    /// expression and every generator call masked (baseline format 2).
    pub fingerprint: String,
    /// The fingerprint of baseline format 1 (nothing masked), to read older baselines.
    pub legacy_fingerprint: String,
    pub in_error_region: bool,
    pub suppressed: Option<Suppression>,
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
            .find(|r| matches!(r, Reason::Consumer { .. }))
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
                Some(Reason::Consumer {
                    kind,
                    what,
                    path,
                    line,
                    evidence,
                    ..
                }) => format!(
                    "the value reaches {} {what} ({}) at {path}:{line}",
                    match evidence {
                        ConsumerEvidence::Resolved => "consumer",
                        ConsumerEvidence::Possible => "possible consumer",
                    },
                    kind.as_str()
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

/// Which sites the filters let through.
#[derive(Debug, Clone, Copy, Default)]
pub struct Filter {
    pub phase: Option<u32>,
    pub risk: Option<Risk>,
    pub id_type: Option<IdType>,
    pub area: Option<Area>,
}

impl Filter {
    pub fn matches(&self, site: &Site) -> bool {
        let c = &site.classification;
        self.phase.is_none_or(|p| p == c.phase)
            && self.risk.is_none_or(|r| r == c.risk)
            && self.id_type.is_none_or(|t| t == c.id_type)
            && self.area.is_none_or(|a| a == c.area)
    }
}

/// A site's standing against the baseline, when one is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BaselineStatus {
    New,
    Baselined,
}

/// One site as the reports see it.
#[derive(Debug, Clone, Copy)]
pub struct ReportedSite<'a> {
    pub path: &'a str,
    pub site: &'a Site,
    pub baseline: Option<BaselineStatus>,
}
