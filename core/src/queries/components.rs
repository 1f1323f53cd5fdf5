//! One typed struct per standard query component ([`flowdb_abi::catalogue`]): a host fills in
//! fields, never a component's name or its argument keys.
//!
//! ```
//! use flowdb::queries::components::{Component, GetScheduledFlowRunsFromWorkPool};
//!
//! let poll = GetScheduledFlowRunsFromWorkPool {
//!     limit: Some(100),
//!     work_pool_ids: Some(vec![uuid::Uuid::nil()]),
//!     ..Default::default()
//! };
//! let names: Vec<&str> = poll.arguments().iter().map(|(name, _)| *name).collect();
//! assert_eq!(names, ["limit", "work_pool_ids"]);
//! ```

use chrono::{DateTime, TimeDelta, Utc};
use flowdb_abi::ValueKind;
use flowdb_abi::catalogue::{self, ComponentSpec};
use uuid::Uuid;

use crate::models::StateType;
use crate::value::{Json, Value};

/// A standard component's typed arguments.
pub trait Component {
    /// The component's spec: its name and parameters.
    const SPEC: &'static ComponentSpec;

    /// Every field, with the kind of value it gives (for checking against the spec).
    const FIELDS: &'static [(&'static str, ValueKind)];

    /// The arguments given, by name; fields left `None` are not given.
    fn arguments(&self) -> Vec<(&'static str, Value)>;
}

/// A field type of a typed component: the value it gives, if any.
pub trait ArgumentValue {
    /// The kind of value.
    const KIND: ValueKind;

    /// The value, or none when the argument is not given.
    fn argument(&self) -> Option<Value>;
}

macro_rules! argument_value {
    ($($ty:ty, $kind:ident => |$v:ident| $body:expr),* $(,)?) => {
        $(impl ArgumentValue for $ty {
            const KIND: ValueKind = ValueKind::$kind;

            fn argument(&self) -> Option<Value> {
                let $v = self;
                Some($body)
            }
        })*
    };
}

argument_value! {
    i64, INT64 => |v| Value::Int64(*v),
    bool, BOOL => |v| Value::Bool(*v),
    String, TEXT => |v| Value::Text(v.as_str().into()),
    Uuid, UUID => |v| Value::Uuid(v.into_bytes()),
    DateTime<Utc>, TIMESTAMP => |v| Value::Timestamp(v.timestamp_micros()),
    TimeDelta, INTERVAL => |v| Value::Interval(v.num_microseconds().unwrap_or(i64::MAX)),
    Json, JSON => |v| crate::value::json_value(&v.0),
    StateType, TEXT => |v| Value::Text(v.as_str().into()),
    Vec<Uuid>, UUID_LIST => |v| Value::UuidList(v.iter().map(|id| id.into_bytes()).collect()),
    Vec<String>, TEXT_LIST => |v| Value::TextList(v.iter().map(|item| item.as_str().into()).collect()),
    Vec<StateType>, TEXT_LIST => |v| Value::TextList(v.iter().map(|item| item.as_str().into()).collect()),
    Vec<i64>, INT64_LIST => |v| Value::Int64List(v.iter().copied().collect()),
}

impl<T: ArgumentValue> ArgumentValue for Option<T> {
    const KIND: ValueKind = T::KIND;

    fn argument(&self) -> Option<Value> {
        self.as_ref().and_then(ArgumentValue::argument)
    }
}

/// Declares a typed component: the struct, with a field per argument named as the argument.
macro_rules! component {
    (
        $(#[$meta:meta])*
        $name:ident => $spec:ident {
            $($(#[$field_meta:meta])* $field:ident : $ty:ty),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq)]
        pub struct $name {
            $($(#[$field_meta])* pub $field: $ty,)*
        }

        impl Component for $name {
            const SPEC: &'static ComponentSpec = &catalogue::$spec;
            const FIELDS: &'static [(&'static str, ValueKind)] =
                &[$((stringify!($field), <$ty as ArgumentValue>::KIND)),*];

            fn arguments(&self) -> Vec<(&'static str, Value)> {
                #[allow(unused_mut)]
                let mut arguments = Vec::new();
                $(
                    if let Some(value) = ArgumentValue::argument(&self.$field) {
                        arguments.push((stringify!($field), value));
                    }
                )*
                arguments
            }
        }
    };
}

component! {
    /// `get_scheduled_flow_runs_from_work_pool`: the worker poll. Limits default to 1000.
    #[derive(Default)]
    GetScheduledFlowRunsFromWorkPool => GET_SCHEDULED_FLOW_RUNS_FROM_WORK_POOL {
        /// Runs in all.
        limit: Option<i64>,
        /// Runs per pool.
        worker_limit: Option<i64>,
        /// Runs per queue.
        queue_limit: Option<i64>,
        /// Only these pools.
        work_pool_ids: Option<Vec<Uuid>>,
        /// Only these queues.
        work_queue_ids: Option<Vec<Uuid>>,
        /// Only runs due at or before it.
        scheduled_before: Option<DateTime<Utc>>,
        /// Only runs due at or after it.
        scheduled_after: Option<DateTime<Utc>>,
        /// Take higher-priority queues first.
        respect_queue_priorities: Option<bool>,
    }
}

component! {
    /// `get_scheduled_flow_runs_from_work_queues`: the legacy work-queue poll.
    #[derive(Default)]
    GetScheduledFlowRunsFromWorkQueues => GET_SCHEDULED_FLOW_RUNS_FROM_WORK_QUEUES {
        /// Runs per queue (no limit when `None`).
        limit_per_queue: Option<i64>,
        /// Only these queues.
        work_queue_ids: Option<Vec<Uuid>>,
        /// Only runs due at or before it.
        scheduled_before: Option<DateTime<Utc>>,
    }
}

component! {
    /// `insert`: an `INSERT` of `row_count` rows whose values the caller binds, row-major.
    Insert => INSERT {
        /// The table.
        table: String,
        /// The columns given, in bind order.
        columns: Vec<String>,
        /// How many rows.
        row_count: Option<i64>,
        /// `error` (default), `do_nothing` or `do_update`.
        on_conflict: Option<String>,
        /// The conflict target (default: tier 3's upsert columns).
        conflict_columns: Option<Vec<String>>,
        /// With `do_update`, the columns taken from the new row.
        update_columns: Option<Vec<String>>,
        /// Columns returned per inserted row.
        returning: Option<Vec<String>>,
    }
}

component! {
    /// `set_state_id_on_inserted_flow_runs_statement`.
    SetStateIdOnInsertedFlowRunsStatement => SET_STATE_ID_ON_INSERTED_FLOW_RUNS_STATEMENT {
        /// The runs inserted.
        inserted_flow_run_ids: Vec<Uuid>,
        /// The ids of their states.
        insert_flow_run_states: Vec<Uuid>,
    }
}

component! {
    /// `make_timestamp_intervals`.
    MakeTimestampIntervals => MAKE_TIMESTAMP_INTERVALS {
        /// The first interval's start.
        start_time: DateTime<Utc>,
        /// No interval starts at or after it.
        end_time: DateTime<Utc>,
        /// Each interval's length.
        interval: TimeDelta,
    }
}

component! {
    /// `make_timestamp_bucket_index`: a fragment.
    MakeTimestampBucketIndex => MAKE_TIMESTAMP_BUCKET_INDEX {
        /// An SQL expression of a timestamp.
        timestamp: String,
        /// Bucket 0 starts here.
        start_time: DateTime<Utc>,
        /// Each bucket's length.
        interval: TimeDelta,
    }
}

component! {
    /// `for_update`: the clause that locks a `SELECT`'s rows (empty where the transaction's
    /// write lock covers them).
    #[derive(Default)]
    ForUpdate => FOR_UPDATE {
        /// Skip rows another transaction has locked.
        skip_locked: Option<bool>,
        /// Fail at once on a locked row.
        nowait: Option<bool>,
    }
}

component! {
    /// `in_list`: a condition, the expression is one of a list bound as one parameter.
    InList => IN_LIST {
        /// An SQL expression.
        expression: String,
        /// The placeholder the list is bound to.
        parameter: String,
    }
}

component! {
    /// `json_has_all`: a condition, the JSON array holds every text of a bound list.
    JsonHasAll => JSON_HAS_ALL {
        /// An SQL expression of a JSON array.
        expression: String,
        /// The placeholder the text list is bound to.
        parameter: String,
    }
}

component! {
    /// `json_has_any`: a condition, the JSON array holds one text of a bound list at least.
    JsonHasAny => JSON_HAS_ANY {
        /// An SQL expression of a JSON array.
        expression: String,
        /// The placeholder the text list is bound to.
        parameter: String,
    }
}

component! {
    /// `cast_to_json`: a fragment.
    CastToJson => CAST_TO_JSON {
        /// An SQL expression.
        expression: String,
    }
}

component! {
    /// `json_arr_agg`: a fragment.
    JsonArrAgg => JSON_ARR_AGG {
        /// An SQL expression.
        expression: String,
    }
}

component! {
    /// `build_json_object`: a fragment.
    BuildJsonObject => BUILD_JSON_OBJECT {
        /// The keys.
        keys: Vec<String>,
        /// An SQL expression per key.
        expressions: Vec<String>,
    }
}

component! {
    /// `read_configuration_value`.
    ReadConfigurationValue => READ_CONFIGURATION_VALUE {
        /// The key.
        key: String,
    }
}

component! {
    /// `write_configuration_value`.
    WriteConfigurationValue => WRITE_CONFIGURATION_VALUE {
        /// The row's id if it is new.
        id: Uuid,
        /// The key.
        key: String,
        /// Its value.
        value: Json,
        /// The created/updated time.
        now: DateTime<Utc>,
    }
}

component! {
    /// `delete_configuration_value`.
    DeleteConfigurationValue => DELETE_CONFIGURATION_VALUE {
        /// The key.
        key: String,
    }
}

component! {
    /// `flow_run_graph_v2`.
    FlowRunGraphV2 => FLOW_RUN_GRAPH_V2 {
        /// The flow run.
        flow_run_id: Uuid,
        /// Only nodes still running or ended at or after it.
        since: DateTime<Utc>,
        /// The most rows.
        max_nodes: i64,
    }
}

component! {
    /// The artifacts of a flow run's graph.
    FlowRunGraphV2Artifacts => FLOW_RUN_GRAPH_V2_ARTIFACTS {
        /// The flow run.
        flow_run_id: Uuid,
        /// The most rows.
        max_artifacts: i64,
    }
}

component! {
    /// The states of a flow run's graph.
    FlowRunGraphV2States => FLOW_RUN_GRAPH_V2_STATES {
        /// The flow run.
        flow_run_id: Uuid,
    }
}

component! {
    /// A flow run's start and end, for its graph.
    FlowRunGraphV2Bounds => FLOW_RUN_GRAPH_V2_BOUNDS {
        /// The flow run.
        flow_run_id: Uuid,
    }
}

component! {
    /// `set_flow_run_state`.
    SetFlowRunState => SET_FLOW_RUN_STATE {
        /// The flow run.
        flow_run_id: Uuid,
        /// The new state's id.
        state_id: Uuid,
        /// Its type.
        state_type: StateType,
        /// Its name.
        state_name: String,
        /// When.
        state_timestamp: DateTime<Utc>,
        /// Its message.
        state_message: Option<String>,
        /// Its details.
        state_details: Option<Json>,
        /// For a SCHEDULED state, its `state_details.scheduled_time`.
        scheduled_time: Option<DateTime<Utc>>,
        /// Apply only if the run's current state type is this (`"NULL"`: no state).
        expected_state_type: Option<String>,
        /// Apply only if the run's current state is this one.
        expected_state_id: Option<Uuid>,
        /// The time written to `updated`/`created` (default: the state's timestamp).
        now: Option<DateTime<Utc>>,
    }
}

/// Declares the flow-run filter and the components that take it: the filter's fields, then
/// their own.
macro_rules! filtered_component {
    (
        $(#[$meta:meta])*
        $name:ident => $spec:ident {
            $($(#[$field_meta:meta])* $field:ident : $ty:ty),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq)]
        pub struct $name {
            /// Which runs.
            pub filter: FlowRunFilter,
            $($(#[$field_meta])* pub $field: $ty,)*
        }

        impl Component for $name {
            const SPEC: &'static ComponentSpec = &catalogue::$spec;
            const FIELDS: &'static [(&'static str, ValueKind)] =
                &[$((stringify!($field), <$ty as ArgumentValue>::KIND)),*];

            fn arguments(&self) -> Vec<(&'static str, Value)> {
                #[allow(unused_mut)]
                let mut arguments = self.filter.arguments();
                $(
                    if let Some(value) = ArgumentValue::argument(&self.$field) {
                        arguments.push((stringify!($field), value));
                    }
                )*
                arguments
            }
        }
    };
}

/// Prefect's `FlowRunFilter`, flattened (`state.type.any_` is `state_type_any`): every field
/// left `None` is not applied, and all that are set must hold. An empty `_any` list matches
/// nothing; an empty `_not_any` list excludes nothing.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FlowRunFilter {
    /// Runs with one of these ids.
    pub id_any: Option<Vec<Uuid>>,
    /// Runs with none of these ids.
    pub id_not_any: Option<Vec<Uuid>>,
    /// Runs with one of these names.
    pub name_any: Option<Vec<String>>,
    /// Runs whose name contains this, case-insensitively.
    pub name_like: Option<String>,
    /// Runs with all these tags.
    pub tags_all: Option<Vec<String>>,
    /// Runs with any of these tags.
    pub tags_any: Option<Vec<String>>,
    /// Runs without (`true`) or with (`false`) tags.
    pub tags_is_null: Option<bool>,
    /// Runs of these flows.
    pub flow_id_any: Option<Vec<Uuid>>,
    /// Runs of these deployments.
    pub deployment_id_any: Option<Vec<Uuid>>,
    /// Runs without (`true`) or with (`false`) a deployment.
    pub deployment_id_is_null: Option<bool>,
    /// Runs in these work queues.
    pub work_queue_id_any: Option<Vec<Uuid>>,
    /// Runs in work queues of these names.
    pub work_queue_name_any: Option<Vec<String>>,
    /// Runs in queues of these work pools.
    pub work_pool_id_any: Option<Vec<Uuid>>,
    /// Runs whose state type is one of these.
    pub state_type_any: Option<Vec<StateType>>,
    /// Runs whose state type is none of these.
    pub state_type_not_any: Option<Vec<StateType>>,
    /// Runs whose state name is one of these.
    pub state_name_any: Option<Vec<String>>,
    /// Runs whose state name is none of these.
    pub state_name_not_any: Option<Vec<String>>,
    /// `coalesce(start_time, expected_start_time)` at or before.
    pub start_time_before: Option<DateTime<Utc>>,
    /// `coalesce(start_time, expected_start_time)` at or after.
    pub start_time_after: Option<DateTime<Utc>>,
    /// Not started (`true`) or started (`false`).
    pub start_time_is_null: Option<bool>,
    /// Ended at or before.
    pub end_time_before: Option<DateTime<Utc>>,
    /// Ended at or after.
    pub end_time_after: Option<DateTime<Utc>>,
    /// Not ended (`true`) or ended (`false`).
    pub end_time_is_null: Option<bool>,
    /// Expected to start at or before.
    pub expected_start_time_before: Option<DateTime<Utc>>,
    /// Expected to start at or after.
    pub expected_start_time_after: Option<DateTime<Utc>>,
    /// Next scheduled at or before.
    pub next_scheduled_start_time_before: Option<DateTime<Utc>>,
    /// Next scheduled at or after.
    pub next_scheduled_start_time_after: Option<DateTime<Utc>>,
    /// Subflow runs of these task runs.
    pub parent_task_run_id_any: Option<Vec<Uuid>>,
    /// Top-level (`true`) or subflow (`false`) runs.
    pub parent_task_run_id_is_null: Option<bool>,
    /// Subflow runs of these flow runs.
    pub parent_flow_run_id_any: Option<Vec<Uuid>>,
    /// Runs with one of these idempotency keys.
    pub idempotency_key_any: Option<Vec<String>>,
}

macro_rules! filter_arguments {
    ($self:ident, $($field:ident),* $(,)?) => {{
        let mut arguments = Vec::new();
        $(
            if let Some(value) = ArgumentValue::argument(&$self.$field) {
                arguments.push((stringify!($field), value));
            }
        )*
        arguments
    }};
}

macro_rules! filter_fields {
    ($($field:ident),* $(,)?) => {
        impl FlowRunFilter {
            /// The filter's arguments, by name.
            pub fn arguments(&self) -> Vec<(&'static str, Value)> {
                filter_arguments!(self, $($field),*)
            }

            /// Every field, with the kind of value it gives.
            pub const FIELDS: &'static [(&'static str, ValueKind)] = &[
                $((stringify!($field), filter_field_kind(|filter: &FlowRunFilter| &filter.$field))),*
            ];
        }
    };
}

/// The kind of a filter field, read off its type.
const fn filter_field_kind<T: ArgumentValue>(_field: fn(&FlowRunFilter) -> &T) -> ValueKind {
    T::KIND
}

filter_fields!(
    id_any,
    id_not_any,
    name_any,
    name_like,
    tags_all,
    tags_any,
    tags_is_null,
    flow_id_any,
    deployment_id_any,
    deployment_id_is_null,
    work_queue_id_any,
    work_queue_name_any,
    work_pool_id_any,
    state_type_any,
    state_type_not_any,
    state_name_any,
    state_name_not_any,
    start_time_before,
    start_time_after,
    start_time_is_null,
    end_time_before,
    end_time_after,
    end_time_is_null,
    expected_start_time_before,
    expected_start_time_after,
    next_scheduled_start_time_before,
    next_scheduled_start_time_after,
    parent_task_run_id_any,
    parent_task_run_id_is_null,
    parent_flow_run_id_any,
    idempotency_key_any,
);

filtered_component! {
    /// `read_flow_runs`: runs matching a filter, sorted and paged.
    #[derive(Default)]
    ReadFlowRuns => READ_FLOW_RUNS {
        /// Prefect's `FlowRunSort` name (`ID_DESC` by default).
        sort: Option<String>,
        /// The most rows.
        limit: Option<i64>,
        /// Rows skipped.
        offset: Option<i64>,
    }
}

filtered_component! {
    /// `count_flow_runs`: how many runs match a filter.
    #[derive(Default)]
    CountFlowRuns => COUNT_FLOW_RUNS {}
}

filtered_component! {
    /// `flow_run_history`: runs per expected-start bucket and state.
    FlowRunHistory => FLOW_RUN_HISTORY {
        /// Bucket 0 starts here.
        history_start: DateTime<Utc>,
        /// No bucket starts at or after it.
        history_end: DateTime<Utc>,
        /// Each bucket's length (at least one second).
        history_interval: TimeDelta,
        /// The time running runs' run time is counted to.
        now: DateTime<Utc>,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check<C: Component>(extra: &[(&'static str, ValueKind)]) {
        let spec = C::SPEC;
        for (name, kind) in C::FIELDS.iter().chain(extra) {
            let parameter = spec
                .parameter(name)
                .unwrap_or_else(|| panic!("{}: field `{name}` is not a parameter", spec.name));
            assert_eq!(parameter.kind, *kind, "{}: field `{name}`", spec.name);
        }
        for parameter in spec.parameters {
            let has = C::FIELDS
                .iter()
                .chain(extra)
                .any(|(name, _)| *name == parameter.name);
            assert!(
                has,
                "{}: no field for parameter `{}`",
                spec.name, parameter.name
            );
        }
    }

    /// Every typed component names exactly its spec's parameters, with their kinds: a host
    /// using the structs cannot send an argument the plugin does not know.
    #[test]
    fn typed_components_match_the_catalogue() {
        check::<GetScheduledFlowRunsFromWorkPool>(&[]);
        check::<GetScheduledFlowRunsFromWorkQueues>(&[]);
        check::<Insert>(&[]);
        check::<SetStateIdOnInsertedFlowRunsStatement>(&[]);
        check::<MakeTimestampIntervals>(&[]);
        check::<MakeTimestampBucketIndex>(&[]);
        check::<CastToJson>(&[]);
        check::<JsonArrAgg>(&[]);
        check::<BuildJsonObject>(&[]);
        check::<ReadConfigurationValue>(&[]);
        check::<WriteConfigurationValue>(&[]);
        check::<DeleteConfigurationValue>(&[]);
        check::<FlowRunGraphV2>(&[]);
        check::<FlowRunGraphV2Artifacts>(&[]);
        check::<FlowRunGraphV2States>(&[]);
        check::<FlowRunGraphV2Bounds>(&[]);
        check::<SetFlowRunState>(&[]);
        check::<ReadFlowRuns>(FlowRunFilter::FIELDS);
        check::<CountFlowRuns>(FlowRunFilter::FIELDS);
        check::<FlowRunHistory>(FlowRunFilter::FIELDS);
        check::<ForUpdate>(&[]);
        check::<InList>(&[]);
        check::<JsonHasAll>(&[]);
        check::<JsonHasAny>(&[]);
        let typed = 24;
        assert_eq!(
            catalogue::STANDARD_COMPONENTS.len(),
            typed,
            "a standard component has no typed struct"
        );
    }
}
