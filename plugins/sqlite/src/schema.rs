//! The live SQLite schema as snapshot lines (see `flowdb_plugin_sdk::schema`).
//!
//! Columns, keys, indexes and foreign keys come from the catalog pragmas. Constraint names and
//! CHECK constraints are in no pragma, only in the `CREATE TABLE` text SQLite stores, so that
//! text is parsed for them. Hand-written rather than a SQL parser crate: only the top level of
//! the table body matters (split on commas outside parentheses and quotes), and a full parser
//! would be a large dependency for four keywords.

use std::collections::BTreeMap;

use flowdb_plugin_sdk::schema::{finish_snapshot, normalize_whitespace as norm};
use rusqlite::{Connection, Row};

use crate::error::{Result, from_sqlite};

/// Every row of `sql` (with `param` bound to `?1` if given), read by `read`.
fn rows<T>(
    connection: &Connection,
    sql: &str,
    param: Option<&str>,
    read: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    let mut statement = connection.prepare_cached(sql).map_err(from_sqlite)?;
    let mapped = match param {
        Some(param) => statement.query_map([param], read),
        None => statement.query_map([], read),
    }
    .map_err(from_sqlite)?;
    mapped
        .collect::<rusqlite::Result<Vec<T>>>()
        .map_err(from_sqlite)
}

/// Every table, column, key, index, foreign key, CHECK constraint, trigger and view.
pub(crate) fn snapshot(connection: &Connection) -> Result<Vec<String>> {
    let tables: Vec<(String, String)> = rows(
        connection,
        "select name, sql from sqlite_master \
         where type = 'table' and substr(name, 1, 7) <> 'sqlite_' order by name",
        None,
        |row| Ok((row.get(0)?, row.get(1)?)),
    )?;

    let mut lines = Vec::new();
    for (table, sql) in &tables {
        lines.push(format!("table {table}"));
        table_lines(connection, table, &TableText::parse(sql), &mut lines)?;
    }

    let others: Vec<(String, String, String, Option<String>)> = rows(
        connection,
        "select type, name, tbl_name, sql from sqlite_master where type in ('trigger', 'view')",
        None,
        |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
    )?;
    for (kind, name, table, sql) in others {
        let def = norm(sql.as_deref());
        lines.push(match kind.as_str() {
            "trigger" => format!("trigger {table}.{name} def={def}"),
            _ => format!("view {name} def={def}"),
        });
    }
    Ok(finish_snapshot(lines))
}

/// The lines of one table's columns, keys, indexes, foreign keys and checks.
fn table_lines(
    connection: &Connection,
    table: &str,
    text: &TableText,
    lines: &mut Vec<String>,
) -> Result<()> {
    let columns: Vec<(String, String, bool, Option<String>, i64)> = rows(
        connection,
        "select name, type, \"notnull\", dflt_value, pk from pragma_table_info(?1) order by cid",
        Some(table),
        |row| {
            Ok((
                row.get(0)?,
                row.get(1)?,
                row.get(2)?,
                row.get(3)?,
                row.get(4)?,
            ))
        },
    )?;
    let mut key: Vec<(i64, &str)> = Vec::new();
    for (name, kind, not_null, default, pk) in &columns {
        lines.push(format!(
            "column {table}.{name} type={kind} nullable={} default={}",
            if *not_null { "no" } else { "yes" },
            norm(default.as_deref()),
        ));
        if *pk > 0 {
            key.push((*pk, name));
        }
    }
    if !key.is_empty() {
        key.sort_unstable();
        let key: Vec<&str> = key.into_iter().map(|(_, name)| name).collect();
        lines.push(format!(
            "pk {table} name={} columns=({})",
            text.primary_key_name.as_deref().unwrap_or("-"),
            key.join(", ")
        ));
    }

    let indexes: Vec<(String, bool, String)> = rows(
        connection,
        "select name, \"unique\", origin from pragma_index_list(?1)",
        Some(table),
        |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
    )?;
    for (index, unique, origin) in indexes {
        match origin.as_str() {
            // Covered by the pk line.
            "pk" => {}
            "u" => {
                let key: Vec<Option<String>> = rows(
                    connection,
                    "select name from pragma_index_xinfo(?1) where key = 1 order by seqno",
                    Some(&index),
                    |row| row.get(0),
                )?;
                let key: Vec<String> = key.into_iter().map(Option::unwrap_or_default).collect();
                let name = text.unique_names.get(&key).map_or("-", String::as_str);
                lines.push(format!(
                    "unique {table} name={name} columns=({})",
                    key.join(", ")
                ));
            }
            _ => {
                let sql: Option<String> = rows(
                    connection,
                    "select sql from sqlite_master where type = 'index' and name = ?1",
                    Some(&index),
                    |row| row.get::<_, Option<String>>(0),
                )?
                .into_iter()
                .next()
                .flatten();
                let (columns, predicate) = sql.as_deref().map(index_parts).unwrap_or_default();
                lines.push(format!(
                    "index {table}.{index} unique={unique} method=btree columns=({columns}) where={}",
                    predicate.unwrap_or_else(|| "-".to_owned())
                ));
            }
        }
    }

    let references: Vec<ForeignKeyPart> = rows(
        connection,
        "select id, seq, \"table\", \"from\", \"to\", on_update, on_delete \
             from pragma_foreign_key_list(?1) order by id, seq",
        Some(table),
        |row| {
            Ok((
                row.get(0)?,
                row.get(1)?,
                row.get(2)?,
                row.get(3)?,
                row.get(4)?,
                row.get(5)?,
                row.get(6)?,
            ))
        },
    )?;
    let mut by_id: BTreeMap<i64, Vec<_>> = BTreeMap::new();
    for reference in &references {
        by_id.entry(reference.0).or_default().push(reference);
    }
    for parts in by_id.values() {
        let (_, _, target, _, _, on_update, on_delete) = parts[0];
        let from: Vec<String> = parts.iter().map(|part| part.3.clone()).collect();
        let to: Vec<&str> = parts
            .iter()
            .map(|part| part.4.as_deref().unwrap_or("None"))
            .collect();
        let name = text
            .foreign_key_names
            .get(&from)
            .map_or("-", String::as_str);
        lines.push(format!(
            "fk {table}({}) -> {target}({}) on_delete={on_delete} on_update={on_update} name={name}",
            from.join(", "),
            to.join(", ")
        ));
    }

    for (name, expr) in &text.checks {
        lines.push(format!(
            "check {table} name={} expr={expr}",
            name.as_deref().unwrap_or("-")
        ));
    }
    Ok(())
}

/// A row of `pragma_foreign_key_list`: constraint id, position, referenced table, column,
/// referenced column (None: the referenced table's primary key), ON UPDATE, ON DELETE.
type ForeignKeyPart = (i64, i64, String, String, Option<String>, String, String);

/// What only a table's stored `CREATE TABLE` text tells: constraint names and CHECKs.
#[derive(Debug, Default, PartialEq)]
struct TableText {
    primary_key_name: Option<String>,
    unique_names: BTreeMap<Vec<String>, String>,
    foreign_key_names: BTreeMap<Vec<String>, String>,
    /// (constraint name, `CHECK (expr)`) in order of appearance.
    checks: Vec<(Option<String>, String)>,
}

impl TableText {
    /// Reads the table body's top-level elements. Text it cannot make sense of yields nothing,
    /// never an error: the pragmas still describe the table.
    fn parse(sql: &str) -> TableText {
        let mut text = TableText::default();
        let Some(open) = sql.find('(') else {
            return text;
        };
        let Some((body, _)) = balanced_from(sql, open) else {
            return text;
        };
        for element in split_top_level(body) {
            let (name, rest) = match strip_keyword(&element, "CONSTRAINT") {
                Some(after) => {
                    let (name, rest) = take_identifier(after);
                    (Some(name), rest)
                }
                None => (None, element.as_str()),
            };
            if let Some(after) = strip_keywords(rest, &["PRIMARY", "KEY"]) {
                if after.starts_with('(') {
                    text.primary_key_name = name;
                }
            } else if let Some(after) = strip_keyword(rest, "UNIQUE") {
                if let (Some(name), Some((columns, _))) = (name, balanced_from(after, 0)) {
                    let key = split_top_level(columns)
                        .iter()
                        .map(|column| unquote(column.split_whitespace().next().unwrap_or_default()))
                        .collect();
                    text.unique_names.insert(key, name);
                }
            } else if let Some(after) = strip_keywords(rest, &["FOREIGN", "KEY"]) {
                if let (Some(name), Some((columns, _))) = (name, balanced_from(after, 0)) {
                    let key = split_top_level(columns)
                        .iter()
                        .map(|c| unquote(c))
                        .collect();
                    text.foreign_key_names.insert(key, name);
                }
            } else if let Some(after) = strip_keyword(rest, "CHECK") {
                if let Some((expr, _)) = balanced_from(after, 0) {
                    text.checks
                        .push((name, format!("CHECK ({})", norm(Some(expr)))));
                }
            } else {
                text.checks.extend(inline_checks(&element));
            }
        }
        text
    }
}

/// `CHECK` constraints written inside a column definition (never inside its quoted text, such
/// as a `DEFAULT 'CHECK (x)'`).
fn inline_checks(column: &str) -> Vec<(Option<String>, String)> {
    let upper = blank_quoted(&column.to_ascii_uppercase());
    let mut checks = Vec::new();
    let mut from = 0;
    while let Some(found) = upper[from..].find("CHECK") {
        let at = from + found;
        from = at + "CHECK".len();
        let starts_word = upper[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !is_identifier_char(c));
        let after = column[from..].trim_start();
        if !starts_word || !after.starts_with('(') {
            continue;
        }
        let Some((expr, _)) = balanced_from(after, 0) else {
            continue;
        };
        // `CONSTRAINT name` right before the CHECK names it.
        let before: Vec<&str> = column[..at].split_whitespace().rev().take(2).collect();
        let name = match before.as_slice() {
            [name, keyword] if keyword.eq_ignore_ascii_case("CONSTRAINT") => Some(unquote(name)),
            _ => None,
        };
        checks.push((name, format!("CHECK ({})", norm(Some(expr)))));
    }
    checks
}

/// `text` with the inside of every quoted string or identifier replaced by spaces, so that a
/// keyword search skips them; byte offsets stay the same.
fn blank_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut quote = None;
    for ch in text.chars() {
        match quote {
            Some(close) if ch == close => {
                quote = None;
                out.push(ch);
            }
            Some(_) => out.extend(std::iter::repeat_n(' ', ch.len_utf8())),
            None => {
                quote = match ch {
                    '\'' | '"' | '`' => Some(ch),
                    '[' => Some(']'),
                    _ => None,
                };
                out.push(ch);
            }
        }
    }
    out
}

/// An index's key expressions and partial-index predicate, from its `CREATE INDEX` text.
fn index_parts(sql: &str) -> (String, Option<String>) {
    let upper = blank_quoted(&sql.to_ascii_uppercase());
    let Some(on) = find_keyword(&upper, "ON") else {
        return (String::new(), None);
    };
    let Some(open) = sql[on..].find('(').map(|offset| on + offset) else {
        return (String::new(), None);
    };
    let Some((columns, end)) = balanced_from(sql, open) else {
        return (String::new(), None);
    };
    let columns = split_top_level(columns)
        .iter()
        .map(|column| norm(Some(column)))
        .collect::<Vec<_>>()
        .join(", ");
    let predicate = strip_keyword(&sql[end + 1..], "WHERE").map(|rest| norm(Some(rest)));
    (columns, predicate)
}

/// The position of `keyword` as a whole word in `upper` (already upper-cased).
fn find_keyword(upper: &str, keyword: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(found) = upper[from..].find(keyword) {
        let at = from + found;
        let end = at + keyword.len();
        let before_ok = upper[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !is_identifier_char(c));
        let after_ok = upper[end..]
            .chars()
            .next()
            .is_none_or(|c| !is_identifier_char(c));
        if before_ok && after_ok {
            return Some(at);
        }
        from = end;
    }
    None
}

fn is_identifier_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '$'
}

/// `text` after a leading `keyword` (case-insensitive, whole word) and the spaces after it.
fn strip_keyword<'a>(text: &'a str, keyword: &str) -> Option<&'a str> {
    let text = text.trim_start();
    let head = text.get(..keyword.len())?;
    let rest = &text[keyword.len()..];
    let whole_word = rest.chars().next().is_none_or(|c| !is_identifier_char(c));
    (head.eq_ignore_ascii_case(keyword) && whole_word).then(|| rest.trim_start())
}

/// `text` after each of `keywords` in turn.
fn strip_keywords<'a>(text: &'a str, keywords: &[&str]) -> Option<&'a str> {
    keywords
        .iter()
        .try_fold(text, |rest, keyword| strip_keyword(rest, keyword))
}

/// A leading identifier (bare, or quoted with `"`, `` ` `` or `[]`), unquoted, and the rest.
fn take_identifier(text: &str) -> (String, &str) {
    let text = text.trim_start();
    let close = match text.chars().next() {
        Some('"') => Some('"'),
        Some('`') => Some('`'),
        Some('[') => Some(']'),
        _ => None,
    };
    let end = match close {
        Some(close) => text[1..].find(close).map_or(text.len(), |at| at + 2),
        None => text
            .find(|c: char| !is_identifier_char(c))
            .unwrap_or(text.len()),
    };
    (unquote(&text[..end]), text[end..].trim_start())
}

/// An identifier without its quotes.
fn unquote(name: &str) -> String {
    let name = name.trim();
    let quoted = name.len() >= 2
        && matches!(
            (name.chars().next(), name.chars().next_back()),
            (Some('"'), Some('"')) | (Some('`'), Some('`')) | (Some('['), Some(']'))
        );
    if quoted {
        name[1..name.len() - 1].to_owned()
    } else {
        name.to_owned()
    }
}

/// With `text[start] == '('`: the text inside the matching parenthesis, and that
/// parenthesis's index. Quoted text is skipped. None when unbalanced.
fn balanced_from(text: &str, start: usize) -> Option<(&str, usize)> {
    if !text[start..].starts_with('(') {
        return None;
    }
    let mut depth = 0usize;
    // `blank_quoted` keeps byte offsets, so positions found in it index `text` too.
    for (offset, byte) in blank_quoted(&text[start..]).bytes().enumerate() {
        match byte {
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    let at = start + offset;
                    return Some((&text[start + 1..at], at));
                }
            }
            _ => {}
        }
    }
    None
}

/// Splits a table body on the commas outside parentheses and quotes; each part trimmed.
fn split_top_level(body: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut from = 0;
    for (at, byte) in blank_quoted(body).bytes().enumerate() {
        match byte {
            b'(' => depth += 1,
            b')' => depth -= 1,
            b',' if depth == 0 => {
                parts.push(body[from..at].trim().to_owned());
                from = at + 1;
            }
            _ => {}
        }
    }
    let last = body[from..].trim();
    if !last.is_empty() {
        parts.push(last.to_owned());
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_text_yields_constraint_names_and_checks() {
        let text = TableText::parse(
            "CREATE TABLE \"ref\" (\n  id CHAR(36) NOT NULL,\n  a VARCHAR DEFAULT 'x, (y)',\n  \
             n INTEGER CONSTRAINT ck_n CHECK (n > 0),\n  \
             CONSTRAINT pk_ref PRIMARY KEY (id),\n  CONSTRAINT uq_ref__a UNIQUE (a),\n  \
             CONSTRAINT fk_ref__a__t FOREIGN KEY(a) REFERENCES t (id) ON DELETE CASCADE,\n  \
             CONSTRAINT ck_self CHECK (a != id)\n)",
        );
        assert_eq!(text.primary_key_name.as_deref(), Some("pk_ref"));
        assert_eq!(text.unique_names[&vec!["a".to_owned()]], "uq_ref__a");
        assert_eq!(
            text.foreign_key_names[&vec!["a".to_owned()]],
            "fk_ref__a__t"
        );
        assert_eq!(
            text.checks,
            [
                (Some("ck_n".to_owned()), "CHECK (n > 0)".to_owned()),
                (Some("ck_self".to_owned()), "CHECK (a != id)".to_owned()),
            ]
        );
    }

    #[test]
    fn a_column_named_like_a_keyword_is_not_a_check() {
        let text = TableText::parse("CREATE TABLE t (checksum VARCHAR NOT NULL, x INT)");
        assert!(text.checks.is_empty());
    }

    #[test]
    fn quoted_text_is_not_searched_for_keywords() {
        let text = TableText::parse(
            "CREATE TABLE t (a VARCHAR DEFAULT 'CHECK (a > 0)', [b (x] INT CHECK (b > 1))",
        );
        assert_eq!(text.checks, [(None, "CHECK (b > 1)".to_owned())]);
        assert_eq!(
            index_parts("CREATE INDEX \"ix on (t\" ON t (a) WHERE a <> ' ON x'"),
            ("a".to_owned(), Some("a <> ' ON x'".to_owned()))
        );
    }

    #[test]
    fn index_text_yields_expressions_and_predicate() {
        assert_eq!(
            index_parts(
                "CREATE UNIQUE INDEX uq_x ON \"t\" (lower(name), created DESC)\n WHERE  deleted IS NULL"
            ),
            (
                "lower(name), created DESC".to_owned(),
                Some("deleted IS NULL".to_owned())
            )
        );
        assert_eq!(
            index_parts("CREATE INDEX ix ON t (a)"),
            ("a".to_owned(), None)
        );
    }
}
