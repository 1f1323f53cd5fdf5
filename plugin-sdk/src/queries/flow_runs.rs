//! The flow-run components of the hot path: filters, sorts, reads, history, state changes and
//! the graph's side queries, written once over [`SqlDialect`].
//!
//! Filters compile as Prefect 3.9.1's `FlowRunFilter` does (its compiled SQL is the reference):
//! `start_time_before/after` compare `coalesce(start_time, expected_start_time)`, an empty `_any`
//! list matches nothing and an empty `_not_any` list excludes nothing, `tags_is_null` compares
//! with the empty array.

use crate::abi::{UnitOfWork, Value};
use crate::error::Result;
use crate::queries::standard::{named, query, write};
use crate::queries::{Arguments, SqlDialect};

/// Prefect's `FlowRunSort`: the orders `read_flow_runs` knows. Ties are broken by id, which
/// Prefect leaves to the database, so that paging is stable.
///
/// ```
/// use flowdb_plugin_sdk::queries::FlowRunSort;
/// assert_eq!(FlowRunSort::parse("ID_DESC"), Some(FlowRunSort::IdDesc));
/// assert_eq!(FlowRunSort::IdDesc.order_by(), "flow_run.id DESC");
/// assert_eq!(FlowRunSort::parse("SIDEWAYS"), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowRunSort {
    /// `ID_DESC`, the default.
    IdDesc,
    /// `START_TIME_ASC`: by `coalesce(start_time, expected_start_time)`.
    StartTimeAsc,
    /// `START_TIME_DESC`.
    StartTimeDesc,
    /// `EXPECTED_START_TIME_ASC`.
    ExpectedStartTimeAsc,
    /// `EXPECTED_START_TIME_DESC`.
    ExpectedStartTimeDesc,
    /// `NAME_ASC`.
    NameAsc,
    /// `NAME_DESC`.
    NameDesc,
    /// `NEXT_SCHEDULED_START_TIME_ASC`.
    NextScheduledStartTimeAsc,
    /// `END_TIME_DESC`.
    EndTimeDesc,
}

impl FlowRunSort {
    /// Every sort, by Prefect's name.
    pub const ALL: &[(&'static str, FlowRunSort)] = &[
        ("ID_DESC", FlowRunSort::IdDesc),
        ("START_TIME_ASC", FlowRunSort::StartTimeAsc),
        ("START_TIME_DESC", FlowRunSort::StartTimeDesc),
        ("EXPECTED_START_TIME_ASC", FlowRunSort::ExpectedStartTimeAsc),
        (
            "EXPECTED_START_TIME_DESC",
            FlowRunSort::ExpectedStartTimeDesc,
        ),
        ("NAME_ASC", FlowRunSort::NameAsc),
        ("NAME_DESC", FlowRunSort::NameDesc),
        (
            "NEXT_SCHEDULED_START_TIME_ASC",
            FlowRunSort::NextScheduledStartTimeAsc,
        ),
        ("END_TIME_DESC", FlowRunSort::EndTimeDesc),
    ];

    /// The sort named `name` (Prefect's spelling).
    pub fn parse(name: &str) -> Option<FlowRunSort> {
        Self::ALL
            .iter()
            .find(|(known, _)| *known == name)
            .map(|(_, sort)| *sort)
    }

    /// The `ORDER BY` list, as Prefect's `as_sql_sort` gives it, with `flow_run.id` breaking
    /// ties.
    pub fn order_by(self) -> &'static str {
        match self {
            FlowRunSort::IdDesc => "flow_run.id DESC",
            FlowRunSort::StartTimeAsc => {
                "coalesce(flow_run.start_time, flow_run.expected_start_time) ASC, flow_run.id"
            }
            FlowRunSort::StartTimeDesc => {
                "coalesce(flow_run.start_time, flow_run.expected_start_time) DESC, flow_run.id"
            }
            FlowRunSort::ExpectedStartTimeAsc => "flow_run.expected_start_time ASC, flow_run.id",
            FlowRunSort::ExpectedStartTimeDesc => "flow_run.expected_start_time DESC, flow_run.id",
            FlowRunSort::NameAsc => "flow_run.name ASC, flow_run.id",
            FlowRunSort::NameDesc => "flow_run.name DESC, flow_run.id",
            FlowRunSort::NextScheduledStartTimeAsc => {
                "flow_run.next_scheduled_start_time ASC, flow_run.id"
            }
            FlowRunSort::EndTimeDesc => "flow_run.end_time DESC, flow_run.id",
        }
    }
}

/// The conditions of the flow-run filter arguments present in `args` (see
/// [`catalogue::FLOW_RUN_FILTER`](crate::abi::catalogue::FLOW_RUN_FILTER)), each with `:name`
/// placeholders named after its argument; all must hold.
pub fn flow_run_filter<D: SqlDialect + ?Sized>(
    dialect: &D,
    args: &Arguments,
) -> Result<Vec<String>> {
    for argument in ["state_type_any", "state_type_not_any"] {
        for state_type in args.text_list(argument)?.unwrap_or_default() {
            check_state_type(args, argument, state_type)?;
        }
    }
    let mut conditions = Vec::new();
    let mut list = |argument: &str, column: &str, negate: bool, enum_type: Option<&str>| {
        if enum_type.is_some() && D::STATE_TYPE_LISTS_AS_LITERALS {
            // Checked above: each is one of STATE_TYPES, safe to write out.
            if let Ok(Some(items)) = args.text_list(argument) {
                let condition = if items.is_empty() {
                    "FALSE".to_owned()
                } else {
                    let literals: Vec<String> =
                        items.iter().map(|item| format!("'{item}'")).collect();
                    format!("{column} IN ({})", literals.join(", "))
                };
                conditions.push(if negate {
                    format!("NOT ({condition})")
                } else {
                    condition
                });
                return;
            }
        }
        if args.has(argument) {
            let param = match enum_type {
                Some(sql_type) => dialect.cast_list(&format!(":{argument}"), sql_type),
                None => format!(":{argument}"),
            };
            let condition = dialect.in_list(column, &param);
            conditions.push(if negate {
                format!("NOT ({condition})")
            } else {
                condition
            });
        }
    };
    list("id_any", "flow_run.id", false, None);
    list("id_not_any", "flow_run.id", true, None);
    list("name_any", "flow_run.name", false, None);
    list("flow_id_any", "flow_run.flow_id", false, None);
    list("deployment_id_any", "flow_run.deployment_id", false, None);
    list("work_queue_id_any", "flow_run.work_queue_id", false, None);
    list(
        "work_queue_name_any",
        "flow_run.work_queue_name",
        false,
        None,
    );
    list(
        "state_type_any",
        "flow_run.state_type",
        false,
        Some("state_type"),
    );
    list(
        "state_type_not_any",
        "flow_run.state_type",
        true,
        Some("state_type"),
    );
    list("state_name_any", "flow_run.state_name", false, None);
    list("state_name_not_any", "flow_run.state_name", true, None);
    list(
        "parent_task_run_id_any",
        "flow_run.parent_task_run_id",
        false,
        None,
    );
    list(
        "idempotency_key_any",
        "flow_run.idempotency_key",
        false,
        None,
    );
    if args.has("work_pool_id_any") {
        conditions.push(format!(
            "flow_run.work_queue_id IN (SELECT work_queue.id FROM work_queue WHERE {})",
            dialect.in_list("work_queue.work_pool_id", ":work_pool_id_any")
        ));
    }
    if args.has("parent_flow_run_id_any") {
        conditions.push(format!(
            "flow_run.parent_task_run_id IN (SELECT task_run.id FROM task_run WHERE {})",
            dialect.in_list("task_run.flow_run_id", ":parent_flow_run_id_any")
        ));
    }
    if args.text("name_like")?.is_some_and(|like| !like.is_empty()) {
        conditions.push(dialect.ilike_contains("flow_run.name", ":name_like"));
    }
    if args.has("tags_all") {
        conditions.push(dialect.json_array_has_all("flow_run.tags", ":tags_all"));
    }
    if args.has("tags_any") {
        conditions.push(dialect.json_array_has_any("flow_run.tags", ":tags_any"));
    }
    if let Some(is_null) = args.bool("tags_is_null")? {
        conditions.push(dialect.json_equals_empty_array("flow_run.tags", is_null));
    }
    let mut null_check = |argument: &str, column: &str| -> Result<()> {
        if let Some(is_null) = args.bool(argument)? {
            conditions.push(format!(
                "{column} IS {}NULL",
                if is_null { "" } else { "NOT " }
            ));
        }
        Ok(())
    };
    null_check("deployment_id_is_null", "flow_run.deployment_id")?;
    null_check("start_time_is_null", "flow_run.start_time")?;
    null_check("end_time_is_null", "flow_run.end_time")?;
    null_check("parent_task_run_id_is_null", "flow_run.parent_task_run_id")?;
    let ranges = [
        (
            "start_time",
            "coalesce(flow_run.start_time, flow_run.expected_start_time)",
        ),
        ("end_time", "flow_run.end_time"),
        ("expected_start_time", "flow_run.expected_start_time"),
        (
            "next_scheduled_start_time",
            "flow_run.next_scheduled_start_time",
        ),
    ];
    for (name, column) in ranges {
        if args.has(&format!("{name}_before")) {
            conditions.push(format!("{column} <= :{name}_before"));
        }
        if args.has(&format!("{name}_after")) {
            conditions.push(format!("{column} >= :{name}_after"));
        }
    }
    Ok(conditions)
}

fn where_clause(conditions: &[String]) -> String {
    if conditions.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conditions.join(" AND "))
    }
}

fn non_negative(args: &Arguments, name: &str) -> Result<Option<i64>> {
    match args.int(name)? {
        Some(value) if value < 0 => {
            Err(args.invalid(name, format!("must not be negative, got {value}")))
        }
        other => Ok(other),
    }
}

pub(crate) fn read_flow_runs<D: SqlDialect + ?Sized>(
    dialect: &D,
    args: &Arguments,
) -> Result<UnitOfWork> {
    let sort = match args.text("sort")? {
        None => FlowRunSort::IdDesc,
        Some(name) => FlowRunSort::parse(name).ok_or_else(|| {
            let known: Vec<&str> = FlowRunSort::ALL.iter().map(|(name, _)| *name).collect();
            args.invalid(
                "sort",
                format!(
                    "`{name}` is not a FlowRunSort; use one of {}",
                    known.join(", ")
                ),
            )
        })?,
    };
    let limit = non_negative(args, "limit")?;
    let offset = non_negative(args, "offset")?;
    let filter = where_clause(&flow_run_filter(dialect, args)?);
    let order_by = sort.order_by();
    let mut page = match (limit, offset) {
        (Some(_), _) => " LIMIT :limit".to_owned(),
        // SQLite has no OFFSET without LIMIT; -1 is its "no limit", PostgreSQL's is ALL.
        (None, Some(_)) => format!(" LIMIT {}", dialect.no_limit()),
        (None, None) => String::new(),
    };
    if offset.is_some() {
        page.push_str(" OFFSET :offset");
    }
    let sql = match dialect.row_key() {
        Some(key) if limit.is_some() => format!(
            "SELECT flow_run.* FROM flow_run WHERE flow_run.{key} IN \
             (SELECT flow_run.{key} FROM flow_run{filter} ORDER BY {order_by}{page}) \
             ORDER BY {order_by}"
        ),
        _ => format!("SELECT flow_run.* FROM flow_run{filter} ORDER BY {order_by}{page}"),
    };
    Ok(query(named(&sql)?.bind(|name| args.get(name).cloned())?))
}

pub(crate) fn count_flow_runs<D: SqlDialect + ?Sized>(
    dialect: &D,
    args: &Arguments,
) -> Result<UnitOfWork> {
    let sql = format!(
        "SELECT count(*) AS count FROM flow_run{}",
        where_clause(&flow_run_filter(dialect, args)?)
    );
    Ok(query(named(&sql)?.bind(|name| args.get(name).cloned())?))
}

/// The most buckets a history has, as in Prefect.
const MAX_HISTORY_BUCKETS: i64 = 500;

/// Prefect's `run_history` for flow runs: runs counted per expected-start bucket and state,
/// with the summed estimated run time and lateness in seconds (Prefect's `estimated_run_time`
/// and `estimated_start_time_delta`, counted to `:now`).
pub(crate) fn flow_run_history<D: SqlDialect + ?Sized>(
    dialect: &D,
    args: &Arguments,
) -> Result<UnitOfWork> {
    let start = args.required("history_start", Arguments::timestamp)?;
    let end = args.required("history_end", Arguments::timestamp)?;
    let interval = args.required("history_interval", Arguments::interval)?;
    if interval < 1_000_000 {
        return Err(args.invalid(
            "history_interval",
            "must not be less than 1 second (as in Prefect)",
        ));
    }
    let elapsed = end.saturating_sub(start);
    let buckets = if elapsed > 0 {
        (elapsed.saturating_add(interval - 1) / interval).min(MAX_HISTORY_BUCKETS)
    } else {
        0
    };
    let query_end = start.saturating_add(buckets.saturating_mul(interval));
    // Prefect sums `greatest(0, EXTRACT(epoch FROM x))` over the runs' estimated run time and
    // lateness; the epoch is taken inside each branch (the same number) so that a dialect
    // storing intervals as text never formats an interval only to parse it again.
    let run_seconds = format!(
        "CASE WHEN flow_run.state_type = 'RUNNING' THEN {} ELSE {} END",
        dialect.interval_add_diff_epoch(
            "flow_run.total_run_time",
            ":now",
            "flow_run.state_timestamp"
        ),
        dialect.interval_epoch("flow_run.total_run_time"),
    );
    let lateness_seconds = format!(
        "CASE WHEN flow_run.start_time > flow_run.expected_start_time THEN {} \
         WHEN flow_run.start_time IS NULL \
              AND flow_run.state_type NOT IN ('COMPLETED', 'CANCELLED', 'FAILED', 'CRASHED') \
              AND flow_run.expected_start_time < :now THEN {} \
         ELSE {} END",
        dialect.date_diff_epoch("flow_run.start_time", "flow_run.expected_start_time"),
        dialect.date_diff_epoch(":now", "flow_run.expected_start_time"),
        dialect.interval_epoch(dialect.zero_interval()),
    );
    let mut conditions = vec![
        "flow_run.expected_start_time >= :history_start".to_owned(),
        "flow_run.expected_start_time < :history_query_end".to_owned(),
    ];
    conditions.extend(flow_run_filter(dialect, args)?);
    let sql = format!(
        "SELECT runs.bucket_index, runs.state_type, runs.state_name, \
                count(runs.id) AS count_runs, \
                sum({}) AS sum_estimated_run_time, \
                sum({}) AS sum_estimated_lateness \
         FROM (SELECT flow_run.id, flow_run.state_type, flow_run.state_name, \
                      {run_seconds} AS run_seconds, \
                      {lateness_seconds} AS lateness_seconds, \
                      {} AS bucket_index \
               FROM flow_run{}) AS runs \
         GROUP BY runs.bucket_index, runs.state_type, runs.state_name \
         ORDER BY runs.bucket_index, runs.state_type, runs.state_name",
        dialect.greatest("0", "runs.run_seconds"),
        dialect.greatest("0", "runs.lateness_seconds"),
        dialect.bucket_index("flow_run.expected_start_time", ":history_start", interval),
        where_clause(&conditions),
    );
    Ok(query(named(&sql)?.bind(|name| match name {
        "history_query_end" => Some(Value::Timestamp(query_end)),
        other => args.get(other).cloned(),
    })?))
}

/// Prefect's state types.
pub(crate) const STATE_TYPES: &[&str] = &[
    "SCHEDULED",
    "PENDING",
    "RUNNING",
    "COMPLETED",
    "FAILED",
    "CANCELLED",
    "CRASHED",
    "PAUSED",
    "CANCELLING",
];

fn check_state_type(args: &Arguments, argument: &str, value: &str) -> Result<()> {
    if STATE_TYPES.contains(&value) {
        return Ok(());
    }
    Err(args.invalid(
        argument,
        format!(
            "has `{value}`, which is not a state type ({})",
            STATE_TYPES.join(", ")
        ),
    ))
}

/// The guard that makes a state change conditional on the run's current state, over a row
/// aliased `run`.
fn expected_state_guard(args: &Arguments) -> Result<String> {
    check_state_type(
        args,
        "state_type",
        args.required("state_type", Arguments::text)?,
    )?;
    if let Some(expected) = args.text("expected_state_type")?.filter(|e| *e != "NULL") {
        check_state_type(args, "expected_state_type", expected)?;
    }
    let mut guard = Vec::new();
    match args.text("expected_state_type")? {
        Some("NULL") => guard.push("run.state_type IS NULL".to_owned()),
        Some(_) => guard.push("run.state_type = :expected_state_type".to_owned()),
        // (A comparison with the column lets PostgreSQL deduce the enum type by itself.)
        None => {}
    }
    if args.has("expected_state_id") {
        guard.push("run.state_id = :expected_state_id".to_owned());
    }
    Ok(if guard.is_empty() {
        String::new()
    } else {
        format!(" AND {}", guard.join(" AND "))
    })
}

/// Pydantic's JSON form of a time: UTC as `Z`, six fractional digits unless there are none.
fn pydantic_time(micros: i64) -> Option<String> {
    let at = chrono::DateTime::<chrono::Utc>::from_timestamp_micros(micros)?;
    Some(if micros % 1_000_000 == 0 {
        at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
    } else {
        at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
    })
}

/// A SCHEDULED state's scheduled time, and its `state_details` with that time in them, as
/// Prefect's `Scheduled()` always carries one: the `scheduled_time` argument, else the one the
/// details hold, else the state's own timestamp. Other states keep their details as given.
fn scheduled_state(args: &Arguments) -> Result<(Option<Value>, Value)> {
    let details = args
        .get("state_details")
        .cloned()
        .unwrap_or_else(|| Value::Json("{}".into()));
    if args.text("state_type")? != Some("SCHEDULED") {
        return Ok((args.get("scheduled_time").cloned(), details));
    }
    let Value::Json(text) = &details else {
        return Err(args.invalid("state_details", "must be a JSON object"));
    };
    let mut document: serde_json::Value = serde_json::from_str(text)
        .map_err(|err| args.invalid("state_details", format!("is not JSON: {err}")))?;
    let object = document
        .as_object_mut()
        .ok_or_else(|| args.invalid("state_details", "must be a JSON object"))?;
    let from_details = object
        .get("scheduled_time")
        .and_then(serde_json::Value::as_str)
        .and_then(|text| chrono::DateTime::parse_from_rfc3339(text).ok())
        .map(|at| at.timestamp_micros());
    let micros = match (args.timestamp("scheduled_time")?, from_details) {
        (Some(given), _) => given,
        (None, Some(held)) => held,
        (None, None) => args.required("state_timestamp", Arguments::timestamp)?,
    };
    if from_details.is_none() || args.has("scheduled_time") {
        let text = pydantic_time(micros)
            .ok_or_else(|| args.invalid("scheduled_time", "is out of range"))?;
        object.insert("scheduled_time".to_owned(), serde_json::Value::String(text));
    }
    Ok((
        Some(Value::Timestamp(micros)),
        Value::Json(document.to_string().into()),
    ))
}

fn state_value(args: &Arguments, scheduled: &(Option<Value>, Value), name: &str) -> Option<Value> {
    match name {
        "now" => args
            .get(name)
            .or_else(|| args.get("state_timestamp"))
            .cloned(),
        // A state that is not SCHEDULED leaves next_scheduled_start_time alone; the
        // placeholder still needs a value.
        "scheduled_time" => Some(scheduled.0.clone().unwrap_or(Value::Null)),
        "state_details" => Some(scheduled.1.clone()),
        "state_message" => Some(args.get(name).cloned().unwrap_or(Value::Null)),
        other => args.get(other).cloned(),
    }
}

/// The run's columns that follow its current state, as Prefect's global flow policy sets them
/// on every transition: the denormalised state (`SetRunStateType`, `…Name`, `…Timestamp`),
/// `SetStartTime`, `SetEndTime`, `IncrementRunTime`, `SetExpectedStartTime`,
/// `SetNextScheduledStartTime` and `IncrementFlowRunCount`. (`updated` takes the state's
/// timestamp; Prefect writes the database's `now()`.)
fn run_assignments<D: SqlDialect + ?Sized>(dialect: &D, run: &str) -> String {
    // Every use of a text parameter carries the same cast: PostgreSQL deduces one type per
    // parameter and refuses a statement that implies two.
    let state_type = dialect.cast_text(":state_type", "state_type");
    let proposed_final = format!("{state_type} IN ({TERMINAL})");
    // The run's own state columns are assigned last: MySQL assigns left to right and lets a
    // later assignment see an earlier one's new value, and every CASE here reads the run's
    // state as it was before the change.
    format!(
        "updated = :now, \
         start_time = CASE WHEN ({state_type} = 'RUNNING' OR {proposed_final}) AND {run}.start_time IS NULL \
                      THEN :state_timestamp ELSE {run}.start_time END, \
         end_time = CASE WHEN {proposed_final} AND {run}.end_time IS NULL THEN :state_timestamp \
                    WHEN {run}.state_type IN ({TERMINAL}) AND NOT ({proposed_final}) THEN NULL \
                    ELSE {run}.end_time END, \
         total_run_time = CASE WHEN {run}.state_type = 'RUNNING' AND {run}.state_timestamp IS NOT NULL \
                          THEN {elapsed} ELSE {run}.total_run_time END, \
         expected_start_time = CASE WHEN {run}.expected_start_time IS NOT NULL THEN {run}.expected_start_time \
                    WHEN {state_type} = 'SCHEDULED' THEN :scheduled_time \
                    ELSE :state_timestamp END, \
         next_scheduled_start_time = CASE WHEN {state_type} = 'SCHEDULED' THEN :scheduled_time \
                    WHEN {run}.state_type = 'SCHEDULED' THEN NULL \
                    ELSE {run}.next_scheduled_start_time END, \
         run_count = CASE WHEN {state_type} = 'RUNNING' THEN {run}.run_count + 1 ELSE {run}.run_count END, \
         state_id = :state_id, \
         state_type = {state_type}, \
         state_name = {state_name}, \
         state_timestamp = :state_timestamp",
        state_name = dialect.cast_text(":state_name", "varchar"),
        elapsed = dialect.interval_add_elapsed_exact(
            &format!("{run}.total_run_time"),
            ":state_timestamp",
            &format!("{run}.state_timestamp")
        ),
    )
}

/// Prefect's `TERMINAL_STATES`.
const TERMINAL: &str = "'COMPLETED', 'CANCELLED', 'FAILED', 'CRASHED'";

const STATE_COLUMNS: &str =
    "id, created, updated, flow_run_id, type, timestamp, name, message, state_details";

/// The portable form of `set_flow_run_state`: lock, insert, update, report, in a
/// `with_for_update` transaction.
pub(crate) fn set_flow_run_state_default<D: SqlDialect + ?Sized>(
    dialect: &D,
    args: &Arguments,
) -> Result<UnitOfWork> {
    let guard = expected_state_guard(args)?;
    let scheduled = scheduled_state(args)?;
    let mut statements = Vec::new();
    let lock = dialect.for_update(false);
    if !lock.is_empty() {
        statements.push(
            named(&format!(
                "SELECT id FROM flow_run WHERE id = :flow_run_id {lock}"
            ))?
            .bind(|name| state_value(args, &scheduled, name))?,
        );
    }
    statements.push(
        named(&format!(
            "INSERT INTO flow_run_state ({STATE_COLUMNS}) \
             SELECT :state_id, :now, :now, run.id, {}, :state_timestamp, \
                    {}, {}, {} \
             FROM flow_run AS run WHERE run.id = :flow_run_id{guard}",
            dialect.cast_text(":state_type", "state_type"),
            dialect.cast_text(":state_name", "varchar"),
            dialect.cast_text(":state_message", "varchar"),
            dialect.cast_json(":state_details"),
        ))?
        .bind(|name| state_value(args, &scheduled, name))?,
    );
    statements.push(
        named(&format!(
            "UPDATE flow_run SET {} \
             WHERE flow_run.id = :flow_run_id \
             AND EXISTS (SELECT 1 FROM flow_run_state WHERE flow_run_state.id = :state_id)",
            run_assignments(dialect, "flow_run"),
        ))?
        .bind(|name| state_value(args, &scheduled, name))?,
    );
    statements.push(
        named(
            "SELECT 1 AS found, \
                    CASE WHEN run.state_id = :state_id THEN 1 ELSE 0 END AS applied, \
                    run.state_id AS current_state_id, \
                    run.state_type AS current_state_type, \
                    run.state_name AS current_state_name \
             FROM flow_run AS run WHERE run.id = :flow_run_id",
        )?
        .bind(|name| state_value(args, &scheduled, name))?,
    );
    Ok(write(statements, true))
}

/// `set_flow_run_state` as one statement with data-modifying CTEs (PostgreSQL): the lock, the
/// insert, the update and the report in one round trip. Foreign keys between the new state and
/// the run are checked at the end of the statement, by when both rows exist.
pub fn set_flow_run_state_single_statement<D: SqlDialect + ?Sized>(
    dialect: &D,
    args: &Arguments,
) -> Result<UnitOfWork> {
    let guard = expected_state_guard(args)?;
    let scheduled = scheduled_state(args)?;
    let sql = format!(
        "WITH run AS ( \
            SELECT flow_run.* FROM flow_run WHERE flow_run.id = :flow_run_id {lock} \
         ), new_state AS ( \
            INSERT INTO flow_run_state ({STATE_COLUMNS}) \
            SELECT :state_id, :now, :now, run.id, {state_type}, \
                   :state_timestamp, {state_name}, {state_message}, {state_details} \
            FROM run WHERE true{guard} \
            RETURNING flow_run_state.id, flow_run_state.flow_run_id \
         ), changed AS ( \
            UPDATE flow_run SET {assignments} \
            FROM new_state, run \
            WHERE flow_run.id = new_state.flow_run_id AND run.id = flow_run.id \
            RETURNING flow_run.id \
         ) \
         SELECT 1 AS found, \
                CASE WHEN EXISTS (SELECT 1 FROM changed) THEN 1 ELSE 0 END AS applied, \
                CASE WHEN EXISTS (SELECT 1 FROM changed) THEN :state_id ELSE run.state_id END AS current_state_id, \
                CAST(CASE WHEN EXISTS (SELECT 1 FROM changed) THEN {state_type} ELSE run.state_type END AS text) AS current_state_type, \
                CASE WHEN EXISTS (SELECT 1 FROM changed) THEN {state_name} ELSE run.state_name END AS current_state_name \
         FROM run",
        lock = dialect.for_update(false),
        state_type = dialect.cast_text(":state_type", "state_type"),
        state_name = dialect.cast_text(":state_name", "varchar"),
        state_message = dialect.cast_text(":state_message", "varchar"),
        state_details = dialect.cast_json(":state_details"),
        assignments = run_assignments(dialect, "run"),
    );
    let statement = named(&sql)?.bind(|name| state_value(args, &scheduled, name))?;
    Ok(write(vec![statement], true))
}

/// Prefect's `_get_flow_run_graph_artifacts`.
pub(crate) fn graph_artifacts<D: SqlDialect + ?Sized>(
    _dialect: &D,
    args: &Arguments,
) -> Result<UnitOfWork> {
    if non_negative(args, "max_artifacts")?.is_none() {
        return Err(args.missing("max_artifacts"));
    }
    let sql = "SELECT artifact.id, artifact.created, artifact.key, artifact.type, artifact.data, \
                      artifact.task_run_id, \
                      CASE WHEN artifact.key IS NULL OR artifact_collection.id IS NOT NULL \
                           THEN 1 ELSE 0 END AS is_latest \
               FROM artifact \
               LEFT OUTER JOIN artifact_collection \
                    ON artifact_collection.key = artifact.key \
                   AND artifact_collection.latest_id = artifact.id \
               WHERE artifact.flow_run_id = :flow_run_id AND artifact.type != 'result' \
               ORDER BY artifact.created ASC \
               LIMIT :max_artifacts";
    Ok(query(named(sql)?.bind(|name| args.get(name).cloned())?))
}

/// Prefect's `read_flow_run_states`, for the graph.
pub(crate) const GRAPH_STATES: &str = "SELECT flow_run_state.id, flow_run_state.timestamp, \
     flow_run_state.type, flow_run_state.name \
     FROM flow_run_state WHERE flow_run_state.flow_run_id = :flow_run_id \
     ORDER BY flow_run_state.timestamp";

/// The graph's start and end.
pub(crate) const GRAPH_BOUNDS: &str = "SELECT coalesce(flow_run.start_time, flow_run.expected_start_time) AS start_time, \
     flow_run.end_time FROM flow_run WHERE flow_run.id = :flow_run_id";
