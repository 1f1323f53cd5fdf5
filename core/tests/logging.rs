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

#[tokio::test]
async fn plugin_logs_reach_the_host_subscriber() {
    let captured = Captured::default();
    // Installed before the plugin loads: the plugin is told the host's level at initialisation.
    tracing::subscriber::set_global_default(tracing_subscriber::registry().with(captured.clone()))
        .unwrap();

    let dir = temp_dir("logging");
    let library = private_copy("flowdb_fixture_misbehaving", &dir);
    write_manifest(
        &dir,
        "misbehaving",
        &manifest_body("misbehaving", &["misbehaving"], "0.1.0", &library),
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
