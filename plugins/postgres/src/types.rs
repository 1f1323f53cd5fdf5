//! Values in PostgreSQL's native types.

use chrono::{DateTime, Utc};
use flowdb_plugin_sdk::abi::abi_stable::std_types::{RString, RVec};
use flowdb_plugin_sdk::abi::{RowSet, Statement, StatementOutcome, Value, ValueNE};
use flowdb_plugin_sdk::value::{ValueExt, ValueNEExt};
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::postgres::types::{Oid, PgInterval};
use sqlx::postgres::{PgArgumentBuffer, PgArguments, PgRow, PgTypeInfo, PgValueFormat, PgValueRef};
use sqlx::types::Json;
use sqlx::{Column as _, Postgres, Row as _, TypeInfo as _, ValueRef as _};

use crate::error::{Error, ErrorKind, Result};

/// A NULL whose type PostgreSQL infers from context (OID 0, "unspecified"), so one NULL
/// binds to a uuid, jsonb or enum column alike.
struct UntypedNull;

impl sqlx::Type<Postgres> for UntypedNull {
    fn type_info() -> PgTypeInfo {
        PgTypeInfo::with_oid(Oid(0))
    }
}

impl sqlx::Encode<'_, Postgres> for UntypedNull {
    fn encode_by_ref(
        &self,
        _buf: &mut PgArgumentBuffer,
    ) -> std::result::Result<IsNull, BoxDynError> {
        Ok(IsNull::Yes)
    }
}

/// Text whose type PostgreSQL infers from context (OID 0), so that one text value binds to a
/// `varchar` column, a `text` one or one of Prefect's enum types (`state_type`, …) alike —
/// an enum's binary input is its label, the same bytes as text's.
struct UntypedText<'a>(&'a str);

impl sqlx::Type<Postgres> for UntypedText<'_> {
    fn type_info() -> PgTypeInfo {
        PgTypeInfo::with_oid(Oid(0))
    }
}

impl sqlx::Encode<'_, Postgres> for UntypedText<'_> {
    fn encode_by_ref(
        &self,
        buf: &mut PgArgumentBuffer,
    ) -> std::result::Result<IsNull, BoxDynError> {
        buf.extend_from_slice(self.0.as_bytes());
        Ok(IsNull::No)
    }
}

fn timestamp(micros: i64) -> Result<DateTime<Utc>> {
    DateTime::<Utc>::from_timestamp_micros(micros).ok_or_else(|| {
        Error::new(
            ErrorKind::INVALID_ARGUMENT,
            format!("timestamp {micros} µs is out of range"),
        )
    })
}

/// Binds each parameter as its native PostgreSQL type.
pub(crate) fn bind_all(
    mut query: sqlx::query::Query<'static, Postgres, PgArguments>,
    params: &RVec<ValueNE>,
) -> Result<sqlx::query::Query<'static, Postgres, PgArguments>> {
    for param in params {
        query = match param.value()? {
            Value::Null => query.bind(UntypedNull),
            Value::Bool(value) => query.bind(*value),
            Value::Int16(value) => query.bind(*value),
            Value::Int32(value) => query.bind(*value),
            Value::Int64(value) => query.bind(*value),
            Value::Float64(value) => query.bind(*value),
            Value::Text(value) => query.bind(UntypedText(value.as_str())),
            Value::Bytes(value) => query.bind(value.to_vec()),
            Value::Uuid(bytes) => query.bind(uuid::Uuid::from_bytes(*bytes)),
            Value::Timestamp(micros) => query.bind(timestamp(*micros)?),
            Value::Interval(micros) => query.bind(PgInterval {
                months: 0,
                days: 0,
                microseconds: *micros,
            }),
            Value::Json(text) => {
                let raw =
                    serde_json::value::RawValue::from_string(text.to_string()).map_err(|err| {
                        Error::new(
                            ErrorKind::INVALID_ARGUMENT,
                            format!("a JSON parameter is not valid JSON: {err}"),
                        )
                    })?;
                query.bind(Json(raw))
            }
            // Lists bind as one array each (`= ANY($n)`), whatever their length.
            Value::UuidList(items) => query.bind(
                items
                    .iter()
                    .map(|bytes| uuid::Uuid::from_bytes(*bytes))
                    .collect::<Vec<_>>(),
            ),
            Value::TextList(items) => query.bind(
                items
                    .iter()
                    .map(|item| item.as_str().to_owned())
                    .collect::<Vec<String>>(),
            ),
            Value::Int64List(items) => query.bind(items.to_vec()),
        };
    }
    Ok(query)
}

/// Reads rows by column type into one flat row set.
pub(crate) fn row_set(rows: Vec<PgRow>) -> Result<RowSet> {
    let Some(first) = rows.first() else {
        return Ok(RowSet {
            columns: RVec::new(),
            values: RVec::new(),
        });
    };
    // A column's type is the same in every row: choose each column's reader once, not per
    // value (a 200-run read is 6,400 values; cloning and matching type names per value was a
    // sixth of the plugin's time).
    let readers: Vec<ColumnReader> = first
        .columns()
        .iter()
        .map(|column| ColumnReader::for_type(column.type_info()))
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

/// How one result column's values are read, from its PostgreSQL type.
#[derive(Debug, Clone, PartialEq, Eq)]
enum ColumnReader {
    Bool,
    Int16,
    Int32,
    Int64,
    Float32,
    Float64,
    Text,
    Bytes,
    Uuid,
    TimestampTz,
    Timestamp,
    Interval,
    /// `json`: its text as is.
    Json,
    /// `jsonb`: in binary, a version byte and then its text.
    Jsonb,
    Oid,
    /// Enums (Prefect's state types) and other text-like types arrive as their label.
    Label,
    Unsupported(String),
}

impl ColumnReader {
    fn for_type(type_info: &PgTypeInfo) -> ColumnReader {
        match type_info.name() {
            "BOOL" => ColumnReader::Bool,
            "INT2" => ColumnReader::Int16,
            "INT4" => ColumnReader::Int32,
            "INT8" => ColumnReader::Int64,
            "FLOAT4" => ColumnReader::Float32,
            "FLOAT8" => ColumnReader::Float64,
            "TEXT" | "VARCHAR" | "BPCHAR" | "NAME" | "CHAR" => ColumnReader::Text,
            "BYTEA" => ColumnReader::Bytes,
            "UUID" => ColumnReader::Uuid,
            "TIMESTAMPTZ" => ColumnReader::TimestampTz,
            "TIMESTAMP" => ColumnReader::Timestamp,
            "INTERVAL" => ColumnReader::Interval,
            "JSON" => ColumnReader::Json,
            "JSONB" => ColumnReader::Jsonb,
            "OID" => ColumnReader::Oid,
            "UNKNOWN" => ColumnReader::Label,
            _ if matches!(type_info.kind(), sqlx::postgres::PgTypeKind::Enum(_)) => {
                ColumnReader::Label
            }
            other => ColumnReader::Unsupported(other.to_owned()),
        }
    }

    fn read(&self, row: &PgRow, index: usize) -> Result<Value> {
        let raw = row.try_get_raw(index).map_err(crate::error::from_sqlx)?;
        if raw.is_null() {
            return Ok(Value::Null);
        }
        Ok(match self {
            ColumnReader::Bool => Value::Bool(decode(raw, index)?),
            ColumnReader::Int16 => Value::Int16(decode(raw, index)?),
            ColumnReader::Int32 => Value::Int32(decode(raw, index)?),
            ColumnReader::Int64 => Value::Int64(decode(raw, index)?),
            ColumnReader::Float32 => Value::Float64(f64::from(decode::<f32>(raw, index)?)),
            ColumnReader::Float64 => Value::Float64(decode(raw, index)?),
            ColumnReader::Text => Value::Text(decode::<&str>(raw, index)?.into()),
            ColumnReader::Bytes => Value::Bytes(decode::<&[u8]>(raw, index)?.to_vec().into()),
            ColumnReader::Uuid => Value::Uuid(decode::<uuid::Uuid>(raw, index)?.into_bytes()),
            ColumnReader::TimestampTz | ColumnReader::Timestamp => {
                Value::Timestamp(timestamp_micros(raw, self, index)?)
            }
            ColumnReader::Interval => {
                // Months and days have no fixed length; like Prefect's timedelta mapping, a
                // day is 24 hours and a month 30 days.
                let interval = decode::<PgInterval>(raw, index)?;
                let micros = (i64::from(interval.months) * 30 + i64::from(interval.days))
                    .checked_mul(86_400_000_000)
                    .and_then(|days| days.checked_add(interval.microseconds))
                    .ok_or_else(|| {
                        Error::new(
                            ErrorKind::DECODE,
                            format!(
                                "column {index}: the interval of {} months, {} days and {} µs is longer than flowdb's intervals hold (±292,000 years)",
                                interval.months, interval.days, interval.microseconds
                            ),
                        )
                    })?;
                Value::Interval(micros)
            }
            ColumnReader::Json => Value::Json(json_text(raw, false, index)?.into()),
            ColumnReader::Jsonb => Value::Json(json_text(raw, true, index)?.into()),
            ColumnReader::Oid => Value::Int64(i64::from(decode::<Oid>(raw, index)?.0)),
            ColumnReader::Label => {
                Value::Text(raw.as_str().map_err(|err| decode_error(index, err))?.into())
            }
            ColumnReader::Unsupported(type_name) => {
                return Err(Error::new(
                    ErrorKind::UNSUPPORTED,
                    format!(
                        "column {index} has type {type_name}, which flowdb cannot read yet; cast it in SQL (e.g. `::text` or `::float8`)"
                    ),
                ));
            }
        })
    }
}

/// Microseconds since 1970 of a `timestamp` or `timestamptz`. The binary form is read here
/// rather than by sqlx's chrono decoding, which panics (taking the plugin out of service) on
/// `infinity`, `-infinity` and the years past 262143 that PostgreSQL stores: those are a
/// DECODE error naming the column.
fn timestamp_micros(raw: PgValueRef<'_>, reader: &ColumnReader, index: usize) -> Result<i64> {
    /// 2000-01-01, PostgreSQL's epoch, in microseconds after 1970-01-01.
    const POSTGRES_EPOCH_MICROS: i64 = 946_684_800_000_000;
    if raw.format() == PgValueFormat::Text {
        // Only from simple-protocol scripts; chrono's text parsing fails without panicking.
        return Ok(match reader {
            ColumnReader::Timestamp => decode::<chrono::NaiveDateTime>(raw, index)?
                .and_utc()
                .timestamp_micros(),
            _ => decode::<DateTime<Utc>>(raw, index)?.timestamp_micros(),
        });
    }
    let bytes = raw.as_bytes().map_err(|err| decode_error(index, err))?;
    let micros = <[u8; 8]>::try_from(bytes)
        .map(i64::from_be_bytes)
        .map_err(|_| {
            Error::new(
                ErrorKind::DECODE,
                format!(
                    "column {index}: a timestamp of {} bytes, not 8",
                    bytes.len()
                ),
            )
        })?;
    let special = match micros {
        i64::MAX => Some("infinity"),
        i64::MIN => Some("-infinity"),
        _ => None,
    };
    if let Some(special) = special {
        return Err(Error::new(
            ErrorKind::DECODE,
            format!(
                "column {index} holds the timestamp '{special}', which flowdb's timestamps cannot hold"
            ),
        ));
    }
    micros.checked_add(POSTGRES_EPOCH_MICROS).ok_or_else(|| {
        Error::new(
            ErrorKind::DECODE,
            format!("column {index}: the timestamp is out of the range flowdb's timestamps hold"),
        )
    })
}

/// A JSON value's text as the server sent it: the server checked it on the way in, so it is
/// not parsed again here (a read of 200 runs carries ~1,800 JSON documents).
fn json_text(raw: PgValueRef<'_>, jsonb: bool, index: usize) -> Result<&str> {
    let bytes = raw.as_bytes().map_err(|err| decode_error(index, err))?;
    let text = match raw.format() {
        // Binary jsonb is a version byte (1) and then the text; binary json is the text.
        PgValueFormat::Binary if jsonb => match bytes.split_first() {
            Some((1, text)) => text,
            _ => {
                return Err(Error::new(
                    ErrorKind::DECODE,
                    format!(
                        "column {index}: a jsonb value in an unknown binary format (its version byte is not 1)"
                    ),
                ));
            }
        },
        // Binary json, and text results (simple-protocol scripts; queries get binary ones).
        _ => bytes,
    };
    std::str::from_utf8(text).map_err(|err| decode_error(index, err.into()))
}

fn decode<'r, T: sqlx::Decode<'r, Postgres>>(raw: PgValueRef<'r>, index: usize) -> Result<T> {
    T::decode(raw).map_err(|err| decode_error(index, err))
}

fn decode_error(index: usize, err: BoxDynError) -> Error {
    Error::new(
        ErrorKind::DECODE,
        format!("column {index}: its value did not decode: {err}"),
    )
}

/// A statement as sqlx runs it, its parameters bound: prepared under a name and cached on the
/// connection (`persistent`), or unnamed, as behind a transaction-mode pooler, where a name
/// would outlive the transaction on a server connection other clients then get.
pub(crate) fn query_of(
    statement: Statement,
    persistent: bool,
) -> Result<sqlx::query::Query<'static, Postgres, PgArguments>> {
    let sql = if persistent && !statement.params.is_empty() {
        keyed_by_parameter_kinds(&statement.sql, &statement.params)?
    } else {
        statement.sql.into_string()
    };
    bind_all(
        sqlx::query(sqlx::AssertSqlSafe(sql)).persistent(persistent),
        &statement.params,
    )
}

/// The SQL prefixed with a comment naming its parameters' kinds (`/*flowdb:8f*/…`).
///
/// sqlx caches a prepared statement by its SQL text alone and binds later values with the
/// parameter types of its first preparation, without checking them: the same SQL run first
/// with an integer, then with a float, stored the float's bytes read as an integer
/// (0.5 became 4602678819172647000; bytes then text stored the text as hex). With the kinds in
/// the text, each combination gets a statement of its own; the hot path binds the same kinds
/// every time, so it still prepares each statement once per connection.
fn keyed_by_parameter_kinds(sql: &str, params: &RVec<ValueNE>) -> Result<String> {
    let mut keyed = String::with_capacity(sql.len() + params.len() + 12);
    keyed.push_str("/*flowdb:");
    for param in params {
        keyed.push(match param.value()? {
            Value::Null => 'n',
            Value::Bool(_) => 'b',
            Value::Int16(_) => '2',
            Value::Int32(_) => '4',
            Value::Int64(_) => '8',
            Value::Float64(_) => 'f',
            Value::Text(_) => 't',
            Value::Bytes(_) => 'y',
            Value::Uuid(_) => 'u',
            Value::Timestamp(_) => 'd',
            Value::Interval(_) => 'i',
            Value::Json(_) => 'j',
            Value::UuidList(_) => 'U',
            Value::TextList(_) => 'T',
            Value::Int64List(_) => 'I',
        });
    }
    keyed.push_str("*/");
    keyed.push_str(sql);
    Ok(keyed)
}

/// Runs any statement and reports both its rows and the rows it affected.
pub(crate) async fn run_statement<'c, E>(
    executor: E,
    statement: Statement,
    persistent: bool,
) -> Result<StatementOutcome>
where
    E: sqlx::Executor<'c, Database = Postgres>,
{
    use futures::TryStreamExt as _;

    let query = query_of(statement, persistent)?;
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
