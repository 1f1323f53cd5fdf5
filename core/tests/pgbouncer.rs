//! Behind PgBouncer in transaction mode (Prefect issue #18616): with Prefect's statement-cache
//! setting turned off, migrations, the schema check and the session settings work through it;
//! with the cache on, flowdb says which setting to change. The hot path, the concurrency
//! tests and the shared suite also run through PgBouncer, in their own files.
#![allow(clippy::unwrap_used)]

mod common;

use common::pgbouncer::{PgBouncer, with_database_behind_pgbouncer};
use common::{interface, with_postgres_database};
use flowdb::{DatabaseConfig, DbInterface, ErrorKind};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrations_and_the_schema_check_pass_through_pgbouncer() {
    with_database_behind_pgbouncer(|url| async move {
        let db = interface(&url);
        db.upgrade("head").await.unwrap();
        let drift = db.check_schema().await.unwrap();
        assert!(drift.is_clean(), "{drift:?}");
        db.downgrade("base").await.unwrap();
        db.upgrade("head").await.unwrap();
        assert!(db.migration_status().await.unwrap().pending.is_empty());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_settings_reach_each_transaction_through_pgbouncer() {
    with_database_behind_pgbouncer(|url| async move {
        // The settings PgBouncer would refuse as startup parameters are set in each
        // transaction: JIT off, the statement timeout, READ COMMITTED.
        // The cache turned off by the setting this time, not the URL.
        let mut config = DatabaseConfig::new(url.split('?').next().unwrap());
        config.statement_cache_size = Some(0);
        config.timeout = Some(std::time::Duration::from_millis(300));
        let db = DbInterface::with_registry(config, common::registry()).unwrap();
        let session = db.session().await.unwrap();
        let rows = session
            .fetch_all(
                "select current_setting('jit') as jit, \
                 current_setting('statement_timeout') as timeout, \
                 current_setting('transaction_isolation') as isolation",
                vec![],
            )
            .await
            .unwrap();
        let row = rows.row(0).unwrap();
        assert_eq!(row.get::<String>("jit").unwrap(), "off");
        assert_eq!(row.get::<String>("timeout").unwrap(), "300ms");
        assert_eq!(row.get::<String>("isolation").unwrap(), "read committed");
        let err = session
            .execute("select pg_sleep(5)", vec![])
            .await
            .unwrap_err();
        assert_eq!(err.kind(), Some(ErrorKind::TIMEOUT), "{err}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_statement_cache_on_flowdb_names_the_setting_to_change() {
    let bouncer = PgBouncer::start();
    let bouncer = &bouncer;
    with_postgres_database(|direct| async move {
        let db = interface(&bouncer.url(&direct, false));
        let err = db.database().await.unwrap_err();
        let message = err.to_string();
        assert!(
            message.contains("PgBouncer")
                && message.contains(
                    "PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_STATEMENT_CACHE_SIZE=0"
                ),
            "{message}"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_cache_on_and_startup_parameters_ignored_flowdb_names_the_setting() {
    // The other way PgBouncer is often configured: told to ignore the startup parameters, so
    // connecting works, and then named prepared statements meet other clients' on the two
    // shared server connections.
    let bouncer = PgBouncer::start_with("ignore_startup_parameters = extra_float_digits, options");
    let bouncer = &bouncer;
    with_postgres_database(|direct| async move {
        let db = interface(&bouncer.url(&direct, false));
        let mut tasks = Vec::new();
        for task in 0..8_i64 {
            let db = db.clone();
            tasks.push(tokio::spawn(async move {
                let session = db.session().await.unwrap();
                let mut errors = Vec::new();
                for round in 0..25_i64 {
                    let sql = format!("select {task} + $1 as n{}", round % 5);
                    if let Err(err) = session
                        .fetch_all(&sql, vec![flowdb::value::Value::Int64(round)])
                        .await
                    {
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
            !errors.is_empty(),
            "named statements on shared server connections never collided: {}",
            bouncer.log()
        );
        for message in &errors {
            assert!(
                message.contains("prepared statement")
                    && message.contains(
                        "PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_STATEMENT_CACHE_SIZE=0"
                    ),
                "{message}"
            );
        }
    })
    .await;
}
