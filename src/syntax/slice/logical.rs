//! The tokenizer: the text split into logical lines (statements and block headers, each
//! possibly spanning physical lines) with their indentation and first word; strings, comments
//! and brackets skipped with a sixteen-byte search for the bytes that matter.

/// One logical line: a statement or a block header, possibly spanning physical lines.
#[derive(Debug, Clone)]
pub(super) struct LogicalLine<'a> {
    /// Offset of the physical line start (indentation included).
    pub(super) start: usize,
    /// Offset just past the newline that ends the logical line.
    pub(super) end: usize,
    pub(super) indent: usize,
    /// The first word (`def`, `class`, `else`, `@`, an identifier...).
    pub(super) first: &'a str,
    /// Ends with `:` outside brackets: opens an indented block.
    pub(super) opener: bool,
    /// Index of the enclosing block header.
    pub(super) parent: Option<usize>,
}

/// Splits `text` into logical lines; `None` when the text is not plainly tokenizable
/// (unterminated string, unbalanced brackets): then the whole file is parsed.
pub(super) fn logical_lines(text: &str) -> Option<Vec<LogicalLine<'_>>> {
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

pub(super) fn next_line(b: &[u8], i: usize) -> usize {
    memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |n| i + n) + 1
}

pub(super) fn first_word(text: &str) -> &str {
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
pub(super) fn skip_string(b: &[u8], i: usize) -> Option<usize> {
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
pub(super) fn find_special(b: &[u8], mut i: usize) -> usize {
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
pub(super) fn find_special(b: &[u8], i: usize) -> usize {
    find_special_scalar(b, i)
}

pub(super) fn find_special_scalar(b: &[u8], i: usize) -> usize {
    b[i.min(b.len())..]
        .iter()
        .position(|&c| SPECIAL[c as usize])
        .map_or(b.len(), |n| i + n)
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
