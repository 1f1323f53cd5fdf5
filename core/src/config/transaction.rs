//! [`Transaction`]: a transaction on one connection.

use std::sync::Arc;

use flowdb_abi::TransactionBox;

use crate::config::statement::{Statement, into_result};
use crate::error::Result;
use crate::plugin::LoadedPlugin;
use crate::value::{Rows, Value};

/// A transaction bound to one pooled connection. Dropping it without [`commit`](Self::commit)
/// rolls it back.
pub struct Transaction {
    inner: TransactionBox,
    plugin: Arc<LoadedPlugin>,
    with_for_update: bool,
}

impl std::fmt::Debug for Transaction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transaction")
            .field("plugin", &self.plugin.name())
            .finish_non_exhaustive()
    }
}

impl Transaction {
    pub(crate) fn new(
        inner: TransactionBox,
        plugin: Arc<LoadedPlugin>,
        with_for_update: bool,
    ) -> Transaction {
        Transaction {
            inner,
            plugin,
            with_for_update,
        }
    }

    /// Whether it was begun `with_for_update` (on SQLite: it holds the database's write lock).
    pub fn with_for_update(&self) -> bool {
        self.with_for_update
    }

    /// Runs a statement that returns no rows; returns the rows affected.
    pub async fn execute(&mut self, sql: &str, params: Vec<Value>) -> Result<u64> {
        let call = self.inner.execute(Statement::new(sql, params).into_abi());
        Ok(into_result(&self.plugin, call.await)?.rows_affected)
    }

    /// Runs a query and returns all its rows.
    pub async fn fetch_all(&mut self, sql: &str, params: Vec<Value>) -> Result<Rows> {
        let call = self.inner.fetch_all(Statement::new(sql, params).into_abi());
        Ok(Rows::new(into_result(&self.plugin, call.await)?))
    }

    /// Runs a script of several statements without parameters (a migration).
    pub async fn execute_script(&mut self, sql: &str) -> Result<()> {
        let call = self.inner.execute_script(sql.into());
        into_result(&self.plugin, call.await)
    }

    /// Commits.
    pub async fn commit(self) -> Result<()> {
        into_result(&self.plugin, self.inner.commit().await)
    }

    /// Rolls back.
    pub async fn rollback(self) -> Result<()> {
        into_result(&self.plugin, self.inner.rollback().await)
    }
}
