//! Words: splitting identifiers into words, and `1 site` / `2 sites`.

/// Splits a name into lowercase words on `_`, digits, punctuation and camelCase.
pub fn split_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphabetic() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        if c.is_uppercase() && !current.is_empty() {
            let prev_lower = chars[i - 1].is_lowercase();
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            let prev_upper = chars[i - 1].is_uppercase();
            if prev_lower || (prev_upper && next_lower) {
                words.push(std::mem::take(&mut current));
            }
        }
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// `1 site`, `2 sites`.
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Every whole word of a text (a maximal run of ASCII letters, digits, `_` and non-ASCII bytes,
/// as Python identifiers are made) with the byte offsets where it stands, in order. Built in one
/// pass, so looking up many names in one text costs the text once, not once per name.
pub struct WordIndex<'a> {
    words: rustc_hash::FxHashMap<&'a [u8], Vec<usize>>,
}

impl<'a> WordIndex<'a> {
    pub fn new(text: &'a str) -> WordIndex<'a> {
        WordIndex::of_bytes(text.as_bytes())
    }

    /// The same over the bytes of a text.
    pub fn of_bytes(bytes: &'a [u8]) -> WordIndex<'a> {
        let is_word = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80;
        let mut words: rustc_hash::FxHashMap<&'a [u8], Vec<usize>> = Default::default();
        let mut at = 0;
        while at < bytes.len() {
            if !is_word(bytes[at]) {
                at += 1;
                continue;
            }
            let start = at;
            while at < bytes.len() && is_word(bytes[at]) {
                at += 1;
            }
            words.entry(&bytes[start..at]).or_default().push(start);
        }
        WordIndex { words }
    }

    /// The offsets where `word` stands as a whole word, in order.
    pub fn get(&self, word: &str) -> &[usize] {
        self.words.get(word.as_bytes()).map_or(&[], Vec::as_slice)
    }
}

#[cfg(test)]
mod word_index_tests {
    use super::WordIndex;

    #[test]
    fn finds_whole_words_only() {
        let text = "suffix = 1; x_suffix = suffix + suffix2 # suffix\nsuffix";
        let index = WordIndex::new(text);
        let found: Vec<usize> = index.get("suffix").to_vec();
        let expected: Vec<usize> = text
            .match_indices("suffix")
            .map(|(at, _)| at)
            .filter(|&at| {
                let b = text.as_bytes();
                let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80;
                (at == 0 || !word(b[at - 1])) && b.get(at + 6).is_none_or(|&c| !word(c))
            })
            .collect();
        assert_eq!(found, expected);
        assert_eq!(found.len(), 4);
        assert!(index.get("nothing").is_empty());
        assert_eq!(WordIndex::new("café = 1").get("café"), &[0]);
    }
}
