//! Tier 1, database configuration: what to connect to and how ([`DatabaseConfig`]), the pool
//! it opens ([`Database`], Prefect's engine), sessions and transactions.

mod database;
mod options;
mod session;
mod transaction;

pub use self::database::{Database, Outcome, Statement};
pub use self::options::{DatabaseConfig, TlsConfig};
pub use self::session::Session;
pub use self::transaction::Transaction;

pub(crate) use self::database::into_result as plugin_result;
