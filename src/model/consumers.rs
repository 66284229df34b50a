//! A site's consumers as every report shows them: each consumer once, the blocking ones first,
//! with its place, its evidence and the steps of the flow that reaches it. The verdicts
//! themselves are reasons (`Reason::Consumer`, `Reason::FormatChecked`); this is their one view.

use serde::Serialize;

use super::{ConsumerEvidence, ConsumerKind, Reason, Site};

/// How the steps of a flow are joined in a reason (`local `x` -> keyword `id` of `A(...)``).
/// No step contains it: steps name locals, functions, callees and keywords.
pub const FLOW_SEPARATOR: &str = " -> ";

/// How many consumers a site shows, blocking ones first; the others stay in its reasons and are
/// counted (`SiteConsumers::more`).
pub const MAX_SHOWN_CONSUMERS: usize = 5;

/// What a consumer makes of the replacement value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// It expects a UUID, or checks a format the replacement fails: the site is manual.
    Blocks,
    /// A format check the replacement passes: noted, the site stays fixable.
    Accepts,
}

/// One consumer of a site's value, borrowed from the site's reasons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShownConsumer<'a> {
    pub kind: ConsumerKind,
    pub verdict: Verdict,
    pub evidence: ConsumerEvidence,
    /// What consumes the value: `field `Session.session_id``, `` `uuid.UUID(x)` ``.
    pub what: &'a str,
    pub path: &'a str,
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    flow: &'a str,
}

impl<'a> ShownConsumer<'a> {
    /// The consumer a reason names, if it names one.
    pub fn of(reason: &'a Reason) -> Option<Self> {
        match reason {
            Reason::Consumer(consumer) => Some(ShownConsumer {
                kind: consumer.kind,
                verdict: Verdict::Blocks,
                evidence: consumer.evidence,
                what: &consumer.what,
                path: &consumer.path,
                line: consumer.line,
                column: consumer.column,
                flow: &consumer.flow,
            }),
            Reason::FormatChecked(check) => Some(ShownConsumer {
                kind: ConsumerKind::Pattern,
                verdict: Verdict::Accepts,
                evidence: check.evidence,
                what: &check.what,
                path: &check.path,
                line: check.line,
                column: check.column,
                flow: &check.flow,
            }),
            _ => None,
        }
    }

    /// The steps from the site to the consumer, in order.
    pub fn steps(&self) -> impl Iterator<Item = &'a str> + use<'a> {
        self.flow.split(FLOW_SEPARATOR).filter(|s| !s.is_empty())
    }

    /// The same consumer, whatever the flow that reaches it.
    pub fn is_same(&self, other: &ShownConsumer<'_>) -> bool {
        (
            self.kind,
            self.verdict,
            self.what,
            self.path,
            self.line,
            self.column,
        ) == (
            other.kind,
            other.verdict,
            other.what,
            other.path,
            other.line,
            other.column,
        )
    }
}

/// The consumers a site shows, and how many more it has.
#[derive(Debug, Clone, Default)]
pub struct SiteConsumers<'a> {
    pub shown: Vec<ShownConsumer<'a>>,
    pub more: usize,
}

impl Site {
    /// The site's consumers: each once (resolved evidence over possible, else the first flow
    /// found), blocking ones before passed format checks, otherwise in the order the analysis
    /// found them; at most `MAX_SHOWN_CONSUMERS`.
    pub fn consumers(&self) -> SiteConsumers<'_> {
        consumers_of(&self.classification.reasons)
    }
}

fn consumers_of(reasons: &[Reason]) -> SiteConsumers<'_> {
    let mut all: Vec<ShownConsumer<'_>> = Vec::new();
    for consumer in reasons.iter().filter_map(ShownConsumer::of) {
        match all.iter_mut().find(|kept| kept.is_same(&consumer)) {
            Some(kept) => {
                if kept.evidence == ConsumerEvidence::Possible
                    && consumer.evidence == ConsumerEvidence::Resolved
                {
                    *kept = consumer;
                }
            }
            None => all.push(consumer),
        }
    }
    all.sort_by_key(|c| c.verdict);
    let more = all.len().saturating_sub(MAX_SHOWN_CONSUMERS);
    all.truncate(MAX_SHOWN_CONSUMERS);
    SiteConsumers { shown: all, more }
}

#[cfg(test)]
mod tests {
    use super::super::{FormatCheck, ReachedConsumer};
    use super::*;

    fn consumer(what: &str, line: usize, evidence: ConsumerEvidence, flow: &str) -> Reason {
        Reason::Consumer(Box::new(ReachedConsumer {
            kind: ConsumerKind::UuidAnnotation,
            what: what.to_owned(),
            path: "app/models.py".to_owned(),
            line,
            column: 5,
            evidence,
            flow: flow.to_owned(),
        }))
    }

    fn shown(reasons: &[Reason]) -> Vec<(Verdict, &str, ConsumerEvidence, Vec<&str>)> {
        consumers_of(reasons)
            .shown
            .iter()
            .map(|c| (c.verdict, c.what, c.evidence, c.steps().collect()))
            .collect()
    }

    #[test]
    fn each_consumer_once_resolved_over_possible_blocking_first() {
        use ConsumerEvidence::{Possible, Resolved};
        let check = Reason::FormatChecked(Box::new(FormatCheck {
            pattern: "^a_".to_owned(),
            sample: "a_1".to_owned(),
            what: "field `E.a`".to_owned(),
            path: "app/models.py".to_owned(),
            line: 3,
            column: 5,
            evidence: Resolved,
            flow: "keyword `a` of `E(...)`".to_owned(),
        }));
        let reasons = [
            Reason::NoName,
            check,
            consumer("field `A.id`", 8, Possible, "`obj.id`"),
            consumer(
                "field `B.id`",
                9,
                Resolved,
                "local `x` -> keyword `id` of `B(...)`",
            ),
            consumer(
                "field `A.id`",
                8,
                Resolved,
                "local `x` -> keyword `id` of `A(...)`",
            ),
            consumer("field `B.id`", 9, Resolved, "return of `f()`"),
        ];
        assert_eq!(
            shown(&reasons),
            [
                (
                    Verdict::Blocks,
                    "field `A.id`",
                    Resolved,
                    vec!["local `x`", "keyword `id` of `A(...)`"]
                ),
                (
                    Verdict::Blocks,
                    "field `B.id`",
                    Resolved,
                    vec!["local `x`", "keyword `id` of `B(...)`"]
                ),
                (
                    Verdict::Accepts,
                    "field `E.a`",
                    Resolved,
                    vec!["keyword `a` of `E(...)`"]
                ),
            ]
        );
    }

    #[test]
    fn at_most_a_handful_and_the_rest_counted() {
        let reasons: Vec<Reason> = (1..=8)
            .map(|line| consumer("field `A.id`", line, ConsumerEvidence::Resolved, "x"))
            .collect();
        let consumers = consumers_of(&reasons);
        assert_eq!(consumers.shown.len(), MAX_SHOWN_CONSUMERS);
        assert_eq!(consumers.more, 8 - MAX_SHOWN_CONSUMERS);
        assert_eq!(consumers.shown[0].line, 1);
    }
}
