//! Statements in MySQL's terms — the contract's `$n` placeholders as `?` — and values both
//! ways.
//!
//! MySQL has no UUID, interval or list types: a UUID binds as its 36-character text (the
//! schema's `CHAR(36)`), an interval as its microseconds (`BIGINT`), a list as a JSON array
//! (read with `JSON_TABLE`), a timestamp as a `DATETIME(6)` in UTC.

use chrono::{DateTime, NaiveDateTime};
use flowdb_plugin_sdk::abi::abi_stable::std_types::{RString, RVec};
use flowdb_plugin_sdk::abi::{RowSet, Statement, StatementOutcome, Value};
use flowdb_plugin_sdk::value::{ValueExt as _, ValueNEExt as _};
use sqlx::mysql::{MySql, MySqlArguments, MySqlRow};
use sqlx::query::Query;
use sqlx::{AssertSqlSafe, Column as _, Row as _, TypeInfo as _, ValueRef as _};

use crate::error::{Error, ErrorExt as _, ErrorKind, Result};

/// The statement's SQL with each `$n` outside literals, quoted identifiers and comments
/// replaced by `?`, and for each `?` the index (from 0) of the parameter it takes. A `$n`
/// used twice binds its value twice, as MySQL's placeholders are positional.
///
/// Hand-written rather than a SQL parser: only placeholders are looked for, and only the
/// lexical states that can hide one matter.
///
/// ```
/// use flowdb_plugin_mysql::positional_placeholders;
///
/// let (sql, order) = positional_placeholders(
///     "select $2, '$1 it''s', \"$1\", `$3` -- $1\n, $1 /* $2 */ + $2, 5--$1",
/// ).unwrap();
/// assert_eq!(sql, "select ?, '$1 it''s', \"$1\", `$3` -- $1\n, ? /* $2 */ + ?, 5--?");
/// assert_eq!(order, vec![1, 0, 1, 0]);
/// ```
pub fn positional_placeholders(sql: &str) -> Result<(String, Vec<usize>)> {
    let bytes = sql.as_bytes();
    let mut out = String::with_capacity(sql.len());
    let mut order = Vec::new();
    let mut index = 0;
    let mut copied = 0;
    while index < bytes.len() {
        match bytes[index] {
            quote @ (b'\'' | b'"' | b'`') => {
                index += 1;
                while index < bytes.len() {
                    if bytes[index] == b'\\' && quote == b'\'' {
                        index += 2;
                        continue;
                    }
                    if bytes[index] == quote {
                        // A doubled quote stays inside.
                        if bytes.get(index + 1) == Some(&quote) {
                            index += 2;
                            continue;
                        }
                        break;
                    }
                    index += 1;
                }
                index += 1;
            }
            // MySQL reads `--` as a comment only before a space or control character
            // (`5--1` is five minus minus one).
            b'-' if bytes.get(index + 1) == Some(&b'-')
                && bytes
                    .get(index + 2)
                    .is_none_or(|next| next.is_ascii_whitespace() || next.is_ascii_control()) =>
            {
                while index < bytes.len() && bytes[index] != b'\n' {
                    index += 1;
                }
            }
            b'#' => {
                while index < bytes.len() && bytes[index] != b'\n' {
                    index += 1;
                }
            }
            // A block comment, but not `/*! … */` or `/*M! … */`, which the server runs.
            b'/' if bytes.get(index + 1) == Some(&b'*')
                && bytes.get(index + 2) != Some(&b'!')
                && !(bytes.get(index + 2) == Some(&b'M')
                    && bytes.get(index + 3) == Some(&b'!')) =>
            {
                index += 2;
                while index < bytes.len()
                    && !(bytes[index] == b'*' && bytes.get(index + 1) == Some(&b'/'))
                {
                    index += 1;
                }
                index += 2;
            }
            // Not inside a name: `$` is an identifier character (`x$1` is one name).
            b'$' if bytes.get(index + 1).is_some_and(u8::is_ascii_digit)
                && !(index > 0
                    && (bytes[index - 1].is_ascii_alphanumeric()
                        || matches!(bytes[index - 1], b'_' | b'$')
                        || bytes[index - 1] >= 0x80)) =>
            {
                let start = index;
                index += 1;
                while index < bytes.len() && bytes[index].is_ascii_digit() {
                    index += 1;
                }
                let number: usize = sql[start + 1..index].parse().map_err(|_| {
                    Error::invalid_argument(format!(
                        "the placeholder `{}` is out of range",
                        &sql[start..index]
                    ))
                })?;
                if number == 0 {
                    return Err(Error::invalid_argument(
                        "the placeholder `$0` does not exist: placeholders count from $1",
                    ));
                }
                out.push_str(&sql[copied..start]);
                out.push('?');
                copied = index;
                order.push(number - 1);
            }
            _ => index += 1,
        }
    }
    out.push_str(&sql[copied.min(sql.len())..]);
    Ok((out, order))
}

fn json_array(items: impl Iterator<Item = serde_json::Value>) -> String {
    serde_json::Value::Array(items.collect()).to_string()
}

fn naive(micros: i64) -> Result<NaiveDateTime> {
    DateTime::from_timestamp_micros(micros)
        .map(|at| at.naive_utc())
        .ok_or_else(|| Error::invalid_argument(format!("timestamp {micros} µs is out of range")))
}

/// The statement as a sqlx query, its values bound in `?` order.
pub(crate) fn query_of(statement: Statement) -> Result<Query<'static, MySql, MySqlArguments>> {
    let (sql, order) = positional_placeholders(statement.sql.as_str())?;
    let mut query = sqlx::query(AssertSqlSafe(sql));
    for number in order {
        let value = statement
            .params
            .get(number)
            .ok_or_else(|| {
                Error::invalid_argument(format!(
                    "the placeholder ${} has no value: {} given",
                    number + 1,
                    statement.params.len()
                ))
            })?
            .value()?;
        query = match value {
            Value::Null => query.bind(None::<String>),
            Value::Bool(value) => query.bind(*value),
            Value::Int16(value) => query.bind(*value),
            Value::Int32(value) => query.bind(*value),
            Value::Int64(value) => query.bind(*value),
            Value::Float64(value) => query.bind(*value),
            Value::Text(value) => query.bind(value.as_str().to_owned()),
            Value::Bytes(value) => query.bind(value.as_slice().to_vec()),
            Value::Uuid(bytes) => {
                query.bind(uuid::Uuid::from_bytes(*bytes).hyphenated().to_string())
            }
            Value::Timestamp(micros) => query.bind(naive(*micros)?),
            Value::Interval(micros) => query.bind(*micros),
            Value::Json(text) => query.bind(text.as_str().to_owned()),
            Value::UuidList(items) => query.bind(json_array(items.iter().map(|bytes| {
                serde_json::Value::String(uuid::Uuid::from_bytes(*bytes).hyphenated().to_string())
            }))),
            Value::TextList(items) => query.bind(json_array(
                items
                    .iter()
                    .map(|item| serde_json::Value::String(item.as_str().to_owned())),
            )),
            Value::Int64List(items) => query.bind(json_array(
                items.iter().map(|item| serde_json::Value::from(*item)),
            )),
        };
    }
    Ok(query)
}

/// How one result column's values are read, from its MySQL type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ColumnReader {
    Bool,
    Signed,
    Unsigned,
    Float32,
    Float64,
    Decimal,
    Text,
    Json,
    Bytes,
    Timestamp,
    Date,
    Year,
    Time,
    Null,
}

impl ColumnReader {
    fn for_type(name: &str) -> ColumnReader {
        match name {
            "BOOLEAN" => ColumnReader::Bool,
            "TINYINT" | "SMALLINT" | "MEDIUMINT" | "INT" | "BIGINT" => ColumnReader::Signed,
            "TINYINT UNSIGNED" | "SMALLINT UNSIGNED" | "MEDIUMINT UNSIGNED" | "INT UNSIGNED"
            | "BIGINT UNSIGNED" | "BIT" => ColumnReader::Unsigned,
            "FLOAT" => ColumnReader::Float32,
            "DOUBLE" => ColumnReader::Float64,
            "DECIMAL" => ColumnReader::Decimal,
            "JSON" => ColumnReader::Json,
            "BLOB" | "TINYBLOB" | "MEDIUMBLOB" | "LONGBLOB" | "BINARY" | "VARBINARY"
            | "GEOMETRY" => ColumnReader::Bytes,
            "DATETIME" | "TIMESTAMP" => ColumnReader::Timestamp,
            "DATE" => ColumnReader::Date,
            "YEAR" => ColumnReader::Year,
            "TIME" => ColumnReader::Time,
            "NULL" => ColumnReader::Null,
            _ => ColumnReader::Text,
        }
    }

    fn read(self, row: &MySqlRow, index: usize) -> Result<Value> {
        let raw = row.try_get_raw(index).map_err(crate::error::from_sqlx)?;
        if raw.is_null() {
            return Ok(Value::Null);
        }
        let decode = |err: sqlx::Error| crate::error::from_sqlx(err);
        Ok(match self {
            ColumnReader::Null => Value::Null,
            ColumnReader::Bool => Value::Bool(row.try_get::<bool, _>(index).map_err(decode)?),
            ColumnReader::Signed => Value::Int64(row.try_get::<i64, _>(index).map_err(decode)?),
            ColumnReader::Unsigned => {
                let value = row.try_get::<u64, _>(index).map_err(decode)?;
                Value::Int64(i64::try_from(value).map_err(|_| {
                    Error::new(
                        ErrorKind::DECODE,
                        format!("column {index}: {value} is beyond a 64-bit signed integer"),
                    )
                })?)
            }
            ColumnReader::Float32 => {
                Value::Float64(f64::from(row.try_get::<f32, _>(index).map_err(decode)?))
            }
            ColumnReader::Float64 => Value::Float64(row.try_get::<f64, _>(index).map_err(decode)?),
            // A DECIMAL arrives as text: an integral one (`count` of a sum, `? + 1`) that fits
            // reads as an integer, a fraction as a float, and an integer too large for 64 bits
            // stays text rather than losing digits.
            ColumnReader::Decimal => {
                let text = row.try_get_unchecked::<String, _>(index).map_err(decode)?;
                if let Ok(number) = text.parse::<i64>() {
                    Value::Int64(number)
                } else if text.contains(['.', 'e', 'E']) {
                    Value::Float64(text.parse::<f64>().map_err(|err| {
                        Error::new(
                            ErrorKind::DECODE,
                            format!("column {index}: decimal `{text}`: {err}"),
                        )
                    })?)
                } else {
                    Value::Text(text.into())
                }
            }
            ColumnReader::Date => {
                let date = row.try_get::<chrono::NaiveDate, _>(index).map_err(decode)?;
                Value::Timestamp(
                    date.and_time(chrono::NaiveTime::MIN)
                        .and_utc()
                        .timestamp_micros(),
                )
            }
            ColumnReader::Year => {
                Value::Int64(i64::from(row.try_get::<u16, _>(index).map_err(decode)?))
            }
            // A TIME is a length of time (it may pass 24 hours or be negative): an interval.
            ColumnReader::Time => {
                let time = row
                    .try_get::<sqlx::mysql::types::MySqlTime, _>(index)
                    .map_err(decode)?;
                let micros = ((i64::from(time.hours()) * 60 + i64::from(time.minutes())) * 60
                    + i64::from(time.seconds()))
                    * 1_000_000
                    + i64::from(time.microseconds());
                Value::Interval(if time.sign().is_negative() {
                    -micros
                } else {
                    micros
                })
            }
            ColumnReader::Text => Value::Text(
                row.try_get_unchecked::<String, _>(index)
                    .map_err(decode)?
                    .into(),
            ),
            ColumnReader::Json => Value::Json(
                row.try_get_unchecked::<String, _>(index)
                    .map_err(decode)?
                    .into(),
            ),
            // A string column of a `_bin` collation (utf8mb4_bin, which flowdb's tables use)
            // carries the protocol's BINARY flag, so its type reads as VARBINARY or BLOB:
            // sqlx's checked text decode accepts it (its collation is not `binary`), and only
            // real binary columns come back as bytes.
            ColumnReader::Bytes => match row.try_get::<String, _>(index) {
                Ok(text) => Value::Text(text.into()),
                Err(_) => Value::Bytes(
                    row.try_get_unchecked::<Vec<u8>, _>(index)
                        .map_err(decode)?
                        .into(),
                ),
            },
            ColumnReader::Timestamp => {
                let at = row.try_get::<NaiveDateTime, _>(index).map_err(decode)?;
                Value::Timestamp(at.and_utc().timestamp_micros())
            }
        })
    }
}

/// The rows as the contract's row set, each column read by its type.
pub(crate) fn row_set(rows: Vec<MySqlRow>) -> Result<RowSet> {
    let Some(first) = rows.first() else {
        return Ok(RowSet {
            columns: RVec::new(),
            values: RVec::new(),
        });
    };
    let readers: Vec<ColumnReader> = first
        .columns()
        .iter()
        .map(|column| ColumnReader::for_type(column.type_info().name()))
        .collect();
    let columns: RVec<RString> = first
        .columns()
        .iter()
        .map(|column| RString::from(column.name()))
        .collect();
    let mut values = RVec::with_capacity(rows.len() * columns.len());
    for row in &rows {
        for (index, reader) in readers.iter().enumerate() {
            values.push(reader.read(row, index)?.into_ne());
        }
    }
    Ok(RowSet { columns, values })
}

/// Runs any statement and returns the rows it returned and the rows it affected.
pub(crate) async fn run_statement<'c, E>(
    executor: E,
    statement: Statement,
) -> Result<StatementOutcome>
where
    E: sqlx::Executor<'c, Database = MySql>,
{
    use futures::TryStreamExt as _;

    let mut stream = executor.fetch_many(query_of(statement)?);
    let mut rows = Vec::new();
    let mut affected = 0;
    while let Some(item) = stream.try_next().await.map_err(crate::error::from_sqlx)? {
        match item {
            sqlx::Either::Left(done) => affected += done.rows_affected(),
            sqlx::Either::Right(row) => rows.push(row),
        }
    }
    let returned = rows.len() as u64;
    Ok(StatementOutcome {
        rows_affected: affected.max(returned),
        rows: row_set(rows)?,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::positional_placeholders;

    #[test]
    fn placeholders_in_names_and_executable_comments() {
        // `$` is part of a name; `/*! … */` is code the server runs.
        let (sql, order) =
            positional_placeholders("select x$1, $2 /*! + $1 */ /*M! - $2 */ /* $3 */").unwrap();
        assert_eq!(sql, "select x$1, ? /*! + ? */ /*M! - ? */ /* $3 */");
        assert_eq!(order, vec![1, 0, 1]);
        // A backslash escapes the quote in a literal.
        let (sql, order) = positional_placeholders(r"select 'it\'s $1', $1").unwrap();
        assert_eq!(sql, r"select 'it\'s $1', ?");
        assert_eq!(order, vec![0]);
        assert!(positional_placeholders("select $0").is_err());
    }
}
