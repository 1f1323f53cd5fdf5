//! `flowdb bench --soak DURATION --clients N`: N clients run a mix of the hot path (create,
//! poll and claim, move a claimed run on, read, history) for DURATION on a fresh database;
//! ops/s and latency are printed per window as they happen; a final audit checks that every
//! acknowledged run is present in its last acknowledged state and that no run was claimed twice.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{TimeDelta, Utc};
use flowdb::models::{Flow, FlowRun, StateType, WorkPool, WorkQueue};
use flowdb::orchestration::{ExpectedState, StateProposal};
use flowdb::queries::components::{
    FlowRunFilter, FlowRunHistory, GetScheduledFlowRunsFromWorkPool, ReadFlowRuns,
};
use flowdb::{DbInterface, Error};
use serde::Serialize;
use uuid::Uuid;

use crate::workloads::kind_of;

/// Parses `90`, `90s`, `5m`, `1h`.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit) = text
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .map_or((text, "s"), |at| text.split_at(at));
    let value: f64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a duration such as 90s, 5m or 1h"))?;
    let seconds = match unit {
        "s" => value,
        "m" => value * 60.0,
        "h" => value * 3600.0,
        other => return Err(format!("`{other}` is not a unit: use s, m or h")),
    };
    Duration::try_from_secs_f64(seconds)
        .ok()
        .filter(|duration| !duration.is_zero())
        .ok_or_else(|| format!("`{text}` is not a positive duration"))
}

/// One reporting window.
#[derive(Debug, Serialize)]
pub struct Window {
    /// Seconds since the start, at the window's end.
    pub at_s: f64,
    pub ops_per_sec: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub errors: usize,
}

/// What the audit found.
#[derive(Debug, Default, Serialize)]
pub struct Audit {
    pub runs_acknowledged: usize,
    pub runs_lost: usize,
    pub runs_in_another_state: usize,
    pub runs_claimed_twice: usize,
    pub claims: usize,
    pub lost_races: usize,
}

impl Audit {
    fn clean(&self) -> bool {
        self.runs_lost == 0 && self.runs_in_another_state == 0 && self.runs_claimed_twice == 0
    }
}

/// A soak's figures on one dialect.
#[derive(Debug, Serialize)]
pub struct SoakReport {
    pub dialect: &'static str,
    pub clients: usize,
    pub seconds: f64,
    pub ops: usize,
    pub ops_per_sec: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// Calls by operation.
    pub ops_by_kind: BTreeMap<&'static str, usize>,
    /// Latency by operation (p50, p99, max in ms): where the time goes.
    pub latency_by_kind: BTreeMap<&'static str, [f64; 3]>,
    /// Failed calls by kind (a lost race for a run is not an error).
    pub errors: BTreeMap<String, usize>,
    pub windows: Vec<Window>,
    pub audit: Audit,
}

impl SoakReport {
    /// Zero errors and a clean audit.
    pub fn passed(&self) -> bool {
        self.errors.is_empty() && self.audit.clean()
    }
}

/// What the clients share.
#[derive(Default)]
struct Shared {
    /// Latencies of the current window, in ms.
    window: Mutex<Vec<f64>>,
    window_errors: Mutex<usize>,
    /// Every latency, in ms.
    all: Mutex<Vec<f64>>,
    errors: Mutex<BTreeMap<String, usize>>,
    ops_by_kind: Mutex<BTreeMap<&'static str, usize>>,
    latencies_by_kind: Mutex<BTreeMap<&'static str, Vec<f64>>>,
    /// The last state each run was acknowledged in.
    acknowledged: Mutex<HashMap<Uuid, StateType>>,
    /// How many times each run was claimed (SCHEDULED → PENDING).
    claims: Mutex<HashMap<Uuid, usize>>,
    lost_races: Mutex<usize>,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Shared {
    async fn time<T>(
        &self,
        kind: &'static str,
        call: impl Future<Output = Result<T, Error>>,
    ) -> Result<T, Error> {
        let started = Instant::now();
        let outcome = call.await;
        let ms = started.elapsed().as_secs_f64() * 1e3;
        lock(&self.window).push(ms);
        lock(&self.all).push(ms);
        *lock(&self.ops_by_kind).entry(kind).or_default() += 1;
        lock(&self.latencies_by_kind)
            .entry(kind)
            .or_default()
            .push(ms);
        match &outcome {
            Err(Error::StateConflict { .. }) => *lock(&self.lost_races) += 1,
            Err(err) => {
                *lock(&self.errors).entry(kind_of(err)).or_default() += 1;
                *lock(&self.window_errors) += 1;
            }
            Ok(_) => {}
        }
        outcome
    }

    fn acknowledge(&self, run: Uuid, state: StateType) {
        lock(&self.acknowledged).insert(run, state);
    }

    /// A creation acknowledged: SCHEDULED, unless a claim of the run was acknowledged first
    /// (another client may poll and claim it between the commit and this call).
    fn acknowledge_created(&self, run: Uuid) {
        lock(&self.acknowledged)
            .entry(run)
            .or_insert(StateType::Scheduled);
    }
}

/// A small generator per client; no need for a crate's.
struct XorShift(u64);

impl XorShift {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// One client: a weighted mix of the hot path until `stop`.
async fn client(
    db: Arc<DbInterface>,
    shared: Arc<Shared>,
    stop: Arc<AtomicBool>,
    index: usize,
    flow: Flow,
    pool: WorkPool,
    queue: WorkQueue,
) {
    let mut random = XorShift(0x9e37_79b9_7f4a_7c15 ^ (index as u64 + 1).wrapping_mul(0x2545_f491));
    // Runs this client claimed, with where they stand; only the claimer moves them on.
    let mut mine: Vec<(Uuid, StateType)> = Vec::new();
    let start = Utc::now();
    let mut created = 0_usize;
    while !stop.load(Ordering::Acquire) {
        match random.below(100) {
            0..25 => {
                let offset = TimeDelta::milliseconds(random.below(3_600_000) as i64);
                let run = FlowRun::new(flow.id, format!("soak-{index}-{created}"), start + offset)
                    .in_queue(&queue);
                created += 1;
                if let Ok(ids) = shared
                    .time("create", db.create_flow_runs(vec![run], Utc::now()))
                    .await
                {
                    for id in ids {
                        shared.acknowledge_created(id);
                    }
                }
            }
            25..50 => {
                let poll = GetScheduledFlowRunsFromWorkPool {
                    limit: Some(5),
                    work_pool_ids: Some(vec![pool.id]),
                    ..Default::default()
                };
                let Ok(runs) = shared.time("poll", db.get_scheduled_flow_runs(&poll)).await else {
                    continue;
                };
                if runs.is_empty() {
                    continue;
                }
                let run = runs[random.below(runs.len() as u64) as usize].flow_run.id;
                let claim = db.set_flow_run_state(
                    run,
                    StateProposal::new(StateType::Pending),
                    Some(ExpectedState::Type(Some(StateType::Scheduled))),
                );
                if shared.time("claim", claim).await.is_ok() {
                    *lock(&shared.claims).entry(run).or_default() += 1;
                    shared.acknowledge(run, StateType::Pending);
                    mine.push((run, StateType::Pending));
                }
            }
            50..65 => {
                let Some(at) = (!mine.is_empty()).then(|| random.below(mine.len() as u64) as usize)
                else {
                    continue;
                };
                let (run, from) = mine[at];
                let to = match from {
                    StateType::Pending => StateType::Running,
                    _ => StateType::Completed,
                };
                let advance = db.set_flow_run_state(
                    run,
                    StateProposal::new(to),
                    Some(ExpectedState::Type(Some(from))),
                );
                if shared.time("advance", advance).await.is_ok() {
                    shared.acknowledge(run, to);
                    if to == StateType::Completed {
                        mine.swap_remove(at);
                    } else {
                        mine[at].1 = to;
                    }
                }
            }
            65..90 => {
                let read = ReadFlowRuns {
                    filter: FlowRunFilter {
                        state_type_any: Some(vec![StateType::Scheduled]),
                        ..Default::default()
                    },
                    sort: Some("EXPECTED_START_TIME_ASC".into()),
                    limit: Some(50),
                    offset: None,
                };
                let _ = shared.time("read", db.read_flow_runs(&read)).await;
            }
            _ => {
                let history = FlowRunHistory {
                    filter: FlowRunFilter::default(),
                    history_start: start,
                    history_end: start + TimeDelta::hours(1),
                    history_interval: TimeDelta::minutes(1),
                    now: Utc::now(),
                };
                let _ = shared.time("history", db.flow_run_history(&history)).await;
            }
        }
    }
}

/// Runs the soak on `db` (a fresh database): `clients` clients for `duration`, a window line
/// printed (unless `quiet`) every `window`.
pub async fn soak(
    dialect: &'static str,
    db: Arc<DbInterface>,
    duration: Duration,
    clients: usize,
    window: Duration,
    quiet: bool,
) -> anyhow::Result<SoakReport> {
    let setup = crate::workloads::setup(&db).await?;
    let session = db.session().await?;
    let shared = Arc::new(Shared::default());
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|index| {
            tokio::spawn(client(
                Arc::clone(&db),
                Arc::clone(&shared),
                Arc::clone(&stop),
                index,
                setup.flow.clone(),
                setup.pool.clone(),
                setup.queue.clone(),
            ))
        })
        .collect();
    if !quiet {
        println!(
            "{dialect}: {clients} clients for {:.0} s",
            duration.as_secs_f64()
        );
        println!(
            "{:>8} {:>9} {:>9} {:>9} {:>9} {:>7}",
            "AT s", "OPS/s", "p50 ms", "p99 ms", "max ms", "ERRORS"
        );
    }
    let mut windows = Vec::new();
    let mut window_started = Instant::now();
    while started.elapsed() < duration {
        let left = duration.saturating_sub(started.elapsed());
        tokio::time::sleep(window.min(left)).await;
        let mut latencies = std::mem::take(&mut *lock(&shared.window));
        let errors = std::mem::take(&mut *lock(&shared.window_errors));
        latencies.sort_by(f64::total_cmp);
        let seconds = window_started.elapsed().as_secs_f64();
        window_started = Instant::now();
        let line = Window {
            at_s: started.elapsed().as_secs_f64(),
            ops_per_sec: latencies.len() as f64 / seconds.max(1e-9),
            p50_ms: percentile(&latencies, 0.5),
            p99_ms: percentile(&latencies, 0.99),
            max_ms: latencies.last().copied().unwrap_or(0.0),
            errors,
        };
        if !quiet {
            println!(
                "{:>8.0} {:>9.0} {:>9.2} {:>9.2} {:>9.1} {:>7}",
                line.at_s, line.ops_per_sec, line.p50_ms, line.p99_ms, line.max_ms, line.errors
            );
        }
        windows.push(line);
    }
    stop.store(true, Ordering::Release);
    for task in tasks {
        task.await?;
    }
    let seconds = started.elapsed().as_secs_f64();

    // The audit: what the clients were told, against what the database holds.
    let rows = session
        .fetch_all("select id, state_type from flow_run", Vec::new())
        .await?;
    let mut present: HashMap<Uuid, String> = HashMap::with_capacity(rows.len());
    for row in rows.iter() {
        present.insert(row.get::<Uuid>("id")?, row.get::<String>("state_type")?);
    }
    let acknowledged = std::mem::take(&mut *lock(&shared.acknowledged));
    let claims = std::mem::take(&mut *lock(&shared.claims));
    let mut audit = Audit {
        runs_acknowledged: acknowledged.len(),
        claims: claims.values().sum(),
        runs_claimed_twice: claims.values().filter(|count| **count > 1).count(),
        lost_races: *lock(&shared.lost_races),
        ..Audit::default()
    };
    for (run, state) in &acknowledged {
        match present.get(run) {
            None => audit.runs_lost += 1,
            Some(stored) if stored != state.as_str() => audit.runs_in_another_state += 1,
            Some(_) => {}
        }
    }

    let mut all = std::mem::take(&mut *lock(&shared.all));
    all.sort_by(f64::total_cmp);
    Ok(SoakReport {
        dialect,
        clients,
        seconds,
        ops: all.len(),
        ops_per_sec: all.len() as f64 / seconds.max(1e-9),
        p50_ms: percentile(&all, 0.5),
        p99_ms: percentile(&all, 0.99),
        max_ms: all.last().copied().unwrap_or(0.0),
        ops_by_kind: std::mem::take(&mut *lock(&shared.ops_by_kind)),
        latency_by_kind: std::mem::take(&mut *lock(&shared.latencies_by_kind))
            .into_iter()
            .map(|(kind, mut latencies)| {
                latencies.sort_by(f64::total_cmp);
                let max = latencies.last().copied().unwrap_or(0.0);
                (
                    kind,
                    [
                        percentile(&latencies, 0.5),
                        percentile(&latencies, 0.99),
                        max,
                    ],
                )
            })
            .collect(),
        errors: std::mem::take(&mut *lock(&shared.errors)),
        windows,
        audit,
    })
}

/// The summary lines of a soak.
pub fn print(report: &SoakReport) {
    let ops: Vec<String> = report
        .ops_by_kind
        .iter()
        .map(|(kind, count)| {
            let [p50, p99, _] = report
                .latency_by_kind
                .get(kind)
                .copied()
                .unwrap_or_default();
            format!("{kind} {count}: p50 {p50:.1} / p99 {p99:.1} ms")
        })
        .collect();
    let errors = if report.errors.is_empty() {
        "none".to_owned()
    } else {
        report
            .errors
            .iter()
            .map(|(kind, count)| format!("{kind} {count}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let audit = &report.audit;
    println!(
        "{}: {} clients, {:.0} s: {} ops, {:.0} ops/s, p50 {:.2} ms, p99 {:.2} ms, max {:.1} ms\n  by operation: {}\n  errors: {errors}\n  audit: {} runs acknowledged, {} lost, {} in another state than acknowledged; {} claims, {} runs claimed twice, {} lost races — {}\n",
        report.dialect,
        report.clients,
        report.seconds,
        report.ops,
        report.ops_per_sec,
        report.p50_ms,
        report.p99_ms,
        report.max_ms,
        ops.join(", "),
        audit.runs_acknowledged,
        audit.runs_lost,
        audit.runs_in_another_state,
        audit.claims,
        audit.runs_claimed_twice,
        audit.lost_races,
        if report.passed() { "PASSED" } else { "FAILED" }
    );
}
