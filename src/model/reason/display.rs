//! How a reason reads in a report: one sentence fragment per `Reason`.

use std::fmt;

use super::{ConsumerEvidence, ReachedConsumer, Reason, TypedCall, TypedCallFallback};

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Name { name, source } => {
                write!(f, "name `{name}` from the {}", source.describe())
            }
            Reason::NameSaysNothing { name } => {
                write!(f, "name `{name}` has only noise words: looked further")
            }
            Reason::TypeWord { word, id_type } => {
                write!(f, "word `{word}` means id type {}", id_type.as_str())
            }
            Reason::SecretWord { word } => write!(
                f,
                "secret word `{word}`: uuid4 has 122 random bits, a structured id only 32; never rewritten (use secrets.token_urlsafe)"
            ),
            Reason::NoTypeWord { head: Some(head) } => {
                write!(f, "head word `{head}` maps to no id type")
            }
            Reason::NoTypeWord { head: None } => write!(f, "no word maps to an id type"),
            Reason::GenericWord { word } => {
                write!(
                    f,
                    "`{word}` is a generic noun: handed over to the word before it"
                )
            }
            Reason::Preposition { word } => {
                write!(
                    f,
                    "`{word}` is a preposition: the words before it name the id"
                )
            }
            Reason::NotAnId { word } => {
                write!(
                    f,
                    "head word `{word}` names something that is not an id: unknown"
                )
            }
            Reason::NoName => write!(f, "no name found for the value"),
            Reason::Shape { shape, detail } => {
                write!(f, "shape {}: {}", shape.as_str(), detail.describe())
            }
            Reason::RiskExceptHandler => {
                write!(f, "high risk: fallback path inside an `except` handler")
            }
            Reason::RiskObjectShape => write!(f, "high risk: a UUID object is used as such"),
            Reason::RiskSecret => write!(f, "high risk: secret value"),
            Reason::RiskUnresolved => write!(f, "high risk: `uuid` is never imported in this file"),
            Reason::RiskErrorRegion => write!(f, "high risk: inside a region that does not parse"),
            Reason::RiskHighPath { pattern } => {
                write!(
                    f,
                    "high risk: path matches configured high-risk pattern `{pattern}`"
                )
            }
            Reason::RiskDefaultFactory => write!(
                f,
                "medium risk: default factory (value made later, per instance)"
            ),
            Reason::RiskLambda => write!(f, "medium risk: inside a lambda (deferred)"),
            Reason::RiskClassField => write!(f, "medium risk: class-level field default (shared)"),
            Reason::RiskModuleConstant => {
                write!(f, "medium risk: module-level value (made once at import)")
            }
            Reason::RiskDefaultArgument => write!(
                f,
                "medium risk: default argument value (evaluated once, shared by every call)"
            ),
            Reason::RiskDirect => write!(f, "low risk: made and used directly in ordinary code"),
            Reason::PhaseRule { index, phase } => {
                write!(f, "phase {phase} from configured phase rule #{}", index + 1)
            }
            Reason::PhaseDefault { phase } => write!(f, "phase {phase} from the risk tier"),
            Reason::Unresolved => write!(f, "binding unresolved: the file never imports `uuid`"),
            Reason::ErrorRegion => write!(f, "inside a syntax error region: never rewritten"),
            Reason::ImportInOtherScope => {
                write!(f, "`uuid` is imported in another scope of this file")
            }
            Reason::Suppressed(suppression) => write!(f, "{suppression}"),
            Reason::NoSafeRewrite { why } => write!(f, "not rewritten: {why}"),
            Reason::Consumer(consumer) => {
                let ReachedConsumer {
                    kind,
                    what,
                    path,
                    line,
                    evidence,
                    flow,
                    ..
                } = &**consumer;
                let lead = match evidence {
                    ConsumerEvidence::Resolved => "high risk: consumer",
                    ConsumerEvidence::Possible => "possible consumer (by name only)",
                };
                write!(
                    f,
                    "{lead}: {what} ({}) at {path}:{line}, via {flow}",
                    kind.as_str()
                )
            }
            Reason::FormatChecked(check) => write!(
                f,
                "format check `{}` at {}:{} accepts the replacement (sample `{}`)",
                check.pattern, check.path, check.line, check.sample
            ),
            Reason::TypedCall(call) => {
                let TypedCall { callee, args } = &**call;
                write!(f, "typed call `{callee}`")?;
                if args.is_empty() {
                    return Ok(());
                }
                let found: Vec<String> = args
                    .iter()
                    .map(|a| format!("`{}` ({})", a.expr, a.source.describe()))
                    .collect();
                write!(f, " with {}", found.join(", "))
            }
            Reason::TypedCallFallback(kept) => match &kept.why {
                TypedCallFallback::Missing { names } => write!(
                    f,
                    "base call kept: `{}` for `{}` is not visible at the site",
                    names.join("` or `"),
                    kept.callee
                ),
                TypedCallFallback::PartOfId => write!(
                    f,
                    "base call kept: the site is only part of an id, `{}` makes whole ids",
                    kept.callee
                ),
            },
        }
    }
}
