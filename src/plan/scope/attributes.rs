//! `self.name` at a site: whether the method's class declares or assigns the attribute.

use super::UNPACKING;
use tree_sitter::Node;

use crate::syntax::{NodeExt, node_text};

/// Whether a class assigns `self.name` in a method or declares `name` in its body (a field,
/// or a `@property`).
pub(super) fn class_has_attribute(class: Node<'_>, name: &str, src: &[u8]) -> bool {
    let Some(body) = class.field("body") else {
        return false;
    };
    let mut cursor = body.walk();
    for statement in body.named_children(&mut cursor) {
        match statement.kind_str() {
            "expression_statement" => {
                let mut c = statement.walk();
                let declared = statement.named_children(&mut c).any(|a| {
                    a.kind_str() == "assignment"
                        && a.field("left").is_some_and(|l| {
                            l.kind_str() == "identifier" && node_text(l, src) == name
                        })
                });
                if declared {
                    return true;
                }
            }
            "decorated_definition" => {
                let mut c = statement.walk();
                let property = statement.named_children(&mut c).any(|d| {
                    d.kind_str() == "decorator" && node_text(d, src).trim() == "@property"
                });
                let named = statement
                    .field("definition")
                    .and_then(|d| d.field("name"))
                    .is_some_and(|n| node_text(n, src) == name);
                if property && named {
                    return true;
                }
                if assigns_self_attribute(statement, name, src) {
                    return true;
                }
            }
            "function_definition" if assigns_self_attribute(statement, name, src) => return true,
            _ => {}
        }
    }
    false
}

/// Whether a method assigns `self.name` anywhere in it.
pub(super) fn assigns_self_attribute(method: Node<'_>, name: &str, src: &[u8]) -> bool {
    let mut stack = vec![method];
    let mut attributes = Vec::new();
    while let Some(node) = stack.pop() {
        if node.kind_str() == "class_definition" {
            continue;
        }
        attributes.clear();
        match node.kind_str() {
            "assignment" | "augmented_assignment" => {
                attribute_targets(node.field("left"), &mut attributes);
            }
            "for_statement" => attribute_targets(node.field("left"), &mut attributes),
            "as_pattern_target" => attribute_targets(node.named_child(0), &mut attributes),
            _ => {}
        }
        let assigns = attributes.iter().any(|a| {
            a.field("object")
                .is_some_and(|o| o.kind_str() == "identifier" && node_text(o, src) == "self")
                && a.field("attribute")
                    .is_some_and(|n| node_text(n, src) == name)
        });
        if assigns {
            return true;
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    false
}

/// The attribute nodes (`self.x`) among an assignment's targets.
pub(super) fn attribute_targets<'t>(target: Option<Node<'t>>, out: &mut Vec<Node<'t>>) {
    let Some(target) = target else {
        return;
    };
    match target.kind_str() {
        "attribute" => out.push(target),
        kind if UNPACKING.contains(&kind) => {
            let mut cursor = target.walk();
            for child in target.named_children(&mut cursor) {
                attribute_targets(Some(child), out);
            }
        }
        _ => {}
    }
}
