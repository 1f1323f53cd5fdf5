//! A plugin's log records reach the host's `tracing` subscriber through the logging callback.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::{Arc, Mutex};

use common::{manifest_body, private_copy, temp_dir, write_manifest};
use flowdb::plugin::{PluginRegistry, SearchPath};
use flowdb::{DatabaseConfig, DbInterface};
use tracing_subscriber::layer::SubscriberExt as _;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<String>>>);

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Captured {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        struct Fields(String);
        impl tracing::field::Visit for Fields {
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                self.0.push_str(&format!("{}={value:?} ", field.name()));
            }
            fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
                self.0.push_str(&format!("{}={value} ", field.name()));
            }
        }
        let mut fields = Fields(format!(
            "{} {} ",
            event.metadata().level(),
            event.metadata().target()
        ));
        event.record(&mut fields);
        self.0.lock().unwrap().push(fields.0);
    }
}

/// The capturing subscriber, installed once, before any plugin loads: a plugin is told the
/// host's level when it initialises.
fn captured() -> &'static Captured {
    static CAPTURED: std::sync::OnceLock<Captured> = std::sync::OnceLock::new();
    CAPTURED.get_or_init(|| {
        let captured = Captured::default();
        tracing::subscriber::set_global_default(
            tracing_subscriber::registry().with(captured.clone()),
        )
        .unwrap();
        captured
    })
}

fn lines_containing(needle: &str) -> Vec<String> {
    let lines = captured().0.lock().unwrap();
    lines
        .iter()
        .filter(|line| line.contains(needle))
        .cloned()
        .collect()
}

#[tokio::test]
async fn plugin_logs_reach_the_host_subscriber() {
    let captured = captured();

    let dir = temp_dir("logging");
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
    let registry = PluginRegistry::discover(SearchPath::explicit_only([dir]));
    let db =
        DbInterface::with_registry(DatabaseConfig::new("misbehaving://ok"), &registry).unwrap();
    db.database()
        .await
        .unwrap()
        .execute("log", vec![])
        .await
        .unwrap();

    let lines = captured.0.lock().unwrap().clone();
    let line = lines
        .iter()
        .find(|line| line.contains("a warning from inside the plugin"))
        .unwrap_or_else(|| panic!("the plugin's warning did not arrive: {lines:#?}"));
    assert!(line.starts_with("WARN flowdb::plugin"), "{line}");
    assert!(line.contains("plugin_target=misbehaving"), "{line}");
}

/// Prefect's `echo`: every statement is logged, through the plugin's callback.
#[tokio::test]
async fn echo_logs_every_statement() {
    captured();
    let url = format!("sqlite:///{}", temp_dir("echo").join("flowdb.db").display());
    let mut config = DatabaseConfig::new(&url);
    config.echo = true;
    let db = DbInterface::with_registry(config, common::registry()).unwrap();
    db.session()
        .await
        .unwrap()
        .fetch_all("select 4242 as echoed_statement", vec![])
        .await
        .unwrap();
    let quiet = DbInterface::with_registry(DatabaseConfig::new(&url), common::registry()).unwrap();
    quiet
        .session()
        .await
        .unwrap()
        .fetch_all("select 4343 as quiet_statement", vec![])
        .await
        .unwrap();

    let echoed = lines_containing("echoed_statement");
    assert!(!echoed.is_empty(), "the echoed statement was not logged");
    assert!(echoed[0].contains("flowdb::plugin"), "{echoed:?}");
    assert!(
        lines_containing("quiet_statement").is_empty(),
        "without echo, statements are not logged"
    );
}
