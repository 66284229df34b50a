//! Following one site's value inside its file: through wrappers and containers, locals of its
//! function (assignment, walrus, unpacking), `return` to the function's callers in the file,
//! and on to the place it ends: a call's argument, a `self.x`, an attribute or dict key, or a
//! parse or check right there. What is found is named as far as the file can name it; the
//! repository-wide lookup is `resolve`'s.
//!
//! Each function's identifiers are collected once, on first need, so many sites in one
//! function cost one walk of it, not one each.

use crate::util::words::WordIndex;
use rustc_hash::FxHashMap;
use tree_sitter::{Node, Tree};

use super::index::{FileNames, Import, last_name, string_value};
use super::pattern::truncated_sample;
use super::sql::insert_param;
use super::types::UuidTypes;
use super::{Anchor, Callee, Consumer, PatternCheck, Reached, Slot, Step};
use crate::classify::Value;
use crate::config::TargetFormat;
use crate::model::{ConsumerKind, FLOW_SEPARATOR, Shape};
use crate::syntax::{NodeExt, Parents, char_column, is_field, node_text};

/// How many hops (a local, a return) a value is followed through.
const MAX_DEPTH: usize = 4;
/// How many uses of one local, and callers of one function, are followed.
const MAX_FANOUT: usize = 32;
/// How many nodes one site's climb starts from, in all (a bound on fan-out over hops).
const MAX_CLIMBS: usize = 64;

/// The key of the whole file's word index (no node has this id).
const WHOLE_FILE: usize = usize::MAX;

/// The flow analysis of one file: its names and the identifiers of each function, by name.
pub struct FileFlow<'t, 'a> {
    tree: &'t Tree,
    src: &'a [u8],
    names: &'a FileNames,
    types: UuidTypes<'a>,
    /// Identifiers in each scope node (function or module) with a given text, by scope and text.
    idents: FxHashMap<(usize, &'a str), Vec<Node<'t>>>,
    /// Identifiers in each scope node, by text: only for a tree with errors (`identifiers`).
    all_idents: FxHashMap<usize, FxHashMap<&'a str, Vec<Node<'t>>>>,
    /// The whole words of each scope node searched so far, by node id (`WHOLE_FILE` for the
    /// bytes of the whole file, where calls are looked for).
    words: FxHashMap<usize, WordIndex<'a>>,
    /// Calls in the whole file whose callee's last name is a given name, by that name.
    calls: FxHashMap<&'a str, Vec<Node<'t>>>,
    /// Calls in the whole file, by the callee's last name: only for a tree with errors.
    all_calls: Option<FxHashMap<&'a str, Vec<Node<'t>>>>,
    /// Index of each element (of each positional argument, in an argument list), by container
    /// and element node id.
    indexes: FxHashMap<usize, FxHashMap<usize, usize>>,
    /// Climbs left for the current site.
    budget: usize,
}

impl<'t, 'a> FileFlow<'t, 'a> {
    pub fn new(tree: &'t Tree, src: &'a [u8], names: &'a FileNames, types: UuidTypes<'a>) -> Self {
        FileFlow {
            tree,
            src,
            names,
            types,
            idents: FxHashMap::default(),
            all_idents: FxHashMap::default(),
            words: FxHashMap::default(),
            indexes: FxHashMap::default(),
            calls: FxHashMap::default(),
            all_calls: None,
            budget: 0,
        }
    }

    /// The places a site's value reaches, from its outermost value node.
    pub fn follow(&mut self, p: &Parents<'t>, start: Node<'t>) -> Vec<Step> {
        let mut out = Vec::new();
        self.budget = MAX_CLIMBS;
        self.climb(p, start, 0, "", &mut out);
        out.sort_by(|a, b| a.flow.cmp(&b.flow));
        out.dedup();
        out
    }

    fn text(&self, node: Node<'_>) -> &'a str {
        node_text(node, self.src)
    }

    fn climb(
        &mut self,
        p: &Parents<'t>,
        node: Node<'t>,
        depth: usize,
        trail: &str,
        out: &mut Vec<Step>,
    ) {
        if self.budget == 0 {
            return;
        }
        self.budget -= 1;
        let mut cur = node;
        let mut element: Option<usize> = None;
        loop {
            let Some(parent) = p.of(cur) else { return };
            match parent.kind_str() {
                "parenthesized_expression" | "await" | "lambda" => {}
                "boolean_operator" | "conditional_expression" => element = None,
                "list" | "tuple" | "set" | "expression_list" => {
                    element = self.index_in(parent, cur);
                }
                "list_comprehension" | "set_comprehension" | "generator_expression" => {
                    if !is_field(parent, "body", cur) {
                        return;
                    }
                    element = None;
                }
                "pair" => {
                    if is_field(parent, "value", cur)
                        && let Some(key) =
                            parent.field("key").and_then(|k| string_value(k, self.src))
                    {
                        out.push(step(
                            Reached::Named { name: key.clone() },
                            trail,
                            format!("dict key `{key}`"),
                        ));
                    }
                    return;
                }
                "keyword_argument" => {
                    if is_field(parent, "value", cur) {
                        self.keyword(p, parent, trail, out);
                    }
                    return;
                }
                "argument_list" => {
                    if let Some(call) = p.of(parent).filter(|c| c.kind_str() == "call") {
                        let index = self.index_in(parent, cur);
                        if let Some(index) = index
                            && let Some((found, shown)) =
                                insert_param(call, parent, index, element, self.src)
                        {
                            out.push(step(found, trail, shown));
                        }
                        if let Some(index) = index
                            && self.positional(p, call, parent, index, trail, out)
                        {
                            cur = call;
                            element = None;
                            continue;
                        }
                    }
                    return;
                }
                "assignment" => {
                    if is_field(parent, "right", cur) {
                        self.assignment(p, parent, element, depth, trail, out);
                    }
                    return;
                }
                "named_expression" => {
                    if let Some(name) = parent.field("name") {
                        self.local(p, name, parent.end_byte(), depth, trail, out);
                    }
                    element = None;
                }
                "return_statement" => {
                    self.returned(p, parent, depth, trail, out);
                    return;
                }
                _ => return,
            }
            cur = parent;
        }
    }

    /// `callee(..., k=value)`: a typed field's default, or the callee's parameter / field `k`.
    fn keyword(&mut self, p: &Parents<'t>, kw: Node<'t>, trail: &str, out: &mut Vec<Step>) {
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
        let callee_text = call
            .field("function")
            .map(|f| self.text(f))
            .unwrap_or_default();
        if last_name(callee_text) == "UUID" && name == "hex" {
            out.push(step(
                Reached::Direct(Consumer {
                    kind: ConsumerKind::UuidParse,
                    what: format!("`{}`", one_line(self.text(call))),
                    line: call.start_position().row + 1,
                    column: char_column(call, self.src),
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
                column: char_column(call, self.src),
            },
            trail,
            shown,
        ));
    }

    /// The column or field a `default=` belongs to, when it expects a UUID or checks a format.
    fn typed_default(&self, p: &Parents<'t>, call: Node<'t>) -> Option<Consumer> {
        let line = call.start_position().row + 1;
        let column = char_column(call, self.src);
        let callee = call
            .field("function")
            .map(|f| self.text(f))
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
                what: format!("`{}(pattern=...)`", last_name(callee)),
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
            column: char_column(assign, self.src),
            pattern: None,
        })
    }

    /// The position of `element` among the named children of a list, tuple or set (among
    /// the positional arguments of an argument list). Each container is counted once, so a
    /// literal or call of thousands of sites costs its length once, not once per site (and a
    /// step of tree-sitter's walk over a long node's children costs thousands of instructions).
    fn index_in(&mut self, container: Node<'t>, element: Node<'t>) -> Option<usize> {
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
    fn positional(
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
        let callee_text = self.text(function);
        let last = last_name(callee_text);
        let line = call.start_position().row + 1;
        let column = char_column(call, self.src);
        let mut cursor = args.walk();
        // Only the first two positional arguments are ever read (a pattern, an `isinstance` type).
        let positional: Vec<Node<'t>> = args
            .named_children(&mut cursor)
            .filter(|a| !matches!(a.kind_str(), "keyword_argument" | "comment"))
            .take(2)
            .collect();
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
                format!("argument of `{callee_text}(...)`"),
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
    fn pattern_of(&self, node: Node<'_>) -> Option<String> {
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

    fn assignment(
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
                    column: char_column(assign, self.src),
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
                            column: char_column(assign, self.src),
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
    fn local(
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
    fn returned(
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
        let mut node = ret;
        let function = loop {
            match p.of(node) {
                Some(n) if n.kind_str() == "function_definition" => break n,
                Some(n) if n.kind_str() == "lambda" || n.kind_str() == "class_definition" => return,
                Some(n) => node = n,
                None => return,
            }
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

    /// The identifiers in `scope` whose text is `name`, in order (found on first use).
    ///
    /// They are found from the name's textual occurrences in the scope, each looked up in the
    /// tree (`Parents::deepest_holding`, which keeps the links on its way): no walk of the
    /// whole scope. In a tree with errors (where an identifier may have no plain word
    /// boundaries, or be missing) the scope is walked instead.
    fn identifiers(&mut self, p: &Parents<'t>, scope: Node<'t>, name: &'a str) -> &[Node<'t>] {
        let src = self.src;
        if name.is_empty() || self.tree.root_node().has_error() {
            return self
                .all_idents
                .entry(scope.id())
                .or_insert_with(|| walk_identifiers(p, scope, src))
                .get(name)
                .map_or(&[], Vec::as_slice);
        }
        if !self.idents.contains_key(&(scope.id(), name)) {
            let (from, to) = (scope.start_byte(), scope.end_byte());
            // The scope's words are indexed once: many names cost the scope once.
            let offsets = self
                .words
                .entry(scope.id())
                .or_insert_with(|| WordIndex::of_bytes(&src[from..to]))
                .get(name)
                .to_vec();
            let found: Vec<Node<'t>> = offsets
                .into_iter()
                .filter_map(|at| {
                    let (start, end) = (from + at, from + at + name.len());
                    let node = p.deepest_holding(start, end);
                    (node.kind_str() == "identifier"
                        && node.start_byte() == start
                        && node.end_byte() == end)
                        .then_some(node)
                })
                .collect();
            self.idents.insert((scope.id(), name), found);
        }
        &self.idents[&(scope.id(), name)]
    }

    /// The calls in the file whose callee's last name is `name` (`f(...)`, `x.f(...)`), in
    /// the order of a walk that visits a node before its descendants and later siblings
    /// before earlier ones (the order the analysis has always used).
    ///
    /// A callee's last name is the identifier its text ends with, the callee itself or an
    /// attribute's name: the calls are found from the name's textual occurrences, each looked
    /// up in the tree, with no walk of the file. In a tree with errors the file is walked.
    fn calls(&mut self, p: &Parents<'t>, name: &'a str) -> &[Node<'t>] {
        let src = self.src;
        let root = self.tree.root_node();
        if name.is_empty() || root.has_error() {
            return self
                .all_calls
                .get_or_insert_with(|| walk_calls(root, src))
                .get(name)
                .map_or(&[], Vec::as_slice);
        }
        if !self.calls.contains_key(name) {
            // The file's words are indexed once: many callee names cost the file once.
            let offsets = self
                .words
                .entry(WHOLE_FILE)
                .or_insert_with(|| WordIndex::of_bytes(src))
                .get(name)
                .to_vec();
            let mut calls: Vec<Node<'t>> = offsets
                .into_iter()
                .filter_map(|at| {
                    let ident = p.deepest_holding(at, at + name.len());
                    if ident.kind_str() != "identifier"
                        || ident.start_byte() != at
                        || ident.end_byte() != at + name.len()
                    {
                        return None;
                    }
                    let mut function = ident;
                    let mut parent = p.of(ident)?;
                    if parent.kind_str() == "attribute" {
                        if !is_field(parent, "attribute", ident) {
                            return None;
                        }
                        function = parent;
                        parent = p.of(parent)?;
                    }
                    (parent.kind_str() == "call"
                        && is_field(parent, "function", function)
                        && last_name(node_text(function, src)) == name)
                        .then_some(parent)
                })
                .collect();
            // Distinct calls of a tree without errors never end together: a call inside
            // another ends before it. Later ends first is the walk's order.
            calls.sort_by_key(|c| std::cmp::Reverse(c.end_byte()));
            self.calls.insert(name, calls);
        }
        &self.calls[name]
    }

    /// The class a local was made from: `client = Client(...)`.
    fn type_of_local(&mut self, p: &Parents<'t>, ident: Node<'t>) -> Option<Callee> {
        let text = self.text(ident);
        let scope = enclosing_scope(p, ident).unwrap_or(self.tree.root_node());
        let made = self.identifiers(p, scope, text).iter().find_map(|u| {
            let assign = p
                .of(*u)
                .filter(|a| a.kind_str() == "assignment" && is_field(*a, "left", *u))?;
            assign.field("right").filter(|r| r.kind_str() == "call")
        })?;
        let callee = self.callee_of(p, made);
        let starts_upper = callee.name.chars().next().is_some_and(char::is_uppercase);
        (starts_upper && callee.class.is_none() && !callee.unknown_receiver).then_some(callee)
    }

    /// Names a call's callee through the file's imports and definitions.
    fn callee_of(&mut self, p: &Parents<'t>, call: Node<'t>) -> Callee {
        let plain = |name: &str, module: Option<String>, local: bool| Callee {
            name: name.to_owned(),
            module,
            local,
            class: None,
            unknown_receiver: false,
        };
        let Some(function) = call.field("function") else {
            return plain("", None, false);
        };
        match function.kind_str() {
            "identifier" => {
                let name = self.text(function);
                match self.names.imports.get(name) {
                    Some(Import {
                        module,
                        name: Some(original),
                    }) => plain(original, Some(module.clone()), false),
                    Some(Import { module, name: None }) => plain(name, Some(module.clone()), false),
                    None => plain(name, None, self.names.defined.contains(name)),
                }
            }
            "attribute" => {
                let attr = function
                    .field("attribute")
                    .map(|a| self.text(a))
                    .unwrap_or_default();
                let Some(object) = function.field("object") else {
                    return plain(attr, None, false);
                };
                let method = |class: Callee| Callee {
                    name: attr.to_owned(),
                    module: None,
                    local: false,
                    class: Some(Box::new(class)),
                    unknown_receiver: false,
                };
                let object_text = self.text(object);
                match object.kind_str() {
                    "identifier" if matches!(object_text, "self" | "cls") => {
                        match enclosing_class(p, call, self.src) {
                            Some(class) => method(plain(class, None, true)),
                            None => unknown(attr),
                        }
                    }
                    "identifier" => match self.names.imports.get(object_text) {
                        Some(Import { module, name: None }) => {
                            plain(attr, Some(module.clone()), false)
                        }
                        Some(Import {
                            module,
                            name: Some(original),
                        }) if original.starts_with(|c: char| c.is_lowercase()) => {
                            plain(attr, Some(format!("{module}.{original}")), false)
                        }
                        Some(Import {
                            module,
                            name: Some(original),
                        }) => method(plain(original, Some(module.clone()), false)),
                        None if self.names.defined.contains(object_text) => {
                            method(plain(object_text, None, true))
                        }
                        None => match self.type_of_local(p, object) {
                            Some(class) => method(class),
                            None => unknown(attr),
                        },
                    },
                    "call" => {
                        let class = self.callee_of(p, object);
                        if class.name.starts_with(|c: char| c.is_uppercase())
                            && class.class.is_none()
                        {
                            method(class)
                        } else {
                            unknown(attr)
                        }
                    }
                    "attribute" => {
                        let head = object_text.split('.').next().unwrap_or(object_text);
                        match self.names.imports.get(head) {
                            Some(Import { module, name: None }) => {
                                let rest = &object_text[head.len()..];
                                plain(attr, Some(format!("{module}{rest}")), false)
                            }
                            _ => unknown(attr),
                        }
                    }
                    _ => unknown(attr),
                }
            }
            _ => plain("", None, false),
        }
    }
}

/// Every identifier in `scope` by text, in order, with the parent links on the way kept.
fn walk_identifiers<'t, 'a>(
    p: &Parents<'t>,
    scope: Node<'t>,
    src: &'a [u8],
) -> FxHashMap<&'a str, Vec<Node<'t>>> {
    let mut map: FxHashMap<&'a str, Vec<Node<'t>>> = FxHashMap::default();
    let mut stack = vec![scope];
    while let Some(n) = stack.pop() {
        let mut cursor = n.walk();
        for child in n.named_children(&mut cursor) {
            p.remember(child, n);
            if child.kind_str() == "identifier" {
                map.entry(node_text(child, src)).or_default().push(child);
            } else {
                stack.push(child);
            }
        }
    }
    for uses in map.values_mut() {
        uses.sort_by_key(|n| n.start_byte());
    }
    map
}

/// Every call in the tree by its callee's last name, in the order of a walk that visits a node
/// before its descendants and later siblings before earlier ones.
fn walk_calls<'t, 'a>(root: Node<'t>, src: &'a [u8]) -> FxHashMap<&'a str, Vec<Node<'t>>> {
    let mut map: FxHashMap<&'a str, Vec<Node<'t>>> = FxHashMap::default();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        if n.kind_str() == "call"
            && let Some(f) = n.field("function")
        {
            map.entry(last_name(node_text(f, src))).or_default().push(n);
        }
        let mut cursor = n.walk();
        stack.extend(n.named_children(&mut cursor));
    }
    map
}

fn unknown(name: &str) -> Callee {
    Callee {
        name: name.to_owned(),
        module: None,
        local: false,
        class: None,
        unknown_receiver: true,
    }
}

fn callee_shown(c: &Callee) -> String {
    match &c.class {
        Some(class) => format!("{}.{}", class.name, c.name),
        None if c.unknown_receiver => format!("?.{}", c.name),
        None => c.name.clone(),
    }
}

fn step(reached: Reached, trail: &str, last: String) -> Step {
    Step {
        reached,
        flow: extend(trail, &last),
    }
}

fn extend(trail: &str, next: &str) -> String {
    if trail.is_empty() {
        next.to_owned()
    } else {
        format!("{trail}{FLOW_SEPARATOR}{next}")
    }
}

/// Whitespace collapsed, cut at 80 characters.
fn one_line(text: &str) -> String {
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match joined.char_indices().nth(80) {
        Some((at, _)) => format!("{}…", &joined[..at]),
        None => joined,
    }
}

/// The function (or lambda) a node is in; `None` at module level.
fn enclosing_scope<'t>(p: &Parents<'t>, node: Node<'t>) -> Option<Node<'t>> {
    let mut cur = p.of(node);
    while let Some(n) = cur {
        if n.kind_str() == "function_definition" {
            return Some(n);
        }
        cur = p.of(n);
    }
    None
}

/// The class whose method holds `node`.
fn enclosing_class<'t, 's>(p: &Parents<'t>, node: Node<'t>, src: &'s [u8]) -> Option<&'s str> {
    let mut cur = p.of(node);
    while let Some(n) = cur {
        if n.kind_str() == "class_definition" {
            return n.field("name").map(|c| node_text(c, src));
        }
        cur = p.of(n);
    }
    None
}

/// The outermost node that is the site's value, and a sample of what a rewrite would put
/// there (for format checks).
pub fn value_and_sample<'t>(
    value: &Value<'t>,
    prefix: Option<&str>,
    format: &TargetFormat,
    src: &[u8],
) -> (Node<'t>, String) {
    let whole = format.sample(prefix);
    let cut = |n: Option<usize>| truncated_sample(&whole, n.unwrap_or(8).min(8));
    if let Some(concat) = &value.concat {
        return (concat.node, whole);
    }
    if let Some(f) = &value.fstring {
        if f.prefix_only {
            return (f.string, whole);
        }
        // The other fields are unknown: each stands as `x`.
        let mut sample = String::new();
        let mut cursor = f.string.walk();
        for child in f.string.named_children(&mut cursor) {
            match child.kind_str() {
                "string_content" => sample.push_str(node_text(child, src)),
                "interpolation"
                    if child.start_byte() <= value.node.start_byte()
                        && value.node.end_byte() <= child.end_byte() =>
                {
                    sample.push_str(&cut(value.truncation))
                }
                "interpolation" => sample.push('x'),
                _ => {}
            }
        }
        return (f.string, sample);
    }
    let sample = match value.shape {
        Shape::Truncated => cut(value.truncation),
        _ => whole,
    };
    (value.node, sample)
}
