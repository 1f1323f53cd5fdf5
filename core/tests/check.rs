//! Schema snapshots and `flowdb database check` on both dialects: the plugins' snapshots of an
//! upgraded database are Prefect's reference dumps line for line, a clean database has no drift,
//! and every kind of drift is reported with its line.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::process::Command;

use common::{interface, temp_dir, with_postgres_database};
use flowdb::orm::BOOKKEEPING_TABLE;
use flowdb::{DbInterface, Error};

fn sqlite_url(label: &str) -> String {
    format!(
        "sqlite+aiosqlite:///{}",
        temp_dir(label).join("prefect.db").display()
    )
}

/// The body of a reference dump (its `#` header lines carry the alembic head and counts).
fn reference_lines(name: &str) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/schema")
        .join(name);
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|line| !line.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

async fn check_snapshot_is_the_reference(url: &str, reference: &str) {
    let db = interface(url);
    db.upgrade("head").await.unwrap();
    let snapshot: Vec<String> = db
        .schema_snapshot()
        .await
        .unwrap()
        .into_iter()
        .filter(|line| !line.contains(BOOKKEEPING_TABLE))
        .collect();
    let expected = reference_lines(reference);
    let missing: Vec<&String> = expected.iter().filter(|l| !snapshot.contains(l)).collect();
    let extra: Vec<&String> = snapshot.iter().filter(|l| !expected.contains(l)).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "snapshot differs from {reference}:\nmissing {missing:#?}\nextra {extra:#?}"
    );
    let mut sorted = snapshot.clone();
    sorted.sort();
    assert_eq!(snapshot, sorted, "snapshot lines come sorted");
}

/// Checks run one at a time in this binary, so that a test can tell that no scratch database
/// of this process is left without another test's check being midway.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// No scratch database of process `pid` is left behind by a check.
async fn assert_no_scratch_left(db: &DbInterface, pid: u32) {
    let prefix = format!("flowdb_check_{pid}_");
    if db.dialect() == "sqlite" {
        let left: Vec<_> = std::fs::read_dir(std::env::temp_dir())
            .unwrap()
            .filter_map(Result::ok)
            .filter(|entry| entry.file_name().to_string_lossy().starts_with(&prefix))
            .collect();
        assert!(left.is_empty(), "scratch files left: {left:?}");
    } else {
        assert_eq!(
            postgres_scratch_databases(db, pid).await,
            0,
            "scratch databases left"
        );
    }
}

/// How many scratch databases of process `pid` the PostgreSQL server has.
async fn postgres_scratch_databases(db: &DbInterface, pid: u32) -> usize {
    db.session()
        .await
        .unwrap()
        .fetch_all(
            "SELECT datname FROM pg_database WHERE starts_with(datname, $1)",
            flowdb::params![format!("flowdb_check_{pid}_")],
        )
        .await
        .unwrap()
        .len()
}

async fn check_drift_is_reported(url: &str) {
    let db = interface(url);

    // Nothing applied: everything is missing and the migration is pending.
    let fresh = db.check_schema().await.unwrap();
    assert!(!fresh.is_clean());
    assert_eq!(fresh.pending.len(), 1);
    assert!(fresh.missing.iter().any(|line| line == "table flow_run"));
    assert!(fresh.unexpected.is_empty(), "{:#?}", fresh.unexpected);
    assert!(
        fresh
            .model_mismatches
            .contains(&"model FlowRun: table flow_run is missing from the database".to_owned())
    );

    db.upgrade("head").await.unwrap();
    let clean = db.check_schema().await.unwrap();
    assert!(clean.is_clean(), "{clean:#?}");
    assert_eq!(clean.head.as_deref(), Some("20261125000000"));

    let session = db.session().await.unwrap();
    session
        .execute("DROP INDEX ix_flow_run__state_type", vec![])
        .await
        .unwrap();
    session
        .execute("ALTER TABLE flow ADD COLUMN extra TEXT", vec![])
        .await
        .unwrap();
    let drift = db.check_schema().await.unwrap();
    assert!(drift.pending.is_empty());
    assert_eq!(drift.missing.len(), 1, "{:#?}", drift.missing);
    assert!(
        drift.missing[0].starts_with("index flow_run.ix_flow_run__state_type unique=false "),
        "{}",
        drift.missing[0]
    );
    assert_eq!(drift.unexpected.len(), 1, "{:#?}", drift.unexpected);
    assert!(
        drift.unexpected[0].starts_with("column flow.extra type=")
            && drift.unexpected[0].contains(" nullable=yes default=NULL"),
        "{}",
        drift.unexpected[0]
    );
    assert_eq!(
        drift.model_mismatches,
        ["model Flow: column flow.extra in the database has no field in the model"]
    );

    assert_no_scratch_left(&db, std::process::id()).await;

    // The CLI prints the same lines and exits with 6.
    let child = Command::new(env!("CARGO_BIN_EXE_flowdb"))
        .args(["database", "check", "--url", url])
        .env("FLOWDB_HOME", temp_dir("check-cli"))
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let cli_pid = child.id();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(6), "{stdout}");
    assert!(
        stdout.contains(&format!("- {}", drift.missing[0])),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("+ {}", drift.unexpected[0])),
        "{stdout}"
    );
    assert!(stdout.contains("1 missing, 1 unexpected, 1 model mismatches"));
    assert_no_scratch_left(&db, cli_pid).await;
}

/// A database Prefect migrated (here: ours without flowdb's bookkeeping table) has the right
/// schema; only the adoption is pending.
async fn check_prefect_database_has_no_schema_drift(url: &str) {
    let db = interface(url);
    db.upgrade("head").await.unwrap();
    db.session()
        .await
        .unwrap()
        .execute(&format!("DROP TABLE {BOOKKEEPING_TABLE}"), vec![])
        .await
        .unwrap();
    let drift = db.check_schema().await.unwrap();
    assert_eq!(drift.pending.len(), 1);
    assert!(drift.missing.is_empty(), "{:#?}", drift.missing);
    assert!(drift.unexpected.is_empty(), "{:#?}", drift.unexpected);
    assert!(drift.model_mismatches.is_empty());
    assert!(drift.is_unadopted_prefect_database());

    let out = Command::new(env!("CARGO_BIN_EXE_flowdb"))
        .args(["database", "check", "--url", url])
        .env("FLOWDB_HOME", temp_dir("check-cli-prefect"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(6), "{stdout}");
    assert!(
        stdout.contains("flowdb has not adopted it yet")
            && stdout.contains("without running any DDL"),
        "{stdout}"
    );
}

mod sqlite {
    use super::*;

    #[tokio::test]
    async fn snapshot_is_the_reference_dump() {
        let _serial = SERIAL.lock().await;
        check_snapshot_is_the_reference(&sqlite_url("snapshot"), "prefect-3.9.1-sqlite.txt").await;
    }

    #[tokio::test]
    async fn drift_is_reported_line_by_line() {
        let _serial = SERIAL.lock().await;
        check_drift_is_reported(&sqlite_url("drift")).await;
    }

    #[tokio::test]
    async fn a_prefect_database_has_no_schema_drift() {
        let _serial = SERIAL.lock().await;
        check_prefect_database_has_no_schema_drift(&sqlite_url("drift-prefect")).await;
    }

    #[tokio::test]
    async fn an_in_memory_database_is_checked_too() {
        let _serial = SERIAL.lock().await;
        let db = interface("sqlite+aiosqlite:///:memory:");
        db.upgrade("head").await.unwrap();
        assert!(db.check_schema().await.unwrap().is_clean());
    }
}

mod postgres {
    use super::*;

    #[tokio::test]
    async fn snapshot_is_the_reference_dump() {
        let _serial = SERIAL.lock().await;
        with_postgres_database(|url| async move {
            check_snapshot_is_the_reference(&url, "prefect-3.9.1-postgresql.txt").await
        })
        .await;
    }

    #[tokio::test]
    async fn drift_is_reported_line_by_line() {
        let _serial = SERIAL.lock().await;
        with_postgres_database(|url| async move { check_drift_is_reported(&url).await }).await;
    }

    #[tokio::test]
    async fn a_prefect_database_has_no_schema_drift() {
        let _serial = SERIAL.lock().await;
        with_postgres_database(|url| async move {
            check_prefect_database_has_no_schema_drift(&url).await
        })
        .await;
    }

    /// A check cancelled midway (a host's timeout) still drops its scratch database.
    #[tokio::test]
    async fn a_cancelled_check_drops_its_scratch_database() {
        let _serial = SERIAL.lock().await;
        with_postgres_database(|url| async move {
            let db = interface(&url);
            db.upgrade("head").await.unwrap();
            let scratch_databases = || postgres_scratch_databases(&db, std::process::id());
            // Cancel the check once its scratch database exists, while it is being migrated.
            let appeared = async {
                while scratch_databases().await == 0 {
                    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                }
            };
            tokio::select! {
                finished = db.check_schema() => panic!("the check was not cancelled: {finished:?}"),
                () = appeared => {}
            }
            let mut left = usize::MAX;
            for _ in 0..100 {
                left = scratch_databases().await;
                if left == 0 {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            assert_eq!(
                left, 0,
                "the cancelled check's scratch database was dropped"
            );
        })
        .await;
    }

    /// Without the right to create a database there is no scratch database to build the
    /// expected schema in: the error says so and what to grant.
    #[tokio::test]
    async fn a_role_without_createdb_gets_a_clear_error() {
        let _serial = SERIAL.lock().await;
        with_postgres_database(|url| async move {
            interface(&url).upgrade("head").await.unwrap();
            let role = format!("flowdb_check_role_{}", std::process::id());
            let admin = interface(&url).session().await.unwrap();
            for statement in [
                format!("CREATE ROLE {role} LOGIN NOCREATEDB"),
                format!("GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}"),
            ] {
                admin.execute(&statement, vec![]).await.unwrap();
            }
            let as_role = url.replacen("://postgres", &format!("://{role}"), 1);
            let db = interface(&as_role);
            let err = db.check_schema().await.unwrap_err();
            db.database().await.unwrap().close().await;
            for statement in [format!("DROP OWNED BY {role}"), format!("DROP ROLE {role}")] {
                admin.execute(&statement, vec![]).await.unwrap();
            }
            assert!(matches!(err, Error::ScratchDatabase { .. }), "{err:?}");
            let message = err.to_string();
            assert!(
                message.contains("permission denied to create database")
                    && message.contains("CREATEDB"),
                "{message}"
            );
        })
        .await;
    }
}
