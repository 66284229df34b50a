//! The climb: from the value up to the nearest name, one step per enclosing node kind,
//! collecting the evidence and the deferred contexts met on the way.

use tree_sitter::Node;

use super::names::{
    callee_name, dict_container, enclosing_class_name, enclosing_function_name,
    looks_like_id_wrapper, lookup_key, operand_holder, operand_name, target_name,
};
use super::{Context, DEFAULT_KEYWORDS, Evidence};
use crate::model::NameSource;
use crate::sites::{ScopeKind, scope_of};
use crate::syntax::enclosing::nearest_definition;
use crate::syntax::{MAX_VALUE_DEPTH, NodeExt, Parents, Question, Verdict, is_field, node_text};

use crate::classify::value::plain_string;

/// What one step of the climb decided.
enum Step<'t> {
    /// The value flows on through the parent.
    Up,
    /// The value flows on from this node (a call that wraps it).
    From(Node<'t>),
    /// The name is found (or nothing above can name the value).
    Stop,
}

/// Walks up from the value to the nearest name, collecting evidence and deferred contexts.
///
/// The first `MAX_VALUE_DEPTH` levels are read one by one; a value nested deeper still (one of
/// the first operands of `a or b or ...`, which is valid Python at any length) goes on to where
/// the climb ends without reading the levels between, and takes the name found there: the end
/// is an answer `Parents` keeps, so the sites of one deep expression climb it once between them.
pub(in crate::classify) fn climb<'t>(
    p: &Parents<'t>,
    start: Node<'t>,
    src: &[u8],
    evidence: &mut Vec<Evidence>,
    ctx: &mut Context,
) {
    let mut climb = Climb {
        p,
        src,
        evidence: Some(evidence),
        ctx,
    };
    let mut node = start;
    let mut levels = 0;
    while let Some(parent) = p.up(node) {
        if levels == MAX_VALUE_DEPTH {
            node = end_of_climb(p, node, src);
            if let Some(parent) = p.up(node) {
                climb.step(parent, node);
            }
            break;
        }
        levels += 1;
        match climb.step(parent, node) {
            Step::Up => node = parent,
            Step::From(next) => node = next,
            Step::Stop => break,
        }
    }
    climb.deferred_contexts(node);
}

/// The climb's end: the node from which a climb starting at `from` takes its last step (the
/// one that stops), or the top it reaches. Each step is taken as a climb starting there would
/// take it, whatever the levels below found, so that the answer is the node's own.
fn end_of_climb<'t>(p: &Parents<'t>, from: Node<'t>, src: &[u8]) -> Node<'t> {
    let found = p.answer_long(&END_OF_CLIMB, from, |node| {
        let Some(parent) = p.up(node) else {
            return Verdict::Found(Some(node));
        };
        let mut ctx = Context::default();
        let mut probe = Climb {
            p,
            src,
            evidence: None,
            ctx: &mut ctx,
        };
        match probe.step(parent, node) {
            Step::Up => Verdict::From(parent),
            Step::From(next) => Verdict::From(next),
            Step::Stop => Verdict::Found(Some(node)),
        }
    });
    found.unwrap_or(from)
}

static END_OF_CLIMB: Question = Question::new("node below where a naming climb stops");

/// What every step of one climb reads and adds to.
struct Climb<'a, 't> {
    p: &'a Parents<'t>,
    src: &'a [u8],
    /// Where the names found go; `None` when only the way the climb goes is wanted.
    evidence: Option<&'a mut Vec<Evidence>>,
    ctx: &'a mut Context,
}

/// The keyword of a `keyword_argument`.
fn keyword_name<'s>(argument: Node<'_>, src: &'s [u8]) -> &'s str {
    argument
        .field("name")
        .map(|n| node_text(n, src))
        .unwrap_or_default()
}

impl<'t> Climb<'_, 't> {
    fn push(&mut self, name: String, source: NameSource) {
        if let Some(evidence) = self.evidence.as_deref_mut() {
            evidence.push(Evidence::new(name, source));
        }
    }

    /// One step from `node` to its `parent`.
    fn step(&mut self, parent: Node<'t>, node: Node<'t>) -> Step<'t> {
        let src = self.src;
        match parent.kind_str() {
            "parenthesized_expression" | "conditional_expression" | "await" => Step::Up,
            // `uuid4().int`, `uuid4().hex.upper()`, `str(uuid4())[:8]`: the value flows on.
            "attribute" if is_field(parent, "object", node) => Step::Up,
            "call" if is_field(parent, "function", node) => Step::Up,
            "subscript" if is_field(parent, "value", node) => Step::Up,
            "boolean_operator" => self.or_fallback(parent, node),
            "binary_operator" => Step::Up,
            "lambda" => {
                self.ctx.lambda = true;
                Step::Up
            }
            "keyword_argument" => self.keyword(parent),
            "argument_list" => self.argument(parent, node),
            "pair" if is_field(parent, "value", node) => {
                self.dict_pair(parent);
                Step::Stop
            }
            "assignment" | "augmented_assignment" if is_field(parent, "right", node) => {
                self.assignment(parent);
                Step::Stop
            }
            "default_parameter" | "typed_default_parameter" if is_field(parent, "value", node) => {
                self.ctx.default_argument = true;
                if let Some(name) = parent.field("name") {
                    self.push(node_text(name, src).to_owned(), NameSource::Keyword);
                }
                Step::Stop
            }
            "return_statement" => {
                if let Some(name) = enclosing_function_name(self.p, parent, src) {
                    self.push(name, NameSource::ReturningFunction);
                }
                Step::Stop
            }
            _ => Step::Stop,
        }
    }

    /// `a or <value>`: the other operand names the value, and the object it reads from holds
    /// it.
    fn or_fallback(&mut self, parent: Node<'t>, node: Node<'t>) -> Step<'t> {
        if self.evidence.is_none() {
            return Step::Up;
        }
        let other = if is_field(parent, "right", node) {
            "left"
        } else {
            "right"
        };
        let operand = parent.field(other);
        if let Some(name) = operand.and_then(|o| operand_name(o, self.src)) {
            self.push(name, NameSource::OrFallback);
        }
        // `message.get("id") or ...`: the object the fallback's id is read from.
        if let Some(holder) = operand.and_then(|o| operand_holder(o, self.src)) {
            self.push(holder, NameSource::Container);
        }
        Step::Up
    }

    /// `name=<value>`: the keyword names the value and the callee holds it; a default-factory
    /// keyword (`default_factory=uuid4`) is a deferred context, and the value flows on.
    fn keyword(&mut self, parent: Node<'t>) -> Step<'t> {
        let (p, src) = (self.p, self.src);
        let keyword = keyword_name(parent, src);
        if DEFAULT_KEYWORDS.contains(&keyword) {
            self.ctx.default_factory = true;
            return Step::Up;
        }
        self.push(keyword.to_owned(), NameSource::Keyword);
        let call = p.of(parent).and_then(|args| p.of(args));
        if let Some(callee) = call.and_then(|c| callee_name(c, src)).map(|callee| {
            // `super().__init__(id=...)` constructs the enclosing class.
            if callee.starts_with("super()") {
                enclosing_class_name(p, parent, src).unwrap_or(callee)
            } else {
                callee
            }
        }) {
            self.push(callee, NameSource::Container);
        }
        Step::Stop
    }

    /// A positional argument: `str(...)` and id wrappers (`ThreadID(...)`) pass the value on,
    /// the key of a lookup the value is the default of names it; any other call ends the climb.
    fn argument(&mut self, parent: Node<'t>, node: Node<'t>) -> Step<'t> {
        let Some(call) = self.p.of(parent).filter(|c| c.kind_str() == "call") else {
            return Step::Stop;
        };
        let Some(callee) = callee_name(call, self.src) else {
            return Step::Stop;
        };
        if callee == "str" {
            return Step::From(call);
        }
        // `d.get("request_id", uuid4())`, `getattr(o, "run_id", ...)`,
        // `setattr(o, SESSION_KEY, ...)`: the key the value is the default of names it.
        if let Some(lookup) = lookup_key(parent, node, &callee, self.src) {
            self.push(lookup.key, NameSource::LookupKey);
            if let Some(holder) = lookup.holder {
                self.push(holder, NameSource::Container);
            }
            return if lookup.stores {
                Step::Stop
            } else {
                Step::From(call)
            };
        }
        if !self.ctx.default_factory {
            if !looks_like_id_wrapper(&callee) {
                return Step::Stop;
            }
            self.push(callee, NameSource::Wrapper);
        }
        Step::From(call)
    }

    /// `{"key": <value>}`: the key names the value and the container holds it.
    fn dict_pair(&mut self, pair: Node<'t>) {
        if let Some(key) = pair.field("key").and_then(|k| plain_string(k, self.src)) {
            self.push(key, NameSource::DictKey);
            if let Some(container) = dict_container(self.p, pair, self.src) {
                self.push(container, NameSource::Container);
            }
        }
    }

    /// `target = <value>`: the target names the value; the object it is stored on, or the class
    /// of `self.x = ...` and of an annotated class field, holds it.
    fn assignment(&mut self, parent: Node<'t>) {
        let (p, src) = (self.p, self.src);
        let Some((name, source)) = parent.field("left").and_then(|l| target_name(l, src)) else {
            return;
        };
        let annotated = parent.field("type");
        let in_class = matches!(scope_of(p, parent).1, ScopeKind::Class);
        let source = if annotated.is_some() && in_class {
            NameSource::AnnotatedField
        } else {
            source
        };
        if annotated.is_some_and(|t| node_text(t, src).trim() == "str") {
            self.ctx.annotated_str_field = true;
        }
        self.push(name, source);
        // `run.id = ...`, `user_dict["id"] = ...`: the object holding the id.
        if let Some(holder) = parent
            .field("left")
            .and_then(|l| l.field("object").or_else(|| l.field("value")))
            .and_then(|o| operand_name(o, src))
            .filter(|o| !matches!(o.as_str(), "self" | "cls"))
        {
            self.push(holder, NameSource::Container);
        }
        // `self.id = ...` or a class-level `id: str = ...` is the id of the class.
        let on_self = parent
            .field("left")
            .and_then(|l| l.field("object"))
            .is_some_and(|o| matches!(node_text(o, src), "self" | "cls"));
        if (on_self || in_class)
            && let Some(class) = enclosing_class_name(p, parent, src)
        {
            self.push(class, NameSource::Container);
        }
    }

    /// Deferred contexts above the name: a lambda, a default factory or an `except` handler
    /// further up the same function or class body still count. Each is the nearest of its
    /// kind or a definition, which `Parents` keeps: the sites of one deep expression climb it
    /// once between them.
    fn deferred_contexts(&mut self, from: Node<'t>) {
        let (p, src) = (self.p, self.src);
        let is_definition =
            |n: Node<'_>| matches!(n.kind_str(), "function_definition" | "class_definition");
        let is = |found: Option<Node<'_>>, kind: &str| found.is_some_and(|n| n.kind_str() == kind);
        if is(nearest_definition(p, from), "lambda") {
            self.ctx.lambda = true;
        }
        let default_keyword = p.nearest(&DEFAULT_KEYWORD_OR_DEFINITION, from, |n| {
            is_definition(n)
                || (n.kind_str() == "keyword_argument"
                    && DEFAULT_KEYWORDS.contains(&keyword_name(n, src)))
        });
        if is(default_keyword, "keyword_argument") {
            self.ctx.default_factory = true;
        }
        let handler = p.nearest(&EXCEPT_OR_DEFINITION, from, |n| {
            is_definition(n) || n.kind_str() == "except_clause"
        });
        if is(handler, "except_clause") {
            self.ctx.except_handler = true;
        }
    }
}

static DEFAULT_KEYWORD_OR_DEFINITION: Question =
    Question::new("nearest default-factory keyword, function or class");
static EXCEPT_OR_DEFINITION: Question = Question::new("nearest except clause, function or class");
