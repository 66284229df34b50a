//! A typed call's text for one site: the template's placeholders filled with the names visible
//! there (see `scope`), or the name that is missing.

use crate::config::{CallTemplate, TemplateArg};
use crate::model::{KeptBaseCall, Reason, TypedCall, TypedCallFallback};

use super::scope::Site;

/// The typed call filled in at `site`, with its explaining reason; else why the base call stays.
pub(super) fn fill(
    template: &CallTemplate,
    site: &Site<'_, '_>,
    prefix_literal: &str,
) -> Result<(String, Reason), Reason> {
    let mut texts = Vec::new();
    let mut found = Vec::new();
    // Optional placeholders are trailing: once one is dropped, the optional ones after it go
    // too, so that none moves into another's position.
    let mut dropped = false;
    for arg in &template.args {
        match arg {
            TemplateArg::Names { optional: true, .. } if dropped => {}
            TemplateArg::Prefix => texts.push(prefix_literal.to_owned()),
            TemplateArg::Names { names, optional } => {
                match names.iter().find_map(|name| site.find(name)) {
                    Some(name) => {
                        texts.push(name.expr.clone());
                        found.push(name);
                    }
                    None if *optional => dropped = true,
                    None => {
                        return Err(Reason::TypedCallFallback(Box::new(KeptBaseCall {
                            callee: template.callee.clone(),
                            why: TypedCallFallback::Missing {
                                names: names.clone(),
                            },
                        })));
                    }
                }
            }
        }
    }
    let call = format!("{}({})", template.callee, texts.join(", "));
    let reason = Reason::TypedCall(Box::new(TypedCall {
        callee: template.callee.clone(),
        args: found,
    }));
    Ok((call, reason))
}

/// The reason a typed call is not used for a site that is only part of an id.
pub(super) fn part_of_id(template: &CallTemplate) -> Reason {
    Reason::TypedCallFallback(Box::new(KeptBaseCall {
        callee: template.callee.clone(),
        why: TypedCallFallback::PartOfId,
    }))
}
