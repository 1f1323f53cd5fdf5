//! SQL written with `:name` placeholders, as Prefect's templates and SQLAlchemy's `text()`
//! write it, compiled to the contract's `$n` placeholders with its values bound by name.

use crate::abi::{Statement, Value};
use crate::error::{Error, ErrorExt, Result};
use crate::value::ValueExt;

/// A statement written with `:name` placeholders, compiled to `$1`, `$2`, … in order of first
/// appearance; the same name maps to the same number every time it appears.
///
/// Text in quotes (`'…'`, `"…"`), comments (`-- …`, `/* … */`) and PostgreSQL casts (`::jsonb`)
/// are left alone. A literal `$1` in the source is refused: one statement uses one style.
///
/// ```
/// use flowdb_plugin_sdk::abi::Value;
/// use flowdb_plugin_sdk::queries::NamedSql;
///
/// let sql = NamedSql::compile(
///     "select id from flow_run where id = :id and state_type != 'x:y' and tags::text <> :id",
/// ).unwrap();
/// assert_eq!(sql.sql(), "select id from flow_run where id = $1 and state_type != 'x:y' and tags::text <> $1");
/// assert_eq!(sql.names(), ["id"]);
/// let statement = sql.bind(|name| (name == "id").then(|| Value::Int64(7))).unwrap();
/// assert_eq!(statement.params.len(), 1);
/// assert!(sql.bind(|_| None).unwrap_err().message.contains("`:id`"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedSql {
    sql: String,
    names: Vec<String>,
}

fn is_name_start(byte: u8) -> bool {
    byte.is_ascii_alphabetic() || byte == b'_'
}

fn is_name_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

impl NamedSql {
    /// Compiles `source`; the error says what is wrong and where.
    pub fn compile(source: &str) -> std::result::Result<NamedSql, String> {
        let bytes = source.as_bytes();
        let mut sql = String::with_capacity(source.len());
        let mut names: Vec<String> = Vec::new();
        let mut copied = 0;
        let mut at = 0;
        while at < bytes.len() {
            match bytes[at] {
                quote @ (b'\'' | b'"') => {
                    let end = bytes[at + 1..]
                        .iter()
                        .position(|byte| *byte == quote)
                        .ok_or_else(|| {
                            format!("unterminated {} quote at byte {at}", quote as char)
                        })?;
                    at += end + 2;
                }
                b'-' if bytes.get(at + 1) == Some(&b'-') => {
                    at = bytes[at..]
                        .iter()
                        .position(|byte| *byte == b'\n')
                        .map_or(bytes.len(), |end| at + end + 1);
                }
                b'/' if bytes.get(at + 1) == Some(&b'*') => {
                    let end = source[at + 2..]
                        .find("*/")
                        .ok_or_else(|| format!("unterminated comment at byte {at}"))?;
                    at += end + 4;
                }
                b':' if bytes.get(at + 1) == Some(&b':') => at += 2,
                b':' if bytes.get(at + 1).copied().is_some_and(is_name_start) => {
                    let start = at + 1;
                    let mut end = start;
                    while end < bytes.len() && is_name_byte(bytes[end]) {
                        end += 1;
                    }
                    let name = &source[start..end];
                    let number = match names.iter().position(|known| known == name) {
                        Some(index) => index + 1,
                        None => {
                            names.push(name.to_owned());
                            names.len()
                        }
                    };
                    sql.push_str(&source[copied..at]);
                    sql.push('$');
                    sql.push_str(&number.to_string());
                    copied = end;
                    at = end;
                }
                b'$' if bytes.get(at + 1).is_some_and(u8::is_ascii_digit) => {
                    return Err(format!(
                        "positional placeholder `${}` at byte {at}: write `:name` placeholders",
                        bytes[at + 1] as char
                    ));
                }
                _ => at += 1,
            }
        }
        sql.push_str(&source[copied..]);
        Ok(NamedSql { sql, names })
    }

    /// The compiled SQL, with `$n` placeholders.
    pub fn sql(&self) -> &str {
        &self.sql
    }

    /// The placeholder names, `$1` first.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The statement with each name's value from `value_of`; a name without a value is an
    /// error naming it.
    pub fn bind(&self, mut value_of: impl FnMut(&str) -> Option<Value>) -> Result<Statement> {
        let mut params = abi_stable::std_types::RVec::with_capacity(self.names.len());
        for name in &self.names {
            let value = value_of(name).ok_or_else(|| {
                Error::invalid_argument(format!("no value for the placeholder `:{name}`"))
            })?;
            params.push(value.into_ne());
        }
        Ok(Statement {
            sql: self.sql.as_str().into(),
            params,
        })
    }
}

/// `sql` with every `$n` placeholder renumbered to `$(n + offset)`, for putting statements
/// side by side in one (text in quotes and comments is left alone).
///
/// ```
/// use flowdb_plugin_sdk::queries::shift_placeholders;
///
/// assert_eq!(
///     shift_placeholders("insert into t values ($1, $2, '$1') -- $3", 4),
///     "insert into t values ($5, $6, '$1') -- $3"
/// );
/// ```
pub fn shift_placeholders(sql: &str, offset: usize) -> String {
    let bytes = sql.as_bytes();
    let mut shifted = String::with_capacity(sql.len() + 16);
    let mut copied = 0;
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            quote @ (b'\'' | b'"') => {
                at = bytes[at + 1..]
                    .iter()
                    .position(|byte| *byte == quote)
                    .map_or(bytes.len(), |end| at + end + 2);
            }
            b'-' if bytes.get(at + 1) == Some(&b'-') => {
                at = bytes[at..]
                    .iter()
                    .position(|byte| *byte == b'\n')
                    .map_or(bytes.len(), |end| at + end + 1);
            }
            b'/' if bytes.get(at + 1) == Some(&b'*') => {
                at = sql[at + 2..]
                    .find("*/")
                    .map_or(bytes.len(), |end| at + end + 4);
            }
            b'$' if bytes.get(at + 1).is_some_and(u8::is_ascii_digit) => {
                let mut end = at + 1;
                while end < bytes.len() && bytes[end].is_ascii_digit() {
                    end += 1;
                }
                let number: usize = sql[at + 1..end].parse().unwrap_or(0);
                shifted.push_str(&sql[copied..at]);
                shifted.push('$');
                shifted.push_str(&(number + offset).to_string());
                copied = end;
                at = end;
            }
            _ => at += 1,
        }
    }
    shifted.push_str(&sql[copied..]);
    shifted
}
