//! The orchestration hot path, typed on the models and dialect-neutral: what an orchestration
//! server runs on every scheduler tick, state change and worker poll.
//!
//! Each operation is a method of [`DbInterface`](crate::DbInterface) that renders the dialect's
//! query components ([`crate::queries`]) and runs them in as few crossings into the plugin, and
//! round trips to the database, as it can:
//!
//! | operation | Prefect | statements |
//! |---|---|---|
//! | [`create_flow_runs`](crate::DbInterface::create_flow_runs) | the scheduler's `_insert_scheduled_flow_runs` | runs, their SCHEDULED states and `set_state_id_on_inserted_flow_runs_statement`, one unit of work |
//! | [`set_flow_run_state`](crate::DbInterface::set_flow_run_state) | `set_flow_run_state` with the global flow policy | the run locked, the state inserted, the run updated: one statement on PostgreSQL, one `BEGIN IMMEDIATE` unit on SQLite |
//! | [`get_scheduled_flow_runs`](crate::DbInterface::get_scheduled_flow_runs) | `get_scheduled_flow_runs_from_work_pool` (the worker poll) | one |
//! | [`get_scheduled_flow_runs_from_work_queues`](crate::DbInterface::get_scheduled_flow_runs_from_work_queues) | the legacy work-queue poll | one |
//! | [`read_flow_runs`](crate::DbInterface::read_flow_runs), [`count_flow_runs`](crate::DbInterface::count_flow_runs) | `read_flow_runs`, `count_flow_runs` | one |
//! | [`flow_run_history`](crate::DbInterface::flow_run_history) | `run_history` | one |
//! | [`flow_run_graph`](crate::DbInterface::flow_run_graph) | `flow_run_graph_v2` | four, one unit |
//! | [`read_configuration_value`](crate::DbInterface::read_configuration_value) and its writes | `read_configuration_value` and its cache | one (none on a cache hit) |
//! | [`create_flow_run`](crate::DbInterface::create_flow_run) | `create_flow_run` with a first state | the run and its state, one unit of work (one statement on PostgreSQL) |
//! | [`create_work_pool`](crate::DbInterface::create_work_pool) | `create_work_pool` with its default queue | three, one transaction |
//!
//! What they deliberately leave to the server above them, as Prefect's database layer does:
//! orchestration rules beyond the global flow policy, events, and the bookkeeping a poll
//! triggers (`last_polled`, READY statuses).

mod configuration;
mod flow_runs;
mod graph;
mod polls;
mod work_pools;

pub use self::flow_runs::{ExpectedState, HistoryInterval, HistoryState, StateProposal};
pub use self::graph::{Graph, GraphArtifact, GraphEdge, GraphNode, GraphState};
pub use self::polls::{WorkQueueFlowRun, WorkerFlowRun};

/// The largest `limit` a read takes: PostgreSQL's `LIMIT` is bound as an `integer` by Prefect.
pub const MAX_LIMIT: i64 = i32::MAX as i64;

/// The earliest time every dialect stores (`0001-01-01T00:00:00Z`), Prefect's
/// `earliest_possible_datetime()`: the default `since` of a flow run graph.
pub fn earliest_possible_datetime() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::<chrono::Utc>::from_timestamp(-62_135_596_800, 0).unwrap_or_default()
}
