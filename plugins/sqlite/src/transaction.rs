//! A SQLite transaction on one lent connection.

use flowdb_plugin_sdk::abi::{ExecOutcome, RowSet, Statement, StatementOutcome};
use flowdb_plugin_sdk::{Result, Transaction};
use rusqlite::Connection;

use crate::error::{Error, ErrorKind, from_sqlite};
use crate::pool::Lease;
use crate::types;

/// A transaction begun with `BEGIN IMMEDIATE` or `BEGIN DEFERRED`; dropped uncommitted, it is
/// rolled back before its connection is lent again.
pub struct SqliteTransaction {
    /// None once committed or rolled back, or after an operation was cancelled midway (the
    /// connection then rolls back as it returns to the pool).
    lease: Option<Lease>,
}

impl SqliteTransaction {
    pub(crate) fn new(lease: Lease) -> Self {
        Self { lease: Some(lease) }
    }

    async fn with<T, F>(&mut self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection, bool) -> Result<T> + Send + 'static,
    {
        let lease = self.lease.take().ok_or_else(|| {
            Error::new(
                ErrorKind::INVALID_ARGUMENT,
                "the transaction has ended (committed, rolled back, or an earlier call on it was cancelled)",
            )
        })?;
        let (lease, value) = lease.run(work).await?;
        self.lease = Some(lease);
        Ok(value)
    }
}

impl Transaction for SqliteTransaction {
    async fn execute(&mut self, statement: Statement) -> Result<ExecOutcome> {
        let rows_affected = self
            .with(move |connection, echo| types::execute(connection, &statement, echo))
            .await?;
        Ok(ExecOutcome { rows_affected })
    }

    async fn fetch_all(&mut self, statement: Statement) -> Result<RowSet> {
        self.with(move |connection, echo| types::fetch_all(connection, &statement, echo))
            .await
    }

    async fn run(&mut self, statement: Statement) -> Result<StatementOutcome> {
        self.with(move |connection, echo| types::run(connection, &statement, echo))
            .await
    }

    async fn commit(mut self) -> Result<()> {
        self.with(|connection, _| connection.execute_batch("COMMIT").map_err(from_sqlite))
            .await
    }

    async fn rollback(mut self) -> Result<()> {
        self.with(|connection, _| connection.execute_batch("ROLLBACK").map_err(from_sqlite))
            .await
    }

    async fn execute_script(&mut self, sql: String) -> Result<()> {
        self.with(move |connection, echo| {
            if echo {
                tracing::info!(target: "flowdb_plugin_sqlite::statement", "{sql}");
            }
            connection.execute_batch(&sql).map_err(from_sqlite)
        })
        .await
    }
}
