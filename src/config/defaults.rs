//! The defaults: test paths, word lists, type words, abbreviations, the generator.

use crate::model::IdType;

pub const DEFAULT_TEST_PATHS: [&str; 5] = [
    "**/tests/**",
    "**/test/**",
    "**/test_*.py",
    "**/*_test.py",
    "**/conftest.py",
];
pub const DEFAULT_NOISE_WORDS: [&str; 15] = [
    "id", "ids", "uuid", "guid", "uid", "unique", "random", "suffix", "str", "hex", "value",
    "part", "short", "new", "u",
];
/// Generic nouns that say what holds an id, not whose id it is: `session_handle_id` is a session.
pub const DEFAULT_GENERIC_WORDS: [&str; 7] = [
    "handle",
    "holder",
    "ref",
    "reference",
    "key",
    "pk",
    "identifier",
];
/// Things that are not ids: `user_email` is not a user, `thread_name` not a thread.
pub const DEFAULT_NOT_ID_WORDS: [&str; 20] = [
    "email",
    "mail",
    "path",
    "file",
    "filename",
    "dir",
    "directory",
    "folder",
    "url",
    "uri",
    "link",
    "title",
    "text",
    "name",
    "label",
    "description",
    "tag",
    "version",
    "revision",
    "content",
];
pub const DEFAULT_GENERATOR_IMPORT: &str =
    "from shared.id_generation.unified_id_generator import UnifiedIdGenerator";
pub const DEFAULT_GENERATOR_CALL: &str = "UnifiedIdGenerator.generate_base_id";

pub(super) const DEFAULT_TYPE_WORDS: &[(&str, IdType)] = &[
    ("connection", IdType::Websocket),
    ("conn", IdType::Websocket),
    ("websocket", IdType::Websocket),
    ("ws", IdType::Websocket),
    ("socket", IdType::Websocket),
    ("client", IdType::Websocket),
    ("message", IdType::Transaction),
    ("msg", IdType::Transaction),
    ("batch", IdType::Transaction),
    ("transaction", IdType::Transaction),
    ("txn", IdType::Transaction),
    ("event", IdType::Metric),
    ("metric", IdType::Metric),
    ("trace", IdType::Trace),
    ("span", IdType::Trace),
    ("correlation", IdType::Trace),
    ("context", IdType::Execution),
    ("ctx", IdType::Execution),
    ("run", IdType::Execution),
    ("execution", IdType::Execution),
    ("exec", IdType::Execution),
    ("workflow", IdType::Execution),
    ("job", IdType::Execution),
    ("task", IdType::Execution),
    ("pipeline", IdType::Execution),
    ("operation", IdType::Execution),
    ("flow", IdType::Execution),
    ("thread", IdType::Thread),
    ("user", IdType::User),
    ("username", IdType::User),
    ("session", IdType::Session),
    ("request", IdType::Request),
    ("req", IdType::Request),
    ("agent", IdType::Agent),
    ("tool", IdType::Tool),
    ("secret", IdType::Secret),
    ("token", IdType::Secret),
    ("password", IdType::Secret),
    ("passwd", IdType::Secret),
    ("nonce", IdType::Secret),
    ("salt", IdType::Secret),
    ("csrf", IdType::Secret),
    ("jti", IdType::Secret),
    ("otp", IdType::Secret),
    ("credential", IdType::Secret),
    ("credentials", IdType::Secret),
    ("apikey", IdType::Secret),
    ("api_key", IdType::Secret),
];

pub(super) const DEFAULT_ABBREVIATIONS: &[(&str, &str)] = &[
    ("message", "msg"),
    ("connection", "conn"),
    ("request", "req"),
];

/// The ids `UnifiedIdGenerator` makes: `<prefix>_<13-digit ms>_<counter>_<8 hex>`.
pub const DEFAULT_TARGET_REGEX: &str = r"[a-z][a-z0-9_]*_\d{13}_\d+_[0-9a-f]{8}";
/// One of them, for format checks; `{prefix}` is the site's prefix.
pub const DEFAULT_TARGET_SAMPLE: &str = "{prefix}_1757927717565_2_b97ed28f";
