//! The name a node says: an assignment target, an `or` operand and the object it reads from,
//! a callee, the key of a lookup, the container of a dict, the enclosing function or class.

use tree_sitter::Node;

use crate::classify::id_type::FACTORY_VERBS;
use crate::classify::value::plain_string;
use crate::model::NameSource;
use crate::syntax::enclosing::{nearest_class, nearest_definition, nearest_function};
use crate::syntax::{NodeExt, Parents, node_text};
use crate::util::words::split_words;

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

/// Longest callee, in bytes, that names what it is called with. Real callees are a name or a
/// dotted path, and a chain of calls (`query(...).filter(...).values`) runs to a few hundred
/// bytes; a callee longer than this is a chain of hundreds of calls, whose every site would
/// otherwise copy it (N sites in a chain of N calls: N² bytes).
const MAX_CALLEE_LEN: usize = 4096;

/// The text of a call's callee, when it is a name or an attribute.
pub(super) fn callee_name(call: Node<'_>, src: &[u8]) -> Option<String> {
    let function = call.field("function")?;
    if function.byte_range().len() > MAX_CALLEE_LEN {
        return None;
    }
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

/// The name of the function a `return` stands in (none in a lambda or a class body).
pub(super) fn enclosing_function_name<'t>(
    p: &Parents<'t>,
    node: Node<'t>,
    src: &[u8],
) -> Option<String> {
    p.up(node)
        .and_then(|up| nearest_definition(p, up))
        .filter(|n| n.kind_str() == "function_definition")?
        .field("name")
        .map(|name| node_text(name, src).to_owned())
}

/// The nearest enclosing function's name when it is a factory (`create_user`, `make_session`):
/// what it makes names the ids made inside it. Other functions (`test_tool_handle`,
/// `handle_success`) say what they do, not whose id it is; the class is evidence only for
/// `self.x` and class fields, which `climb` records.
pub(in crate::classify) fn enclosing_factory<'t>(
    p: &Parents<'t>,
    node: Node<'t>,
    src: &[u8],
) -> Option<String> {
    let function = p.up(node).and_then(|up| nearest_function(p, up))?;
    let name = node_text(function.field("name")?, src);
    let words = split_words(name);
    (words.len() > 1 && FACTORY_VERBS.contains(&words[0].as_str())).then(|| name.to_owned())
}

/// The name of the nearest class around `node`.
pub(super) fn enclosing_class_name<'t>(
    p: &Parents<'t>,
    node: Node<'t>,
    src: &[u8],
) -> Option<String> {
    p.up(node)
        .and_then(|up| nearest_class(p, up))?
        .field("name")
        .map(|name| node_text(name, src).to_owned())
}
