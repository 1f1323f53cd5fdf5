//! The JSON documents of Prefect's pydantic-typed columns (`Pydantic(T)` in its ORM), as typed
//! Rust structs with Prefect 3.9.1's fields and defaults.
//!
//! Every document keeps the keys it does not know in `extra` and writes them back, so a row
//! written by a newer Prefect survives a read-modify-write through flowdb. Missing keys take
//! Prefect's defaults, so the columns' server default `{}` reads as the default document.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::models::{ColumnKind, ColumnValue};
use crate::value::{FromValue, Value, json_document, json_value};

/// Keys of a document that this build does not model, kept as they were. Never put a modelled
/// field's key here: it would be written twice.
pub type ExtraFields = BTreeMap<String, serde_json::Value>;

/// How a run got to its state (`state_details` of `flow_run_state` and `task_run_state`).
///
/// ```
/// use flowdb::models::StateDetails;
///
/// let details: StateDetails = serde_json::from_str(r#"{"cache_key": "k", "future_key": 1}"#).unwrap();
/// assert_eq!(details.cache_key.as_deref(), Some("k"));
/// assert_eq!(details.deferred, Some(false)); // Prefect's default
/// assert_eq!(details.extra["future_key"], 1); // kept for the next write
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[allow(missing_docs)] // Prefect's field names; see `prefect.server.schemas.states.StateDetails`.
pub struct StateDetails {
    pub flow_run_id: Option<Uuid>,
    pub task_run_id: Option<Uuid>,
    pub child_flow_run_id: Option<Uuid>,
    #[serde(serialize_with = "pydantic_datetime")]
    pub scheduled_time: Option<DateTime<Utc>>,
    pub cache_key: Option<String>,
    #[serde(serialize_with = "pydantic_datetime")]
    pub cache_expiration: Option<DateTime<Utc>>,
    pub deferred: Option<bool>,
    pub untrackable_result: bool,
    #[serde(serialize_with = "pydantic_datetime")]
    pub pause_timeout: Option<DateTime<Utc>>,
    pub pause_reschedule: bool,
    pub pause_key: Option<String>,
    pub run_input_keyset: Option<BTreeMap<String, String>>,
    pub refresh_cache: Option<bool>,
    pub retriable: Option<bool>,
    pub transition_id: Option<Uuid>,
    pub task_parameters_id: Option<Uuid>,
    pub traceparent: Option<String>,
    pub deployment_concurrency_lease_id: Option<Uuid>,
    /// Keys this build does not model.
    #[serde(flatten)]
    pub extra: ExtraFields,
}

impl Default for StateDetails {
    fn default() -> Self {
        StateDetails {
            flow_run_id: None,
            task_run_id: None,
            child_flow_run_id: None,
            scheduled_time: None,
            cache_key: None,
            cache_expiration: None,
            deferred: Some(false),
            untrackable_result: false,
            pause_timeout: None,
            pause_reschedule: false,
            pause_key: None,
            run_input_keyset: None,
            refresh_cache: None,
            retriable: None,
            transition_id: None,
            task_parameters_id: None,
            traceparent: None,
            deployment_concurrency_lease_id: None,
            extra: ExtraFields::new(),
        }
    }
}

/// A flow run's retry and pause policy (`flow_run.empirical_policy`).
///
/// ```
/// use flowdb::models::FlowRunPolicy;
///
/// let policy: FlowRunPolicy = serde_json::from_str("{}").unwrap();
/// assert_eq!((policy.max_retries, policy.resuming), (0, Some(false)));
/// assert_eq!(policy.pause_keys, Some(Default::default()));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[allow(missing_docs)] // Prefect's field names; see `prefect.server.schemas.core.FlowRunPolicy`.
pub struct FlowRunPolicy {
    pub max_retries: i64,
    pub retry_delay_seconds: f64,
    pub retries: Option<i64>,
    pub retry_delay: Option<i64>,
    pub pause_keys: Option<BTreeSet<String>>,
    pub resuming: Option<bool>,
    pub retry_type: Option<String>,
    /// Keys this build does not model.
    #[serde(flatten)]
    pub extra: ExtraFields,
}

impl Default for FlowRunPolicy {
    fn default() -> Self {
        FlowRunPolicy {
            max_retries: 0,
            retry_delay_seconds: 0.0,
            retries: None,
            retry_delay: None,
            pause_keys: Some(BTreeSet::new()),
            resuming: Some(false),
            retry_type: None,
            extra: ExtraFields::new(),
        }
    }
}

/// A task run's retry policy (`task_run.empirical_policy`).
///
/// ```
/// use flowdb::models::TaskRunPolicy;
///
/// let policy: TaskRunPolicy = serde_json::from_str(r#"{"retries": 3, "retry_delay": [1, 2, 4]}"#).unwrap();
/// assert_eq!(policy.retries, Some(3));
/// assert_eq!(policy.retry_delay, Some(serde_json::json!([1, 2, 4])));
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
#[allow(missing_docs)] // Prefect's field names; see `prefect.server.schemas.core.TaskRunPolicy`.
pub struct TaskRunPolicy {
    pub max_retries: i64,
    pub retry_delay_seconds: f64,
    pub retries: Option<i64>,
    /// Seconds: a number, or one per retry.
    pub retry_delay: Option<serde_json::Value>,
    pub retry_jitter_factor: Option<f64>,
    /// Keys this build does not model.
    #[serde(flatten)]
    pub extra: ExtraFields,
}

/// Who created or updated an object (`created_by`, `updated_by`).
///
/// ```
/// use flowdb::models::CreatedBy;
///
/// let by: CreatedBy = serde_json::from_str(r#"{"type": "DEPLOYMENT", "display_value": "nightly"}"#).unwrap();
/// assert_eq!(by.kind.as_deref(), Some("DEPLOYMENT"));
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CreatedBy {
    /// The creator's id.
    pub id: Option<Uuid>,
    /// What created it (`DEPLOYMENT`, `AUTOMATION`, …); `type` in JSON.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// A name to show.
    pub display_value: Option<String>,
    /// Keys this build does not model.
    #[serde(flatten)]
    pub extra: ExtraFields,
}

/// Where a work pool's workers upload and run bundles (`work_pool.storage_configuration`).
///
/// ```
/// use flowdb::models::WorkPoolStorageConfiguration;
///
/// let config: WorkPoolStorageConfiguration = serde_json::from_str("{}").unwrap();
/// assert_eq!(config, WorkPoolStorageConfiguration::default());
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
#[allow(missing_docs)] // Prefect's field names; see `prefect.server.schemas.core.WorkPoolStorageConfiguration`.
pub struct WorkPoolStorageConfiguration {
    pub bundle_upload_step: Option<BTreeMap<String, serde_json::Value>>,
    pub bundle_execution_step: Option<BTreeMap<String, serde_json::Value>>,
    pub default_result_storage_block_id: Option<Uuid>,
    /// Keys this build does not model.
    #[serde(flatten)]
    pub extra: ExtraFields,
}

/// Writes a time as pydantic does in JSON mode: UTC as `Z`, and six fractional digits unless
/// there is no fraction (`…T09:00:00Z`, `…T09:00:00.123000Z`), so a document flowdb rewrites
/// reads the same to a byte-level comparison as one Prefect wrote.
fn pydantic_datetime<S: serde::Serializer>(
    at: &Option<DateTime<Utc>>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match at {
        None => serializer.serialize_none(),
        Some(at) if at.timestamp_subsec_micros() == 0 => {
            serializer.collect_str(&at.format("%Y-%m-%dT%H:%M:%SZ"))
        }
        Some(at) => serializer.collect_str(&at.format("%Y-%m-%dT%H:%M:%S%.6fZ")),
    }
}

macro_rules! json_documents {
    ($($ty:ty),* $(,)?) => {$(
        impl ColumnValue for $ty {
            const KIND: ColumnKind = ColumnKind::Json;

            fn to_value(&self) -> Value {
                json_value(self)
            }
        }

        impl FromValue for $ty {
            fn from_value(value: &Value) -> Result<Self, String> {
                json_document(value)
            }
        }

        impl crate::value::IntoValue for $ty {
            fn into_value(self) -> Value {
                json_value(&self)
            }
        }
    )*};
}

json_documents!(
    StateDetails,
    FlowRunPolicy,
    TaskRunPolicy,
    CreatedBy,
    WorkPoolStorageConfiguration,
);

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// Prefect 3.9.1's JSON for its documents (`model_dump_json()` of its pydantic schemas; on
    /// SQLite its ORM stores `json.dumps` of the same values, with spaces after separators).
    const PREFECT_STATE_DETAILS: &str = r#"{"flow_run_id":"00000000-0000-0000-0000-000000000001","task_run_id":null,"child_flow_run_id":null,"scheduled_time":"2026-11-30T09:00:00.123456Z","cache_key":null,"cache_expiration":null,"deferred":false,"untrackable_result":false,"pause_timeout":null,"pause_reschedule":false,"pause_key":null,"run_input_keyset":{"a":"b"},"refresh_cache":null,"retriable":null,"transition_id":null,"task_parameters_id":null,"traceparent":null,"deployment_concurrency_lease_id":null}"#;
    const PREFECT_FLOW_RUN_POLICY: &str = r#"{"max_retries":0,"retry_delay_seconds":0.0,"retries":2,"retry_delay":null,"pause_keys":["p1"],"resuming":false,"retry_type":null}"#;
    const PREFECT_TASK_RUN_POLICY: &str = r#"{"max_retries":0,"retry_delay_seconds":0.0,"retries":3,"retry_delay":[1,2],"retry_jitter_factor":null}"#;
    const PREFECT_CREATED_BY: &str =
        r#"{"id":"00000000-0000-0000-0000-000000000002","type":"DEPLOYMENT","display_value":"d"}"#;

    fn rewrite<T: FromValue + ColumnValue>(prefect: &str) -> String {
        let document = T::from_value(&Value::Json(prefect.into())).unwrap();
        match document.to_value() {
            Value::Json(text) => text.to_string(),
            other => panic!("not JSON: {other:?}"),
        }
    }

    #[test]
    fn prefects_documents_are_written_back_byte_for_byte() {
        assert_eq!(
            rewrite::<StateDetails>(PREFECT_STATE_DETAILS),
            PREFECT_STATE_DETAILS
        );
        assert_eq!(
            rewrite::<FlowRunPolicy>(PREFECT_FLOW_RUN_POLICY),
            PREFECT_FLOW_RUN_POLICY
        );
        assert_eq!(
            rewrite::<TaskRunPolicy>(PREFECT_TASK_RUN_POLICY),
            PREFECT_TASK_RUN_POLICY
        );
        assert_eq!(rewrite::<CreatedBy>(PREFECT_CREATED_BY), PREFECT_CREATED_BY);
    }

    #[test]
    fn times_are_written_as_pydantic_writes_them() {
        // pydantic's output for 0, 123 000 and 5 microseconds past the second.
        for (micros, prefect) in [
            (0, "2026-11-30T09:00:00Z"),
            (123_000, "2026-11-30T09:00:00.123000Z"),
            (5, "2026-11-30T09:00:00.000005Z"),
        ] {
            let details = StateDetails {
                scheduled_time: DateTime::from_timestamp_micros(1_796_029_200_000_000 + micros),
                ..StateDetails::default()
            };
            let Value::Json(json) = details.to_value() else {
                panic!("not JSON")
            };
            assert!(
                json.contains(&format!(r#""scheduled_time":"{prefect}""#)),
                "{json}"
            );
        }
        // Another offset, as Prefect may have written it, is read as the same instant.
        let offset = StateDetails::from_value(&Value::Json(
            r#"{"scheduled_time": "2026-11-30T14:30:00+05:30"}"#.into(),
        ))
        .unwrap();
        assert_eq!(offset.scheduled_time.unwrap().timestamp(), 1_796_029_200);
    }

    #[test]
    fn typed_fields_are_read() {
        let details = StateDetails::from_value(&Value::Json(PREFECT_STATE_DETAILS.into())).unwrap();
        assert_eq!(details.flow_run_id, Some(Uuid::from_u128(1)));
        assert_eq!(
            details.scheduled_time.unwrap().timestamp_micros(),
            1_796_029_200_123_456
        );
        assert_eq!(details.run_input_keyset.unwrap()["a"], "b");
        let wrong = StateDetails::from_value(&Value::Json(r#"{"flow_run_id": 5}"#.into()));
        assert!(wrong.unwrap_err().contains("StateDetails"));
    }

    #[test]
    fn the_server_default_reads_as_prefects_default_document() {
        let empty = Value::Json("{}".into());
        assert_eq!(
            StateDetails::from_value(&empty).unwrap(),
            StateDetails::default()
        );
        assert_eq!(
            FlowRunPolicy::from_value(&empty).unwrap(),
            FlowRunPolicy::default()
        );
    }
}
