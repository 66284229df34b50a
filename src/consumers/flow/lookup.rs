//! Finding by name, without walking the tree: the identifiers of a scope, the calls of the
//! file by their callee's last name (each walked only in a tree with errors), and naming a
//! callee or a local's class through the file's imports and definitions.

use rustc_hash::FxHashMap;
use tree_sitter::Node;

use super::{FileFlow, WHOLE_FILE, enclosing_class, enclosing_scope, unknown};
use crate::consumers::Callee;
use crate::consumers::index::{Import, last_name_of};
use crate::syntax::{NodeExt, Parents, is_field, node_text};
use crate::util::words::WordIndex;

impl<'t, 'a> FileFlow<'t, 'a> {
    /// The identifiers in `scope` whose text is `name`, in order (found on first use).
    ///
    /// They are found from the name's textual occurrences in the scope, each looked up in the
    /// tree (`Parents::deepest_holding`, which keeps the links on its way): no walk of the
    /// whole scope. In a tree with errors (where an identifier may have no plain word
    /// boundaries, or be missing) the scope is walked instead.
    pub(super) fn identifiers(
        &mut self,
        p: &Parents<'t>,
        scope: Node<'t>,
        name: &'a str,
    ) -> &[Node<'t>] {
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
    pub(super) fn calls(&mut self, p: &Parents<'t>, name: &'a str) -> &[Node<'t>] {
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
                        && last_name_of(function, src) == name)
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
    pub(super) fn type_of_local(&mut self, p: &Parents<'t>, ident: Node<'t>) -> Option<Callee> {
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

    /// Names a call's callee through the file's imports and definitions. A method's receiver
    /// may be a call (`a.f(x).g(y)`), named first: the calls of a chain are named from the
    /// innermost out, and each call on a call is kept, so the sites of a chain of N calls cost
    /// N between them, not N each.
    pub(super) fn callee_of(&mut self, p: &Parents<'t>, call: Node<'t>) -> Callee {
        if let Some(known) = self.callees.get(&call.id()) {
            return known.clone();
        }
        let mut chain = vec![call];
        while let Some(receiver) = chain
            .last()
            .and_then(|c| receiver_call(*c))
            .filter(|r| !self.callees.contains_key(&r.id()))
        {
            chain.push(receiver);
        }
        let mut callee = None;
        for c in chain.into_iter().rev() {
            let named = self.name_callee(p, c);
            if receiver_call(c).is_some() {
                self.callees.insert(c.id(), named.clone());
            }
            callee = Some(named);
        }
        callee.expect("the chain holds the call")
    }

    /// `callee_of` for one call, its receiver's callee already known when it is a call.
    fn name_callee(&mut self, p: &Parents<'t>, call: Node<'t>) -> Callee {
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
                // Only a name's text: a receiver's can be a whole chain of calls.
                let object_text = match object.kind_str() {
                    "identifier" => self.text(object),
                    _ => "",
                };
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
                        // The text up to the first dot, then the rest only for a module.
                        let bytes = &self.src[object.byte_range()];
                        let dot = memchr::memchr(b'.', bytes).unwrap_or(bytes.len());
                        let head = std::str::from_utf8(&bytes[..dot]).unwrap_or_default();
                        match self.names.imports.get(head) {
                            Some(Import { module, name: None }) => {
                                let rest = &self.text(object)[head.len()..];
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

/// The call a method is called on: `a.f(x)` in `a.f(x).g(y)`.
fn receiver_call(call: Node<'_>) -> Option<Node<'_>> {
    call.field("function")
        .filter(|f| f.kind_str() == "attribute")
        .and_then(|f| f.field("object"))
        .filter(|o| o.kind_str() == "call")
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
            map.entry(last_name_of(f, src)).or_default().push(n);
        }
        let mut cursor = n.walk();
        stack.extend(n.named_children(&mut cursor));
    }
    map
}
