//! Parse less than the whole file: a small Python tokenizer splits the text into logical lines
//! and block structure, and picks the lines the analysis can look at — every statement that
//! mentions `uuid`, `uuid4` or an alias, the headers of the blocks around them (`def`, `class`,
//! `except`, ...), and the statements that consume a meaningless local (`unique_suffix`).
//! tree-sitter then parses only those byte ranges (`Parser::set_included_ranges`), so node
//! offsets stay the file's own. Whenever the tokenizer is unsure, or the sliced tree has an
//! error, the caller parses the whole file instead: output never depends on the shortcut.
//!
//! This module holds the plans (which lines to keep, the blocks around them, the byte ranges);
//! `logical` the tokenizer that splits the text into logical lines; `words` what a line names
//! and which lines hold sites.

mod logical;
mod words;

use std::ops::Range;

use logical::{LogicalLine, logical_lines};
use words::{assigned_names, receivers, site_lines};

use crate::config::Config;

const CONTINUATION_CLAUSES: [&str; 4] = ["elif", "else", "except", "finally"];

/// Where every plan starts: the logical lines and the lines holding sites, or the answer when
/// it is already known.
enum Start<'a> {
    Slice(Vec<LogicalLine<'a>>, Vec<bool>),
    Decided(Option<Vec<Range<usize>>>),
}

fn start<'a>(text: &'a str, config: &Config) -> Start<'a> {
    let Some(lines) = logical_lines(text) else {
        return Start::Decided(None);
    };
    let Some(include) = site_lines(text, config, &lines) else {
        return Start::Decided(None);
    };
    if !include.iter().any(|&i| i) {
        // No site: nothing to parse.
        return Start::Decided(Some(Vec::new()));
    }
    if !config.generator_calls.is_empty() {
        // Typed calls read the names in scope at each site: the statements that bind them
        // can be anywhere in the file.
        return Start::Decided(None);
    }
    Start::Slice(lines, include)
}

/// The byte ranges to parse, or `None` to parse the whole file.
pub fn plan(text: &str, config: &Config) -> Option<Vec<Range<usize>>> {
    let (lines, mut include) = match start(text, config) {
        Start::Slice(lines, include) => (lines, include),
        Start::Decided(answer) => return answer,
    };
    close_structure(&lines, &mut include);
    let ranges = ranges_of(&lines, &include);
    let covered: usize = ranges.iter().map(|r| r.len()).sum();
    // Slicing pays only when it skips a good part of the file.
    (covered * 10 < text.len() * 8).then_some(ranges)
}

/// As `plan`, for following values too: also, in each function that holds a site, the lines
/// using a local the site's statement assigns (and the locals those assign), the lines naming
/// such a function (its callers), and every line (imports aside) containing one of `needles`.
pub fn plan_for_flow(text: &str, config: &Config, needles: &[&str]) -> Option<Vec<Range<usize>>> {
    let (lines, mut include) = match start(text, config) {
        Start::Slice(lines, include) => (lines, include),
        Start::Decided(answer) => return answer,
    };
    let mut functions: Vec<usize> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if !include[i] {
            continue;
        }
        let mut parent = line.parent;
        while let Some(h) = parent {
            if lines[h].first == "def" || lines[h].first == "async" {
                functions.push(h);
                break;
            }
            parent = lines[h].parent;
        }
    }
    functions.sort_unstable();
    functions.dedup();
    // Inside each such function, the lines that use a local the site lines assign (two hops).
    for &h in &functions {
        let end = block_end(&lines, h);
        let body = lines[h].start..lines[end].end;
        let mut frontier: Vec<usize> = (h + 1..=end).filter(|&i| include[i]).collect();
        // A name searched again in the same body would mark no new line: searched once, in one
        // `WordIndex` (many locals cost the body once, not once each).
        let mut searched: std::collections::HashSet<(&str, bool)> = Default::default();
        let words = crate::util::words::WordIndex::new(&text[body.clone()]);
        for _ in 0..2 {
            let mut next = Vec::new();
            for &i in &frontier {
                let line = &text[lines[i].start..lines[i].end];
                // Uses of the locals it assigns; where the objects it calls or sets on are made.
                let uses = assigned_names(line).into_iter().map(|n| (n, false));
                let makers = receivers(line).into_iter().map(|n| (n, true));
                for (name, only_assignments) in uses.chain(makers) {
                    if !searched.insert((name, only_assignments)) {
                        continue;
                    }
                    for &offset in words.get(name).iter() {
                        let at = body.start + offset;
                        let Some(l) = lines.partition_point(|l| l.start <= at).checked_sub(1)
                        else {
                            continue;
                        };
                        if include[l]
                            || (only_assignments
                                && !assigned_names(&text[lines[l].start..lines[l].end])
                                    .contains(&name))
                        {
                            continue;
                        }
                        include[l] = true;
                        next.push(l);
                    }
                }
            }
            frontier = next;
        }
    }
    include_containing(text, &lines, &mut include, needles);
    // The lines naming a function whose value may be returned: its callers, where a `return`
    // takes the value. A function none of whose chosen lines returns has no flow to its callers
    // (the flow sees only the chosen lines), so its name is not looked for.
    let mut names: Vec<&str> = Vec::new();
    for &h in &functions {
        let returns =
            (h + 1..=block_end(&lines, h)).any(|i| include[i] && lines[i].first == "return");
        if !returns {
            continue;
        }
        let header = &text[lines[h].start..lines[h].end];
        if let Some(name) = header
            .split("def ")
            .nth(1)
            .and_then(|rest| {
                rest.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .next()
            })
            .filter(|n| !n.is_empty())
        {
            names.push(name);
        }
    }
    names.sort_unstable();
    names.dedup();
    let words = (!names.is_empty()).then(|| crate::util::words::WordIndex::new(text));
    for name in names {
        for &offset in words
            .as_ref()
            .map(|w| w.get(name))
            .unwrap_or_default()
            .iter()
        {
            if let Some(l) = lines.partition_point(|l| l.start <= offset).checked_sub(1) {
                include[l] = true;
            }
        }
    }
    close_structure(&lines, &mut include);
    let ranges = ranges_of(&lines, &include);
    let covered: usize = ranges.iter().map(|r| r.len()).sum();
    (covered * 10 < text.len() * 8 && ranges.len() <= MAX_RANGES).then_some(ranges)
}

/// Marks every line (imports aside) that contains one of `needles`.
fn include_containing(
    text: &str,
    lines: &[LogicalLine<'_>],
    include: &mut [bool],
    needles: &[&str],
) {
    crate::util::needles::for_each_start(text.as_bytes(), needles, |at| {
        if let Some(l) = lines.partition_point(|l| l.start <= at).checked_sub(1)
            && at < lines[l].end
            && lines[l].first != "import"
            && lines[l].first != "from"
        {
            include[l] = true;
        }
        std::ops::ControlFlow::Continue(())
    });
}

/// The last line of a block (the header itself when it has no body line).
fn block_end(lines: &[LogicalLine<'_>], header: usize) -> usize {
    let mut end = header;
    while lines
        .get(end + 1)
        .is_some_and(|l| l.indent > lines[header].indent)
    {
        end += 1;
    }
    end
}

/// Contiguous included lines as byte ranges.
fn ranges_of(lines: &[LogicalLine<'_>], include: &[bool]) -> Vec<Range<usize>> {
    let mut ranges: Vec<Range<usize>> = Vec::new();
    for (line, _) in lines.iter().zip(include).filter(|(_, inc)| **inc) {
        match ranges.last_mut() {
            Some(last) if last.end == line.start => last.end = line.end,
            _ => ranges.push(line.start..line.end),
        }
    }
    ranges
}

/// The byte ranges holding every logical line (imports aside) that contains one of `needles`,
/// with the blocks around them, for a file read only for what it declares; `Some(empty)` when
/// no such line exists, `None` to parse the whole file.
pub fn plan_containing(text: &str, needles: &[&str]) -> Option<Vec<Range<usize>>> {
    let lines = logical_lines(text)?;
    let mut include = vec![false; lines.len()];
    include_containing(text, &lines, &mut include, needles);
    if !include.iter().any(|&i| i) {
        return Some(Vec::new());
    }
    close_structure(&lines, &mut include);
    let mut ranges: Vec<Range<usize>> = Vec::new();
    for (line, _) in lines.iter().zip(&include).filter(|(_, inc)| **inc) {
        match ranges.last_mut() {
            Some(last) if last.end == line.start => last.end = line.end,
            _ => ranges.push(line.start..line.end),
        }
    }
    // The parser's cost grows with the number of ranges: past a few hundred, parse it all.
    (ranges.len() <= MAX_RANGES).then_some(ranges)
}

/// The most ranges `plan_containing` hands the parser.
const MAX_RANGES: usize = 256;

/// Adds what makes the chosen lines parse as they do in the whole file: the headers of
/// enclosing blocks, the opening clause of an `elif`/`else`/`except`/`finally`, a body for every
/// header, and the definition under a decorator.
fn close_structure(lines: &[LogicalLine<'_>], include: &mut [bool]) {
    let mut work: Vec<usize> = (0..lines.len()).filter(|&i| include[i]).collect();
    let add = |i: usize, include: &mut [bool], work: &mut Vec<usize>| {
        if !include[i] {
            include[i] = true;
            work.push(i);
        }
    };
    while let Some(i) = work.pop() {
        let line = &lines[i];
        if let Some(parent) = line.parent {
            add(parent, include, &mut work);
        }
        if CONTINUATION_CLAUSES.contains(&line.first) {
            // Walk back over the sibling clauses to the statement's opening clause: all of
            // them are kept (`try`/`except`/`else` is only valid whole).
            for j in (0..i).rev() {
                if lines[j].indent < line.indent {
                    break;
                }
                if lines[j].indent == line.indent && lines[j].opener {
                    add(j, include, &mut work);
                    if !CONTINUATION_CLAUSES.contains(&lines[j].first) {
                        break;
                    }
                }
            }
        }
        if line.opener {
            // Every header needs one statement of its body.
            let body_has_line = lines[i + 1..]
                .iter()
                .zip(&include[i + 1..])
                .take_while(|(l, _)| l.indent > line.indent)
                .any(|(_, inc)| *inc);
            if !body_has_line && lines.get(i + 1).is_some_and(|l| l.indent > line.indent) {
                add(i + 1, include, &mut work);
            }
        }
        if line.first == "@" && lines.get(i + 1).is_some_and(|l| l.indent == line.indent) {
            add(i + 1, include, &mut work);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assigned_names_and_receivers() {
        assert_eq!(assigned_names("    a, *b = f(x)\n"), ["a", "b"]);
        assert_eq!(assigned_names("x: str = y\n"), ["x"]);
        assert_eq!(assigned_names("if (m := g()) == 1:\n"), ["m"]);
        assert!(assigned_names("f(a=1)\n").is_empty());
        assert!(assigned_names("a == b\n").is_empty());
        assert_eq!(
            receivers("user.id = client.make(self.x)\n"),
            ["user", "client"]
        );
    }

    #[test]
    fn flow_plan_keeps_the_uses_of_the_site_local_and_the_receiver() {
        let mut text = String::from("import uuid\n\ndef f(api):\n    user = User()\n");
        for i in 0..40 {
            text.push_str(&format!("    other_{i} = {i}\n"));
        }
        text.push_str(
            "    run_id = str(uuid.uuid4())\n    api.send(run_id)\n    user.id = run_id\n",
        );
        let ranges = plan_for_flow(&text, &Config::default(), &[]).expect("sliceable");
        let kept: String = ranges.iter().map(|r| &text[r.clone()]).collect();
        assert!(kept.contains("api.send(run_id)"), "{kept}");
        assert!(kept.contains("user = User()"), "{kept}");
        assert!(!kept.contains("other_3"), "{kept}");
    }

    fn kept(text: &str) -> String {
        let ranges = plan(text, &Config::default()).expect("sliceable");
        ranges.iter().map(|r| &text[r.clone()]).collect()
    }

    #[test]
    fn keeps_statement_headers_and_skips_the_rest() {
        let mut text = String::from("import uuid\n\n");
        for i in 0..20 {
            text.push_str(&format!("def other_{i}():\n    return {i}\n\n"));
        }
        text.push_str("class Manager:\n    def connect(self):\n        x = 1\n        try:\n            y = 2\n        except ValueError:\n            conn_id = str(uuid.uuid4())\n        return conn_id\n");
        assert_eq!(
            kept(&text),
            "import uuid\nclass Manager:\n    def connect(self):\n        try:\n            y = 2\n        except ValueError:\n            conn_id = str(uuid.uuid4())\n"
        );
    }

    #[test]
    fn follows_meaningless_locals() {
        let mut text = String::from("import uuid\n");
        for i in 0..20 {
            text.push_str(&format!("def other_{i}():\n    return {i}\n\n"));
        }
        text.push_str("def f(ts):\n    unique_suffix = uuid.uuid4().hex[:8]\n    a = 1\n    thread_id = f\"t_{ts}_{unique_suffix}\"\n");
        assert!(kept(&text).contains("thread_id = f\"t_{ts}_{unique_suffix}\"\n"));
        assert!(!kept(&text).contains("a = 1"));
    }

    #[test]
    fn gives_up_on_unterminated_strings() {
        assert!(plan("x = 'abc\nimport uuid\n", &Config::default()).is_none());
        assert!(plan("x = (1,\nimport uuid\n", &Config::default()).is_none());
    }

    #[test]
    fn multi_line_statements_are_one_logical_line() {
        let lines = logical_lines("x = f(\n  1,\n  '''a\nb''')\ny = 2 \\\n  + 3\n").unwrap();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1].first, "y");
    }
}
