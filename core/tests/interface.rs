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
            let url =
                inject_db(|db| async move { Ok::<_, flowdb::Error>(db.config().url().to_owned()) })
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

/// Many tests overriding at once, as `cargo test` runs them: each task sees only its own
/// database — in its own code, in the tasks it spawns through `in_current_scope`, and through
/// `inject_db` — while process-wide overrides come and go around it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn scoped_overrides_hold_for_their_task_and_what_it_spawns() {
    // Takes its turn only because it also sets process-wide overrides.
    let _turn = OVERRIDES.lock().await;
    let process_wide =
        DbInterface::with_registry(sqlite_config("scoped-process-wide"), registry()).unwrap();
    let interfaces: Vec<Arc<DbInterface>> = (0..24)
        .map(|index| {
            DbInterface::with_registry(sqlite_config(&format!("scoped-{index}")), registry())
                .unwrap()
        })
        .collect();
    let mut tasks = Vec::new();
    for (index, mine) in interfaces.iter().cloned().enumerate() {
        tasks.push(tokio::spawn(flowdb::scoped_database_interface(
            Arc::clone(&mine),
            async move {
                for round in 0..40 {
                    let seen = provide_database_interface().unwrap();
                    assert!(
                        Arc::ptr_eq(&seen, &mine),
                        "task {index}, round {round}: saw {}",
                        seen.config().url()
                    );
                    let child = tokio::spawn(flowdb::in_current_scope(async {
                        provide_database_interface().unwrap()
                    }));
                    assert!(
                        Arc::ptr_eq(&child.await.unwrap(), &mine),
                        "task {index}, round {round}: a spawned task saw another database"
                    );
                    tokio::task::yield_now().await;
                }
                inject_db(|db| async move {
                    let session = db.session().await?;
                    session
                        .execute("CREATE TABLE marker (task INTEGER)", vec![])
                        .await?;
                    session
                        .execute(
                            "INSERT INTO marker (task) VALUES ($1)",
                            flowdb::params![index as i64],
                        )
                        .await?;
                    Ok::<_, flowdb::Error>(())
                })
                .await
                .unwrap();
            },
        )));
    }
    for _ in 0..200 {
        let _guard = temporary_database_interface(Arc::clone(&process_wide));
        tokio::task::yield_now().await;
    }
    for task in tasks {
        task.await.unwrap();
    }
    // Every database holds its own task's marker and no other.
    for (index, interface) in interfaces.iter().enumerate() {
        let rows = interface
            .session()
            .await
            .unwrap()
            .fetch_all("SELECT task FROM marker", vec![])
            .await
            .unwrap();
        let tasks: Vec<i64> = rows.iter().map(|row| row.get("task").unwrap()).collect();
        assert_eq!(tasks, vec![index as i64]);
    }
    // Outside every scope, a plainly spawned task sees no scoped override.
    let _guard = temporary_database_interface(Arc::clone(&process_wide));
    let outside = tokio::spawn(async { provide_database_interface().unwrap() });
    assert!(Arc::ptr_eq(&outside.await.unwrap(), &process_wide));
}

/// Temporary overrides dropped out of order: the newest one still alive holds, and once all are
/// gone the permanent override is back.
#[tokio::test]
async fn guards_dropped_in_any_order_leave_the_newest_remaining_override() {
    let _turn = OVERRIDES.lock().await;
    let interface =
        |label: &str| DbInterface::with_registry(sqlite_config(label), registry()).unwrap();
    let (base, first, second, third) = (
        interface("order-base"),
        interface("order-first"),
        interface("order-second"),
        interface("order-third"),
    );
    let current = || provide_database_interface().unwrap();
    flowdb::set_database_interface(Some(Arc::clone(&base)));
    let first_guard = temporary_database_interface(Arc::clone(&first));
    let second_guard = temporary_database_interface(Arc::clone(&second));
    let third_guard = temporary_database_interface(Arc::clone(&third));
    assert!(Arc::ptr_eq(&current(), &third));
    drop(second_guard);
    assert!(Arc::ptr_eq(&current(), &third), "the newest still holds");
    drop(third_guard);
    assert!(
        Arc::ptr_eq(&current(), &first),
        "the second was withdrawn already, so the first holds, not the second"
    );
    let scoped = flowdb::scoped_database_interface(Arc::clone(&second), async { current() }).await;
    assert!(
        Arc::ptr_eq(&scoped, &second),
        "a scope beats every process-wide override"
    );
    drop(first_guard);
    assert!(
        Arc::ptr_eq(&current(), &base),
        "the permanent override is back"
    );
    flowdb::set_database_interface(None);
}

/// `inject_db` hands the work's own error type back, and converts a failure to provide the
/// interface into it.
#[tokio::test]
async fn inject_db_returns_the_callers_error_type() {
    #[derive(Debug)]
    enum HostError {
        Database(flowdb::Error),
        Refused(&'static str),
    }
    impl From<flowdb::Error> for HostError {
        fn from(err: flowdb::Error) -> Self {
            HostError::Database(err)
        }
    }
    let _turn = OVERRIDES.lock().await;
    let mine = DbInterface::with_registry(sqlite_config("inject-error"), registry()).unwrap();
    let refused = flowdb::scoped_database_interface(mine, async {
        inject_db(|_db| async { Err::<(), _>(HostError::Refused("no")) }).await
    })
    .await;
    assert!(matches!(refused, Err(HostError::Refused("no"))));
    let bad = DatabaseConfig::new("nosuchscheme://x");
    let failed = flowdb::scoped_database_config(bad, async {
        inject_db(|_db| async { Ok::<(), HostError>(()) }).await
    })
    .await;
    match failed {
        Err(HostError::Database(err)) => {
            assert!(err.to_string().contains("nosuchscheme"), "{err}")
        }
        other => panic!("expected the provider's error, got {other:?}"),
    }
}

/// A host's test binary (in cargo's `target/<profile>/deps`) finds the workspace's built
/// plugins through the executable tier alone: no environment, no explicit path.
#[tokio::test]
async fn a_test_binary_finds_the_plugins_cargo_built_beside_it() {
    let exe = std::env::current_exe().unwrap();
    assert_eq!(
        exe.parent().unwrap().file_name().unwrap(),
        "deps",
        "this test runs from cargo's deps directory"
    );
    let registry = PluginRegistry::discover(SearchPath::from_lookup(|_| None, Some(exe.clone())));
    let profile_dir = exe.parent().unwrap().parent().unwrap();
    assert!(
        registry.search_path().dirs.iter().any(|dir| dir.tier
            == flowdb::plugin::SearchTier::Executable
            && dir.path == profile_dir),
        "{:?}",
        registry.search_path()
    );
    let db = DbInterface::with_registry(sqlite_config("executable-tier"), &registry).unwrap();
    assert!(db.is_db_connectable().await);
    let sqlite = registry
        .report(false)
        .into_iter()
        .find(|plugin| plugin.name == "sqlite")
        .unwrap();
    assert!(
        sqlite
            .manifest_path
            .as_deref()
            .is_some_and(|path| path.starts_with(profile_dir)),
        "found in the profile directory, not elsewhere: {:?}",
        sqlite.manifest_path
    );
}

/// A manifest installed as a symbolic link names its library relative to where the manifest
/// really is.
#[tokio::test]
async fn a_symlinked_manifest_finds_its_library_where_the_manifest_really_is() {
    let real = temp_dir("manifest-real");
    common::private_copy("flowdb_plugin_sqlite", &real);
    let manifest_name = format!("sqlite{}", flowdb::plugin::MANIFEST_SUFFIX);
    std::fs::copy(plugin_dir().join(&manifest_name), real.join(&manifest_name)).unwrap();
    let linked = temp_dir("manifest-linked");
    std::os::unix::fs::symlink(real.join(&manifest_name), linked.join(&manifest_name)).unwrap();
    let registry = PluginRegistry::discover(SearchPath::explicit_only([linked.clone()]));
    let db = DbInterface::with_registry(sqlite_config("symlinked-manifest"), &registry)
        .unwrap_or_else(|err| panic!("{err}"));
    assert!(db.is_db_connectable().await);
}

/// "No plugin" tells a host what a host can do, and the command line what it can do.
#[test]
fn the_no_plugin_hint_fits_the_caller() {
    let empty = temp_dir("no-plugins");
    let registry = PluginRegistry::discover(SearchPath::explicit_only([empty.clone()]));
    let host_message = DbInterface::with_registry(DatabaseConfig::new("nosuch://x"), &registry)
        .map(|_| ())
        .expect_err("no plugin serves nosuch")
        .to_string();
    assert!(
        host_message.contains("FLOWDB_PLUGIN_PATH"),
        "{host_message}"
    );
    assert!(
        host_message.contains("PluginRegistry::init_global"),
        "{host_message}"
    );
    assert!(!host_message.contains("--plugin-path"), "{host_message}");

    let output = common::flowdb_command(&empty)
        .args(["database", "ping", "--url", "nosuch://x", "--plugin-path"])
        .arg(&empty)
        .output()
        .unwrap();
    let cli_message = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(cli_message.contains("--plugin-path"), "{cli_message}");
    assert!(!cli_message.contains("init_global"), "{cli_message}");
}

/// A plugin crate built as a dependency of a host leaves its library in `target/<profile>/deps`
/// and its manifest in `target/<profile>`: the manifest finds it there.
#[tokio::test]
async fn a_plugin_built_as_a_dependency_is_found_in_deps() {
    let profile = temp_dir("cargo-profile");
    std::fs::create_dir_all(profile.join(".fingerprint")).unwrap();
    std::fs::create_dir_all(profile.join("deps")).unwrap();
    common::private_copy("flowdb_plugin_sqlite", &profile.join("deps"));
    let manifest_name = format!("sqlite{}", flowdb::plugin::MANIFEST_SUFFIX);
    std::fs::copy(
        plugin_dir().join(&manifest_name),
        profile.join(&manifest_name),
    )
    .unwrap();
    let registry = PluginRegistry::discover(SearchPath::explicit_only([profile.clone()]));
    let db = DbInterface::with_registry(sqlite_config("plugin-in-deps"), &registry)
        .unwrap_or_else(|err| panic!("{err}"));
    assert!(db.is_db_connectable().await);

    // Outside a cargo profile directory, a library missing beside its manifest is missing.
    let plain = temp_dir("not-a-profile");
    std::fs::create_dir_all(plain.join("deps")).unwrap();
    common::private_copy("flowdb_plugin_sqlite", &plain.join("deps"));
    std::fs::copy(
        plugin_dir().join(&manifest_name),
        plain.join(&manifest_name),
    )
    .unwrap();
    let registry = PluginRegistry::discover(SearchPath::explicit_only([plain.clone()]));
    let err = DbInterface::with_registry(sqlite_config("plugin-not-in-deps"), &registry)
        .map(|_| ())
        .expect_err("no library beside the manifest");
    assert!(err.to_string().contains("does not exist"), "{err}");
}
