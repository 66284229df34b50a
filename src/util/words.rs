//! Words: splitting identifiers into words, and `1 site` / `2 sites`.

/// Splits a name into lowercase words on `_`, digits, punctuation and camelCase.
pub fn split_words(name: &str) -> Vec<String> {
    if name.is_ascii() {
        return split_ascii_words(name.as_bytes());
    }
    split_any_words(name)
}

/// `split_words` on ASCII, byte by byte (identifiers nearly always are): the same rules.
fn split_ascii_words(b: &[u8]) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    for (i, &c) in b.iter().enumerate() {
        if !c.is_ascii_alphabetic() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        if c.is_ascii_uppercase() && !current.is_empty() {
            let prev = b[i - 1];
            let next_lower = b.get(i + 1).is_some_and(u8::is_ascii_lowercase);
            if prev.is_ascii_lowercase() || (prev.is_ascii_uppercase() && next_lower) {
                words.push(std::mem::take(&mut current));
            }
        }
        current.push(char::from(c.to_ascii_lowercase()));
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

fn split_any_words(name: &str) -> Vec<String> {
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

/// The whole words of a text (maximal runs of ASCII letters, digits, `_` and non-ASCII bytes, as
/// Python identifiers are made) with the byte offsets where they stand, in order.
///
/// The first few names looked up are searched for (`memmem`, a few instructions a byte); from the
/// `SEARCHES_BEFORE_INDEXING`th on, every word of the text is indexed in one pass and looked up
/// there. A text asked about a handful of names (the common case: a function with a few locals)
/// costs those searches; one asked about thousands (a function of 20,000 locals) costs the
/// searches and one pass: never names x text.
pub struct WordIndex<'a> {
    bytes: &'a [u8],
    searched: std::cell::Cell<usize>,
    index: std::cell::OnceCell<rustc_hash::FxHashMap<&'a [u8], Vec<usize>>>,
}

/// How many names are searched for before the whole text is indexed. Indexing costs about 20
/// instructions a byte, a search well under one for an identifier: on the benchmark monorepo 16
/// indexed two large bodies for 140 M instructions (3% of a cold scan) that 64 searches avoid.
const SEARCHES_BEFORE_INDEXING: usize = 64;

fn is_word_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80
}

impl<'a> WordIndex<'a> {
    pub fn new(text: &'a str) -> WordIndex<'a> {
        WordIndex::of_bytes(text.as_bytes())
    }

    /// The same over the bytes of a text.
    pub fn of_bytes(bytes: &'a [u8]) -> WordIndex<'a> {
        WordIndex {
            bytes,
            searched: std::cell::Cell::new(0),
            index: std::cell::OnceCell::new(),
        }
    }

    /// The offsets where `word` stands as a whole word, in order.
    pub fn get(&self, word: &str) -> std::borrow::Cow<'_, [usize]> {
        let word = word.as_bytes();
        if word.is_empty() || !word.iter().all(|&c| is_word_byte(c)) {
            return std::borrow::Cow::Borrowed(&[]);
        }
        if self.index.get().is_none() && self.searched.get() < SEARCHES_BEFORE_INDEXING {
            self.searched.set(self.searched.get() + 1);
            return std::borrow::Cow::Owned(self.search(word));
        }
        let index = self.index.get_or_init(|| index_words(self.bytes));
        std::borrow::Cow::Borrowed(index.get(word).map_or(&[], Vec::as_slice))
    }

    fn search(&self, word: &[u8]) -> Vec<usize> {
        let b = self.bytes;
        memchr::memmem::find_iter(b, word)
            .filter(|&at| {
                (at == 0 || !is_word_byte(b[at - 1]))
                    && b.get(at + word.len()).is_none_or(|&c| !is_word_byte(c))
            })
            .collect()
    }
}

fn index_words(bytes: &[u8]) -> rustc_hash::FxHashMap<&[u8], Vec<usize>> {
    let mut words: rustc_hash::FxHashMap<&[u8], Vec<usize>> = Default::default();
    let mut at = 0;
    while at < bytes.len() {
        if !is_word_byte(bytes[at]) {
            at += 1;
            continue;
        }
        let start = at;
        while at < bytes.len() && is_word_byte(bytes[at]) {
            at += 1;
        }
        words.entry(&bytes[start..at]).or_default().push(start);
    }
    words
}

#[cfg(test)]
mod split_tests {
    use super::{split_any_words, split_words};

    #[test]
    fn the_ascii_path_splits_as_the_general_one() {
        for name in [
            "user_id",
            "HTTPRequestID",
            "getHTTPResponse",
            "XMLHttpRequest",
            "session2Token",
            "__init__",
            "ABC",
            "aB",
            "Ab",
            "a",
            "",
            "_",
            "ID",
            "userID",
            "wsConnId_2",
        ] {
            assert_eq!(split_words(name), split_any_words(name), "{name}");
        }
        assert_eq!(split_words("HTTPRequestID"), ["http", "request", "id"]);
        assert_eq!(split_words("café_id"), ["café", "id"]);
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
        assert_eq!(*WordIndex::new("café = 1").get("café"), [0]);
    }

    #[test]
    fn searching_and_indexing_find_the_same_offsets() {
        let text = "a = b_c + a1 + a; é_a = a; b_c(a)\n_ = a+b_c";
        let names = ["a", "b_c", "a1", "é_a", "_", "zz", "b", "", "a b"];
        let searched: Vec<Vec<usize>> = names
            .iter()
            .map(|n| WordIndex::new(text).get(n).into_owned())
            .collect();
        let one = WordIndex::new(text);
        for _ in 0..super::SEARCHES_BEFORE_INDEXING {
            one.get("warm");
        }
        let indexed: Vec<Vec<usize>> = names.iter().map(|n| one.get(n).into_owned()).collect();
        assert_eq!(searched, indexed);
        assert_eq!(searched[0], [0, 15, 25, 32, 39]);
    }
}
