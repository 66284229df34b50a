//! `[generator.calls]`: one call template per id type, parsed and checked when the
//! configuration loads. A template is the generator's binding, a method, and arguments that are
//! each one placeholder: `{name}`, `{a|b}` (the first visible), `{name?}` (optional, trailing
//! only) or `{prefix}` (the site's prefix as a string literal). Nothing else can reach a
//! rewritten file, so no configuration can put code there.

use super::{is_dotted_name, is_python_identifier};

/// One argument of a call template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateArg {
    /// `{a|b}`: the first of `names` visible at the site; `{a?}` may be left out.
    Names { names: Vec<String>, optional: bool },
    /// `{prefix}`: the site's prefix as a string literal.
    Prefix,
}

/// A validated call template: `callee(args...)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallTemplate {
    /// The generator binding and its method: `UnifiedIdGenerator.generate_session_id`.
    pub callee: String,
    pub args: Vec<TemplateArg>,
}

impl CallTemplate {
    /// Parses `template`, whose callee must be `binding.method`. The error says what is wrong and
    /// how to write it instead.
    pub fn parse(template: &str, binding: &str) -> Result<CallTemplate, String> {
        let example = format!("e.g. `{binding}.generate_session_id({{user_id}})`");
        if template.contains(['\n', '\r', ';', '#']) {
            return Err(format!(
                "a call template is one expression on one line, without `;` or `#` ({example})"
            ));
        }
        let template = template.trim();
        let Some((callee, rest)) = template.split_once('(') else {
            return Err(format!(
                "a call template is a call: `NAME.method(...)` ({example})"
            ));
        };
        let callee = callee.trim_end();
        let inner = rest.strip_suffix(')').ok_or_else(|| {
            format!("a call template ends with the call's `)` and nothing after it ({example})")
        })?;
        if callee.split('.').next() != Some(binding) || !callee.contains('.') {
            return Err(format!(
                "the callee `{callee}` must be the imported generator `{binding}` and a method ({example})"
            ));
        }
        if !is_dotted_name(callee) {
            return Err(format!(
                "the callee `{callee}` must be Python identifiers joined by dots ({example})"
            ));
        }
        let mut args = Vec::new();
        let inner = inner.trim();
        if !inner.is_empty() {
            for raw in inner.split(',') {
                args.push(parse_arg(raw.trim(), &example)?);
            }
        }
        let mut seen_optional = false;
        for arg in &args {
            let optional = matches!(arg, TemplateArg::Names { optional: true, .. });
            if seen_optional && !optional {
                return Err(format!(
                    "optional placeholders (`{{name?}}`) come last: a required argument follows one ({example})"
                ));
            }
            seen_optional |= optional;
        }
        Ok(CallTemplate {
            callee: callee.to_owned(),
            args,
        })
    }
}

/// One argument: exactly one placeholder.
fn parse_arg(raw: &str, example: &str) -> Result<TemplateArg, String> {
    let inside = raw
        .strip_prefix('{')
        .and_then(|r| r.strip_suffix('}'))
        .filter(|inside| !inside.contains(['{', '}']))
        .ok_or_else(|| {
            format!(
                "argument `{raw}`: each argument is one placeholder, `{{name}}`, `{{a|b}}`, `{{name?}}` or `{{prefix}}` ({example})"
            )
        })?;
    if inside == "prefix" {
        return Ok(TemplateArg::Prefix);
    }
    let (names, optional) = match inside.strip_suffix('?') {
        Some(names) => (names, true),
        None => (inside, false),
    };
    let names: Vec<String> = names.split('|').map(|n| n.trim().to_owned()).collect();
    if let Some(bad) = names.iter().find(|n| !is_python_identifier(n)) {
        return Err(format!(
            "argument `{raw}`: `{bad}` is not a Python name (placeholders hold names like `{{user_id}}` or `{{message_type|kind}}`)"
        ));
    }
    if names.iter().any(|n| n == "prefix") {
        return Err(format!(
            "argument `{raw}`: `prefix` stands alone as `{{prefix}}`"
        ));
    }
    Ok(TemplateArg::Names { names, optional })
}

#[cfg(test)]
mod tests {
    use super::*;

    const G: &str = "UnifiedIdGenerator";

    #[test]
    fn every_placeholder_form_parses() {
        let t = CallTemplate::parse(
            "UnifiedIdGenerator.generate_message_id({message_type|kind}, {user_id}, {prefix}, {thread_id?})",
            G,
        )
        .unwrap();
        assert_eq!(t.callee, "UnifiedIdGenerator.generate_message_id");
        assert_eq!(
            t.args,
            vec![
                TemplateArg::Names {
                    names: vec!["message_type".into(), "kind".into()],
                    optional: false
                },
                TemplateArg::Names {
                    names: vec!["user_id".into()],
                    optional: false
                },
                TemplateArg::Prefix,
                TemplateArg::Names {
                    names: vec!["thread_id".into()],
                    optional: true
                },
            ]
        );
        assert!(
            CallTemplate::parse("UnifiedIdGenerator.x()", G)
                .unwrap()
                .args
                .is_empty()
        );
    }

    #[test]
    fn anything_but_placeholders_is_refused() {
        for bad in [
            "UnifiedIdGenerator.gen({user_id})\nimport os",
            "UnifiedIdGenerator.gen({user_id}); import os",
            "UnifiedIdGenerator.gen(os.system('x'))",
            "UnifiedIdGenerator.gen({user_id}, 3)",
            "UnifiedIdGenerator.gen(f({user_id}))",
            "UnifiedIdGenerator.gen({user_id)",
            "UnifiedIdGenerator.gen({{user_id}})",
            "UnifiedIdGenerator.gen({user_id}",
            "UnifiedIdGenerator.gen({user_id}) + 1",
            "UnifiedIdGenerator.gen({user.id})",
            "UnifiedIdGenerator.gen({})",
            "UnifiedIdGenerator.gen({a?}, {b})",
            "UnifiedIdGenerator.gen({prefix?})",
            "Other.gen({user_id})",
            "UnifiedIdGenerator({user_id})",
            "UnifiedIdGenerator.class({user_id})",
            "UnifiedIdGenerator.gen # {user_id}",
        ] {
            assert!(CallTemplate::parse(bad, G).is_err(), "{bad:?} was accepted");
        }
    }
}
