//! Every model round-trips (create, read, update, delete) on both dialects, reads back the
//! same typed values from SQLite and PostgreSQL, and matches the schema its table has.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;

use common::{build, interface, temp_dir, with_postgres_database};
use flowdb::Transaction;
use flowdb::models::{self, ColumnKind, Model, TableMeta};
use flowdb::value::Value;

macro_rules! for_each_model {
    ($callback:ident!($($args:tt)*)) => {
        $callback!($($args)*;
            Agent AlembicVersion Artifact ArtifactCollection Automation AutomationBucket
            AutomationEventFollower AutomationHeldEvent AutomationRelatedResource BlockDocument
            BlockDocumentReference BlockSchema BlockSchemaReference BlockType
            CompositeTriggerChildFiring ConcurrencyLimit ConcurrencyLimitV2 Configuration CsrfToken
            Deployment DeploymentSchedule DeploymentVersion EventResource Event Flow FlowRun
            FlowRunInput FlowRunState Log SavedSearch TaskRun TaskRunState TaskRunStateCache
            Variable WorkPool WorkQueue Worker)
    };
}

/// A value for every column of `table`, different for each `seed`; nullable columns are NULL
/// for odd seeds.
fn generate(table: &TableMeta, seed: u32) -> Vec<Value> {
    table
        .columns
        .iter()
        .enumerate()
        .map(|(index, column)| {
            let n = seed * 100 + index as u32;
            if column.nullable && seed % 2 == 1 && !table.primary_key.contains(&column.name) {
                return Value::Null;
            }
            match column.kind {
                ColumnKind::Uuid => Value::Uuid(
                    uuid::Uuid::from_u128(
                        0x0b5f_7c1e_8d5c_4d1e_9a0e_0000_0000_0000 + u128::from(n),
                    )
                    .into_bytes(),
                ),
                ColumnKind::Timestamp => {
                    Value::Timestamp(1_795_000_000_123_456 + i64::from(n) * 1_000_001)
                }
                ColumnKind::Interval => Value::Interval(90_000_005 + i64::from(n)),
                ColumnKind::Text => Value::Text(format!("{}-{n}-é", column.name).into()),
                ColumnKind::SmallInt => Value::Int16(n as i16),
                ColumnKind::Integer => Value::Int32(n as i32),
                ColumnKind::BigInt => Value::Int64(i64::from(n) * 1_000_000_007),
                ColumnKind::Float => Value::Float64(f64::from(n) + 0.25),
                ColumnKind::Boolean => Value::Bool(n.is_multiple_of(2)),
                ColumnKind::Json => Value::Json(
                    format!(
                        r#"{{"column": "{}", "n": {n}, "list": [1, "two", null]}}"#,
                        column.name
                    )
                    .into(),
                ),
                ColumnKind::Enum(labels) => Value::Text(labels[n as usize % labels.len()].into()),
                _ => Value::Null,
            }
        })
        .collect()
}

fn key_of<M: Model>(values: &[Value]) -> Vec<Value> {
    let table = M::TABLE;
    table
        .primary_key
        .iter()
        .map(|key| values[table.columns.iter().position(|c| c.name == *key).unwrap()].clone())
        .collect()
}

/// Create, read, update, delete one model in `transaction`; returns what it read back.
async fn check_crud<M: Model + std::fmt::Debug + PartialEq>(
    transaction: &mut Transaction,
) -> Vec<String> {
    let table = M::TABLE.name;
    let mut seen = Vec::new();
    let first_values = generate(M::TABLE, 2);
    let first: M = build(first_values.clone());
    transaction
        .insert(&first)
        .await
        .unwrap_or_else(|err| panic!("insert into {table}: {err}"));
    let read: M = transaction
        .get(key_of::<M>(&first_values))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(read, first, "{table}: read back what was inserted");
    seen.push(format!("{read:?}"));

    // The same key, every other column changed (and nullable ones now NULL).
    let mut second_values = generate(M::TABLE, 3);
    for key in M::TABLE.primary_key {
        let position = M::TABLE
            .columns
            .iter()
            .position(|c| c.name == *key)
            .unwrap();
        second_values[position] = first_values[position].clone();
    }
    let second: M = build(second_values);
    assert!(
        transaction.update(&second).await.unwrap(),
        "{table}: update found the row"
    );
    let read: M = transaction
        .get(key_of::<M>(&first_values))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(read, second, "{table}: read back what was updated");
    seen.push(format!("{read:?}"));

    let listed: Vec<M> = transaction.list().await.unwrap();
    assert!(listed.contains(&second), "{table}: listed");
    assert!(
        transaction
            .delete::<M>(key_of::<M>(&first_values))
            .await
            .unwrap(),
        "{table}: deleted"
    );
    assert!(
        transaction
            .get::<M>(key_of::<M>(&first_values))
            .await
            .unwrap()
            .is_none(),
        "{table}: gone"
    );
    seen
}

macro_rules! check_all {
    ($transaction:expr; $($model:ident)*) => {{
        let mut seen = BTreeMap::new();
        $(seen.insert(stringify!($model), check_crud::<models::$model>($transaction).await);)*
        seen
    }};
}

/// Every model on a migrated SQLite database (foreign keys off, so each table stands alone).
async fn sqlite_round_trips() -> BTreeMap<&'static str, Vec<String>> {
    let name = temp_dir("models")
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    // In memory: one connection, so the PRAGMA holds for the transaction that follows.
    let db = interface(&format!(
        "sqlite:///file:{name}?mode=memory&cache=shared&uri=true"
    ));
    db.upgrade("head").await.unwrap();
    db.session()
        .await
        .unwrap()
        .execute("PRAGMA foreign_keys = OFF", vec![])
        .await
        .unwrap();
    let mut transaction = db
        .session()
        .await
        .unwrap()
        .begin_transaction(false)
        .await
        .unwrap();
    let seen = for_each_model!(check_all!(&mut transaction));
    transaction.rollback().await.unwrap();
    seen
}

async fn postgres_round_trips(url: &str) -> BTreeMap<&'static str, Vec<String>> {
    let db = interface(url);
    db.upgrade("head").await.unwrap();
    let mut transaction = db
        .session()
        .await
        .unwrap()
        .begin_transaction(false)
        .await
        .unwrap();
    // Foreign keys are triggers on PostgreSQL; replica mode skips them for this transaction.
    transaction
        .execute("SET LOCAL session_replication_role = replica", vec![])
        .await
        .unwrap();
    let seen = for_each_model!(check_all!(&mut transaction));
    transaction.rollback().await.unwrap();
    seen
}

#[tokio::test]
async fn every_model_round_trips_on_sqlite() {
    assert_eq!(sqlite_round_trips().await.len(), 37);
}

#[tokio::test]
async fn every_model_round_trips_on_postgres() {
    with_postgres_database(|url| async move {
        assert_eq!(postgres_round_trips(&url).await.len(), 37);
    })
    .await;
}

/// The backbone: the same rows written to both dialects read back as the same typed values.
#[tokio::test]
async fn sqlite_and_postgres_read_back_the_same_models() {
    let sqlite = sqlite_round_trips().await;
    let postgres = std::sync::Arc::new(std::sync::Mutex::new(BTreeMap::new()));
    let slot = std::sync::Arc::clone(&postgres);
    with_postgres_database(|url| async move {
        *slot.lock().unwrap() = postgres_round_trips(&url).await;
    })
    .await;
    let postgres = postgres.lock().unwrap().clone();
    for (model, rows) in &sqlite {
        assert_eq!(
            Some(rows),
            postgres.get(model),
            "{model} differs between SQLite and PostgreSQL"
        );
    }
}

/// Every table of the schema has a model, and every model's columns are its table's.
#[test]
fn models_match_the_reference_schema() {
    let dump = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/schema/prefect-3.9.1-postgresql.txt"),
    )
    .unwrap();
    let mut expected: BTreeMap<String, Vec<(String, bool)>> = BTreeMap::new();
    for line in dump.lines().filter_map(|line| line.strip_prefix("column ")) {
        let (qualified, rest) = line.split_once(' ').unwrap();
        let (table, column) = qualified.split_once('.').unwrap();
        let nullable = rest.contains("nullable=yes");
        expected
            .entry(table.to_owned())
            .or_default()
            .push((column.to_owned(), nullable));
    }
    let models = models::all_models();
    assert_eq!(models.len(), expected.len(), "one model per table");
    for table in models {
        let mut actual: Vec<(String, bool)> = table
            .columns
            .iter()
            .map(|c| (c.name.to_owned(), c.nullable))
            .collect();
        actual.sort();
        let mut wanted = expected[table.name].clone();
        wanted.sort();
        assert_eq!(actual, wanted, "the columns of {}", table.name);
    }
}

/// On SQLite, values are stored in Prefect's encodings, so Prefect reads what flowdb wrote:
/// UUIDs as 36-character text, timestamps as naive-UTC `YYYY-MM-DD HH:MM:SS.ffffff`, intervals
/// as that datetime after the epoch, JSON as text, enums by name, booleans as 0/1.
#[tokio::test]
async fn sqlite_stores_prefects_encodings() {
    let db = interface(&format!(
        "sqlite:///{}",
        temp_dir("encodings").join("prefect.db").display()
    ));
    db.upgrade("head").await.unwrap();
    let session = db.session().await.unwrap();
    let flow: models::Flow = build(generate(models::Flow::TABLE, 2));
    session.insert(&flow).await.unwrap();
    // An odd seed leaves the nullable foreign keys NULL; the flow and the state are set.
    let mut run_values = generate(models::FlowRun::TABLE, 3);
    let position = |name: &str| {
        models::FlowRun::TABLE
            .columns
            .iter()
            .position(|c| c.name == name)
            .unwrap()
    };
    run_values[position("flow_id")] = Value::Uuid(flow.id.into_bytes());
    run_values[position("state_type")] = Value::Text("RUNNING".into());
    let run: models::FlowRun = build(run_values);
    session.insert(&run).await.unwrap();
    let rows = session
        .fetch_all(
            // `x || ''` reads the stored text itself; the plugin reads a column by its declared
            // type (a CHAR(36) as a UUID, a DATETIME as a timestamp).
            "SELECT id || '' AS id, typeof(id) AS id_type, created || '' AS created, \
             total_run_time || '' AS total_run_time, state_type, auto_scheduled || '' AS auto_scheduled, \
             typeof(auto_scheduled) AS flag_type, empirical_policy || '' AS empirical_policy \
             FROM flow_run WHERE id = $1",
            vec![Value::Text(run.id.to_string().into())],
        )
        .await
        .unwrap();
    let row = rows.row(0).expect("the row is found by its UUID text");
    assert_eq!(row.get::<String>("id_type").unwrap(), "text");
    assert_eq!(
        row.get::<String>("id").unwrap(),
        run.id.hyphenated().to_string()
    );
    let created: String = row.get("created").unwrap();
    assert_eq!(
        created,
        run.created.format("%Y-%m-%d %H:%M:%S%.6f").to_string()
    );
    let interval: String = row.get("total_run_time").unwrap();
    assert!(interval.starts_with("1970-01-01 00:"), "{interval}");
    assert_eq!(
        row.get::<String>("state_type").unwrap(),
        run.state_type.unwrap().as_str()
    );
    assert_eq!(row.get::<String>("flag_type").unwrap(), "integer");
    // A typed document is stored as Prefect's JSON: its fields by name, unknown keys kept.
    let policy: serde_json::Value =
        serde_json::from_str(&row.get::<String>("empirical_policy").unwrap()).unwrap();
    assert_eq!(policy["max_retries"], 0);
    assert_eq!(policy["resuming"], false);
    assert_eq!(
        policy["column"], "empirical_policy",
        "generated unknown key kept"
    );
    assert_eq!(
        serde_json::from_value::<models::FlowRunPolicy>(policy).unwrap(),
        run.empirical_policy
    );
}

/// Tier 3: each plugin's upsert columns are the models' own.
#[test]
fn plugins_agree_with_the_models_on_upsert_columns() {
    for url in ["sqlite::memory:", "postgresql://postgres@127.0.0.1/unused"] {
        let db = interface(url);
        assert_eq!(db.models().len(), 37);
        for table in db.models() {
            let from_plugin = db.orm().upsert_columns(table.name).unwrap_or_default();
            let from_model: Vec<String> = table
                .upsert_columns
                .iter()
                .map(|c| (*c).to_owned())
                .collect();
            assert_eq!(
                from_plugin,
                from_model,
                "{} on {}",
                table.name,
                db.dialect()
            );
        }
    }
}

/// The microsecond rule, on each dialect: a time bound with nanoseconds reads back as the value
/// module's docs say it becomes (rounded down to the microsecond), through a model and through a
/// parameter given by reference.
async fn timestamps_read_back_rounded_down_to_the_microsecond(db: &flowdb::DbInterface) {
    use chrono::{DateTime, SubsecRound, TimeZone, Utc};
    db.upgrade("head").await.unwrap();
    let session = db.session().await.unwrap();
    let mut flow = models::Flow::new("microseconds");
    flow.created = Utc.timestamp_opt(1_700_000_000, 123_456_789).unwrap();
    flow.updated = Utc.timestamp_opt(-1, 999_999_500).unwrap();
    session.insert(&flow).await.unwrap();
    let rows = session
        .fetch_all(
            "SELECT created, updated FROM flow WHERE name = $1 AND id = $2 AND created = $3",
            flowdb::params![&flow.name, &flow.id, &flow.created],
        )
        .await
        .unwrap();
    let row = rows
        .row(0)
        .expect("the flow, found by reference parameters");
    let created: DateTime<Utc> = row.get("created").unwrap();
    let updated: DateTime<Utc> = row.get("updated").unwrap();
    assert_eq!(created, flow.created.trunc_subsecs(6));
    assert_eq!(updated, flow.updated.trunc_subsecs(6));
    assert_eq!(
        updated,
        Utc.timestamp_opt(-1, 999_999_000).unwrap(),
        "before 1970 too, towards the past"
    );
    // A model built by its constructor is already at the stored precision.
    let fresh = models::Flow::new("fresh");
    session.insert(&fresh).await.unwrap();
    let back: models::Flow = session
        .get(vec![Value::Uuid(fresh.id.into_bytes())])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(back, fresh, "written and read back, equal");
}

#[tokio::test]
async fn timestamps_keep_microseconds_on_sqlite() {
    let path = temp_dir("microseconds").join("flowdb.db");
    timestamps_read_back_rounded_down_to_the_microsecond(&interface(&format!(
        "sqlite:///{}",
        path.display()
    )))
    .await;
}

#[tokio::test]
async fn timestamps_keep_microseconds_on_postgres() {
    with_postgres_database(|url| async move {
        timestamps_read_back_rounded_down_to_the_microsecond(&interface(&url)).await;
    })
    .await;
}

/// Typed upserts on tier 3's conflict columns: a flow kept (DO NOTHING) and a deployment merged
/// (DO UPDATE, keeping its id and `created`), the stored row returned either way.
async fn upserts_keep_or_merge_the_stored_row(db: &flowdb::DbInterface) {
    use flowdb::models::{Deployment, Flow, OnConflict};
    db.upgrade("head").await.unwrap();
    assert_eq!(
        db.orm().upsert_columns("FlowRun"),
        db.orm().upsert_columns("flow_run"),
        "a model's type name and its table's name mean the same"
    );
    assert_eq!(
        db.orm().upsert_columns_of::<Deployment>(),
        Some(vec!["flow_id".to_owned(), "name".to_owned()])
    );

    let first = db
        .upsert(&Flow::new("upserted"), OnConflict::DoNothing)
        .await
        .unwrap();
    let mut second = Flow::new("upserted");
    second.tags = flowdb::value::Json(serde_json::json!(["ignored"]));
    let again = db.upsert(&second, OnConflict::DoNothing).await.unwrap();
    assert_eq!(again, first, "the stored flow, untouched");

    let mut deployment = Deployment::new(first.id, "nightly");
    deployment.description = Some("first".to_owned());
    let stored = db.upsert(&deployment, OnConflict::DoUpdate).await.unwrap();
    assert_eq!(stored.id, deployment.id);
    let mut replacement = Deployment::new(first.id, "nightly");
    replacement.description = Some("second".to_owned());
    let merged = db.upsert(&replacement, OnConflict::DoUpdate).await.unwrap();
    assert_eq!(merged.id, deployment.id, "the stored row's id is kept");
    assert_eq!(merged.created, stored.created, "and its creation time");
    assert_eq!(merged.description.as_deref(), Some("second"));
    let count: i64 = db
        .session()
        .await
        .unwrap()
        .fetch_all("SELECT count(*) AS n FROM deployment", vec![])
        .await
        .unwrap()
        .row(0)
        .unwrap()
        .get("n")
        .unwrap();
    assert_eq!(count, 1);

    let err = db
        .upsert(
            &build::<models::Log>(generate(models::Log::TABLE, 0)),
            OnConflict::DoNothing,
        )
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("no upsert columns"),
        "a table without upsert columns is refused: {err}"
    );
}

#[tokio::test]
async fn upserts_on_sqlite() {
    let path = temp_dir("upserts").join("flowdb.db");
    upserts_keep_or_merge_the_stored_row(&interface(&format!("sqlite:///{}", path.display())))
        .await;
}

#[tokio::test]
async fn upserts_on_postgres() {
    with_postgres_database(|url| async move {
        upserts_keep_or_merge_the_stored_row(&interface(&url)).await;
    })
    .await;
}

/// A work pool and its default queue go in together, pointing at each other; a second pool of
/// the same name fails and leaves no stray queue.
async fn work_pools_come_with_their_default_queue(db: &flowdb::DbInterface) {
    use flowdb::models::{Select, WorkPool, WorkQueue};
    db.upgrade("head").await.unwrap();
    let (pool, queue) = db.create_work_pool(WorkPool::new("k8s")).await.unwrap();
    assert_eq!(pool.default_queue_id, Some(queue.id));
    assert_eq!(queue.work_pool_id, pool.id);
    let stored = db
        .session()
        .await
        .unwrap()
        .get::<WorkPool>(vec![Value::Uuid(pool.id.into_bytes())])
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.default_queue_id, Some(queue.id));
    let queues = Select::<WorkQueue>::new()
        .filter(WorkQueue::work_pool_id.eq(pool.id))
        .fetch(db)
        .await
        .unwrap();
    assert_eq!(queues, vec![queue]);
    assert_eq!(queues[0].name, "default");
    assert_eq!(queues[0].priority, 1);

    let err = db.create_work_pool(WorkPool::new("k8s")).await.unwrap_err();
    assert_eq!(
        err.kind(),
        Some(flowdb::ErrorKind::CONSTRAINT_VIOLATION),
        "{err}"
    );
    assert_eq!(
        Select::<WorkQueue>::new().count(db).await.unwrap(),
        1,
        "the refused pool wrote no queue"
    );
}

#[tokio::test]
async fn work_pools_on_sqlite() {
    let path = temp_dir("work-pools").join("flowdb.db");
    work_pools_come_with_their_default_queue(&interface(&format!("sqlite:///{}", path.display())))
        .await;
}

#[tokio::test]
async fn work_pools_on_postgres() {
    with_postgres_database(|url| async move {
        work_pools_come_with_their_default_queue(&interface(&url)).await;
    })
    .await;
}

/// Every constructor builds a row the schema accepts, with Prefect's defaults, and reads back
/// equal to what was built.
async fn constructed_models_round_trip(db: &flowdb::DbInterface) {
    use flowdb::models::*;
    use serde_json::json;
    db.upgrade("head").await.unwrap();
    let session = db.session().await.unwrap();
    async fn round_trip<M: Model + PartialEq + std::fmt::Debug>(
        session: &flowdb::Session,
        row: &M,
        key: uuid::Uuid,
    ) {
        session.insert(row).await.unwrap_or_else(|err| {
            panic!("{}: {err}", M::TABLE.model);
        });
        let back: M = session
            .get(vec![Value::Uuid(key.into_bytes())])
            .await
            .unwrap()
            .unwrap();
        assert_eq!(&back, row, "{}", M::TABLE.model);
    }
    let flow = Flow::new("built");
    round_trip(&session, &flow, flow.id).await;
    let (pool, _) = db
        .create_work_pool(WorkPool::new("built-pool"))
        .await
        .unwrap();
    let deployment = Deployment::new(flow.id, "built-deployment");
    round_trip(&session, &deployment, deployment.id).await;
    let schedule = DeploymentSchedule::new(deployment.id, json!({"interval": 3600.0}));
    round_trip(&session, &schedule, schedule.id).await;
    let run = FlowRun::new(flow.id, "built-run", chrono::Utc::now());
    round_trip(&session, &run, run.id).await;
    let task = TaskRun::new(Some(run.id), "task-key", "0", "built-task");
    round_trip(&session, &task, task.id).await;
    let v1 = ConcurrencyLimit::new("gpu", 2);
    round_trip(&session, &v1, v1.id).await;
    let v2 = ConcurrencyLimitV2::new("db-connections", 10);
    round_trip(&session, &v2, v2.id).await;
    let variable = Variable::new("region", json!("eu-west-1"));
    round_trip(&session, &variable, variable.id).await;
    let mut log = Log::new("prefect.flow_runs", 20, "hello", chrono::Utc::now());
    log.flow_run_id = Some(run.id);
    round_trip(&session, &log, log.id).await;
    let artifact = Artifact::new("markdown", json!("# done"));
    round_trip(&session, &artifact, artifact.id).await;
    let search = SavedSearch::new("failed today");
    round_trip(&session, &search, search.id).await;
    let block_type = BlockType::new("S3 Bucket", "s3-bucket");
    round_trip(&session, &block_type, block_type.id).await;
    let worker = Worker::new(pool.id, "worker-1");
    round_trip(&session, &worker, worker.id).await;
}

#[tokio::test]
async fn constructed_models_round_trip_on_sqlite() {
    let path = temp_dir("constructed").join("flowdb.db");
    constructed_models_round_trip(&interface(&format!("sqlite:///{}", path.display()))).await;
}

#[tokio::test]
async fn constructed_models_round_trip_on_postgres() {
    with_postgres_database(|url| async move {
        constructed_models_round_trip(&interface(&url)).await;
    })
    .await;
}
