//! The MariaDB/MySQL dialect plugin of flowdb, written against `flowdb-plugin-sdk` alone, the
//! way a third party writes one (its `Cargo.toml` names no other crate of flowdb's).
//!
//! All three tiers: pools and transactions through sqlx, statements in the contract's `$n`
//! placeholders rewritten to MySQL's `?`, sessions set up so that the contract's portable SQL
//! means the same as on PostgreSQL (ANSI quotes, `||` concatenation, UTC, READ COMMITTED), and
//! servers too old for `SKIP LOCKED` refused at connect; Prefect's schema in MySQL's types
//! (`migrations/mysql`) and a schema snapshot from `information_schema`; the standard query
//! components in MySQL's SQL, with its own templates (`sql/mysql`).
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

pub use crate::dialect::MySqlDialect;
pub use crate::migrate::MySqlOrm;
pub use crate::options::{ServerVersion, check_server_version};
pub use crate::pool::MySqlPoolHandle;
pub use crate::queries::MySqlQueries;
pub use crate::transaction::MySqlTransaction;
pub use crate::types::positional_placeholders;

flowdb_plugin_sdk::export_plugin!(MySqlDialect);
