//! `consumers.validators`: whether a call's callee, as its file names it, is a configured
//! validator. A dotted name (`pkg.ids.check_order_id`) matches a call of that function imported
//! from that module (absolutely or relatively: `from .ids import check_order_id` in `pkg/x.py`),
//! a call through the module (`ids.check_order_id(x)`), or a call in the module itself; a bare
//! name (`validate_id`) matches a call of any function or method of that name.

use super::Callee;
use crate::config::Validator;

/// The validators `callee` is, called from the file of module path `from` (`[src, pkg, x]`).
pub fn called<'v>(
    validators: &'v [Validator],
    callee: &Callee,
    from: &[&str],
) -> Vec<&'v Validator> {
    validators
        .iter()
        .filter(|v| v.name == callee.name && is_in_module(v, callee, from))
        .collect()
}

fn is_in_module(v: &Validator, callee: &Callee, from: &[&str]) -> bool {
    let Some(wanted) = &v.module else {
        return true;
    };
    let wanted: Vec<&str> = wanted.split('.').collect();
    let ends_with = |module: &[&str]| module.ends_with(&wanted);
    if callee.class.is_some() || callee.unknown_receiver {
        return false;
    }
    if callee.local {
        return ends_with(from);
    }
    let Some(module) = &callee.module else {
        return false;
    };
    let dots = module.len() - module.trim_start_matches('.').len();
    if dots == 0 {
        return module.split('.').eq(wanted.iter().copied());
    }
    // `.ids` from `pkg/x.py` is `pkg.ids`: up one package per dot after the first.
    let Some(up) = from.len().checked_sub(dots) else {
        return false;
    };
    let mut resolved: Vec<&str> = from[..up].to_vec();
    resolved.extend(module[dots..].split('.').filter(|p| !p.is_empty()));
    ends_with(&resolved)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn validator(configured: &str) -> Validator {
        let (module, name) = match configured.rsplit_once('.') {
            Some((m, n)) => (Some(m.to_owned()), n.to_owned()),
            None => (None, configured.to_owned()),
        };
        Validator {
            configured: configured.to_owned(),
            name,
            module,
        }
    }

    fn callee(name: &str, module: Option<&str>, local: bool) -> Callee {
        Callee {
            name: name.to_owned(),
            module: module.map(str::to_owned),
            local,
            class: None,
            unknown_receiver: false,
        }
    }

    #[test]
    fn dotted_names_match_through_imports() {
        let vs = [validator("pkg.ids.check_order_id")];
        let from = ["src", "pkg", "handlers"];
        let hit = |c: &Callee| !called(&vs, c, &from).is_empty();
        assert!(hit(&callee("check_order_id", Some("pkg.ids"), false)));
        assert!(hit(&callee("check_order_id", Some(".ids"), false)));
        assert!(!hit(&callee("check_order_id", Some("other.ids"), false)));
        assert!(!hit(&callee("check_order_id", None, false)));
        assert!(!hit(&callee("check_order_id", None, true)));
        assert!(!called(&vs, &callee("check_order_id", None, true), &["pkg", "ids"]).is_empty());
    }

    #[test]
    fn bare_names_match_any_call_of_that_name() {
        let vs = [validator("validate_id")];
        let mut method = callee("validate_id", None, false);
        method.unknown_receiver = true;
        assert_eq!(called(&vs, &method, &["a"]).len(), 1);
        assert!(called(&vs, &callee("validate", None, true), &["a"]).is_empty());
    }
}
