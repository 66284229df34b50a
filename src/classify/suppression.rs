//! `# uuid-migrate: ignore` and `# uuid-migrate: ignore[reason]` on a site's line.

/// `# uuid-migrate: ignore` or `# uuid-migrate: ignore[reason]` on the site's line.
pub fn suppression(line: &str) -> Option<Option<String>> {
    let hash = line.find('#')?;
    let comment = &line[hash..];
    let at = comment.find("uuid-migrate: ignore")?;
    let rest = &comment[at + "uuid-migrate: ignore".len()..];
    let reason = rest
        .strip_prefix('[')
        .and_then(|r| r.split_once(']'))
        .map(|(r, _)| r.trim().to_owned());
    Some(reason.filter(|r| !r.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_suppressions() {
        assert_eq!(suppression("x = 1  # uuid-migrate: ignore"), Some(None));
        assert_eq!(
            suppression("x  # uuid-migrate: ignore[legacy api]"),
            Some(Some("legacy api".into()))
        );
        assert_eq!(suppression("x = 1"), None);
    }
}
