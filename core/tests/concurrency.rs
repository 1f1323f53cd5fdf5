//! The hot path under concurrency: eight writers on one SQLite file lose nothing and never see
//! "database is locked"; eight workers polling and claiming on every dialect claim every run
//! exactly once; a run another transaction holds is left out of the polls, which do not wait.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::HashSet;
use std::sync::Arc;

use chrono::{TimeDelta, Utc};
use common::{interface, temp_dir, with_mysql_database, with_postgres_database};
use flowdb::models::{Flow, FlowRun, Lock, Select, StateType, WorkPool, WorkQueue};
use flowdb::orchestration::{ExpectedState, StateProposal};
use flowdb::queries::components::{
    CountFlowRuns, FlowRunFilter, GetScheduledFlowRunsFromWorkPool,
    GetScheduledFlowRunsFromWorkQueues,
};
use flowdb::{DbInterface, Error};
use uuid::Uuid;

const WRITERS: usize = 8;
const RUNS_PER_WRITER: usize = 60;

async fn setup(db: &DbInterface) -> (Flow, WorkPool, WorkQueue) {
    db.upgrade("head").await.unwrap();
    let session = db.session().await.unwrap();
    let flow = Flow::new("concurrency");
    session.insert(&flow).await.unwrap();
    let mut pool = WorkPool::new("concurrency-pool");
    session.insert(&pool).await.unwrap();
    let queue = WorkQueue::new(pool.id, "default");
    session.insert(&queue).await.unwrap();
    pool.default_queue_id = Some(queue.id);
    session.update(&pool).await.unwrap();
    (flow, pool, queue)
}

/// Eight tasks create runs at once, one transaction per run: every create succeeds (writers
/// wait for SQLite's write lock instead of failing) and every run is there afterwards.
async fn concurrent_writers_lose_nothing(db: Arc<DbInterface>) {
    let (flow, _, queue) = setup(&db).await;
    let mut tasks = Vec::new();
    for writer in 0..WRITERS {
        let db = Arc::clone(&db);
        let queue = queue.clone();
        tasks.push(tokio::spawn(async move {
            let mut errors = Vec::new();
            for index in 0..RUNS_PER_WRITER {
                let run = FlowRun::new(flow.id, format!("w{writer}-{index}"), Utc::now())
                    .in_queue(&queue);
                if let Err(err) = db.create_flow_runs(vec![run], Utc::now()).await {
                    errors.push(err.to_string());
                }
            }
            errors
        }));
    }
    let mut errors = Vec::new();
    for task in tasks {
        errors.extend(task.await.unwrap());
    }
    assert!(
        errors.is_empty(),
        "{} creates failed: {errors:?}",
        errors.len()
    );
    let count = db
        .count_flow_runs(&CountFlowRuns {
            filter: FlowRunFilter {
                state_type_any: Some(vec![StateType::Scheduled]),
                ..Default::default()
            },
        })
        .await
        .unwrap();
    assert_eq!(count as usize, WRITERS * RUNS_PER_WRITER);
}

/// Eight workers poll the pool and claim what they see (SCHEDULED → PENDING, expecting
/// SCHEDULED) until nothing is left: every run is claimed exactly once.
async fn concurrent_claims_are_exactly_once(db: Arc<DbInterface>) {
    let (flow, pool, queue) = setup(&db).await;
    let runs: Vec<FlowRun> = (0..WRITERS * RUNS_PER_WRITER)
        .map(|index| {
            FlowRun::new(
                flow.id,
                format!("c{index}"),
                Utc::now() - TimeDelta::seconds(index as i64),
            )
            .in_queue(&queue)
        })
        .collect();
    let created: HashSet<Uuid> = db
        .create_flow_runs(runs, Utc::now())
        .await
        .unwrap()
        .into_iter()
        .collect();
    let mut workers = Vec::new();
    for worker in 0..WRITERS {
        let db = Arc::clone(&db);
        workers.push(tokio::spawn(async move {
            let poll = GetScheduledFlowRunsFromWorkPool {
                limit: Some(10),
                work_pool_ids: Some(vec![pool.id]),
                ..Default::default()
            };
            let mut claimed = Vec::new();
            let mut unexpected = Vec::new();
            loop {
                let mut runs = db.get_scheduled_flow_runs(&poll).await.unwrap();
                if runs.is_empty() {
                    break;
                }
                let turn = worker % runs.len();
                runs.rotate_left(turn);
                for run in runs {
                    match db
                        .set_flow_run_state(
                            run.flow_run.id,
                            StateProposal::new(StateType::Pending),
                            Some(ExpectedState::Type(Some(StateType::Scheduled))),
                        )
                        .await
                    {
                        Ok(_) => claimed.push(run.flow_run.id),
                        Err(Error::StateConflict { .. }) => {}
                        Err(err) => unexpected.push(err.to_string()),
                    }
                }
            }
            (claimed, unexpected)
        }));
    }
    let mut seen = HashSet::new();
    let mut twice = Vec::new();
    for worker in workers {
        let (claimed, unexpected) = worker.await.unwrap();
        assert!(unexpected.is_empty(), "{unexpected:?}");
        for id in claimed {
            if !seen.insert(id) {
                twice.push(id);
            }
        }
    }
    assert!(twice.is_empty(), "claimed twice: {twice:?}");
    assert_eq!(seen, created, "every run claimed");
}

/// Eight tasks run units of work that read before they write (the shape that made Prefect's
/// SQLite creates fail with "database is locked": a deferred transaction that has read cannot
/// take the write lock once another writer has committed). The plugin starts every unit that
/// writes with `BEGIN IMMEDIATE`, so they queue for the lock and all succeed.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_read_then_write_units_are_never_locked_out() {
    let url = format!(
        "sqlite:///{}",
        temp_dir("read-write").join("c.db").display()
    );
    let db = interface(&url);
    db.upgrade("head").await.unwrap();
    let database = db.database().await.unwrap();
    let mut tasks = Vec::new();
    for task in 0..WRITERS {
        let database = Arc::clone(&database);
        tasks.push(tokio::spawn(async move {
            let mut errors = Vec::new();
            for index in 0..RUNS_PER_WRITER {
                let flow = Flow::new(format!("f{task}-{index}"));
                let statements = vec![
                    flowdb::Statement::new("SELECT count(*) AS n FROM flow", vec![]),
                    flowdb::Statement::new(
                        "INSERT INTO flow (id, created, updated, name, tags) VALUES ($1, $2, $2, $3, '[]')",
                        flowdb::params![flow.id, flow.created, flow.name.as_str()],
                    ),
                ];
                if let Err(err) = database.run_unit_of_work(statements, false).await {
                    errors.push(err.to_string());
                }
            }
            errors
        }));
    }
    let mut errors = Vec::new();
    for task in tasks {
        errors.extend(task.await.unwrap());
    }
    assert!(
        errors.is_empty(),
        "{} units failed: {:?}",
        errors.len(),
        &errors[..errors.len().min(3)]
    );
    let rows = database
        .fetch_all("SELECT count(*) AS n FROM flow", vec![])
        .await
        .unwrap();
    assert_eq!(
        rows.row(0).unwrap().get::<i64>("n").unwrap() as usize,
        WRITERS * RUNS_PER_WRITER
    );
}

/// A run another transaction holds (here a `FOR UPDATE` read, as a claim in progress) is left
/// out of both polls, which return the other runs without waiting for it; once the holder
/// ends, the run is polled again.
async fn a_held_run_is_left_out_of_the_polls(db: Arc<DbInterface>) {
    let (flow, pool, queue) = setup(&db).await;
    let runs: Vec<FlowRun> = (0..3_i64)
        .map(|index| {
            FlowRun::new(
                flow.id,
                format!("held{index}"),
                Utc::now() - TimeDelta::seconds(10 - index),
            )
            .in_queue(&queue)
        })
        .collect();
    let ids = db.create_flow_runs(runs, Utc::now()).await.unwrap();
    assert_eq!(ids.len(), 3);
    let held = ids[0];
    let worker_poll = GetScheduledFlowRunsFromWorkPool {
        work_pool_ids: Some(vec![pool.id]),
        ..Default::default()
    };
    let queue_poll = GetScheduledFlowRunsFromWorkQueues {
        work_queue_ids: Some(vec![queue.id]),
        ..Default::default()
    };
    let mut holder = db
        .session()
        .await
        .unwrap()
        .begin_transaction(true)
        .await
        .unwrap();
    let locked = Select::<FlowRun>::new()
        .filter(FlowRun::id.eq(held))
        .for_update(Lock::Wait)
        .fetch_in(&db, &mut holder)
        .await
        .unwrap();
    assert_eq!(locked.len(), 1);
    let patience = std::time::Duration::from_secs(10);
    let polled: HashSet<Uuid> =
        tokio::time::timeout(patience, db.get_scheduled_flow_runs(&worker_poll))
            .await
            .expect("the worker poll waited for the held run")
            .unwrap()
            .into_iter()
            .map(|run| run.flow_run.id)
            .collect();
    assert_eq!(polled, ids[1..].iter().copied().collect(), "held: {held}");
    let by_queue: HashSet<Uuid> = tokio::time::timeout(
        patience,
        db.get_scheduled_flow_runs_from_work_queues(&queue_poll),
    )
    .await
    .expect("the work-queue poll waited for the held run")
    .unwrap()
    .into_iter()
    .map(|run| run.flow_run.id)
    .collect();
    assert_eq!(by_queue, ids[1..].iter().copied().collect(), "held: {held}");
    holder.rollback().await.unwrap();
    let after = db.get_scheduled_flow_runs(&worker_poll).await.unwrap();
    assert_eq!(after.len(), 3, "the run is polled again once released");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_polls_leave_out_a_held_run() {
    with_postgres_database(|url| async move {
        a_held_run_is_left_out_of_the_polls(interface(&url)).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn mysql_polls_leave_out_a_held_run() {
    with_mysql_database(|url| async move {
        a_held_run_is_left_out_of_the_polls(interface(&url)).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn mysql_concurrent_writers_lose_nothing() {
    with_mysql_database(|url| async move {
        concurrent_writers_lose_nothing(interface(&url)).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn mysql_concurrent_claims_are_exactly_once() {
    with_mysql_database(|url| async move {
        concurrent_claims_are_exactly_once(interface(&url)).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_concurrent_writers_are_never_locked_out() {
    let url = format!("sqlite:///{}", temp_dir("writers").join("c.db").display());
    concurrent_writers_lose_nothing(interface(&url)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_concurrent_writers_lose_nothing() {
    with_postgres_database(|url| async move {
        concurrent_writers_lose_nothing(interface(&url)).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_concurrent_claims_are_exactly_once() {
    let url = format!("sqlite:///{}", temp_dir("claims").join("c.db").display());
    concurrent_claims_are_exactly_once(interface(&url)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_concurrent_claims_are_exactly_once() {
    with_postgres_database(|url| async move {
        concurrent_claims_are_exactly_once(interface(&url)).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_through_pgbouncer_lose_nothing() {
    common::pgbouncer::with_database_behind_pgbouncer(|url| async move {
        concurrent_writers_lose_nothing(interface(&url)).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_claims_through_pgbouncer_are_exactly_once() {
    common::pgbouncer::with_database_behind_pgbouncer(|url| async move {
        concurrent_claims_are_exactly_once(interface(&url)).await;
    })
    .await;
}
