//! `hot_path.same_as_sqlite`: the orchestration hot path on generated data, on the dialect
//! under test and on the SQLite dialect as the reference, which must give the same answers.
//!
//! The data is generated from a fixed seed and fixed times, so both databases hold the same
//! rows; every read is confined to the scenario's own flows and pools, so the rows earlier
//! checks left in the subject's database play no part.
//!
//! Where Prefect 3.9.1's own two dialects answer differently, the scenario does not ask, so that
//! a dialect is held to what both agree on: sorts on a nullable column (`FlowRunSort` is a bare
//! `ASC`/`DESC`, and databases put NULLs at opposite ends), a worker poll that respects queue
//! priorities across several pools, and pool concurrency limits with active runs in a paused
//! queue (core/tests/differential.rs names each divergence).

use std::fmt::Debug;
use std::sync::Arc;

use chrono::{DateTime, TimeDelta, TimeZone as _, Utc};
use uuid::Uuid;

use super::Context;
use crate::config::DatabaseConfig;
use crate::interface::DbInterface;
use crate::models::{
    Deployment, Flow, FlowRun, OnConflict, Select, StateType, TaskRun, TaskRunPolicy, WorkPool,
    WorkQueue,
};
use crate::orchestration::{ExpectedState, StateProposal};
use crate::queries::components::{
    CountFlowRuns, FlowRunFilter, FlowRunHistory, GetScheduledFlowRunsFromWorkPool,
    GetScheduledFlowRunsFromWorkQueues, ReadFlowRuns,
};
use crate::value::Json;

/// What one database answered, step by step, in a form both dialects must agree on.
#[derive(Debug, Default, PartialEq)]
struct Answers {
    steps: Vec<(String, String)>,
}

impl Answers {
    fn record(&mut self, step: &str, answer: impl Debug) {
        self.steps.push((step.to_owned(), format!("{answer:?}")));
    }
}

/// A small deterministic generator (xorshift), so that the data is the same on every run and
/// every dialect without a random-number dependency.
struct Generator(u64);

impl Generator {
    fn next(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % below.max(1)
    }
}

fn base_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0)
        .single()
        .unwrap_or_default()
}

fn id(kind: u128, index: u128) -> Uuid {
    Uuid::from_u128(0x7e51_0000_0000_0000_0000_0000_0000_0000 | (kind << 32) | index)
}

struct Fixture {
    flows: Vec<Flow>,
    pools: Vec<WorkPool>,
    queues: Vec<WorkQueue>,
    runs: Vec<FlowRun>,
}

/// Two flows, two pools (the second's queue paused), three queues of different priorities and
/// limits, and 60 runs spread over them, an hour and a half of expected starts and five tags.
fn fixture(prefix: &str) -> Fixture {
    let mut generator = Generator(0x5eed_f10d_b0f1_0a7e);
    let flows: Vec<Flow> = (0..2)
        .map(|index| {
            let mut flow = Flow::new(format!("{prefix}hot flow {index}"));
            flow.id = id(1, index);
            flow
        })
        .collect();
    let pools: Vec<WorkPool> = (0..2)
        .map(|index| {
            let mut pool = WorkPool::new(format!("{prefix}hot pool {index}"));
            pool.id = id(2, index);
            pool
        })
        .collect();
    let queue = |index: u128, pool: &WorkPool, priority: i32, limit: Option<i32>, paused: bool| {
        let mut queue = WorkQueue::new(pool.id, format!("{prefix}hot queue {index}"));
        queue.id = id(3, index);
        queue.priority = priority;
        queue.concurrency_limit = limit;
        queue.is_paused = paused;
        queue
    };
    let queues = vec![
        queue(0, &pools[0], 1, None, false),
        queue(1, &pools[0], 2, Some(3), false),
        queue(2, &pools[1], 1, None, true),
    ];
    let tags = ["etl", "nightly", "ml", "urgent", "ünïcode"];
    let runs = (0..60_u128)
        .map(|index| {
            let flow = &flows[usize::try_from(generator.next(2)).unwrap_or(0)];
            let minutes = i64::try_from(generator.next(90)).unwrap_or(0);
            let seconds = i64::try_from(generator.next(60)).unwrap_or(0);
            let mut run = FlowRun::new(
                flow.id,
                format!("{prefix}run {index:02}"),
                base_time() + TimeDelta::minutes(minutes) + TimeDelta::seconds(seconds),
            )
            .in_queue(&queues[usize::try_from(generator.next(3)).unwrap_or(0)]);
            run.id = id(4, index);
            let tagged: Vec<&str> = tags
                .iter()
                .filter(|_| generator.next(3) == 0)
                .copied()
                .collect();
            run.tags = Json(serde_json::json!(tagged));
            run
        })
        .collect();
    Fixture {
        flows,
        pools,
        queues,
        runs,
    }
}

/// Runs the scenario on `db` (migrated to head) and records every answer.
async fn scenario(db: &Arc<DbInterface>, prefix: &str) -> Result<Answers, String> {
    let say = |step: &'static str| move |err: crate::Error| format!("{step}: {err}");
    let fixture = fixture(prefix);
    let session = db.session().await.map_err(say("connect"))?;
    for flow in &fixture.flows {
        session.insert(flow).await.map_err(say("insert a flow"))?;
    }
    for pool in &fixture.pools {
        session.insert(pool).await.map_err(say("insert a pool"))?;
    }
    for queue in &fixture.queues {
        session.insert(queue).await.map_err(say("insert a queue"))?;
    }
    let mut deployment = Deployment::new(fixture.flows[0].id, format!("{prefix}hot deployment"));
    deployment.id = id(5, 0);
    session
        .insert(&deployment)
        .await
        .map_err(say("insert a deployment"))?;

    let mut answers = Answers::default();
    let created = db
        .create_flow_runs(fixture.runs.clone(), base_time())
        .await
        .map_err(say("create_flow_runs"))?;
    answers.record("create_flow_runs", created.len());

    let pool_ids: Vec<Uuid> = fixture.pools.iter().map(|pool| pool.id).collect();
    let queue_ids: Vec<Uuid> = fixture.queues.iter().map(|queue| queue.id).collect();
    let ids = |runs: Vec<crate::orchestration::WorkerFlowRun>| {
        runs.into_iter()
            .map(|run| (run.flow_run.id, run.work_queue_id))
            .collect::<Vec<_>>()
    };
    for (step, poll) in [
        (
            "worker poll, 10 of every pool",
            GetScheduledFlowRunsFromWorkPool {
                limit: Some(10),
                work_pool_ids: Some(pool_ids.clone()),
                ..Default::default()
            },
        ),
        (
            "worker poll of the first pool, queue priorities, due within 40 minutes",
            GetScheduledFlowRunsFromWorkPool {
                limit: Some(50),
                work_pool_ids: Some(vec![pool_ids[0]]),
                scheduled_before: Some(base_time() + TimeDelta::minutes(40)),
                respect_queue_priorities: Some(true),
                ..Default::default()
            },
        ),
        (
            "worker poll, 2 per queue, after 30 minutes",
            GetScheduledFlowRunsFromWorkPool {
                queue_limit: Some(2),
                work_queue_ids: Some(queue_ids.clone()),
                scheduled_after: Some(base_time() + TimeDelta::minutes(30)),
                ..Default::default()
            },
        ),
    ] {
        let polled = db
            .get_scheduled_flow_runs(&poll)
            .await
            .map_err(say("get_scheduled_flow_runs"))?;
        answers.record(step, ids(polled));
    }
    let queue_poll = db
        .get_scheduled_flow_runs_from_work_queues(&GetScheduledFlowRunsFromWorkQueues {
            limit_per_queue: Some(4),
            work_queue_ids: Some(queue_ids.clone()),
            scheduled_before: Some(base_time() + TimeDelta::hours(1)),
        })
        .await
        .map_err(say("get_scheduled_flow_runs_from_work_queues"))?;
    answers.record(
        "queue poll, 4 per queue",
        queue_poll
            .into_iter()
            .map(|run| (run.flow_run.id, run.work_queue_id))
            .collect::<Vec<_>>(),
    );

    // Move some runs along: claimed, running, completed, failed; a stale claim conflicts.
    let mut generator = Generator(0x0c1a_1e55_eed0);
    for (index, run) in fixture.runs.iter().enumerate().take(24) {
        let path: &[StateType] = match generator.next(4) {
            0 => &[StateType::Pending],
            1 => &[StateType::Pending, StateType::Running],
            2 => &[StateType::Pending, StateType::Running, StateType::Completed],
            _ => &[StateType::Pending, StateType::Running, StateType::Failed],
        };
        for (step, state_type) in path.iter().enumerate() {
            let mut proposal = StateProposal::new(*state_type);
            proposal.timestamp = base_time()
                + TimeDelta::seconds(i64::try_from(index * 100 + step * 17 + 1).unwrap_or(0));
            db.set_flow_run_state(run.id, proposal, None)
                .await
                .map_err(say("set_flow_run_state"))?;
        }
    }
    let stale = db
        .set_flow_run_state(
            fixture.runs[0].id,
            StateProposal::new(StateType::Pending),
            Some(ExpectedState::Type(Some(StateType::Scheduled))),
        )
        .await;
    answers.record(
        "a claim expecting SCHEDULED of a run that moved on",
        stale.map(|_| ()).map_err(|err| match err {
            crate::Error::StateConflict {
                current_state_type, ..
            } => format!("conflict, in {current_state_type:?}"),
            other => other.to_string(),
        }),
    );

    let mine = FlowRunFilter {
        flow_id_any: Some(fixture.flows.iter().map(|flow| flow.id).collect()),
        ..Default::default()
    };
    let filters = [
        ("all of the scenario's runs", mine.clone()),
        (
            "tagged etl or urgent",
            FlowRunFilter {
                tags_any: Some(vec!["etl".into(), "urgent".into()]),
                ..mine.clone()
            },
        ),
        (
            "tagged nightly and ünïcode",
            FlowRunFilter {
                tags_all: Some(vec!["nightly".into(), "ünïcode".into()]),
                ..mine.clone()
            },
        ),
        (
            "running or failed",
            FlowRunFilter {
                state_type_any: Some(vec![StateType::Running, StateType::Failed]),
                ..mine.clone()
            },
        ),
        (
            "not scheduled, expected before 45 minutes",
            FlowRunFilter {
                state_type_not_any: Some(vec![StateType::Scheduled]),
                expected_start_time_before: Some(base_time() + TimeDelta::minutes(45)),
                ..mine.clone()
            },
        ),
        (
            "started, in the first queue",
            FlowRunFilter {
                start_time_is_null: Some(false),
                work_queue_id_any: Some(vec![fixture.queues[0].id]),
                ..mine.clone()
            },
        ),
        (
            "names like run 1",
            FlowRunFilter {
                name_like: Some("run 1".into()),
                ..mine.clone()
            },
        ),
    ];
    for (step, filter) in &filters {
        for sort in [
            "ID_DESC",
            "EXPECTED_START_TIME_ASC",
            "EXPECTED_START_TIME_DESC",
            "NAME_ASC",
        ] {
            let read = db
                .read_flow_runs(&ReadFlowRuns {
                    filter: filter.clone(),
                    sort: Some(sort.into()),
                    limit: Some(25),
                    offset: Some(2),
                })
                .await
                .map_err(say("read_flow_runs"))?;
            answers.record(
                &format!("read {step}, {sort}"),
                read.iter()
                    .map(|run| {
                        (
                            run.id,
                            run.state_type,
                            run.start_time,
                            run.end_time,
                            run.run_count,
                            run.total_run_time,
                        )
                    })
                    .collect::<Vec<_>>(),
            );
        }
        let count = db
            .count_flow_runs(&CountFlowRuns {
                filter: filter.clone(),
            })
            .await
            .map_err(say("count_flow_runs"))?;
        answers.record(&format!("count {step}"), count);
    }

    let history = db
        .flow_run_history(&FlowRunHistory {
            filter: mine.clone(),
            history_start: base_time(),
            history_end: base_time() + TimeDelta::minutes(90),
            history_interval: TimeDelta::minutes(10),
            now: base_time() + TimeDelta::hours(2),
        })
        .await
        .map_err(say("flow_run_history"))?;
    answers.record(
        "history, 10-minute buckets",
        history
            .iter()
            .map(|interval| {
                let mut states: Vec<_> = interval
                    .states
                    .iter()
                    .map(|state| {
                        (
                            // By name: PostgreSQL orders an enum by declaration, SQLite by text.
                            format!("{:?}", state.state_type),
                            state.count_runs,
                            // Sums of seconds, to the millisecond: float sums may differ in
                            // the last bits between databases.
                            (state.sum_estimated_run_time * 1000.0).round(),
                            (state.sum_estimated_lateness * 1000.0).round(),
                        )
                    })
                    .collect();
                states.sort_by(|a, b| a.0.cmp(&b.0));
                (interval.interval_start, states)
            })
            .collect::<Vec<_>>(),
    );

    let typed = Select::<FlowRun>::new()
        .filter(
            FlowRun::flow_id
                .eq(fixture.flows[0].id)
                .and(FlowRun::run_count.ge(1).or(FlowRun::start_time.is_null())),
        )
        .order_by(FlowRun::expected_start_time.desc())
        .limit(12);
    let read = typed.fetch(db).await.map_err(say("Select::fetch"))?;
    answers.record(
        "typed select",
        read.iter().map(|run| run.id).collect::<Vec<_>>(),
    );
    answers.record(
        "typed count by state",
        Select::<FlowRun>::new()
            .filter(FlowRun::flow_id.is_in(fixture.flows.iter().map(|flow| flow.id)))
            .count_by(FlowRun::state_type, db)
            .await
            .map_err(say("Select::count_by"))?
            .into_iter()
            // By name: the dialects may return the groups in any order.
            .map(|(state, count)| (format!("{state:?}"), count))
            .collect::<std::collections::BTreeMap<_, _>>(),
    );

    // Upserts on a flow's name: kept, then overwritten, the stored id either way.
    let mut same_name = Flow::new(fixture.flows[0].name.clone());
    same_name.tags = Json(serde_json::json!(["ünïcode", "kept?"]));
    let kept = db
        .upsert(&same_name, OnConflict::DoNothing)
        .await
        .map_err(say("upsert"))?;
    let updated = db
        .upsert(&same_name, OnConflict::DoUpdate)
        .await
        .map_err(say("upsert"))?;
    answers.record(
        "upserts of a stored flow's name",
        (
            kept.id == fixture.flows[0].id,
            kept.tags.0,
            updated.id == fixture.flows[0].id,
            updated.tags.0,
        ),
    );

    // A configuration value written, overwritten and deleted.
    let key = format!("{prefix}hot path setting");
    for value in [
        serde_json::json!({"tags": ["a", "ü"], "n": 1}),
        serde_json::json!({"n": 2.5, "none": null}),
    ] {
        db.write_configuration_value(&key, Json(value))
            .await
            .map_err(say("write_configuration_value"))?;
    }
    let read = db
        .read_configuration_value(&key)
        .await
        .map_err(say("read_configuration_value"))?;
    let deleted = db
        .delete_configuration_value(&key)
        .await
        .map_err(say("delete_configuration_value"))?;
    let deleted_again = db
        .delete_configuration_value(&key)
        .await
        .map_err(say("delete_configuration_value"))?;
    answers.record(
        "a configuration value overwritten, then deleted twice",
        (read.map(|json| json.0), deleted, deleted_again),
    );

    // The graph of the first run: three task runs (the second takes the first's result, the
    // third has the second as its parent) and a subflow run under the third, which stands for
    // it in the graph.
    let owner = &fixture.runs[0];
    let tasks = [
        task_run(id(6, 0), owner, "extract", serde_json::json!({}), 1),
        task_run(
            id(6, 1),
            owner,
            "transform",
            serde_json::json!({"rows": [{"input_type": "task_run", "id": id(6, 0)}],
                               "p": [{"input_type": "parameter", "name": "p"}]}),
            2,
        ),
        task_run(
            id(6, 2),
            owner,
            "load",
            serde_json::json!({"__parents__": [{"input_type": "task_run", "id": id(6, 1)}]}),
            3,
        ),
    ];
    for task in &tasks {
        session
            .insert(task)
            .await
            .map_err(say("insert a task run"))?;
    }
    let subflow = &fixture.runs[1];
    session
        .execute(
            "UPDATE flow_run SET parent_task_run_id = $1 WHERE id = $2",
            crate::params![tasks[2].id, subflow.id],
        )
        .await
        .map_err(say("point a subflow run at its task"))?;
    let graph = db
        .flow_run_graph(owner.id, base_time(), 50, 10)
        .await
        .map_err(say("flow_run_graph"))?;
    let sorted = |edges: &[crate::orchestration::GraphEdge]| {
        let mut ids: Vec<Uuid> = edges.iter().map(|edge| edge.id).collect();
        ids.sort();
        ids
    };
    let mut roots = graph.root_node_ids.clone();
    roots.sort();
    let mut nodes: Vec<_> = graph
        .nodes
        .iter()
        .map(|(id, node)| {
            (
                *id,
                node.kind.clone(),
                node.label.clone(),
                node.state_type,
                node.start_time,
                node.end_time,
                sorted(&node.parents),
                sorted(&node.children),
                sorted(&node.encapsulating),
            )
        })
        .collect();
    nodes.sort_by_key(|node| node.0);
    // Not only the same as the reference: the nodes this scenario made (the third task run
    // is its subflow run's node, as in Prefect).
    if nodes.len() != 3 || roots.len() != 2 {
        return Err(format!(
            "flow_run_graph: {} nodes and {} roots, where the run has three task runs (one \
             taking another's result, one with a subflow run): 3 nodes, 2 roots",
            nodes.len(),
            roots.len()
        ));
    }
    answers.record("the first run's graph", (roots, nodes));
    Ok(answers)
}

/// A COMPLETED task run of `run`, `minute` minutes after the base time, with `inputs`.
fn task_run(
    id: Uuid,
    run: &FlowRun,
    name: &str,
    inputs: serde_json::Value,
    minute: i64,
) -> TaskRun {
    let at = base_time() + TimeDelta::minutes(minute);
    TaskRun {
        id,
        created: at,
        updated: at,
        cache_expiration: None,
        cache_key: None,
        dynamic_key: "0".to_owned(),
        empirical_policy: TaskRunPolicy::default(),
        end_time: Some(at + TimeDelta::seconds(30)),
        expected_start_time: Some(at),
        flow_run_id: Some(run.id),
        flow_run_run_count: 0,
        labels: None,
        name: name.to_owned(),
        next_scheduled_start_time: None,
        run_count: 1,
        start_time: Some(at),
        state_id: None,
        state_name: Some("Completed".to_owned()),
        state_timestamp: Some(at),
        state_type: Some(StateType::Completed),
        tags: Json(serde_json::json!([])),
        task_inputs: Json(inputs),
        task_key: format!("{name}-key"),
        task_version: None,
        total_run_time: crate::value::Interval(TimeDelta::seconds(30)),
    }
}

/// The check: the scenario on a scratch SQLite file through the reference plugin, then on the
/// subject, compared step by step.
pub(crate) async fn same_as_sqlite(context: &Context) -> Result<String, String> {
    let reference = match &context.reference {
        Ok(reference) => Arc::clone(reference),
        Err(reason) => return Err(reason.clone()),
    };
    let db = super::checks::db(context)?;
    let file = context.work_dir.path().join("reference.db");
    let url = format!("sqlite:///{}", file.display());
    let reference_db = Arc::new(
        DbInterface::uncached(DatabaseConfig::new(url), reference)
            .map_err(|err| format!("the reference SQLite database: {err}"))?,
    );
    let expected = async {
        reference_db
            .create_database()
            .await
            .map_err(|err| format!("the reference SQLite database: {err}"))?;
        reference_db
            .upgrade("head")
            .await
            .map_err(|err| format!("migrating the reference SQLite database: {err}"))?;
        scenario(&reference_db, &context.prefix)
            .await
            .map_err(|err| {
                format!("on the reference SQLite dialect (a flowdb bug, not the plugin's): {err}")
            })
    }
    .await;
    let _ = reference_db.drop_database().await;
    let expected = expected?;
    let actual = scenario(db, &context.prefix).await?;
    for (index, (want, got)) in expected.steps.iter().zip(&actual.steps).enumerate() {
        if want != got {
            return Err(format!(
                "step {} ({}) differs from SQLite's answer:\n  sqlite: {}\n  {}: {}",
                index + 1,
                want.0,
                want.1,
                context.plugin.name(),
                got.1
            ));
        }
    }
    if expected.steps.len() != actual.steps.len() {
        return Err(format!(
            "{} steps answered, SQLite answered {}",
            actual.steps.len(),
            expected.steps.len()
        ));
    }
    Ok(format!(
        "{} answers the same as SQLite's: polls, state changes, reads in 4 sorts under 7 filters, counts, history, typed reads, upserts, configuration, a run graph",
        actual.steps.len()
    ))
}
