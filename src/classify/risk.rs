//! Risk tier and migration phase.

use std::path::Path;

use crate::config::Config;
use crate::model::{Area, Binding, IdType, Reason, Risk, Shape};
use crate::sites::{FoundSite, ScopeKind, scope_of};

use super::naming::Context;

pub(super) fn decide_risk(
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

pub(super) fn decide_phase(
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
