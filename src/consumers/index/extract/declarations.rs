//! What each declaring node adds: a function's parameters, a class's fields, `self.x = ...`
//! assignments, calls that parse, check or pin a value, module-level regexes and imports.

use super::{Builder, Ctx, FunctionCtx, qualified};
use crate::consumers::index::{
    FileNames, Import, Pin, field_consumer, last_name, line_of, string_value, unwrap_str,
};
use rustc_hash::FxHashMap;
use tree_sitter::Node;

use crate::consumers::types::UuidTypes;
use crate::consumers::{Anchor, Consumer, PatternCheck};
use crate::model::ConsumerKind;
use crate::syntax::{NodeExt, char_column, node_text};

/// The parameters of a function with their annotations, without `self`/`cls` for a method.
pub(super) fn parameters<'t>(
    def: Node<'t>,
    src: &[u8],
    method: bool,
) -> Vec<(String, Option<Node<'t>>)> {
    let Some(params) = def.field("parameters") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut cursor = params.walk();
    for (i, p) in params.named_children(&mut cursor).enumerate() {
        let (name, annotation) = match p.kind_str() {
            "identifier" => (Some(p), None),
            "typed_parameter" => {
                let mut c = p.walk();
                let name = p
                    .named_children(&mut c)
                    .find(|n| n.kind_str() == "identifier");
                (name, p.field("type"))
            }
            "default_parameter" => (p.field("name"), None),
            "typed_default_parameter" => (p.field("name"), p.field("type")),
            _ => (None, None),
        };
        let Some(name) = name else { continue };
        let name = node_text(name, src);
        if method && i == 0 && matches!(name, "self" | "cls") {
            continue;
        }
        out.push((name.to_owned(), annotation));
    }
    out
}

/// Fields declared directly in a class body: `x: Ann = value`, `x = Column(...)`.
pub(super) fn class_fields(b: &mut Builder<'_>, class: &str, body: Node<'_>, src: &[u8]) {
    let mut cursor = body.walk();
    for stmt in body.named_children(&mut cursor) {
        if stmt.kind_str() != "expression_statement" {
            continue;
        }
        let Some(assign) = stmt.named_child(0).filter(|a| a.kind_str() == "assignment") else {
            continue;
        };
        let Some(left) = assign
            .field("left")
            .filter(|l| l.kind_str() == "identifier")
        else {
            continue;
        };
        if let Some((kind, pattern)) =
            field_consumer(b.types, assign.field("type"), assign.field("right"), src)
        {
            let name = node_text(left, src);
            b.add_field(
                class,
                name,
                Consumer {
                    kind,
                    what: format!("field `{class}.{name}`"),
                    line: line_of(assign),
                    column: char_column(assign, src),
                    pattern,
                },
            );
        }
    }
}

/// `self.x = p` in a method, where `p` is a consuming parameter: field `x` consumes too.
pub(super) fn self_assignment(
    b: &mut Builder<'_>,
    assign: Node<'_>,
    src: &[u8],
    class: Option<&str>,
    f: &FunctionCtx,
) {
    let (Some(class), Some(left), Some(right)) =
        (class, assign.field("left"), assign.field("right"))
    else {
        return;
    };
    let Some(field) = self_attribute(left, src) else {
        return;
    };
    if let Some(a) = assign.field("type")
        && b.types.typed(node_text(a, src))
    {
        b.add_field(
            class,
            field,
            Consumer {
                kind: ConsumerKind::UuidAnnotation,
                what: format!("field `{class}.{field}`"),
                line: line_of(assign),
                column: char_column(assign, src),
                pattern: None,
            },
        );
        return;
    }
    if right.kind_str() != "identifier" {
        return;
    }
    let param = node_text(right, src);
    let consumer = b.functions[f.index]
        .params
        .iter()
        .find(|p| p.name == param)
        .map(|p| p.consumer.clone());
    if let Some(consumer) = consumer {
        b.add_field(class, field, consumer);
    }
}

/// `x` of `self.x`.
pub(super) fn self_attribute<'s>(node: Node<'_>, src: &'s [u8]) -> Option<&'s str> {
    if node.kind_str() != "attribute" {
        return None;
    }
    let object = node.field("object")?;
    (matches!(node_text(object, src), "self" | "cls"))
        .then(|| node.field("attribute").map(|a| node_text(a, src)))
        .flatten()
}

/// A call in the file: a UUID parse of a parameter or field, or a test patching `uuid4`.
pub(super) fn call(b: &mut Builder<'_>, call: Node<'_>, src: &[u8], ctx: Ctx<'_>) {
    let Some(function) = call.field("function") else {
        return;
    };
    let callee = node_text(function, src);
    let last = last_name(callee);
    let Some(args) = call
        .field("arguments")
        .filter(|a| a.kind_str() == "argument_list")
    else {
        return;
    };
    if last == "UUID" || last == "isinstance" {
        let Some(target) = parsed_argument(b.types, args, src, last == "isinstance") else {
            return;
        };
        let consumer = |what: String| Consumer {
            kind: ConsumerKind::UuidParse,
            what,
            line: line_of(call),
            column: char_column(call, src),
            pattern: None,
        };
        let shown = format!(
            "`{}`",
            node_text(call, src)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        );
        if let Some(field) = self_attribute(target, src)
            && let Some(class) = ctx.class
        {
            b.add_field(
                class,
                field,
                consumer(format!("field `{class}.{field}` ({shown})")),
            );
        } else if target.kind_str() == "identifier"
            && let Some(f) = ctx.function
        {
            let name = node_text(target, src);
            if let Some(position) = f.params.iter().position(|p| p == name) {
                let what = format!(
                    "parameter `{name}` of `{}` ({shown})",
                    qualified(&b.functions[f.index])
                );
                b.add_param(f.index, name, position, consumer(what));
            }
        }
        return;
    }
    if last == "patch" || last == "setattr" || last == "object" {
        pin(b, call, args, src);
    }
}

/// The value a `UUID(x)` / `UUID(hex=x)` / `isinstance(x, UUID)` parses, through `str(...)`.
pub(super) fn parsed_argument<'t>(
    types: UuidTypes<'_>,
    args: Node<'t>,
    src: &[u8],
    isinstance: bool,
) -> Option<Node<'t>> {
    let mut cursor = args.walk();
    let children: Vec<Node<'t>> = args.named_children(&mut cursor).collect();
    let target = if isinstance {
        let ty = children.get(1)?;
        if !types.typed(node_text(*ty, src)) {
            return None;
        }
        children.first().copied()?
    } else {
        children.iter().find_map(|a| match a.kind_str() {
            "keyword_argument" => (a.field("name").map(|n| node_text(n, src)) == Some("hex"))
                .then(|| a.field("value"))
                .flatten(),
            "comment" => None,
            _ => Some(*a),
        })?
    };
    Some(unwrap_str(target, src))
}
/// A test's `patch("pkg.mod.uuid4")`, `patch.object(mod, "uuid4")`,
/// `monkeypatch.setattr("pkg.mod.uuid4", f)` or `monkeypatch.setattr(mod, "uuid4", f)`.
pub(super) fn pin(b: &mut Builder<'_>, call: Node<'_>, args: Node<'_>, src: &[u8]) {
    let mut cursor = args.walk();
    let children: Vec<Node<'_>> = args
        .named_children(&mut cursor)
        .filter(|a| a.kind_str() != "keyword_argument" && a.kind_str() != "comment")
        .collect();
    let first = children.first().copied();
    let module = if let Some(target) = first.and_then(|f| string_value(f, src)) {
        target.strip_suffix(".uuid4").map(str::to_owned)
    } else if let (Some(object), Some(attr)) =
        (first, children.get(1).and_then(|a| string_value(*a, src)))
    {
        (attr == "uuid4").then(|| {
            let text = node_text(object, src);
            match b.names.imports.get(text) {
                Some(Import {
                    module,
                    name: Some(name),
                }) => format!("{module}.{name}"),
                Some(Import { module, name: None }) => module.clone(),
                None => text.to_owned(),
            }
        })
    } else {
        None
    };
    if let Some(module) = module.filter(|m| !m.is_empty()) {
        b.pins.push(Pin {
            module,
            line: line_of(call),
            column: char_column(call, src),
            reaches: Vec::new(),
        });
    }
}

/// `NAME = re.compile("...")` at module level.
pub(super) fn module_regex(names: &mut FileNames, assign: Node<'_>, src: &[u8]) {
    let (Some(left), Some(right)) = (assign.field("left"), assign.field("right")) else {
        return;
    };
    if left.kind_str() != "identifier" || right.kind_str() != "call" {
        return;
    }
    if right.field("function").map(|f| node_text(f, src)) != Some("re.compile") {
        return;
    }
    if let Some(pattern) = right
        .field("arguments")
        .and_then(|a| a.named_child(0))
        .and_then(|p| string_value(p, src))
    {
        names.regexes.insert(
            node_text(left, src).to_owned(),
            PatternCheck {
                pattern,
                anchor: Anchor::Search,
            },
        );
    }
}

/// Records what an import statement binds.
pub(super) fn imports(node: Node<'_>, src: &[u8], out: &mut FxHashMap<String, Import>) {
    let mut cursor = node.walk();
    if node.kind_str() == "import_statement" {
        for child in node.named_children(&mut cursor) {
            match child.kind_str() {
                "dotted_name" => {
                    let module = node_text(child, src);
                    let head = module.split('.').next().unwrap_or(module);
                    out.insert(
                        head.to_owned(),
                        Import {
                            module: head.to_owned(),
                            name: None,
                        },
                    );
                }
                "aliased_import" => {
                    if let (Some(name), Some(alias)) = (child.field("name"), child.field("alias")) {
                        out.insert(
                            node_text(alias, src).to_owned(),
                            Import {
                                module: node_text(name, src).to_owned(),
                                name: None,
                            },
                        );
                    }
                }
                _ => {}
            }
        }
        return;
    }
    let Some(module) = node.field("module_name") else {
        return;
    };
    let module_text = node_text(module, src).to_owned();
    for child in node.named_children(&mut cursor) {
        if child.id() == module.id() {
            continue;
        }
        let (name, alias) = match child.kind_str() {
            "dotted_name" => (child, child),
            "aliased_import" => match (child.field("name"), child.field("alias")) {
                (Some(n), Some(a)) => (n, a),
                _ => continue,
            },
            _ => continue,
        };
        out.insert(
            node_text(alias, src).to_owned(),
            Import {
                module: module_text.clone(),
                name: Some(node_text(name, src).to_owned()),
            },
        );
    }
}
