//! Values in Prefect's SQLite encodings, and running one statement.
//!
//! SQLite has no UUID, timestamp or interval types, so Prefect stores them as text: a UUID as
//! its 36-character hyphenated form, a timestamp as naive UTC `YYYY-MM-DD HH:MM:SS.ffffff`, an
//! interval as that datetime offset from the Unix epoch, JSON as its text. Binding follows
//! those encodings. Reading goes by each result column's declared type (`DATETIME`,
//! `CHAR(36)`, `JSON`, `BOOLEAN`, as Prefect's schema declares them), so a table's columns come
//! back typed as on PostgreSQL; a computed column has no declared type and comes back as
//! SQLite stored it.

use flowdb_plugin_sdk::abi::abi_stable::std_types::{RString, RVec};
use flowdb_plugin_sdk::abi::{RowSet, Statement, StatementOutcome, Value};
use flowdb_plugin_sdk::value::{ValueExt, ValueNEExt};
use rusqlite::types::ValueRef;
use rusqlite::{CachedStatement, Connection};

use crate::error::{Error, ErrorExt, ErrorKind, Result, from_sqlite};

/// Microseconds per day.
const DAY_MICROS: i64 = 86_400_000_000;

/// Days from 1970-01-01 to the civil date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The civil date of a day count from 1970-01-01.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Prefect's timestamp text for microseconds since the epoch:
/// `YYYY-MM-DD HH:MM:SS.ffffff` (years 0 to 9999).
///
/// Hand-written instead of chrono's formatter: it runs for every timestamp bound, and a fixed
/// format needs no format-string interpretation.
pub(crate) fn timestamp_text(micros: i64) -> Result<String> {
    let days = micros.div_euclid(DAY_MICROS);
    let of_day = micros.rem_euclid(DAY_MICROS);
    let (year, month, day) = civil_from_days(days);
    if !(0..=9999).contains(&year) {
        return Err(Error::new(
            ErrorKind::INVALID_ARGUMENT,
            format!("timestamp {micros} µs is out of SQLite's range (years 0 to 9999)"),
        ));
    }
    let seconds = of_day / 1_000_000;
    Ok(format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}.{:06}",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60,
        of_day % 1_000_000
    ))
}

fn digits(bytes: &[u8]) -> Option<i64> {
    let mut value = 0_i64;
    for byte in bytes {
        if !byte.is_ascii_digit() {
            return None;
        }
        value = value * 10 + i64::from(byte - b'0');
    }
    Some(value)
}

/// Microseconds since the epoch of Prefect's timestamp text (`YYYY-MM-DD HH:MM:SS[.f…]`, a
/// `T` accepted for the space, a trailing `Z` or `+00:00` accepted), or None for other text.
pub(crate) fn parse_timestamp(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    if bytes.len() < 19
        || bytes[4] != b'-'
        || bytes[7] != b'-'
        || !matches!(bytes[10], b' ' | b'T')
        || bytes[13] != b':'
        || bytes[16] != b':'
    {
        return None;
    }
    let (year, month, day) = (
        digits(&bytes[0..4])?,
        digits(&bytes[5..7])?,
        digits(&bytes[8..10])?,
    );
    let (hour, minute, second) = (
        digits(&bytes[11..13])?,
        digits(&bytes[14..16])?,
        digits(&bytes[17..19])?,
    );
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut rest = &bytes[19..];
    let mut micros = 0;
    if let Some(fraction) = rest.strip_prefix(b".") {
        let length = fraction
            .iter()
            .take_while(|byte| byte.is_ascii_digit())
            .count();
        if length == 0 {
            return None;
        }
        let kept = &fraction[..length.min(6)];
        micros = digits(kept)? * 10_i64.pow(6 - kept.len() as u32);
        rest = &fraction[length..];
    }
    if !matches!(rest, b"" | b"Z" | b"+00:00") {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some(days * DAY_MICROS + ((hour * 60 + minute) * 60 + second) * 1_000_000 + micros)
}

/// How a result column is read, from its declared type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ColumnType {
    Timestamp,
    Interval,
    Uuid,
    Json,
    Bool,
    Plain,
}

/// Prefect's interval columns. SQLite declares them `DATETIME` like any timestamp (an interval
/// is stored as the datetime that far after the epoch), so only the name tells them apart.
const INTERVAL_COLUMNS: &[&str] = &["total_run_time"];

fn column_type(name: &str, declared: Option<&str>) -> ColumnType {
    match declared.map(str::to_ascii_uppercase).as_deref() {
        Some("DATETIME" | "TIMESTAMP") if INTERVAL_COLUMNS.contains(&name) => ColumnType::Interval,
        Some("DATETIME" | "TIMESTAMP") => ColumnType::Timestamp,
        Some("CHAR(36)" | "UUID") => ColumnType::Uuid,
        Some("JSON" | "JSONB") => ColumnType::Json,
        Some("BOOLEAN" | "BOOL") => ColumnType::Bool,
        _ => ColumnType::Plain,
    }
}

fn read_value(value: ValueRef<'_>, column: ColumnType, index: usize) -> Result<Value> {
    Ok(match value {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(number) if column == ColumnType::Bool => Value::Bool(number != 0),
        // Prefect declares JSON columns `JSON`, which SQLite gives NUMERIC affinity: a document
        // that is a bare number (a progress artifact's `50.0`) is stored as a number, and read
        // back it is still that JSON document.
        ValueRef::Integer(number) if column == ColumnType::Json => {
            Value::Json(number.to_string().into())
        }
        ValueRef::Real(number) if column == ColumnType::Json => {
            match serde_json::Number::from_f64(number) {
                Some(number) => Value::Json(number.to_string().into()),
                None => {
                    return Err(Error::new(
                        ErrorKind::DECODE,
                        format!("column {index} holds {number}, which no JSON document can be"),
                    ));
                }
            }
        }
        ValueRef::Integer(number) => Value::Int64(number),
        ValueRef::Real(number) => Value::Float64(number),
        ValueRef::Blob(bytes) => Value::Bytes(bytes.to_vec().into()),
        ValueRef::Text(bytes) => {
            let text = std::str::from_utf8(bytes).map_err(|err| {
                Error::new(
                    ErrorKind::DECODE,
                    format!("column {index} is not UTF-8: {err}"),
                )
            })?;
            match column {
                ColumnType::Timestamp => match parse_timestamp(text) {
                    Some(micros) => Value::Timestamp(micros),
                    None => Value::Text(text.into()),
                },
                ColumnType::Interval => match parse_timestamp(text) {
                    Some(micros) => Value::Interval(micros),
                    None => Value::Text(text.into()),
                },
                ColumnType::Uuid => match uuid::Uuid::try_parse(text) {
                    Ok(id) => Value::Uuid(id.into_bytes()),
                    Err(_) => Value::Text(text.into()),
                },
                ColumnType::Json => Value::Json(text.into()),
                ColumnType::Bool | ColumnType::Plain => Value::Text(text.into()),
            }
        }
    })
}

fn json_array(items: impl Iterator<Item = serde_json::Value>) -> String {
    serde_json::Value::Array(items.collect()).to_string()
}

fn bind_value(statement: &mut CachedStatement<'_>, index: usize, value: &Value) -> Result<()> {
    let bound = match value {
        Value::Null => statement.raw_bind_parameter(index, rusqlite::types::Null),
        Value::Bool(value) => statement.raw_bind_parameter(index, i64::from(*value)),
        Value::Int16(value) => statement.raw_bind_parameter(index, i64::from(*value)),
        Value::Int32(value) => statement.raw_bind_parameter(index, i64::from(*value)),
        Value::Int64(value) => statement.raw_bind_parameter(index, *value),
        Value::Float64(value) => statement.raw_bind_parameter(index, *value),
        Value::Text(value) => statement.raw_bind_parameter(index, value.as_str()),
        Value::Bytes(value) => statement.raw_bind_parameter(index, value.as_slice()),
        Value::Uuid(bytes) => {
            let mut buffer = uuid::Uuid::encode_buffer();
            let text = uuid::Uuid::from_bytes(*bytes)
                .hyphenated()
                .encode_lower(&mut buffer);
            statement.raw_bind_parameter(index, &*text)
        }
        // An interval is the datetime that far after the epoch, as Prefect stores it.
        Value::Timestamp(micros) | Value::Interval(micros) => {
            statement.raw_bind_parameter(index, timestamp_text(*micros)?)
        }
        Value::Json(text) => statement.raw_bind_parameter(index, text.as_str()),
        // Lists bind as one JSON array each, read with `json_each`, so a statement's text (and
        // its prepared form) does not change with the list's length and a long list does not
        // run into SQLite's bind-parameter limit.
        Value::UuidList(items) => statement.raw_bind_parameter(
            index,
            json_array(items.iter().map(|bytes| {
                serde_json::Value::String(uuid::Uuid::from_bytes(*bytes).hyphenated().to_string())
            })),
        ),
        Value::TextList(items) => statement.raw_bind_parameter(
            index,
            json_array(
                items
                    .iter()
                    .map(|item| serde_json::Value::String(item.as_str().to_owned())),
            ),
        ),
        Value::Int64List(items) => statement.raw_bind_parameter(
            index,
            json_array(items.iter().map(|item| serde_json::Value::from(*item))),
        ),
    };
    bound.map_err(from_sqlite)
}

/// Prepares (from the connection's statement cache) and binds a statement. SQLite numbers
/// `$n` parameters in order of first appearance; the contract's `$n` is `params[n - 1]`, so
/// each parameter is bound by its name.
fn prepare<'c>(connection: &'c Connection, statement: &Statement) -> Result<CachedStatement<'c>> {
    let mut prepared = connection
        .prepare_cached(statement.sql.as_str())
        .map_err(from_sqlite)?;
    for index in 1..=prepared.parameter_count() {
        let number = match prepared.parameter_name(index) {
            Some(name) => name
                .strip_prefix('$')
                .or_else(|| name.strip_prefix('?'))
                .and_then(|number| number.parse::<usize>().ok())
                .ok_or_else(|| {
                    Error::invalid_argument(format!(
                        "the placeholder `{name}` is not `$n`: statements number their placeholders $1, $2, …"
                    ))
                })?,
            None => index,
        };
        let value = statement
            .params
            .get(number.wrapping_sub(1))
            .ok_or_else(|| {
                Error::invalid_argument(format!(
                    "the placeholder ${number} has no value: {} given",
                    statement.params.len()
                ))
            })?
            .value()?;
        bind_value(&mut prepared, index, value)?;
    }
    Ok(prepared)
}

/// Logs a statement when the pool was opened with `echo`.
fn echo(enabled: bool, sql: &str) {
    if enabled {
        tracing::info!(target: "flowdb_plugin_sqlite::statement", "{sql}");
    }
}

/// Runs a statement that returns no rows; the rows it changed.
pub(crate) fn execute(connection: &Connection, statement: &Statement, log: bool) -> Result<u64> {
    echo(log, &statement.sql);
    let mut prepared = prepare(connection, statement)?;
    if prepared.column_count() > 0 {
        // A statement with a result (RETURNING, a PRAGMA that answers): step through it.
        let mut rows = prepared.raw_query();
        while rows.next().map_err(from_sqlite)?.is_some() {}
        return Ok(connection.changes());
    }
    prepared
        .raw_execute()
        .map(|changed| changed as u64)
        .map_err(from_sqlite)
}

/// Runs a query and returns its rows, read by each column's declared type.
pub(crate) fn fetch_all(
    connection: &Connection,
    statement: &Statement,
    log: bool,
) -> Result<RowSet> {
    echo(log, &statement.sql);
    let mut prepared = prepare(connection, statement)?;
    read_rows(&mut prepared)
}

fn read_rows(prepared: &mut CachedStatement<'_>) -> Result<RowSet> {
    let described = prepared.columns();
    let columns: RVec<RString> = described
        .iter()
        .map(|column| RString::from(column.name()))
        .collect();
    let types: Vec<ColumnType> = described
        .iter()
        .map(|column| column_type(column.name(), column.decl_type()))
        .collect();
    drop(described);
    let mut values = RVec::new();
    let mut rows = prepared.raw_query();
    while let Some(row) = rows.next().map_err(from_sqlite)? {
        for (index, column) in types.iter().enumerate() {
            values.push(read_value(row.get_ref_unwrap(index), *column, index)?.into_ne());
        }
    }
    Ok(RowSet { columns, values })
}

/// Runs any statement and reports both its rows and the rows it changed.
pub(crate) fn run(
    connection: &Connection,
    statement: &Statement,
    log: bool,
) -> Result<StatementOutcome> {
    echo(log, &statement.sql);
    let mut prepared = prepare(connection, statement)?;
    if prepared.column_count() == 0 {
        let changed = prepared.raw_execute().map_err(from_sqlite)?;
        return Ok(StatementOutcome {
            rows_affected: changed as u64,
            rows: RowSet {
                columns: RVec::new(),
                values: RVec::new(),
            },
        });
    }
    let read_only = prepared.readonly();
    let rows = read_rows(&mut prepared)?;
    let returned = match rows.columns.len() {
        0 => 0,
        width => rows.values.len() / width,
    } as u64;
    Ok(StatementOutcome {
        rows_affected: if read_only {
            returned
        } else {
            connection.changes()
        },
        rows,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_round_trip_through_prefects_text() {
        for micros in [
            0,
            1,
            1_733_011_200_123_456,
            -1,
            -86_400_000_001,
            253_402_300_799_999_999,
        ] {
            let text = timestamp_text(micros).unwrap();
            assert_eq!(parse_timestamp(&text), Some(micros), "{text}");
        }
        assert_eq!(timestamp_text(0).unwrap(), "1970-01-01 00:00:00.000000");
        assert_eq!(
            parse_timestamp("2026-12-01 12:00:00.123"),
            parse_timestamp("2026-12-01T12:00:00.123000Z")
        );
        assert_eq!(
            parse_timestamp("2026-12-01 12:00:00"),
            Some(1_796_126_400_000_000)
        );
        for bad in [
            "0",
            "2026-13-01 00:00:00",
            "2026-12-01",
            "2026-12-01 12:00:00.",
            "2026-12-01 12:00:00+02:00",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }
        assert!(timestamp_text(253_402_300_800_000_000).is_err());
    }

    /// Every cell of a statement's result, row by row.
    fn cell_values(connection: &Connection, statement: &Statement) -> Vec<Value> {
        let rows = fetch_all(connection, statement, false).unwrap();
        rows.values
            .iter()
            .map(|value| value.value().unwrap().clone())
            .collect()
    }

    #[test]
    fn columns_read_by_declared_type() {
        let connection = Connection::open_in_memory().unwrap();
        connection
            .execute_batch(
                "create table t (id CHAR(36), at DATETIME, doc JSON, flag BOOLEAN, n INTEGER, name VARCHAR, total_run_time DATETIME);
                 insert into t values ('0b5f7c1e-8d5c-4d1e-9a0e-000000000001', '2026-12-01 12:00:00.000001', '{\"a\": 1}', 1, 7, 'x', '1970-01-01 00:00:30.180479'),
                                      ('not a uuid', '0', '[]', 0, null, null, null);",
            )
            .unwrap();
        let statement = Statement {
            sql: "select id, at, doc, flag, n, name, n + 1 as computed, total_run_time from t order by rowid"
                .into(),
            params: RVec::new(),
        };
        let values = cell_values(&connection, &statement);
        assert_eq!(
            values[0],
            Value::Uuid(
                uuid::Uuid::parse_str("0b5f7c1e-8d5c-4d1e-9a0e-000000000001")
                    .unwrap()
                    .into_bytes()
            )
        );
        assert_eq!(values[1], Value::Timestamp(1_796_126_400_000_001));
        assert_eq!(values[2], Value::Json("{\"a\": 1}".into()));
        assert_eq!(values[3], Value::Bool(true));
        assert_eq!(values[4], Value::Int64(7));
        assert_eq!(values[5], Value::Text("x".into()));
        assert_eq!(values[6], Value::Int64(8));
        assert_eq!(values[7], Value::Interval(30_180_479));
        // Text that is not what its column declares comes back as text, not an error; '0' in
        // a DATETIME column (NUMERIC affinity, as Prefect's `total_run_time` default) is stored
        // as the integer 0.
        assert_eq!(values[8], Value::Text("not a uuid".into()));
        assert_eq!(values[9], Value::Int64(0));
        assert_eq!(values[15], Value::Null);
    }

    #[test]
    fn bare_number_json_documents_read_back_as_json() {
        let connection = Connection::open_in_memory().unwrap();
        // A `JSON` column has NUMERIC affinity: these texts are stored as INTEGER and REAL.
        connection
            .execute_batch(
                "create table t (doc JSON);
                 insert into t values ('50.0'), ('7'), ('1e-30'), ('\"text\"'), ('0.1');",
            )
            .unwrap();
        let statement = Statement {
            sql: "select doc, typeof(doc) from t order by rowid".into(),
            params: RVec::new(),
        };
        let values = cell_values(&connection, &statement);
        let storage: Vec<&Value> = values.iter().skip(1).step_by(2).collect();
        // SQLite keeps `50.0` as the integer 50: the same number, not the same spelling.
        assert_eq!(storage[0], &Value::Text("integer".into()));
        assert_eq!(storage[2], &Value::Text("real".into()));
        let documents: Vec<serde_json::Value> = values
            .iter()
            .step_by(2)
            .map(|value| match value {
                Value::Json(text) => serde_json::from_str(text).unwrap(),
                other => panic!("a JSON column read back as {other:?}"),
            })
            .collect();
        assert_eq!(
            documents,
            vec![
                serde_json::json!(50),
                serde_json::json!(7),
                serde_json::json!(1e-30),
                serde_json::json!("text"),
                serde_json::json!(0.1),
            ]
        );
    }

    #[test]
    fn placeholders_bind_by_number_whatever_their_order() {
        let connection = Connection::open_in_memory().unwrap();
        let statement = Statement {
            sql: "select $2 as b, $1 as a, $2 || $1 as ba".into(),
            params: vec![
                Value::Text("x".into()).into_ne(),
                Value::Text("y".into()).into_ne(),
            ]
            .into(),
        };
        let values = cell_values(&connection, &statement);
        assert_eq!(
            values,
            [
                Value::Text("y".into()),
                Value::Text("x".into()),
                Value::Text("yx".into())
            ]
        );
        let missing = Statement {
            sql: "select $3 as c".into(),
            params: vec![Value::Int64(1).into_ne()].into(),
        };
        let err = fetch_all(&connection, &missing, false).unwrap_err();
        assert!(
            err.message
                .contains("the placeholder $3 has no value: 1 given"),
            "{}",
            err.message
        );
    }
}
