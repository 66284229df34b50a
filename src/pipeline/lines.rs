//! Lines for display: byte offset to line and character column, and the window of a long
//! line that a report shows around a site.

use crate::model::Position;

/// The part of a site's line that a report shows: the line without its indentation, or, for a
/// line longer than `LineWindow::MAX` characters, a window around the site with `…` where it
/// is cut. Output stays linear in the sites however long one line is.
pub(super) struct LineWindow {
    pub(super) text: String,
    /// Characters of the line before `text` (its indentation, or everything cut at the left).
    pub(super) before: usize,
    /// Whether the line is cut at the left (then `text` starts with `…`).
    pub(super) cut: bool,
}

impl LineWindow {
    /// Longest line shown whole, in bytes.
    const MAX: usize = 240;
    /// Bytes kept before the site when a line is cut.
    const LEFT: usize = 80;

    /// `line` holds the site at byte `site_at`, at 1-based character column `column`.
    pub(super) fn around(line: &str, site_at: usize, column: usize) -> LineWindow {
        let line = line.trim_end_matches(['\r', '\n']);
        let body = line.trim_start();
        let indent_bytes = line.len() - body.len();
        if body.len() <= Self::MAX {
            return LineWindow {
                text: body.to_owned(),
                before: line[..indent_bytes].chars().count(),
                cut: false,
            };
        }
        let floor = |mut at: usize| {
            while !line.is_char_boundary(at) {
                at -= 1;
            }
            at
        };
        let start = floor(site_at.saturating_sub(Self::LEFT).max(indent_bytes));
        let end = floor((start + Self::MAX).min(line.len()));
        let cut = start > indent_bytes;
        let mut text = String::with_capacity(end - start + 8);
        if cut {
            text.push('…');
        }
        text.push_str(&line[start..end]);
        if end < line.len() {
            text.push('…');
        }
        LineWindow {
            text,
            // Counted back from the site's column: only the window's characters are counted.
            before: column - 1 - line[start..site_at].chars().count(),
            cut,
        }
    }
}

/// Byte offset -> line and character column. Line starts are found only as far as the
/// offsets asked for, so a large file with its sites near the top is not scanned to its end.
pub(super) struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
    /// Every line start at or before this offset is in `starts`.
    scanned: usize,
    /// The last position worked out, as (offset, line, column): the next one on the same line
    /// counts characters from there, so a line of thousands of sites is not counted again for
    /// each.
    last: Option<(usize, usize, usize)>,
    /// The last line `line` returned, as (line number, end offset): the sites of one long line
    /// look for its end once between them.
    last_end: Option<(usize, usize)>,
}

impl<'a> LineIndex<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        LineIndex {
            text,
            starts: vec![0],
            scanned: 0,
            last: None,
            last_end: None,
        }
    }

    fn line_number(&mut self, offset: usize) -> usize {
        if offset > self.scanned {
            let bytes = self.text.as_bytes();
            let from = self.scanned;
            self.starts
                .extend(memchr::memchr_iter(b'\n', &bytes[from..offset]).map(|i| from + i + 1));
            self.scanned = offset;
        }
        self.starts.partition_point(|&s| s <= offset)
    }

    pub(super) fn position(&mut self, offset: usize) -> Position {
        let line = self.line_number(offset);
        let column = match self.last {
            Some((at, last_line, column)) if last_line == line && at <= offset => {
                column + self.text[at..offset].chars().count()
            }
            _ => self.text[self.starts[line - 1]..offset].chars().count() + 1,
        };
        self.last = Some((offset, line, column));
        Position { line, column }
    }

    /// The byte offset where the line holding `offset` starts.
    pub(super) fn line_start(&mut self, offset: usize) -> usize {
        let line = self.line_number(offset);
        self.starts[line - 1]
    }

    pub(super) fn line(&mut self, offset: usize) -> &'a str {
        let line = self.line_number(offset);
        let start = self.starts[line - 1];
        let text = self.text;
        let end = match self.last_end {
            Some((last_line, end)) if last_line == line => end,
            _ => memchr::memchr(b'\n', &text.as_bytes()[offset..])
                .map_or(text.len(), |i| offset + i + 1),
        };
        self.last_end = Some((line, end));
        &text[start..end]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_whole_wherever_they_are_asked() {
        let text = "a = 1\nb = [x, y, z]\r\n\nlast";
        let mut lines = LineIndex::new(text);
        let asked = [(0, "a = 1\n"), (4, "a = 1\n"), (6, "b = [x, y, z]\r\n")];
        for (offset, line) in asked {
            assert_eq!(lines.line(offset), line);
        }
        // Later on the same line, then the empty line, then the last (no newline).
        assert_eq!(lines.line(12), "b = [x, y, z]\r\n");
        assert_eq!(lines.line(21), "\n");
        assert_eq!(lines.line(23), "last");
        assert_eq!(lines.line_start(24), 22);
    }
}
