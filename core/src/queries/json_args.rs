//! Component arguments written as JSON, and values shown as JSON: what `flowdb query` reads and
//! prints.

use chrono::{DateTime, NaiveDateTime, Utc};
use flowdb_abi::{ComponentInfo, ValueKind};

use crate::value::{Rows, Value};

/// The typed arguments of `component` from a JSON object, each converted to the kind its
/// parameter takes; the error names the argument and what was expected.
///
/// ```
/// use flowdb::queries::json_args::arguments_from_json;
///
/// let info = flowdb_abi::catalogue::GET_SCHEDULED_FLOW_RUNS_FROM_WORK_POOL.info();
/// let args = arguments_from_json(&info, &serde_json::json!({"limit": 5})).unwrap();
/// assert_eq!(args, vec![("limit".to_owned(), flowdb::value::Value::Int64(5))]);
/// let err = arguments_from_json(&info, &serde_json::json!({"work_pool_ids": ["nope"]})).unwrap_err();
/// assert!(err.contains("`work_pool_ids`"), "{err}");
/// ```
pub fn arguments_from_json(
    component: &ComponentInfo,
    arguments: &serde_json::Value,
) -> Result<Vec<(String, Value)>, String> {
    let object = match arguments {
        serde_json::Value::Object(object) => object,
        serde_json::Value::Null => return Ok(Vec::new()),
        other => return Err(format!("arguments must be a JSON object, got {other}")),
    };
    let mut converted = Vec::with_capacity(object.len());
    for (name, json) in object {
        let parameter = component
            .parameters
            .iter()
            .find(|parameter| parameter.name.as_str() == name)
            .ok_or_else(|| {
                let known: Vec<&str> = component
                    .parameters
                    .iter()
                    .map(|parameter| parameter.name.as_str())
                    .collect();
                format!(
                    "{}: unknown argument `{name}`; it takes {}",
                    component.name,
                    if known.is_empty() {
                        "none".to_owned()
                    } else {
                        known.join(", ")
                    }
                )
            })?;
        let value = value_from_json(parameter.kind, json).map_err(|expected| {
            format!(
                "{}: argument `{name}` must be {expected}, got {json}",
                component.name
            )
        })?;
        converted.push((name.clone(), value));
    }
    Ok(converted)
}

fn timestamp(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|at| at.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
                .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f"))
                .ok()
                .map(|naive| naive.and_utc())
        })
}

fn strings(json: &serde_json::Value) -> Option<Vec<&str>> {
    json.as_array()?
        .iter()
        .map(serde_json::Value::as_str)
        .collect()
}

/// A JSON value as a value of `kind`; the error says what was expected.
pub fn value_from_json(kind: ValueKind, json: &serde_json::Value) -> Result<Value, String> {
    use serde_json::Value as J;
    if json.is_null() {
        return Ok(Value::Null);
    }
    let value = match kind {
        ValueKind::BOOL => json.as_bool().map(Value::Bool),
        ValueKind::INT16 => json
            .as_i64()
            .and_then(|n| i16::try_from(n).ok())
            .map(Value::Int16),
        ValueKind::INT32 => json
            .as_i64()
            .and_then(|n| i32::try_from(n).ok())
            .map(Value::Int32),
        ValueKind::INT64 => json.as_i64().map(Value::Int64),
        ValueKind::FLOAT64 => json.as_f64().map(Value::Float64),
        ValueKind::TEXT => json.as_str().map(|text| Value::Text(text.into())),
        ValueKind::UUID => json
            .as_str()
            .and_then(|text| uuid::Uuid::parse_str(text).ok())
            .map(|id| Value::Uuid(id.into_bytes())),
        ValueKind::TIMESTAMP => json
            .as_str()
            .and_then(timestamp)
            .map(|at| Value::Timestamp(at.timestamp_micros())),
        ValueKind::INTERVAL => json
            .as_f64()
            .filter(|seconds| seconds.is_finite() && seconds.abs() < 9.0e12)
            .map(|seconds| Value::Interval((seconds * 1e6).round() as i64)),
        ValueKind::JSON => Some(Value::Json(json.to_string().into())),
        ValueKind::UUID_LIST => strings(json).and_then(|items| {
            items
                .iter()
                .map(|text| uuid::Uuid::parse_str(text).ok().map(|id| id.into_bytes()))
                .collect::<Option<Vec<_>>>()
                .map(|ids| Value::UuidList(ids.into()))
        }),
        ValueKind::TEXT_LIST => {
            strings(json).map(|items| Value::TextList(items.into_iter().map(Into::into).collect()))
        }
        ValueKind::INT64_LIST => match json {
            J::Array(items) => items
                .iter()
                .map(J::as_i64)
                .collect::<Option<Vec<_>>>()
                .map(|numbers| Value::Int64List(numbers.into())),
            _ => None,
        },
        _ => None,
    };
    value.ok_or_else(|| match kind {
        ValueKind::UUID => {
            "a UUID (text such as \"0b5f7c1e-8d5c-4d1e-9a0e-000000000001\")".to_owned()
        }
        ValueKind::TIMESTAMP => {
            "a timestamp (RFC 3339 text such as \"2026-12-01T12:00:00Z\"; without an offset, UTC)"
                .to_owned()
        }
        ValueKind::INTERVAL => "an interval in seconds (a number)".to_owned(),
        ValueKind::UUID_LIST => "a list of UUID texts".to_owned(),
        ValueKind::TEXT_LIST => "a list of texts".to_owned(),
        ValueKind::INT64_LIST => "a list of integers".to_owned(),
        ValueKind::INT16 | ValueKind::INT32 | ValueKind::INT64 => {
            format!("an integer ({})", kind.name())
        }
        other => format!("{} ({})", article(other.name()), other.name()),
    })
}

fn article(noun: &str) -> &'static str {
    if noun.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// A value as JSON: timestamps as RFC 3339 text, intervals in seconds, JSON documents parsed,
/// bytes as hex.
pub fn value_to_json(value: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    match value {
        Value::Null => J::Null,
        Value::Bool(v) => J::Bool(*v),
        Value::Int16(v) => J::from(*v),
        Value::Int32(v) => J::from(*v),
        Value::Int64(v) => J::from(*v),
        Value::Float64(v) => J::from(*v),
        Value::Text(v) => J::String(v.to_string()),
        Value::Bytes(v) => J::String(v.iter().map(|byte| format!("{byte:02x}")).collect()),
        Value::Uuid(v) => J::String(uuid::Uuid::from_bytes(*v).to_string()),
        Value::Timestamp(micros) => DateTime::<Utc>::from_timestamp_micros(*micros)
            .map_or(J::Null, |at| {
                J::String(at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
            }),
        Value::Interval(micros) => J::from(*micros as f64 / 1e6),
        Value::Json(text) => {
            serde_json::from_str(text).unwrap_or_else(|_| J::String(text.to_string()))
        }
        Value::UuidList(ids) => J::Array(
            ids.iter()
                .map(|id| J::String(uuid::Uuid::from_bytes(*id).to_string()))
                .collect(),
        ),
        Value::TextList(items) => J::Array(
            items
                .iter()
                .map(|item| J::String(item.to_string()))
                .collect(),
        ),
        Value::Int64List(items) => J::Array(items.iter().map(|item| J::from(*item)).collect()),
    }
}

/// Rows as JSON objects keyed by column name; a value of a kind this build does not know is
/// shown as null.
pub fn rows_to_json(rows: &Rows) -> Vec<serde_json::Value> {
    rows_as_json(rows, |_| None)
}

/// The rows a standard component returned, as JSON objects keyed by column name, its computed
/// columns shown as the kind the catalogue gives them
/// ([`COMPUTED_RESULT_COLUMNS`](flowdb_abi::catalogue::COMPUTED_RESULT_COLUMNS)) whatever
/// encoding the dialect returned them in: a graph node's `start_time` is RFC 3339 and its
/// `parent_ids` a JSON array on SQLite as on PostgreSQL.
pub fn component_rows_to_json(component: &str, rows: &Rows) -> Vec<serde_json::Value> {
    rows_as_json(rows, |column| {
        flowdb_abi::catalogue::computed_result_kind(component, column)
    })
}

fn rows_as_json(
    rows: &Rows,
    computed_kind: impl Fn(&str) -> Option<ValueKind>,
) -> Vec<serde_json::Value> {
    let columns: Vec<(String, Option<ValueKind>)> = rows
        .columns()
        .map(|column| (column.to_owned(), computed_kind(column)))
        .collect();
    rows.iter()
        .map(|row| {
            let object = columns
                .iter()
                .enumerate()
                .map(|(index, (column, kind))| {
                    let value = row
                        .value(index)
                        .map(|value| match kind {
                            Some(kind) => value_to_json(&as_kind(value, *kind)),
                            None => value_to_json(value),
                        })
                        .unwrap_or_default();
                    (column.clone(), value)
                })
                .collect();
            serde_json::Value::Object(object)
        })
        .collect()
}

/// A value in its storage encoding (text) as the kind it stands for; anything else, or a
/// timestamp's text that does not read as one, as it is. (Text taken as JSON that is not
/// JSON is still shown as text: [`value_to_json`] falls back to it.)
fn as_kind(value: &Value, kind: ValueKind) -> Value {
    use crate::value::FromValue as _;
    let Value::Text(text) = value else {
        return value.clone();
    };
    match kind {
        ValueKind::TIMESTAMP => DateTime::<Utc>::from_value(value).map_or_else(
            |_| value.clone(),
            |at| Value::Timestamp(at.timestamp_micros()),
        ),
        ValueKind::JSON => Value::Json(text.clone()),
        _ => value.clone(),
    }
}
