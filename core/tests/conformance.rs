//! The shared suite on every first-party target: a SQLite file, in-memory SQLite and PostgreSQL,
//! through the real plugin libraries; and the differential test that the dialects agree.
#![allow(clippy::unwrap_used)]

mod common;

use common::conformance::{self, Dialect};
use common::{interface, temp_dir, with_postgres_database};

fn sqlite_file_url(label: &str) -> String {
    format!(
        "sqlite+aiosqlite:///{}",
        temp_dir(label).join("flowdb.db").display()
    )
}

macro_rules! suite {
    ($module:ident, $dialect:expr, |$run:ident| $with_target:expr) => {
        mod $module {
            use super::*;

            #[tokio::test]
            async fn round_trip() {
                let $run = |url: String| async move {
                    conformance::check_round_trip(&interface(&url)).await
                };
                $with_target;
            }

            #[tokio::test]
            async fn value_round_trip() {
                let $run = |url: String| async move {
                    conformance::check_value_round_trip(&interface(&url), $dialect).await;
                };
                $with_target;
            }

            #[tokio::test]
            async fn transactions() {
                let $run = |url: String| async move {
                    conformance::check_transactions(&interface(&url)).await;
                };
                $with_target;
            }

            #[tokio::test]
            async fn unit_of_work() {
                let $run = |url: String| async move {
                    conformance::check_unit_of_work(&interface(&url)).await;
                };
                $with_target;
            }

            #[tokio::test]
            async fn errors() {
                let $run = |url: String| async move {
                    conformance::check_errors(&interface(&url), $dialect).await
                };
                $with_target;
            }

            #[tokio::test]
            async fn bulk_fetch() {
                let $run = |url: String| async move {
                    conformance::check_bulk_fetch(&interface(&url)).await;
                };
                $with_target;
            }
        }
    };
}

suite!(sqlite_file, Dialect::Sqlite, |run| run(sqlite_file_url(
    "conformance"
))
.await);
suite!(sqlite_memory, Dialect::Sqlite, |run| {
    // Each test gets its own named in-memory database.
    let name = temp_dir("memory")
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    run(format!(
        "sqlite+aiosqlite:///file:{name}?mode=memory&cache=shared&uri=true"
    ))
    .await
});
suite!(postgres, Dialect::Postgres, |run| with_postgres_database(
    run
)
.await);
suite!(postgres_behind_pgbouncer, Dialect::Postgres, |run| {
    common::pgbouncer::with_database_behind_pgbouncer(run).await
});

#[tokio::test]
async fn sqlite_in_memory_keeps_its_data_between_calls() {
    let db = interface("sqlite+aiosqlite:///:memory:");
    let session = db.session().await.unwrap();
    session
        .execute("create table kept (x integer)", vec![])
        .await
        .unwrap();
    session
        .execute("insert into kept values (1)", vec![])
        .await
        .unwrap();
    // The one pinned connection is what keeps the database alive.
    let rows = db
        .session()
        .await
        .unwrap()
        .fetch_all("select count(*) as n from kept", vec![])
        .await
        .unwrap();
    assert_eq!(rows.row(0).unwrap().get::<i64>("n").unwrap(), 1);
    assert_eq!(db.database().await.unwrap().status().max_size, 1);
}

#[tokio::test]
async fn sqlite_connections_get_prefects_pragmas() {
    let db = interface(&sqlite_file_url("pragmas"));
    let session = db.session().await.unwrap();
    let read = |pragma: &'static str| {
        let session = session.clone();
        async move {
            let rows = session
                .fetch_all(&format!("pragma {pragma}"), vec![])
                .await
                .unwrap();
            rows.row(0).unwrap().get::<flowdb::value::Value>(0).unwrap()
        }
    };
    use flowdb::value::Value;
    assert_eq!(read("journal_mode").await, Value::Text("wal".into()));
    assert_eq!(read("foreign_keys").await, Value::Int64(1));
    assert_eq!(read("legacy_alter_table").await, Value::Int64(0));
    assert_eq!(read("synchronous").await, Value::Int64(1), "NORMAL");
    assert_eq!(read("cache_size").await, Value::Int64(20_000));
    assert_eq!(read("busy_timeout").await, Value::Int64(60_000));
}

#[tokio::test]
async fn sqlite_for_update_takes_the_write_lock_up_front() {
    let url = sqlite_file_url("immediate");
    let db = interface(&url);
    let session = db.session().await.unwrap();
    session
        .execute("create table locked (x integer)", vec![])
        .await
        .unwrap();
    let first = session.begin_transaction(true).await.unwrap();
    // A second IMMEDIATE transaction must wait for the first to finish.
    let second = tokio::spawn({
        let session = session.clone();
        async move { session.begin_transaction(true).await.map(|_| ()) }
    });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(
        !second.is_finished(),
        "BEGIN IMMEDIATE should block while another writer holds the lock"
    );
    first.commit().await.unwrap();
    second.await.unwrap().unwrap();
}

#[tokio::test]
async fn postgres_cancel_mid_flight_keeps_the_pool_usable() {
    with_postgres_database(|url| async move {
        conformance::check_cancel_mid_flight(&interface(&url), "select pg_sleep(5)").await;
    })
    .await;
}

#[tokio::test]
async fn postgres_sessions_are_read_committed_with_settings_applied() {
    with_postgres_database(|url| async move {
        let db = interface(&format!("{url}?application_name=flowdb-test"));
        let rows = db
            .session()
            .await
            .unwrap()
            .fetch_all(
                "select current_setting('transaction_isolation') as iso, current_setting('statement_timeout') as timeout, \
                 current_setting('application_name') as app",
                vec![],
            )
            .await
            .unwrap();
        let row = rows.row(0).unwrap();
        assert_eq!(row.get::<String>("iso").unwrap(), "read committed");
        assert_eq!(row.get::<String>("timeout").unwrap(), "10s");
        assert_eq!(row.get::<String>("app").unwrap(), "flowdb-test");
    })
    .await;
}

/// The backbone: the same operations on both dialects read back the same values.
#[tokio::test]
async fn sqlite_and_postgres_agree() {
    let sqlite = interface(&sqlite_file_url("differential"));
    let sqlite_results = (
        conformance::check_value_round_trip(&sqlite, Dialect::Sqlite).await,
        conformance::check_transactions(&sqlite).await,
        conformance::check_unit_of_work(&sqlite).await,
        conformance::check_bulk_fetch(&sqlite).await,
    );
    let postgres_results = std::sync::Arc::new(std::sync::Mutex::new(None));
    let slot = std::sync::Arc::clone(&postgres_results);
    with_postgres_database(|url| async move {
        let postgres = interface(&url);
        *slot.lock().unwrap() = Some((
            conformance::check_value_round_trip(&postgres, Dialect::Postgres).await,
            conformance::check_transactions(&postgres).await,
            conformance::check_unit_of_work(&postgres).await,
            conformance::check_bulk_fetch(&postgres).await,
        ));
    })
    .await;
    let postgres_results = postgres_results.lock().unwrap().take().unwrap();
    assert_eq!(sqlite_results, postgres_results);
}

/// Every PostgreSQL type the plugin reads, one column each, NULLs included: each column's
/// reader is chosen once per result from its type, so a wrong choice shows on every row.
#[tokio::test]
async fn postgres_reads_each_column_type() {
    use flowdb::value::Value;
    with_postgres_database(|url| async move {
        let db = interface(&url);
        let session = db.session().await.unwrap();
        session
            .execute("create type mood as enum ('calm', 'späte')", vec![])
            .await
            .unwrap();
        let rows = session
            .fetch_all(
                "select * from (values \
                   (true, 7::int2, 70000::int4, 9007199254740993::int8, 1.5::float4, 0.1::float8, \
                    'ümlaut'::text, 'v'::varchar, 'c'::char(2), '\\x00ff'::bytea, \
                    '0b5f7c1e-8d5c-4d1e-9a0e-000000000001'::uuid, \
                    '2026-12-01 12:00:00.000001+02'::timestamptz, '2026-12-01 12:00:00.5'::timestamp, \
                    '1 month 2 days 00:00:03.25'::interval, \
                    '{\"a\": [1, 2.5, \"ß\"]}'::json, '{\"b\":   null}'::jsonb, '50.0'::jsonb, \
                    'späte'::mood, 26::oid), \
                   (null, null, null, null, null, null, null, null, null, null, null, null, null, \
                    null, null, null, null, null, null)) \
                 as t(b, i2, i4, i8, f4, f8, t, v, c, by, u, tz, ts, iv, j, jb, jn, m, o)",
                vec![],
            )
            .await
            .unwrap();
        let first = rows.row(0).unwrap();
        let expected = [
            ("b", Value::Bool(true)),
            ("i2", Value::Int16(7)),
            ("i4", Value::Int32(70000)),
            ("i8", Value::Int64(9_007_199_254_740_993)),
            ("f4", Value::Float64(1.5)),
            ("f8", Value::Float64(0.1)),
            ("t", Value::Text("ümlaut".into())),
            ("v", Value::Text("v".into())),
            ("c", Value::Text("c ".into())),
            ("by", Value::Bytes(vec![0, 255].into())),
            (
                "u",
                Value::Uuid(
                    uuid::Uuid::parse_str("0b5f7c1e-8d5c-4d1e-9a0e-000000000001")
                        .unwrap()
                        .into_bytes(),
                ),
            ),
            ("tz", Value::Timestamp(1_796_119_200_000_001)),
            ("ts", Value::Timestamp(1_796_126_400_500_000)),
            (
                "iv",
                Value::Interval((32 * 86_400 + 3) * 1_000_000 + 250_000),
            ),
            // json keeps its text as written; jsonb is the server's normalized text.
            ("j", Value::Json("{\"a\": [1, 2.5, \"ß\"]}".into())),
            ("jb", Value::Json("{\"b\": null}".into())),
            ("jn", Value::Json("50.0".into())),
            ("m", Value::Text("späte".into())),
            ("o", Value::Int64(26)),
        ];
        for (column, value) in &expected {
            assert_eq!(first.value(*column).unwrap(), value, "column {column}");
            assert_eq!(
                rows.row(1).unwrap().value(*column).unwrap(),
                &Value::Null,
                "column {column}"
            );
        }
        let err = session
            .fetch_all("select point(1, 2) as p", vec![])
            .await
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("column 0 has type POINT") && err.contains("cast it in SQL"),
            "{err}"
        );
        // Values PostgreSQL stores that flowdb's cannot hold are errors naming them, and the
        // plugin keeps serving (chrono's decoding panicked on them, which poisons a plugin).
        for (sql, says) in [
            ("select 1 as n, 'infinity'::timestamptz as t", "'infinity'"),
            ("select 1 as n, '-infinity'::timestamp as t", "'-infinity'"),
            (
                "select 1 as n, interval '177000000 years' as t",
                "longer than flowdb's intervals hold",
            ),
        ] {
            let err = session.fetch_all(sql, vec![]).await.unwrap_err().to_string();
            assert!(err.contains("column 1") && err.contains(says), "{sql}: {err}");
        }
        let far = session
            .fetch_all("select '290000-01-01 00:00:00+00'::timestamptz as t", vec![])
            .await
            .unwrap();
        assert!(matches!(far.row(0).unwrap().value("t").unwrap(), Value::Timestamp(_)));
        let err = far
            .row(0)
            .unwrap()
            .get::<chrono::DateTime<chrono::Utc>>("t")
            .unwrap_err()
            .to_string();
        assert!(err.contains("out of range"), "{err}");
        assert_eq!(
            session
                .fetch_all("select 2 as n", vec![])
                .await
                .unwrap()
                .row(0)
                .unwrap()
                .get::<i32>("n")
                .unwrap(),
            2
        );
    })
    .await;
}
