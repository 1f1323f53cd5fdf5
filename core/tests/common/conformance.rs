//! The shared suite: plain `check_*` functions that every dialect's tests call, each returning
//! what it read so that the differential test can compare dialects.

use std::time::Duration;

use chrono::{DateTime, TimeZone as _, Utc};
use flowdb::value::{Interval, Json};
use flowdb::{DbInterface, ErrorKind, Statement, params};

/// Where the dialects differ in the suite's SQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// A table with a column of every value kind, in Prefect's column types.
    fn typed_table(self, name: &str) -> String {
        match self {
            Dialect::Sqlite => format!(
                "create table {name} (id char(36) primary key, flag boolean, small integer, count integer, \
                 ratio float, label varchar, payload blob, at timestamp, span timestamp, doc json, missing varchar)"
            ),
            Dialect::Postgres => format!(
                "create table {name} (id uuid primary key, flag boolean, small smallint, count bigint, \
                 ratio double precision, label varchar, payload bytea, at timestamptz, span interval, doc jsonb, missing varchar)"
            ),
        }
    }
}

pub async fn check_round_trip(db: &DbInterface) {
    let session = db.session().await.unwrap();
    let rows = session
        .fetch_all("select 1 as one, 'two' as two", vec![])
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    let row = rows.row(0).unwrap();
    assert_eq!(row.get::<i64>("one").unwrap(), 1);
    assert_eq!(row.get::<String>("two").unwrap(), "two");
    assert!(db.is_db_connectable().await);
    let server = db.database().await.unwrap().server_info().await.unwrap();
    assert_eq!(server.dialect.as_str(), db.dialect());
    assert!(!server.server_version.is_empty());
}

/// What one typed row reads back as; equal across dialects.
pub type TypedRow = (
    uuid::Uuid,
    bool,
    i64,
    i64,
    f64,
    String,
    Vec<u8>,
    DateTime<Utc>,
    Interval,
    Json,
    Option<String>,
);

/// Writes a row of every value kind and reads it back typed.
pub async fn check_value_round_trip(db: &DbInterface, dialect: Dialect) -> Vec<TypedRow> {
    let session = db.session().await.unwrap();
    session
        .execute(&dialect.typed_table("typed_values"), vec![])
        .await
        .unwrap();
    let id = uuid::Uuid::parse_str("0b5f7c1e-8d5c-4d1e-9a0e-6f1b2c3d4e5f").unwrap();
    let at = Utc.with_ymd_and_hms(2026, 11, 25, 12, 34, 56).unwrap()
        + chrono::TimeDelta::microseconds(123_456);
    let span = Interval(chrono::TimeDelta::seconds(90) + chrono::TimeDelta::microseconds(5));
    let doc = Json(serde_json::json!({"name": "flow", "tags": ["a", "b"], "retries": 3}));
    let inserted = session
        .execute(
            "insert into typed_values (id, flag, small, count, ratio, label, payload, at, span, doc, missing) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            params![id, true, 7_i16, 9_000_000_000_i64, 0.25_f64, "héllo", vec![0_u8, 1, 255], at, span, doc.clone(), None::<String>],
        )
        .await
        .unwrap();
    assert_eq!(inserted, 1);
    let rows = session
        .fetch_all(
            "select id, flag, small, count, ratio, label, payload, at, span, doc, missing from typed_values where id = $1",
            params![id],
        )
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    let row = rows.row(0).unwrap();
    let typed: TypedRow = (
        row.get("id").unwrap(),
        row.get("flag").unwrap(),
        row.get("small").unwrap(),
        row.get("count").unwrap(),
        row.get("ratio").unwrap(),
        row.get("label").unwrap(),
        row.get("payload").unwrap(),
        row.get("at").unwrap(),
        row.get("span").unwrap(),
        row.get("doc").unwrap(),
        row.get("missing").unwrap(),
    );
    assert_eq!(
        typed,
        (
            id,
            true,
            7,
            9_000_000_000,
            0.25,
            "héllo".to_owned(),
            vec![0, 1, 255],
            at,
            span,
            doc,
            None
        )
    );
    vec![typed]
}

/// Commit is visible, rollback and drop are not.
pub async fn check_transactions(db: &DbInterface) -> Vec<i64> {
    let session = db.session().await.unwrap();
    session
        .execute("create table tx_values (x integer not null)", vec![])
        .await
        .unwrap();

    let mut committed = session.begin_transaction(false).await.unwrap();
    committed
        .execute("insert into tx_values (x) values ($1)", params![1_i64])
        .await
        .unwrap();
    let inside = committed
        .fetch_all("select count(*) as n from tx_values", vec![])
        .await
        .unwrap();
    assert_eq!(inside.row(0).unwrap().get::<i64>("n").unwrap(), 1);
    committed.commit().await.unwrap();

    let mut rolled_back = session.begin_transaction(true).await.unwrap();
    rolled_back
        .execute("insert into tx_values (x) values ($1)", params![2_i64])
        .await
        .unwrap();
    rolled_back.rollback().await.unwrap();

    let mut dropped = session.begin_transaction(false).await.unwrap();
    dropped
        .execute("insert into tx_values (x) values ($1)", params![3_i64])
        .await
        .unwrap();
    drop(dropped);

    let rows = session
        .fetch_all("select x from tx_values order by x", vec![])
        .await
        .unwrap();
    let values: Vec<i64> = rows.iter().map(|row| row.get("x").unwrap()).collect();
    assert_eq!(values, vec![1]);
    values
}

/// A unit of work commits all of its statements or none.
pub async fn check_unit_of_work(db: &DbInterface) -> Vec<i64> {
    let database = db.database().await.unwrap();
    database
        .execute("create table work_values (x integer primary key)", vec![])
        .await
        .unwrap();
    let affected = database
        .run_unit_of_work(
            vec![
                Statement::new("insert into work_values (x) values ($1)", params![1_i64]),
                Statement::new(
                    "insert into work_values (x) values ($1), ($2)",
                    params![2_i64, 3_i64],
                ),
            ],
            true,
        )
        .await
        .unwrap();
    assert_eq!(affected, vec![1, 2]);
    let err = database
        .run_unit_of_work(
            vec![
                Statement::new("insert into work_values (x) values ($1)", params![4_i64]),
                Statement::new("insert into work_values (x) values ($1)", params![1_i64]),
            ],
            false,
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), Some(ErrorKind::CONSTRAINT_VIOLATION), "{err}");
    let rows = database
        .fetch_all("select x from work_values order by x", vec![])
        .await
        .unwrap();
    let values: Vec<i64> = rows.iter().map(|row| row.get("x").unwrap()).collect();
    assert_eq!(
        values,
        vec![1, 2, 3],
        "the failed unit of work must leave nothing behind"
    );
    values
}

/// Database errors keep their class and code.
pub async fn check_errors(db: &DbInterface, dialect: Dialect) {
    let session = db.session().await.unwrap();
    let err = session
        .execute("this is not sql", vec![])
        .await
        .unwrap_err();
    assert_eq!(err.kind(), Some(ErrorKind::DATABASE), "{err}");
    assert!(err.to_string().contains("syntax error"), "{err}");

    session
        .execute("create table unique_values (x integer primary key)", vec![])
        .await
        .unwrap();
    session
        .execute("insert into unique_values (x) values (1)", vec![])
        .await
        .unwrap();
    let err = session
        .execute("insert into unique_values (x) values (1)", vec![])
        .await
        .unwrap_err();
    let plugin_error = err.plugin_error().unwrap();
    assert_eq!(plugin_error.kind, ErrorKind::CONSTRAINT_VIOLATION, "{err}");
    match dialect {
        Dialect::Postgres => assert_eq!(
            plugin_error.sqlstate.as_ref().map(|s| s.as_str()),
            Some("23505").into()
        ),
        // SQLITE_CONSTRAINT_PRIMARYKEY
        Dialect::Sqlite => assert_eq!(plugin_error.vendor_code.into_option(), Some(1555)),
    }

    let err = session
        .fetch_all("select * from no_such_table", vec![])
        .await
        .unwrap_err();
    assert!(err.to_string().contains("no_such_table"), "{err}");
}

/// A 10,000-row fetch arrives whole and in order.
pub async fn check_bulk_fetch(db: &DbInterface) -> (usize, i64) {
    let session = db.session().await.unwrap();
    let rows = session
        .fetch_all(
            "with recursive numbers(n) as (select 1 union all select n + 1 from numbers where n < 10000) \
             select n, 'row ' || n as label from numbers",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(rows.len(), 10_000);
    let sum: i64 = rows.iter().map(|row| row.get::<i64>("n").unwrap()).sum();
    assert_eq!(sum, 50_005_000);
    assert_eq!(
        rows.row(9_999).unwrap().get::<String>("label").unwrap(),
        "row 10000"
    );
    (rows.len(), sum)
}

/// A host-side timeout that drops a query mid-flight leaves the pool usable.
pub async fn check_cancel_mid_flight(db: &DbInterface, slow_sql: &str) {
    let database = db.database().await.unwrap();
    for _ in 0..3 {
        let cancelled = tokio::time::timeout(
            Duration::from_millis(150),
            database.fetch_all(slow_sql, vec![]),
        )
        .await;
        assert!(
            cancelled.is_err(),
            "the slow query should still have been running"
        );
    }
    for _ in 0..20 {
        let rows = database.fetch_all("select 1 as one", vec![]).await.unwrap();
        assert_eq!(rows.row(0).unwrap().get::<i64>("one").unwrap(), 1);
    }
}
