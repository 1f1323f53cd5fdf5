//! Typed reads (`flowdb::models::Select`): generated filters, sorts and pages give the same
//! rows on SQLite and PostgreSQL as the same filter evaluated in Rust (SQL's three-valued logic
//! and the documented NULL order included); counts and group counts agree; row locks behave
//! as each dialect decides them; bad reads are refused with a message.
#![allow(clippy::unwrap_used)]

mod common;

use std::cmp::Ordering;
use std::sync::Arc;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use common::{interface, temp_dir, with_postgres_database};
use flowdb::DbInterface;
use flowdb::models::{Filter, Flow, FlowRun, Lock, Select, StateType};
use flowdb::value::Json;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

const NAMES: &[&str] = &["a", "ab", "b", "b1", "c", "d2", "e"];
const TAGS: &[&str] = &["x", "y", "z"];
const STATES: &[Option<StateType>] = &[
    None,
    Some(StateType::Scheduled),
    Some(StateType::Pending),
    Some(StateType::Running),
    Some(StateType::Completed),
];

fn time(minute: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_790_000_000, 0).unwrap() + TimeDelta::microseconds(minute * 60_000_123)
}

/// 90 runs with every combination the filters look at: NULL and non-NULL states, expected
/// times, queues; names and counts that repeat, so sorts have ties.
fn generated_runs(flow_id: uuid::Uuid) -> Vec<FlowRun> {
    (0..90i64)
        .map(|n| {
            let mut run = FlowRun::new(flow_id, NAMES[(n * 5 % 7) as usize], time(n % 17));
            run.id = uuid::Uuid::from_u128(0x1000 + (n as u128 * 7919) % 1009);
            run.state_type = STATES[(n % 5) as usize];
            run.run_count = (n % 4) as i32;
            if n % 6 == 0 {
                run.expected_start_time = None;
            }
            run.work_queue_name = (n % 3 != 0).then(|| format!("q{}", n % 2));
            let tags: Vec<&str> = TAGS
                .iter()
                .enumerate()
                .filter(|(i, _)| (n >> i) & 1 == 1)
                .map(|(_, tag)| *tag)
                .collect();
            run.tags = Json(serde_json::json!(tags));
            run
        })
        .collect()
}

/// A filter, both as flowdb builds it and as Rust evaluates it.
#[derive(Debug, Clone)]
enum Spec {
    StateEq(Option<StateType>),
    StateNe(Option<StateType>),
    StateIn(Vec<Option<StateType>>),
    StateNotIn(Vec<Option<StateType>>),
    NameLt(&'static str),
    NameGe(&'static str),
    RunCountEq(i32),
    ExpectedLe(i64),
    ExpectedGt(i64),
    QueueNull(bool),
    QueueEq(&'static str),
    TagsAll(Vec<&'static str>),
    TagsAny(Vec<&'static str>),
    And(Box<Spec>, Box<Spec>),
    Or(Box<Spec>, Box<Spec>),
    Not(Box<Spec>),
}

fn spec() -> impl Strategy<Value = Spec> {
    let state = proptest::sample::select(STATES.to_vec());
    let states = proptest::sample::subsequence(STATES.to_vec(), 0..=3);
    let name = proptest::sample::select(NAMES.to_vec());
    let tags = proptest::sample::subsequence(TAGS.to_vec(), 0..=3);
    let leaf = prop_oneof![
        state.clone().prop_map(Spec::StateEq),
        state.prop_map(Spec::StateNe),
        states.clone().prop_map(Spec::StateIn),
        states.prop_map(Spec::StateNotIn),
        name.clone().prop_map(Spec::NameLt),
        name.prop_map(Spec::NameGe),
        (0..4i32).prop_map(Spec::RunCountEq),
        (0..17i64).prop_map(Spec::ExpectedLe),
        (0..17i64).prop_map(Spec::ExpectedGt),
        any::<bool>().prop_map(Spec::QueueNull),
        proptest::sample::select(vec!["q0", "q1"]).prop_map(Spec::QueueEq),
        tags.clone().prop_map(Spec::TagsAll),
        tags.prop_map(Spec::TagsAny),
    ];
    leaf.prop_recursive(3, 12, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Spec::And(Box::new(a), Box::new(b))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Spec::Or(Box::new(a), Box::new(b))),
            inner.prop_map(|a| Spec::Not(Box::new(a))),
        ]
    })
}

impl Spec {
    fn filter(&self) -> Filter<FlowRun> {
        match self {
            Spec::StateEq(state) => FlowRun::state_type.eq(*state),
            Spec::StateNe(state) => FlowRun::state_type.ne(*state),
            Spec::StateIn(states) => FlowRun::state_type.is_in(states.clone()),
            Spec::StateNotIn(states) => FlowRun::state_type.is_not_in(states.clone()),
            Spec::NameLt(name) => FlowRun::name.lt(*name),
            Spec::NameGe(name) => FlowRun::name.ge(*name),
            Spec::RunCountEq(count) => FlowRun::run_count.eq(*count),
            Spec::ExpectedLe(minute) => FlowRun::expected_start_time.le(time(*minute)),
            Spec::ExpectedGt(minute) => FlowRun::expected_start_time.gt(time(*minute)),
            Spec::QueueNull(true) => FlowRun::work_queue_name.is_null(),
            Spec::QueueNull(false) => FlowRun::work_queue_name.is_not_null(),
            Spec::QueueEq(queue) => FlowRun::work_queue_name.eq(*queue),
            Spec::TagsAll(tags) => FlowRun::tags.json_has_all(tags.clone()),
            Spec::TagsAny(tags) => FlowRun::tags.json_has_any(tags.clone()),
            Spec::And(a, b) => a.filter().and(b.filter()),
            Spec::Or(a, b) => a.filter().or(b.filter()),
            Spec::Not(a) => a.filter().not(),
        }
    }

    /// SQL's answer for `run`: `None` is unknown (a comparison with NULL).
    fn holds(&self, run: &FlowRun) -> Option<bool> {
        let tags: Vec<String> = serde_json::from_value(run.tags.0.clone()).unwrap();
        let has = |tag: &&str| tags.iter().any(|have| have == tag);
        match self {
            Spec::StateEq(None) => Some(run.state_type.is_none()),
            Spec::StateNe(None) => Some(run.state_type.is_some()),
            Spec::StateEq(Some(state)) => run.state_type.map(|have| have == *state),
            Spec::StateNe(Some(state)) => run.state_type.map(|have| have != *state),
            Spec::StateIn(states) if states.is_empty() => Some(false),
            Spec::StateNotIn(states) if states.is_empty() => Some(true),
            // A None among the values means "or NULL" / "and not NULL".
            Spec::StateIn(states) => match run.state_type {
                None => states.contains(&None).then_some(true),
                have => Some(states.contains(&have)),
            },
            Spec::StateNotIn(states) => match run.state_type {
                None => states.contains(&None).then_some(false),
                have => Some(!states.contains(&have)),
            },
            Spec::NameLt(name) => Some(run.name.as_str() < *name),
            Spec::NameGe(name) => Some(run.name.as_str() >= *name),
            Spec::RunCountEq(count) => Some(run.run_count == *count),
            Spec::ExpectedLe(minute) => run.expected_start_time.map(|at| at <= time(*minute)),
            Spec::ExpectedGt(minute) => run.expected_start_time.map(|at| at > time(*minute)),
            Spec::QueueNull(null) => Some(run.work_queue_name.is_none() == *null),
            Spec::QueueEq(queue) => run.work_queue_name.as_ref().map(|have| have == queue),
            Spec::TagsAll(wanted) => Some(wanted.iter().all(has)),
            Spec::TagsAny(wanted) => Some(wanted.iter().any(has)),
            Spec::And(a, b) => match (a.holds(run), b.holds(run)) {
                (Some(false), _) | (_, Some(false)) => Some(false),
                (Some(true), Some(true)) => Some(true),
                _ => None,
            },
            Spec::Or(a, b) => match (a.holds(run), b.holds(run)) {
                (Some(true), _) | (_, Some(true)) => Some(true),
                (Some(false), Some(false)) => Some(false),
                _ => None,
            },
            Spec::Not(a) => a.holds(run).map(|holds| !holds),
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum SortSpec {
    NameAsc,
    NameDesc,
    ExpectedAsc,
    ExpectedDesc,
    RunCountDesc,
}

impl SortSpec {
    fn apply(self, select: Select<FlowRun>) -> Select<FlowRun> {
        select.order_by(match self {
            SortSpec::NameAsc => FlowRun::name.asc(),
            SortSpec::NameDesc => FlowRun::name.desc(),
            SortSpec::ExpectedAsc => FlowRun::expected_start_time.asc(),
            SortSpec::ExpectedDesc => FlowRun::expected_start_time.desc(),
            SortSpec::RunCountDesc => FlowRun::run_count.desc(),
        })
    }

    /// The documented order: NULLs last ascending, first descending.
    fn compare(self, a: &FlowRun, b: &FlowRun) -> Ordering {
        fn nulls_last<T: Ord>(a: &Option<T>, b: &Option<T>) -> Ordering {
            match (a, b) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Greater,
                (Some(_), None) => Ordering::Less,
                (Some(a), Some(b)) => a.cmp(b),
            }
        }
        match self {
            SortSpec::NameAsc => a.name.cmp(&b.name),
            SortSpec::NameDesc => b.name.cmp(&a.name),
            SortSpec::ExpectedAsc => nulls_last(&a.expected_start_time, &b.expected_start_time),
            SortSpec::ExpectedDesc => nulls_last(&b.expected_start_time, &a.expected_start_time),
            SortSpec::RunCountDesc => b.run_count.cmp(&a.run_count),
        }
    }
}

async fn populated(db: &Arc<DbInterface>) -> Vec<FlowRun> {
    db.upgrade("head").await.unwrap();
    let flow = Flow::new("select");
    let session = db.session().await.unwrap();
    session.insert(&flow).await.unwrap();
    let runs = generated_runs(flow.id);
    for run in &runs {
        session.insert(run).await.unwrap();
    }
    runs
}

fn ids(runs: &[FlowRun]) -> Vec<uuid::Uuid> {
    runs.iter().map(|run| run.id).collect()
}

/// SQLite, PostgreSQL and Rust agree on every generated read.
#[test]
fn generated_reads_agree_on_both_dialects_and_with_rust() {
    // The property runner is synchronous, so this test drives one runtime by hand and makes
    // (and always drops) its PostgreSQL database itself.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let name = format!(
        "flowdb_test_select_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_micros()
    );
    let url = common::with_database(&common::postgres_admin_url(), &name);
    let postgres = interface(&url);
    runtime.block_on(postgres.create_database()).unwrap();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        generated_reads(&runtime, &postgres)
    }));
    runtime.block_on(postgres.drop_database()).unwrap();
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

fn generated_reads(runtime: &tokio::runtime::Runtime, postgres: &Arc<DbInterface>) {
    let sqlite = interface(&format!(
        "sqlite:///{}",
        temp_dir("select").join("flowdb.db").display()
    ));
    let runs = runtime.block_on(populated(postgres));
    assert_eq!(ids(&runtime.block_on(populated(&sqlite))), ids(&runs));
    let cases: u32 = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(150);
    let config = Config {
        cases,
        ..Config::default()
    };
    // A fixed seed keeps the test command deterministic; FLOWDB_SELECT_RANDOM=1 draws afresh.
    let mut runner = if std::env::var("FLOWDB_SELECT_RANDOM").is_ok_and(|value| value == "1") {
        TestRunner::new(config)
    } else {
        TestRunner::new_with_rng(
            config,
            proptest::test_runner::TestRng::deterministic_rng(
                proptest::test_runner::RngAlgorithm::ChaCha,
            ),
        )
    };
    let sorts = proptest::sample::subsequence(
        vec![
            SortSpec::NameAsc,
            SortSpec::NameDesc,
            SortSpec::ExpectedAsc,
            SortSpec::ExpectedDesc,
            SortSpec::RunCountDesc,
        ],
        0..=2,
    );
    let strategy = (
        proptest::option::of(spec()),
        sorts,
        proptest::option::of(0u64..40),
        proptest::option::of(0u64..30),
    );
    let outcome = runner.run(&strategy, |(filter, sorts, limit, offset)| {
        let mut select = Select::<FlowRun>::new();
        let mut expected: Vec<FlowRun> = runs.clone();
        if let Some(filter) = &filter {
            select = select.filter(filter.filter());
            expected.retain(|run| filter.holds(run) == Some(true));
        }
        let count = expected.len() as u64;
        for sort in &sorts {
            select = sort.apply(select);
        }
        expected.sort_by(|a, b| {
            sorts
                .iter()
                .map(|sort| sort.compare(a, b))
                .find(|order| order.is_ne())
                .unwrap_or_else(|| a.id.cmp(&b.id))
        });
        let skip = offset.unwrap_or(0) as usize;
        let take = limit.map_or(usize::MAX, |limit| limit as usize);
        let expected: Vec<uuid::Uuid> = ids(&expected).into_iter().skip(skip).take(take).collect();
        if let Some(limit) = limit {
            select = select.limit(limit);
        }
        if let Some(offset) = offset {
            select = select.offset(offset);
        }
        let (on_postgres, on_sqlite, counts) = runtime.block_on(async {
            (
                select.fetch(postgres).await.unwrap(),
                select.fetch(&sqlite).await.unwrap(),
                (
                    select.count(postgres).await.unwrap(),
                    select.count(&sqlite).await.unwrap(),
                ),
            )
        });
        prop_assert_eq!(&ids(&on_postgres), &expected, "PostgreSQL");
        prop_assert_eq!(&ids(&on_sqlite), &expected, "SQLite");
        prop_assert_eq!(counts, (count, count), "counts");
        Ok(())
    });
    if let Err(failure) = outcome {
        panic!("{failure}");
    }

    // Group counts: the same groups (PostgreSQL orders an enum by its declaration, SQLite by
    // its text, so compare them sorted).
    let mut groups = Vec::new();
    for db in [postgres, &sqlite] {
        let mut by_state = runtime
            .block_on(
                Select::<FlowRun>::new()
                    .filter(FlowRun::run_count.ge(1))
                    .count_by(FlowRun::state_type, db),
            )
            .unwrap();
        by_state.sort_by_key(|(state, _)| state.map(StateType::as_str));
        groups.push(by_state);
    }
    assert_eq!(groups[0], groups[1]);
    let total: u64 = groups[0].iter().map(|(_, count)| count).sum();
    assert_eq!(
        total,
        runs.iter().filter(|run| run.run_count >= 1).count() as u64
    );
    assert!(
        groups[0].iter().any(|(state, _)| state.is_none()),
        "NULL is a group"
    );
}

/// PostgreSQL locks the rows read: another transaction skips them, or fails at once with
/// NOWAIT, until the first one ends.
#[tokio::test]
async fn locked_reads_on_postgres() {
    with_postgres_database(|url| async move {
        let db = interface(&url);
        let runs = populated(&db).await;
        let target = runs[0].id;
        let session = db.session().await.unwrap();
        let mut holder = session.begin_transaction(false).await.unwrap();
        let locked = Select::<FlowRun>::new()
            .filter(FlowRun::id.eq(target))
            .for_update(Lock::Wait)
            .fetch_in(&db, &mut holder)
            .await
            .unwrap();
        assert_eq!(ids(&locked), vec![target]);

        let mut other = session.begin_transaction(false).await.unwrap();
        let skipping = Select::<FlowRun>::new()
            .for_update(Lock::SkipLocked)
            .fetch_in(&db, &mut other)
            .await
            .unwrap();
        assert_eq!(skipping.len(), runs.len() - 1);
        assert!(
            !ids(&skipping).contains(&target),
            "the locked run is skipped"
        );
        other.rollback().await.unwrap();

        let mut impatient = session.begin_transaction(false).await.unwrap();
        let err = Select::<FlowRun>::new()
            .filter(FlowRun::id.eq(target))
            .for_update(Lock::NoWait)
            .fetch_in(&db, &mut impatient)
            .await
            .unwrap_err();
        assert_eq!(
            err.plugin_error()
                .and_then(|e| e.sqlstate.as_ref().into_option())
                .map(|s| s.as_str()),
            Some("55P03"),
            "lock_not_available: {err}"
        );
        impatient.rollback().await.unwrap();
        holder.commit().await.unwrap();

        let mut after = session.begin_transaction(false).await.unwrap();
        let free = Select::<FlowRun>::new()
            .filter(FlowRun::id.eq(target))
            .for_update(Lock::NoWait)
            .fetch_in(&db, &mut after)
            .await
            .unwrap();
        assert_eq!(
            ids(&free),
            vec![target],
            "free again once the holder committed"
        );
        after.rollback().await.unwrap();
    })
    .await;
}

/// SQLite's lock is the transaction's write lock: a locked read needs a `with_for_update`
/// transaction, and a read outside a transaction cannot lock at all.
#[tokio::test]
async fn locked_reads_on_sqlite_need_the_write_lock() {
    let db = interface(&format!(
        "sqlite:///{}",
        temp_dir("select-lock").join("flowdb.db").display()
    ));
    let runs = populated(&db).await;
    let session = db.session().await.unwrap();
    let select = Select::<FlowRun>::new()
        .filter(FlowRun::id.eq(runs[0].id))
        .for_update(Lock::SkipLocked);

    let mut plain = session.begin_transaction(false).await.unwrap();
    let err = select.fetch_in(&db, &mut plain).await.unwrap_err();
    assert!(err.to_string().contains("with_for_update"), "{err}");
    plain.rollback().await.unwrap();

    let mut writer = session.begin_transaction(true).await.unwrap();
    assert_eq!(
        ids(&select.fetch_in(&db, &mut writer).await.unwrap()),
        vec![runs[0].id]
    );
    writer.rollback().await.unwrap();

    let err = select.fetch(&db).await.unwrap_err();
    assert!(err.to_string().contains("fetch_in"), "{err}");
}

/// Reads that cannot mean anything are refused, naming what is wrong.
#[tokio::test]
async fn ordering_comparisons_with_null_are_refused() {
    let db = interface(&format!(
        "sqlite:///{}",
        temp_dir("select-bad").join("flowdb.db").display()
    ));
    db.upgrade("head").await.unwrap();
    let err = Select::<FlowRun>::new()
        .filter(FlowRun::expected_start_time.lt(None::<DateTime<Utc>>))
        .fetch(&db)
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("`expected_start_time`") && err.to_string().contains("is_null"),
        "{err}"
    );
    let (sql, params) = Select::<FlowRun>::new()
        .filter(FlowRun::name.eq("x'; DROP TABLE flow_run; --"))
        .to_sql(&db)
        .unwrap();
    assert!(
        !sql.contains("DROP"),
        "values are bound, never written into the SQL: {sql}"
    );
    assert_eq!(params.len(), 1);
    // Hostile values in every kind of filter read nothing and break nothing.
    let hostile = [
        "'".to_owned(),
        "\"; DELETE FROM flow_run; --".to_owned(),
        "$1".to_owned(),
        "?".to_owned(),
        "{{ jinja }}".to_owned(),
        "ä€𝄞".to_owned(),
        String::new(),
        "x".repeat(1 << 20),
    ];
    for value in &hostile {
        let filter = FlowRun::name
            .eq(value.as_str())
            .or(FlowRun::work_queue_name.is_in([value.as_str()]))
            .or(FlowRun::tags.json_has_any([value.clone()]))
            .or(FlowRun::name.is_in(vec![value.clone(); 100]));
        let count = Select::<FlowRun>::new()
            .filter(filter)
            .count(&db)
            .await
            .unwrap();
        assert_eq!(count, 0, "{value:.20}");
    }
}

/// A list longer than a statement can carry as separate parameters (70,000: over SQLite's and
/// PostgreSQL's 65,535) still filters, as one list parameter, on both dialects.
async fn long_lists_filter(db: &Arc<DbInterface>) {
    let runs = populated(db).await;
    let wanted: Vec<uuid::Uuid> = runs.iter().step_by(3).map(|run| run.id).collect();
    let mut list: Vec<uuid::Uuid> = (0..70_000u128)
        .map(|n| uuid::Uuid::from_u128(0xdead_0000_0000 + n))
        .collect();
    list.extend(&wanted);
    let found = Select::<FlowRun>::new()
        .filter(FlowRun::id.is_in(list.clone()))
        .fetch(db)
        .await
        .unwrap();
    let mut expected = wanted.clone();
    expected.sort();
    assert_eq!(ids(&found), expected);
    let rest = Select::<FlowRun>::new()
        .filter(FlowRun::id.is_not_in(list))
        .count(db)
        .await
        .unwrap();
    assert_eq!(rest as usize, runs.len() - wanted.len());
    let names: Vec<String> = (0..5_000)
        .map(|n| format!("nobody-{n}"))
        .chain(["b".to_owned()])
        .collect();
    let named = Select::<FlowRun>::new()
        .filter(FlowRun::name.is_in(names))
        .count(db)
        .await
        .unwrap();
    assert_eq!(
        named as usize,
        runs.iter().filter(|run| run.name == "b").count()
    );
}

#[tokio::test]
async fn long_lists_filter_on_both_dialects() {
    long_lists_filter(&interface(&format!(
        "sqlite:///{}",
        temp_dir("select-long").join("flowdb.db").display()
    )))
    .await;
    with_postgres_database(|url| async move { long_lists_filter(&interface(&url)).await }).await;
}

/// NULL among `is_in` values means "or NULL" (and among `is_not_in` values "and not NULL"), and
/// a NULL JSON document is unknown to `json_has_*`, the same on both dialects.
async fn nulls_in_lists_and_documents(db: &Arc<DbInterface>) {
    use flowdb::models::Variable;
    let runs = populated(db).await;
    let count = |filter: Filter<FlowRun>| {
        let db = Arc::clone(db);
        async move {
            Select::<FlowRun>::new()
                .filter(filter)
                .count(&db)
                .await
                .unwrap() as usize
        }
    };
    let scheduled_or_none = runs
        .iter()
        .filter(|run| matches!(run.state_type, None | Some(StateType::Scheduled)))
        .count();
    assert_eq!(
        count(FlowRun::state_type.is_in([None, Some(StateType::Scheduled)])).await,
        scheduled_or_none
    );
    assert_eq!(
        count(FlowRun::state_type.is_not_in([None, Some(StateType::Scheduled)])).await,
        runs.len() - scheduled_or_none,
        "NOT IN with a NULL among the values still matches"
    );
    assert_eq!(
        count(FlowRun::state_type.is_in([None::<StateType>])).await,
        runs.iter().filter(|run| run.state_type.is_none()).count()
    );
    // A long list with a None among UUIDs, on a nullable column: the list form and the NULL
    // test together (no run has a queue id; a None in a list of a non-null column would not
    // compile).
    let mut ids: Vec<Option<uuid::Uuid>> = runs.iter().take(70).map(|run| Some(run.id)).collect();
    assert_eq!(count(FlowRun::work_queue_id.is_in(ids.clone())).await, 0);
    ids.push(None);
    assert_eq!(
        count(FlowRun::work_queue_id.is_in(ids.clone())).await,
        runs.len()
    );
    assert_eq!(count(FlowRun::work_queue_id.is_not_in(ids)).await, 0);

    let session = db.session().await.unwrap();
    let listed = Variable::new("listed", serde_json::json!(["a", "b"]));
    let mut empty = Variable::new("empty", serde_json::json!([]));
    let mut unset = Variable::new("unset", serde_json::json!(null));
    unset.value = None;
    empty.tags = Json(serde_json::json!(["t"]));
    for variable in [&listed, &empty, &unset] {
        session.insert(variable).await.unwrap();
    }
    let names = |filter: Filter<Variable>| {
        let db = Arc::clone(db);
        async move {
            Select::<Variable>::new()
                .filter(filter)
                .order_by(Variable::name.asc())
                .fetch(&db)
                .await
                .unwrap()
                .into_iter()
                .map(|variable| variable.name)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        names(Variable::value.json_has_all(Vec::<String>::new())).await,
        ["empty", "listed"],
        "an unset document holds nothing, not everything"
    );
    assert_eq!(
        names(Variable::value.json_has_any(["a"]).not()).await,
        ["empty"],
        "NOT of unknown is unknown"
    );
    assert_eq!(
        names(Variable::value.json_has_all(["a", "b"])).await,
        ["listed"]
    );
}

#[tokio::test]
async fn nulls_in_lists_and_documents_on_both_dialects() {
    nulls_in_lists_and_documents(&interface(&format!(
        "sqlite:///{}",
        temp_dir("select-nulls").join("flowdb.db").display()
    )))
    .await;
    with_postgres_database(
        |url| async move { nulls_in_lists_and_documents(&interface(&url)).await },
    )
    .await;
}
