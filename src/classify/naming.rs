//! Naming evidence: climbing from the value to the nearest name (assignment target, keyword,
//! dict key, annotated field, returning function, `or` fallback, wrapper call) and following a
//! name that says nothing to the statement that consumes it.

use tree_sitter::Node;

use crate::model::NameSource;
use crate::sites::{FoundSite, ScopeKind, scope_of};
use crate::syntax::{NodeExt, Parents, is_field, node_text};
use crate::util::words::split_words;

use super::id_type::FACTORY_VERBS;
use super::value::{fstring_context, plain_string};

/// A candidate name and where it came from, in order of preference.
#[derive(Debug, Clone)]
pub(super) struct Evidence {
    pub(super) name: String,
    pub(super) source: NameSource,
}

/// Deferred or shared evaluation found while walking up from the site.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Context {
    pub(super) lambda: bool,
    pub(super) default_factory: bool,
    pub(super) default_argument: bool,
    pub(super) except_handler: bool,
    pub(super) annotated_str_field: bool,
}

pub(super) const DEFAULT_KEYWORDS: [&str; 4] = [
    "default_factory",
    "default",
    "insert_default",
    "server_default",
];

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
pub(super) fn climb<'t>(
    p: &Parents<'t>,
    start: Node<'t>,
    src: &[u8],
    evidence: &mut Vec<Evidence>,
    ctx: &mut Context,
) {
    let mut node = start;
    while let Some(parent) = p.up(node) {
        let step = match parent.kind_str() {
            "parenthesized_expression" | "conditional_expression" | "await" => Step::Up,
            // `uuid4().int`, `uuid4().hex.upper()`, `str(uuid4())[:8]`: the value flows on.
            "attribute" if is_field(parent, "object", node) => Step::Up,
            "call" if is_field(parent, "function", node) => Step::Up,
            "subscript" if is_field(parent, "value", node) => Step::Up,
            "boolean_operator" => or_fallback(parent, node, src, evidence),
            "binary_operator" => Step::Up,
            "lambda" => {
                ctx.lambda = true;
                Step::Up
            }
            "keyword_argument" => keyword(p, parent, src, evidence, ctx),
            "argument_list" => argument(p, parent, node, src, evidence, ctx),
            "pair" if is_field(parent, "value", node) => {
                dict_pair(p, parent, src, evidence);
                Step::Stop
            }
            "assignment" | "augmented_assignment" if is_field(parent, "right", node) => {
                assignment(p, parent, src, evidence, ctx);
                Step::Stop
            }
            "default_parameter" | "typed_default_parameter" if is_field(parent, "value", node) => {
                ctx.default_argument = true;
                if let Some(name) = parent.field("name") {
                    evidence.push(Evidence {
                        name: node_text(name, src).to_owned(),
                        source: NameSource::Keyword,
                    });
                }
                Step::Stop
            }
            "return_statement" => {
                if let Some(name) = enclosing_function_name(p, parent, src) {
                    evidence.push(Evidence {
                        name,
                        source: NameSource::ReturningFunction,
                    });
                }
                Step::Stop
            }
            _ => Step::Stop,
        };
        match step {
            Step::Up => node = parent,
            Step::From(next) => node = next,
            Step::Stop => break,
        }
    }
    deferred_contexts(p, node, src, ctx);
}

/// `a or <value>`: the other operand names the value, and the object it reads from holds it.
fn or_fallback<'t>(
    parent: Node<'t>,
    node: Node<'t>,
    src: &[u8],
    evidence: &mut Vec<Evidence>,
) -> Step<'t> {
    let other = if is_field(parent, "right", node) {
        "left"
    } else {
        "right"
    };
    let operand = parent.field(other);
    if let Some(name) = operand.and_then(|o| operand_name(o, src)) {
        evidence.push(Evidence {
            name,
            source: NameSource::OrFallback,
        });
    }
    // `message.get("id") or ...`: the object the fallback's id is read from.
    if let Some(holder) = operand.and_then(|o| operand_holder(o, src)) {
        evidence.push(Evidence {
            name: holder,
            source: NameSource::Container,
        });
    }
    Step::Up
}

/// `name=<value>`: the keyword names the value and the callee holds it; a default-factory
/// keyword (`default_factory=uuid4`) is a deferred context, and the value flows on.
fn keyword<'t>(
    p: &Parents<'t>,
    parent: Node<'t>,
    src: &[u8],
    evidence: &mut Vec<Evidence>,
    ctx: &mut Context,
) -> Step<'t> {
    let keyword = parent
        .field("name")
        .map(|n| node_text(n, src))
        .unwrap_or_default();
    if DEFAULT_KEYWORDS.contains(&keyword) {
        ctx.default_factory = true;
        return Step::Up;
    }
    evidence.push(Evidence {
        name: keyword.to_owned(),
        source: NameSource::Keyword,
    });
    let call = p.of(parent).and_then(|args| p.of(args));
    if let Some(callee) = call.and_then(|c| callee_name(c, src)).map(|callee| {
        // `super().__init__(id=...)` constructs the enclosing class.
        if callee.starts_with("super()") {
            enclosing_class_name(p, parent, src).unwrap_or(callee)
        } else {
            callee
        }
    }) {
        evidence.push(Evidence {
            name: callee,
            source: NameSource::Container,
        });
    }
    Step::Stop
}

/// A positional argument: `str(...)` and id wrappers (`ThreadID(...)`) pass the value on, the
/// key of a lookup the value is the default of names it; any other call ends the climb.
fn argument<'t>(
    p: &Parents<'t>,
    parent: Node<'t>,
    node: Node<'t>,
    src: &[u8],
    evidence: &mut Vec<Evidence>,
    ctx: &Context,
) -> Step<'t> {
    let Some(call) = p.of(parent).filter(|c| c.kind_str() == "call") else {
        return Step::Stop;
    };
    let Some(callee) = callee_name(call, src) else {
        return Step::Stop;
    };
    if callee == "str" {
        return Step::From(call);
    }
    // `d.get("request_id", uuid4())`, `getattr(o, "run_id", ...)`,
    // `setattr(o, SESSION_KEY, ...)`: the key the value is the default of names it.
    if let Some(lookup) = lookup_key(parent, node, &callee, src) {
        evidence.push(Evidence {
            name: lookup.key,
            source: NameSource::LookupKey,
        });
        if let Some(holder) = lookup.holder {
            evidence.push(Evidence {
                name: holder,
                source: NameSource::Container,
            });
        }
        return if lookup.stores {
            Step::Stop
        } else {
            Step::From(call)
        };
    }
    if !ctx.default_factory {
        if !looks_like_id_wrapper(&callee) {
            return Step::Stop;
        }
        evidence.push(Evidence {
            name: callee,
            source: NameSource::Wrapper,
        });
    }
    Step::From(call)
}

/// `{"key": <value>}`: the key names the value and the container holds it.
fn dict_pair<'t>(p: &Parents<'t>, pair: Node<'t>, src: &[u8], evidence: &mut Vec<Evidence>) {
    if let Some(key) = pair.field("key").and_then(|k| plain_string(k, src)) {
        evidence.push(Evidence {
            name: key,
            source: NameSource::DictKey,
        });
        if let Some(container) = dict_container(p, pair, src) {
            evidence.push(Evidence {
                name: container,
                source: NameSource::Container,
            });
        }
    }
}

/// `target = <value>`: the target names the value; the object it is stored on, or the class of
/// `self.x = ...` and of an annotated class field, holds it.
fn assignment<'t>(
    p: &Parents<'t>,
    parent: Node<'t>,
    src: &[u8],
    evidence: &mut Vec<Evidence>,
    ctx: &mut Context,
) {
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
        ctx.annotated_str_field = true;
    }
    evidence.push(Evidence { name, source });
    // `run.id = ...`, `user_dict["id"] = ...`: the object holding the id.
    if let Some(holder) = parent
        .field("left")
        .and_then(|l| l.field("object").or_else(|| l.field("value")))
        .and_then(|o| operand_name(o, src))
        .filter(|o| !matches!(o.as_str(), "self" | "cls"))
    {
        evidence.push(Evidence {
            name: holder,
            source: NameSource::Container,
        });
    }
    // `self.id = ...` or a class-level `id: str = ...` is the id of the class.
    let on_self = parent
        .field("left")
        .and_then(|l| l.field("object"))
        .is_some_and(|o| matches!(node_text(o, src), "self" | "cls"));
    if (on_self || in_class)
        && let Some(class) = enclosing_class_name(p, parent, src)
    {
        evidence.push(Evidence {
            name: class,
            source: NameSource::Container,
        });
    }
}

/// Deferred contexts above the name: a lambda, a default factory or an `except` handler further
/// up the same function still count.
fn deferred_contexts<'t>(p: &Parents<'t>, from: Node<'t>, src: &[u8], ctx: &mut Context) {
    let mut up = Some(from);
    while let Some(n) = up {
        match n.kind_str() {
            "lambda" => ctx.lambda = true,
            "keyword_argument" => {
                let keyword = n
                    .field("name")
                    .map(|k| node_text(k, src))
                    .unwrap_or_default();
                if DEFAULT_KEYWORDS.contains(&keyword) {
                    ctx.default_factory = true;
                }
            }
            "except_clause" => ctx.except_handler = true,
            "function_definition" | "class_definition" => break,
            _ => {}
        }
        up = p.up(n);
    }
}

/// The key a value is looked up or stored under: `d.get("k", <value>)`, `getattr(o, "k", <value>)`,
/// `setattr(o, "k", <value>)` (`stores`), and the object holding it.
pub(super) struct Lookup {
    pub(super) key: String,
    pub(super) holder: Option<String>,
    pub(super) stores: bool,
}

pub(super) fn lookup_key(
    args: Node<'_>,
    value: Node<'_>,
    callee: &str,
    src: &[u8],
) -> Option<Lookup> {
    let method = callee.rsplit('.').next().unwrap_or(callee);
    let (key_at, value_at, stores) = match method {
        "get" | "setdefault" | "pop" if callee.contains('.') => (0, 1, false),
        "getattr" if callee == method => (1, 2, false),
        "setattr" if callee == method => (1, 2, true),
        _ => return None,
    };
    // At most three arguments are looked at, whatever the call holds.
    let mut cursor = args.walk();
    let first: Vec<Node<'_>> = args
        .named_children(&mut cursor)
        .filter(|c| c.kind_str() != "comment")
        .take(3)
        .collect();
    if first.get(value_at).map(|n| n.id()) != Some(value.id()) {
        return None;
    }
    let key_node = first.get(key_at)?;
    let key = plain_string(*key_node, src).or_else(|| {
        // `setattr(o, SESSION_KEY, ...)`: a constant's name says what it holds.
        (key_node.kind_str() == "identifier").then(|| node_text(*key_node, src).to_owned())
    })?;
    let holder = if key_at == 1 {
        first.first().and_then(|o| operand_name(*o, src))
    } else {
        callee
            .rsplit_once('.')
            .map(|(object, _)| object.rsplit('.').next().unwrap_or(object).to_owned())
    };
    Some(Lookup {
        key,
        holder,
        stores,
    })
}

/// Names like `ThreadID`, `RunId`, `ensure_user_id` wrap an id value.
pub(super) fn looks_like_id_wrapper(callee: &str) -> bool {
    let words = split_words(callee.rsplit('.').next().unwrap_or(callee));
    words
        .last()
        .is_some_and(|w| matches!(w.as_str(), "id" | "ids" | "uuid" | "guid"))
}

pub(super) fn callee_name(call: Node<'_>, src: &[u8]) -> Option<String> {
    let function = call.field("function")?;
    match function.kind_str() {
        "identifier" | "attribute" => Some(node_text(function, src).to_owned()),
        _ => None,
    }
}

/// The call or assignment a dict goes into: `store_message({...})`, `message = {...}`.
pub(super) fn dict_container<'t>(p: &Parents<'t>, pair: Node<'t>, src: &[u8]) -> Option<String> {
    let dict = p.of(pair).filter(|d| d.kind_str() == "dictionary")?;
    let parent = p.of(dict)?;
    match parent.kind_str() {
        "argument_list" => p.of(parent).and_then(|c| callee_name(c, src)),
        "keyword_argument" => parent.field("name").map(|n| node_text(n, src).to_owned()),
        "assignment" => parent
            .field("left")
            .and_then(|l| target_name(l, src))
            .map(|(n, _)| n),
        _ => None,
    }
}

pub(super) fn target_name(target: Node<'_>, src: &[u8]) -> Option<(String, NameSource)> {
    match target.kind_str() {
        "identifier" => Some((
            node_text(target, src).to_owned(),
            NameSource::AssignmentTarget,
        )),
        "attribute" => target
            .field("attribute")
            .map(|a| (node_text(a, src).to_owned(), NameSource::AttributeTarget)),
        "subscript" => target
            .field("subscript")
            .and_then(|k| plain_string(k, src))
            .map(|k| (k, NameSource::SubscriptKey)),
        _ => None,
    }
}

/// The name an `or` operand carries: `event.get('message_id')`, `x.message_id`, `message_id`.
pub(super) fn operand_name(node: Node<'_>, src: &[u8]) -> Option<String> {
    match node.kind_str() {
        "identifier" => Some(node_text(node, src).to_owned()),
        "attribute" => node
            .field("attribute")
            .map(|a| node_text(a, src).to_owned()),
        "subscript" => node.field("subscript").and_then(|k| plain_string(k, src)),
        "call" => {
            let args = node.field("arguments")?;
            let first = args.named_child(0)?;
            plain_string(first, src)
        }
        _ => None,
    }
}

/// The object an `or` operand reads from: `message` in `message.get("id")`, `message["id"]`,
/// `message.id`.
pub(super) fn operand_holder(node: Node<'_>, src: &[u8]) -> Option<String> {
    let object = match node.kind_str() {
        "attribute" => node.field("object")?,
        "subscript" => node.field("value")?,
        "call" => {
            let function = node
                .field("function")
                .filter(|f| f.kind_str() == "attribute")?;
            let method = function.field("attribute").map(|a| node_text(a, src));
            if !matches!(method, Some("get" | "pop" | "setdefault")) {
                return None;
            }
            function.field("object")?
        }
        _ => return None,
    };
    operand_name(object, src).filter(|o| !matches!(o.as_str(), "self" | "cls"))
}

pub(super) fn enclosing_function_name<'t>(
    p: &Parents<'t>,
    node: Node<'t>,
    src: &[u8],
) -> Option<String> {
    let mut current = p.up(node);
    while let Some(n) = current {
        match n.kind_str() {
            "function_definition" => {
                return n.field("name").map(|name| node_text(name, src).to_owned());
            }
            "lambda" | "class_definition" => return None,
            _ => current = p.up(n),
        }
    }
    None
}

/// The nearest enclosing function's name when it is a factory (`create_user`, `make_session`):
/// what it makes names the ids made inside it. Other functions (`test_tool_handle`,
/// `handle_success`) say what they do, not whose id it is; the class is evidence only for
/// `self.x` and class fields, which `climb` records.
pub(super) fn enclosing_factory<'t>(p: &Parents<'t>, node: Node<'t>, src: &[u8]) -> Option<String> {
    let mut current = p.up(node);
    while let Some(n) = current {
        if n.kind_str() == "function_definition" {
            let name = node_text(n.field("name")?, src);
            let words = split_words(name);
            return (words.len() > 1 && FACTORY_VERBS.contains(&words[0].as_str()))
                .then(|| name.to_owned());
        }
        current = p.up(n);
    }
    None
}

pub(super) fn enclosing_class_name<'t>(
    p: &Parents<'t>,
    node: Node<'t>,
    src: &[u8],
) -> Option<String> {
    let mut current = p.up(node);
    while let Some(n) = current {
        if n.kind_str() == "class_definition" {
            return n.field("name").map(|name| node_text(name, src).to_owned());
        }
        current = p.up(n);
    }
    None
}

/// Finds the statement that consumes a meaningless local (`unique_suffix`) and names from it.
pub(super) fn follow_variable(
    found: &FoundSite<'_>,
    variable: &str,
    src: &[u8],
) -> Option<Vec<Evidence>> {
    let p = &*found.parents;
    let (scope, _) = scope_of(p, found.node);
    let after = found.node.end_byte();
    // The first read of the name after the site, in the same scope (not in a nested function,
    // class or lambda), found from the name's textual occurrences in order: a scope with
    // thousands of such locals costs no more than its text.
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80;
    let region = after.min(scope.end_byte())..scope.end_byte();
    let mut best: Option<Node<'_>> = None;
    for at in memchr::memmem::find_iter(&src[region.clone()], variable.as_bytes()) {
        let start = region.start + at;
        let end = start + variable.len();
        if start <= after
            || (start > 0 && is_ident(src[start - 1]))
            || src.get(end).is_some_and(|&b| is_ident(b))
        {
            continue;
        }
        let n = p.deepest_holding(start, end);
        if n.kind_str() != "identifier" || n.start_byte() != start || n.end_byte() != end {
            continue;
        }
        let mut in_scope = false;
        let mut up = p.of(n);
        while let Some(a) = up {
            if a.id() == scope.id() {
                in_scope = true;
                break;
            }
            if matches!(
                a.kind_str(),
                "function_definition" | "class_definition" | "lambda"
            ) {
                break;
            }
            up = p.of(a);
        }
        if !in_scope {
            continue;
        }
        let Some(parent) = p.of(n) else { continue };
        let is_binding = matches!(parent.kind_str(), "assignment" | "augmented_assignment")
            && is_field(parent, "left", n);
        if !is_binding {
            best = Some(n);
            break;
        }
    }
    let consumer = best?;
    let mut evidence = Vec::new();
    let mut ctx = Context::default();
    let mut start = consumer;
    if let Some(interp) = p.of(consumer).filter(|p| p.kind_str() == "interpolation")
        && let Some(string) = p.of(interp).filter(|s| s.kind_str() == "string")
    {
        start = string;
        let f = fstring_context(p, string, interp, consumer, src);
        climb(p, start, src, &mut evidence, &mut ctx);
        if !f
            .literal_before
            .trim_matches(|c: char| !c.is_alphanumeric())
            .is_empty()
        {
            evidence.push(Evidence {
                name: f.literal_before,
                source: NameSource::FstringPrefix,
            });
        }
    }
    if start.id() == consumer.id() {
        climb(p, start, src, &mut evidence, &mut ctx);
    }
    evidence.sort_by_key(|e| priority(e.source));
    let evidence: Vec<Evidence> = evidence
        .into_iter()
        .map(|e| Evidence {
            name: e.name,
            source: NameSource::FollowedVariable,
        })
        .collect();
    (!evidence.is_empty()).then_some(evidence)
}

pub(super) fn priority(source: NameSource) -> u8 {
    match source {
        NameSource::AssignmentTarget
        | NameSource::AttributeTarget
        | NameSource::SubscriptKey
        | NameSource::Keyword
        | NameSource::DictKey
        | NameSource::AnnotatedField
        | NameSource::ReturningFunction => 0,
        NameSource::LookupKey => 0,
        NameSource::Container => 1,
        NameSource::Wrapper => 2,
        NameSource::OrFallback => 3,
        NameSource::FstringPrefix | NameSource::ConcatPrefix => 4,
        NameSource::EnclosingScope => 5,
        NameSource::FollowedVariable => 6,
    }
}
