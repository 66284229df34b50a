//! A verified wave in progress: the wave cut into batches, each written and checked with `CMD`,
//! and a failing batch bisected down to its culprits, which are put back.

use super::{
    Applied, Ending, Failure, Halt, Purpose, Reverted, Run, Stop, VerifyOptions, VerifyReport,
    WaveFile, journal, shell,
};

/// Files per batch when `--batch-size` is not given: a top-level directory with more files is
/// split.
const LARGEST_DEFAULT_BATCH: usize = 50;

/// The batches of a wave: indices into the files (sorted by path).
fn batches(displays: &[&str], batch_size: Option<usize>) -> Vec<Vec<usize>> {
    let indices: Vec<usize> = (0..displays.len()).collect();
    if let Some(size) = batch_size {
        return indices.chunks(size.max(1)).map(<[usize]>::to_vec).collect();
    }
    let top = |display: &str| match display.split_once('/') {
        Some((dir, _)) => dir.to_owned(),
        None => String::new(),
    };
    let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
    for index in indices {
        let dir = top(displays[index]);
        match groups.iter_mut().find(|(d, _)| *d == dir) {
            Some((_, group)) => group.push(index),
            None => groups.push((dir, vec![index])),
        }
    }
    groups
        .into_iter()
        .flat_map(|(_, group)| {
            group
                .chunks(LARGEST_DEFAULT_BATCH)
                .map(<[usize]>::to_vec)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// A run in progress: the tree, what is written, and the runs so far.
pub(super) struct Session<'a> {
    pub(super) options: &'a VerifyOptions,
    pub(super) files: Vec<WaveFile>,
    pub(super) report: VerifyReport,
    pub(super) progress: &'a dyn Fn(&str),
    /// Which files were written when `CMD` last passed.
    pub(super) green: Option<Vec<bool>>,
}

impl Session<'_> {
    pub(super) fn run_all(&mut self) -> Result<(), Stop> {
        self.note("running CMD before changing anything");
        let before = self.run_command(Purpose::Before, 0).map_err(stop)?;
        if let Some(failure) = before {
            return Err(Stop {
                why: "CMD fails before anything changed: the suite must pass first".to_owned(),
                failure: Some(failure),
            });
        }
        self.green = Some(self.state());
        let displays: Vec<&str> = self
            .files
            .iter()
            .map(|f| f.change.display.as_str())
            .collect();
        let batches = batches(&displays, self.options.batch_size);
        self.report.batches = batches.len();
        for (number, batch) in batches.iter().enumerate() {
            let first = &self.files[batch[0]].change.display;
            let last = &self.files[batch[batch.len() - 1]].change.display;
            self.note(&format!(
                "batch {}/{}: {} ({first}{})",
                number + 1,
                batches.len(),
                crate::util::words::plural(batch.len(), "file"),
                if batch.len() > 1 {
                    format!(" .. {last}")
                } else {
                    String::new()
                }
            ));
            if let Err(halt) = self.verify_batch(number + 1, batch) {
                return Err(self.abandon(batch, halt));
            }
        }
        journal::remove(&self.options.root).map_err(|why| Stop { why, failure: None })?;
        if self.green.as_ref() != Some(&self.state()) {
            self.note("running CMD on the final tree");
            if let Some(failure) = self.run_command(Purpose::Final, 0).map_err(stop)? {
                return Err(Stop {
                    why: "CMD fails on the final tree although every step passed (a flaky suite, or culprits that fail only together?): the files stay as they are; `git diff` shows them".to_owned(),
                    failure: Some(failure),
                });
            }
        }
        Ok(())
    }

    /// Journals, writes and tests one batch, bisecting it when it fails.
    fn verify_batch(&mut self, number: usize, batch: &[usize]) -> Result<(), Halt> {
        let entries = batch
            .iter()
            .map(|&i| {
                let file = &self.files[i];
                journal::Entry {
                    path: file.target.to_string_lossy().into_owned(),
                    display: file.change.display.clone(),
                    good: file.change.original.clone(),
                    written: file.change.rewritten.clone(),
                }
            })
            .collect();
        let journal = journal::Journal {
            command: self.options.command.clone(),
            entries,
        };
        journal::write(&self.options.root, &journal).map_err(Halt::Io)?;
        let mut culprits = Vec::new();
        bisect(
            batch,
            None,
            Purpose::Batch,
            &mut culprits,
            &mut |files, purpose| self.test(files, purpose),
        )?;
        for &index in batch {
            let file = &self.files[index];
            let (path, sites) = (file.change.display.clone(), file.change.sites);
            match culprits.iter().position(|(i, _)| *i == index) {
                Some(at) => {
                    let (_, failure) = culprits.swap_remove(at);
                    self.note(&format!("  {path} breaks CMD: put back"));
                    self.report.reverted.push(Reverted {
                        path,
                        sites,
                        batch: number,
                        failure,
                    });
                }
                None => self.report.applied.push(Applied {
                    path,
                    sites,
                    batch: number,
                }),
            }
        }
        Ok(())
    }

    /// Writes `files` on top of the green tree and runs `CMD`: kept when it passes, put back
    /// when it fails.
    fn test(&mut self, files: &[usize], purpose: Purpose) -> Result<Option<Failure>, Halt> {
        self.set(files, true)?;
        let outcome = self.run_command(purpose, files.len())?;
        match outcome {
            None => self.green = Some(self.state()),
            Some(_) => self.set(files, false)?,
        }
        Ok(outcome)
    }

    /// Writes the rewritten (or the original) bytes of `files`.
    fn set(&mut self, files: &[usize], written: bool) -> Result<(), Halt> {
        for &index in files {
            let file = &mut self.files[index];
            if file.written == written {
                continue;
            }
            let (from, to) = if written {
                (&file.change.original, &file.change.rewritten)
            } else {
                (&file.change.rewritten, &file.change.original)
            };
            crate::fix::write_back(&file.target, from, to)
                .map_err(|why| Halt::Io(format!("{}: {why}", file.change.display)))?;
            file.written = written;
        }
        Ok(())
    }

    /// Runs `CMD` once and records it: `Some` failure, or `None` when it passed.
    fn run_command(&mut self, purpose: Purpose, files: usize) -> Result<Option<Failure>, Halt> {
        let finished = shell::run(
            &self.options.command,
            &self.options.root,
            self.options.timeout,
        )?;
        self.report.runs.push(Run {
            purpose,
            files,
            ending: finished.ending.clone(),
            elapsed: finished.elapsed,
        });
        Ok(match finished.ending {
            Ending::Passed => None,
            ending => Some(Failure {
                ending,
                output_tail: finished.tail,
            }),
        })
    }

    /// After a halt in the middle of `batch`: puts its files back, then removes the journal (it
    /// stays when a file cannot be put back, for the next run).
    fn abandon(&mut self, batch: &[usize], halt: Halt) -> Stop {
        let mut why = halt.describe();
        let restore = batch.iter().try_for_each(|&i| self.set(&[i], false));
        match restore.and_then(|()| journal::remove(&self.options.root).map_err(Halt::Io)) {
            Ok(()) => why.push_str(": the batch being tested was put back"),
            Err(_) => why.push_str(&format!(
                ": the batch being tested could not all be put back; the next run restores it from {}",
                journal::NAME
            )),
        }
        Stop { why, failure: None }
    }

    /// Which files are written now.
    fn state(&self) -> Vec<bool> {
        self.files.iter().map(|f| f.written).collect()
    }

    fn note(&self, line: &str) {
        (self.progress)(line);
    }
}

/// What testing a set of files gave: `None` when `CMD` passed.
type Verdict = Result<Option<Failure>, Halt>;

/// Finds the culprits among `files` and leaves the rest written. `test` writes a set on top of
/// the green tree and runs `CMD`: it keeps the set when it passes and puts it back when it fails.
/// `known` is a failure already seen with exactly `files` on top of the current green tree.
fn bisect(
    files: &[usize],
    known: Option<Failure>,
    purpose: Purpose,
    culprits: &mut Vec<(usize, Failure)>,
    test: &mut dyn FnMut(&[usize], Purpose) -> Verdict,
) -> Result<(), Halt> {
    if files.is_empty() {
        return Ok(());
    }
    let failure = match known {
        Some(failure) => failure,
        None => match test(files, purpose)? {
            None => return Ok(()),
            Some(failure) => failure,
        },
    };
    if let [culprit] = files {
        culprits.push((*culprit, failure));
        return Ok(());
    }
    let (left, right) = files.split_at(files.len() / 2);
    let found = culprits.len();
    bisect(left, None, Purpose::Bisect, culprits, test)?;
    // The first half passed and is kept: the second now fails on its own.
    let right_fails = (culprits.len() == found).then_some(failure);
    bisect(right, right_fails, Purpose::Bisect, culprits, test)
}

fn stop(halt: Halt) -> Stop {
    Stop {
        why: halt.describe(),
        failure: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    /// Bisects `n` files with a pretend tree where a run fails when a culprit is written:
    /// the runs, the culprits found, and the files left written.
    fn bisect_runs(n: usize, culprits: &[usize]) -> (usize, Vec<usize>) {
        let bad: HashSet<usize> = culprits.iter().copied().collect();
        let mut written = HashSet::new();
        let mut runs = 0;
        let mut test = |files: &[usize], _: Purpose| {
            runs += 1;
            let broken = files.iter().chain(&written).any(|f| bad.contains(f));
            if broken {
                return Ok(Some(Failure {
                    ending: Ending::Failed { code: Some(1) },
                    output_tail: String::new(),
                }));
            }
            written.extend(files.iter().copied());
            Ok(None)
        };
        let files: Vec<usize> = (0..n).collect();
        let mut found = Vec::new();
        bisect(&files, None, Purpose::Batch, &mut found, &mut test).unwrap();
        let found: Vec<usize> = found.into_iter().map(|(i, _)| i).collect();
        assert_eq!(written.len() + found.len(), n);
        (runs, found)
    }

    #[test]
    fn bisection_costs_about_k_log_n() {
        assert_eq!(bisect_runs(16, &[]), (1, vec![]));
        let (runs, found) = bisect_runs(16, &[3, 12]);
        assert_eq!(found, [3, 12]);
        assert!(runs < 16, "{runs}");
        for n in [8usize, 64, 1024] {
            let log = n.ilog2() as usize;
            for k in [1usize, 2, 4] {
                let culprits: Vec<usize> = (0..k).map(|i| (i * n) / k + n / (2 * k) - 1).collect();
                let (runs, found) = bisect_runs(n, &culprits);
                assert_eq!(found, culprits);
                assert!(runs <= 1 + 2 * k * log, "n={n} k={k}: {runs} runs");
            }
        }
    }

    #[test]
    fn default_batches_follow_top_level_directories() {
        let displays = ["a/x.py", "a/y/z.py", "b/w.py", "setup.py"];
        assert_eq!(batches(&displays, None), vec![vec![0, 1], vec![2], vec![3]]);
        assert_eq!(batches(&displays, Some(3)), vec![vec![0, 1, 2], vec![3]]);
        let many: Vec<String> = (0..120).map(|i| format!("pkg/m{i:03}.py")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        let sizes: Vec<usize> = batches(&many, None).iter().map(Vec::len).collect();
        assert_eq!(sizes, [50, 50, 20]);
    }
}
