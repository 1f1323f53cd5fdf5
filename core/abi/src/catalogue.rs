//! The standard query components: their names, what they do and the arguments they take.
//!
//! These are the contract of tier 2. Every first-party dialect has all of them, a third-party
//! dialect should (the conformance suite checks it), and the host's typed operations call them
//! by these names. Where Prefect's `BaseQueryComponents` has the component, it keeps Prefect's
//! name and argument names, so a reader of Prefect's code finds each one; the others are the
//! statements of the orchestration hot path that Prefect writes with SQLAlchemy in its models.
//!
//! A dialect may have components beyond these; it lists them all in
//! [`QueryComponents::components`](crate::QueryComponents::components).

use abi_stable::std_types::RVec;

use crate::queries::{ComponentInfo, ComponentKind, ParameterInfo};
use crate::value::ValueKind;

/// One argument of a standard component.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParameterSpec {
    /// Its name.
    pub name: &'static str,
    /// The kind of value it takes.
    pub kind: ValueKind,
    /// Whether it must be given.
    pub required: bool,
    /// What it means, and its default when optional.
    pub description: &'static str,
}

/// A standard component.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ComponentSpec {
    /// Its name.
    pub name: &'static str,
    /// One line on what it does.
    pub description: &'static str,
    /// What rendering it gives.
    pub kind: ComponentKind,
    /// Its arguments.
    pub parameters: &'static [ParameterSpec],
}

impl ComponentSpec {
    /// The argument named `name`.
    pub fn parameter(&self, name: &str) -> Option<&'static ParameterSpec> {
        self.parameters
            .iter()
            .find(|parameter| parameter.name == name)
    }

    /// The spec as it crosses the boundary.
    ///
    /// ```
    /// let info = flowdb_abi::catalogue::READ_CONFIGURATION_VALUE.info();
    /// assert_eq!(info.name.as_str(), "read_configuration_value");
    /// assert_eq!(info.parameters[0].name.as_str(), "key");
    /// ```
    pub fn info(&self) -> ComponentInfo {
        ComponentInfo {
            name: self.name.into(),
            description: self.description.into(),
            kind: self.kind,
            parameters: self
                .parameters
                .iter()
                .map(|parameter| ParameterInfo {
                    name: parameter.name.into(),
                    kind: parameter.kind,
                    required: parameter.required,
                    description: parameter.description.into(),
                })
                .collect::<RVec<_>>(),
        }
    }
}

const fn required(name: &'static str, kind: ValueKind, description: &'static str) -> ParameterSpec {
    ParameterSpec {
        name,
        kind,
        required: true,
        description,
    }
}

const fn optional(name: &'static str, kind: ValueKind, description: &'static str) -> ParameterSpec {
    ParameterSpec {
        name,
        kind,
        required: false,
        description,
    }
}

/// The dialect's property saying that aggregated JSON comes back as text (Prefect's
/// `uses_json_strings`): a boolean.
pub const USES_JSON_STRINGS: &str = "uses_json_strings";

/// The dialect's property giving the most bind parameters one statement may carry (Prefect's
/// `get_max_query_parameters`: 32,767 on PostgreSQL, 999 on SQLite): an integer.
pub const MAX_BIND_PARAMETERS: &str = "max_bind_parameters";

/// The dialect's property saying whether it accepts `NULLS FIRST` / `NULLS LAST` in an
/// `ORDER BY` (PostgreSQL and SQLite do, MySQL does not): a boolean, true when absent. Where
/// it is false, the host spells the same order as a sort on `column IS NULL` first.
pub const NULLS_ORDERING: &str = "nulls_ordering";

/// The dialect's property saying whether a unit of independent writes may insert rows that
/// reference each other in any order, foreign keys being checked when it ends (PostgreSQL's
/// deferred constraints, SQLite's): a boolean, true when absent. Where it is false (MySQL
/// checks each row as it is written), the host inserts such rows as Prefect does: the runs
/// first, pointing at no state, then their states, then the runs pointed at them.
pub const DEFERRED_FOREIGN_KEYS: &str = "deferred_foreign_keys";

/// `insert`: Prefect's `insert(model)` with its `on_conflict_do_nothing/do_update`.
///
/// A [`ComponentKind::TEMPLATE`]: the caller binds `row_count` rows of `columns` values,
/// row-major, to `$1 … $(columns × row_count)`.
pub const INSERT: ComponentSpec = ComponentSpec {
    name: "insert",
    description: "INSERT of several rows, with ON CONFLICT DO NOTHING / DO UPDATE on the upsert columns",
    kind: ComponentKind::TEMPLATE,
    parameters: &[
        required("table", ValueKind::TEXT, "the table"),
        required(
            "columns",
            ValueKind::TEXT_LIST,
            "the columns given, in the order bound",
        ),
        optional("row_count", ValueKind::INT64, "how many rows (default 1)"),
        optional(
            "on_conflict",
            ValueKind::TEXT,
            "`error` (default), `do_nothing` or `do_update`",
        ),
        optional(
            "conflict_columns",
            ValueKind::TEXT_LIST,
            "the conflict target (default: the table's upsert columns from tier 3)",
        ),
        optional(
            "update_columns",
            ValueKind::TEXT_LIST,
            "with do_update, the columns set from the new row (default: every given column not in the conflict target)",
        ),
        optional(
            "returning",
            ValueKind::TEXT_LIST,
            "columns to return for each inserted row",
        ),
    ],
};

/// `cast_to_json`: an expression as JSON (PostgreSQL: unchanged; SQLite: `json(expr)`).
pub const CAST_TO_JSON: ComponentSpec = ComponentSpec {
    name: "cast_to_json",
    description: "an expression cast to JSON where the dialect needs it",
    kind: ComponentKind::FRAGMENT,
    parameters: &[required("expression", ValueKind::TEXT, "an SQL expression")],
};

/// `build_json_object`: a JSON object from key/expression pairs.
pub const BUILD_JSON_OBJECT: ComponentSpec = ComponentSpec {
    name: "build_json_object",
    description: "a JSON object built from keys and SQL expressions (jsonb_build_object / json_object)",
    kind: ComponentKind::FRAGMENT,
    parameters: &[
        required("keys", ValueKind::TEXT_LIST, "the object's keys"),
        required(
            "expressions",
            ValueKind::TEXT_LIST,
            "an SQL expression per key",
        ),
    ],
};

/// `json_arr_agg`: the aggregate that collects values into a JSON array.
pub const JSON_ARR_AGG: ComponentSpec = ComponentSpec {
    name: "json_arr_agg",
    description: "aggregates an expression into a JSON array (jsonb_agg / json_group_array)",
    kind: ComponentKind::FRAGMENT,
    parameters: &[required("expression", ValueKind::TEXT, "an SQL expression")],
};

/// `for_update`: the clause that locks the rows a `SELECT` reads, for the rest of the
/// transaction; empty where the transaction's own write lock covers them (SQLite, whose
/// `with_for_update` transaction holds the database's write lock from `BEGIN IMMEDIATE`).
pub const FOR_UPDATE: ComponentSpec = ComponentSpec {
    name: "for_update",
    description: "the clause appended to a SELECT to lock its rows (FOR UPDATE [SKIP LOCKED | NOWAIT]; empty where the transaction's write lock covers them)",
    kind: ComponentKind::FRAGMENT,
    parameters: &[
        optional(
            "skip_locked",
            ValueKind::BOOL,
            "skip rows another transaction has locked (default false)",
        ),
        optional(
            "nowait",
            ValueKind::BOOL,
            "fail at once instead of waiting for a locked row (default false)",
        ),
    ],
};

/// `in_list`: an expression is one of a list bound as one parameter, so a list of any length
/// takes one placeholder (PostgreSQL's `= ANY($n)`, SQLite's `json_each`), whatever the
/// dialect's limit on bind parameters.
pub const IN_LIST: ComponentSpec = ComponentSpec {
    name: "in_list",
    description: "a condition: the expression is one of the UUID, text or integer list bound at the parameter",
    kind: ComponentKind::FRAGMENT,
    parameters: &[
        required("expression", ValueKind::TEXT, "an SQL expression"),
        required(
            "parameter",
            ValueKind::TEXT,
            "the placeholder the list is bound to ($n)",
        ),
    ],
};

/// The arguments of `json_has_all` and `json_has_any`.
const JSON_CONTAINMENT_PARAMETERS: &[ParameterSpec] = &[
    required(
        "expression",
        ValueKind::TEXT,
        "an SQL expression of a JSON array",
    ),
    required(
        "parameter",
        ValueKind::TEXT,
        "the placeholder a text list is bound to ($n), which may appear more than once",
    ),
];

/// `json_has_all`: a JSON array column holds every text of a bound list (PostgreSQL's `?&`,
/// as Prefect's `tags.all_` filters compile).
pub const JSON_HAS_ALL: ComponentSpec = ComponentSpec {
    name: "json_has_all",
    description: "a condition: the JSON array expression holds every text of the text list bound at the parameter",
    kind: ComponentKind::FRAGMENT,
    parameters: JSON_CONTAINMENT_PARAMETERS,
};

/// `json_has_any`: a JSON array column holds at least one text of a bound list (PostgreSQL's
/// `?|`, as Prefect's `tags.any_` filters compile).
pub const JSON_HAS_ANY: ComponentSpec = ComponentSpec {
    name: "json_has_any",
    description: "a condition: the JSON array expression holds at least one text of the text list bound at the parameter",
    kind: ComponentKind::FRAGMENT,
    parameters: JSON_CONTAINMENT_PARAMETERS,
};

/// `make_timestamp_intervals`: at most 500 `(interval_start, interval_end)` rows.
pub const MAKE_TIMESTAMP_INTERVALS: ComponentSpec = ComponentSpec {
    name: "make_timestamp_intervals",
    description: "rows (interval_start, interval_end) from start_time to end_time, at most 500",
    kind: ComponentKind::QUERY,
    parameters: &[
        required(
            "start_time",
            ValueKind::TIMESTAMP,
            "the first interval's start",
        ),
        required(
            "end_time",
            ValueKind::TIMESTAMP,
            "no interval starts at or after it",
        ),
        required("interval", ValueKind::INTERVAL, "each interval's length"),
    ],
};

/// `make_timestamp_bucket_index`: which interval after `start_time` a timestamp falls in
/// (Prefect 3.9's replacement for joining `make_timestamp_intervals`).
pub const MAKE_TIMESTAMP_BUCKET_INDEX: ComponentSpec = ComponentSpec {
    name: "make_timestamp_bucket_index",
    description: "the 0-based index of the interval after start_time that a timestamp expression falls in",
    kind: ComponentKind::FRAGMENT,
    parameters: &[
        required(
            "timestamp",
            ValueKind::TEXT,
            "an SQL expression of a timestamp",
        ),
        required(
            "start_time",
            ValueKind::TIMESTAMP,
            "bucket 0 starts here (bound)",
        ),
        required("interval", ValueKind::INTERVAL, "each bucket's length"),
    ],
};

/// `set_state_id_on_inserted_flow_runs_statement`: after a bulk insert of runs and their
/// first states, points each run at its state.
pub const SET_STATE_ID_ON_INSERTED_FLOW_RUNS_STATEMENT: ComponentSpec = ComponentSpec {
    name: "set_state_id_on_inserted_flow_runs_statement",
    description: "sets flow_run.state_id to the run's state among the states just inserted",
    kind: ComponentKind::WRITE,
    parameters: &[
        required(
            "inserted_flow_run_ids",
            ValueKind::UUID_LIST,
            "the runs inserted",
        ),
        required(
            "insert_flow_run_states",
            ValueKind::UUID_LIST,
            "the ids of the states inserted for them",
        ),
    ],
};

/// `get_scheduled_flow_runs_from_work_queues`: the legacy agent / work-queue poll.
pub const GET_SCHEDULED_FLOW_RUNS_FROM_WORK_QUEUES: ComponentSpec = ComponentSpec {
    name: "get_scheduled_flow_runs_from_work_queues",
    description: "scheduled runs of unpaused work queues within their concurrency limits (the work-queue poll); columns wq_id, then every flow_run column",
    kind: ComponentKind::QUERY,
    parameters: &[
        optional(
            "limit_per_queue",
            ValueKind::INT64,
            "runs per queue (default: no limit)",
        ),
        optional("work_queue_ids", ValueKind::UUID_LIST, "only these queues"),
        optional(
            "scheduled_before",
            ValueKind::TIMESTAMP,
            "only runs due at or before it",
        ),
    ],
};

/// `get_scheduled_flow_runs_from_work_pool`: the worker poll, rendered from
/// `sql/<dialect>/get-runs-from-worker-queues.sql.jinja`.
pub const GET_SCHEDULED_FLOW_RUNS_FROM_WORK_POOL: ComponentSpec = ComponentSpec {
    name: "get_scheduled_flow_runs_from_work_pool",
    description: "scheduled runs of unpaused pools and queues within pool and queue concurrency (the worker poll); columns run_work_pool_id, run_work_queue_id, then every flow_run column",
    kind: ComponentKind::QUERY,
    parameters: &[
        optional("limit", ValueKind::INT64, "runs in all (default 1000)"),
        optional(
            "worker_limit",
            ValueKind::INT64,
            "runs per pool (default 1000)",
        ),
        optional(
            "queue_limit",
            ValueKind::INT64,
            "runs per queue (default 1000)",
        ),
        optional("work_pool_ids", ValueKind::UUID_LIST, "only these pools"),
        optional("work_queue_ids", ValueKind::UUID_LIST, "only these queues"),
        optional(
            "scheduled_before",
            ValueKind::TIMESTAMP,
            "only runs due at or before it",
        ),
        optional(
            "scheduled_after",
            ValueKind::TIMESTAMP,
            "only runs due at or after it",
        ),
        optional(
            "respect_queue_priorities",
            ValueKind::BOOL,
            "take higher-priority queues first (default false)",
        ),
    ],
};

/// `read_configuration_value`: one row of the `configuration` table (the host caches it).
pub const READ_CONFIGURATION_VALUE: ComponentSpec = ComponentSpec {
    name: "read_configuration_value",
    description: "the value (JSON) of a configuration key; no row when there is none",
    kind: ComponentKind::QUERY,
    parameters: &[required("key", ValueKind::TEXT, "the configuration key")],
};

/// `write_configuration_value`: inserts or replaces a configuration value.
pub const WRITE_CONFIGURATION_VALUE: ComponentSpec = ComponentSpec {
    name: "write_configuration_value",
    description: "inserts a configuration key or updates its value (upsert on key)",
    kind: ComponentKind::WRITE,
    parameters: &[
        required("id", ValueKind::UUID, "the row's id if it is new"),
        required("key", ValueKind::TEXT, "the configuration key"),
        required("value", ValueKind::JSON, "its value"),
        required("now", ValueKind::TIMESTAMP, "the created/updated time"),
    ],
};

/// `delete_configuration_value`: deletes a configuration key.
pub const DELETE_CONFIGURATION_VALUE: ComponentSpec = ComponentSpec {
    name: "delete_configuration_value",
    description: "deletes a configuration key",
    kind: ComponentKind::WRITE,
    parameters: &[required("key", ValueKind::TEXT, "the configuration key")],
};

/// `flow_run_graph_v2`: the nodes of a flow run's graph (Prefect's
/// `_build_flow_run_graph_v2_query`).
pub const FLOW_RUN_GRAPH_V2: ComponentSpec = ComponentSpec {
    name: "flow_run_graph_v2",
    description: "graph nodes of a flow run: kind, id, label, state_type, start_time, end_time, parent_ids, child_ids, encapsulating_ids",
    kind: ComponentKind::QUERY,
    parameters: &[
        required("flow_run_id", ValueKind::UUID, "the flow run"),
        required(
            "since",
            ValueKind::TIMESTAMP,
            "only nodes still running or ended at or after it",
        ),
        required("max_nodes", ValueKind::INT64, "the most rows returned"),
    ],
};

/// The artifacts of a flow run's graph (Prefect's `_get_flow_run_graph_artifacts`).
pub const FLOW_RUN_GRAPH_V2_ARTIFACTS: ComponentSpec = ComponentSpec {
    name: "flow_run_graph_v2_artifacts",
    description: "artifacts of a flow run except results, oldest first: id, created, key, type, data, task_run_id, is_latest",
    kind: ComponentKind::QUERY,
    parameters: &[
        required("flow_run_id", ValueKind::UUID, "the flow run"),
        required("max_artifacts", ValueKind::INT64, "the most rows returned"),
    ],
};

/// The states of a flow run's graph (Prefect's `_get_flow_run_graph_states`).
pub const FLOW_RUN_GRAPH_V2_STATES: ComponentSpec = ComponentSpec {
    name: "flow_run_graph_v2_states",
    description: "every state of a flow run, oldest first: id, timestamp, type, name",
    kind: ComponentKind::QUERY,
    parameters: &[required("flow_run_id", ValueKind::UUID, "the flow run")],
};

/// The start and end of a flow run, for its graph; no row when there is no such run.
pub const FLOW_RUN_GRAPH_V2_BOUNDS: ComponentSpec = ComponentSpec {
    name: "flow_run_graph_v2_bounds",
    description: "coalesce(start_time, expected_start_time) as start_time, and end_time, of a flow run",
    kind: ComponentKind::QUERY,
    parameters: &[required("flow_run_id", ValueKind::UUID, "the flow run")],
};

/// `set_flow_run_state`: a new current state for a flow run, with the run's row locked.
pub const SET_FLOW_RUN_STATE: ComponentSpec = ComponentSpec {
    name: "set_flow_run_state",
    description: "inserts a state and makes it the run's current one, with the run columns Prefect's global flow policy sets (row locked; optional expected current state); returns found, applied, current_state_id, current_state_type, current_state_name",
    kind: ComponentKind::WRITE,
    parameters: &[
        required("flow_run_id", ValueKind::UUID, "the flow run"),
        required("state_id", ValueKind::UUID, "the new state's id"),
        required(
            "state_type",
            ValueKind::TEXT,
            "SCHEDULED, PENDING, RUNNING, …",
        ),
        required("state_name", ValueKind::TEXT, "Scheduled, Pending, …"),
        required("state_timestamp", ValueKind::TIMESTAMP, "when"),
        optional("state_message", ValueKind::TEXT, "the state's message"),
        optional(
            "state_details",
            ValueKind::JSON,
            "state_details (default {})",
        ),
        optional(
            "scheduled_time",
            ValueKind::TIMESTAMP,
            "for a SCHEDULED state, its state_details.scheduled_time (default: the state's timestamp)",
        ),
        optional(
            "expected_state_type",
            ValueKind::TEXT,
            "apply only if the run's current state type is this; the text NULL for a run without a state",
        ),
        optional(
            "now",
            ValueKind::TIMESTAMP,
            "the time written to the run's `updated` and the state's `created`/`updated` (default: state_timestamp)",
        ),
        optional(
            "expected_state_id",
            ValueKind::UUID,
            "apply only if the run's current state is this one",
        ),
    ],
};

/// The flow-run filter arguments followed by `$extra`, as one parameter slice.
macro_rules! with_flow_run_filter {
    ($($extra:expr),* $(,)?) => {
        &[
        optional("id_any", ValueKind::UUID_LIST, "runs with one of these ids"),
        optional("id_not_any", ValueKind::UUID_LIST, "runs with none of these ids"),
        optional("name_any", ValueKind::TEXT_LIST, "runs with one of these names"),
        optional("name_like", ValueKind::TEXT, "runs whose name contains this (case-insensitive)"),
        optional("tags_all", ValueKind::TEXT_LIST, "runs with all these tags"),
        optional("tags_any", ValueKind::TEXT_LIST, "runs with any of these tags"),
        optional("tags_is_null", ValueKind::BOOL, "runs without (true) or with (false) tags"),
        optional("flow_id_any", ValueKind::UUID_LIST, "runs of these flows"),
        optional("deployment_id_any", ValueKind::UUID_LIST, "runs of these deployments"),
        optional("deployment_id_is_null", ValueKind::BOOL, "runs without (true) or with (false) a deployment"),
        optional("work_queue_id_any", ValueKind::UUID_LIST, "runs in these work queues"),
        optional("work_queue_name_any", ValueKind::TEXT_LIST, "runs in work queues of these names"),
        optional("work_pool_id_any", ValueKind::UUID_LIST, "runs in queues of these work pools"),
        optional("state_type_any", ValueKind::TEXT_LIST, "runs whose state type is one of these"),
        optional("state_type_not_any", ValueKind::TEXT_LIST, "runs whose state type is none of these"),
        optional("state_name_any", ValueKind::TEXT_LIST, "runs whose state name is one of these"),
        optional("state_name_not_any", ValueKind::TEXT_LIST, "runs whose state name is none of these"),
        optional("start_time_before", ValueKind::TIMESTAMP, "started at or before"),
        optional("start_time_after", ValueKind::TIMESTAMP, "started at or after"),
        optional("start_time_is_null", ValueKind::BOOL, "not started (true) or started (false)"),
        optional("end_time_before", ValueKind::TIMESTAMP, "ended at or before"),
        optional("end_time_after", ValueKind::TIMESTAMP, "ended at or after"),
        optional("end_time_is_null", ValueKind::BOOL, "not ended (true) or ended (false)"),
        optional("expected_start_time_before", ValueKind::TIMESTAMP, "expected to start at or before"),
        optional("expected_start_time_after", ValueKind::TIMESTAMP, "expected to start at or after"),
        optional("next_scheduled_start_time_before", ValueKind::TIMESTAMP, "next scheduled at or before"),
        optional("next_scheduled_start_time_after", ValueKind::TIMESTAMP, "next scheduled at or after"),
        optional("parent_task_run_id_any", ValueKind::UUID_LIST, "subflow runs of these task runs"),
        optional("parent_task_run_id_is_null", ValueKind::BOOL, "top-level runs (true) or subflow runs (false)"),
        optional("parent_flow_run_id_any", ValueKind::UUID_LIST, "subflow runs of these flow runs"),
        optional("idempotency_key_any", ValueKind::TEXT_LIST, "runs with one of these idempotency keys"),
        $($extra),*
        ]
    };
}

/// The names of the flow-run filter arguments that `read_flow_runs`, `count_flow_runs` and
/// `flow_run_history` share (Prefect's `FlowRunFilter` fields, flattened: `state.type.any_`
/// becomes `state_type_any`). Every one is optional, and all given must hold.
pub const FLOW_RUN_FILTER: &[ParameterSpec] = with_flow_run_filter![];

/// `read_flow_runs`: flow runs matching a filter, sorted and paged.
pub const READ_FLOW_RUNS: ComponentSpec = ComponentSpec {
    name: "read_flow_runs",
    description: "every flow_run column of the runs matching the filter, sorted, with limit and offset",
    kind: ComponentKind::QUERY,
    parameters: with_flow_run_filter![
        optional(
            "sort",
            ValueKind::TEXT,
            "Prefect's FlowRunSort: ID_DESC (default), START_TIME_ASC, START_TIME_DESC, EXPECTED_START_TIME_ASC, EXPECTED_START_TIME_DESC, NAME_ASC, NAME_DESC, NEXT_SCHEDULED_START_TIME_ASC, END_TIME_DESC",
        ),
        optional(
            "limit",
            ValueKind::INT64,
            "the most rows (default: no limit)"
        ),
        optional("offset", ValueKind::INT64, "rows skipped (default 0)"),
    ],
};

/// `count_flow_runs`: how many flow runs match a filter.
pub const COUNT_FLOW_RUNS: ComponentSpec = ComponentSpec {
    name: "count_flow_runs",
    description: "the number of runs matching the filter, as column count",
    kind: ComponentKind::QUERY,
    parameters: with_flow_run_filter![],
};

/// `flow_run_history`: runs counted per time bucket and state (Prefect's `run_history`).
pub const FLOW_RUN_HISTORY: ComponentSpec = ComponentSpec {
    name: "flow_run_history",
    description: "runs by expected start time bucket and state: bucket_index, state_type, state_name, count_runs, sum_estimated_run_time, sum_estimated_lateness (seconds)",
    kind: ComponentKind::QUERY,
    parameters: with_flow_run_filter![
        required(
            "history_start",
            ValueKind::TIMESTAMP,
            "bucket 0 starts here"
        ),
        required(
            "history_end",
            ValueKind::TIMESTAMP,
            "no bucket starts at or after it"
        ),
        required(
            "history_interval",
            ValueKind::INTERVAL,
            "each bucket's length (at least 1 s)"
        ),
        required(
            "now",
            ValueKind::TIMESTAMP,
            "the time running runs' run time is counted to"
        ),
    ],
};

/// Every standard component, sorted by name.
pub const STANDARD_COMPONENTS: &[&ComponentSpec] = &[
    &BUILD_JSON_OBJECT,
    &CAST_TO_JSON,
    &COUNT_FLOW_RUNS,
    &DELETE_CONFIGURATION_VALUE,
    &FLOW_RUN_GRAPH_V2,
    &FLOW_RUN_GRAPH_V2_ARTIFACTS,
    &FLOW_RUN_GRAPH_V2_BOUNDS,
    &FLOW_RUN_GRAPH_V2_STATES,
    &FLOW_RUN_HISTORY,
    &FOR_UPDATE,
    &GET_SCHEDULED_FLOW_RUNS_FROM_WORK_POOL,
    &GET_SCHEDULED_FLOW_RUNS_FROM_WORK_QUEUES,
    &IN_LIST,
    &INSERT,
    &JSON_ARR_AGG,
    &JSON_HAS_ALL,
    &JSON_HAS_ANY,
    &MAKE_TIMESTAMP_BUCKET_INDEX,
    &MAKE_TIMESTAMP_INTERVALS,
    &READ_CONFIGURATION_VALUE,
    &READ_FLOW_RUNS,
    &SET_FLOW_RUN_STATE,
    &SET_STATE_ID_ON_INSERTED_FLOW_RUNS_STATEMENT,
    &WRITE_CONFIGURATION_VALUE,
];

/// The standard component named `name`.
///
/// ```
/// use flowdb_abi::catalogue::standard_component;
/// assert!(standard_component("get_scheduled_flow_runs_from_work_pool").is_some());
/// assert!(standard_component("no_such_component").is_none());
/// ```
pub fn standard_component(name: &str) -> Option<&'static ComponentSpec> {
    STANDARD_COMPONENTS
        .iter()
        .copied()
        .find(|spec| spec.name == name)
}

/// The computed result columns of the standard components — columns with no table column
/// behind them — and the kind every dialect presents them as: `(component, column, kind)`.
///
/// A driver that types results by their declared column types cannot type these (SQLite
/// declares no type for an expression: the graph's coalesced times come back as its storage
/// text, `json_group_array` lists as JSON text); the host reads them as the kind given here,
/// so every dialect shows the same values.
pub const COMPUTED_RESULT_COLUMNS: &[(&str, &str, ValueKind)] = &[
    ("flow_run_graph_v2", "start_time", ValueKind::TIMESTAMP),
    ("flow_run_graph_v2", "end_time", ValueKind::TIMESTAMP),
    ("flow_run_graph_v2", "parent_ids", ValueKind::JSON),
    ("flow_run_graph_v2", "child_ids", ValueKind::JSON),
    ("flow_run_graph_v2", "encapsulating_ids", ValueKind::JSON),
    (
        "flow_run_graph_v2_bounds",
        "start_time",
        ValueKind::TIMESTAMP,
    ),
    (
        "make_timestamp_intervals",
        "interval_start",
        ValueKind::TIMESTAMP,
    ),
    (
        "make_timestamp_intervals",
        "interval_end",
        ValueKind::TIMESTAMP,
    ),
];

/// The kind `component`'s computed result column `column` is presented as, if it is one.
///
/// ```
/// use flowdb_abi::ValueKind;
/// use flowdb_abi::catalogue::{COMPUTED_RESULT_COLUMNS, computed_result_kind, standard_component};
///
/// assert_eq!(computed_result_kind("flow_run_graph_v2", "parent_ids"), Some(ValueKind::JSON));
/// assert_eq!(computed_result_kind("flow_run_graph_v2", "label"), None);
/// for (component, _, _) in COMPUTED_RESULT_COLUMNS {
///     assert!(standard_component(component).is_some(), "{component}");
/// }
/// ```
pub fn computed_result_kind(component: &str, column: &str) -> Option<ValueKind> {
    COMPUTED_RESULT_COLUMNS
        .iter()
        .find(|(name, result, _)| *name == component && *result == column)
        .map(|(_, _, kind)| *kind)
}
