//! The unified diff of one file, on raw bytes, in the form `git apply` and `patch` accept.
//!
//! Lines are split on `\n` only (a `\r` before it stays part of the line, as git sees it), so
//! CRLF files and stray carriage returns round-trip exactly.

use similar::{Algorithm, DiffOp, capture_diff_slices, group_diff_ops};

const CONTEXT: usize = 3;

/// `a/PATH`, in git's C-style quotes (`"a/x\\ty.py"`, octal escapes for other bytes) when the
/// name needs them. Spaces are quoted too: without a `diff --git` line, `git apply` and `patch`
/// would otherwise have to guess where a name with trailing spaces ends.
fn header_name(prefix: &[u8], path: &[u8]) -> Vec<u8> {
    let plain = |b: u8| b.is_ascii_graphic() && b != b'"' && b != b'\\';
    let mut out = Vec::with_capacity(prefix.len() + path.len() + 2);
    if path.iter().all(|&b| plain(b)) {
        out.extend_from_slice(prefix);
        out.extend_from_slice(path);
        return out;
    }
    out.push(b'"');
    for &b in prefix.iter().chain(path) {
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b' ' => out.push(b' '),
            b if plain(b) => out.push(b),
            b => out.extend_from_slice(format!("\\{b:03o}").as_bytes()),
        }
    }
    out.push(b'"');
    out
}

fn lines(bytes: &[u8]) -> Vec<&[u8]> {
    bytes.split_inclusive(|&b| b == b'\n').collect()
}

/// `--- a/PATH` / `+++ b/PATH` and the hunks turning `old` into `new`; empty when equal. `path`
/// is the file name's raw bytes; a name with a space, a quote, a backslash, a control character
/// or a non-ASCII byte is quoted as git quotes it, so `git apply` finds the very file.
pub fn unified(path: impl AsRef<[u8]>, old: &[u8], new: &[u8]) -> Vec<u8> {
    let path = path.as_ref();
    let mut out = Vec::new();
    if old == new {
        return out;
    }
    let old_lines = lines(old);
    let new_lines = lines(new);
    let ops = capture_diff_slices(Algorithm::Myers, &old_lines, &new_lines);
    let groups = group_diff_ops(ops, CONTEXT);
    if groups.is_empty() {
        return out;
    }
    out.extend_from_slice(b"--- ");
    out.extend_from_slice(&header_name(b"a/", path));
    out.extend_from_slice(b"\n+++ ");
    out.extend_from_slice(&header_name(b"b/", path));
    out.push(b'\n');
    for group in groups {
        let (old_range, new_range) = ranges(&group);
        out.extend_from_slice(
            format!(
                "@@ -{} +{} @@\n",
                hunk_range(old_range.0, old_range.1),
                hunk_range(new_range.0, new_range.1)
            )
            .as_bytes(),
        );
        for op in &group {
            let (tag, slice): (u8, &[&[u8]]) = match *op {
                DiffOp::Equal { old_index, len, .. } => {
                    (b' ', &old_lines[old_index..old_index + len])
                }
                DiffOp::Delete {
                    old_index, old_len, ..
                } => (b'-', &old_lines[old_index..old_index + old_len]),
                DiffOp::Insert {
                    new_index, new_len, ..
                } => (b'+', &new_lines[new_index..new_index + new_len]),
                DiffOp::Replace {
                    old_index,
                    old_len,
                    new_index,
                    new_len,
                } => {
                    write_lines(&mut out, b'-', &old_lines[old_index..old_index + old_len]);
                    (b'+', &new_lines[new_index..new_index + new_len])
                }
            };
            write_lines(&mut out, tag, slice);
        }
    }
    out
}

fn write_lines(out: &mut Vec<u8>, tag: u8, lines: &[&[u8]]) {
    for line in lines {
        out.push(tag);
        out.extend_from_slice(line);
        if !line.ends_with(b"\n") {
            out.extend_from_slice(b"\n\\ No newline at end of file\n");
        }
    }
}

/// The first line and count of each side of a hunk.
fn ranges(group: &[DiffOp]) -> ((usize, usize), (usize, usize)) {
    let first = group[0];
    let last = group[group.len() - 1];
    let old = (first.old_range().start, last.old_range().end);
    let new = (first.new_range().start, last.new_range().end);
    ((old.0, old.1 - old.0), (new.0, new.1 - new.0))
}

/// `start,len` with 1-based start; an empty range names the line before it.
fn hunk_range(start: usize, len: usize) -> String {
    match len {
        0 => format!("{start},0"),
        1 => format!("{}", start + 1),
        _ => format!("{},{len}", start + 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_keeps_crlf_and_marks_missing_newline() {
        let old = b"a\r\nb\r\nc";
        let new = b"a\r\nB\r\nc";
        let diff = unified("x.py", old, new);
        assert_eq!(
            String::from_utf8(diff).unwrap(),
            "--- a/x.py\n+++ b/x.py\n@@ -1,3 +1,3 @@\n a\r\n-b\r\n+B\r\n c\n\\ No newline at end of file\n"
        );
    }

    #[test]
    fn insertion_at_start_names_line_zero() {
        let diff = unified("x.py", b"", b"i\n");
        assert_eq!(
            String::from_utf8(diff).unwrap(),
            "--- a/x.py\n+++ b/x.py\n@@ -0,0 +1 @@\n+i\n"
        );
    }
}
