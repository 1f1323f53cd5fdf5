//! Values in Prefect's SQLite encodings.
//!
//! SQLite has no UUID, timestamp or interval types, so Prefect stores them as text: a UUID as
//! its 36-character hyphenated form, a timestamp as naive UTC `YYYY-MM-DD HH:MM:SS.ffffff`, an
//! interval as that datetime offset from the Unix epoch, JSON as its text. Binding follows
//! those encodings; reading returns SQLite's storage classes (integer, real, text, blob), and
//! the host's models convert them back by column type.

use chrono::{DateTime, Utc};
use flowdb_plugin_sdk::abi::abi_stable::std_types::{RString, RVec};
use flowdb_plugin_sdk::abi::{RowSet, Statement, StatementOutcome, Value, ValueNE};
use flowdb_plugin_sdk::value::{ValueExt, ValueNEExt};
use sqlx::sqlite::{SqliteArguments, SqliteRow};
use sqlx::{Column as _, Row as _, Sqlite, TypeInfo as _, ValueRef as _};

use crate::error::{Error, ErrorKind, Result};

/// The text form Prefect stores a timestamp in.
const TIMESTAMP_FORMAT: &str = "%Y-%m-%d %H:%M:%S%.6f";

/// Formats microseconds since the epoch as Prefect's naive-UTC timestamp text.
pub(crate) fn timestamp_text(micros: i64) -> Result<String> {
    DateTime::<Utc>::from_timestamp_micros(micros)
        .map(|at| at.format(TIMESTAMP_FORMAT).to_string())
        .ok_or_else(|| {
            Error::new(
                ErrorKind::INVALID_ARGUMENT,
                format!("timestamp {micros} µs is out of range"),
            )
        })
}

/// Binds each parameter in Prefect's SQLite encoding.
pub(crate) fn bind_all(
    mut query: sqlx::query::Query<'static, Sqlite, SqliteArguments>,
    params: &RVec<ValueNE>,
) -> Result<sqlx::query::Query<'static, Sqlite, SqliteArguments>> {
    for param in params {
        query = match param.value()? {
            Value::Null => query.bind(None::<i64>),
            Value::Bool(value) => query.bind(*value),
            Value::Int16(value) => query.bind(i64::from(*value)),
            Value::Int32(value) => query.bind(i64::from(*value)),
            Value::Int64(value) => query.bind(*value),
            Value::Float64(value) => query.bind(*value),
            Value::Text(value) => query.bind(value.to_string()),
            Value::Bytes(value) => query.bind(value.to_vec()),
            Value::Uuid(bytes) => {
                query.bind(uuid::Uuid::from_bytes(*bytes).hyphenated().to_string())
            }
            Value::Timestamp(micros) => query.bind(timestamp_text(*micros)?),
            // An interval is the datetime that far after the epoch, as Prefect stores it.
            Value::Interval(micros) => query.bind(timestamp_text(*micros)?),
            Value::Json(text) => query.bind(text.to_string()),
            // Lists bind as one JSON array each, read with `json_each`, so a statement's text
            // (and its prepared form) does not change with the list's length and a long list
            // does not run into SQLite's bind-parameter limit.
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

fn json_array(items: impl Iterator<Item = serde_json::Value>) -> String {
    serde_json::Value::Array(items.collect()).to_string()
}

/// Reads rows by storage class into one flat row set.
pub(crate) fn row_set(rows: Vec<SqliteRow>) -> Result<RowSet> {
    let columns: RVec<RString> = rows
        .first()
        .map(|row| {
            row.columns()
                .iter()
                .map(|column| RString::from(column.name()))
                .collect()
        })
        .unwrap_or_default();
    let mut values = RVec::with_capacity(rows.len() * columns.len());
    for row in &rows {
        for index in 0..columns.len() {
            values.push(read_value(row, index)?.into_ne());
        }
    }
    Ok(RowSet { columns, values })
}

fn read_value(row: &SqliteRow, index: usize) -> Result<Value> {
    let raw = row.try_get_raw(index).map_err(crate::error::from_sqlx)?;
    if raw.is_null() {
        return Ok(Value::Null);
    }
    let value = match raw.type_info().name() {
        "INTEGER" => Value::Int64(
            row.try_get_unchecked::<i64, _>(index)
                .map_err(crate::error::from_sqlx)?,
        ),
        "REAL" => Value::Float64(
            row.try_get_unchecked::<f64, _>(index)
                .map_err(crate::error::from_sqlx)?,
        ),
        "BLOB" => Value::Bytes(
            row.try_get_unchecked::<Vec<u8>, _>(index)
                .map_err(crate::error::from_sqlx)?
                .into(),
        ),
        _ => Value::Text(
            row.try_get_unchecked::<String, _>(index)
                .map_err(crate::error::from_sqlx)?
                .into(),
        ),
    };
    Ok(value)
}

/// Runs any statement and reports both its rows and the rows it affected.
pub(crate) async fn run_statement<'c, E>(
    executor: E,
    statement: Statement,
) -> Result<StatementOutcome>
where
    E: sqlx::Executor<'c, Database = Sqlite>,
{
    use futures::TryStreamExt as _;

    let query = bind_all(
        sqlx::query(sqlx::AssertSqlSafe(statement.sql.into_string())),
        &statement.params,
    )?;
    let mut stream = executor.fetch_many(query);
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
