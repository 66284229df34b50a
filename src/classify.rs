//! Site -> name, id type, shape, risk, phase, area — each with the evidence behind it.

use crate::syntax::NodeExt;
use std::path::Path;
use tree_sitter::Node;

use crate::config::Config;
use crate::model::{
    Area, Binding, Classification, IdType, NameSource, Reason, Risk, Shape, SiteKind,
};
use crate::sites::{FoundSite, Parents, ScopeKind, node_text, scope_of};

/// The expression a rewrite replaces and the form it must keep.
#[derive(Debug, Clone)]
pub struct Value<'t> {
    /// A call `uuid.uuid4()` or an uncalled reference `uuid.uuid4`.
    pub kind: SiteKind,
    /// The uuid expression with its shape wrappers: `str(uuid.uuid4())`, `uuid.uuid4().hex[:8]`.
    pub node: Node<'t>,
    pub shape: Shape,
    /// Length kept by a truncation `[:N]`.
    pub truncation: Option<usize>,
    /// The f-string the value sits in, when it does.
    pub fstring: Option<Fstring<'t>>,
    /// `"request_" + str(uuid4())`: the whole concatenation and its literal prefix.
    pub concat: Option<(Node<'t>, String)>,
}

/// An f-string holding the site in one of its replacement fields.
#[derive(Debug, Clone)]
pub struct Fstring<'t> {
    pub string: Node<'t>,
    pub interpolation: Node<'t>,
    /// Literal text before the field (other fields removed).
    pub literal_before: String,
    /// True when the string is exactly `f"<literal prefix>{<site>}"`.
    pub prefix_only: bool,
}

/// A candidate name and where it came from, in order of preference.
#[derive(Debug, Clone)]
struct Evidence {
    name: String,
    source: NameSource,
}

/// Deferred or shared evaluation found while walking up from the site.
#[derive(Debug, Default, Clone, Copy)]
struct Context {
    lambda: bool,
    default_factory: bool,
    default_argument: bool,
    except_handler: bool,
    annotated_str_field: bool,
}

/// Everything classify decides about one site.
pub struct Classified<'t> {
    pub classification: Classification,
    pub value: Value<'t>,
    /// Parent links of the tree the site is in.
    pub parents: std::rc::Rc<crate::sites::Parents<'t>>,
}

pub fn classify<'t>(
    found: &FoundSite<'t>,
    src: &[u8],
    rel_path: &Path,
    config: &Config,
) -> Classified<'t> {
    let p = &*found.parents;
    let mut reasons = Vec::new();
    let mut ctx = Context::default();
    let value = value_of(found, src);
    let mut evidence = Vec::new();
    let outer = value
        .concat
        .as_ref()
        .map(|(n, _)| *n)
        .or(value.fstring.as_ref().map(|f| f.string))
        .unwrap_or(value.node);
    climb(p, outer, src, &mut evidence, &mut ctx);
    if let Some(f) = &value.fstring
        && !f
            .literal_before
            .trim_matches(|c: char| !c.is_alphanumeric())
            .is_empty()
    {
        evidence.push(Evidence {
            name: f.literal_before.clone(),
            source: NameSource::FstringPrefix,
        });
    }
    if let Some((_, prefix)) = &value.concat {
        evidence.push(Evidence {
            name: prefix.clone(),
            source: NameSource::ConcatPrefix,
        });
    }
    evidence.sort_by_key(|e| priority(e.source));

    let shape = if found.kind == SiteKind::Reference
        && value.shape == Shape::Object
        && ctx.annotated_str_field
    {
        Shape::String
    } else {
        value.shape
    };
    reasons.push(Reason::Shape {
        shape,
        detail: shape_detail(found.kind, &value, shape).to_owned(),
    });

    let (name, id_type, stem) = decide_type(&evidence, found, src, config, &mut reasons);

    let risk = decide_risk(found, shape, id_type, ctx, rel_path, config, &mut reasons);
    let area = if config.is_test_path(rel_path) {
        Area::Test
    } else {
        Area::App
    };
    let phase = decide_phase(rel_path, risk, area, id_type, config, &mut reasons);
    let prefix = value
        .fstring
        .as_ref()
        .filter(|f| f.prefix_only)
        .and_then(|f| clean_prefix(&f.literal_before))
        .or_else(|| value.concat.as_ref().and_then(|(_, p)| clean_prefix(p)))
        .or(stem);

    let fixable = id_type != IdType::Unknown
        && id_type != IdType::Secret
        && shape != Shape::Object
        && found.binding == Binding::Resolved
        && !found.in_error_region;

    Classified {
        classification: Classification {
            name,
            id_type,
            shape,
            risk,
            phase,
            area,
            fixable,
            prefix,
            reasons,
        },
        value,
        parents: std::rc::Rc::clone(&found.parents),
    }
}

fn priority(source: NameSource) -> u8 {
    match source {
        NameSource::AssignmentTarget
        | NameSource::AttributeTarget
        | NameSource::SubscriptKey
        | NameSource::Keyword
        | NameSource::DictKey
        | NameSource::AnnotatedField
        | NameSource::ReturningFunction => 0,
        NameSource::Container => 1,
        NameSource::Wrapper => 2,
        NameSource::OrFallback => 3,
        NameSource::FstringPrefix | NameSource::ConcatPrefix => 4,
        NameSource::FollowedVariable => 5,
    }
}

fn shape_detail(kind: SiteKind, value: &Value<'_>, shape: Shape) -> &'static str {
    match (kind, shape) {
        (SiteKind::Reference, Shape::String) => "uncalled reference on a `str` field",
        (SiteKind::Reference, _) => "uncalled reference: the factory makes a UUID object",
        (_, Shape::Fstring) => "inside an f-string replacement field",
        (_, Shape::Truncated) if value.truncation.is_some() => "sliced to a fixed length",
        (_, Shape::Truncated) => "sliced",
        (_, Shape::Hex) => "`.hex` string",
        (_, Shape::String) => "converted with `str()`",
        (_, Shape::Object) => "the UUID object itself is used",
    }
}

/// Walks the shape wrappers around the site: `.hex`, `[:N]`, `str(...)`, and an f-string field.
fn value_of<'t>(found: &FoundSite<'t>, src: &[u8]) -> Value<'t> {
    let p = &*found.parents;
    let mut node = found.expr;
    let mut shape = Shape::Object;
    let mut truncation = None;
    if found.kind == SiteKind::Call {
        while let Some(parent) = p.of(node) {
            match parent.kind_str() {
                "attribute" if is_field(parent, "object", node) => {
                    let attr = parent.field("attribute").map(|a| node_text(a, src));
                    if attr == Some("hex") && shape == Shape::Object {
                        shape = Shape::Hex;
                    } else {
                        break;
                    }
                }
                "subscript" if is_field(parent, "value", node) && shape != Shape::Object => {
                    match prefix_slice_len(parent, src) {
                        Some(len) => {
                            shape = Shape::Truncated;
                            truncation = len;
                        }
                        None => break,
                    }
                }
                "argument_list" if shape == Shape::Object => {
                    let call = p.of(parent).filter(|c| c.kind_str() == "call");
                    let is_str = call
                        .and_then(|c| c.field("function"))
                        .is_some_and(|f| node_text(f, src) == "str");
                    // Whether `str(...)` has this one argument (looking no further than a
                    // second one: a call can have thousands).
                    let single = is_str && {
                        let mut cursor = parent.walk();
                        parent
                            .named_children(&mut cursor)
                            .filter(|c| c.kind_str() != "comment")
                            .take(2)
                            .count()
                            == 1
                    };
                    if single {
                        shape = Shape::String;
                        node = call.expect("checked above");
                        continue;
                    }
                    break;
                }
                "parenthesized_expression" => {}
                _ => break,
            }
            node = parent;
        }
    }
    let mut value = Value {
        kind: found.kind,
        node,
        shape,
        truncation,
        fstring: None,
        concat: None,
    };
    if let Some(interp) = p.of(node).filter(|p| p.kind_str() == "interpolation") {
        if let Some(string) = p.of(interp).filter(|s| s.kind_str() == "string") {
            value.shape = Shape::Fstring;
            value.fstring = Some(fstring_context(p, string, interp, node, src));
        }
    } else if matches!(value.shape, Shape::String | Shape::Hex) {
        value.concat = concat_prefix(p, node, src);
    }
    value
}

/// `[:N]` or `[0:N]` -> Some(Some(N)); other slices -> Some(None) when they still cut a prefix; else None.
fn prefix_slice_len(subscript: Node<'_>, src: &[u8]) -> Option<Option<usize>> {
    let slice = subscript
        .field("subscript")
        .filter(|s| s.kind_str() == "slice")?;
    let text: String = node_text(slice, src)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let (start, rest) = text.split_once(':')?;
    if rest.is_empty() {
        // `[-N:]` keeps the last N characters.
        if let Some(len) = start
            .strip_prefix('-')
            .and_then(|n| n.parse::<usize>().ok())
        {
            return Some(Some(len));
        }
    }
    if !(start.is_empty() || start == "0") || rest.contains(':') {
        return Some(None);
    }
    Some(rest.parse::<usize>().ok())
}

fn fstring_context<'t>(
    p: &Parents<'t>,
    string: Node<'t>,
    interp: Node<'t>,
    value: Node<'t>,
    src: &[u8],
) -> Fstring<'t> {
    let mut literal_before = String::new();
    let mut fields = 0;
    let mut after_field = false;
    let mut literal_after = false;
    let mut cursor = string.walk();
    for child in string.children(&mut cursor) {
        match child.kind_str() {
            "string_content" if !after_field => literal_before.push_str(node_text(child, src)),
            "string_content" => literal_after = true,
            "interpolation" => {
                fields += 1;
                if child.id() == interp.id() {
                    after_field = true;
                }
            }
            _ => {}
        }
    }
    let plain_field = interp.named_child_count() == 1
        && interp.field("expression").map(|e| e.id()) == Some(value.id());
    let in_concatenation = p
        .of(string)
        .is_some_and(|p| p.kind_str() == "concatenated_string");
    Fstring {
        string,
        interpolation: interp,
        prefix_only: fields == 1 && !literal_after && plain_field && !in_concatenation,
        literal_before,
    }
}

/// `"request_" + str(uuid4())` -> the binary operator and `request_`.
fn concat_prefix<'t>(p: &Parents<'t>, node: Node<'t>, src: &[u8]) -> Option<(Node<'t>, String)> {
    let parent = p.of(node).filter(|p| p.kind_str() == "binary_operator")?;
    if !is_field(parent, "right", node)
        || parent.field("operator").map(|o| node_text(o, src)) != Some("+")
    {
        return None;
    }
    let left = parent.field("left").filter(|l| l.kind_str() == "string")?;
    let literal = plain_string(left, src)?;
    Some((parent, literal))
}

/// The text of a string literal with no interpolation, without quotes and prefix.
fn plain_string(node: Node<'_>, src: &[u8]) -> Option<String> {
    if node.kind_str() != "string" {
        return None;
    }
    let mut text = String::new();
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        match child.kind_str() {
            "string_content" => text.push_str(node_text(child, src)),
            "string_start" | "string_end" => {}
            _ => return None,
        }
    }
    Some(text)
}

fn is_field(parent: Node<'_>, field: &str, child: Node<'_>) -> bool {
    parent.field(field).map(|n| n.id()) == Some(child.id())
}

const DEFAULT_KEYWORDS: [&str; 4] = [
    "default_factory",
    "default",
    "insert_default",
    "server_default",
];

/// Walks up from the value to the nearest name, collecting evidence and deferred contexts.
fn climb<'t>(
    p: &Parents<'t>,
    start: Node<'t>,
    src: &[u8],
    evidence: &mut Vec<Evidence>,
    ctx: &mut Context,
) {
    let mut node = start;
    while let Some(parent) = p.of(node) {
        match parent.kind_str() {
            "parenthesized_expression" | "conditional_expression" | "await" => {}
            // `uuid4().int`, `uuid4().hex.upper()`, `str(uuid4())[:8]`: the value flows on.
            "attribute" if is_field(parent, "object", node) => {}
            "call" if is_field(parent, "function", node) => {}
            "subscript" if is_field(parent, "value", node) => {}
            "boolean_operator" => {
                let other = if is_field(parent, "right", node) {
                    "left"
                } else {
                    "right"
                };
                if let Some(name) = parent.field(other).and_then(|o| operand_name(o, src)) {
                    evidence.push(Evidence {
                        name,
                        source: NameSource::OrFallback,
                    });
                }
            }
            "binary_operator" => {}
            "lambda" => ctx.lambda = true,
            "keyword_argument" => {
                let keyword = parent
                    .field("name")
                    .map(|n| node_text(n, src))
                    .unwrap_or_default();
                if DEFAULT_KEYWORDS.contains(&keyword) {
                    ctx.default_factory = true;
                } else {
                    evidence.push(Evidence {
                        name: keyword.to_owned(),
                        source: NameSource::Keyword,
                    });
                    if let Some(callee) = p
                        .of(parent)
                        .and_then(|args| p.of(args))
                        .and_then(|c| callee_name(c, src))
                    {
                        evidence.push(Evidence {
                            name: callee,
                            source: NameSource::Container,
                        });
                    }
                    break;
                }
            }
            "argument_list" => {
                let Some(call) = p.of(parent).filter(|c| c.kind_str() == "call") else {
                    break;
                };
                let Some(callee) = callee_name(call, src) else {
                    break;
                };
                if callee == "str" {
                    node = call;
                    continue;
                }
                if !ctx.default_factory {
                    if looks_like_id_wrapper(&callee) {
                        evidence.push(Evidence {
                            name: callee,
                            source: NameSource::Wrapper,
                        });
                    } else {
                        break;
                    }
                }
                node = call;
                continue;
            }
            "pair" if is_field(parent, "value", node) => {
                if let Some(key) = parent.field("key").and_then(|k| plain_string(k, src)) {
                    evidence.push(Evidence {
                        name: key,
                        source: NameSource::DictKey,
                    });
                    if let Some(container) = dict_container(p, parent, src) {
                        evidence.push(Evidence {
                            name: container,
                            source: NameSource::Container,
                        });
                    }
                }
                break;
            }
            "assignment" | "augmented_assignment" if is_field(parent, "right", node) => {
                if let Some((name, source)) = parent.field("left").and_then(|l| target_name(l, src))
                {
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
                break;
            }
            "default_parameter" | "typed_default_parameter" if is_field(parent, "value", node) => {
                ctx.default_argument = true;
                if let Some(name) = parent.field("name") {
                    evidence.push(Evidence {
                        name: node_text(name, src).to_owned(),
                        source: NameSource::Keyword,
                    });
                }
                break;
            }
            "return_statement" => {
                if let Some(name) = enclosing_function_name(p, parent, src) {
                    evidence.push(Evidence {
                        name,
                        source: NameSource::ReturningFunction,
                    });
                }
                break;
            }
            _ => break,
        }
        node = parent;
    }
    // Deferred contexts above the name: a lambda or default factory further up still counts.
    let mut up = Some(node);
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
        up = p.of(n);
    }
}

/// Names like `ThreadID`, `RunId`, `ensure_user_id` wrap an id value.
fn looks_like_id_wrapper(callee: &str) -> bool {
    let words = split_words(callee.rsplit('.').next().unwrap_or(callee));
    words
        .last()
        .is_some_and(|w| matches!(w.as_str(), "id" | "ids" | "uuid" | "guid"))
}

fn callee_name(call: Node<'_>, src: &[u8]) -> Option<String> {
    let function = call.field("function")?;
    match function.kind_str() {
        "identifier" | "attribute" => Some(node_text(function, src).to_owned()),
        _ => None,
    }
}

/// The call or assignment a dict goes into: `store_message({...})`, `message = {...}`.
fn dict_container<'t>(p: &Parents<'t>, pair: Node<'t>, src: &[u8]) -> Option<String> {
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

fn target_name(target: Node<'_>, src: &[u8]) -> Option<(String, NameSource)> {
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
fn operand_name(node: Node<'_>, src: &[u8]) -> Option<String> {
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

fn enclosing_function_name<'t>(p: &Parents<'t>, node: Node<'t>, src: &[u8]) -> Option<String> {
    let mut current = p.of(node);
    while let Some(n) = current {
        match n.kind_str() {
            "function_definition" => {
                return n.field("name").map(|name| node_text(name, src).to_owned());
            }
            "lambda" | "class_definition" => return None,
            _ => current = p.of(n),
        }
    }
    None
}

fn enclosing_class_name<'t>(p: &Parents<'t>, node: Node<'t>, src: &[u8]) -> Option<String> {
    let mut current = p.of(node);
    while let Some(n) = current {
        if n.kind_str() == "class_definition" {
            return n.field("name").map(|name| node_text(name, src).to_owned());
        }
        current = p.of(n);
    }
    None
}

/// Splits a name into lowercase words on `_`, digits, punctuation and camelCase.
pub fn split_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphabetic() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        if c.is_uppercase() && !current.is_empty() {
            let prev_lower = chars[i - 1].is_lowercase();
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            let prev_upper = chars[i - 1].is_uppercase();
            if prev_lower || (prev_upper && next_lower) {
                words.push(std::mem::take(&mut current));
            }
        }
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// What a name's words say: a secret word anywhere, else the head word's type.
enum Verdict {
    Secret(String),
    Typed(String, IdType),
    Untyped(String),
    Noise,
}

fn judge(words: &[String], source: NameSource, config: &Config) -> Verdict {
    for (i, word) in words.iter().enumerate() {
        let mut candidates = vec![word.clone()];
        if let Some(next) = words.get(i + 1) {
            candidates.push(format!("{word}_{next}"));
            candidates.push(format!("{word}{next}"));
        }
        for candidate in candidates {
            if config.type_words.get(&candidate) == Some(&IdType::Secret) {
                return Verdict::Secret(candidate);
            }
        }
    }
    if words.iter().any(|w| w == "state")
        && (words.len() == 1 || words.iter().any(|w| w == "oauth"))
    {
        return Verdict::Secret("state".to_owned());
    }
    let meaningful: Vec<&String> = words
        .iter()
        .filter(|w| !config.noise_words.contains(w))
        .collect();
    if meaningful.is_empty() {
        return Verdict::Noise;
    }
    if source == NameSource::Container {
        // A container (`thread_repository.create`) names its type anywhere, not only last.
        return meaningful
            .iter()
            .rev()
            .find_map(|w| {
                config
                    .type_words
                    .get(w.as_str())
                    .map(|t| Verdict::Typed(w.to_string(), *t))
            })
            .unwrap_or(Verdict::Noise);
    }
    let head = meaningful.last().expect("not empty");
    match config.type_words.get(head.as_str()) {
        Some(t) => Verdict::Typed(head.to_string(), *t),
        None => Verdict::Untyped(head.to_string()),
    }
}

/// Picks the name, id type and rewrite stem from the evidence, in order of preference.
fn decide_type(
    evidence: &[Evidence],
    found: &FoundSite<'_>,
    src: &[u8],
    config: &Config,
    reasons: &mut Vec<Reason>,
) -> (Option<String>, IdType, Option<String>) {
    let mut name: Option<String> = None;
    let mut followed = false;
    let mut queue: Vec<Evidence> = evidence.to_vec();
    let mut i = 0;
    while i < queue.len() {
        let e = queue[i].clone();
        i += 1;
        if e.source == NameSource::Container && name.is_none() {
            continue;
        }
        let words = split_words(&e.name);
        if name.is_none() && e.source != NameSource::Container {
            name = Some(e.name.clone());
        }
        reasons.push(Reason::Name {
            name: e.name.clone(),
            source: e.source,
        });
        match judge(&words, e.source, config) {
            Verdict::Secret(word) => {
                reasons.push(Reason::SecretWord { word });
                return (name, IdType::Secret, None);
            }
            Verdict::Typed(word, id_type) => {
                reasons.push(Reason::TypeWord {
                    word: word.clone(),
                    id_type,
                });
                let stem = if e.source == NameSource::Container {
                    abbreviate(&[word], config)
                } else {
                    stem_of(&words, config)
                };
                return (name, id_type, stem);
            }
            Verdict::Untyped(head) => {
                reasons.push(Reason::NoTypeWord { head: Some(head) });
                return (name, IdType::Unknown, None);
            }
            Verdict::Noise => {
                reasons.push(Reason::NameSaysNothing {
                    name: e.name.clone(),
                });
                if !followed && e.source == NameSource::AssignmentTarget {
                    followed = true;
                    if let Some(next) = follow_variable(found, &e.name, src) {
                        // Consumers go right after what the site's own text still offers.
                        let at = queue
                            .iter()
                            .position(|q| priority(q.source) > priority(NameSource::FstringPrefix));
                        let at = at.unwrap_or(queue.len()).max(i);
                        for (k, ev) in next.into_iter().enumerate() {
                            queue.insert(at + k, ev);
                        }
                    }
                }
            }
        }
    }
    if evidence.is_empty() {
        reasons.push(Reason::NoName);
    } else {
        reasons.push(Reason::NoTypeWord { head: None });
    }
    (name, IdType::Unknown, None)
}

/// Finds the statement that consumes a meaningless local (`unique_suffix`) and names from it.
fn follow_variable(found: &FoundSite<'_>, variable: &str, src: &[u8]) -> Option<Vec<Evidence>> {
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

/// Verbs that open a factory function's name: `generate_connection_id` names a connection.
const FACTORY_VERBS: [&str; 10] = [
    "generate", "gen", "make", "create", "build", "get", "next", "allocate", "mint", "issue",
];

fn stem_of(words: &[String], config: &Config) -> Option<String> {
    let mut meaningful: Vec<String> = words
        .iter()
        .filter(|w| !config.noise_words.contains(w))
        .cloned()
        .collect();
    // `generate_connection_id`, `make_request_id = lambda: ...` name a connection, a request.
    while meaningful.len() > 1 && FACTORY_VERBS.contains(&meaningful[0].as_str()) {
        meaningful.remove(0);
    }
    abbreviate(&meaningful, config)
}

fn abbreviate(words: &[String], config: &Config) -> Option<String> {
    let parts: Vec<&str> = words
        .iter()
        .map(|w| {
            config
                .abbreviations
                .get(w)
                .map_or(w.as_str(), String::as_str)
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join("_"))
}

/// `test_user_` -> `test_user`; None when the literal is not usable as a prefix.
pub fn clean_prefix(literal: &str) -> Option<String> {
    let trimmed = literal.trim_end_matches(['_', '-', ':', '.', '/']);
    let usable = !trimmed.is_empty()
        && trimmed
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    usable.then(|| trimmed.to_owned())
}

fn decide_risk(
    found: &FoundSite<'_>,
    shape: Shape,
    id_type: IdType,
    ctx: Context,
    rel_path: &Path,
    config: &Config,
    reasons: &mut Vec<Reason>,
) -> Risk {
    let p = &*found.parents;
    let mut high = Vec::new();
    if ctx.except_handler {
        high.push(Reason::RiskExceptHandler);
    }
    if shape == Shape::Object {
        high.push(Reason::RiskObjectShape);
    }
    if id_type == IdType::Secret {
        high.push(Reason::RiskSecret);
    }
    if found.binding == Binding::Unresolved {
        high.push(Reason::Unresolved);
        high.push(Reason::RiskUnresolved);
    }
    if found.in_error_region {
        high.push(Reason::ErrorRegion);
        high.push(Reason::RiskErrorRegion);
    }
    for (pattern, matcher) in &config.high_risk_paths {
        if matcher.is_match(rel_path) {
            high.push(Reason::RiskHighPath {
                pattern: pattern.clone(),
            });
        }
    }
    if found.import_elsewhere {
        reasons.push(Reason::ImportInOtherScope);
    }
    if !high.is_empty() {
        reasons.extend(high);
        return Risk::High;
    }
    let mut medium = Vec::new();
    if ctx.default_factory {
        medium.push(Reason::RiskDefaultFactory);
    }
    if ctx.lambda {
        medium.push(Reason::RiskLambda);
    }
    if ctx.default_argument {
        medium.push(Reason::RiskDefaultArgument);
    }
    match scope_of(p, found.node).1 {
        ScopeKind::Class if !ctx.lambda => medium.push(Reason::RiskClassField),
        ScopeKind::Module if !ctx.lambda && !ctx.default_argument => {
            medium.push(Reason::RiskModuleConstant)
        }
        _ => {}
    }
    if !medium.is_empty() {
        reasons.extend(medium);
        return Risk::Medium;
    }
    reasons.push(Reason::RiskDirect);
    Risk::Low
}

fn decide_phase(
    rel_path: &Path,
    risk: Risk,
    area: Area,
    id_type: IdType,
    config: &Config,
    reasons: &mut Vec<Reason>,
) -> u32 {
    for (index, rule) in config.phases.iter().enumerate() {
        let matches = rule.paths.as_ref().is_none_or(|p| p.is_match(rel_path))
            && (rule.risk.is_empty() || rule.risk.contains(&risk))
            && rule.area.is_none_or(|a| a == area)
            && (rule.id_types.is_empty() || rule.id_types.contains(&id_type));
        if matches {
            reasons.push(Reason::PhaseRule {
                index,
                phase: rule.phase,
            });
            return rule.phase;
        }
    }
    let phase = risk.default_phase();
    reasons.push(Reason::PhaseDefault { phase });
    phase
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_camel_case_digits_and_underscores() {
        assert_eq!(split_words("ThreadID"), ["thread", "id"]);
        assert_eq!(split_words("connection1_id"), ["connection", "id"]);
        assert_eq!(split_words("HTTPRequestId"), ["http", "request", "id"]);
        assert_eq!(split_words("ensure_user_id"), ["ensure", "user", "id"]);
    }

    #[test]
    fn cleans_prefixes() {
        assert_eq!(clean_prefix("test_user_").as_deref(), Some("test_user"));
        assert_eq!(clean_prefix("user-").as_deref(), Some("user"));
        assert_eq!(clean_prefix("a b"), None);
        assert_eq!(clean_prefix(""), None);
    }
}
