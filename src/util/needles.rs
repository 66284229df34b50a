//! Finding a set of short byte strings (needles) in a text in one pass.
//!
//! A prefilter that tries each needle in turn reads the text once per needle: with the consumer
//! needles (nine and more) that was 5% of a cold scan. One Aho-Corasick automaton reads it once.
//! Automatons are kept per thread for the last few needle sets asked, so a scan builds one per
//! thread and set, not one per file.

use std::cell::RefCell;
use std::ops::ControlFlow;
use std::rc::Rc;

use aho_corasick::{AhoCorasick, MatchKind};

/// How many needle sets a thread keeps automatons for (the prefilter's, the index's two, and
/// room for configurations of several directories).
const KEPT: usize = 8;

thread_local! {
    static BUILT: RefCell<Vec<(Vec<String>, Rc<AhoCorasick>)>> = const { RefCell::new(Vec::new()) };
}

fn automaton(needles: &[&str]) -> Rc<AhoCorasick> {
    BUILT.with(|built| {
        let mut built = built.borrow_mut();
        if let Some((_, automaton)) = built
            .iter()
            .find(|(set, _)| set.iter().map(String::as_str).eq(needles.iter().copied()))
        {
            return Rc::clone(automaton);
        }
        // Leftmost-first, non-overlapping: the kind of search the SIMD prefilter (Teddy) serves;
        // an overlapping search falls back to a rare-byte prefilter that was slower than one
        // `memmem` pass per needle.
        let automaton = Rc::new(
            AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostFirst)
                .build(needles)
                .expect("a few short needles always build an automaton"),
        );
        if built.len() == KEPT {
            built.remove(0);
        }
        built.push((
            needles.iter().map(|n| (*n).to_owned()).collect(),
            Rc::clone(&automaton),
        ));
        automaton
    })
}

/// Calls `f` with the start offset of every occurrence of a needle in `haystack`, left to right,
/// until `f` breaks. Occurrences do not overlap: one that starts inside an occurrence already
/// found is skipped (as one search per needle skips its own). With needles of which none
/// overlaps another (no needle's end is another's start), that finds what one search per needle
/// finds; with others it still finds every line that holds a needle.
pub fn for_each_start(
    haystack: &[u8],
    needles: &[&str],
    mut f: impl FnMut(usize) -> ControlFlow<()>,
) {
    if needles.is_empty() {
        return;
    }
    let automaton = automaton(needles);
    for found in automaton.find_iter(haystack) {
        if f(found.start()).is_break() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_one_search_per_needle_finds() {
        let text = b"UUID Uuid uuid4 aaaa CREATE TABLE x UUIDUUID";
        let needles = ["UUID", "Uuid", "uuid4", "aa", "CREATE TABLE"];
        let mut expected: Vec<usize> = needles
            .iter()
            .flat_map(|n| memchr::memmem::find_iter(text, n.as_bytes()))
            .collect();
        expected.sort_unstable();
        let starts = |needles: &[&str]| {
            let mut found = Vec::new();
            for_each_start(text, needles, |at| {
                found.push(at);
                ControlFlow::Continue(())
            });
            found
        };
        assert_eq!(starts(&needles), expected);
        assert!(starts(&[]).is_empty());
        let mut first = None;
        for_each_start(text, &needles, |at| {
            first = Some(at);
            ControlFlow::Break(())
        });
        assert_eq!(first, Some(0));
    }
}
