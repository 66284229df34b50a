//! The verdicts of one site: the consumers each step of its flow reaches, tried on the sample
//! replacement, the tests that pin its module's `uuid4`, each consumer once.

use super::{FilePin, RepoIndex, is_noise, sql_consumer};
use crate::config::{Config, NameEvidence};
use crate::consumers::pattern::passes;
use crate::consumers::{Consumer, Reached, SiteFlow, Slot, validators};
use crate::model::{ConsumerEvidence, ConsumerKind, FormatCheck, ReachedConsumer, Reason, Site};

impl<'a> RepoIndex<'a> {
    /// The verdict reasons of one site of file `from`: the consumers its flow reaches (each
    /// once), the tests that pin its module's `uuid4`, then the format checks it passes.
    pub fn reasons(
        &self,
        from: usize,
        site: &Site,
        flow: Option<&SiteFlow>,
        config: &Config,
    ) -> Vec<Reason> {
        let mut found = Found {
            index: self,
            config,
            reasons: Vec::new(),
            checked: Vec::new(),
        };
        if let Some(flow) = flow {
            for step in &flow.steps {
                let mut judge = Judge {
                    found: &mut found,
                    sample: &flow.sample,
                    flow: &step.flow,
                };
                self.judge_step(&mut judge, from, &step.reached, config);
            }
        }
        self.judge_pins(&mut found, from, site);
        found.reasons.extend(found.checked);
        found.reasons
    }

    /// Judges the consumers one place the value reaches leads to.
    fn judge_step(
        &self,
        judge: &mut Judge<'_, '_, 'a>,
        from: usize,
        reached: &Reached,
        config: &Config,
    ) {
        match reached {
            Reached::Direct(consumer) => judge.consumer(from, consumer, ConsumerEvidence::Resolved),
            Reached::Argument {
                callee,
                slot,
                line,
                column,
            } => {
                let module = &self.files[from].1;
                for v in validators::called(&config.consumers.validators, callee, module) {
                    let consumer = Consumer {
                        kind: ConsumerKind::Validator,
                        what: format!("configured validator `{}`", v.configured),
                        line: *line,
                        column: *column,
                        pattern: None,
                    };
                    judge.consumer(from, &consumer, ConsumerEvidence::Resolved);
                }
                let found = self.consumers_of(callee, slot, from);
                let any_resolved = found.iter().any(|(_, _, r)| *r);
                let none = found.is_empty();
                for (file, consumer, resolved) in found {
                    if resolved {
                        judge.consumer(file, consumer, ConsumerEvidence::Resolved);
                    } else if !any_resolved {
                        judge.consumer(file, consumer, ConsumerEvidence::Possible);
                    }
                }
                // A keyword named like a UUID column of some table's DDL.
                if let Slot::Keyword(name) = slot
                    && none
                    && let Some((file, consumer)) = self.sql_named(name, config)
                {
                    judge.consumer(file, &consumer, ConsumerEvidence::Possible);
                }
            }
            Reached::SqlColumn { table, column } => {
                for (file, c) in self
                    .sql_columns
                    .get(&column.to_ascii_lowercase())
                    .into_iter()
                    .flatten()
                    .filter(|(_, c)| c.in_table(table))
                {
                    judge.consumer(*file, &sql_consumer(c), ConsumerEvidence::Resolved);
                }
            }
            Reached::SelfField { class, field } => {
                for (file, c) in self.classes.get(class.as_str()).into_iter().flatten() {
                    if *file == from {
                        for f in c.fields.iter().filter(|f| f.name == *field) {
                            judge.consumer(*file, &f.consumer, ConsumerEvidence::Resolved);
                        }
                    }
                }
            }
            // A name of noise words only (`id`, `uuid`) says nothing about its field.
            Reached::Named { name } if is_noise(name, config) => {}
            Reached::Named { name } => {
                if let Some((file, _, f)) = self.fields.get(name.as_str()).and_then(|v| v.first()) {
                    judge.consumer(*file, &f.consumer, ConsumerEvidence::Possible);
                } else if let Some((file, consumer)) = self.sql_named(name, config) {
                    judge.consumer(file, &consumer, ConsumerEvidence::Possible);
                }
            }
        }
    }

    /// Tests that pin this module's `uuid4`; `patch("uuid.uuid4")` pins `uuid.uuid4` for the
    /// modules the test imports (possible: the test may not reach the site). The first only.
    fn judge_pins(&self, found: &mut Found<'_, 'a>, from: usize, site: &Site) {
        for &FilePin { file, pin, of_uuid } in self.pins_for(from).iter() {
            if of_uuid && !site.code.contains(".uuid4") {
                continue;
            }
            let what = format!("test patching `{}.uuid4`", pin.module);
            let at = Place {
                file,
                line: pin.line,
                column: pin.column,
            };
            let (evidence, flow) = if of_uuid {
                (
                    ConsumerEvidence::Possible,
                    "`uuid.uuid4` patched while the test runs this module",
                )
            } else {
                (
                    ConsumerEvidence::Resolved,
                    "the module's `uuid4` is patched",
                )
            };
            found.add(ConsumerKind::PinnedTest, &what, at, evidence, flow);
            break;
        }
    }
}

/// The reasons of one site as they are found: each blocking consumer once, the format checks
/// the replacement passes apart (they come last).
struct Found<'r, 'a> {
    index: &'r RepoIndex<'a>,
    config: &'r Config,
    reasons: Vec<Reason>,
    checked: Vec<Reason>,
}

impl Found<'_, '_> {
    /// A blocking consumer, unless the same one (as a reason shows it: the column is not shown)
    /// is there already, or it is possible and name evidence is ignored.
    fn add(
        &mut self,
        kind: ConsumerKind,
        what: &str,
        at: Place,
        evidence: ConsumerEvidence,
        flow: &str,
    ) {
        if evidence == ConsumerEvidence::Possible
            && self.config.consumers.name_evidence == NameEvidence::Ignore
        {
            return;
        }
        let path = self.index.files[at.file].0.to_owned();
        let shown_already = self.reasons.iter().any(|r| match r {
            Reason::Consumer(c) => {
                (
                    c.kind,
                    c.what.as_str(),
                    c.path.as_str(),
                    c.line,
                    c.evidence,
                    c.flow.as_str(),
                ) == (kind, what, path.as_str(), at.line, evidence, flow)
            }
            _ => false,
        });
        if !shown_already {
            self.reasons
                .push(Reason::Consumer(Box::new(ReachedConsumer {
                    kind,
                    what: what.to_owned(),
                    path,
                    line: at.line,
                    column: at.column,
                    evidence,
                    flow: flow.to_owned(),
                })));
        }
    }
}

/// Judges the consumers one step of a site's flow reaches, against the flow's sample.
struct Judge<'j, 'r, 'a> {
    found: &'j mut Found<'r, 'a>,
    sample: &'j str,
    flow: &'j str,
}

impl Judge<'_, '_, '_> {
    /// A consumer in file `file`: a format check is tried on the sample (passed: noted; failed:
    /// a consumer; not checkable: a possible one); any other consumer blocks.
    fn consumer(&mut self, file: usize, consumer: &Consumer, evidence: ConsumerEvidence) {
        let at = Place {
            file,
            line: consumer.line,
            column: consumer.column,
        };
        let (sample, flow) = (self.sample, self.flow);
        let Some(check) = &consumer.pattern else {
            self.found
                .add(consumer.kind, &consumer.what, at, evidence, flow);
            return;
        };
        match passes(check, sample) {
            Some(true) => {
                let path = self.found.index.files[file].0.to_owned();
                self.found
                    .checked
                    .push(Reason::FormatChecked(Box::new(FormatCheck {
                        pattern: check.pattern.clone(),
                        sample: sample.to_owned(),
                        what: format!(
                            "{} (pattern `{}` accepts `{}`)",
                            consumer.what, check.pattern, sample
                        ),
                        path,
                        line: consumer.line,
                        column: consumer.column,
                        evidence,
                        flow: flow.to_owned(),
                    })));
            }
            Some(false) => self.found.add(
                ConsumerKind::Pattern,
                &format!(
                    "{} (pattern `{}` rejects `{}`)",
                    consumer.what, check.pattern, sample
                ),
                at,
                evidence,
                flow,
            ),
            None => self.found.add(
                ConsumerKind::Pattern,
                &format!(
                    "{} (pattern `{}` not checkable)",
                    consumer.what, check.pattern
                ),
                at,
                ConsumerEvidence::Possible,
                flow,
            ),
        }
    }
}

/// Where a consumer is: the file (its index) and its line and column.
#[derive(Clone, Copy)]
struct Place {
    file: usize,
    line: usize,
    column: usize,
}
