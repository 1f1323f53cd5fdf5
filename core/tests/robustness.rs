//! A plugin that panics, in any entry point or inside a future, or that is cancelled mid-flight,
//! must not take the host down: the panic becomes an error, the plugin is poisoned, and later
//! calls fail fast. Each test loads a private copy of the misbehaving plugin so that poisoning
//! one does not affect the others.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{manifest_body, private_copy, temp_dir, write_manifest};
use flowdb::plugin::{PluginRegistry, PluginStatus, SearchPath};
use flowdb::{DatabaseConfig, DbInterface, ErrorKind};

/// A registry holding a fresh copy of the misbehaving plugin.
fn misbehaving_registry(label: &str) -> PluginRegistry {
    let dir = temp_dir(label);
    let library = private_copy("flowdb_fixture_misbehaving", &dir);
    write_manifest(
        &dir,
        "misbehaving",
        &manifest_body(
            "misbehaving",
            &["misbehaving"],
            flowdb_abi::ABI_VERSION,
            &library,
        ),
    );
    PluginRegistry::discover(SearchPath::explicit_only([dir]))
}

fn open(registry: &PluginRegistry, url: &str) -> Arc<DbInterface> {
    DbInterface::with_registry(DatabaseConfig::new(url), registry).unwrap()
}

fn assert_poisoned(registry: &PluginRegistry) {
    let reports = registry.report(false);
    assert_eq!(reports[0].status, PluginStatus::Poisoned, "{reports:#?}");
    assert!(
        reports[0].reason.as_deref().unwrap().contains("as asked"),
        "{reports:#?}"
    );
}

#[tokio::test]
async fn a_panic_in_a_synchronous_call_poisons_the_plugin() {
    let registry = misbehaving_registry("panic-sync");
    let db = open(&registry, "misbehaving://ok");
    let database = db.database().await.unwrap();
    let err = database.execute("panic", vec![]).await.unwrap_err();
    assert_eq!(err.kind(), Some(ErrorKind::PANIC), "{err}");
    let message = err.to_string();
    assert!(
        message.contains("panicked in execute: misbehaving plugin: panic in execute, as asked"),
        "{message}"
    );
    assert!(message.contains("poisoned"), "{message}");

    let err = database.execute("fine", vec![]).await.unwrap_err();
    assert_eq!(err.kind(), Some(ErrorKind::POISONED), "{err}");
    assert!(err.to_string().contains("restart the process"), "{err}");
    assert_poisoned(&registry);
}

#[tokio::test]
async fn a_panic_inside_a_future_poisons_the_plugin() {
    let registry = misbehaving_registry("panic-future");
    let database = open(&registry, "misbehaving://ok")
        .database()
        .await
        .unwrap();
    assert_eq!(database.execute("fine", vec![]).await.unwrap(), 1);
    let err = database
        .fetch_all("panic-in-future", vec![])
        .await
        .unwrap_err();
    assert_eq!(err.kind(), Some(ErrorKind::PANIC), "{err}");
    assert!(
        err.to_string()
            .contains("panic in the execute future, as asked"),
        "{err}"
    );
    let err = database.execute("fine", vec![]).await.unwrap_err();
    assert_eq!(err.kind(), Some(ErrorKind::POISONED), "{err}");
    assert_poisoned(&registry);
}

#[tokio::test]
async fn a_panic_while_connecting_is_an_error() {
    let registry = misbehaving_registry("panic-connect");
    let err = open(&registry, "misbehaving://panic-in-connect")
        .database()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), Some(ErrorKind::PANIC), "{err}");
    assert!(
        err.to_string().contains("panic in connect, as asked"),
        "{err}"
    );

    let registry = misbehaving_registry("panic-connect-future");
    let err = open(&registry, "misbehaving://panic-in-connect-future")
        .database()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), Some(ErrorKind::PANIC), "{err}");
    assert!(
        err.to_string()
            .contains("panic in the connect future, as asked"),
        "{err}"
    );
}

#[tokio::test]
async fn a_host_timeout_cancels_a_plugin_future_cleanly() {
    let registry = misbehaving_registry("cancel");
    let database = open(&registry, "misbehaving://ok")
        .database()
        .await
        .unwrap();
    for _ in 0..5 {
        let outcome =
            tokio::time::timeout(Duration::from_millis(50), database.execute("sleep", vec![]))
                .await;
        assert!(outcome.is_err(), "the sleep should have been cancelled");
    }
    assert_eq!(database.execute("fine", vec![]).await.unwrap(), 1);
    assert_eq!(registry.report(false)[0].status, PluginStatus::Loaded);
}

/// Plugin futures are polled from a thread with no tokio runtime at all (a plain executor),
/// and dropped on a plain thread: the SDK enters the plugin's runtime itself.
#[test]
fn plugin_futures_need_no_host_runtime() {
    let registry = misbehaving_registry("no-runtime");
    let db = open(&registry, "misbehaving://ok");
    let database = futures::executor::block_on(db.database()).unwrap();
    assert_eq!(
        futures::executor::block_on(database.execute("fine", vec![])).unwrap(),
        1
    );
    // Start a query, poll it once so it is in flight inside the plugin, then drop it elsewhere.
    let mut pending = Box::pin({
        let database = Arc::clone(&database);
        async move { database.execute("sleep", vec![]).await }
    });
    let waker = futures::task::noop_waker();
    let mut context = std::task::Context::from_waker(&waker);
    assert!(pending.as_mut().poll(&mut context).is_pending());
    std::thread::spawn(move || drop(pending)).join().unwrap();
    assert_eq!(
        futures::executor::block_on(database.execute("fine", vec![])).unwrap(),
        1
    );
    let sqlite = common::interface("sqlite::memory:");
    let rows = futures::executor::block_on(async {
        sqlite
            .session()
            .await?
            .fetch_all("select 1 as one", vec![])
            .await
    })
    .unwrap();
    assert_eq!(rows.len(), 1);
}

/// A call that waits many times before it finishes (as a large fetch does) is guarded on every
/// poll: cancelled at any point, it leaves the plugin healthy; a late panic still poisons it.
#[tokio::test]
async fn calls_that_wait_many_times_are_guarded_throughout() {
    let registry = misbehaving_registry("offload");
    let database = open(&registry, "misbehaving://ok")
        .database()
        .await
        .unwrap();
    assert_eq!(database.execute("wait-often", vec![]).await.unwrap(), 1);
    for _ in 0..3 {
        let outcome = tokio::time::timeout(
            Duration::from_millis(100),
            database.execute("wait-often-then-sleep", vec![]),
        )
        .await;
        assert!(outcome.is_err(), "the sleep should have been cancelled");
    }
    assert_eq!(database.execute("wait-often", vec![]).await.unwrap(), 1);
    let err = database
        .execute("wait-often-then-panic", vec![])
        .await
        .unwrap_err();
    assert_eq!(err.kind(), Some(ErrorKind::PANIC), "{err}");
    assert!(
        err.to_string()
            .contains("panic after waiting often, as asked"),
        "{err}"
    );
    let err = database.execute("fine", vec![]).await.unwrap_err();
    assert_eq!(err.kind(), Some(ErrorKind::POISONED), "{err}");
}
