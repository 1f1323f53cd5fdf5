//! The standard components written once on top of [`SqlDialect`], the expressions in which
//! dialects differ.

use std::marker::PhantomData;
use std::path::PathBuf;

use crate::abi::ValueKind;
use crate::abi::catalogue::{self, ComponentSpec};
use crate::abi::queries::TEMPLATE_DIR_OPTION;
use crate::abi::{ComponentInfo, ConnectOptions, Statement, UnitOfWork, Value};
use crate::error::{Error, ErrorExt, Result};
use crate::orm::prefect_upsert_columns;
use crate::queries::{Arguments, DialectQueries, NamedSql, TemplateSource, Templates, flow_runs};

/// The SQL in which dialects differ, as small pieces the standard components are built from:
/// what a plugin implements to get every standard component ([`StandardQueries`]).
///
/// Expressions are SQL text; a `param` is a `:name` placeholder the caller binds. Every method
/// with a default says which dialects the default suits; the whole-component methods at the end
/// are there to be overridden where a dialect has a better statement.
///
/// Required: `NAME`, `MAX_BIND_PARAMETERS`, [`templates`](SqlDialect::templates) and the
/// expression methods without defaults.
pub trait SqlDialect: Send + Sync + 'static {
    /// The dialect's name, for messages.
    const NAME: &'static str;
    /// The most bind parameters one statement may carry.
    const MAX_BIND_PARAMETERS: i64;
    /// Whether aggregated JSON comes back as text (Prefect's `uses_json_strings`).
    const USES_JSON_STRINGS: bool;
    /// Whether `ORDER BY` accepts `NULLS FIRST` / `NULLS LAST` (the host's typed sorts spell
    /// them out where it does). PostgreSQL and SQLite do; MySQL does not.
    const NULLS_ORDERING: bool = true;
    /// Whether a unit of independent writes may insert rows that reference each other in any
    /// order, the foreign keys being checked when the unit ends (PostgreSQL, SQLite). MySQL
    /// checks each row as it is written, so the host inserts runs and their first states in
    /// three steps there.
    const DEFERRED_FOREIGN_KEYS: bool = true;
    /// Whether the flow-run filter writes a list of state types out as literals (each checked
    /// against Prefect's state types first) instead of binding it. MySQL compares an `ENUM`
    /// column with a bound list's text as text, which no index serves; literals it looks up
    /// in the index.
    const STATE_TYPE_LISTS_AS_LITERALS: bool = false;

    /// The dialect's SQL templates. The standard components render these names:
    /// `get-runs-from-worker-queues.sql.jinja`, `get-runs-from-work-queues.sql.jinja`,
    /// `flow-run-graph-v2.sql.jinja` and `make-timestamp-intervals.sql.jinja`.
    fn templates(&self) -> &Templates;

    /// `expr` as JSON (Prefect's `cast_to_json`).
    fn cast_to_json(&self, expr: &str) -> String;

    /// The aggregate collecting `expr` into a JSON array (Prefect's `json_arr_agg`).
    fn json_arr_agg(&self, expr: &str) -> String;

    /// A JSON object of `(key, expression)` pairs; keys are plain text, quoted here.
    fn build_json_object(&self, pairs: &[(&str, &str)]) -> String;

    /// The text at `key` of the JSON object `document` (PostgreSQL's `->>`).
    fn json_extract_text(&self, document: &str, key: &str) -> String;

    /// `expr` is one of the list bound at `param` (a UUID, text or integer list).
    fn in_list(&self, expr: &str, param: &str) -> String;

    /// The JSON array `document` holds every text of the text list bound at `param`.
    fn json_array_has_all(&self, document: &str, param: &str) -> String;

    /// The JSON array `document` holds at least one text of the text list at `param`.
    fn json_array_has_any(&self, document: &str, param: &str) -> String;

    /// The larger of two numbers (Prefect's `greatest`: PostgreSQL's `GREATEST` ignores NULLs,
    /// SQLite's scalar `max` returns NULL if either is).
    fn greatest(&self, a: &str, b: &str) -> String;

    /// `dt + iv`, a timestamp (Prefect's `date_add`).
    fn date_add(&self, dt: &str, iv: &str) -> String;

    /// `i1 + i2`, an interval (Prefect's `interval_add`).
    fn interval_add(&self, i1: &str, i2: &str) -> String;

    /// `d1 - d2`, an interval (Prefect's `date_diff`).
    fn date_diff(&self, d1: &str, d2: &str) -> String;

    /// `interval + (later - earlier)` to the microsecond, as Prefect computes a run's
    /// `total_run_time` in Python when RUNNING ends. The default is
    /// [`interval_add`](Self::interval_add) of [`date_diff`](Self::date_diff), which suits a
    /// dialect whose arithmetic keeps microseconds (PostgreSQL).
    fn interval_add_elapsed_exact(&self, interval: &str, later: &str, earlier: &str) -> String {
        self.interval_add(interval, &self.date_diff(later, earlier))
    }

    /// Seconds from `d2` to `d1`, a float (Prefect's `date_diff_seconds`).
    fn date_diff_seconds(&self, d1: &str, d2: &str) -> String;

    /// An interval's length in seconds, as `EXTRACT(epoch FROM iv)` compiles on the dialect
    /// (on SQLite, Prefect's whole seconds).
    fn interval_epoch(&self, iv: &str) -> String;

    /// `interval_epoch(date_diff(d1, d2))`. A dialect that stores intervals as text overrides
    /// it to compute the number without writing the interval out and reading it back.
    fn date_diff_epoch(&self, d1: &str, d2: &str) -> String {
        self.interval_epoch(&self.date_diff(d1, d2))
    }

    /// `interval_epoch(interval_add(iv, date_diff(d1, d2)))`, overridable for the same reason
    /// as [`date_diff_epoch`](Self::date_diff_epoch).
    fn interval_add_diff_epoch(&self, iv: &str, d1: &str, d2: &str) -> String {
        self.interval_epoch(&self.interval_add(iv, &self.date_diff(d1, d2)))
    }

    /// The zero interval, in the dialect's storage form.
    fn zero_interval(&self) -> &'static str;

    /// `expr` contains the text bound at `param`, case-insensitively (Prefect's `like_`
    /// filters: `%` and `_` in the text are wildcards, as in Prefect).
    fn ilike_contains(&self, expr: &str, param: &str) -> String;

    /// The clause that locks the selected rows for update; empty where a transaction's write
    /// lock covers it (SQLite).
    fn for_update(&self, skip_locked: bool) -> &'static str;

    /// The clause that locks the selected rows, failing at once on a row another transaction
    /// holds. By default SQL's `FOR UPDATE NOWAIT` (PostgreSQL, MySQL 8, Oracle) where the
    /// dialect locks rows at all, and empty where [`for_update`](Self::for_update) is.
    fn for_update_nowait(&self) -> &'static str {
        if self.for_update(false).is_empty() {
            ""
        } else {
            "FOR UPDATE NOWAIT"
        }
    }

    /// The 0-based index of the `interval_micros`-long bucket after the timestamp bound at
    /// `start_param` that timestamp `timestamp` falls in (Prefect's
    /// `make_timestamp_bucket_index`).
    fn bucket_index(&self, timestamp: &str, start_param: &str, interval_micros: i64) -> String;

    /// A text parameter read as the SQL type `sql_type` (an enum, `varchar`). The default
    /// leaves it as it is, for dialects without such types.
    fn cast_text(&self, param: &str, _sql_type: &str) -> String {
        param.to_owned()
    }

    /// A list parameter read as a list of `sql_type` (an enum), for [`in_list`](Self::in_list).
    /// The default leaves it as it is.
    fn cast_list(&self, param: &str, _sql_type: &str) -> String {
        param.to_owned()
    }

    /// A JSON parameter read as the dialect's JSON column type. The default leaves it as it is.
    fn cast_json(&self, param: &str) -> String {
        param.to_owned()
    }

    /// `document` is (`equal`) or is not the empty JSON array (Prefect's `tags.is_null_`). The
    /// default compares the text `[]`, which suits dialects that store JSON as text.
    fn json_equals_empty_array(&self, document: &str, equal: bool) -> String {
        format!("{document} {} '[]'", if equal { "=" } else { "!=" })
    }

    /// The clause after an `INSERT`'s rows that settles a conflict on the unique columns
    /// `conflict`: keep the stored row (`update` is `None`), or overwrite its columns `update`
    /// with the new row's. Both lists hold quoted identifiers, neither is empty. The default is
    /// SQL's `ON CONFLICT … DO NOTHING` / `DO UPDATE SET c = excluded.c` (PostgreSQL, SQLite);
    /// MySQL writes `ON DUPLICATE KEY UPDATE`.
    ///
    /// ```
    /// use flowdb_plugin_sdk::queries::{SqlDialect, Templates};
    /// # struct Mine(Templates);
    /// # impl SqlDialect for Mine {
    /// #     const NAME: &'static str = "mine";
    /// #     const MAX_BIND_PARAMETERS: i64 = 999;
    /// #     const USES_JSON_STRINGS: bool = true;
    /// #     fn templates(&self) -> &Templates { &self.0 }
    /// #     fn cast_to_json(&self, e: &str) -> String { e.into() }
    /// #     fn json_arr_agg(&self, e: &str) -> String { e.into() }
    /// #     fn build_json_object(&self, _: &[(&str, &str)]) -> String { String::new() }
    /// #     fn json_extract_text(&self, d: &str, _: &str) -> String { d.into() }
    /// #     fn in_list(&self, e: &str, _: &str) -> String { e.into() }
    /// #     fn json_array_has_all(&self, d: &str, _: &str) -> String { d.into() }
    /// #     fn json_array_has_any(&self, d: &str, _: &str) -> String { d.into() }
    /// #     fn greatest(&self, a: &str, _: &str) -> String { a.into() }
    /// #     fn date_add(&self, d: &str, _: &str) -> String { d.into() }
    /// #     fn interval_add(&self, i: &str, _: &str) -> String { i.into() }
    /// #     fn date_diff(&self, d: &str, _: &str) -> String { d.into() }
    /// #     fn date_diff_seconds(&self, d: &str, _: &str) -> String { d.into() }
    /// #     fn interval_epoch(&self, i: &str) -> String { i.into() }
    /// #     fn zero_interval(&self) -> &'static str { "0" }
    /// #     fn ilike_contains(&self, e: &str, _: &str) -> String { e.into() }
    /// #     fn for_update(&self, _: bool) -> &'static str { "" }
    /// #     fn bucket_index(&self, t: &str, _: &str, _: i64) -> String { t.into() }
    /// # }
    /// # let mine = Mine(Templates::new(&[], None).unwrap());
    /// let key = vec!["\"name\"".to_owned()];
    /// assert_eq!(mine.on_conflict(&key, None), " ON CONFLICT (\"name\") DO NOTHING");
    /// assert_eq!(
    ///     mine.on_conflict(&key, Some(&["\"tags\"".to_owned()])),
    ///     " ON CONFLICT (\"name\") DO UPDATE SET \"tags\" = excluded.\"tags\""
    /// );
    /// ```
    fn on_conflict(&self, conflict: &[String], update: Option<&[String]>) -> String {
        let target = conflict.join(", ");
        match update {
            None => format!(" ON CONFLICT ({target}) DO NOTHING"),
            Some(columns) => {
                let assignments: Vec<String> = columns
                    .iter()
                    .map(|column| format!("{column} = excluded.{column}"))
                    .collect();
                format!(
                    " ON CONFLICT ({target}) DO UPDATE SET {}",
                    assignments.join(", ")
                )
            }
        }
    }

    /// The `LIMIT` that limits nothing, for an `OFFSET` without a limit. The default is
    /// SQLite's `-1`.
    fn no_limit(&self) -> &'static str {
        "-1"
    }

    /// A narrow column that reaches a row directly (SQLite's `rowid`), or `None`. With one, a
    /// limited read sorts and pages only this key and fetches the whole rows of the page it
    /// returns, instead of sorting every matching row in full: on SQLite, 200 of 2,000 wide
    /// flow runs read in half the time. PostgreSQL's planner already sorts narrow tuples.
    fn row_key(&self) -> Option<&'static str> {
        None
    }

    /// `set_state_id_on_inserted_flow_runs_statement`. The default, a correlated subquery,
    /// suits every dialect; PostgreSQL's `UPDATE … FROM` is faster.
    fn set_state_id_on_inserted_flow_runs(&self, args: &Arguments) -> Result<UnitOfWork> {
        single_write(
            &format!(
                "UPDATE flow_run SET state_id = (\
                    SELECT flow_run_state.id FROM flow_run_state \
                    WHERE flow_run_state.flow_run_id = flow_run.id AND {} LIMIT 1) \
                 WHERE {}",
                self.in_list("flow_run_state.id", ":insert_flow_run_states"),
                self.in_list("flow_run.id", ":inserted_flow_run_ids"),
            ),
            args,
        )
    }

    /// `set_flow_run_state`. The default locks the run's row ([`for_update`](Self::for_update)
    /// inside a `with_for_update` transaction), inserts the state only if the run is in the
    /// expected state, points the run at it, and reads the outcome: four statements. A dialect
    /// that can do it in one statement overrides it.
    fn set_flow_run_state(&self, args: &Arguments) -> Result<UnitOfWork> {
        flow_runs::set_flow_run_state_default(self, args)
    }
}

/// A unit of work of one statement written with `:name` placeholders, each bound to the
/// argument of that name.
///
/// ```
/// use flowdb_plugin_sdk::abi::{catalogue, Value};
/// use flowdb_plugin_sdk::queries::{Arguments, single_write};
///
/// let spec = catalogue::DELETE_CONFIGURATION_VALUE.info();
/// let args = Arguments::check(&spec, vec![("key", Value::Text("k".into()))]).unwrap();
/// let work = single_write("DELETE FROM configuration WHERE key = :key", &args).unwrap();
/// assert_eq!(work.statements[0].sql.as_str(), "DELETE FROM configuration WHERE key = $1");
/// ```
pub fn single_write(sql: &str, args: &Arguments) -> Result<UnitOfWork> {
    Ok(write(
        vec![named(sql)?.bind(|name| args.get(name).cloned())?],
        false,
    ))
}

/// The SQL template override directory an interface was configured with: the `extra` option
/// `sql_template_dir` (the host's `sql_template_dir` setting).
///
pub fn template_dir(options: &ConnectOptions) -> Option<PathBuf> {
    options
        .extra
        .iter()
        .find(|pair| pair.0.as_str() == TEMPLATE_DIR_OPTION)
        .map(|pair| PathBuf::from(pair.1.as_str()))
        .filter(|dir| !dir.as_os_str().is_empty())
}

pub(crate) fn named(sql: &str) -> Result<NamedSql> {
    NamedSql::compile(sql).map_err(|reason| Error::internal(format!("{reason} in: {sql}")))
}

/// A unit of work.
pub(crate) fn write(statements: Vec<Statement>, with_for_update: bool) -> UnitOfWork {
    UnitOfWork {
        statements: statements.into(),
        with_for_update,
        independent: false,
    }
}

/// One statement, not a write.
pub(crate) fn query(statement: Statement) -> UnitOfWork {
    write(vec![statement], false)
}

/// A fragment's text, with no parameters.
fn fragment(sql: String) -> UnitOfWork {
    query(Statement {
        sql: sql.into(),
        params: Default::default(),
    })
}

/// Quotes an identifier given by a host (a table or column name).
pub(crate) fn quote_identifier(name: &str) -> Result<String> {
    if name.is_empty() || name.contains('\0') {
        return Err(Error::invalid_argument(format!(
            "`{name}` is not a valid SQL identifier"
        )));
    }
    Ok(format!("\"{}\"", name.replace('"', "\"\"")))
}

/// Every standard component on top of a [`SqlDialect`]: what a plugin returns from
/// `Dialect::query_components`.
pub struct StandardQueries<D: SqlDialect> {
    dialect: D,
    marker: PhantomData<D>,
}

impl<D: SqlDialect> StandardQueries<D> {
    /// The standard components of `dialect`.
    pub fn new(dialect: D) -> Self {
        StandardQueries {
            dialect,
            marker: PhantomData,
        }
    }

    /// The dialect's pieces.
    pub fn dialect(&self) -> &D {
        &self.dialect
    }

    fn insert(&self, args: &Arguments) -> Result<UnitOfWork> {
        let table = args.required("table", Arguments::text)?;
        let columns = args.required("columns", Arguments::text_list)?;
        if columns.is_empty() {
            return Err(args.invalid("columns", "is empty"));
        }
        let rows = args.int("row_count")?.unwrap_or(1);
        if rows < 1 {
            return Err(args.invalid("row_count", format!("must be at least 1, got {rows}")));
        }
        let needed = rows.saturating_mul(columns.len() as i64);
        if needed > D::MAX_BIND_PARAMETERS {
            return Err(args.invalid(
                "row_count",
                format!(
                    "asks for {rows} rows of {} columns, {needed} bind parameters, more than the {} a {} statement may carry; insert in batches of at most {} rows",
                    columns.len(),
                    D::MAX_BIND_PARAMETERS,
                    D::NAME,
                    D::MAX_BIND_PARAMETERS / columns.len() as i64
                ),
            ));
        }
        let quoted_columns = columns
            .iter()
            .map(|column| quote_identifier(column))
            .collect::<Result<Vec<_>>>()?;
        let mut sql = format!(
            "INSERT INTO {} ({}) VALUES ",
            quote_identifier(table)?,
            quoted_columns.join(", ")
        );
        let width = columns.len();
        for row in 0..rows as usize {
            if row > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            for column in 0..width {
                if column > 0 {
                    sql.push_str(", ");
                }
                sql.push('$');
                sql.push_str(&(row * width + column + 1).to_string());
            }
            sql.push(')');
        }
        let on_conflict = args.text("on_conflict")?.unwrap_or("error");
        if on_conflict != "error" {
            let conflict: Vec<String> = match args.text_list("conflict_columns")? {
                Some(given) => given.iter().map(|column| (*column).to_owned()).collect(),
                None => prefect_upsert_columns(table)
                    .ok_or_else(|| {
                        args.invalid(
                            "on_conflict",
                            format!("needs conflict_columns: table `{table}` has no upsert columns in tier 3"),
                        )
                    })?
                    .iter()
                    .map(|column| (*column).to_owned())
                    .collect(),
            };
            let target = conflict
                .iter()
                .map(|column| quote_identifier(column))
                .collect::<Result<Vec<_>>>()?;
            let update = match on_conflict {
                "do_nothing" => None,
                "do_update" => {
                    let update: Vec<String> = match args.text_list("update_columns")? {
                        Some(given) => given.iter().map(|column| (*column).to_owned()).collect(),
                        None => columns
                            .iter()
                            .filter(|column| !conflict.iter().any(|key| key == *column))
                            .map(|column| (*column).to_owned())
                            .collect(),
                    };
                    let quoted = update
                        .iter()
                        .map(|column| quote_identifier(column))
                        .collect::<Result<Vec<_>>>()?;
                    // Nothing to overwrite: the stored row stays as it is.
                    Some(quoted).filter(|quoted| !quoted.is_empty())
                }
                other => {
                    return Err(args.invalid(
                        "on_conflict",
                        format!("must be error, do_nothing or do_update, got `{other}`"),
                    ));
                }
            };
            if target.is_empty() {
                return Err(args.invalid("conflict_columns", "is empty"));
            }
            sql.push_str(&self.dialect.on_conflict(&target, update.as_deref()));
        }
        if let Some(returning) = args
            .text_list("returning")?
            .filter(|returning| !returning.is_empty())
        {
            {
                let quoted = returning
                    .iter()
                    .map(|column| quote_identifier(column))
                    .collect::<Result<Vec<_>>>()?;
                sql.push_str(&format!(" RETURNING {}", quoted.join(", ")));
            }
        }
        Ok(query(Statement {
            sql: sql.into(),
            params: Default::default(),
        }))
    }

    fn worker_poll(&self, args: &Arguments) -> Result<UnitOfWork> {
        for limit in ["limit", "worker_limit", "queue_limit"] {
            if let Some(value) = args.int(limit)?.filter(|value| *value < 0) {
                return Err(args.invalid(limit, format!("must not be negative, got {value}")));
            }
        }
        let flags = [
            (
                "work_pool_ids",
                args.uuid_list("work_pool_ids")?
                    .is_some_and(|ids| !ids.is_empty()),
            ),
            (
                "work_queue_ids",
                args.uuid_list("work_queue_ids")?
                    .is_some_and(|ids| !ids.is_empty()),
            ),
            (
                "respect_queue_priorities",
                args.bool("respect_queue_priorities")?.unwrap_or(false),
            ),
            ("scheduled_before", args.has("scheduled_before")),
            ("scheduled_after", args.has("scheduled_after")),
        ];
        let sql = self
            .dialect
            .templates()
            .render("get-runs-from-worker-queues.sql.jinja", &flags)?;
        let limit = |name| args.int(name).map(|value| value.unwrap_or(1000));
        let candidates = limit("limit")?
            .min(limit("worker_limit")?)
            .min(limit("queue_limit")?);
        let statement = sql.bind(|name| match name {
            "limit" | "worker_limit" | "queue_limit" => {
                Some(args.get(name).cloned().unwrap_or(Value::Int64(1000)))
            }
            // How many runs of one queue can reach the result at most: a template may fetch
            // that many per queue and no more.
            "candidates_per_queue" => Some(Value::Int64(candidates)),
            other => args.get(other).cloned(),
        })?;
        Ok(query(statement))
    }

    fn work_queue_poll(&self, args: &Arguments) -> Result<UnitOfWork> {
        if let Some(value) = args.int("limit_per_queue")?.filter(|value| *value < 0) {
            return Err(args.invalid(
                "limit_per_queue",
                format!("must not be negative, got {value}"),
            ));
        }
        let flags = [
            ("limit_per_queue", args.has("limit_per_queue")),
            (
                "work_queue_ids",
                args.uuid_list("work_queue_ids")?
                    .is_some_and(|ids| !ids.is_empty()),
            ),
            ("scheduled_before", args.has("scheduled_before")),
        ];
        let sql = self
            .dialect
            .templates()
            .render("get-runs-from-work-queues.sql.jinja", &flags)?;
        Ok(query(sql.bind(|name| args.get(name).cloned())?))
    }

    fn template_query(&self, template: &str, args: &Arguments) -> Result<UnitOfWork> {
        let sql = self.dialect.templates().render(template, &[])?;
        Ok(query(sql.bind(|name| args.get(name).cloned())?))
    }

    fn named_query(&self, sql: &str, args: &Arguments) -> Result<UnitOfWork> {
        Ok(query(named(sql)?.bind(|name| args.get(name).cloned())?))
    }

    fn bucket_index(&self, args: &Arguments) -> Result<UnitOfWork> {
        let timestamp = args.required("timestamp", Arguments::text)?;
        let interval = args.required("interval", Arguments::interval)?;
        let start = args.required("start_time", Arguments::timestamp)?;
        if interval <= 0 {
            return Err(args.invalid("interval", "must be positive"));
        }
        let sql = self
            .dialect
            .bucket_index(timestamp, ":start_time", interval);
        let sql = named(&sql)?;
        Ok(query(sql.bind(|name| {
            (name == "start_time").then_some(Value::Timestamp(start))
        })?))
    }

    fn intervals(&self, args: &Arguments) -> Result<UnitOfWork> {
        let interval = args.required("interval", Arguments::interval)?;
        if interval <= 0 {
            return Err(args.invalid("interval", "must be positive"));
        }
        self.template_query("make-timestamp-intervals.sql.jinja", args)
    }

    fn build_json_object(&self, args: &Arguments) -> Result<UnitOfWork> {
        let keys = args.required("keys", Arguments::text_list)?;
        let expressions = args.required("expressions", Arguments::text_list)?;
        if keys.len() != expressions.len() {
            return Err(args.invalid(
                "expressions",
                format!("has {} items for {} keys", expressions.len(), keys.len()),
            ));
        }
        let pairs: Vec<(&str, &str)> = keys.into_iter().zip(expressions).collect();
        Ok(fragment(self.dialect.build_json_object(&pairs)))
    }
}

/// The templates the standard components render, and which component renders each.
const TEMPLATE_COMPONENTS: &[(&str, &str)] = &[
    (
        "get-runs-from-worker-queues.sql.jinja",
        "get_scheduled_flow_runs_from_work_pool",
    ),
    (
        "get-runs-from-work-queues.sql.jinja",
        "get_scheduled_flow_runs_from_work_queues",
    ),
    ("flow-run-graph-v2.sql.jinja", "flow_run_graph_v2"),
    (
        "make-timestamp-intervals.sql.jinja",
        "make_timestamp_intervals",
    ),
];

/// A value of `kind` to render and check a statement with.
fn sample_value(kind: ValueKind) -> Value {
    match kind {
        ValueKind::BOOL => Value::Bool(true),
        ValueKind::INT16 | ValueKind::INT32 | ValueKind::INT64 => Value::Int64(1),
        ValueKind::FLOAT64 => Value::Float64(1.0),
        ValueKind::UUID => Value::Uuid([0; 16]),
        ValueKind::TIMESTAMP => Value::Timestamp(1_800_000_000_000_000),
        ValueKind::INTERVAL => Value::Interval(60_000_000),
        ValueKind::JSON => Value::Json("{}".into()),
        ValueKind::UUID_LIST => Value::UuidList(vec![[0; 16]].into()),
        ValueKind::TEXT_LIST => Value::TextList(vec!["SCHEDULED".into()].into()),
        ValueKind::INT64_LIST => Value::Int64List(vec![1].into()),
        _ => Value::Text("x".into()),
    }
}

// `key` is quoted: it is a reserved word in MySQL.
const CONFIGURATION_READ: &str =
    "SELECT \"key\", \"value\" FROM configuration WHERE \"key\" = :key";
const CONFIGURATION_WRITE: &str = "INSERT INTO configuration (id, created, updated, \"key\", \"value\") \
     VALUES (:id, :now, :now, :key, :value)";
const CONFIGURATION_DELETE: &str = "DELETE FROM configuration WHERE \"key\" = :key";

impl<D: SqlDialect> DialectQueries for StandardQueries<D> {
    fn unique_key(&self) -> String {
        format!("{}-standard-query-components", D::NAME)
    }

    fn components(&self) -> Vec<ComponentInfo> {
        catalogue::STANDARD_COMPONENTS
            .iter()
            .map(|spec: &&ComponentSpec| spec.info())
            .collect()
    }

    fn properties(&self) -> Vec<(String, Value)> {
        vec![
            (
                catalogue::USES_JSON_STRINGS.to_owned(),
                Value::Bool(D::USES_JSON_STRINGS),
            ),
            (
                catalogue::MAX_BIND_PARAMETERS.to_owned(),
                Value::Int64(D::MAX_BIND_PARAMETERS),
            ),
            (
                catalogue::NULLS_ORDERING.to_owned(),
                Value::Bool(D::NULLS_ORDERING),
            ),
            (
                catalogue::DEFERRED_FOREIGN_KEYS.to_owned(),
                Value::Bool(D::DEFERRED_FOREIGN_KEYS),
            ),
        ]
    }

    fn validation_statements(&self) -> Result<Vec<(String, Statement)>> {
        let mut statements = Vec::new();
        for (template, source) in self.dialect.templates().sources() {
            let TemplateSource::Override(path) = source else {
                continue;
            };
            let Some(component) = TEMPLATE_COMPONENTS
                .iter()
                .find(|(name, _)| name == template)
                .map(|(_, component)| *component)
            else {
                continue;
            };
            let Some(spec) = catalogue::standard_component(component) else {
                continue;
            };
            let info = spec.info();
            // Every flag on, then every flag off: each branch of the template renders once.
            for all in [true, false] {
                let given = spec
                    .parameters
                    .iter()
                    .filter(|parameter| all || parameter.required)
                    .map(|parameter| (parameter.name, sample_value(parameter.kind)));
                let args = Arguments::check(&info, given)?;
                let work = self.render(component, &args).map_err(|err| Error {
                    message: format!("{}: {}", path.display(), err.message).into(),
                    ..err
                })?;
                for statement in work.statements {
                    statements.push((
                        format!("SQL template override {}", path.display()),
                        statement,
                    ));
                }
            }
        }
        Ok(statements)
    }

    fn render(&self, component: &str, args: &Arguments) -> Result<UnitOfWork> {
        let dialect = &self.dialect;
        match component {
            "insert" => self.insert(args),
            "cast_to_json" => Ok(fragment(
                dialect.cast_to_json(args.required("expression", Arguments::text)?),
            )),
            "json_arr_agg" => Ok(fragment(
                dialect.json_arr_agg(args.required("expression", Arguments::text)?),
            )),
            "build_json_object" => self.build_json_object(args),
            "for_update" => {
                let skip_locked = args.bool("skip_locked")?.unwrap_or(false);
                let nowait = args.bool("nowait")?.unwrap_or(false);
                if skip_locked && nowait {
                    return Err(args.invalid(
                        "nowait",
                        "cannot be combined with skip_locked: a locked row is either skipped or an error",
                    ));
                }
                Ok(fragment(if nowait {
                    dialect.for_update_nowait().to_owned()
                } else {
                    dialect.for_update(skip_locked).to_owned()
                }))
            }
            "in_list" => Ok(fragment(dialect.in_list(
                args.required("expression", Arguments::text)?,
                args.required("parameter", Arguments::text)?,
            ))),
            "json_has_all" => Ok(fragment(dialect.json_array_has_all(
                args.required("expression", Arguments::text)?,
                args.required("parameter", Arguments::text)?,
            ))),
            "json_has_any" => Ok(fragment(dialect.json_array_has_any(
                args.required("expression", Arguments::text)?,
                args.required("parameter", Arguments::text)?,
            ))),
            "make_timestamp_intervals" => self.intervals(args),
            "make_timestamp_bucket_index" => self.bucket_index(args),
            "set_state_id_on_inserted_flow_runs_statement" => {
                dialect.set_state_id_on_inserted_flow_runs(args)
            }
            "get_scheduled_flow_runs_from_work_queues" => self.work_queue_poll(args),
            "get_scheduled_flow_runs_from_work_pool" => self.worker_poll(args),
            "read_configuration_value" => self.named_query(CONFIGURATION_READ, args),
            "write_configuration_value" => {
                let sql = format!(
                    "{CONFIGURATION_WRITE}{}",
                    dialect.on_conflict(
                        &["\"key\"".to_owned()],
                        Some(&["\"value\"".to_owned(), "\"updated\"".to_owned()])
                    )
                );
                Ok(write(
                    vec![named(&sql)?.bind(|name| args.get(name).cloned())?],
                    false,
                ))
            }
            "delete_configuration_value" => Ok(write(
                vec![named(CONFIGURATION_DELETE)?.bind(|name| args.get(name).cloned())?],
                false,
            )),
            "flow_run_graph_v2" => {
                let max_nodes = args.required("max_nodes", Arguments::int)?;
                if max_nodes < 0 {
                    return Err(args.invalid("max_nodes", "must not be negative"));
                }
                self.template_query("flow-run-graph-v2.sql.jinja", args)
            }
            "flow_run_graph_v2_artifacts" => flow_runs::graph_artifacts(dialect, args),
            "flow_run_graph_v2_states" => self.named_query(flow_runs::GRAPH_STATES, args),
            "flow_run_graph_v2_bounds" => self.named_query(flow_runs::GRAPH_BOUNDS, args),
            "set_flow_run_state" => dialect.set_flow_run_state(args),
            "read_flow_runs" => flow_runs::read_flow_runs(dialect, args),
            "count_flow_runs" => flow_runs::count_flow_runs(dialect, args),
            "flow_run_history" => flow_runs::flow_run_history(dialect, args),
            other => Err(Error::unsupported(&format!("query component `{other}`"))),
        }
    }
}
