//! The value passed to a call: as a keyword (a typed field's default, the callee's parameter
//! or field), as a positional argument (a wrapper such as `str(value)` climbs on), and the
//! pattern a format check is given.

use tree_sitter::Node;

use super::{FileFlow, callee_shown, one_line, step};
use crate::consumers::index::{last_name_of, string_value};
use crate::consumers::{Anchor, Consumer, PatternCheck, Reached, Slot, Step};
use crate::model::ConsumerKind;
use crate::syntax::{NodeExt, Parents, node_text};

impl<'t, 'a> FileFlow<'t, 'a> {
    /// `callee(..., k=value)`: a typed field's default, or the callee's parameter / field `k`.
    pub(super) fn keyword(
        &mut self,
        p: &Parents<'t>,
        kw: Node<'t>,
        trail: &str,
        out: &mut Vec<Step>,
    ) {
        let Some(name) = kw.field("name").map(|n| self.text(n)) else {
            return;
        };
        let Some(call) = p
            .of(kw)
            .and_then(|args| p.of(args))
            .filter(|c| c.kind_str() == "call")
        else {
            return;
        };
        if matches!(name, "default" | "default_factory" | "insert_default") {
            if let Some(found) = self.typed_default(p, call) {
                out.push(step(
                    Reached::Direct(found),
                    trail,
                    format!("`{name}=` of a typed field"),
                ));
            }
            return;
        }
        let function = call.field("function");
        if function.is_some_and(|f| last_name_of(f, self.src) == "UUID") && name == "hex" {
            let callee_text = function.map(|f| self.text(f)).unwrap_or_default();
            out.push(step(
                Reached::Direct(Consumer {
                    kind: ConsumerKind::UuidParse,
                    what: format!("`{}`", one_line(self.text(call))),
                    line: call.start_position().row + 1,
                    column: self.columns.of(call),
                    pattern: None,
                }),
                trail,
                format!("keyword `hex` of `{callee_text}(...)`"),
            ));
            return;
        }
        let callee = self.callee_of(p, call);
        let shown = format!("keyword `{name}` of `{}(...)`", callee_shown(&callee));
        out.push(step(
            Reached::Argument {
                callee,
                slot: Slot::Keyword(name.to_owned()),
                line: call.start_position().row + 1,
                column: self.columns.of(call),
            },
            trail,
            shown,
        ));
    }

    /// The column or field a `default=` belongs to, when it expects a UUID or checks a format.
    pub(super) fn typed_default(&mut self, p: &Parents<'t>, call: Node<'t>) -> Option<Consumer> {
        let line = call.start_position().row + 1;
        let column = self.columns.of(call);
        let last = call
            .field("function")
            .map(|f| last_name_of(f, self.src))
            .unwrap_or_default();
        if self.types.column(call, self.src) {
            return Some(Consumer {
                kind: ConsumerKind::UuidColumn,
                what: format!("UUID column `{}`", one_line(self.text(call))),
                line,
                column,
                pattern: None,
            });
        }
        let mut cursor = call.walk();
        let pattern = call.field("arguments").and_then(|args| {
            args.named_children(&mut cursor).find_map(|a| {
                let kw = a.field("name").map(|n| self.text(n))?;
                let check = |anchor| {
                    a.field("value")
                        .and_then(|v| string_value(v, self.src))
                        .map(|pattern| PatternCheck { pattern, anchor })
                };
                match kw {
                    "pattern" => check(Anchor::Search),
                    "regex" => check(Anchor::Start),
                    _ => None,
                }
            })
        });
        if let Some(pattern) = pattern {
            return Some(Consumer {
                kind: ConsumerKind::Pattern,
                what: format!("`{last}(pattern=...)`"),
                line,
                column,
                pattern: Some(pattern),
            });
        }
        let assign = p.of(call).filter(|a| a.kind_str() == "assignment")?;
        let annotation = assign.field("type")?;
        let field = assign
            .field("left")
            .map(|l| self.text(l))
            .unwrap_or_default();
        self.types.typed(self.text(annotation)).then(|| Consumer {
            kind: ConsumerKind::UuidAnnotation,
            what: format!("field `{field}: {}`", one_line(self.text(annotation))),
            line: assign.start_position().row + 1,
            column: self.columns.of(assign),
            pattern: None,
        })
    }

    /// The position of `element` among the named children of a list, tuple or set (among
    /// the positional arguments of an argument list). Each container is counted once, so a
    /// literal or call of thousands of sites costs its length once, not once per site (and a
    /// step of tree-sitter's walk over a long node's children costs thousands of instructions).
    pub(super) fn index_in(&mut self, container: Node<'t>, element: Node<'t>) -> Option<usize> {
        let indexes = self.indexes.entry(container.id()).or_insert_with(|| {
            let arguments = container.kind_str() == "argument_list";
            let mut cursor = container.walk();
            container
                .named_children(&mut cursor)
                .filter(|a| !(arguments && matches!(a.kind_str(), "keyword_argument" | "comment")))
                .enumerate()
                .map(|(i, a)| (a.id(), i))
                .collect()
        });
        indexes.get(&element.id()).copied()
    }

    /// `callee(..., value, ...)` at `index`. Returns true when the call only wraps the value
    /// (`str(value)`): the climb goes on from the call.
    pub(super) fn positional(
        &mut self,
        p: &Parents<'t>,
        call: Node<'t>,
        args: Node<'t>,
        index: usize,
        trail: &str,
        out: &mut Vec<Step>,
    ) -> bool {
        let Some(function) = call.field("function") else {
            return false;
        };
        let last = last_name_of(function, self.src);
        let line = call.start_position().row + 1;
        let column = self.columns.of(call);
        let mut cursor = args.walk();
        // Only the first two positional arguments are ever read (a pattern, an `isinstance` type).
        let positional: Vec<Node<'t>> = args
            .named_children(&mut cursor)
            .filter(|a| !matches!(a.kind_str(), "keyword_argument" | "comment"))
            .take(2)
            .collect();
        let src = self.src;
        let direct = |kind, what: String, pattern| {
            step(
                Reached::Direct(Consumer {
                    kind,
                    what,
                    line,
                    column,
                    pattern,
                }),
                trail,
                format!("argument of `{}(...)`", node_text(function, src)),
            )
        };
        match last {
            "str" if index == 0 => return true,
            "UUID" if index == 0 => {
                out.push(direct(
                    ConsumerKind::UuidParse,
                    format!("`{}`", one_line(self.text(call))),
                    None,
                ));
                return false;
            }
            "isinstance" if index == 0 => {
                if positional
                    .get(1)
                    .is_some_and(|t| self.types.typed(self.text(*t)))
                {
                    out.push(direct(
                        ConsumerKind::UuidParse,
                        format!("`{}`", one_line(self.text(call))),
                        None,
                    ));
                }
                return false;
            }
            _ => {}
        }
        let anchor = match last {
            "match" => Some(Anchor::Start),
            "fullmatch" => Some(Anchor::Full),
            "search" => Some(Anchor::Search),
            _ => None,
        };
        if let Some(anchor) = anchor {
            let object = function.field("object").map(|o| self.text(o));
            let pattern = if object == Some("re") && index == 1 {
                positional.first().and_then(|p| self.pattern_of(*p))
            } else if index == 0 {
                object
                    .and_then(|o| self.names.regexes.get(o))
                    .map(|c| c.pattern.clone())
            } else {
                None
            };
            if let Some(pattern) = pattern {
                out.push(direct(
                    ConsumerKind::Pattern,
                    format!("`{}`", one_line(self.text(call))),
                    Some(PatternCheck { pattern, anchor }),
                ));
                return false;
            }
        }
        if matches!(
            last,
            "print" | "len" | "repr" | "hash" | "format" | "append" | "add" | "get"
        ) {
            return false;
        }
        let callee = self.callee_of(p, call);
        let shown = format!("argument {} of `{}(...)`", index + 1, callee_shown(&callee));
        out.push(step(
            Reached::Argument {
                callee,
                slot: Slot::Positional(index),
                line,
                column,
            },
            trail,
            shown,
        ));
        false
    }

    /// A pattern given as a literal or a module-level `re.compile` constant.
    pub(super) fn pattern_of(&self, node: Node<'_>) -> Option<String> {
        string_value(node, self.src).or_else(|| {
            (node.kind_str() == "identifier")
                .then(|| {
                    self.names
                        .regexes
                        .get(self.text(node))
                        .map(|c| c.pattern.clone())
                })
                .flatten()
        })
    }
}
