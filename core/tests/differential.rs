//! A differential property test of the orchestration hot path: proptest generates work pools,
//! queues, deployments, flow runs in every state, task runs and artifacts, then a sequence of
//! hot-path operations; SQLite and PostgreSQL get the same inputs, and every answer must agree;
//! so do SQLite and MySQL (the mysql dialect on MariaDB), in a second test of the same cases.
//! The two polls are also checked against Prefect 3.9.1's semantics worked out in Rust, and a
//! configuration value must read back as it was written: a bug both dialects share is no
//! disagreement.
//!
//! Ids and times all come from the generator (never `Utc::now()`), so both dialects see the
//! very same rows. The ids the library draws itself (state ids) are compared through labels:
//! `r<run>.<n>` is the n-th state a run got, on each dialect. An answer that ties leave open
//! (which of several runs due at the same time a poll takes) is compared by its sort keys.
//!
//! Where Prefect 3.9.1's own SQLite and PostgreSQL code answer differently, flowdb follows each
//! faithfully, and the test compares around it (`FLOWDB_DIFFERENTIAL_STRICT=1` compares
//! anyway, and fails): NULLs in `NEXT_SCHEDULED_START_TIME_ASC` and `END_TIME_DESC` sorts
//! (`nulls_on_postgres`), and two differences of the worker-poll templates
//! (`worker_poll_selections`). Inputs it does not generate for the same reason: names that
//! differ in non-ASCII case or hold a backslash (`RUN_NAME_PREFIXES`), history buckets off
//! whole seconds (`op`).
//!
//! Cases: 48 by default (`PROPTEST_CASES` overrides), from a fixed seed so that the test
//! command runs the same cases every time; `FLOWDB_DIFFERENTIAL_RANDOM=1` draws a fresh seed. A
//! failure is shrunk a little and printed with its seed; `PROPTEST_RNG_SEED=<seed>` replays
//! the run.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::{BTreeMap, HashMap};
use std::fmt::Debug;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use common::{interface, temp_dir, with_mysql_database, with_postgres_database};
use flowdb::models::{
    Artifact, ArtifactCollection, Deployment, Flow, FlowRun, FlowRunState, StateDetails, StateType,
    TaskRun, TaskRunPolicy, WorkPool, WorkQueue,
};
use flowdb::orchestration::{
    ExpectedState, GraphArtifact, StateProposal, earliest_possible_datetime,
};
use flowdb::queries::components::{
    CountFlowRuns, FlowRunFilter, FlowRunHistory, GetScheduledFlowRunsFromWorkPool,
    GetScheduledFlowRunsFromWorkQueues, ReadFlowRuns,
};
use flowdb::value::{Interval, Json};
use flowdb::{DbInterface, Error, params};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::strategy::BoxedStrategy;
use proptest::test_runner::{Config, RngSeed, TestError, TestRunner};
use serde_json::json;
use uuid::Uuid;

const SECOND: i64 = 1_000_000;
const DEFAULT_CASES: u32 = 48;

/// The fixed "now" every generated time is relative to.
fn base_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).unwrap()
}

fn at(offset_micros: i64) -> DateTime<Utc> {
    base_time() + TimeDelta::microseconds(offset_micros)
}

/// When the fixture rows were made: long before anything they take part in.
fn fixture_time() -> DateTime<Utc> {
    base_time() - TimeDelta::days(3)
}

/// An id of a fixture row: its kind in the high bits, its position in the low ones.
fn fixed_id(kind: u32, index: usize) -> Uuid {
    Uuid::from_u128((u128::from(kind) << 96) | index as u128)
}

const FLOW_NAMES: &[&str] = &["etl", "Reports"];
const QUEUE_NAMES: &[&str] = &["default", "fast", "slow", "gpu"];
/// Names that tie, differ only in case, or hold LIKE wildcards. ASCII only, and no backslash:
/// `name_like` is PostgreSQL's `ILIKE` (Unicode case folding, `\` escapes) and SQLite's
/// `lower() LIKE lower()` (ASCII folding, no escape), in Prefect as in flowdb, so
/// `name_like = "ÜN"` finds `ünï` and `name_like = "k\\s"` finds `back\slash` on one only.
const RUN_NAME_PREFIXES: &[&str] = &["run", "Run", "nightly-etl", "etl_job", "a%b", "zeta"];
const NAME_LIKES: &[&str] = &[
    "run", "RUN", "un-", "%", "_", "a%", "-1", "", "etl_", "Zeta",
];
const TAGS: &[&str] = &["a", "b", "prod", "dev"];
const FILTER_TAGS: &[&str] = &["a", "b", "prod", "dev", "missing"];
const IDEMPOTENCY_KEYS: &[&str] = &["k1", "k2", "k3"];
const FILTER_IDEMPOTENCY_KEYS: &[&str] = &["k1", "k2", "k3", "missing"];
const FILTER_QUEUE_NAMES: &[&str] = &["default", "fast", "slow", "gpu", "missing"];
const TASK_NAMES: &[&str] = &["extract", "transform", "load"];
const ARTIFACT_KEYS: &[&str] = &["report", "progress-bar"];
const ARTIFACT_TYPES: &[Option<&str>] = &[
    Some("markdown"),
    Some("progress"),
    Some("result"),
    Some("table"),
    None,
];
const CONFIGURATION_KEYS: &[&str] = &["alpha", "beta", "ünï 'quoted' key"];
const MESSAGES: &[&str] = &["", "it's done", "ünïcode ✓"];
const SORTS: &[&str] = &[
    "ID_DESC",
    "START_TIME_ASC",
    "START_TIME_DESC",
    "EXPECTED_START_TIME_ASC",
    "EXPECTED_START_TIME_DESC",
    "NAME_ASC",
    "NAME_DESC",
    "NEXT_SCHEDULED_START_TIME_ASC",
    "END_TIME_DESC",
];
const STATE_TYPES: &[StateType] = &[
    StateType::Scheduled,
    StateType::Pending,
    StateType::Running,
    StateType::Completed,
    StateType::Failed,
    StateType::Cancelled,
    StateType::Crashed,
    StateType::Paused,
    StateType::Cancelling,
];
/// The states runs move to, with Prefect's names, including the named variants (`Late`,
/// `AwaitingRetry`, `Retrying`, `Cached`, `Suspended`) that state-name filters tell apart.
const STATE_CHOICES: &[(StateType, &str)] = &[
    (StateType::Scheduled, "Scheduled"),
    (StateType::Scheduled, "Late"),
    (StateType::Scheduled, "AwaitingRetry"),
    (StateType::Pending, "Pending"),
    (StateType::Running, "Running"),
    (StateType::Running, "Retrying"),
    (StateType::Completed, "Completed"),
    (StateType::Completed, "Cached"),
    (StateType::Failed, "Failed"),
    (StateType::Cancelled, "Cancelled"),
    (StateType::Crashed, "Crashed"),
    (StateType::Paused, "Paused"),
    (StateType::Paused, "Suspended"),
    (StateType::Cancelling, "Cancelling"),
];
const FILTER_STATE_NAMES: &[&str] = &[
    "Scheduled",
    "Late",
    "AwaitingRetry",
    "Pending",
    "Running",
    "Retrying",
    "Completed",
    "Cached",
    "Failed",
    "Crashed",
    "Paused",
    "Cancelling",
    "Missing",
];

// ---------------------------------------------------------------------------------------------
// What the generator produces: data, then operations. References to generated rows are
// `Index`es, resolved against however many rows the case has, so they shrink well.

#[derive(Debug, Clone)]
struct Scenario {
    pools: Vec<PoolSpec>,
    deployments: Vec<DeploymentSpec>,
    runs: Vec<RunSpec>,
    tasks: Vec<TaskSpec>,
    artifacts: Vec<ArtifactSpec>,
    ops: Vec<Op>,
}

#[derive(Debug, Clone)]
struct PoolSpec {
    concurrency_limit: Option<i32>,
    paused: bool,
    /// Which of `QUEUE_NAMES` the first queue takes: pools share queue names, which the
    /// legacy poll matches runs by.
    queue_name_offset: usize,
    queues: Vec<QueueSpec>,
}

#[derive(Debug, Clone)]
struct QueueSpec {
    priority: i32,
    concurrency_limit: Option<i32>,
    paused: bool,
}

#[derive(Debug, Clone)]
struct DeploymentSpec {
    flow: usize,
    queue: Option<Index>,
}

#[derive(Debug, Clone)]
struct RunSpec {
    id_high: u64,
    flow: usize,
    name: (usize, Option<u8>),
    queue: Option<Index>,
    deployment: Option<Index>,
    /// Whole seconds from the base time (see the history strategy in `op`).
    expected_start_seconds: i64,
    tags: Vec<&'static str>,
    idempotency_key: Option<&'static str>,
    in_process_retry: bool,
    parent_task: Option<Index>,
    transitions: Vec<Transition>,
}

#[derive(Debug, Clone)]
struct Transition {
    state: usize,
    /// After the previous state (or the expected start), possibly before it.
    after_micros: i64,
    scheduled_in_micros: Option<i64>,
}

#[derive(Debug, Clone)]
struct TaskSpec {
    owner: Index,
    name: usize,
    /// Always set: a graph node must have a state type (Prefect's `Node` schema), and a task
    /// run without one fails the graph on both dialects, as it fails Prefect's.
    state: usize,
    start_micros: Option<i64>,
    end_micros: Option<i64>,
    expected_micros: Option<i64>,
    /// (is it a `__parents__` input, which task), plus a parameter input when `None`.
    inputs: Vec<Option<(bool, Index)>>,
}

#[derive(Debug, Clone)]
struct ArtifactSpec {
    owner: Index,
    task: Option<Index>,
    key: Option<usize>,
    kind: usize,
    created_seconds: i64,
}

#[derive(Debug, Clone)]
enum RunRef {
    Run(Index),
    Missing,
}

/// Mostly the runs that own task runs and artifacts: a random run's graph is mostly empty.
#[derive(Debug, Clone)]
enum GraphTarget {
    TaskOwner(Index),
    Run(RunRef),
}

/// A time a filter or a poll compares with. The references to rows' own times test the
/// inclusive bounds' edge.
#[derive(Debug, Clone)]
enum TimeRef {
    Offset(i64),
    /// Exactly some run's expected start.
    AtRun(Index),
    /// Exactly the next start some run has when the operation runs.
    AtNextStart(Index),
}

/// The graph's `since`: its default, any time, or exactly a task run's end.
#[derive(Debug, Clone)]
enum Since {
    Earliest,
    Offset(i64),
    AtTaskEnd(Index),
}

#[derive(Debug, Clone, Default)]
struct FilterSpec {
    id_any: Option<Vec<RunRef>>,
    id_not_any: Option<Vec<RunRef>>,
    name_any: Option<Vec<(usize, Option<u8>)>>,
    name_like: Option<&'static str>,
    tags_all: Option<Vec<&'static str>>,
    tags_any: Option<Vec<&'static str>>,
    tags_is_null: Option<bool>,
    flow_id_any: Option<Vec<usize>>,
    deployment_id_any: Option<Vec<Index>>,
    deployment_id_is_null: Option<bool>,
    work_queue_id_any: Option<Vec<Index>>,
    work_queue_name_any: Option<Vec<&'static str>>,
    work_pool_id_any: Option<Vec<Index>>,
    state_type_any: Option<Vec<StateType>>,
    state_type_not_any: Option<Vec<StateType>>,
    state_name_any: Option<Vec<&'static str>>,
    state_name_not_any: Option<Vec<&'static str>>,
    start_time_before: Option<TimeRef>,
    start_time_after: Option<TimeRef>,
    start_time_is_null: Option<bool>,
    end_time_before: Option<TimeRef>,
    end_time_after: Option<TimeRef>,
    end_time_is_null: Option<bool>,
    expected_start_time_before: Option<TimeRef>,
    expected_start_time_after: Option<TimeRef>,
    next_scheduled_start_time_before: Option<TimeRef>,
    next_scheduled_start_time_after: Option<TimeRef>,
    parent_task_run_id_any: Option<Vec<Index>>,
    parent_task_run_id_is_null: Option<bool>,
    parent_flow_run_id_any: Option<Vec<RunRef>>,
    idempotency_key_any: Option<Vec<&'static str>>,
}

#[derive(Debug, Clone)]
enum ExpectedChoice {
    Type(Option<StateType>),
    CurrentId,
    PreviousId,
    UnknownId,
}

#[derive(Debug, Clone)]
enum Op {
    WorkerPoll {
        limit: Option<i64>,
        worker_limit: Option<i64>,
        queue_limit: Option<i64>,
        pools: Option<Vec<Index>>,
        queues: Option<Vec<Index>>,
        scheduled_before: Option<TimeRef>,
        scheduled_after: Option<TimeRef>,
        respect_queue_priorities: Option<bool>,
    },
    QueuePoll {
        limit_per_queue: Option<i64>,
        queues: Option<Vec<Index>>,
        scheduled_before: Option<TimeRef>,
    },
    Read {
        filter: FilterSpec,
        sort: Option<&'static str>,
        limit: Option<i64>,
        offset: Option<i64>,
    },
    Count {
        filter: FilterSpec,
    },
    History {
        filter: FilterSpec,
        start_seconds: i64,
        window_seconds: i64,
        interval_millis: i64,
        now_micros: i64,
    },
    Graph {
        run: GraphTarget,
        since: Since,
        max_nodes: i64,
        max_artifacts: i64,
    },
    SetState {
        run: RunRef,
        state: usize,
        at_micros: i64,
        scheduled_in_micros: Option<i64>,
        message: Option<usize>,
        expected: Option<ExpectedChoice>,
    },
    WriteConfiguration {
        key: usize,
        value: serde_json::Value,
    },
    ReadConfiguration {
        key: usize,
    },
    DeleteConfiguration {
        key: usize,
    },
}

// ---------------------------------------------------------------------------------------------
// Strategies.

/// A filter field, rarely set: a filter of 31 fields then sets one or two, and still matches
/// some runs.
fn maybe<S: Strategy + 'static>(strategy: S) -> BoxedStrategy<Option<S::Value>>
where
    S::Value: Debug,
{
    prop::option::weighted(0.035, strategy).boxed()
}

fn concurrency_limit() -> impl Strategy<Value = Option<i32>> {
    prop_oneof![3 => Just(None), 1 => Just(Some(0)), 4 => (1i32..6).prop_map(Some), 1 => (6i32..20).prop_map(Some)]
}

fn pool_spec() -> impl Strategy<Value = PoolSpec> {
    let queue = (0i32..4, concurrency_limit(), prop::bool::weighted(0.15)).prop_map(
        |(priority, concurrency_limit, paused)| QueueSpec {
            priority,
            concurrency_limit,
            paused,
        },
    );
    (
        concurrency_limit(),
        prop::bool::weighted(0.15),
        0..QUEUE_NAMES.len(),
        prop::collection::vec(queue, 1..=4),
    )
        .prop_map(
            |(concurrency_limit, paused, queue_name_offset, queues)| PoolSpec {
                concurrency_limit,
                paused,
                queue_name_offset,
                queues,
            },
        )
}

fn transition() -> impl Strategy<Value = Transition> {
    (
        0..STATE_CHOICES.len(),
        prop_oneof![
            // The same timestamp as the run's previous state breaks Prefect's unique
            // (flow_run_id, timestamp): both dialects must refuse it alike.
            1 => Just(0i64),
            2 => -60 * SECOND..0,
            12 => 0..7200 * SECOND,
        ],
        prop::option::weighted(0.5, -3600 * SECOND..3600 * SECOND),
    )
        .prop_map(|(state, after_micros, scheduled_in_micros)| Transition {
            state,
            after_micros,
            scheduled_in_micros,
        })
}

fn run_spec() -> impl Strategy<Value = RunSpec> {
    (
        any::<u64>(),
        0..FLOW_NAMES.len(),
        (0..RUN_NAME_PREFIXES.len(), prop::option::of(0u8..4)),
        prop::option::weighted(0.85, any::<Index>()),
        prop::option::weighted(0.6, any::<Index>()),
        // Quarter hours and whole minutes make runs tie on their times; odd seconds spread
        // them.
        prop_oneof![
            (-16i64..16).prop_map(|quarters| quarters * 900),
            (-240i64..240).prop_map(|minutes| minutes * 60),
            -14_400i64..14_400
        ],
        prop::sample::subsequence(TAGS.to_vec(), 0..=3),
        prop::option::weighted(0.1, prop::sample::select(IDEMPOTENCY_KEYS)),
        prop::bool::weighted(0.1),
        prop::option::weighted(0.04, any::<Index>()),
        prop::collection::vec(transition(), 0..=3),
    )
        .prop_map(
            |(
                id_high,
                flow,
                name,
                queue,
                deployment,
                expected_start_seconds,
                tags,
                idempotency_key,
                in_process_retry,
                parent_task,
                transitions,
            )| RunSpec {
                id_high,
                flow,
                name,
                queue,
                deployment,
                expected_start_seconds,
                tags,
                idempotency_key,
                in_process_retry,
                parent_task,
                transitions,
            },
        )
}

fn task_spec() -> impl Strategy<Value = TaskSpec> {
    let time = || prop::option::weighted(0.7, -3600 * SECOND..3600 * SECOND);
    let input = prop::option::weighted(0.85, (prop::bool::weighted(0.3), any::<Index>()));
    (
        any::<Index>(),
        0..TASK_NAMES.len(),
        0..STATE_TYPES.len(),
        time(),
        time(),
        time(),
        prop::collection::vec(input, 0..4),
    )
        .prop_map(
            |(owner, name, state, start_micros, end_micros, expected_micros, inputs)| TaskSpec {
                owner,
                name,
                state,
                start_micros,
                end_micros,
                expected_micros,
                inputs,
            },
        )
}

fn artifact_spec() -> impl Strategy<Value = ArtifactSpec> {
    (
        any::<Index>(),
        prop::option::weighted(0.6, any::<Index>()),
        prop::option::weighted(0.7, 0..ARTIFACT_KEYS.len()),
        0..ARTIFACT_TYPES.len(),
        -3600i64..3600,
    )
        .prop_map(|(owner, task, key, kind, created_seconds)| ArtifactSpec {
            owner,
            task,
            key,
            kind,
            created_seconds,
        })
}

fn run_ref() -> impl Strategy<Value = RunRef> {
    prop_oneof![6 => any::<Index>().prop_map(RunRef::Run), 1 => Just(RunRef::Missing)]
}

fn run_refs() -> impl Strategy<Value = Vec<RunRef>> {
    prop::collection::vec(run_ref(), 0..5)
}

fn indices() -> impl Strategy<Value = Vec<Index>> {
    prop::collection::vec(any::<Index>(), 0..3)
}

fn time_ref() -> impl Strategy<Value = TimeRef> {
    prop_oneof![
        3 => (-6 * 3600i64..6 * 3600, prop_oneof![Just(0i64), 0..SECOND])
            .prop_map(|(seconds, micros)| TimeRef::Offset(seconds * SECOND + micros)),
        1 => any::<Index>().prop_map(TimeRef::AtRun),
        1 => any::<Index>().prop_map(TimeRef::AtNextStart),
    ]
}

/// A poll's bound: mostly exactly some run's next start, where `<=` and `<` part.
fn poll_time_ref() -> impl Strategy<Value = TimeRef> {
    prop_oneof![
        1 => (-6 * 3600i64..6 * 3600, prop_oneof![Just(0i64), 0..SECOND])
            .prop_map(|(seconds, micros)| TimeRef::Offset(seconds * SECOND + micros)),
        2 => any::<Index>().prop_map(TimeRef::AtNextStart),
    ]
}

fn state_types() -> impl Strategy<Value = Vec<StateType>> {
    prop::sample::subsequence(STATE_TYPES.to_vec(), 0..=4)
}

fn strings(
    values: &'static [&'static str],
    most: usize,
) -> impl Strategy<Value = Vec<&'static str>> {
    prop::collection::vec(prop::sample::select(values), 0..=most)
}

fn filter_spec() -> BoxedStrategy<FilterSpec> {
    let who = (
        maybe(run_refs()),
        maybe(run_refs()),
        maybe(prop::collection::vec(
            (0..RUN_NAME_PREFIXES.len(), prop::option::of(0u8..4)),
            0..3,
        )),
        maybe(prop::sample::select(NAME_LIKES)),
        maybe(strings(FILTER_TAGS, 3)),
        maybe(strings(FILTER_TAGS, 3)),
        maybe(any::<bool>()),
        maybe(prop::collection::vec(0..=FLOW_NAMES.len(), 0..3)),
    );
    let place = (
        maybe(indices()),
        maybe(any::<bool>()),
        maybe(indices()),
        maybe(strings(FILTER_QUEUE_NAMES, 2)),
        maybe(indices()),
        maybe(state_types()),
        maybe(state_types()),
        maybe(strings(FILTER_STATE_NAMES, 3)),
        maybe(strings(FILTER_STATE_NAMES, 3)),
    );
    let when = (
        maybe(time_ref()),
        maybe(time_ref()),
        maybe(any::<bool>()),
        maybe(time_ref()),
        maybe(time_ref()),
        maybe(any::<bool>()),
        maybe(time_ref()),
        maybe(time_ref()),
        maybe(time_ref()),
        maybe(time_ref()),
    );
    let lineage = (
        maybe(indices()),
        maybe(any::<bool>()),
        maybe(run_refs()),
        maybe(strings(FILTER_IDEMPOTENCY_KEYS, 2)),
    );
    let filter = (who, place, when, lineage).prop_map(|(who, place, when, lineage)| FilterSpec {
        id_any: who.0,
        id_not_any: who.1,
        name_any: who.2,
        name_like: who.3,
        tags_all: who.4,
        tags_any: who.5,
        tags_is_null: who.6,
        flow_id_any: who.7,
        deployment_id_any: place.0,
        deployment_id_is_null: place.1,
        work_queue_id_any: place.2,
        work_queue_name_any: place.3,
        work_pool_id_any: place.4,
        state_type_any: place.5,
        state_type_not_any: place.6,
        state_name_any: place.7,
        state_name_not_any: place.8,
        start_time_before: when.0,
        start_time_after: when.1,
        start_time_is_null: when.2,
        end_time_before: when.3,
        end_time_after: when.4,
        end_time_is_null: when.5,
        expected_start_time_before: when.6,
        expected_start_time_after: when.7,
        next_scheduled_start_time_before: when.8,
        next_scheduled_start_time_after: when.9,
        parent_task_run_id_any: lineage.0,
        parent_task_run_id_is_null: lineage.1,
        parent_flow_run_id_any: lineage.2,
        idempotency_key_any: lineage.3,
    });
    prop_oneof![1 => Just(FilterSpec::default()), 4 => filter].boxed()
}

fn small_limit() -> impl Strategy<Value = Option<i64>> {
    prop_oneof![4 => Just(None), 1 => Just(Some(0)), 10 => (1i64..8).prop_map(Some), 1 => Just(Some(1000))]
}

/// A JSON document with every kind of value, nested; no NUL character, which PostgreSQL's
/// jsonb refuses (as it does under Prefect).
///
/// Found by this test and fixed: a bare number as the whole document did not read back on
/// SQLite (the `JSON` column's NUMERIC affinity stores it as an INTEGER or REAL, which the
/// host refused as JSON), and floats far from 1 read back an ulp off (serde_json parsed
/// without `float_roundtrip`; `1.8797616074470954e-202` on PostgreSQL, whose jsonb writes
/// `1e-30` out as `0.000…01`, the same number).
fn json_document() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_filter_map("finite", |number| {
            serde_json::Number::from_f64(number).map(Value::Number)
        }),
        "[^\\x00]{0,8}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z]{0,3}", inner, 0..4)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

fn op() -> BoxedStrategy<Op> {
    let worker_poll = (
        small_limit(),
        small_limit(),
        small_limit(),
        prop::option::weighted(0.4, indices()),
        prop::option::weighted(0.3, indices()),
        prop::option::weighted(0.4, poll_time_ref()),
        prop::option::weighted(0.4, poll_time_ref()),
        prop::option::of(any::<bool>()),
    )
        .prop_map(
            |(
                limit,
                worker_limit,
                queue_limit,
                pools,
                queues,
                scheduled_before,
                scheduled_after,
                respect_queue_priorities,
            )| Op::WorkerPoll {
                limit,
                worker_limit,
                queue_limit,
                pools,
                queues,
                scheduled_before,
                scheduled_after,
                respect_queue_priorities,
            },
        );
    let queue_poll = (
        small_limit(),
        prop::option::weighted(0.4, indices()),
        prop::option::weighted(0.4, poll_time_ref()),
    )
        .prop_map(
            |(limit_per_queue, queues, scheduled_before)| Op::QueuePoll {
                limit_per_queue,
                queues,
                scheduled_before,
            },
        );
    let read = (
        filter_spec(),
        prop::option::weighted(0.9, prop::sample::select(SORTS)),
        prop::option::weighted(0.5, 0i64..30),
        prop::option::weighted(0.3, 0i64..30),
    )
        .prop_map(|(filter, sort, limit, offset)| Op::Read {
            filter,
            sort,
            limit,
            offset,
        });
    let count = filter_spec().prop_map(|filter| Op::Count { filter });
    // Whole-second starts and intervals: PostgreSQL buckets through a float4 division and
    // SQLite through millisecond rounding (both as Prefect does), which part ways on times
    // a fraction of a second from a bucket edge. Sub-second intervals are refused by both.
    let history = (
        filter_spec(),
        -5 * 3600i64..3600,
        prop_oneof![1 => -600i64..=0, 6 => 1i64..6 * 3600],
        prop_oneof![
            8 => prop::sample::select(&[60i64, 300, 900, 1800, 3600, 5400][..]).prop_map(|s| s * 1000),
            4 => (1i64..7200).prop_map(|s| s * 1000),
            1 => Just(500i64),
        ],
        -6 * 3600 * SECOND..6 * 3600 * SECOND,
    )
        .prop_map(
            |(filter, start_seconds, window_seconds, interval_millis, now_micros)| Op::History {
                filter,
                start_seconds,
                window_seconds,
                interval_millis,
                now_micros,
            },
        );
    let graph = (
        prop_oneof![
            6 => any::<Index>().prop_map(GraphTarget::TaskOwner),
            2 => run_ref().prop_map(GraphTarget::Run),
        ],
        prop_oneof![
            3 => Just(Since::Earliest),
            1 => (-3600 * SECOND..3600 * SECOND).prop_map(Since::Offset),
            2 => any::<Index>().prop_map(Since::AtTaskEnd),
        ],
        0i64..8,
        0i64..5,
    )
        .prop_map(|(run, since, max_nodes, max_artifacts)| Op::Graph {
            run,
            since,
            max_nodes,
            max_artifacts,
        });
    let expected = prop_oneof![
        2 => prop::option::of(prop::sample::select(STATE_TYPES)).prop_map(ExpectedChoice::Type),
        2 => Just(ExpectedChoice::CurrentId),
        1 => Just(ExpectedChoice::PreviousId),
        1 => Just(ExpectedChoice::UnknownId),
    ];
    let set_state = (
        run_ref(),
        0..STATE_CHOICES.len(),
        -6 * 3600 * SECOND..6 * 3600 * SECOND,
        prop::option::weighted(0.5, -3600 * SECOND..3600 * SECOND),
        prop::option::weighted(0.3, 0..MESSAGES.len()),
        prop::option::weighted(0.6, expected),
    )
        .prop_map(
            |(run, state, at_micros, scheduled_in_micros, message, expected)| Op::SetState {
                run,
                state,
                at_micros,
                scheduled_in_micros,
                message,
                expected,
            },
        );
    let key = || 0..CONFIGURATION_KEYS.len();
    prop_oneof![
        3 => worker_poll,
        2 => queue_poll,
        4 => read,
        2 => count,
        2 => history,
        2 => graph,
        4 => set_state,
        1 => (key(), json_document()).prop_map(|(key, value)| Op::WriteConfiguration { key, value }),
        1 => key().prop_map(|key| Op::ReadConfiguration { key }),
        1 => key().prop_map(|key| Op::DeleteConfiguration { key }),
    ]
    .boxed()
}

fn scenario() -> impl Strategy<Value = Scenario> {
    (
        prop::collection::vec(pool_spec(), 1..=3),
        prop::collection::vec(
            (
                0..FLOW_NAMES.len(),
                prop::option::weighted(0.7, any::<Index>()),
            )
                .prop_map(|(flow, queue)| DeploymentSpec { flow, queue }),
            0..4,
        ),
        prop::collection::vec(run_spec(), 0..=120),
        prop::collection::vec(task_spec(), 0..12),
        prop::collection::vec(artifact_spec(), 0..6),
        prop::collection::vec(op(), 4..16),
    )
        .prop_map(
            |(pools, deployments, runs, tasks, artifacts, ops)| Scenario {
                pools,
                deployments,
                runs,
                tasks,
                artifacts,
                ops,
            },
        )
}

impl Scenario {
    /// One line per generated item: a failure report a person can read.
    fn describe(&self) -> String {
        use std::fmt::Write as _;
        let mut text = String::new();
        let mut line = |label: String, item: &dyn Debug| {
            let _ = writeln!(text, "  {label}: {item:?}");
        };
        for (index, pool) in self.pools.iter().enumerate() {
            line(format!("pool {index}"), pool);
        }
        for (index, deployment) in self.deployments.iter().enumerate() {
            line(format!("deployment {index}"), deployment);
        }
        for (index, run) in self.runs.iter().enumerate() {
            line(format!("run {index}"), run);
        }
        for (index, task) in self.tasks.iter().enumerate() {
            line(format!("task {index}"), task);
        }
        for (index, artifact) in self.artifacts.iter().enumerate() {
            line(format!("artifact {index}"), artifact);
        }
        for (index, op) in self.ops.iter().enumerate() {
            line(format!("op {index}"), op);
        }
        text
    }
}

// ---------------------------------------------------------------------------------------------
// The rows a scenario stands for: built once, handed to both dialects.

struct TaskInfo {
    id: Uuid,
    owner: usize,
}

struct Fixture {
    flows: Vec<Flow>,
    pools: Vec<WorkPool>,
    queues: Vec<WorkQueue>,
    deployments: Vec<Deployment>,
    runs: Vec<FlowRun>,
    /// The runs Prefect's scheduler inserts: the first of each (flow, idempotency key).
    created: Vec<usize>,
    tasks: Vec<TaskRun>,
    subflow_parents: Vec<(Uuid, Uuid)>,
    artifacts: Vec<Artifact>,
    collections: Vec<ArtifactCollection>,
    task_info: Vec<TaskInfo>,
    graph_owners: Vec<usize>,
    run_index: HashMap<Uuid, usize>,
}

fn pick<'a, T>(items: &'a [T], index: &Index) -> Option<&'a T> {
    (!items.is_empty()).then(|| &items[index.index(items.len())])
}

fn run_name((prefix, suffix): (usize, Option<u8>)) -> String {
    match suffix {
        Some(suffix) => format!("{}-{suffix}", RUN_NAME_PREFIXES[prefix]),
        None => RUN_NAME_PREFIXES[prefix].to_owned(),
    }
}

impl Fixture {
    fn new(scenario: &Scenario) -> Fixture {
        let created_at = fixture_time();
        let flows: Vec<Flow> = FLOW_NAMES
            .iter()
            .enumerate()
            .map(|(index, name)| {
                let mut flow = Flow::new(*name);
                flow.id = fixed_id(0xf10, index);
                flow.created = created_at;
                flow.updated = created_at;
                flow
            })
            .collect();
        let mut pools = Vec::new();
        let mut queues = Vec::new();
        for (pool_index, spec) in scenario.pools.iter().enumerate() {
            let mut pool = WorkPool::new(format!("pool-{pool_index}"));
            pool.id = fixed_id(0x9001, pool_index);
            pool.created = created_at;
            pool.updated = created_at;
            pool.concurrency_limit = spec.concurrency_limit;
            pool.is_paused = spec.paused;
            for (queue_index, queue_spec) in spec.queues.iter().enumerate() {
                let name = QUEUE_NAMES[(spec.queue_name_offset + queue_index) % QUEUE_NAMES.len()];
                let mut queue = WorkQueue::new(pool.id, name);
                queue.id = fixed_id(0x9002, queues.len());
                queue.created = created_at;
                queue.updated = created_at;
                queue.priority = queue_spec.priority;
                queue.concurrency_limit = queue_spec.concurrency_limit;
                queue.is_paused = queue_spec.paused;
                if queue_index == 0 {
                    pool.default_queue_id = Some(queue.id);
                }
                queues.push(queue);
            }
            pools.push(pool);
        }
        let deployments: Vec<Deployment> = scenario
            .deployments
            .iter()
            .enumerate()
            .map(|(index, spec)| {
                let mut deployment =
                    Deployment::new(flows[spec.flow].id, format!("deployment-{index}"));
                deployment.id = fixed_id(0xde9, index);
                deployment.created = created_at;
                deployment.updated = created_at;
                if let Some(queue) = spec.queue.as_ref().and_then(|index| pick(&queues, index)) {
                    deployment.work_queue_id = Some(queue.id);
                    deployment.work_queue_name = Some(queue.name.clone());
                }
                deployment
            })
            .collect();
        let mut seen_keys = std::collections::HashSet::new();
        let mut created = Vec::new();
        let runs: Vec<FlowRun> = scenario
            .runs
            .iter()
            .enumerate()
            .map(|(index, spec)| {
                let mut run = FlowRun::new(
                    flows[spec.flow].id,
                    run_name(spec.name),
                    at(spec.expected_start_seconds * SECOND),
                );
                run.id = Uuid::from_u128((u128::from(spec.id_high) << 64) | index as u128);
                run.created = created_at;
                run.updated = created_at;
                if let Some(queue) = spec.queue.as_ref().and_then(|index| pick(&queues, index)) {
                    run = run.in_queue(queue);
                }
                run.deployment_id = spec
                    .deployment
                    .as_ref()
                    .and_then(|index| pick(&deployments, index))
                    .map(|deployment| deployment.id);
                run.tags = Json(json!(spec.tags));
                run.idempotency_key = spec.idempotency_key.map(str::to_owned);
                if spec.in_process_retry {
                    run.empirical_policy.retry_type = Some("in_process".to_owned());
                }
                let first = match spec.idempotency_key {
                    Some(key) => seen_keys.insert((spec.flow, key)),
                    None => true,
                };
                if first {
                    created.push(index);
                }
                run
            })
            .collect();
        let run_index = runs
            .iter()
            .enumerate()
            .map(|(index, run)| (run.id, index))
            .collect();
        // Task runs belong to a few runs only, so that graphs have several nodes.
        let graph_owners: Vec<usize> = created.iter().copied().take(3).collect();
        let mut tasks = Vec::new();
        let mut task_info: Vec<TaskInfo> = Vec::new();
        for (index, spec) in scenario.tasks.iter().enumerate() {
            let Some(&owner) = pick(&graph_owners, &spec.owner) else {
                break;
            };
            let id = fixed_id(0x7a5c, index);
            let mut inputs: BTreeMap<String, Vec<serde_json::Value>> = BTreeMap::new();
            for (position, input) in spec.inputs.iter().enumerate() {
                match input {
                    Some((is_parent, task)) => {
                        if let Some(parent) = pick(&task_info, task) {
                            let name = if *is_parent {
                                "__parents__".to_owned()
                            } else {
                                format!("x{}", position % 2)
                            };
                            inputs
                                .entry(name)
                                .or_default()
                                .push(json!({"input_type": "task_run", "id": parent.id}));
                        }
                    }
                    None => inputs
                        .entry("p".to_owned())
                        .or_default()
                        .push(json!({"input_type": "parameter", "name": "p"})),
                }
            }
            let state_type = Some(STATE_TYPES[spec.state]);
            tasks.push(TaskRun {
                id,
                created: created_at,
                updated: created_at,
                cache_expiration: None,
                cache_key: None,
                dynamic_key: index.to_string(),
                empirical_policy: TaskRunPolicy::default(),
                end_time: spec.end_micros.map(at),
                expected_start_time: spec.expected_micros.map(at),
                flow_run_id: Some(runs[owner].id),
                flow_run_run_count: 0,
                labels: None,
                name: TASK_NAMES[spec.name].to_owned(),
                next_scheduled_start_time: None,
                run_count: 0,
                start_time: spec.start_micros.map(at),
                state_id: None,
                state_name: state_type.map(|state_type| {
                    STATE_CHOICES
                        .iter()
                        .find(|(choice, _)| *choice == state_type)
                        .map(|(_, name)| (*name).to_owned())
                        .unwrap()
                }),
                state_timestamp: state_type.map(|_| created_at),
                state_type,
                tags: Json(json!([])),
                task_inputs: Json(json!(inputs)),
                task_key: format!("task-{index}"),
                task_version: None,
                total_run_time: Interval(TimeDelta::zero()),
            });
            task_info.push(TaskInfo { id, owner });
        }
        let mut subflow_parents = Vec::new();
        for &index in &created {
            let Some(task) = scenario.runs[index]
                .parent_task
                .as_ref()
                .and_then(|task| pick(&task_info, task))
            else {
                continue;
            };
            if task.owner != index {
                subflow_parents.push((runs[index].id, task.id));
            }
        }
        let mut artifacts = Vec::new();
        let mut latest: BTreeMap<usize, usize> = BTreeMap::new();
        for (index, spec) in scenario.artifacts.iter().enumerate() {
            let Some(&owner) = pick(&graph_owners, &spec.owner) else {
                break;
            };
            let owned: Vec<&TaskInfo> = task_info
                .iter()
                .filter(|task| task.owner == owner)
                .collect();
            let task = spec.task.as_ref().and_then(|task| pick(&owned, task));
            // Distinct creation times: the graph orders artifacts by them alone.
            let created = at(spec.created_seconds * SECOND + index as i64);
            if let Some(key) = spec.key {
                latest.insert(key, artifacts.len());
            }
            artifacts.push(Artifact {
                id: fixed_id(0xa47, index),
                created,
                updated: created,
                data: Some(Json(artifact_data(ARTIFACT_TYPES[spec.kind], index))),
                description: None,
                flow_run_id: Some(runs[owner].id),
                key: spec.key.map(|key| ARTIFACT_KEYS[key].to_owned()),
                metadata_: None,
                task_run_id: task.map(|task| task.id),
                type_: ARTIFACT_TYPES[spec.kind].map(str::to_owned),
            });
        }
        let collections = latest
            .into_iter()
            .map(|(key, position)| {
                let artifact: &Artifact = &artifacts[position];
                ArtifactCollection {
                    id: fixed_id(0xc011, key),
                    created: artifact.created,
                    updated: artifact.created,
                    data: artifact.data.clone(),
                    description: None,
                    flow_run_id: artifact.flow_run_id,
                    key: ARTIFACT_KEYS[key].to_owned(),
                    latest_id: artifact.id,
                    metadata_: None,
                    task_run_id: artifact.task_run_id,
                    type_: artifact.type_.clone(),
                }
            })
            .collect();
        Fixture {
            flows,
            pools,
            queues,
            deployments,
            runs,
            created,
            tasks,
            subflow_parents,
            artifacts,
            collections,
            task_info,
            graph_owners,
            run_index,
        }
    }

    fn run_id(&self, run: &RunRef) -> Uuid {
        match run {
            RunRef::Run(index) => pick(&self.runs, index).map_or_else(unknown_id, |run| run.id),
            RunRef::Missing => unknown_id(),
        }
    }

    fn graph_run(&self, target: &GraphTarget) -> Uuid {
        match target {
            GraphTarget::TaskOwner(index) => pick(&self.graph_owners, index)
                .map_or_else(unknown_id, |owner| self.runs[*owner].id),
            GraphTarget::Run(run) => self.run_id(run),
        }
    }

    fn time(&self, time: &TimeRef, snapshot: &[FlowRun]) -> DateTime<Utc> {
        let next_starts: Vec<DateTime<Utc>> = snapshot
            .iter()
            .filter_map(|run| run.next_scheduled_start_time)
            .collect();
        match time {
            TimeRef::Offset(micros) => at(*micros),
            TimeRef::AtRun(index) => pick(&self.runs, index)
                .and_then(|run| run.expected_start_time)
                .unwrap_or_else(base_time),
            TimeRef::AtNextStart(index) => {
                pick(&next_starts, index).copied().unwrap_or_else(base_time)
            }
        }
    }

    fn since(&self, since: &Since) -> DateTime<Utc> {
        match since {
            Since::Earliest => earliest_possible_datetime(),
            Since::Offset(micros) => at(*micros),
            Since::AtTaskEnd(index) => pick(&self.tasks, index)
                .and_then(|task| task.end_time)
                .unwrap_or_else(base_time),
        }
    }

    fn queue_ids(&self, indices: &[Index]) -> Vec<Uuid> {
        indices
            .iter()
            .filter_map(|index| pick(&self.queues, index).map(|queue| queue.id))
            .collect()
    }

    fn pool_ids(&self, indices: &[Index]) -> Vec<Uuid> {
        indices
            .iter()
            .filter_map(|index| pick(&self.pools, index).map(|pool| pool.id))
            .collect()
    }

    fn filter(&self, spec: &FilterSpec, snapshot: &[FlowRun]) -> FlowRunFilter {
        let runs = |refs: &Option<Vec<RunRef>>| {
            refs.as_ref()
                .map(|refs| refs.iter().map(|run| self.run_id(run)).collect())
        };
        let time = |time: &Option<TimeRef>| time.as_ref().map(|time| self.time(time, snapshot));
        let texts = |values: &Option<Vec<&'static str>>| {
            values
                .as_ref()
                .map(|values| values.iter().map(|value| (*value).to_owned()).collect())
        };
        FlowRunFilter {
            id_any: runs(&spec.id_any),
            id_not_any: runs(&spec.id_not_any),
            name_any: spec
                .name_any
                .as_ref()
                .map(|names| names.iter().map(|name| run_name(*name)).collect()),
            name_like: spec.name_like.map(str::to_owned),
            tags_all: texts(&spec.tags_all),
            tags_any: texts(&spec.tags_any),
            tags_is_null: spec.tags_is_null,
            flow_id_any: spec.flow_id_any.as_ref().map(|flows| {
                flows
                    .iter()
                    .map(|flow| {
                        self.flows
                            .get(*flow)
                            .map_or_else(unknown_id, |flow| flow.id)
                    })
                    .collect()
            }),
            deployment_id_any: spec.deployment_id_any.as_ref().map(|indices| {
                indices
                    .iter()
                    .filter_map(|index| pick(&self.deployments, index).map(|d| d.id))
                    .collect()
            }),
            deployment_id_is_null: spec.deployment_id_is_null,
            work_queue_id_any: spec.work_queue_id_any.as_deref().map(|q| self.queue_ids(q)),
            work_queue_name_any: texts(&spec.work_queue_name_any),
            work_pool_id_any: spec.work_pool_id_any.as_deref().map(|p| self.pool_ids(p)),
            state_type_any: spec.state_type_any.clone(),
            state_type_not_any: spec.state_type_not_any.clone(),
            state_name_any: texts(&spec.state_name_any),
            state_name_not_any: texts(&spec.state_name_not_any),
            start_time_before: time(&spec.start_time_before),
            start_time_after: time(&spec.start_time_after),
            start_time_is_null: spec.start_time_is_null,
            end_time_before: time(&spec.end_time_before),
            end_time_after: time(&spec.end_time_after),
            end_time_is_null: spec.end_time_is_null,
            expected_start_time_before: time(&spec.expected_start_time_before),
            expected_start_time_after: time(&spec.expected_start_time_after),
            next_scheduled_start_time_before: time(&spec.next_scheduled_start_time_before),
            next_scheduled_start_time_after: time(&spec.next_scheduled_start_time_after),
            parent_task_run_id_any: spec.parent_task_run_id_any.as_ref().map(|indices| {
                indices
                    .iter()
                    .filter_map(|index| pick(&self.task_info, index).map(|task| task.id))
                    .collect()
            }),
            parent_task_run_id_is_null: spec.parent_task_run_id_is_null,
            parent_flow_run_id_any: runs(&spec.parent_flow_run_id_any),
            idempotency_key_any: texts(&spec.idempotency_key_any),
        }
    }
}

/// Artifact data as Prefect writes it for each type: a progress artifact's is its percentage,
/// a bare number; a markdown artifact's is its text; a table's, its rows.
///
/// Found by this test and fixed: on SQLite the graph of a run with a progress artifact failed
/// (`column data: cannot read Int64(50) as JSON`, see `json_document`).
fn artifact_data(kind: Option<&str>, index: usize) -> serde_json::Value {
    match kind {
        Some("progress") => json!(12.5 * index as f64),
        Some("markdown") => json!(format!("# report {index}")),
        _ => json!([{"row": index}]),
    }
}

/// An id no row has.
fn unknown_id() -> Uuid {
    fixed_id(0xdead, 0)
}

// ---------------------------------------------------------------------------------------------
// What each dialect answered, in a form both can be compared in.

/// Each dialect's state ids, named by run and position: `r3.0` is run 3's first state.
#[derive(Default)]
struct StateLabels {
    labels: HashMap<Uuid, String>,
    by_run: HashMap<usize, Vec<Uuid>>,
}

impl StateLabels {
    fn record(&mut self, run: usize, state: Uuid) -> String {
        let states = self.by_run.entry(run).or_default();
        let label = format!("r{run}.{}", states.len());
        states.push(state);
        self.labels.insert(state, label.clone());
        label
    }

    fn label(&self, state: Option<Uuid>) -> Option<String> {
        state.map(|id| {
            self.labels
                .get(&id)
                .cloned()
                .unwrap_or_else(|| format!("unknown state {id}"))
        })
    }

    fn current(&self, run: usize) -> Option<Uuid> {
        self.by_run
            .get(&run)
            .and_then(|states| states.last().copied())
    }

    fn previous(&self, run: usize) -> Option<Uuid> {
        self.by_run
            .get(&run)
            .and_then(|states| states.len().checked_sub(2).map(|i| states[i]))
    }
}

/// A run as both dialects must return it: `updated` is the database's clock, and the state id
/// is its label.
#[derive(Debug, PartialEq)]
struct RunView {
    state: Option<String>,
    run: FlowRun,
}

fn run_view(labels: &StateLabels, mut run: FlowRun) -> RunView {
    let state = labels.label(run.state_id);
    run.state_id = None;
    run.updated = DateTime::<Utc>::default();
    RunView { state, run }
}

#[derive(Debug, PartialEq)]
struct StateView {
    flow_run_id: Uuid,
    timestamp: DateTime<Utc>,
    label: Option<String>,
    state_type: StateType,
    name: String,
    message: Option<String>,
    details: StateDetails,
}

#[derive(Debug, PartialEq)]
enum SetOutcome {
    Applied(String),
    Conflict {
        current_state_type: Option<StateType>,
        current_state: Option<String>,
    },
    NotFound,
    Failed(Failure),
}

/// A poll's sort key: the queue's priority when the poll respects priorities, and the run's
/// next start.
type PollKey = (Option<i32>, Option<DateTime<Utc>>);

/// A poll's answer where ties leave it open: the sequence of its sort keys, and the runs (with
/// the queue they came from) only where no tie left a choice: Prefect orders and limits by the
/// sort key alone, so of several candidates with one key, any may be taken.
#[derive(Debug, PartialEq)]
struct PollView {
    sort_keys: Vec<PollKey>,
    determined: Vec<(Uuid, RunView)>,
}

#[derive(Debug, PartialEq)]
struct HistoryStateView {
    state_type: &'static str,
    state_name: String,
    count_runs: i64,
    sum_estimated_run_time: f64,
    sum_estimated_lateness: f64,
}

#[derive(Debug, PartialEq)]
struct IntervalView {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    states: Vec<HistoryStateView>,
}

#[derive(Debug, PartialEq)]
struct NodeView {
    id: Uuid,
    kind: String,
    label: String,
    state_type: StateType,
    start_time: DateTime<Utc>,
    end_time: Option<DateTime<Utc>>,
    parents: Vec<Uuid>,
    children: Vec<Uuid>,
    encapsulating: Vec<Uuid>,
    artifacts: Vec<GraphArtifact>,
}

#[derive(Debug, PartialEq)]
struct GraphView {
    start_time: Option<DateTime<Utc>>,
    end_time: Option<DateTime<Utc>>,
    roots: Vec<Uuid>,
    node_sort_keys: Vec<(DateTime<Utc>, Option<DateTime<Utc>>)>,
    nodes: Vec<NodeView>,
    artifacts: Vec<GraphArtifact>,
    state_timestamps: Vec<DateTime<Utc>>,
    states: Vec<(DateTime<Utc>, Option<String>, StateType, String)>,
}

#[derive(Debug, PartialEq)]
enum Observation {
    Created(Result<Vec<Uuid>, Failure>),
    Transitions(Vec<(usize, SetOutcome)>),
    Rows {
        runs: Vec<RunView>,
        states: Vec<StateView>,
    },
    WorkerPoll(Result<Vec<PollView>, Failure>),
    QueuePoll(Result<PollView, Failure>),
    Read(Result<Vec<RunView>, Failure>),
    Count(Result<u64, Failure>),
    History(Result<Vec<IntervalView>, Failure>),
    Graph(Result<GraphView, Failure>),
    SetState(SetOutcome),
    /// A write, and what a read then gives.
    Written(Result<Option<serde_json::Value>, Failure>),
    ReadConfiguration(Result<Option<serde_json::Value>, Failure>),
    Deleted(Result<bool, Failure>),
}

impl Observation {
    /// A failure no valid input should cause, if this observation holds one.
    fn unexpected_failure(&self) -> Option<&Failure> {
        use Observation::*;
        let failure = match self {
            Created(Err(failure))
            | WorkerPoll(Err(failure))
            | QueuePoll(Err(failure))
            | Read(Err(failure))
            | Count(Err(failure))
            | History(Err(failure))
            | Graph(Err(failure))
            | SetState(SetOutcome::Failed(failure))
            | Written(Err(failure))
            | ReadConfiguration(Err(failure))
            | Deleted(Err(failure)) => Some(failure),
            Transitions(outcomes) => outcomes.iter().find_map(|(_, outcome)| match outcome {
                SetOutcome::Failed(failure) if !failure.is_expected() => Some(failure),
                _ => None,
            }),
            _ => None,
        };
        failure.filter(|failure| !failure.is_expected())
    }
}

/// An error, compared by its kind alone: the message is the dialect's own.
#[derive(Debug)]
struct Failure {
    kind: String,
    message: String,
}

impl PartialEq for Failure {
    fn eq(&self, other: &Failure) -> bool {
        self.kind == other.kind
    }
}

impl Failure {
    /// Whether the operation may fail this way on valid input: a lost race, a missing run, a
    /// graph too large, an argument out of range, a unique key taken. Anything else is a
    /// failure of the test even when both dialects fail alike.
    fn is_expected(&self) -> bool {
        [
            "state conflict",
            "not found",
            "nodes",
            "invalid argument",
            "constraint violation",
        ]
        .iter()
        .any(|kind| self.kind.contains(kind))
    }
}

fn failure(error: &Error) -> Failure {
    let kind = match error {
        Error::StateConflict { .. } => "state conflict".to_owned(),
        Error::FlowRunNotFound { id } => format!("flow run {id} not found"),
        Error::FlowRunGraphTooLarge { max_nodes, .. } => format!("graph over {max_nodes} nodes"),
        Error::InvalidArgument { argument, .. } => format!("invalid argument `{argument}`"),
        Error::Plugin { error, .. } => format!("{} error", error.kind.name()),
        _ => "other error".to_owned(),
    };
    Failure {
        kind,
        message: error.to_string(),
    }
}

/// A whole JSON document as [`normalize_json`] reads it, and a document that is a bare float
/// to 15 significant digits: SQLite stores such a document as a REAL (the NUMERIC affinity of
/// Prefect's `JSON` columns) through its own text-to-float conversion, which is not correctly
/// rounded for every value (`1.038291391893316e-237` reads back as `…161e-237`), as under
/// Prefect. Numbers inside arrays and objects stay text and compare exactly.
fn normalize_document(value: serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Number(number) if number.is_f64() => {
            let float = number.as_f64().unwrap_or_default();
            let rounded: f64 = format!("{float:.14e}").parse().unwrap_or(float);
            normalize_json(serde_json::json!(rounded))
        }
        other => normalize_json(other),
    }
}

/// JSON numbers as the value they stand for, whatever their spelling: PostgreSQL's jsonb writes
/// the float `1e16` back as `10000000000000000`, which serde reads as an integer, where SQLite
/// keeps `1e16`, a float; and SQLite stores a document that is a bare whole float (`1.0`) as
/// the integer 1 (the NUMERIC affinity of Prefect's `JSON` columns, as under Prefect) where
/// PostgreSQL keeps `1.0`. The same numbers, spelled differently: a host comparing documents
/// should compare them as numbers. (A progress artifact's data, always a float in Prefect, is
/// made one again by the graph.)
fn normalize_json(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    const TWO_TO_THE_63: f64 = 9_223_372_036_854_775_808.0;
    match value {
        Value::Number(number) => match number.as_f64() {
            Some(float) if number.is_f64() && float.fract() == 0.0 => {
                if (-TWO_TO_THE_63..TWO_TO_THE_63).contains(&float) {
                    Value::from(float as i64)
                } else if (0.0..2.0 * TWO_TO_THE_63).contains(&float) {
                    Value::from(float as u64)
                } else {
                    Value::Number(number)
                }
            }
            _ => Value::Number(number),
        },
        Value::Array(items) => Value::Array(items.into_iter().map(normalize_json).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(key, value)| (key, normalize_json(value)))
                .collect(),
        ),
        other => other,
    }
}

/// Set `FLOWDB_DIFFERENTIAL_STRICT` to compare even where Prefect 3.9.1's own dialects
/// answer differently (see `nulls_on_postgres`); the test then fails until flowdb makes one
/// of them follow the other. In strict mode the polls are compared between the dialects
/// only: the Rust model of Prefect's poll semantics follows each dialect's own Prefect code
/// where the two differ, which is what strict mode refuses.
fn strict() -> bool {
    std::env::var_os("FLOWDB_DIFFERENTIAL_STRICT").is_some()
}

/// A nullable time column of a run.
type TimeColumn = fn(&FlowRun) -> Option<DateTime<Utc>>;

/// KNOWN DIVERGENCE, inherited from Prefect 3.9.1: `FlowRunSort` compiles to a bare
/// `ASC`/`DESC` on a nullable column, and the databases put NULLs at opposite ends (PostgreSQL
/// sorts them last ascending and first descending, SQLite the reverse). For these sorts the
/// dialects are compared on the whole order with the NULL block moved to where PostgreSQL puts
/// it, and each page is checked against its own dialect's whole order. Returns the sort key and
/// whether PostgreSQL puts its NULLs first.
fn nulls_on_postgres(sort: &str) -> Option<(TimeColumn, bool)> {
    match sort {
        "NEXT_SCHEDULED_START_TIME_ASC" => Some((|run| run.next_scheduled_start_time, false)),
        "END_TIME_DESC" => Some((|run| run.end_time, true)),
        _ => None,
    }
}

/// The `work_pool_ids` of the worker polls that stand for one generated poll: the poll as
/// generated, except where Prefect 3.9.1's two templates answer differently (unless
/// `strict()`).
///
/// KNOWN DIVERGENCE 1, inherited from Prefect: with `respect_queue_priorities`, PostgreSQL's
/// template orders the runs of all pools by queue priority before the overall `LIMIT`, SQLite's
/// by each run's rank within its pool, so with several pools they take different runs. Such a
/// poll is compared one pool at a time, where both orders are (priority, next start).
///
/// KNOWN DIVERGENCE 2, inherited from Prefect: PostgreSQL's `pool_slots` counts only the
/// PENDING and RUNNING runs of a pool's unpaused queues against its concurrency limit,
/// SQLite's `worker_slots` those of all its queues. Pools where that makes a difference (a
/// limit, and active runs in a paused queue) are left out of the poll.
fn worker_poll_selections(
    fixture: &Fixture,
    snapshot: &[FlowRun],
    selected: Option<Vec<Uuid>>,
    respect_queue_priorities: bool,
) -> Vec<Option<Vec<Uuid>>> {
    if strict() {
        return vec![selected];
    }
    let paused_queues: Vec<(Uuid, Uuid)> = fixture
        .queues
        .iter()
        .filter(|queue| queue.is_paused)
        .map(|queue| (queue.id, queue.work_pool_id))
        .collect();
    let counted_differently = |pool: &WorkPool| {
        pool.concurrency_limit.is_some()
            && snapshot.iter().any(|run| {
                matches!(
                    run.state_type,
                    Some(StateType::Pending | StateType::Running)
                ) && paused_queues
                    .iter()
                    .any(|(queue, owner)| *owner == pool.id && run.work_queue_id == Some(*queue))
            })
    };
    let wanted: Vec<&WorkPool> = fixture
        .pools
        .iter()
        .filter(|pool| {
            selected
                .as_ref()
                .is_none_or(|ids| ids.is_empty() || ids.contains(&pool.id))
        })
        .collect();
    let comparable: Vec<Uuid> = wanted
        .iter()
        .filter(|pool| !counted_differently(pool))
        .map(|pool| pool.id)
        .collect();
    if respect_queue_priorities && comparable.len() > 1 {
        return comparable
            .into_iter()
            .map(|pool| Some(vec![pool]))
            .collect();
    }
    if comparable.len() == wanted.len() {
        return vec![selected];
    }
    if comparable.is_empty() {
        return Vec::new();
    }
    vec![Some(comparable)]
}

// ---------------------------------------------------------------------------------------------
// Running a scenario on one dialect.

struct Step {
    what: String,
    observation: Observation,
}

async fn all_runs(db: &DbInterface) -> Vec<FlowRun> {
    db.read_flow_runs(&ReadFlowRuns::default()).await.unwrap()
}

async fn rows(db: &DbInterface, labels: &StateLabels) -> Observation {
    let mut runs: Vec<RunView> = all_runs(db)
        .await
        .into_iter()
        .map(|run| run_view(labels, run))
        .collect();
    runs.sort_by_key(|view| view.run.id);
    let session = db.session().await.unwrap();
    let mut states: Vec<StateView> = session
        .list::<FlowRunState>()
        .await
        .unwrap()
        .into_iter()
        .map(|state| StateView {
            flow_run_id: state.flow_run_id,
            timestamp: state.timestamp,
            label: labels.label(Some(state.id)),
            state_type: state.type_,
            name: state.name,
            message: state.message,
            details: state.state_details,
        })
        .collect();
    states.sort_by(|a, b| {
        (a.flow_run_id, a.timestamp, &a.label).cmp(&(b.flow_run_id, b.timestamp, &b.label))
    });
    Observation::Rows { runs, states }
}

async fn insert_fixture(db: &DbInterface, fixture: &Fixture) {
    let session = db.session().await.unwrap();
    let mut transaction = session.begin_transaction(false).await.unwrap();
    for flow in &fixture.flows {
        transaction.insert(flow).await.unwrap();
    }
    for pool in &fixture.pools {
        let mut without_default = pool.clone();
        without_default.default_queue_id = None;
        transaction.insert(&without_default).await.unwrap();
    }
    for queue in &fixture.queues {
        transaction.insert(queue).await.unwrap();
    }
    for pool in &fixture.pools {
        transaction.update(pool).await.unwrap();
    }
    for deployment in &fixture.deployments {
        transaction.insert(deployment).await.unwrap();
    }
    transaction.commit().await.unwrap();
}

/// Task runs, subflow links and artifacts: after the runs they point at.
async fn insert_lineage(db: &DbInterface, fixture: &Fixture) {
    let session = db.session().await.unwrap();
    let mut transaction = session.begin_transaction(false).await.unwrap();
    for task in &fixture.tasks {
        transaction.insert(task).await.unwrap();
    }
    for (run, task) in &fixture.subflow_parents {
        transaction
            .execute(
                "UPDATE flow_run SET parent_task_run_id = $1 WHERE id = $2",
                params![*task, *run],
            )
            .await
            .unwrap();
    }
    for artifact in &fixture.artifacts {
        transaction.insert(artifact).await.unwrap();
    }
    for collection in &fixture.collections {
        transaction.insert(collection).await.unwrap();
    }
    transaction.commit().await.unwrap();
}

fn proposal(
    state: usize,
    timestamp: DateTime<Utc>,
    scheduled_in_micros: Option<i64>,
    message: Option<usize>,
) -> StateProposal {
    let (state_type, name) = STATE_CHOICES[state];
    let mut proposal = StateProposal::new(state_type);
    proposal.name = name.to_owned();
    proposal.timestamp = timestamp;
    proposal.message = message.map(|message| MESSAGES[message].to_owned());
    if state_type == StateType::Scheduled {
        proposal.details.scheduled_time =
            scheduled_in_micros.map(|micros| timestamp + TimeDelta::microseconds(micros));
    }
    proposal
}

async fn set_state(
    db: &DbInterface,
    labels: &mut StateLabels,
    fixture: &Fixture,
    run_id: Uuid,
    proposal: StateProposal,
    expected: Option<ExpectedState>,
) -> SetOutcome {
    match db.set_flow_run_state(run_id, proposal, expected).await {
        Ok(state) => match fixture.run_index.get(&run_id) {
            Some(&run) => SetOutcome::Applied(labels.record(run, state)),
            None => SetOutcome::Applied(format!("a state of unknown run {run_id}")),
        },
        Err(Error::StateConflict {
            current_state_type,
            current_state_id,
            ..
        }) => SetOutcome::Conflict {
            current_state_type,
            current_state: labels.label(current_state_id),
        },
        Err(Error::FlowRunNotFound { .. }) => SetOutcome::NotFound,
        Err(other) => SetOutcome::Failed(failure(&other)),
    }
}

/// `rows` are what a poll returned (queue, sort key, run); `candidates` the sort keys of every
/// row it could have returned. A row is determined when all candidates with its key were
/// returned.
fn poll_view(rows: Vec<(Uuid, PollKey, RunView)>, candidates: &[PollKey]) -> PollView {
    let count = |keys: &mut dyn Iterator<Item = PollKey>| {
        let mut counts: HashMap<PollKey, usize> = HashMap::new();
        for key in keys {
            *counts.entry(key).or_default() += 1;
        }
        counts
    };
    let returned = count(&mut rows.iter().map(|(_, key, _)| *key));
    let available = count(&mut candidates.iter().copied());
    let sort_keys = rows.iter().map(|(_, key, _)| *key).collect();
    let mut determined: Vec<(Uuid, RunView)> = rows
        .into_iter()
        .filter(|(_, key, _)| returned.get(key) == available.get(key))
        .map(|(queue, _, view)| (queue, view))
        .collect();
    determined.sort_by_key(|(queue, view)| (*queue, view.run.id));
    PollView {
        sort_keys,
        determined,
    }
}

fn is_active(run: &FlowRun, states: &[StateType]) -> bool {
    run.state_type.is_some_and(|state| states.contains(&state))
}

fn slots(limit: Option<i32>, used: usize) -> usize {
    limit.map_or(usize::MAX, |limit| {
        usize::try_from(i64::from(limit) - used as i64).unwrap_or(0)
    })
}

fn poll_limit(limit: Option<i64>) -> usize {
    usize::try_from(limit.unwrap_or(1000)).unwrap_or(0)
}

/// Prefect 3.9.1's worker poll, worked out from the runs as they are: per unpaused queue its
/// SCHEDULED runs (not retrying in process) by next start, up to the queue limit and its free
/// slots; per pool, those by (priority,) next start up to the worker limit and the pool's free
/// slots; then all by (priority,) next start up to the limit. Returns every candidate's sort
/// key, and the sort keys of the answer. Only meant for the polls `worker_poll_selections`
/// gives, where both of Prefect's templates agree.
fn prefect_worker_poll(
    fixture: &Fixture,
    snapshot: &[FlowRun],
    poll: &GetScheduledFlowRunsFromWorkPool,
) -> (Vec<PollKey>, Vec<PollKey>) {
    let respect = poll.respect_queue_priorities.unwrap_or(false);
    let active = [StateType::Pending, StateType::Running];
    let selected = |ids: &Option<Vec<Uuid>>, id: Uuid| {
        ids.as_ref()
            .is_none_or(|ids| ids.is_empty() || ids.contains(&id))
    };
    let mut candidates = Vec::new();
    let mut answer = Vec::new();
    for pool in &fixture.pools {
        if pool.is_paused || !selected(&poll.work_pool_ids, pool.id) {
            continue;
        }
        let queues: Vec<&WorkQueue> = fixture
            .queues
            .iter()
            .filter(|queue| queue.work_pool_id == pool.id)
            .collect();
        let used_in_pool = snapshot
            .iter()
            .filter(|run| {
                is_active(run, &active)
                    && queues
                        .iter()
                        .any(|queue| !queue.is_paused && run.work_queue_id == Some(queue.id))
            })
            .count();
        let mut from_pool = Vec::new();
        for queue in queues {
            if queue.is_paused || !selected(&poll.work_queue_ids, queue.id) {
                continue;
            }
            let mut due: Vec<PollKey> = snapshot
                .iter()
                .filter(|run| {
                    run.work_queue_id == Some(queue.id)
                        && run.state_type == Some(StateType::Scheduled)
                        && run.empirical_policy.retry_type.as_deref() != Some("in_process")
                        && poll
                            .scheduled_after
                            .is_none_or(|after| run.next_scheduled_start_time >= Some(after))
                        && poll
                            .scheduled_before
                            .is_none_or(|before| run.next_scheduled_start_time <= Some(before))
                })
                .map(|run| {
                    (
                        respect.then_some(queue.priority),
                        run.next_scheduled_start_time,
                    )
                })
                .collect();
            due.sort();
            candidates.extend(due.iter().copied());
            let used = snapshot
                .iter()
                .filter(|run| is_active(run, &active) && run.work_queue_id == Some(queue.id))
                .count();
            due.truncate(poll_limit(poll.queue_limit).min(slots(queue.concurrency_limit, used)));
            from_pool.extend(due);
        }
        from_pool.sort();
        from_pool.truncate(
            poll_limit(poll.worker_limit).min(slots(pool.concurrency_limit, used_in_pool)),
        );
        answer.extend(from_pool);
    }
    answer.sort();
    answer.truncate(poll_limit(poll.limit));
    (candidates, answer)
}

/// Prefect 3.9.1's legacy work-queue poll, worked out from the runs as they are: per unpaused
/// queue, the SCHEDULED runs whose queue *name* is its name, by next start, up to the limit per
/// queue and the queue's free slots (RUNNING, PENDING and CANCELLING runs of that name, paused
/// or not, take them); then all by next start. Returns the candidates' and the answer's keys.
fn prefect_queue_poll(
    fixture: &Fixture,
    snapshot: &[FlowRun],
    poll: &GetScheduledFlowRunsFromWorkQueues,
) -> (Vec<PollKey>, Vec<PollKey>) {
    let active = [
        StateType::Pending,
        StateType::Running,
        StateType::Cancelling,
    ];
    let mut candidates = Vec::new();
    let mut answer = Vec::new();
    for queue in &fixture.queues {
        if queue.is_paused
            || poll
                .work_queue_ids
                .as_ref()
                .is_some_and(|ids| !ids.is_empty() && !ids.contains(&queue.id))
        {
            continue;
        }
        let named = |run: &&FlowRun| run.work_queue_name.as_deref() == Some(queue.name.as_str());
        let mut due: Vec<PollKey> = snapshot
            .iter()
            .filter(named)
            .filter(|run| {
                run.state_type == Some(StateType::Scheduled)
                    && poll
                        .scheduled_before
                        .is_none_or(|before| run.next_scheduled_start_time <= Some(before))
            })
            .map(|run| (None, run.next_scheduled_start_time))
            .collect();
        due.sort();
        candidates.extend(due.iter().copied());
        let used = snapshot
            .iter()
            .filter(named)
            .filter(|run| is_active(run, &active))
            .count();
        let per_queue = poll
            .limit_per_queue
            .map_or(usize::MAX, |limit| usize::try_from(limit).unwrap_or(0));
        due.truncate(per_queue.min(slots(queue.concurrency_limit, used)));
        answer.extend(due);
    }
    answer.sort();
    (candidates, answer)
}

/// The poll's answer, checked against Prefect's semantics worked out in Rust: a bug both
/// dialects share is no disagreement, but it is a bug.
fn checked_poll(
    what: &str,
    rows: Vec<(Uuid, PollKey, RunView)>,
    (candidates, expected): (Vec<PollKey>, Vec<PollKey>),
) -> Result<PollView, Failure> {
    let view = poll_view(rows, &candidates);
    if view.sort_keys != expected && !strict() {
        return Err(Failure {
            kind: format!("a {what} unlike Prefect's"),
            message: format!(
                "a {what} unlike Prefect's: (priority, next start) of the runs {}",
                difference(["flowdb", "Prefect"], &view.sort_keys, &expected)
            ),
        });
    }
    Ok(view)
}

async fn execute(
    db: &DbInterface,
    op: &Op,
    fixture: &Fixture,
    labels: &mut StateLabels,
) -> Observation {
    let snapshot = all_runs(db).await;
    match op {
        Op::WorkerPoll {
            limit,
            worker_limit,
            queue_limit,
            pools,
            queues,
            scheduled_before,
            scheduled_after,
            respect_queue_priorities,
        } => {
            let respect = respect_queue_priorities.unwrap_or(false);
            let priorities: HashMap<Uuid, i32> = fixture
                .queues
                .iter()
                .map(|queue| (queue.id, queue.priority))
                .collect();
            let mut views = Vec::new();
            for work_pool_ids in worker_poll_selections(
                fixture,
                &snapshot,
                pools.as_deref().map(|pools| fixture.pool_ids(pools)),
                respect,
            ) {
                let poll = GetScheduledFlowRunsFromWorkPool {
                    limit: *limit,
                    worker_limit: *worker_limit,
                    queue_limit: *queue_limit,
                    work_pool_ids,
                    work_queue_ids: queues.as_deref().map(|q| fixture.queue_ids(q)),
                    scheduled_before: scheduled_before
                        .as_ref()
                        .map(|t| fixture.time(t, &snapshot)),
                    scheduled_after: scheduled_after.as_ref().map(|t| fixture.time(t, &snapshot)),
                    respect_queue_priorities: *respect_queue_priorities,
                };
                let runs = match db.get_scheduled_flow_runs(&poll).await {
                    Ok(runs) => runs,
                    Err(err) => return Observation::WorkerPoll(Err(failure(&err))),
                };
                let rows = runs
                    .into_iter()
                    .map(|row| {
                        let priority = respect
                            .then(|| priorities.get(&row.work_queue_id).copied())
                            .flatten();
                        let key = (priority, row.flow_run.next_scheduled_start_time);
                        (row.work_queue_id, key, run_view(labels, row.flow_run))
                    })
                    .collect();
                let prefect = prefect_worker_poll(fixture, &snapshot, &poll);
                match checked_poll("worker poll", rows, prefect) {
                    Ok(view) => views.push(view),
                    Err(failure) => return Observation::WorkerPoll(Err(failure)),
                }
            }
            Observation::WorkerPoll(Ok(views))
        }
        Op::QueuePoll {
            limit_per_queue,
            queues,
            scheduled_before,
        } => {
            let poll = GetScheduledFlowRunsFromWorkQueues {
                limit_per_queue: *limit_per_queue,
                work_queue_ids: queues.as_deref().map(|q| fixture.queue_ids(q)),
                scheduled_before: scheduled_before
                    .as_ref()
                    .map(|t| fixture.time(t, &snapshot)),
            };
            Observation::QueuePoll(
                match db.get_scheduled_flow_runs_from_work_queues(&poll).await {
                    Ok(runs) => {
                        let rows = runs
                            .into_iter()
                            .map(|row| {
                                let key = (None, row.flow_run.next_scheduled_start_time);
                                (row.work_queue_id, key, run_view(labels, row.flow_run))
                            })
                            .collect();
                        let prefect = prefect_queue_poll(fixture, &snapshot, &poll);
                        checked_poll("work-queue poll", rows, prefect)
                    }
                    Err(err) => Err(failure(&err)),
                },
            )
        }
        Op::Read {
            filter,
            sort,
            limit,
            offset,
        } => {
            let read = ReadFlowRuns {
                filter: fixture.filter(filter, &snapshot),
                sort: sort.map(str::to_owned),
                limit: *limit,
                offset: *offset,
            };
            let page = db.read_flow_runs(&read).await.map_err(|err| failure(&err));
            let views =
                |runs: Vec<FlowRun>| runs.into_iter().map(|run| run_view(labels, run)).collect();
            Observation::Read(match sort.and_then(|sort| nulls_on_postgres(sort)) {
                Some((key, nulls_first)) if !strict() => {
                    let whole = ReadFlowRuns {
                        limit: None,
                        offset: None,
                        ..read
                    };
                    let whole = db.read_flow_runs(&whole).await.map_err(|err| failure(&err));
                    page.and_then(|page| {
                        let whole = whole?;
                        let window: Vec<Uuid> = whole
                            .iter()
                            .skip(offset.unwrap_or(0) as usize)
                            .take(limit.map_or(usize::MAX, |limit| limit as usize))
                            .map(|run| run.id)
                            .collect();
                        let paged: Vec<Uuid> = page.iter().map(|run| run.id).collect();
                        if paged != window {
                            return Err(Failure {
                                kind: "a page that is not its window of the whole order".to_owned(),
                                message: format!("page {paged:?}, window {window:?}"),
                            });
                        }
                        let (nulls, values): (Vec<FlowRun>, Vec<FlowRun>) =
                            whole.into_iter().partition(|run| key(run).is_none());
                        Ok(views(if nulls_first {
                            nulls.into_iter().chain(values).collect()
                        } else {
                            values.into_iter().chain(nulls).collect()
                        }))
                    })
                }
                _ => page.map(views),
            })
        }
        Op::Count { filter } => Observation::Count(
            db.count_flow_runs(&CountFlowRuns {
                filter: fixture.filter(filter, &snapshot),
            })
            .await
            .map_err(|err| failure(&err)),
        ),
        Op::History {
            filter,
            start_seconds,
            window_seconds,
            interval_millis,
            now_micros,
        } => {
            let history_start = at(start_seconds * SECOND);
            Observation::History(
                db.flow_run_history(&FlowRunHistory {
                    filter: fixture.filter(filter, &snapshot),
                    history_start,
                    history_end: history_start + TimeDelta::seconds(*window_seconds),
                    history_interval: TimeDelta::milliseconds(*interval_millis),
                    now: at(*now_micros),
                })
                .await
                .map(|intervals| {
                    intervals
                        .into_iter()
                        .map(|interval| {
                            let mut states: Vec<HistoryStateView> = interval
                                .states
                                .into_iter()
                                .map(|state| HistoryStateView {
                                    state_type: state.state_type.as_str(),
                                    state_name: state.state_name,
                                    count_runs: state.count_runs,
                                    sum_estimated_run_time: state.sum_estimated_run_time,
                                    sum_estimated_lateness: state.sum_estimated_lateness,
                                })
                                .collect();
                            // Prefect leaves the states of an interval unordered.
                            states.sort_by(|a, b| {
                                (a.state_type, &a.state_name).cmp(&(b.state_type, &b.state_name))
                            });
                            IntervalView {
                                start: interval.interval_start,
                                end: interval.interval_end,
                                states,
                            }
                        })
                        .collect()
                })
                .map_err(|err| failure(&err)),
            )
        }
        Op::Graph {
            run,
            since,
            max_nodes,
            max_artifacts,
        } => {
            let since = fixture.since(since);
            Observation::Graph(
                db.flow_run_graph(fixture.graph_run(run), since, *max_nodes, *max_artifacts)
                    .await
                    .map(|graph| {
                        let mut roots = graph.root_node_ids.clone();
                        roots.sort();
                        let node_sort_keys = graph
                            .nodes
                            .iter()
                            .map(|(_, node)| (node.start_time, node.end_time))
                            .collect();
                        let sorted = |edges: Vec<flowdb::orchestration::GraphEdge>| {
                            let mut ids: Vec<Uuid> =
                                edges.into_iter().map(|edge| edge.id).collect();
                            ids.sort();
                            ids
                        };
                        let mut nodes: Vec<NodeView> = graph
                            .nodes
                            .into_iter()
                            .map(|(id, node)| NodeView {
                                id,
                                kind: node.kind,
                                label: node.label,
                                state_type: node.state_type,
                                start_time: node.start_time,
                                end_time: node.end_time,
                                parents: sorted(node.parents),
                                children: sorted(node.children),
                                encapsulating: sorted(node.encapsulating),
                                artifacts: node.artifacts,
                            })
                            .collect();
                        nodes.sort_by_key(|node| node.id);
                        let state_timestamps = graph.states.iter().map(|s| s.timestamp).collect();
                        let mut states: Vec<_> = graph
                            .states
                            .into_iter()
                            .map(|state| {
                                (
                                    state.timestamp,
                                    labels.label(Some(state.id)),
                                    state.type_,
                                    state.name,
                                )
                            })
                            .collect();
                        states.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
                        GraphView {
                            start_time: graph.start_time,
                            end_time: graph.end_time,
                            roots,
                            node_sort_keys,
                            nodes,
                            artifacts: graph.artifacts,
                            state_timestamps,
                            states,
                        }
                    })
                    .map_err(|err| failure(&err)),
            )
        }
        Op::SetState {
            run,
            state,
            at_micros,
            scheduled_in_micros,
            message,
            expected,
        } => {
            let run_id = fixture.run_id(run);
            let index = fixture.run_index.get(&run_id).copied();
            let expected = expected.as_ref().map(|expected| match expected {
                ExpectedChoice::Type(state_type) => ExpectedState::Type(*state_type),
                ExpectedChoice::CurrentId => ExpectedState::Id(
                    index
                        .and_then(|run| labels.current(run))
                        .unwrap_or_else(unknown_id),
                ),
                ExpectedChoice::PreviousId => ExpectedState::Id(
                    index
                        .and_then(|run| labels.previous(run))
                        .unwrap_or_else(unknown_id),
                ),
                ExpectedChoice::UnknownId => ExpectedState::Id(fixed_id(0xbad, 0)),
            });
            let proposal = proposal(*state, at(*at_micros), *scheduled_in_micros, *message);
            Observation::SetState(set_state(db, labels, fixture, run_id, proposal, expected).await)
        }
        Op::WriteConfiguration { key, value } => {
            let key = CONFIGURATION_KEYS[*key];
            let written = db
                .write_configuration_value(key, Json(value.clone()))
                .await
                .map_err(|err| failure(&err));
            let read_back = db
                .read_configuration_value(key)
                .await
                .map(|value| value.map(|json| normalize_document(json.0)))
                .map_err(|err| failure(&err));
            let expected = Some(normalize_document(value.clone()));
            Observation::Written(written.and(read_back).and_then(|read| {
                if read == expected {
                    Ok(read)
                } else {
                    Err(Failure {
                        kind: "a configuration value read back unlike it was written".to_owned(),
                        message: format!("wrote {expected:?}, read {read:?}"),
                    })
                }
            }))
        }
        Op::ReadConfiguration { key } => Observation::ReadConfiguration(
            db.read_configuration_value(CONFIGURATION_KEYS[*key])
                .await
                .map(|value| value.map(|json| normalize_document(json.0)))
                .map_err(|err| failure(&err)),
        ),
        Op::DeleteConfiguration { key } => Observation::Deleted(
            db.delete_configuration_value(CONFIGURATION_KEYS[*key])
                .await
                .map_err(|err| failure(&err)),
        ),
    }
}

async fn observe(db: &DbInterface, scenario: &Scenario, fixture: &Fixture) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut labels = StateLabels::default();
    insert_fixture(db, fixture).await;
    let expected: Vec<Uuid> = fixture
        .created
        .iter()
        .map(|&index| fixture.runs[index].id)
        .collect();
    let created = db
        .create_flow_runs(fixture.runs.clone(), base_time())
        .await
        .map_err(|err| failure(&err))
        .and_then(|created| {
            if created == expected {
                Ok(created)
            } else {
                Err(Failure {
                    kind: "runs created unlike Prefect's scheduler".to_owned(),
                    message: format!(
                        "runs created unlike Prefect's scheduler (the first of each flow and \
                         idempotency key, in order): {}",
                        difference(["flowdb", "Prefect"], &created, &expected)
                    ),
                })
            }
        });
    steps.push(Step {
        what: "create_flow_runs".to_owned(),
        observation: Observation::Created(created),
    });
    for run in all_runs(db).await {
        labels.record(fixture.run_index[&run.id], run.state_id.unwrap_or_default());
    }
    insert_lineage(db, fixture).await;
    let mut transitions = Vec::new();
    for &index in &fixture.created {
        let mut timestamp = fixture.runs[index].expected_start_time.unwrap();
        for transition in &scenario.runs[index].transitions {
            timestamp += TimeDelta::microseconds(transition.after_micros);
            let proposal = proposal(
                transition.state,
                timestamp,
                transition.scheduled_in_micros,
                None,
            );
            let run_id = fixture.runs[index].id;
            let outcome = set_state(db, &mut labels, fixture, run_id, proposal, None).await;
            transitions.push((index, outcome));
        }
    }
    steps.push(Step {
        what: "the runs' setup transitions".to_owned(),
        observation: Observation::Transitions(transitions),
    });
    steps.push(Step {
        what: "every run and state after setup".to_owned(),
        observation: rows(db, &labels).await,
    });
    for (index, op) in scenario.ops.iter().enumerate() {
        let observation = execute(db, op, fixture, &mut labels).await;
        steps.push(Step {
            what: format!("op {index}: {op:?}"),
            observation,
        });
    }
    steps.push(Step {
        what: "every run and state at the end".to_owned(),
        observation: rows(db, &labels).await,
    });
    steps
}

// ---------------------------------------------------------------------------------------------
// Comparing.

fn first_difference<T: Debug + PartialEq>(other: &str, sqlite: &[T], postgres: &[T]) -> String {
    difference(["SQLite", other], sqlite, postgres)
}

fn difference<T: Debug + PartialEq>([left, right]: [&str; 2], a: &[T], b: &[T]) -> String {
    let position = a
        .iter()
        .zip(b)
        .position(|(a, b)| a != b)
        .unwrap_or(a.len().min(b.len()));
    format!(
        "{} items from {left}, {} from {right}; first difference at {position}:\n    {left}: {:?}\n    {right}: {:?}",
        a.len(),
        b.len(),
        a.get(position),
        b.get(position)
    )
}

/// SQLite's history sums are whole seconds per run (Prefect extracts the epoch of an interval
/// through `strftime('%s')` there), PostgreSQL's keep the microseconds: per run, SQLite may be
/// up to a second under, or a millisecond over from julianday's rounding.
fn sums_agree(sqlite: f64, postgres: f64, runs: i64) -> bool {
    let runs = runs as f64;
    let gap = postgres - sqlite;
    gap >= -0.001 * runs - 1e-9 && gap < runs + 0.001 * runs
}

fn histories_agree(
    other: &str,
    sqlite: &[IntervalView],
    postgres: &[IntervalView],
) -> Result<(), String> {
    let shape = |intervals: &[IntervalView]| -> Vec<_> {
        intervals
            .iter()
            .map(|interval| {
                (
                    interval.start,
                    interval.end,
                    interval
                        .states
                        .iter()
                        .map(|s| (s.state_type, s.state_name.clone(), s.count_runs))
                        .collect::<Vec<_>>(),
                )
            })
            .collect()
    };
    let (a, b) = (shape(sqlite), shape(postgres));
    if a != b {
        return Err(first_difference(other, &a, &b));
    }
    for (x, y) in sqlite.iter().zip(postgres) {
        for (s, p) in x.states.iter().zip(&y.states) {
            if !sums_agree(
                s.sum_estimated_run_time,
                p.sum_estimated_run_time,
                s.count_runs,
            ) || !sums_agree(
                s.sum_estimated_lateness,
                p.sum_estimated_lateness,
                s.count_runs,
            ) {
                return Err(format!(
                    "sums differ in the interval from {}:\n  SQLite: {s:?}\n  {other}: {p:?}",
                    x.start
                ));
            }
        }
    }
    Ok(())
}

fn poll_difference(other: &str, a: &PollView, b: &PollView) -> String {
    if a.sort_keys != b.sort_keys {
        format!(
            "sort keys: {}",
            first_difference(other, &a.sort_keys, &b.sort_keys)
        )
    } else {
        format!(
            "runs: {}",
            first_difference(other, &a.determined, &b.determined)
        )
    }
}

fn observations_agree(
    other: &str,
    sqlite: &Observation,
    postgres: &Observation,
) -> Result<(), String> {
    use Observation::*;
    match (sqlite, postgres) {
        (History(Ok(a)), History(Ok(b))) => histories_agree(other, a, b),
        _ if sqlite == postgres => Ok(()),
        (Read(Ok(a)), Read(Ok(b))) => Err(first_difference(other, a, b)),
        (Transitions(a), Transitions(b)) => Err(first_difference(other, a, b)),
        (Rows { runs: a, states: x }, Rows { runs: b, states: y }) => Err(if a != b {
            format!("runs: {}", first_difference(other, a, b))
        } else {
            format!("states: {}", first_difference(other, x, y))
        }),
        (WorkerPoll(Ok(a)), WorkerPoll(Ok(b))) if a.len() == b.len() => {
            let (position, (a, b)) = a
                .iter()
                .zip(b)
                .enumerate()
                .find(|(_, (a, b))| a != b)
                .unwrap();
            Err(format!("poll {position}: {}", poll_difference(other, a, b)))
        }
        (QueuePoll(Ok(a)), QueuePoll(Ok(b))) => Err(poll_difference(other, a, b)),
        _ => Err(format!("\n  SQLite: {sqlite:?}\n  {other}: {postgres:?}")),
    }
}

fn compare(other: &str, sqlite: &[Step], postgres: &[Step]) -> Result<(), String> {
    for (a, b) in sqlite.iter().zip(postgres) {
        let unexpected = [("SQLite", a), (other, b)].map(|(dialect, step)| {
            step.observation
                .unexpected_failure()
                .map(|failure| format!("\n  {dialect}: {}", failure.message))
        });
        if unexpected.iter().any(Option::is_some) {
            return Err(format!(
                "unexpected failure on {}:{}",
                a.what,
                unexpected.into_iter().flatten().collect::<String>()
            ));
        }
        observations_agree(other, &a.observation, &b.observation)
            .map_err(|difference| format!("the dialects disagree on {}: {difference}", a.what))?;
    }
    if sqlite.len() != postgres.len() {
        return Err(format!(
            "{} steps on SQLite, {} on {other}",
            sqlite.len(),
            postgres.len()
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The test.

fn sqlite_url(path: &Path) -> String {
    format!("sqlite:///{}", path.display())
}

/// Empties what a case filled, children first, so the next case starts from the migrated
/// schema alone.
/// Empties the server database between cases (PostgreSQL or MariaDB).
async fn clear_server_database(db: &DbInterface) {
    let session = db.session().await.unwrap();
    for statement in [
        "DELETE FROM artifact_collection",
        "DELETE FROM artifact",
        "UPDATE flow_run SET parent_task_run_id = NULL, state_id = NULL",
        "DELETE FROM flow_run_state",
        "DELETE FROM task_run",
        "DELETE FROM flow_run",
        "DELETE FROM deployment",
        "DELETE FROM flow",
        "UPDATE work_pool SET default_queue_id = NULL",
        "DELETE FROM work_queue",
        "DELETE FROM work_pool",
    ] {
        session.execute(statement, vec![]).await.unwrap();
    }
    // Through the interface, so that its cache of configuration values forgets them too.
    for key in CONFIGURATION_KEYS {
        db.delete_configuration_value(key).await.unwrap();
    }
}

struct Databases {
    dir: PathBuf,
    sqlite_template: PathBuf,
    /// The dialect compared with SQLite, on a server.
    other: Arc<DbInterface>,
    other_name: &'static str,
    cases: AtomicUsize,
}

impl Databases {
    async fn run_case(&self, scenario: &Scenario) -> Result<(), String> {
        let case = self.cases.fetch_add(1, Ordering::Relaxed);
        let file = self.dir.join(format!("case-{case}.db"));
        std::fs::copy(&self.sqlite_template, &file).unwrap();
        let sqlite = interface(&sqlite_url(&file));
        clear_server_database(&self.other).await;
        let fixture = Fixture::new(scenario);
        let (on_sqlite, on_other) = tokio::join!(
            observe(&sqlite, scenario, &fixture),
            observe(&self.other, scenario, &fixture)
        );
        sqlite.close().await;
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
        }
        compare(self.other_name, &on_sqlite, &on_other)
    }
}

/// The seed when none is asked for, so that the test command runs the same cases every time;
/// `PROPTEST_RNG_SEED=<n>` picks another, `FLOWDB_DIFFERENTIAL_RANDOM=1` draws a fresh one
/// (and prints it when a case fails).
const DEFAULT_SEED: u64 = 20_261_203;

fn runner_config() -> (Config, u64) {
    let mut config = Config::default();
    let seed = match config.rng_seed {
        RngSeed::Fixed(seed) => seed,
        RngSeed::Random if std::env::var_os("FLOWDB_DIFFERENTIAL_RANDOM").is_some() => {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        }
        RngSeed::Random => DEFAULT_SEED,
    };
    config.rng_seed = RngSeed::Fixed(seed);
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = DEFAULT_CASES;
    }
    // A case costs a second or two: shrink a little, then report (PROPTEST_MAX_SHRINK_ITERS
    // asks for more).
    if std::env::var_os("PROPTEST_MAX_SHRINK_ITERS").is_none() {
        config.max_shrink_iters = 24;
    }
    config.max_shrink_time = 120_000;
    // Regression files would land in the source tree; the seed in the report replays instead.
    config.failure_persistence = None;
    (config, seed)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_and_postgres_agree_on_every_hot_path_operation() {
    with_postgres_database(|url| agree_with_sqlite(url, "PostgreSQL", "differential")).await;
}

/// The same cases on the mysql dialect (MariaDB), built from the SDK alone: the third dialect
/// gives SQLite's answers too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_and_mysql_agree_on_every_hot_path_operation() {
    with_mysql_database(|url| agree_with_sqlite(url, "MySQL", "differential-mysql")).await;
}

/// Runs the generated cases on SQLite and on the server database at `url`, comparing every
/// answer.
async fn agree_with_sqlite(url: String, other_name: &'static str, dir_name: &str) {
    let dir = temp_dir(dir_name);
    let sqlite_template = dir.join("template.db");
    let template = interface(&sqlite_url(&sqlite_template));
    template.upgrade("head").await.unwrap();
    // Closing folds the write-ahead log into the file, which each case then copies.
    template.close().await;
    let other = interface(&url);
    other.upgrade("head").await.unwrap();
    let databases = Databases {
        dir: dir.clone(),
        sqlite_template,
        other,
        other_name,
        cases: AtomicUsize::new(0),
    };
    let (config, seed) = runner_config();
    let handle = tokio::runtime::Handle::current();
    let outcome = tokio::task::block_in_place(|| {
        TestRunner::new(config)
            .run(&scenario(), |scenario| {
                handle
                    .block_on(databases.run_case(&scenario))
                    .map_err(TestCaseError::fail)
            })
            .map_err(|error| match error {
                TestError::Fail(reason, scenario) => format!(
                    "{reason}\n\nthe smallest failing scenario found \
                     (PROPTEST_RNG_SEED={seed} replays the run):\n{}",
                    scenario.describe()
                ),
                TestError::Abort(reason) => {
                    format!("proptest gave up (PROPTEST_RNG_SEED={seed}): {reason}")
                }
            })
    });
    databases.other.close().await;
    let _ = std::fs::remove_dir_all(&dir);
    if let Err(failure) = outcome {
        panic!("{failure}");
    }
}
