//! Whether a site is suppressed: `# uuid-migrate: ignore[reason]`, ruff's `# noqa` /
//! `# noqa: UM001` on the site's line, or a `per-file-ignores` pattern of the configuration.
//!
//! `# noqa` follows ruff: a bare `# noqa` suppresses every code on its line; `# noqa: CODES`
//! (codes separated by commas or spaces, the colon optionally followed by a space) only the codes
//! it names, so `# noqa: E501` leaves a uuid4 site alone; `# noqa:` without any code suppresses
//! nothing. `noqa` is matched in any case.

use std::path::Path;

use crate::config::Config;
use crate::model::{SiteKind, Suppression};

/// Why the site of `kind` on `line` (in the file at `rel_path`) is suppressed, if it is. A
/// comment wins over `per-file-ignores`, `# uuid-migrate: ignore` over `# noqa`.
pub fn suppression(
    line: &str,
    kind: SiteKind,
    rel_path: &Path,
    config: &Config,
) -> Option<Suppression> {
    comment(line, kind).or_else(|| {
        config
            .per_file_ignore(rel_path, kind)
            .map(|pattern| Suppression::PerFile {
                pattern: pattern.to_owned(),
            })
    })
}

/// A suppression comment on the site's line.
fn comment(line: &str, kind: SiteKind) -> Option<Suppression> {
    // Only text after a `#` can be a comment; the `#` may be in a string, which is harmless:
    // the words must still be there.
    let hash = line.find('#')?;
    let comment = &line[hash..];
    if let Some(at) = comment.find("uuid-migrate: ignore") {
        let rest = &comment[at + "uuid-migrate: ignore".len()..];
        let reason = rest
            .strip_prefix('[')
            .and_then(|r| r.split_once(']'))
            .map(|(r, _)| r.trim().to_owned())
            .filter(|r| !r.is_empty());
        return Some(Suppression::Comment { reason });
    }
    comment
        .match_indices('#')
        .find_map(|(at, _)| noqa(&comment[at + 1..], kind))
}

/// `noqa` right after a `#` (spaces allowed): `Some` when it suppresses a site of `kind`.
fn noqa(after_hash: &str, kind: SiteKind) -> Option<Suppression> {
    let text = after_hash.trim_start();
    let head = text.get(..4)?;
    if !head.eq_ignore_ascii_case("noqa") {
        return None;
    }
    let rest = &text[4..];
    let Some(codes) = rest.strip_prefix(':') else {
        // `# noqa` alone, or followed by a space and anything but a colon: every code.
        return rest
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric() && c != '_')
            .then_some(Suppression::Noqa { code: None });
    };
    let named = codes
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|word| !word.is_empty())
        .take_while(|word| is_code(word))
        .any(|word| SiteKind::from_code(word) == Some(kind));
    named.then_some(Suppression::Noqa { code: Some(kind) })
}

/// A rule code as ruff's `# noqa` reads them: letters, then digits (`UM001`, `E501`).
fn is_code(word: &str) -> bool {
    let digits = word.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    digits.len() < word.len() && !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on_line(line: &str, kind: SiteKind) -> Option<Suppression> {
        suppression(line, kind, Path::new("a.py"), &Config::default())
    }

    #[test]
    fn parses_uuid_migrate_ignore() {
        assert_eq!(
            on_line("x = 1  # uuid-migrate: ignore", SiteKind::Call),
            Some(Suppression::Comment { reason: None })
        );
        assert_eq!(
            on_line("x  # uuid-migrate: ignore[legacy api]", SiteKind::Call),
            Some(Suppression::Comment {
                reason: Some("legacy api".into())
            })
        );
        assert_eq!(on_line("x = 1", SiteKind::Call), None);
    }

    #[test]
    fn bare_noqa_suppresses_every_code() {
        for line in [
            "x = uuid4()  # noqa",
            "x = uuid4()  #noqa",
            "x = uuid4()  # NOQA",
            "x = uuid4()  # noqa  -- legacy",
            "x = uuid4()  # type: ignore  # noqa",
        ] {
            assert_eq!(
                on_line(line, SiteKind::Reference),
                Some(Suppression::Noqa { code: None }),
                "{line}"
            );
        }
        assert_eq!(on_line("x = uuid4()  # noqa_like", SiteKind::Call), None);
        assert_eq!(on_line("x = uuid4()  # not noqa", SiteKind::Call), None);
    }

    #[test]
    fn noqa_with_codes_suppresses_only_those_codes() {
        let call = Some(Suppression::Noqa {
            code: Some(SiteKind::Call),
        });
        assert_eq!(on_line("x = uuid4()  # noqa: UM001", SiteKind::Call), call);
        assert_eq!(on_line("x = uuid4()  # noqa:UM001", SiteKind::Call), call);
        assert_eq!(
            on_line("x = uuid4()  # noqa: E501, UM001", SiteKind::Call),
            call
        );
        assert_eq!(
            on_line("x = uuid4()  # noqa: E501 UM001 because", SiteKind::Call),
            call
        );
        assert_eq!(on_line("x = uuid4()  # noqa: UM002", SiteKind::Call), None);
        assert_eq!(on_line("x = uuid4()  # noqa: E501", SiteKind::Call), None);
        // A colon without codes is not a directive (ruff warns and ignores it).
        assert_eq!(on_line("x = uuid4()  # noqa:", SiteKind::Call), None);
        assert_eq!(
            on_line("f(uuid4)  # noqa: UM002", SiteKind::Reference),
            Some(Suppression::Noqa {
                code: Some(SiteKind::Reference)
            })
        );
    }
}
