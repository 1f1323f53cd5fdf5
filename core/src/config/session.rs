//! [`Session`]: Prefect's unit of work.

use std::sync::Arc;

use crate::config::database::Database;
use crate::config::transaction::Transaction;
use crate::error::Result;
use crate::value::{Rows, Value};

/// A unit of work against one database, as Prefect's `session_context` gives.
///
/// Plain reads run in autocommit, without holding a transaction open; writes go through
/// [`begin_transaction`](Self::begin_transaction), or [`Database::run_unit_of_work`] for a
/// batch that needs no reads in between.
#[derive(Debug, Clone)]
pub struct Session {
    database: Arc<Database>,
}

impl Session {
    pub(crate) fn new(database: Arc<Database>) -> Session {
        Session { database }
    }

    /// The database this session uses.
    pub fn database(&self) -> &Arc<Database> {
        &self.database
    }

    /// Runs a statement in autocommit.
    pub async fn execute(&self, sql: &str, params: Vec<Value>) -> Result<u64> {
        self.database.execute(sql, params).await
    }

    /// Runs a query in autocommit.
    pub async fn fetch_all(&self, sql: &str, params: Vec<Value>) -> Result<Rows> {
        self.database.fetch_all(sql, params).await
    }

    /// Begins a transaction. `with_for_update` asks for the write lock up front, as Prefect
    /// does for state transitions: on SQLite `BEGIN IMMEDIATE`, the database's one write lock,
    /// which covers every row it reads (concurrent writers wait their turn, up to the busy
    /// timeout); on PostgreSQL it changes nothing by itself — rows are locked by the reads
    /// that ask ([`Select::for_update`](crate::models::Select::for_update), `FOR UPDATE`).
    pub async fn begin_transaction(&self, with_for_update: bool) -> Result<Transaction> {
        self.database.begin(with_for_update).await
    }
}
