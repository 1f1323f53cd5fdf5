//! Parameters and rows on the host side.
//!
//! Values cross the boundary as [`Value`]. Parameters are built with [`IntoValue`] (or the
//! [`params!`](crate::params) macro); rows are read in place from the plugin's row set, without
//! copying, through [`Row::get`] and [`FromValue`].
//!
//! Timestamps are kept to the microsecond, as both dialects (and Prefect) store them: a
//! `DateTime<Utc>` is rounded down (towards the past) to a whole microsecond when it is bound,
//! so what reads back equals `at.trunc_subsecs(6)` (chrono's `SubsecRound`), not `at`. Build
//! times that way (or from whole microseconds) when a value written must compare equal to the
//! value read.
//!
//! ```
//! use chrono::{SubsecRound, TimeZone, Utc};
//! use flowdb::value::{FromValue, IntoValue};
//!
//! for at in [
//!     Utc.timestamp_opt(1_700_000_000, 123_456_789).unwrap(),
//!     Utc.timestamp_opt(-1, 999_999_500).unwrap(), // before 1970: still towards the past
//! ] {
//!     let bound = at.into_value();
//!     let read = chrono::DateTime::<Utc>::from_value(&bound).unwrap();
//!     assert_eq!(read, at.trunc_subsecs(6));
//! }
//! ```
//!
//! Reading is lenient in the ways the two dialects differ, so the same code reads either: a
//! SQLite integer reads as a `bool`, SQLite's text UUIDs and Prefect's naive-UTC timestamp text
//! read as [`uuid::Uuid`] and [`chrono::DateTime`].

use std::collections::HashMap;

use abi_stable::std_types::RString;
use chrono::{DateTime, NaiveDateTime, Utc};
use flowdb_abi::{RowSet, ValueNE};

pub use flowdb_abi::Value;

use crate::error::Error;

/// Converts a Rust value into a parameter.
pub trait IntoValue {
    /// The parameter.
    fn into_value(self) -> Value;
}

/// A JSON document parameter or column, as opposed to plain text.
#[derive(Debug, Clone, PartialEq)]
pub struct Json(pub serde_json::Value);

/// A JSON column holding a document of a known shape `T` (Prefect's pydantic-typed JSON
/// columns): bound as `T`'s JSON, read back by deserializing into `T`.
///
/// ```
/// use flowdb::value::{FromValue, IntoValue, TypedJson, Value};
///
/// let tags = TypedJson(vec!["etl".to_owned(), "nightly".to_owned()]);
/// let bound = tags.clone().into_value();
/// assert_eq!(bound, Value::Json(r#"["etl","nightly"]"#.into()));
/// assert_eq!(TypedJson::<Vec<String>>::from_value(&bound).unwrap(), tags);
/// assert!(TypedJson::<Vec<String>>::from_value(&Value::Json("{}".into())).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TypedJson<T>(pub T);

impl<T> std::ops::Deref for TypedJson<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> std::ops::DerefMut for TypedJson<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

/// `document` as a JSON parameter.
pub(crate) fn json_value<T: serde::Serialize>(document: &T) -> Value {
    // Serializing into a string fails only for a type whose Serialize impl fails (or a map with
    // non-string keys). A value cannot carry an error, so it binds NULL, loudly.
    match serde_json::to_string(document) {
        Ok(text) => Value::Json(text.into()),
        Err(err) => {
            tracing::error!(
                document = std::any::type_name::<T>(),
                error = %err,
                "a JSON document could not be serialized; binding NULL"
            );
            Value::Null
        }
    }
}

/// A JSON column's value deserialized into `T`.
pub(crate) fn json_document<T: serde::de::DeserializeOwned>(value: &Value) -> Result<T, String> {
    match value {
        Value::Json(text) | Value::Text(text) => serde_json::from_str(text)
            .map_err(|err| format!("JSON does not match {}: {err}", std::any::type_name::<T>())),
        other => mismatch(other, "JSON"),
    }
}

impl<T: serde::Serialize> IntoValue for TypedJson<T> {
    fn into_value(self) -> Value {
        json_value(&self.0)
    }
}

impl<T: serde::de::DeserializeOwned> FromValue for TypedJson<T> {
    fn from_value(value: &Value) -> Result<Self, String> {
        json_document(value).map(TypedJson)
    }
}

/// A time interval parameter or column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interval(pub chrono::TimeDelta);

/// Builds a parameter list: `params![id, "name", 3_i64]`.
///
/// ```
/// use flowdb::{params, value::Value};
///
/// let list = params![1_i64, "two", None::<i64>];
/// assert_eq!(list, vec![Value::Int64(1), Value::Text("two".into()), Value::Null]);
/// ```
#[macro_export]
macro_rules! params {
    ($($value:expr),* $(,)?) => {
        vec![$($crate::value::IntoValue::into_value($value)),*]
    };
}

macro_rules! into_value {
    ($($ty:ty => |$v:ident| $body:expr),* $(,)?) => {
        $(impl IntoValue for $ty {
            fn into_value(self) -> Value {
                let $v = self;
                $body
            }
        })*
    };
}

into_value! {
    Value => |v| v,
    bool => |v| Value::Bool(v),
    i16 => |v| Value::Int16(v),
    i32 => |v| Value::Int32(v),
    i64 => |v| Value::Int64(v),
    f64 => |v| Value::Float64(v),
    &str => |v| Value::Text(v.into()),
    String => |v| Value::Text(v.into()),
    Vec<u8> => |v| Value::Bytes(v.into()),
    &[u8] => |v| Value::Bytes(v.to_vec().into()),
    uuid::Uuid => |v| Value::Uuid(v.into_bytes()),
    DateTime<Utc> => |v| Value::Timestamp(v.timestamp_micros()),
    Interval => |v| Value::Interval(v.0.num_microseconds().unwrap_or(i64::MAX)),
    Json => |v| json_value(&v.0),
    Vec<uuid::Uuid> => |v| Value::UuidList(v.iter().map(|id| id.into_bytes()).collect()),
    &[uuid::Uuid] => |v| Value::UuidList(v.iter().map(|id| id.into_bytes()).collect()),
    Vec<String> => |v| Value::TextList(v.iter().map(|item| item.as_str().into()).collect()),
    Vec<&str> => |v| Value::TextList(v.iter().map(|item| (*item).into()).collect()),
    Vec<i64> => |v| Value::Int64List(v.into()),
    &[String] => |v| Value::TextList(v.iter().map(|item| item.as_str().into()).collect()),
    &[&str] => |v| Value::TextList(v.iter().map(|item| (*item).into()).collect()),
    &[i64] => |v| Value::Int64List(v.to_vec().into()),
}

/// A reference binds as the value it refers to (`&id`, `&run.state_type`, `&Some(at)`).
///
/// ```
/// use flowdb::{params, value::Value};
/// use flowdb::models::StateType;
///
/// let id = uuid::Uuid::nil();
/// let state = StateType::Running;
/// let name = String::from("nightly");
/// let list = params![&id, &state, &name, &Some(3_i64), &["a", "b"][..]];
/// assert_eq!(list[1], Value::Text("RUNNING".into()));
/// assert_eq!(list[3], Value::Int64(3));
/// ```
impl<T: IntoValue + Clone> IntoValue for &T {
    fn into_value(self) -> Value {
        self.clone().into_value()
    }
}

impl<T: IntoValue> IntoValue for Option<T> {
    fn into_value(self) -> Value {
        self.map_or(Value::Null, IntoValue::into_value)
    }
}

/// Reads a column value as a Rust type.
pub trait FromValue: Sized {
    /// The converted value, or why it cannot be converted.
    fn from_value(value: &Value) -> Result<Self, String>;
}

fn mismatch<T>(value: &Value, wanted: &str) -> Result<T, String> {
    Err(format!("cannot read {value:?} as {wanted}"))
}

/// Prefect's SQLite timestamp text: naive UTC `YYYY-MM-DD HH:MM:SS[.ffffff]`.
fn parse_naive_utc(text: &str) -> Option<DateTime<Utc>> {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f")
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f"))
        .ok()
        .map(|naive| naive.and_utc())
        .or_else(|| {
            DateTime::parse_from_rfc3339(text)
                .ok()
                .map(|at| at.with_timezone(&Utc))
        })
}

impl FromValue for Value {
    fn from_value(value: &Value) -> Result<Self, String> {
        Ok(value.clone())
    }
}

impl FromValue for i64 {
    fn from_value(value: &Value) -> Result<Self, String> {
        match value {
            Value::Int16(v) => Ok(i64::from(*v)),
            Value::Int32(v) => Ok(i64::from(*v)),
            Value::Int64(v) => Ok(*v),
            Value::Bool(v) => Ok(i64::from(*v)),
            other => mismatch(other, "an integer"),
        }
    }
}

impl FromValue for i32 {
    fn from_value(value: &Value) -> Result<Self, String> {
        let wide = i64::from_value(value)?;
        i32::try_from(wide).map_err(|_| format!("{wide} does not fit a 32-bit integer"))
    }
}

impl FromValue for f64 {
    fn from_value(value: &Value) -> Result<Self, String> {
        match value {
            Value::Float64(v) => Ok(*v),
            Value::Int16(_) | Value::Int32(_) | Value::Int64(_) => {
                Ok(i64::from_value(value)? as f64)
            }
            other => mismatch(other, "a float"),
        }
    }
}

impl FromValue for bool {
    fn from_value(value: &Value) -> Result<Self, String> {
        match value {
            Value::Bool(v) => Ok(*v),
            // SQLite has no boolean type: 0 and 1.
            Value::Int64(0) | Value::Int32(0) | Value::Int16(0) => Ok(false),
            Value::Int64(1) | Value::Int32(1) | Value::Int16(1) => Ok(true),
            other => mismatch(other, "a boolean"),
        }
    }
}

impl FromValue for String {
    fn from_value(value: &Value) -> Result<Self, String> {
        match value {
            Value::Text(text) | Value::Json(text) => Ok(text.to_string()),
            other => mismatch(other, "text"),
        }
    }
}

impl FromValue for Vec<u8> {
    fn from_value(value: &Value) -> Result<Self, String> {
        match value {
            Value::Bytes(bytes) => Ok(bytes.to_vec()),
            other => mismatch(other, "bytes"),
        }
    }
}

impl FromValue for uuid::Uuid {
    fn from_value(value: &Value) -> Result<Self, String> {
        match value {
            Value::Uuid(bytes) => Ok(uuid::Uuid::from_bytes(*bytes)),
            Value::Text(text) => {
                uuid::Uuid::parse_str(text).map_err(|err| format!("`{text}` is not a UUID: {err}"))
            }
            other => mismatch(other, "a UUID"),
        }
    }
}

impl FromValue for DateTime<Utc> {
    fn from_value(value: &Value) -> Result<Self, String> {
        match value {
            Value::Timestamp(micros) => DateTime::from_timestamp_micros(*micros)
                .ok_or_else(|| format!("timestamp {micros} µs is out of range")),
            Value::Text(text) => {
                parse_naive_utc(text).ok_or_else(|| format!("`{text}` is not a timestamp"))
            }
            other => mismatch(other, "a timestamp"),
        }
    }
}

impl FromValue for Interval {
    fn from_value(value: &Value) -> Result<Self, String> {
        match value {
            Value::Interval(micros) => Ok(Interval(chrono::TimeDelta::microseconds(*micros))),
            // Prefect stores an interval on SQLite as the datetime that far after the epoch, in
            // a DATETIME column, which the plugin reads as a timestamp.
            Value::Timestamp(micros) => Ok(Interval(chrono::TimeDelta::microseconds(*micros))),
            // A dialect with no interval type (MySQL) stores one as its microseconds.
            Value::Int64(micros) => Ok(Interval(chrono::TimeDelta::microseconds(*micros))),
            Value::Text(text) => parse_naive_utc(text)
                .map(|at| Interval(at - DateTime::<Utc>::UNIX_EPOCH))
                .ok_or_else(|| format!("`{text}` is not an interval")),
            other => mismatch(other, "an interval"),
        }
    }
}

impl FromValue for Json {
    fn from_value(value: &Value) -> Result<Self, String> {
        json_document(value).map(Json)
    }
}

impl<T: FromValue> FromValue for Option<T> {
    fn from_value(value: &Value) -> Result<Self, String> {
        match value {
            Value::Null => Ok(None),
            other => T::from_value(other).map(Some),
        }
    }
}

/// The rows a query returned, kept as the plugin sent them.
#[derive(Debug, Clone, PartialEq)]
pub struct Rows {
    set: RowSet,
    /// Column positions by name, built once: a model reads each of its columns by name from
    /// every row (45 names a flow run, 200 runs a read), and searching the names row by row
    /// was a tenth of reading them.
    positions: ColumnPositions,
}

/// Column positions by name. Hashed with foldhash rather than std's SipHash: the names are
/// the query's own, not an attacker's, and hashing them was a twentieth of reading a page of
/// flow runs.
type ColumnPositions = HashMap<Box<str>, usize, foldhash::fast::RandomState>;

impl Rows {
    /// Wraps a row set as a plugin returns it.
    pub fn new(set: RowSet) -> Rows {
        let mut positions =
            ColumnPositions::with_capacity_and_hasher(set.columns.len(), Default::default());
        for (position, column) in set.columns.iter().enumerate() {
            // The first of two equal names wins, as a search from the start would find it.
            positions.entry(column.as_str().into()).or_insert(position);
        }
        Rows { set, positions }
    }

    /// No rows, no columns.
    pub fn empty() -> Rows {
        Rows::new(RowSet {
            columns: Default::default(),
            values: Default::default(),
        })
    }

    /// The column names.
    pub fn columns(&self) -> impl Iterator<Item = &str> {
        self.set.columns.iter().map(RString::as_str)
    }

    /// How many rows.
    pub fn len(&self) -> usize {
        match self.set.columns.len() {
            0 => 0,
            width => self.set.values.len() / width,
        }
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The row at `index`.
    pub fn row(&self, index: usize) -> Option<Row<'_>> {
        let width = self.set.columns.len();
        let start = index.checked_mul(width)?;
        let values = self.set.values.get(start..start.checked_add(width)?)?;
        (width > 0).then_some(Row {
            columns: &self.set.columns,
            values,
            positions: &self.positions,
        })
    }

    /// Every row, in order.
    pub fn iter(&self) -> impl Iterator<Item = Row<'_>> {
        (0..self.len()).filter_map(|index| self.row(index))
    }
}

/// One row of [`Rows`].
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    columns: &'a [RString],
    values: &'a [ValueNE],
    positions: &'a ColumnPositions,
}

/// A column named by position or by name.
pub trait ColumnIndex {
    /// The position in `columns`, if there is such a column.
    fn position(&self, columns: &[RString]) -> Option<usize>;
    /// For messages.
    fn describe(&self) -> String;
    /// The column's name, when it is named: a row looks names up in its result's index.
    fn name(&self) -> Option<&str> {
        None
    }
}

impl<C: ColumnIndex + ?Sized> ColumnIndex for &C {
    fn position(&self, columns: &[RString]) -> Option<usize> {
        (**self).position(columns)
    }
    fn describe(&self) -> String {
        (**self).describe()
    }
    fn name(&self) -> Option<&str> {
        (**self).name()
    }
}

impl ColumnIndex for usize {
    fn position(&self, columns: &[RString]) -> Option<usize> {
        (*self < columns.len()).then_some(*self)
    }
    fn describe(&self) -> String {
        format!("#{self}")
    }
}

impl ColumnIndex for &str {
    fn position(&self, columns: &[RString]) -> Option<usize> {
        columns.iter().position(|column| column.as_str() == *self)
    }
    fn describe(&self) -> String {
        (*self).to_owned()
    }
    fn name(&self) -> Option<&str> {
        Some(self)
    }
}

impl<'a> Row<'a> {
    /// The raw value of a column.
    pub fn value(&self, column: impl ColumnIndex) -> Result<&'a Value, Error> {
        let position = match column.name() {
            Some(name) => self.positions.get(name).copied(),
            None => column.position(self.columns),
        };
        let position = position.ok_or_else(|| Error::Conversion {
            column: column.describe(),
            reason: format!(
                "no such column (the row has {})",
                self.columns
                    .iter()
                    .map(RString::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })?;
        let wrapped = self.values.get(position).ok_or_else(|| Error::Conversion {
            column: column.describe(),
            reason: "the row is shorter than its columns".into(),
        })?;
        wrapped.as_enum().map_err(|_| Error::Conversion {
            column: column.describe(),
            reason: "the plugin sent a kind of value this flowdb does not know; upgrade flowdb"
                .into(),
        })
    }

    /// A column's value as `T`.
    pub fn get<T: FromValue>(&self, column: impl ColumnIndex) -> Result<T, Error> {
        let value = self.value(&column)?;
        // Named only on failure: a name allocated per field read was a malloc per column of
        // every row.
        T::from_value(value).map_err(|reason| Error::Conversion {
            column: column.describe(),
            reason,
        })
    }
}
