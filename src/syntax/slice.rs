//! Parse less than the whole file: a small Python tokenizer splits the text into logical lines
//! and block structure, and picks the lines the analysis can look at — every statement that
//! mentions `uuid`, `uuid4` or an alias, the headers of the blocks around them (`def`, `class`,
//! `except`, ...), and the statements that consume a meaningless local (`unique_suffix`).
//! tree-sitter then parses only those byte ranges (`Parser::set_included_ranges`), so node
//! offsets stay the file's own. Whenever the tokenizer is unsure, or the sliced tree has an
//! error, the caller parses the whole file instead: output never depends on the shortcut.

use std::ops::Range;

use crate::config::Config;
use crate::util::words::split_words;

/// One logical line: a statement or a block header, possibly spanning physical lines.
#[derive(Debug, Clone)]
struct LogicalLine<'a> {
    /// Offset of the physical line start (indentation included).
    start: usize,
    /// Offset just past the newline that ends the logical line.
    end: usize,
    indent: usize,
    /// The first word (`def`, `class`, `else`, `@`, an identifier...).
    first: &'a str,
    /// Ends with `:` outside brackets: opens an indented block.
    opener: bool,
    /// Index of the enclosing block header.
    parent: Option<usize>,
}

/// Splits `text` into logical lines; `None` when the text is not plainly tokenizable
/// (unterminated string, unbalanced brackets): then the whole file is parsed.
fn logical_lines(text: &str) -> Option<Vec<LogicalLine<'_>>> {
    let b = text.as_bytes();
    // About one logical line per 32 bytes of code: no regrowing on the way.
    let mut lines: Vec<LogicalLine> = Vec::with_capacity(text.len() / 32 + 16);
    let mut i = 0;
    let mut stack: Vec<usize> = Vec::new();
    while i < b.len() {
        // At a physical line start: measure indentation.
        let line_start = i;
        let mut indent = 0;
        // Spaces eight at a time: indentation is mostly spaces.
        while let Some(word) = b.get(i..i + 8) {
            let word = u64::from_le_bytes(word.try_into().expect("eight bytes"));
            let spaces = ((word ^ 0x2020_2020_2020_2020).trailing_zeros() / 8) as usize;
            indent += spaces;
            i += spaces;
            if spaces < 8 {
                break;
            }
        }
        while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\x0c') {
            indent = if b[i] == b'\t' {
                (indent / 8 + 1) * 8
            } else {
                indent + 1
            };
            i += 1;
        }
        if i >= b.len() {
            break;
        }
        match b[i] {
            b'\n' => {
                i += 1;
                continue;
            }
            b'\r' => {
                i += 1;
                if b.get(i) == Some(&b'\n') {
                    i += 1;
                }
                continue;
            }
            b'#' => {
                i = next_line(b, i);
                continue;
            }
            _ => {}
        }
        let first = first_word(&text[i..]);
        let mut depth: i32 = 0;
        let mut last_significant = 0u8;
        loop {
            if i >= b.len() {
                break;
            }
            let c = b[i];
            match c {
                b'#' => {
                    i = memchr::memchr2(b'\n', b'\r', &b[i..]).map_or(b.len(), |n| i + n);
                }
                b'\\' if matches!(b.get(i + 1), Some(b'\n' | b'\r')) => {
                    i += 1;
                    if b[i] == b'\r' && b.get(i + 1) == Some(&b'\n') {
                        i += 1;
                    }
                    i += 1;
                }
                b'\n' | b'\r' => {
                    i += 1;
                    if c == b'\r' && b.get(i) == Some(&b'\n') {
                        i += 1;
                    }
                    if depth == 0 {
                        break;
                    }
                }
                b'\'' | b'"' => {
                    i = skip_string(b, i)?;
                    last_significant = c;
                }
                b'(' | b'[' | b'{' => {
                    depth += 1;
                    last_significant = c;
                    i += 1;
                }
                b')' | b']' | b'}' => {
                    depth -= 1;
                    if depth < 0 {
                        return None;
                    }
                    last_significant = c;
                    i += 1;
                }
                b' ' | b'\t' | b'\x0c' => i += 1,
                _ => {
                    // Skip the run up to the next byte that matters; spaces inside it do not
                    // end it, so the significant byte is the last non-blank one.
                    i = find_special(b, i + 1);
                    let mut last = i - 1;
                    while matches!(b[last], b' ' | b'\t' | b'\x0c') {
                        last -= 1;
                    }
                    last_significant = b[last];
                }
            }
        }
        if depth != 0 {
            return None;
        }
        while let Some(&top) = stack.last() {
            if lines[top].indent >= indent {
                stack.pop();
            } else {
                break;
            }
        }
        let index = lines.len();
        let opener = last_significant == b':';
        lines.push(LogicalLine {
            start: line_start,
            end: i,
            indent,
            first,
            opener,
            parent: stack.last().copied(),
        });
        if opener {
            stack.push(index);
        }
    }
    Some(lines)
}

fn next_line(b: &[u8], i: usize) -> usize {
    memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |n| i + n) + 1
}

fn first_word(text: &str) -> &str {
    if text.starts_with('@') {
        return "@";
    }
    let end = text
        .bytes()
        .position(|c| !(c.is_ascii_alphanumeric() || c == b'_'))
        .unwrap_or(text.len());
    &text[..end]
}

/// Bytes the tokenizer must look at; runs of other bytes are skipped at once.
static SPECIAL: [bool; 256] = {
    let mut table = [false; 256];
    let special = b"#\\\n\r'\"()[]{}";
    let mut i = 0;
    while i < special.len() {
        table[special[i] as usize] = true;
        i += 1;
    }
    table
};

/// Skips a string literal starting at the quote `b[i]`; returns the offset after it.
fn skip_string(b: &[u8], i: usize) -> Option<usize> {
    let quote = b[i];
    let triple = b.get(i + 1) == Some(&quote) && b.get(i + 2) == Some(&quote);
    let mut j = if triple { i + 3 } else { i + 1 };
    loop {
        // Only a quote, a backslash or (in a one-line string) a line end can matter.
        j = if triple {
            memchr::memchr2(quote, b'\\', &b[j.min(b.len())..])
        } else {
            memchr::memchr3(quote, b'\\', b'\n', &b[j.min(b.len())..]).map(
                |n| match memchr::memchr(b'\r', &b[j..j + n]) {
                    Some(r) => r,
                    None => n,
                },
            )
        }
        .map(|n| j + n)?;
        let c = b[j];
        if c == b'\\' {
            j += 2;
            continue;
        }
        if triple {
            if c == quote && b.get(j + 1) == Some(&quote) && b.get(j + 2) == Some(&quote) {
                return Some(j + 3);
            }
        } else if c == quote {
            return Some(j + 1);
        } else {
            return None;
        }
        j += 1;
    }
}

/// The offset of the first byte at or after `i` that the tokenizer must look at (`SPECIAL`),
/// or the end: sixteen bytes at a time.
#[cfg(target_arch = "x86_64")]
fn find_special(b: &[u8], mut i: usize) -> usize {
    use std::arch::x86_64::*;
    // SAFETY: SSE2 is part of the x86_64 baseline; every load reads 16 bytes at `i`, and the
    // loop runs only while `i + 16 <= b.len()`.
    unsafe {
        let low_bit = _mm_set1_epi8(0xFE_u8 as i8);
        let case_bit = _mm_set1_epi8(0xDF_u8 as i8);
        let parens = _mm_set1_epi8(b'(' as i8); // ( )
        let quote_hash = _mm_set1_epi8(b'"' as i8); // " #
        let open = _mm_set1_epi8(b'[' as i8); // [ {
        let close = _mm_set1_epi8(b']' as i8); // ] }
        let backslash = _mm_set1_epi8(b'\\' as i8);
        let apostrophe = _mm_set1_epi8(b'\'' as i8);
        let lf = _mm_set1_epi8(b'\n' as i8);
        let cr = _mm_set1_epi8(b'\r' as i8);
        while i + 16 <= b.len() {
            let v = _mm_loadu_si128(b.as_ptr().add(i).cast::<__m128i>());
            let even = _mm_and_si128(v, low_bit);
            let upper = _mm_and_si128(v, case_bit);
            let hits = _mm_or_si128(
                _mm_or_si128(
                    _mm_or_si128(
                        _mm_cmpeq_epi8(even, parens),
                        _mm_cmpeq_epi8(even, quote_hash),
                    ),
                    _mm_or_si128(_mm_cmpeq_epi8(upper, open), _mm_cmpeq_epi8(upper, close)),
                ),
                _mm_or_si128(
                    _mm_or_si128(_mm_cmpeq_epi8(v, backslash), _mm_cmpeq_epi8(v, apostrophe)),
                    _mm_or_si128(_mm_cmpeq_epi8(v, lf), _mm_cmpeq_epi8(v, cr)),
                ),
            );
            let mask = _mm_movemask_epi8(hits) as u32;
            if mask != 0 {
                return i + mask.trailing_zeros() as usize;
            }
            i += 16;
        }
    }
    find_special_scalar(b, i)
}

#[cfg(not(target_arch = "x86_64"))]
fn find_special(b: &[u8], i: usize) -> usize {
    find_special_scalar(b, i)
}

fn find_special_scalar(b: &[u8], i: usize) -> usize {
    b[i.min(b.len())..]
        .iter()
        .position(|&c| SPECIAL[c as usize])
        .map_or(b.len(), |n| i + n)
}

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
        // `WordIndex` (many locals cost the body once, not once each). `uuid`, the receiver of
        // every `uuid.uuid4()`, is not searched: every line naming it is in the slice already.
        let mut searched: std::collections::HashSet<(&str, bool)> = [("uuid", true)].into();
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

/// Names used as receivers in a line (`user` of `user.id = ...`, `client.create(x)`), `self`
/// and `cls` aside.
fn receivers(line: &str) -> Vec<&str> {
    let b = line.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_alphabetic() || b[i] == b'_' {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            let before = start.checked_sub(1).map(|p| b[p]);
            if b.get(i) == Some(&b'.') && before != Some(b'.') {
                let word = &line[start..i];
                if word != "self" && word != "cls" && !out.contains(&word) {
                    out.push(word);
                }
            }
        } else {
            i += 1;
        }
    }
    out
}

/// The plain names a statement assigns: `a = ...`, `a, b = ...`, `a: T = ...`, `(a := ...)`.
fn assigned_names(line: &str) -> Vec<&str> {
    let is_ident = |w: &str| {
        !w.is_empty()
            && w.chars().all(|c| c.is_alphanumeric() || c == '_')
            && !w.starts_with(|c: char| c.is_ascii_digit())
    };
    let mut names = Vec::new();
    let b = line.as_bytes();
    for (i, _) in line.match_indices(":=") {
        let head = line[..i].trim_end();
        let start = head
            .rfind(|c: char| !(c.is_alphanumeric() || c == '_'))
            .map_or(0, |p| p + 1);
        if is_ident(&head[start..]) {
            names.push(&head[start..]);
        }
    }
    let mut depth = 0i32;
    for (i, c) in b.iter().enumerate() {
        match c {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth -= 1,
            b'"' | b'\'' => break,
            b'=' if depth == 0 => {
                let prev = if i > 0 { b[i - 1] } else { b' ' };
                if b.get(i + 1) == Some(&b'=') || b"=!<>:+-*/%&|^@".contains(&prev) {
                    break;
                }
                let target = line[..i].split(':').next().unwrap_or("");
                for part in target.split(',') {
                    let part = part.trim().trim_start_matches('*');
                    if is_ident(part) {
                        names.push(part);
                    }
                }
                break;
            }
            _ => {}
        }
    }
    names
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

/// The lines that mention `uuid`, `uuid4` or an alias, and those that consume a meaningless
/// local (before the structure around them is added).
fn site_lines(text: &str, config: &Config, lines: &[LogicalLine<'_>]) -> Option<Vec<bool>> {
    // Occurrences come in order: search from the line found last, widening the step.
    let last = std::cell::Cell::new(0usize);
    let index_of = |offset: usize| -> Option<usize> {
        let from = last.get().min(lines.len());
        let at = if lines.get(from).is_some_and(|l| l.start <= offset) {
            let mut step = 1;
            let mut low = from;
            while lines.get(low + step).is_some_and(|l| l.start <= offset) {
                low += step;
                step *= 2;
            }
            let high = (low + step).min(lines.len());
            low + 1 + lines[low + 1..high].partition_point(|l| l.start <= offset)
        } else {
            lines[..from].partition_point(|l| l.start <= offset)
        };
        let line = at.checked_sub(1)?;
        last.set(line);
        (offset < lines[line].end).then_some(line)
    };
    let mut include = vec![false; lines.len()];

    // Names that can matter: the module, the function, and aliases from uuid imports.
    let mut words: Vec<String> = vec!["uuid".to_owned(), "uuid4".to_owned()];
    for offset in word_occurrences(text, "uuid") {
        if let Some(l) = index_of(offset) {
            let line = &lines[l];
            if line.first == "import" || line.first == "from" {
                words.extend(aliases(&text[line.start..line.end]));
            }
        }
    }
    words.sort();
    words.dedup();
    let mut followed = Vec::new();
    for word in &words {
        for offset in word_occurrences(text, word) {
            if let Some(l) = index_of(offset) {
                include[l] = true;
                if let Some(target) = noise_target(&text[lines[l].start..lines[l].end], config) {
                    followed.push(target);
                }
            }
        }
    }
    // A meaningless local is classified from the statement that consumes it.
    followed.sort();
    followed.dedup();
    for word in followed.iter().filter(|w| !words.contains(w)) {
        for offset in word_occurrences(text, word) {
            if let Some(l) = index_of(offset) {
                include[l] = true;
            }
        }
    }
    Some(include)
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

/// Offsets of `word` as a whole identifier.
fn word_occurrences<'a>(text: &'a str, word: &'a str) -> impl Iterator<Item = usize> + 'a {
    let b = text.as_bytes();
    let is_ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80;
    memchr::memmem::find_iter(b, word.as_bytes()).filter(move |&at| {
        (at == 0 || !is_ident(b[at - 1])) && b.get(at + word.len()).is_none_or(|&c| !is_ident(c))
    })
}

/// Every `as NAME` of an import line.
fn aliases(line: &str) -> Vec<String> {
    let tokens: Vec<&str> = line
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|t| !t.is_empty())
        .collect();
    tokens
        .windows(2)
        .filter(|w| w[0] == "as")
        .map(|w| w[1].to_owned())
        .collect()
}

/// `unique_suffix = ...` or `suffix: str = ...` with a name of noise words only.
fn noise_target(line: &str, config: &Config) -> Option<String> {
    let trimmed = line.trim_start();
    let end = trimmed
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(trimmed.len());
    let name = &trimmed[..end];
    if name.is_empty() {
        return None;
    }
    let rest = trimmed[end..].trim_start();
    let assigns = (rest.starts_with('=') && !rest.starts_with("=="))
        || (rest.starts_with(':') && rest.contains('='));
    let words = split_words(name);
    (assigns && words.iter().all(|w| config.noise_words.contains(w))).then(|| name.to_owned())
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

#[cfg(test)]
mod search_tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The sixteen-byte search finds what the byte-by-byte one finds, wherever it starts.
        #[test]
        fn find_special_agrees_with_the_scalar_search(
            bytes in proptest::collection::vec(
                prop_oneof![Just(b' '), Just(b'a'), Just(b'|'), Just(b'\\'), Just(b'('), Just(b'}'),
                    Just(b'"'), Just(b'#'), Just(b'\n'), Just(b'\r'), Just(b'{'), Just(b'^'), any::<u8>()],
                0..80),
            start in 0usize..80,
        ) {
            let start = start.min(bytes.len());
            prop_assert_eq!(find_special(&bytes, start), find_special_scalar(&bytes, start));
        }
    }

    #[test]
    fn strings_end_where_python_ends_them() {
        assert_eq!(skip_string(b"'a\\'b' x", 0), Some(6));
        assert_eq!(skip_string(b"'ab\nc'", 0), None);
        assert_eq!(skip_string(b"'ab\rc'", 0), None);
        assert_eq!(skip_string(b"'a\\\nb'", 0), Some(6));
        assert_eq!(skip_string(b"\"\"\"a\n\"b\"\"\" x", 0), Some(10));
        assert_eq!(skip_string(b"'''a''", 0), None);
        assert_eq!(skip_string(b"'a\\", 0), None);
    }
}
