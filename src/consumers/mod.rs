//! Where a site's value goes: the consumers that expect a UUID or check a format.
//!
//! Two phases. Per file, in the parallel run and cached with the file's sites: `index` records
//! what the file declares (UUID-typed fields, columns and parameters, UUID-parsing function
//! bodies, format-checked fields, tests that pin `uuid4`), and `flow` follows each site's value
//! through its function to the places it reaches, each named as far as the file alone can name
//! it (a call's callee through the file's imports, a `self.x` field, a direct parse). Across
//! files, after every file is in (from the cache or not), `resolve` looks each reached place up
//! in the repository's index and decides the verdicts: a resolved consumer, a possible one
//! (name only), or a format check the replacement passes.

pub mod flow;
pub mod index;
pub mod pattern;
pub mod resolve;
pub mod sql;
pub mod types;
pub mod validators;

use serde::{Deserialize, Serialize};

use crate::model::{ConsumerKind, Reason, Risk, Site};

pub use index::FileIndex;
pub use resolve::{RepoIndex, Verdicts};

/// A check of the value against a regular expression, with how it is applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatternCheck {
    /// The Python pattern as written.
    pub pattern: String,
    pub anchor: Anchor,
}

/// How a pattern is applied to the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Anchor {
    /// `re.search`, pydantic's `pattern=`: anywhere, anchors in the pattern.
    Search,
    /// `re.match`: at the start.
    Start,
    /// `re.fullmatch`: the whole value.
    Full,
}

/// A consumer known inside one file: what it is, its kind and line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consumer {
    pub kind: ConsumerKind,
    /// `field `Account.id``, `parameter `p` of `create``, `uuid.UUID(x)`.
    pub what: String,
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    /// For `ConsumerKind::Pattern`: the check.
    pub pattern: Option<PatternCheck>,
}

/// A call's callee as far as one file can name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Callee {
    /// The function or class name (`Account`, `create`).
    pub name: String,
    /// The module it is imported from (`pkg.models`, `.models`); `None` when defined in this
    /// file or unknown (see `local`).
    pub module: Option<String>,
    /// Defined in this file.
    pub local: bool,
    /// For a method call: the class when known (`client = Client(...); client.create(x)`).
    pub class: Option<Box<Callee>>,
    /// A method call on a receiver of unknown type: only names can match.
    pub unknown_receiver: bool,
}

/// Which argument of a call the value is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Slot {
    Keyword(String),
    Positional(usize),
}

/// A place a site's value reaches, as far as its own file can tell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reached {
    /// A consumer found in the file itself (a parse, an annotated local, a typed column default).
    Direct(Consumer),
    /// An argument of a call: the callee's parameter or the constructed class's field; `line`
    /// is the call's.
    Argument {
        callee: Callee,
        slot: Slot,
        /// Where the call is (a configured validator's position).
        line: usize,
        column: usize,
    },
    /// `self.x = value` in a method of `class` (defined in this file).
    SelfField { class: String, field: String },
    /// `obj.x = value` or `{"x": value}` on something of unknown type: names only.
    Named { name: String },
    /// A parameter of an `INSERT INTO table (..., column, ...) VALUES (...)` run by the call.
    SqlColumn { table: String, column: String },
}

/// One place reached, with the steps that led there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub reached: Reached,
    /// `local `x` -> keyword `id` of `Account(...)``.
    pub flow: String,
}

/// Where one site's value goes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteFlow {
    /// The site's offset in the file's raw bytes (`Site::offset`).
    pub offset: usize,
    pub steps: Vec<Step>,
    /// A sample of the replacement value, for format checks.
    pub sample: String,
}

/// What the consumer analysis keeps of one file: its declarations and its sites' flows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileFacts {
    pub index: FileIndex,
    pub flows: Vec<SiteFlow>,
}

impl FileFacts {
    pub fn is_empty(&self) -> bool {
        self.index.is_empty() && self.flows.is_empty()
    }
}

/// Applies a site's consumer reasons: a blocking consumer makes it high risk and manual, with
/// no edit; a passed format check is only noted.
pub fn apply(site: &mut Site, reasons: Vec<Reason>) {
    let blocks = reasons.iter().any(|r| matches!(r, Reason::Consumer(_)));
    let c = &mut site.classification;
    c.reasons.extend(reasons);
    if blocks {
        c.fixable = false;
        if c.risk != Risk::High {
            c.risk = Risk::High;
            if let Some(crate::model::Reason::PhaseDefault { phase }) = c
                .reasons
                .iter_mut()
                .find(|r| matches!(r, Reason::PhaseDefault { .. }))
            {
                *phase = Risk::High.default_phase();
                c.phase = *phase;
            }
        }
        site.edit = None;
    }
}
