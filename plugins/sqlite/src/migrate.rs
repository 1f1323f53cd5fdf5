//! Tier 3: the SQLite migration set (`migrations/sqlite/`, embedded at build time) and ORM
//! configuration.

use flowdb_plugin_sdk::DialectOrm;
use flowdb_plugin_sdk::abi::Migration;
use flowdb_plugin_sdk::orm::{migrations_from, prefect_upsert_columns};

include!(concat!(env!("OUT_DIR"), "/migrations.rs"));

/// The SQLite ORM configuration: Prefect's schema as flowdb migrations.
/// No migration lock statement: migrations run in `BEGIN IMMEDIATE` transactions, which
/// already serialise writers.
pub struct SqliteOrm;

impl DialectOrm for SqliteOrm {
    fn unique_key(&self) -> String {
        "sqlite-orm".to_owned()
    }

    fn migrations(&self) -> Vec<Migration> {
        migrations_from(MIGRATIONS)
    }

    fn upsert_columns(&self, table: &str) -> Option<Vec<String>> {
        prefect_upsert_columns(table)
            .map(|columns| columns.iter().map(|c| (*c).to_owned()).collect())
    }
}
