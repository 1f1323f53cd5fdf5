//! `DbInterface` caching and the injection helpers.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{plugin_dir, registry, temp_dir};
use flowdb::plugin::{PluginRegistry, SearchPath};
use flowdb::{
    DatabaseConfig, DbInterface, inject_db, provide_database_interface, temporary_database_config,
    temporary_database_interface,
};

fn sqlite_config(label: &str) -> DatabaseConfig {
    DatabaseConfig::new(format!(
        "sqlite+aiosqlite:///{}",
        temp_dir(label).join("flowdb.db").display()
    ))
}

#[tokio::test]
async fn one_interface_per_configuration_and_one_pool_per_key() {
    let config = sqlite_config("cache");
    let first = DbInterface::with_registry(config.clone(), registry()).unwrap();
    let again = DbInterface::with_registry(config.clone(), registry()).unwrap();
    assert!(Arc::ptr_eq(&first, &again), "same settings, same instance");

    let mut slower = config.clone();
    slower.pool_timeout = Some(Duration::from_secs(99));
    let other = DbInterface::with_registry(slower, registry()).unwrap();
    assert!(
        !Arc::ptr_eq(&first, &other),
        "different settings, different instance"
    );
    // …but the pool is keyed like Prefect's engine cache (URL, echo, timeout): shared.
    assert!(Arc::ptr_eq(
        &first.database().await.unwrap(),
        &other.database().await.unwrap()
    ));

    let mut echoing = config;
    echoing.echo = true;
    let echo = DbInterface::with_registry(echoing, registry()).unwrap();
    assert!(!Arc::ptr_eq(
        &first.database().await.unwrap(),
        &echo.database().await.unwrap()
    ));
}

/// The overrides are process-wide, as in Prefect: the tests that set them take turns.
static OVERRIDES: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The process-wide registry of this test binary: the built plugins.
fn global_registry() -> &'static PluginRegistry {
    static INIT: std::sync::Once = std::sync::Once::new();
    INIT.call_once(|| {
        PluginRegistry::init_global(SearchPath::explicit_only([plugin_dir()])).unwrap();
    });
    PluginRegistry::global()
}

#[tokio::test]
async fn temporary_overrides_are_restored() {
    let _turn = OVERRIDES.lock().await;
    let inner = DbInterface::with_registry(sqlite_config("override-inner"), registry()).unwrap();
    let outer = DbInterface::with_registry(sqlite_config("override-outer"), registry()).unwrap();
    {
        let _outer = temporary_database_interface(Arc::clone(&outer));
        assert!(Arc::ptr_eq(&provide_database_interface().unwrap(), &outer));
        {
            let _inner = temporary_database_interface(Arc::clone(&inner));
            assert!(Arc::ptr_eq(&provide_database_interface().unwrap(), &inner));
            let url = inject_db(|db| async move { Ok(db.config().url().to_owned()) })
                .await
                .unwrap();
            assert_eq!(url, inner.config().url());
        }
        assert!(
            Arc::ptr_eq(&provide_database_interface().unwrap(), &outer),
            "the inner override ended"
        );
    }
}

#[tokio::test]
async fn a_temporary_configuration_builds_its_interface() {
    let _turn = OVERRIDES.lock().await;
    let config = sqlite_config("override-config");
    let expected = DbInterface::with_registry(config.clone(), global_registry()).unwrap();
    let _guard = temporary_database_config(config.clone());
    let provided = provide_database_interface().unwrap();
    assert!(
        Arc::ptr_eq(&provided, &expected),
        "built from the override, through the global registry"
    );
    assert_eq!(provided.config(), &config);
    assert!(provided.is_db_connectable().await);
}

/// Closing an interface checkpoints SQLite's write-ahead log, fails later queries through it
/// clearly, and leaves the configuration usable: the next interface opens a new pool.
#[tokio::test]
async fn a_closed_interface_is_replaced_not_reused() {
    let config = sqlite_config("close");
    let path = config
        .url()
        .strip_prefix("sqlite+aiosqlite:///")
        .unwrap()
        .to_owned();
    let first = DbInterface::with_registry(config.clone(), registry()).unwrap();
    let session = first.session().await.unwrap();
    session
        .execute("CREATE TABLE t (x INTEGER)", vec![])
        .await
        .unwrap();
    assert!(std::path::Path::new(&format!("{path}-wal")).exists());

    first.close().await;
    assert!(
        !std::path::Path::new(&format!("{path}-wal")).exists(),
        "closing checkpointed the log into the file"
    );
    let err = session
        .execute("INSERT INTO t VALUES (1)", vec![])
        .await
        .unwrap_err();
    assert!(err.to_string().contains("closed"), "{err}");

    let second = DbInterface::with_registry(config, registry()).unwrap();
    assert!(!Arc::ptr_eq(&first, &second), "a new interface");
    assert!(!Arc::ptr_eq(
        &first.database().await.unwrap(),
        &second.database().await.unwrap()
    ));
    let inserted = second
        .session()
        .await
        .unwrap()
        .execute("INSERT INTO t VALUES (1)", vec![])
        .await
        .unwrap();
    assert_eq!(inserted, 1);
}
