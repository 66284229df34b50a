//! The hops a value takes inside its file: an assignment to a local (walrus, unpacking), the
//! local's later uses in its scope, and a `return` to the function's callers in the file.

use tree_sitter::Node;

use super::{
    FileFlow, MAX_DEPTH, MAX_FANOUT, enclosing_class, enclosing_scope, extend, one_line, step,
};
use crate::consumers::index::string_value;
use crate::consumers::{Consumer, Reached, Slot, Step};
use crate::model::ConsumerKind;
use crate::syntax::enclosing::nearest_definition;
use crate::syntax::{NodeExt, Parents, is_field};

impl<'t, 'a> FileFlow<'t, 'a> {
    pub(super) fn assignment(
        &mut self,
        p: &Parents<'t>,
        assign: Node<'t>,
        element: Option<usize>,
        depth: usize,
        trail: &str,
        out: &mut Vec<Step>,
    ) {
        let Some(left) = assign.field("left") else {
            return;
        };
        if let Some(annotation) = assign.field("type")
            && self.types.typed(self.text(annotation))
        {
            out.push(step(
                Reached::Direct(Consumer {
                    kind: ConsumerKind::UuidAnnotation,
                    what: format!("`{}: {}`", self.text(left), one_line(self.text(annotation))),
                    line: assign.start_position().row + 1,
                    column: self.columns.of(assign),
                    pattern: None,
                }),
                trail,
                "annotated assignment".to_owned(),
            ));
            return;
        }
        let target = match (left.kind_str(), element) {
            ("pattern_list" | "tuple_pattern" | "list_pattern", Some(i)) => left.named_child(i),
            ("pattern_list" | "tuple_pattern" | "list_pattern", None) => None,
            _ => Some(left),
        };
        let Some(target) = target else { return };
        match target.kind_str() {
            "identifier" => self.local(p, target, assign.end_byte(), depth, trail, out),
            "attribute" => {
                let (Some(object), Some(attr)) =
                    (target.field("object"), target.field("attribute"))
                else {
                    return;
                };
                let attr = self.text(attr);
                let object_text = self.text(object);
                if matches!(object_text, "self" | "cls") {
                    if let Some(class) = enclosing_class(p, assign, self.src) {
                        out.push(step(
                            Reached::SelfField {
                                class: class.to_owned(),
                                field: attr.to_owned(),
                            },
                            trail,
                            format!("`self.{attr}`"),
                        ));
                    }
                } else if let Some(class) = (object.kind_str() == "identifier")
                    .then(|| self.type_of_local(p, object))
                    .flatten()
                {
                    let shown = format!("`{object_text}.{attr}` of a `{}`", class.name);
                    out.push(step(
                        Reached::Argument {
                            callee: class,
                            slot: Slot::Keyword(attr.to_owned()),
                            line: assign.start_position().row + 1,
                            column: self.columns.of(assign),
                        },
                        trail,
                        shown,
                    ));
                } else {
                    out.push(step(
                        Reached::Named {
                            name: attr.to_owned(),
                        },
                        trail,
                        format!("`{object_text}.{attr}`"),
                    ));
                }
            }
            "subscript" => {
                if let Some(key) = target
                    .field("subscript")
                    .and_then(|k| string_value(k, self.src))
                {
                    out.push(step(
                        Reached::Named { name: key.clone() },
                        trail,
                        format!("key `{key}`"),
                    ));
                }
            }
            _ => {}
        }
    }

    /// The later uses of a local bound at `name` (after `after`) in its scope.
    pub(super) fn local(
        &mut self,
        p: &Parents<'t>,
        name: Node<'t>,
        after: usize,
        depth: usize,
        trail: &str,
        out: &mut Vec<Step>,
    ) {
        if depth >= MAX_DEPTH {
            return;
        }
        let text = self.text(name);
        let scope = enclosing_scope(p, name).unwrap_or(self.tree.root_node());
        // The occurrences are in offset order: the first one after the binding is found by
        // bisection, so a local read thousands of times costs each site only its fan-out.
        let all = self.identifiers(p, scope, text);
        let first = all.partition_point(|u| u.start_byte() < after);
        let uses: Vec<Node<'t>> = all[first..].iter().copied().take(MAX_FANOUT).collect();
        let trail = extend(trail, &format!("local `{text}`"));
        for u in uses {
            let rebinds = p
                .of(u)
                .is_some_and(|a| a.kind_str() == "assignment" && is_field(a, "left", u));
            if rebinds {
                break;
            }
            self.climb(p, u, depth + 1, &trail, out);
        }
    }

    /// `return value`: the function's callers in this file.
    pub(super) fn returned(
        &mut self,
        p: &Parents<'t>,
        ret: Node<'t>,
        depth: usize,
        trail: &str,
        out: &mut Vec<Step>,
    ) {
        if depth >= MAX_DEPTH {
            return;
        }
        let Some(function) = p
            .up(ret)
            .and_then(|up| nearest_definition(p, up))
            .filter(|d| d.kind_str() == "function_definition")
        else {
            return;
        };
        let Some(name) = function.field("name").map(|n| self.text(n)) else {
            return;
        };
        let callers: Vec<Node<'t>> = self
            .calls(p, name)
            .iter()
            .copied()
            .filter(|c| {
                !(function.start_byte() <= c.start_byte() && c.end_byte() <= function.end_byte())
            })
            .take(MAX_FANOUT)
            .collect();
        let trail = extend(trail, &format!("return of `{name}()`"));
        for call in callers {
            self.climb(p, call, depth + 1, &trail, out);
        }
    }
}
