//! Site -> edit: the replacement of one site's expression by a generator call.

use tree_sitter::Node;

use crate::classify::{Classified, clean_prefix};
use crate::config::Config;
use crate::model::{Edit, Reason, Shape, SiteKind};
use crate::sites::node_text;

/// The generator keeps 8 random hex characters at its end.
const RANDOM_HEX_LEN: usize = 8;

/// Plans the edit (offsets in the decoded text) that rewrites one fixable site.
pub fn plan_edit(site: &Classified<'_>, src: &[u8], config: &Config) -> Result<Edit, Reason> {
    let refuse = |why: &str| Reason::NoSafeRewrite {
        why: why.to_owned(),
    };
    let class = &site.classification;
    let value = &site.value;
    let prefix = class
        .prefix
        .as_deref()
        .ok_or_else(|| refuse("no prefix could be derived from the name"))?;
    let call =
        |quote: char, prefix: &str| format!("{}({quote}{prefix}{quote})", config.generator_call);
    let tail = match (value.shape, value.truncation) {
        (Shape::Truncated, Some(n)) if n <= RANDOM_HEX_LEN => format!("[-{n}:]"),
        (Shape::Truncated, Some(_)) => {
            return Err(refuse(
                "truncated to more than the generator's 8 random hex characters",
            ));
        }
        (Shape::Truncated, None) => {
            return Err(refuse("sliced with a length that is not a literal"));
        }
        _ => String::new(),
    };
    let edit = |node: Node<'_>, content: String| Edit {
        start: node.start_byte(),
        end: node.end_byte(),
        content,
    };

    if let Some(f) = &value.fstring {
        if f.prefix_only
            && (f.literal_before.is_empty() || clean_prefix(&f.literal_before).is_some())
        {
            let whole_prefix = clean_prefix(&f.literal_before);
            let outside = f.string.parent().unwrap_or(f.string);
            let quote = free_quote(outside, src)
                .ok_or_else(|| refuse("nested f-strings use both quote characters"))?;
            return Ok(edit(
                f.string,
                call(quote, whole_prefix.as_deref().unwrap_or(prefix)),
            ));
        }
        let enclosing = f.interpolation;
        let quote = free_quote(enclosing, src).ok_or_else(|| {
            refuse("no quote character is free inside the enclosing f-strings (Python < 3.12)")
        })?;
        return Ok(edit(value.node, format!("{}{tail}", call(quote, prefix))));
    }
    let quote =
        free_quote(value.node, src).ok_or_else(|| refuse("no quote character is free here"))?;
    if let Some((concat, literal)) = &value.concat {
        if let Some(p) = clean_prefix(literal) {
            return Ok(edit(*concat, call(quote, &p)));
        }
    }
    if value.shape == Shape::Object {
        return Err(refuse("the UUID object itself is used"));
    }
    if value.kind == SiteKind::Reference {
        return Ok(edit(value.node, format!("lambda: {}", call(quote, prefix))));
    }
    Ok(edit(value.node, format!("{}{tail}", call(quote, prefix))))
}

/// A quote character not used by any string enclosing `node` (itself included), `"` first.
fn free_quote(node: Node<'_>, src: &[u8]) -> Option<char> {
    let mut used = Vec::new();
    let mut current = Some(node);
    while let Some(n) = current {
        if n.kind() == "string" {
            if let Some(start) = n.child(0).filter(|c| c.kind() == "string_start") {
                if let Some(q) = node_text(start, src).chars().last() {
                    used.push(q);
                }
            }
        }
        current = n.parent();
    }
    ['"', '\''].into_iter().find(|q| !used.contains(q))
}

pub fn command(_args: crate::cli::RewriteArgs) -> anyhow::Result<crate::commands::Output> {
    anyhow::bail!("`uuid-migrate rewrite` is not implemented yet")
}
