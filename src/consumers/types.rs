//! Which type names mean a UUID: the built-in ones (`UUID`, `UUID4`, `UUIDType`, ...) and those
//! named in `consumers.uuid-types`; and what makes a type expression or a column UUID-typed.

use tree_sitter::Node;

use super::index::last_name_of;
use crate::syntax::{NodeExt, node_text};

/// Identifiers that name a UUID type.
const UUID_TYPES: [&str; 9] = [
    "UUID",
    "UUID1",
    "UUID3",
    "UUID4",
    "UUID5",
    "Uuid",
    "UUIDType",
    "UUIDField",
    "PG_UUID",
];
/// Identifiers that let a string through beside a UUID (`Union[UUID, str]`).
const STRING_TYPES: [&str; 6] = ["str", "Any", "object", "StrictStr", "AnyStr", "constr"];

/// The UUID type names in force: the built-in ones and the configured ones (each as its last
/// component: `OrderId` for `pkg.types.OrderId`).
#[derive(Debug, Clone, Copy, Default)]
pub struct UuidTypes<'c> {
    configured: &'c [String],
}

impl<'c> UuidTypes<'c> {
    pub fn new(configured: &'c [String]) -> Self {
        UuidTypes { configured }
    }

    /// The configured names, for the byte prefilter.
    pub fn configured(&self) -> &'c [String] {
        self.configured
    }

    /// Whether `word` names a UUID type.
    pub fn is_uuid_type(&self, word: &str) -> bool {
        UUID_TYPES.contains(&word) || self.configured.iter().any(|t| t == word)
    }

    /// Whether a type expression is UUID-typed: names a UUID type and no string alternative.
    pub fn typed(&self, text: &str) -> bool {
        let mut uuid = false;
        for word in text
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty())
        {
            if STRING_TYPES.contains(&word) {
                return false;
            }
            uuid |= self.is_uuid_type(word);
        }
        uuid
    }

    /// Whether a call makes a UUID column or schema field: `UUIDField()`, `fields.UUID()`,
    /// `Column(UUID(as_uuid=True))`, `mapped_column(UUIDType(binary=False), default=...)`.
    pub fn column(&self, call: Node<'_>, src: &[u8]) -> bool {
        let Some(function) = call.field("function") else {
            return false;
        };
        if self.is_uuid_type(last_name_of(function, src)) {
            return true;
        }
        let Some(args) = call.field("arguments") else {
            return false;
        };
        let mut cursor = args.walk();
        args.named_children(&mut cursor)
            .any(|arg| match arg.kind_str() {
                "keyword_argument" => {
                    let name = arg.field("name").map(|n| node_text(n, src));
                    matches!(name, Some("type_" | "sa_type" | "sa_column"))
                        && arg
                            .field("value")
                            .is_some_and(|v| self.typed(node_text(v, src)))
                }
                "string" | "comment" => false,
                _ => self.typed(node_text(arg, src)),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configured_names_count_like_uuid() {
        let configured = vec!["ShortUUID".to_owned(), "OrderId".to_owned()];
        let types = UuidTypes::new(&configured);
        assert!(types.typed("Optional[OrderId]"));
        assert!(types.typed("ShortUUID"));
        assert!(!types.typed("Union[OrderId, str]"));
        assert!(!types.typed("OrderIdentifier"));
        assert!(!UuidTypes::default().typed("OrderId"));
        assert!(UuidTypes::default().typed("Mapped[uuid.UUID]"));
    }
}
