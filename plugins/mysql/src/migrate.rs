//! Tier 3: the MySQL migration set (`migrations/mysql/`, embedded at build time) and ORM
//! configuration.

use flowdb_plugin_sdk::DialectOrm;
use flowdb_plugin_sdk::abi::Migration;
use flowdb_plugin_sdk::orm::{migrations_from, prefect_upsert_columns};

include!(concat!(env!("OUT_DIR"), "/migrations.rs"));

/// The MySQL ORM configuration: Prefect's schema in MySQL's types.
///
/// No migration lock: MySQL's named locks (`GET_LOCK`) belong to a session, not a
/// transaction, and would outlive the migration on a pooled connection. Two hosts upgrading
/// one database at once are not kept apart; MySQL also commits each DDL statement by itself,
/// so a migration that fails halfway leaves what it did so far.
pub struct MySqlOrm;

impl DialectOrm for MySqlOrm {
    fn unique_key(&self) -> String {
        "mysql-orm".to_owned()
    }

    fn migrations(&self) -> Vec<Migration> {
        migrations_from(MIGRATIONS)
    }

    fn upsert_columns(&self, table: &str) -> Option<Vec<String>> {
        prefect_upsert_columns(table)
            .map(|columns| columns.iter().map(|c| (*c).to_owned()).collect())
    }
}
