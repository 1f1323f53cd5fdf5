//! The migration engine on both dialects: the schema is Prefect 3.9.1's exactly, migrations
//! reverse cleanly, and bad migration states are refused with a clear error.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use common::{interface, temp_dir, with_postgres_database};
use flowdb::orm::{BOOKKEEPING_TABLE, MigrationError};
use flowdb::{DatabaseConfig, DbInterface, Error, params};

const BASELINE: &str = "20261125000000";

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/schema")
        .join(name)
}

/// The normalized schema dump of a database, without flowdb's own bookkeeping table.
fn dump_schema(url: &str) -> String {
    let out = temp_dir("dump").join("schema.txt");
    let status = Command::new("python3")
        .arg(fixture("dump_schema.py"))
        .arg(url)
        .arg(&out)
        .args(["--exclude-table", BOOKKEEPING_TABLE])
        .status()
        .expect("python3 runs the schema dumper");
    assert!(status.success(), "dump_schema.py failed on {url}");
    // The dumper notes the exclusion in a header line; the reference was dumped without one.
    let dump = std::fs::read_to_string(out).unwrap();
    dump.lines()
        .filter(|line| !line.starts_with("# excluded tables:"))
        .map(|line| format!("{line}\n"))
        .collect()
}

/// Every line that differs between two dumps, for a readable failure.
fn differences(expected: &str, actual: &str) -> Vec<String> {
    let expected_lines: std::collections::BTreeSet<&str> = expected.lines().collect();
    let actual_lines: std::collections::BTreeSet<&str> = actual.lines().collect();
    let missing = expected_lines
        .difference(&actual_lines)
        .map(|line| format!("- {line}"));
    let extra = actual_lines
        .difference(&expected_lines)
        .map(|line| format!("+ {line}"));
    missing.chain(extra).collect()
}

fn sqlite_url(label: &str) -> String {
    format!(
        "sqlite+aiosqlite:///{}",
        temp_dir(label).join("prefect.db").display()
    )
}

async fn check_reference_schema(url: &str, reference: &str) {
    let db = interface(url);
    let applied = db.upgrade("head").await.unwrap();
    assert_eq!(
        applied
            .iter()
            .map(|m| m.version.as_str())
            .collect::<Vec<_>>(),
        vec![BASELINE]
    );
    let expected = std::fs::read_to_string(fixture(reference)).unwrap();
    let diff = differences(&expected, &dump_schema(url));
    assert!(
        diff.is_empty(),
        "{} lines differ from {reference}:\n{}",
        diff.len(),
        diff.join("\n")
    );
    // A second upgrade has nothing to do.
    assert!(db.upgrade("head").await.unwrap().is_empty());
}

async fn check_round_trip(url: &str) {
    let db = interface(url);
    db.upgrade("head").await.unwrap();
    let upgraded = dump_schema(url);
    let reverted = db.downgrade("base").await.unwrap();
    assert_eq!(reverted.len(), 1);
    let base = dump_schema(url);
    assert!(
        !base.contains("table flow_run"),
        "downgrade to base leaves no Prefect table:\n{base}"
    );
    let status = db.migration_status().await.unwrap();
    assert_eq!(status.current, None);
    assert_eq!(status.pending.len(), 1);
    db.upgrade("head").await.unwrap();
    let diff = differences(&upgraded, &dump_schema(url));
    assert!(
        diff.is_empty(),
        "upgrade → base → upgrade changed the schema:\n{}",
        diff.join("\n")
    );
}

async fn check_bad_states(url: &str, alembic_head: &str) {
    let db = interface(url);
    db.upgrade("head").await.unwrap();
    let status = db.migration_status().await.unwrap();
    assert_eq!(status.current.as_deref(), Some(BASELINE));
    assert_eq!(
        status.alembic_revision.as_deref(),
        Some(alembic_head),
        "Prefect's revision is stamped"
    );
    let session = db.session().await.unwrap();

    // An applied migration whose file was edited afterwards.
    session
        .execute(
            "UPDATE flowdb_migrations SET checksum = $1 WHERE version = $2",
            params!["0".repeat(64), BASELINE],
        )
        .await
        .unwrap();
    let err = db.upgrade("head").await.unwrap_err();
    assert!(
        matches!(err, Error::Migration(MigrationError::Edited { .. })),
        "{err}"
    );
    let message = err.to_string();
    assert!(
        message.contains(&format!(
            "migration {BASELINE} (prefect_3_9_1_baseline) was changed"
        )),
        "{message}"
    );
    db.stamp("head").await.unwrap_err();
    session
        .execute("DELETE FROM flowdb_migrations", vec![])
        .await
        .unwrap();
    let baseline = db.migration_history().remove(0);
    session
        .execute(
            "INSERT INTO flowdb_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)",
            params![BASELINE, "prefect_3_9_1_baseline", baseline.checksum.as_str(), "2026-11-25T00:00:00Z"],
        )
        .await
        .unwrap();

    // A database from a newer build.
    session
        .execute(
            "INSERT INTO flowdb_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)",
            params!["29991231235959", "from_the_future", "f".repeat(64), "2999-12-31T23:59:59Z"],
        )
        .await
        .unwrap();
    let err = db.upgrade("head").await.unwrap_err();
    let message = err.to_string();
    assert!(
        matches!(err, Error::Migration(MigrationError::NewerDatabase { .. })),
        "{message}"
    );
    assert!(
        message.contains("29991231235959") && message.contains(BASELINE),
        "{message}"
    );
    session
        .execute(
            "DELETE FROM flowdb_migrations WHERE version = $1",
            params!["29991231235959"],
        )
        .await
        .unwrap();

    // Downgrading below the first revision: only `base` is below it.
    let err = db.downgrade("00000000000000").await.unwrap_err();
    assert!(
        err.to_string().contains(
            "unknown migration `00000000000000`: use `base`, `head` or one of 20261125000000"
        ),
        "{err}"
    );
    assert_eq!(
        db.migration_status().await.unwrap().current.as_deref(),
        Some(BASELINE),
        "nothing was lost"
    );
}

/// A database Prefect migrated (schema present, `alembic_version` at its head, no flowdb
/// bookkeeping) is adopted without running anything; another revision is refused.
async fn check_prefect_adoption(url: &str, alembic_head: &str) {
    let db = interface(url);
    // Build the schema as Prefect would have: run the baseline script ourselves, stamp alembic.
    let baseline = db.orm().migrations().remove(0);
    let database = db.database().await.unwrap();
    let mut transaction = database.begin(true).await.unwrap();
    transaction
        .execute_script(baseline.up_sql.as_str())
        .await
        .unwrap();
    transaction
        .execute(
            "INSERT INTO alembic_version (version_num) VALUES ($1)",
            params!["0123456789ab"],
        )
        .await
        .unwrap();
    transaction.commit().await.unwrap();

    let err = db.upgrade("head").await.unwrap_err();
    let message = err.to_string();
    assert!(
        matches!(
            err,
            Error::Migration(MigrationError::ForeignRevision { .. })
        ),
        "{message}"
    );
    assert!(
        message.contains("0123456789ab") && message.contains(alembic_head),
        "{message}"
    );

    database
        .execute(
            "UPDATE alembic_version SET version_num = $1",
            params![alembic_head],
        )
        .await
        .unwrap();
    let applied = db.upgrade("head").await.unwrap();
    assert!(
        applied.is_empty(),
        "an adopted database runs nothing: {applied:?}"
    );
    let status = db.migration_status().await.unwrap();
    assert_eq!(status.current.as_deref(), Some(BASELINE));
    assert!(status.pending.is_empty());
}

/// Two upgrades started at the same moment take turns: one applies, the other finds it done.
async fn check_concurrent_upgrades(url: &str) {
    let first = interface(url);
    let mut other_config = DatabaseConfig::new(url);
    other_config.pool_timeout = Some(Duration::from_secs(29));
    let second: Arc<DbInterface> =
        DbInterface::with_registry(other_config, common::registry()).unwrap();
    let (a, b) = tokio::join!(first.upgrade("head"), second.upgrade("head"));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(
        a.len() + b.len(),
        1,
        "exactly one of them applied the baseline: {a:?} {b:?}"
    );
    assert_eq!(
        first.migration_status().await.unwrap().current.as_deref(),
        Some(BASELINE)
    );
}

mod postgres {
    use super::*;

    #[tokio::test]
    async fn upgrade_builds_prefects_schema_exactly() {
        with_postgres_database(|url| async move {
            check_reference_schema(&url, "prefect-3.9.1-postgresql.txt").await
        })
        .await;
    }

    #[tokio::test]
    async fn upgrade_downgrade_upgrade_round_trips() {
        with_postgres_database(|url| async move { check_round_trip(&url).await }).await;
    }

    #[tokio::test]
    async fn bad_migration_states_are_refused() {
        with_postgres_database(|url| async move { check_bad_states(&url, "91e2b8f3d6a4").await })
            .await;
    }

    #[tokio::test]
    async fn a_prefect_database_is_adopted() {
        with_postgres_database(
            |url| async move { check_prefect_adoption(&url, "91e2b8f3d6a4").await },
        )
        .await;
    }

    #[tokio::test]
    async fn concurrent_upgrades_take_turns() {
        with_postgres_database(|url| async move { check_concurrent_upgrades(&url).await }).await;
    }
}

mod sqlite {
    use super::*;

    #[tokio::test]
    async fn upgrade_builds_prefects_schema_exactly() {
        check_reference_schema(&sqlite_url("migrate-schema"), "prefect-3.9.1-sqlite.txt").await;
    }

    #[tokio::test]
    async fn upgrade_downgrade_upgrade_round_trips() {
        check_round_trip(&sqlite_url("migrate-round-trip")).await;
    }

    #[tokio::test]
    async fn bad_migration_states_are_refused() {
        check_bad_states(&sqlite_url("migrate-bad-states"), "27d8f4e1a6c9").await;
    }

    #[tokio::test]
    async fn a_prefect_database_is_adopted() {
        check_prefect_adoption(&sqlite_url("migrate-adoption"), "27d8f4e1a6c9").await;
    }

    #[tokio::test]
    async fn concurrent_upgrades_take_turns() {
        check_concurrent_upgrades(&sqlite_url("migrate-concurrent")).await;
    }
}

#[tokio::test]
async fn a_postgres_role_without_create_rights_is_refused_clearly() {
    with_postgres_database(|url| async move {
        let role = format!("flowdb_test_role_{}", std::process::id());
        let admin = interface(&url);
        let session = admin.session().await.unwrap();
        session
            .execute(&format!("CREATE ROLE {role} LOGIN"), vec![])
            .await
            .unwrap();
        // PostgreSQL 15 grants CONNECT to everyone but CREATE on schema public to no one.
        let as_role = url.replacen("://postgres", &format!("://{role}"), 1);
        let db = interface(&as_role);
        let err = db.upgrade("head").await.unwrap_err();
        let message = err.to_string();
        db.database().await.unwrap().close().await;
        session
            .execute(&format!("DROP ROLE {role}"), vec![])
            .await
            .unwrap();
        assert!(message.contains("permission denied"), "{message}");
        assert!(
            admin.migration_status().await.unwrap().current.is_none(),
            "nothing was applied"
        );
    })
    .await;
}

/// A `flowdb database upgrade` killed while it runs leaves the database either migrated or
/// untouched; running it again completes it.
#[tokio::test]
async fn an_upgrade_killed_midway_is_completed_by_the_next_one() {
    with_postgres_database(|url| async move {
        let home = temp_dir("killed");
        for delay_ms in [20_u64, 80, 160] {
            let mut child = Command::new(env!("CARGO_BIN_EXE_flowdb"))
                .args(["database", "upgrade", "--url", &url])
                .env("FLOWDB_HOME", &home)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap();
            tokio::time::sleep(Duration::from_millis(delay_ms)).await;
            child.kill().unwrap();
            child.wait().unwrap();
            let status = interface(&url).migration_status().await.unwrap();
            let applied = status.current.is_some();
            let has_tables = dump_schema(&url).contains("table flow_run\n");
            assert_eq!(
                applied, has_tables,
                "recorded and present together, or neither (after {delay_ms} ms)"
            );
            if applied {
                interface(&url).downgrade("base").await.unwrap();
            }
        }
        interface(&url).upgrade("head").await.unwrap();
        let expected = std::fs::read_to_string(fixture("prefect-3.9.1-postgresql.txt")).unwrap();
        assert!(differences(&expected, &dump_schema(&url)).is_empty());
    })
    .await;
}

#[tokio::test]
async fn migrate_on_start_follows_the_setting() {
    let url = sqlite_url("on-start");
    let db = interface(&url);
    let env = |value: &str| {
        let vars = std::collections::HashMap::from([
            (
                "PREFECT_SERVER_DATABASE_CONNECTION_URL".to_owned(),
                url.clone(),
            ),
            (
                "PREFECT_SERVER_DATABASE_MIGRATE_ON_START".to_owned(),
                value.to_owned(),
            ),
        ]);
        flowdb::settings::Settings::from_sources(&vars, None).unwrap()
    };
    assert!(db.migrate_on_start(&env("false")).await.unwrap().is_empty());
    assert_eq!(db.migration_status().await.unwrap().current, None);
    assert_eq!(db.migrate_on_start(&env("true")).await.unwrap().len(), 1);
    assert_eq!(
        db.migration_status().await.unwrap().current.as_deref(),
        Some(BASELINE)
    );
}

#[tokio::test]
async fn reset_leaves_an_empty_database_at_head() {
    let url = sqlite_url("reset");
    let db = interface(&url);
    db.upgrade("head").await.unwrap();
    let session = db.session().await.unwrap();
    session
        .execute(
            "INSERT INTO flow (id, name) VALUES ($1, $2)",
            params![uuid::Uuid::new_v4().to_string(), "etl"],
        )
        .await
        .unwrap();
    db.reset().await.unwrap();
    let rows = session
        .fetch_all("SELECT count(*) AS n FROM flow", vec![])
        .await
        .unwrap();
    assert_eq!(rows.row(0).unwrap().get::<i64>("n").unwrap(), 0);
    assert_eq!(
        db.migration_status().await.unwrap().current.as_deref(),
        Some(BASELINE)
    );
}

/// A migration is not cut short by the statement timeout meant for ordinary queries (Prefect's
/// `timeout`): here it waits 300 ms for another migrator's lock, with 50 ms allowed per query.
#[tokio::test]
async fn postgres_migrations_are_not_bound_by_the_statement_timeout() {
    with_postgres_database(|url| async move {
        let mut config = DatabaseConfig::new(&url);
        config.timeout = Some(Duration::from_millis(50));
        let db = DbInterface::with_registry(config, common::registry()).unwrap();
        let slow = db
            .session()
            .await
            .unwrap()
            .fetch_all("SELECT pg_sleep(0.2)", vec![])
            .await
            .unwrap_err();
        assert_eq!(
            slow.kind(),
            Some(flowdb::ErrorKind::TIMEOUT),
            "ordinary queries do time out: {slow}"
        );

        let other = interface(&url);
        let mut holder = other
            .session()
            .await
            .unwrap()
            .begin_transaction(true)
            .await
            .unwrap();
        let lock = other.orm().migration_lock_sql().unwrap();
        holder.execute_script(&lock).await.unwrap();
        let release = async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            holder.rollback().await.unwrap();
        };
        let (upgraded, ()) = tokio::join!(db.upgrade("head"), release);
        assert_eq!(
            upgraded.unwrap().len(),
            1,
            "the upgrade waited for the lock instead of timing out"
        );
    })
    .await;
}
