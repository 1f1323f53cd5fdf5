//! The PostgreSQL dialect plugin of flowdb: sqlx's PostgreSQL driver behind the plugin ABI.
//!
//! It connects the way Prefect's `AsyncPostgresConfiguration` does: READ COMMITTED, a
//! statement timeout, a connect timeout, `application_name`, `search_path`, TLS options and
//! Prefect's pool settings (5 + 10 overflow, recycle after an hour, 30 s checkout, pre-ping).
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

pub use crate::dialect::PgDialect;
pub use crate::migrate::PgOrm;
pub use crate::options::pg_connect_options;
pub use crate::pool::PgPoolHandle;
pub use crate::transaction::PgTransaction;

flowdb_plugin_sdk::export_plugin!(PgDialect);
