//! Parent links, looked up on demand: tree-sitter nodes do not store their parent cheaply.

use rustc_hash::FxHashMap;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use tree_sitter::{Node, Tree};

use super::NodeExt;

/// Parent links, found on demand and kept. `Node::parent` walks down from the root on every
/// call, and a full traversal of the tree up front costs more than the rest of the analysis:
/// a lookup walks down from the root once, to the node asked for, and keeps every link on the
/// way, so climbing from an occurrence costs one descent. Wide nodes (a module, a class body, a
/// long literal) keep their children in order and are searched by offset.
pub struct Parents<'t> {
    root: Node<'t>,
    links: RefCell<FxHashMap<usize, Node<'t>>>,
    /// The node `deepest_holding` found last.
    hint: Cell<Option<Node<'t>>>,
    /// Children of wide nodes, by node id.
    wide: RefCell<FxHashMap<usize, Rc<[Node<'t>]>>>,
    /// The highest `binary_operator` of the chain each one belongs to, by node id.
    chain_tops: RefCell<FxHashMap<usize, Node<'t>>>,
}

impl<'t> Parents<'t> {
    /// Records a link already known, so that a later lookup of `child` costs nothing.
    pub fn remember(&self, child: Node<'t>, parent: Node<'t>) {
        self.links.borrow_mut().insert(child.id(), parent);
    }

    pub fn new(tree: &'t Tree) -> Self {
        Parents {
            root: tree.root_node(),
            links: RefCell::default(),
            hint: Cell::new(None),
            wide: RefCell::default(),
            chain_tops: RefCell::default(),
        }
    }

    /// The parent of `node`, except that a chain of `binary_operator` ancestors is passed in one
    /// step, to the highest of them. `a + b + c + ...` nests one operator per term, so a climb
    /// through such a chain would cost its length for each site in it (quadratic in the sites
    /// of one statement); the climbs that use this treat binary operators as transparent.
    pub fn up(&self, node: Node<'t>) -> Option<Node<'t>> {
        let parent = self.of(node)?;
        if parent.kind_str() != "binary_operator" {
            return Some(parent);
        }
        Some(self.chain_top(parent))
    }

    /// The highest `binary_operator` above `start` reached through `binary_operator` parents
    /// only; every operator passed on the way remembers it.
    fn chain_top(&self, start: Node<'t>) -> Node<'t> {
        if let Some(&top) = self.chain_tops.borrow().get(&start.id()) {
            return top;
        }
        let mut passed = vec![start];
        let mut top = start;
        while let Some(parent) = self.of(top).filter(|p| p.kind_str() == "binary_operator") {
            if let Some(&known) = self.chain_tops.borrow().get(&parent.id()) {
                top = known;
                break;
            }
            passed.push(parent);
            top = parent;
        }
        let mut tops = self.chain_tops.borrow_mut();
        for node in passed {
            tops.insert(node.id(), top);
        }
        top
    }

    /// The parent of `node` (`None` for the root).
    pub fn of(&self, node: Node<'t>) -> Option<Node<'t>> {
        if node.id() == self.root.id() {
            return None;
        }
        if let Some(parent) = self.links.borrow().get(&node.id()) {
            return Some(*parent);
        }
        let mut current = self.root;
        loop {
            let child = self.child_with(current, node)?;
            self.links.borrow_mut().insert(child.id(), current);
            if child.id() == node.id() {
                return Some(current);
            }
            current = child;
        }
    }

    /// The child of `parent` that is or contains `node`, as `Node::child_with_descendant`.
    fn child_with(&self, parent: Node<'t>, node: Node<'t>) -> Option<Node<'t>> {
        if parent.child_count() > WIDE && node.start_byte() < node.end_byte() {
            let children = self.children_of_wide(parent);
            // The first child that ends at or after the node; it is the answer when it
            // plainly contains the node (empty nodes and leaves go the slow way).
            let i = children.partition_point(|c| c.end_byte() < node.end_byte());
            if let Some(&child) = children.get(i)
                && child.start_byte() <= node.start_byte()
                && (child.id() == node.id() || child.child_count() > 0)
                && child.start_byte() < child.end_byte()
            {
                return Some(child);
            }
        }
        parent.child_with_descendant(node)
    }

    /// The deepest node that holds the non-empty range `start..end`, as
    /// `root.descendant_for_byte_range(start, end)`. The search starts from the last node found,
    /// climbing only as far as needed (occurrences come in order, mostly close together), and
    /// keeps the links on its way down.
    pub fn deepest_holding(&self, start: usize, end: usize) -> Node<'t> {
        let holds = |n: Node<'t>| n.start_byte() <= start && end <= n.end_byte();
        let mut node = self.hint.get().unwrap_or(self.root);
        while !holds(node) {
            match self.of(node) {
                Some(parent) => node = parent,
                None => break,
            }
        }
        loop {
            // The first child ending after `start` holds the range if any child does.
            let child = if node.child_count() > WIDE {
                let children = self.children_of_wide(node);
                let i = children.partition_point(|c| c.end_byte() <= start);
                children.get(i).copied()
            } else {
                node.first_child_for_byte(start)
            };
            match child {
                Some(child) if holds(child) => {
                    self.links.borrow_mut().insert(child.id(), node);
                    node = child;
                }
                _ => break,
            }
        }
        self.hint.set(Some(node));
        node
    }

    fn children_of_wide(&self, parent: Node<'t>) -> Rc<[Node<'t>]> {
        if let Some(children) = self.wide.borrow().get(&parent.id()) {
            return Rc::clone(children);
        }
        let mut cursor = parent.walk();
        let children: Rc<[Node<'t>]> = parent.children(&mut cursor).collect();
        self.wide
            .borrow_mut()
            .insert(parent.id(), Rc::clone(&children));
        children
    }
}

impl std::fmt::Debug for Parents<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Parents")
            .field("links", &self.links.borrow().len())
            .finish()
    }
}

/// Nodes with more children than this are searched by offset.
const WIDE: usize = 16;
