//! How a site is judged: the id type its name suggests, the shape of its value, its risk,
//! the area of the code it lives in, and the `Classification` that carries them with its
//! reasons.

use serde::Serialize;

use super::Reason;

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
