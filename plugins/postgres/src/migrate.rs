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
    /// here until the first one's migration commits. The statement timeout (Prefect's
    /// `timeout`, 10 s) is lifted for the migration's transaction first, as Prefect's
    /// `migration_timeout` defaults to no limit: neither the wait for the lock nor a long
    /// migration statement on a large database may be cut short midway.
    fn migration_lock_sql(&self) -> Option<String> {
        Some("SET LOCAL statement_timeout = 0; SELECT pg_advisory_xact_lock(7263544651)".to_owned())
    }
}
