//! Tier 3: the PostgreSQL migration set (`migrations/postgresql/`, embedded at build time) and ORM
//! configuration.

use flowdb_plugin_sdk::DialectOrm;
use flowdb_plugin_sdk::abi::Migration;
use flowdb_plugin_sdk::orm::{migrations_from, prefect_upsert_columns};

include!(concat!(env!("OUT_DIR"), "/migrations.rs"));

/// The PostgreSQL ORM configuration: Prefect's schema as flowdb migrations.
pub struct PgOrm;

impl DialectOrm for PgOrm {
    fn unique_key(&self) -> String {
        "postgresql-orm".to_owned()
    }

    fn migrations(&self) -> Vec<Migration> {
        migrations_from(MIGRATIONS)
    }

    fn upsert_columns(&self, table: &str) -> Option<Vec<String>> {
        prefect_upsert_columns(table)
            .map(|columns| columns.iter().map(|c| (*c).to_owned()).collect())
    }

    /// A transaction-scoped advisory lock: a second process migrating the same database waits
    /// here until the first one's migration commits.
    fn migration_lock_sql(&self) -> Option<String> {
        Some("SELECT pg_advisory_xact_lock(7263544651)".to_owned())
    }
}
