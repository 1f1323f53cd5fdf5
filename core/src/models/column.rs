//! Column metadata and the conversion of field values to [`Value`]s.

use chrono::{DateTime, Utc};

use crate::value::{FromValue, Interval, Json, TypedJson, Value};

/// What a column holds, independent of how a dialect stores it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ColumnKind {
    /// A UUID (PostgreSQL `uuid`, SQLite `CHAR(36)` text).
    Uuid,
    /// A timestamp with time zone (SQLite: naive-UTC text).
    Timestamp,
    /// A time interval (SQLite: the datetime that far after the epoch).
    Interval,
    /// Text of any length.
    Text,
    /// A 16-bit integer.
    SmallInt,
    /// A 32-bit integer.
    Integer,
    /// A 64-bit integer.
    BigInt,
    /// A double-precision float.
    Float,
    /// A boolean (SQLite: 0 or 1).
    Boolean,
    /// A JSON document (PostgreSQL `json` or `jsonb`, SQLite text).
    Json,
    /// One of Prefect's enums (PostgreSQL enum types, SQLite text), stored by name; its labels.
    Enum(&'static [&'static str]),
}

/// A column of a model's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnMeta {
    /// Its name.
    pub name: &'static str,
    /// What it holds.
    pub kind: ColumnKind,
    /// Whether it accepts NULL.
    pub nullable: bool,
}

/// A model's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableMeta {
    /// The table's name.
    pub name: &'static str,
    /// The Rust model's name.
    pub model: &'static str,
    /// Every column, in the model's field order.
    pub columns: &'static [ColumnMeta],
    /// The primary key's columns.
    pub primary_key: &'static [&'static str],
    /// The columns Prefect's upserts of this table conflict on (tier 3); empty when none.
    pub upsert_columns: &'static [&'static str],
}

impl TableMeta {
    /// The column named `name`.
    pub fn column(&self, name: &str) -> Option<&ColumnMeta> {
        self.columns.iter().find(|column| column.name == name)
    }
}

/// A field type of a model: how it becomes a [`Value`], and whether it may be NULL.
pub trait ColumnValue: FromValue {
    /// What the column holds.
    const KIND: ColumnKind;

    /// Whether the column accepts NULL (`Option<T>` fields).
    const NULLABLE: bool = false;

    /// The value to bind.
    fn to_value(&self) -> Value;
}

macro_rules! column_value {
    ($($ty:ty, $kind:ident => |$v:ident| $body:expr),* $(,)?) => {
        $(impl ColumnValue for $ty {
            const KIND: ColumnKind = ColumnKind::$kind;

            fn to_value(&self) -> Value {
                let $v = self;
                $body
            }
        })*
    };
}

column_value! {
    uuid::Uuid, Uuid => |v| Value::Uuid(v.into_bytes()),
    DateTime<Utc>, Timestamp => |v| Value::Timestamp(v.timestamp_micros()),
    Interval, Interval => |v| Value::Interval(v.0.num_microseconds().unwrap_or(i64::MAX)),
    String, Text => |v| Value::Text(v.as_str().into()),
    i16, SmallInt => |v| Value::Int16(*v),
    i32, Integer => |v| Value::Int32(*v),
    i64, BigInt => |v| Value::Int64(*v),
    f64, Float => |v| Value::Float64(*v),
    bool, Boolean => |v| Value::Bool(*v),
    Json, Json => |v| crate::value::json_value(&v.0),
}

impl<T: serde::Serialize + serde::de::DeserializeOwned> ColumnValue for TypedJson<T> {
    const KIND: ColumnKind = ColumnKind::Json;

    fn to_value(&self) -> Value {
        crate::value::json_value(&self.0)
    }
}

impl<T: ColumnValue> ColumnValue for Option<T> {
    const KIND: ColumnKind = T::KIND;
    const NULLABLE: bool = true;

    fn to_value(&self) -> Value {
        self.as_ref().map_or(Value::Null, ColumnValue::to_value)
    }
}

impl FromValue for i16 {
    fn from_value(value: &Value) -> Result<Self, String> {
        let wide = i64::from_value(value)?;
        i16::try_from(wide).map_err(|_| format!("{wide} does not fit a 16-bit integer"))
    }
}
