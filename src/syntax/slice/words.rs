//! What a logical line names: the lines that hold a site (`uuid`, `uuid4` or an alias) or
//! consume a meaningless local, the names a line assigns, the receivers it calls on, the
//! aliases an import makes, and whole-word occurrences.

use super::logical::LogicalLine;
use crate::config::Config;
use crate::util::words::split_words;

/// Names used as receivers in a line (`user` of `user.id = ...`, `client.create(x)`), `self`
/// and `cls` aside.
pub(super) fn receivers(line: &str) -> Vec<&str> {
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
pub(super) fn assigned_names(line: &str) -> Vec<&str> {
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

/// The lines that mention `uuid`, `uuid4` or an alias, and those that consume a meaningless
/// local (before the structure around them is added).
pub(super) fn site_lines(
    text: &str,
    config: &Config,
    lines: &[LogicalLine<'_>],
) -> Option<Vec<bool>> {
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

/// Offsets of `word` as a whole identifier.
pub(super) fn word_occurrences<'a>(
    text: &'a str,
    word: &'a str,
) -> impl Iterator<Item = usize> + 'a {
    let b = text.as_bytes();
    let is_ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80;
    memchr::memmem::find_iter(b, word.as_bytes()).filter(move |&at| {
        (at == 0 || !is_ident(b[at - 1])) && b.get(at + word.len()).is_none_or(|&c| !is_ident(c))
    })
}

/// Every `as NAME` of an import line.
pub(super) fn aliases(line: &str) -> Vec<String> {
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
pub(super) fn noise_target(line: &str, config: &Config) -> Option<String> {
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
