//! Query components through the real plugins: what each dialect lists, and every kind of bad
//! input, each with the message a host or operator sees.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use chrono::{TimeDelta, Utc};
use common::{interface, temp_dir, with_postgres_database};
use flowdb::models::{Flow, FlowRun, StateType};
use flowdb::orchestration::{ExpectedState, MAX_LIMIT, StateProposal};
use flowdb::queries::components::{CountFlowRuns, FlowRunFilter, ReadFlowRuns};
use flowdb::value::Value;
use flowdb::{DatabaseConfig, DbInterface, Error, ErrorKind};
use uuid::Uuid;

fn sqlite_url(label: &str) -> String {
    format!("sqlite:///{}", temp_dir(label).join("q.db").display())
}

fn plugin_error(err: &Error) -> (ErrorKind, String) {
    match err {
        Error::Plugin { error, .. } => (error.kind, error.message.to_string()),
        other => panic!("expected a plugin error, got {other:?}"),
    }
}

/// Both dialects list every standard component, with the parameters the catalogue gives.
#[test]
fn every_dialect_lists_every_standard_component() {
    for url in [sqlite_url("list"), common::postgres_admin_url()] {
        let db = interface(&url);
        for spec in flowdb_abi::catalogue::STANDARD_COMPONENTS {
            let info = db
                .queries()
                .component(spec.name)
                .unwrap_or_else(|| panic!("{} lacks {}", db.dialect(), spec.name));
            assert_eq!(info, &spec.info(), "{}", spec.name);
        }
        assert!(db.queries().max_bind_parameters() >= 999);
    }
}

#[test]
fn a_component_the_dialect_lacks_is_unsupported_and_the_error_lists_what_it_has() {
    let db = interface(&sqlite_url("lacks"));
    let err = db
        .queries()
        .render("get_runs_by_magic", Vec::<(String, Value)>::new())
        .unwrap_err();
    let (kind, message) = plugin_error(&err);
    assert_eq!(kind, ErrorKind::UNSUPPORTED);
    assert!(
        message.contains("no query component `get_runs_by_magic`"),
        "{message}"
    );
    assert!(
        message.contains("get_scheduled_flow_runs_from_work_pool"),
        "{message}"
    );
}

#[test]
fn arguments_of_the_wrong_kind_missing_or_unknown_name_the_component_and_argument() {
    let db = interface(&sqlite_url("args"));
    let queries = db.queries();
    type Case = (&'static str, Vec<(&'static str, Value)>, &'static str);
    let cases: Vec<Case> = vec![
        (
            "get_scheduled_flow_runs_from_work_pool",
            vec![("limit", Value::Text("ten".into()))],
            "get_scheduled_flow_runs_from_work_pool: argument `limit` must be integer, got text",
        ),
        (
            "get_scheduled_flow_runs_from_work_pool",
            vec![("work_pool_ids", Value::TextList(vec!["x".into()].into()))],
            "argument `work_pool_ids` must be uuid list, got text list",
        ),
        (
            "read_configuration_value",
            vec![],
            "read_configuration_value: missing required argument `key` (text)",
        ),
        (
            "read_configuration_value",
            vec![
                ("key", Value::Text("k".into())),
                ("colour", Value::Bool(true)),
            ],
            "read_configuration_value: unknown argument `colour`; it takes key",
        ),
        (
            "read_flow_runs",
            vec![(
                "state_type_any",
                Value::TextList(vec!["BOGUS".into()].into()),
            )],
            "read_flow_runs: argument `state_type_any` has `BOGUS`, which is not a state type",
        ),
        (
            "read_flow_runs",
            vec![("sort", Value::Text("SIDEWAYS".into()))],
            "read_flow_runs: argument `sort` `SIDEWAYS` is not a FlowRunSort",
        ),
        (
            "read_flow_runs",
            vec![("offset", Value::Int64(-1))],
            "read_flow_runs: argument `offset` must not be negative, got -1",
        ),
        (
            "get_scheduled_flow_runs_from_work_pool",
            vec![("limit", Value::Int64(-5))],
            "argument `limit` must not be negative, got -5",
        ),
        (
            "flow_run_history",
            vec![
                ("history_start", Value::Timestamp(0)),
                ("history_end", Value::Timestamp(60_000_000)),
                ("history_interval", Value::Interval(500_000)),
                ("now", Value::Timestamp(0)),
            ],
            "flow_run_history: argument `history_interval` must not be less than 1 second",
        ),
        (
            "insert",
            vec![
                ("table", Value::Text("flow".into())),
                (
                    "columns",
                    Value::TextList(vec!["id".into(), "name".into()].into()),
                ),
                ("row_count", Value::Int64(600)),
            ],
            "more than the 999 a sqlite statement may carry; insert in batches of at most 499 rows",
        ),
    ];
    for (component, arguments, expected) in cases {
        let err = queries.render(component, arguments).unwrap_err();
        let (kind, message) = plugin_error(&err);
        assert_eq!(kind, ErrorKind::INVALID_ARGUMENT, "{message}");
        assert!(message.contains(expected), "{component}: {message}");
    }
}

async fn with_runs(db: &Arc<DbInterface>, count: usize) -> (Flow, Vec<Uuid>) {
    db.upgrade("head").await.unwrap();
    let flow = Flow::new("bad-input");
    db.session().await.unwrap().insert(&flow).await.unwrap();
    let runs: Vec<FlowRun> = (0..count)
        .map(|index| FlowRun::new(flow.id, format!("r{index}"), Utc::now()))
        .collect();
    let ids = db.create_flow_runs(runs, Utc::now()).await.unwrap();
    (flow, ids)
}

async fn typed_bad_input(db: Arc<DbInterface>) {
    let (_, ids) = with_runs(&db, 3).await;
    // An empty `_any` list matches nothing, an empty `_not_any` list excludes nothing.
    let none = FlowRunFilter {
        id_any: Some(vec![]),
        ..Default::default()
    };
    assert_eq!(
        db.count_flow_runs(&CountFlowRuns { filter: none })
            .await
            .unwrap(),
        0
    );
    let all = FlowRunFilter {
        id_not_any: Some(vec![]),
        ..Default::default()
    };
    assert_eq!(
        db.count_flow_runs(&CountFlowRuns { filter: all })
            .await
            .unwrap(),
        3
    );
    // A limit of 0 reads nothing; one past the maximum is refused before any SQL runs.
    let read = |limit, offset| ReadFlowRuns {
        limit: Some(limit),
        offset,
        ..Default::default()
    };
    assert!(db.read_flow_runs(&read(0, None)).await.unwrap().is_empty());
    let err = db
        .read_flow_runs(&read(MAX_LIMIT + 1, None))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "read_flow_runs: `limit` must be between 0 and {MAX_LIMIT}, got {}",
            MAX_LIMIT + 1
        )
    );
    let err = db.read_flow_runs(&read(10, Some(-2))).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "read_flow_runs: `offset` must not be negative, got -2"
    );
    assert_eq!(
        db.read_flow_runs(&read(10, Some(2))).await.unwrap().len(),
        1
    );
    // Ids that do not exist.
    let ghost = Uuid::from_u128(7);
    let err = db
        .set_flow_run_state(ghost, StateProposal::new(StateType::Pending), None)
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), format!("flow run {ghost} not found"));
    let err = db
        .flow_run_graph(ghost, Utc::now(), 10, 10)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::FlowRunNotFound { .. }), "{err}");
    // A state change on a run deleted meanwhile.
    let session = db.session().await.unwrap();
    session
        .delete::<FlowRun>(vec![Value::Uuid(ids[0].into_bytes())])
        .await
        .unwrap();
    let err = db
        .set_flow_run_state(
            ids[0],
            StateProposal::new(StateType::Pending),
            Some(ExpectedState::Type(Some(StateType::Scheduled))),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::FlowRunNotFound { .. }), "{err}");
    // A conflict names what was expected and what the run is in.
    let err = db
        .set_flow_run_state(
            ids[1],
            StateProposal::new(StateType::Running),
            Some(ExpectedState::Type(Some(StateType::Pending))),
        )
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains(&format!("flow run {} is in state SCHEDULED", ids[1]))
            && err
                .to_string()
                .contains("not the expected state type PENDING"),
        "{err}"
    );
    // More rows than one statement may carry are batched transparently.
    let flow = Flow::new("many");
    session.insert(&flow).await.unwrap();
    let many: Vec<FlowRun> = (0..1_500)
        .map(|index| {
            FlowRun::new(
                flow.id,
                format!("m{index}"),
                Utc::now() + TimeDelta::seconds(index),
            )
        })
        .collect();
    assert_eq!(
        db.create_flow_runs(many, Utc::now()).await.unwrap().len(),
        1_500
    );
    let mine = FlowRunFilter {
        flow_id_any: Some(vec![flow.id]),
        ..Default::default()
    };
    assert_eq!(
        db.count_flow_runs(&CountFlowRuns { filter: mine })
            .await
            .unwrap(),
        1_500
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_operations_refuse_bad_input_on_sqlite() {
    typed_bad_input(interface(&sqlite_url("typed"))).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_operations_refuse_bad_input_on_postgres() {
    with_postgres_database(|url| async move { typed_bad_input(interface(&url)).await }).await;
}

fn with_templates(url: &str, dir: &std::path::Path) -> flowdb::Result<Arc<DbInterface>> {
    let mut config = DatabaseConfig::new(url);
    config.sql_template_dir = Some(dir.to_path_buf());
    DbInterface::with_registry(config, common::registry())
}

#[test]
fn a_template_override_that_does_not_parse_is_refused_naming_file_and_line() {
    let dir = temp_dir("tpl-parse");
    let file = dir.join("get-runs-from-worker-queues.sql.jinja");
    std::fs::write(
        &file,
        "SELECT 1\nFROM flow_run\n{% if work_pool_ids %}\nWHERE true\n",
    )
    .unwrap();
    let err = with_templates(&sqlite_url("tpl-parse-db"), &dir).unwrap_err();
    let (kind, message) = plugin_error(&err);
    assert_eq!(kind, ErrorKind::INVALID_ARGUMENT);
    assert!(message.contains(&file.display().to_string()), "{message}");
    assert!(message.contains("line 4"), "{message}");
    assert!(message.contains("unexpected end of input"), "{message}");
}

#[test]
fn a_template_override_that_cannot_be_read_is_refused_naming_the_file() {
    let dir = temp_dir("tpl-unreadable");
    // A directory where a file should be reads as an error on every platform, even as root.
    let file = dir.join("flow-run-graph-v2.sql.jinja");
    std::fs::create_dir(&file).unwrap();
    let err = with_templates(&sqlite_url("tpl-unreadable-db"), &dir).unwrap_err();
    let (_, message) = plugin_error(&err);
    assert!(
        message.contains(&format!(
            "SQL template override {} cannot be read",
            file.display()
        )),
        "{message}"
    );
    let missing = dir.join("no-such-directory");
    let err = with_templates(&sqlite_url("tpl-missing-db"), &missing).unwrap_err();
    let (_, message) = plugin_error(&err);
    assert!(
        message.contains(&format!(
            "SQL template directory {} cannot be read",
            missing.display()
        )),
        "{message}"
    );
}

#[test]
fn a_template_override_naming_no_template_is_refused() {
    let dir = temp_dir("tpl-name");
    std::fs::write(
        dir.join("get-runs-from-wroker-queues.sql.jinja"),
        "SELECT 1",
    )
    .unwrap();
    let err = with_templates(&sqlite_url("tpl-name-db"), &dir).unwrap_err();
    let (_, message) = plugin_error(&err);
    assert!(
        message.contains("no template of this dialect is named"),
        "{message}"
    );
}

async fn invalid_sql_override(url: String) {
    let dir = temp_dir("tpl-sql");
    let file = dir.join("get-runs-from-worker-queues.sql.jinja");
    std::fs::write(
        &file,
        "SELECT run_work_pool_id FROM no_such_table WHERE limit_ = :limit",
    )
    .unwrap();
    // The template parses, so the interface is built; opening its pool checks the SQL.
    let db = with_templates(&url, &dir).unwrap();
    let err = db.database().await.unwrap_err();
    let (kind, message) = plugin_error(&err);
    assert_eq!(kind, ErrorKind::INVALID_ARGUMENT, "{message}");
    assert!(
        message.contains(&format!(
            "SQL template override {} renders SQL the database rejects",
            file.display()
        )),
        "{message}"
    );
    assert!(message.contains("no_such_table"), "{message}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_template_override_that_renders_invalid_sql_is_refused_at_start() {
    let url = sqlite_url("tpl-sql-db");
    interface(&url).upgrade("head").await.unwrap();
    invalid_sql_override(url).await;
    with_postgres_database(|url| async move {
        interface(&url).upgrade("head").await.unwrap();
        invalid_sql_override(url).await;
    })
    .await;
}

/// A good override is used: the worker poll renders the operator's SQL.
#[test]
fn a_template_override_replaces_the_embedded_template() {
    let dir = temp_dir("tpl-good");
    std::fs::write(
        dir.join("make-timestamp-intervals.sql.jinja"),
        "SELECT :start_time AS interval_start, :end_time AS interval_end, :interval AS width -- overridden",
    )
    .unwrap();
    let db = with_templates(&sqlite_url("tpl-good-db"), &dir).unwrap();
    let rendered = db
        .queries()
        .render(
            "make_timestamp_intervals",
            vec![
                ("start_time", Value::Timestamp(0)),
                ("end_time", Value::Timestamp(1)),
                ("interval", Value::Interval(1_000_000)),
            ],
        )
        .unwrap();
    assert!(rendered.statements[0].sql.contains("-- overridden"));
}
