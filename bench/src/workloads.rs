//! The orchestration workloads of Prefect's reference benchmark, named as it names them, run
//! through the loaded plugin on a fresh database per dialect.
//!
//! Setup, as in Prefect's benchmark: one flow, one work pool with its default queue, one
//! deployment in that queue; runs are spread evenly over the next hour. `N` runs are created
//! (a1, then a2), `R` reads are made (c1, c2, d1, e).

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, TimeDelta, Utc};
use flowdb::models::{Deployment, Flow, FlowRun, StateType, WorkPool, WorkQueue};
use flowdb::orchestration::{ExpectedState, StateProposal};
use flowdb::queries::components::{
    FlowRunFilter, FlowRunHistory, GetScheduledFlowRunsFromWorkPool,
    GetScheduledFlowRunsFromWorkQueues, ReadFlowRuns,
};
use flowdb::{DbInterface, Error};
use serde::Serialize;
use uuid::Uuid;

/// One workload's figures.
#[derive(Debug, Serialize)]
pub struct WorkloadResult {
    pub dialect: &'static str,
    pub workload: &'static str,
    /// Operations done (runs created, states set, polls, reads …).
    pub ops: usize,
    pub seconds: f64,
    pub ops_per_sec: f64,
    /// Latency of one call, in milliseconds (a call is one batch of 100 for a1).
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// Failed operations by kind (`conflict` is an expected lost race, not an error).
    pub errors: BTreeMap<String, usize>,
    /// Prefect 3.9.1's figure on this machine kind, ops/s (`../shared/README.md`).
    pub prefect_ops_per_sec: Option<f64>,
    /// `ops_per_sec / prefect_ops_per_sec`.
    pub vs_prefect: Option<f64>,
    /// What the figure means, or what the workload checked.
    pub note: String,
    /// For a read: the rows (runs, buckets) the last call returned, to check a comparison
    /// reads as much.
    pub returned: Option<usize>,
}

impl WorkloadResult {
    fn returning(mut self, returned: usize) -> WorkloadResult {
        self.returned = Some(returned);
        self
    }
}

/// Prefect 3.9.1's medians on this machine kind (SQLite, PostgreSQL), ops/s.
fn prefect_figure(dialect: &str, workload: &str) -> Option<f64> {
    let (sqlite, postgres) = match workload {
        "a1_create_batch" => (99.0, 121.0),
        "a2_create_commit_each" => (96.0, 95.0),
        "b_set_state_pending" => (93.0, 117.0),
        "c1_get_runs_in_work_queue" => (44.0, 59.0),
        "c2_worker_get_scheduled_flow_runs" => (29.0, 44.0),
        "d1_read_flow_runs" => (41.0, 48.0),
        "e_flow_run_history" => (99.0, 120.0),
        // SQLite: 108 of 2,000 creates succeeded; the rest failed with "database is locked".
        "f_concurrent_create" => (12.0, 134.0),
        _ => return None,
    };
    // Prefect has no MySQL dialect to compare with.
    match dialect {
        "sqlite" => Some(sqlite),
        "postgresql" => Some(postgres),
        _ => None,
    }
}

/// The workloads, in the order they run (later ones use the runs earlier ones made).
pub const WORKLOADS: &[&str] = &[
    "a1_create_batch",
    "a2_create_commit_each",
    "b_set_state_pending",
    "c1_get_runs_in_work_queue",
    "c2_worker_get_scheduled_flow_runs",
    "d1_read_flow_runs",
    "e_flow_run_history",
    "f_concurrent_create",
    "g_concurrent_claim",
];

/// What the workloads (and the soak) run against.
pub(crate) struct Setup {
    pub(crate) flow: Flow,
    pub(crate) pool: WorkPool,
    pub(crate) queue: WorkQueue,
    deployment: Deployment,
    start: DateTime<Utc>,
}

/// Migrates `db` and creates Prefect's benchmark setup in it.
pub(crate) async fn setup(db: &DbInterface) -> anyhow::Result<Setup> {
    db.upgrade("head").await?;
    let session = db.session().await?;
    let flow = Flow::new("bench-flow");
    session.insert(&flow).await?;
    let mut pool = WorkPool::new("bench-pool");
    session.insert(&pool).await?;
    let queue = WorkQueue::new(pool.id, "default");
    session.insert(&queue).await?;
    pool.default_queue_id = Some(queue.id);
    session.update(&pool).await?;
    let mut deployment = Deployment::new(flow.id, "bench-deployment");
    deployment.work_queue_id = Some(queue.id);
    deployment.work_queue_name = Some(queue.name.clone());
    session.insert(&deployment).await?;
    Ok(Setup {
        flow,
        pool,
        queue,
        deployment,
        start: Utc::now(),
    })
}

impl Setup {
    /// Run `index` of `count`, spread evenly over the hour after the setup.
    fn run(&self, index: usize, count: usize, prefix: &str) -> FlowRun {
        let offset = TimeDelta::milliseconds((3_600_000 * index / count.max(1)) as i64);
        let mut run = FlowRun::new(
            self.flow.id,
            format!("{prefix}-{index}"),
            self.start + offset,
        )
        .in_queue(&self.queue);
        run.deployment_id = Some(self.deployment.id);
        run
    }
}

pub(crate) fn kind_of(err: &Error) -> String {
    match err {
        Error::StateConflict { .. } => "conflict".to_owned(),
        Error::FlowRunNotFound { .. } => "not found".to_owned(),
        Error::Plugin { error, .. } => error.kind.name().to_owned(),
        other => format!("{other:?}")
            .split(['{', '(', ' '])
            .next()
            .unwrap_or("other")
            .to_owned(),
    }
}

struct Timer {
    latencies: Vec<f64>,
    errors: BTreeMap<String, usize>,
    started: Instant,
}

impl Timer {
    fn new() -> Timer {
        Timer {
            latencies: Vec::new(),
            errors: BTreeMap::new(),
            started: Instant::now(),
        }
    }

    async fn time<T>(&mut self, call: impl Future<Output = Result<T, Error>>) -> Option<T> {
        let started = Instant::now();
        let outcome = call.await;
        self.latencies.push(started.elapsed().as_secs_f64() * 1e3);
        match outcome {
            Ok(value) => Some(value),
            Err(err) => {
                *self.errors.entry(kind_of(&err)).or_default() += 1;
                None
            }
        }
    }

    fn finish(
        mut self,
        dialect: &'static str,
        workload: &'static str,
        ops: usize,
        note: String,
    ) -> WorkloadResult {
        let seconds = self.started.elapsed().as_secs_f64();
        self.latencies.sort_by(f64::total_cmp);
        let percentile = |p: f64| {
            if self.latencies.is_empty() {
                0.0
            } else {
                let index = ((self.latencies.len() - 1) as f64 * p).round() as usize;
                self.latencies[index]
            }
        };
        let ops_per_sec = ops as f64 / seconds.max(1e-9);
        let prefect = prefect_figure(dialect, workload);
        WorkloadResult {
            dialect,
            workload,
            ops,
            seconds,
            ops_per_sec,
            p50_ms: percentile(0.5),
            p99_ms: percentile(0.99),
            errors: self.errors,
            prefect_ops_per_sec: prefect,
            vs_prefect: prefect.map(|figure| ops_per_sec / figure),
            note,
            returned: None,
        }
    }
}

/// Runs the selected workloads on `db` (a fresh, empty database), in order.
pub async fn run_workloads(
    dialect: &'static str,
    db: Arc<DbInterface>,
    n: usize,
    r: usize,
    wanted: &dyn Fn(&str) -> bool,
) -> anyhow::Result<Vec<WorkloadResult>> {
    let setup = setup(&db).await?;
    let mut results = Vec::new();
    let mut batch_ids: Vec<Uuid> = Vec::new();

    // a1: N runs, 100 per call (one transaction each).
    if wanted("a1_create_batch") || wanted("b_set_state_pending") {
        let runs: Vec<FlowRun> = (0..n).map(|i| setup.run(i, n, "a1")).collect();
        let mut timer = Timer::new();
        for chunk in runs.chunks(100) {
            if let Some(ids) = timer
                .time(db.create_flow_runs(chunk.to_vec(), Utc::now()))
                .await
            {
                batch_ids.extend(ids);
            }
        }
        results.push(timer.finish(
            dialect,
            "a1_create_batch",
            batch_ids.len(),
            "runs/s; latency per call of 100 runs".into(),
        ));
    }

    // a2: N runs, one call (one transaction) each.
    if wanted("a2_create_commit_each") {
        let mut timer = Timer::new();
        let mut created = 0;
        for i in 0..n {
            let run = setup.run(i, n, "a2");
            if timer
                .time(db.create_flow_runs(vec![run], Utc::now()))
                .await
                .is_some()
            {
                created += 1;
            }
        }
        results.push(timer.finish(
            dialect,
            "a2_create_commit_each",
            created,
            "runs/s, one transaction per run".into(),
        ));
    }

    // b: the a1 runs SCHEDULED -> PENDING, one with_for_update transaction each.
    if wanted("b_set_state_pending") {
        let mut timer = Timer::new();
        let mut moved = 0;
        for id in &batch_ids {
            let claim = db.set_flow_run_state(
                *id,
                StateProposal::new(StateType::Pending),
                Some(ExpectedState::Type(Some(StateType::Scheduled))),
            );
            if timer.time(claim).await.is_some() {
                moved += 1;
            }
        }
        results.push(timer.finish(
            dialect,
            "b_set_state_pending",
            moved,
            "state changes/s (row locked, expected state checked)".into(),
        ));
    }

    // The reads below plan on the table's statistics. A running PostgreSQL server's autovacuum
    // refreshes them after bulk writes like the ones above; a benchmark that reads a second
    // after writing would measure plans made for an empty table instead (the worker poll
    // sorted every scheduled run of the queue: 8 ms instead of 1 ms). SQLite keeps no
    // statistics unless a program runs ANALYZE, which neither Prefect nor flowdb does.
    // InnoDB refreshes its statistics in the background too; ask for them now, likewise.
    match dialect {
        "postgresql" => {
            db.database().await?.execute("ANALYZE", Vec::new()).await?;
        }
        "mysql" => {
            db.database()
                .await?
                .execute(
                    "ANALYZE TABLE flow_run, flow_run_state, work_queue, work_pool",
                    Vec::new(),
                )
                .await?;
        }
        _ => {}
    }

    // c1: the legacy work-queue poll, limit 100, R times.
    if wanted("c1_get_runs_in_work_queue") {
        let mut timer = Timer::new();
        let poll = GetScheduledFlowRunsFromWorkQueues {
            limit_per_queue: Some(100),
            work_queue_ids: Some(vec![setup.queue.id]),
            scheduled_before: None,
        };
        let mut returned = 0;
        for _ in 0..r {
            if let Some(runs) = timer
                .time(db.get_scheduled_flow_runs_from_work_queues(&poll))
                .await
            {
                returned = runs.len();
            }
        }
        results.push(
            timer
                .finish(
                    dialect,
                    "c1_get_runs_in_work_queue",
                    r,
                    format!("polls/s, {returned} runs each"),
                )
                .returning(returned),
        );
    }

    // c2: the worker poll, limit 100, R times.
    if wanted("c2_worker_get_scheduled_flow_runs") {
        let mut timer = Timer::new();
        let poll = GetScheduledFlowRunsFromWorkPool {
            limit: Some(100),
            work_pool_ids: Some(vec![setup.pool.id]),
            ..Default::default()
        };
        let mut returned = 0;
        for _ in 0..r {
            if let Some(runs) = timer.time(db.get_scheduled_flow_runs(&poll)).await {
                returned = runs.len();
            }
        }
        results.push(
            timer
                .finish(
                    dialect,
                    "c2_worker_get_scheduled_flow_runs",
                    r,
                    format!("polls/s, {returned} runs each"),
                )
                .returning(returned),
        );
    }

    // d1: read flow runs in state SCHEDULED, limit 200, id descending, R times.
    if wanted("d1_read_flow_runs") {
        let mut timer = Timer::new();
        let read = ReadFlowRuns {
            filter: FlowRunFilter {
                state_type_any: Some(vec![StateType::Scheduled]),
                ..Default::default()
            },
            sort: Some("ID_DESC".into()),
            limit: Some(200),
            offset: None,
        };
        let mut returned = 0;
        for _ in 0..r {
            if let Some(runs) = timer.time(db.read_flow_runs(&read)).await {
                returned = runs.len();
            }
        }
        results.push(
            timer
                .finish(
                    dialect,
                    "d1_read_flow_runs",
                    r,
                    format!("reads/s, {returned} runs each"),
                )
                .returning(returned),
        );
    }

    // e: history, 60 one-minute buckets over the hour, R times.
    if wanted("e_flow_run_history") {
        let mut timer = Timer::new();
        let history = FlowRunHistory {
            filter: FlowRunFilter::default(),
            history_start: setup.start,
            history_end: setup.start + TimeDelta::hours(1),
            history_interval: TimeDelta::minutes(1),
            now: Utc::now(),
        };
        let mut buckets = 0;
        for _ in 0..r {
            if let Some(intervals) = timer.time(db.flow_run_history(&history)).await {
                buckets = intervals.len();
            }
        }
        results.push(
            timer
                .finish(
                    dialect,
                    "e_flow_run_history",
                    r,
                    format!("histories/s, {buckets} buckets each"),
                )
                .returning(buckets),
        );
    }

    // f: 8 tasks creating N/8 runs each, one transaction per run.
    if wanted("f_concurrent_create") {
        let per_task = n / 8;
        let setup = Arc::new(setup_clone(&setup));
        let started = Instant::now();
        let mut tasks = Vec::new();
        for task in 0..8 {
            let db = Arc::clone(&db);
            let setup = Arc::clone(&setup);
            tasks.push(tokio::spawn(async move {
                let mut timer = Timer::new();
                let mut created = 0;
                for i in 0..per_task {
                    let run = setup.run(task * per_task + i, per_task * 8, "f");
                    if timer
                        .time(db.create_flow_runs(vec![run], Utc::now()))
                        .await
                        .is_some()
                    {
                        created += 1;
                    }
                }
                (created, timer)
            }));
        }
        let mut merged = Timer::new();
        merged.started = started;
        let mut created = 0;
        for task in tasks {
            let (count, timer) = task.await?;
            created += count;
            merged.latencies.extend(timer.latencies);
            for (kind, count) in timer.errors {
                *merged.errors.entry(kind).or_default() += count;
            }
        }
        results.push(merged.finish(
            dialect,
            "f_concurrent_create",
            created,
            format!("runs/s; {created} of {} created", per_task * 8),
        ));
    }

    // g: 8 workers poll and claim (expected SCHEDULED) until no run is left; every run must be
    // claimed exactly once.
    if wanted("g_concurrent_claim") {
        let to_claim: HashSet<Uuid> = db
            .read_flow_runs(&ReadFlowRuns {
                filter: FlowRunFilter {
                    state_type_any: Some(vec![StateType::Scheduled]),
                    ..Default::default()
                },
                ..Default::default()
            })
            .await?
            .into_iter()
            .map(|run| run.id)
            .collect();
        let started = Instant::now();
        let mut workers = Vec::new();
        for worker in 0..8_usize {
            let db = Arc::clone(&db);
            let pool_id = setup.pool.id;
            workers.push(tokio::spawn(async move {
                let mut timer = Timer::new();
                let mut claimed = Vec::new();
                let mut lost = 0_usize;
                let poll = GetScheduledFlowRunsFromWorkPool {
                    limit: Some(10),
                    work_pool_ids: Some(vec![pool_id]),
                    ..Default::default()
                };
                loop {
                    let Some(mut runs) = timer.time(db.get_scheduled_flow_runs(&poll)).await else {
                        continue;
                    };
                    if runs.is_empty() {
                        break;
                    }
                    // Workers take the polled runs in different orders, so they collide less.
                    let turn = worker % runs.len();
                    runs.rotate_left(turn);
                    for run in runs {
                        let started = Instant::now();
                        let outcome = db
                            .set_flow_run_state(
                                run.flow_run.id,
                                StateProposal::new(StateType::Pending),
                                Some(ExpectedState::Type(Some(StateType::Scheduled))),
                            )
                            .await;
                        timer.latencies.push(started.elapsed().as_secs_f64() * 1e3);
                        match outcome {
                            Ok(_) => claimed.push(run.flow_run.id),
                            Err(Error::StateConflict { .. }) => lost += 1,
                            Err(err) => {
                                *timer.errors.entry(kind_of(&err)).or_default() += 1;
                            }
                        }
                    }
                }
                (claimed, lost, timer)
            }));
        }
        let mut merged = Timer::new();
        merged.started = started;
        let mut claimed_once = HashSet::new();
        let mut claimed_twice = 0;
        let mut lost = 0;
        for worker in workers {
            let (claimed, worker_lost, timer) = worker.await?;
            lost += worker_lost;
            for id in claimed {
                if !claimed_once.insert(id) {
                    claimed_twice += 1;
                }
            }
            merged.latencies.extend(timer.latencies);
            for (kind, count) in timer.errors {
                *merged.errors.entry(kind).or_default() += count;
            }
        }
        let missed = to_claim.difference(&claimed_once).count();
        if claimed_twice > 0 {
            merged.errors.insert("claimed twice".into(), claimed_twice);
        }
        if missed > 0 {
            merged.errors.insert("never claimed".into(), missed);
        }
        let count = claimed_once.len();
        results.push(merged.finish(
            dialect,
            "g_concurrent_claim",
            count,
            format!(
                "claims/s; {count} of {} runs claimed exactly once, {lost} lost races",
                to_claim.len()
            ),
        ));
    }
    Ok(results)
}

fn setup_clone(setup: &Setup) -> Setup {
    Setup {
        flow: setup.flow.clone(),
        pool: setup.pool.clone(),
        queue: setup.queue.clone(),
        deployment: setup.deployment.clone(),
        start: setup.start,
    }
}
