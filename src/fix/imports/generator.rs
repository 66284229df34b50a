//! The generator import: the configured import taken apart, the name a file already binds it
//! as, the module it loads, and where a new one goes (after the docstring, `from __future__`
//! imports and the leading import block) with the file's own line breaks.

use tree_sitter::{Node, Tree};

use super::{imported_names, line_end, rest_of_line_is_empty, squeeze};
use crate::config::Config;
use crate::plan::TextEdit;
use crate::syntax::{NodeExt, node_text};

/// The configured generator import, taken apart: `from MODULE import NAME [as ALIAS]`.
struct GeneratorImport<'c> {
    module: &'c str,
    name: &'c str,
}

fn generator_import(config: &Config) -> Option<GeneratorImport<'_>> {
    let words: Vec<&str> = config.generator_import.split_whitespace().collect();
    match words.as_slice() {
        ["from", module, "import", name, ..] => Some(GeneratorImport { module, name }),
        _ => None,
    }
}

/// The name an unconditional module-level import of the configured generator binds, if any
/// (one under `if TYPE_CHECKING:` or in a `try` does not count: it may not run).
pub(in crate::fix) fn existing_generator(
    tree: &Tree,
    text: &str,
    config: &Config,
) -> Option<String> {
    let wanted = generator_import(config)?;
    let src = text.as_bytes();
    let root = tree.root_node();
    let mut cursor = root.walk();
    root.named_children(&mut cursor)
        .filter(|node| node.kind_str() == "import_from_statement")
        .filter(|node| {
            node.field("module_name")
                .is_some_and(|m| squeeze(node_text(m, src)) == wanted.module)
        })
        .flat_map(|node| imported_names(node, src))
        .find(|(imported, _)| imported == wanted.name)
        .map(|(_, local)| local)
}

/// The file the configured generator import loads, relative to the root: rewriting it would
/// make it import itself.
pub(in crate::fix) fn generator_module_path(config: &Config) -> Option<std::path::PathBuf> {
    let module = generator_import(config)?.module;
    if module.starts_with('.') {
        return None;
    }
    Some(std::path::PathBuf::from(format!(
        "{}.py",
        module.replace('.', "/")
    )))
}

/// `UnifiedIdGenerator.generate_base_id` called through the name the file binds.
pub(in crate::fix) fn call_through(config: &Config, local: &str) -> String {
    let binding = config.generator_binding();
    match config.generator_call.strip_prefix(binding) {
        Some(rest) => format!("{local}{rest}"),
        None => config.generator_call.clone(),
    }
}

/// The newline the file uses where `at` is: that line's own ending, else the file's first one.
fn newline_at(text: &str, at: usize) -> &'static str {
    let end = line_end(text, at);
    let ending = if text[..end].ends_with('\n') {
        &text[..end]
    } else {
        text.find('\n').map_or("", |i| &text[..=i])
    };
    if ending.ends_with("\r\n") {
        "\r\n"
    } else {
        "\n"
    }
}

/// Where the generator import goes and with which line breaks.
pub(super) fn generator_insertion(
    tree: &Tree,
    text: &str,
    config: &Config,
) -> Result<TextEdit, String> {
    let root = tree.root_node();
    let mut anchor: Option<Node<'_>> = None;
    let mut docstring_anchor = false;
    let mut seen_statement = false;
    let mut cursor = root.walk();
    for child in root.named_children(&mut cursor) {
        match child.kind_str() {
            "comment" => continue,
            "expression_statement" if !seen_statement && is_docstring(child) => {
                anchor = Some(child);
                docstring_anchor = true;
            }
            "future_import_statement" | "import_statement" | "import_from_statement" => {
                anchor = Some(child);
                docstring_anchor = false;
            }
            _ => break,
        }
        seen_statement = true;
    }
    let import = config.generator_import.as_str();
    let Some(anchor) = anchor else {
        // No docstring or import at the top: after the leading comments (shebang, coding line).
        let mut at = 0;
        while at < text.len()
            && text[at..]
                .trim_start_matches([' ', '\t', '\x0c'])
                .starts_with('#')
        {
            at = line_end(text, at);
        }
        let nl = newline_at(text, at);
        let next_blank = text[at..line_end(text, at)].trim().is_empty();
        let content = if next_blank {
            format!("{import}{nl}")
        } else {
            format!("{import}{nl}{nl}")
        };
        return Ok(TextEdit {
            start: at,
            end: at,
            content,
        });
    };
    if !rest_of_line_is_empty(text, anchor.end_byte()) {
        return Err(format!(
            "line {} holds other statements after the leading imports: cannot place `{import}`",
            anchor.end_position().row + 1
        ));
    }
    let at = line_end(text, anchor.end_byte());
    let nl = newline_at(text, anchor.end_byte());
    let content = match (text[..at].ends_with('\n'), docstring_anchor) {
        (false, _) => format!("{nl}{import}"),
        (true, true) => format!("{nl}{import}{nl}"),
        (true, false) => format!("{import}{nl}"),
    };
    Ok(TextEdit {
        start: at,
        end: at,
        content,
    })
}

fn is_docstring(stmt: Node<'_>) -> bool {
    stmt.named_child_count() == 1
        && stmt
            .named_child(0)
            .is_some_and(|c| matches!(c.kind_str(), "string" | "concatenated_string"))
}
