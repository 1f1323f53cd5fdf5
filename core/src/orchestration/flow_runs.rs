//! Flow runs: create with a SCHEDULED state, move state, read, count, draw history.

use std::collections::BTreeMap;

use chrono::{DateTime, SubsecRound, TimeDelta, Utc};
use uuid::Uuid;

use crate::config::Statement;
use crate::error::{Error, Result};
use crate::interface::DbInterface;
use crate::models::{FlowRun, FlowRunState, Model, StateDetails, StateType};
use crate::orchestration::MAX_LIMIT;
use crate::queries::components::{
    CountFlowRuns, FlowRunHistory, Insert, ReadFlowRuns, SetFlowRunState,
    SetStateIdOnInsertedFlowRunsStatement,
};
use crate::queries::{QueryComponents, Rendered};
use crate::value::{Json, Row, Value};

/// A new state for a flow run.
#[derive(Debug, Clone, PartialEq)]
pub struct StateProposal {
    /// Its type.
    pub state_type: StateType,
    /// Its name (`Pending`, `AwaitingRetry`).
    pub name: String,
    /// When it took effect.
    pub timestamp: DateTime<Utc>,
    /// Its message.
    pub message: Option<String>,
    /// Its details; `flow_run_id` is set to the run's id, as Prefect's `UpdateStateDetails`
    /// does.
    pub details: StateDetails,
}

impl StateProposal {
    /// A state of `state_type` named as Prefect names it (`PENDING` is `Pending`), now.
    ///
    /// ```
    /// use flowdb::models::StateType;
    /// use flowdb::orchestration::StateProposal;
    ///
    /// let state = StateProposal::new(StateType::Pending);
    /// assert_eq!(state.name, "Pending");
    /// ```
    pub fn new(state_type: StateType) -> StateProposal {
        StateProposal {
            state_type,
            name: default_name(state_type).to_owned(),
            timestamp: Utc::now(),
            message: None,
            details: StateDetails::default(),
        }
    }
}

/// The name Prefect gives a state of each type by default.
fn default_name(state_type: StateType) -> &'static str {
    match state_type {
        StateType::Scheduled => "Scheduled",
        StateType::Pending => "Pending",
        StateType::Running => "Running",
        StateType::Completed => "Completed",
        StateType::Failed => "Failed",
        StateType::Cancelled => "Cancelled",
        StateType::Crashed => "Crashed",
        StateType::Paused => "Paused",
        StateType::Cancelling => "Cancelling",
    }
}

/// The state a caller expects a run to be in before it changes it: what makes a claim safe
/// when several workers race for one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpectedState {
    /// The run's current state has this type (`None`: the run has no state yet).
    Type(Option<StateType>),
    /// The run's current state is this one.
    Id(Uuid),
}

impl std::fmt::Display for ExpectedState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExpectedState::Type(Some(state_type)) => write!(f, "state type {state_type}"),
            ExpectedState::Type(None) => f.write_str("no state"),
            ExpectedState::Id(id) => write!(f, "state id {id}"),
        }
    }
}

/// One state's runs in one interval of a history (Prefect's `HistoryResponseState`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct HistoryState {
    /// The state type.
    pub state_type: StateType,
    /// The state name.
    pub state_name: String,
    /// How many runs.
    pub count_runs: i64,
    /// Their estimated run time, in seconds (whole seconds on SQLite, as in Prefect).
    pub sum_estimated_run_time: f64,
    /// Their estimated lateness, in seconds.
    pub sum_estimated_lateness: f64,
}

/// One interval of a history (Prefect's `HistoryResponse`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct HistoryInterval {
    /// Its start.
    pub interval_start: DateTime<Utc>,
    /// Its end (the last may end after the history's end, as in Prefect).
    pub interval_end: DateTime<Utc>,
    /// The runs expected to start in it, by state.
    pub states: Vec<HistoryState>,
}

fn columns_of<M: Model>() -> Vec<String> {
    M::TABLE
        .columns
        .iter()
        .map(|column| column.name.to_owned())
        .collect()
}

/// `INSERT` statements for `rows`, as many rows per statement as the dialect's bind-parameter
/// limit allows.
fn insert_statements<M: Model>(
    queries: &QueryComponents,
    rows: &[M],
    on_conflict: Option<&str>,
    returning: Option<Vec<String>>,
) -> Result<Vec<Statement>> {
    let columns = columns_of::<M>();
    let per_statement = (queries.max_bind_parameters() / columns.len()).max(1);
    let mut statements = Vec::new();
    for chunk in rows.chunks(per_statement) {
        let mut statement = queries
            .render_typed(&Insert {
                table: M::TABLE.name.to_owned(),
                columns: columns.clone(),
                row_count: Some(chunk.len() as i64),
                on_conflict: on_conflict.map(str::to_owned),
                conflict_columns: None,
                update_columns: None,
                returning: returning.clone(),
            })?
            .into_statement()?;
        statement.params = chunk.iter().flat_map(Model::values).collect();
        statements.push(statement);
    }
    Ok(statements)
}

/// Prefect's `TERMINAL_STATES`.
fn is_terminal(state_type: StateType) -> bool {
    matches!(
        state_type,
        StateType::Completed | StateType::Failed | StateType::Cancelled | StateType::Crashed
    )
}

/// A run's first state, and the run's columns that follow it as Prefect's global flow policy
/// sets them on a run that had none (the same rules `set_flow_run_state` applies in SQL):
/// the denormalised state, `start_time` on RUNNING or a final state, `end_time` on a final
/// state, `run_count` 1 on RUNNING, `expected_start_time` (if unset) and
/// `next_scheduled_start_time` from a SCHEDULED state's scheduled time, else the state's time.
fn enter_first_state(run: &mut FlowRun, state: StateProposal, now: DateTime<Utc>) -> FlowRunState {
    let state_type = state.state_type;
    let timestamp = state.timestamp.trunc_subsecs(6);
    let mut details = state.details;
    details.flow_run_id = Some(run.id);
    if state_type == StateType::Scheduled {
        // As `create_flow_runs` schedules: the run's own next or expected start, else now.
        details.scheduled_time = Some(
            details
                .scheduled_time
                .or(run.next_scheduled_start_time)
                .or(run.expected_start_time)
                .unwrap_or(timestamp)
                .trunc_subsecs(6),
        );
    }
    let state_id = Uuid::new_v4();
    run.state_id = Some(state_id);
    run.state_type = Some(state_type);
    run.state_name = Some(state.name.clone());
    run.state_timestamp = Some(timestamp);
    run.updated = now;
    if (state_type == StateType::Running || is_terminal(state_type)) && run.start_time.is_none() {
        run.start_time = Some(timestamp);
    }
    if is_terminal(state_type) && run.end_time.is_none() {
        run.end_time = Some(timestamp);
    }
    if run.expected_start_time.is_none() {
        run.expected_start_time = Some(match state_type {
            StateType::Scheduled => details.scheduled_time.unwrap_or(timestamp),
            _ => timestamp,
        });
    }
    if state_type == StateType::Scheduled {
        run.next_scheduled_start_time = details.scheduled_time;
    }
    if state_type == StateType::Running {
        run.run_count += 1;
    }
    FlowRunState {
        id: state_id,
        created: now,
        updated: now,
        data: None,
        flow_run_id: run.id,
        message: state.message,
        name: state.name,
        result_artifact_id: None,
        state_details: details,
        timestamp,
        type_: state_type,
    }
}

/// How many times a transactional create runs at most when the database keeps aborting it
/// to break a deadlock.
const SERIALIZATION_ATTEMPTS: u32 = 4;

fn bytes_to_uuid(value: &Value) -> Result<Uuid> {
    crate::value::FromValue::from_value(value).map_err(|reason| Error::Conversion {
        column: "id".into(),
        reason,
    })
}

impl DbInterface {
    /// Creates flow runs in a SCHEDULED state, in one transaction. Runs with an idempotency key
    /// are inserted as Prefect's scheduler inserts them: the runs (`ON CONFLICT (flow_id,
    /// idempotency_key) DO NOTHING RETURNING id`), one SCHEDULED state for each run inserted,
    /// then `set_state_id_on_inserted_flow_runs_statement`. Without keys no run can conflict,
    /// and the runs go in already pointing at their states, with the states, as one unit of
    /// independent writes (one statement on PostgreSQL). Each run's
    /// state columns are set here (`state_type`, `state_name`, `state_timestamp = now`,
    /// `next_scheduled_start_time` and, if unset, `expected_start_time` from its scheduled time:
    /// `next_scheduled_start_time`, else `expected_start_time`, else `now`).
    ///
    /// Returns the ids of the runs inserted, in the order given; a run whose idempotency key
    /// its flow already used is not inserted (and not returned). Batches are split to stay
    /// under the dialect's bind-parameter limit.
    pub async fn create_flow_runs(
        &self,
        runs: Vec<FlowRun>,
        now: DateTime<Utc>,
    ) -> Result<Vec<Uuid>> {
        if runs.is_empty() {
            return Ok(Vec::new());
        }
        let mut runs = runs;
        let states: Vec<FlowRunState> = runs
            .iter_mut()
            .map(|run| {
                let mut scheduled = StateProposal::new(StateType::Scheduled);
                scheduled.timestamp = now;
                enter_first_state(run, scheduled, now)
            })
            .collect();
        self.insert_runs_in_first_states(runs, states).await
    }

    /// Inserts runs already pointing at their first states, and the states: the ids of the
    /// runs inserted, in the order given. Runs with an idempotency key their flow already used
    /// are not inserted (nor their states), as Prefect's scheduler and `create_flow_run` do.
    async fn insert_runs_in_first_states(
        &self,
        mut runs: Vec<FlowRun>,
        states: Vec<FlowRunState>,
    ) -> Result<Vec<Uuid>> {
        let queries = self.queries();
        let database = self.database().await?;
        let keyed = runs.iter().any(|run| run.idempotency_key.is_some());
        if !keyed && queries.deferred_foreign_keys() {
            // No run can conflict, so each run can point at its state as it is inserted: the
            // runs and their states go in as independent writes, one crossing into the plugin
            // (and on PostgreSQL one statement, one round trip), with no UPDATE afterwards —
            // on PostgreSQL that UPDATE rewrites every index of flow_run. The write lock is
            // taken up front (SQLite's BEGIN IMMEDIATE), so concurrent creators wait their
            // turn instead of failing with "database is locked".
            let mut statements = insert_statements(queries, &runs, None, None)?;
            statements.extend(insert_statements(queries, &states, None, None)?);
            database.run_independent_writes(statements).await?;
            return Ok(runs.iter().map(|run| run.id).collect());
        }
        // Some runs may conflict on their idempotency key, or the dialect checks each row's
        // foreign keys as it is written: learn which runs were inserted before inserting their
        // states (so the runs go in pointing at none), in one transaction. A transaction the
        // database rolled back to break a deadlock (concurrent creators of one keyed run meet
        // on MySQL's ON DUPLICATE KEY UPDATE gap locks) has written nothing, so it runs again;
        // a lock wait that timed out (SQLite's 60 s busy timeout) is returned, not waited out
        // again.
        for run in &mut runs {
            run.state_id = None;
        }
        let mut attempt = 1;
        loop {
            match self
                .insert_runs_then_states(&database, keyed, &runs, &states)
                .await
            {
                Err(err)
                    if err.rolled_the_transaction_back() && attempt < SERIALIZATION_ATTEMPTS =>
                {
                    tracing::debug!(attempt, error = %err, "creating flow runs again after a serialization failure");
                    tokio::time::sleep(std::time::Duration::from_millis(5 * u64::from(attempt)))
                        .await;
                    attempt += 1;
                }
                outcome => return outcome,
            }
        }
    }

    /// One attempt of the transactional path of
    /// [`insert_runs_in_first_states`](Self::insert_runs_in_first_states).
    async fn insert_runs_then_states(
        &self,
        database: &crate::config::Database,
        keyed: bool,
        runs: &[FlowRun],
        states: &[FlowRunState],
    ) -> Result<Vec<Uuid>> {
        let queries = self.queries();
        let mut transaction = database.begin(true).await?;
        let mut inserted = std::collections::HashSet::new();
        if keyed {
            let mut returned = Vec::new();
            for statement in insert_statements(
                queries,
                runs,
                Some("do_nothing"),
                Some(vec!["id".to_owned()]),
            )? {
                let rows = transaction
                    .fetch_all(&statement.sql, statement.params)
                    .await?;
                for row in rows.iter() {
                    returned.push(bytes_to_uuid(row.value("id")?)?);
                }
            }
            // A do-nothing insert with RETURNING returns the row it kept on MySQL (ON
            // DUPLICATE KEY UPDATE), where PostgreSQL returns nothing: a run stored before
            // under one of these ids — or by a concurrent creator whose commit this insert
            // waited for — would look inserted, and get a second first state. The runs this
            // transaction inserted are the returned ones still pointing at no state (the
            // insert has waited for any other writer of those rows by now).
            if !returned.is_empty() {
                inserted.extend(
                    crate::models::Select::<FlowRun>::new()
                        .filter(
                            FlowRun::id
                                .is_in(returned)
                                .and(FlowRun::state_id.eq(None::<Uuid>)),
                        )
                        .fetch_in(self, &mut transaction)
                        .await?
                        .into_iter()
                        .map(|run| run.id),
                );
            }
        } else {
            // No run can conflict but on its id, which is an error as on PostgreSQL; a plain
            // insert also spares MySQL the gap locks of ON DUPLICATE KEY UPDATE, on which
            // concurrent creators deadlock.
            for statement in insert_statements(queries, runs, None, None)? {
                transaction
                    .execute(&statement.sql, statement.params)
                    .await?;
            }
            inserted.extend(runs.iter().map(|run| run.id));
        }
        let states: Vec<FlowRunState> = states
            .iter()
            .filter(|state| inserted.contains(&state.flow_run_id))
            .cloned()
            .collect();
        let ids: Vec<Uuid> = runs
            .iter()
            .map(|run| run.id)
            .filter(|id| inserted.contains(id))
            .collect();
        if !ids.is_empty() {
            let mut statements = insert_statements(queries, &states, None, None)?;
            statements.extend(
                queries
                    .render_typed(&SetStateIdOnInsertedFlowRunsStatement {
                        inserted_flow_run_ids: ids.clone(),
                        insert_flow_run_states: states.iter().map(|state| state.id).collect(),
                    })?
                    .statements,
            );
            for statement in statements {
                transaction
                    .execute(&statement.sql, statement.params)
                    .await?;
            }
        }
        transaction.commit().await?;
        Ok(ids)
    }

    /// Creates `run` in its first state `state` (Prefect's `create_flow_run` with a state): the
    /// run, already pointing at the state, and the state go in as one unit of work (one
    /// statement on PostgreSQL), so no reader sees a run without its state. The run's columns
    /// that follow the state are set as Prefect's global flow policy sets them (see
    /// [`StateProposal`]); times are kept to the microsecond; a SCHEDULED state without a
    /// scheduled time is scheduled for the run's next or expected start (else now), as
    /// [`create_flow_runs`](Self::create_flow_runs) schedules. A run whose idempotency key its
    /// flow already used is not created: the stored run is returned, its state untouched, as
    /// in Prefect. Returns the run as stored.
    ///
    /// ```no_run
    /// # async fn example(db: &flowdb::DbInterface, flow_id: uuid::Uuid) -> flowdb::Result<()> {
    /// use flowdb::models::{FlowRun, StateType};
    /// use flowdb::orchestration::StateProposal;
    ///
    /// let run = FlowRun::new(flow_id, "adhoc", chrono::Utc::now());
    /// let run = db.create_flow_run(run, StateProposal::new(StateType::Running)).await?;
    /// assert_eq!(run.run_count, 1);
    /// # Ok(()) }
    /// ```
    pub async fn create_flow_run(&self, run: FlowRun, state: StateProposal) -> Result<FlowRun> {
        let mut run = run;
        let state = enter_first_state(&mut run, state, Utc::now().trunc_subsecs(6));
        if !self
            .insert_runs_in_first_states(vec![run.clone()], vec![state])
            .await?
            .is_empty()
        {
            return Ok(run);
        }
        // Its flow already has a run with this key: that one, as stored.
        crate::models::Select::<FlowRun>::new()
            .filter(
                FlowRun::flow_id
                    .eq(run.flow_id)
                    .and(FlowRun::idempotency_key.eq(run.idempotency_key.clone())),
            )
            .fetch(self)
            .await?
            .into_iter()
            .next()
            .ok_or(Error::FlowRunNotFound { id: run.id })
    }

    /// Makes `state` the run's current state: the run's row locked (`FOR UPDATE` on
    /// PostgreSQL, a `BEGIN IMMEDIATE` transaction on SQLite), the state row inserted, and the
    /// run's columns updated as Prefect's global flow policy updates them. With `expected`,
    /// only if the run is in that state: of two workers claiming one run, one wins and the
    /// other gets [`Error::StateConflict`], with nothing written.
    ///
    /// Returns the new state's id. A run that does not exist (or was deleted meanwhile) is
    /// [`Error::FlowRunNotFound`].
    pub async fn set_flow_run_state(
        &self,
        flow_run_id: Uuid,
        state: StateProposal,
        expected: Option<ExpectedState>,
    ) -> Result<Uuid> {
        let state_id = Uuid::new_v4();
        let mut details = state.details;
        details.flow_run_id = Some(flow_run_id);
        // Prefect's Scheduled() always carries a scheduled time (its own timestamp by
        // default); the run's next_scheduled_start_time and Prefect's later rules read it.
        if state.state_type == StateType::Scheduled && details.scheduled_time.is_none() {
            details.scheduled_time = Some(state.timestamp);
        }
        let scheduled_time = details.scheduled_time;
        let (expected_state_type, expected_state_id) = match expected {
            Some(ExpectedState::Type(Some(state_type))) => {
                (Some(state_type.as_str().to_owned()), None)
            }
            Some(ExpectedState::Type(None)) => (Some("NULL".to_owned()), None),
            Some(ExpectedState::Id(id)) => (None, Some(id)),
            None => (None, None),
        };
        let rendered = self.queries().render_typed(&SetFlowRunState {
            flow_run_id,
            state_id,
            state_type: state.state_type,
            state_name: state.name,
            state_timestamp: state.timestamp,
            state_message: state.message,
            state_details: Some(Json(serde_json::to_value(&details).map_err(|err| {
                Error::Conversion {
                    column: "state_details".into(),
                    reason: err.to_string(),
                }
            })?)),
            scheduled_time,
            expected_state_type,
            expected_state_id,
            now: Some(Utc::now()),
        })?;
        let rows = self.database().await?.run_rendered(rendered).await?;
        let Some(row) = rows.row(0) else {
            return Err(Error::FlowRunNotFound { id: flow_run_id });
        };
        if row.get::<i64>("applied")? == 1 {
            return Ok(state_id);
        }
        Err(Error::StateConflict {
            flow_run_id,
            expected: expected.map_or_else(|| "state".to_owned(), |expected| expected.to_string()),
            current_state_type: row.get("current_state_type")?,
            current_state_id: row.get("current_state_id")?,
        })
    }

    /// Flow runs matching `read.filter`, sorted (Prefect's `FlowRunSort`, `ID_DESC` by
    /// default; ties broken by id) and paged.
    pub async fn read_flow_runs(&self, read: &ReadFlowRuns) -> Result<Vec<FlowRun>> {
        check_limit("read_flow_runs", read.limit, read.offset)?;
        let rows = self.run_query(self.queries().render_typed(read)?).await?;
        rows.iter().map(|row| FlowRun::from_row(&row)).collect()
    }

    /// How many flow runs match `count.filter`.
    pub async fn count_flow_runs(&self, count: &CountFlowRuns) -> Result<u64> {
        let rows = self.run_query(self.queries().render_typed(count)?).await?;
        let count: i64 = rows
            .row(0)
            .ok_or_else(|| Error::Conversion {
                column: "count".into(),
                reason: "count_flow_runs returned no row".into(),
            })?
            .get("count")?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    /// Prefect's flow-run history: every interval of `history.history_interval` from
    /// `history_start` (at most 500, the last one possibly ending after `history_end`), with
    /// the runs expected to start in it counted by state. Empty when the end is not after the
    /// start; an interval under one second is an error, as in Prefect.
    pub async fn flow_run_history(&self, history: &FlowRunHistory) -> Result<Vec<HistoryInterval>> {
        let rows = self
            .run_query(self.queries().render_typed(history)?)
            .await?;
        let mut by_bucket: BTreeMap<i64, Vec<HistoryState>> = BTreeMap::new();
        for row in rows.iter() {
            by_bucket
                .entry(row.get("bucket_index")?)
                .or_default()
                .push(history_state(&row)?);
        }
        let interval = history.history_interval;
        let elapsed = history.history_end - history.history_start;
        if elapsed <= TimeDelta::zero() || interval <= TimeDelta::zero() {
            return Ok(Vec::new());
        }
        let interval_us = interval.num_microseconds().unwrap_or(i64::MAX).max(1);
        let elapsed_us = elapsed.num_microseconds().unwrap_or(i64::MAX);
        let count = (elapsed_us.saturating_add(interval_us - 1) / interval_us).min(500);
        Ok((0..count)
            .map(|index| HistoryInterval {
                interval_start: history.history_start + interval * index as i32,
                interval_end: history.history_start + interval * (index as i32 + 1),
                states: by_bucket.remove(&index).unwrap_or_default(),
            })
            .collect())
    }

    /// Runs a rendered query (or the unit of work a component rendered) and returns its rows.
    pub(crate) async fn run_query(&self, rendered: Rendered) -> Result<crate::value::Rows> {
        self.database().await?.run_rendered(rendered).await
    }
}

fn history_state(row: &Row<'_>) -> Result<HistoryState> {
    Ok(HistoryState {
        state_type: row.get("state_type")?,
        state_name: row.get("state_name")?,
        count_runs: row.get("count_runs")?,
        sum_estimated_run_time: row
            .get::<Option<f64>>("sum_estimated_run_time")?
            .unwrap_or(0.0),
        sum_estimated_lateness: row
            .get::<Option<f64>>("sum_estimated_lateness")?
            .unwrap_or(0.0),
    })
}

fn check_limit(operation: &'static str, limit: Option<i64>, offset: Option<i64>) -> Result<()> {
    if let Some(limit) = limit.filter(|limit| !(0..=MAX_LIMIT).contains(limit)) {
        return Err(Error::InvalidArgument {
            operation,
            argument: "limit",
            reason: format!("must be between 0 and {MAX_LIMIT}, got {limit}"),
        });
    }
    if let Some(offset) = offset.filter(|offset| *offset < 0) {
        return Err(Error::InvalidArgument {
            operation,
            argument: "offset",
            reason: format!("must not be negative, got {offset}"),
        });
    }
    Ok(())
}
