//! The orchestration hot path end to end on both dialects: create runs, poll, claim, read,
//! count, history, graph and configuration, through the real plugins, with the same answers
//! from SQLite and PostgreSQL.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use common::{interface, temp_dir, with_postgres_database};
use flowdb::models::{Deployment, Flow, FlowRun, StateType, WorkPool, WorkQueue};
use flowdb::orchestration::{ExpectedState, StateProposal, earliest_possible_datetime};
use flowdb::queries::components::{
    CountFlowRuns, FlowRunFilter, FlowRunHistory, GetScheduledFlowRunsFromWorkPool,
    GetScheduledFlowRunsFromWorkQueues, ReadFlowRuns,
};
use flowdb::value::Json;
use flowdb::{DbInterface, Error};
use uuid::Uuid;

/// What the scenario saw, compared across dialects.
#[derive(Debug, PartialEq)]
struct Observed {
    created: usize,
    worker_poll: Vec<Uuid>,
    queue_poll: Vec<Uuid>,
    read_scheduled: Vec<Uuid>,
    count_scheduled: u64,
    pending_after_claim: Vec<Uuid>,
    history: Vec<(i64, String, i64)>,
    graph_states: Vec<String>,
    configuration: Option<serde_json::Value>,
}

/// A fixed "now" so both dialects see the same times.
fn base_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).unwrap()
}

struct Setup {
    flow: Flow,
    pool: WorkPool,
    queue: WorkQueue,
    deployment: Deployment,
}

async fn setup(db: &DbInterface) -> Setup {
    db.upgrade("head").await.unwrap();
    let session = db.session().await.unwrap();
    let flow = Flow::new("hot-path-flow");
    session.insert(&flow).await.unwrap();
    let mut pool = WorkPool::new("hot-path-pool");
    session.insert(&pool).await.unwrap();
    let queue = WorkQueue::new(pool.id, "default");
    session.insert(&queue).await.unwrap();
    pool.default_queue_id = Some(queue.id);
    session.update(&pool).await.unwrap();
    let mut deployment = Deployment::new(flow.id, "hot-path-deployment");
    deployment.work_queue_id = Some(queue.id);
    deployment.work_queue_name = Some(queue.name.clone());
    session.insert(&deployment).await.unwrap();
    Setup {
        flow,
        pool,
        queue,
        deployment,
    }
}

fn runs(setup: &Setup, count: usize) -> Vec<FlowRun> {
    (0..count)
        .map(|index| {
            let mut run = FlowRun::new(
                setup.flow.id,
                format!("run-{index:03}"),
                base_time() + TimeDelta::seconds(60 * index as i64 + 30),
            )
            .in_queue(&setup.queue);
            run.deployment_id = Some(setup.deployment.id);
            run.id = Uuid::from_u128(0x1000 + index as u128);
            run
        })
        .collect()
}

async fn scenario(db: Arc<DbInterface>) -> Observed {
    let setup = setup(&db).await;
    let created = db
        .create_flow_runs(runs(&setup, 40), base_time())
        .await
        .unwrap();
    assert_eq!(created.len(), 40);

    let worker_poll: Vec<Uuid> = db
        .get_scheduled_flow_runs(&GetScheduledFlowRunsFromWorkPool {
            limit: Some(10),
            work_pool_ids: Some(vec![setup.pool.id]),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_iter()
        .map(|run| {
            assert_eq!(run.work_pool_id, setup.pool.id);
            assert_eq!(run.work_queue_id, setup.queue.id);
            assert_eq!(run.flow_run.state_type, Some(StateType::Scheduled));
            assert!(run.flow_run.state_id.is_some(), "state_id set on create");
            run.flow_run.id
        })
        .collect();
    let queue_poll: Vec<Uuid> = db
        .get_scheduled_flow_runs_from_work_queues(&GetScheduledFlowRunsFromWorkQueues {
            limit_per_queue: Some(5),
            work_queue_ids: Some(vec![setup.queue.id]),
            scheduled_before: Some(base_time() + TimeDelta::hours(2)),
        })
        .await
        .unwrap()
        .into_iter()
        .map(|run| run.flow_run.id)
        .collect();

    // Two workers claim the first run; exactly one wins.
    let first = worker_poll[0];
    let claim = |db: Arc<DbInterface>| async move {
        db.set_flow_run_state(
            first,
            StateProposal::new(StateType::Pending),
            Some(ExpectedState::Type(Some(StateType::Scheduled))),
        )
        .await
    };
    let (a, b) = tokio::join!(claim(Arc::clone(&db)), claim(Arc::clone(&db)));
    let (won, lost) = match (a, b) {
        (Ok(state), Err(err)) | (Err(err), Ok(state)) => (state, err),
        other => panic!("expected one claim to win and one to conflict, got {other:?}"),
    };
    assert!(
        matches!(
            lost,
            Error::StateConflict {
                current_state_type: Some(StateType::Pending),
                ..
            }
        ),
        "{lost}"
    );
    let missing = db
        .set_flow_run_state(Uuid::nil(), StateProposal::new(StateType::Pending), None)
        .await
        .unwrap_err();
    assert!(
        matches!(missing, Error::FlowRunNotFound { .. }),
        "{missing}"
    );

    let scheduled = FlowRunFilter {
        state_type_any: Some(vec![StateType::Scheduled]),
        ..Default::default()
    };
    let read_scheduled: Vec<Uuid> = db
        .read_flow_runs(&ReadFlowRuns {
            filter: scheduled.clone(),
            sort: Some("NEXT_SCHEDULED_START_TIME_ASC".into()),
            limit: Some(200),
            offset: None,
        })
        .await
        .unwrap()
        .into_iter()
        .map(|run| run.id)
        .collect();
    let count_scheduled = db
        .count_flow_runs(&CountFlowRuns { filter: scheduled })
        .await
        .unwrap();
    let pending = db
        .read_flow_runs(&ReadFlowRuns {
            filter: FlowRunFilter {
                state_type_any: Some(vec![StateType::Pending]),
                ..Default::default()
            },
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].state_id, Some(won));
    assert_eq!(pending[0].next_scheduled_start_time, None);

    let history = db
        .flow_run_history(&FlowRunHistory {
            filter: FlowRunFilter::default(),
            history_start: base_time(),
            history_end: base_time() + TimeDelta::hours(1),
            history_interval: TimeDelta::minutes(1),
            now: base_time(),
        })
        .await
        .unwrap();
    assert_eq!(history.len(), 60);
    let history = history
        .iter()
        .enumerate()
        .flat_map(|(index, interval)| {
            interval
                .states
                .iter()
                .map(move |state| (index as i64, state.state_name.clone(), state.count_runs))
        })
        .collect();

    let graph = db
        .flow_run_graph(first, earliest_possible_datetime(), 100, 100)
        .await
        .unwrap();
    let graph_states = graph
        .states
        .iter()
        .map(|state| state.name.clone())
        .collect();

    db.write_configuration_value("hot-path", Json(serde_json::json!({"a": 1})))
        .await
        .unwrap();
    db.write_configuration_value("hot-path", Json(serde_json::json!({"a": 2})))
        .await
        .unwrap();
    let configuration = db
        .read_configuration_value("hot-path")
        .await
        .unwrap()
        .map(|json| json.0);
    assert!(db.delete_configuration_value("hot-path").await.unwrap());
    assert_eq!(db.read_configuration_value("hot-path").await.unwrap(), None);

    Observed {
        created: created.len(),
        worker_poll,
        queue_poll,
        read_scheduled,
        count_scheduled,
        pending_after_claim: pending.iter().map(|run| run.id).collect(),
        history,
        graph_states,
        configuration,
    }
}

fn expected(observed: &Observed) {
    let ids: Vec<Uuid> = (0..40)
        .map(|index| Uuid::from_u128(0x1000 + index))
        .collect();
    assert_eq!(observed.created, 40);
    assert_eq!(observed.worker_poll, ids[..10]);
    assert_eq!(observed.queue_poll, ids[..5]);
    assert_eq!(observed.read_scheduled, ids[1..]);
    assert_eq!(observed.count_scheduled, 39);
    assert_eq!(observed.pending_after_claim, ids[..1]);
    assert_eq!(observed.history.len(), 40);
    assert_eq!(observed.history[0], (0, "Pending".to_owned(), 1));
    assert_eq!(observed.history[1], (1, "Scheduled".to_owned(), 1));
    assert_eq!(observed.graph_states, ["Scheduled", "Pending"]);
    assert_eq!(observed.configuration, Some(serde_json::json!({"a": 2})));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hot_path_on_both_dialects_gives_the_same_answers() {
    let dir = temp_dir("hot-path");
    let sqlite = scenario(interface(&format!(
        "sqlite:///{}",
        dir.join("hot.db").display()
    )))
    .await;
    expected(&sqlite);
    let slot = std::sync::Mutex::new(None);
    let slot_ref = &slot;
    with_postgres_database(|url| async move {
        let observed = scenario(interface(&url)).await;
        *slot_ref.lock().unwrap() = Some(observed);
    })
    .await;
    let postgres = slot.into_inner().unwrap().unwrap();
    expected(&postgres);
    assert_eq!(sqlite, postgres);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hot_path_through_pgbouncer_in_transaction_mode() {
    common::pgbouncer::with_database_behind_pgbouncer(|url| async move {
        expected(&scenario(interface(&url)).await);
    })
    .await;
}

/// A run's columns follow its states as Prefect's global flow policy sets them, to the
/// microsecond, on both dialects.
async fn run_columns_follow_states(db: Arc<DbInterface>) {
    let setup = setup(&db).await;
    let run = runs(&setup, 1).remove(0);
    let id = run.id;
    db.create_flow_runs(vec![run], base_time()).await.unwrap();
    let at = |micros: i64| base_time() + TimeDelta::microseconds(micros);
    let move_to = |state_type: StateType, micros: i64| {
        let db = Arc::clone(&db);
        async move {
            let mut state = StateProposal::new(state_type);
            state.timestamp = at(micros);
            db.set_flow_run_state(id, state, None).await.unwrap()
        }
    };
    move_to(StateType::Pending, 1_000_001).await;
    move_to(StateType::Running, 7_123_457).await;
    move_to(StateType::Completed, 14_370_371).await;
    let read = || async {
        db.read_flow_runs(&ReadFlowRuns {
            filter: FlowRunFilter {
                id_any: Some(vec![id]),
                ..Default::default()
            },
            ..Default::default()
        })
        .await
        .unwrap()
        .remove(0)
    };
    let done = read().await;
    assert_eq!(done.state_type, Some(StateType::Completed));
    assert_eq!(done.start_time, Some(at(7_123_457)));
    assert_eq!(done.end_time, Some(at(14_370_371)));
    assert_eq!(done.run_count, 1);
    assert_eq!(
        done.total_run_time.0,
        TimeDelta::microseconds(14_370_371 - 7_123_457)
    );
    assert_eq!(done.next_scheduled_start_time, None);
    // A retry: RUNNING again clears the end time; its run time adds up.
    move_to(StateType::Running, 20_000_003).await;
    let running = read().await;
    assert_eq!((running.end_time, running.run_count), (None, 2));
    move_to(StateType::Completed, 21_500_000).await;
    let again = read().await;
    assert_eq!(
        again.total_run_time.0,
        TimeDelta::microseconds(14_370_371 - 7_123_457 + 21_500_000 - 20_000_003)
    );
    // A SCHEDULED state carries its scheduled time, which becomes the next start.
    let state = move_to(StateType::Scheduled, 30_000_000).await;
    let scheduled = read().await;
    assert_eq!(scheduled.next_scheduled_start_time, Some(at(30_000_000)));
    let session = db.session().await.unwrap();
    let row: flowdb::models::FlowRunState = session
        .get(vec![flowdb::value::Value::Uuid(state.into_bytes())])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.state_details.scheduled_time, Some(at(30_000_000)));
    assert_eq!(row.state_details.flow_run_id, Some(id));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_columns_follow_states_on_both_dialects() {
    let dir = temp_dir("run-columns");
    run_columns_follow_states(interface(&format!(
        "sqlite:///{}",
        dir.join("c.db").display()
    )))
    .await;
    with_postgres_database(|url| async move { run_columns_follow_states(interface(&url)).await })
        .await;
}

/// A run created in its first state has the columns the SQL policy gives a stateless run moved
/// into that state, for every state type, on both dialects; run and state are both stored.
async fn first_states_match_the_policy(db: Arc<DbInterface>) {
    let setup = setup(&db).await;
    let session = db.session().await.unwrap();
    for (index, state_type) in StateType::ALL.iter().copied().enumerate() {
        let at = base_time() + TimeDelta::microseconds(1_000_003 * (index as i64 + 1));
        let proposal = || {
            let mut state = StateProposal::new(state_type);
            state.timestamp = at;
            state
        };
        let mut created = runs(&setup, 1).remove(0);
        created.id = Uuid::new_v4();
        created.expected_start_time = None;
        let created = db.create_flow_run(created, proposal()).await.unwrap();
        let mut moved = runs(&setup, 1).remove(0);
        moved.id = Uuid::new_v4();
        moved.expected_start_time = None;
        session.insert(&moved).await.unwrap();
        db.set_flow_run_state(moved.id, proposal(), Some(ExpectedState::Type(None)))
            .await
            .unwrap();
        let read = |id: Uuid| {
            let db = Arc::clone(&db);
            async move {
                flowdb::models::Select::<FlowRun>::new()
                    .filter(FlowRun::id.eq(id))
                    .fetch(&db)
                    .await
            }
        };
        let stored = read(created.id).await.unwrap().remove(0);
        assert_eq!(stored, created, "{state_type}: returned as stored");
        let by_policy = read(moved.id).await.unwrap().remove(0);
        let columns = |run: &FlowRun| {
            (
                run.state_type,
                run.state_name.clone(),
                run.state_timestamp,
                run.start_time,
                run.end_time,
                run.run_count,
                run.expected_start_time,
                run.next_scheduled_start_time,
                run.total_run_time,
            )
        };
        assert_eq!(columns(&created), columns(&by_policy), "{state_type}");
        let state: flowdb::models::FlowRunState = session
            .get(vec![flowdb::value::Value::Uuid(
                created.state_id.unwrap().into_bytes(),
            )])
            .await
            .unwrap()
            .expect("the first state is stored");
        assert_eq!((state.type_, state.timestamp), (state_type, at));
        assert_eq!(state.state_details.flow_run_id, Some(created.id));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_states_match_the_policy_on_both_dialects() {
    let dir = temp_dir("first-states");
    first_states_match_the_policy(interface(&format!(
        "sqlite:///{}",
        dir.join("f.db").display()
    )))
    .await;
    with_postgres_database(
        |url| async move { first_states_match_the_policy(interface(&url)).await },
    )
    .await;
}

/// `create_flow_run` as Prefect's: a run whose idempotency key its flow already used is not
/// created again (the stored run comes back, its state untouched), and a SCHEDULED first state
/// without a time is scheduled for the run's expected start, to the microsecond.
async fn create_flow_run_keys_and_schedules(db: Arc<DbInterface>) {
    let setup = setup(&db).await;
    let expected = base_time() + TimeDelta::microseconds(86_400_000_000 + 123_457);
    let mut run = FlowRun::new(setup.flow.id, "keyed", expected);
    run.idempotency_key = Some("nightly-2026-12-04".to_owned());
    let first = db
        .create_flow_run(run.clone(), StateProposal::new(StateType::Scheduled))
        .await
        .unwrap();
    assert_eq!(first.next_scheduled_start_time, first.expected_start_time);
    assert_eq!(first.expected_start_time, Some(expected));
    let mut again = run.clone();
    again.id = Uuid::new_v4();
    let second = db
        .create_flow_run(again, StateProposal::new(StateType::Running))
        .await
        .unwrap();
    assert_eq!(second, first, "the stored run, untouched");
    let states = flowdb::models::Select::<flowdb::models::FlowRunState>::new()
        .filter(flowdb::models::FlowRunState::flow_run_id.eq(first.id))
        .count(&db)
        .await
        .unwrap();
    assert_eq!(states, 1);
    let stored = flowdb::models::Select::<FlowRun>::new()
        .filter(FlowRun::idempotency_key.eq("nightly-2026-12-04"))
        .fetch(&db)
        .await
        .unwrap();
    assert_eq!(stored, vec![first]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_flow_run_keys_and_schedules_on_both_dialects() {
    let dir = temp_dir("keyed-runs");
    create_flow_run_keys_and_schedules(interface(&format!(
        "sqlite:///{}",
        dir.join("k.db").display()
    )))
    .await;
    with_postgres_database(|url| async move {
        create_flow_run_keys_and_schedules(interface(&url)).await
    })
    .await;
}
