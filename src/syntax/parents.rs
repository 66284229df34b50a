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
    /// The highest node of the chain each node of a chain belongs to, by node id (a node's kind
    /// puts it in one kind of chain only).
    chain_tops: RefCell<FxHashMap<usize, Node<'t>>>,
    /// The answers `answer` kept, by question and node id, as indexes into `found`.
    answers: RefCell<FxHashMap<(usize, usize), u32>>,
    /// The answers of the climbs that kept one (a node is 32 bytes, its index 4).
    found: RefCell<Vec<Option<Node<'t>>>>,
    /// The nodes one `answer` climb passed (kept to save an allocation per climb).
    passed: Cell<Vec<usize>>,
}

/// A question about a node and its ancestors whose answers [`Parents::answer`] keeps. Declare
/// each question as a `static`: its address is what tells it from the others (the name is for
/// people).
#[derive(Debug)]
pub struct Question {
    pub name: &'static str,
}

impl Question {
    pub const fn new(name: &'static str) -> Question {
        Question { name }
    }

    fn key(&'static self) -> usize {
        std::ptr::from_ref(self) as usize
    }
}

/// What one node says about a question (see [`Parents::answer`]).
pub enum Verdict<'t> {
    /// The answer is its parent's (as [`Parents::up`] finds it; none at the root).
    Up,
    /// The answer is this ancestor's.
    From(Node<'t>),
    /// The answer.
    Found(Option<Node<'t>>),
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
            answers: RefCell::default(),
            found: RefCell::default(),
            passed: Cell::default(),
        }
    }

    /// The root of the tree.
    pub fn root(&self) -> Node<'t> {
        self.root
    }

    /// The answer to `question` at `start`: `verdict` is asked at `start`, then at the node it
    /// sends the climb to (the parent, or an ancestor), until one gives the answer. After its
    /// first `SHORT_CLIMB` steps, a climb stops at the first node that keeps an answer and
    /// leaves its own at the nodes it passed. So each climb costs at most that many steps plus
    /// one for each node it is the first to pass: the sites of one deep expression
    /// (`a or b or ...`, a chain of calls, nested lambdas) climb its depth once between them,
    /// not once each, and the short climbs of ordinary code keep nothing.
    ///
    /// `verdict` must say the same of a node whatever climb asks it: it may look at the node's
    /// ancestors and descendants, not at where the climb started. It is not asked about the
    /// `binary_operator`s that [`Parents::up`] passes.
    pub fn answer(
        &self,
        question: &'static Question,
        start: Node<'t>,
        mut verdict: impl FnMut(Node<'t>) -> Verdict<'t>,
    ) -> Option<Node<'t>> {
        let mut node = start;
        // The first steps neither look for a kept answer nor leave one: the short climbs of
        // ordinary code never touch the table, and a long climb still stops at the first kept
        // answer after them.
        for _ in 0..SHORT_CLIMB {
            count_step();
            match verdict(node) {
                Verdict::Up => node = self.up(node)?,
                Verdict::From(ancestor) => node = ancestor,
                Verdict::Found(found) => return found,
            }
        }
        self.answer_long(question, node, verdict)
    }

    /// `answer` for a climb known to be long (and the rest of one `answer` started, past its
    /// first `SHORT_CLIMB` steps): the table is used from the first step.
    #[cold]
    pub fn answer_long(
        &self,
        question: &'static Question,
        start: Node<'t>,
        mut verdict: impl FnMut(Node<'t>) -> Verdict<'t>,
    ) -> Option<Node<'t>> {
        let key = question.key();
        // `verdict` may ask another question: it then takes a new list.
        let mut passed = self.passed.take();
        let mut node = start;
        let mut steps = 0;
        let found = loop {
            count_step();
            let known = self.answers.borrow().get(&(key, node.id())).copied();
            if let Some(known) = known {
                break self.found.borrow()[known as usize];
            }
            // One node in `KEEP_EVERY` keeps the answer: a later climb passes at most that
            // many nodes before it finds one.
            if steps % KEEP_EVERY == 0 {
                passed.push(node.id());
            }
            steps += 1;
            match verdict(node) {
                Verdict::Up => match self.up(node) {
                    Some(parent) => node = parent,
                    None => break None,
                },
                Verdict::From(ancestor) => node = ancestor,
                Verdict::Found(found) => break found,
            }
        };
        if !passed.is_empty() {
            let mut kept = self.found.borrow_mut();
            let index = u32::try_from(kept.len()).expect("fewer climbs than 2^32");
            kept.push(found);
            let mut answers = self.answers.borrow_mut();
            for id in passed.drain(..) {
                answers.insert((key, id), index);
            }
        }
        self.passed.set(passed);
        found
    }

    /// `nearest` for a test that reads the node's parent too (`None` at the root): the parent
    /// is looked up once a step.
    pub fn nearest_by_parent(
        &self,
        question: &'static Question,
        start: Node<'t>,
        is_it: impl Fn(Node<'t>, Option<Node<'t>>) -> bool,
    ) -> Option<Node<'t>> {
        self.answer(question, start, |node| {
            let parent = self.of(node);
            match (is_it(node, parent), parent) {
                (true, _) => Verdict::Found(Some(node)),
                (false, Some(parent)) => Verdict::From(self.above(parent)),
                (false, None) => Verdict::Found(None),
            }
        })
    }

    /// The nearest of `start` and its ancestors that `is_it`, for `question` (see
    /// [`Parents::answer`]: the same node must always get the same reply).
    pub fn nearest(
        &self,
        question: &'static Question,
        start: Node<'t>,
        is_it: impl Fn(Node<'t>) -> bool,
    ) -> Option<Node<'t>> {
        self.answer(question, start, |node| match is_it(node) {
            true => Verdict::Found(Some(node)),
            false => Verdict::Up,
        })
    }

    /// The parent of `node`, except that a chain of `binary_operator` ancestors is passed in one
    /// step, to the highest of them. `a + b + c + ...` nests one operator per term, so a climb
    /// through such a chain would cost its length for each site in it (quadratic in the sites
    /// of one statement); the climbs that use this treat binary operators as transparent.
    pub fn up(&self, node: Node<'t>) -> Option<Node<'t>> {
        Some(self.above(self.of(node)?))
    }

    /// Where [`Parents::up`] goes from a node whose parent is `parent`.
    fn above(&self, parent: Node<'t>) -> Node<'t> {
        match Chain::of(parent) {
            Some(Chain::Arithmetic) => self.chain_top(parent, Chain::Arithmetic),
            _ => parent,
        }
    }

    /// The highest of the `boolean_operator` and `conditional_expression` ancestors reached
    /// from `node` through such nodes only (`node` itself when it is neither). `a or b or ...`
    /// and `a if c else b if d else ...` nest one level per term: a climb that passes a value
    /// through them alike takes the chain in one step.
    pub fn top_of_choices(&self, node: Node<'t>) -> Node<'t> {
        match Chain::of(node) {
            Some(Chain::Choice) => self.chain_top(node, Chain::Choice),
            _ => node,
        }
    }

    /// The highest node of `chain` above `start` reached through parents of that chain only;
    /// every node passed on the way remembers it.
    fn chain_top(&self, start: Node<'t>, chain: Chain) -> Node<'t> {
        if let Some(&top) = self.chain_tops.borrow().get(&start.id()) {
            return top;
        }
        let mut passed = vec![start];
        let mut top = start;
        while let Some(parent) = self.of(top).filter(|p| Chain::of(*p) == Some(chain)) {
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
        count_step();
        if node.id() == self.root.id() {
            return None;
        }
        if let Some(parent) = self.links.borrow().get(&node.id()) {
            return Some(*parent);
        }
        let mut current = self.root;
        loop {
            count_step();
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
            count_step();
            match self.of(node) {
                Some(parent) => node = parent,
                None => break,
            }
        }
        loop {
            count_step();
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

#[cfg(test)]
thread_local! {
    /// Steps taken between nodes by the `Parents` of this thread (tests count them to check
    /// that climbs grow linearly with the sites, without timing anything).
    pub(crate) static STEPS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

#[inline]
fn count_step() {
    #[cfg(test)]
    STEPS.with(|steps| steps.set(steps.get() + 1));
}

/// The kinds of node that nest one level per term of a flat expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Chain {
    /// `a + b + ...`, and every other binary operator.
    Arithmetic,
    /// `a or b or ...`, `a and b`, `a if c else b if d else ...`.
    Choice,
}

impl Chain {
    fn of(node: Node<'_>) -> Option<Chain> {
        match node.kind_str() {
            "binary_operator" => Some(Chain::Arithmetic),
            "boolean_operator" | "conditional_expression" => Some(Chain::Choice),
            _ => None,
        }
    }
}

/// Nodes with more children than this are searched by offset.
const WIDE: usize = 16;

/// Steps of a climb that leave no answer behind (`Parents::answer`). Ordinary code puts a site
/// a few levels below its statement and a dozen below its function: its climbs keep nothing.
const SHORT_CLIMB: usize = 16;

/// Of the nodes a long climb passes, one in this many keeps its answer (`Parents::answer`).
const KEEP_EVERY: usize = 8;
