//! Tier 1, database configuration: what to connect to and how ([`DatabaseConfig`]), the pool
//! it opens ([`Database`], Prefect's engine), sessions and transactions.

mod database;
mod options;
mod session;
mod statement;
mod transaction;

pub use self::database::{Database, Outcome};
pub use self::options::{DatabaseConfig, TlsConfig};
pub use self::session::Session;
pub use self::statement::Statement;
pub use self::transaction::Transaction;

pub(crate) use self::statement::into_result as plugin_result;
