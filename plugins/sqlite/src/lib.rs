//! The SQLite dialect plugin of flowdb: SQLite's C library (through rusqlite) behind the plugin
//! ABI, each operation run on the plugin runtime's blocking threads.
//!
//! It sets up connections the way Prefect's `AioSqliteConfiguration` does (WAL, foreign keys,
//! `legacy_alter_table` off, synchronous NORMAL, a 20,000-page cache, a 60 s busy timeout),
//! keeps one connection alive for an in-memory database, stores values in Prefect's encodings
//! (UUIDs and timestamps as text) and reads them back typed by the columns' declared types.
#![forbid(unsafe_code)]

mod dialect;
mod error;
mod migrate;
mod options;
mod pool;
mod queries;
mod schema;
mod transaction;
mod types;

pub use crate::dialect::SqliteDialect;
pub use crate::migrate::SqliteOrm;
pub use crate::options::{SqliteTarget, parse_sqlite_url};
pub use crate::pool::SqlitePoolHandle;
pub use crate::transaction::SqliteTransaction;

flowdb_plugin_sdk::export_plugin!(SqliteDialect);
