//! SQL in string literals: the columns a `CREATE TABLE` or `ALTER TABLE ... ADD COLUMN` declares
//! `UUID` (`order_id UUID`, `order_id uuid NOT NULL`, ClickHouse `Nullable(UUID)`), and the
//! column a parametrised `INSERT INTO t (a, b) VALUES (%s, %s)` binds each parameter to.
//!
//! Only strings that look like DDL are read: the bytes `CREATE TABLE` or `ALTER TABLE` (upper
//! or lower case), which are also what the index's byte prefilter looks for.

use serde::{Deserialize, Serialize};
use tree_sitter::Node;

use super::Reached;
use crate::syntax::{NodeExt, node_text};

/// Bytes a string declaring a UUID column holds.
pub const DDL_NEEDLES: [&str; 4] = ["CREATE TABLE", "create table", "ALTER TABLE", "alter table"];

/// A column a DDL string declares `UUID`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SqlColumn {
    /// As written, without quotes: `orders`, `public.orders`.
    pub table: String,
    pub column: String,
    pub line: usize,
    /// 1-based, in characters, of the column's name in the file.
    pub column_number: usize,
}

impl SqlColumn {
    /// `SQL column `orders.order_id``.
    pub fn what(&self) -> String {
        format!("SQL column `{}.{}`", self.table, self.column)
    }

    /// Whether `table` (as an INSERT names it) is this column's table: the same name, with or
    /// without a schema, whatever the case.
    pub fn in_table(&self, table: &str) -> bool {
        let last = |t: &str| t.rsplit('.').next().unwrap_or(t).to_ascii_lowercase();
        last(&self.table) == last(table)
    }
}

/// The UUID columns a string literal (`string` or `concatenated_string`) declares, if it is DDL.
pub fn declared_columns(literal: Node<'_>, src: &[u8], out: &mut Vec<SqlColumn>) {
    let text = SqlText::of(literal, src);
    if !text.text.to_ascii_lowercase().contains("uuid") {
        return;
    }
    for statement in statements(&text.text) {
        declared_uuid_columns(&statement, &text, out);
    }
}

/// A literal's text between its quotes (parts of a concatenation joined), with where each part
/// starts, to give a position its line.
struct SqlText {
    text: String,
    /// (offset in `text`, line and column of the part's first character inside its quotes), in
    /// order.
    parts: Vec<(usize, usize, usize)>,
    /// Offsets of the newlines in `text`.
    newlines: Vec<usize>,
}

impl SqlText {
    fn of(literal: Node<'_>, src: &[u8]) -> SqlText {
        let mut out = SqlText {
            text: String::new(),
            parts: Vec::new(),
            newlines: Vec::new(),
        };
        let mut add = |part: Node<'_>| {
            let raw = node_text(part, src);
            let Some(quote) = raw.find(['"', '\'']) else {
                return;
            };
            let body = &raw[quote..];
            let q = if body.starts_with("\"\"\"") || body.starts_with("'''") {
                3
            } else {
                1
            };
            let Some(inner) = body.get(q..body.len().saturating_sub(q)) else {
                return;
            };
            let column = crate::syntax::char_column(part, src) + raw[..quote + q].chars().count();
            out.parts
                .push((out.text.len(), part.start_position().row + 1, column));
            out.text.push_str(inner);
        };
        if literal.kind_str() == "concatenated_string" {
            let mut cursor = literal.walk();
            for part in literal.named_children(&mut cursor) {
                if part.kind_str() == "string" {
                    add(part);
                }
            }
        } else {
            add(literal);
        }
        out.newlines = memchr::memchr_iter(b'\n', out.text.as_bytes()).collect();
        out
    }

    /// The line of `offset` in the text: by bisection, so a DDL of thousands of columns costs
    /// each column a lookup, not a count from its part's start.
    fn line(&self, offset: usize) -> usize {
        let (start, line, _) = self.part_of(offset);
        let before = |at: usize| self.newlines.partition_point(|&n| n < at);
        line + before(offset) - before(start)
    }

    /// The column (1-based, in characters) of `offset` in the file.
    fn column(&self, offset: usize) -> usize {
        let (start, _, column) = self.part_of(offset);
        let newline = self.newlines.partition_point(|&n| n < offset);
        match newline.checked_sub(1).map(|i| self.newlines[i]) {
            Some(n) if n >= start => self.text[n + 1..offset].chars().count() + 1,
            _ => column + self.text[start..offset].chars().count(),
        }
    }

    fn part_of(&self, offset: usize) -> (usize, usize, usize) {
        let i = self.parts.partition_point(|(start, _, _)| *start <= offset);
        self.parts[i.saturating_sub(1)]
    }
}

/// A word or punctuation of SQL, with its offset in the text.
#[derive(Debug, Clone)]
struct Token<'s> {
    text: &'s str,
    at: usize,
    /// A quoted identifier (`"order_id"`, `` `order_id` ``, `[order_id]`), quotes removed.
    quoted: bool,
}

impl Token<'_> {
    fn is(&self, word: &str) -> bool {
        !self.quoted && self.text.eq_ignore_ascii_case(word)
    }
}

/// The statements of a SQL text, as tokens (comments dropped), split at `;`.
fn statements(text: &str) -> Vec<Vec<Token<'_>>> {
    let bytes = text.as_bytes();
    let mut all = vec![Vec::new()];
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_whitespace() || (c == b'\\' && bytes.get(i + 1) == Some(&b'n')) {
            i += if c == b'\\' { 2 } else { 1 };
        } else if c == b'-' && bytes.get(i + 1) == Some(&b'-') {
            i = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |n| i + n);
        } else if let Some(close) = match c {
            b'"' => Some(b'"'),
            b'`' => Some(b'`'),
            // `[x]` quotes an identifier; `UUID[]` right after a word is an array.
            b'[' if i == 0 || !is_word(bytes[i - 1]) => Some(b']'),
            _ => None,
        } {
            let end = memchr::memchr(close, &bytes[i + 1..]).map_or(bytes.len(), |n| i + 1 + n);
            push(&mut all, &text[i + 1..end], i + 1, true);
            i = end + 1;
        } else if c == b'\'' {
            let end = memchr::memchr(b'\'', &bytes[i + 1..]).map_or(bytes.len(), |n| i + 1 + n);
            push(&mut all, "'", i, false);
            i = end + 1;
        } else if is_word(c) {
            let end = bytes[i..]
                .iter()
                .position(|&b| !is_word(b))
                .map_or(bytes.len(), |n| i + n);
            push(&mut all, &text[i..end], i, false);
            i = end;
        } else if c == b';' {
            all.push(Vec::new());
            i += 1;
        } else {
            let len = text[i..].chars().next().map_or(1, char::len_utf8);
            push(&mut all, &text[i..i + len], i, false);
            i += len;
        }
    }
    all.retain(|s| !s.is_empty());
    all
}

fn push<'s>(all: &mut [Vec<Token<'s>>], text: &'s str, at: usize, quoted: bool) {
    if let Some(last) = all.last_mut() {
        last.push(Token { text, at, quoted });
    }
}

/// Identifier characters, and those of placeholders and interpolations (`%s`, `$1`, `{t}`).
fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'$' | b'%' | b'{' | b'}' | b':' | b'?')
}

/// Words that begin a table constraint rather than a column in `CREATE TABLE (...)`.
const CONSTRAINTS: [&str; 9] = [
    "PRIMARY",
    "FOREIGN",
    "UNIQUE",
    "CONSTRAINT",
    "CHECK",
    "INDEX",
    "KEY",
    "EXCLUDE",
    "PERIOD",
];

/// The `UUID` columns one `CREATE TABLE` or `ALTER TABLE` statement declares.
fn declared_uuid_columns(tokens: &[Token<'_>], text: &SqlText, out: &mut Vec<SqlColumn>) {
    let Some(first) = tokens.iter().position(|t| t.is("CREATE") || t.is("ALTER")) else {
        return;
    };
    let Some(table_at) = tokens[first..].iter().position(|t| t.is("TABLE")) else {
        return;
    };
    let rest = &tokens[first + table_at + 1..];
    let rest = skip_words(rest, &["IF", "NOT", "EXISTS", "ONLY"]);
    let Some((table, rest)) = rest.split_first() else {
        return;
    };
    let table = table.text.to_owned();
    let mut add = |definition: &[Token<'_>]| {
        if let Some((name, ty)) = definition.split_first()
            && !CONSTRAINTS.iter().any(|c| name.is(c))
            && is_uuid_type(ty)
        {
            out.push(SqlColumn {
                table: table.clone(),
                column: name.text.to_owned(),
                line: text.line(name.at),
                column_number: text.column(name.at),
            });
        }
    };
    if tokens[first].is("CREATE") {
        // `CREATE TABLE t (definition, ...)`: the top-level elements of the first parentheses.
        let Some(open) = rest.iter().position(|t| t.text == "(") else {
            return;
        };
        for element in split_top_level(&rest[open + 1..]) {
            add(element);
        }
    } else {
        // `ALTER TABLE t ADD [COLUMN] [IF NOT EXISTS] c type, ADD ...`.
        for action in split_top_level(rest) {
            let Some((verb, definition)) = action.split_first() else {
                continue;
            };
            if verb.is("ADD") {
                add(skip_words(definition, &["COLUMN", "IF", "NOT", "EXISTS"]));
            }
        }
    }
}

fn skip_words<'t, 's>(tokens: &'t [Token<'s>], words: &[&str]) -> &'t [Token<'s>] {
    let skip = tokens
        .iter()
        .take_while(|t| words.iter().any(|w| t.is(w)))
        .count();
    &tokens[skip..]
}

/// The comma-separated elements at depth 0 of `tokens`, up to the `)` closing depth 0.
fn split_top_level<'t, 's>(tokens: &'t [Token<'s>]) -> Vec<&'t [Token<'s>]> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, t) in tokens.iter().enumerate() {
        match t.text {
            "(" if !t.quoted => depth += 1,
            ")" if !t.quoted => {
                if depth == 0 {
                    out.push(&tokens[start..i]);
                    return out;
                }
                depth -= 1;
            }
            "," if !t.quoted && depth == 0 => {
                out.push(&tokens[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&tokens[start..]);
    out
}

/// Whether a column's type (the tokens after its name) is `UUID`, bare or in ClickHouse's
/// `Nullable(...)` / `LowCardinality(...)`; not an array of them.
fn is_uuid_type(ty: &[Token<'_>]) -> bool {
    let mut i = 0;
    while ty
        .get(i)
        .is_some_and(|t| t.is("Nullable") || t.is("LowCardinality"))
        && ty.get(i + 1).is_some_and(|t| t.text == "(")
    {
        i += 2;
    }
    ty.get(i).is_some_and(|t| t.is("UUID")) && ty.get(i + 1).is_none_or(|t| t.text != "[")
}

/// The column a call like `cursor.execute("INSERT INTO t (a, b) VALUES (%s, %s)", (x, y))` or
/// `conn.execute("INSERT ... VALUES ($1, $2)", x, y)` binds the value to: the argument at
/// positional `index` (and `element` of it, when it is a tuple or list of parameters), with
/// how the flow shows the step. The statement must be written as a literal (an `INSERT` or
/// `insert`) in the call.
pub fn insert_param(
    call: Node<'_>,
    args: Node<'_>,
    index: usize,
    element: Option<usize>,
    src: &[u8],
) -> Option<(Reached, String)> {
    let param = match (index, element) {
        (0, _) => return None,
        (1, Some(j)) => j,
        (_, Some(_)) => return None,
        (i, None) => i - 1,
    };
    let mut cursor = args.walk();
    let positional: Vec<Node<'_>> = args
        .named_children(&mut cursor)
        .filter(|a| !matches!(a.kind_str(), "keyword_argument" | "comment"))
        .take(2)
        .collect();
    let sql = positional.first().filter(|a| {
        matches!(a.kind_str(), "string" | "concatenated_string") && {
            let raw = node_text(**a, src);
            raw.contains("INSERT") || raw.contains("insert")
        }
    })?;
    // `executemany(sql, [(a, b), ...])`: the element is a row, not a parameter.
    if let (1, Some(j)) = (index, element)
        && positional
            .get(1)
            .and_then(|params| params.named_child(j))
            .is_some_and(|row| matches!(row.kind_str(), "tuple" | "list"))
    {
        return None;
    }
    if call.kind_str() != "call" {
        return None;
    }
    let text = SqlText::of(*sql, src).text;
    let (table, column) = inserted_column(&text, param)?;
    let shown = format!("column `{column}` of `INSERT INTO {table}`");
    Some((Reached::SqlColumn { table, column }, shown))
}

/// The column an `INSERT INTO t (a, b, ...) VALUES (p, q, ...)` binds its parameter `param`
/// (counted from 0) to: `(table, column)`. Placeholders are `%s`, `?`, `$1`, `:1`; a literal
/// or an expression in `VALUES` takes no parameter.
fn inserted_column(sql: &str, param: usize) -> Option<(String, String)> {
    let statements = statements(sql);
    let tokens = statements.first()?;
    let insert = tokens.iter().position(|t| t.is("INSERT"))?;
    let rest = &tokens[insert + 1..];
    let rest = skip_words(rest, &["INTO", "OR", "IGNORE", "REPLACE"]);
    let (table, rest) = rest.split_first()?;
    if rest.first()?.text != "(" {
        return None;
    }
    let columns = split_top_level(&rest[1..]);
    let values = rest.iter().position(|t| t.is("VALUES"))?;
    let open = values + 1;
    if rest.get(open)?.text != "(" {
        return None;
    }
    let items = split_top_level(&rest[open + 1..]);
    let mut sequential = 0;
    let position = items.iter().position(|item| {
        let [single] = item else { return false };
        let t = single.text;
        let numbered = t
            .strip_prefix('$')
            .or_else(|| t.strip_prefix(':'))
            .and_then(|n| n.parse::<usize>().ok());
        match numbered {
            Some(n) => n == param + 1,
            None if matches!(t, "%s" | "?") => {
                sequential += 1;
                sequential == param + 1
            }
            None => false,
        }
    })?;
    let [column] = columns.get(position)? else {
        return None;
    };
    Some((table.text.to_owned(), column.text.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn columns(sql: &str) -> Vec<(String, String, usize)> {
        let text = SqlText {
            text: sql.to_owned(),
            parts: vec![(0, 1, 1)],
            newlines: memchr::memchr_iter(b'\n', sql.as_bytes()).collect(),
        };
        let mut out = Vec::new();
        for statement in statements(sql) {
            declared_uuid_columns(&statement, &text, &mut out);
        }
        out.into_iter()
            .map(|c| (c.table, c.column, c.line))
            .collect()
    }

    #[test]
    fn a_column_is_placed_at_its_name_in_the_file() {
        // `a` stands at column 30 of line 2, `b` at column 4 of line 3.
        let src = "x = 1\ncur.execute(\"CREATE TABLE t (a TEXT, \"\n  'b UUID)')\n";
        let tree = crate::syntax::parse::parse(src, None).unwrap();
        let literal = tree
            .root_node()
            .descendant_for_byte_range(
                src.find("\"CREATE").unwrap(),
                src.find("\"CREATE").unwrap() + 1,
            )
            .and_then(|n| n.parent())
            .and_then(|n| n.parent())
            .unwrap();
        assert_eq!(
            literal.kind(),
            "concatenated_string",
            "{}",
            literal.to_sexp()
        );
        let text = SqlText::of(literal, src.as_bytes());
        let at = text.text.find("b UUID").unwrap();
        assert_eq!((text.line(at), text.column(at)), (3, 4));
        let a = text.text.find("a TEXT").unwrap();
        assert_eq!((text.line(a), text.column(a)), (2, 30));
    }

    fn named(table: &str, column: &str, line: usize) -> (String, String, usize) {
        (table.to_owned(), column.to_owned(), line)
    }

    #[test]
    fn create_table_declares_uuid_columns() {
        let sql = "CREATE TABLE IF NOT EXISTS orders (\n  id SERIAL PRIMARY KEY,\n  order_id UUID NOT NULL,\n  note TEXT,\n  \"buyer_id\" uuid,\n  tags UUID[],\n  [seller_id] UUID,\n  PRIMARY KEY (id)\n)";
        assert_eq!(
            columns(sql),
            vec![
                named("orders", "order_id", 3),
                named("orders", "buyer_id", 5),
                named("orders", "seller_id", 7)
            ]
        );
    }

    #[test]
    fn clickhouse_nullable_and_alter_table() {
        assert_eq!(
            columns("create table events (trace_id Nullable(UUID), n Array(UUID)) ENGINE = Log"),
            vec![named("events", "trace_id", 1)]
        );
        assert_eq!(
            columns("ALTER TABLE public.orders ADD COLUMN refund_id UUID, ADD note text; -- x"),
            vec![named("public.orders", "refund_id", 1)]
        );
        assert_eq!(columns("CREATE TABLE t (order_id TEXT)"), vec![]);
    }

    #[test]
    fn insert_binds_parameters_to_columns() {
        let sql = "INSERT INTO orders (order_id, total, created) VALUES (%s, %s, now())";
        assert_eq!(
            inserted_column(sql, 0),
            Some(("orders".to_owned(), "order_id".to_owned()))
        );
        assert_eq!(
            inserted_column(sql, 1),
            Some(("orders".to_owned(), "total".to_owned()))
        );
        assert_eq!(inserted_column(sql, 2), None);
        let numbered = "insert into orders (total, order_id) values ($2, $1)";
        assert_eq!(
            inserted_column(numbered, 0),
            Some(("orders".to_owned(), "order_id".to_owned()))
        );
        assert_eq!(
            inserted_column("SELECT * FROM orders WHERE id = %s", 0),
            None
        );
    }
}
