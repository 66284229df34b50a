//! Following one site's value inside its file: through wrappers and containers, locals of its
//! function (assignment, walrus, unpacking), `return` to the function's callers in the file,
//! and on to the place it ends: a call's argument, a `self.x`, an attribute or dict key, or a
//! parse or check right there. What is found is named as far as the file can name it; the
//! repository-wide lookup is `resolve`'s.
//!
//! Each function's identifiers are collected once, on first need, so many sites in one
//! function cost one walk of it, not one each.
//!
//! This module holds the flow's state, the climb from a site and the shared helpers; `calls`
//! the value passed to a call; `locals` the hops through locals and returns; `lookup` finding
//! identifiers, calls and callees by name.

mod calls;
mod locals;
mod lookup;

use crate::util::words::WordIndex;
use rustc_hash::FxHashMap;
use tree_sitter::{Node, Tree};

use super::index::{FileNames, string_value};
use super::pattern::truncated_sample;
use super::sql::insert_param;
use super::types::UuidTypes;
use super::{Callee, Reached, Step};
use crate::classify::Value;
use crate::config::TargetFormat;
use crate::model::{FLOW_SEPARATOR, Shape};
use crate::syntax::enclosing::{nearest_class, nearest_function};
use crate::syntax::{Columns, MAX_VALUE_DEPTH, NodeExt, Parents, is_field, node_text};

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
    /// The callee of each call on a call named so far, by node id (`callee_of`).
    callees: FxHashMap<usize, Callee>,
    /// The columns of the calls and assignments reached.
    columns: Columns<'a>,
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
            callees: FxHashMap::default(),
            columns: Columns::new(src),
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

    /// From `node` up through what passes the value on (containers, wrappers, a walrus), at
    /// most `MAX_VALUE_DEPTH` levels, to the place it ends.
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
        for _ in 0..MAX_VALUE_DEPTH {
            let Some(parent) = p.of(cur) else { return };
            match parent.kind_str() {
                "parenthesized_expression" | "await" | "lambda" => {}
                "boolean_operator" | "conditional_expression" => {
                    element = None;
                    // The value passes a chain of them alike (`a or b or ...`).
                    cur = p.top_of_choices(parent);
                    continue;
                }
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

/// The function a node is in; `None` at module level.
fn enclosing_scope<'t>(p: &Parents<'t>, node: Node<'t>) -> Option<Node<'t>> {
    p.up(node).and_then(|up| nearest_function(p, up))
}

/// The class whose method holds `node`.
fn enclosing_class<'t, 's>(p: &Parents<'t>, node: Node<'t>, src: &'s [u8]) -> Option<&'s str> {
    p.up(node)
        .and_then(|up| nearest_class(p, up))?
        .field("name")
        .map(|c| node_text(c, src))
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
