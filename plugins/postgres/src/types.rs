//! Values in PostgreSQL's native types.

use chrono::{DateTime, Utc};
use flowdb_plugin_sdk::abi::abi_stable::std_types::{RString, RVec};
use flowdb_plugin_sdk::abi::{RowSet, Statement, StatementOutcome, Value, ValueNE};
use flowdb_plugin_sdk::value::{ValueExt, ValueNEExt};
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::postgres::types::{Oid, PgInterval};
use sqlx::postgres::{PgArgumentBuffer, PgArguments, PgRow, PgTypeInfo};
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

fn decode<'r, T: sqlx::Decode<'r, Postgres> + sqlx::Type<Postgres>>(
    row: &'r PgRow,
    index: usize,
) -> Result<T> {
    row.try_get_unchecked::<T, _>(index)
        .map_err(crate::error::from_sqlx)
}

fn read_value(row: &PgRow, index: usize) -> Result<Value> {
    let raw = row.try_get_raw(index).map_err(crate::error::from_sqlx)?;
    if raw.is_null() {
        return Ok(Value::Null);
    }
    let type_info = raw.type_info().into_owned();
    let value = match type_info.name() {
        "BOOL" => Value::Bool(decode(row, index)?),
        "INT2" => Value::Int16(decode(row, index)?),
        "INT4" => Value::Int32(decode(row, index)?),
        "INT8" => Value::Int64(decode(row, index)?),
        "FLOAT4" => Value::Float64(f64::from(decode::<f32>(row, index)?)),
        "FLOAT8" => Value::Float64(decode(row, index)?),
        "TEXT" | "VARCHAR" | "BPCHAR" | "NAME" | "CHAR" => {
            Value::Text(decode::<String>(row, index)?.into())
        }
        "BYTEA" => Value::Bytes(decode::<Vec<u8>>(row, index)?.into()),
        "UUID" => Value::Uuid(decode::<uuid::Uuid>(row, index)?.into_bytes()),
        "TIMESTAMPTZ" => Value::Timestamp(decode::<DateTime<Utc>>(row, index)?.timestamp_micros()),
        "TIMESTAMP" => Value::Timestamp(
            decode::<chrono::NaiveDateTime>(row, index)?
                .and_utc()
                .timestamp_micros(),
        ),
        "INTERVAL" => {
            // Months and days have no fixed length; like Prefect's timedelta mapping, a day is
            // 24 hours and a month 30 days.
            let interval = decode::<PgInterval>(row, index)?;
            let days = i64::from(interval.months) * 30 + i64::from(interval.days);
            Value::Interval(days * 86_400_000_000 + interval.microseconds)
        }
        "JSON" | "JSONB" => Value::Json(
            decode::<Json<Box<serde_json::value::RawValue>>>(row, index)?
                .0
                .get()
                .into(),
        ),
        "OID" => Value::Int64(i64::from(decode::<Oid>(row, index)?.0)),
        other => match raw.as_str() {
            // Enums (Prefect's state types) and other text-like types arrive as their label.
            Ok(text)
                if matches!(type_info.kind(), sqlx::postgres::PgTypeKind::Enum(_))
                    || other == "UNKNOWN" =>
            {
                Value::Text(text.into())
            }
            _ => {
                return Err(Error::new(
                    ErrorKind::UNSUPPORTED,
                    format!(
                        "column {index} has type {other}, which flowdb cannot read yet; cast it in SQL (e.g. `::text` or `::float8`)"
                    ),
                ));
            }
        },
    };
    Ok(value)
}

/// Runs any statement and reports both its rows and the rows it affected.
pub(crate) async fn run_statement<'c, E>(
    executor: E,
    statement: Statement,
) -> Result<StatementOutcome>
where
    E: sqlx::Executor<'c, Database = Postgres>,
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
