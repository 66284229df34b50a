//! The evidence behind a judgement, carried as data (`Reason`): where a name came from, what
//! a consumer expects and how it was reached, a format check passed, a typed call's names.
//! `display` renders a reason for the reports.

mod display;

use serde::Serialize;

use super::{IdType, Shape, Suppression};

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

/// What in the code around a site gives its value its shape (`Reason::Shape`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub enum ShapeDetail {
    /// An uncalled reference on a field annotated `str`.
    ReferenceOnStrField,
    /// Any other uncalled reference: the factory makes a UUID object.
    Reference,
    /// Inside an f-string replacement field.
    FstringField,
    /// `[:N]`: a slice of a known length.
    SlicedToLength,
    /// Any other slice.
    Sliced,
    /// `.hex`.
    Hex,
    /// `str(...)`.
    Str,
    /// Nothing: the UUID object is used as such.
    Object,
}

impl ShapeDetail {
    pub fn describe(self) -> &'static str {
        match self {
            ShapeDetail::ReferenceOnStrField => "uncalled reference on a `str` field",
            ShapeDetail::Reference => "uncalled reference: the factory makes a UUID object",
            ShapeDetail::FstringField => "inside an f-string replacement field",
            ShapeDetail::SlicedToLength => "sliced to a fixed length",
            ShapeDetail::Sliced => "sliced",
            ShapeDetail::Hex => "`.hex` string",
            ShapeDetail::Str => "converted with `str()`",
            ShapeDetail::Object => "the UUID object itself is used",
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
///
/// Every site keeps several, so the enum stays small (see the `size` test): the large, rare
/// variants (a suppression, a consumer, a typed call) are boxed, as
/// `clippy::large_enum_variant` advises.
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
        detail: ShapeDetail,
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
    Suppressed(Box<Suppression>),
    /// A fixable-looking site whose rewrite cannot be made safely.
    NoSafeRewrite {
        why: String,
    },
    /// The value reaches code that expects a UUID or checks a format the replacement fails.
    Consumer(Box<ReachedConsumer>),
    /// The value reaches a format check that a sample replacement passes.
    FormatChecked(Box<FormatCheck>),
    /// The site's id type has a typed call (`[generator.calls]`) and the rewrite uses it.
    TypedCall(Box<TypedCall>),
    /// The site's id type has a typed call, but the rewrite keeps the base call.
    TypedCallFallback(Box<KeptBaseCall>),
}

/// A consumer the value reaches that expects a UUID or checks a format the replacement fails
/// (`Reason::Consumer`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ReachedConsumer {
    pub kind: ConsumerKind,
    /// What consumes it: `field `Account.id``, `parameter `p` of `create``.
    pub what: String,
    pub path: String,
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    pub evidence: ConsumerEvidence,
    /// The steps from the site to the consumer, joined by `FLOW_SEPARATOR`.
    pub flow: String,
}

/// The typed call a rewrite uses (`Reason::TypedCall`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct TypedCall {
    /// `UnifiedIdGenerator.generate_session_id`.
    pub callee: String,
    /// Each argument filled from scope, in the call's order.
    pub args: Vec<FoundName>,
}

/// A typed call a rewrite does not use, keeping the base call (`Reason::TypedCallFallback`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct KeptBaseCall {
    /// The typed call not used.
    pub callee: String,
    pub why: TypedCallFallback,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size() {
        // Every site keeps a handful of reasons, and a dense file has hundreds of thousands of
        // sites: a reason is at most a string and a tag, the larger variants are boxed (96 bytes
        // before, a Vec of them the largest part of a site).
        assert!(std::mem::size_of::<Reason>() <= 32);
    }
}
