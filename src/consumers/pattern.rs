//! Format checks: does a sample replacement pass a Python pattern? The sample is an id in the
//! target format (`consumers.target-format`, by default `<prefix>_<13-digit ms>_<counter>_<8
//! hex>`); the pattern is tried with the `regex` crate. A pattern the crate cannot compile (lookaround, backreferences) gives no
//! answer: the caller treats it as a possible consumer.

use super::{Anchor, PatternCheck};

/// What a truncated site's rewrite keeps of the id (`[-n:]`): its last `n` characters.
pub fn truncated_sample(whole: &str, n: usize) -> String {
    let start = whole
        .char_indices()
        .rev()
        .nth(n.saturating_sub(1))
        .map_or(0, |(at, _)| at);
    whole[start..].to_owned()
}

/// Whether `sample` passes the check; `None` when the pattern cannot be compiled.
pub fn passes(check: &PatternCheck, sample: &str) -> Option<bool> {
    let translated = translate(&check.pattern);
    let anchored = match check.anchor {
        Anchor::Search => translated,
        Anchor::Start => format!("^(?:{translated})"),
        Anchor::Full => format!("^(?:{translated})$"),
    };
    let re = regex::Regex::new(&anchored).ok()?;
    Some(re.is_match(sample))
}

/// Python spellings the crate writes differently: `\Z` is `\z`.
fn translate(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('Z') => out.push_str("\\z"),
                Some(next) => {
                    out.push('\\');
                    out.push(next);
                }
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::TargetFormat;

    fn sample_id(prefix: &str) -> String {
        TargetFormat::default().sample(Some(prefix))
    }

    fn check(pattern: &str, anchor: Anchor) -> PatternCheck {
        PatternCheck {
            pattern: pattern.to_owned(),
            anchor,
        }
    }

    #[test]
    fn sample_has_the_target_format() {
        assert_eq!(sample_id("event"), "event_1757927717565_2_b97ed28f");
        assert_eq!(
            TargetFormat::default().sample(None),
            "id_1757927717565_2_b97ed28f"
        );
    }

    #[test]
    fn a_truncated_sample_is_the_tail_the_rewrite_keeps() {
        assert_eq!(truncated_sample(&sample_id("event"), 8), "b97ed28f");
        assert_eq!(truncated_sample(&sample_id("event"), 4), "d28f");
        assert_eq!(truncated_sample("ab", 8), "ab");
    }

    #[test]
    fn a_prefix_pattern_accepts_the_sample() {
        let p = check(r"^event_\d{13}_\d+_[0-9a-f]{8}$", Anchor::Search);
        assert_eq!(passes(&p, &sample_id("event")), Some(true));
        assert_eq!(
            passes(&check(r"^event_", Anchor::Search), &sample_id("event")),
            Some(true)
        );
    }

    #[test]
    fn a_uuid_pattern_rejects_the_sample() {
        let p = check(
            r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
            Anchor::Search,
        );
        assert_eq!(passes(&p, &sample_id("user")), Some(false));
        let letta = check(r"^user-[a-fA-F0-9]{8}", Anchor::Search);
        assert_eq!(passes(&letta, &sample_id("user")), Some(false));
    }

    #[test]
    fn anchors_follow_the_python_call() {
        let p = check(r"[0-9a-f]{8}", Anchor::Search);
        assert_eq!(passes(&p, "x_b97ed28f"), Some(true));
        assert_eq!(
            passes(&check(r"[0-9a-f]{8}", Anchor::Start), "x_b97ed28f"),
            Some(false)
        );
        assert_eq!(
            passes(&check(r"x_[0-9a-f]{8}", Anchor::Full), "x_b97ed28f"),
            Some(true)
        );
        assert_eq!(
            passes(&check(r"x_[0-9a-f]{4}", Anchor::Full), "x_b97ed28f"),
            Some(false)
        );
        assert_eq!(
            passes(&check(r"x_[0-9a-f]+\Z", Anchor::Start), "x_b97ed28f"),
            Some(true)
        );
    }

    #[test]
    fn unsupported_python_features_give_no_answer() {
        assert_eq!(
            passes(&check(r"^(?=user_)\w+$", Anchor::Search), "user_1"),
            None
        );
        assert_eq!(passes(&check(r"^(a)\1$", Anchor::Search), "aa"), None);
    }
}
